//! The end of the way there: whether what the packet reached accepts the connection (a pod, a
//! node's own listeners, a simulated remote host) — then the answer is walked back — or refuses
//! it (RST / ICMP port unreachable).

use super::connect::Flow;
use super::reply::ReplyStart;
use super::session::Client;
use super::{Action, Hop, Outcome, Place, Target, TraceSession};
use crate::api::core::Pod;
use crate::cluster::Cluster;
use crate::net::Packet;
use crate::proxy::Protocol;

impl TraceSession<'_> {
    /// The packet reached a pod: it accepts if the pod is `Running` and a container declares
    /// the port (svcsim's assumption; a real process may listen on undeclared ports), else
    /// it refuses (TCP RST, ICMP port unreachable, SCTP ABORT).
    pub(super) fn deliver_pod(
        &mut self,
        client: &Client,
        namespace: &str,
        name: &str,
        node: &str,
        pkt: Packet,
        mut hops: Vec<Hop>,
    ) -> Flow {
        let place = Place::Pod {
            namespace: namespace.to_string(),
            name: name.to_string(),
            node: node.to_string(),
        };
        let pod = self.cluster.store.pod(namespace, name);
        let running = pod.is_some_and(|p| p.status.phase == "Running");
        let listening = pod.is_some_and(|p| declares_port(p, pkt.dst_port, pkt.protocol));
        let target = Target::Pod {
            namespace: namespace.to_string(),
            name: name.to_string(),
            node: node.to_string(),
        };
        let start = ReplyStart::Pod {
            namespace: namespace.to_string(),
            name: name.to_string(),
            node: node.to_string(),
        };
        if running && listening {
            hops.push(Hop::new(
                place,
                Action::Deliver,
                format!(
                    "delivered: a container listens on {}/{}",
                    pkt.dst_port,
                    pkt.protocol.lower()
                ),
                pkt,
            ));
            self.finish_connected(client, target, start, pkt, hops)
        } else {
            let why = if running {
                format!(
                    "no container declares port {}/{}",
                    pkt.dst_port,
                    pkt.protocol.lower()
                )
            } else {
                format!(
                    "the pod is not Running (phase {})",
                    pod.map(|p| p.status.phase.as_str()).unwrap_or("unknown")
                )
            };
            let answer = pkt.refused();
            hops.push(
                Hop::new(place, Action::Refuse, format!("refused: {why}"), pkt).after(answer),
            );
            let reply = self.reply_walk(start, answer, client);
            Flow {
                hops,
                reply,
                outcome: Outcome::Refused {
                    by: format!("pod {namespace}/{name}: {why}"),
                },
            }
        }
    }

    /// The packet reached a node's own address: accepted by what listens there
    /// ([`node_listener`]), else refused.
    pub(super) fn deliver_node(
        &mut self,
        client: &Client,
        node: &str,
        pkt: Packet,
        mut hops: Vec<Hop>,
    ) -> Flow {
        let place = Place::Node {
            node: node.to_string(),
        };
        if let Some(what) = node_listener(self.cluster, node, pkt.dst_port, pkt.protocol) {
            hops.push(Hop::new(
                place,
                Action::Deliver,
                format!("delivered to {what}"),
                pkt,
            ));
            let target = Target::Node {
                name: node.to_string(),
            };
            self.finish_connected(
                client,
                target,
                ReplyStart::Node(node.to_string()),
                pkt,
                hops,
            )
        } else {
            let answer = pkt.refused();
            hops.push(
                Hop::new(
                    place,
                    Action::Refuse,
                    format!(
                        "refused: nothing listens on {}/{} on {node}",
                        pkt.dst_port,
                        pkt.protocol.lower()
                    ),
                    pkt,
                )
                .after(answer),
            );
            let reply = self.reply_walk(ReplyStart::Node(node.to_string()), answer, client);
            Flow {
                hops,
                reply,
                outcome: Outcome::Refused {
                    by: format!(
                        "node {node}: nothing listens on {}/{}",
                        pkt.dst_port,
                        pkt.protocol.lower()
                    ),
                },
            }
        }
    }

    /// The packet left the cluster: a simulated remote host accepts every port.
    pub(super) fn deliver_remote(
        &mut self,
        client: &Client,
        pkt: Packet,
        mut hops: Vec<Hop>,
    ) -> Flow {
        hops.push(Hop::new(
            Place::External { ip: pkt.dst },
            Action::Deliver,
            "delivered to a (simulated) host outside the cluster",
            pkt,
        ));
        let target = Target::Remote { ip: pkt.dst };
        self.finish_connected(client, target, ReplyStart::Remote(pkt.dst), pkt, hops)
    }

    /// The server answers: walk the answer back and say what each side saw.
    fn finish_connected(
        &mut self,
        client: &Client,
        target: Target,
        start: ReplyStart,
        pkt: Packet,
        hops: Vec<Hop>,
    ) -> Flow {
        let answer = pkt.accepted();
        let reply = self.reply_walk(start, answer, client);
        let delivered = reply
            .last()
            .filter(|h| h.action == Action::Deliver)
            .map(|h| h.after);
        let outcome = match delivered {
            Some(seen) => Outcome::Connected {
                target,
                endpoint: format!("{}:{}", pkt.dst, pkt.dst_port),
                server_sees: format!("{}:{}", pkt.src, pkt.src_port),
                client_sees: format!("{}:{}", seen.src, seen.src_port),
            },
            None => Outcome::TimedOut {
                reason: "the answer never made it back to the client".to_string(),
            },
        };
        Flow {
            hops,
            reply,
            outcome,
        }
    }
}

/// Whether a container of `pod` declares `port`/`protocol` (empty protocol = TCP).
fn declares_port(pod: &Pod, port: u16, protocol: Protocol) -> bool {
    pod.spec.containers.iter().any(|c| {
        c.ports.iter().any(|p| {
            i64::from(p.container_port) == i64::from(port)
                && Protocol::parse(&p.protocol) == Some(protocol)
        })
    })
}

/// What listens on a node's own address: the kubelet, kube-proxy's healthz, the API server on
/// control planes, kube-proxy's health-check servers, and hostNetwork pods' declared ports.
fn node_listener(cluster: &Cluster, node: &str, port: u16, protocol: Protocol) -> Option<String> {
    let control_plane = cluster
        .store
        .nodes
        .get(node)
        .is_some_and(|n| n.is_control_plane())
        || cluster
            .config
            .nodes
            .iter()
            .any(|n| n.name == node && n.control_plane);
    if protocol == Protocol::Tcp {
        match port {
            10250 => return Some("the kubelet (:10250)".to_string()),
            10256 => return Some("kube-proxy's healthz server (:10256)".to_string()),
            6443 if control_plane => return Some("kube-apiserver (:6443)".to_string()),
            _ => {}
        }
        for svc in cluster.store.services.values() {
            if svc.spec.health_check_node_port > 0
                && i64::from(svc.spec.health_check_node_port) == i64::from(port)
            {
                return Some(format!(
                    "kube-proxy's health check for {}/{} (:{port})",
                    svc.metadata.namespace, svc.metadata.name
                ));
            }
        }
    }
    cluster
        .store
        .pods
        .values()
        .filter(|p| p.spec.host_network && p.spec.node_name == node)
        .find(|p| declares_port(p, port, protocol))
        .map(|p| {
            format!(
                "hostNetwork pod {}/{} (:{port})",
                p.metadata.namespace, p.metadata.name
            )
        })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::ClusterConfig;

    #[test]
    fn node_listeners() {
        let c = Cluster::new(ClusterConfig::default(), 0);
        assert!(node_listener(&c, "kind-worker", 10250, Protocol::Tcp).is_some());
        assert!(node_listener(&c, "kind-control-plane", 6443, Protocol::Tcp).is_some());
        assert!(node_listener(&c, "kind-worker", 6443, Protocol::Tcp).is_none());
        assert!(node_listener(&c, "kind-worker", 10250, Protocol::Udp).is_none());
    }
}
