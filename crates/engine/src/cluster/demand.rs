//! What the cluster's objects ask svcsim to simulate, counted before any controller does the
//! work, so [`crate::limits`] can refuse an object at apply or scale time.
//!
//! Counting what objects *ask for* (not what exists) is what makes the check come first: a
//! Deployment applied with `replicas: 2147483647` has no pods yet, and must be refused before
//! the ReplicaSet controller starts creating them. The count is built from the store when a
//! change needs it ([`Demand::of`], linear in the objects) and kept up to date across the
//! objects of one `kubectl apply -f`; it is never kept between calls, so no write elsewhere (a
//! controller, a delete) can make it stale.
//!
//! Service endpoints are counted as kube-proxy and the EndpointSlice controller will see them:
//! for each Service with a selector, its ports × the addresses each port is reached at × the
//! pods its selector picks; for the EndpointSlices a user writes, their endpoints × ports
//! (× the addresses of the Service they name). Pods are counted in groups of one namespace and
//! one label set (a workload's pod template, or a pod of its own), indexed by label, so
//! matching a selector, or finding the Services that select a group, follows the smallest
//! posting list instead of scanning the cluster.

use super::{Cluster, ObjectKey};
use crate::api::apps::{Workload, WorkloadKind};
use crate::api::core::{Endpoints, Node, Pod, Service};
use crate::api::discovery::{EndpointSlice, MANAGED_BY_CONTROLLER, MANAGED_BY_LABEL};
use crate::api::meta::{map_selector_matches, ObjectMeta};
use crate::controllers::{MAX_ENDPOINTS_PER_SUBSET, MIRRORING_CONTROLLER};
use crate::limits::{LimitExceeded, Limits, Resource, Usage};
use std::collections::{BTreeMap, BTreeSet};

type Labels = BTreeMap<String, String>;

/// Pods of one namespace and label set.
#[derive(Debug, Clone)]
struct Group {
    namespace: String,
    labels: Labels,
    pods: u64,
}

/// What a Service asks for: its ports, the addresses each is reached at, and the pods its
/// selector picks.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct ServiceAsk {
    ports: u64,
    /// Addresses each port is reached at, each a rule (iptables, nftables) and a virtual
    /// server with every endpoint as a real server (IPVS): the ClusterIP, the node port
    /// (`NodePort`, `LoadBalancer`), each `externalIPs` entry, each load-balancer ingress IP
    /// (at least one for `type: LoadBalancer`, which the LB controller assigns later).
    addresses: u64,
    /// `loadBalancerSourceRanges`: a firewall rule per port each (iptables `KUBE-FW-…`).
    source_ranges: u64,
    /// The field to point at when the addresses, not the ports, make the rules too many.
    widest: &'static str,
    selector: Labels,
}

impl ServiceAsk {
    pub(crate) fn of(svc: &Service) -> ServiceAsk {
        let lb = svc.spec.type_ == "LoadBalancer";
        let node_port = lb || svc.spec.type_ == "NodePort";
        let external = len_u64(svc.spec.external_ips.len());
        let ingress = len_u64(svc.status.load_balancer.ingress.len()).max(u64::from(lb));
        let source_ranges = len_u64(svc.spec.load_balancer_source_ranges.len());
        let widest = [
            (external, "spec.externalIPs"),
            (source_ranges, "spec.loadBalancerSourceRanges"),
            (ingress, "status.loadBalancer.ingress"),
        ]
        .into_iter()
        .filter(|(n, _)| *n > 1)
        .max_by_key(|(n, _)| *n)
        .map_or("spec.type", |(_, f)| f);
        ServiceAsk {
            ports: len_u64(svc.spec.ports.len()),
            addresses: 1u64
                .saturating_add(u64::from(node_port))
                .saturating_add(external)
                .saturating_add(ingress),
            source_ranges,
            widest,
            selector: svc.spec.selector.clone(),
        }
    }

    /// The port rules: every port once per address and source range.
    fn port_rules(&self) -> u64 {
        self.ports
            .saturating_mul(self.addresses.saturating_add(self.source_ranges))
    }

    /// The endpoints one selected pod (or one endpoint of a slice, per port) makes.
    fn per_pod(&self) -> u64 {
        self.ports.saturating_mul(self.addresses)
    }

    fn selects(&self) -> bool {
        !self.selector.is_empty()
    }

    /// `10000 ports × 2 addresses`, for the messages.
    fn describe_ports(&self) -> String {
        let ports = format!("{} port{}", self.ports, plural(self.ports));
        match self.source_ranges {
            0 => format!("{ports} × {} addresses", self.addresses),
            r => format!(
                "{ports} × ({} addresses + {r} source range{})",
                self.addresses,
                plural(r)
            ),
        }
    }
}

/// The (endpoint, port) pairs of the EndpointSlices naming one Service, counted by
/// [`Demand`] apart from what the Service's selector makes.
#[derive(Debug, Clone, Copy, Default)]
struct SlicePairs {
    /// Slices labelled as the EndpointSlice controller's: for a Service with a selector, the
    /// controller rewrites them at its next sync (what it writes is counted by the selector).
    managed: u64,
    /// Slices the user manages: kube-proxy merges them with the controller's.
    unmanaged: u64,
}

/// An EndpointSlice's pairs, and the Service it names.
struct SliceAsk<'a> {
    service: Option<ObjectKey>,
    managed: bool,
    pairs: u64,
    name: &'a str,
}

impl SliceAsk<'_> {
    fn of(s: &EndpointSlice) -> SliceAsk<'_> {
        let managed_by = s.metadata.labels.get(MANAGED_BY_LABEL).map(String::as_str);
        SliceAsk {
            service: s
                .service_name()
                .map(|n| ObjectKey::new(s.metadata.namespace.as_str(), n)),
            managed: managed_by == Some(MANAGED_BY_CONTROLLER),
            // A mirrored slice is counted as the Endpoints it mirrors (`Demand::commit_endpoints`).
            pairs: if managed_by == Some(MIRRORING_CONTROLLER) {
                0
            } else {
                len_u64(s.endpoints.len()).saturating_mul(len_u64(s.ports.len()))
            },
            name: &s.metadata.name,
        }
    }

    /// What the mirroring controller will make of hand-written Endpoints: each subset's
    /// addresses (at most [`MAX_ENDPOINTS_PER_SUBSET`] of them) × its ports, as slices no
    /// selector accounts for; nothing for Endpoints that are not mirrored (`skip-mirror`).
    fn of_endpoints(e: &Endpoints) -> SliceAsk<'_> {
        let mirrored = crate::controllers::should_mirror(e);
        let pairs = e.subsets.iter().filter(|_| mirrored).fold(0u64, |sum, s| {
            let addresses =
                (s.addresses.len() + s.not_ready_addresses.len()).min(MAX_ENDPOINTS_PER_SUBSET);
            sum.saturating_add(len_u64(addresses).saturating_mul(len_u64(s.ports.len())))
        });
        SliceAsk {
            service: Some(ObjectKey::new(
                e.metadata.namespace.as_str(),
                e.metadata.name.as_str(),
            )),
            // Like the controller's own slices: nothing while the Service has a selector (the
            // Endpoints controller then rewrites the object), the addresses' worth otherwise.
            managed: true,
            pairs,
            name: &e.metadata.name,
        }
    }
}

/// The totals of what the cluster asks for, with the indexes that keep them current.
#[derive(Debug, Clone, Default)]
pub(crate) struct Demand {
    /// The cluster's limits when counted.
    limits: Limits,
    pods: u64,
    nodes: u64,
    services: u64,
    service_ports: u64,
    /// Σ over Services of ports × addresses × selected pods, plus the EndpointSlices' pairs
    /// that no selector accounts for.
    endpoints: u64,
    groups: Vec<Group>,
    group_ids: BTreeMap<(String, Labels), usize>,
    /// `(namespace, label key, label value)` → groups carrying that label.
    groups_by_label: BTreeMap<(String, String, String), Vec<usize>>,
    /// Every Service.
    asks: BTreeMap<ObjectKey, ServiceAsk>,
    /// Service (named by the slices' `kubernetes.io/service-name`) → its slices' pairs.
    slices: BTreeMap<ObjectKey, SlicePairs>,
    /// `(namespace, key, value)` of a selector's first requirement → Services. A Service selects
    /// a group only if the group carries every pair, so one pair finds every candidate.
    services_by_label: BTreeMap<(String, String, String), BTreeSet<ObjectKey>>,
}

/// The pods a workload asks for, with the labels they will carry.
struct Ask<'a> {
    namespace: &'a str,
    labels: &'a Labels,
    pods: u64,
}

impl Demand {
    /// Count what every object of `c` asks for.
    pub(crate) fn of(c: &Cluster) -> Demand {
        let mut d = Demand {
            limits: c.config.limits,
            nodes: len_u64(c.store.nodes.len()),
            services: len_u64(c.store.services.len()),
            ..Demand::default()
        };
        for (key, svc) in c.store.services.iter() {
            d.set_service(key, None, Some(ServiceAsk::of(svc)));
        }
        for w in c.store.workloads.values() {
            let a = workload_ask(c, w);
            d.add_pods(a.namespace, a.labels, a.pods, true);
        }
        for p in c.store.pods.values() {
            if !counted_by_owner(c, &p.metadata) {
                d.add_pods(&p.metadata.namespace, &p.metadata.labels, 1, true);
            }
        }
        for s in c.store.endpoint_slices.values() {
            d.commit_slice(s, None);
        }
        for e in c.store.endpoints.values() {
            d.commit_endpoints(e, None);
        }
        d
    }

    /// The totals, as [`crate::cluster::Cluster::usage`] reports them.
    pub(crate) fn usage(&self) -> Usage {
        Usage {
            pods: self.pods,
            nodes: self.nodes,
            services: self.services,
            service_ports: self.service_ports,
            service_endpoints: self.endpoints,
        }
    }

    /// Whether a workload may be created (`old` None) or updated: the pods it asks for, and
    /// the endpoints they make for the Services selecting them.
    pub(crate) fn check_workload(
        &self,
        c: &Cluster,
        new: &Workload,
        old: Option<&Workload>,
    ) -> Result<(), LimitExceeded> {
        let new_ask = workload_ask(c, new);
        let old_ask = old.map(|o| workload_ask(c, o));
        let kind = new.kind.as_str();
        let name = new.metadata.name.as_str();
        let pods_field = match new.kind {
            WorkloadKind::DaemonSet => "spec.template.spec.nodeSelector",
            _ => "spec.replicas",
        };
        self.check_pods(
            Some(&new_ask),
            old_ask.as_ref(),
            (kind, name, pods_field),
            (kind, name, "spec.template.metadata.labels"),
        )
    }

    /// Count a workload stored (replacing `old`).
    pub(crate) fn commit_workload(&mut self, c: &Cluster, new: &Workload, old: Option<&Workload>) {
        let new_ask = workload_ask(c, new);
        let old_ask = old.map(|o| workload_ask(c, o));
        self.replace_pods(old_ask.as_ref(), Some(&new_ask));
    }

    /// `kubectl scale`: whether the workload's replicas may become `replicas`.
    pub(crate) fn check_scale(
        &self,
        c: &Cluster,
        w: &Workload,
        replicas: i32,
    ) -> Result<(), LimitExceeded> {
        let mut scaled = w.clone();
        scaled.spec.replicas = Some(replicas);
        self.check_workload(c, &scaled, Some(w))
    }

    /// Whether a pod may be created or updated (a pod a workload owns is counted by it).
    pub(crate) fn check_pod(
        &self,
        c: &Cluster,
        new: &Pod,
        old: Option<&Pod>,
    ) -> Result<(), LimitExceeded> {
        let new_ask = pod_ask(c, new);
        let old_ask = old.and_then(|o| pod_ask(c, o));
        let name = new.metadata.name.as_str();
        self.check_pods(
            new_ask.as_ref(),
            old_ask.as_ref(),
            ("Pod", name, "metadata.name"),
            ("Pod", name, "metadata.labels"),
        )
    }

    /// Count a pod stored (replacing `old`).
    pub(crate) fn commit_pod(&mut self, c: &Cluster, new: &Pod, old: Option<&Pod>) {
        let new_ask = pod_ask(c, new);
        let old_ask = old.and_then(|o| pod_ask(c, o));
        self.replace_pods(old_ask.as_ref(), new_ask.as_ref());
    }

    /// Whether a Service may be created or updated: the number of Services, all their ports,
    /// and the endpoints its selector makes.
    pub(crate) fn check_service(
        &self,
        key: &ObjectKey,
        new: &Service,
        old: Option<&Service>,
    ) -> Result<(), LimitExceeded> {
        let name = new.metadata.name.as_str();
        let new_ask = ServiceAsk::of(new);
        let old_ask = old.map(ServiceAsk::of);
        self.limits.check(
            Resource::Services,
            self.services,
            u64::from(old.is_none()),
            0,
            ("Service", name, "metadata.name"),
        )?;
        let old_ports = old_ask.as_ref().map_or(0, ServiceAsk::port_rules);
        let others_ports = self.service_ports.saturating_sub(old_ports);
        let field = if others_ports.saturating_add(new_ask.ports) > self.limits.service_ports
            || new_ask.addresses.saturating_add(new_ask.source_ranges) == 1
        {
            "spec.ports"
        } else {
            new_ask.widest
        };
        self.limits
            .check(
                Resource::ServicePorts,
                others_ports,
                new_ask.port_rules(),
                old_ports,
                ("Service", name, field),
            )
            .map_err(|e| {
                if new_ask.addresses.saturating_add(new_ask.source_ranges) > 1 {
                    e.because(new_ask.describe_ports())
                } else {
                    e
                }
            })?;
        let new_ep = self.contribution(key, Some(&new_ask));
        let old_ep = self.contribution(key, old_ask.as_ref());
        self.limits
            .check(
                Resource::ServiceEndpoints,
                self.endpoints.saturating_sub(old_ep),
                new_ep,
                old_ep,
                ("Service", name, "spec.selector"),
            )
            .map_err(|e| e.because(self.endpoints_detail(key, &new_ask)))
    }

    /// `10000 ports × 31 selected pods`: how a Service's endpoints add up, for the messages.
    fn endpoints_detail(&self, key: &ObjectKey, ask: &ServiceAsk) -> String {
        let slices = self.slices.get(key).copied().unwrap_or_default();
        let times_addresses = if ask.addresses > 1 {
            format!(" × {} addresses", ask.addresses)
        } else {
            String::new()
        };
        let mut parts = Vec::new();
        if ask.selects() {
            let selected = self.selected(&key.namespace, &ask.selector);
            parts.push(format!(
                "{} port{}{times_addresses} × {selected} selected pod{}",
                ask.ports,
                plural(ask.ports),
                plural(selected)
            ));
        }
        let from_slices = if ask.selects() {
            slices.unmanaged
        } else {
            slices.managed.saturating_add(slices.unmanaged)
        };
        if from_slices > 0 {
            parts.push(format!(
                "{from_slices} EndpointSlice endpoint-port{}{times_addresses}",
                plural(from_slices)
            ));
        }
        parts.join(" + ")
    }

    /// Count a Service stored (replacing `old`).
    pub(crate) fn commit_service(&mut self, key: &ObjectKey, new: &Service, old: Option<&Service>) {
        if old.is_none() {
            self.services += 1;
        }
        self.set_service(key, old.map(ServiceAsk::of), Some(ServiceAsk::of(new)));
    }

    /// Whether an EndpointSlice may be created or updated: its endpoints × ports, which
    /// kube-proxy turns into rules for the Service it names (unless the EndpointSlice
    /// controller manages it for a Service with a selector, which it rewrites).
    pub(crate) fn check_slice(
        &self,
        new: &EndpointSlice,
        old: Option<&EndpointSlice>,
    ) -> Result<(), LimitExceeded> {
        let detail = format!(
            "{} endpoint{} × {} port{}",
            new.endpoints.len(),
            plural(len_u64(new.endpoints.len())),
            new.ports.len(),
            plural(len_u64(new.ports.len()))
        );
        self.check_pairs(
            &SliceAsk::of(new),
            old.map(SliceAsk::of).as_ref(),
            ("EndpointSlice", "endpoints"),
            detail,
        )
    }

    /// The endpoints limit for a slice's (or mirrored Endpoints') pairs replacing `old`'s;
    /// `object` is the kind and the field to point at.
    fn check_pairs(
        &self,
        new: &SliceAsk<'_>,
        old: Option<&SliceAsk<'_>>,
        object: (&'static str, &'static str),
        detail: String,
    ) -> Result<(), LimitExceeded> {
        let new_ep = self.slice_part(new);
        let old_ep = old.map_or(0, |o| self.slice_part(o));
        self.limits
            .check(
                Resource::ServiceEndpoints,
                self.endpoints.saturating_sub(old_ep),
                new_ep,
                old_ep,
                (object.0, new.name, object.1),
            )
            .map_err(|e| e.because(detail))
    }

    /// Whether hand-written Endpoints may be stored (replacing `old`): the slices they will be
    /// mirrored into count as hand-written slices do.
    pub(crate) fn check_endpoints(
        &self,
        new: &Endpoints,
        old: Option<&Endpoints>,
    ) -> Result<(), LimitExceeded> {
        let ask = SliceAsk::of_endpoints(new);
        let detail = format!(
            "{} address-port{} to mirror into EndpointSlices",
            ask.pairs,
            plural(ask.pairs)
        );
        self.check_pairs(
            &ask,
            old.map(SliceAsk::of_endpoints).as_ref(),
            ("Endpoints", "subsets"),
            detail,
        )
    }

    /// Count Endpoints stored (replacing `old`).
    pub(crate) fn commit_endpoints(&mut self, new: &Endpoints, old: Option<&Endpoints>) {
        if let Some(old) = old {
            self.add_slice(&SliceAsk::of_endpoints(old), false);
        }
        self.add_slice(&SliceAsk::of_endpoints(new), true);
    }

    /// Count an EndpointSlice stored (replacing `old`).
    pub(crate) fn commit_slice(&mut self, new: &EndpointSlice, old: Option<&EndpointSlice>) {
        if let Some(old) = old {
            self.add_slice(&SliceAsk::of(old), false);
        }
        self.add_slice(&SliceAsk::of(new), true);
    }

    /// Whether a Node may be created or updated: the number of nodes, and the pods (and their
    /// endpoints) of every DaemonSet that now fits it.
    pub(crate) fn check_node(
        &self,
        c: &Cluster,
        new: &Node,
        old: Option<&Node>,
    ) -> Result<(), LimitExceeded> {
        let name = new.metadata.name.as_str();
        let object = ("Node", name, "metadata.name");
        self.limits.check(
            Resource::Nodes,
            self.nodes,
            u64::from(old.is_none()),
            0,
            object,
        )?;
        let changes = daemon_pods_on(c, new, old);
        let gained = changes.iter().filter(|(_, _, more)| *more);
        let pods = len_u64(gained.clone().count());
        self.limits
            .check(Resource::Pods, self.pods, pods, 0, object)?;
        let endpoints = gained
            .map(|(ns, labels, _)| self.weight(ns, labels))
            .fold(0, u64::saturating_add);
        self.limits.check(
            Resource::ServiceEndpoints,
            self.endpoints,
            endpoints,
            0,
            object,
        )
    }

    /// Count a Node stored (replacing `old`), with the DaemonSet pods it gains or loses.
    pub(crate) fn commit_node(&mut self, c: &Cluster, new: &Node, old: Option<&Node>) {
        if old.is_none() {
            self.nodes += 1;
        }
        for (ns, labels, more) in daemon_pods_on(c, new, old) {
            self.add_pods(ns, labels, 1, more);
        }
    }

    fn check_pods(
        &self,
        new: Option<&Ask<'_>>,
        old: Option<&Ask<'_>>,
        pods_object: (&'static str, &str, &'static str),
        endpoints_object: (&'static str, &str, &'static str),
    ) -> Result<(), LimitExceeded> {
        let new_pods = new.map_or(0, |a| a.pods);
        let old_pods = old.map_or(0, |a| a.pods);
        self.limits.check(
            Resource::Pods,
            self.pods.saturating_sub(old_pods),
            new_pods,
            old_pods,
            pods_object,
        )?;
        let endpoints = |a: Option<&Ask<'_>>| {
            a.map_or(0, |a| {
                a.pods.saturating_mul(self.weight(a.namespace, a.labels))
            })
        };
        let (new_ep, old_ep) = (endpoints(new), endpoints(old));
        self.limits
            .check(
                Resource::ServiceEndpoints,
                self.endpoints.saturating_sub(old_ep),
                new_ep,
                old_ep,
                endpoints_object,
            )
            .map_err(|e| match new {
                Some(a) => e.because(format!(
                    "{} pod{} × {} ports of the Services selecting them",
                    a.pods,
                    plural(a.pods),
                    self.weight(a.namespace, a.labels)
                )),
                None => e,
            })
    }

    fn replace_pods(&mut self, old: Option<&Ask<'_>>, new: Option<&Ask<'_>>) {
        if let Some(a) = old {
            self.add_pods(a.namespace, a.labels, a.pods, false);
        }
        if let Some(a) = new {
            self.add_pods(a.namespace, a.labels, a.pods, true);
        }
    }

    /// Add (or remove) `n` pods of `labels` in `namespace`, with the endpoints they make for
    /// the Services selecting them.
    fn add_pods(&mut self, namespace: &str, labels: &Labels, n: u64, add: bool) {
        if n == 0 {
            return;
        }
        let endpoints = n.saturating_mul(self.weight(namespace, labels));
        let id = self.group(namespace, labels);
        if let Some(g) = self.groups.get_mut(id) {
            g.pods = if add {
                g.pods.saturating_add(n)
            } else {
                g.pods.saturating_sub(n)
            };
        }
        if add {
            self.pods = self.pods.saturating_add(n);
            self.endpoints = self.endpoints.saturating_add(endpoints);
        } else {
            self.pods = self.pods.saturating_sub(n);
            self.endpoints = self.endpoints.saturating_sub(endpoints);
        }
    }

    fn group(&mut self, namespace: &str, labels: &Labels) -> usize {
        let key = (namespace.to_string(), labels.clone());
        if let Some(&id) = self.group_ids.get(&key) {
            return id;
        }
        let id = self.groups.len();
        for (k, v) in labels {
            self.groups_by_label
                .entry((namespace.to_string(), k.clone(), v.clone()))
                .or_default()
                .push(id);
        }
        self.groups.push(Group {
            namespace: namespace.to_string(),
            labels: labels.clone(),
            pods: 0,
        });
        self.group_ids.insert(key, id);
        id
    }

    /// Pods in `namespace` a selector picks (an empty selector picks none, as the EndpointSlice
    /// controller manages no endpoints for it).
    fn selected(&self, namespace: &str, selector: &Labels) -> u64 {
        let mut smallest: Option<&Vec<usize>> = None;
        for (k, v) in selector {
            let key = (namespace.to_string(), k.clone(), v.clone());
            match self.groups_by_label.get(&key) {
                None => return 0,
                Some(ids) if smallest.is_none_or(|s| ids.len() < s.len()) => smallest = Some(ids),
                Some(_) => {}
            }
        }
        smallest
            .into_iter()
            .flatten()
            .filter_map(|&id| self.groups.get(id))
            .filter(|g| g.namespace == namespace && map_selector_matches(selector, &g.labels))
            .map(|g| g.pods)
            .fold(0, u64::saturating_add)
    }

    /// The endpoints a Service accounts for: ports × addresses × the pods its selector picks,
    /// plus its EndpointSlices' pairs × addresses (only the user's if it has a selector: the
    /// controller rewrites the slices labelled as its own). `None`: the Service does not
    /// exist, and its slices count once each (kube-proxy ignores them until it does).
    fn contribution(&self, key: &ObjectKey, ask: Option<&ServiceAsk>) -> u64 {
        let slices = self.slices.get(key).copied().unwrap_or_default();
        let Some(ask) = ask else {
            return slices.managed.saturating_add(slices.unmanaged);
        };
        let from_slices = if ask.selects() {
            slices.unmanaged
        } else {
            slices.managed.saturating_add(slices.unmanaged)
        };
        let selected = if ask.selects() {
            ask.per_pod()
                .saturating_mul(self.selected(&key.namespace, &ask.selector))
        } else {
            0
        };
        selected.saturating_add(from_slices.saturating_mul(ask.addresses))
    }

    /// What one slice adds to the endpoints: its pairs × the addresses of the Service it
    /// names (0 when the controller manages it for a Service with a selector).
    fn slice_part(&self, s: &SliceAsk<'_>) -> u64 {
        let weight = match s.service.as_ref().and_then(|k| self.asks.get(k)) {
            None => 1,
            Some(a) if a.selects() && s.managed => 0,
            Some(a) => a.addresses,
        };
        s.pairs.saturating_mul(weight)
    }

    fn add_slice(&mut self, s: &SliceAsk<'_>, add: bool) {
        let part = self.slice_part(s);
        if let Some(key) = &s.service {
            let sums = self.slices.entry(key.clone()).or_default();
            let sum = if s.managed {
                &mut sums.managed
            } else {
                &mut sums.unmanaged
            };
            *sum = if add {
                sum.saturating_add(s.pairs)
            } else {
                sum.saturating_sub(s.pairs)
            };
        }
        self.endpoints = if add {
            self.endpoints.saturating_add(part)
        } else {
            self.endpoints.saturating_sub(part)
        };
    }

    /// Endpoints one pod labelled `labels` in `namespace` makes: the ports × addresses of the
    /// Services selecting it.
    fn weight(&self, namespace: &str, labels: &Labels) -> u64 {
        let mut seen: BTreeSet<&ObjectKey> = BTreeSet::new();
        let mut ports = 0u64;
        for (k, v) in labels {
            let key = (namespace.to_string(), k.clone(), v.clone());
            for svc in self.services_by_label.get(&key).into_iter().flatten() {
                if !seen.insert(svc) {
                    continue;
                }
                if let Some(ask) = self.asks.get(svc) {
                    if ask.selects() && map_selector_matches(&ask.selector, labels) {
                        ports = ports.saturating_add(ask.per_pod());
                    }
                }
            }
        }
        ports
    }

    /// Replace what a Service asks for (`None`: it does not exist) and the endpoints it makes.
    fn set_service(&mut self, key: &ObjectKey, old: Option<ServiceAsk>, new: Option<ServiceAsk>) {
        let before = self.contribution(key, old.as_ref());
        self.endpoints = self.endpoints.saturating_sub(before);
        if let Some(old) = old {
            self.service_ports = self.service_ports.saturating_sub(old.port_rules());
            if let Some((k, v)) = old.selector.iter().next() {
                let index = (key.namespace.clone(), k.clone(), v.clone());
                if let Some(set) = self.services_by_label.get_mut(&index) {
                    set.remove(key);
                }
            }
            self.asks.remove(key);
        }
        let after = self.contribution(key, new.as_ref());
        self.endpoints = self.endpoints.saturating_add(after);
        if let Some(new) = new {
            self.service_ports = self.service_ports.saturating_add(new.port_rules());
            if let Some((k, v)) = new.selector.iter().next() {
                self.services_by_label
                    .entry((key.namespace.clone(), k.clone(), v.clone()))
                    .or_default()
                    .insert(key.clone());
            }
            self.asks.insert(key.clone(), new);
        }
    }
}

/// The DaemonSets whose pod a node gains (`true`) or loses (`false`) when it becomes `new`.
fn daemon_pods_on<'a>(
    c: &'a Cluster,
    new: &Node,
    old: Option<&Node>,
) -> Vec<(&'a str, &'a Labels, bool)> {
    let mut out = Vec::new();
    for ds in c
        .store
        .workloads
        .values()
        .filter(|w| w.kind == WorkloadKind::DaemonSet)
    {
        let tolerations = crate::controllers::daemon_pod_tolerations(ds);
        let fits = |n: &Node| crate::controllers::daemon_fits(n, &tolerations, ds);
        let (now, before) = (fits(new), old.is_some_and(fits));
        if now != before {
            out.push((
                ds.metadata.namespace.as_str(),
                &ds.spec.template.metadata.labels,
                now,
            ));
        }
    }
    out
}

fn len_u64(n: usize) -> u64 {
    u64::try_from(n).unwrap_or(u64::MAX)
}

fn plural(n: u64) -> &'static str {
    if n == 1 {
        ""
    } else {
        "s"
    }
}

/// Whether the pod's controller is a workload in the store, which counts the pod itself.
fn counted_by_owner(c: &Cluster, meta: &ObjectMeta) -> bool {
    meta.controller_of().is_some_and(|o| {
        crate::controllers::workload_kind_of(&o.kind).is_some_and(|kind| {
            c.store.workloads.contains_key(&(
                kind,
                ObjectKey::new(meta.namespace.as_str(), o.name.as_str()),
            ))
        })
    })
}

/// A pod asks for itself, unless its controller is a workload that counts it.
fn pod_ask<'a>(c: &Cluster, p: &'a Pod) -> Option<Ask<'a>> {
    (!counted_by_owner(c, &p.metadata)).then_some(Ask {
        namespace: &p.metadata.namespace,
        labels: &p.metadata.labels,
        pods: 1,
    })
}

/// The pods a workload asks for: a Deployment, ReplicaSet or StatefulSet its replicas; a
/// ReplicaSet of a Deployment only what it wants beyond its Deployment (the Deployment
/// controller brings it back, but the ReplicaSet controller acts first); a DaemonSet one pod
/// per node it fits.
fn workload_ask<'a>(c: &Cluster, w: &'a Workload) -> Ask<'a> {
    let replicas = u64::try_from(w.desired_replicas().max(0)).unwrap_or(0);
    let pods = match w.kind {
        WorkloadKind::Deployment | WorkloadKind::StatefulSet => replicas,
        WorkloadKind::ReplicaSet => {
            let deployment = w
                .metadata
                .controller_of()
                .filter(|o| o.kind == "Deployment")
                .and_then(|o| {
                    c.store.workloads.get(&(
                        WorkloadKind::Deployment,
                        ObjectKey::new(w.metadata.namespace.as_str(), o.name.as_str()),
                    ))
                });
            match deployment {
                Some(d) => {
                    replicas.saturating_sub(u64::try_from(d.desired_replicas().max(0)).unwrap_or(0))
                }
                None => replicas,
            }
        }
        WorkloadKind::DaemonSet => {
            let tolerations = crate::controllers::daemon_pod_tolerations(w);
            len_u64(
                c.store
                    .nodes
                    .values()
                    .filter(|n| crate::controllers::daemon_fits(n, &tolerations, w))
                    .count(),
            )
        }
    };
    Ask {
        namespace: &w.metadata.namespace,
        labels: &w.spec.template.metadata.labels,
        pods,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::ClusterConfig;

    #[test]
    fn a_fresh_cluster_asks_for_its_system_pods_and_services() {
        let c = Cluster::new(ClusterConfig::default(), 0);
        let d = Demand::of(&c);
        // 3 nodes × (kube-proxy + kindnet), CoreDNS × 2, the control plane's 4 static pods,
        // the local-path provisioner.
        assert_eq!(d.pods, len_u64(c.store.pods.len()));
        assert_eq!(d.nodes, 3);
        assert_eq!(d.services, 2);
        // kube-dns: 3 ports × 2 CoreDNS pods; kubernetes has no selector, and the API
        // server's EndpointSlice (1 endpoint × 1 port).
        assert_eq!(d.endpoints, 6 + 1);
    }

    #[test]
    fn services_and_their_ports_are_bounded() {
        let (max_services, max_ports) = (Limits::DEFAULT.services, Limits::DEFAULT.service_ports);
        let c = Cluster::new(ClusterConfig::default(), 0);
        let mut d = Demand::of(&c);
        let mut svc = Service::default();
        svc.metadata.name = "web".into();
        svc.spec.ports = vec![Default::default(), Default::default()];
        let key = ObjectKey::new("default", "web");
        d.services = max_services;
        let e = d.check_service(&key, &svc, None).unwrap_err();
        assert_eq!(
            e.to_string(),
            "svcsim simulates at most 20000 Services; Service web asks for 1, and the rest of the cluster for 20000 more"
        );
        assert_eq!(e.field, "metadata.name");
        // Updating a Service that exists adds none.
        assert!(d.check_service(&key, &svc, Some(&svc)).is_ok());
        d.services = 0;
        d.service_ports = max_ports - 1;
        let e = d.check_service(&key, &svc, None).unwrap_err();
        assert_eq!(e.resource, Resource::ServicePorts);
        assert_eq!(e.field, "spec.ports");
        // Fewer ports than before is always allowed.
        let mut fewer = svc.clone();
        fewer.spec.ports.pop();
        d.service_ports = max_ports + 5;
        assert!(d.check_service(&key, &fewer, Some(&svc)).is_ok());
    }
}
