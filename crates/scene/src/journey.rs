//! The journey form: where a packet can start (a pod, a node, the external client) and the
//! destinations worth offering (every Service by name, ClusterIP, NodePort and LB address), and
//! the form's text encoding of an [`Origin`] (`pod:NAMESPACE:NAME`, `node:NAME`, `external`),
//! which is also how saved work and share links remember the choice.

use svcsim_engine::cluster::Cluster;
use svcsim_engine::trace::{Origin, DEFAULT_EXTERNAL_CLIENT};

/// One choice of the "From" list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SourceOption {
    /// The encoded origin ([`origin_value`]).
    pub value: String,
    /// What the list shows (`pod/client`, `pod/web (-n prod)`, `node/kind-worker`).
    pub label: String,
}

/// Where a packet can start: every pod with an IP outside `kube-system` (a student's own
/// workloads), every node, the external client.
pub fn sources(cluster: &Cluster) -> Vec<SourceOption> {
    let mut out = Vec::new();
    for pod in cluster.store.pods.values() {
        let (ns, name) = (&pod.metadata.namespace, &pod.metadata.name);
        if pod.status.pod_ip.is_empty() || ns == "kube-system" {
            continue;
        }
        let label = if ns == "default" {
            format!("pod/{name}")
        } else {
            format!("pod/{name} (-n {ns})")
        };
        out.push(SourceOption {
            value: format!("pod:{ns}:{name}"),
            label,
        });
    }
    for node in cluster.store.nodes.keys() {
        out.push(SourceOption {
            value: format!("node:{node}"),
            label: format!("node/{node}"),
        });
    }
    out.push(SourceOption {
        value: "external".to_string(),
        label: format!("external client ({DEFAULT_EXTERNAL_CLIENT})"),
    });
    out
}

/// The form's encoding of an origin.
pub fn origin_value(o: &Origin) -> String {
    match o {
        Origin::Pod { namespace, name } => format!("pod:{namespace}:{name}"),
        Origin::Node { name } => format!("node:{name}"),
        Origin::External { .. } => "external".to_string(),
    }
}

/// The origin for an encoded value; the error is what the form says.
pub fn parse_origin(v: &str) -> Result<Origin, String> {
    let parts: Vec<&str> = v.split(':').collect();
    match parts.as_slice() {
        ["pod", ns, name] => Ok(Origin::Pod {
            namespace: (*ns).to_string(),
            name: (*name).to_string(),
        }),
        ["node", name] => Ok(Origin::Node {
            name: (*name).to_string(),
        }),
        ["external"] => Ok(Origin::External {
            ip: DEFAULT_EXTERNAL_CLIENT,
        }),
        _ => Err("choose where the packet starts".to_string()),
    }
}

/// Destinations worth offering: every Service port by name (`name` in `default`, else
/// `name.namespace`), by ClusterIP, by a node's NodePort and by LoadBalancer address.
pub fn destinations(cluster: &Cluster) -> Vec<String> {
    let mut out = Vec::new();
    let node_ip = cluster
        .store
        .nodes
        .values()
        .find_map(|n| n.internal_ip().map(|ip| ip.to_string()));
    for svc in cluster.store.services.values() {
        let ns = &svc.metadata.namespace;
        let name = &svc.metadata.name;
        let host = if ns == "default" {
            name.clone()
        } else {
            format!("{name}.{ns}")
        };
        for port in &svc.spec.ports {
            out.push(format!("{host}:{}", port.port));
            if svc.spec.cluster_ip.contains('.') {
                out.push(format!("{}:{}", svc.spec.cluster_ip, port.port));
            }
            if let (true, Some(nip)) = (port.node_port > 0, &node_ip) {
                out.push(format!("{nip}:{}", port.node_port));
            }
            for ing in &svc.status.load_balancer.ingress {
                out.push(format!("{}:{}", ing.ip, port.port));
            }
        }
    }
    out
}

/// How many choices a list on the page offers; a cluster of thousands of pods or Services
/// would otherwise build thousands of `<option>`s on every change.
pub const CHOICES_SHOWN: usize = 500;

/// The first `limit` items, plus any later one `keep` wants (the current choice, so the list
/// still shows it), and how many were left out.
pub fn shortlist<T>(
    items: impl IntoIterator<Item = T>,
    limit: usize,
    keep: impl Fn(&T) -> bool,
) -> (Vec<T>, usize) {
    let mut shown = Vec::new();
    let mut omitted = 0;
    for (i, item) in items.into_iter().enumerate() {
        if i < limit || keep(&item) {
            shown.push(item);
        } else {
            omitted += 1;
        }
    }
    (shown, omitted)
}

#[cfg(test)]
mod tests {
    use super::shortlist;

    #[test]
    fn a_shortlist_keeps_the_current_choice_and_counts_the_rest() {
        let (shown, omitted) = shortlist(0..10, 3, |&i| i == 7);
        assert_eq!(shown, vec![0, 1, 2, 7]);
        assert_eq!(omitted, 6);
        assert_eq!(shortlist(0..2, 3, |_| false), (vec![0, 1], 0));
    }
}
