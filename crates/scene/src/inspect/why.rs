//! Why a Service has no endpoints.
//!
//! The reasons follow the EndpointSlice controller's own decisions, so they can never
//! disagree with what the cluster shows: a Service without a selector is left alone (its
//! slices are whatever the user applied); the selector is matched in the Service's namespace
//! only; a selected pod is an endpoint once it has an IP, and a *ready* one only when its
//! Ready condition is True (or `publishNotReadyAddresses`); a named `targetPort` is looked up
//! on each pod's containers (`FindPort`), and a pod that lacks it is no endpoint for that port.
//! The wording is for a classroom: it says what is wrong and where to look.

use std::collections::BTreeMap;
use std::fmt;
use svcsim_engine::api::core::{IntOrString, Pod, Service, ServicePort};
use svcsim_engine::api::meta::map_selector_matches;
use svcsim_engine::cluster::Cluster;

/// A pod and its state in words.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PodState {
    pub name: String,
    /// e.g. `Running, not Ready (readiness probe failing)`.
    pub status: String,
}

impl fmt::Display for PodState {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} ({})", self.name, self.status)
    }
}

/// A pod that almost matches the selector: every key but the ones listed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NearMiss {
    pub pod: String,
    /// e.g. `has app=web-app, the selector wants app=web` or `has no label tier`.
    pub differences: Vec<String>,
}

/// One reason (or note) about a Service's endpoints. `Display` is the inspector's sentence.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Reason {
    ServiceNotFound {
        namespace: String,
        name: String,
    },
    /// ExternalName Services never have endpoints: DNS answers with a CNAME.
    ExternalName {
        target: String,
    },
    /// Headless: no ClusterIP, DNS returns the endpoints' IPs directly (a note).
    Headless,
    /// No selector, and no EndpointSlice labelled `kubernetes.io/service-name: <name>`.
    NoSelectorNoSlices,
    /// No selector: the endpoints come from manually written EndpointSlices (a note).
    ManualSlices {
        slices: usize,
        endpoints: usize,
    },
    /// No pod in the Service's namespace has all the selector's labels.
    SelectorMatchesNothing {
        selector: String,
        namespace: String,
        /// Pods of the namespace that miss by one or two labels (at most three).
        near_misses: Vec<NearMiss>,
    },
    /// Pods with those labels exist, but in other namespaces (a selector only looks in the
    /// Service's own namespace).
    WrongNamespace {
        selector: String,
        namespace: String,
        /// namespace → pod names.
        elsewhere: BTreeMap<String, Vec<String>>,
    },
    /// Pods match, but none is ready.
    PodsNotReady {
        pods: Vec<PodState>,
    },
    /// Some matching pods are ready, these are not (a note: traffic avoids them).
    SomePodsNotReady {
        ready: usize,
        pods: Vec<PodState>,
    },
    /// A named targetPort that these selected pods do not declare.
    NamedPortMissing {
        port_name: String,
        service_port: i32,
        protocol: String,
        pods: Vec<String>,
        /// No selected pod declares it: the port has no endpoint at all.
        all: bool,
    },
    /// `publishNotReadyAddresses: true`: not-ready pods are published as ready (a note).
    PublishNotReady,
}

impl Reason {
    /// Notes explain; the other reasons are why traffic cannot reach a pod.
    pub fn is_note(&self) -> bool {
        matches!(
            self,
            Reason::Headless
                | Reason::ManualSlices { .. }
                | Reason::SomePodsNotReady { .. }
                | Reason::PublishNotReady
                | Reason::NamedPortMissing { all: false, .. }
        )
    }
}

fn list(items: &[String]) -> String {
    const MAX: usize = 8;
    let mut s = items
        .iter()
        .take(MAX)
        .cloned()
        .collect::<Vec<_>>()
        .join(", ");
    if items.len() > MAX {
        s.push_str(&format!(" and {} more", items.len() - MAX));
    }
    s
}

impl fmt::Display for Reason {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Reason::ServiceNotFound { namespace, name } => {
                write!(f, "There is no Service \"{name}\" in namespace \"{namespace}\".")
            }
            Reason::ExternalName { target } => write!(
                f,
                "This is an ExternalName Service: it never has endpoints. Its DNS name is an alias (CNAME) for {target}, and no kube-proxy rule exists for it."
            ),
            Reason::Headless => f.write_str(
                "This Service is headless (clusterIP: None): it has no virtual IP and kube-proxy ignores it; DNS answers with the ready pods' own IPs.",
            ),
            Reason::NoSelectorNoSlices => f.write_str(
                "This Service has no selector, so Kubernetes does not look for pods. Its endpoints must be written by hand: an EndpointSlice with the label kubernetes.io/service-name set to the Service's name. There is none.",
            ),
            Reason::ManualSlices { slices, endpoints } => write!(
                f,
                "This Service has no selector: its {endpoints} endpoint(s) come from {slices} EndpointSlice(s) written by hand (label kubernetes.io/service-name)."
            ),
            Reason::SelectorMatchesNothing {
                selector,
                namespace,
                near_misses,
            } => {
                write!(
                    f,
                    "The selector {selector} matches no pod in namespace \"{namespace}\": no pod there has all these labels."
                )?;
                for m in near_misses {
                    write!(f, " Pod {} almost matches: {}.", m.pod, m.differences.join("; "))?;
                }
                Ok(())
            }
            Reason::WrongNamespace {
                selector,
                namespace,
                elsewhere,
            } => {
                let places: Vec<String> = elsewhere
                    .iter()
                    .map(|(ns, pods)| format!("namespace \"{ns}\" ({})", list(pods)))
                    .collect();
                write!(
                    f,
                    "Wrong namespace: pods matching {selector} exist in {}, but a Service only selects pods in its own namespace \"{namespace}\".",
                    places.join(" and ")
                )
            }
            Reason::PodsNotReady { pods } => {
                let p: Vec<String> = pods.iter().map(ToString::to_string).collect();
                write!(
                    f,
                    "The selector matches {} pod(s), but none is ready, so their endpoints are marked not ready and kube-proxy sends no traffic to them: {}.",
                    pods.len(),
                    list(&p)
                )
            }
            Reason::SomePodsNotReady { ready, pods } => {
                let p: Vec<String> = pods.iter().map(ToString::to_string).collect();
                write!(
                    f,
                    "{ready} matching pod(s) are ready and get the traffic; these are not ready and get none: {}.",
                    list(&p)
                )
            }
            Reason::NamedPortMissing {
                port_name,
                service_port,
                protocol,
                pods,
                all,
            } => {
                if *all {
                    write!(
                        f,
                        "Port {service_port} uses the named targetPort \"{port_name}\", but no selected pod has a container port named \"{port_name}\" ({protocol}): {}. Name a containerPort \"{port_name}\" or use a number.",
                        list(pods)
                    )
                } else {
                    write!(
                        f,
                        "Port {service_port} uses the named targetPort \"{port_name}\"; these selected pods have no container port of that name ({protocol}) and get no traffic on it: {}.",
                        list(pods)
                    )
                }
            }
            Reason::PublishNotReady => f.write_str(
                "publishNotReadyAddresses is true: pods count as endpoints even before they are ready.",
            ),
        }
    }
}

/// A pod's state in the words the reasons use.
pub fn pod_state(pod: &Pod) -> PodState {
    let status = if pod.metadata.deletion_timestamp.is_some() {
        "Terminating".to_string()
    } else if pod.status.phase == "Failed" {
        "Failed".to_string()
    } else if pod.status.phase == "Succeeded" {
        "Completed".to_string()
    } else if pod.spec.node_name.is_empty() {
        "Pending, not scheduled on any node".to_string()
    } else if pod.status.pod_ip.is_empty() {
        format!("Pending, starting on {}, no IP yet", pod.spec.node_name)
    } else if pod.status.phase != "Running" {
        format!("{}, starting", non_empty(&pod.status.phase, "Pending"))
    } else if !pod.is_ready() {
        "Running, not Ready (readiness probe failing)".to_string()
    } else {
        "Running, Ready".to_string()
    };
    PodState {
        name: pod.metadata.name.clone(),
        status,
    }
}

pub(super) fn non_empty<'a>(s: &'a str, d: &'a str) -> &'a str {
    if s.is_empty() {
        d
    } else {
        s
    }
}

pub(super) fn selector_text(sel: &BTreeMap<String, String>) -> String {
    sel.iter()
        .map(|(k, v)| format!("{k}={v}"))
        .collect::<Vec<_>>()
        .join(",")
}

pub(super) fn proto(p: &str) -> &str {
    non_empty(p, "TCP")
}

/// Whether the pod declares a container port named `name` with the port's protocol
/// (regular containers, then restartable init containers, as `FindPort` looks).
fn has_named_port(pod: &Pod, name: &str, protocol: &str) -> bool {
    pod.spec
        .containers
        .iter()
        .chain(
            pod.spec
                .init_containers
                .iter()
                .filter(|c| c.restart_policy.as_deref() == Some("Always")),
        )
        .flat_map(|c| c.ports.iter())
        .any(|p| p.name == name && proto(&p.protocol) == protocol)
}

/// Whether the pod would be an endpoint at all (`ShouldPodBeInEndpoints` with terminating
/// pods included, as the controller calls it).
fn is_endpoint_candidate(pod: &Pod) -> bool {
    !matches!(pod.status.phase.as_str(), "Succeeded" | "Failed") && !pod.status.pod_ip.is_empty()
}

/// Why the Service `namespace/service` has no (ready) endpoints, plus notes that explain its
/// endpoints. Empty when it has ready endpoints and there is nothing to remark.
pub fn why_no_endpoints(cluster: &Cluster, namespace: &str, service: &str) -> Vec<Reason> {
    let store = &cluster.store;
    let Some(svc) = store.service(namespace, service) else {
        return vec![Reason::ServiceNotFound {
            namespace: namespace.to_string(),
            name: service.to_string(),
        }];
    };
    if svc.type_or_default() == "ExternalName" {
        return vec![Reason::ExternalName {
            target: svc.spec.external_name.clone(),
        }];
    }
    let mut out = Vec::new();
    if svc.is_headless() {
        out.push(Reason::Headless);
    }
    if svc.spec.selector.is_empty() {
        let slices: Vec<_> = store.slices_for_service(namespace, service).collect();
        let endpoints: usize = slices.iter().map(|s| s.endpoints.len()).sum();
        if endpoints == 0 {
            out.push(Reason::NoSelectorNoSlices);
        } else {
            out.push(Reason::ManualSlices {
                slices: slices.len(),
                endpoints,
            });
        }
        return out;
    }
    if svc.spec.publish_not_ready_addresses {
        out.push(Reason::PublishNotReady);
    }
    let selector = selector_text(&svc.spec.selector);
    let matching: Vec<&Pod> = store
        .pods_in(Some(namespace))
        .filter(|p| map_selector_matches(&svc.spec.selector, &p.metadata.labels))
        .collect();
    if matching.is_empty() {
        let mut elsewhere: BTreeMap<String, Vec<String>> = BTreeMap::new();
        for p in store.pods.values() {
            if p.metadata.namespace != namespace
                && map_selector_matches(&svc.spec.selector, &p.metadata.labels)
            {
                elsewhere
                    .entry(p.metadata.namespace.clone())
                    .or_default()
                    .push(p.metadata.name.clone());
            }
        }
        if elsewhere.is_empty() {
            out.push(Reason::SelectorMatchesNothing {
                selector,
                namespace: namespace.to_string(),
                near_misses: near_misses(store.pods_in(Some(namespace)), svc),
            });
        } else {
            out.push(Reason::WrongNamespace {
                selector,
                namespace: namespace.to_string(),
                elsewhere,
            });
        }
        return out;
    }
    let ready = |p: &&&Pod| {
        is_endpoint_candidate(p)
            && p.metadata.deletion_timestamp.is_none()
            && (p.is_ready() || svc.spec.publish_not_ready_addresses)
    };
    let (ready_pods, not_ready): (Vec<&Pod>, Vec<&Pod>) = matching.iter().partition(ready);
    let states: Vec<PodState> = not_ready.iter().map(|p| pod_state(p)).collect();
    if ready_pods.is_empty() {
        out.push(Reason::PodsNotReady { pods: states });
    } else if !states.is_empty() {
        out.push(Reason::SomePodsNotReady {
            ready: ready_pods.len(),
            pods: states,
        });
    }
    for sp in &svc.spec.ports {
        if let Some(r) = named_port_reason(sp, &matching) {
            out.push(r);
        }
    }
    out
}

fn named_port_reason(sp: &ServicePort, pods: &[&Pod]) -> Option<Reason> {
    let Some(IntOrString::String(name)) = &sp.target_port else {
        return None;
    };
    if name.is_empty() {
        return None;
    }
    let protocol = proto(&sp.protocol).to_string();
    let lacking: Vec<String> = pods
        .iter()
        .filter(|p| !has_named_port(p, name, &protocol))
        .map(|p| p.metadata.name.clone())
        .collect();
    if lacking.is_empty() {
        return None;
    }
    Some(Reason::NamedPortMissing {
        port_name: name.clone(),
        service_port: sp.port,
        protocol,
        all: lacking.len() == pods.len(),
        pods: lacking,
    })
}

/// Pods that have all but one or two of the selector's labels, closest first (at most three).
fn near_misses<'a>(pods: impl Iterator<Item = &'a Pod>, svc: &Service) -> Vec<NearMiss> {
    let mut found: Vec<(usize, NearMiss)> = Vec::new();
    let sel = &svc.spec.selector;
    for p in pods {
        let diffs: Vec<String> = sel
            .iter()
            .filter_map(|(k, v)| match p.metadata.labels.get(k) {
                Some(have) if have == v => None,
                Some(have) => Some(format!("has {k}={have}, the selector wants {k}={v}")),
                None => Some(format!("has no label {k} (the selector wants {k}={v})")),
            })
            .collect();
        let matched = sel.len().saturating_sub(diffs.len());
        // Close: at most two labels off, and at least one right unless the selector has one key.
        if !diffs.is_empty() && diffs.len() <= 2 && (matched > 0 || sel.len() == 1) {
            // A single-key selector: only pods that have that key count as near misses.
            if sel.len() == 1 && diffs.iter().all(|d| d.starts_with("has no label")) {
                continue;
            }
            found.push((
                diffs.len(),
                NearMiss {
                    pod: p.metadata.name.clone(),
                    differences: diffs,
                },
            ));
        }
    }
    found.sort_by(|a, b| a.0.cmp(&b.0).then_with(|| a.1.pod.cmp(&b.1.pod)));
    found.into_iter().take(3).map(|(_, m)| m).collect()
}
