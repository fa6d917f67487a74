//! A journey as the event list shows it: every hop in order (DNS lookups first, then the
//! connection, then the reply), the same order as `svcsim_scene::animation::Timeline`'s events,
//! so row `i` and the timeline's hop `i` are the same hop. Where and when the packet is drawn is
//! the timeline's business.

use svcsim_engine::trace::{Action, Hop, Journey};

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
