//! A packet [`Journey`] → a [`Timeline`]: where the packet is drawn at every instant.
//!
//! Order (what the lecture tells): every DNS query first — out through the search list to
//! kube-dns, DNAT to a CoreDNS pod, and its answer back — then the connection's hops, then
//! the reply being un-NATed on its way back. Each hop is a *stop* at the place
//! [`Scene::anchor_for_place`] gives; the packet travels between stops at a constant speed
//! (with a minimum per hop, so short hops stay visible) and pauses at each stop — longer where
//! NAT rewrote the header, so the class can read "before → after".
//!
//! Times are milliseconds at speed 1; the page multiplies wall time by its speed setting
//! (see [`Playhead`]). Everything is precomputed in [`Timeline::new`]; per frame,
//! [`Timeline::position_at`] is a binary search, so 100 packets in the air
//! ([`looping_sprites`]) cost 100 binary searches.

use crate::layout::{Point, Rect, Scene};
use svcsim_engine::dns::{DnsResponse, RData, Rcode};
use svcsim_engine::proxy::{LbDecision, Step};
use svcsim_engine::trace::{Action, Hop, Journey, Place};

/// World units per millisecond a packet travels (600 px/s at zoom 1).
pub const SPEED_PX_PER_MS: f64 = 0.6;
/// The shortest time a hop's travel takes, so hops between nearby spots are still seen.
pub const MIN_TRAVEL_MS: f64 = 300.0;
/// Pause at a stop where nothing changed.
pub const DWELL_MS: f64 = 350.0;
/// Pause at a stop where NAT rewrote the header (time to read "before → after").
pub const NAT_DWELL_MS: f64 = 1400.0;

/// Which part of the story a hop belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Phase {
    /// A DNS query or its answer.
    Dns,
    /// The connection's first packet on its way to the server.
    Request,
    /// The server's answer on its way back.
    Reply,
}

impl Phase {
    pub fn as_str(self) -> &'static str {
        match self {
            Phase::Dns => "dns",
            Phase::Request => "request",
            Phase::Reply => "reply",
        }
    }
}

/// One row of the event list (Packet Tracer's "Event List"): one per hop, in playing order.
/// The canvas, the event list, the hop details and the rules view all read these rows, so
/// "row i is hop i" holds by construction.
#[derive(Debug, Clone, PartialEq)]
pub struct HopEvent {
    /// Position in [`Timeline::events`] (what `hop_index` refers to).
    pub index: usize,
    pub phase: Phase,
    /// Which leg: `DNS query 1`, `DNS answer 1`, `request`, `reply`.
    pub leg: String,
    /// For a DNS leg, the name asked (`my-service.default.svc.cluster.local`, one candidate of
    /// the search list per query).
    pub query: Option<String>,
    /// For a DNS leg, the question as `dig` would ask it (`my-service.default.svc.cluster.local.
    /// A`) and, on the answer's way back, what CoreDNS answered (`A 10.96.163.255`, the CNAME
    /// chain, `NXDOMAIN`…): the search list's walk and headless/ExternalName answers, visible.
    pub dns: Option<DnsText>,
    /// Hop number inside its leg, from 1 (as the CLI's trace numbers them).
    pub number: usize,
    pub place: Place,
    /// The place as the CLI prints it (`kube-proxy iptables (kind-worker)`).
    pub place_text: String,
    pub action: Action,
    /// The action in one word (`DNAT`, `MASQUERADE`, `deliver`).
    pub action_text: &'static str,
    pub note: String,
    /// The header when the packet arrives (`10.244.1.5:43210 > 10.96.97.12:80  TCP SYN`).
    pub before: String,
    /// The header when it leaves (equal to `before` unless NAT happened here).
    pub after: String,
    /// Whether the header changed here (DNAT, MASQUERADE, conntrack un-NAT).
    pub nat: bool,
    /// The packet stops here: rejected, dropped, refused or lost.
    pub failed: bool,
    /// The kube-proxy rules that matched; their `Display` is what `svcsim trace` prints
    /// (`nat: -A KUBE-SERVICES …`), their `text` the exact rendered rule (to highlight it in
    /// the rules view).
    pub rules: Vec<Step>,
    /// The load-balancing choice (`Display`: `KUBE-SVC-…: endpoint 2 of 3 (p=0.5)`).
    pub lb: Option<LbDecision>,
    pub affinity_hit: bool,
}

/// A DNS leg's content in words.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DnsText {
    /// `my-service.default.svc.cluster.local A`.
    pub question: String,
    /// Only on the answer's hops: `A 10.96.163.255`, `CNAME db.example.com → A 93.184.216.34`,
    /// `NXDOMAIN (no such name)`, `NODATA (the name exists, no A record)`, `SERVFAIL`.
    pub answer: Option<String>,
    /// On the first lookup's legs: the client's resolver (`glibc`, `musl` for an Alpine image),
    /// which decides the order of the search list and where the walk stops.
    pub resolver: Option<svcsim_engine::dns::ResolverFlavor>,
}

/// What a response says, in one line: its records (the A records of one name on one line, a
/// CNAME chain with arrows), or why it has none.
pub fn answer_text(r: &DnsResponse) -> String {
    match r.rcode {
        Rcode::NoError if r.answer.is_empty() => {
            format!("NODATA (the name exists, no {} record)", r.question.qtype)
        }
        Rcode::NoError => {
            // Runs of one address type share their type word: `A 10.244.1.3, 10.244.2.2`.
            let mut parts: Vec<(String, Vec<String>)> = Vec::new();
            for rec in &r.answer {
                let ty = rec.record_type().to_string();
                let address = matches!(rec.data, RData::A(_) | RData::Aaaa(_));
                match parts.last_mut() {
                    Some((last, values)) if address && *last == ty => {
                        values.push(rec.data.to_string())
                    }
                    _ => parts.push((ty, vec![rec.data.to_string()])),
                }
            }
            parts
                .iter()
                .map(|(ty, values)| format!("{ty} {}", values.join(", ")))
                .collect::<Vec<_>>()
                .join(" → ")
        }
        Rcode::NxDomain => "NXDOMAIN (no such name)".to_string(),
        other => other.to_string(),
    }
}

impl HopEvent {
    /// What happens here in words: `DNAT: …`, or the note alone when it already starts with
    /// the action (`DNAT → 10.244.0.3:53 (KUBE-SEP-…)`, not `DNAT: DNAT → …`).
    pub fn what(&self) -> String {
        let starts = self
            .note
            .get(..self.action_text.len())
            .is_some_and(|head| head.eq_ignore_ascii_case(self.action_text));
        if starts || self.action_text.is_empty() {
            self.note.clone()
        } else if self.note.is_empty() {
            self.action_text.to_string()
        } else {
            format!("{}: {}", self.action_text, self.note)
        }
    }

    /// The node whose kube-proxy rules matched at this hop (the rules view shows that node).
    pub fn rules_node(&self) -> Option<&str> {
        match &self.place {
            Place::KubeProxy { node, .. } => Some(node),
            _ => None,
        }
    }
}

/// One packet's image at an instant.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Sprite<'a> {
    /// World coordinates.
    pub pos: Point,
    pub phase: Phase,
    /// The hop it is at, or last left ([`Timeline::events`] index).
    pub hop_index: usize,
    /// The header to draw next to it: while pausing at a NAT stop `before → after`, while
    /// travelling the header it carries.
    pub label: &'a str,
    /// Pausing at a stop (not travelling).
    pub at_stop: bool,
    /// Pausing at a stop where NAT happened (the renderer may flash it).
    pub nat: bool,
}

#[derive(Debug, Clone, PartialEq)]
struct Stop {
    pos: Point,
    arrive: f64,
    depart: f64,
    /// Label while pausing here.
    label: String,
}

/// A journey laid out in time. Build once per journey (and again when the scene changes).
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Timeline {
    events: Vec<HopEvent>,
    stops: Vec<Stop>,
    total: f64,
}

/// The action in one word, as the event list shows it.
pub fn action_text(a: Action) -> &'static str {
    match a {
        Action::Send => "send",
        Action::Enter => "enter",
        Action::Route => "route",
        Action::Arp => "ARP",
        Action::Dnat => "DNAT",
        Action::Accept => "accept",
        Action::Masquerade => "MASQUERADE",
        Action::UnNat => "un-NAT",
        Action::Reject => "REJECT",
        Action::Drop => "DROP",
        Action::Deliver => "deliver",
        Action::Refuse => "refused",
        Action::Lost => "lost",
    }
}

fn place_text(p: &Place) -> String {
    p.to_string()
}

/// A leg of the journey: its phase, its name in the event list, the DNS name it asks.
struct Leg<'a> {
    phase: Phase,
    label: String,
    query: Option<&'a str>,
    dns: Option<DnsText>,
}

fn event(index: usize, leg: &Leg<'_>, number: usize, h: &Hop) -> HopEvent {
    let before = h.before.to_string();
    let after = h.after.to_string();
    HopEvent {
        index,
        phase: leg.phase,
        leg: leg.label.clone(),
        query: leg.query.map(str::to_string),
        dns: leg.dns.clone(),
        number,
        place: h.place.clone(),
        place_text: place_text(&h.place),
        action: h.action,
        action_text: action_text(h.action),
        note: h.note.clone(),
        nat: h.before != h.after,
        failed: matches!(
            h.action,
            Action::Reject | Action::Drop | Action::Refuse | Action::Lost
        ),
        before,
        after,
        rules: h.rules.clone(),
        lb: h.lb.clone(),
        affinity_hit: h.affinity_hit,
    }
}

/// A DNS lookup as one step: at the client, its question and answer, the header it left with
/// and the one it came back with; failed if any of its hops failed. None for a query with no
/// hops (it was never sent).
fn folded(
    index: usize,
    query: &Leg<'_>,
    answer: &Leg<'_>,
    out: &[Hop],
    back: &[Hop],
) -> Option<HopEvent> {
    let first = out.first()?;
    let last = back.last().or(out.last())?;
    let failing = out.iter().chain(back).find(|h| {
        matches!(
            h.action,
            Action::Reject | Action::Drop | Action::Refuse | Action::Lost
        )
    });
    let n = out.len() + back.len();
    let mut e = event(index, answer, 1, first);
    e.leg = query.label.replace("query", "lookup");
    e.action_text = "lookup";
    e.note = match failing {
        Some(h) => format!("failed at {}: {}", h.place, h.note),
        None => format!("{n} hops to CoreDNS and back, folded (untick Fold DNS to follow them)"),
    };
    e.failed = failing.is_some();
    e.after = last.after.to_string();
    e.nat = false;
    e.rules = Vec::new();
    e.lb = None;
    Some(e)
}

/// The queries in the order they were sent (steps that were never sent are skipped): the
/// name, its question, and the response it got.
fn queries(j: &Journey) -> Vec<(&str, String, Option<&DnsResponse>)> {
    j.resolution
        .as_ref()
        .map(|r| {
            r.steps
                .iter()
                .filter_map(|s| {
                    let resp = s.response.as_ref().ok()?;
                    Some((
                        s.candidate.as_str(),
                        format!("{} {}", s.candidate, r.qtype),
                        Some(resp),
                    ))
                })
                .collect()
        })
        .unwrap_or_default()
}

impl Timeline {
    /// Lay `journey` out in time over `scene`. A hop whose place the scene does not show
    /// stays where the previous hop was (or the scene's centre), so nothing ever panics and
    /// every hop still gets its time slot in the event list.
    pub fn new(journey: &Journey, scene: &Scene) -> Timeline {
        Timeline::build(journey, scene, false)
    }

    /// [`Timeline::new`], with each DNS lookup folded into one step when `fold_dns` (the
    /// page's "Fold DNS": 13 of a ClusterIP trace's 23 hops are DNS; folded, the question and
    /// its answer are one row at the client, and the connection's hops follow at once).
    pub fn build(journey: &Journey, scene: &Scene, fold_dns: bool) -> Timeline {
        let asked = queries(journey);
        let mut legs: Vec<(Leg<'_>, &[Hop])> = Vec::new();
        for (q, dj) in journey.dns_queries.iter().enumerate() {
            let (query, question, response) = match asked.get(q) {
                Some((name, question, response)) => (
                    Some(*name).filter(|n| !n.is_empty()),
                    Some(question),
                    *response,
                ),
                None => (None, None, None),
            };
            let resolver = journey
                .resolution
                .as_ref()
                .filter(|_| q == 0)
                .map(|r| r.flavor);
            let dns = |label: String, answer: bool| Leg {
                phase: Phase::Dns,
                label,
                query,
                dns: question.map(|question| DnsText {
                    question: question.clone(),
                    answer: response.filter(|_| answer).map(answer_text),
                    resolver,
                }),
            };
            legs.push((dns(format!("DNS query {}", q + 1), false), &dj.hops));
            legs.push((dns(format!("DNS answer {}", q + 1), true), &dj.reply));
        }
        let plain = |phase, label: &str| Leg {
            phase,
            label: label.to_string(),
            query: None,
            dns: None,
        };
        legs.push((plain(Phase::Request, "request"), &journey.hops));
        legs.push((plain(Phase::Reply, "reply"), &journey.reply));
        let mut events = Vec::new();
        let mut legs = legs.into_iter().peekable();
        while let Some((leg, hops)) = legs.next() {
            if fold_dns && leg.phase == Phase::Dns {
                // A query's leg and its answer's leg: one step.
                let answer = legs.next_if(|(l, _)| l.phase == Phase::Dns);
                let back = answer.as_ref().map_or(&[][..], |(_, h)| *h);
                let answer_leg = answer.as_ref().map_or(&leg, |(l, _)| l);
                if let Some(e) = folded(events.len(), &leg, answer_leg, hops, back) {
                    events.push(e);
                }
                continue;
            }
            for (n, h) in hops.iter().enumerate() {
                events.push(event(events.len(), &leg, n + 1, h));
            }
        }
        Timeline::from_events(events, scene)
    }

    /// Times from events: travel proportional to distance (at least [`MIN_TRAVEL_MS`]), then
    /// a pause ([`DWELL_MS`], or [`NAT_DWELL_MS`] where the header changed).
    fn from_events(events: Vec<HopEvent>, scene: &Scene) -> Timeline {
        let mut stops: Vec<Stop> = Vec::with_capacity(events.len());
        let mut t = 0.0;
        let mut prev: Option<Point> = None;
        let centre = scene.bounds().center();
        for e in &events {
            let pos = scene.anchor_for_place(&e.place).or(prev).unwrap_or(centre);
            if let Some(p) = prev {
                t += (p.distance(pos) / SPEED_PX_PER_MS).max(MIN_TRAVEL_MS);
            }
            let dwell = if e.nat { NAT_DWELL_MS } else { DWELL_MS };
            let label = if e.nat {
                format!("{} → {}", e.before, e.after)
            } else {
                e.before.clone()
            };
            stops.push(Stop {
                pos,
                arrive: t,
                depart: t + dwell,
                label,
            });
            t += dwell;
            prev = Some(pos);
        }
        Timeline {
            events,
            stops,
            total: t,
        }
    }

    /// Length of the whole animation at speed 1 (0 for an empty journey).
    pub fn total_ms(&self) -> f64 {
        self.total
    }

    /// One entry per hop in playing order.
    pub fn events(&self) -> &[HopEvent] {
        &self.events
    }

    pub fn is_empty(&self) -> bool {
        self.events.is_empty()
    }

    /// When the packet arrives at hop `i` (None past the end).
    pub fn start_of_hop(&self, i: usize) -> Option<f64> {
        self.stops.get(i).map(|s| s.arrive)
    }

    /// Where hop `i` is drawn.
    pub fn hop_position(&self, i: usize) -> Option<Point> {
        self.stops.get(i).map(|s| s.pos)
    }

    /// The hop the packet is at or last left at `t` (None before 0, past the end, or empty).
    pub fn hop_at(&self, t: f64) -> Option<usize> {
        if !t.is_finite() || t < 0.0 || t > self.total {
            return None;
        }
        let n = self.stops.partition_point(|s| s.arrive <= t);
        n.checked_sub(1)
    }

    /// The packet at `t`, or None outside `0..=total_ms()`.
    pub fn position_at(&self, t: f64) -> Option<Sprite<'_>> {
        let k = self.hop_at(t)?;
        let stop = self.stops.get(k)?;
        let e = self.events.get(k)?;
        match self.stops.get(k + 1) {
            Some(next) if t > stop.depart => {
                let span = next.arrive - stop.depart;
                let frac = if span > 0.0 {
                    (t - stop.depart) / span
                } else {
                    1.0
                };
                Some(Sprite {
                    pos: stop.pos.lerp(next.pos, frac),
                    phase: e.phase,
                    hop_index: k,
                    label: &e.after,
                    at_stop: false,
                    nat: false,
                })
            }
            _ => Some(Sprite {
                pos: stop.pos,
                phase: e.phase,
                hop_index: k,
                label: &stop.label,
                at_stop: true,
                nat: e.nat,
            }),
        }
    }

    /// "Step forward": the arrival time of the next hop after `t` (`total_ms()` at the end).
    pub fn next_hop_time(&self, t: f64) -> f64 {
        const EPS: f64 = 1e-6;
        if !t.is_finite() {
            return 0.0;
        }
        let n = self.stops.partition_point(|s| s.arrive <= t + EPS);
        self.stops.get(n).map_or(self.total, |s| s.arrive)
    }

    /// "Step back": the arrival time of the hop before the one at `t`; while travelling,
    /// the hop just left (0 at the start).
    pub fn prev_hop_time(&self, t: f64) -> f64 {
        const EPS: f64 = 1e-6;
        if !t.is_finite() {
            return 0.0;
        }
        let n = self.stops.partition_point(|s| s.arrive < t - EPS);
        n.checked_sub(1)
            .and_then(|i| self.stops.get(i))
            .map_or(0.0, |s| s.arrive)
    }

    /// The first hop of a phase (e.g. jump to the request after the DNS lookup).
    pub fn first_hop_of(&self, phase: Phase) -> Option<usize> {
        self.events.iter().position(|e| e.phase == phase)
    }
}

/// Play/pause and the current time of one timeline: the one player the canvas, the event
/// list, the hop details and the rules view all follow. Advanced by the page's animation frame
/// with wall-clock deltas already multiplied by the speed setting (the engine and this crate
/// never read a clock).
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Playhead {
    /// Timeline time in ms at speed 1.
    pub t: f64,
    pub playing: bool,
}

impl Playhead {
    /// Start `timeline` from its first hop; a one-hop journey has nothing to play.
    pub fn start(timeline: &Timeline) -> Playhead {
        Playhead {
            t: 0.0,
            playing: timeline.events().len() > 1,
        }
    }

    /// Advance by `dt_ms` of timeline time if playing; stops at the end. Returns whether the
    /// time changed (the page repaints only then).
    pub fn tick(&mut self, dt_ms: f64, timeline: &Timeline) -> bool {
        if !self.playing || !dt_ms.is_finite() || dt_ms <= 0.0 {
            return false;
        }
        let before = self.t;
        self.t = (self.t + dt_ms).min(timeline.total_ms());
        if self.t >= timeline.total_ms() {
            self.playing = false;
        }
        self.t != before
    }

    /// Play / pause (the button and Space): pausing always works; playing needs a journey, and
    /// starts over once the journey has ended.
    pub fn toggle(&mut self, timeline: &Timeline) {
        if self.playing {
            self.playing = false;
        } else if !timeline.is_empty() {
            if self.t >= timeline.total_ms() {
                self.t = 0.0;
            }
            self.playing = true;
        }
    }

    /// The hop shown now: the one the packet is at or last left (0 for an empty timeline).
    pub fn current(&self, timeline: &Timeline) -> usize {
        timeline
            .hop_at(self.t.min(timeline.total_ms()))
            .unwrap_or(0)
            .min(timeline.events().len().saturating_sub(1))
    }

    /// Pause at hop `i` (its arrival); past the end, the last hop.
    pub fn goto(&mut self, i: usize, timeline: &Timeline) {
        let n = timeline.events().len();
        if n == 0 {
            return;
        }
        self.playing = false;
        self.t = timeline.start_of_hop(i.min(n - 1)).unwrap_or(0.0);
    }

    /// Pause and jump to the next hop.
    pub fn step_forward(&mut self, timeline: &Timeline) {
        self.playing = false;
        self.t = timeline.next_hop_time(self.t);
    }

    /// Pause and jump to the previous hop.
    pub fn step_back(&mut self, timeline: &Timeline) {
        self.playing = false;
        self.t = timeline.prev_hop_time(self.t);
    }

    /// Back to the start, playing (nothing to play without a journey).
    pub fn replay(&mut self, timeline: &Timeline) {
        if !timeline.is_empty() {
            self.t = 0.0;
            self.playing = true;
        }
    }
}

/// `n` packets on the same timeline, evenly staggered over its length and looping: the
/// measurement scene (`?perf=1`) keeps 100 packets in the air this way. Packet `k` is at
/// `(t + k·total/n) mod total`.
pub fn looping_sprites(timeline: &Timeline, t: f64, n: usize) -> Vec<Sprite<'_>> {
    let total = timeline.total_ms();
    if n == 0 || !t.is_finite() || total <= 0.0 {
        return Vec::new();
    }
    (0..n)
        .filter_map(|k| {
            let tk = (t + k as f64 * total / n as f64).rem_euclid(total);
            timeline.position_at(tk)
        })
        .collect()
}

/// A packet's label laid out beside it: its lines, the box they fill (world units, top-left
/// corner), and how much the type was shrunk to fit (1 = not at all).
#[derive(Debug, Clone, PartialEq)]
pub struct LabelBox<'a> {
    pub lines: Vec<&'a str>,
    pub rect: Rect,
    pub scale: f64,
}

/// Where a packet's label goes so that it is whole, inside `visible`, and never hides the
/// packet: right of it, else left, on one line; else a NAT stop's `before → after` on two
/// lines (`before` / `→ after`), right or left; else above the packet (below it when there is
/// no room above), with the type shrunk if even that is wider than the view. `gap` is the
/// packet's radius plus spacing, `line_h` the height of a line, `measure` a line's width at
/// full size (the canvas' `measureText`).
pub fn place_label<'a>(
    label: &'a str,
    at: Point,
    gap: f64,
    line_h: f64,
    visible: Rect,
    margin: f64,
    measure: impl Fn(&str) -> f64,
) -> LabelBox<'a> {
    let one = vec![label];
    let two = match label.find(" → ") {
        Some(i) => vec![&label[..i], &label[i + 1..]],
        None => one.clone(),
    };
    let width = |lines: &[&str]| lines.iter().map(|l| measure(l)).fold(0.0, f64::max);
    let clamp = |v: f64, lo: f64, hi: f64| v.min(hi).max(lo);
    let beside = |lines: &[&str]| -> Option<Rect> {
        let (w, h) = (width(lines), line_h * lines.len() as f64);
        let y = clamp(
            at.y - h / 2.0,
            visible.y + margin,
            visible.bottom() - margin - h,
        );
        if at.x + gap + w + margin <= visible.right() {
            Some(Rect::new(at.x + gap, y, w, h))
        } else if at.x - gap - w >= visible.x + margin {
            Some(Rect::new(at.x - gap - w, y, w, h))
        } else {
            None
        }
    };
    for lines in [&one, &two] {
        if let Some(rect) = beside(lines) {
            return LabelBox {
                lines: lines.clone(),
                rect,
                scale: 1.0,
            };
        }
    }
    let room = (visible.w - 2.0 * margin).max(1.0);
    let lines = if width(&one) <= room { one } else { two };
    let scale = (room / width(&lines).max(1.0)).min(1.0);
    let (w, h) = (width(&lines) * scale, line_h * scale * lines.len() as f64);
    let x = clamp(
        at.x - w / 2.0,
        visible.x + margin,
        visible.right() - margin - w,
    );
    let y = if at.y - gap - h >= visible.y + margin {
        at.y - gap - h
    } else {
        at.y + gap
    };
    LabelBox {
        lines,
        rect: Rect::new(x, y, w, h),
        scale,
    }
}
