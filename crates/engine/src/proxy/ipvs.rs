//! IPVS mode (`pkg/proxy/ipvs/proxier.go`): virtual servers with real servers, the
//! `kube-ipvs0` dummy interface that makes every Service IP local, the ipsets, and the small
//! iptables glue that still does masquerading. Printed like `ipvsadm -Ln`.

use super::iptables::{
    self, add_filter_jumps, add_forward_accepts, add_localnet_block, add_masquerade_machinery,
    add_nat_jumps, IptMatch, IptTarget, IptablesRules, TableBuilder, FILTER_BUILTINS, KUBE_FORWARD,
    KUBE_MARK_MASQ, KUBE_POSTROUTING, KUBE_SERVICES, NAT_BUILTINS,
};
use super::model::{EndpointInfo, Protocol, ProxyView};
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

/// Build the IPVS-mode state for one node.
pub fn build(view: &ProxyView) -> IpvsRules {
    let mut vss: Vec<VirtualServer> = Vec::new();
    let mut dummy: Vec<Ipv4Addr> = Vec::new();
    let mut sets: BTreeMap<&str, (String, String, Vec<String>)> = BTreeMap::new();
    let defs: [(&str, &str, &str); 9] = [
        (
            SET_CLUSTER_IP,
            "hash:ip,port",
            "Kubernetes service cluster ip + port for masquerade purpose",
        ),
        (
            SET_LOOP_BACK,
            "hash:ip,port,ip",
            "Kubernetes endpoints dst ip:port, source ip for solving hairpin purpose",
        ),
        (
            SET_EXTERNAL_IP,
            "hash:ip,port",
            "Kubernetes service external ip + port for masquerade and filter purpose",
        ),
        (
            SET_LOAD_BALANCER,
            "hash:ip,port",
            "Kubernetes service lb portal",
        ),
        (
            SET_LOAD_BALANCER_LOCAL,
            "hash:ip,port",
            "Kubernetes service load balancer ip + port with externalTrafficPolicy=local",
        ),
        (
            "KUBE-NODE-PORT-TCP",
            "bitmap:port",
            "Kubernetes nodeport TCP port for masquerade purpose",
        ),
        (
            "KUBE-NODE-PORT-UDP",
            "bitmap:port",
            "Kubernetes nodeport UDP port for masquerade purpose",
        ),
        (
            "KUBE-NODE-PORT-LOCAL-TCP",
            "bitmap:port",
            "Kubernetes nodeport TCP port with externalTrafficPolicy=local",
        ),
        (
            "KUBE-NODE-PORT-LOCAL-UDP",
            "bitmap:port",
            "Kubernetes nodeport UDP port with externalTrafficPolicy=local",
        ),
    ];
    for (n, t, c) in defs {
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
        for ep in &cat.all_reachable {
            push(
                SET_LOOP_BACK,
                format!("{},{p}:{},{}", ep.ip, ep.port, ep.ip),
            );
        }
        for ip in &sp.external_ips {
            dummy.push(*ip);
            push(SET_EXTERNAL_IP, format!("{ip},{p}:{}", sp.port));
            vss.push(mk(*ip, sp.port, VsKind::ExternalIp, external));
        }
        for ip in &sp.load_balancer_vips {
            dummy.push(*ip);
            push(SET_LOAD_BALANCER, format!("{ip},{p}:{}", sp.port));
            if sp.external_policy_local {
                push(SET_LOAD_BALANCER_LOCAL, format!("{ip},{p}:{}", sp.port));
            }
            vss.push(mk(*ip, sp.port, VsKind::LoadBalancer, external));
        }
        if sp.node_port != 0 && sp.protocol != Protocol::Sctp {
            let up = sp.protocol.upper();
            push(&format!("KUBE-NODE-PORT-{up}"), sp.node_port.to_string());
            if sp.external_policy_local {
                push(
                    &format!("KUBE-NODE-PORT-LOCAL-{up}"),
                    sp.node_port.to_string(),
                );
            }
            vss.push(mk(view.node_ip, sp.node_port, VsKind::NodePort, external));
        }
    }
    dummy.sort();
    dummy.dedup();
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
    let has = |n: &str| ipsets.iter().any(|s| s.name == n && !s.entries.is_empty());

    // The iptables glue (`writeIptablesRules`).
    let mut f = TableBuilder::with_builtins(&FILTER_BUILTINS);
    let mut n = TableBuilder::with_builtins(&NAT_BUILTINS);
    add_filter_jumps(&mut f);
    add_nat_jumps(&mut n);
    for c in [
        iptables::KUBE_SERVICES,
        iptables::KUBE_EXTERNAL_SERVICES,
        KUBE_FORWARD,
        iptables::KUBE_NODEPORTS,
        iptables::KUBE_PROXY_FIREWALL,
    ] {
        f.declare(c);
    }
    add_localnet_block(&mut f);
    n.declare(KUBE_SERVICES);
    n.declare(KUBE_NODE_PORT);
    n.declare(KUBE_LOAD_BALANCER);
    add_masquerade_machinery(&mut n, true);
    if has(SET_LOAD_BALANCER) {
        n.add(
            KUBE_SERVICES,
            vec![
                comment("Kubernetes service lb portal"),
                set_match(SET_LOAD_BALANCER, "dst,dst"),
            ],
            IptTarget::Jump {
                chain: KUBE_LOAD_BALANCER.into(),
            },
        );
    }
    let mut m = Vec::new();
    if let Some(cidr) = view.cluster_cidr {
        m.push(IptMatch::Src { cidr, negate: true });
    }
    m.push(comment(
        "Kubernetes service cluster ip + port for masquerade purpose",
    ));
    m.push(set_match(SET_CLUSTER_IP, "dst,dst"));
    n.add(
        KUBE_SERVICES,
        m,
        IptTarget::Jump {
            chain: KUBE_MARK_MASQ.into(),
        },
    );
    if has(SET_EXTERNAL_IP) {
        n.add(
            KUBE_SERVICES,
            vec![
                comment("Kubernetes service external ip + port for masquerade and filter purpose"),
                set_match(SET_EXTERNAL_IP, "dst,dst"),
            ],
            IptTarget::Jump {
                chain: KUBE_MARK_MASQ.into(),
            },
        );
    }
    n.add(
        KUBE_SERVICES,
        vec![IptMatch::AddrTypeLocal { source: false }],
        IptTarget::Jump {
            chain: KUBE_NODE_PORT.into(),
        },
    );
    n.add(
        KUBE_SERVICES,
        vec![set_match(SET_CLUSTER_IP, "dst,dst")],
        IptTarget::Accept,
    );
    if has(SET_LOAD_BALANCER) {
        n.add(
            KUBE_SERVICES,
            vec![set_match(SET_LOAD_BALANCER, "dst,dst")],
            IptTarget::Accept,
        );
        n.add(
            KUBE_LOAD_BALANCER,
            vec![
                comment(
                    "Kubernetes service load balancer ip + port with externalTrafficPolicy=local",
                ),
                set_match(SET_LOAD_BALANCER_LOCAL, "dst,dst"),
            ],
            IptTarget::Return,
        );
        n.add(
            KUBE_LOAD_BALANCER,
            vec![],
            IptTarget::Jump {
                chain: KUBE_MARK_MASQ.into(),
            },
        );
    }
    for proto in [Protocol::Tcp, Protocol::Udp] {
        let up = proto.upper();
        if has(&format!("KUBE-NODE-PORT-LOCAL-{up}")) {
            n.add(
                KUBE_NODE_PORT,
                vec![
                    IptMatch::L3Proto { protocol: proto },
                    IptMatch::Comment {
                        text: format!(
                            "Kubernetes nodeport {up} port with externalTrafficPolicy=local"
                        ),
                    },
                    set_match(&format!("KUBE-NODE-PORT-LOCAL-{up}"), "dst"),
                ],
                IptTarget::Return,
            );
        }
        if has(&format!("KUBE-NODE-PORT-{up}")) {
            n.add(
                KUBE_NODE_PORT,
                vec![
                    IptMatch::L3Proto { protocol: proto },
                    IptMatch::Comment {
                        text: format!("Kubernetes nodeport {up} port for masquerade purpose"),
                    },
                    set_match(&format!("KUBE-NODE-PORT-{up}"), "dst"),
                ],
                IptTarget::Jump {
                    chain: KUBE_MARK_MASQ.into(),
                },
            );
        }
    }
    // Hairpin: a pod reaching itself through a VIP is masqueraded (checked first).
    let mut nat = n.finish("nat");
    if let Some(c) = nat.chains.iter_mut().find(|c| c.name == KUBE_POSTROUTING) {
        c.rules.insert(
            0,
            iptables::IptRule {
                matches: vec![
                    comment(
                        "Kubernetes endpoints dst ip:port, source ip for solving hairpin purpose",
                    ),
                    set_match(SET_LOOP_BACK, "dst,dst,src"),
                ],
                target: IptTarget::Masquerade {
                    random_fully: false,
                },
            },
        );
    }
    add_forward_accepts(&mut f);
    IpvsRules {
        dummy_addresses: dummy,
        virtual_servers: vss,
        ipsets,
        iptables: IptablesRules {
            filter: f.finish("filter"),
            nat,
        },
    }
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
