//! The session: what outlives one connection (each node's rules, built once; conntrack
//! tables; `-m recent` / nft affinity sets; IPVS round-robin pointers and persistence), the
//! client as the walks need it, and the entry points [`TraceSession::trace`] and
//! [`TraceSession::trace_many`].

use super::{
    Destination, Distribution, EndpointShare, Journey, Origin, Outcome, Target, TraceError,
    TraceOptions,
};
use crate::cluster::Cluster;
use crate::dns::Upstream;
use crate::net::{ConntrackTable, Packet, Topology, EPHEMERAL_PORTS};
use crate::proxy::{IpvsState, NodeRules, Protocol, ProxyMode};
use crate::sim::Rng;
use std::collections::{BTreeMap, BTreeSet};
use std::net::Ipv4Addr;

/// The client as the engine needs it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) enum Client {
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
    pub(super) fn ip(&self) -> Ipv4Addr {
        match self {
            Client::Pod { ip, .. } | Client::Node { ip, .. } | Client::External { ip } => *ip,
        }
    }

    pub(super) fn label(&self) -> String {
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

/// Connection state kept between traces. The walks (`connect.rs`, `deliver.rs`, `reply.rs`,
/// `resolve.rs`) are methods of the session in files of their own, hence `pub(super)` fields.
#[derive(Debug, Clone)]
pub struct TraceSession<'c> {
    pub(super) cluster: &'c Cluster,
    pub(super) topology: Topology,
    pub(super) upstream: Upstream,
    pub options: TraceOptions,
    pub(super) mode: ProxyMode,
    pub(super) rules: BTreeMap<String, Option<NodeRules>>,
    pub(super) conntrack: BTreeMap<String, ConntrackTable>,
    /// `-m recent` lists / nft affinity sets, per node: (node, list name, client IP).
    pub(super) recent: BTreeSet<(String, String, Ipv4Addr)>,
    pub(super) ipvs: BTreeMap<String, IpvsState>,
    /// Source ports held per (client address, protocol, destination address, destination
    /// port): see [`TraceSession::pick_client_port`].
    used_ports: BTreeMap<(Ipv4Addr, Protocol, Ipv4Addr, u16), PortsInUse>,
}

/// The ephemeral ports held towards one destination, one bit per port of
/// [`EPHEMERAL_PORTS`], so finding a free one costs a word scan, never a port-by-port walk.
#[derive(Debug, Clone)]
struct PortsInUse {
    bits: Vec<u64>,
    count: u32,
}

impl PortsInUse {
    fn new() -> PortsInUse {
        PortsInUse {
            bits: vec![0; usize::from(ephemeral_span()).div_ceil(64)],
            count: 0,
        }
    }

    /// Take the first free port at or after offset `from` (wrapping), or None when all are held.
    fn take_from(&mut self, from: u16) -> Option<u16> {
        let span = ephemeral_span();
        if self.count >= u32::from(span) {
            return None;
        }
        let words = self.bits.len();
        let start = usize::from(from % span);
        // Words from the start's word round to it again; the first visit masks off the offsets
        // before `start`, the last visit (the same word) keeps only those.
        for k in 0..=words {
            let w = (start / 64 + k) % words;
            let mut free = !self.bits[w];
            if k == 0 {
                free &= u64::MAX << (start % 64);
            } else if k == words {
                free &= !(u64::MAX << (start % 64));
            }
            while free != 0 {
                let offset = w * 64 + free.trailing_zeros() as usize;
                if offset < usize::from(span) {
                    self.bits[w] |= 1 << (offset % 64);
                    self.count += 1;
                    return u16::try_from(offset).ok();
                }
                free &= free - 1;
            }
        }
        None
    }
}

/// How many ports [`EPHEMERAL_PORTS`] holds (28,232 by default).
fn ephemeral_span() -> u16 {
    let (lo, hi) = EPHEMERAL_PORTS;
    hi - lo + 1
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
            used_ports: BTreeMap::new(),
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

    pub(super) fn client(&self, origin: &Origin) -> Result<Client, TraceError> {
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
        let Some(sport) = self.pick_client_port(client.ip(), protocol, (ip, port), rng) else {
            let (lo, hi) = EPHEMERAL_PORTS;
            journey.outcome = Outcome::NoSourcePort {
                reason: format!(
                    "connect: Cannot assign requested address (EADDRNOTAVAIL): all {} \
                     ports of ip_local_port_range {lo}-{hi} are held by earlier connections \
                     to {ip}:{port} (TIME_WAIT lasts 60 s)",
                    ephemeral_span()
                ),
            };
            return Ok(journey);
        };
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
            no_source_port: 0,
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
                Outcome::NoSourcePort { .. } => dist.no_source_port += 1,
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

    /// An ephemeral source port (`ip_local_port_range` 32768–60999) for a new connection from
    /// `ip` to `dest`, as Linux picks it: from a random offset, the first port whose 4-tuple is
    /// free (`__inet_hash_connect`: a port may serve many destinations at once). A TCP or SCTP
    /// connection keeps its port: svcsim's traces are a burst well inside TIME_WAIT's 60 s, so
    /// the closing side still holds the 4-tuple, and once every port to `dest` is held the
    /// next `connect` fails (None, EADDRNOTAVAIL). A UDP socket (a DNS query, `nc -u`) is
    /// closed after its exchange and holds nothing.
    pub(super) fn pick_client_port(
        &mut self,
        ip: Ipv4Addr,
        protocol: Protocol,
        dest: (Ipv4Addr, u16),
        rng: &mut Rng,
    ) -> Option<u16> {
        let (lo, _) = EPHEMERAL_PORTS;
        let span = ephemeral_span();
        let from = u16::try_from(rng.below(u64::from(span))).unwrap_or(0);
        if protocol == Protocol::Udp {
            return Some(lo + from);
        }
        self.used_ports
            .entry((ip, protocol, dest.0, dest.1))
            .or_insert_with(PortsInUse::new)
            .take_from(from)
            .map(|offset| lo + offset)
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
