//! The way back: the server's answer walked to the client with no kube-proxy rules (a reply
//! belongs to an existing conntrack entry), only conntrack's reverse NAT on each node that
//! translated the request, and routing.

use super::session::Client;
use super::{Action, Hop, Place, TraceSession, MAX_NODE_HOPS};
use crate::net::{untranslate, veth_name, Packet, Route};
use std::net::Ipv4Addr;

/// Where a reply starts.
pub(super) enum ReplyStart {
    Pod {
        namespace: String,
        name: String,
        node: String,
    },
    Node(String),
    Remote(Ipv4Addr),
}

impl TraceSession<'_> {
    /// Walk an answer back to `client`: no kube-proxy rules this time (replies belong to an
    /// existing conntrack entry), only conntrack's reverse NAT on each node and routing.
    pub(super) fn reply_walk(
        &mut self,
        start: ReplyStart,
        first: Packet,
        client: &Client,
    ) -> Vec<Hop> {
        let cluster = self.cluster;
        let mut hops = Vec::new();
        let mut pkt = first;
        let mut node = match start {
            ReplyStart::Pod {
                namespace,
                name,
                node,
            } => {
                hops.push(Hop::new(
                    Place::Pod {
                        namespace: namespace.clone(),
                        name: name.clone(),
                        node: node.clone(),
                    },
                    Action::Send,
                    "the answer leaves the pod",
                    pkt,
                ));
                hops.push(Hop::new(
                    Place::Veth {
                        node: node.clone(),
                        device: veth_name(&namespace, &name),
                        pod: name,
                    },
                    Action::Enter,
                    "enters the node's root namespace through the veth",
                    pkt,
                ));
                node
            }
            ReplyStart::Node(n) => {
                hops.push(Hop::new(
                    Place::Node { node: n.clone() },
                    Action::Send,
                    "the node sends the answer",
                    pkt,
                ));
                n
            }
            ReplyStart::Remote(ip) => {
                hops.push(Hop::new(
                    Place::External { ip },
                    Action::Send,
                    "the remote host answers",
                    pkt,
                ));
                match self.topology.node_by_ip(pkt.dst) {
                    Some(n) => {
                        let n = n.name.clone();
                        hops.push(Hop::new(
                            Place::Wire {
                                from: ip.to_string(),
                                to: n.clone(),
                                route: format!("to {} (the node's address)", pkt.dst),
                            },
                            Action::Route,
                            format!("back to {n}"),
                            pkt,
                        ));
                        n
                    }
                    None => {
                        hops.push(Hop::new(
                            Place::External { ip },
                            Action::Lost,
                            format!("no route back to {} from outside", pkt.dst),
                            pkt,
                        ));
                        return hops;
                    }
                }
            }
        };
        for _ in 0..MAX_NODE_HOPS {
            let entry = self.conntrack.get_mut(&node).and_then(|t| t.reply(&pkt));
            if let Some(e) = entry.filter(|e| e.dnat || e.snat) {
                let before = pkt;
                pkt = untranslate(&e, &pkt);
                let what = match (e.dnat, e.snat) {
                    (true, true) => "un-DNAT and un-SNAT",
                    (true, false) => "un-DNAT",
                    _ => "un-SNAT",
                };
                hops.push(
                    Hop::new(
                        Place::Node { node: node.clone() },
                        Action::UnNat,
                        format!("conntrack {what}: {e}"),
                        before,
                    )
                    .after(pkt),
                );
            }
            let route = self.topology.route(cluster, &node, pkt.dst);
            let route_text = self.topology.route_text(&node, pkt.dst, &route);
            match route {
                Route::Local => {
                    let place = match client {
                        Client::Node { name, .. } if *name == node => {
                            Place::Node { node: node.clone() }
                        }
                        _ => {
                            hops.push(Hop::new(
                                Place::Node { node: node.clone() },
                                Action::Lost,
                                "addressed to the node but no connection expects it",
                                pkt,
                            ));
                            return hops;
                        }
                    };
                    hops.push(Hop::new(
                        place,
                        Action::Deliver,
                        "received by the client",
                        pkt,
                    ));
                    return hops;
                }
                Route::Veth {
                    namespace,
                    pod,
                    device,
                } => {
                    hops.push(Hop::veth_route(&node, device, &pod, &route_text, pkt));
                    hops.push(Hop::new(
                        Place::Pod {
                            namespace,
                            name: pod,
                            node: node.clone(),
                        },
                        Action::Deliver,
                        "received by the client",
                        pkt,
                    ));
                    return hops;
                }
                Route::NoPod => {
                    hops.push(Hop::new(
                        Place::Node { node: node.clone() },
                        Action::Lost,
                        format!("no pod holds {} any more", pkt.dst),
                        pkt,
                    ));
                    return hops;
                }
                Route::ViaNode { node: other, .. } => {
                    hops.push(Hop::wire(
                        node.clone(),
                        other.clone(),
                        route_text.clone(),
                        Action::Route,
                        format!("route: {route_text}"),
                        pkt,
                    ));
                    node = other;
                }
                Route::OnLink | Route::DefaultGateway { .. } => {
                    if let Some(other) = self.topology.node_by_ip(pkt.dst) {
                        let other = other.name.clone();
                        hops.push(Hop::wire(
                            node.clone(),
                            other.clone(),
                            route_text.clone(),
                            Action::Route,
                            format!("route: {route_text}"),
                            pkt,
                        ));
                        node = other;
                        continue;
                    }
                    hops.push(Hop::wire(
                        node.clone(),
                        pkt.dst.to_string(),
                        route_text.clone(),
                        Action::Route,
                        format!("route: {route_text}"),
                        pkt,
                    ));
                    let is_client = matches!(client, Client::External { ip } if *ip == pkt.dst);
                    let (action, note) = if is_client {
                        (Action::Deliver, "received by the client")
                    } else {
                        (Action::Lost, "not the client: the answer is lost")
                    };
                    hops.push(Hop::new(Place::External { ip: pkt.dst }, action, note, pkt));
                    return hops;
                }
            }
        }
        hops
    }
}
