//! Layout phase *grid*: the sizes every later phase places things by — node and pod columns,
//! the cluster's width, the outside row's slots, the Service rows, each node row's height —
//! computed from what was gathered before anything is drawn; then the cluster box they fill.

use super::gather::{Gathered, NodeBox};
use super::geometry::Rect;
use super::ids::ObjectId;
use super::metrics::{
    BADGE_H, CLUSTER_PAD, CLUSTER_TITLE, EDGE_BAND, FONT_TITLE, NODE_FOOTER, NODE_GAP_X,
    NODE_GAP_Y, NODE_HEADER, NODE_PAD, OUTSIDE_BOX_H, OUTSIDE_GAP, OUTSIDE_GAP_X, OUTSIDE_ROW_H,
    OUTSIDE_W, POD_GAP, POD_H, POD_H_COMPACT, POD_W, POD_W_GROUPED, SVC_GAP, SVC_H, SVC_ROW_GAP,
    SVC_W, SVC_W_MIN,
};
use super::plan::{Arrangement, Detail, Plan};
use super::scene::{Align, Role, Scene, Style};
use svcsim_engine::cluster::Cluster;

/// Columns of the node grid for `n` nodes: one row up to 4 nodes, then a roughly 3:2 grid.
pub(super) fn columns_for(n: usize) -> usize {
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
fn pod_columns_for(max_pods: usize, node_cols: usize, pod_w: f64, pod_h: f64) -> usize {
    match max_pods {
        0..=4 => 1,
        5..=16 => 2,
        n => {
            // Node height ≈ n / c × row; grid width ≈ node_cols × c × card: solve for 3:2.
            let row = pod_h + POD_GAP;
            let card = pod_w + POD_GAP;
            let c = (n as f64 * row * 1.5 / (node_cols.max(1) as f64 * card)).sqrt();
            (c.ceil() as usize).clamp(2, 24)
        }
    }
}

/// The rows of the node grid: where each starts and how tall it is.
struct NodeRows {
    y: Vec<f64>,
    h: Vec<f64>,
    /// The bottom of the last row (the top of the first when there are no nodes).
    bottom: f64,
}

impl NodeRows {
    /// Row heights: tallest node of each grid row, rounded up to an even number of pod rows.
    fn new(nodes: &[NodeBox], cols: usize, pod_cols: usize, pod_h: f64, nodes_y: f64) -> NodeRows {
        let pod_rows = |n: &NodeBox| n.cards.len().div_ceil(pod_cols).max(1);
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
            let h = NODE_HEADER + rows as f64 * (pod_h + POD_GAP) - POD_GAP + NODE_FOOTER;
            row_y.push(y);
            row_h.push(h);
            y += h + NODE_GAP_Y;
        }
        let bottom = if grid_rows == 0 {
            nodes_y
        } else {
            y - NODE_GAP_Y
        };
        NodeRows {
            y: row_y,
            h: row_h,
            bottom,
        }
    }
}

/// Where everything goes, decided before anything is drawn.
pub(super) struct Grid {
    /// Node grid columns.
    cols: usize,
    /// Pod columns inside every node.
    pod_cols: usize,
    /// The size of a pod card at the plan's detail.
    pub(super) pod_w: f64,
    pub(super) pod_h: f64,
    /// The width of a Service box.
    svc_w: f64,
    arrangement: Arrangement,
    /// How many slots the outside row (or column) has.
    slots: usize,
    /// The width of every node box.
    pub(super) node_w: f64,
    /// The node grid's width (the Services wrap at it too).
    grid_w: f64,
    /// Slots per row of the outside row.
    slots_per_row: usize,
    /// Service columns.
    svc_cols: usize,
    /// The left edge of the cluster's content.
    inner_x: f64,
    /// The top of the first Service row.
    svc_y: f64,
    /// The top of the first node row.
    nodes_y: f64,
    rows: NodeRows,
    /// The cluster's outline.
    cluster_rect: Rect,
}

impl Grid {
    pub(super) fn new(what: &Gathered, plan: &Plan) -> Grid {
        let cols = plan.columns.max(1);
        let pod_h = if plan.detail == Detail::Full {
            POD_H
        } else {
            POD_H_COMPACT
        };
        let pod_w = if plan.detail == Detail::Grouped {
            POD_W_GROUPED
        } else {
            POD_W
        };
        let max_pods = what.nodes.iter().map(|n| n.cards.len()).max().unwrap_or(0);
        let pod_cols = pod_columns_for(max_pods, cols, pod_w, pod_h);
        let node_w = NODE_PAD * 2.0 + pod_w * pod_cols as f64 + POD_GAP * (pod_cols as f64 - 1.0);
        let grid_w = cols as f64 * node_w + (cols as f64 - 1.0) * NODE_GAP_X;
        let cluster_w = grid_w.max(SVC_W) + 2.0 * CLUSTER_PAD;
        // The outside row wraps at the cluster's width (one slot a row above a one-column
        // cluster: a phone's width is the cluster's).
        let slots = 2 + what.outside.lbs.len() + what.outside.externals.len();
        let slots_per_row = match plan.arrangement {
            Arrangement::Tall => (((cluster_w + OUTSIDE_GAP_X) / (OUTSIDE_W + OUTSIDE_GAP_X))
                .floor() as usize)
                .max(1),
            Arrangement::Wide => 1,
        };
        let outside_rows = slots.div_ceil(slots_per_row);
        let mut svc_cols = (((grid_w + SVC_GAP) / (SVC_W + SVC_GAP)).floor() as usize).max(1);
        let mut svc_w = SVC_W;
        // Four Services (two of the user's, kubernetes, kube-dns) in one row rather than two.
        let n = what.services.len();
        if n > svc_cols && n <= 4 {
            let w = (grid_w - (n as f64 - 1.0) * SVC_GAP) / n as f64;
            if w >= SVC_W_MIN {
                svc_cols = n;
                svc_w = w.min(SVC_W);
            }
        }
        let svc_rows = what.services.len().div_ceil(svc_cols);
        let (cluster_x, cluster_y) = match plan.arrangement {
            Arrangement::Tall => (
                0.0,
                outside_rows as f64 * (OUTSIDE_ROW_H + OUTSIDE_GAP_X) - OUTSIDE_GAP_X + OUTSIDE_GAP,
            ),
            Arrangement::Wide => (OUTSIDE_W + OUTSIDE_GAP, 0.0),
        };
        let inner_x = cluster_x + CLUSTER_PAD;
        let svc_y = cluster_y + CLUSTER_TITLE;
        let svc_block_h = if svc_rows == 0 {
            0.0
        } else {
            svc_rows as f64 * (SVC_H + SVC_ROW_GAP) - SVC_ROW_GAP
        };
        let nodes_y = svc_y + svc_block_h + EDGE_BAND;
        let rows = NodeRows::new(&what.nodes, cols, pod_cols, pod_h, nodes_y);
        let cluster_rect = Rect::new(
            cluster_x,
            cluster_y,
            cluster_w,
            (rows.bottom + CLUSTER_PAD - cluster_y).max(CLUSTER_TITLE + SVC_H),
        );
        Grid {
            cols,
            pod_cols,
            pod_w,
            pod_h,
            svc_w,
            arrangement: plan.arrangement,
            slots,
            node_w,
            grid_w,
            slots_per_row,
            svc_cols,
            inner_x,
            svc_y,
            nodes_y,
            rows,
            cluster_rect,
        }
    }

    /// Everything the grid places: the cluster box and the outside slots (what the canvas
    /// fits, before the scene's own margin), with the NodePort badges under the last row.
    pub(super) fn bounds(&self) -> Rect {
        let last_slot = self.slot_rect(self.slots.saturating_sub(1));
        let outside = Rect::new(
            0.0,
            0.0,
            match self.arrangement {
                Arrangement::Tall => {
                    (self.slots.min(self.slots_per_row)) as f64 * (OUTSIDE_W + OUTSIDE_GAP_X)
                        - OUTSIDE_GAP_X
                }
                Arrangement::Wide => OUTSIDE_W,
            },
            last_slot.bottom(),
        );
        let cluster = self.cluster_rect;
        outside.union(&cluster).union(&Rect::new(
            cluster.x,
            cluster.y,
            cluster.w,
            cluster.h + BADGE_H / 2.0,
        ))
    }

    /// Slot `i` of the row above the cluster (client, LBs, manual endpoints, other hosts).
    pub(super) fn slot_rect(&self, i: usize) -> Rect {
        if self.arrangement == Arrangement::Wide && i > 0 {
            // A column: the client's circle, then boxes only as tall as a box.
            const GAP: f64 = 12.0;
            return Rect::new(
                0.0,
                OUTSIDE_ROW_H + GAP + (i - 1) as f64 * (OUTSIDE_BOX_H + GAP),
                OUTSIDE_W,
                OUTSIDE_BOX_H,
            );
        }
        Rect::new(
            (i % self.slots_per_row) as f64 * (OUTSIDE_W + OUTSIDE_GAP_X),
            (i / self.slots_per_row) as f64 * (OUTSIDE_ROW_H + OUTSIDE_GAP_X),
            OUTSIDE_W,
            OUTSIDE_ROW_H,
        )
    }

    /// The box of the `i`-th node (in gathered order): its cell, as tall as its row.
    pub(super) fn node_rect(&self, i: usize) -> Rect {
        let (r, c) = (i / self.cols, i % self.cols);
        Rect::new(
            self.inner_x + c as f64 * (self.node_w + NODE_GAP_X),
            self.rows.y.get(r).copied().unwrap_or(self.nodes_y),
            self.node_w,
            self.rows
                .h
                .get(r)
                .copied()
                .unwrap_or(NODE_HEADER + NODE_FOOTER),
        )
    }

    /// The card of the `k`-th pod inside the node box `node`.
    pub(super) fn pod_rect(&self, node: Rect, k: usize) -> Rect {
        let (pr, pc) = (k / self.pod_cols, k % self.pod_cols);
        Rect::new(
            node.x + NODE_PAD + pc as f64 * (self.pod_w + POD_GAP),
            node.y + NODE_HEADER + pr as f64 * (self.pod_h + POD_GAP),
            self.pod_w,
            self.pod_h,
        )
    }

    /// The box of the `i`-th Service (in display order).
    pub(super) fn service_rect(&self, i: usize) -> Rect {
        let (r, c) = (i / self.svc_cols, i % self.svc_cols);
        Rect::new(
            self.inner_x + c as f64 * (self.svc_w + SVC_GAP),
            self.svc_y + r as f64 * (SVC_H + SVC_ROW_GAP),
            self.svc_w,
            SVC_H,
        )
    }

    /// The cluster box: its outline and a title naming the cluster (and dual stack), the proxy
    /// mode and the Service (every ServiceCIDR's) and pod ranges.
    pub(super) fn draw_cluster_box(&self, scene: &mut Scene, cluster: &Cluster) {
        scene.rect_item(
            ObjectId::Cluster,
            self.cluster_rect,
            Style::new(Role::Cluster).width(2.5),
        );
        // A dual-stack cluster says so first and names both ranges of each kind; the Service
        // ranges are every ServiceCIDR's (the default one first), those being deleted marked.
        let c = &cluster.config;
        let both = |v4: &str, v6: &Option<String>| match v6 {
            Some(v6) => format!("{v4} + {v6}"),
            None => v4.to_string(),
        };
        let default = svcsim_engine::cluster::DEFAULT_SERVICE_CIDR;
        let mut ranges: Vec<String> = cluster
            .store
            .service_cidrs
            .values()
            .filter(|sc| sc.metadata.name != default)
            .map(|sc| {
                let deleting = if sc.metadata.deletion_timestamp.is_some() {
                    " (terminating)"
                } else {
                    ""
                };
                format!("{}{deleting}", sc.spec.cidrs.join(" + "))
            })
            .collect();
        ranges.insert(0, both(&c.service_subnet, &c.service_subnet_v6));
        let title = format!(
            "cluster {}{} · kube-proxy {} · Services {} · pods {}",
            c.name,
            if c.dual_stack() { " · dual-stack" } else { "" },
            cluster.proxy_mode(),
            ranges.join(" + "),
            both(&c.pod_subnet, &c.pod_subnet_v6)
        );
        scene.text(
            Some(&ObjectId::Cluster),
            self.inner_x,
            self.cluster_rect.y + 25.0,
            &title,
            FONT_TITLE,
            true,
            Align::Left,
            self.grid_w.max(SVC_W),
            Role::Title,
        );
    }
}
