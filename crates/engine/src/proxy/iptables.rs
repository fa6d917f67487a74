//! iptables mode: kube-proxy's `nat` and `filter` rules as data (`pkg/proxy/iptables/proxier.go`
//! `syncProxyRules`), printed either as kube-proxy's `iptables-restore` input or as
//! `iptables-save` prints them back on a kind node.

use super::eval::WalkBound;
use super::hash::{endpoint_hash, port_proto_hash};
use super::model::{Protocol, ProxyView, ServicePortInfo};
use crate::ipv4::Cidr;
use serde::Serialize;
use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::net::Ipv4Addr;

pub const KUBE_SERVICES: &str = "KUBE-SERVICES";
pub const KUBE_EXTERNAL_SERVICES: &str = "KUBE-EXTERNAL-SERVICES";
pub const KUBE_NODEPORTS: &str = "KUBE-NODEPORTS";
pub const KUBE_POSTROUTING: &str = "KUBE-POSTROUTING";
pub const KUBE_MARK_MASQ: &str = "KUBE-MARK-MASQ";
pub const KUBE_FORWARD: &str = "KUBE-FORWARD";
pub const KUBE_PROXY_FIREWALL: &str = "KUBE-PROXY-FIREWALL";
pub const KUBE_FIREWALL: &str = "KUBE-FIREWALL";

/// kube-proxy's default `--masquerade-bit` 14.
pub const MASQUERADE_MARK: u32 = 0x4000;

/// `largeClusterEndpointsThreshold`: above this many endpoints (all Service ports together)
/// kube-proxy is in "large cluster mode" and drops the per-endpoint `-m comment` text
/// (`appendServiceCommentLocked`, `pkg/proxy/iptables/proxier.go`): iptables-restore input
/// shrinks by 40 %, `iptables-save` loses the Service names on KUBE-SEP and KUBE-SVC rules.
pub const LARGE_CLUSTER_ENDPOINTS_THRESHOLD: usize = 1000;

/// Whether kube-proxy writes `view` in large cluster mode: `totalEndpoints`, every Service
/// port's endpoints summed, is above [`LARGE_CLUSTER_ENDPOINTS_THRESHOLD`].
pub fn large_cluster_mode(view: &ProxyView) -> bool {
    view.services
        .iter()
        .map(|sp| sp.endpoints.len())
        .sum::<usize>()
        > LARGE_CLUSTER_ENDPOINTS_THRESHOLD
}

/// `appendServiceCommentLocked`: the comment naming the Service on per-endpoint rules, left
/// out in large cluster mode.
fn service_comment(large: bool, text: String) -> Option<IptMatch> {
    (!large).then(|| comment(text))
}

/// One match of a rule, in the order kube-proxy writes it.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase", tag = "kind")]
pub enum IptMatch {
    /// `-m comment --comment …` (always matches; explains the rule).
    Comment { text: String },
    /// `-m tcp -p tcp` (iptables-save prints `-p tcp` in the header, `-m tcp` in place).
    Proto { protocol: Protocol },
    /// `-p tcp` alone (no `-m tcp` module; IPVS mode's glue rules).
    L3Proto { protocol: Protocol },
    /// `[!] -s cidr`.
    Src {
        #[serde(serialize_with = "super::model::ser_cidr")]
        cidr: Cidr,
        negate: bool,
    },
    /// `[!] -d cidr`.
    Dst {
        #[serde(serialize_with = "super::model::ser_cidr")]
        cidr: Cidr,
        negate: bool,
    },
    /// `--dport N` (an option of the `-m tcp|udp|sctp` match).
    DPort { port: u16 },
    /// `-m addrtype [!] --src-type LOCAL` / `--dst-type LOCAL`: address is (not) one of the
    /// node's.
    AddrTypeLocal { source: bool, negate: bool },
    /// `-m mark [!] --mark value/mask`.
    Mark { value: u32, mask: u32, negate: bool },
    /// `-m statistic --mode random --probability 1/n` (kube-proxy's load-balancing cascade).
    Statistic { n: u32 },
    /// `-m recent --name X --rcheck --seconds S --reap` (ClientIP affinity lookup).
    RecentCheck { name: String, seconds: u32 },
    /// `-m recent --name X --set` (ClientIP affinity record).
    RecentSet { name: String },
    /// `-m conntrack [!] --ctstate S`.
    Conntrack { states: String, negate: bool },
    /// `-m set --match-set NAME flags` (IPVS mode's ipset glue).
    Set { name: String, flags: String },
    /// `-m physdev [!] --physdev-is-in`: the packet came in through a bridge port (never on
    /// kind, whose pods hang off point-to-point veths, so `!` always matches).
    PhysdevIsIn { negate: bool },
    /// `-m ipvs --vaddr IP --vproto P --vport N`: the connection is IPVS's, to that virtual
    /// server (IPVS mode's `KUBE-IPVS-OUT-FILTER`).
    IpvsVirtual {
        vaddr: std::net::Ipv4Addr,
        vproto: Protocol,
        vport: u16,
    },
}

/// What a matching rule does.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase", tag = "kind")]
pub enum IptTarget {
    Jump {
        chain: String,
    },
    Dnat {
        ip: Ipv4Addr,
        port: u16,
    },
    MarkOr {
        mark: u32,
    },
    MarkXor {
        mark: u32,
    },
    Masquerade {
        random_fully: bool,
    },
    Return,
    Reject,
    Drop,
    Accept,
    /// A rule with no `-j` (only counts; KUBE-FW's "other traffic … will be dropped" rule).
    None,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct IptRule {
    pub matches: Vec<IptMatch>,
    pub target: IptTarget,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct IptChain {
    pub name: String,
    /// PREROUTING/INPUT/FORWARD/OUTPUT/POSTROUTING (policy ACCEPT).
    pub builtin: bool,
    pub rules: Vec<IptRule>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct IptTable {
    /// `filter` or `nat`.
    pub name: String,
    /// Built-in chains first, then user chains by name: the order iptables-save prints.
    pub chains: Vec<IptChain>,
    /// The most rules one evaluation can visit walking the built-in chains, from the chains'
    /// jumps ([`WalkBound`], computed by [`IptTable::new`]); not part of `iptables-save`.
    #[serde(skip)]
    pub walk_bound: WalkBound,
    /// The chains' positions in name order, so a jump finds its chain by binary search: a
    /// linear search over the 14,000–40,000 chains of a large cluster was most of a journey's
    /// time (issue 14).
    #[serde(skip)]
    by_name: Vec<u32>,
}

impl IptTable {
    /// A table of `chains`, with its [`WalkBound`] computed from them.
    pub fn new(name: &str, chains: Vec<IptChain>) -> IptTable {
        let names: Vec<&str> = chains.iter().map(|c| c.name.as_str()).collect();
        let index: BTreeMap<&str, usize> = names.iter().enumerate().map(|(i, n)| (*n, i)).collect();
        let graph: Vec<Vec<Vec<usize>>> = chains
            .iter()
            .map(|c| {
                c.rules
                    .iter()
                    .map(|r| match &r.target {
                        IptTarget::Jump { chain } => {
                            index.get(chain.as_str()).copied().into_iter().collect()
                        }
                        _ => Vec::new(),
                    })
                    .collect()
            })
            .collect();
        let bases: Vec<usize> = chains
            .iter()
            .enumerate()
            .filter(|(_, c)| c.builtin)
            .map(|(i, _)| i)
            .collect();
        let walk_bound = WalkBound::of(&names, &graph, &bases);
        let mut by_name: Vec<u32> = (0..u32::try_from(chains.len()).unwrap_or(u32::MAX)).collect();
        // Stable: of chains with one name, the first stays first (what a linear search found).
        by_name.sort_by(|a, b| name_at(&chains, *a).cmp(name_at(&chains, *b)));
        IptTable {
            name: name.to_string(),
            chains,
            walk_bound,
            by_name,
        }
    }

    pub fn chain(&self, name: &str) -> Option<&IptChain> {
        let first = self
            .by_name
            .partition_point(|i| name_at(&self.chains, *i) < name);
        let i = *self.by_name.get(first)?;
        self.chains
            .get(usize::try_from(i).ok()?)
            .filter(|c| c.name == name)
    }
}

/// The name of chain `i` (empty past the end).
fn name_at(chains: &[IptChain], i: u32) -> &str {
    usize::try_from(i)
        .ok()
        .and_then(|i| chains.get(i))
        .map_or("", |c| c.name.as_str())
}

/// The kube-proxy-owned part of a node's iptables.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct IptablesRules {
    pub filter: IptTable,
    pub nat: IptTable,
}

/// The kube-proxy flags that change the iptables rules.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IptablesOptions {
    /// iptables ≥1.6.2 supports `MASQUERADE --random-fully` (true on kind nodes).
    pub random_fully: bool,
    /// `--iptables-localhost-nodeports` (default true): NodePorts on 127.0.0.1 plus the
    /// KUBE-FIREWALL "block incoming localnet connections" rule.
    pub localhost_nodeports: bool,
    /// `--masquerade-all`.
    pub masquerade_all: bool,
    /// `nf_conntrack_tcp_be_liberal` set: no INVALID drop rule.
    pub conntrack_tcp_be_liberal: bool,
}

impl Default for IptablesOptions {
    /// kind's kube-proxy: default flags on iptables 1.8.
    fn default() -> Self {
        IptablesOptions {
            random_fully: true,
            localhost_nodeports: true,
            masquerade_all: false,
            conntrack_tcp_be_liberal: false,
        }
    }
}

fn host(ip: Ipv4Addr) -> Cidr {
    Cidr {
        network: ip,
        prefix: 32,
    }
}

fn comment(s: impl Into<String>) -> IptMatch {
    IptMatch::Comment { text: s.into() }
}

fn jump(chain: impl Into<String>) -> IptTarget {
    IptTarget::Jump {
        chain: chain.into(),
    }
}

/// Chain names of one service port (same hash for SVC/SVL/EXT/FW).
pub struct ServiceChains {
    pub svc: String,
    pub svl: String,
    pub ext: String,
    pub fw: String,
}

pub fn service_chains(sp: &ServicePortInfo) -> ServiceChains {
    let h = port_proto_hash(&sp.service_port_name, sp.protocol.lower());
    ServiceChains {
        svc: format!("KUBE-SVC-{h}"),
        svl: format!("KUBE-SVL-{h}"),
        ext: format!("KUBE-EXT-{h}"),
        fw: format!("KUBE-FW-{h}"),
    }
}

/// `KUBE-SEP-<hash of servicePortName + protocol + "IP:port">`.
pub fn sep_chain(sp: &ServicePortInfo, endpoint_key: &str) -> String {
    format!(
        "KUBE-SEP-{}",
        endpoint_hash(&sp.service_port_name, sp.protocol.lower(), endpoint_key)
    )
}

/// Accumulates chains the way kube-proxy's line buffers do.
#[derive(Default)]
pub(crate) struct TableBuilder {
    builtins: Vec<IptChain>,
    user: BTreeMap<String, Vec<IptRule>>,
}

impl TableBuilder {
    pub(crate) fn with_builtins(names: &[&str]) -> Self {
        TableBuilder {
            builtins: names
                .iter()
                .map(|n| IptChain {
                    name: (*n).to_string(),
                    builtin: true,
                    rules: Vec::new(),
                })
                .collect(),
            user: BTreeMap::new(),
        }
    }

    /// `:CHAIN - [0:0]`.
    pub(crate) fn declare(&mut self, chain: &str) {
        self.user.entry(chain.to_string()).or_default();
    }

    pub(crate) fn add(&mut self, chain: &str, matches: Vec<IptMatch>, target: IptTarget) {
        let rule = IptRule { matches, target };
        if let Some(b) = self.builtins.iter_mut().find(|c| c.name == chain) {
            b.rules.push(rule);
        } else {
            self.user.entry(chain.to_string()).or_default().push(rule);
        }
    }

    pub(crate) fn finish(self, name: &str) -> IptTable {
        let mut chains = self.builtins;
        chains.extend(self.user.into_iter().map(|(name, rules)| IptChain {
            name,
            builtin: false,
            rules,
        }));
        IptTable::new(name, chains)
    }
}

pub(crate) const FILTER_BUILTINS: [&str; 3] = ["INPUT", "FORWARD", "OUTPUT"];
pub(crate) const NAT_BUILTINS: [&str; 4] = ["PREROUTING", "INPUT", "OUTPUT", "POSTROUTING"];

fn ct_new() -> IptMatch {
    IptMatch::Conntrack {
        states: "NEW".into(),
        negate: false,
    }
}

/// The base chains' jumps into kube-proxy's chains (`iptablesJumpChains` plus kubelet's
/// KUBE-FIREWALL), in the order a node shows them: kube-proxy *prepends* each jump, after
/// kubelet created its KUBE-FIREWALL jumps.
pub(crate) fn add_filter_jumps(f: &mut TableBuilder) {
    let lbfw = "kubernetes load balancer firewall";
    f.add(
        "INPUT",
        vec![ct_new(), comment(lbfw)],
        jump(KUBE_PROXY_FIREWALL),
    );
    f.add(
        "INPUT",
        vec![comment("kubernetes health check service ports")],
        jump(KUBE_NODEPORTS),
    );
    f.add(
        "INPUT",
        vec![
            ct_new(),
            comment("kubernetes externally-visible service portals"),
        ],
        jump(KUBE_EXTERNAL_SERVICES),
    );
    f.add("INPUT", vec![], jump(KUBE_FIREWALL));
    f.add(
        "FORWARD",
        vec![ct_new(), comment(lbfw)],
        jump(KUBE_PROXY_FIREWALL),
    );
    f.add(
        "FORWARD",
        vec![comment("kubernetes forwarding rules")],
        jump(KUBE_FORWARD),
    );
    f.add(
        "FORWARD",
        vec![ct_new(), comment("kubernetes service portals")],
        jump(KUBE_SERVICES),
    );
    f.add(
        "FORWARD",
        vec![
            ct_new(),
            comment("kubernetes externally-visible service portals"),
        ],
        jump(KUBE_EXTERNAL_SERVICES),
    );
    f.add(
        "OUTPUT",
        vec![ct_new(), comment(lbfw)],
        jump(KUBE_PROXY_FIREWALL),
    );
    f.add(
        "OUTPUT",
        vec![ct_new(), comment("kubernetes service portals")],
        jump(KUBE_SERVICES),
    );
    f.add("OUTPUT", vec![], jump(KUBE_FIREWALL));
}

pub(crate) fn add_nat_jumps(n: &mut TableBuilder) {
    n.add(
        "PREROUTING",
        vec![comment("kubernetes service portals")],
        jump(KUBE_SERVICES),
    );
    n.add(
        "OUTPUT",
        vec![comment("kubernetes service portals")],
        jump(KUBE_SERVICES),
    );
    n.add(
        "POSTROUTING",
        vec![comment("kubernetes postrouting rules")],
        jump(KUBE_POSTROUTING),
    );
}

/// KUBE-POSTROUTING and KUBE-MARK-MASQ: the masquerade-mark machinery.
pub(crate) fn add_masquerade_machinery(n: &mut TableBuilder, random_fully: bool) {
    n.declare(KUBE_POSTROUTING);
    n.declare(KUBE_MARK_MASQ);
    // Packets without the mark need no SNAT.
    n.add(
        KUBE_POSTROUTING,
        vec![IptMatch::Mark {
            value: MASQUERADE_MARK,
            mask: MASQUERADE_MARK,
            negate: true,
        }],
        IptTarget::Return,
    );
    // Clear the mark so a re-traversing packet is not masqueraded twice.
    n.add(
        KUBE_POSTROUTING,
        vec![],
        IptTarget::MarkXor {
            mark: MASQUERADE_MARK,
        },
    );
    n.add(
        KUBE_POSTROUTING,
        vec![comment("kubernetes service traffic requiring SNAT")],
        IptTarget::Masquerade { random_fully },
    );
    n.add(
        KUBE_MARK_MASQ,
        vec![],
        IptTarget::MarkOr {
            mark: MASQUERADE_MARK,
        },
    );
}

/// KUBE-FORWARD's two accepts, the same in iptables and IPVS mode: packets kube-proxy marked
/// for masquerading, and replies of connections already tracked.
pub(crate) fn add_forward_accepts(f: &mut TableBuilder) {
    f.add(
        KUBE_FORWARD,
        vec![
            comment("kubernetes forwarding rules"),
            IptMatch::Mark {
                value: MASQUERADE_MARK,
                mask: MASQUERADE_MARK,
                negate: false,
            },
        ],
        IptTarget::Accept,
    );
    f.add(
        KUBE_FORWARD,
        vec![
            comment("kubernetes forwarding conntrack rule"),
            IptMatch::Conntrack {
                states: "RELATED,ESTABLISHED".into(),
                negate: false,
            },
        ],
        IptTarget::Accept,
    );
}

/// KUBE-FIREWALL's anti-martian rule (kube-proxy duplicates kubelet's) when localhost
/// NodePorts are enabled (route_localnet=1).
pub(crate) fn add_localnet_block(f: &mut TableBuilder) {
    f.declare(KUBE_FIREWALL);
    f.add(
        KUBE_FIREWALL,
        vec![
            comment("block incoming localnet connections"),
            IptMatch::Dst {
                cidr: Cidr {
                    network: Ipv4Addr::new(127, 0, 0, 0),
                    prefix: 8,
                },
                negate: false,
            },
            IptMatch::Src {
                cidr: Cidr {
                    network: Ipv4Addr::new(127, 0, 0, 0),
                    prefix: 8,
                },
                negate: true,
            },
            IptMatch::Conntrack {
                states: "RELATED,ESTABLISHED,DNAT".into(),
                negate: true,
            },
        ],
        IptTarget::Drop,
    );
}

/// Build the iptables-mode rules for one node (`syncProxyRules`).
pub fn build(view: &ProxyView, opts: &IptablesOptions) -> IptablesRules {
    let mut f = TableBuilder::with_builtins(&FILTER_BUILTINS);
    let mut n = TableBuilder::with_builtins(&NAT_BUILTINS);
    add_filter_jumps(&mut f);
    add_nat_jumps(&mut n);
    for c in [
        KUBE_SERVICES,
        KUBE_EXTERNAL_SERVICES,
        KUBE_FORWARD,
        KUBE_NODEPORTS,
        KUBE_PROXY_FIREWALL,
    ] {
        f.declare(c);
    }
    n.declare(KUBE_SERVICES);
    n.declare(KUBE_NODEPORTS);
    add_masquerade_machinery(&mut n, opts.random_fully);
    if opts.localhost_nodeports {
        add_localnet_block(&mut f);
    }

    let large = large_cluster_mode(view);
    for sp in &view.services {
        write_service(&mut f, &mut n, view, opts, sp, large);
    }

    // Finally the tail-call to KUBE-NODEPORTS: it must stay the last KUBE-SERVICES rule.
    let mut m = vec![
        comment("kubernetes service nodeports; NOTE: this must be the last rule in this chain"),
        IptMatch::AddrTypeLocal {
            source: false,
            negate: false,
        },
    ];
    if !opts.localhost_nodeports {
        m.push(IptMatch::Dst {
            cidr: Cidr {
                network: Ipv4Addr::new(127, 0, 0, 0),
                prefix: 8,
            },
            negate: true,
        });
    }
    n.add(KUBE_SERVICES, m, jump(KUBE_NODEPORTS));

    if !opts.conntrack_tcp_be_liberal {
        f.add(
            KUBE_FORWARD,
            vec![IptMatch::Conntrack {
                states: "INVALID".into(),
                negate: false,
            }],
            IptTarget::Drop,
        );
    }
    add_forward_accepts(&mut f);
    IptablesRules {
        filter: f.finish("filter"),
        nat: n.finish("nat"),
    }
}

fn l4(sp: &ServicePortInfo, dst: Option<Ipv4Addr>, dport: u16) -> Vec<IptMatch> {
    let mut v = vec![IptMatch::Proto {
        protocol: sp.protocol,
    }];
    if let Some(d) = dst {
        v.push(IptMatch::Dst {
            cidr: host(d),
            negate: false,
        });
    }
    v.push(IptMatch::DPort { port: dport });
    v
}

fn with_comment(c: String, rest: Vec<IptMatch>) -> Vec<IptMatch> {
    let mut v = vec![comment(c)];
    v.extend(rest);
    v
}

/// One service port's rules: the body of kube-proxy's per-service loop.
fn write_service(
    f: &mut TableBuilder,
    n: &mut TableBuilder,
    view: &ProxyView,
    opts: &IptablesOptions,
    sp: &ServicePortInfo,
    large: bool,
) {
    let spn = &sp.service_port_name;
    let cat = sp.categorize();
    let chains = service_chains(sp);
    let uses_cluster_chain = !cat.cluster.is_empty() && sp.uses_cluster_endpoints();
    let uses_local_chain = !cat.local.is_empty() && sp.uses_local_endpoints();
    let has_endpoints = cat.has_any;

    let (internal_chain, has_internal) = if sp.internal_policy_local {
        (chains.svl.clone(), has_endpoints && !cat.local.is_empty())
    } else {
        (chains.svc.clone(), has_endpoints)
    };
    let (external_policy_chain, has_external) = if sp.external_policy_local {
        (chains.svl.clone(), has_endpoints && !cat.local.is_empty())
    } else {
        (chains.svc.clone(), has_endpoints)
    };
    let uses_ext_chain = has_endpoints && sp.externally_accessible();
    let uses_fw_chain = has_endpoints
        && !sp.load_balancer_vips.is_empty()
        && !sp.load_balancer_source_ranges.is_empty();
    let lb_chain = if uses_fw_chain {
        chains.fw.clone()
    } else {
        chains.ext.clone()
    };

    let (int_filter_target, int_filter_comment, ext_filter_target, ext_filter_comment) =
        if !has_endpoints {
            let c = format!("{spn} has no endpoints");
            (IptTarget::Reject, c.clone(), IptTarget::Reject, c)
        } else {
            let c = format!("{spn} has no local endpoints");
            (IptTarget::Drop, c.clone(), IptTarget::Drop, c)
        };

    // Capture the clusterIP.
    if has_internal {
        n.add(
            KUBE_SERVICES,
            with_comment(
                format!("{spn} cluster IP"),
                l4(sp, Some(sp.cluster_ip), sp.port),
            ),
            jump(&internal_chain),
        );
    } else {
        f.add(
            KUBE_SERVICES,
            with_comment(int_filter_comment, l4(sp, Some(sp.cluster_ip), sp.port)),
            int_filter_target,
        );
    }

    // Capture externalIPs.
    for ip in &sp.external_ips {
        if has_endpoints {
            n.add(
                KUBE_SERVICES,
                with_comment(format!("{spn} external IP"), l4(sp, Some(*ip), sp.port)),
                jump(&chains.ext),
            );
        }
        if !has_external {
            f.add(
                KUBE_EXTERNAL_SERVICES,
                with_comment(ext_filter_comment.clone(), l4(sp, Some(*ip), sp.port)),
                ext_filter_target.clone(),
            );
        }
    }

    // Capture load-balancer ingress.
    for ip in &sp.load_balancer_vips {
        if has_endpoints {
            n.add(
                KUBE_SERVICES,
                with_comment(format!("{spn} loadbalancer IP"), l4(sp, Some(*ip), sp.port)),
                jump(&lb_chain),
            );
        }
        if uses_fw_chain {
            f.add(
                KUBE_PROXY_FIREWALL,
                with_comment(
                    format!("{spn} traffic not accepted by {}", chains.fw),
                    l4(sp, Some(*ip), sp.port),
                ),
                IptTarget::Drop,
            );
        }
    }
    if !has_external {
        for ip in &sp.load_balancer_vips {
            f.add(
                KUBE_EXTERNAL_SERVICES,
                with_comment(ext_filter_comment.clone(), l4(sp, Some(*ip), sp.port)),
                ext_filter_target.clone(),
            );
        }
    }

    // Capture nodeports.
    if sp.node_port != 0 {
        if has_endpoints {
            n.add(
                KUBE_NODEPORTS,
                with_comment(spn.clone(), l4(sp, None, sp.node_port)),
                jump(&chains.ext),
            );
        }
        if !has_external {
            let mut m = vec![
                comment(ext_filter_comment.clone()),
                IptMatch::AddrTypeLocal {
                    source: false,
                    negate: false,
                },
            ];
            m.extend(l4(sp, None, sp.node_port));
            f.add(KUBE_EXTERNAL_SERVICES, m, ext_filter_target.clone());
        }
    }

    // Health check node port: accepted whether or not this node has local endpoints.
    if sp.health_check_node_port != 0 {
        f.add(
            KUBE_NODEPORTS,
            vec![
                comment(format!("{spn} health check node port")),
                IptMatch::Proto {
                    protocol: Protocol::Tcp,
                },
                IptMatch::DPort {
                    port: sp.health_check_node_port,
                },
            ],
            IptTarget::Accept,
        );
    }

    // Internal traffic: masquerade off-cluster sources reaching the ClusterIP.
    if has_internal {
        let mut m = with_comment(
            format!("{spn} cluster IP"),
            l4(sp, Some(sp.cluster_ip), sp.port),
        );
        if opts.masquerade_all {
            n.add(&internal_chain, m, jump(KUBE_MARK_MASQ));
        } else if let Some(cidr) = view.cluster_cidr {
            m.push(IptMatch::Src { cidr, negate: true });
            n.add(&internal_chain, m, jump(KUBE_MARK_MASQ));
        }
    }

    // External traffic handling.
    if uses_ext_chain {
        n.declare(&chains.ext);
        if !sp.external_policy_local {
            n.add(
                &chains.ext,
                vec![comment(format!(
                    "masquerade traffic for {spn} external destinations"
                ))],
                jump(KUBE_MARK_MASQ),
            );
        } else {
            if let Some(cidr) = view.cluster_cidr {
                n.add(
                    &chains.ext,
                    vec![
                        comment(format!("pod traffic for {spn} external destinations")),
                        IptMatch::Src {
                            cidr,
                            negate: false,
                        },
                    ],
                    jump(&chains.svc),
                );
            }
            n.add(
                &chains.ext,
                vec![
                    comment(format!(
                        "masquerade LOCAL traffic for {spn} external destinations"
                    )),
                    IptMatch::AddrTypeLocal {
                        source: true,
                        negate: false,
                    },
                ],
                jump(KUBE_MARK_MASQ),
            );
            n.add(
                &chains.ext,
                vec![
                    comment(format!(
                        "route LOCAL traffic for {spn} external destinations"
                    )),
                    IptMatch::AddrTypeLocal {
                        source: true,
                        negate: false,
                    },
                ],
                jump(&chains.svc),
            );
        }
        if has_external {
            n.add(&chains.ext, vec![], jump(&external_policy_chain));
        }
    }

    // Firewall chain for loadBalancerSourceRanges.
    if uses_fw_chain {
        n.declare(&chains.fw);
        let c = format!("{spn} loadbalancer IP");
        let mut allow_from_node = false;
        for cidr in &sp.load_balancer_source_ranges {
            n.add(
                &chains.fw,
                vec![
                    comment(c.clone()),
                    IptMatch::Src {
                        cidr: *cidr,
                        negate: false,
                    },
                ],
                jump(&chains.ext),
            );
            allow_from_node |= cidr.contains(view.node_ip);
        }
        if allow_from_node {
            for ip in &sp.load_balancer_vips {
                n.add(
                    &chains.fw,
                    vec![
                        comment(c.clone()),
                        IptMatch::Src {
                            cidr: host(*ip),
                            negate: false,
                        },
                    ],
                    jump(&chains.ext),
                );
            }
        }
        n.add(
            &chains.fw,
            vec![comment(format!(
                "other traffic to {spn} will be dropped by KUBE-PROXY-FIREWALL"
            ))],
            IptTarget::None,
        );
    }

    if uses_cluster_chain {
        n.declare(&chains.svc);
        write_service_to_endpoint_rules(n, sp, &chains.svc, &cat.cluster, large);
    }
    if uses_local_chain {
        n.declare(&chains.svl);
        write_service_to_endpoint_rules(n, sp, &chains.svl, &cat.local, large);
    }

    // Per-endpoint chains.
    for ep in &cat.all_reachable {
        let sep = sep_chain(sp, &ep.key());
        n.declare(&sep);
        // Hairpin: a pod reaching itself through the Service must be SNATed.
        let hairpin = service_comment(large, spn.clone())
            .into_iter()
            .chain([IptMatch::Src {
                cidr: host(ep.ip),
                negate: false,
            }])
            .collect();
        n.add(&sep, hairpin, jump(KUBE_MARK_MASQ));
        let mut m: Vec<IptMatch> = service_comment(large, spn.clone()).into_iter().collect();
        if sp.affinity_timeout.is_some() {
            m.push(IptMatch::RecentSet { name: sep.clone() });
        }
        m.push(IptMatch::Proto {
            protocol: sp.protocol,
        });
        n.add(
            &sep,
            m,
            IptTarget::Dnat {
                ip: ep.ip,
                port: ep.port,
            },
        );
    }
}

/// `writeServiceToEndpointRules`: affinity checks first, then the probability cascade
/// (rule i of n matches with probability 1/(n-i); the last is unconditional); each names its
/// endpoint in a comment unless `large` ([`large_cluster_mode`]).
fn write_service_to_endpoint_rules(
    n: &mut TableBuilder,
    sp: &ServicePortInfo,
    chain: &str,
    endpoints: &[super::model::EndpointInfo],
    large: bool,
) {
    let spn = &sp.service_port_name;
    if let Some(seconds) = sp.affinity_timeout {
        for ep in endpoints {
            let sep = sep_chain(sp, &ep.key());
            let m = service_comment(large, format!("{spn} -> {}", ep.key()))
                .into_iter()
                .chain([IptMatch::RecentCheck {
                    name: sep.clone(),
                    seconds,
                }])
                .collect();
            n.add(chain, m, jump(sep));
        }
    }
    let count = endpoints.len();
    for (i, ep) in endpoints.iter().enumerate() {
        let sep = sep_chain(sp, &ep.key());
        let mut m: Vec<IptMatch> = service_comment(large, format!("{spn} -> {}", ep.key()))
            .into_iter()
            .collect();
        if i + 1 < count {
            let remaining = u32::try_from(count - i).unwrap_or(u32::MAX);
            m.push(IptMatch::Statistic { n: remaining });
        }
        n.add(chain, m, jump(sep));
    }
}

// ---------------------------------------------------------------------------------------
// Rendering
// ---------------------------------------------------------------------------------------

/// kube-proxy's `computeProbability`: `fmt.Sprintf("%0.10f", 1.0/float64(n))`.
pub fn restore_probability(n: u32) -> String {
    format!("{:.10}", 1.0 / f64::from(n.max(1)))
}

/// What iptables-save prints back: libxt_statistic stores `round(p * 2^31)` of the parsed
/// restore string and prints `%.11f` of it (1/3 → `0.33333333349`).
pub fn save_probability(n: u32) -> String {
    let p: f64 = restore_probability(n).parse().unwrap_or(0.0);
    let scaled = (p * 2_147_483_648.0).round();
    format!("{:.11}", scaled / 2_147_483_648.0)
}

fn quote_restore(s: &str) -> String {
    if s.contains(' ') {
        format!("\"{s}\"")
    } else {
        s.to_string()
    }
}

/// `xtables_save_string`: bare when only `[A-Za-z0-9_-]`, otherwise double-quoted with `"`,
/// `\` and `'` escaped.
fn quote_save(s: &str) -> String {
    let plain = !s.is_empty()
        && s.chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
    if plain {
        return s.to_string();
    }
    let mut out = String::from("\"");
    for c in s.chars() {
        if matches!(c, '"' | '\\' | '\'') {
            out.push('\\');
        }
        out.push(c);
    }
    out.push('"');
    out
}

fn cidr_restore(c: &Cidr) -> String {
    if c.prefix == 32 {
        c.network.to_string()
    } else {
        c.to_string()
    }
}

fn bang(negate: bool) -> &'static str {
    if negate {
        "! "
    } else {
        ""
    }
}

fn target_restore(t: &IptTarget) -> String {
    match t {
        IptTarget::Jump { chain } => format!(" -j {chain}"),
        IptTarget::Dnat { ip, port } => format!(" -j DNAT --to-destination {ip}:{port}"),
        IptTarget::MarkOr { mark } => format!(" -j MARK --or-mark {mark:#x}"),
        IptTarget::MarkXor { mark } => format!(" -j MARK --xor-mark {mark:#x}"),
        IptTarget::Masquerade { random_fully } => {
            if *random_fully {
                " -j MASQUERADE --random-fully".to_string()
            } else {
                " -j MASQUERADE".to_string()
            }
        }
        IptTarget::Return => " -j RETURN".into(),
        IptTarget::Reject => " -j REJECT".into(),
        IptTarget::Drop => " -j DROP".into(),
        IptTarget::Accept => " -j ACCEPT".into(),
        IptTarget::None => String::new(),
    }
}

fn target_save(t: &IptTarget) -> String {
    match t {
        IptTarget::MarkOr { mark } => format!(" -j MARK --set-xmark {mark:#x}/{mark:#x}"),
        IptTarget::MarkXor { mark } => format!(" -j MARK --set-xmark {mark:#x}/0x0"),
        IptTarget::Reject => " -j REJECT --reject-with icmp-port-unreachable".into(),
        other => target_restore(other),
    }
}

/// One rule as kube-proxy writes it into `iptables-restore` (`-A CHAIN …`).
pub fn rule_restore_line(chain: &str, r: &IptRule) -> String {
    let mut s = format!("-A {chain}");
    for m in &r.matches {
        let _ = match m {
            IptMatch::Comment { text } => {
                write!(s, " -m comment --comment {}", quote_restore(text))
            }
            IptMatch::Proto { protocol } => {
                write!(s, " -m {p} -p {p}", p = protocol.lower())
            }
            IptMatch::L3Proto { protocol } => write!(s, " -p {}", protocol.lower()),
            IptMatch::Src { cidr, negate } => {
                write!(s, " {}-s {}", bang(*negate), cidr_restore(cidr))
            }
            IptMatch::Dst { cidr, negate } => {
                write!(s, " {}-d {}", bang(*negate), cidr_restore(cidr))
            }
            IptMatch::DPort { port } => write!(s, " --dport {port}"),
            IptMatch::AddrTypeLocal { source, negate } => write!(
                s,
                " -m addrtype {}--{}-type LOCAL",
                bang(*negate),
                if *source { "src" } else { "dst" }
            ),
            IptMatch::Mark {
                value,
                mask,
                negate,
            } => write!(s, " -m mark {}--mark {value:#x}/{mask:#x}", bang(*negate)),
            IptMatch::Statistic { n } => write!(
                s,
                " -m statistic --mode random --probability {}",
                restore_probability(*n)
            ),
            IptMatch::RecentCheck { name, seconds } => write!(
                s,
                " -m recent --name {name} --rcheck --seconds {seconds} --reap"
            ),
            IptMatch::RecentSet { name } => write!(s, " -m recent --name {name} --set"),
            IptMatch::Conntrack { states, negate } => {
                write!(s, " -m conntrack {}--ctstate {states}", bang(*negate))
            }
            IptMatch::Set { name, flags } => write!(s, " -m set --match-set {name} {flags}"),
            IptMatch::PhysdevIsIn { negate } => {
                write!(s, " -m physdev {}--physdev-is-in", bang(*negate))
            }
            IptMatch::IpvsVirtual {
                vaddr,
                vproto,
                vport,
            } => write!(
                s,
                " -m ipvs --vaddr {vaddr} --vproto {} --vport {vport}",
                vproto.lower()
            ),
        };
    }
    s.push_str(&target_restore(&r.target));
    s
}

/// One rule exactly as `iptables-save` prints it: `-s`/`-d`/`-p` first (addresses with their
/// mask), then the match modules in kube-proxy's order, then the target as the kernel
/// stores it (MARK as `--set-xmark`, REJECT with its default `--reject-with`).
pub fn rule_save_line(chain: &str, r: &IptRule) -> String {
    let mut s = format!("-A {chain}");
    for m in &r.matches {
        if let IptMatch::Src { cidr, negate } = m {
            let _ = write!(s, " {}-s {cidr}", bang(*negate));
        }
    }
    for m in &r.matches {
        if let IptMatch::Dst { cidr, negate } = m {
            let _ = write!(s, " {}-d {cidr}", bang(*negate));
        }
    }
    for m in &r.matches {
        if let IptMatch::Proto { protocol } | IptMatch::L3Proto { protocol } = m {
            let _ = write!(s, " -p {}", protocol.lower());
        }
    }
    let dport = r.matches.iter().find_map(|m| match m {
        IptMatch::DPort { port } => Some(*port),
        _ => None,
    });
    for m in &r.matches {
        let _ = match m {
            IptMatch::Src { .. }
            | IptMatch::Dst { .. }
            | IptMatch::DPort { .. }
            | IptMatch::L3Proto { .. } => Ok(()),
            IptMatch::Comment { text } => write!(s, " -m comment --comment {}", quote_save(text)),
            IptMatch::Proto { protocol } => {
                let _ = write!(s, " -m {}", protocol.lower());
                match dport {
                    Some(p) => write!(s, " --dport {p}"),
                    None => Ok(()),
                }
            }
            IptMatch::AddrTypeLocal { source, negate } => write!(
                s,
                " -m addrtype {}--{}-type LOCAL",
                bang(*negate),
                if *source { "src" } else { "dst" }
            ),
            IptMatch::Mark {
                value,
                mask,
                negate,
            } => write!(s, " -m mark {}--mark {value:#x}/{mask:#x}", bang(*negate)),
            IptMatch::Statistic { n } => write!(
                s,
                " -m statistic --mode random --probability {}",
                save_probability(*n)
            ),
            IptMatch::RecentCheck { name, seconds } => write!(
                s,
                " -m recent --rcheck --seconds {seconds} --reap --name {name} --mask 255.255.255.255 --rsource"
            ),
            IptMatch::RecentSet { name } => write!(
                s,
                " -m recent --set --name {name} --mask 255.255.255.255 --rsource"
            ),
            IptMatch::Conntrack { states, negate } => {
                write!(s, " -m conntrack {}--ctstate {states}", bang(*negate))
            }
            IptMatch::Set { name, flags } => write!(s, " -m set --match-set {name} {flags}"),
            IptMatch::PhysdevIsIn { negate } => {
                write!(s, " -m physdev {}--physdev-is-in", bang(*negate))
            }
            // libxt_ipvs saves the protocol by number, then the address with its mask.
            IptMatch::IpvsVirtual {
                vaddr,
                vproto,
                vport,
            } => write!(
                s,
                " -m ipvs --vproto {} --vaddr {vaddr}/32 --vport {vport}",
                vproto.number()
            ),
        };
    }
    s.push_str(&target_save(&r.target));
    s
}

fn render_table_save(out: &mut String, t: &IptTable) {
    let _ = writeln!(out, "*{}", t.name);
    for c in &t.chains {
        if c.builtin {
            let _ = writeln!(out, ":{} ACCEPT [0:0]", c.name);
        } else {
            let _ = writeln!(out, ":{} - [0:0]", c.name);
        }
    }
    for c in &t.chains {
        for r in &c.rules {
            let _ = writeln!(out, "{}", rule_save_line(&c.name, r));
        }
    }
    out.push_str("COMMIT\n");
}

/// `iptables-save` output (filter then nat, as `iptables-save` orders the tables it prints
/// for these two), limited to kube-proxy's chains and the base chains' jumps into them.
pub fn render_save(rules: &IptablesRules) -> String {
    let mut out = String::new();
    render_table_save(&mut out, &rules.filter);
    render_table_save(&mut out, &rules.nat);
    out
}

/// kube-proxy's `iptables-restore` input, with chains in the order kube-proxy's own unit
/// tests print it (`KUBE-NODEPORTS`, `KUBE-SERVICES`, then by name; filter's fixed chains
/// first): the form `pkg/proxy/iptables/proxier_test.go` compares against.
pub fn render_restore(rules: &IptablesRules) -> String {
    let mut out = String::new();
    for (t, first) in [
        (
            &rules.filter,
            &[
                KUBE_NODEPORTS,
                KUBE_SERVICES,
                KUBE_EXTERNAL_SERVICES,
                KUBE_FIREWALL,
                KUBE_FORWARD,
                KUBE_PROXY_FIREWALL,
            ][..],
        ),
        (&rules.nat, &[KUBE_NODEPORTS, KUBE_SERVICES][..]),
    ] {
        let mut order: Vec<&IptChain> = Vec::new();
        for name in first {
            if let Some(c) = t.chain(name) {
                order.push(c);
            }
        }
        for c in &t.chains {
            if !c.builtin && !first.contains(&c.name.as_str()) {
                order.push(c);
            }
        }
        let _ = writeln!(out, "*{}", t.name);
        for c in &order {
            let _ = writeln!(out, ":{} - [0:0]", c.name);
        }
        for c in &order {
            for r in &c.rules {
                let _ = writeln!(out, "{}", rule_restore_line(&c.name, r));
            }
        }
        out.push_str("COMMIT\n");
    }
    out
}
