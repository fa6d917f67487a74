//! The service/endpoint view kube-proxy builds before writing any rule.
//!
//! kube-proxy never looks at Services and EndpointSlices directly while writing rules: its
//! change trackers first turn them into one `ServicePort` per Service port
//! (`pkg/proxy/serviceport.go`) and a sorted endpoint list per service port
//! (`pkg/proxy/endpointslicecache.go`), then `CategorizeEndpoints` (`pkg/proxy/topology.go`)
//! picks the usable ones for this node. This module reproduces that view, so every backend
//! (iptables, nftables, IPVS) is written from the same facts.

use crate::api::core::Service;
use crate::api::discovery::EndpointSlice;
use crate::ipv4::Cidr;
use serde::Serialize;
use std::collections::BTreeMap;
use std::net::Ipv4Addr;

/// kube-proxy's default ClientIP affinity timeout (`DefaultClientIPServiceAffinitySeconds`, 3h).
pub const DEFAULT_AFFINITY_SECONDS: u32 = 10_800;

/// A Service port protocol. kube-proxy writes it lower-case in rules and chain names.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
pub enum Protocol {
    Tcp,
    Udp,
    Sctp,
}

impl Protocol {
    /// Parse an API protocol (`TCP`, `UDP`, `SCTP`; empty means the API default `TCP`).
    pub fn parse(s: &str) -> Option<Protocol> {
        match s.to_ascii_uppercase().as_str() {
            "" | "TCP" => Some(Protocol::Tcp),
            "UDP" => Some(Protocol::Udp),
            "SCTP" => Some(Protocol::Sctp),
            _ => None,
        }
    }

    /// `tcp`/`udp`/`sctp`, as in `-m tcp -p tcp` and `service-…/tcp/…`.
    pub fn lower(self) -> &'static str {
        match self {
            Protocol::Tcp => "tcp",
            Protocol::Udp => "udp",
            Protocol::Sctp => "sctp",
        }
    }

    /// `TCP`/`UDP`/`SCTP`, as ipvsadm prints it.
    pub fn upper(self) -> &'static str {
        match self {
            Protocol::Tcp => "TCP",
            Protocol::Udp => "UDP",
            Protocol::Sctp => "SCTP",
        }
    }

    /// IANA protocol number (IPVS sorts virtual services by it).
    pub fn number(self) -> u8 {
        match self {
            Protocol::Tcp => 6,
            Protocol::Udp => 17,
            Protocol::Sctp => 132,
        }
    }
}

/// One endpoint of one service port (`BaseEndpointInfo`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct EndpointInfo {
    pub ip: Ipv4Addr,
    pub port: u16,
    pub node_name: Option<String>,
    /// `nodeName` equals the node whose rules are being built.
    pub is_local: bool,
    /// nil `ready` counts as ready (EndpointSlice API contract).
    pub ready: bool,
    /// nil `serving` counts as serving.
    pub serving: bool,
    pub terminating: bool,
    /// `hints.forZones` names.
    pub zone_hints: Vec<String>,
}

impl EndpointInfo {
    /// `IP:port`, the string kube-proxy sorts endpoints by and hashes into `KUBE-SEP-…`.
    pub fn key(&self) -> String {
        format!("{}:{}", self.ip, self.port)
    }
}

/// One Service port as kube-proxy sees it (`BaseServicePortInfo` plus its endpoints).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ServicePortInfo {
    pub namespace: String,
    pub name: String,
    pub port_name: String,
    /// `ns/name:portName` (or `ns/name` for an unnamed port): `ServicePortName.String()`.
    pub service_port_name: String,
    pub protocol: Protocol,
    pub cluster_ip: Ipv4Addr,
    pub port: u16,
    /// 0 when the port has no nodePort.
    pub node_port: u16,
    /// LoadBalancer ingress IPs with `ipMode: VIP` (or unset); `Proxy` ones are left to the LB.
    pub load_balancer_vips: Vec<Ipv4Addr>,
    pub external_ips: Vec<Ipv4Addr>,
    /// Whitespace-trimmed, IPv4-only `loadBalancerSourceRanges`.
    #[serde(serialize_with = "ser_cidrs")]
    pub load_balancer_source_ranges: Vec<Cidr>,
    /// `Some(timeoutSeconds)` for `sessionAffinity: ClientIP`.
    pub affinity_timeout: Option<u32>,
    /// `externalTrafficPolicy: Local` on a NodePort/LoadBalancer Service.
    pub external_policy_local: bool,
    /// `internalTrafficPolicy: Local`.
    pub internal_policy_local: bool,
    /// Only LoadBalancer + `externalTrafficPolicy: Local` (`NeedsHealthCheck`); 0 otherwise.
    pub health_check_node_port: u16,
    /// All endpoints of this port, deduplicated and sorted by `IP:port` (`byEndpoint`).
    pub endpoints: Vec<EndpointInfo>,
    /// `spec.trafficDistribution` (`PreferClose`: the EndpointSlice controller hints each
    /// endpoint for its zone).
    pub traffic_distribution: Option<String>,
    /// The `service.kubernetes.io/topology-mode` annotation (read only without
    /// `trafficDistribution`).
    pub topology_mode: Option<String>,
    /// `topology.kubernetes.io/zone` of the node whose rules these are.
    pub node_zone: Option<String>,
}

impl ServicePortInfo {
    /// `ExternallyAccessible`: reachable through something other than the ClusterIP.
    pub fn externally_accessible(&self) -> bool {
        self.node_port != 0 || !self.load_balancer_vips.is_empty() || !self.external_ips.is_empty()
    }

    /// `UsesClusterEndpoints`: even `Local` external policy needs Cluster endpoints for the
    /// short-circuit of pod and host traffic.
    pub fn uses_cluster_endpoints(&self) -> bool {
        !self.internal_policy_local || self.externally_accessible()
    }

    /// `UsesLocalEndpoints`.
    pub fn uses_local_endpoints(&self) -> bool {
        self.internal_policy_local || (self.external_policy_local && self.externally_accessible())
    }

    /// The endpoints usable from this node, per `CategorizeEndpoints`.
    pub fn categorize(&self) -> Categorized {
        categorize(self)
    }
}

/// The result of `CategorizeEndpoints` for one service port on one node.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Categorized {
    /// Endpoints for `Cluster` policy: ready ones, else serving+terminating ones.
    pub cluster: Vec<EndpointInfo>,
    /// Node-local endpoints for `Local` policy (same ready → serving-terminating fallback).
    pub local: Vec<EndpointInfo>,
    /// Every endpoint this node may DNAT to (union of the two), sorted by `IP:port`.
    pub all_reachable: Vec<EndpointInfo>,
    /// The service has usable endpoints somewhere in the cluster.
    pub has_any: bool,
}

/// `canUseTopology` (`pkg/proxy/topology.go`): zone hints are followed when the Service asks
/// for them (`trafficDistribution`, or else the `topology-mode: Auto` annotation), every ready
/// endpoint has hints, this node has a zone, and some ready endpoint is hinted for it.
fn can_use_topology(svc: &ServicePortInfo) -> bool {
    if svc.traffic_distribution.is_none()
        && !matches!(svc.topology_mode.as_deref(), Some("Auto" | "auto"))
    {
        return false;
    }
    let Some(zone) = svc.node_zone.as_deref().filter(|z| !z.is_empty()) else {
        return false;
    };
    let mut for_zone = false;
    for e in svc.endpoints.iter().filter(|e| e.ready) {
        if e.zone_hints.is_empty() {
            return false;
        }
        for_zone |= e.zone_hints.iter().any(|h| h == zone);
    }
    for_zone
}

/// `CategorizeEndpoints`: with topology ([`can_use_topology`]) the cluster endpoints are the
/// ready ones hinted for this node's zone (`availableForTopology`).
pub fn categorize(svc: &ServicePortInfo) -> Categorized {
    let mut out = Categorized::default();
    if svc.endpoints.is_empty() {
        return out;
    }
    if svc.uses_cluster_endpoints() {
        let topology = can_use_topology(svc)
            .then_some(svc.node_zone.as_deref())
            .flatten();
        out.cluster = svc
            .endpoints
            .iter()
            .filter(|e| e.ready && topology.is_none_or(|z| e.zone_hints.iter().any(|h| h == z)))
            .cloned()
            .collect();
        if out.cluster.is_empty() {
            out.cluster = svc
                .endpoints
                .iter()
                .filter(|e| e.serving && e.terminating)
                .cloned()
                .collect();
        }
        out.has_any = !out.cluster.is_empty();
    }
    if !svc.uses_local_endpoints() {
        out.all_reachable = out.cluster.clone();
        return out;
    }
    let (mut local_ready, mut local_st) = (false, false);
    for e in &svc.endpoints {
        if e.ready {
            out.has_any = true;
            local_ready |= e.is_local;
        } else if e.serving && e.terminating {
            out.has_any = true;
            local_st |= e.is_local;
        }
    }
    let mut use_serving_terminating = false;
    if local_ready {
        out.local = svc
            .endpoints
            .iter()
            .filter(|e| e.is_local && e.ready)
            .cloned()
            .collect();
    } else if local_st {
        use_serving_terminating = true;
        out.local = svc
            .endpoints
            .iter()
            .filter(|e| e.is_local && e.serving && e.terminating)
            .cloned()
            .collect();
    }
    if !svc.uses_cluster_endpoints() {
        out.all_reachable = out.local.clone();
        return out;
    }
    if !use_serving_terminating {
        out.all_reachable = out.cluster.clone();
        return out;
    }
    let mut merged: BTreeMap<String, EndpointInfo> = BTreeMap::new();
    for e in out.cluster.iter().chain(out.local.iter()) {
        merged.insert(e.key(), e.clone());
    }
    out.all_reachable = merged.into_values().collect();
    out
}

/// Everything kube-proxy on one node works from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ProxyView {
    pub node_name: String,
    pub node_ip: Ipv4Addr,
    /// `--cluster-cidr` (the `ClusterCIDR` local-traffic detector); None disables it.
    #[serde(serialize_with = "ser_opt_cidr")]
    pub cluster_cidr: Option<Cidr>,
    /// The Service CIDR (nftables `cluster-ips-check` drops unallocated ClusterIPs in it).
    #[serde(serialize_with = "ser_opt_cidr")]
    pub service_cidr: Option<Cidr>,
    /// Service ports sorted by servicePortName then protocol (kube-proxy iterates a Go map;
    /// svcsim fixes the order so output is reproducible).
    pub services: Vec<ServicePortInfo>,
}

/// `apis.LabelServiceProxyName`: a Service carrying it (any value) asks for another service
/// proxy, and the default kube-proxy (which has no name) leaves it alone.
pub const SERVICE_PROXY_NAME_LABEL: &str = "service.kubernetes.io/service-proxy-name";

/// Whether kube-proxy's informers see an object with these labels: it lists Services and
/// EndpointSlices with the selector `!service.kubernetes.io/service-proxy-name,
/// !service.kubernetes.io/headless` (`cmd/kube-proxy/app/server.go`). The EndpointSlice
/// controller copies a Service's labels to its slices, so both sides drop out.
pub fn watched_by_kube_proxy(labels: &std::collections::BTreeMap<String, String>) -> bool {
    !labels.contains_key(SERVICE_PROXY_NAME_LABEL)
        && !labels.contains_key(crate::controllers::HEADLESS_LABEL)
}

/// Build the view for `node_name` from Services and EndpointSlices.
///
/// Only what kube-proxy's informers list is seen ([`watched_by_kube_proxy`]). Reproduces
/// `ServiceChangeTracker` (headless and ExternalName Services are skipped) and
/// `EndpointSliceCache` (slices joined to the Service by the `kubernetes.io/service-name`
/// label, ports joined by name **and** protocol, nil port names / zero ports ignored, the
/// first address of each endpoint used, duplicates collapsed preferring the local copy).
pub fn build_view(
    services: &[&Service],
    slices: &[&EndpointSlice],
    node_name: &str,
    node_ip: Ipv4Addr,
    cluster_cidr: Option<Cidr>,
    service_cidr: Option<Cidr>,
) -> ProxyView {
    // Index the IPv4 slices by (namespace, Service) once, as kube-proxy's EndpointSliceCache
    // keys them: looking them up per Service would be quadratic in the number of Services.
    let mut by_service: std::collections::BTreeMap<(&str, &str), Vec<&EndpointSlice>> =
        std::collections::BTreeMap::new();
    for slice in slices
        .iter()
        .copied()
        .filter(|s| s.address_type == "IPv4" && watched_by_kube_proxy(&s.metadata.labels))
    {
        if let Some(svc) = slice.service_name() {
            by_service
                .entry((slice.metadata.namespace.as_str(), svc))
                .or_default()
                .push(slice);
        }
    }
    let mut out: Vec<ServicePortInfo> = Vec::new();
    for svc in services
        .iter()
        .filter(|s| watched_by_kube_proxy(&s.metadata.labels))
    {
        let own = by_service
            .get(&(svc.metadata.namespace.as_str(), svc.metadata.name.as_str()))
            .map(Vec::as_slice)
            .unwrap_or(&[]);
        out.extend(service_ports(svc, own, node_name));
    }
    out.sort_by(|a, b| {
        (a.service_port_name.as_str(), a.protocol).cmp(&(b.service_port_name.as_str(), b.protocol))
    });
    ProxyView {
        node_name: node_name.to_string(),
        node_ip,
        cluster_cidr,
        service_cidr,
        services: out,
    }
}

fn cluster_ipv4(svc: &Service) -> Option<Ipv4Addr> {
    let candidates = svc
        .spec
        .cluster_ips
        .iter()
        .chain(std::iter::once(&svc.spec.cluster_ip));
    for c in candidates {
        if let Ok(ip) = c.trim().parse::<Ipv4Addr>() {
            return Some(ip);
        }
    }
    None
}

fn port_u16(p: i32) -> u16 {
    u16::try_from(p).unwrap_or(0)
}

/// One Service's ports, with `own_slices` its IPv4 EndpointSlices.
fn service_ports(
    svc: &Service,
    own_slices: &[&EndpointSlice],
    node_name: &str,
) -> Vec<ServicePortInfo> {
    // ShouldSkipService: no ClusterIP ("None"/"") or type ExternalName.
    if svc.spec.type_ == "ExternalName" {
        return Vec::new();
    }
    let Some(cluster_ip) = cluster_ipv4(svc) else {
        return Vec::new();
    };
    let ns = svc.metadata.namespace.clone();
    let name = svc.metadata.name.clone();
    let external_policy_local = svc.requests_only_local_traffic();
    let internal_policy_local = svc.spec.internal_traffic_policy.as_deref() == Some("Local");
    let needs_health_check = svc.needs_health_check();
    let affinity_timeout = (svc.spec.session_affinity == "ClientIP").then(|| {
        svc.spec
            .session_affinity_config
            .as_ref()
            .and_then(|c| c.client_ip.as_ref())
            .and_then(|c| c.timeout_seconds)
            .and_then(|t| u32::try_from(t).ok())
            .filter(|t| *t > 0)
            .unwrap_or(DEFAULT_AFFINITY_SECONDS)
    });
    let external_ips: Vec<Ipv4Addr> = svc
        .spec
        .external_ips
        .iter()
        .filter_map(|s| s.trim().parse().ok())
        .collect();
    let load_balancer_vips: Vec<Ipv4Addr> = svc
        .status
        .load_balancer
        .ingress
        .iter()
        .filter(|i| !i.ip.is_empty() && i.ip_mode.as_deref().is_none_or(|m| m == "VIP"))
        .filter_map(|i| i.ip.parse().ok())
        .collect();
    let load_balancer_source_ranges: Vec<Cidr> = svc
        .spec
        .load_balancer_source_ranges
        .iter()
        .filter_map(|r| Cidr::parse(r.trim()))
        .collect();

    let by_port = slice_ports(own_slices);
    let mut out = Vec::new();
    for sp in &svc.spec.ports {
        let Some(protocol) = Protocol::parse(&sp.protocol) else {
            continue;
        };
        let port = port_u16(sp.port);
        if port == 0 {
            continue;
        }
        let service_port_name = if sp.name.is_empty() {
            format!("{ns}/{name}")
        } else {
            format!("{ns}/{name}:{}", sp.name)
        };
        let endpoints = endpoints_for(&by_port, &sp.name, protocol, node_name);
        out.push(ServicePortInfo {
            namespace: ns.clone(),
            name: name.clone(),
            port_name: sp.name.clone(),
            service_port_name,
            protocol,
            cluster_ip,
            port,
            node_port: port_u16(sp.node_port),
            load_balancer_vips: load_balancer_vips.clone(),
            external_ips: external_ips.clone(),
            load_balancer_source_ranges: load_balancer_source_ranges.clone(),
            affinity_timeout,
            external_policy_local,
            internal_policy_local,
            health_check_node_port: if needs_health_check {
                port_u16(svc.spec.health_check_node_port)
            } else {
                0
            },
            endpoints,
            traffic_distribution: svc.spec.traffic_distribution.clone(),
            topology_mode: svc
                .metadata
                .annotations
                .get("service.kubernetes.io/topology-mode")
                .cloned(),
            node_zone: None,
        });
    }
    out
}

/// A Service's EndpointSlice ports by (name, protocol): each entry the slice and the port
/// number, in slice order then port order. Built once per Service, so matching its ports is
/// linear (looking every Service port up in every slice port made a Service of 10,000 ports
/// cost 10⁸ comparisons).
type SlicePorts<'a> = BTreeMap<(&'a str, Protocol), Vec<(&'a EndpointSlice, u16)>>;

fn slice_ports<'a>(slices: &[&'a EndpointSlice]) -> SlicePorts<'a> {
    let mut index: SlicePorts<'a> = BTreeMap::new();
    for slice in slices {
        for p in &slice.ports {
            // endpointInfoByServicePort: nil names and nil/zero ports are ignored.
            let Some(pname) = p.name.as_deref() else {
                continue;
            };
            let Some(pnum) = p.port.map(port_u16).filter(|n| *n != 0) else {
                continue;
            };
            let Some(pproto) = Protocol::parse(p.protocol.as_deref().unwrap_or("TCP")) else {
                continue;
            };
            index
                .entry((pname, pproto))
                .or_default()
                .push((slice, pnum));
        }
    }
    index
}

fn endpoints_for(
    ports: &SlicePorts<'_>,
    port_name: &str,
    protocol: Protocol,
    node_name: &str,
) -> Vec<EndpointInfo> {
    let mut set: BTreeMap<String, EndpointInfo> = BTreeMap::new();
    for (slice, pnum) in ports.get(&(port_name, protocol)).into_iter().flatten() {
        for ep in &slice.endpoints {
            let Some(ip) = ep
                .addresses
                .first()
                .and_then(|a| a.parse::<Ipv4Addr>().ok())
            else {
                continue;
            };
            let is_local = !node_name.is_empty() && ep.node_name.as_deref() == Some(node_name);
            let info = EndpointInfo {
                ip,
                port: *pnum,
                node_name: ep.node_name.clone(),
                is_local,
                ready: ep.conditions.ready.unwrap_or(true),
                serving: ep.conditions.serving.unwrap_or(true),
                terminating: ep.conditions.terminating.unwrap_or(false),
                zone_hints: ep.zone_hints().into_iter().map(str::to_string).collect(),
            };
            let key = info.key();
            if !set.contains_key(&key) || is_local {
                set.insert(key, info);
            }
        }
    }
    // byEndpoint: sorted by the "IP:port" string (BTreeMap order is exactly that).
    set.into_values().collect()
}

/// Serialize a [`Cidr`] as its `a.b.c.d/n` text (the allocator type is not `Serialize`).
pub(crate) fn ser_cidr<S: serde::Serializer>(c: &Cidr, s: S) -> Result<S::Ok, S::Error> {
    s.collect_str(c)
}

pub(crate) fn ser_cidrs<S: serde::Serializer>(v: &[Cidr], s: S) -> Result<S::Ok, S::Error> {
    s.collect_seq(v.iter().map(|c| c.to_string()))
}

pub(crate) fn ser_opt_cidr<S: serde::Serializer>(
    v: &Option<Cidr>,
    s: S,
) -> Result<S::Ok, S::Error> {
    match v {
        Some(c) => s.collect_str(c),
        None => s.serialize_none(),
    }
}
