//! The inspector panel's content for a selection, computed from the cluster: the object as
//! `kubectl get -o yaml` prints it, a Service's EndpointSlices (and why it has no ready
//! endpoint), the DNS names CoreDNS answers for it, and a node's kube-proxy rules with the
//! rules of the current hop marked. The page only lays these out.

use super::summary::service_summary;
use super::why::{why_no_endpoints, Reason};
use crate::animation::HopEvent;
use crate::layout::ObjectId;
use svcsim_engine::cluster::Cluster;
use svcsim_engine::printers::{get, GetOptions, Output};
use svcsim_engine::proxy::{node_rules, render, ProxyMode};

/// `kubectl get RESOURCE NAME -n NS -o yaml` (or kubectl's error text).
pub fn yaml_of(cluster: &Cluster, resource: &str, namespace: &str, name: &str) -> String {
    let opts = GetOptions {
        namespace: Some(namespace.to_string()),
        name: Some(name.to_string()),
        ..GetOptions::default()
    };
    // Annotations hold any text: shown escaped, so an RTL override cannot reorder the panel.
    match get(cluster, resource, &opts, Output::Yaml) {
        Ok(o) => crate::session::shown(&o.stdout, usize::MAX),
        Err(e) => crate::session::shown(&e.to_string(), usize::MAX),
    }
}

/// The command whose output the rules view shows, per kube-proxy mode (what [`render`] prints).
pub fn rules_command(mode: ProxyMode) -> &'static str {
    match mode {
        ProxyMode::Iptables => "iptables-save",
        ProxyMode::Nftables => "nft list table ip kube-proxy",
        ProxyMode::Ipvs => "ipvsadm -Ln",
    }
}

/// A Service's EndpointSlices as YAML documents, and — when none of its endpoints is ready —
/// the reasons, in the EndpointSlice controller's terms.
#[derive(Debug, Clone, PartialEq)]
pub struct SlicesView {
    pub yaml: String,
    pub why_not_ready: Vec<Reason>,
}

/// One line of the rules view.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RuleLine {
    pub text: String,
    /// A rule the current hop matched.
    pub hit: bool,
}

/// A node's rules as its tool prints them.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RulesView {
    /// `kind-worker$ iptables-save`.
    pub prompt: String,
    pub lines: Vec<RuleLine>,
}

/// Everything the inspector shows for a selection.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Panel {
    /// `svc/default/my-service`, or what to do when nothing is selected.
    pub title: String,
    pub yaml: Option<String>,
    pub slices: Option<SlicesView>,
    pub dns_names: Vec<String>,
    pub rules: Option<RulesView>,
}

/// The node a selection belongs to (for the rules view): its own node, a pod's node, else the
/// first worker (the node most journeys cross).
pub fn rules_node(cluster: &Cluster, id: Option<&ObjectId>) -> Option<String> {
    match id {
        Some(ObjectId::Node(n) | ObjectId::KubeProxy(n)) => Some(n.clone()),
        Some(ObjectId::NodePort { node, .. }) => Some(node.clone()),
        Some(ObjectId::Pod { namespace, name }) => cluster
            .store
            .pod(namespace, name)
            .map(|p| p.spec.node_name.clone())
            .filter(|n| !n.is_empty()),
        _ => cluster
            .store
            .nodes
            .keys()
            .nth(1)
            .or_else(|| cluster.store.nodes.keys().next())
            .cloned(),
    }
}

/// The DNS names CoreDNS answers for an object: a Service's (FQDN first, then the short forms
/// a pod's search list completes) and a pod's `a-b-c-d.ns.pod.<domain>`.
pub fn dns_names(cluster: &Cluster, id: &ObjectId) -> Vec<String> {
    match id {
        ObjectId::Service { namespace, name } => service_summary(cluster, namespace, name)
            .map(|s| {
                s.dns_names
                    .into_iter()
                    .map(|n| {
                        // The bare name only completes from pods in the Service's namespace.
                        if n == *name {
                            format!("{n} (from pods in {namespace})")
                        } else {
                            n
                        }
                    })
                    .collect()
            })
            .unwrap_or_default(),
        ObjectId::Pod { namespace, name } => cluster
            .store
            .pod(namespace, name)
            .filter(|p| !p.status.pod_ip.is_empty())
            .map(|p| {
                vec![format!(
                    "{}.{namespace}.pod.{}",
                    p.status.pod_ip.replace('.', "-"),
                    cluster.config.cluster_domain
                )]
            })
            .unwrap_or_default(),
        _ => Vec::new(),
    }
}

fn slices(cluster: &Cluster, namespace: &str, name: &str) -> SlicesView {
    let slices: Vec<_> = cluster.store.slices_for_service(namespace, name).collect();
    let yaml = slices
        .iter()
        .map(|sl| yaml_of(cluster, "endpointslices", namespace, &sl.metadata.name))
        .collect::<Vec<_>>()
        .join("---\n");
    let none_ready = slices.iter().all(|sl| {
        sl.endpoints
            .iter()
            .all(|e| e.conditions.ready == Some(false))
    });
    SlicesView {
        yaml,
        why_not_ready: if none_ready {
            why_no_endpoints(cluster, namespace, name)
        } else {
            Vec::new()
        },
    }
}

/// The rules of `node` in `mode`, the lines `hop` matched marked (a hop's rule may span
/// several lines, as ipvsadm's virtual server and its real servers do).
pub fn rules_view(
    cluster: &Cluster,
    node: &str,
    mode: ProxyMode,
    hop: Option<&HopEvent>,
) -> RulesView {
    let text = node_rules(cluster, node, mode)
        .map(|r| render(&r))
        .unwrap_or_else(|e| e.to_string());
    let matched: Vec<&str> = hop
        .into_iter()
        .flat_map(|h| h.rules.iter())
        .flat_map(|r| r.text.lines())
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect();
    RulesView {
        prompt: format!("{node}$ {}", rules_command(mode)),
        lines: text
            .lines()
            .map(|l| RuleLine {
                text: l.to_string(),
                hit: matched.contains(&l.trim()),
            })
            .collect(),
    }
}

/// The inspector for `selection`, with the rules of the node `hop` crossed (else the
/// selection's node) and `hop`'s rules marked.
pub fn panel(
    cluster: &Cluster,
    selection: Option<&ObjectId>,
    mode: ProxyMode,
    hop: Option<&HopEvent>,
) -> Panel {
    let title = selection.map_or_else(
        || "Nothing selected: click an object on the canvas".to_string(),
        ToString::to_string,
    );
    let yaml = selection.and_then(|sel| match sel {
        ObjectId::Pod { namespace, name } => Some(yaml_of(cluster, "pods", namespace, name)),
        ObjectId::Service { namespace, name } => {
            Some(yaml_of(cluster, "services", namespace, name))
        }
        ObjectId::Node(n) | ObjectId::KubeProxy(n) => Some(yaml_of(cluster, "nodes", "", n)),
        ObjectId::EndpointSlice { namespace, name } => {
            Some(yaml_of(cluster, "endpointslices", namespace, name))
        }
        _ => None,
    });
    let slices = match selection {
        Some(ObjectId::Service { namespace, name }) => Some(slices(cluster, namespace, name)),
        _ => None,
    };
    let node = hop
        .and_then(HopEvent::rules_node)
        .map(str::to_string)
        .or_else(|| selection.and_then(|s| rules_node(cluster, Some(s))));
    Panel {
        title,
        yaml,
        slices,
        dns_names: selection.map(|s| dns_names(cluster, s)).unwrap_or_default(),
        rules: node.map(|n| rules_view(cluster, &n, mode, hop)),
    }
}
