//! The EndpointSlice controller (`k8s.io/endpointslice` reconciler), step by step.
//!
//! For a Service with a selector (ExternalName and selector-less Services are left alone,
//! slices included: the controller returns early for them, kubernetes/kubernetes#118376):
//! the selected pods that should be endpoints become `Endpoint`s; pods are grouped by the
//! port list their named targetPorts resolve to, one set of slices per distinct list; each
//! group is reconciled against the existing slices of the same ports — existing slices keep
//! what is still wanted and are updated only when something changed, slices marked for update
//! are filled first (fullest first), leftovers go into the unchanged slice that ends closest
//! to full, else into new slices filled up to `--max-endpoints-per-slice`; a slice that would
//! be deleted while another is created is reused under its name. A Service with no endpoints
//! keeps one placeholder slice with no endpoints and no ports. Nothing is written when nothing
//! changed, so names and resourceVersions stay put.

use super::state;
use super::workloads::controller_ref;
use crate::api::core::{IntOrString, Node, ObjectReference, Pod, Service, ServicePort};
use crate::api::discovery::{
    Endpoint, EndpointConditions, EndpointHints, EndpointPort, EndpointSlice, ForZone,
    MANAGED_BY_CONTROLLER, MANAGED_BY_LABEL, SERVICE_NAME_LABEL,
};
use crate::api::meta::{ObjectMeta, Time};
use crate::cluster::{Cluster, ObjectKey};
use crate::sim::NAME_ALPHABET;
use std::collections::{BTreeMap, BTreeSet};

/// `v1.IsHeadlessService`.
pub const HEADLESS_LABEL: &str = "service.kubernetes.io/headless";
/// `v1.EndpointsLastChangeTriggerTime`.
pub const TRIGGER_TIME_ANNOTATION: &str = "endpoints.kubernetes.io/last-change-trigger-time";
const ZONE_LABEL: &str = "topology.kubernetes.io/zone";

/// `ShouldPodBeInEndpoints`: not terminal, has an IP, and (unless included) not terminating.
pub(super) fn should_be_in_endpoints(pod: &Pod, include_terminating: bool) -> bool {
    if matches!(pod.status.phase.as_str(), "Succeeded" | "Failed") {
        return false;
    }
    if pod.status.pod_ip.is_empty() && pod.status.pod_ips.is_empty() {
        return false;
    }
    include_terminating || pod.metadata.deletion_timestamp.is_none()
}

/// `ShouldSetHostname`: the pod asked for a hostname under this Service's subdomain.
pub(super) fn should_set_hostname(pod: &Pod, svc: &Service) -> bool {
    !pod.spec.hostname.is_empty()
        && pod.spec.subdomain == svc.metadata.name
        && svc.metadata.namespace == pod.metadata.namespace
}

fn proto(p: &str) -> &str {
    if p.is_empty() {
        "TCP"
    } else {
        p
    }
}

/// `FindPort`: a numeric targetPort as is; a named one is the first container port (regular
/// containers, then restartable init containers — sidecars) with that name and protocol.
pub(super) fn find_port(pod: &Pod, sp: &ServicePort) -> Option<i32> {
    match &sp.target_port {
        None => Some(sp.port),
        Some(IntOrString::Int(0)) => Some(sp.port),
        Some(IntOrString::Int(n)) => Some(*n),
        Some(IntOrString::String(name)) if name.is_empty() => Some(sp.port),
        Some(IntOrString::String(name)) => {
            let want = proto(&sp.protocol);
            let sidecars = pod
                .spec
                .init_containers
                .iter()
                .filter(|c| c.restart_policy.as_deref() == Some("Always"));
            pod.spec
                .containers
                .iter()
                .chain(sidecars)
                .flat_map(|c| c.ports.iter())
                .find(|p| &p.name == name && proto(&p.protocol) == want)
                .map(|p| p.container_port)
        }
    }
}

/// The pods selected by a Service, sorted by name.
pub(super) fn selected_pods<'a>(c: &'a Cluster, svc: &Service) -> Vec<&'a Pod> {
    let ns = &svc.metadata.namespace;
    c.controllers
        .pods_matching(ns, &svc.spec.selector)
        .into_iter()
        .filter_map(|k| c.store.pods.get(k))
        .filter(|p| crate::api::meta::map_selector_matches(&svc.spec.selector, &p.metadata.labels))
        .collect()
}

/// `getEndpointPorts`.
fn endpoint_ports(svc: &Service, pod: &Pod) -> Vec<EndpointPort> {
    if svc.spec.ports.is_empty() && svc.spec.cluster_ip == "None" {
        return Vec::new();
    }
    svc.spec
        .ports
        .iter()
        .filter_map(|sp| {
            let port = find_port(pod, sp)?;
            Some(EndpointPort {
                name: Some(sp.name.clone()),
                protocol: Some(proto(&sp.protocol).to_string()),
                port: Some(port),
                app_protocol: sp.app_protocol.clone(),
            })
        })
        .collect()
}

/// The address family a slice holds for each of the Service's IP families
/// (`getAddressTypesForService`).
fn address_types(svc: &Service) -> BTreeSet<String> {
    let mut out = BTreeSet::new();
    for f in &svc.spec.ip_families {
        if f == "IPv4" || f == "IPv6" {
            out.insert(f.clone());
        }
    }
    if !out.is_empty() {
        return out;
    }
    let cip = &svc.spec.cluster_ip;
    if !cip.is_empty() && cip != "None" {
        out.insert(if cip.contains(':') { "IPv6" } else { "IPv4" }.to_string());
        return out;
    }
    out.insert("IPv4".to_string());
    out.insert("IPv6".to_string());
    out
}

/// `podToEndpoint`.
fn pod_to_endpoint(pod: &Pod, node: Option<&Node>, svc: &Service, family: &str) -> Endpoint {
    let serving = pod.is_ready();
    let terminating = pod.metadata.deletion_timestamp.is_some();
    let ready = svc.spec.publish_not_ready_addresses || (serving && !terminating);
    let mut ips: Vec<&str> = pod.status.pod_ips.iter().map(|i| i.ip.as_str()).collect();
    if ips.is_empty() && !pod.status.pod_ip.is_empty() {
        ips.push(&pod.status.pod_ip);
    }
    let addresses = ips
        .into_iter()
        .filter(|ip| (family == "IPv6") == ip.contains(':'))
        .filter_map(|ip| {
            if family == "IPv4" {
                crate::ipv4::parse_ipv4(ip).map(|a| a.to_string())
            } else {
                ip.parse::<std::net::Ipv6Addr>().ok().map(|a| a.to_string())
            }
        })
        .collect();
    let zone = node
        .and_then(|n| n.metadata.labels.get(ZONE_LABEL))
        .filter(|z| !z.is_empty())
        .cloned();
    Endpoint {
        addresses,
        conditions: EndpointConditions {
            ready: Some(ready),
            serving: Some(serving),
            terminating: Some(terminating),
        },
        hints: zone_hints(svc, ready, zone.as_deref()),
        hostname: should_set_hostname(pod, svc).then(|| pod.spec.hostname.clone()),
        target_ref: Some(ObjectReference {
            kind: "Pod".to_string(),
            namespace: pod.metadata.namespace.clone(),
            name: pod.metadata.name.clone(),
            uid: pod.metadata.uid.clone(),
        }),
        node_name: (!pod.spec.node_name.is_empty()).then(|| pod.spec.node_name.clone()),
        zone,
        deprecated_topology: BTreeMap::new(),
    }
}

/// `trafficdist.ReconcileHints`: with `trafficDistribution: PreferClose` every ready endpoint
/// in a zone is hinted for its own zone (`preferCloseHeuristic`); otherwise no endpoint
/// carries hints (`defaultHeuristic`).
fn zone_hints(svc: &Service, ready: bool, zone: Option<&str>) -> Option<EndpointHints> {
    let prefer_close = svc.spec.traffic_distribution.as_deref() == Some("PreferClose");
    match zone {
        Some(z) if prefer_close && ready => Some(EndpointHints {
            for_zones: vec![ForZone {
                name: z.to_string(),
            }],
        }),
        _ => None,
    }
}

/// The identity of an endpoint in the desired set (`hashEndpoint`: addresses, hostname and
/// the target's namespace/name); ordered so endpoints are placed in pod-name order.
pub(super) type EpKey = (String, String, Vec<String>, String);

pub(super) fn ep_key(ep: &Endpoint) -> EpKey {
    let mut addrs = ep.addresses.clone();
    addrs.sort();
    let (ns, name) = ep
        .target_ref
        .as_ref()
        .map(|r| (r.namespace.clone(), r.name.clone()))
        .unwrap_or_default();
    (ns, name, addrs, ep.hostname.clone().unwrap_or_default())
}

/// `EndpointsEqualBeyondHash`.
/// Hints are compared too: `ReconcileHints` rewrites a slice whose hints are missing or
/// stale (`needsUpdate`), which comes to the same writes.
pub(super) fn equal_beyond_hash(a: &Endpoint, b: &Endpoint) -> bool {
    a.hints == b.hints
        && a.node_name == b.node_name
        && a.zone == b.zone
        && a.conditions == b.conditions
        && a.target_ref == b.target_ref
}

/// `setEndpointSliceLabels`: Service labels (reserved keys excluded), the headless marker,
/// the service-name and managed-by labels; and whether the non-reserved labels differed.
fn slice_labels(slice: &EndpointSlice, svc: &Service) -> (BTreeMap<String, String>, bool) {
    let reserved =
        |k: &str| k == SERVICE_NAME_LABEL || k == MANAGED_BY_LABEL || k == HEADLESS_LABEL;
    let ep: BTreeMap<&String, &String> = slice
        .metadata
        .labels
        .iter()
        .filter(|(k, _)| !reserved(k))
        .collect();
    let mut labels: BTreeMap<String, String> = svc
        .metadata
        .labels
        .iter()
        .filter(|(k, _)| !reserved(k))
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    let changed = ep.len() != labels.len() || ep.iter().any(|(k, v)| labels.get(*k) != Some(*v));
    if svc.spec.cluster_ip == "None" || svc.spec.cluster_ip.is_empty() {
        labels.insert(HEADLESS_LABEL.to_string(), String::new());
    }
    labels.insert(SERVICE_NAME_LABEL.to_string(), svc.metadata.name.clone());
    labels.insert(
        MANAGED_BY_LABEL.to_string(),
        MANAGED_BY_CONTROLLER.to_string(),
    );
    (labels, changed)
}

fn owned_by(slice: &EndpointSlice, svc: &Service) -> bool {
    slice
        .metadata
        .owner_references
        .iter()
        .any(|o| o.uid == svc.metadata.uid && o.kind == "Service" && o.api_version == "v1")
}

/// `newEndpointSlice` (no name yet: the API server completes `generateName`).
fn new_slice(svc: &Service, ports: Vec<EndpointPort>, family: &str) -> EndpointSlice {
    let mut s = EndpointSlice {
        metadata: ObjectMeta {
            generate_name: format!("{}-", svc.metadata.name),
            namespace: svc.metadata.namespace.clone(),
            owner_references: vec![controller_ref("Service", "v1", &svc.metadata)],
            ..Default::default()
        },
        address_type: family.to_string(),
        endpoints: Vec::new(),
        ports,
    };
    s.metadata.labels = slice_labels(&s, svc).0;
    s
}

/// `placeholderSliceCompare`: namespace, labels, owner references and the body.
fn placeholder_equal(a: &EndpointSlice, b: &EndpointSlice) -> bool {
    a.metadata.namespace == b.metadata.namespace
        && a.metadata.labels == b.metadata.labels
        && a.metadata.owner_references == b.metadata.owner_references
        && a.address_type == b.address_type
        && a.endpoints == b.endpoints
        && a.ports == b.ports
}

fn sorted_ports(ports: &[EndpointPort]) -> Vec<EndpointPort> {
    let mut p = ports.to_vec();
    p.sort();
    p
}

/// The slices of Service `key` that `manager` (an `endpointslice.kubernetes.io/managed-by`
/// value) keeps, as its informer lists them.
pub(super) fn managed_slices(c: &Cluster, key: &ObjectKey, manager: &str) -> Vec<EndpointSlice> {
    c.controllers
        .slices_of(key)
        .into_iter()
        .filter_map(|n| {
            c.store
                .endpoint_slices
                .get(&ObjectKey::new(key.namespace.as_str(), n))
                .cloned()
        })
        .filter(|s| {
            s.service_name() == Some(key.name.as_str())
                && s.metadata.labels.get(MANAGED_BY_LABEL).map(String::as_str) == Some(manager)
        })
        .collect()
}

/// `syncService` for one Service.
pub(super) fn sync_service(c: &mut Cluster, key: &ObjectKey) {
    let Some(svc) = c.store.services.get(key).cloned() else {
        return;
    };
    if svc.spec.type_ == "ExternalName" || svc.spec.selector.is_empty() {
        return;
    }
    let existing: Vec<EndpointSlice> = managed_slices(c, key, MANAGED_BY_CONTROLLER)
        .into_iter()
        .filter(|s| s.metadata.deletion_timestamp.is_none())
        .collect();
    let families = address_types(&svc);
    let mut by_family: BTreeMap<String, Vec<EndpointSlice>> = BTreeMap::new();
    let mut unsupported = Vec::new();
    for s in existing {
        if families.contains(&s.address_type) {
            by_family.entry(s.address_type.clone()).or_default().push(s);
        } else {
            unsupported.push(s);
        }
    }
    for family in &families {
        let slices = by_family.remove(family).unwrap_or_default();
        let desired = desired_endpoints(c, &svc, family);
        reconcile_family(c, &svc, slices, desired, family);
    }
    for s in unsupported {
        state::remove_slice(
            c,
            &ObjectKey::new(key.namespace.as_str(), s.metadata.name.as_str()),
        );
    }
}

/// Endpoints wanted for one address family, grouped by (sorted) port list.
type Desired = BTreeMap<Vec<EndpointPort>, (Vec<EndpointPort>, BTreeMap<EpKey, Endpoint>)>;

/// The desired half of `reconcileByAddressType`: one endpoint per selected pod that should be
/// one, grouped by the ports its named targetPorts resolve to.
fn desired_endpoints(c: &Cluster, svc: &Service, family: &str) -> Desired {
    let mut desired: Desired = BTreeMap::new();
    for pod in selected_pods(c, svc) {
        if !should_be_in_endpoints(pod, true) {
            continue;
        }
        let ports = endpoint_ports(svc, pod);
        let entry = desired
            .entry(sorted_ports(&ports))
            .or_insert_with(|| (ports, BTreeMap::new()));
        let node = c.store.nodes.get(&pod.spec.node_name);
        if node.is_none() && !svc.spec.publish_not_ready_addresses {
            continue;
        }
        let ep = pod_to_endpoint(pod, node, svc, family);
        if !ep.addresses.is_empty() {
            entry.1.insert(ep_key(&ep), ep);
        }
    }
    desired
}

/// `reconcileByAddressType`.
fn reconcile_family(
    c: &mut Cluster,
    svc: &Service,
    existing: Vec<EndpointSlice>,
    mut desired: Desired,
    family: &str,
) {
    let max = c.config.max_endpoints_per_slice.clamp(1, 1000);
    let mut creates: Vec<EndpointSlice> = Vec::new();
    let mut updates: Vec<EndpointSlice> = Vec::new();
    let mut deletes: Vec<EndpointSlice> = Vec::new();
    let existing_count = existing.len();
    let mut existing_by_ports: BTreeMap<Vec<EndpointPort>, Vec<EndpointSlice>> = BTreeMap::new();
    for s in existing {
        if owned_by(&s, svc) {
            existing_by_ports
                .entry(sorted_ports(&s.ports))
                .or_default()
                .push(s);
        } else {
            deletes.push(s);
        }
    }
    for (pm, (ports, set)) in desired.iter_mut() {
        let slices = existing_by_ports.remove(pm).unwrap_or_default();
        let (cr, up, de) = reconcile_ports(svc, slices, std::mem::take(set), ports, family, max);
        creates.extend(cr);
        updates.extend(up);
        deletes.extend(de);
    }
    for (_, slices) in existing_by_ports {
        deletes.extend(slices);
    }
    if existing_count == deletes.len() && creates.is_empty() {
        let placeholder = new_slice(svc, Vec::new(), family);
        if deletes.len() == 1
            && deletes
                .first()
                .is_some_and(|d| placeholder_equal(d, &placeholder))
        {
            deletes.clear();
        } else {
            creates.push(placeholder);
        }
    }
    finalize(c, svc, creates, updates, deletes);
}

/// `reconcileByPortMapping`: (creates, updates, deletes).
fn reconcile_ports(
    svc: &Service,
    existing: Vec<EndpointSlice>,
    mut desired: BTreeMap<EpKey, Endpoint>,
    ports: &[EndpointPort],
    family: &str,
    max: usize,
) -> (Vec<EndpointSlice>, Vec<EndpointSlice>, Vec<EndpointSlice>) {
    let mut by_name: BTreeMap<String, EndpointSlice> = BTreeMap::new();
    let mut unchanged: BTreeSet<String> = BTreeSet::new();
    let mut to_update: BTreeSet<String> = BTreeSet::new();
    let mut to_delete: BTreeSet<String> = BTreeSet::new();
    // 1. Keep what is still desired, refresh what changed.
    for s in existing {
        let mut kept = Vec::new();
        let mut updated = false;
        for ep in &s.endpoints {
            if let Some(got) = desired.remove(&ep_key(ep)) {
                if !equal_beyond_hash(&got, ep) {
                    updated = true;
                }
                kept.push(got);
            }
        }
        let (labels, labels_changed) = slice_labels(&s, svc);
        let name = s.metadata.name.clone();
        if updated || kept.len() != s.endpoints.len() {
            if kept.is_empty() {
                to_delete.insert(name.clone());
                by_name.insert(name, s);
            } else {
                let mut s = s;
                s.endpoints = kept;
                s.metadata.labels = labels;
                to_update.insert(name.clone());
                by_name.insert(name, s);
            }
        } else if labels_changed {
            let mut s = s;
            s.metadata.labels = labels;
            to_update.insert(name.clone());
            by_name.insert(name, s);
        } else {
            unchanged.insert(name.clone());
            by_name.insert(name, s);
        }
    }
    // 2. Fill the slices being updated anyway, fullest first.
    if !desired.is_empty() && !to_update.is_empty() {
        let mut names: Vec<String> = to_update.iter().cloned().collect();
        names.sort_by_key(|n| std::cmp::Reverse(by_name.get(n).map_or(0, |s| s.endpoints.len())));
        for n in names {
            if let Some(s) = by_name.get_mut(&n) {
                while s.endpoints.len() < max {
                    let Some((_, ep)) = desired.pop_first() else {
                        break;
                    };
                    s.endpoints.push(ep);
                }
            }
        }
    }
    // 3. The rest: into the unchanged slice that ends closest to full, else new slices.
    let mut creates = Vec::new();
    while !desired.is_empty() {
        let mut fill: Option<String> = None;
        if desired.len() < max && !unchanged.is_empty() {
            let mut closest = max;
            for n in &unchanged {
                let len = by_name.get(n).map_or(0, |s| s.endpoints.len());
                let room = max as i64 - (desired.len() + len) as i64;
                if room >= 0 && (room as usize) < closest {
                    closest = room as usize;
                    fill = Some(n.clone());
                    if closest == 0 {
                        break;
                    }
                }
            }
        }
        match fill {
            Some(n) => {
                if let Some(s) = by_name.get_mut(&n) {
                    while s.endpoints.len() < max {
                        let Some((_, ep)) = desired.pop_first() else {
                            break;
                        };
                        s.endpoints.push(ep);
                    }
                }
                unchanged.remove(&n);
                to_update.insert(n);
            }
            None => {
                let mut s = new_slice(svc, ports.to_vec(), family);
                while s.endpoints.len() < max {
                    let Some((_, ep)) = desired.pop_first() else {
                        break;
                    };
                    s.endpoints.push(ep);
                }
                creates.push(s);
            }
        }
    }
    let updates = to_update
        .iter()
        .filter_map(|n| by_name.get(n).cloned())
        .collect();
    let deletes = to_delete
        .iter()
        .filter_map(|n| by_name.get(n).cloned())
        .collect();
    (creates, updates, deletes)
}

/// RFC 3339 with the fraction Go's `RFC3339Nano` prints (trailing zeros dropped).
fn rfc3339_nano(t: Time) -> String {
    let base = t.to_rfc3339();
    let ms = t.0.rem_euclid(1000);
    if ms == 0 {
        return base;
    }
    let frac = format!("{ms:03}");
    let frac = frac.trim_end_matches('0');
    format!("{}.{frac}Z", base.trim_end_matches('Z'))
}

/// `finalize`: creates that can take the place of deletes become updates of those slices
/// (same name), then creates, updates and deletes are written.
fn finalize(
    c: &mut Cluster,
    svc: &Service,
    mut creates: Vec<EndpointSlice>,
    mut updates: Vec<EndpointSlice>,
    mut deletes: Vec<EndpointSlice>,
) {
    let mut i = 0;
    while i < deletes.len() {
        let Some(last) = creates.last() else {
            break;
        };
        let reusable = deletes
            .get(i)
            .is_some_and(|d| d.address_type == last.address_type && owned_by(d, svc));
        if reusable {
            if let (Some(mut s), Some(d)) = (creates.pop(), deletes.get(i)) {
                s.metadata.name = d.metadata.name.clone();
                updates.push(s);
            }
            deletes.remove(i);
        } else {
            i += 1;
        }
    }
    let ns = svc.metadata.namespace.clone();
    let trigger = rfc3339_nano(c.wall_now());
    if svc.metadata.deletion_timestamp.is_none() {
        for mut s in creates {
            s.metadata
                .annotations
                .insert(TRIGGER_TIME_ANNOTATION.to_string(), trigger.clone());
            create_slice(c, s);
        }
    }
    for mut s in updates {
        s.metadata
            .annotations
            .insert(TRIGGER_TIME_ANNOTATION.to_string(), trigger.clone());
        update_slice(c, s);
    }
    for s in deletes {
        state::remove_slice(c, &ObjectKey::new(ns.as_str(), s.metadata.name.as_str()));
    }
}

/// Create `s` as the API server does for a `generateName`: five random characters appended
/// (drawn again on a clash), a UID, generation 1, the creation time.
pub(super) fn create_slice(c: &mut Cluster, mut s: EndpointSlice) {
    let ns = s.metadata.namespace.clone();
    let mut name = String::new();
    for _ in 0..16 {
        name = format!(
            "{}{}",
            s.metadata.generate_name,
            c.rng.string_from(NAME_ALPHABET, 5)
        );
        if !c
            .store
            .endpoint_slices
            .contains_key(&ObjectKey::new(ns.as_str(), name.as_str()))
        {
            break;
        }
    }
    s.metadata.name = name;
    s.metadata.uid = c.rng.uuid();
    s.metadata.generation = Some(1);
    s.metadata.creation_timestamp = Some(c.wall_now());
    state::put_slice(c, s);
}

/// Replace the slice named like `s`, keeping what the API server keeps (UID, creation time,
/// generateName) and bumping its generation.
pub(super) fn update_slice(c: &mut Cluster, mut s: EndpointSlice) {
    let key = ObjectKey::new(s.metadata.namespace.as_str(), s.metadata.name.as_str());
    if let Some(old) = c.store.endpoint_slices.get(&key) {
        s.metadata.uid = old.metadata.uid.clone();
        s.metadata.creation_timestamp = old.metadata.creation_timestamp;
        s.metadata.generate_name = old.metadata.generate_name.clone();
        s.metadata.generation = Some(old.metadata.generation.unwrap_or(1) + 1);
    }
    state::put_slice(c, s);
}
