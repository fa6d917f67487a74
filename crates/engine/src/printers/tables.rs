//! One row per object, as kubectl's server-side table printers build them
//! (`k8s.io/kubernetes/pkg/printers/internalversion/printers.go`), plus the object's JSON form.

use super::duration::age;
use super::Resource;
use crate::api::apps::{Workload, WorkloadKind};
use crate::api::core::{Endpoints, Namespace, Node, Pod, Service};
use crate::api::discovery::{Endpoint, EndpointPort, EndpointSlice};
use crate::api::meta::{LabelSelector, ObjectMeta};
use crate::api::networking::{IpAddress, ServiceCidr};
use crate::cluster::Cluster;
use serde::Serialize;
use serde_json::Value;
use std::collections::BTreeMap;

/// `loadBalancerWidth`: EXTERNAL-IP of a LoadBalancer Service is clipped to this many bytes
/// unless `-o wide`.
const LOAD_BALANCER_WIDTH: usize = 16;

/// What kind's node image reports (`kindest/node`, Debian bookworm with containerd 2.1).
pub const NODE_OS_IMAGE: &str = "Debian GNU/Linux 12 (bookworm)";
/// The kernel of the (simulated) Docker host that kind's node containers share.
pub const NODE_KERNEL_VERSION: &str = "6.8.0-60-generic";
/// `status.nodeInfo.containerRuntimeVersion` of kind's node image.
pub const NODE_CONTAINER_RUNTIME: &str = "containerd://2.1.3";

/// One listed object: where it is, its labels, its table cells (without NAMESPACE) and its
/// JSON form.
#[derive(Debug, Clone)]
pub(crate) struct Entry {
    pub namespace: String,
    pub name: String,
    pub labels: BTreeMap<String, String>,
    pub cells: Vec<String>,
    pub json: Value,
}

/// Column headers as kubectl upper-cases the table's column definitions.
pub(crate) fn headers(resource: Resource, wide: bool) -> Vec<&'static str> {
    let (base, extra): (&[&str], &[&str]) = match resource {
        Resource::Services => (
            &[
                "NAME",
                "TYPE",
                "CLUSTER-IP",
                "EXTERNAL-IP",
                "PORT(S)",
                "AGE",
            ],
            &["SELECTOR"],
        ),
        Resource::EndpointSlices => (&["NAME", "ADDRESSTYPE", "PORTS", "ENDPOINTS", "AGE"], &[]),
        Resource::Endpoints => (&["NAME", "ENDPOINTS", "AGE"], &[]),
        Resource::Pods => (
            &["NAME", "READY", "STATUS", "RESTARTS", "AGE"],
            &["IP", "NODE", "NOMINATED NODE", "READINESS GATES"],
        ),
        Resource::Nodes => (
            &["NAME", "STATUS", "ROLES", "AGE", "VERSION"],
            &[
                "INTERNAL-IP",
                "EXTERNAL-IP",
                "OS-IMAGE",
                "KERNEL-VERSION",
                "CONTAINER-RUNTIME",
            ],
        ),
        Resource::DaemonSets => (
            &[
                "NAME",
                "DESIRED",
                "CURRENT",
                "READY",
                "UP-TO-DATE",
                "AVAILABLE",
                "NODE SELECTOR",
                "AGE",
            ],
            &["CONTAINERS", "IMAGES", "SELECTOR"],
        ),
        Resource::Deployments => (
            &["NAME", "READY", "UP-TO-DATE", "AVAILABLE", "AGE"],
            &["CONTAINERS", "IMAGES", "SELECTOR"],
        ),
        Resource::ReplicaSets => (
            &["NAME", "DESIRED", "CURRENT", "READY", "AGE"],
            &["CONTAINERS", "IMAGES", "SELECTOR"],
        ),
        Resource::StatefulSets => (&["NAME", "READY", "AGE"], &["CONTAINERS", "IMAGES"]),
        Resource::Namespaces => (&["NAME", "STATUS", "AGE"], &[]),
        Resource::ServiceCidrs => (&["NAME", "CIDRS", "AGE"], &[]),
        Resource::IpAddresses => (&["NAME", "PARENTREF"], &[]),
    };
    let mut h = base.to_vec();
    if wide {
        h.extend_from_slice(extra);
    }
    h
}

/// A stored object of one of the listed kinds.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Stored<'a> {
    Service(&'a Service),
    EndpointSlice(&'a EndpointSlice),
    Endpoints(&'a Endpoints),
    Pod(&'a Pod),
    Node(&'a Node),
    Namespace(&'a Namespace),
    Workload(&'a Workload),
    ServiceCidr(&'a ServiceCidr),
    IpAddress(&'a IpAddress),
}

impl<'a> Stored<'a> {
    pub(crate) fn metadata(self) -> &'a ObjectMeta {
        match self {
            Stored::Service(o) => &o.metadata,
            Stored::EndpointSlice(o) => &o.metadata,
            Stored::Endpoints(o) => &o.metadata,
            Stored::Pod(o) => &o.metadata,
            Stored::Node(o) => &o.metadata,
            Stored::Namespace(o) => &o.metadata,
            Stored::Workload(o) => &o.metadata,
            Stored::ServiceCidr(o) => &o.metadata,
            Stored::IpAddress(o) => &o.metadata,
        }
    }
}

/// The workload kind a resource lists, if it is one.
fn workload_kind(resource: Resource) -> Option<WorkloadKind> {
    match resource {
        Resource::Deployments => Some(WorkloadKind::Deployment),
        Resource::ReplicaSets => Some(WorkloadKind::ReplicaSet),
        Resource::StatefulSets => Some(WorkloadKind::StatefulSet),
        Resource::DaemonSets => Some(WorkloadKind::DaemonSet),
        _ => None,
    }
}

/// Every object of `resource` in namespace `ns` (None: all namespaces; ignored for
/// cluster-scoped kinds), in the order the API server lists them (namespace, then name).
pub(crate) fn objects<'a>(
    cluster: &'a Cluster,
    resource: Resource,
    ns: Option<&'a str>,
) -> Vec<Stored<'a>> {
    let store = &cluster.store;
    if let Some(kind) = workload_kind(resource) {
        return store
            .workloads
            .iter()
            .filter(|((k, key), _)| *k == kind && ns.is_none_or(|n| key.namespace == n))
            .map(|(_, w)| Stored::Workload(w))
            .collect();
    }
    match resource {
        Resource::Services => store.services_in(ns).map(Stored::Service).collect(),
        Resource::EndpointSlices => store
            .endpoint_slices_in(ns)
            .map(Stored::EndpointSlice)
            .collect(),
        Resource::Endpoints => store.endpoints_in(ns).map(Stored::Endpoints).collect(),
        Resource::Pods => store.pods_in(ns).map(Stored::Pod).collect(),
        Resource::Nodes => store.nodes.values().map(Stored::Node).collect(),
        Resource::Namespaces => store.namespaces.values().map(Stored::Namespace).collect(),
        Resource::ServiceCidrs => store
            .service_cidrs
            .values()
            .map(Stored::ServiceCidr)
            .collect(),
        Resource::IpAddresses => store.ip_addresses.values().map(Stored::IpAddress).collect(),
        Resource::Deployments
        | Resource::ReplicaSets
        | Resource::StatefulSets
        | Resource::DaemonSets => Vec::new(),
    }
}

/// The table row and (when `with_json`, else null) the JSON of one object listed as
/// `resource`.
pub(crate) fn entry(
    cluster: &Cluster,
    resource: Resource,
    object: Stored<'_>,
    wide: bool,
    with_json: bool,
) -> Entry {
    let (cells, json) = match object {
        Stored::Service(s) => (
            service_cells(cluster, s, wide),
            json_of(with_json, s, resource),
        ),
        Stored::EndpointSlice(s) => (slice_cells(cluster, s), json_of(with_json, s, resource)),
        Stored::Endpoints(e) => (endpoints_cells(cluster, e), json_of(with_json, e, resource)),
        Stored::Pod(p) => (pod_cells(cluster, p, wide), json_of(with_json, p, resource)),
        Stored::Node(n) => (
            node_cells(cluster, n, wide),
            json_of(with_json, n, resource),
        ),
        Stored::Namespace(n) => (
            namespace_cells(cluster, n),
            if with_json {
                namespace_json(n)
            } else {
                Value::Null
            },
        ),
        Stored::Workload(w) => {
            let cells = match w.kind {
                WorkloadKind::Deployment => deployment_cells(cluster, w, wide),
                WorkloadKind::ReplicaSet => replica_set_cells(cluster, w, wide),
                WorkloadKind::StatefulSet => stateful_set_cells(cluster, w, wide),
                WorkloadKind::DaemonSet => daemon_set_cells(cluster, w, wide),
            };
            (cells, json_of(with_json, w, resource))
        }
        Stored::ServiceCidr(sc) => (
            vec![
                sc.metadata.name.clone(),
                sc.spec.cidrs.join(","),
                age(cluster, sc.metadata.creation_timestamp),
            ],
            json_of(with_json, sc, resource),
        ),
        Stored::IpAddress(a) => (
            vec![a.metadata.name.clone(), a.parent_ref_text()],
            json_of(with_json, a, resource),
        ),
    };
    let meta = object.metadata();
    Entry {
        namespace: meta.namespace.clone(),
        name: meta.name.clone(),
        labels: meta.labels.clone(),
        cells,
        json,
    }
}

/// [`typed`], or null when the output does not print objects.
fn json_of<T: Serialize>(with_json: bool, object: &T, resource: Resource) -> Value {
    if with_json {
        typed(object, resource)
    } else {
        Value::Null
    }
}

/// The object's JSON with `apiVersion` and `kind`, as the API server returns it.
fn typed<T: Serialize>(object: &T, resource: Resource) -> Value {
    let mut v = serde_json::to_value(object).unwrap_or(Value::Null);
    if let Value::Object(m) = &mut v {
        m.insert(
            "apiVersion".to_string(),
            Value::String(resource.api_version().to_string()),
        );
        m.insert(
            "kind".to_string(),
            Value::String(resource.kind().to_string()),
        );
    }
    v
}

/// Namespaces carry `spec.finalizers: [kubernetes]` and `status.phase` in the API.
fn namespace_json(ns: &Namespace) -> Value {
    let mut v = typed(ns, Resource::Namespaces);
    if let Value::Object(m) = &mut v {
        m.insert(
            "spec".to_string(),
            serde_json::json!({"finalizers": ["kubernetes"]}),
        );
        m.insert(
            "status".to_string(),
            serde_json::json!({"phase": namespace_phase(ns)}),
        );
    }
    v
}

/// `labels.FormatLabels`: `k=v,k2=v2` sorted by key, or `<none>` — what kubectl prints for a
/// Service's SELECTOR, a DaemonSet's NODE SELECTOR and `--show-labels`' LABELS column.
pub fn format_labels(labels: &BTreeMap<String, String>) -> String {
    if labels.is_empty() {
        return "<none>".to_string();
    }
    labels
        .iter()
        .map(|(k, v)| format!("{k}={v}"))
        .collect::<Vec<_>>()
        .join(",")
}

/// `metav1.FormatLabelSelector`: `<none>` for a missing or empty selector.
fn format_label_selector(selector: Option<&LabelSelector>) -> String {
    match selector.map(LabelSelector::to_selector_string) {
        Some(s) if !s.is_empty() => s,
        _ => "<none>".to_string(),
    }
}

/// `net.JoinHostPort`: IPv6 addresses get brackets.
pub(crate) fn join_host_port(host: &str, port: i32) -> String {
    if host.contains(':') {
        format!("[{host}]:{port}")
    } else {
        format!("{host}:{port}")
    }
}

// ---------------------------------------------------------------------------------------------
// Services

/// printers.go `printService`.
fn service_cells(cluster: &Cluster, s: &Service, wide: bool) -> Vec<String> {
    let cluster_ip = s
        .spec
        .cluster_ips
        .first()
        .cloned()
        .or_else(|| (!s.spec.cluster_ip.is_empty()).then(|| s.spec.cluster_ip.clone()))
        .unwrap_or_else(|| "<none>".to_string());
    let mut ports = make_port_string(s);
    if ports.is_empty() {
        ports = "<none>".to_string();
    }
    let mut cells = vec![
        s.metadata.name.clone(),
        s.type_or_default().to_string(),
        cluster_ip,
        service_external_ip(s, wide),
        ports,
        age(cluster, s.metadata.creation_timestamp),
    ];
    if wide {
        cells.push(format_labels(&s.spec.selector));
    }
    cells
}

/// `makePortString`: `80/TCP`, or `80:30008/TCP` with a nodePort, comma-joined.
fn make_port_string(s: &Service) -> String {
    s.spec
        .ports
        .iter()
        .map(|p| {
            if p.node_port > 0 {
                format!("{}:{}/{}", p.port, p.node_port, p.protocol)
            } else {
                format!("{}/{}", p.port, p.protocol)
            }
        })
        .collect::<Vec<_>>()
        .join(",")
}

/// `loadBalancerStatusStringer`: ingress IPs (or hostnames), de-duplicated and sorted,
/// clipped to 16 bytes with `...` unless wide.
fn load_balancer_status(s: &Service, wide: bool) -> String {
    let mut set: Vec<&str> = s
        .status
        .load_balancer
        .ingress
        .iter()
        .filter_map(|i| {
            if !i.ip.is_empty() {
                Some(i.ip.as_str())
            } else if !i.hostname.is_empty() {
                Some(i.hostname.as_str())
            } else {
                None
            }
        })
        .collect();
    set.sort_unstable();
    set.dedup();
    let r = set.join(",");
    if !wide && r.len() > LOAD_BALANCER_WIDTH {
        let mut cut = LOAD_BALANCER_WIDTH - 3;
        while !r.is_char_boundary(cut) {
            cut -= 1;
        }
        return format!("{}...", r.get(..cut).unwrap_or(""));
    }
    r
}

/// `getServiceExternalIP`.
fn service_external_ip(s: &Service, wide: bool) -> String {
    let external = s.spec.external_ips.join(",");
    match s.type_or_default() {
        "ClusterIP" | "NodePort" => {
            if external.is_empty() {
                "<none>".to_string()
            } else {
                external
            }
        }
        "LoadBalancer" => {
            let lb = load_balancer_status(s, wide);
            if !s.spec.external_ips.is_empty() {
                let mut parts: Vec<String> = Vec::new();
                if !lb.is_empty() {
                    parts.extend(lb.split(',').map(str::to_string));
                }
                parts.extend(s.spec.external_ips.iter().cloned());
                return parts.join(",");
            }
            if lb.is_empty() {
                "<pending>".to_string()
            } else {
                lb
            }
        }
        "ExternalName" => s.spec.external_name.clone(),
        _ => "<unknown>".to_string(),
    }
}

// ---------------------------------------------------------------------------------------------
// EndpointSlices and Endpoints

fn slice_cells(cluster: &Cluster, s: &EndpointSlice) -> Vec<String> {
    vec![
        s.metadata.name.clone(),
        s.address_type.clone(),
        format_discovery_ports(&s.ports),
        format_discovery_endpoints(&s.endpoints),
        age(cluster, s.metadata.creation_timestamp),
    ]
}

/// `listWithMoreString`: the first `max` values, then ` + N more...`; empty → `<unset>`.
fn list_with_more(list: &[String], more: bool, count: usize, max: usize) -> String {
    let ret = list.join(",");
    if more {
        return format!("{ret} + {} more...", count.saturating_sub(max));
    }
    if ret.is_empty() {
        "<unset>".to_string()
    } else {
        ret
    }
}

/// `formatDiscoveryPorts`: port numbers (or the name when the number is unset, `*` when both
/// are).
fn format_discovery_ports(ports: &[EndpointPort]) -> String {
    let max = 3;
    let mut list = Vec::new();
    let mut more = false;
    for p in ports {
        if list.len() < max {
            list.push(match (&p.port, &p.name) {
                (Some(n), _) => n.to_string(),
                (None, Some(name)) => name.clone(),
                (None, None) => "*".to_string(),
            });
        } else if list.len() == max {
            more = true;
        }
    }
    list_with_more(&list, more, ports.len(), max)
}

/// `formatDiscoveryEndpoints`: every address of every endpoint, ready or not.
fn format_discovery_endpoints(endpoints: &[Endpoint]) -> String {
    let max = 3;
    let mut list = Vec::new();
    let mut more = false;
    let mut count = 0;
    for a in endpoints.iter().flat_map(|e| e.addresses.iter()) {
        if list.len() < max {
            list.push(a.clone());
        } else if list.len() == max {
            more = true;
        }
        count += 1;
    }
    list_with_more(&list, more, count, max)
}

fn endpoints_cells(cluster: &Cluster, e: &Endpoints) -> Vec<String> {
    vec![
        e.metadata.name.clone(),
        format_endpoints(e),
        age(cluster, e.metadata.creation_timestamp),
    ]
}

/// `formatEndpoints(endpoints, nil)`: ready addresses as `ip:port` for every port of every
/// subset (bare IPs for a subset without ports), first three then ` + N more...`; `<none>`
/// without subsets.
fn format_endpoints(e: &Endpoints) -> String {
    if e.subsets.is_empty() {
        return "<none>".to_string();
    }
    let max = 3;
    let mut list: Vec<String> = Vec::new();
    let mut more = false;
    let mut count = 0;
    for ss in &e.subsets {
        if ss.ports.is_empty() {
            count += ss.addresses.len();
            for a in &ss.addresses {
                if list.len() == max {
                    more = true;
                    break;
                }
                list.push(a.ip.clone());
            }
            continue;
        }
        for port in &ss.ports {
            count += ss.addresses.len();
            for a in &ss.addresses {
                if list.len() == max {
                    more = true;
                    break;
                }
                list.push(join_host_port(&a.ip, port.port));
            }
        }
    }
    let ret = list.join(",");
    if more {
        return format!("{ret} + {} more...", count.saturating_sub(max));
    }
    ret
}

// ---------------------------------------------------------------------------------------------
// Pods

/// Containers kubectl counts in READY: regular containers plus restartable (sidecar) init
/// containers.
fn total_containers(p: &Pod) -> usize {
    p.spec.containers.len()
        + p.spec
            .init_containers
            .iter()
            .filter(|c| c.restart_policy.as_deref() == Some("Always"))
            .count()
}

/// kubectl's STATUS column (`printPod`), derived from what svcsim keeps of a pod: the phase,
/// the node assignment and the deletion timestamp. svcsim has no container statuses, so the
/// container-level reasons kubectl would read are inferred: a scheduled pod that is still
/// `Pending` is `ContainerCreating` (the kubelet's waiting reason while the sandbox is set
/// up), a `Succeeded` pod shows `Completed`, a `Failed` one `Error`.
pub fn pod_status(p: &Pod) -> String {
    let phase = if p.status.phase.is_empty() {
        "Pending"
    } else {
        p.status.phase.as_str()
    };
    let mut reason = match phase {
        "Pending" if !p.spec.node_name.is_empty() => "ContainerCreating",
        "Succeeded" => "Completed",
        "Failed" => "Error",
        other => other,
    }
    .to_string();
    let terminal = matches!(phase, "Succeeded" | "Failed");
    if p.metadata.deletion_timestamp.is_some() && !terminal {
        reason = "Terminating".to_string();
    }
    reason
}

/// READY `n/m`: all containers count as ready while the pod's Ready condition is True.
pub fn pod_ready(p: &Pod) -> String {
    let total = total_containers(p);
    let ready = if p.status.phase == "Running" && p.is_ready() {
        total
    } else {
        0
    };
    format!("{ready}/{total}")
}

fn pod_cells(cluster: &Cluster, p: &Pod, wide: bool) -> Vec<String> {
    let mut cells = vec![
        p.metadata.name.clone(),
        pod_ready(p),
        pod_status(p),
        "0".to_string(),
        age(cluster, p.metadata.creation_timestamp),
    ];
    if wide {
        let ip = p
            .status
            .pod_ips
            .first()
            .map(|i| i.ip.clone())
            .filter(|s| !s.is_empty())
            .or_else(|| (!p.status.pod_ip.is_empty()).then(|| p.status.pod_ip.clone()))
            .unwrap_or_else(|| "<none>".to_string());
        let node = if p.spec.node_name.is_empty() {
            "<none>".to_string()
        } else {
            p.spec.node_name.clone()
        };
        cells.extend([ip, node, "<none>".to_string(), "<none>".to_string()]);
    }
    cells
}

// ---------------------------------------------------------------------------------------------
// Nodes and Namespaces

/// `findNodeRoles`: `node-role.kubernetes.io/<role>` labels and `kubernetes.io/role=<role>`.
fn node_roles(n: &Node) -> String {
    let mut roles: Vec<&str> = Vec::new();
    for (k, v) in &n.metadata.labels {
        if let Some(role) = k.strip_prefix("node-role.kubernetes.io/") {
            if !role.is_empty() {
                roles.push(role);
            }
        } else if k == "kubernetes.io/role" && !v.is_empty() {
            roles.push(v);
        }
    }
    roles.sort_unstable();
    roles.dedup();
    if roles.is_empty() {
        "<none>".to_string()
    } else {
        roles.join(",")
    }
}

fn node_cells(cluster: &Cluster, n: &Node, wide: bool) -> Vec<String> {
    let mut status: Vec<&str> = match n.status.conditions.iter().find(|c| c.type_ == "Ready") {
        Some(c) if c.status == "True" => vec!["Ready"],
        Some(_) => vec!["NotReady"],
        None => vec!["Unknown"],
    };
    if n.spec.unschedulable {
        status.push("SchedulingDisabled");
    }
    let mut cells = vec![
        n.metadata.name.clone(),
        status.join(","),
        node_roles(n),
        age(cluster, n.metadata.creation_timestamp),
        cluster.config.kubernetes_version.clone(),
    ];
    if wide {
        let addr = |t: &str| {
            n.status
                .addresses
                .iter()
                .find(|a| a.type_ == t)
                .map(|a| a.address.clone())
                .unwrap_or_else(|| "<none>".to_string())
        };
        cells.extend([
            addr("InternalIP"),
            addr("ExternalIP"),
            NODE_OS_IMAGE.to_string(),
            NODE_KERNEL_VERSION.to_string(),
            NODE_CONTAINER_RUNTIME.to_string(),
        ]);
    }
    cells
}

fn namespace_phase(n: &Namespace) -> &'static str {
    if n.metadata.deletion_timestamp.is_some() {
        "Terminating"
    } else {
        "Active"
    }
}

fn namespace_cells(cluster: &Cluster, n: &Namespace) -> Vec<String> {
    vec![
        n.metadata.name.clone(),
        namespace_phase(n).to_string(),
        age(cluster, n.metadata.creation_timestamp),
    ]
}

// ---------------------------------------------------------------------------------------------
// Deployments and ReplicaSets

/// `layoutContainerCells`: container names and images, comma-joined.
fn container_cells(w: &Workload) -> (String, String) {
    let c = &w.spec.template.spec.containers;
    (
        c.iter()
            .map(|c| c.name.as_str())
            .collect::<Vec<_>>()
            .join(","),
        c.iter()
            .map(|c| c.image.as_str())
            .collect::<Vec<_>>()
            .join(","),
    )
}

/// The `-o wide` columns Deployments, ReplicaSets and DaemonSets share: CONTAINERS, IMAGES,
/// SELECTOR.
fn wide_workload_cells(w: &Workload) -> [String; 3] {
    let (names, images) = container_cells(w);
    [
        names,
        images,
        format_label_selector(w.spec.selector.as_ref()),
    ]
}

/// `printDeployment`: READY is `readyReplicas/replicas`.
fn deployment_cells(cluster: &Cluster, w: &Workload, wide: bool) -> Vec<String> {
    let st = &w.status;
    let mut cells = vec![
        w.metadata.name.clone(),
        format!(
            "{}/{}",
            st.ready_replicas.unwrap_or(0),
            w.desired_replicas()
        ),
        st.updated_replicas.unwrap_or(0).to_string(),
        st.available_replicas.unwrap_or(0).to_string(),
        age(cluster, w.metadata.creation_timestamp),
    ];
    if wide {
        cells.extend(wide_workload_cells(w));
    }
    cells
}

/// `printReplicaSet`: DESIRED, CURRENT, READY.
fn replica_set_cells(cluster: &Cluster, w: &Workload, wide: bool) -> Vec<String> {
    let st = &w.status;
    let mut cells = vec![
        w.metadata.name.clone(),
        w.desired_replicas().to_string(),
        st.replicas.unwrap_or(0).to_string(),
        st.ready_replicas.unwrap_or(0).to_string(),
        age(cluster, w.metadata.creation_timestamp),
    ];
    if wide {
        cells.extend(wide_workload_cells(w));
    }
    cells
}

/// `printStatefulSet`: READY is `readyReplicas/replicas`.
fn stateful_set_cells(cluster: &Cluster, w: &Workload, wide: bool) -> Vec<String> {
    let mut cells = vec![
        w.metadata.name.clone(),
        format!(
            "{}/{}",
            w.status.ready_replicas.unwrap_or(0),
            w.desired_replicas()
        ),
        age(cluster, w.metadata.creation_timestamp),
    ];
    if wide {
        let (names, images) = container_cells(w);
        cells.extend([names, images]);
    }
    cells
}

/// `printDaemonSet`. The engine keeps a DaemonSet's status in the workload status fields:
/// `replicas` is `desiredNumberScheduled`, `updatedReplicas` the daemon pods that exist
/// (`currentNumberScheduled`, all of them up to date: svcsim has no rolling updates),
/// `readyReplicas` and `availableReplicas` are `numberReady` and `numberAvailable`.
/// NODE SELECTOR is the pod template's `nodeSelector`.
fn daemon_set_cells(cluster: &Cluster, w: &Workload, wide: bool) -> Vec<String> {
    let st = &w.status;
    let current = st.updated_replicas.unwrap_or(0).to_string();
    let mut cells = vec![
        w.metadata.name.clone(),
        st.replicas.unwrap_or(0).to_string(),
        current.clone(),
        st.ready_replicas.unwrap_or(0).to_string(),
        current,
        st.available_replicas.unwrap_or(0).to_string(),
        format_labels(&w.spec.template.spec.node_selector),
        age(cluster, w.metadata.creation_timestamp),
    ];
    if wide {
        cells.extend(wide_workload_cells(w));
    }
    cells
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::core::{LoadBalancerIngress, ServicePort};

    fn svc(type_: &str) -> Service {
        let mut s = Service::default();
        s.metadata.name = "x".into();
        s.spec.type_ = type_.into();
        s
    }

    #[test]
    fn external_ip_cases() {
        assert_eq!(service_external_ip(&svc("ClusterIP"), false), "<none>");
        let mut s = svc("NodePort");
        s.spec.external_ips = vec!["1.2.3.4".into(), "5.6.7.8".into()];
        assert_eq!(service_external_ip(&s, false), "1.2.3.4,5.6.7.8");
        let mut lb = svc("LoadBalancer");
        assert_eq!(service_external_ip(&lb, false), "<pending>");
        for ip in ["172.18.255.201", "172.18.255.200", "172.18.255.200"] {
            lb.status.load_balancer.ingress.push(LoadBalancerIngress {
                ip: ip.into(),
                ..Default::default()
            });
        }
        assert_eq!(service_external_ip(&lb, false), "172.18.255.20...");
        assert_eq!(
            service_external_ip(&lb, true),
            "172.18.255.200,172.18.255.201"
        );
        lb.spec.external_ips = vec!["9.9.9.9".into()];
        assert_eq!(service_external_ip(&lb, false), "172.18.255.20...,9.9.9.9");
        let mut en = svc("ExternalName");
        en.spec.external_name = "my.database.example.com".into();
        assert_eq!(service_external_ip(&en, false), "my.database.example.com");
    }

    #[test]
    fn port_strings() {
        let mut s = svc("NodePort");
        s.spec.ports = vec![
            ServicePort {
                port: 80,
                protocol: "TCP".into(),
                node_port: 30008,
                ..Default::default()
            },
            ServicePort {
                port: 53,
                protocol: "UDP".into(),
                ..Default::default()
            },
        ];
        assert_eq!(make_port_string(&s), "80:30008/TCP,53/UDP");
    }

    #[test]
    fn discovery_lists() {
        let ep = |a: &str| Endpoint {
            addresses: vec![a.to_string()],
            ..Default::default()
        };
        assert_eq!(format_discovery_endpoints(&[]), "<unset>");
        assert_eq!(format_discovery_ports(&[]), "<unset>");
        let eps: Vec<Endpoint> = (1..=5).map(|i| ep(&format!("10.0.0.{i}"))).collect();
        assert_eq!(
            format_discovery_endpoints(&eps),
            "10.0.0.1,10.0.0.2,10.0.0.3 + 2 more..."
        );
        let ports = vec![
            EndpointPort {
                port: Some(80),
                ..Default::default()
            },
            EndpointPort {
                name: Some("http".into()),
                ..Default::default()
            },
            EndpointPort::default(),
            EndpointPort {
                port: Some(443),
                ..Default::default()
            },
        ];
        assert_eq!(format_discovery_ports(&ports), "80,http,* + 1 more...");
    }
}
