//! A journey as the player shows it: every hop in order (DNS lookups first, then the
//! connection, then the reply), each with where it is drawn. The animation clock `t` counts hops:
//! at `t = 2.5` the packet is halfway between the anchors of hop 2 and hop 3. With reduced
//! motion the packet jumps (`t` is floored).

use svcsim_engine::trace::{Action, Hop, Journey};
use svcsim_scene::layout::{Point, Scene};

/// Which part of the journey a hop belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Phase {
    /// A DNS query (index of the query).
    DnsQuery(usize),
    /// The DNS answer coming back.
    DnsReply(usize),
    Request,
    Reply,
}

impl Phase {
    pub fn label(self) -> &'static str {
        match self {
            Phase::DnsQuery(_) => "DNS query",
            Phase::DnsReply(_) => "DNS answer",
            Phase::Request => "request",
            Phase::Reply => "reply",
        }
    }

    pub fn is_dns(self) -> bool {
        matches!(self, Phase::DnsQuery(_) | Phase::DnsReply(_))
    }

    pub fn is_reply(self) -> bool {
        matches!(self, Phase::DnsReply(_) | Phase::Reply)
    }
}

/// One step of the player.
#[derive(Debug, Clone, PartialEq)]
pub struct Step {
    pub phase: Phase,
    pub hop: Hop,
}

/// Every hop of a journey in the order it happens.
pub fn steps(j: &Journey) -> Vec<Step> {
    let mut out = Vec::new();
    for (i, q) in j.dns_queries.iter().enumerate() {
        out.extend(q.hops.iter().map(|h| Step {
            phase: Phase::DnsQuery(i),
            hop: h.clone(),
        }));
        out.extend(q.reply.iter().map(|h| Step {
            phase: Phase::DnsReply(i),
            hop: h.clone(),
        }));
    }
    out.extend(j.hops.iter().map(|h| Step {
        phase: Phase::Request,
        hop: h.clone(),
    }));
    out.extend(j.reply.iter().map(|h| Step {
        phase: Phase::Reply,
        hop: h.clone(),
    }));
    out
}

/// Whether the packet stops at this hop (dropped, refused, lost).
pub fn is_failure(hop: &Hop) -> bool {
    matches!(
        hop.action,
        Action::Reject | Action::Drop | Action::Refuse | Action::Lost
    )
}

/// Where each step is drawn (the previous anchor when a place is not in the scene).
pub fn anchors(steps: &[Step], scene: &Scene) -> Vec<Point> {
    let mut last = scene.bounds().center();
    steps
        .iter()
        .map(|s| {
            if let Some(p) = scene.anchor_for_place(&s.hop.place) {
                last = p;
            }
            last
        })
        .collect()
}

/// The step index at clock `t`.
pub fn index_at(t: f64, len: usize) -> usize {
    if len == 0 || !t.is_finite() || t <= 0.0 {
        return 0;
    }
    // t is finite and positive; the cast saturates.
    #[allow(clippy::cast_possible_truncation, clippy::cast_sign_loss)]
    let i = t.floor() as usize;
    i.min(len - 1)
}

/// Where the packet is at clock `t`.
pub fn position_at(anchors: &[Point], t: f64, reduced_motion: bool) -> Option<Point> {
    let i = index_at(t, anchors.len());
    let a = *anchors.get(i)?;
    if reduced_motion {
        return Some(a);
    }
    match anchors.get(i + 1) {
        Some(b) => Some(a.lerp(*b, (t - t.floor()).clamp(0.0, 1.0))),
        None => Some(a),
    }
}
