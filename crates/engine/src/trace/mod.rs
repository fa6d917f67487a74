//! A packet's journey: every hop from the client to the server and back, with the header
//! before and after each hop.
//!
//! The path is *computed*, not drawn: at every node the packet enters, the very rule tables
//! [`crate::proxy`] renders are evaluated ([`crate::proxy::evaluate_stateful`]), so the DNAT a
//! hop shows is the rule text `svcsim rules` prints. Around kube-proxy, [`crate::net`]
//! supplies what the kernel and kindnet do: routes between nodes (pod-to-pod without NAT),
//! MASQUERADE in POSTROUTING, conntrack un-NATing the reply on the node that NATed the
//! request, and MetalLB's ARP election for LoadBalancer IPs.
//!
//! A [`TraceSession`] keeps the state that outlives one connection — conntrack tables,
//! `-m recent` / nft affinity sets / IPVS persistence and round-robin pointers — so ClientIP
//! affinity and IPVS `rr` behave across repeated connections. Randomness (which endpoint)
//! comes only from the caller's [`Rng`].
//!
//! What svcsim assumes (documented simplifications):
//! * only the first packet of a connection (SYN / first datagram / INIT) and the server's
//!   first answer are traced; later packets follow the same conntrack entries;
//! * a destination pod accepts a connection only if it is `Running` and one of its containers
//!   declares the port (`containerPort` + protocol); otherwise it answers TCP RST (or ICMP port
//!   unreachable for UDP, ABORT for SCTP) — a real pod may listen on undeclared ports;
//! * a node accepts on the kubelet (10250), kube-proxy healthz (10256), kube-apiserver (6443,
//!   control planes), the healthCheckNodePorts kube-proxy serves, and hostNetwork pods'
//!   declared ports;
//! * anything outside the cluster (a selector-less Service's manual endpoint such as 10.4.5.6,
//!   an ExternalName's target) is a simulated remote host that accepts every port;
//! * a DNS query that gets no answer (refused or dropped on the way) ends the lookup like
//!   glibc's `TRY_AGAIN`, shown as SERVFAIL.

mod dest;
mod display;

pub use dest::{parse_destination, DestError, Destination, Origin, DEFAULT_EXTERNAL_CLIENT};

use crate::api::core::Pod;
use crate::cluster::Cluster;
use crate::dns::{
    self, AnswerSource, DnsResponse, PodDnsType, Query, RecordType, Resolution, ResolvConf,
    ResolverFlavor, Upstream,
};
use crate::net::{
    l2_announcer, untranslate, veth_name, ConntrackEntry, ConntrackTable, Owner, Packet, Route,
    Topology, Tuple, EPHEMERAL_PORTS,
};
use crate::proxy::{self, Hook, IpvsState, LbDecision, NodeRules, PacketView, ProxyMode, Step};
use crate::proxy::{Outcome as ProxyOutcome, Protocol};
use crate::sim::Rng;
use serde::Serialize;
use std::collections::{BTreeMap, BTreeSet};
use std::net::Ipv4Addr;

/// Upper bound on nodes one packet may cross (guards against routing loops).
const MAX_NODE_HOPS: usize = 8;

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
    fn veth_route(node: &str, device: String, pod: &str, route_text: &str, pkt: Packet) -> Hop {
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

    fn new(place: Place, action: Action, note: impl Into<String>, before: Packet) -> Hop {
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

    fn after(mut self, after: Packet) -> Hop {
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
    pub flavor: ResolverFlavor,
    /// kube-proxy mode (default: the cluster's).
    pub mode: Option<ProxyMode>,
}

impl Default for TraceOptions {
    fn default() -> Self {
        TraceOptions {
            protocol: Protocol::Tcp,
            default_port: 80,
            via_node: None,
            flavor: ResolverFlavor::Glibc,
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

/// The client as the engine needs it.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Client {
    Pod {
        namespace: String,
        name: String,
        node: String,
        ip: Ipv4Addr,
    },
    /// A node process; `pod` is set for a hostNetwork pod (its resolv.conf still applies).
    Node {
        name: String,
        ip: Ipv4Addr,
        pod: Option<(String, String)>,
    },
    External {
        ip: Ipv4Addr,
    },
}

impl Client {
    fn ip(&self) -> Ipv4Addr {
        match self {
            Client::Pod { ip, .. } | Client::Node { ip, .. } | Client::External { ip } => *ip,
        }
    }

    fn label(&self) -> String {
        match self {
            Client::Pod {
                namespace,
                name,
                node,
                ip,
            } => format!("pod/{name} ({namespace}, {node}, {ip})"),
            Client::Node {
                name,
                ip,
                pod: Some((ns, p)),
            } => format!("pod/{p} ({ns}, hostNetwork on {name}, {ip})"),
            Client::Node { name, ip, .. } => format!("node/{name} ({ip})"),
            Client::External { ip } => format!("external client {ip}"),
        }
    }
}

/// Where a reply starts.
enum ReplyStart {
    Pod {
        namespace: String,
        name: String,
        node: String,
    },
    Node(String),
    Remote(Ipv4Addr),
}

/// The two directions of one connection attempt.
struct Flow {
    hops: Vec<Hop>,
    reply: Vec<Hop>,
    outcome: Outcome,
}

/// Connection state kept between traces.
#[derive(Debug, Clone)]
pub struct TraceSession<'c> {
    cluster: &'c Cluster,
    topology: Topology,
    upstream: Upstream,
    pub options: TraceOptions,
    mode: ProxyMode,
    rules: BTreeMap<String, Option<NodeRules>>,
    conntrack: BTreeMap<String, ConntrackTable>,
    /// `-m recent` lists / nft affinity sets, per node: (node, list name, client IP).
    recent: BTreeSet<(String, String, Ipv4Addr)>,
    ipvs: BTreeMap<String, IpvsState>,
    /// Source ports in use per client address.
    used_ports: BTreeSet<(Ipv4Addr, Protocol, u16)>,
}

impl<'c> TraceSession<'c> {
    /// A session on `cluster` with default options and the default upstream DNS.
    pub fn new(cluster: &'c Cluster) -> TraceSession<'c> {
        TraceSession::with_options(cluster, TraceOptions::default())
    }

    pub fn with_options(cluster: &'c Cluster, options: TraceOptions) -> TraceSession<'c> {
        let mode = options.mode.unwrap_or_else(|| cluster.proxy_mode());
        TraceSession {
            cluster,
            topology: Topology::from_cluster(cluster),
            upstream: Upstream::default(),
            options,
            mode,
            rules: BTreeMap::new(),
            conntrack: BTreeMap::new(),
            recent: BTreeSet::new(),
            ipvs: BTreeMap::new(),
            used_ports: BTreeSet::new(),
        }
    }

    /// Replace the simulated upstream DNS (what CoreDNS forwards to).
    pub fn with_upstream(mut self, upstream: Upstream) -> TraceSession<'c> {
        self.upstream = upstream;
        self
    }

    pub fn topology(&self) -> &Topology {
        &self.topology
    }

    pub fn mode(&self) -> ProxyMode {
        self.mode
    }

    /// A node's conntrack table after the traces so far.
    pub fn conntrack(&self, node: &str) -> Option<&ConntrackTable> {
        self.conntrack.get(node)
    }

    fn client(&self, origin: &Origin) -> Result<Client, TraceError> {
        match origin {
            Origin::Pod { namespace, name } => {
                let pod = self.cluster.store.pod(namespace, name).ok_or_else(|| {
                    TraceError::PodNotFound {
                        namespace: namespace.clone(),
                        name: name.clone(),
                    }
                })?;
                let node = pod.spec.node_name.clone();
                if pod.spec.host_network {
                    let n = self
                        .topology
                        .node(&node)
                        .ok_or_else(|| TraceError::PodHasNoIp {
                            name: name.clone(),
                            phase: pod.status.phase.clone(),
                        })?;
                    return Ok(Client::Node {
                        name: node,
                        ip: n.ip,
                        pod: Some((namespace.clone(), name.clone())),
                    });
                }
                let ip = pod
                    .status
                    .pod_ip
                    .parse::<Ipv4Addr>()
                    .ok()
                    .filter(|_| !node.is_empty())
                    .ok_or_else(|| TraceError::PodHasNoIp {
                        name: name.clone(),
                        phase: pod.status.phase.clone(),
                    })?;
                Ok(Client::Pod {
                    namespace: namespace.clone(),
                    name: name.clone(),
                    node,
                    ip,
                })
            }
            Origin::Node { name } => {
                let n = self
                    .topology
                    .node(name)
                    .ok_or_else(|| TraceError::NodeNotFound(name.clone()))?;
                Ok(Client::Node {
                    name: name.clone(),
                    ip: n.ip,
                    pod: None,
                })
            }
            Origin::External { ip } => Ok(Client::External { ip: *ip }),
        }
    }

    /// Trace one connection from `origin` to `dest`: DNS first when `dest` is a name (each
    /// query a UDP journey of its own), then the packet there and the answer back.
    pub fn trace(
        &mut self,
        origin: &Origin,
        dest: &Destination,
        rng: &mut Rng,
    ) -> Result<Journey, TraceError> {
        let client = self.client(origin)?;
        let protocol = self.options.protocol;
        let port = dest.port().unwrap_or(self.options.default_port);
        let mut journey = Journey {
            from: client.label(),
            destination: dest.to_string(),
            protocol,
            resolution: None,
            dns_queries: Vec::new(),
            hops: Vec::new(),
            reply: Vec::new(),
            outcome: Outcome::TimedOut {
                reason: String::new(),
            },
        };
        let ip = match dest {
            Destination::Ip { ip, .. } => *ip,
            Destination::Name { name, .. } => {
                let (resolution, queries) = self.resolve(&client, name, rng);
                journey.dns_queries = queries;
                let addr = resolution.answer().and_then(|r| {
                    r.addresses()
                        .iter()
                        .find_map(|a| a.parse::<Ipv4Addr>().ok())
                });
                let error = resolution.outcome.as_str().to_string();
                journey.resolution = Some(resolution);
                match addr {
                    Some(ip) => ip,
                    None => {
                        journey.outcome = Outcome::DnsFailed {
                            name: name.clone(),
                            error,
                        };
                        return Ok(journey);
                    }
                }
            }
        };
        let sport = self.pick_client_port(client.ip(), protocol, rng);
        let flow = self.connect(
            &client,
            Packet::opening(protocol, client.ip(), sport, ip, port),
            rng,
        );
        journey.hops = flow.hops;
        journey.reply = flow.reply;
        journey.outcome = flow.outcome;
        Ok(journey)
    }

    /// `count` connections in a row from the same client (new source port each time, DNS
    /// resolved each time, affinity and IPVS state carried over): where they landed.
    pub fn trace_many(
        &mut self,
        origin: &Origin,
        dest: &Destination,
        count: u32,
        rng: &mut Rng,
    ) -> Result<Distribution, TraceError> {
        let mut dist = Distribution {
            count,
            endpoints: Vec::new(),
            refused: 0,
            timed_out: 0,
            unreachable: 0,
            dns_failed: 0,
            first: None,
        };
        let mut per: BTreeMap<String, (Target, u32)> = BTreeMap::new();
        for i in 0..count {
            let j = self.trace(origin, dest, rng)?;
            match &j.outcome {
                Outcome::Connected {
                    target, endpoint, ..
                } => {
                    per.entry(endpoint.clone())
                        .or_insert_with(|| (target.clone(), 0))
                        .1 += 1;
                }
                Outcome::Refused { .. } => dist.refused += 1,
                Outcome::TimedOut { .. } => dist.timed_out += 1,
                Outcome::Unreachable { .. } => dist.unreachable += 1,
                Outcome::DnsFailed { .. } => dist.dns_failed += 1,
            }
            if i == 0 {
                dist.first = Some(j);
            }
        }
        dist.endpoints = per
            .into_iter()
            .map(|(endpoint, (target, connections))| EndpointShare {
                endpoint,
                target,
                connections,
            })
            .collect();
        Ok(dist)
    }

    /// An ephemeral source port (`ip_local_port_range` 32768–60999) not in use by the client.
    fn pick_client_port(&mut self, ip: Ipv4Addr, protocol: Protocol, rng: &mut Rng) -> u16 {
        let (lo, hi) = EPHEMERAL_PORTS;
        let span = u64::from(hi - lo) + 1;
        let mut port = lo.saturating_add(u16::try_from(rng.below(span)).unwrap_or(0));
        for _ in 0..span {
            if self.used_ports.insert((ip, protocol, port)) {
                return port;
            }
            port = if port >= hi { lo } else { port + 1 };
        }
        port
    }

    // -------------------------------------------------------------------------------------
    // DNS
    // -------------------------------------------------------------------------------------

    fn resolv_conf_of(&self, client: &Client) -> ResolvConf {
        let pod_conf = |ns: &str, name: &str| -> Option<ResolvConf> {
            let pod: &Pod = self.cluster.store.pod(ns, name)?;
            Some(dns::resolv_conf(self.cluster, pod))
        };
        match client {
            Client::Pod {
                namespace, name, ..
            } => pod_conf(namespace, name),
            Client::Node {
                pod: Some((ns, p)), ..
            } => pod_conf(ns, p),
            Client::Node { name, .. } => Some(dns::node_resolv_conf(self.cluster, name)),
            Client::External { .. } => None,
        }
        .unwrap_or_else(|| ResolvConf {
            nameservers: vec![self.topology.gateway.to_string()],
            searches: Vec::new(),
            options: Vec::new(),
            dns_type: PodDnsType::Host,
            events: Vec::new(),
        })
    }

    /// Resolve `name` as the client's stub resolver does, carrying every query as a UDP
    /// packet to the nameserver (through kube-proxy to a CoreDNS pod for 10.96.0.10).
    fn resolve(
        &mut self,
        client: &Client,
        name: &str,
        rng: &mut Rng,
    ) -> (Resolution, Vec<Journey>) {
        let conf = self.resolv_conf_of(client);
        let server = conf
            .nameservers
            .first()
            .cloned()
            .unwrap_or_else(|| "127.0.0.1".to_string());
        let server_ip = server
            .parse::<Ipv4Addr>()
            .ok()
            .filter(|ip| !ip.is_loopback());
        let cluster = self.cluster;
        let upstream = self.upstream.clone();
        let flavor = self.options.flavor;
        let mut queries: Vec<Journey> = Vec::new();
        let resolution = dns::walk(&conf, name, RecordType::A, flavor, |q: &Query| {
            let response = dns::ask(cluster, &upstream, &server, q);
            let Some(sip) = server_ip else {
                return response;
            };
            let sport = self.pick_client_port(client.ip(), Protocol::Udp, rng);
            let flow = self.connect(
                client,
                Packet::opening(Protocol::Udp, client.ip(), sport, sip, 53),
                rng,
            );
            let answered = matches!(flow.outcome, Outcome::Connected { .. });
            queries.push(Journey {
                from: client.label(),
                destination: format!("{server}:53 ({} {})", q.qtype, q.name),
                protocol: Protocol::Udp,
                resolution: None,
                dns_queries: Vec::new(),
                hops: flow.hops,
                reply: flow.reply,
                outcome: flow.outcome,
            });
            if !answered {
                // Nobody answered (refused or dropped): glibc reports `TRY_AGAIN`.
                return DnsResponse::servfail(q, &server, AnswerSource::NodeResolver);
            }
            let mut r = response;
            // CoreDNS's `loadbalance` plugin shuffles A records in every answer it sends.
            if r.source != AnswerSource::NodeResolver {
                dns::loadbalance(&mut r, rng);
            }
            r
        });
        (resolution, queries)
    }

    // -------------------------------------------------------------------------------------
    // The way there
    // -------------------------------------------------------------------------------------

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
    fn connect(&mut self, client: &Client, first: Packet, rng: &mut Rng) -> Flow {
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
                        let mut h = Hop::new(
                            kp_place,
                            Action::Reject,
                            format!(
                                "REJECT: no endpoints for {}:{}/{} → ICMP port unreachable (connection refused)",
                                pkt.dst,
                                pkt.dst_port,
                                pkt.protocol.lower()
                            ),
                            pkt,
                        );
                        h.rules = pre;
                        hops.push(h);
                        let reply = self.reply_walk(ReplyStart::Node(node.clone()), icmp, client);
                        return Flow {
                            hops,
                            reply,
                            outcome: Outcome::Refused {
                                by: format!(
                                    "kube-proxy on {node} (REJECT: the Service has no endpoints)"
                                ),
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
                    hops.push(Hop::new(
                        Place::Wire {
                            from: node.clone(),
                            to: other.clone(),
                            route: route_text.clone(),
                        },
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
                        hops.push(Hop::new(
                            Place::Wire {
                                from: node.clone(),
                                to: next.clone(),
                                route: route_text.clone(),
                            },
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
                        hops.push(Hop::new(
                            Place::Wire {
                                from: node.clone(),
                                to: pkt.dst.to_string(),
                                route: route_text.clone(),
                            },
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
                    hops.push(Hop::new(
                        Place::Wire {
                            from: node.clone(),
                            to: pkt.dst.to_string(),
                            route: route_text.clone(),
                        },
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

    fn deliver_pod(
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

    fn deliver_node(
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

    fn deliver_remote(&mut self, client: &Client, pkt: Packet, mut hops: Vec<Hop>) -> Flow {
        hops.push(Hop::new(
            Place::External { ip: pkt.dst },
            Action::Deliver,
            "delivered to a (simulated) host outside the cluster",
            pkt,
        ));
        let target = Target::Remote { ip: pkt.dst };
        self.finish_connected(client, target, ReplyStart::Remote(pkt.dst), pkt, hops)
    }

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

    // -------------------------------------------------------------------------------------
    // The way back
    // -------------------------------------------------------------------------------------

    /// Walk an answer back to `client`: no kube-proxy rules this time (replies belong to an
    /// existing conntrack entry), only conntrack's reverse NAT on each node and routing.
    fn reply_walk(&mut self, start: ReplyStart, first: Packet, client: &Client) -> Vec<Hop> {
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
                    hops.push(Hop::new(
                        Place::Wire {
                            from: node.clone(),
                            to: other.clone(),
                            route: route_text.clone(),
                        },
                        Action::Route,
                        format!("route: {route_text}"),
                        pkt,
                    ));
                    node = other;
                }
                Route::OnLink | Route::DefaultGateway { .. } => {
                    if let Some(other) = self.topology.node_by_ip(pkt.dst) {
                        let other = other.name.clone();
                        hops.push(Hop::new(
                            Place::Wire {
                                from: node.clone(),
                                to: other.clone(),
                                route: route_text.clone(),
                            },
                            Action::Route,
                            format!("route: {route_text}"),
                            pkt,
                        ));
                        node = other;
                        continue;
                    }
                    hops.push(Hop::new(
                        Place::Wire {
                            from: node.clone(),
                            to: pkt.dst.to_string(),
                            route: route_text.clone(),
                        },
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

/// Trace one connection on a fresh session (no earlier connections, default upstream DNS).
pub fn trace(
    cluster: &Cluster,
    origin: &Origin,
    dest: &Destination,
    options: TraceOptions,
    rng: &mut Rng,
) -> Result<Journey, TraceError> {
    TraceSession::with_options(cluster, options).trace(origin, dest, rng)
}

/// [`TraceSession::trace_many`] on a fresh session.
pub fn trace_many(
    cluster: &Cluster,
    origin: &Origin,
    dest: &Destination,
    count: u32,
    options: TraceOptions,
    rng: &mut Rng,
) -> Result<Distribution, TraceError> {
    TraceSession::with_options(cluster, options).trace_many(origin, dest, count, rng)
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
mod tests;
