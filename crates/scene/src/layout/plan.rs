//! Layout phase *plan*: how the scene is arranged for the screen it is shown on, so that its
//! text is read from the back of a lecture hall (issue 12).
//!
//! World units are CSS pixels at zoom 1 and every font is at least [`FONT_SMALL`] there, so a
//! scene shown at zoom ≥ 1 has every text ≥ 14 px on screen and its body text at 16 px. When
//! the page says how large its canvas is ([`LayoutOptions::screen`]), the layout tries the
//! arrangements below, richest detail first, and keeps the first that is shown at zoom ≥ 1;
//! when none is, the one drawn largest. The choice depends only on the cluster and the
//! screen's size, so the same link on the same screen gives the same picture.
//!
//! * [`Arrangement`]: the outside row above the cluster (tall screens, a phone) or a column
//!   at its left (a 16:9 projector, where height is what runs out first);
//! * node grid columns: one row of nodes on a wide canvas, one column on a phone;
//! * [`Detail`]: pod cards with their labels, then without, then the replicas of one workload
//!   on one node grouped into one card ("web × 84": the 250-pod example stays readable).

use super::gather::Gathered;
use super::grid::{columns_for, Grid};
#[cfg(doc)]
use super::metrics::FONT_SMALL;
use super::LayoutOptions;

/// Where the outside row goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Arrangement {
    /// Above the cluster, wrapping at its width.
    Tall,
    /// In a column left of the cluster.
    Wide,
}

/// How much each pod card says.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Detail {
    /// Name; address and status; namespace and labels.
    Full,
    /// Name; address and status (labels are in the inspector and the hover).
    Compact,
    /// Compact, and the replicas of one workload on one node as one card.
    Grouped,
}

/// The arrangement the grid is built for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Plan {
    pub arrangement: Arrangement,
    /// Node grid columns.
    pub columns: usize,
    pub detail: Detail,
}

/// A plan is readable when its scene is shown at least this large (labels ≥ 14 px, body text
/// 16 px).
const READABLE_ZOOM: f64 = 1.0;
/// On a canvas that grows with the scene (a phone, held at arm's length rather than read
/// across a hall), a plan is readable a little smaller: labels 13 px, body text ~15 px.
const READABLE_ZOOM_OPEN: f64 = 12.0 / 13.0;
/// Margin the canvas fits the scene with (`View::fit`'s margin) plus the scene's own inflate.
const FIT_MARGIN: f64 = 32.0;
/// Beyond this many nodes only the default column count is tried (the grid is then a
/// roughly 3:2 block whatever the screen).
const MAX_NODES_TRIED: usize = 8;

/// The zoom `View::fit` will give a grid in a `w` × `h` screen; `h` None: a canvas as tall as
/// the scene needs, so only the width counts.
fn fit_zoom(grid: &Grid, w: f64, h: Option<f64>) -> f64 {
    let b = grid.bounds();
    let by_width = (w - FIT_MARGIN) / (b.w + FIT_MARGIN);
    match h {
        Some(h) => by_width.min((h - FIT_MARGIN) / (b.h + FIT_MARGIN)),
        None => by_width,
    }
}

/// Choose the plan, grouping `what`'s replicas when the plan says so.
pub(super) fn choose(what: &mut Gathered, opts: &LayoutOptions) -> Plan {
    let default_cols = opts
        .columns
        .unwrap_or_else(|| columns_for(what.node_count))
        .max(1);
    let Some((sw, sh)) = opts.screen else {
        return Plan {
            arrangement: Arrangement::Tall,
            columns: default_cols,
            detail: Detail::Full,
        };
    };
    // A height of 0: the canvas grows with the scene (the page scrolls, as on a phone).
    let sh = (sh > 0).then(|| f64::from(sh.max(100)));
    let readable = if sh.is_some() {
        READABLE_ZOOM
    } else {
        READABLE_ZOOM_OPEN
    };
    let sw = f64::from(sw.max(100));
    let columns: Vec<usize> = match opts.columns {
        Some(c) => vec![c.max(1)],
        None if what.node_count <= MAX_NODES_TRIED => (1..=what.node_count.max(1)).collect(),
        None => vec![default_cols],
    };
    // The best plan of one level of detail, and its zoom.
    let best_of = |what: &Gathered, detail: Detail| -> (Plan, f64) {
        let mut best: Option<(Plan, f64)> = None;
        for arrangement in [Arrangement::Tall, Arrangement::Wide] {
            for &columns in &columns {
                let plan = Plan {
                    arrangement,
                    columns,
                    detail,
                };
                let z = fit_zoom(&Grid::new(what, &plan), sw, sh);
                if best.is_none_or(|(_, bz)| z > bz + 1e-9) {
                    best = Some((plan, z));
                }
            }
        }
        best.unwrap_or((
            Plan {
                arrangement: Arrangement::Tall,
                columns: default_cols,
                detail,
            },
            1.0,
        ))
    };
    let mut tried: Vec<(Plan, f64)> = Vec::new();
    for detail in [Detail::Full, Detail::Compact] {
        let (plan, z) = best_of(what, detail);
        if z >= readable {
            return plan;
        }
        tried.push((plan, z));
    }
    let grouped_helps = what.nodes.iter().any(|n| n.pods.len() > 1);
    if grouped_helps {
        for n in &mut what.nodes {
            n.group_replicas(&opts.expanded);
        }
        let (plan, z) = best_of(what, Detail::Grouped);
        if z >= readable {
            return plan;
        }
        tried.push((plan, z));
    }
    // Nothing is readable at 1:1: the plan drawn largest (the richer of two nearly equal).
    let top = tried.iter().map(|(_, z)| *z).fold(0.0, f64::max);
    let (plan, _) = tried
        .iter()
        .copied()
        .find(|(_, z)| *z >= 0.98 * top)
        .unwrap_or(tried[tried.len() - 1]);
    if plan.detail != Detail::Grouped && grouped_helps {
        // Grouping was tried on `what`: undo it.
        for n in &mut what.nodes {
            n.cards = n
                .pods
                .iter()
                .map(|&p| super::gather::Card::Pod(p))
                .collect();
        }
    }
    plan
}
