//! Node IPAM (kube-controller-manager's `nodeipam` controller, range allocator) and the
//! address a node container gets on kind's docker network.
//!
//! A Node without `spec.podCIDR` gets the next free /24 of `--cluster-cidr` (kind's
//! `podSubnet`), as the range allocator cuts the cluster CIDR with `--node-cidr-mask-size=24`;
//! the pod IP allocator (host-local IPAM) for it starts then. A Node without an `InternalIP`
//! (one a user writes by hand) gets the next free address of 172.18.0.0/16, as docker would
//! give a new kind node container.

use super::state;
use crate::api::core::NodeAddress;
use crate::cluster::Cluster;
use crate::ipv4::Cidr;
use std::net::Ipv4Addr;

/// kind's docker network.
const NODE_NET: Ipv4Addr = Ipv4Addr::new(172, 18, 0, 0);

/// Give the node what it lacks; true when the node was written (and observed).
pub(super) fn assign(c: &mut Cluster, name: &str) -> bool {
    let Some(node) = c.store.nodes.get(name) else {
        return false;
    };
    let needs_cidr = state::node_cidr(node).is_none()
        && node.spec.pod_cidr.is_empty()
        && node.spec.pod_cidrs.is_empty();
    let needs_ip = node.internal_ip().is_none();
    let needs_hostname = !node.status.addresses.iter().any(|a| a.type_ == "Hostname");
    if !needs_cidr && !needs_ip && !needs_hostname {
        return false;
    }
    let mut node = node.clone();
    if needs_cidr {
        match next_cidr(c) {
            Some(cidr) => {
                node.spec.pod_cidr = cidr.to_string();
                node.spec.pod_cidrs = vec![cidr.to_string()];
                c.controllers.node_cidrs.insert(u32::from(cidr.network));
            }
            None => c.event(
                "Normal",
                "CIDRNotAvailable",
                format!("node/{name}"),
                "",
                format!("Node {name} status is now: CIDRNotAvailable"),
            ),
        }
    }
    if needs_ip {
        if let Some(ip) = next_node_ip(c) {
            c.controllers.node_ips.insert(u32::from(ip));
            node.status.addresses.insert(
                0,
                NodeAddress {
                    type_: "InternalIP".to_string(),
                    address: ip.to_string(),
                },
            );
        }
    }
    if needs_hostname {
        node.status.addresses.push(NodeAddress {
            type_: "Hostname".to_string(),
            address: name.to_string(),
        });
    }
    state::put_node(c, node);
    true
}

/// The next /24 of the pod subnet no node uses (the range allocator's cidrset walks forward
/// from the last one it gave), never one overlapping the service subnet (`filterOutServiceRange`
/// marks those used first).
fn next_cidr(c: &mut Cluster) -> Option<Cidr> {
    let base = Cidr::parse(&c.config.pod_subnet)?;
    let service = Cidr::parse(&c.config.service_subnet);
    let count: u32 = if base.prefix >= 24 {
        1
    } else {
        1u32 << (24 - u32::from(base.prefix))
    };
    for k in 0..count {
        let i = c.controllers.next_cidr.wrapping_add(k) % count;
        let cidr = base.subnet24(i);
        let blocked = service.is_some_and(|s| crate::config::overlaps_service_range(cidr, s));
        if !blocked && !c.controllers.node_cidrs.contains(&u32::from(cidr.network)) {
            c.controllers.next_cidr = (i + 1) % count;
            return Some(cidr);
        }
    }
    None
}

/// The lowest free address of kind's network from .2 (docker's gateway is .1).
fn next_node_ip(c: &Cluster) -> Option<Ipv4Addr> {
    let base = u32::from(NODE_NET);
    (2u32..65_535)
        .map(|off| base + off)
        .find(|a| !c.controllers.node_ips.contains(a))
        .map(Ipv4Addr::from)
}
