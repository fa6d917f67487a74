//! The way there: a new connection's first packet, hop by hop. On every node it enters,
//! kube-proxy's rules are evaluated ([`crate::proxy::evaluate_stateful`]) and the verdict
//! becomes a hop (DNAT, ACCEPT, REJECT, DROP) carrying the rules that matched; then POSTROUTING
//! (kube-proxy's or kindnet's MASQUERADE), a conntrack entry, and the route to the next node,
//! a local pod, the node itself or outside.

use super::reply::ReplyStart;
use super::session::Client;
use super::{Action, Hop, Outcome, Place, TraceSession, MAX_NODE_HOPS};
use crate::net::{l2_announcer, veth_name, ConntrackEntry, Owner, Packet, Route, Tuple};
use crate::proxy::{self, Hook, PacketView, Step};
use crate::proxy::{Outcome as ProxyOutcome, Protocol};
use crate::sim::Rng;
use std::net::Ipv4Addr;

/// The two directions of one connection attempt.
pub(super) struct Flow {
    pub(super) hops: Vec<Hop>,
    pub(super) reply: Vec<Hop>,
    pub(super) outcome: Outcome,
}

impl TraceSession<'_> {
    /// Evaluate kube-proxy's rules of `node` for `pkt` (the first packet of a connection).
    fn evaluate(
        &mut self,
        node: &str,
        node_ip: Ipv4Addr,
        pkt: &Packet,
        hook: Hook,
        rng: &mut Rng,
    ) -> Option<proxy::Verdict> {
        let cluster = self.cluster;
        let mode = self.mode;
        let rules = self
            .rules
            .entry(node.to_string())
            .or_insert_with(|| proxy::node_rules(cluster, node, mode).ok())
            .as_ref()?;
        let view = PacketView {
            src: pkt.src,
            dst: pkt.dst,
            protocol: pkt.protocol,
            src_port: pkt.src_port,
            dst_port: pkt.dst_port,
            src_local: hook == Hook::Output || pkt.src == node_ip,
            dst_local: pkt.dst == node_ip || pkt.dst.is_loopback(),
            mark: 0,
        };
        let recent = &self.recent;
        let affinity =
            |name: &str, ip: Ipv4Addr| recent.contains(&(node.to_string(), name.to_string(), ip));
        let mut choose = |n: u32| u32::try_from(rng.below(u64::from(n))).unwrap_or(0);
        let state = self.ipvs.entry(node.to_string()).or_default();
        let verdict = proxy::evaluate_stateful(rules, &view, hook, &mut choose, &affinity, state);
        for name in &verdict.affinity_updates {
            self.recent
                .insert((node.to_string(), name.clone(), pkt.src));
        }
        Some(verdict)
    }

    /// Source NAT to `node_ip` in POSTROUTING. `--random-fully` (kube-proxy's MASQUERADE when
    /// the kernel supports it) picks a random port; plain MASQUERADE keeps the source port
    /// unless another connection already uses the resulting reply tuple.
    fn masquerade(
        &mut self,
        node: &str,
        node_ip: Ipv4Addr,
        pkt: &mut Packet,
        random_fully: bool,
        rng: &mut Rng,
    ) {
        let table = self.conntrack.entry(node.to_string()).or_default();
        let mut port = if random_fully {
            1024u16.saturating_add(u16::try_from(rng.below(64_512)).unwrap_or(0))
        } else {
            pkt.src_port
        };
        for _ in 0..=u16::MAX {
            let reply = Tuple {
                src: pkt.dst,
                src_port: pkt.dst_port,
                dst: node_ip,
                dst_port: port,
            };
            if !table.reply_tuple_taken(pkt.protocol, &reply) {
                break;
            }
            port = if port == u16::MAX { 1024 } else { port + 1 };
        }
        pkt.src = node_ip;
        pkt.src_port = port;
    }

    /// The node traffic from outside enters for `dst`, with the hops that bring it there.
    fn ingress(&self, client_ip: Ipv4Addr, dst: Ipv4Addr) -> Result<(String, Vec<Hop>), String> {
        let cluster = self.cluster;
        let from = client_ip.to_string();
        let wire_route = if self.topology.on_node_network(client_ip) {
            match self.topology.node_network {
                Some(c) => format!("{}/{} dev eth0 (same docker network)", c.network, c.prefix),
                None => "on-link".to_string(),
            }
        } else {
            format!("via {} (docker's gateway)", self.topology.gateway)
        };
        let pkt_hop = |to: &str, route: String| Place::Wire {
            from: from.clone(),
            to: to.to_string(),
            route,
        };
        match self.topology.owner(cluster, dst) {
            Owner::Node { name } => Ok((name.clone(), vec![placeholder_hop(pkt_hop(&name, wire_route))])),
            Owner::LoadBalancerIp { namespace, name } => {
                let node = match &self.options.via_node {
                    Some(n) => Some(n.clone()),
                    None => cluster
                        .store
                        .service(&namespace, &name)
                        .and_then(|svc| l2_announcer(cluster, &self.topology, svc, dst)),
                };
                let Some(node) = node else {
                    return Err(format!(
                        "nobody answers ARP for {dst}: MetalLB announces {namespace}/{name} only while it has a serving endpoint (on a node with one, for externalTrafficPolicy Local)"
                    ));
                };
                let why = if self.options.via_node.is_some() {
                    "--via".to_string()
                } else {
                    "MetalLB L2: first of the eligible nodes sorted by sha256(node#ip)".to_string()
                };
                Ok((
                    node.clone(),
                    vec![
                        Hop::new(
                            Place::LoadBalancer {
                                ip: dst,
                                node: node.clone(),
                            },
                            Action::Arp,
                            format!("ARP who-has {dst}: the speaker on {node} answers ({why})"),
                            Packet::opening(Protocol::Tcp, client_ip, 0, dst, 0),
                        ),
                        placeholder_hop(pkt_hop(&node, wire_route)),
                    ],
                ))
            }
            Owner::ExternalIp { .. } => {
                let node = self.options.via_node.clone().or_else(|| {
                    self.topology
                        .nodes
                        .iter()
                        .find(|n| n.ready)
                        .map(|n| n.name.clone())
                });
                match node {
                    Some(node) => Ok((
                        node.clone(),
                        vec![placeholder_hop(pkt_hop(
                            &node,
                            format!("{dst} routed to {node} by the network (externalIPs are routed by the administrator)"),
                        ))],
                    )),
                    None => Err(format!("no Ready node to route externalIP {dst} to")),
                }
            }
            Owner::Pod { .. } | Owner::UnusedPodIp { .. } | Owner::UnroutedPodIp => Err(format!(
                "no route to {dst} from outside: pod IPs are not routed on kind's docker network"
            )),
            Owner::ClusterIp { .. } | Owner::UnusedServiceIp => Err(format!(
                "no route to {dst} from outside: ClusterIPs are virtual, only kube-proxy on a node knows them"
            )),
            Owner::Loopback => Err(format!("{dst} is the client's own loopback")),
            Owner::Outside => Err(format!("{dst} is not part of the cluster")),
        }
    }

    /// Move the first packet from `client` until it is delivered, refused or lost, then walk
    /// the answer back.
    pub(super) fn connect(&mut self, client: &Client, first: Packet, rng: &mut Rng) -> Flow {
        let cluster = self.cluster;
        let mut hops: Vec<Hop> = Vec::new();
        let mut pkt = first;
        let (mut node, mut hook) = match client {
            Client::Pod {
                namespace,
                name,
                node,
                ..
            } => {
                let gw = self
                    .topology
                    .node(node)
                    .and_then(|n| n.pod_gateway())
                    .map(|g| g.to_string())
                    .unwrap_or_else(|| "the node".to_string());
                hops.push(Hop::new(
                    Place::Pod {
                        namespace: namespace.clone(),
                        name: name.clone(),
                        node: node.clone(),
                    },
                    Action::Send,
                    format!("sent from the pod's eth0 (default via {gw} dev eth0)"),
                    pkt,
                ));
                hops.push(Hop::new(
                    Place::Veth {
                        node: node.clone(),
                        device: veth_name(namespace, name),
                        pod: name.clone(),
                    },
                    Action::Enter,
                    "enters the node's root namespace through the veth (PREROUTING)",
                    pkt,
                ));
                (node.clone(), Hook::PreRouting)
            }
            Client::Node { name, .. } => {
                hops.push(Hop::new(
                    Place::Node { node: name.clone() },
                    Action::Send,
                    "sent by a host-network process (OUTPUT)",
                    pkt,
                ));
                (name.clone(), Hook::Output)
            }
            Client::External { ip } => {
                hops.push(Hop::new(
                    Place::External { ip: *ip },
                    Action::Send,
                    "sent from outside the cluster",
                    pkt,
                ));
                match self.ingress(*ip, pkt.dst) {
                    Ok((node, extra)) => {
                        for mut h in extra {
                            h.before = pkt;
                            h.after = pkt;
                            if h.action == Action::Route {
                                h.note = format!("arrives on {node}'s eth0 (PREROUTING)");
                            }
                            hops.push(h);
                        }
                        (node, Hook::PreRouting)
                    }
                    Err(reason) => {
                        return Flow {
                            hops,
                            reply: Vec::new(),
                            outcome: Outcome::Unreachable { reason },
                        }
                    }
                }
            }
        };
        for _ in 0..MAX_NODE_HOPS {
            let Some(me) = self.topology.node(&node).cloned() else {
                return lost(hops, format!("node {node} is not part of the cluster"));
            };
            let arrived = pkt;
            let verdict = self.evaluate(&node, me.ip, &pkt, hook, rng);
            let mode = self.mode.as_str().to_string();
            let kp_place = Place::KubeProxy {
                node: node.clone(),
                mode: mode.clone(),
            };
            let mut masq = false;
            let mut post_steps: Vec<Step> = Vec::new();
            if let Some(v) = verdict {
                let masquerading = matches!(
                    v.outcome,
                    ProxyOutcome::Dnat {
                        masquerade: true,
                        ..
                    } | ProxyOutcome::Accept { masquerade: true }
                );
                let (pre, post) = split_postrouting(&v.steps, masquerading);
                post_steps = post;
                let affinity_hit = !v.affinity_hits.is_empty();
                match v.outcome {
                    ProxyOutcome::Reject => {
                        let from = match client {
                            Client::Pod { node: n, .. } if *n == node => {
                                me.pod_gateway().unwrap_or(me.ip)
                            }
                            _ => me.ip,
                        };
                        let icmp = pkt.port_unreachable(from);
                        // IPVS mode's access filter: the address is a Service's (bound on
                        // kube-ipvs0), the port is none of its Services'.
                        let ipvs_filter = v
                            .steps
                            .last()
                            .is_some_and(|s| s.chain == crate::proxy::ipvs::KUBE_IPVS_FILTER);
                        let note = if ipvs_filter {
                            format!(
                                "REJECT: {} is on kube-ipvs0 but no Service defines {}/{} on it (KUBE-IPVS-FILTER refuses new connections to other ports) → ICMP port unreachable (connection refused)",
                                pkt.dst,
                                pkt.dst_port,
                                pkt.protocol.lower()
                            )
                        } else {
                            format!(
                                "REJECT: no endpoints for {}:{}/{} → ICMP port unreachable (connection refused)",
                                pkt.dst,
                                pkt.dst_port,
                                pkt.protocol.lower()
                            )
                        };
                        let mut h = Hop::new(kp_place, Action::Reject, note, pkt);
                        h.rules = pre;
                        hops.push(h);
                        let reply = self.reply_walk(ReplyStart::Node(node.clone()), icmp, client);
                        return Flow {
                            hops,
                            reply,
                            outcome: Outcome::Refused {
                                by: if ipvs_filter {
                                    format!(
                                        "kube-proxy on {node} (REJECT: no Service port {}/{} on {})",
                                        pkt.dst_port,
                                        pkt.protocol.lower(),
                                        pkt.dst
                                    )
                                } else {
                                    format!(
                                        "kube-proxy on {node} (REJECT: the Service has no endpoints)"
                                    )
                                },
                            },
                        };
                    }
                    ProxyOutcome::Drop => {
                        let mut h = Hop::new(
                            kp_place,
                            Action::Drop,
                            "DROP: no usable endpoint on this node → the client times out",
                            pkt,
                        );
                        h.rules = pre;
                        hops.push(h);
                        return Flow {
                            hops,
                            reply: Vec::new(),
                            outcome: Outcome::TimedOut {
                                reason: format!(
                                    "kube-proxy on {node} dropped it (externalTrafficPolicy/internalTrafficPolicy Local without a local endpoint)"
                                ),
                            },
                        };
                    }
                    ProxyOutcome::Stopped { reason } => {
                        // svcsim's own failure, not the network's: said as such, at once.
                        let mut h = Hop::new(kp_place, Action::Lost, reason.clone(), pkt);
                        h.rules = pre;
                        hops.push(h);
                        return Flow {
                            hops,
                            reply: Vec::new(),
                            outcome: Outcome::Unreachable { reason },
                        };
                    }
                    ProxyOutcome::Dnat {
                        ip,
                        port,
                        masquerade,
                    } => {
                        let before = pkt;
                        pkt.dst = ip;
                        pkt.dst_port = port;
                        masq = masquerade;
                        let via = dnat_rule_name(&pre);
                        let choice = match (v.lb.last(), affinity_hit) {
                            (_, true) => format!("{via}, ClientIP affinity hit"),
                            (Some(lb), false) => format!(
                                "{via} {} of {}, p={}{}",
                                lb.chosen.saturating_add(1),
                                lb.candidates,
                                lb.probability,
                                if lb.candidates > 1 && !lb.probability.contains('/') {
                                    format!(" → 1/{} overall", lb.candidates)
                                } else {
                                    String::new()
                                }
                            ),
                            (None, false) => format!("{via}, the only endpoint"),
                        };
                        let mut h = Hop::new(
                            kp_place,
                            Action::Dnat,
                            format!("DNAT → {ip}:{port} ({choice})"),
                            before,
                        )
                        .after(pkt);
                        h.rules = pre;
                        h.lb = v.lb.last().cloned();
                        h.affinity_hit = affinity_hit;
                        hops.push(h);
                    }
                    ProxyOutcome::Accept { masquerade } => {
                        masq = masquerade;
                        let mut h = Hop::new(
                            kp_place,
                            Action::Accept,
                            "no Service rule matched: ACCEPT unchanged",
                            pkt,
                        );
                        h.rules = pre;
                        hops.push(h);
                    }
                }
            }
            let route = self.topology.route(cluster, &node, pkt.dst);
            let route_text = self.topology.route_text(&node, pkt.dst, &route);
            // POSTROUTING: kube-proxy's MASQUERADE, else kindnet's masquerade of pod traffic
            // leaving the pod network (its ip-masq-agent chain: everything not to the pod
            // subnet is masqueraded).
            if route != Route::Local {
                let kindnet = !masq
                    && self.topology.in_pod_subnet(pkt.src)
                    && !self.topology.in_pod_subnet(pkt.dst)
                    && pkt.src != me.ip;
                if masq || kindnet {
                    let before = pkt;
                    let random_fully = masq
                        && post_steps.iter().any(|s| {
                            s.text.contains("--random-fully") || s.text.contains("fully-random")
                        });
                    self.masquerade(&node, me.ip, &mut pkt, random_fully, rng);
                    let why = if masq {
                        "kube-proxy marked it 0x4000"
                    } else {
                        "kindnet masquerades pod traffic leaving the pod network"
                    };
                    let mut h = Hop::new(
                        Place::Node { node: node.clone() },
                        Action::Masquerade,
                        format!(
                            "POSTROUTING MASQUERADE → {}:{} ({why})",
                            pkt.src, pkt.src_port
                        ),
                        before,
                    )
                    .after(pkt);
                    h.rules = std::mem::take(&mut post_steps);
                    hops.push(h);
                }
            }
            self.conntrack
                .entry(node.clone())
                .or_default()
                .insert(ConntrackEntry::new(&arrived, &pkt));
            match route {
                Route::Local => {
                    return self.deliver_node(client, &node, pkt, hops);
                }
                Route::Veth {
                    namespace,
                    pod,
                    device,
                } => {
                    hops.push(Hop::veth_route(&node, device, &pod, &route_text, pkt));
                    return self.deliver_pod(client, &namespace, &pod, &node, pkt, hops);
                }
                Route::NoPod => {
                    hops.push(Hop::new(
                        Place::Node { node: node.clone() },
                        Action::Lost,
                        format!("no pod holds {} on {node}: nothing answers", pkt.dst),
                        pkt,
                    ));
                    return lost(hops, format!("no pod holds {} on {node}", pkt.dst));
                }
                Route::ViaNode { node: other, .. } => {
                    hops.push(Hop::wire(
                        node.clone(),
                        other.clone(),
                        route_text.clone(),
                        Action::Route,
                        format!("route: {route_text} (kindnet; no NAT between nodes)"),
                        pkt,
                    ));
                    node = other;
                    hook = Hook::PreRouting;
                }
                Route::OnLink | Route::DefaultGateway { .. } => {
                    let owner = self.topology.owner(cluster, pkt.dst);
                    let next = match &owner {
                        Owner::Node { name } => Some(name.clone()),
                        Owner::LoadBalancerIp { namespace, name } => cluster
                            .store
                            .service(namespace, name)
                            .and_then(|svc| l2_announcer(cluster, &self.topology, svc, pkt.dst))
                            .filter(|n| *n != node),
                        _ => None,
                    };
                    if let Some(next) = next {
                        hops.push(Hop::wire(
                            node.clone(),
                            next.clone(),
                            route_text.clone(),
                            Action::Route,
                            format!("route: {route_text}"),
                            pkt,
                        ));
                        node = next;
                        hook = Hook::PreRouting;
                        continue;
                    }
                    let answered = matches!(owner, Owner::Outside | Owner::ExternalIp { .. });
                    if !answered {
                        hops.push(Hop::wire(
                            node.clone(),
                            pkt.dst.to_string(),
                            route_text.clone(),
                            Action::Lost,
                            format!(
                                "route: {route_text}: {} is not a real host, nobody answers",
                                pkt.dst
                            ),
                            pkt,
                        ));
                        return lost(
                            hops,
                            format!(
                                "{}:{} left {node} by its default route and nobody answered (no kube-proxy rule captured it)",
                                pkt.dst, pkt.dst_port
                            ),
                        );
                    }
                    hops.push(Hop::wire(
                        node.clone(),
                        pkt.dst.to_string(),
                        route_text.clone(),
                        Action::Route,
                        format!("route: {route_text} (outside the cluster)"),
                        pkt,
                    ));
                    return self.deliver_remote(client, pkt, hops);
                }
            }
        }
        lost(hops, "routing loop".to_string())
    }
}

fn placeholder_hop(place: Place) -> Hop {
    let zero = Ipv4Addr::new(0, 0, 0, 0);
    Hop::new(
        place,
        Action::Route,
        "",
        Packet::opening(Protocol::Tcp, zero, 0, zero, 0),
    )
}

fn lost(hops: Vec<Hop>, reason: String) -> Flow {
    Flow {
        hops,
        reply: Vec::new(),
        outcome: Outcome::TimedOut { reason },
    }
}

/// Split a verdict's steps at POSTROUTING when the packet is masqueraded, so the MASQUERADE
/// hop shows its own rules.
fn split_postrouting(steps: &[Step], masquerading: bool) -> (Vec<Step>, Vec<Step>) {
    if !masquerading {
        return (steps.to_vec(), Vec::new());
    }
    let at = steps
        .iter()
        .position(|s| s.chain == "POSTROUTING" || s.chain == "nat-postrouting")
        .unwrap_or(steps.len());
    let (a, b) = steps.split_at(at);
    (a.to_vec(), b.to_vec())
}

/// The name of the rule that did the DNAT: the `KUBE-SEP-…` chain (iptables), the
/// `endpoint-…` chain (nftables), or the IPVS real server.
fn dnat_rule_name(steps: &[Step]) -> String {
    steps
        .iter()
        .rev()
        .find_map(|s| {
            if s.text.contains("-j DNAT") || s.text.contains("dnat to") {
                Some(s.chain.clone())
            } else if s.table == "ipvs" && s.text.trim_start().starts_with("->") {
                Some(format!("IPVS {}", s.chain))
            } else {
                None
            }
        })
        .unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn step(table: &str, chain: &str, text: &str) -> Step {
        Step {
            table: table.into(),
            chain: chain.into(),
            index: 0,
            text: text.into(),
        }
    }

    #[test]
    fn postrouting_steps_go_to_the_masquerade_hop() {
        let steps = vec![
            step("nat", "PREROUTING", "-A PREROUTING -j KUBE-SERVICES"),
            step(
                "nat",
                "KUBE-SEP-X",
                "-A KUBE-SEP-X -j DNAT --to-destination 10.244.1.2:80",
            ),
            step("nat", "POSTROUTING", "-A POSTROUTING -j KUBE-POSTROUTING"),
            step("nat", "KUBE-POSTROUTING", "-j MASQUERADE --random-fully"),
        ];
        let (pre, post) = split_postrouting(&steps, true);
        assert_eq!((pre.len(), post.len()), (2, 2));
        let (pre, post) = split_postrouting(&steps, false);
        assert_eq!((pre.len(), post.len()), (4, 0));
        assert_eq!(dnat_rule_name(&steps), "KUBE-SEP-X");
        assert_eq!(dnat_rule_name(&[]), "");
    }
}
