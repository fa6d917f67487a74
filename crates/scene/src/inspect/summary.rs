//! A Service at a glance: its ports, addresses, endpoints (from its EndpointSlices) and the
//! DNS names a pod can use for it.

use super::why::{non_empty, proto, selector_text};
use svcsim_engine::cluster::Cluster;

/// One port of a Service, as the inspector lists it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PortSummary {
    pub name: String,
    pub protocol: String,
    pub port: i32,
    /// The targetPort as written (number or name); the port itself when unset.
    pub target_port: String,
    pub node_port: Option<i32>,
}

/// One endpoint from the Service's EndpointSlices.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EndpointSummary {
    pub address: String,
    /// The slice's ports (the resolved target ports).
    pub ports: Vec<i32>,
    pub ready: bool,
    pub serving: bool,
    pub terminating: bool,
    /// `namespace/name` of the pod it belongs to.
    pub pod: Option<String>,
    pub node: Option<String>,
    pub slice: String,
}

/// A Service at a glance.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServiceSummary {
    pub namespace: String,
    pub name: String,
    /// `ClusterIP`, `NodePort`, `LoadBalancer` or `ExternalName`.
    pub type_: String,
    /// The ClusterIP, `None` for headless, empty for ExternalName.
    pub cluster_ip: String,
    pub headless: bool,
    pub external_name: Option<String>,
    /// `app=web,tier=front`, None without a selector.
    pub selector: Option<String>,
    pub ports: Vec<PortSummary>,
    pub load_balancer_ips: Vec<String>,
    pub external_ips: Vec<String>,
    pub session_affinity: String,
    pub external_traffic_policy: String,
    pub endpoints: Vec<EndpointSummary>,
    pub endpoints_ready: usize,
    pub endpoints_not_ready: usize,
    pub endpoints_terminating: usize,
    /// Names of its EndpointSlices.
    pub slices: Vec<String>,
    /// The names a pod can use: the FQDN first, then the short forms a pod's search list
    /// completes (`name.ns.svc`, `name.ns`, and `name` from the same namespace).
    pub dns_names: Vec<String>,
}

/// The inspector's summary of `namespace/name` (None if there is no such Service).
pub fn service_summary(cluster: &Cluster, namespace: &str, name: &str) -> Option<ServiceSummary> {
    let store = &cluster.store;
    let svc = store.service(namespace, name)?;
    let ports = svc
        .spec
        .ports
        .iter()
        .map(|p| PortSummary {
            name: p.name.clone(),
            protocol: proto(&p.protocol).to_string(),
            port: p.port,
            target_port: p
                .target_port
                .as_ref()
                .filter(|t| !t.is_zero())
                .map_or_else(|| p.port.to_string(), ToString::to_string),
            node_port: (p.node_port != 0).then_some(p.node_port),
        })
        .collect();
    let mut endpoints = Vec::new();
    let mut slices = Vec::new();
    for slice in store.slices_for_service(namespace, name) {
        slices.push(slice.metadata.name.clone());
        let ports: Vec<i32> = slice.ports.iter().filter_map(|p| p.port).collect();
        for ep in &slice.endpoints {
            let ready = ep.conditions.ready != Some(false);
            let serving = ep.conditions.serving.unwrap_or(ready);
            let terminating = ep.conditions.terminating == Some(true);
            let pod = ep
                .target_ref
                .as_ref()
                .filter(|r| r.kind == "Pod")
                .map(|r| format!("{}/{}", non_empty(&r.namespace, namespace), r.name));
            for a in &ep.addresses {
                endpoints.push(EndpointSummary {
                    address: a.clone(),
                    ports: ports.clone(),
                    ready,
                    serving,
                    terminating,
                    pod: pod.clone(),
                    node: ep.node_name.clone(),
                    slice: slice.metadata.name.clone(),
                });
            }
        }
    }
    let domain = &cluster.config.cluster_domain;
    let external_name =
        (svc.type_or_default() == "ExternalName").then(|| svc.spec.external_name.clone());
    Some(ServiceSummary {
        namespace: namespace.to_string(),
        name: name.to_string(),
        type_: svc.type_or_default().to_string(),
        cluster_ip: svc.spec.cluster_ip.clone(),
        headless: svc.is_headless(),
        external_name,
        selector: (!svc.spec.selector.is_empty()).then(|| selector_text(&svc.spec.selector)),
        ports,
        load_balancer_ips: svc
            .status
            .load_balancer
            .ingress
            .iter()
            .filter(|i| !i.ip.is_empty())
            .map(|i| i.ip.clone())
            .collect(),
        external_ips: svc.spec.external_ips.clone(),
        session_affinity: non_empty(&svc.spec.session_affinity, "None").to_string(),
        external_traffic_policy: svc.spec.external_traffic_policy.clone(),
        endpoints_ready: endpoints.iter().filter(|e| e.ready).count(),
        endpoints_not_ready: endpoints.iter().filter(|e| !e.ready).count(),
        endpoints_terminating: endpoints.iter().filter(|e| e.terminating).count(),
        endpoints,
        slices,
        dns_names: vec![
            format!("{name}.{namespace}.svc.{domain}"),
            format!("{name}.{namespace}.svc"),
            format!("{name}.{namespace}"),
            name.to_string(),
        ],
    })
}
