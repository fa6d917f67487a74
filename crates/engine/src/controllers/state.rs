//! What the controllers remember between reconciles: their informer caches, indexes and work
//! queues.
//!
//! Real controllers never re-list the cluster on every change; informers deliver deltas and
//! controllers queue the keys affected (`GetPodServiceMemberships`, `expectations`). svcsim does
//! the same: every write to the store records its key in that kind's change log
//! ([`crate::cluster::Table`]), and [`scan`] re-observes only the logged keys, queueing the keys
//! affected in work queues (dirty sets). Writes made by the controllers themselves go through the
//! helpers here, which update the caches at once; they come back through the log like a
//! controller's own updates come back through its watch, and are dropped because the cache
//! already holds their `resourceVersion`.

use crate::api::apps::{Workload, WorkloadKind};
use crate::api::core::{Endpoints, Node, Pod, Service};
use crate::api::discovery::{EndpointSlice, MANAGED_BY_CONTROLLER, MANAGED_BY_LABEL};
use crate::cluster::{Cluster, ObjectKey, Table};
use std::collections::{BTreeMap, BTreeSet};
use std::net::Ipv4Addr;

/// A workload's store key.
pub(crate) type WKey = (WorkloadKind, ObjectKey);
/// `(namespace, label key, label value)` → names: an inverted label index.
type LabelIndex = BTreeMap<(String, String, String), BTreeSet<String>>;
/// namespace → label key → label value → pods: looked up with `&str`s, no allocation.
type PodIndex = BTreeMap<String, BTreeMap<String, BTreeMap<String, BTreeSet<ObjectKey>>>>;

/// What the controllers last saw of a pod.
#[derive(Debug, Clone, Default)]
pub(crate) struct PodSeen {
    pub rv: String,
    pub uid: String,
    pub labels: BTreeMap<String, String>,
    pub node: String,
    /// Controller owner `(kind, name)`.
    pub owner: Option<(String, String)>,
    /// Everything an endpoint is made of; when it is unchanged, no Service needs a sync.
    pub endpoint_view: EndpointView,
    /// The address host-local IPAM gave (or reserved for) this pod: released when it goes.
    pub ip_alloc: Option<(String, Ipv4Addr)>,
    /// The simulated kubelet drives this pod's start-up (readiness included); cleared once
    /// the pod is Ready, so a later readiness failure is not "repaired".
    pub driven: bool,
}

/// The pod fields the EndpointSlice and Endpoints controllers read (`podEndpointsChanged`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct EndpointView {
    pub ips: Vec<String>,
    pub ready: bool,
    pub terminating: bool,
    pub phase: String,
    pub node: String,
    pub hostname: String,
    pub subdomain: String,
}

#[derive(Debug, Clone, Default)]
struct SvcSeen {
    rv: String,
    uid: String,
    selector: BTreeMap<String, String>,
}

#[derive(Debug, Clone, Default)]
struct NodeSeen {
    rv: String,
    zone: Option<String>,
    cidr: Option<u32>,
    ip: Option<u32>,
}

#[derive(Debug, Clone, Default)]
struct WorkloadSeen {
    rv: String,
    uid: String,
    owner: Option<(String, String)>,
}

#[derive(Debug, Clone, Default)]
struct SliceSeen {
    rv: String,
    /// The Service a controller-managed slice belongs to.
    service: Option<ObjectKey>,
}

/// MetalLB's memory: which address each Service holds and which wait for one.
#[derive(Debug, Clone, Default)]
pub(crate) struct LbState {
    pub assigned: BTreeMap<ObjectKey, String>,
    pub pending: BTreeSet<ObjectKey>,
    /// Services that found the pools exhausted; retried when an address is freed.
    pub failed: BTreeSet<ObjectKey>,
}

/// The controllers' caches, indexes and work queues (kept on the [`Cluster`]).
#[derive(Debug, Clone, Default)]
pub struct State {
    pub(crate) pods: BTreeMap<ObjectKey, PodSeen>,
    services: BTreeMap<ObjectKey, SvcSeen>,
    nodes: BTreeMap<String, NodeSeen>,
    workloads: BTreeMap<WKey, WorkloadSeen>,
    slices: BTreeMap<ObjectKey, SliceSeen>,
    endpoints: BTreeMap<ObjectKey, String>,
    pod_labels: PodIndex,
    svc_selectors: LabelIndex,
    /// `(namespace, owner kind, owner name)` → pod names.
    pods_by_owner: BTreeMap<(String, String, String), BTreeSet<ObjectKey>>,
    /// `(namespace, owner kind, owner name)` → owned workloads.
    workloads_by_owner: BTreeMap<(String, String, String), BTreeSet<WKey>>,
    /// Service → names of its controller-managed EndpointSlices.
    slices_by_service: BTreeMap<ObjectKey, BTreeSet<String>>,
    /// Node → pods bound to it.
    pub(crate) pods_on_node: BTreeMap<String, BTreeSet<ObjectKey>>,
    /// Node pod CIDRs (network address) and InternalIPs in use, for node IPAM.
    pub(crate) node_cidrs: BTreeSet<u32>,
    pub(crate) node_ips: BTreeSet<u32>,
    pub(crate) next_cidr: u32,
    // Work queues.
    pub(crate) dirty_services: BTreeSet<ObjectKey>,
    pub(crate) dirty_workloads: BTreeSet<WKey>,
    pub(crate) to_schedule: BTreeSet<ObjectKey>,
    pub(crate) unschedulable: BTreeSet<ObjectKey>,
    pub(crate) nodes_changed: bool,
    /// Pods with a kubelet timer outstanding.
    pub(crate) kubelet_pending: BTreeSet<ObjectKey>,
    /// Pods whose node ran out of pod IPs, retried when one is freed.
    pub(crate) ip_starved: BTreeMap<String, BTreeSet<ObjectKey>>,
    pub(crate) lb: LbState,
}

/// Whether the controllers have something to do now: a write they have not looked at (an apply,
/// a delete, a scale — a real cluster's controllers react to such a change at once through their
/// watches) or a key waiting in a work queue. Parked keys (unschedulable pods, pods waiting for a
/// pod IP) wait for an event that will itself be a write; kubelet steps wait for their timers.
pub(crate) fn needs_reconcile(c: &Cluster) -> bool {
    let st = &c.controllers;
    c.store.has_changes()
        || !st.dirty_services.is_empty()
        || !st.dirty_workloads.is_empty()
        || !st.to_schedule.is_empty()
        || st.nodes_changed
}

/// Record that the caches reflect the store as it is now: what is left in the change logs are
/// the controllers' own writes since the last [`scan`] (of a reconcile, or of a timer's
/// handler), each already observed by the helper that made it; dropping them spares looking
/// each up again only to find its `resourceVersion` already cached.
pub(crate) fn mark_synced(c: &mut Cluster) {
    c.store.clear_changes();
}

/// `kind` of an owner reference as a workload kind.
pub(crate) fn workload_kind(kind: &str) -> Option<WorkloadKind> {
    match kind {
        "Deployment" => Some(WorkloadKind::Deployment),
        "ReplicaSet" => Some(WorkloadKind::ReplicaSet),
        "StatefulSet" => Some(WorkloadKind::StatefulSet),
        "DaemonSet" => Some(WorkloadKind::DaemonSet),
        _ => None,
    }
}

fn owner_of(meta: &crate::api::meta::ObjectMeta) -> Option<(String, String)> {
    meta.controller_of()
        .map(|o| (o.kind.clone(), o.name.clone()))
}

fn index_add(index: &mut LabelIndex, ns: &str, labels: &BTreeMap<String, String>, name: &str) {
    for (k, v) in labels {
        index
            .entry((ns.to_string(), k.clone(), v.clone()))
            .or_default()
            .insert(name.to_string());
    }
}

fn pod_index_add(index: &mut PodIndex, key: &ObjectKey, labels: &BTreeMap<String, String>) {
    let ns = index.entry(key.namespace.clone()).or_default();
    for (k, v) in labels {
        ns.entry(k.clone())
            .or_default()
            .entry(v.clone())
            .or_default()
            .insert(key.clone());
    }
}

fn pod_index_remove(index: &mut PodIndex, key: &ObjectKey, labels: &BTreeMap<String, String>) {
    let Some(ns) = index.get_mut(&key.namespace) else {
        return;
    };
    for (k, v) in labels {
        if let Some(values) = ns.get_mut(k) {
            if let Some(set) = values.get_mut(v) {
                set.remove(key);
                if set.is_empty() {
                    values.remove(v);
                }
            }
            if values.is_empty() {
                ns.remove(k);
            }
        }
    }
}

fn index_remove(index: &mut LabelIndex, ns: &str, labels: &BTreeMap<String, String>, name: &str) {
    for (k, v) in labels {
        let key = (ns.to_string(), k.clone(), v.clone());
        if let Some(set) = index.get_mut(&key) {
            set.remove(name);
            if set.is_empty() {
                index.remove(&key);
            }
        }
    }
}

impl State {
    /// Names of the pods in `ns` whose labels match a Service selector: the smallest posting
    /// list of the selector's pairs, filtered by the whole selector.
    pub(crate) fn pods_matching(
        &self,
        ns: &str,
        selector: &BTreeMap<String, String>,
    ) -> Vec<&ObjectKey> {
        let Some(index) = self.pod_labels.get(ns) else {
            return Vec::new();
        };
        let mut best: Option<&BTreeSet<ObjectKey>> = None;
        for (k, v) in selector {
            match index.get(k).and_then(|values| values.get(v)) {
                None => return Vec::new(),
                Some(set) => {
                    if best.is_none_or(|b| set.len() < b.len()) {
                        best = Some(set);
                    }
                }
            }
        }
        let Some(best) = best else {
            return Vec::new();
        };
        best.iter()
            .filter(|key| {
                self.pods
                    .get(*key)
                    .is_some_and(|p| crate::api::meta::map_selector_matches(selector, &p.labels))
            })
            .collect()
    }

    /// Services in `ns` whose selector matches `labels` (`getServicesForPod`).
    fn services_selecting(&self, ns: &str, labels: &BTreeMap<String, String>) -> BTreeSet<String> {
        let mut out = BTreeSet::new();
        for (k, v) in labels {
            if let Some(set) = self
                .svc_selectors
                .get(&(ns.to_string(), k.clone(), v.clone()))
            {
                for name in set {
                    if out.contains(name) {
                        continue;
                    }
                    if self
                        .services
                        .get(&ObjectKey::new(ns, name.as_str()))
                        .is_some_and(|s| {
                            crate::api::meta::map_selector_matches(&s.selector, labels)
                        })
                    {
                        out.insert(name.clone());
                    }
                }
            }
        }
        out
    }

    /// Pods owned (as controller) by `kind/name` in `ns`.
    pub(crate) fn pods_owned_by(&self, ns: &str, kind: &str, name: &str) -> Vec<&ObjectKey> {
        self.pods_by_owner
            .get(&(ns.to_string(), kind.to_string(), name.to_string()))
            .map(|s| s.iter().collect())
            .unwrap_or_default()
    }

    /// Workloads owned (as controller) by `kind/name` in `ns`.
    pub(crate) fn workloads_owned_by(&self, ns: &str, kind: &str, name: &str) -> Vec<WKey> {
        self.workloads_by_owner
            .get(&(ns.to_string(), kind.to_string(), name.to_string()))
            .map(|s| s.iter().cloned().collect())
            .unwrap_or_default()
    }

    /// Names of the controller-managed slices of a Service.
    pub(crate) fn slices_of(&self, svc: &ObjectKey) -> Vec<String> {
        self.slices_by_service
            .get(svc)
            .map(|s| s.iter().cloned().collect())
            .unwrap_or_default()
    }

    pub(crate) fn dirty_pod_owner(&mut self, ns: &str, owner: &Option<(String, String)>) {
        if let Some((kind, name)) = owner {
            if let Some(k) = workload_kind(kind) {
                self.dirty_workloads
                    .insert((k, ObjectKey::new(ns, name.as_str())));
            }
        }
    }
}

// ---------------------------------------------------------------------------------------------
// Taking the change log (the informers' job).

/// Bring the caches up to date with the writes logged since the last look (apply, mutations;
/// the controllers' own writes are found already seen and skipped). Kinds go in dependency
/// order, and within a kind deletions before creations and updates, each in key order.
pub(crate) fn scan(c: &mut Cluster) {
    // Nodes first: node IPAM and the pod IP allocators must exist before pods are looked at.
    let (gone, changed) = changes(
        &mut c.store.nodes,
        &c.controllers.nodes,
        |n| &n.metadata.resource_version,
        |s| &s.rv,
    );
    for name in &gone {
        forget_node(c, name);
    }
    for name in &changed {
        register_node_addresses(c, name);
    }
    for name in &changed {
        // Node IPAM writes the node (and so observes it) when it assigns something.
        if !super::node_ipam::assign(c, name) {
            observe_node(c, name);
        }
    }

    let (gone, changed) = changes(
        &mut c.store.services,
        &c.controllers.services,
        |s| &s.metadata.resource_version,
        |s| &s.rv,
    );
    for k in &gone {
        forget_service(c, k);
    }
    for k in &changed {
        observe_service(c, k, true);
    }

    let (gone, changed) = changes(
        &mut c.store.workloads,
        &c.controllers.workloads,
        |w| &w.metadata.resource_version,
        |s| &s.rv,
    );
    for k in &gone {
        forget_workload(c, k);
    }
    for k in &changed {
        observe_workload(c, k, true);
    }

    let (gone, changed) = changes(
        &mut c.store.pods,
        &c.controllers.pods,
        |p| &p.metadata.resource_version,
        |s| &s.rv,
    );
    for k in &gone {
        forget_pod(c, k);
    }
    for k in &changed {
        observe_pod(c, k);
    }

    let (gone, changed) = changes(
        &mut c.store.endpoint_slices,
        &c.controllers.slices,
        |s| &s.metadata.resource_version,
        |s| &s.rv,
    );
    for k in gone.iter().chain(changed.iter()) {
        // Someone else touched a slice: the owning Service gets a sync (as
        // `onEndpointSliceUpdate/Delete` queue it when the tracker did not expect the change).
        if let Some(svc) = c.controllers.slices.get(k).and_then(|s| s.service.clone()) {
            c.controllers.dirty_services.insert(svc);
        }
        observe_slice(c, k);
        if let Some(svc) = c.controllers.slices.get(k).and_then(|s| s.service.clone()) {
            c.controllers.dirty_services.insert(svc);
        }
    }

    let (gone, changed) = changes(
        &mut c.store.endpoints,
        &c.controllers.endpoints,
        |e| &e.metadata.resource_version,
        |rv| rv,
    );
    for k in gone {
        c.controllers.endpoints.remove(&k);
        c.controllers.dirty_services.insert(k);
    }
    for k in changed {
        if let Some(e) = c.store.endpoints.get(&k) {
            c.controllers
                .endpoints
                .insert(k.clone(), e.metadata.resource_version.clone());
        }
        c.controllers.dirty_services.insert(k);
    }
    super::service_cidrs::sync_changed(c);
}

/// The logged keys of `table` the cache has not seen, taken from the log: `(gone, changed)` —
/// deleted from the store but still cached, and present at a `resourceVersion` the cache does not
/// hold (created, or changed by someone else). A key cached at the stored `resourceVersion` is a
/// write the controllers made and observed themselves, dropped as an informer's handler drops an
/// update whose `resourceVersion` its cache already has.
fn changes<K: Ord + Clone, V, S>(
    table: &mut Table<K, V>,
    cache: &BTreeMap<K, S>,
    rv: impl Fn(&V) -> &String,
    seen_rv: impl Fn(&S) -> &String,
) -> (Vec<K>, Vec<K>) {
    let mut gone = Vec::new();
    let mut changed = Vec::new();
    for k in table.take_changes() {
        match (table.get(&k), cache.get(&k)) {
            (None, Some(_)) => gone.push(k),
            (Some(v), seen) if seen.is_none_or(|s| seen_rv(s) != rv(v)) => changed.push(k),
            _ => {}
        }
    }
    (gone, changed)
}

// ---------------------------------------------------------------------------------------------
// Nodes.

fn observe_node(c: &mut Cluster, name: &str) {
    let Some(node) = c.store.nodes.get(name) else {
        forget_node(c, name);
        return;
    };
    let zone = node
        .metadata
        .labels
        .get("topology.kubernetes.io/zone")
        .cloned();
    let cidr = node_cidr(node);
    let ip = node
        .internal_ip()
        .and_then(crate::alloc::ipv4::parse_ipv4)
        .map(u32::from);
    let rv = node.metadata.resource_version.clone();
    if let Some(cidr) = cidr {
        c.alloc
            .pod_ips
            .entry(name.to_string())
            .or_insert_with(|| crate::alloc::pod_ip::PodIpAllocator::new(cidr));
    }
    let old = c.controllers.nodes.insert(
        name.to_string(),
        NodeSeen {
            rv,
            zone: zone.clone(),
            cidr: cidr.map(|c| u32::from(c.network)),
            ip,
        },
    );
    let st = &mut c.controllers;
    st.nodes_changed = true;
    dirty_daemonsets(st);
    if let Some(old) = old {
        if old.zone != zone {
            // Endpoints carry their node's zone.
            let pods: Vec<ObjectKey> = st
                .pods_on_node
                .get(name)
                .map(|s| s.iter().cloned().collect())
                .unwrap_or_default();
            for p in pods {
                if let Some(seen) = st.pods.get(&p) {
                    let svcs = st.services_selecting(&p.namespace, &seen.labels);
                    for s in svcs {
                        st.dirty_services
                            .insert(ObjectKey::new(p.namespace.clone(), s));
                    }
                }
            }
        }
    }
}

/// The node's pod CIDR (`spec.podCIDR`, else the first of `spec.podCIDRs`).
pub(crate) fn node_cidr(node: &Node) -> Option<crate::alloc::ipv4::Cidr> {
    let s = if node.spec.pod_cidr.is_empty() {
        node.spec
            .pod_cidrs
            .first()
            .map(String::as_str)
            .unwrap_or("")
    } else {
        node.spec.pod_cidr.as_str()
    };
    crate::alloc::ipv4::Cidr::parse(s)
}

fn dirty_daemonsets(st: &mut State) {
    let ds: Vec<WKey> = st
        .workloads
        .keys()
        .filter(|(k, _)| *k == WorkloadKind::DaemonSet)
        .cloned()
        .collect();
    st.dirty_workloads.extend(ds);
}

/// A Node is gone: PodGC deletes the pods bound to it (`gcOrphaned`), its IPAM goes with it.
fn forget_node(c: &mut Cluster, name: &str) {
    let pods: Vec<ObjectKey> = c
        .controllers
        .pods_on_node
        .get(name)
        .map(|s| s.iter().cloned().collect())
        .unwrap_or_default();
    for p in pods {
        if c.store.pods.contains_key(&p) {
            c.event(
                "Normal",
                "PodGC",
                format!("pod/{}", p.name),
                &p.namespace.clone(),
                format!("Node {name} no longer exists; deleting orphaned pod"),
            );
            remove_pod(c, &p);
        }
    }
    if let Some(old) = c.controllers.nodes.remove(name) {
        if let Some(cidr) = old.cidr {
            c.controllers.node_cidrs.remove(&cidr);
        }
        if let Some(ip) = old.ip {
            c.controllers.node_ips.remove(&ip);
        }
    }
    c.alloc.pod_ips.remove(name);
    c.controllers.nodes_changed = true;
    dirty_daemonsets(&mut c.controllers);
}

/// Register a node's CIDR and address as used (before IPAM hands out new ones).
pub(crate) fn register_node_addresses(c: &mut Cluster, name: &str) {
    if let Some(node) = c.store.nodes.get(name) {
        if let Some(cidr) = node_cidr(node) {
            c.controllers.node_cidrs.insert(u32::from(cidr.network));
        }
        if let Some(ip) = node.internal_ip().and_then(crate::alloc::ipv4::parse_ipv4) {
            c.controllers.node_ips.insert(u32::from(ip));
        }
    }
}

pub(crate) fn put_node(c: &mut Cluster, mut node: Node) {
    node.metadata.resource_version = c.next_resource_version();
    let name = node.metadata.name.clone();
    c.store.nodes.insert(name.clone(), node);
    register_node_addresses(c, &name);
    observe_node(c, &name);
}

// ---------------------------------------------------------------------------------------------
// Services.

pub(crate) fn observe_service(c: &mut Cluster, key: &ObjectKey, dirty: bool) {
    let Some(svc) = c.store.services.get(key) else {
        forget_service(c, key);
        return;
    };
    let seen = SvcSeen {
        rv: svc.metadata.resource_version.clone(),
        uid: svc.metadata.uid.clone(),
        selector: svc.spec.selector.clone(),
    };
    let recreated = c
        .controllers
        .services
        .get(key)
        .is_some_and(|old| old.uid != seen.uid && !old.uid.is_empty());
    if recreated {
        // Deleted and re-created between two looks: the old one's dependents go first.
        forget_service(c, key);
    }
    let st = &mut c.controllers;
    if let Some(old) = st.services.remove(key) {
        index_remove(
            &mut st.svc_selectors,
            &key.namespace,
            &old.selector,
            &key.name,
        );
    }
    index_add(
        &mut st.svc_selectors,
        &key.namespace,
        &seen.selector,
        &key.name,
    );
    st.services.insert(key.clone(), seen);
    if dirty {
        st.dirty_services.insert(key.clone());
    }
}

/// A Service is gone: the garbage collector deletes the EndpointSlices it owns, the Endpoints
/// controller deletes its Endpoints, MetalLB frees its address.
fn forget_service(c: &mut Cluster, key: &ObjectKey) {
    let Some(old) = c.controllers.services.remove(key) else {
        return;
    };
    index_remove(
        &mut c.controllers.svc_selectors,
        &key.namespace,
        &old.selector,
        &key.name,
    );
    for name in c.controllers.slices_of(key) {
        let sk = ObjectKey::new(key.namespace.clone(), name);
        // Its own slices, and those mirrored from its Endpoints (deleted with them below:
        // the garbage collector removes their dependents).
        let owned = c.store.endpoint_slices.get(&sk).is_some_and(|s| {
            s.metadata.owner_references.iter().any(|o| {
                (o.kind == "Service"
                    && o.name == key.name
                    && (o.uid == old.uid || old.uid.is_empty()))
                    || (o.kind == "Endpoints" && o.name == key.name)
            })
        });
        if owned {
            remove_slice(c, &sk);
        }
    }
    if c.store.endpoints.contains_key(key) {
        remove_endpoints(c, key);
    }
    super::loadbalancer::forget(c, key);
    c.controllers.dirty_services.remove(key);
}

pub(crate) fn put_service(c: &mut Cluster, mut svc: Service) {
    svc.metadata.resource_version = c.next_resource_version();
    let key = ObjectKey::new(svc.metadata.namespace.clone(), svc.metadata.name.clone());
    c.store.services.insert(key.clone(), svc);
    observe_service(c, &key, false);
}

// ---------------------------------------------------------------------------------------------
// Workloads.

pub(crate) fn observe_workload(c: &mut Cluster, key: &WKey, dirty: bool) {
    let Some(w) = c.store.workloads.get(key) else {
        forget_workload(c, key);
        return;
    };
    let seen = WorkloadSeen {
        rv: w.metadata.resource_version.clone(),
        uid: w.metadata.uid.clone(),
        owner: owner_of(&w.metadata),
    };
    let st = &mut c.controllers;
    let ns = key.1.namespace.clone();
    if let Some(old) = st.workloads.remove(key) {
        if let Some((k, n)) = &old.owner {
            if let Some(set) = st
                .workloads_by_owner
                .get_mut(&(ns.clone(), k.clone(), n.clone()))
            {
                set.remove(key);
            }
        }
    }
    if let Some((k, n)) = &seen.owner {
        st.workloads_by_owner
            .entry((ns.clone(), k.clone(), n.clone()))
            .or_default()
            .insert(key.clone());
        if dirty {
            if let Some(kind) = workload_kind(k) {
                st.dirty_workloads
                    .insert((kind, ObjectKey::new(ns.clone(), n.as_str())));
            }
        }
    }
    st.workloads.insert(key.clone(), seen);
    if dirty {
        st.dirty_workloads.insert(key.clone());
    }
}

/// A workload is gone: the garbage collector deletes what it controlled (background
/// propagation): ReplicaSets at once, pods gracefully.
fn forget_workload(c: &mut Cluster, key: &WKey) {
    let Some(old) = c.controllers.workloads.remove(key) else {
        return;
    };
    let ns = key.1.namespace.clone();
    let kind = key.0.as_str();
    if let Some((k, n)) = &old.owner {
        if let Some(set) =
            c.controllers
                .workloads_by_owner
                .get_mut(&(ns.clone(), k.clone(), n.clone()))
        {
            set.remove(key);
        }
        c.controllers.dirty_pod_owner(&ns, &old.owner);
    }
    for wk in c.controllers.workloads_owned_by(&ns, kind, &key.1.name) {
        let owned = c.store.workloads.get(&wk).is_some_and(|w| {
            w.metadata
                .controller_of()
                .is_some_and(|o| o.uid == old.uid || old.uid.is_empty() || o.uid.is_empty())
        });
        if owned {
            remove_workload(c, &wk);
        }
    }
    let owned: Vec<ObjectKey> = c
        .controllers
        .pods_owned_by(&ns, kind, &key.1.name)
        .into_iter()
        .cloned()
        .collect();
    for pk in owned {
        let owned = c.store.pods.get(&pk).is_some_and(|p| {
            p.metadata
                .controller_of()
                .is_some_and(|o| o.uid == old.uid || old.uid.is_empty() || o.uid.is_empty())
        });
        if owned {
            super::kubelet::terminate_pod(c, &pk);
        }
    }
    c.controllers.dirty_workloads.remove(key);
}

pub(crate) fn put_workload(c: &mut Cluster, mut w: Workload, dirty: bool) {
    w.metadata.resource_version = c.next_resource_version();
    let key = (
        w.kind,
        ObjectKey::new(w.metadata.namespace.clone(), w.metadata.name.clone()),
    );
    c.store.workloads.insert(key.clone(), w);
    observe_workload(c, &key, dirty);
}

pub(crate) fn remove_workload(c: &mut Cluster, key: &WKey) {
    c.store.workloads.remove(key);
    forget_workload(c, key);
}

// ---------------------------------------------------------------------------------------------
// Pods.

fn endpoint_view(p: &Pod) -> EndpointView {
    let mut ips: Vec<String> = p.status.pod_ips.iter().map(|i| i.ip.clone()).collect();
    if ips.is_empty() && !p.status.pod_ip.is_empty() {
        ips.push(p.status.pod_ip.clone());
    }
    EndpointView {
        ips,
        ready: p.is_ready(),
        terminating: p.metadata.deletion_timestamp.is_some(),
        phase: p.status.phase.clone(),
        node: p.spec.node_name.clone(),
        hostname: p.spec.hostname.clone(),
        subdomain: p.spec.subdomain.clone(),
    }
}

/// The pod's (first) IPv4 address as the kubelet reported it.
pub(crate) fn pod_ipv4(p: &Pod) -> Option<Ipv4Addr> {
    if !p.status.pod_ip.is_empty() {
        return crate::alloc::ipv4::parse_ipv4(&p.status.pod_ip);
    }
    p.status
        .pod_ips
        .iter()
        .find_map(|i| crate::alloc::ipv4::parse_ipv4(&i.ip))
}

pub(crate) fn observe_pod(c: &mut Cluster, key: &ObjectKey) {
    let Some(pod) = c.store.pods.get(key) else {
        forget_pod(c, key);
        return;
    };
    let view = endpoint_view(pod);
    let uid = &pod.metadata.uid;
    let node = &pod.spec.node_name;
    let host_network = pod.spec.host_network;
    let ip = pod_ipv4(pod);
    let terminal = matches!(pod.status.phase.as_str(), "Succeeded" | "Failed");
    let terminating = pod.metadata.deletion_timestamp.is_some();
    let ns = &key.namespace;
    let st = &mut c.controllers;
    let mut old = st.pods.remove(key);
    if old
        .as_ref()
        .is_some_and(|o| o.uid != *uid && !o.uid.is_empty())
    {
        // A different pod under the same name: the old one is gone first.
        if let Some(o) = old.take() {
            st.pods.insert(key.clone(), o);
            forget_pod(c, key);
            observe_pod(c, key);
            return;
        }
    }
    // IPAM: keep the reservation while the pod keeps its address on its node.
    let mut ip_alloc = old.as_mut().and_then(|o| o.ip_alloc.take());
    if let Some((n, a)) = &ip_alloc {
        if Some(*a) != ip || n != node {
            if let Some(al) = c.alloc.pod_ips.get_mut(n) {
                al.release(*a);
            }
            ip_alloc = None;
        }
    }
    if ip_alloc.is_none() && !host_network && !node.is_empty() {
        if let (Some(a), Some(al)) = (ip, c.alloc.pod_ips.get_mut(node.as_str())) {
            // A pod pasted with its observed IP: host-local must not hand that address out.
            if al.reserve(a) {
                ip_alloc = Some((node.clone(), a));
            }
        }
    }
    let owner = owner_of(&pod.metadata);
    let was_driven = old.as_ref().is_some_and(|o| o.driven);
    let labels_same = old
        .as_ref()
        .is_some_and(|o| o.labels == pod.metadata.labels);
    let endpoint_changed = !labels_same || old.as_ref().is_none_or(|o| o.endpoint_view != view);
    let mut services = BTreeSet::new();
    if let Some(o) = &old {
        if !labels_same {
            pod_index_remove(&mut st.pod_labels, key, &o.labels);
        }
        if o.owner != owner {
            if let Some((k, n)) = &o.owner {
                if let Some(set) = st
                    .pods_by_owner
                    .get_mut(&(ns.clone(), k.clone(), n.clone()))
                {
                    set.remove(key);
                }
            }
            st.dirty_pod_owner(ns, &o.owner);
        }
        if o.node != *node {
            if let Some(set) = st.pods_on_node.get_mut(&o.node) {
                set.remove(key);
            }
        }
        if endpoint_changed && !labels_same {
            services.extend(st.services_selecting(ns, &o.labels));
        }
    }
    let labels = match old.take() {
        Some(o) if labels_same => o.labels,
        _ => {
            pod_index_add(&mut st.pod_labels, key, &pod.metadata.labels);
            pod.metadata.labels.clone()
        }
    };
    if let Some((k, n)) = &owner {
        if !st
            .pods_by_owner
            .get(&(ns.clone(), k.clone(), n.clone()))
            .is_some_and(|s| s.contains(key))
        {
            st.pods_by_owner
                .entry((ns.clone(), k.clone(), n.clone()))
                .or_default()
                .insert(key.clone());
        }
    }
    if !node.is_empty() {
        let set = st.pods_on_node.entry(node.clone()).or_default();
        if terminal {
            set.remove(key);
        } else {
            set.insert(key.clone());
        }
    }
    if endpoint_changed {
        services.extend(st.services_selecting(ns, &labels));
    }
    for s in services {
        st.dirty_services.insert(ObjectKey::new(ns.clone(), s));
    }
    st.dirty_pod_owner(ns, &owner);
    if node.is_empty() && !terminating && !terminal {
        st.to_schedule.insert(key.clone());
    } else {
        st.to_schedule.remove(key);
        st.unschedulable.remove(key);
    }
    let seen = PodSeen {
        rv: pod.metadata.resource_version.clone(),
        uid: uid.clone(),
        labels,
        node: node.clone(),
        owner,
        endpoint_view: view,
        ip_alloc,
        driven: was_driven,
    };
    st.pods.insert(key.clone(), seen);
    super::kubelet::after_observe(c, key);
}

/// A pod is gone from the store: release its IP and queue who cared about it.
fn forget_pod(c: &mut Cluster, key: &ObjectKey) {
    let Some(old) = c.controllers.pods.remove(key) else {
        return;
    };
    let st = &mut c.controllers;
    let ns = key.namespace.clone();
    pod_index_remove(&mut st.pod_labels, key, &old.labels);
    if let Some((k, n)) = &old.owner {
        if let Some(set) = st
            .pods_by_owner
            .get_mut(&(ns.clone(), k.clone(), n.clone()))
        {
            set.remove(key);
        }
    }
    if let Some(set) = st.pods_on_node.get_mut(&old.node) {
        set.remove(key);
    }
    for s in st.services_selecting(&ns, &old.labels) {
        st.dirty_services.insert(ObjectKey::new(ns.clone(), s));
    }
    st.dirty_pod_owner(&ns, &old.owner);
    st.to_schedule.remove(key);
    st.unschedulable.remove(key);
    if let Some((node, ip)) = old.ip_alloc {
        if let Some(al) = c.alloc.pod_ips.get_mut(&node) {
            al.release(ip);
        }
        super::kubelet::retry_starved(c, &node);
    }
}

pub(crate) fn put_pod(c: &mut Cluster, mut pod: Pod) {
    pod.metadata.resource_version = c.next_resource_version();
    let key = ObjectKey::new(pod.metadata.namespace.clone(), pod.metadata.name.clone());
    c.store.pods.insert(key.clone(), pod);
    observe_pod(c, &key);
}

/// Change a stored pod in place (no copy of the whole object), as a status update does.
pub(crate) fn update_pod(c: &mut Cluster, key: &ObjectKey, change: impl FnOnce(&mut Pod)) {
    let rv = c.next_resource_version();
    if let Some(pod) = c.store.pods.get_mut(key) {
        change(pod);
        pod.metadata.resource_version = rv;
        observe_pod(c, key);
    }
}

pub(crate) fn remove_pod(c: &mut Cluster, key: &ObjectKey) {
    c.store.pods.remove(key);
    forget_pod(c, key);
}

// ---------------------------------------------------------------------------------------------
// EndpointSlices and Endpoints.

fn observe_slice(c: &mut Cluster, key: &ObjectKey) {
    let st = &mut c.controllers;
    if let Some(old) = st.slices.remove(key) {
        if let Some(svc) = &old.service {
            if let Some(set) = st.slices_by_service.get_mut(svc) {
                set.remove(&key.name);
            }
        }
    }
    let Some(s) = c.store.endpoint_slices.get(key) else {
        return;
    };
    // The slices a controller keeps for a Service: the EndpointSlice controller's, and those
    // mirrored from its Endpoints.
    let managed = matches!(
        s.metadata.labels.get(MANAGED_BY_LABEL).map(String::as_str),
        Some(MANAGED_BY_CONTROLLER | super::MIRRORING_CONTROLLER)
    );
    let service = match (managed, s.service_name()) {
        (true, Some(name)) => Some(ObjectKey::new(key.namespace.clone(), name)),
        _ => None,
    };
    if let Some(svc) = &service {
        st.slices_by_service
            .entry(svc.clone())
            .or_default()
            .insert(key.name.clone());
    }
    st.slices.insert(
        key.clone(),
        SliceSeen {
            rv: s.metadata.resource_version.clone(),
            service,
        },
    );
}

pub(crate) fn put_slice(c: &mut Cluster, mut s: EndpointSlice) {
    s.metadata.resource_version = c.next_resource_version();
    let key = ObjectKey::new(s.metadata.namespace.clone(), s.metadata.name.clone());
    c.store.endpoint_slices.insert(key.clone(), s);
    observe_slice(c, &key);
}

pub(crate) fn remove_slice(c: &mut Cluster, key: &ObjectKey) {
    c.store.endpoint_slices.remove(key);
    observe_slice(c, key);
}

pub(crate) fn put_endpoints(c: &mut Cluster, mut e: Endpoints) {
    e.metadata.resource_version = c.next_resource_version();
    let key = ObjectKey::new(e.metadata.namespace.clone(), e.metadata.name.clone());
    c.controllers
        .endpoints
        .insert(key.clone(), e.metadata.resource_version.clone());
    c.store.endpoints.insert(key, e);
}

pub(crate) fn remove_endpoints(c: &mut Cluster, key: &ObjectKey) {
    c.store.endpoints.remove(key);
    c.controllers.endpoints.remove(key);
}

/// Namespaces are not watched (admission reads them from the store); writing one is logged
/// like any write and needs no cache.
pub(crate) fn put_namespace(c: &mut Cluster, mut ns: crate::api::core::Namespace) {
    ns.metadata.resource_version = c.next_resource_version();
    c.store.namespaces.insert(ns.metadata.name.clone(), ns);
}
