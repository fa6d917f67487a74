//! Metrics: font sizes, the sizes of every box, and text measured without font metrics.

/// Title font size (node and cluster names).
pub const FONT_TITLE: f64 = 18.0;
/// Body text (pod names, service addresses): 16 px on screen at zoom 1, the size a projector
/// needs (issue 12).
pub const FONT_BODY: f64 = 16.0;
/// The smallest text in the scene (labels); legible on a projector at zoom 1, and still 12 px
/// where a 1024×768 projector's canvas draws the widest examples at 0.87 (issue 12).
pub const FONT_SMALL: f64 = 14.0;
/// Average glyph width as a fraction of the font size (a sans-serif UI font).
pub const CHAR_WIDTH: f64 = 0.58;

pub(super) const POD_W: f64 = 256.0;
/// A card at `Detail::Grouped`: "web × 84" needs less room than a pod's full name, and the
/// narrower nodes let four of them share a projector's width.
pub(super) const POD_W_GROUPED: f64 = 190.0;
pub(super) const POD_H: f64 = 70.0;
/// A pod card without its labels line ([`Detail::Compact`](super::plan::Detail)).
pub(super) const POD_H_COMPACT: f64 = 52.0;
pub(super) const POD_GAP: f64 = 10.0;
pub(super) const NODE_PAD: f64 = 12.0;
/// Name, then the address, then the podCIDR: three lines, so a one-column node stays narrow.
pub(super) const NODE_HEADER: f64 = 74.0;
pub(super) const NODE_FOOTER: f64 = 30.0;
pub(super) const NODE_GAP_X: f64 = 16.0;
pub(super) const NODE_GAP_Y: f64 = 40.0;
pub(super) const SVC_W: f64 = 280.0;
pub(super) const SVC_H: f64 = 72.0;
pub(super) const SVC_GAP: f64 = 16.0;
/// Up to four Services share one row when each still gets this much.
pub(super) const SVC_W_MIN: f64 = 200.0;
/// An EndpointSlice chip under its Service, in the edge band.
pub(super) const SLICE_W: f64 = 86.0;
pub(super) const SLICE_W_MIN: f64 = 44.0;
pub(super) const SLICE_H: f64 = 22.0;
pub(super) const SLICE_GAP: f64 = 6.0;
/// Between two rows of Services: the upper row's EndpointSlice chips hang in it.
pub(super) const SVC_ROW_GAP: f64 = SLICE_H + 2.0 * SLICE_GAP;
/// Vertical room between the Services and the nodes, where the edges fan out.
pub(super) const EDGE_BAND: f64 = 56.0;
pub(super) const CLUSTER_PAD: f64 = 16.0;
pub(super) const CLUSTER_TITLE: f64 = 34.0;
/// One slot of the row above the cluster (client, LBs, manual endpoints, other hosts).
pub(super) const OUTSIDE_W: f64 = 200.0;
pub(super) const OUTSIDE_GAP_X: f64 = 20.0;
pub(super) const OUTSIDE_ROW_H: f64 = 2.0 * CLIENT_R + 48.0;
/// Between the outside row and the cluster box.
pub(super) const OUTSIDE_GAP: f64 = 24.0;
pub(super) const OUTSIDE_BOX_H: f64 = 64.0;
pub(super) const BADGE_W: f64 = 74.0;
pub(super) const BADGE_H: f64 = 24.0;
pub(super) const KP_W: f64 = 124.0;
pub(super) const KP_H: f64 = 26.0;
pub(super) const CLIENT_R: f64 = 34.0;
pub(super) const RADIUS: f64 = 10.0;

/// Width of `text` at `size` with the [`CHAR_WIDTH`] estimate.
pub fn text_width(text: &str, size: f64) -> f64 {
    text.chars().count() as f64 * size * CHAR_WIDTH
}

/// Shorten `text` with `…` so it fits `max_width` at `size`.
pub fn fit_text(text: &str, size: f64, max_width: f64) -> String {
    let max_chars = (max_width / (size * CHAR_WIDTH)).floor().max(1.0) as usize;
    if text.chars().count() <= max_chars {
        return text.to_string();
    }
    let mut s: String = text.chars().take(max_chars.saturating_sub(1)).collect();
    s.push('…');
    s
}
