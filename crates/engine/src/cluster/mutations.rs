//! What a teacher does to a running cluster: delete a pod, scale a workload, make a pod fail
//! its readiness probe, delete any object. Each is what the API server records; the controllers
//! then react over simulated time (a new pod, a new IP, the EndpointSlice following).

use super::demand::Demand;
use super::{Cluster, ObjectKey, Timer};
use crate::api::apps::WorkloadKind;
use crate::api::core::PodCondition;
use crate::limits::LimitExceeded;

/// A mutation that could not be done; `Display` is kubectl's text.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum MutationError {
    #[error("Error from server (NotFound): {resource} \"{name}\" not found")]
    NotFound { resource: String, name: String },
    #[error("error: the server doesn't have a resource type \"{0}\"")]
    UnknownResource(String),
    #[error("The {kind} \"{name}\" is invalid: spec.replicas: Invalid value: {replicas}: must be greater than or equal to 0")]
    NegativeReplicas {
        kind: String,
        name: String,
        replicas: i32,
    },
    /// `kubectl scale` asks for more than svcsim simulates ([`crate::limits`]); nothing changes.
    #[error("{0}")]
    LimitExceeded(#[from] LimitExceeded),
}

/// How long a pod's containers take to exit on SIGTERM (well within the grace period,
/// `terminationGracePeriodSeconds`, default 30 s), after its `preStop` hooks
/// (`controllers::shutdown_ms`).
pub const POD_SHUTDOWN_MS: u64 = 1_500;

impl Cluster {
    /// `kubectl delete pod`: the pod turns Terminating (deletionTimestamp set; its endpoint
    /// becomes `serving`/`terminating`, not ready) and is removed once its containers exit.
    pub fn delete_pod(&mut self, namespace: &str, name: &str) -> Result<(), MutationError> {
        let key = ObjectKey::new(namespace, name);
        let now = self.wall_now();
        let shutdown = {
            let Some(pod) = self.store.pods.get(&key) else {
                return Err(not_found("pods", name));
            };
            if pod.metadata.deletion_timestamp.is_some() {
                return Ok(());
            }
            crate::controllers::shutdown_ms(pod)
        };
        let rv = self.next_resource_version();
        if let Some(pod) = self.store.pods.get_mut(&key) {
            pod.metadata.deletion_timestamp = Some(now);
            pod.metadata.resource_version = rv;
        }
        self.event(
            "Normal",
            "Killing",
            format!("pod/{name}"),
            namespace,
            "Stopping container".to_string(),
        );
        self.schedule(shutdown, Timer::PodTerminated(key));
        Ok(())
    }

    /// `kubectl scale --replicas=N` for a Deployment, ReplicaSet or StatefulSet.
    pub fn scale(
        &mut self,
        kind: WorkloadKind,
        namespace: &str,
        name: &str,
        replicas: i32,
    ) -> Result<(), MutationError> {
        if replicas < 0 {
            return Err(MutationError::NegativeReplicas {
                kind: kind.as_str().to_string(),
                name: name.to_string(),
                replicas,
            });
        }
        let key = (kind, ObjectKey::new(namespace, name));
        let Some(w) = self.store.workloads.get(&key) else {
            return Err(not_found(
                &format!("{}.apps", kind.as_str().to_lowercase() + "s"),
                name,
            ));
        };
        // Scaling to the current count changes nothing (the API server's no-op update).
        if w.spec.replicas != Some(replicas) {
            // Refused before any pod is created: the controllers would otherwise try.
            Demand::of(self).check_scale(self, w, replicas)?;
            let rv = self.next_resource_version();
            if let Some(w) = self.store.workloads.get_mut(&key) {
                w.spec.replicas = Some(replicas);
                w.metadata.resource_version = rv;
            }
        }
        Ok(())
    }

    /// Make a pod's readiness probe fail (ready = false) or pass again: the Ready condition
    /// changes, so the EndpointSlice marks the endpoint not ready and kube-proxy stops using it.
    pub fn set_pod_ready(
        &mut self,
        namespace: &str,
        name: &str,
        ready: bool,
    ) -> Result<(), MutationError> {
        let now = self.wall_now();
        let rv = self.next_resource_version();
        let Some(pod) = self.store.pods.get_mut(&ObjectKey::new(namespace, name)) else {
            return Err(not_found("pods", name));
        };
        let status = if ready { "True" } else { "False" };
        for ty in ["Ready", "ContainersReady"] {
            match pod.status.conditions.iter_mut().find(|c| c.type_ == ty) {
                Some(c) if c.status == status => {}
                Some(c) => {
                    c.status = status.to_string();
                    c.last_transition_time = Some(now);
                }
                None => pod.status.conditions.push(PodCondition {
                    type_: ty.to_string(),
                    status: status.to_string(),
                    last_transition_time: Some(now),
                }),
            }
        }
        pod.metadata.resource_version = rv;
        let reason = if ready { "Ready" } else { "Unhealthy" };
        let message = if ready {
            "Readiness probe succeeded".to_string()
        } else {
            "Readiness probe failed".to_string()
        };
        self.event(
            if ready { "Normal" } else { "Warning" },
            reason,
            format!("pod/{name}"),
            namespace,
            message,
        );
        Ok(())
    }

    /// `kubectl delete <resource> <name>`: Services free their ClusterIPs, NodePorts and LB
    /// address; workloads are deleted with their pods (background cascading deletion).
    pub fn delete(
        &mut self,
        resource: &str,
        namespace: &str,
        name: &str,
    ) -> Result<(), MutationError> {
        let key = ObjectKey::new(namespace, name);
        match resource {
            "pod" | "pods" | "po" => self.delete_pod(namespace, name),
            "service" | "services" | "svc" => {
                let Some(svc) = self.store.services.remove(&key) else {
                    return Err(not_found("services", name));
                };
                self.alloc.release_service(&svc);
                self.sync_service_ips(namespace, name, &svc.spec.cluster_ips);
                // An address shared with other Services (`metallb.io/allow-shared-ip`) stays
                // theirs.
                for ing in &svc.status.load_balancer.ingress {
                    let shared = self.store.services.values().any(|o| {
                        o.status
                            .load_balancer
                            .ingress
                            .iter()
                            .any(|i| i.ip == ing.ip)
                    });
                    if !shared {
                        self.alloc.lb.release(&ing.ip);
                    }
                }
                Ok(())
            }
            "endpointslice" | "endpointslices" => self
                .store
                .endpoint_slices
                .remove(&key)
                .map(|_| ())
                .ok_or_else(|| not_found("endpointslices.discovery.k8s.io", name)),
            "servicecidr" | "servicecidrs" => self.delete_service_cidr(name),
            "endpoints" | "ep" => self
                .store
                .endpoints
                .remove(&key)
                .map(|_| ())
                .ok_or_else(|| not_found("endpoints", name)),
            "deployment" | "deployments" | "deploy" => {
                self.delete_workload(WorkloadKind::Deployment, namespace, name)
            }
            "replicaset" | "replicasets" | "rs" => {
                self.delete_workload(WorkloadKind::ReplicaSet, namespace, name)
            }
            "statefulset" | "statefulsets" | "sts" => {
                self.delete_workload(WorkloadKind::StatefulSet, namespace, name)
            }
            "daemonset" | "daemonsets" | "ds" => {
                self.delete_workload(WorkloadKind::DaemonSet, namespace, name)
            }
            other => Err(MutationError::UnknownResource(other.to_string())),
        }
    }

    fn delete_workload(
        &mut self,
        kind: WorkloadKind,
        namespace: &str,
        name: &str,
    ) -> Result<(), MutationError> {
        if self
            .store
            .workloads
            .remove(&(kind, ObjectKey::new(namespace, name)))
            .is_none()
        {
            return Err(not_found(
                &format!("{}s.apps", kind.as_str().to_lowercase()),
                name,
            ));
        }
        // Garbage collection: dependents whose controller owner is gone go too.
        let owned_rs: Vec<ObjectKey> = self
            .store
            .workloads
            .iter()
            .filter(|((k, key), w)| {
                *k == WorkloadKind::ReplicaSet
                    && key.namespace == namespace
                    && w.metadata
                        .controller_of()
                        .is_some_and(|o| o.kind == kind.as_str() && o.name == name)
            })
            .map(|((_, key), _)| key.clone())
            .collect();
        for rs in &owned_rs {
            self.store
                .workloads
                .remove(&(WorkloadKind::ReplicaSet, rs.clone()));
        }
        let pods: Vec<String> = self
            .store
            .pods_in(Some(namespace))
            .filter(|p| {
                p.metadata.controller_of().is_some_and(|o| {
                    (o.kind == kind.as_str() && o.name == name)
                        || (o.kind == "ReplicaSet" && owned_rs.iter().any(|r| r.name == o.name))
                })
            })
            .map(|p| p.metadata.name.clone())
            .collect();
        for p in pods {
            self.delete_pod(namespace, &p)?;
        }
        Ok(())
    }
}

fn not_found(resource: &str, name: &str) -> MutationError {
    MutationError::NotFound {
        resource: resource.to_string(),
        name: name.to_string(),
    }
}
