//! Teaching actions on the selected object: delete a pod, fail or pass its readiness probe,
//! scale its Deployment, toggle a Service's `externalTrafficPolicy`. Each is what a teacher
//! would type (`kubectl delete pod`, `kubectl scale`, an edit of the manifest); simulated time
//! then runs, so the picture goes through the same transitions a cluster does (Terminating, a
//! new Pending pod, the slice following).
//!
//! Actions that change what the text says (replicas, the policy) edit the text too, so the
//! text stays the source of truth: the edit shows in the editor, survives a reload and goes
//! into a shared link.

use super::Session;
use crate::layout::ObjectId;
use crate::textedit::{remove_objects, set_field};
use svcsim_engine::api::apps::WorkloadKind;
use svcsim_engine::cluster::{Cluster, ObjectKey};

/// What can be done to the selection.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Available {
    None,
    Pod {
        namespace: String,
        name: String,
        ready: bool,
        terminating: bool,
        /// The Deployment owning it (through its ReplicaSet) and its replicas.
        deployment: Option<(String, i32)>,
    },
    Service {
        namespace: String,
        name: String,
        /// `Cluster` or `Local`.
        policy: String,
        /// NodePort or LoadBalancer: only those have an external traffic policy.
        external: bool,
    },
}

/// The replicas a workload asks for (`spec.replicas`, 1 when unset).
pub fn replicas(cluster: &Cluster, kind: WorkloadKind, namespace: &str, name: &str) -> Option<i32> {
    cluster
        .store
        .workloads
        .get(&(kind, ObjectKey::new(namespace, name)))
        .map(|w| w.spec.replicas.unwrap_or(1))
}

/// The Deployment that owns a pod through its ReplicaSet, if any.
pub fn owner_deployment(cluster: &Cluster, namespace: &str, pod: &str) -> Option<String> {
    let p = cluster.store.pod(namespace, pod)?;
    let rs = p
        .metadata
        .owner_references
        .iter()
        .find(|o| o.kind == "ReplicaSet")?;
    let w = cluster.store.workloads.get(&(
        WorkloadKind::ReplicaSet,
        ObjectKey::new(namespace, rs.name.clone()),
    ))?;
    w.metadata
        .owner_references
        .iter()
        .find(|o| o.kind == "Deployment")
        .map(|o| o.name.clone())
}

/// What can be done to `selection` in `cluster`.
pub fn available(cluster: &Cluster, selection: Option<&ObjectId>) -> Available {
    match selection {
        Some(ObjectId::Pod { namespace, name }) => match cluster.store.pod(namespace, name) {
            Some(p) => Available::Pod {
                namespace: namespace.clone(),
                name: name.clone(),
                ready: p.is_ready(),
                terminating: p.metadata.deletion_timestamp.is_some(),
                deployment: owner_deployment(cluster, namespace, name).and_then(|d| {
                    replicas(cluster, WorkloadKind::Deployment, namespace, &d).map(|r| (d, r))
                }),
            },
            None => Available::None,
        },
        Some(ObjectId::Service { namespace, name }) => match cluster.store.service(namespace, name)
        {
            Some(svc) => Available::Service {
                namespace: namespace.clone(),
                name: name.clone(),
                policy: if svc.spec.external_traffic_policy.is_empty() {
                    "Cluster".to_string()
                } else {
                    svc.spec.external_traffic_policy.clone()
                },
                external: svc.spec.type_ == "NodePort" || svc.spec.type_ == "LoadBalancer",
            },
            None => Available::None,
        },
        _ => Available::None,
    }
}

impl Session {
    /// What can be done to the current selection.
    pub fn available(&self) -> Available {
        available(self.cluster(), self.selection.as_ref())
    }

    /// `kubectl delete pod NAME`.
    pub fn delete_pod(&mut self, namespace: &str, name: &str) -> Result<(), String> {
        let r = self
            .editing
            .cluster
            .delete_pod(namespace, name)
            .map_err(|e| e.to_string());
        self.cluster_changed();
        r?;
        self.remove_from_text("Pod", namespace, name);
        Ok(())
    }

    /// An object was deleted (the console's `kubectl delete`, the delete-pod button): when
    /// the text defines it, its document leaves the applied and the editor's text, so the next
    /// apply does not silently create it again (one source of truth). A Deployment's pods are
    /// not in the text: their Deployment replaces them, as in a real cluster.
    pub(super) fn remove_from_text(&mut self, kind: &str, namespace: &str, name: &str) {
        self.remove_all_from_text(&[(kind, namespace, name)]);
    }

    /// [`Self::remove_from_text`] for everything one command deleted, each text read once.
    pub(super) fn remove_all_from_text(&mut self, objects: &[(&str, &str, &str)]) {
        if let Some(text) = remove_objects(&self.editing.text, objects) {
            self.editing.text = text;
        }
        if let Some(draft) = remove_objects(&self.draft, objects) {
            self.set_draft(draft);
        }
    }

    /// Make a pod's readiness probe fail or pass again.
    pub fn set_pod_ready(
        &mut self,
        namespace: &str,
        name: &str,
        ready: bool,
    ) -> Result<(), String> {
        let r = self
            .editing
            .cluster
            .set_pod_ready(namespace, name, ready)
            .map_err(|e| e.to_string());
        // The EndpointSlice controller reacts on the next reconcile.
        self.editing.cluster.advance(0);
        self.cluster_changed();
        r
    }

    /// `kubectl scale --replicas=N`. When the text defines the workload, its `replicas:` line
    /// changes too (in the editor and the applied text alike), so the next apply keeps it.
    pub fn scale(
        &mut self,
        kind: WorkloadKind,
        namespace: &str,
        name: &str,
        replicas: i32,
    ) -> Result<(), String> {
        let r = self
            .editing
            .cluster
            .scale(kind, namespace, name, replicas)
            .map_err(|e| e.to_string());
        self.cluster_changed();
        r?;
        self.write_replicas(kind, namespace, name, replicas);
        Ok(())
    }

    /// A workload was scaled (a teaching button, the console's `kubectl scale`): when the text
    /// defines it, its `replicas:` line follows, in the applied text (so it is not applied again)
    /// and in the editor's, so the next apply keeps the new count instead of silently bringing
    /// the old one back.
    pub(super) fn write_replicas(
        &mut self,
        kind: WorkloadKind,
        namespace: &str,
        name: &str,
        replicas: i32,
    ) {
        let value = replicas.to_string();
        let edit = |text: &str| {
            set_field(
                text,
                kind.as_str(),
                namespace,
                name,
                "spec",
                "replicas",
                &value,
            )
        };
        if let Some(text) = edit(&self.editing.text) {
            self.editing.text = text;
        }
        if let Some(draft) = edit(&self.draft) {
            self.set_draft(draft);
        }
    }

    /// Toggle a Service's `externalTrafficPolicy` (Cluster ⇄ Local) by editing the text and
    /// applying it again.
    pub fn toggle_external_traffic_policy(
        &mut self,
        namespace: &str,
        name: &str,
    ) -> Result<(), String> {
        let current = self
            .cluster()
            .store
            .service(namespace, name)
            .map(|s| s.spec.external_traffic_policy.clone())
            .ok_or_else(|| {
                format!("Error from server (NotFound): services \"{name}\" not found")
            })?;
        let next = if current == "Local" {
            "Cluster"
        } else {
            "Local"
        };
        let text = set_field(
            &self.editing.text,
            "Service",
            namespace,
            name,
            "spec",
            "externalTrafficPolicy",
            next,
        )
        .ok_or_else(|| {
            format!("service/{name} is not defined in the editor text, so it cannot be re-applied")
        })?;
        self.set_draft(text);
        self.apply();
        Ok(())
    }
}
