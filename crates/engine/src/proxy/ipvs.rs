//! IPVS mode (`pkg/proxy/ipvs/proxier.go`): virtual servers with real servers, the
//! `kube-ipvs0` dummy interface that makes every Service IP local, the ipsets, and the small
//! iptables glue that still does masquerading. Printed like `ipvsadm -Ln`.

use super::iptables::{
    self, add_forward_accepts, add_localnet_block, add_masquerade_machinery, add_nat_jumps,
    IptMatch, IptTable, IptTarget, IptablesRules, TableBuilder, FILTER_BUILTINS, KUBE_FIREWALL,
    KUBE_FORWARD, KUBE_MARK_MASQ, KUBE_POSTROUTING, KUBE_PROXY_FIREWALL, KUBE_SERVICES,
    NAT_BUILTINS,
};
use super::model::{EndpointInfo, Protocol, ProxyView};
use crate::ipv4::Cidr;
use serde::Serialize;
use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::net::Ipv4Addr;

pub const KUBE_NODE_PORT: &str = "KUBE-NODE-PORT";
pub const KUBE_LOAD_BALANCER: &str = "KUBE-LOAD-BALANCER";
pub const SET_CLUSTER_IP: &str = "KUBE-CLUSTER-IP";
pub const SET_LOOP_BACK: &str = "KUBE-LOOP-BACK";
pub const SET_EXTERNAL_IP: &str = "KUBE-EXTERNAL-IP";
pub const SET_LOAD_BALANCER: &str = "KUBE-LOAD-BALANCER";
pub const SET_LOAD_BALANCER_LOCAL: &str = "KUBE-LOAD-BALANCER-LOCAL";
pub const SET_EXTERNAL_IP_LOCAL: &str = "KUBE-EXTERNAL-IP-LOCAL";
pub const SET_LOAD_BALANCER_FW: &str = "KUBE-LOAD-BALANCER-FW";
pub const SET_LOAD_BALANCER_SOURCE_IP: &str = "KUBE-LOAD-BALANCER-SOURCE-IP";
pub const SET_LOAD_BALANCER_SOURCE_CIDR: &str = "KUBE-LOAD-BALANCER-SOURCE-CIDR";
pub const SET_HEALTH_CHECK_NODE_PORT: &str = "KUBE-HEALTH-CHECK-NODE-PORT";
/// Every address bound on kube-ipvs0: what `KUBE-IPVS-FILTER` protects.
pub const SET_IPVS_IPS: &str = "KUBE-IPVS-IPS";
/// The filter chain refusing new connections to a Service address on a port no Service
/// defines (kubernetes/kubernetes#72236).
pub const KUBE_IPVS_FILTER: &str = "KUBE-IPVS-FILTER";
/// Drops a node's own traffic to load balancers whose source ranges exclude it.
pub const KUBE_IPVS_OUT_FILTER: &str = "KUBE-IPVS-OUT-FILTER";
pub const KUBE_SOURCE_RANGES_FIREWALL: &str = "KUBE-SOURCE-RANGES-FIREWALL";

/// What kind of address a virtual server listens on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum VsKind {
    ClusterIp,
    NodePort,
    ExternalIp,
    LoadBalancer,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct RealServer {
    pub ip: Ipv4Addr,
    pub port: u16,
    pub weight: u32,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct VirtualServer {
    pub protocol: Protocol,
    pub ip: Ipv4Addr,
    pub port: u16,
    /// `--ipvs-scheduler`, default `rr`.
    pub scheduler: String,
    /// ClientIP affinity → IPVS persistence with the affinity timeout.
    pub persistent: Option<u32>,
    pub kind: VsKind,
    pub service_port_name: String,
    pub reals: Vec<RealServer>,
}

impl VirtualServer {
    /// `TCP  10.96.0.1:443 rr` (ipvsadm's service line).
    pub fn line(&self) -> String {
        let mut s = format!(
            "{}  {}:{} {}",
            self.protocol.upper(),
            self.ip,
            self.port,
            self.scheduler
        );
        if let Some(t) = self.persistent {
            let _ = write!(s, " persistent {t}");
        }
        s
    }
}

/// `  -> 10.244.1.2:80                Masq    1      0          0`.
pub fn real_server_line(r: &RealServer) -> String {
    format!(
        "  -> {:<28} {:<7} {:<6} {:<10} {:<10}",
        format!("{}:{}", r.ip, r.port),
        "Masq",
        r.weight,
        0,
        0
    )
    .trim_end()
    .to_string()
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct IpSet {
    pub name: String,
    /// `hash:ip,port`, `hash:ip,port,ip`, `bitmap:port`.
    pub type_: String,
    pub comment: String,
    /// Entries as `ipset list` prints them (`10.96.0.1,tcp:443`, `30080`).
    pub entries: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct IpvsRules {
    /// Addresses bound to the `kube-ipvs0` dummy interface (state DOWN).
    pub dummy_addresses: Vec<Ipv4Addr>,
    pub virtual_servers: Vec<VirtualServer>,
    pub ipsets: Vec<IpSet>,
    pub iptables: IptablesRules,
}

impl IpvsRules {
    pub fn ipset(&self, name: &str) -> Option<&IpSet> {
        self.ipsets.iter().find(|s| s.name == name)
    }
}

fn reals(eps: &[EndpointInfo]) -> Vec<RealServer> {
    eps.iter()
        .map(|e| RealServer {
            ip: e.ip,
            port: e.port,
            weight: 1,
        })
        .collect()
}

fn set_match(name: &str, flags: &str) -> IptMatch {
    IptMatch::Set {
        name: name.into(),
        flags: flags.into(),
    }
}

fn comment(s: &str) -> IptMatch {
    IptMatch::Comment { text: s.into() }
}

/// kube-proxy's ipsets in IPVS mode (`ipsetInfo`): name, type, comment.
const SETS: [(&str, &str, &str); 17] = [
    (
        SET_LOOP_BACK,
        "hash:ip,port,ip",
        "Kubernetes endpoints dst ip:port, source ip for solving hairpin purpose",
    ),
    (
        SET_CLUSTER_IP,
        "hash:ip,port",
        "Kubernetes service cluster ip + port for masquerade purpose",
    ),
    (
        SET_EXTERNAL_IP,
        "hash:ip,port",
        "Kubernetes service external ip + port for masquerade and filter purpose",
    ),
    (
        SET_EXTERNAL_IP_LOCAL,
        "hash:ip,port",
        "Kubernetes service external ip + port with externalTrafficPolicy=local",
    ),
    (
        SET_LOAD_BALANCER,
        "hash:ip,port",
        "Kubernetes service lb portal",
    ),
    (
        SET_LOAD_BALANCER_FW,
        "hash:ip,port",
        "Kubernetes service load balancer ip + port for load balancer with sourceRange",
    ),
    (
        SET_LOAD_BALANCER_LOCAL,
        "hash:ip,port",
        "Kubernetes service load balancer ip + port with externalTrafficPolicy=local",
    ),
    (
        SET_LOAD_BALANCER_SOURCE_IP,
        "hash:ip,port,ip",
        "Kubernetes service load balancer ip + port + source IP for packet filter purpose",
    ),
    (
        SET_LOAD_BALANCER_SOURCE_CIDR,
        "hash:ip,port,net",
        "Kubernetes service load balancer ip + port + source cidr for packet filter purpose",
    ),
    (
        "KUBE-NODE-PORT-TCP",
        "bitmap:port",
        "Kubernetes nodeport TCP port for masquerade purpose",
    ),
    (
        "KUBE-NODE-PORT-LOCAL-TCP",
        "bitmap:port",
        "Kubernetes nodeport TCP port with externalTrafficPolicy=local",
    ),
    (
        "KUBE-NODE-PORT-UDP",
        "bitmap:port",
        "Kubernetes nodeport UDP port for masquerade purpose",
    ),
    (
        "KUBE-NODE-PORT-LOCAL-UDP",
        "bitmap:port",
        "Kubernetes nodeport UDP port with externalTrafficPolicy=local",
    ),
    (
        "KUBE-NODE-PORT-SCTP-HASH",
        "hash:ip,port",
        "Kubernetes nodeport SCTP port for masquerade purpose with type 'hash ip:port'",
    ),
    (
        "KUBE-NODE-PORT-LOCAL-SCTP-HASH",
        "hash:ip,port",
        "Kubernetes nodeport SCTP port with externalTrafficPolicy=local with type 'hash ip:port'",
    ),
    (
        SET_HEALTH_CHECK_NODE_PORT,
        "bitmap:port",
        "Kubernetes health check node port",
    ),
    (SET_IPVS_IPS, "hash:ip", "Addresses on the ipvs interface"),
];

/// Build the IPVS-mode state for one node (`syncProxyRules`, `writeIptablesRules`).
pub fn build(view: &ProxyView) -> IpvsRules {
    let mut vss: Vec<VirtualServer> = Vec::new();
    let mut dummy: Vec<Ipv4Addr> = Vec::new();
    // Load-balancer addresses whose source ranges leave this node out.
    let mut no_node_access: Vec<(Ipv4Addr, Protocol, u16)> = Vec::new();
    let mut sets: BTreeMap<&str, (String, String, Vec<String>)> = BTreeMap::new();
    for (n, t, c) in SETS {
        sets.insert(n, (t.to_string(), c.to_string(), Vec::new()));
    }
    let mut push = |set: &str, entry: String| {
        if let Some((_, _, v)) = sets.get_mut(set) {
            v.push(entry);
        }
    };

    for sp in &view.services {
        let cat = sp.categorize();
        let p = sp.protocol.lower();
        let internal = if sp.internal_policy_local {
            &cat.local
        } else {
            &cat.cluster
        };
        let external = if sp.external_policy_local {
            &cat.local
        } else {
            &cat.cluster
        };
        let mk = |ip: Ipv4Addr, port: u16, kind: VsKind, eps: &[EndpointInfo]| VirtualServer {
            protocol: sp.protocol,
            ip,
            port,
            scheduler: "rr".into(),
            persistent: sp.affinity_timeout,
            kind,
            service_port_name: sp.service_port_name.clone(),
            reals: reals(eps),
        };
        dummy.push(sp.cluster_ip);
        push(SET_CLUSTER_IP, format!("{},{p}:{}", sp.cluster_ip, sp.port));
        vss.push(mk(sp.cluster_ip, sp.port, VsKind::ClusterIp, internal));
        // Hairpin: only this node's endpoints can reach themselves through a VIP here.
        for ep in cat.all_reachable.iter().filter(|e| e.is_local) {
            push(
                SET_LOOP_BACK,
                format!("{},{p}:{},{}", ep.ip, ep.port, ep.ip),
            );
        }
        for ip in &sp.external_ips {
            // Bound on kube-ipvs0 unless another interface of the node has it.
            if *ip != view.node_ip {
                dummy.push(*ip);
            }
            let set = if sp.external_policy_local {
                SET_EXTERNAL_IP_LOCAL
            } else {
                SET_EXTERNAL_IP
            };
            push(set, format!("{ip},{p}:{}", sp.port));
            vss.push(mk(*ip, sp.port, VsKind::ExternalIp, external));
        }
        for ip in &sp.load_balancer_vips {
            if *ip != view.node_ip {
                dummy.push(*ip);
            }
            let entry = format!("{ip},{p}:{}", sp.port);
            push(SET_LOAD_BALANCER, entry.clone());
            if sp.external_policy_local {
                push(SET_LOAD_BALANCER_LOCAL, entry.clone());
            }
            if !sp.load_balancer_source_ranges.is_empty() {
                push(SET_LOAD_BALANCER_FW, entry.clone());
                for cidr in &sp.load_balancer_source_ranges {
                    push(SET_LOAD_BALANCER_SOURCE_CIDR, format!("{entry},{cidr}"));
                }
                if sp
                    .load_balancer_source_ranges
                    .iter()
                    .any(|c| c.contains(view.node_ip))
                {
                    push(SET_LOAD_BALANCER_SOURCE_IP, format!("{entry},{ip}"));
                } else {
                    // `lbNoNodeAccessIPPortProtocolEntries`: the node itself may not reach it.
                    no_node_access.push((*ip, sp.protocol, sp.port));
                }
            }
            vss.push(mk(*ip, sp.port, VsKind::LoadBalancer, external));
        }
        if sp.node_port != 0 {
            match sp.protocol {
                Protocol::Sctp => {
                    let entry = format!("{},sctp:{}", view.node_ip, sp.node_port);
                    push("KUBE-NODE-PORT-SCTP-HASH", entry.clone());
                    if sp.external_policy_local {
                        push("KUBE-NODE-PORT-LOCAL-SCTP-HASH", entry);
                    }
                }
                proto => {
                    let up = proto.upper();
                    push(&format!("KUBE-NODE-PORT-{up}"), sp.node_port.to_string());
                    if sp.external_policy_local {
                        push(
                            &format!("KUBE-NODE-PORT-LOCAL-{up}"),
                            sp.node_port.to_string(),
                        );
                    }
                }
            }
            vss.push(mk(view.node_ip, sp.node_port, VsKind::NodePort, external));
        }
        if sp.health_check_node_port != 0 {
            push(
                SET_HEALTH_CHECK_NODE_PORT,
                sp.health_check_node_port.to_string(),
            );
        }
    }
    dummy.sort();
    dummy.dedup();
    // `KUBE-IPVS-IPS` is every address bound on kube-ipvs0 (`activeBindAddrs`).
    for ip in &dummy {
        push(SET_IPVS_IPS, ip.to_string());
    }
    // ipvsadm sorts services by protocol, address, port and real servers by address, port.
    vss.sort_by(|a, b| {
        (a.protocol.number(), a.ip, a.port).cmp(&(b.protocol.number(), b.ip, b.port))
    });
    for v in &mut vss {
        v.reals.sort_by_key(|a| (a.ip, a.port));
    }
    let ipsets: Vec<IpSet> = sets
        .into_iter()
        .map(|(name, (type_, comment, mut entries))| {
            entries.sort();
            entries.dedup();
            IpSet {
                name: name.to_string(),
                type_,
                comment,
                entries,
            }
        })
        .collect();
    let iptables = IptablesRules {
        filter: filter_table(&ipsets, &no_node_access),
        nat: nat_table(view, &ipsets),
    };
    IpvsRules {
        dummy_addresses: dummy,
        virtual_servers: vss,
        ipsets,
        iptables,
    }
}

/// The comment kube-proxy gives the rules matching `set` (`getComment`).
fn set_comment(ipsets: &[IpSet], set: &str) -> IptMatch {
    comment(
        ipsets
            .iter()
            .find(|s| s.name == set)
            .map_or("", |s| s.comment.as_str()),
    )
}

fn has(ipsets: &[IpSet], set: &str) -> bool {
    ipsets
        .iter()
        .any(|s| s.name == set && !s.entries.is_empty())
}

fn jump(chain: &str) -> IptTarget {
    IptTarget::Jump {
        chain: chain.into(),
    }
}

/// The filter table (`createAndLinkKubeChain`, `iptablesJumpChain`, `writeIptablesRules`).
/// The jumps from the built-in chains are prepended one by one (`EnsureRule(Prepend)`), so
/// they stand in reverse order, before kubelet's `KUBE-FIREWALL`.
fn filter_table(ipsets: &[IpSet], no_node_access: &[(Ipv4Addr, Protocol, u16)]) -> IptTable {
    let mut f = TableBuilder::with_builtins(&FILTER_BUILTINS);
    let access = "kubernetes ipvs access filter";
    let firewall = "kube-proxy firewall rules";
    f.add("INPUT", vec![comment(access)], jump(KUBE_IPVS_FILTER));
    f.add("INPUT", vec![comment(firewall)], jump(KUBE_PROXY_FIREWALL));
    f.add(
        "INPUT",
        vec![comment("kubernetes health check rules")],
        jump(KUBE_NODE_PORT),
    );
    f.add("INPUT", vec![], jump(KUBE_FIREWALL));
    f.add(
        "FORWARD",
        vec![comment(firewall)],
        jump(KUBE_PROXY_FIREWALL),
    );
    f.add(
        "FORWARD",
        vec![comment("kubernetes forwarding rules")],
        jump(KUBE_FORWARD),
    );
    f.add("OUTPUT", vec![comment(access)], jump(KUBE_IPVS_OUT_FILTER));
    f.add("OUTPUT", vec![], jump(KUBE_FIREWALL));
    for c in [
        KUBE_FORWARD,
        KUBE_NODE_PORT,
        KUBE_PROXY_FIREWALL,
        KUBE_SOURCE_RANGES_FIREWALL,
        KUBE_IPVS_FILTER,
        KUBE_IPVS_OUT_FILTER,
    ] {
        f.declare(c);
    }
    add_localnet_block(&mut f);
    if has(ipsets, SET_LOAD_BALANCER_FW) {
        f.add(
            KUBE_PROXY_FIREWALL,
            vec![
                set_comment(ipsets, SET_LOAD_BALANCER_FW),
                set_match(SET_LOAD_BALANCER_FW, "dst,dst"),
            ],
            jump(KUBE_SOURCE_RANGES_FIREWALL),
        );
    }
    for set in [SET_LOAD_BALANCER_SOURCE_CIDR, SET_LOAD_BALANCER_SOURCE_IP] {
        if has(ipsets, set) {
            f.add(
                KUBE_SOURCE_RANGES_FIREWALL,
                vec![set_comment(ipsets, set), set_match(set, "dst,dst,src")],
                IptTarget::Return,
            );
        }
    }
    f.add(KUBE_SOURCE_RANGES_FIREWALL, vec![], IptTarget::Drop);
    add_forward_accepts(&mut f);
    // Health-check node ports are answered by kube-proxy itself.
    f.add(
        KUBE_NODE_PORT,
        vec![
            set_comment(ipsets, SET_HEALTH_CHECK_NODE_PORT),
            set_match(SET_HEALTH_CHECK_NODE_PORT, "dst"),
        ],
        IptTarget::Accept,
    );
    // kubernetes/kubernetes#72236: a Service address is local (kube-ipvs0), so a new
    // connection to it on a port no Service defines would reach the node's own sockets.
    for (set, flags) in [
        (SET_LOAD_BALANCER, "dst,dst"),
        (SET_CLUSTER_IP, "dst,dst"),
        (SET_EXTERNAL_IP, "dst,dst"),
        (SET_EXTERNAL_IP_LOCAL, "dst,dst"),
        (SET_HEALTH_CHECK_NODE_PORT, "dst"),
    ] {
        f.add(
            KUBE_IPVS_FILTER,
            vec![set_match(set, flags)],
            IptTarget::Return,
        );
    }
    f.add(
        KUBE_IPVS_FILTER,
        vec![
            IptMatch::Conntrack {
                states: "NEW".into(),
                negate: false,
            },
            set_match(SET_IPVS_IPS, "dst"),
        ],
        IptTarget::Reject,
    );
    // A LoadBalancer whose source ranges leave this node out: the node may not reach it
    // through its own kube-ipvs0 address (`lbNoNodeAccessIPPortProtocolEntries`).
    for (ip, protocol, port) in no_node_access {
        f.add(
            KUBE_IPVS_OUT_FILTER,
            vec![
                IptMatch::Src {
                    cidr: Cidr {
                        network: *ip,
                        prefix: 32,
                    },
                    negate: false,
                },
                IptMatch::IpvsVirtual {
                    vaddr: *ip,
                    vproto: *protocol,
                    vport: *port,
                },
            ],
            IptTarget::Drop,
        );
    }
    f.finish("filter")
}

/// The nat table (`writeIptablesRules`): the ipset rules, masquerading, and the ACCEPTs that
/// end nat traversal for IPVS traffic (`acceptIPVSTraffic`).
fn nat_table(view: &ProxyView, ipsets: &[IpSet]) -> IptTable {
    let mut n = TableBuilder::with_builtins(&NAT_BUILTINS);
    add_nat_jumps(&mut n);
    n.declare(KUBE_SERVICES);
    n.declare(KUBE_NODE_PORT);
    n.declare(KUBE_LOAD_BALANCER);
    add_masquerade_machinery(&mut n, true);
    // Dismiss connections to localhost early.
    n.add(
        KUBE_SERVICES,
        vec![IptMatch::Src {
            cidr: Cidr {
                network: Ipv4Addr::new(127, 0, 0, 0),
                prefix: 8,
            },
            negate: false,
        }],
        IptTarget::Return,
    );
    // `ipsetWithIptablesChain`, in its order, each only with entries.
    let mut set_rule =
        |chain: &str, set: &str, flags: &str, proto: Option<Protocol>, to: IptTarget| {
            if has(ipsets, set) {
                let mut m = Vec::new();
                if let Some(p) = proto {
                    m.push(IptMatch::L3Proto { protocol: p });
                }
                m.push(set_comment(ipsets, set));
                m.push(set_match(set, flags));
                n.add(chain, m, to);
            }
        };
    set_rule(
        KUBE_SERVICES,
        SET_LOAD_BALANCER,
        "dst,dst",
        None,
        jump(KUBE_LOAD_BALANCER),
    );
    set_rule(
        KUBE_LOAD_BALANCER,
        SET_LOAD_BALANCER_LOCAL,
        "dst,dst",
        None,
        IptTarget::Return,
    );
    for (proto, local, all, flags) in [
        (
            Protocol::Tcp,
            "KUBE-NODE-PORT-LOCAL-TCP",
            "KUBE-NODE-PORT-TCP",
            "dst",
        ),
        (
            Protocol::Udp,
            "KUBE-NODE-PORT-LOCAL-UDP",
            "KUBE-NODE-PORT-UDP",
            "dst",
        ),
        (
            Protocol::Sctp,
            "KUBE-NODE-PORT-LOCAL-SCTP-HASH",
            "KUBE-NODE-PORT-SCTP-HASH",
            "dst,dst",
        ),
    ] {
        set_rule(KUBE_NODE_PORT, local, flags, Some(proto), IptTarget::Return);
        set_rule(
            KUBE_NODE_PORT,
            all,
            flags,
            Some(proto),
            jump(KUBE_MARK_MASQ),
        );
    }
    if has(ipsets, SET_CLUSTER_IP) {
        // The ClusterCIDR local-traffic detector: traffic from outside the pod network.
        let mut m = Vec::new();
        if let Some(cidr) = view.cluster_cidr {
            m.push(IptMatch::Src { cidr, negate: true });
        }
        m.push(set_comment(ipsets, SET_CLUSTER_IP));
        m.push(set_match(SET_CLUSTER_IP, "dst,dst"));
        n.add(KUBE_SERVICES, m, jump(KUBE_MARK_MASQ));
    }
    // External IPs: masquerade, then accept what comes from outside or for this node.
    for set in [SET_EXTERNAL_IP, SET_EXTERNAL_IP_LOCAL] {
        if !has(ipsets, set) {
            continue;
        }
        let base = || vec![set_comment(ipsets, set), set_match(set, "dst,dst")];
        if set == SET_EXTERNAL_IP {
            n.add(KUBE_SERVICES, base(), jump(KUBE_MARK_MASQ));
        }
        let mut outside = base();
        // Not bridged in and not from a local address: traffic from off the machine.
        outside.push(IptMatch::PhysdevIsIn { negate: true });
        outside.push(IptMatch::AddrTypeLocal {
            source: true,
            negate: true,
        });
        n.add(KUBE_SERVICES, outside, IptTarget::Accept);
        let mut local = base();
        local.push(IptMatch::AddrTypeLocal {
            source: false,
            negate: false,
        });
        n.add(KUBE_SERVICES, local, IptTarget::Accept);
    }
    n.add(
        KUBE_SERVICES,
        vec![IptMatch::AddrTypeLocal {
            source: false,
            negate: false,
        }],
        jump(KUBE_NODE_PORT),
    );
    n.add(KUBE_LOAD_BALANCER, vec![], jump(KUBE_MARK_MASQ));
    for set in [SET_CLUSTER_IP, SET_LOAD_BALANCER] {
        if has(ipsets, set) {
            n.add(
                KUBE_SERVICES,
                vec![set_match(set, "dst,dst")],
                IptTarget::Accept,
            );
        }
    }
    // Hairpin: a pod reaching itself through a VIP is masqueraded (checked first).
    let mut nat = n.finish("nat");
    if has(ipsets, SET_LOOP_BACK) {
        if let Some(c) = nat.chains.iter_mut().find(|c| c.name == KUBE_POSTROUTING) {
            c.rules.insert(
                0,
                iptables::IptRule {
                    matches: vec![
                        set_comment(ipsets, SET_LOOP_BACK),
                        set_match(SET_LOOP_BACK, "dst,dst,src"),
                    ],
                    target: IptTarget::Masquerade {
                        random_fully: false,
                    },
                },
            );
        }
    }
    nat
}

/// `ipvsadm -Ln`.
pub fn render_ipvsadm(r: &IpvsRules) -> String {
    let mut out = String::from(
        "IP Virtual Server version 1.2.1 (size=4096)\nProt LocalAddress:Port Scheduler Flags\n  -> RemoteAddress:Port           Forward Weight ActiveConn InActConn\n",
    );
    for vs in &r.virtual_servers {
        let _ = writeln!(out, "{}", vs.line());
        for rs in &vs.reals {
            let _ = writeln!(out, "{}", real_server_line(rs));
        }
    }
    out
}

/// `ip addr show kube-ipvs0`-style summary of the dummy interface.
pub fn render_dummy(r: &IpvsRules) -> String {
    let mut out = String::from(
        "kube-ipvs0: <BROADCAST,NOARP> mtu 1500 qdisc noop state DOWN\n    link/ether\n",
    );
    for ip in &r.dummy_addresses {
        let _ = writeln!(out, "    inet {ip}/32 scope global kube-ipvs0");
    }
    out
}

/// `ipset list` for kube-proxy's sets.
pub fn render_ipsets(r: &IpvsRules) -> String {
    let mut out = String::new();
    for s in &r.ipsets {
        let _ = writeln!(
            out,
            "Name: {}\nType: {}\nHeader: comment \"{}\"\nMembers:",
            s.name, s.type_, s.comment
        );
        for e in &s.entries {
            let _ = writeln!(out, "{e}");
        }
        out.push('\n');
    }
    out
}
