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

mod edges;
mod gather;
mod geometry;
mod grid;
mod hit;
mod ids;
mod metrics;
mod nodes;
mod outside;
mod plan;
mod scene;
mod services;
mod view;

pub use gather::is_coredns;
pub use geometry::{Point, Rect};
pub use ids::{EdgeKind, ObjectId};
pub use metrics::{fit_text, text_width, CHAR_WIDTH, FONT_BODY, FONT_SMALL, FONT_TITLE};
pub use nodes::pod_role;
pub use plan::{Arrangement, Detail, Plan};
pub use scene::{Align, Item, Role, Scene, Shape, Style};
pub use view::{View, MAX_ZOOM, MIN_ZOOM};

use grid::Grid;
use std::collections::BTreeSet;
use svcsim_engine::cluster::Cluster;

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
    /// The canvas the scene is shown in, in CSS pixels: the layout picks the arrangement,
    /// node columns and level of detail that draw its text at 1:1 or larger there
    /// (`plan`). A height of 0: the canvas grows to the scene's height at the zoom its width
    /// allows (a phone, where the page scrolls), so only the width is planned for. None: the
    /// full picture, outside row on top.
    pub screen: Option<(u32, u32)>,
    /// Workloads (`namespace/name`) whose replicas are drawn one card each even when the plan
    /// groups replicas: the lecturer clicked their "web × 84" card to open it.
    pub expanded: BTreeSet<String>,
}

impl Default for LayoutOptions {
    fn default() -> Self {
        LayoutOptions {
            show_system: false,
            columns: None,
            max_labels: 2,
            selector_edges: true,
            endpoint_edges: true,
            screen: None,
            expanded: BTreeSet::new(),
        }
    }
}

/// Lay the cluster out. Pure and deterministic: the same cluster and options give the same
/// scene. Runs on every cluster change, so it is linear in objects plus edges.
///
/// The phases run in drawing order (each module says what it does): gather what to draw,
/// size the grid and draw the cluster box, then the nodes with their pods, the outside row,
/// the Services, and last the edges that join them. Items land in layers (back: cluster and
/// nodes; then edges; front: pods, Services, outside boxes) that `finish` sorts.
pub fn layout(cluster: &Cluster, opts: &LayoutOptions) -> Scene {
    let mut what = gather::gather(&cluster.store, opts);
    let plan = plan::choose(&mut what, opts);
    let grid = Grid::new(&what, &plan);
    let mut scene = Scene::default();
    scene.plan = Some(plan);
    grid.draw_cluster_box(&mut scene, cluster);
    let node_ports = services::node_ports(&what.services);
    let placed = nodes::draw_nodes(&mut scene, cluster, &grid, &what.nodes, &node_ports, opts);
    outside::draw_outside(&mut scene, &grid, &what.outside);
    let svcs = services::draw_services(
        &mut scene,
        &grid,
        &what.services,
        &what.slices,
        cluster.proxy_mode(),
    );
    edges::draw_edges(&mut scene, &cluster.store, opts, &what, &placed, &svcs);
    scene.finish();
    scene
}
