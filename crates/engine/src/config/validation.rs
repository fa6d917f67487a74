//! Why a kind `Cluster` document cannot become a cluster, in the words of the program that
//! refuses it.
//!
//! `kind create cluster --config` runs three gates, and the first that fails stops it:
//!
//! 1. **kind** defaults the document (`pkg/internal/apis/config/default.go`: name `kind`, one
//!    control-plane node, `ipv4`, pod subnet 10.244.0.0/16, service subnet 10.96.0.0/16,
//!    `iptables`) and validates it (`pkg/internal/apis/config/validate.go`, `Cluster.Validate`):
//!    the name, `ipFamily`, both subnets parsed by Go's `net.ParseCIDR`, `kubeProxyMode`, each
//!    node's role, at least one control-plane node. The problems come out as one apimachinery
//!    aggregate, printed by `cmd/kind/app/main.go` as `ERROR: failed to create cluster: …`.
//! 2. **kubeadm init** on the first control-plane node validates the subnets kind hands it
//!    (`cmd/kubeadm/app/apis/kubeadm/validation/validation.go`, `ValidateNetworking`): the
//!    service subnet needs 10 addresses (`MinimumAddressesInServiceSubnet`, the DNS Service is
//!    the tenth) and at most 20 host bits (`MaximumBitsForServiceSubnet`: /12 is the largest
//!    IPv4 range); the pod subnet needs 14 addresses (`MinimumAddressesInPodSubnet`) and must
//!    hold at least one node CIDR of kube-controller-manager's `--node-cidr-mask-size` (24 for
//!    IPv4; kind does not change it) with at most 16 bits between them
//!    (`PodSubnetNodeMaskMaxDiff`). kind reports the failed command and its output
//!    (`pkg/cluster/internal/create/actions/kubeadminit/init.go`, `pkg/exec` `RunError`).
//! 3. **svcsim** refuses what kind and kubeadm let through but no simulated cluster could run:
//!    an IPv6-only family (dual stack is simulated), `kubeProxyMode: none`, and a pod subnet with fewer node
//!    CIDRs than nodes. The last is what kube-controller-manager's range allocator meets
//!    (`pkg/controller/nodeipam/ipam/range_allocator.go`, `cidrset.go`): it skips the node CIDRs
//!    that overlap `--service-cluster-ip-range`, and a node it cannot serve gets no podCIDR
//!    (`CIDRNotAvailable`), so its pods never get an address. kind itself would report success.
//!
//! Pod and service subnets may overlap, as on a real cluster: the range allocator leaves the
//! overlapping node CIDRs out (see [`super::ClusterConfig::node_cidr`]); only an overlap that
//! leaves too few node CIDRs for the nodes is refused (gate 3).

use crate::api::setup::KindCluster;
use crate::ipv4::Cidr;
use crate::manifest::Pos;
use crate::validate::field::go_quote;
use std::net::{Ipv4Addr, Ipv6Addr};

/// kube-controller-manager's `--node-cidr-mask-size-ipv4` default (kubeadm's
/// `getClusterNodeMask`, `defaultNodeMaskCIDRIPv4`); kind does not set it.
pub const NODE_CIDR_MASK: u8 = 24;
/// kubeadm `constants.MinimumAddressesInServiceSubnet`.
const MIN_SERVICE_ADDRESSES: u64 = 10;
/// kubeadm `constants.MinimumAddressesInPodSubnet`.
const MIN_POD_ADDRESSES: u64 = 14;
/// kubeadm `constants.MaximumBitsForServiceSubnet`.
const MAX_SERVICE_BITS: u8 = 20;
/// kubeadm `constants.PodSubnetNodeMaskMaxDiff`.
const POD_NODE_MASK_MAX_DIFF: u8 = 16;

/// The program that refuses a kind `Cluster` document (the first gate that fails).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Refuser {
    /// `kind create cluster` before creating anything.
    Kind,
    /// `kubeadm init` on the first control-plane node.
    Kubeadm,
    /// kind and kubeadm accept it, but the cluster could not run as svcsim simulates it.
    Svcsim,
}

/// One problem of a set-up document: the message the refusing program prints for it, and the
/// field it is about (a dotted path such as `networking.podSubnet` or `nodes[2].role`), so the
/// error can point at its line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SetupProblem {
    pub field: String,
    pub message: String,
    /// Filled by the apply from the document's tree.
    pub pos: Option<Pos>,
}

impl SetupProblem {
    fn new(field: impl Into<String>, message: impl Into<String>) -> SetupProblem {
        SetupProblem {
            field: field.into(),
            message: message.into(),
            pos: None,
        }
    }
}

/// Why kind's `Cluster` document was refused; `Display` is what the refusing program prints.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KindConfigError {
    pub refuser: Refuser,
    /// kind's cluster name after defaulting (the control-plane node is `<name>-control-plane`).
    pub cluster_name: String,
    pub problems: Vec<SetupProblem>,
}

impl std::fmt::Display for KindConfigError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let messages: Vec<&str> = self.problems.iter().map(|p| p.message.as_str()).collect();
        let all = aggregate(&messages);
        match self.refuser {
            Refuser::Kind => write!(f, "ERROR: failed to create cluster: {all}"),
            // kind's RunError, then `Command Output:` with what kubeadm printed (its
            // validation error; the klog lines and stack trace of `--v=6` are left out).
            Refuser::Kubeadm => write!(
                f,
                "ERROR: failed to create cluster: failed to init node with kubeadm: command \
                 \"docker exec --privileged {}-control-plane kubeadm init \
                 --config=/kind/kubeadm.conf --skip-token-print --v=6\" failed with error: \
                 exit status 1\nCommand Output: {all}",
                self.cluster_name
            ),
            Refuser::Svcsim => write!(f, "svcsim: {all}"),
        }
    }
}

impl std::error::Error for KindConfigError {}

/// apimachinery's `utilerrors.Aggregate.Error()`: one message alone, several de-duplicated,
/// comma-joined and bracketed.
fn aggregate(messages: &[&str]) -> String {
    let mut seen: Vec<&str> = Vec::new();
    for m in messages {
        if !seen.contains(m) {
            seen.push(m);
        }
    }
    match seen.as_slice() {
        [one] => (*one).to_string(),
        many => format!("[{}]", many.join(", ")),
    }
}

/// A prefix as Go's `net.ParseCIDR` reads it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum GoCidr {
    V4(Cidr),
    V6 { prefix: u8 },
}

/// Go's `net.ParseCIDR`: an address `netip.ParseAddr` accepts (IPv4 dotted quad without
/// leading zeros, or IPv6 without a zone), `/`, and decimal digits (leading zeros allowed, as
/// `dtoi` reads them) no larger than the address length. Nothing is trimmed.
pub(crate) fn parse_go_cidr(s: &str) -> Option<GoCidr> {
    let (addr, mask) = s.split_once('/')?;
    if mask.is_empty() || mask.len() > 8 || !mask.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let bits: u32 = mask.parse().ok()?;
    if let Ok(v4) = addr.parse::<Ipv4Addr>() {
        let prefix = u8::try_from(bits).ok().filter(|p| *p <= 32)?;
        let masked = if prefix == 0 {
            0
        } else {
            u32::from(v4) & (u32::MAX << (32 - u32::from(prefix)))
        };
        return Some(GoCidr::V4(Cidr {
            network: Ipv4Addr::from(masked),
            prefix,
        }));
    }
    if addr.contains('%') {
        return None;
    }
    addr.parse::<Ipv6Addr>().ok()?;
    let prefix = u8::try_from(bits).ok().filter(|p| *p <= 128)?;
    Some(GoCidr::V6 { prefix })
}

/// kind's document after `SetDefaultsCluster`: the values the gates check.
struct Defaulted<'a> {
    name: &'a str,
    ip_family: &'a str,
    pod_subnet: &'a str,
    service_subnet: &'a str,
    kube_proxy_mode: &'a str,
    /// Each node's role (empty defaults to `control-plane`); one control-plane node when the
    /// document lists none.
    roles: Vec<&'a str>,
}

fn defaulted(kind: &KindCluster) -> Defaulted<'_> {
    fn pick<'a>(v: &'a str, default: &'a str) -> &'a str {
        if v.is_empty() {
            default
        } else {
            v
        }
    }
    let n = &kind.networking;
    let or = |v: &'static str, x: &'static str, d: &'static str| -> &'static str {
        match n.ip_family.as_str() {
            "ipv6" => v,
            "dual" => x,
            _ => d,
        }
    };
    let pod_default = or(
        "fd00:10:244::/56",
        "10.244.0.0/16,fd00:10:244::/56",
        "10.244.0.0/16",
    );
    let svc_default = or(
        "fd00:10:96::/112",
        "10.96.0.0/16,fd00:10:96::/112",
        "10.96.0.0/16",
    );
    let roles = if kind.nodes.is_empty() {
        vec!["control-plane"]
    } else {
        kind.nodes
            .iter()
            .map(|n| {
                if n.role.is_empty() {
                    "control-plane"
                } else {
                    n.role.as_str()
                }
            })
            .collect()
    };
    Defaulted {
        name: pick(&kind.name, "kind"),
        ip_family: pick(&n.ip_family, "ipv4"),
        pod_subnet: pick(&n.pod_subnet, pod_default),
        service_subnet: pick(&n.service_subnet, svc_default),
        kube_proxy_mode: pick(&n.kube_proxy_mode, "iptables"),
        roles,
    }
}

/// Check a kind `Cluster` document through the three gates (see the module docs); the first
/// gate with problems refuses it.
pub fn validate_kind(kind: &KindCluster) -> Result<(), KindConfigError> {
    let d = defaulted(kind);
    let refuse = |refuser, problems| {
        Err(KindConfigError {
            refuser,
            cluster_name: d.name.to_string(),
            problems,
        })
    };
    let kind_problems = kind_gate(&d);
    if !kind_problems.is_empty() {
        return refuse(Refuser::Kind, kind_problems);
    }
    // The family and mode kind accepts but svcsim does not simulate: checked before kubeadm,
    // whose IPv6 rules svcsim does not reproduce.
    let mut unsimulated = Vec::new();
    if d.ip_family == "ipv6" {
        unsimulated.push(SetupProblem::new(
            "networking.ipFamily",
            "ipFamily ipv6 is not simulated: svcsim simulates IPv4 and dual-stack (ipFamily: dual) clusters",
        ));
    }
    if d.kube_proxy_mode == "none" {
        unsimulated.push(SetupProblem::new(
            "networking.kubeProxyMode",
            "kubeProxyMode none (no kube-proxy) is not simulated: svcsim simulates iptables, nftables and ipvs",
        ));
    }
    if !unsimulated.is_empty() {
        return refuse(Refuser::Svcsim, unsimulated);
    }
    // kind accepted the subnets: one IPv4 CIDR each, or (dual stack) one of each family, of
    // which kubeadm's IPv4 rules apply to the IPv4 one.
    let v4_of = |subnets: &str| {
        subnets.split(',').find_map(|s| match parse_go_cidr(s) {
            Some(GoCidr::V4(c)) => Some(c),
            _ => None,
        })
    };
    let (Some(pod), Some(service)) = (v4_of(d.pod_subnet), v4_of(d.service_subnet)) else {
        return Ok(());
    };
    let subnets = |list: &str| list.split(',').filter_map(Subnet::of).collect::<Vec<_>>();
    let kubeadm_problems = kubeadm_gate(&subnets(d.pod_subnet), &subnets(d.service_subnet));
    if !kubeadm_problems.is_empty() {
        return refuse(Refuser::Kubeadm, kubeadm_problems);
    }
    let available = node_cidr_count(pod, service);
    let nodes = d.roles.len() as u64;
    if available < nodes {
        let field = if kind.networking.pod_subnet.is_empty() {
            "nodes"
        } else {
            "networking.podSubnet"
        };
        let first_unserved = node_names(d.name, &d.roles)
            .into_iter()
            .nth(usize::try_from(available).unwrap_or(usize::MAX))
            .unwrap_or_default();
        return refuse(
            Refuser::Svcsim,
            vec![SetupProblem::new(
                field,
                format!(
                    "kube-controller-manager cannot give node \"{first_unserved}\" a pod CIDR: failed to allocate cidr from cluster cidr at idx:0: CIDR allocation failed; there are no remaining CIDRs left to allocate in the accepted range (pod subnet {pod} holds {available} node CIDR{} of mask {NODE_CIDR_MASK} outside the service subnet {service}; the config has {nodes} nodes)",
                    if available == 1 { "" } else { "s" },
                ),
            )],
        );
    }
    Ok(())
}

/// kind's `Cluster.Validate` (`pkg/internal/apis/config/validate.go`), in its order.
fn kind_gate(d: &Defaulted<'_>) -> Vec<SetupProblem> {
    let mut problems = Vec::new();
    let valid_name = !d.name.is_empty()
        && d.name
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'.' || b == b'-');
    if !valid_name {
        problems.push(SetupProblem::new(
            "name",
            format!(
                "'{}' is not a valid cluster name, cluster names must match `^[a-z0-9.-]+$`",
                d.name
            ),
        ));
    }
    if !matches!(d.ip_family, "ipv4" | "ipv6" | "dual") {
        problems.push(SetupProblem::new(
            "networking.ipFamily",
            format!("invalid ipFamily: {}", d.ip_family),
        ));
    }
    if let Err(e) = validate_subnets(d.pod_subnet, d.ip_family) {
        problems.push(SetupProblem::new(
            "networking.podSubnet",
            format!("invalid pod subnet {e}"),
        ));
    }
    if let Err(e) = validate_subnets(d.service_subnet, d.ip_family) {
        problems.push(SetupProblem::new(
            "networking.serviceSubnet",
            format!("invalid service subnet {e}"),
        ));
    }
    if !matches!(d.kube_proxy_mode, "iptables" | "ipvs" | "none" | "nftables") {
        problems.push(SetupProblem::new(
            "networking.kubeProxyMode",
            format!("invalid kubeProxyMode: {}", d.kube_proxy_mode),
        ));
    }
    for (i, role) in d.roles.iter().enumerate() {
        if !matches!(*role, "control-plane" | "worker") {
            problems.push(SetupProblem::new(
                format!("nodes[{i}].role"),
                format!(
                    "invalid configuration for node {i}: {} is not a valid node role",
                    go_quote(role)
                ),
            ));
        }
    }
    if !d.roles.contains(&"control-plane") {
        problems.push(SetupProblem::new(
            "nodes",
            "must have at least one control-plane node",
        ));
    }
    problems
}

/// kind's `validateSubnets`: comma-separated CIDRs, each parsed by Go; one for a single-stack
/// family (of that family), one of each family for dual stack.
fn validate_subnets(subnets: &str, ip_family: &str) -> Result<(), String> {
    let mut parsed = Vec::new();
    for s in subnets.split(',') {
        match parse_go_cidr(s) {
            Some(c) => parsed.push(c),
            None => {
                return Err(format!(
                    "failed to parse cidr value:{} with error: invalid CIDR address: {s}",
                    go_quote(s)
                ))
            }
        }
    }
    let dual = ip_family == "dual";
    let is_v4 = |c: &GoCidr| matches!(c, GoCidr::V4(_));
    let message = match parsed.as_slice() {
        [] => Some("no subnets defined"),
        list if dual && list.len() > 2 => Some(
            "expected one (IPv4 or IPv6) CIDR or two CIDRs from each family for dual-stack networking",
        ),
        [a, b] if dual && is_v4(a) == is_v4(b) => Some(
            "expected one (IPv4 or IPv6) CIDR or two CIDRs from each family for dual-stack networking",
        ),
        list if !dual && list.len() > 1 => Some("only one CIDR allowed for single-stack networking"),
        [first, ..] if ip_family == "ipv4" && !is_v4(first) => {
            Some("expected IPv4 CIDR for IPv4 family")
        }
        [first, ..] if ip_family == "ipv6" && is_v4(first) => {
            Some("expected IPv6 CIDR for IPv6 family")
        }
        _ => None,
    };
    match message {
        Some(m) => Err(m.to_string()),
        None => Ok(()),
    }
}

/// One subnet as kubeadm checks it: its network in canonical form, its prefix length and its
/// address width (32 or 128).
struct Subnet {
    text: String,
    prefix: u32,
    bits: u32,
}

impl Subnet {
    fn of(s: &str) -> Option<Subnet> {
        match parse_go_cidr(s)? {
            GoCidr::V4(c) => Some(Subnet {
                text: c.to_string(),
                prefix: u32::from(c.prefix),
                bits: 32,
            }),
            GoCidr::V6 { prefix } => Some(Subnet {
                text: crate::ipv6::Cidr6::parse(s.trim())?.to_string(),
                prefix: u32::from(prefix),
                bits: 128,
            }),
        }
    }

    /// `k8s.io/utils/net.RangeSize`: 0 for the two largest prefixes of a family (it refuses
    /// them), `MaxInt64` from 63 host bits on.
    fn range_size(&self) -> u64 {
        let host = self.bits - self.prefix.min(self.bits);
        if host >= self.bits - 1 {
            0
        } else if host >= 63 {
            i64::MAX as u64
        } else {
            1u64 << host
        }
    }

    /// kube-controller-manager's `--node-cidr-mask-size-ipv4` / `-ipv6` default.
    fn node_mask(&self) -> u32 {
        if self.bits == 32 {
            u32::from(NODE_CIDR_MASK)
        } else {
            u32::from(crate::config::NODE_CIDR_MASK_V6)
        }
    }
}

/// kubeadm's `ValidateNetworking` over the subnets kind hands it (one, or one of each family for
/// dual stack), check by check as kubeadm loops: the service subnets' sizes
/// (`ValidateIPNetFromString`, then `ValidateServiceSubnetSize`), then the pod subnets' sizes
/// and node masks (`ValidatePodSubnetNodeMask`).
fn kubeadm_gate(pods: &[Subnet], services: &[Subnet]) -> Vec<SetupProblem> {
    let mut problems = Vec::new();
    let invalid = |field: &str, c: &Subnet, detail: String| {
        SetupProblem::new(
            field,
            format!("{field}: Invalid value: {}: {detail}", go_quote(&c.text)),
        )
    };
    // `ValidateIPNetFromString`'s size check.
    let too_small = |problems: &mut Vec<SetupProblem>, field: &str, list: &[Subnet], min: u64| {
        for c in list {
            let size = c.range_size();
            if size < min {
                problems.push(invalid(
                    field,
                    c,
                    format!("subnet with {size} address(es) is too small, the minimum is {min}"),
                ));
            }
        }
    };
    let svc = "networking.serviceSubnet";
    too_small(&mut problems, svc, services, MIN_SERVICE_ADDRESSES);
    for c in services {
        if c.bits - c.prefix.min(c.bits) > u32::from(MAX_SERVICE_BITS) {
            problems.push(invalid(
                svc,
                c,
                format!(
                    "specified service subnet is too large; for {}-bit addresses, the mask must be >= {}",
                    c.bits,
                    c.bits - u32::from(MAX_SERVICE_BITS)
                ),
            ));
        }
    }
    let field = "networking.podSubnet";
    too_small(&mut problems, field, pods, MIN_POD_ADDRESSES);
    for c in pods {
        let node = c.node_mask();
        if c.prefix > node {
            problems.push(invalid(
                field,
                c,
                format!(
                    "the size of pod subnet with mask {} is smaller than the size of node subnet with mask {node}",
                    c.prefix
                ),
            ));
        } else if node - c.prefix > u32::from(POD_NODE_MASK_MAX_DIFF) {
            problems.push(invalid(
                field,
                c,
                format!(
                    "pod subnet mask ({}) and node-mask ({node}) difference is greater than {POD_NODE_MASK_MAX_DIFF}",
                    c.prefix
                ),
            ));
        }
    }
    problems
}

/// The node CIDRs (/24) of `pod` that overlap `service`, as a range of their indices: the
/// range allocator marks them used before giving any to a node (`filterOutServiceRange`).
pub(crate) fn blocked_node_cidrs(pod: Cidr, service: Cidr) -> Option<(u64, u64)> {
    if pod.prefix > NODE_CIDR_MASK {
        return None;
    }
    let (p_lo, p_hi) = (
        u64::from(u32::from(pod.network)),
        u64::from(u32::from(pod.broadcast())),
    );
    let (s_lo, s_hi) = (
        u64::from(u32::from(service.network)),
        u64::from(u32::from(service.broadcast())),
    );
    let (lo, hi) = (p_lo.max(s_lo), p_hi.min(s_hi));
    (lo <= hi).then(|| ((lo - p_lo) >> 8, (hi - p_lo) >> 8))
}

/// How many node CIDRs (/24) of `pod` the range allocator can give: all of them but those
/// overlapping the service subnet. A pod subnet longer than /24 holds none.
pub(crate) fn node_cidr_count(pod: Cidr, service: Cidr) -> u64 {
    if pod.prefix > NODE_CIDR_MASK {
        return 0;
    }
    let all = 1u64 << (NODE_CIDR_MASK - pod.prefix);
    match blocked_node_cidrs(pod, service) {
        Some((a, b)) => all.saturating_sub(b - a + 1),
        None => all,
    }
}

/// kind's node names in document order: `<name>-control-plane`, `<name>-control-plane2`, …,
/// `<name>-worker`, `<name>-worker2`, ….
pub(crate) fn node_names(cluster: &str, roles: &[&str]) -> Vec<String> {
    let (mut cp, mut worker) = (0usize, 0usize);
    roles
        .iter()
        .map(|role| {
            let (base, n) = if *role == "worker" {
                worker += 1;
                ("worker", worker)
            } else {
                cp += 1;
                ("control-plane", cp)
            };
            if n == 1 {
                format!("{cluster}-{base}")
            } else {
                format!("{cluster}-{base}{n}")
            }
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::setup::{KindNetworking, KindNode};

    fn kind(nodes: &[&str], pod: &str, service: &str) -> KindCluster {
        KindCluster {
            name: String::new(),
            nodes: nodes
                .iter()
                .map(|r| KindNode {
                    role: r.to_string(),
                    labels: Default::default(),
                })
                .collect(),
            networking: KindNetworking {
                pod_subnet: pod.to_string(),
                service_subnet: service.to_string(),
                ..Default::default()
            },
        }
    }

    #[test]
    fn go_cidr_parsing() {
        assert_eq!(
            parse_go_cidr("10.96.1.5/16"),
            Some(GoCidr::V4(Cidr::parse("10.96.0.0/16").unwrap()))
        );
        assert_eq!(
            parse_go_cidr("10.0.0.0/008"),
            Some(GoCidr::V4(Cidr::parse("10.0.0.0/8").unwrap())),
            "dtoi reads leading zeros"
        );
        assert_eq!(parse_go_cidr("fd00::/56"), Some(GoCidr::V6 { prefix: 56 }));
        for bad in [
            "10.0.0.0/33",
            "999.1.1.1/16",
            "10.0.0.0",
            "10.0.0.0/",
            " 10.0.0.0/8",
            "010.0.0.0/8",
            "10.0.0.0/+8",
            "fd00::/129",
            "fe80::1%eth0/64",
        ] {
            assert_eq!(parse_go_cidr(bad), None, "{bad}");
        }
    }

    #[test]
    fn aggregate_is_apimachinery_s() {
        assert_eq!(aggregate(&["a"]), "a");
        assert_eq!(aggregate(&["a", "b", "a"]), "[a, b]");
        assert_eq!(aggregate(&["a", "a"]), "a");
    }

    #[test]
    fn defaults_and_the_readme_configs_pass() {
        assert_eq!(validate_kind(&KindCluster::default()), Ok(()));
        assert_eq!(
            validate_kind(&kind(&["control-plane", "worker", "worker"], "", "")),
            Ok(())
        );
        // The benchmark's big cluster: a /9 pod subnet and kubeadm's /12 service subnet.
        assert_eq!(
            validate_kind(&kind(&["control-plane"], "10.128.0.0/9", "10.96.0.0/12")),
            Ok(())
        );
        // A role left empty defaults to control-plane.
        assert_eq!(validate_kind(&kind(&["", "worker"], "", "")), Ok(()));
        // Overlap the range allocator can work around: node CIDRs skip the service range.
        assert_eq!(
            validate_kind(&kind(
                &["control-plane", "worker"],
                "10.0.0.0/8",
                "10.96.0.0/12"
            )),
            Ok(())
        );
        // The smallest service subnet kubeadm takes, and the largest.
        assert_eq!(
            validate_kind(&kind(&["control-plane"], "", "10.96.0.0/28")),
            Ok(())
        );
        assert_eq!(
            validate_kind(&kind(&["control-plane"], "", "10.96.0.0/12")),
            Ok(())
        );
    }

    #[test]
    fn node_cidrs_skip_the_service_range() {
        let c = |s: &str| Cidr::parse(s).unwrap();
        assert_eq!(node_cidr_count(c("10.244.0.0/16"), c("10.96.0.0/16")), 256);
        assert_eq!(node_cidr_count(c("10.96.0.0/16"), c("10.96.0.0/16")), 0);
        assert_eq!(node_cidr_count(c("10.96.0.0/16"), c("10.96.0.0/12")), 0);
        assert_eq!(
            node_cidr_count(c("10.96.0.0/12"), c("10.96.0.0/16")),
            4096 - 256
        );
        assert_eq!(node_cidr_count(c("10.96.0.0/23"), c("10.96.1.0/28")), 1);
        assert_eq!(
            blocked_node_cidrs(c("10.96.0.0/12"), c("10.97.0.0/16")),
            Some((256, 511))
        );
        assert_eq!(node_cidr_count(c("10.244.0.0/25"), c("10.96.0.0/16")), 0);
    }
}
