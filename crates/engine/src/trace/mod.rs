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
//! comes only from the caller's [`Rng`](crate::sim::Rng).
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
//!
//! The module's rooms: `model.rs` (what a journey is made of), `session.rs` (the state kept
//! between connections, and the entry points), `resolve.rs` (the DNS legs), `connect.rs` (the
//! way there: a new connection's first packet, node by node, through kube-proxy's rules),
//! `deliver.rs` (who accepts or refuses it at the end), `reply.rs` (the way back: conntrack
//! un-NATing the answer) and `display.rs` (the tcpdump-like printer).

mod connect;
mod deliver;
mod dest;
mod display;
mod model;
mod reply;
mod resolve;
mod session;

pub use dest::{parse_destination, DestError, Destination, Origin, DEFAULT_EXTERNAL_CLIENT};
pub use model::{
    Action, Distribution, EndpointShare, Hop, Journey, Outcome, Place, Target, TraceError,
    TraceOptions,
};
pub use session::{trace, trace_many, TraceSession};

/// Upper bound on nodes one packet may cross (guards against routing loops).
const MAX_NODE_HOPS: usize = 8;

#[cfg(test)]
mod tests;
