//! Allocators: ClusterIPs (kube-apiserver, from every ServiceCIDR) and NodePorts (kube-apiserver), pod IPs (the node's IPAM),
//! LoadBalancer addresses (MetalLB). All deterministic: randomness comes from the cluster's
//! seeded [`Rng`](crate::sim::Rng).

pub mod bitmap;
pub mod cluster_ip;
pub mod cluster_ip6;
pub mod lb;
pub mod node_port;
pub mod pod_ip;
pub mod service;
pub mod service_cidr;

pub use service::{AllocError, Reservation};

/// The prefix arithmetic moved down to [`crate::ipv4`] (config needs it too, below `alloc`);
/// re-exported so `alloc::ipv4::…` keeps working for callers.
pub use crate::ipv4;

use crate::config::ClusterConfig;
use std::collections::BTreeMap;

/// All allocators of a cluster.
#[derive(Debug, Clone)]
pub struct Allocators {
    /// ClusterIPs, from every ServiceCIDR's range.
    pub cluster_ips: service_cidr::ServiceCidrs,
    /// A dual-stack cluster's IPv6 ClusterIPs (None on an IPv4 cluster).
    pub cluster_ips_v6: Option<cluster_ip6::ClusterIp6Allocator>,
    pub node_ports: node_port::NodePortAllocator,
    /// One host-local IPAM per node, by node name.
    pub pod_ips: BTreeMap<String, pod_ip::PodIpAllocator>,
    pub lb: lb::LbAllocator,
}

impl Allocators {
    pub fn new(config: &ClusterConfig) -> Self {
        let service_cidr = ipv4::Cidr::parse(&config.service_subnet)
            .or_else(|| ipv4::Cidr::parse("10.96.0.0/16"))
            .unwrap_or_default();
        Allocators {
            cluster_ips: service_cidr::ServiceCidrs::new(service_cidr),
            cluster_ips_v6: config
                .service_subnet_v6
                .as_deref()
                .and_then(crate::ipv6::Cidr6::parse)
                .map(cluster_ip6::ClusterIp6Allocator::new),
            node_ports: node_port::NodePortAllocator::new(
                config.node_port_range.0,
                config.node_port_range.1,
            ),
            pod_ips: config
                .nodes
                .iter()
                .filter_map(|n| {
                    ipv4::Cidr::parse(&n.pod_cidr)
                        .map(|c| (n.name.clone(), pod_ip::PodIpAllocator::new(c)))
                })
                .collect(),
            lb: lb::LbAllocator::new(&config.lb_pools),
        }
    }
}
