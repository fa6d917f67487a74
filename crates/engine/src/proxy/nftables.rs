//! nftables mode: table `ip kube-proxy` as data (`pkg/proxy/nftables/proxier.go`), printed as
//! kube-proxy's transaction (`add rule ip kube-proxy …`, the form its unit tests compare) or as
//! `nft list table ip kube-proxy` shows it.

use super::eval::WalkBound;
use super::hash::nft_hash_and_truncate;
use super::model::{EndpointInfo, Protocol, ProxyView, ServicePortInfo};
use crate::ipv4::Cidr;
use serde::Serialize;
use std::fmt::Write as _;
use std::net::Ipv4Addr;

pub const TABLE: &str = "kube-proxy";
pub const SERVICES: &str = "services";
pub const MARK_MASQ: &str = "mark-for-masquerade";
pub const MASQUERADING: &str = "masquerading";
pub const REJECT_CHAIN: &str = "reject-chain";
pub const SERVICE_IPS: &str = "service-ips";
pub const SERVICE_NODEPORTS: &str = "service-nodeports";
pub const NO_ENDPOINT_SERVICES: &str = "no-endpoint-services";
pub const NO_ENDPOINT_NODEPORTS: &str = "no-endpoint-nodeports";
pub const FIREWALL_IPS: &str = "firewall-ips";
pub const CLUSTER_IPS: &str = "cluster-ips";
pub const NODEPORT_IPS: &str = "nodeport-ips";

/// A terminal decision or a chain transfer.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase", tag = "kind")]
pub enum NftVerdict {
    Goto { chain: String },
    Jump { chain: String },
    Drop,
    Reject,
    Return,
}

impl NftVerdict {
    fn text(&self) -> String {
        match self {
            NftVerdict::Goto { chain } => format!("goto {chain}"),
            NftVerdict::Jump { chain } => format!("jump {chain}"),
            NftVerdict::Drop => "drop".into(),
            NftVerdict::Reject => "reject".into(),
            NftVerdict::Return => "return".into(),
        }
    }
}

/// A map key: `ip . proto . port` or `proto . port`.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "camelCase", tag = "kind")]
pub enum NftKey {
    AddrProtoPort {
        ip: Ipv4Addr,
        protocol: Protocol,
        port: u16,
    },
    ProtoPort {
        protocol: Protocol,
        port: u16,
    },
}

impl NftKey {
    fn text(&self) -> String {
        match self {
            NftKey::AddrProtoPort { ip, protocol, port } => {
                format!("{ip} . {} . {port}", protocol.lower())
            }
            NftKey::ProtoPort { protocol, port } => format!("{} . {port}", protocol.lower()),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct NftMapElement {
    pub key: NftKey,
    pub comment: Option<String>,
    pub verdict: NftVerdict,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct NftMap {
    pub name: String,
    /// e.g. `ipv4_addr . inet_proto . inet_service : verdict`.
    pub type_: String,
    pub comment: String,
    pub elements: Vec<NftMapElement>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct NftSet {
    pub name: String,
    pub comment: Option<String>,
    /// `Some(seconds)` for the per-endpoint affinity sets (`flags dynamic,timeout`).
    pub timeout: Option<u32>,
    pub elements: Vec<Ipv4Addr>,
}

/// A match expression or a non-terminal statement of a rule.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase", tag = "kind")]
pub enum NftExpr {
    /// `ct state new`.
    CtStateNew,
    /// `ip daddr X`.
    Daddr { ip: Ipv4Addr },
    /// `ip daddr @set`.
    DaddrInSet { set: String },
    /// `ip daddr { cidr, … }`.
    DaddrInCidrs {
        #[serde(serialize_with = "super::model::ser_cidrs")]
        cidrs: Vec<Cidr>,
    },
    /// `ip saddr X`.
    Saddr { ip: Ipv4Addr },
    /// `ip saddr [!=] cidr` (the ClusterCIDR local-traffic detector).
    SaddrCidr {
        #[serde(serialize_with = "super::model::ser_cidr")]
        cidr: Cidr,
        negate: bool,
    },
    /// `ip saddr != { … }` (loadBalancerSourceRanges; entries may be hosts).
    SaddrNotIn {
        #[serde(serialize_with = "super::model::ser_cidrs")]
        cidrs: Vec<Cidr>,
    },
    /// `ip saddr @affinity-…`.
    SaddrInSet { set: String },
    /// `fib saddr type local`: the source is one of the node's addresses.
    FibSaddrLocal,
    /// `mark and M == 0`.
    MarkAndZero { mark: u32 },
    /// `meta l4proto tcp`.
    L4Proto { protocol: Protocol },
    /// `update @set { ip saddr }` (records ClientIP affinity).
    UpdateSet { set: String },
    /// `mark set mark or M`.
    MarkSetOr { mark: u32 },
    /// `mark set mark xor M`.
    MarkSetXor { mark: u32 },
}

/// How a rule ends.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase", tag = "kind")]
pub enum NftAction {
    Verdict {
        verdict: NftVerdict,
    },
    /// `ip daddr . meta l4proto . th dport vmap @map`.
    VmapAddrProtoPort {
        map: String,
    },
    /// `meta l4proto . th dport vmap @map`.
    VmapProtoPort {
        map: String,
    },
    /// `numgen random mod N vmap { 0 : goto a , 1 : goto b }`.
    Numgen {
        chains: Vec<String>,
    },
    /// `meta l4proto tcp dnat to IP:port` (the L4Proto is in `exprs`).
    Dnat {
        ip: Ipv4Addr,
        port: u16,
    },
    /// `masquerade fully-random`.
    Masquerade,
    /// Statements only.
    None,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct NftRule {
    pub exprs: Vec<NftExpr>,
    pub action: NftAction,
    pub comment: Option<String>,
}

/// Netfilter hook of a base chain.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct NftBaseChain {
    /// `filter` or `nat`.
    pub type_: String,
    /// `prerouting`, `input`, `forward`, `output`, `postrouting`.
    pub hook: String,
    pub priority: i32,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct NftChain {
    pub name: String,
    pub base: Option<NftBaseChain>,
    pub comment: Option<String>,
    pub rules: Vec<NftRule>,
}

/// Table `ip kube-proxy`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct NftTable {
    pub sets: Vec<NftSet>,
    pub maps: Vec<NftMap>,
    pub chains: Vec<NftChain>,
    /// The most rules one evaluation can visit walking the base chains, from the chains'
    /// jumps, gotos and verdict maps ([`WalkBound`], computed by [`NftTable::new`]); not part
    /// of the ruleset's text.
    #[serde(skip)]
    pub walk_bound: WalkBound,
}

impl NftTable {
    /// A table of these sets, maps and chains, with its [`WalkBound`] computed from them.
    pub fn new(sets: Vec<NftSet>, maps: Vec<NftMap>, chains: Vec<NftChain>) -> NftTable {
        let names: Vec<&str> = chains.iter().map(|c| c.name.as_str()).collect();
        let index: std::collections::BTreeMap<&str, usize> =
            names.iter().enumerate().map(|(i, n)| (*n, i)).collect();
        let target = |v: &NftVerdict| match v {
            NftVerdict::Goto { chain } | NftVerdict::Jump { chain } => {
                index.get(chain.as_str()).copied()
            }
            _ => None,
        };
        let graph: Vec<Vec<Vec<usize>>> = chains
            .iter()
            .map(|c| {
                c.rules
                    .iter()
                    .map(|r| {
                        let mut to: Vec<usize> = match &r.action {
                            NftAction::Verdict { verdict } => target(verdict).into_iter().collect(),
                            NftAction::VmapAddrProtoPort { map }
                            | NftAction::VmapProtoPort { map } => maps
                                .iter()
                                .filter(|m| m.name == *map)
                                .flat_map(|m| &m.elements)
                                .filter_map(|e| target(&e.verdict))
                                .collect(),
                            NftAction::Numgen { chains } => chains
                                .iter()
                                .filter_map(|c| index.get(c.as_str()).copied())
                                .collect(),
                            NftAction::Dnat { .. } | NftAction::Masquerade | NftAction::None => {
                                Vec::new()
                            }
                        };
                        to.sort_unstable();
                        to.dedup();
                        to
                    })
                    .collect()
            })
            .collect();
        let bases: Vec<usize> = chains
            .iter()
            .enumerate()
            .filter(|(_, c)| c.base.is_some())
            .map(|(i, _)| i)
            .collect();
        let walk_bound = WalkBound::of(&names, &graph, &bases);
        NftTable {
            sets,
            maps,
            chains,
            walk_bound,
        }
    }

    pub fn chain(&self, name: &str) -> Option<&NftChain> {
        self.chains.iter().find(|c| c.name == name)
    }
    pub fn map(&self, name: &str) -> Option<&NftMap> {
        self.maps.iter().find(|m| m.name == name)
    }
    pub fn set(&self, name: &str) -> Option<&NftSet> {
        self.sets.iter().find(|s| s.name == name)
    }
}

/// Chain name bases of one service port: `<H8>-ns/name/proto/port`.
pub fn service_chain_base(sp: &ServicePortInfo) -> String {
    nft_hash_and_truncate(&format!(
        "{}/{}/{}/{}",
        sp.namespace,
        sp.name,
        sp.protocol.lower(),
        sp.port_name
    ))
}

/// `<H8>-ns/name/proto/port__ip/port`.
pub fn endpoint_chain_base(sp: &ServicePortInfo, ep: &EndpointInfo) -> String {
    nft_hash_and_truncate(&format!(
        "{}/{}/{}/{}__{}/{}",
        sp.namespace,
        sp.name,
        sp.protocol.lower(),
        sp.port_name,
        ep.ip,
        ep.port
    ))
}

fn rule(exprs: Vec<NftExpr>, action: NftAction) -> NftRule {
    NftRule {
        exprs,
        action,
        comment: None,
    }
}

fn verdict(v: NftVerdict) -> NftAction {
    NftAction::Verdict { verdict: v }
}

fn goto(c: &str) -> NftVerdict {
    NftVerdict::Goto {
        chain: c.to_string(),
    }
}

fn jump(c: &str) -> NftVerdict {
    NftVerdict::Jump {
        chain: c.to_string(),
    }
}

#[derive(Default)]
struct Builder {
    chains: Vec<NftChain>,
    /// Chain name → index in `chains`: finding a chain by scanning made a table of n
    /// chains cost n² to build (a Service of 10,000 ports: ~30,000 chains).
    index: std::collections::BTreeMap<String, usize>,
}

impl Builder {
    /// Declare a chain (kept in declaration order) and return it.
    fn chain(&mut self, name: &str) -> Option<&mut NftChain> {
        let i = match self.index.get(name) {
            Some(&i) => i,
            None => {
                let i = self.chains.len();
                self.chains.push(NftChain {
                    name: name.to_string(),
                    base: None,
                    comment: None,
                    rules: Vec::new(),
                });
                self.index.insert(name.to_string(), i);
                i
            }
        };
        self.chains.get_mut(i)
    }
    fn declare(&mut self, name: &str) {
        let _ = self.chain(name);
    }
    fn base(&mut self, name: &str, type_: &str, hook: &str, priority: i32) {
        if let Some(c) = self.chain(name) {
            c.base = Some(NftBaseChain {
                type_: type_.into(),
                hook: hook.into(),
                priority,
            });
        }
    }
    fn add(&mut self, chain: &str, r: NftRule) {
        if let Some(c) = self.chain(chain) {
            c.rules.push(r);
        }
    }
}

fn map(name: &str, type_: &str, comment: &str) -> NftMap {
    NftMap {
        name: name.into(),
        type_: type_.into(),
        comment: comment.into(),
        elements: Vec::new(),
    }
}

/// Build table `ip kube-proxy` for one node (`setupNFTables` + `syncProxyRules`, v1.33+).
/// NodePorts are accepted on the node's primary IP only (`--nodeport-addresses` defaults to
/// `primary` in nftables mode).
pub fn build(view: &ProxyView) -> NftTable {
    let mark = super::iptables::MASQUERADE_MARK;
    let mut b = Builder::default();
    let mut cluster_ips: Vec<Ipv4Addr> = Vec::new();
    let mut service_ips = map(
        SERVICE_IPS,
        "ipv4_addr . inet_proto . inet_service : verdict",
        "ClusterIP, ExternalIP and LoadBalancer IP traffic",
    );
    let mut service_nodeports = map(
        SERVICE_NODEPORTS,
        "inet_proto . inet_service : verdict",
        "NodePort traffic",
    );
    let mut no_ep_services = map(
        NO_ENDPOINT_SERVICES,
        "ipv4_addr . inet_proto . inet_service : verdict",
        "vmap to drop or reject packets to services with no endpoints",
    );
    let mut no_ep_nodeports = map(
        NO_ENDPOINT_NODEPORTS,
        "inet_proto . inet_service : verdict",
        "vmap to drop or reject packets to service nodeports with no endpoints",
    );
    let mut firewall_ips = map(
        FIREWALL_IPS,
        "ipv4_addr . inet_proto . inet_service : verdict",
        "destinations that are subject to LoadBalancerSourceRanges",
    );
    let mut affinity_sets: Vec<NftSet> = Vec::new();

    // Base chains and top-level chains, in the order kube-proxy's tests list them.
    b.declare("cluster-ips-check");
    b.base("filter-prerouting-pre-dnat", "filter", "prerouting", -110);
    b.base("filter-output-pre-dnat", "filter", "output", -110);
    b.base("filter-forward", "filter", "forward", 0);
    b.base("filter-input", "filter", "input", 0);
    b.base("filter-output", "filter", "output", 0);
    b.declare("firewall-check");
    b.declare(MARK_MASQ);
    b.declare(MASQUERADING);
    b.base("nat-output", "nat", "output", -100);
    b.base("nat-postrouting", "nat", "postrouting", 100);
    b.base("nat-prerouting", "nat", "prerouting", -100);
    b.declare("nodeport-endpoints-check");
    if let Some(c) = b.chain(REJECT_CHAIN) {
        c.comment = Some("helper for @no-endpoint-services / @no-endpoint-nodeports".into());
    }
    b.declare(SERVICES);
    b.declare("service-endpoints-check");

    let mut cic = NftRule {
        exprs: vec![NftExpr::DaddrInSet {
            set: CLUSTER_IPS.into(),
        }],
        action: verdict(NftVerdict::Reject),
        comment: Some("Reject traffic to invalid ports of ClusterIPs".into()),
    };
    b.add("cluster-ips-check", cic.clone());
    if let Some(cidr) = view.service_cidr {
        cic.exprs = vec![NftExpr::DaddrInCidrs { cidrs: vec![cidr] }];
        cic.action = verdict(NftVerdict::Drop);
        cic.comment = Some("Drop traffic to unallocated ClusterIPs".into());
        b.add("cluster-ips-check", cic);
    }
    b.add(
        "filter-prerouting-pre-dnat",
        rule(vec![NftExpr::CtStateNew], verdict(jump("firewall-check"))),
    );
    b.add(
        "filter-forward",
        rule(
            vec![NftExpr::CtStateNew],
            verdict(jump("service-endpoints-check")),
        ),
    );
    b.add(
        "filter-forward",
        rule(
            vec![NftExpr::CtStateNew],
            verdict(jump("cluster-ips-check")),
        ),
    );
    b.add(
        "filter-input",
        rule(
            vec![NftExpr::CtStateNew],
            verdict(jump("nodeport-endpoints-check")),
        ),
    );
    b.add(
        "filter-input",
        rule(
            vec![NftExpr::CtStateNew],
            verdict(jump("service-endpoints-check")),
        ),
    );
    b.add(
        "filter-output",
        rule(
            vec![NftExpr::CtStateNew],
            verdict(jump("service-endpoints-check")),
        ),
    );
    b.add(
        "filter-output-pre-dnat",
        rule(vec![NftExpr::CtStateNew], verdict(jump("firewall-check"))),
    );
    b.add(
        "filter-output",
        rule(
            vec![NftExpr::CtStateNew],
            verdict(jump("cluster-ips-check")),
        ),
    );
    b.add(
        "firewall-check",
        rule(
            vec![],
            NftAction::VmapAddrProtoPort {
                map: FIREWALL_IPS.into(),
            },
        ),
    );
    b.add(
        MARK_MASQ,
        rule(vec![NftExpr::MarkSetOr { mark }], NftAction::None),
    );
    b.add(
        MASQUERADING,
        rule(
            vec![NftExpr::MarkAndZero { mark }],
            verdict(NftVerdict::Return),
        ),
    );
    b.add(
        MASQUERADING,
        rule(vec![NftExpr::MarkSetXor { mark }], NftAction::None),
    );
    b.add(MASQUERADING, rule(vec![], NftAction::Masquerade));
    b.add("nat-output", rule(vec![], verdict(jump(SERVICES))));
    b.add("nat-postrouting", rule(vec![], verdict(jump(MASQUERADING))));
    b.add("nat-prerouting", rule(vec![], verdict(jump(SERVICES))));
    b.add(
        "nodeport-endpoints-check",
        rule(
            vec![NftExpr::DaddrInSet {
                set: NODEPORT_IPS.into(),
            }],
            NftAction::VmapProtoPort {
                map: NO_ENDPOINT_NODEPORTS.into(),
            },
        ),
    );
    b.add(REJECT_CHAIN, rule(vec![], verdict(NftVerdict::Reject)));
    b.add(
        SERVICES,
        rule(
            vec![],
            NftAction::VmapAddrProtoPort {
                map: SERVICE_IPS.into(),
            },
        ),
    );
    b.add(
        SERVICES,
        rule(
            vec![NftExpr::DaddrInSet {
                set: NODEPORT_IPS.into(),
            }],
            NftAction::VmapProtoPort {
                map: SERVICE_NODEPORTS.into(),
            },
        ),
    );
    b.add(
        "service-endpoints-check",
        rule(
            vec![],
            NftAction::VmapAddrProtoPort {
                map: NO_ENDPOINT_SERVICES.into(),
            },
        ),
    );

    for sp in &view.services {
        let base = service_chain_base(sp);
        let svc_chain = format!("service-{base}");
        let local_chain = format!("local-{base}");
        let ext_chain = format!("external-{base}");
        let fw_chain = format!("firewall-{base}");
        let cat = sp.categorize();
        let has_endpoints = cat.has_any;
        let uses_cluster = !cat.cluster.is_empty() && sp.uses_cluster_endpoints();
        let uses_local = !cat.local.is_empty() && sp.uses_local_endpoints();
        let (internal_chain, has_internal) = if sp.internal_policy_local {
            (local_chain.clone(), has_endpoints && !cat.local.is_empty())
        } else {
            (svc_chain.clone(), has_endpoints)
        };
        let (external_policy_chain, has_external) = if sp.external_policy_local {
            (local_chain.clone(), has_endpoints && !cat.local.is_empty())
        } else {
            (svc_chain.clone(), has_endpoints)
        };
        let uses_ext = has_endpoints && sp.externally_accessible();
        let (int_filter, ext_filter) = if !has_endpoints {
            (goto(REJECT_CHAIN), goto(REJECT_CHAIN))
        } else {
            (NftVerdict::Drop, NftVerdict::Drop)
        };
        let spn = Some(sp.service_port_name.clone());
        let key = |ip: Ipv4Addr| NftKey::AddrProtoPort {
            ip,
            protocol: sp.protocol,
            port: sp.port,
        };

        if uses_cluster {
            b.declare(&svc_chain);
        }
        if uses_local {
            b.declare(&local_chain);
        }
        if uses_ext {
            b.declare(&ext_chain);
        }

        cluster_ips.push(sp.cluster_ip);
        if has_internal {
            service_ips.elements.push(NftMapElement {
                key: key(sp.cluster_ip),
                comment: None,
                verdict: goto(&internal_chain),
            });
        } else {
            no_ep_services.elements.push(NftMapElement {
                key: key(sp.cluster_ip),
                comment: spn.clone(),
                verdict: int_filter,
            });
        }
        for ip in &sp.external_ips {
            if has_endpoints {
                service_ips.elements.push(NftMapElement {
                    key: key(*ip),
                    comment: None,
                    verdict: goto(&ext_chain),
                });
            }
            if !has_external {
                no_ep_services.elements.push(NftMapElement {
                    key: key(*ip),
                    comment: spn.clone(),
                    verdict: ext_filter.clone(),
                });
            }
        }
        let uses_fw =
            !sp.load_balancer_vips.is_empty() && !sp.load_balancer_source_ranges.is_empty();
        for ip in &sp.load_balancer_vips {
            if has_endpoints {
                service_ips.elements.push(NftMapElement {
                    key: key(*ip),
                    comment: None,
                    verdict: goto(&ext_chain),
                });
            }
            if uses_fw {
                firewall_ips.elements.push(NftMapElement {
                    key: key(*ip),
                    comment: None,
                    verdict: goto(&fw_chain),
                });
            }
        }
        if !has_external {
            for ip in &sp.load_balancer_vips {
                no_ep_services.elements.push(NftMapElement {
                    key: key(*ip),
                    comment: spn.clone(),
                    verdict: ext_filter.clone(),
                });
            }
        }
        if sp.node_port != 0 {
            let k = NftKey::ProtoPort {
                protocol: sp.protocol,
                port: sp.node_port,
            };
            if has_endpoints {
                service_nodeports.elements.push(NftMapElement {
                    key: k.clone(),
                    comment: None,
                    verdict: goto(&ext_chain),
                });
            }
            if !has_external {
                no_ep_nodeports.elements.push(NftMapElement {
                    key: k,
                    comment: spn.clone(),
                    verdict: ext_filter.clone(),
                });
            }
        }

        if has_internal {
            if let Some(cidr) = view.cluster_cidr {
                b.add(
                    &internal_chain,
                    rule(
                        vec![
                            NftExpr::Daddr { ip: sp.cluster_ip },
                            NftExpr::SaddrCidr { cidr, negate: true },
                        ],
                        verdict(jump(MARK_MASQ)),
                    ),
                );
            }
        }
        if uses_ext {
            if !sp.external_policy_local {
                b.add(&ext_chain, rule(vec![], verdict(jump(MARK_MASQ))));
            } else {
                if let Some(cidr) = view.cluster_cidr {
                    b.add(
                        &ext_chain,
                        NftRule {
                            exprs: vec![NftExpr::SaddrCidr {
                                cidr,
                                negate: false,
                            }],
                            action: verdict(goto(&svc_chain)),
                            comment: Some("short-circuit pod traffic".into()),
                        },
                    );
                }
                b.add(
                    &ext_chain,
                    NftRule {
                        exprs: vec![NftExpr::FibSaddrLocal],
                        action: verdict(jump(MARK_MASQ)),
                        comment: Some("masquerade local traffic".into()),
                    },
                );
                b.add(
                    &ext_chain,
                    NftRule {
                        exprs: vec![NftExpr::FibSaddrLocal],
                        action: verdict(goto(&svc_chain)),
                        comment: Some("short-circuit local traffic".into()),
                    },
                );
            }
            if has_external {
                b.add(
                    &ext_chain,
                    rule(vec![], verdict(goto(&external_policy_chain))),
                );
            }
        }
        if uses_fw {
            let mut sources: Vec<Cidr> = sp.load_balancer_source_ranges.clone();
            if sp
                .load_balancer_source_ranges
                .iter()
                .any(|c| c.contains(view.node_ip))
            {
                sources.extend(sp.load_balancer_vips.iter().map(|ip| Cidr {
                    network: *ip,
                    prefix: 32,
                }));
            }
            b.add(
                &fw_chain,
                rule(
                    vec![NftExpr::SaddrNotIn { cidrs: sources }],
                    verdict(NftVerdict::Drop),
                ),
            );
        }
        if let Some(timeout) = sp.affinity_timeout {
            for ep in &cat.all_reachable {
                affinity_sets.push(NftSet {
                    name: format!("affinity-{}", endpoint_chain_base(sp, ep)),
                    comment: None,
                    timeout: Some(timeout),
                    elements: Vec::new(),
                });
            }
        }
        if uses_cluster {
            write_lb(&mut b, sp, &svc_chain, &cat.cluster);
        }
        if uses_local {
            write_lb(&mut b, sp, &local_chain, &cat.local);
        }
        for ep in &cat.all_reachable {
            let base = endpoint_chain_base(sp, ep);
            let chain = format!("endpoint-{base}");
            b.add(
                &chain,
                rule(vec![NftExpr::Saddr { ip: ep.ip }], verdict(jump(MARK_MASQ))),
            );
            if sp.affinity_timeout.is_some() {
                b.add(
                    &chain,
                    rule(
                        vec![NftExpr::UpdateSet {
                            set: format!("affinity-{base}"),
                        }],
                        NftAction::None,
                    ),
                );
            }
            b.add(
                &chain,
                rule(
                    vec![NftExpr::L4Proto {
                        protocol: sp.protocol,
                    }],
                    NftAction::Dnat {
                        ip: ep.ip,
                        port: ep.port,
                    },
                ),
            );
        }
    }
    cluster_ips.sort();
    cluster_ips.dedup();
    let mut sets = vec![
        NftSet {
            name: CLUSTER_IPS.into(),
            comment: Some("Active ClusterIPs".into()),
            timeout: None,
            elements: cluster_ips,
        },
        NftSet {
            name: NODEPORT_IPS.into(),
            comment: Some("IPs that accept NodePort traffic".into()),
            timeout: None,
            elements: vec![view.node_ip],
        },
    ];
    sets.extend(affinity_sets);
    NftTable::new(
        sets,
        vec![
            firewall_ips,
            no_ep_nodeports,
            no_ep_services,
            service_ips,
            service_nodeports,
        ],
        b.chains,
    )
}

/// `writeServiceToEndpointRules`: affinity lookups, then one uniform `numgen` dispatch.
fn write_lb(b: &mut Builder, sp: &ServicePortInfo, chain: &str, eps: &[EndpointInfo]) {
    if sp.affinity_timeout.is_some() {
        for ep in eps {
            let base = endpoint_chain_base(sp, ep);
            b.add(
                chain,
                rule(
                    vec![NftExpr::SaddrInSet {
                        set: format!("affinity-{base}"),
                    }],
                    verdict(goto(&format!("endpoint-{base}"))),
                ),
            );
        }
    }
    b.add(
        chain,
        rule(
            vec![],
            NftAction::Numgen {
                chains: eps
                    .iter()
                    .map(|ep| format!("endpoint-{}", endpoint_chain_base(sp, ep)))
                    .collect(),
            },
        ),
    );
}

// ---------------------------------------------------------------------------------------
// Rendering
// ---------------------------------------------------------------------------------------

fn cidr_text(c: &Cidr) -> String {
    if c.prefix == 32 {
        c.network.to_string()
    } else {
        c.to_string()
    }
}

fn expr_text(e: &NftExpr, listing: bool) -> String {
    match e {
        NftExpr::CtStateNew => "ct state new".into(),
        NftExpr::Daddr { ip } => format!("ip daddr {ip}"),
        NftExpr::DaddrInSet { set } => format!("ip daddr @{set}"),
        NftExpr::DaddrInCidrs { cidrs } => format!(
            "ip daddr {{ {} }}",
            cidrs.iter().map(cidr_text).collect::<Vec<_>>().join(", ")
        ),
        NftExpr::Saddr { ip } => format!("ip saddr {ip}"),
        NftExpr::SaddrCidr { cidr, negate } => format!(
            "ip saddr {}{}",
            if *negate { "!= " } else { "" },
            cidr_text(cidr)
        ),
        NftExpr::SaddrNotIn { cidrs } => format!(
            "ip saddr != {{ {} }}",
            cidrs.iter().map(cidr_text).collect::<Vec<_>>().join(", ")
        ),
        NftExpr::SaddrInSet { set } => format!("ip saddr @{set}"),
        NftExpr::FibSaddrLocal => "fib saddr type local".into(),
        NftExpr::MarkAndZero { mark } => {
            if listing {
                format!("meta mark & {mark:#010x} == 0x00000000")
            } else {
                format!("mark and {mark:#x} == 0")
            }
        }
        NftExpr::L4Proto { protocol } => format!("meta l4proto {}", protocol.lower()),
        NftExpr::UpdateSet { set } => format!("update @{set} {{ ip saddr }}"),
        NftExpr::MarkSetOr { mark } => {
            if listing {
                format!("meta mark set meta mark | {mark:#010x}")
            } else {
                format!("mark set mark or {mark:#x}")
            }
        }
        NftExpr::MarkSetXor { mark } => {
            if listing {
                format!("meta mark set meta mark ^ {mark:#010x}")
            } else {
                format!("mark set mark xor {mark:#x}")
            }
        }
    }
}

fn action_text(a: &NftAction, listing: bool) -> String {
    match a {
        NftAction::Verdict { verdict } => verdict.text(),
        NftAction::VmapAddrProtoPort { map } => {
            format!("ip daddr . meta l4proto . th dport vmap @{map}")
        }
        NftAction::VmapProtoPort { map } => format!("meta l4proto . th dport vmap @{map}"),
        NftAction::Numgen { chains } => {
            let sep = if listing { ", " } else { " , " };
            let items: Vec<String> = chains
                .iter()
                .enumerate()
                .map(|(i, c)| format!("{i} : goto {c}"))
                .collect();
            format!(
                "numgen random mod {} vmap {{ {} }}",
                chains.len(),
                items.join(sep)
            )
        }
        NftAction::Dnat { ip, port } => format!("dnat to {ip}:{port}"),
        NftAction::Masquerade => "masquerade fully-random".into(),
        NftAction::None => String::new(),
    }
}

/// A rule's text (`listing`: as `nft list` normalises it, else as kube-proxy writes it).
pub fn rule_text(r: &NftRule, listing: bool) -> String {
    let mut parts: Vec<String> = r.exprs.iter().map(|e| expr_text(e, listing)).collect();
    let a = action_text(&r.action, listing);
    if !a.is_empty() {
        parts.push(a);
    }
    let mut s = parts.join(" ");
    if let Some(c) = &r.comment {
        let _ = write!(s, " comment \"{c}\"");
    }
    s
}

fn element_text(e: &NftMapElement) -> String {
    match &e.comment {
        Some(c) => format!("{} comment \"{c}\" : {}", e.key.text(), e.verdict.text()),
        None => format!("{} : {}", e.key.text(), e.verdict.text()),
    }
}

/// nft's symbolic priority names (`nft list` prints `dstnat - 10`, `filter`, `srcnat`).
fn priority_text(type_: &str, p: i32) -> String {
    let (name, base) = match (type_, p) {
        ("nat", -100) | (_, -110) => ("dstnat", -100),
        ("nat", 100) => ("srcnat", 100),
        _ => ("filter", 0),
    };
    let d = p.saturating_sub(base);
    match d.cmp(&0) {
        std::cmp::Ordering::Equal => name.to_string(),
        std::cmp::Ordering::Less => format!("{name} - {}", d.unsigned_abs()),
        std::cmp::Ordering::Greater => format!("{name} + {d}"),
    }
}

fn timeout_text(secs: u32) -> String {
    let (h, m, s) = (secs / 3600, (secs % 3600) / 60, secs % 60);
    let mut out = String::new();
    if h > 0 {
        let _ = write!(out, "{h}h");
    }
    if m > 0 {
        let _ = write!(out, "{m}m");
    }
    if s > 0 || out.is_empty() {
        let _ = write!(out, "{s}s");
    }
    out
}

/// `nft list table ip kube-proxy`.
pub fn render_list(t: &NftTable) -> String {
    let mut out = String::from("table ip kube-proxy {\n\tcomment \"rules for kube-proxy\"\n");
    for s in &t.sets {
        let _ = writeln!(out, "\tset {} {{", s.name);
        out.push_str("\t\ttype ipv4_addr\n");
        if let Some(to) = s.timeout {
            out.push_str("\t\tflags dynamic,timeout\n");
            let _ = writeln!(out, "\t\ttimeout {}", timeout_text(to));
        }
        if let Some(c) = &s.comment {
            let _ = writeln!(out, "\t\tcomment \"{c}\"");
        }
        if !s.elements.is_empty() {
            let items: Vec<String> = s.elements.iter().map(|e| e.to_string()).collect();
            let _ = writeln!(out, "\t\telements = {{ {} }}", items.join(", "));
        }
        out.push_str("\t}\n\n");
    }
    for m in &t.maps {
        let _ = writeln!(out, "\tmap {} {{", m.name);
        let _ = writeln!(out, "\t\ttype {}", m.type_);
        let _ = writeln!(out, "\t\tcomment \"{}\"", m.comment);
        if !m.elements.is_empty() {
            let items: Vec<String> = m.elements.iter().map(element_text).collect();
            let _ = writeln!(out, "\t\telements = {{ {} }}", items.join(",\n\t\t\t     "));
        }
        out.push_str("\t}\n\n");
    }
    for (i, c) in t.chains.iter().enumerate() {
        let _ = writeln!(out, "\tchain {} {{", c.name);
        if let Some(cm) = &c.comment {
            let _ = writeln!(out, "\t\tcomment \"{cm}\"");
        }
        if let Some(b) = &c.base {
            let _ = writeln!(
                out,
                "\t\ttype {} hook {} priority {}; policy accept;",
                b.type_,
                b.hook,
                priority_text(&b.type_, b.priority)
            );
        }
        for r in &c.rules {
            let _ = writeln!(out, "\t\t{}", rule_text(r, true));
        }
        out.push_str("\t}\n");
        if i + 1 < t.chains.len() {
            out.push('\n');
        }
    }
    out.push_str("}\n");
    out
}

/// kube-proxy's transaction lines (`add rule ip kube-proxy CHAIN …`, `add element …`), the
/// format of `pkg/proxy/nftables/proxier_test.go`'s expectations (one line per object).
pub fn render_transaction(t: &NftTable) -> String {
    let mut out = String::new();
    for c in &t.chains {
        for r in &c.rules {
            let _ = writeln!(
                out,
                "add rule ip {TABLE} {} {}",
                c.name,
                rule_text(r, false)
            );
        }
    }
    for s in &t.sets {
        if let Some(to) = s.timeout {
            let _ = writeln!(
                out,
                "add set ip {TABLE} {} {{ type ipv4_addr ; flags dynamic,timeout ; timeout {to}s ; }}",
                s.name
            );
        }
        for e in &s.elements {
            let _ = writeln!(out, "add element ip {TABLE} {} {{ {e} }}", s.name);
        }
    }
    for m in &t.maps {
        for e in &m.elements {
            let _ = writeln!(
                out,
                "add element ip {TABLE} {} {{ {} }}",
                m.name,
                element_text(e)
            );
        }
    }
    out
}
