//! Allocators: ClusterIPs and NodePorts (kube-apiserver), pod IPs (the node's IPAM),
//! LoadBalancer addresses (MetalLB).

pub mod ipv4;

/// All allocators of a cluster.
#[derive(Debug, Clone, Default)]
pub struct Allocators {}
