//! Layout phase *gather*: what to draw, read from the cluster once — the nodes in grid order
//! with the pods each shows, the Services in display order, and what the row outside the
//! cluster holds. Nothing is positioned yet.

use super::ids::ObjectId;
use super::LayoutOptions;
use std::collections::{BTreeMap, BTreeSet};
use svcsim_engine::api::core::{Pod, Service};
use svcsim_engine::api::discovery::{Endpoint, EndpointSlice};
use svcsim_engine::cluster::Store;
use svcsim_engine::trace::DEFAULT_EXTERNAL_CLIENT;

/// Namespaces whose pods are "system pods" (summarised unless [`LayoutOptions::show_system`]).
const SYSTEM_NAMESPACES: &[&str] = &["kube-system", "local-path-storage", "metallb-system"];

/// Whether a pod is a CoreDNS pod (kubeadm labels them `k8s-app=kube-dns`).
pub fn is_coredns(pod: &Pod) -> bool {
    pod.metadata.namespace == "kube-system"
        && pod.metadata.labels.get("k8s-app").map(String::as_str) == Some("kube-dns")
}

fn is_hidden_system_pod(pod: &Pod, opts: &LayoutOptions) -> bool {
    !opts.show_system
        && SYSTEM_NAMESPACES.contains(&pod.metadata.namespace.as_str())
        && !is_coredns(pod)
}

/// `kind-worker2` sorts after `kind-worker` and before `kind-worker10`.
fn natural_key(s: &str) -> (String, u64, String) {
    let digits = s.len() - s.trim_end_matches(|c: char| c.is_ascii_digit()).len();
    let (head, tail) = s.split_at(s.len() - digits);
    let n = if tail.is_empty() {
        0
    } else {
        tail.parse().unwrap_or(u64::MAX)
    };
    (head.to_string(), n, s.to_string())
}

/// One card inside a node: a pod, or (at [`Detail::Grouped`](super::plan::Detail)) the
/// replicas of one workload on that node, drawn as one card ("web × 84").
pub(super) enum Card<'a> {
    Pod(&'a Pod),
    Replicas {
        /// The workload: a Deployment's name (the ReplicaSet's without its pod-template-hash),
        /// else the owner's name.
        workload: String,
        /// In creation order; the first one stands for the card (its id is the card's).
        pods: Vec<&'a Pod>,
    },
}

impl<'a> Card<'a> {
    /// The pod whose id the card's shapes carry.
    pub(super) fn first(&self) -> &'a Pod {
        match self {
            Card::Pod(p) => p,
            Card::Replicas { pods, .. } => pods[0],
        }
    }

    pub(super) fn pods(&self) -> &[&'a Pod] {
        match self {
            Card::Pod(p) => std::slice::from_ref(p),
            Card::Replicas { pods, .. } => pods,
        }
    }
}

/// The workload a pod is a replica of: its controller, named as `kubectl get deploy` would
/// (a ReplicaSet's name without the pod-template-hash suffix). None for a bare pod.
fn workload_of(pod: &Pod) -> Option<String> {
    let owner = pod
        .metadata
        .owner_references
        .iter()
        .find(|o| o.controller == Some(true))?;
    let hash = pod.metadata.labels.get("pod-template-hash");
    let name = match hash {
        Some(h) if owner.kind == "ReplicaSet" => owner
            .name
            .strip_suffix(h.as_str())
            .and_then(|n| n.strip_suffix('-'))
            .unwrap_or(&owner.name),
        _ => &owner.name,
    };
    Some(format!("{}/{}", pod.metadata.namespace, name))
}

/// One node's content before positioning.
pub(super) struct NodeBox<'a> {
    pub(super) name: String,
    pub(super) id: ObjectId,
    pub(super) control_plane: bool,
    pub(super) ip: String,
    pub(super) cidr: String,
    /// `topology.kubernetes.io/zone` (what `trafficDistribution: PreferClose` keeps traffic in).
    pub(super) zone: Option<String>,
    pub(super) pods: Vec<&'a Pod>,
    /// What the node's box shows of `pods`: one card each, or replicas grouped.
    pub(super) cards: Vec<Card<'a>>,
    pub(super) hidden: Vec<&'a Pod>,
    pub(super) unscheduled: bool,
}

impl NodeBox<'_> {
    /// Group the replicas of each workload into one card (two or more on this node), in the
    /// order of each workload's first pod; bare pods, and the pods of an `expanded`
    /// workload, stay cards of their own.
    pub(super) fn group_replicas(&mut self, expanded: &BTreeSet<String>) {
        let mut cards: Vec<Card> = Vec::new();
        let mut at: BTreeMap<String, usize> = BTreeMap::new();
        for &p in &self.pods {
            match workload_of(p).filter(|w| !expanded.contains(w)) {
                Some(w) => match at.get(&w) {
                    Some(&i) => {
                        if let Card::Replicas { pods, .. } = &mut cards[i] {
                            pods.push(p);
                        }
                    }
                    None => {
                        at.insert(w.clone(), cards.len());
                        cards.push(Card::Replicas {
                            workload: w,
                            pods: vec![p],
                        });
                    }
                },
                None => cards.push(Card::Pod(p)),
            }
        }
        // A workload with one pod here is just that pod.
        for c in &mut cards {
            if let Card::Replicas { pods, .. } = c {
                if pods.len() == 1 {
                    *c = Card::Pod(pods[0]);
                }
            }
        }
        self.cards = cards;
    }
}

/// What the row above the cluster holds besides the external client and "other hosts".
pub(super) struct Outside<'a> {
    /// LoadBalancer addresses, each with the first Service (in display order) that has it.
    /// Each load-balancer address and the Services on it (several when they share it).
    pub(super) lbs: Vec<(String, Vec<&'a Service>)>,
    /// Manual endpoints: slice addresses that are neither pods, nodes nor LBs.
    pub(super) externals: BTreeSet<String>,
}

/// Everything the later phases draw, read from the cluster.
pub(super) struct Gathered<'a> {
    /// Control planes first, then natural name order; last, the "not scheduled" box if any
    /// pod has no node. Each node's pods are in creation order.
    pub(super) nodes: Vec<NodeBox<'a>>,
    /// How many real nodes there are: the grid's column count depends on this alone.
    pub(super) node_count: usize,
    /// Sorted: the user's first, then system ones.
    pub(super) services: Vec<&'a Service>,
    pub(super) outside: Outside<'a>,
    /// Pod IP → pod, for endpoints without a `targetRef` (hostNetwork pods have the node's IP).
    pub(super) pod_by_ip: BTreeMap<&'a str, ObjectId>,
    /// `(namespace, Service)` → its EndpointSlices (label `kubernetes.io/service-name`), in
    /// name order.
    pub(super) slices: BTreeMap<(&'a str, &'a str), Vec<&'a EndpointSlice>>,
}

/// Read what to draw from the store.
pub(super) fn gather<'a>(store: &'a Store, opts: &LayoutOptions) -> Gathered<'a> {
    let (nodes, node_count) = gather_nodes(store, opts);
    let services = sorted_services(store);
    let pod_by_ip: BTreeMap<&str, ObjectId> = store
        .pods
        .values()
        .filter(|p| !p.status.pod_ip.is_empty() && !p.spec.host_network)
        .map(|p| {
            (
                p.status.pod_ip.as_str(),
                ObjectId::pod(&p.metadata.namespace, &p.metadata.name),
            )
        })
        .collect();
    let outside = gather_outside(store, &nodes, &services, &pod_by_ip);
    let mut slices: BTreeMap<(&str, &str), Vec<&EndpointSlice>> = BTreeMap::new();
    for sl in store.endpoint_slices.values() {
        if let Some(svc) = sl.service_name() {
            slices
                .entry((&sl.metadata.namespace, svc))
                .or_default()
                .push(sl);
        }
    }
    Gathered {
        nodes,
        node_count,
        services,
        outside,
        pod_by_ip,
        slices,
    }
}

/// The nodes and their pods (shown or hidden as system pods), plus the "not scheduled" box;
/// and the number of real nodes.
fn gather_nodes<'a>(store: &'a Store, opts: &LayoutOptions) -> (Vec<NodeBox<'a>>, usize) {
    let mut nodes: Vec<NodeBox> = store
        .nodes
        .values()
        .map(|n| NodeBox {
            name: n.metadata.name.clone(),
            id: ObjectId::Node(n.metadata.name.clone()),
            control_plane: n.is_control_plane(),
            ip: n.internal_ip().unwrap_or_default().to_string(),
            cidr: n.spec.pod_cidr.clone(),
            zone: n
                .metadata
                .labels
                .get("topology.kubernetes.io/zone")
                .filter(|z| !z.is_empty())
                .cloned(),
            pods: Vec::new(),
            cards: Vec::new(),
            hidden: Vec::new(),
            unscheduled: false,
        })
        .collect();
    nodes.sort_by_cached_key(|n| (!n.control_plane, natural_key(&n.name)));
    let node_index: BTreeMap<String, usize> = nodes
        .iter()
        .enumerate()
        .map(|(i, n)| (n.name.clone(), i))
        .collect();
    let mut unscheduled = NodeBox {
        name: "not scheduled".to_string(),
        id: ObjectId::Unscheduled,
        control_plane: false,
        ip: String::new(),
        cidr: String::new(),
        zone: None,
        pods: Vec::new(),
        cards: Vec::new(),
        hidden: Vec::new(),
        unscheduled: true,
    };
    for pod in store.pods.values() {
        let target = match node_index.get(&pod.spec.node_name) {
            Some(&i) => &mut nodes[i],
            None => &mut unscheduled,
        };
        if is_hidden_system_pod(pod, opts) {
            target.hidden.push(pod);
        } else {
            target.pods.push(pod);
        }
    }
    if !unscheduled.pods.is_empty() || !unscheduled.hidden.is_empty() {
        nodes.push(unscheduled);
    }
    for n in &mut nodes {
        // Creation order: a new pod lands after the others, nobody moves.
        n.pods.sort_by(|a, b| {
            (
                a.metadata.creation_timestamp,
                &a.metadata.namespace,
                &a.metadata.name,
            )
                .cmp(&(
                    b.metadata.creation_timestamp,
                    &b.metadata.namespace,
                    &b.metadata.name,
                ))
        });
        n.cards = n.pods.iter().map(|&p| Card::Pod(p)).collect();
    }
    (nodes, node_index.len())
}

/// The Services in display order: the user's first, then system ones.
fn sorted_services(store: &Store) -> Vec<&Service> {
    let mut services: Vec<&Service> = store.services.values().collect();
    services.sort_by_key(|s| {
        (
            SYSTEM_NAMESPACES.contains(&s.metadata.namespace.as_str()),
            s.metadata.namespace.clone(),
            s.metadata.name.clone(),
        )
    });
    services
}

/// Outside the cluster: what the row above it holds.
fn gather_outside<'a>(
    store: &'a Store,
    nodes: &[NodeBox],
    services: &[&'a Service],
    pod_by_ip: &BTreeMap<&str, ObjectId>,
) -> Outside<'a> {
    // One box per address; Services sharing it (`metallb.io/allow-shared-ip`) share the box.
    let mut lbs: Vec<(String, Vec<&Service>)> = Vec::new();
    for s in services {
        for ing in &s.status.load_balancer.ingress {
            if ing.ip.is_empty() {
                continue;
            }
            match lbs.iter_mut().find(|(ip, _)| *ip == ing.ip) {
                Some((_, on)) => on.push(s),
                None => lbs.push((ing.ip.clone(), vec![s])),
            }
        }
    }
    // Manual endpoints: slice addresses that are neither pods, nodes nor LBs.
    let inside_ips: BTreeSet<String> = nodes
        .iter()
        .filter(|n| !n.unscheduled)
        .map(|n| n.ip.clone())
        .chain(lbs.iter().map(|(ip, _)| ip.clone()))
        .chain(std::iter::once(DEFAULT_EXTERNAL_CLIENT.to_string()))
        .collect();
    let mut externals: BTreeSet<String> = BTreeSet::new();
    for slice in store.endpoint_slices.values() {
        for ep in &slice.endpoints {
            if ep_pod(ep).is_none() {
                for a in &ep.addresses {
                    if !pod_by_ip.contains_key(a.as_str()) && !inside_ips.contains(a) {
                        externals.insert(a.clone());
                    }
                }
            }
        }
    }
    Outside { lbs, externals }
}

/// The pod an endpoint's `targetRef` names.
pub(super) fn ep_pod(ep: &Endpoint) -> Option<ObjectId> {
    let r = ep.target_ref.as_ref()?;
    (r.kind == "Pod" && !r.name.is_empty()).then(|| ObjectId::pod(&r.namespace, &r.name))
}
