//! Layout phase *nodes*: each node's box in its grid cell, with its header (name, address,
//! podCIDR), its kube-proxy chip, its pods, the summary of its hidden system pods and the
//! NodePort badges on its bottom edge; and the box of the pods no node runs yet.

use super::gather::{Card, NodeBox};
use super::geometry::Rect;
use super::grid::Grid;
use super::ids::ObjectId;
use super::metrics::{text_width, FONT_BODY, FONT_SMALL, FONT_TITLE, KP_H, KP_W, NODE_PAD, POD_H};
use super::scene::{Align, Role, Scene, Shape, Style};
use super::services::{draw_node_ports, ServiceNodePort};
use super::LayoutOptions;
use std::collections::BTreeMap;
use svcsim_engine::api::core::Pod;
use svcsim_engine::cluster::Cluster;

/// Where the nodes and their pods were drawn (what the edges join).
pub(super) struct NodesPlaced {
    /// Every shown pod's card.
    pub(super) pods: BTreeMap<ObjectId, Rect>,
    /// Real nodes by name (not the "not scheduled" box).
    pub(super) nodes: BTreeMap<String, Rect>,
}

/// Draw every gathered node, in grid order, each with everything on it.
pub(super) fn draw_nodes(
    scene: &mut Scene,
    cluster: &Cluster,
    grid: &Grid,
    nodes: &[NodeBox],
    node_ports: &[ServiceNodePort],
    opts: &LayoutOptions,
) -> NodesPlaced {
    let mut placed = NodesPlaced {
        pods: BTreeMap::new(),
        nodes: BTreeMap::new(),
    };
    let inner_w = grid.node_w - 2.0 * NODE_PAD;
    for (i, n) in nodes.iter().enumerate() {
        let rect = grid.node_rect(i);
        draw_node_box(scene, n, rect, inner_w);
        if !n.unscheduled {
            placed.nodes.insert(n.name.clone(), rect);
            scene.by_ip.insert(n.ip.clone(), n.id.clone());
            draw_kube_proxy(scene, cluster, &n.name, rect);
        }
        draw_pods(scene, grid, n, rect, opts, &mut placed.pods);
        // Footer: hidden system pods, then NodePort badges straddling the bottom edge.
        if !n.hidden.is_empty() {
            draw_hidden_pods(scene, n, rect, inner_w);
        }
        if !n.unscheduled {
            draw_node_ports(scene, n, rect, inner_w, node_ports);
        }
    }
    placed
}

/// The node's box and header: name, then "IP · role", then the podCIDR (the "not scheduled"
/// box says why its pods wait instead).
fn draw_node_box(scene: &mut Scene, n: &NodeBox, rect: Rect, inner_w: f64) {
    let role = if n.unscheduled {
        Role::Unscheduled
    } else if n.control_plane {
        Role::NodeControlPlane
    } else {
        Role::Node
    };
    let style = if n.unscheduled {
        Style::new(role).dashed().width(2.0)
    } else {
        Style::new(role).width(2.0)
    };
    scene.rect_item(n.id.clone(), rect, style);
    scene.text(
        Some(&n.id),
        rect.x + NODE_PAD,
        rect.y + 26.0,
        &n.name,
        FONT_TITLE,
        true,
        Align::Left,
        inner_w,
        Role::Title,
    );
    let lines = if n.unscheduled {
        [
            "Pending: no node".to_string(),
            "runs these pods yet".to_string(),
        ]
    } else {
        // In a narrow node (grouped cards) the longer words go rather than the addresses.
        let fits = |t: &String| text_width(t, FONT_BODY) <= inner_w;
        // The zone matters more than the role: traffic distribution follows it.
        let forms: Vec<String> = match &n.zone {
            Some(z) => vec![format!("{} · zone {z}", n.ip), format!("{} · {z}", n.ip)],
            None if n.control_plane => vec![format!("{} · control-plane", n.ip)],
            None => Vec::new(),
        };
        let ip = forms.into_iter().find(fits).unwrap_or_else(|| n.ip.clone());
        let cidr = Some(format!("podCIDR {}", n.cidr))
            .filter(fits)
            .unwrap_or_else(|| format!("pods {}", n.cidr));
        [ip, cidr]
    };
    for (l, line) in lines.iter().enumerate() {
        scene.text(
            Some(&n.id),
            rect.x + NODE_PAD,
            rect.y + 48.0 + l as f64 * 19.0,
            line,
            FONT_BODY,
            false,
            Align::Left,
            inner_w,
            Role::Text,
        );
    }
}

/// The kube-proxy chip: it sits on the node's top edge (it is the node's own agent, like the
/// NodePorts on the bottom edge).
fn draw_kube_proxy(scene: &mut Scene, cluster: &Cluster, node: &str, rect: Rect) {
    let kp = ObjectId::KubeProxy(node.to_string());
    let kp_rect = Rect::new(
        rect.right() - NODE_PAD - KP_W,
        rect.y - KP_H / 2.0,
        KP_W,
        KP_H,
    );
    scene.push(
        Some(kp.clone()),
        Shape::Rect {
            rect: kp_rect,
            radius: KP_H / 2.0,
        },
        Style::new(Role::KubeProxy),
        true,
    );
    scene.text(
        Some(&kp),
        kp_rect.center().x,
        kp_rect.y + 18.0,
        &format!("kube-proxy {}", short_mode(cluster.proxy_mode().as_str())),
        FONT_SMALL,
        false,
        Align::Center,
        KP_W - 8.0,
        Role::Text,
    );
}

/// The node's cards, in its pod columns, in front of the edges (layer 2). Every pod of a
/// grouped card is an alias of the card's first pod, so hops and edges find the card.
fn draw_pods(
    scene: &mut Scene,
    grid: &Grid,
    n: &NodeBox,
    rect: Rect,
    opts: &LayoutOptions,
    pod_rects: &mut BTreeMap<ObjectId, Rect>,
) {
    let labels = grid.pod_h >= POD_H;
    for (k, card) in n.cards.iter().enumerate() {
        let prect = grid.pod_rect(rect, k);
        let first = card.first();
        let id = ObjectId::pod(&first.metadata.namespace, &first.metadata.name);
        scene.layer = 2;
        match card {
            Card::Pod(pod) => draw_pod(scene, &id, pod, prect, opts, labels),
            Card::Replicas { workload, pods } => {
                scene.groups.insert(id.clone(), workload.clone());
                draw_replicas(scene, &id, workload, pods, prect);
            }
        }
        scene.layer = 0;
        for pod in card.pods() {
            let pid = ObjectId::pod(&pod.metadata.namespace, &pod.metadata.name);
            if !n.unscheduled {
                scene
                    .pods_by_node
                    .insert((n.name.clone(), pod.metadata.name.clone()), id.clone());
            }
            if pid != id {
                scene.aliases.insert(pid.clone(), id.clone());
            }
            pod_rects.insert(pid, prect);
        }
    }
}

/// The replicas of one workload on one node as one card: "web × 84", then how many are
/// ready. Its colour is the pods' when they agree, not-ready when any is not.
fn draw_replicas(scene: &mut Scene, id: &ObjectId, workload: &str, pods: &[&Pod], r: Rect) {
    let ready = pods
        .iter()
        .filter(|p| pod_role(p) == Role::PodReady)
        .count();
    let role = if ready == pods.len() {
        Role::PodReady
    } else {
        pods.iter()
            .map(|p| pod_role(p))
            .find(|r| *r != Role::PodReady)
            .unwrap_or(Role::PodNotReady)
    };
    // The namespace only where it says something (not default, not kube-system's CoreDNS).
    let name = workload
        .strip_prefix("default/")
        .or_else(|| workload.strip_prefix("kube-system/"))
        .unwrap_or(workload);
    let status = if ready == pods.len() {
        "all Ready".to_string()
    } else {
        format!("{ready} of {} Ready", pods.len())
    };
    card(
        scene,
        id,
        r,
        role,
        &format!("{name} × {}", pods.len()),
        &status,
    );
}

/// A pod card's box in its role's colours (dashed while pending or terminating), its title
/// and its status line: what a pod's card and a grouped card share.
fn card(scene: &mut Scene, id: &ObjectId, r: Rect, role: Role, title: &str, status: &str) {
    let style = match role {
        Role::PodPending | Role::PodTerminating => Style::new(role).dashed(),
        _ => Style::new(role),
    };
    scene.rect_item(id.clone(), r, style);
    let w = r.w - 20.0;
    scene.text(
        Some(id),
        r.x + 10.0,
        r.y + 21.0,
        title,
        FONT_BODY,
        true,
        Align::Left,
        w,
        Role::Title,
    );
    scene.text(
        Some(id),
        r.x + 10.0,
        r.y + 43.0,
        status,
        FONT_BODY,
        false,
        Align::Left,
        w,
        Role::Text,
    );
}

/// One line at the bottom of the node: how many system pods it hides, and which.
fn draw_hidden_pods(scene: &mut Scene, n: &NodeBox, rect: Rect, inner_w: f64) {
    let mut names: Vec<&str> = n
        .hidden
        .iter()
        .map(|p| short_system_name(&p.metadata.name))
        .collect();
    names.dedup();
    let text = format!("+{} system pods: {}", n.hidden.len(), names.join(", "));
    scene.text(
        Some(&n.id),
        rect.x + NODE_PAD,
        rect.bottom() - 14.0,
        &text,
        FONT_SMALL,
        false,
        Align::Left,
        inner_w,
        Role::TextMuted,
    );
}

/// The pod's role from its state, in the order kubectl's STATUS column decides it.
pub fn pod_role(pod: &Pod) -> Role {
    if pod.metadata.deletion_timestamp.is_some() {
        Role::PodTerminating
    } else if matches!(pod.status.phase.as_str(), "Failed" | "Succeeded") {
        Role::PodStopped
    } else if pod.status.phase != "Running" || pod.spec.node_name.is_empty() {
        Role::PodPending
    } else if pod.is_ready() {
        Role::PodReady
    } else {
        Role::PodNotReady
    }
}

fn pod_status_text(pod: &Pod) -> &'static str {
    match pod_role(pod) {
        Role::PodTerminating => "Terminating",
        Role::PodStopped => "Completed",
        Role::PodPending => "Pending",
        Role::PodReady => "Ready",
        _ => "NotReady",
    }
}

fn short_mode(mode: &str) -> &str {
    match mode {
        "iptables" => "ipt",
        "nftables" => "nft",
        other => other,
    }
}

/// `kube-proxy-5jg2j` → `kube-proxy`, `etcd-kind-control-plane` → `etcd`.
fn short_system_name(name: &str) -> &str {
    for known in [
        "kube-apiserver",
        "kube-controller-manager",
        "kube-scheduler",
        "kube-proxy",
        "kindnet",
        "etcd",
        "coredns",
        "local-path-provisioner",
        "speaker",
        "controller",
    ] {
        if name.starts_with(known) {
            return known;
        }
    }
    name
}

/// A pod's card: its name, then its address and status, then its namespace and labels.
fn draw_pod(
    scene: &mut Scene,
    id: &ObjectId,
    pod: &Pod,
    r: Rect,
    opts: &LayoutOptions,
    labels: bool,
) {
    let ip = if pod.status.pod_ip.is_empty() {
        "no IP yet"
    } else {
        pod.status.pod_ip.as_str()
    };
    let mut status = format!("{ip} · {}", pod_status_text(pod));
    if pod.spec.host_network {
        status.push_str(" · hostNetwork");
    }
    card(scene, id, r, pod_role(pod), &pod.metadata.name, &status);
    let w = r.w - 20.0;
    if !labels {
        return;
    }
    let mut parts: Vec<String> = Vec::new();
    if pod.metadata.namespace != "default" {
        parts.push(pod.metadata.namespace.clone());
    }
    parts.extend(
        pod.metadata
            .labels
            .iter()
            .filter(|(k, _)| k.as_str() != "pod-template-hash")
            .take(opts.max_labels)
            .map(|(k, v)| format!("{k}={v}")),
    );
    scene.text(
        Some(id),
        r.x + 10.0,
        r.y + 62.0,
        &parts.join(" · "),
        FONT_SMALL,
        false,
        Align::Left,
        w,
        Role::TextMuted,
    );
}
