//! The network under kube-proxy: packets, where addresses live, routing between nodes, and
//! each node's connection tracking.
//!
//! kube-proxy only rewrites packets; *getting* them somewhere is the job of the kernel and the
//! CNI plugin. This layer reproduces that part of a kind cluster (kindnet):
//! * [`packet`] — the header a hop sees, printed tcpdump-style;
//! * [`topology`] — who owns an address (pod, node, ClusterIP, LoadBalancer IP, outside),
//!   each node's routes (podCIDR routes to other nodes: pod-to-pod without NAT), and MetalLB's
//!   layer-2 election of the node that answers ARP for a LoadBalancer IP;
//! * [`iproute`] — `ip addr` / `ip route` of a pod and a node: where addresses really live;
//! * [`conntrack`] — per-node connection tracking, so replies are un-NATed on the node that
//!   NATed the request.
//!
//! [`crate::trace`] drives a packet through these pieces and through the rule tables of
//! [`crate::proxy`].

pub mod conntrack;
pub mod iproute;
pub mod packet;
pub mod topology;

pub use conntrack::{untranslate, ConntrackEntry, ConntrackTable, Tuple};
pub use packet::{Packet, Segment};
pub use topology::{l2_announcer, pod_with_ip, veth_name, NodeNet, Owner, Route, Topology};

/// The source ports Linux picks ephemeral ports from (`net.ipv4.ip_local_port_range`).
pub const EPHEMERAL_PORTS: (u16, u16) = (32768, 60999);
