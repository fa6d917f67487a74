//! What shapes a cluster before any object is applied: nodes, subnets, ranges, proxy mode.
//!
//! The default is what `kind create cluster` builds with a config of one control-plane node and
//! two workers (kind's defaults: pod subnet 10.244.0.0/16, service subnet 10.96.0.0/16), plus a
//! MetalLB pool on kind's docker network, as the MetalLB-on-kind guide sets up.
//!
//! A floor of its own, below [`crate::alloc`] and [`crate::cluster`]: the allocators are sized
//! from it (service range, NodePort range, node pod CIDRs, pools) and the cluster owns one, so
//! it depends only on [`crate::api`] (kind's document) and [`crate::ipv4`] (plus the Go
//! string quoting of [`crate::validate::field`], a leaf that imports neither).
//!
//! A document kind, kubeadm or the cluster they would build refuses is checked by
//! [`validation`] ([`ClusterConfig::try_from_kind`]): svcsim then builds the default cluster
//! and reports the refusal with the real tool's message.

mod validation;

pub(crate) use validation::{parse_go_cidr, GoCidr};
pub use validation::{validate_kind, KindConfigError, Refuser, SetupProblem, NODE_CIDR_MASK};

use crate::api::setup::{IpAddressPool, KindCluster};
use crate::ipv4::Cidr;
use crate::limits::Limits;
use serde::Serialize;

/// kube-proxy's `--proxy-mode` (kind `networking.kubeProxyMode`): which data plane programs
/// the Services. Serialized as kube-proxy spells it (`iptables`, `nftables`, `ipvs`).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum ProxyMode {
    /// kube-proxy's default on Linux, and kind's.
    #[default]
    Iptables,
    Nftables,
    Ipvs,
}

impl ProxyMode {
    /// Parse `iptables`, `nftables` or `ipvs` (kind's `networking.kubeProxyMode` values),
    /// ignoring case and surrounding blanks.
    pub fn parse(s: &str) -> Option<ProxyMode> {
        match s.trim().to_ascii_lowercase().as_str() {
            "iptables" => Some(ProxyMode::Iptables),
            "nftables" => Some(ProxyMode::Nftables),
            "ipvs" => Some(ProxyMode::Ipvs),
            _ => None,
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            ProxyMode::Iptables => "iptables",
            ProxyMode::Nftables => "nftables",
            ProxyMode::Ipvs => "ipvs",
        }
    }
}

impl std::fmt::Display for ProxyMode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// One node of the cluster as configured.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct NodeConfig {
    /// kind names nodes `<cluster>-control-plane`, `<cluster>-worker`, `<cluster>-worker2`, ….
    pub name: String,
    pub control_plane: bool,
    /// The node container's address on kind's docker network.
    pub internal_ip: String,
    /// The /24 the node IPAM controller gives the node (`spec.podCIDR`).
    pub pod_cidr: String,
    /// On a dual-stack cluster: the node container's IPv6 address on kind's docker network.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub internal_ip_v6: Option<String>,
    /// On a dual-stack cluster: the node's IPv6 pod CIDR (a /64, `spec.podCIDRs[1]`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pod_cidr_v6: Option<String>,
    pub labels: std::collections::BTreeMap<String, String>,
}

/// Cluster-wide settings.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ClusterConfig {
    /// kind cluster name (`kind`).
    pub name: String,
    pub nodes: Vec<NodeConfig>,
    /// `--cluster-cidr` (kind `networking.podSubnet`).
    pub pod_subnet: String,
    /// `--service-cluster-ip-range` (kind `networking.serviceSubnet`).
    pub service_subnet: String,
    /// A dual-stack cluster's (kind `ipFamily: dual`) IPv6 pod subnet, the second CIDR of
    /// `--cluster-cidr`; None on an IPv4 cluster.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pod_subnet_v6: Option<String>,
    /// A dual-stack cluster's IPv6 service subnet, the second CIDR of
    /// `--service-cluster-ip-range`; None on an IPv4 cluster.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub service_subnet_v6: Option<String>,
    /// `--service-node-port-range`.
    pub node_port_range: (u16, u16),
    /// kubelet `clusterDomain`.
    pub cluster_domain: String,
    /// kube-proxy's mode (kind `networking.kubeProxyMode`).
    pub kube_proxy_mode: ProxyMode,
    /// kube-controller-manager `--max-endpoints-per-slice`.
    pub max_endpoints_per_slice: usize,
    /// Addresses LoadBalancer Services get (MetalLB `IPAddressPool`s; first listed first).
    pub lb_pools: Vec<IpAddressPool>,
    /// Kubernetes version the cluster reports (kind node image).
    pub kubernetes_version: String,
    /// How much the cluster's objects may ask svcsim to simulate ([`crate::limits`]): not a
    /// kind setting but svcsim's own, kept with the configuration so clones keep it.
    pub limits: Limits,
}

/// kind's docker network (`kind` bridge, 172.18.0.0/16); node containers get .2, .3, ….
const KIND_NODE_NET: [u8; 4] = [172, 18, 0, 0];
/// The IPv6 subnet of kind's docker network (a ULA kind derives from the network's name:
/// `fc00:f853:ccd:e793::/64` for `kind`); node containers get ::2, ::3, ….
const KIND_NODE_NET_V6: &str = "fc00:f853:ccd:e793::";
/// kind's default subnets for `ipFamily: dual` (`pkg/internal/apis/config/default.go`).
const DUAL_POD_SUBNET: &str = "10.244.0.0/16,fd00:10:244::/56";
const DUAL_SERVICE_SUBNET: &str = "10.96.0.0/16,fd00:10:96::/112";
/// kube-controller-manager's `--node-cidr-mask-size-ipv6` default.
pub const NODE_CIDR_MASK_V6: u8 = 64;
/// The MetalLB pool the MetalLB-on-kind guide uses.
pub const DEFAULT_LB_RANGE: &str = "172.18.255.200-172.18.255.250";

impl Default for ClusterConfig {
    fn default() -> Self {
        ClusterConfig::from_kind(&KindCluster {
            name: String::new(),
            nodes: vec![
                crate::api::setup::KindNode {
                    role: "control-plane".into(),
                    labels: Default::default(),
                },
                crate::api::setup::KindNode {
                    role: "worker".into(),
                    labels: Default::default(),
                },
                crate::api::setup::KindNode {
                    role: "worker".into(),
                    labels: Default::default(),
                },
            ],
            networking: Default::default(),
        })
    }
}

impl ClusterConfig {
    /// The cluster kind creates from its `Cluster` document, or why kind, kubeadm or the
    /// cluster they would leave refuses it ([`validate_kind`]).
    pub fn try_from_kind(kind: &KindCluster) -> Result<ClusterConfig, KindConfigError> {
        validate_kind(kind)?;
        Ok(ClusterConfig::from_kind(kind))
    }

    /// Build the configuration kind would create from its `Cluster` document (missing fields
    /// take kind's defaults; no nodes means one control-plane node, as in kind). Lenient: it
    /// does not check the document (see [`ClusterConfig::try_from_kind`]); unparsable subnets
    /// fall back to kind's defaults.
    pub fn from_kind(kind: &KindCluster) -> ClusterConfig {
        let name = if kind.name.is_empty() {
            "kind".to_string()
        } else {
            kind.name.clone()
        };
        let mut roles: Vec<(bool, std::collections::BTreeMap<String, String>)> = kind
            .nodes
            .iter()
            .map(|n| (n.role != "worker", n.labels.clone()))
            .collect();
        if roles.is_empty() {
            roles.push((true, Default::default()));
        }
        let dual = kind.networking.ip_family == "dual";
        let (pod_default, service_default) = if dual {
            (DUAL_POD_SUBNET, DUAL_SERVICE_SUBNET)
        } else {
            ("10.244.0.0/16", "10.96.0.0/16")
        };
        // A dual-stack subnet is `v4,v6` (kind keeps the order; svcsim's primary family is
        // IPv4, as kind's `dual` is).
        let (pod_subnet, pod_subnet_v6) =
            split_family(&non_empty(&kind.networking.pod_subnet, pod_default), dual);
        let (service_subnet, service_subnet_v6) = split_family(
            &non_empty(&kind.networking.service_subnet, service_default),
            dual,
        );
        let pod_base_v6 = pod_subnet_v6.as_deref().and_then(crate::ipv6::Cidr6::parse);
        let pod_base = Cidr::parse(&pod_subnet).unwrap_or_else(default_pod_subnet);
        let service_base = Cidr::parse(&service_subnet).unwrap_or_else(default_service_subnet);
        let (mut cp, mut worker) = (0usize, 0usize);
        let nodes = roles
            .into_iter()
            .enumerate()
            .map(|(i, (control_plane, extra_labels))| {
                // kind: first control plane `<name>-control-plane`, next `<name>-control-plane2`;
                // workers `<name>-worker`, `<name>-worker2`, ….
                let (base, n) = if control_plane {
                    cp += 1;
                    ("control-plane", cp)
                } else {
                    worker += 1;
                    ("worker", worker)
                };
                let node_name = if n == 1 {
                    format!("{name}-{base}")
                } else {
                    format!("{name}-{base}{n}")
                };
                let mut labels = std::collections::BTreeMap::new();
                labels.insert("kubernetes.io/hostname".to_string(), node_name.clone());
                labels.insert("kubernetes.io/os".to_string(), "linux".to_string());
                labels.insert("kubernetes.io/arch".to_string(), "amd64".to_string());
                labels.insert("beta.kubernetes.io/os".to_string(), "linux".to_string());
                labels.insert("beta.kubernetes.io/arch".to_string(), "amd64".to_string());
                if control_plane {
                    labels.insert(
                        "node-role.kubernetes.io/control-plane".to_string(),
                        String::new(),
                    );
                    labels.insert(
                        "node.kubernetes.io/exclude-from-external-load-balancers".to_string(),
                        String::new(),
                    );
                }
                labels.extend(extra_labels);
                let idx = u32::try_from(i).unwrap_or(0);
                NodeConfig {
                    // .2, .3, … on kind's /16 docker network (wrapping inside it).
                    internal_ip: std::net::Ipv4Addr::from(
                        u32::from(std::net::Ipv4Addr::from(KIND_NODE_NET))
                            .wrapping_add(2 + (idx % 65_000)),
                    )
                    .to_string(),
                    pod_cidr: node_cidr(pod_base, service_base, idx).to_string(),
                    internal_ip_v6: dual
                        .then(|| format!("{KIND_NODE_NET_V6}{:x}", 2 + (idx % 65_000))),
                    pod_cidr_v6: pod_base_v6
                        .map(|c| c.subnet(NODE_CIDR_MASK_V6, u64::from(idx)).to_string()),
                    name: node_name,
                    control_plane,
                    labels,
                }
            })
            .collect();
        ClusterConfig {
            name,
            nodes,
            pod_subnet,
            service_subnet,
            pod_subnet_v6,
            service_subnet_v6,
            node_port_range: (30000, 32767),
            cluster_domain: "cluster.local".to_string(),
            // Unset means kind's default, iptables. kind refuses any other value ("invalid
            // kubeProxyMode", see `validate_kind`); this lenient builder runs it in iptables mode.
            kube_proxy_mode: ProxyMode::parse(&kind.networking.kube_proxy_mode).unwrap_or_default(),
            max_endpoints_per_slice: 100,
            lb_pools: vec![default_pool()],
            kubernetes_version: "v1.34.0".to_string(),
            limits: Limits::DEFAULT,
        }
    }

    /// The first usable IP of the service range: the `kubernetes` Service's ClusterIP.
    pub fn kubernetes_service_ip(&self) -> String {
        crate::ipv4::Cidr::parse(&self.service_subnet)
            .map(|c| c.nth(1).to_string())
            .unwrap_or_else(|| "10.96.0.1".to_string())
    }

    /// kubeadm's DNS Service IP: the 10th address of the service range.
    pub fn dns_service_ip(&self) -> String {
        crate::ipv4::Cidr::parse(&self.service_subnet)
            .map(|c| c.nth(10).to_string())
            .unwrap_or_else(|| "10.96.0.10".to_string())
    }
}

/// `v4,v6` of a dual-stack subnet as (IPv4, Some(IPv6)), whichever order they are written in;
/// a single-stack one as (it, None).
fn split_family(subnet: &str, dual: bool) -> (String, Option<String>) {
    match subnet.split_once(',') {
        Some((a, b)) if dual => {
            let (a, b) = (a.trim().to_string(), b.trim().to_string());
            if a.contains(':') {
                (b, Some(a))
            } else {
                (a, Some(b))
            }
        }
        _ => (subnet.to_string(), None),
    }
}

impl ClusterConfig {
    /// Whether the cluster is dual-stack (IPv4 primary, IPv6 secondary).
    pub fn dual_stack(&self) -> bool {
        self.service_subnet_v6.is_some()
    }
}

/// The `i`-th node CIDR (/24) of the pod subnet, skipping those that overlap the service
/// subnet: kube-controller-manager's range allocator marks the service range used before it
/// gives nodes their CIDRs (`pkg/controller/nodeipam/ipam/range_allocator.go`,
/// `filterOutServiceRange`), then hands them out in order. Wraps around past the last one; a
/// pod subnet longer than /24 gives itself (kubeadm refuses it, see [`validate_kind`]).
pub fn node_cidr(pod: Cidr, service: Cidr, i: u32) -> Cidr {
    let count = validation::node_cidr_count(pod, service);
    if pod.prefix >= NODE_CIDR_MASK || count == 0 {
        return pod.subnet24(i);
    }
    let mut k = u64::from(i) % count;
    if let Some((first, last)) = validation::blocked_node_cidrs(pod, service) {
        if k >= first {
            k += last - first + 1;
        }
    }
    pod.subnet24(u32::try_from(k).unwrap_or(0))
}

/// Whether a node CIDR overlaps the service subnet (the range allocator never gives it).
pub fn overlaps_service_range(node_cidr: Cidr, service: Cidr) -> bool {
    service.contains(node_cidr.network) || node_cidr.contains(service.network)
}

fn default_pod_subnet() -> Cidr {
    Cidr {
        network: std::net::Ipv4Addr::new(10, 244, 0, 0),
        prefix: 16,
    }
}

fn default_service_subnet() -> Cidr {
    Cidr {
        network: std::net::Ipv4Addr::new(10, 96, 0, 0),
        prefix: 16,
    }
}

fn non_empty(v: &str, default: &str) -> String {
    if v.is_empty() {
        default.to_string()
    } else {
        v.to_string()
    }
}

/// The default MetalLB pool (`metallb-system/kind-pool`).
pub fn default_pool() -> IpAddressPool {
    let mut pool = IpAddressPool::default();
    pool.metadata.name = "kind-pool".to_string();
    pool.metadata.namespace = "metallb-system".to_string();
    pool.spec.addresses = vec![DEFAULT_LB_RANGE.to_string()];
    pool
}

#[cfg(test)]
mod tests {
    use super::*;

    fn with_mode(mode: &str) -> ClusterConfig {
        let mut kind = KindCluster::default();
        kind.networking.kube_proxy_mode = mode.to_string();
        ClusterConfig::from_kind(&kind)
    }

    #[test]
    fn kube_proxy_mode_comes_from_the_kind_document() {
        assert_eq!(with_mode("").kube_proxy_mode, ProxyMode::Iptables);
        assert_eq!(with_mode("nftables").kube_proxy_mode, ProxyMode::Nftables);
        assert_eq!(with_mode(" IPVS ").kube_proxy_mode, ProxyMode::Ipvs);
        // kind refuses other values; svcsim runs such a cluster in iptables mode.
        assert_eq!(with_mode("bpf").kube_proxy_mode, ProxyMode::Iptables);
        assert_eq!(
            ClusterConfig::default().kube_proxy_mode,
            ProxyMode::Iptables
        );
        // Serialized as kube-proxy spells it, as the string field was.
        let json = serde_json::to_value(with_mode("ipvs")).unwrap();
        assert_eq!(json["kubeProxyMode"], "ipvs");
    }
}
