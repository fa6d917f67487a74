//! Engine state → a [`Scene`]: positioned shapes with stable ids, in world coordinates.
//!
//! Why a pure function: design.md's "the UI renders, it does not decide". Everything about
//! *where* things are (and what they say) is decided here, natively tested, and the canvas
//! code only maps [`Role`]s to theme colours and draws the [`Item`]s in order. The same
//! cluster always gives the identical scene, so a shared link reproduces the picture.
//!
//! The picture (world units are CSS pixels at zoom 1):
//!
//! ```text
//!  ( external client )  [LB 172.18.255.200]  [host 10.4.5.6]  [other hosts]     ← outside
//!
//!  ┌──────────────── cluster "kind" ──────────────────────┐
//!  │ [svc my-service 10.96.x.y:80]  [svc kube-dns …]       │
//!  │   ╲ selector / endpoint edges ╲                       │
//!  │ ┌ kind-control-plane ─(kp)┐ ┌ kind-worker ─(kp)┐ …    │
//!  │ │ 172.18.0.2 · podCIDR    │ │ [pod]            │      │
//!  │ │ [coredns] [coredns]     │ │ [pod]            │      │
//!  │ └──────────[:30080]───────┘ └─────[:30080]─────┘      │
//!  └───────────────────────────────────────────────────────┘
//! ```
//!
//! The outside row sits above the cluster (not beside it) and a lecture-sized node has one
//! pod column, so the scene is narrow and the canvas, between the editor and the event list,
//! draws it near 1:1.
//!
//! Stability: the node grid's column count depends only on the number of nodes, a node's cell
//! only on its rank (control planes first, then natural name order), and pods are ordered by
//! creation time inside their node, so adding a pod never moves a node sideways nor another
//! pod of the same node — except when the busiest node crosses a pod-column threshold
//! (`pod_columns_for`: 4, 16 pods), where the nodes reflow once. Row heights are rounded up
//! to an even number of pod rows, so most single-pod changes do not move the rows below either.

mod geometry;
mod hit;
mod ids;
mod metrics;
mod scene;
mod view;

pub use geometry::{Point, Rect};
pub use ids::{EdgeKind, ObjectId};
pub use metrics::{fit_text, text_width, CHAR_WIDTH, FONT_BODY, FONT_SMALL, FONT_TITLE};
pub use scene::{Align, Item, Role, Scene, Shape, Style};
pub use view::{View, MAX_ZOOM, MIN_ZOOM};

use metrics::*;
use std::collections::{BTreeMap, BTreeSet};
use svcsim_engine::api::core::{Pod, Service};
use svcsim_engine::api::discovery::Endpoint;
use svcsim_engine::api::meta::map_selector_matches;
use svcsim_engine::cluster::Cluster;
use svcsim_engine::trace::DEFAULT_EXTERNAL_CLIENT;

/// Knobs of the layout.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LayoutOptions {
    /// Show every system pod. Off (the default): CoreDNS pods are shown (they answer the DNS
    /// queries the animation follows), static and DaemonSet pods of kube-system,
    /// local-path-storage and metallb-system are summarised as one line per node.
    pub show_system: bool,
    /// Node grid columns; None: chosen from the node count alone (so it never changes when
    /// pods or Services change).
    pub columns: Option<usize>,
    /// How many `key=value` labels a pod card shows (`pod-template-hash` is never shown).
    pub max_labels: usize,
    /// Draw selector edges (service → every pod its selector matches).
    pub selector_edges: bool,
    /// Draw endpoint edges (service → every endpoint of its EndpointSlices).
    pub endpoint_edges: bool,
}

impl Default for LayoutOptions {
    fn default() -> Self {
        LayoutOptions {
            show_system: false,
            columns: None,
            max_labels: 2,
            selector_edges: true,
            endpoint_edges: true,
        }
    }
}

// ---------------------------------------------------------------------------------------------
// The layout
// ---------------------------------------------------------------------------------------------

/// Namespaces whose pods are "system pods" (summarised unless [`LayoutOptions::show_system`]).
const SYSTEM_NAMESPACES: &[&str] = &["kube-system", "local-path-storage", "metallb-system"];

/// Whether a pod is a CoreDNS pod (kubeadm labels them `k8s-app=kube-dns`).
pub fn is_coredns(pod: &Pod) -> bool {
    pod.metadata.namespace == "kube-system"
        && pod.metadata.labels.get("k8s-app").map(String::as_str) == Some("kube-dns")
}

fn is_hidden_system_pod(pod: &Pod, opts: &LayoutOptions) -> bool {
    !opts.show_system
        && SYSTEM_NAMESPACES.contains(&pod.metadata.namespace.as_str())
        && !is_coredns(pod)
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

/// `kind-worker2` sorts after `kind-worker` and before `kind-worker10`.
fn natural_key(s: &str) -> (String, u64, String) {
    let digits = s.len() - s.trim_end_matches(|c: char| c.is_ascii_digit()).len();
    let (head, tail) = s.split_at(s.len() - digits);
    let n = if tail.is_empty() {
        0
    } else {
        tail.parse().unwrap_or(u64::MAX)
    };
    (head.to_string(), n, s.to_string())
}

/// Columns of the node grid for `n` nodes: one row up to 4 nodes, then a roughly 3:2 grid.
fn columns_for(n: usize) -> usize {
    if n <= 4 {
        return n.max(1);
    }
    let mut c = 1usize;
    while c * c * 2 < n * 3 {
        c += 1;
    }
    c
}

/// Pod columns inside every node, from the most pods any node shows: one column for a
/// lecture-sized cluster (narrow nodes, so the scene is drawn large), two up to 16 pods, then
/// enough that the node grid stays roughly 3:2. The nodes reflow only when a node crosses one
/// of these thresholds; below them a new pod lands under the others and nothing moves.
fn pod_columns_for(max_pods: usize, node_cols: usize) -> usize {
    match max_pods {
        0..=4 => 1,
        5..=16 => 2,
        n => {
            // Node height ≈ n / c × row; grid width ≈ node_cols × c × card: solve for 3:2.
            let row = POD_H + POD_GAP;
            let card = POD_W + POD_GAP;
            let c = (n as f64 * row * 1.5 / (node_cols.max(1) as f64 * card)).sqrt();
            (c.ceil() as usize).clamp(2, 24)
        }
    }
}

/// One node's content before positioning.
struct NodeBox<'a> {
    name: String,
    id: ObjectId,
    control_plane: bool,
    ip: String,
    cidr: String,
    pods: Vec<&'a Pod>,
    hidden: Vec<&'a Pod>,
    unscheduled: bool,
}

/// Lay the cluster out. Pure and deterministic: the same cluster and options give the same
/// scene. Runs on every cluster change, so it is linear in objects plus edges.
pub fn layout(cluster: &Cluster, opts: &LayoutOptions) -> Scene {
    let store = &cluster.store;
    let mut scene = Scene::default();

    // ---- nodes and their pods -----------------------------------------------------------
    let mut nodes: Vec<NodeBox> = store
        .nodes
        .values()
        .map(|n| NodeBox {
            name: n.metadata.name.clone(),
            id: ObjectId::Node(n.metadata.name.clone()),
            control_plane: n.is_control_plane(),
            ip: n.internal_ip().unwrap_or_default().to_string(),
            cidr: n.spec.pod_cidr.clone(),
            pods: Vec::new(),
            hidden: Vec::new(),
            unscheduled: false,
        })
        .collect();
    nodes.sort_by_cached_key(|n| (!n.control_plane, natural_key(&n.name)));
    let node_index: BTreeMap<String, usize> = nodes
        .iter()
        .enumerate()
        .map(|(i, n)| (n.name.clone(), i))
        .collect();
    let mut unscheduled = NodeBox {
        name: "not scheduled".to_string(),
        id: ObjectId::Unscheduled,
        control_plane: false,
        ip: String::new(),
        cidr: String::new(),
        pods: Vec::new(),
        hidden: Vec::new(),
        unscheduled: true,
    };
    for pod in store.pods.values() {
        let target = match node_index.get(&pod.spec.node_name) {
            Some(&i) => &mut nodes[i],
            None => &mut unscheduled,
        };
        if is_hidden_system_pod(pod, opts) {
            target.hidden.push(pod);
        } else {
            target.pods.push(pod);
        }
    }
    if !unscheduled.pods.is_empty() || !unscheduled.hidden.is_empty() {
        nodes.push(unscheduled);
    }
    for n in &mut nodes {
        // Creation order: a new pod lands after the others, nobody moves.
        n.pods.sort_by(|a, b| {
            (
                a.metadata.creation_timestamp,
                &a.metadata.namespace,
                &a.metadata.name,
            )
                .cmp(&(
                    b.metadata.creation_timestamp,
                    &b.metadata.namespace,
                    &b.metadata.name,
                ))
        });
    }

    let cols = opts
        .columns
        .unwrap_or_else(|| columns_for(node_index.len()))
        .max(1);

    // ---- Services (sorted: the user's first, then system ones) ---------------------------
    let mut services: Vec<&Service> = store.services.values().collect();
    services.sort_by_key(|s| {
        (
            SYSTEM_NAMESPACES.contains(&s.metadata.namespace.as_str()),
            s.metadata.namespace.clone(),
            s.metadata.name.clone(),
        )
    });

    // ---- outside the cluster: what the row above it holds -------------------------------
    let mut lbs: Vec<(String, &Service)> = Vec::new();
    for s in &services {
        for ing in &s.status.load_balancer.ingress {
            if !ing.ip.is_empty() && !lbs.iter().any(|(ip, _)| *ip == ing.ip) {
                lbs.push((ing.ip.clone(), s));
            }
        }
    }
    // Manual endpoints: slice addresses that are neither pods, nodes nor LBs.
    let pod_by_ip: BTreeMap<&str, ObjectId> = store
        .pods
        .values()
        .filter(|p| !p.status.pod_ip.is_empty() && !p.spec.host_network)
        .map(|p| {
            (
                p.status.pod_ip.as_str(),
                ObjectId::pod(&p.metadata.namespace, &p.metadata.name),
            )
        })
        .collect();
    let inside_ips: BTreeSet<String> = nodes
        .iter()
        .filter(|n| !n.unscheduled)
        .map(|n| n.ip.clone())
        .chain(lbs.iter().map(|(ip, _)| ip.clone()))
        .chain(std::iter::once(DEFAULT_EXTERNAL_CLIENT.to_string()))
        .collect();
    let mut externals: BTreeSet<String> = BTreeSet::new();
    for slice in store.endpoint_slices.values() {
        for ep in &slice.endpoints {
            if ep_pod(ep).is_none() {
                for a in &ep.addresses {
                    if !pod_by_ip.contains_key(a.as_str()) && !inside_ips.contains(a) {
                        externals.insert(a.clone());
                    }
                }
            }
        }
    }

    // ---- geometry ------------------------------------------------------------------------
    let max_pods = nodes.iter().map(|n| n.pods.len()).max().unwrap_or(0);
    let pod_cols = pod_columns_for(max_pods, cols);
    let node_w = NODE_PAD * 2.0 + POD_W * pod_cols as f64 + POD_GAP * (pod_cols as f64 - 1.0);
    let grid_w = cols as f64 * node_w + (cols as f64 - 1.0) * NODE_GAP_X;
    let cluster_w = grid_w.max(SVC_W) + 2.0 * CLUSTER_PAD;
    // The outside row wraps at the cluster's width (at least two slots).
    let slots = 2 + lbs.len() + externals.len();
    let slots_per_row =
        (((cluster_w + OUTSIDE_GAP_X) / (OUTSIDE_W + OUTSIDE_GAP_X)).floor() as usize).max(2);
    let outside_rows = slots.div_ceil(slots_per_row);
    let slot_rect = |i: usize| {
        Rect::new(
            (i % slots_per_row) as f64 * (OUTSIDE_W + OUTSIDE_GAP_X),
            (i / slots_per_row) as f64 * (OUTSIDE_ROW_H + OUTSIDE_GAP_X),
            OUTSIDE_W,
            OUTSIDE_ROW_H,
        )
    };
    let svc_cols = (((grid_w + SVC_GAP) / (SVC_W + SVC_GAP)).floor() as usize).max(1);
    let svc_rows = services.len().div_ceil(svc_cols);
    let cluster_x = 0.0;
    let inner_x = cluster_x + CLUSTER_PAD;
    let cluster_y =
        outside_rows as f64 * (OUTSIDE_ROW_H + OUTSIDE_GAP_X) - OUTSIDE_GAP_X + OUTSIDE_GAP;
    let svc_y = cluster_y + CLUSTER_TITLE;
    let svc_block_h = if svc_rows == 0 {
        0.0
    } else {
        svc_rows as f64 * (SVC_H + SVC_GAP) - SVC_GAP
    };
    let nodes_y = svc_y + svc_block_h + EDGE_BAND;

    // Row heights: tallest node of each grid row, rounded up to an even number of pod rows.
    let pod_rows = |n: &NodeBox| n.pods.len().div_ceil(pod_cols).max(1);
    let grid_rows = nodes.len().div_ceil(cols);
    let mut row_y = Vec::with_capacity(grid_rows);
    let mut row_h = Vec::with_capacity(grid_rows);
    let mut y = nodes_y;
    for r in 0..grid_rows {
        let rows = nodes
            .iter()
            .skip(r * cols)
            .take(cols)
            .map(pod_rows)
            .max()
            .unwrap_or(1);
        let rows = rows.div_ceil(2) * 2;
        let h = NODE_HEADER + rows as f64 * (POD_H + POD_GAP) - POD_GAP + NODE_FOOTER;
        row_y.push(y);
        row_h.push(h);
        y += h + NODE_GAP_Y;
    }
    let nodes_bottom = if grid_rows == 0 {
        nodes_y
    } else {
        y - NODE_GAP_Y
    };
    let cluster_rect = Rect::new(
        cluster_x,
        cluster_y,
        cluster_w,
        (nodes_bottom + CLUSTER_PAD - cluster_y).max(CLUSTER_TITLE + SVC_H),
    );

    // ---- the cluster box -----------------------------------------------------------------
    scene.rect_item(
        ObjectId::Cluster,
        cluster_rect,
        Style::new(Role::Cluster).width(2.5),
    );
    let title = format!(
        "cluster {} · kube-proxy {} · Services {} · pods {}",
        cluster.config.name,
        cluster.config.kube_proxy_mode,
        cluster.config.service_subnet,
        cluster.config.pod_subnet
    );
    scene.text(
        Some(&ObjectId::Cluster),
        inner_x,
        cluster_y + 30.0,
        &title,
        FONT_TITLE,
        true,
        Align::Left,
        grid_w.max(SVC_W),
        Role::Title,
    );

    // ---- nodes ---------------------------------------------------------------------------
    let mut pod_rects: BTreeMap<ObjectId, Rect> = BTreeMap::new();
    let mut node_rects: BTreeMap<String, Rect> = BTreeMap::new();
    let node_ports: Vec<(String, String, i32)> = services
        .iter()
        .filter(|s| matches!(s.type_or_default(), "NodePort" | "LoadBalancer"))
        .flat_map(|s| {
            s.spec
                .ports
                .iter()
                .filter(|p| p.node_port != 0)
                .map(|p| {
                    (
                        s.metadata.namespace.clone(),
                        s.metadata.name.clone(),
                        p.node_port,
                    )
                })
                .collect::<Vec<_>>()
        })
        .collect();
    for (i, n) in nodes.iter().enumerate() {
        let (r, c) = (i / cols, i % cols);
        let rect = Rect::new(
            inner_x + c as f64 * (node_w + NODE_GAP_X),
            row_y.get(r).copied().unwrap_or(nodes_y),
            node_w,
            row_h.get(r).copied().unwrap_or(NODE_HEADER + NODE_FOOTER),
        );
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
        if !n.unscheduled {
            node_rects.insert(n.name.clone(), rect);
            scene.by_ip.insert(n.ip.clone(), n.id.clone());
        }
        // Header: name, then "IP · role", then the podCIDR; kube-proxy sits on the top edge
        // (it is the node's own agent, like the NodePorts on the bottom edge).
        let inner_w = node_w - 2.0 * NODE_PAD;
        scene.text(
            Some(&n.id),
            rect.x + NODE_PAD,
            rect.y + 32.0,
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
            let role_txt = if n.control_plane {
                " · control-plane"
            } else {
                ""
            };
            [format!("{}{role_txt}", n.ip), format!("podCIDR {}", n.cidr)]
        };
        for (l, line) in lines.iter().enumerate() {
            scene.text(
                Some(&n.id),
                rect.x + NODE_PAD,
                rect.y + 55.0 + l as f64 * 20.0,
                line,
                FONT_BODY,
                false,
                Align::Left,
                inner_w,
                Role::Text,
            );
        }
        if !n.unscheduled {
            let kp = ObjectId::KubeProxy(n.name.clone());
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
                &format!("kube-proxy {}", short_mode(&cluster.config.kube_proxy_mode)),
                FONT_SMALL,
                false,
                Align::Center,
                KP_W - 8.0,
                Role::Text,
            );
        }
        // Pods.
        for (k, pod) in n.pods.iter().enumerate() {
            let (pr, pc) = (k / pod_cols, k % pod_cols);
            let prect = Rect::new(
                rect.x + NODE_PAD + pc as f64 * (POD_W + POD_GAP),
                rect.y + NODE_HEADER + pr as f64 * (POD_H + POD_GAP),
                POD_W,
                POD_H,
            );
            let id = ObjectId::pod(&pod.metadata.namespace, &pod.metadata.name);
            scene.layer = 2;
            draw_pod(&mut scene, &id, pod, prect, opts);
            scene.layer = 0;
            if !n.unscheduled {
                scene
                    .pods_by_node
                    .insert((n.name.clone(), pod.metadata.name.clone()), id.clone());
            }
            pod_rects.insert(id, prect);
        }
        // Footer: hidden system pods, then NodePort badges straddling the bottom edge.
        if !n.hidden.is_empty() {
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
        if !n.unscheduled {
            let per_row = ((inner_w + 6.0) / (BADGE_W + 6.0)).floor() as usize;
            let shown = if node_ports.len() > per_row {
                per_row.saturating_sub(1)
            } else {
                node_ports.len()
            };
            for (b, (ns, svc, port)) in node_ports.iter().take(shown).enumerate() {
                let brect = Rect::new(
                    rect.right() - NODE_PAD - (b + 1) as f64 * (BADGE_W + 6.0) + 6.0,
                    rect.bottom() - BADGE_H / 2.0,
                    BADGE_W,
                    BADGE_H,
                );
                let id = ObjectId::NodePort {
                    node: n.name.clone(),
                    namespace: ns.clone(),
                    service: svc.clone(),
                    port: *port,
                };
                scene.push(
                    Some(id.clone()),
                    Shape::Rect {
                        rect: brect,
                        radius: 6.0,
                    },
                    Style::new(Role::NodePort),
                    true,
                );
                scene.text(
                    Some(&id),
                    brect.center().x,
                    brect.y + 17.0,
                    &format!(":{port}"),
                    FONT_SMALL,
                    true,
                    Align::Center,
                    BADGE_W - 6.0,
                    Role::Text,
                );
            }
            if shown < node_ports.len() {
                let b = shown;
                let x = rect.right() - NODE_PAD - (b + 1) as f64 * (BADGE_W + 6.0) + 6.0;
                scene.text(
                    Some(&n.id),
                    x + BADGE_W / 2.0,
                    rect.bottom() + 5.0,
                    &format!("+{} ports", node_ports.len() - shown),
                    FONT_SMALL,
                    false,
                    Align::Center,
                    BADGE_W,
                    Role::TextMuted,
                );
            }
        }
    }

    // ---- outside the cluster: client, LBs, manual endpoints, other hosts (a row above) -----
    scene.layer = 2;
    let slot = slot_rect(0);
    let client_c = Point::new(slot.center().x, slot.y + CLIENT_R);
    scene.push(
        Some(ObjectId::ExternalClient),
        Shape::Circle {
            center: client_c,
            radius: CLIENT_R,
        },
        Style::new(Role::Client).width(2.0),
        true,
    );
    scene.text(
        Some(&ObjectId::ExternalClient),
        client_c.x,
        client_c.y + CLIENT_R + 22.0,
        &format!("external client {DEFAULT_EXTERNAL_CLIENT}"),
        FONT_BODY,
        true,
        Align::Center,
        OUTSIDE_W,
        Role::Title,
    );
    scene.by_ip.insert(
        DEFAULT_EXTERNAL_CLIENT.to_string(),
        ObjectId::ExternalClient,
    );
    // A box in slot `i`, vertically centred in its row: a bold title and a muted line.
    let outside_box = |scene: &mut Scene,
                       i: usize,
                       id: ObjectId,
                       style: Style,
                       title: &str,
                       sub: &str,
                       sub_role: Role| {
        let s = slot_rect(i);
        let r = Rect::new(
            s.x,
            s.y + (OUTSIDE_ROW_H - OUTSIDE_BOX_H) / 2.0,
            OUTSIDE_W,
            OUTSIDE_BOX_H,
        );
        scene.rect_item(id.clone(), r, style);
        scene.text(
            Some(&id),
            r.x + 12.0,
            r.y + 24.0,
            title,
            FONT_BODY,
            true,
            Align::Left,
            OUTSIDE_W - 24.0,
            Role::Title,
        );
        scene.text(
            Some(&id),
            r.x + 12.0,
            r.y + 48.0,
            sub,
            FONT_SMALL,
            false,
            Align::Left,
            OUTSIDE_W - 24.0,
            sub_role,
        );
    };
    let mut next_slot = 1;
    for (ip, svc) in &lbs {
        let id = ObjectId::LoadBalancer(ip.clone());
        let ports: Vec<String> = svc.spec.ports.iter().map(|p| p.port.to_string()).collect();
        let sub = format!(
            "{} :{}",
            qualified(&svc.metadata.namespace, &svc.metadata.name),
            ports.join(",")
        );
        outside_box(
            &mut scene,
            next_slot,
            id.clone(),
            Style::new(Role::LoadBalancer).width(2.0),
            &format!("LB {ip}"),
            &sub,
            Role::Text,
        );
        scene.by_ip.insert(ip.clone(), id);
        next_slot += 1;
    }
    for ip in &externals {
        let id = ObjectId::ExternalEndpoint(ip.clone());
        outside_box(
            &mut scene,
            next_slot,
            id.clone(),
            Style::new(Role::ExternalHost).width(2.0),
            &format!("host {ip}"),
            "manual endpoint, outside the cluster",
            Role::TextMuted,
        );
        scene.by_ip.insert(ip.clone(), id);
        next_slot += 1;
    }
    outside_box(
        &mut scene,
        next_slot,
        ObjectId::Remote,
        Style::new(Role::ExternalHost).dashed(),
        "other hosts",
        "internet, upstream DNS, ExternalName targets",
        Role::TextMuted,
    );

    // ---- Services --------------------------------------------------------------------------
    let mut svc_rects: BTreeMap<ObjectId, Rect> = BTreeMap::new();
    for (i, s) in services.iter().enumerate() {
        let (r, c) = (i / svc_cols, i % svc_cols);
        let rect = Rect::new(
            inner_x + c as f64 * (SVC_W + SVC_GAP),
            svc_y + r as f64 * (SVC_H + SVC_GAP),
            SVC_W,
            SVC_H,
        );
        let id = ObjectId::service(&s.metadata.namespace, &s.metadata.name);
        draw_service(&mut scene, &id, s, rect);
        svc_rects.insert(id, rect);
    }

    // ---- edges (drawn first among the foreground: inserted before the boxes) --------------
    let mut edges: Vec<Item> = Vec::new();
    for s in &services {
        let sid = ObjectId::service(&s.metadata.namespace, &s.metadata.name);
        let Some(srect) = svc_rects.get(&sid).copied() else {
            continue;
        };
        if opts.selector_edges && !s.spec.selector.is_empty() {
            for p in store.pods_in(Some(&s.metadata.namespace)) {
                if !map_selector_matches(&s.spec.selector, &p.metadata.labels) {
                    continue;
                }
                let pid = ObjectId::pod(&p.metadata.namespace, &p.metadata.name);
                if let Some(prect) = pod_rects.get(&pid) {
                    edges.push(edge(
                        EdgeKind::Selector,
                        &sid,
                        &pid,
                        Point::new(srect.center().x - 12.0, srect.bottom()),
                        Point::new(prect.center().x - 24.0, prect.y),
                    ));
                }
            }
        }
        if opts.endpoint_edges {
            let mut seen: BTreeSet<(ObjectId, EdgeKind)> = BTreeSet::new();
            for slice in store.slices_for_service(&s.metadata.namespace, &s.metadata.name) {
                for ep in &slice.endpoints {
                    let kind = if ep.conditions.ready == Some(false) {
                        EdgeKind::EndpointNotReady
                    } else {
                        EdgeKind::Endpoint
                    };
                    let target = ep_pod(ep)
                        .or_else(|| {
                            ep.addresses.iter().find_map(|a| {
                                pod_by_ip
                                    .get(a.as_str())
                                    .cloned()
                                    .or_else(|| scene.by_ip.get(a).cloned())
                            })
                        })
                        .unwrap_or(ObjectId::Remote);
                    if !seen.insert((target.clone(), kind)) {
                        continue;
                    }
                    let to = match &target {
                        ObjectId::Pod { .. } => pod_rects
                            .get(&target)
                            .map(|r| Point::new(r.center().x + 24.0, r.y)),
                        ObjectId::Node(n) => node_rects
                            .get(n)
                            .map(|r| Point::new(r.center().x + 24.0, r.y)),
                        other => scene.anchor(other),
                    };
                    if let Some(to) = to {
                        edges.push(edge(
                            kind,
                            &sid,
                            &target,
                            Point::new(srect.center().x + 12.0, srect.bottom()),
                            to,
                        ));
                    }
                }
            }
        }
    }
    for (ip, s) in &lbs {
        let lid = ObjectId::LoadBalancer(ip.clone());
        let sid = ObjectId::service(&s.metadata.namespace, &s.metadata.name);
        if let (Some(l), Some(r)) = (scene.rect(&lid), svc_rects.get(&sid)) {
            edges.push(edge(
                EdgeKind::LoadBalancer,
                &lid,
                &sid,
                Point::new(l.center().x, l.bottom()),
                Point::new(r.center().x, r.y),
            ));
        }
    }
    scene.layer = 1;
    for e in edges {
        scene.push(e.id, e.shape, e.style, false);
    }
    scene.finish();
    scene
}

fn edge(kind: EdgeKind, from: &ObjectId, to: &ObjectId, a: Point, b: Point) -> Item {
    let style = match kind {
        EdgeKind::Selector => Style::new(Role::EdgeSelector).width(1.0),
        EdgeKind::Endpoint => Style::new(Role::EdgeEndpoint).width(2.0),
        EdgeKind::EndpointNotReady => Style::new(Role::EdgeEndpointNotReady).dashed().width(2.0),
        EdgeKind::LoadBalancer => Style::new(Role::EdgeLoadBalancer).width(2.0),
    };
    Item {
        id: Some(ObjectId::Edge {
            kind,
            from: Box::new(from.clone()),
            to: Box::new(to.clone()),
        }),
        shape: Shape::Line { from: a, to: b },
        style,
        hittable: false,
    }
}

/// The pod an endpoint's `targetRef` names.
fn ep_pod(ep: &Endpoint) -> Option<ObjectId> {
    let r = ep.target_ref.as_ref()?;
    (r.kind == "Pod" && !r.name.is_empty()).then(|| ObjectId::pod(&r.namespace, &r.name))
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

fn qualified(ns: &str, name: &str) -> String {
    if ns == "default" {
        name.to_string()
    } else {
        format!("{ns}/{name}")
    }
}

fn draw_pod(scene: &mut Scene, id: &ObjectId, pod: &Pod, r: Rect, opts: &LayoutOptions) {
    let role = pod_role(pod);
    let style = match role {
        Role::PodPending | Role::PodTerminating => Style::new(role).dashed(),
        _ => Style::new(role),
    };
    scene.rect_item(id.clone(), r, style);
    let w = POD_W - 20.0;
    scene.text(
        Some(id),
        r.x + 10.0,
        r.y + 20.0,
        &pod.metadata.name,
        FONT_BODY,
        true,
        Align::Left,
        w,
        Role::Title,
    );
    let ip = if pod.status.pod_ip.is_empty() {
        "no IP yet"
    } else {
        pod.status.pod_ip.as_str()
    };
    let mut status = format!("{ip} · {}", pod_status_text(pod));
    if pod.spec.host_network {
        status.push_str(" · hostNetwork");
    }
    scene.text(
        Some(id),
        r.x + 10.0,
        r.y + 41.0,
        &status,
        FONT_BODY,
        false,
        Align::Left,
        w,
        Role::Text,
    );
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
        r.y + 61.0,
        &parts.join(" · "),
        FONT_SMALL,
        false,
        Align::Left,
        w,
        Role::TextMuted,
    );
}

fn draw_service(scene: &mut Scene, id: &ObjectId, s: &Service, r: Rect) {
    let ty = s.type_or_default();
    let role = if s.metadata.namespace == "kube-system" && s.metadata.name == "kube-dns" {
        Role::ServiceDns
    } else if ty == "ExternalName" {
        Role::ServiceExternalName
    } else if s.is_headless() {
        Role::ServiceHeadless
    } else {
        Role::Service
    };
    scene.rect_item(id.clone(), r, Style::new(role).width(2.0));
    let w = SVC_W - 20.0;
    let mut title = qualified(&s.metadata.namespace, &s.metadata.name);
    if role == Role::ServiceDns {
        title.push_str(" (DNS)");
    }
    scene.text(
        Some(id),
        r.x + 10.0,
        r.y + 22.0,
        &title,
        FONT_BODY,
        true,
        Align::Left,
        w,
        Role::Title,
    );
    let addr = if ty == "ExternalName" {
        format!("CNAME → {}", s.spec.external_name)
    } else {
        let ip = if s.is_headless() {
            "None (headless)".to_string()
        } else {
            s.spec.cluster_ip.clone()
        };
        match s.spec.ports.first() {
            Some(p) => {
                let target = p
                    .target_port
                    .as_ref()
                    .map(|t| format!(" → {t}"))
                    .unwrap_or_default();
                let more = if s.spec.ports.len() > 1 {
                    format!(" +{}", s.spec.ports.len() - 1)
                } else {
                    String::new()
                };
                format!("{ip}:{}{target}{more}", p.port)
            }
            None => ip,
        }
    };
    scene.text(
        Some(id),
        r.x + 10.0,
        r.y + 45.0,
        &addr,
        FONT_BODY,
        false,
        Align::Left,
        w,
        Role::Text,
    );
    // Third line: the type, then what it adds (the LB address, the nodePorts).
    let mut kind = ty.to_string();
    if let Some(ing) = s.status.load_balancer.ingress.first() {
        kind.push_str(&format!(" {}", ing.ip));
    } else if ty == "LoadBalancer" {
        kind.push_str(" <pending>");
    }
    let node_ports: Vec<String> = s
        .spec
        .ports
        .iter()
        .filter(|p| p.node_port != 0)
        .map(|p| format!(":{}", p.node_port))
        .collect();
    if !node_ports.is_empty() {
        kind.push_str(&format!(" · {}", node_ports.join(",")));
    }
    scene.text(
        Some(id),
        r.x + 10.0,
        r.y + 66.0,
        &kind,
        FONT_SMALL,
        false,
        Align::Left,
        w,
        Role::TextMuted,
    );
}
