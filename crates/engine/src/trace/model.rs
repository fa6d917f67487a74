//! What a journey is made of: the places a packet passes, what happens there, the hops with
//! the header before and after each, and how the journey ended. Plain data, serialized as the
//! CLI's `-o json` prints it.

use crate::dns::{Resolution, ResolverFlavor};
use crate::net::Packet;
use crate::proxy::{LbDecision, Protocol, ProxyMode, Step};
use serde::Serialize;
use std::net::Ipv4Addr;

/// Where a hop happens.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase", tag = "kind")]
pub enum Place {
    /// Inside a pod's network namespace (the client, or the destination pod).
    Pod {
        namespace: String,
        name: String,
        node: String,
    },
    /// The host end of a pod's veth pair, in the node's root namespace.
    Veth {
        node: String,
        device: String,
        pod: String,
    },
    /// A node's root network namespace (routing, POSTROUTING, conntrack, host processes).
    Node { node: String },
    /// kube-proxy's rules on a node (netfilter hooks or IPVS).
    KubeProxy { node: String, mode: String },
    /// On the wire between two machines, with the route that sent it.
    Wire {
        from: String,
        to: String,
        route: String,
    },
    /// The MetalLB speaker that answers ARP for a LoadBalancer IP.
    LoadBalancer { ip: Ipv4Addr, node: String },
    /// A machine outside the cluster (the external client or a remote server).
    External { ip: Ipv4Addr },
}

/// What happened at a hop.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum Action {
    /// The packet is sent by its owner.
    Send,
    /// It crosses the veth into the node's root namespace.
    Enter,
    /// A routing decision sends it on.
    Route,
    /// MetalLB's elected speaker answers ARP, pulling the LoadBalancer IP's traffic to its node.
    Arp,
    /// kube-proxy rewrote the destination (Service → endpoint).
    Dnat,
    /// kube-proxy's rules let it pass unchanged.
    Accept,
    /// POSTROUTING rewrote the source to the node's address.
    Masquerade,
    /// conntrack restored the addresses of a reply.
    UnNat,
    /// kube-proxy REJECTed it: ICMP port unreachable, "connection refused".
    Reject,
    /// kube-proxy DROPped it: the client times out.
    Drop,
    /// The destination accepted it.
    Deliver,
    /// The destination refused it (RST / ICMP port unreachable / ABORT).
    Refuse,
    /// Nobody is there: the packet is lost.
    Lost,
}

/// One hop of a journey.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Hop {
    pub place: Place,
    pub action: Action,
    /// One line saying what happened and why (`DNAT → 10.244.2.3:9376 (KUBE-SEP-… 1 of 3,
    /// p=0.33333333349)`).
    pub note: String,
    pub before: Packet,
    pub after: Packet,
    /// The kube-proxy rules that matched, exactly as `svcsim rules` prints them.
    pub rules: Vec<Step>,
    /// The load-balancing choice made here, if any.
    pub lb: Option<LbDecision>,
    /// ClientIP affinity picked the endpoint (no random choice).
    pub affinity_hit: bool,
}

impl Hop {
    /// The node routes the packet into a local pod's veth (`<podIP> dev vethX scope host`).
    pub(super) fn veth_route(
        node: &str,
        device: String,
        pod: &str,
        route_text: &str,
        pkt: Packet,
    ) -> Hop {
        Hop::new(
            Place::Veth {
                node: node.to_string(),
                device,
                pod: pod.to_string(),
            },
            Action::Route,
            format!("route: {route_text}"),
            pkt,
        )
    }

    /// The packet crosses the docker network from one host to another (`route` is the route
    /// that sent it there).
    pub(super) fn wire(
        from: String,
        to: String,
        route: String,
        action: Action,
        note: impl Into<String>,
        pkt: Packet,
    ) -> Hop {
        Hop::new(Place::Wire { from, to, route }, action, note, pkt)
    }

    pub(super) fn new(
        place: Place,
        action: Action,
        note: impl Into<String>,
        before: Packet,
    ) -> Hop {
        Hop {
            place,
            action,
            note: note.into(),
            before,
            after: before,
            rules: Vec::new(),
            lb: None,
            affinity_hit: false,
        }
    }

    pub(super) fn after(mut self, after: Packet) -> Hop {
        self.after = after;
        self
    }
}

/// Who finally answered.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase", tag = "kind")]
pub enum Target {
    Pod {
        namespace: String,
        name: String,
        node: String,
    },
    Node {
        name: String,
    },
    Remote {
        ip: Ipv4Addr,
    },
}

/// How a journey ended.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(
    rename_all = "camelCase",
    rename_all_fields = "camelCase",
    tag = "kind"
)]
pub enum Outcome {
    /// The server answered (SYN-ACK / a datagram / INIT-ACK).
    Connected {
        target: Target,
        /// `IP:port` the server saw the connection on.
        endpoint: String,
        /// `IP:port` the server saw as the client (the node's address when masqueraded).
        server_sees: String,
        /// `IP:port` the answer came from as the client sees it (after conntrack).
        client_sees: String,
    },
    /// Connection refused: kube-proxy's REJECT or a closed port.
    Refused { by: String },
    /// Dropped somewhere: the client times out.
    TimedOut { reason: String },
    /// No route to the destination.
    Unreachable { reason: String },
    /// The name did not resolve.
    DnsFailed { name: String, error: String },
    /// `connect(2)` failed with EADDRNOTAVAIL ("Cannot assign requested address") before a
    /// packet left: every ephemeral port to this destination is still held by an earlier
    /// connection, as on Linux when one client opens more connections to one `IP:port`
    /// than `ip_local_port_range` has ports within TIME_WAIT's 60 s.
    NoSourcePort { reason: String },
}

/// A packet's way there and back.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Journey {
    /// The client, e.g. `pod/client (default, kind-worker, 10.244.1.5)`.
    pub from: String,
    /// The destination as given.
    pub destination: String,
    #[serde(serialize_with = "crate::net::packet::ser_protocol")]
    pub protocol: Protocol,
    /// The resolver's walk, when the destination was a name.
    pub resolution: Option<Resolution>,
    /// The journey of every DNS query that was sent (UDP to the nameserver and back).
    pub dns_queries: Vec<Journey>,
    pub hops: Vec<Hop>,
    pub reply: Vec<Hop>,
    pub outcome: Outcome,
}

/// Knobs of a trace.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TraceOptions {
    pub protocol: Protocol,
    /// Port used when the destination has none (80, as `curl http://NAME`).
    pub default_port: u16,
    /// The node externally-routed traffic (LoadBalancer IPs, externalIPs) enters instead of
    /// the one svcsim picks (MetalLB's elected speaker / the first Ready node).
    pub via_node: Option<String>,
    /// The client's resolver; None: the one its image has ([`ResolverFlavor::of_pod`]; a
    /// node's is glibc: kind's node image is Debian).
    pub flavor: Option<ResolverFlavor>,
    /// kube-proxy mode (default: the cluster's).
    pub mode: Option<ProxyMode>,
}

impl Default for TraceOptions {
    fn default() -> Self {
        TraceOptions {
            protocol: Protocol::Tcp,
            default_port: 80,
            via_node: None,
            flavor: None,
            mode: None,
        }
    }
}

/// Why a trace could not start.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TraceError {
    #[error("Error from server (NotFound): pods \"{name}\" not found")]
    PodNotFound { namespace: String, name: String },
    #[error("pod \"{name}\" has no IP address yet (phase {phase})")]
    PodHasNoIp { name: String, phase: String },
    #[error("Error from server (NotFound): nodes \"{0}\" not found")]
    NodeNotFound(String),
}

/// Connections per endpoint over many traces.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Distribution {
    pub count: u32,
    /// Per endpoint `IP:port`, sorted as kube-proxy sorts endpoints.
    pub endpoints: Vec<EndpointShare>,
    pub refused: u32,
    pub timed_out: u32,
    pub unreachable: u32,
    pub dns_failed: u32,
    /// Connections that could not get a source port ([`Outcome::NoSourcePort`]).
    pub no_source_port: u32,
    /// The first journey, for display.
    pub first: Option<Journey>,
}

/// One endpoint's share.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct EndpointShare {
    pub endpoint: String,
    pub target: Target,
    pub connections: u32,
}
