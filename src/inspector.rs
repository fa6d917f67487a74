//! The inspector: the selected object as `kubectl get -o yaml` prints it, its EndpointSlices, its
//! DNS names, the node's kube-proxy rules (with the rules of the current hop highlighted), and the
//! teaching actions that apply to it.

use crate::model::Model;
use leptos::prelude::*;
use svcsim_engine::api::apps::WorkloadKind;
use svcsim_engine::cluster::Cluster;
use svcsim_engine::printers::{get, GetOptions, Output};
use svcsim_engine::proxy::{node_rules, render, ProxyMode};
use svcsim_scene::layout::ObjectId;

/// `kubectl get RESOURCE NAME -n NS -o yaml`.
pub fn yaml_of(cluster: &Cluster, resource: &str, namespace: &str, name: &str) -> String {
    let opts = GetOptions {
        namespace: Some(namespace.to_string()),
        name: Some(name.to_string()),
        ..GetOptions::default()
    };
    match get(cluster, resource, &opts, Output::Yaml) {
        Ok(o) => o.stdout,
        Err(e) => e.to_string(),
    }
}

/// The Deployment that owns a pod (through its ReplicaSet), if any.
pub fn owner_deployment(cluster: &Cluster, namespace: &str, pod: &str) -> Option<String> {
    let p = cluster.store.pod(namespace, pod)?;
    let rs = p
        .metadata
        .owner_references
        .iter()
        .find(|o| o.kind == "ReplicaSet")?;
    let w = cluster.store.workloads.get(&(
        WorkloadKind::ReplicaSet,
        svcsim_engine::cluster::ObjectKey::new(namespace, rs.name.clone()),
    ))?;
    w.metadata
        .owner_references
        .iter()
        .find(|o| o.kind == "Deployment")
        .map(|o| o.name.clone())
}

/// The DNS names CoreDNS answers for an object.
pub fn dns_names(cluster: &Cluster, id: &ObjectId) -> Vec<String> {
    let domain = &cluster.config.cluster_domain;
    match id {
        ObjectId::Service { namespace, name } => vec![
            format!("{name}.{namespace}.svc.{domain}"),
            format!("{name}.{namespace}.svc"),
            format!("{name}.{namespace}"),
            format!("{name} (from pods in {namespace})"),
        ],
        ObjectId::Pod { namespace, name } => cluster
            .store
            .pod(namespace, name)
            .filter(|p| !p.status.pod_ip.is_empty())
            .map(|p| {
                vec![format!(
                    "{}.{namespace}.pod.{domain}",
                    p.status.pod_ip.replace('.', "-")
                )]
            })
            .unwrap_or_default(),
        _ => Vec::new(),
    }
}

/// The node a selection belongs to (for the rules view).
fn node_of(cluster: &Cluster, id: &ObjectId) -> Option<String> {
    match id {
        ObjectId::Node(n) | ObjectId::KubeProxy(n) => Some(n.clone()),
        ObjectId::NodePort { node, .. } => Some(node.clone()),
        ObjectId::Pod { namespace, name } => cluster
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

/// The inspector panel. `hop_rules` are the rule texts of the current hop (highlighted).
#[component]
pub fn Inspector(model: Model, hop_rules: Signal<(Option<String>, Vec<String>)>) -> impl IntoView {
    let selection = move || model.selection.get();
    let title = move || {
        selection()
            .map(|s| s.to_string())
            .unwrap_or_else(|| "Nothing selected: click an object on the canvas".to_string())
    };
    let yaml = move || {
        let sel = selection()?;
        model.with_sim(|s| match &sel {
            ObjectId::Pod { namespace, name } => Some(yaml_of(&s.cluster, "pods", namespace, name)),
            ObjectId::Service { namespace, name } => {
                Some(yaml_of(&s.cluster, "services", namespace, name))
            }
            ObjectId::Node(n) | ObjectId::KubeProxy(n) => Some(yaml_of(&s.cluster, "nodes", "", n)),
            ObjectId::EndpointSlice { namespace, name } => {
                Some(yaml_of(&s.cluster, "endpointslices", namespace, name))
            }
            _ => None,
        })
    };
    let slices = move || {
        let sel = selection()?;
        let ObjectId::Service { namespace, name } = &sel else {
            return None;
        };
        model.with_sim(|s| {
            let names: Vec<String> = s
                .cluster
                .store
                .slices_for_service(namespace, name)
                .map(|sl| sl.metadata.name.clone())
                .collect();
            let text: String = names
                .iter()
                .map(|n| yaml_of(&s.cluster, "endpointslices", namespace, n))
                .collect::<Vec<_>>()
                .join("---\n");
            let why = if names.is_empty()
                || s.cluster
                    .store
                    .slices_for_service(namespace, name)
                    .all(|sl| {
                        sl.endpoints
                            .iter()
                            .all(|e| e.conditions.ready == Some(false))
                    }) {
                svcsim_scene::inspect::why_no_endpoints(&s.cluster, namespace, name)
            } else {
                Vec::new()
            };
            Some((text, why))
        })
    };
    let dns = move || {
        let sel = selection()?;
        let names = model.with_sim(|s| dns_names(&s.cluster, &sel));
        (!names.is_empty()).then_some(names)
    };
    let rules = move || {
        let (hop_node, hop_rules) = hop_rules.get();
        let sel = selection();
        model.with_sim(|s| {
            let node = hop_node.or_else(|| sel.as_ref().and_then(|id| node_of(&s.cluster, id)))?;
            let mode = s.mode();
            let text = node_rules(&s.cluster, &node, mode)
                .map(|r| render(&r))
                .unwrap_or_else(|e| e.to_string());
            let cmd = match mode {
                ProxyMode::Iptables => "iptables-save",
                ProxyMode::Nftables => "nft list table ip kube-proxy",
                ProxyMode::Ipvs => "ipvsadm -Ln",
            };
            let lines = text
                .lines()
                .map(|l| {
                    let hit = hop_rules
                        .iter()
                        .any(|r| !r.is_empty() && r.lines().any(|rl| rl.trim() == l.trim()));
                    view! { <span class="rule-line" class:rule-hit=hit>{l.to_string()}"\n"</span> }
                })
                .collect_view();
            Some((format!("{node}$ {cmd}"), lines))
        })
    };
    view! {
        <section class="panel inspector" aria-labelledby="inspector-heading">
            <h2 id="inspector-heading">"Inspector: " <span id="inspector-title">{title}</span></h2>
            <crate::actions::Actions model=model />
            {move || {
                yaml()
                    .map(|y| {
                        view! {
                            <h3>"kubectl get -o yaml"</h3>
                            <pre id="inspector-yaml" class="yaml" tabindex="0">{y}</pre>
                        }
                    })
            }}
            {move || {
                slices()
                    .map(|(text, why)| {
                        let why_list = why
                            .into_iter()
                            .map(|w| view! { <li>{w.to_string()}</li> })
                            .collect_view();
                        view! {
                            <h3>"EndpointSlices"</h3>
                            <pre id="inspector-slices" class="yaml" tabindex="0">{text}</pre>
                            <ul id="why-no-endpoints" class="why">{why_list}</ul>
                        }
                    })
            }}
            {move || {
                dns()
                    .map(|names| {
                        view! {
                            <h3>"DNS names"</h3>
                            <ul id="inspector-dns" class="dns">
                                {names.into_iter().map(|n| view! { <li><code>{n}</code></li> }).collect_view()}
                            </ul>
                        }
                    })
            }}
            {move || {
                rules()
                    .map(|(cmd, lines)| {
                        view! {
                            <h3><code id="rules-cmd">{cmd}</code></h3>
                            <pre id="inspector-rules" class="rules" tabindex="0">{lines}</pre>
                        }
                    })
            }}
        </section>
    }
}

/// Kept for the actions module: the replicas of the Deployment owning a pod.
pub fn deployment_replicas(cluster: &Cluster, namespace: &str, name: &str) -> Option<i32> {
    cluster
        .store
        .workloads
        .get(&(
            WorkloadKind::Deployment,
            svcsim_engine::cluster::ObjectKey::new(namespace, name),
        ))
        .map(|w| w.spec.replicas.unwrap_or(1))
}
