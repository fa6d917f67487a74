//! kube-proxy: each node's Service rules as data.
//!
//! For one node, [`node_rules`] builds what kube-proxy would program in the chosen mode —
//! iptables (`nat`/`filter` chains), nftables (table `ip kube-proxy`) or IPVS (virtual
//! servers + ipsets + iptables glue) — from the cluster's Services and EndpointSlices.
//! [`render`] prints it as a real node prints it (`iptables-save`, `nft list table`,
//! `ipvsadm -Ln`), and [`eval::evaluate`] moves a packet through the *same* data, so the
//! rules shown and the packet path taken can never disagree.
//!
//! Layers: [`model`] (kube-proxy's service/endpoint view, `CategorizeEndpoints`) →
//! [`iptables`] / [`nftables`] / [`ipvs`] (rule builders and printers) → [`eval`].

pub mod eval;
pub mod hash;
pub mod iptables;
pub mod ipvs;
pub mod model;
pub mod nftables;

/// The mode is part of the cluster's configuration ([`crate::config`]); re-exported here, where
/// it selects the rule builder.
pub use crate::config::ProxyMode;
pub use eval::{
    evaluate, evaluate_stateful, Hook, IpvsState, LbDecision, Outcome, PacketView, Step, Verdict,
};
pub use model::{Protocol, ProxyView};

use crate::cluster::Cluster;
use crate::ipv4::Cidr;
use serde::Serialize;
use std::net::Ipv4Addr;

/// Parsing a user-typed mode (`svcsim rules --mode`) reports [`ProxyError::UnknownMode`].
impl std::str::FromStr for ProxyMode {
    type Err = ProxyError;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        ProxyMode::parse(s).ok_or_else(|| ProxyError::UnknownMode(s.to_string()))
    }
}

/// Why rules could not be built.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ProxyError {
    #[error("node \"{0}\" not found")]
    NodeNotFound(String),
    #[error("node \"{0}\" has no IPv4 InternalIP")]
    NoNodeIp(String),
    #[error("unknown proxy mode \"{0}\" (want iptables, nftables or ipvs)")]
    UnknownMode(String),
}

/// One node's kube-proxy state in one mode.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct NodeRules {
    pub mode: ProxyMode,
    pub node: String,
    pub node_ip: Ipv4Addr,
    /// The service/endpoint view the rules were written from.
    pub view: ProxyView,
    /// iptables mode only.
    pub iptables: Option<iptables::IptablesRules>,
    /// nftables mode only.
    pub nftables: Option<nftables::NftTable>,
    /// IPVS mode only (includes its iptables glue).
    pub ipvs: Option<ipvs::IpvsRules>,
}

fn node_ip(cluster: &Cluster, node: &str) -> Result<Ipv4Addr, ProxyError> {
    let from_store = cluster.store.nodes.get(node);
    let from_config = cluster.config.nodes.iter().find(|n| n.name == node);
    if from_store.is_none() && from_config.is_none() {
        return Err(ProxyError::NodeNotFound(node.to_string()));
    }
    let addr = from_store
        .and_then(|n| {
            n.status
                .addresses
                .iter()
                .filter(|a| a.type_ == "InternalIP")
                .find_map(|a| a.address.parse::<Ipv4Addr>().ok())
        })
        .or_else(|| from_config.and_then(|c| c.internal_ip.parse().ok()));
    addr.ok_or_else(|| ProxyError::NoNodeIp(node.to_string()))
}

/// Build `node`'s rules in `mode` from the cluster's Services and EndpointSlices, with
/// kind's kube-proxy defaults (`--cluster-cidr` = the pod subnet, masquerade bit 14,
/// localhost NodePorts, `--random-fully`).
pub fn node_rules(cluster: &Cluster, node: &str, mode: ProxyMode) -> Result<NodeRules, ProxyError> {
    let ip = node_ip(cluster, node)?;
    let services: Vec<&crate::api::core::Service> = cluster.store.services.values().collect();
    let slices: Vec<&crate::api::discovery::EndpointSlice> =
        cluster.store.endpoint_slices.values().collect();
    let mut view = model::build_view(
        &services,
        &slices,
        node,
        ip,
        Cidr::parse(&cluster.config.pod_subnet),
        Cidr::parse(&cluster.config.service_subnet),
    );
    // kube-proxy reads its node's zone label for topology-aware routing.
    let zone = cluster
        .store
        .nodes
        .get(node)
        .and_then(|n| n.metadata.labels.get("topology.kubernetes.io/zone"))
        .cloned();
    for sp in &mut view.services {
        sp.node_zone.clone_from(&zone);
    }
    Ok(rules_from_view(view, mode))
}

/// Build rules from an already computed view (tests and tools that bring their own inputs).
pub fn rules_from_view(view: ProxyView, mode: ProxyMode) -> NodeRules {
    let mut out = NodeRules {
        mode,
        node: view.node_name.clone(),
        node_ip: view.node_ip,
        iptables: None,
        nftables: None,
        ipvs: None,
        view,
    };
    match mode {
        ProxyMode::Iptables => {
            out.iptables = Some(iptables::build(
                &out.view,
                &iptables::IptablesOptions::default(),
            ))
        }
        ProxyMode::Nftables => out.nftables = Some(nftables::build(&out.view)),
        ProxyMode::Ipvs => out.ipvs = Some(ipvs::build(&out.view)),
    }
    out
}

/// `iptables-save` (iptables mode) for the kube-proxy chains.
pub fn render_iptables_save(rules: &NodeRules) -> String {
    match (&rules.iptables, &rules.ipvs) {
        (Some(t), _) => iptables::render_save(t),
        (None, Some(v)) => iptables::render_save(&v.iptables),
        _ => String::new(),
    }
}

/// `nft list table ip kube-proxy` (nftables mode).
pub fn render_nft(rules: &NodeRules) -> String {
    rules
        .nftables
        .as_ref()
        .map(nftables::render_list)
        .unwrap_or_default()
}

/// `ipvsadm -Ln` (IPVS mode).
pub fn render_ipvsadm(rules: &NodeRules) -> String {
    rules
        .ipvs
        .as_ref()
        .map(ipvs::render_ipvsadm)
        .unwrap_or_default()
}

/// What a node shows for its mode: `iptables-save`, `nft list table ip kube-proxy`, or
/// `ipvsadm -Ln`.
pub fn render(rules: &NodeRules) -> String {
    match rules.mode {
        ProxyMode::Iptables => render_iptables_save(rules),
        ProxyMode::Nftables => render_nft(rules),
        ProxyMode::Ipvs => render_ipvsadm(rules),
    }
}

#[cfg(test)]
mod tests;
