//! The journey being shown: the engine's [`Journey`], its [`Timeline`] over the current scene,
//! the one [`Playhead`], the journeys queued behind it (a console command can send several),
//! and the last "Send 100" [`Distribution`].
//!
//! Everything the page shows of a journey comes from here: the canvas draws [`Playback::overlay`],
//! the event list and the hop details read [`Playback::events`] and [`Playback::current`], and
//! the rules view highlights the current [`HopEvent`]'s rules. The page only forwards clicks,
//! keys and animation frames.

use crate::animation::{looping_sprites, HopEvent, Phase, Playhead, Timeline};
use crate::layout::{ObjectId, Point, Rect, Scene};
use svcsim_engine::trace::{Distribution, Journey};

/// The screen size (CSS px) of a packet's header label: read from the back of the room in
/// presentation mode, whose type is 22/16 larger than normal.
pub const LABEL_PX: f64 = 15.0;
/// [`LABEL_PX`] in presentation mode.
pub const LABEL_PX_PRESENTING: f64 = 21.0;

/// What a packet is carrying, for its colour.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PacketKind {
    Request,
    Reply,
    Dns,
    /// Rejected, dropped, refused or lost here.
    Failed,
}

/// A packet drawn over the scene.
#[derive(Debug, Clone, PartialEq)]
pub struct PacketMark {
    pub at: Point,
    /// The header beside it (`10.244.1.5:43210 > 10.96.0.10:53 UDP`), or `before → after`
    /// while it pauses where NAT happened. Empty when many packets move at once.
    pub label: String,
    pub kind: PacketKind,
}

/// What the canvas draws on top of the scene for the current journey.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Overlay {
    /// The path taken so far (world points).
    pub trail: Vec<Point>,
    pub packets: Vec<PacketMark>,
    /// Objects to outline: where the packet is now (the pod, node, kube-proxy, LB, outside host).
    pub focus: Vec<ObjectId>,
    /// Screen px of the packet's header label.
    pub label_px: f64,
}

/// How the overlay is drawn: settings of the page, not of the journey.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct OverlayStyle {
    /// `prefers-reduced-motion: reduce`: the packet does not glide, it is drawn at the hop it
    /// last reached.
    pub reduced_motion: bool,
    /// Presentation mode: a larger label.
    pub presenting: bool,
}

/// The journey on screen and its player.
#[derive(Debug, Clone, Default)]
pub struct Playback {
    journey: Option<Journey>,
    timeline: Timeline,
    playhead: Playhead,
    /// Journeys waiting their turn (a console command that sent several packets).
    queue: Vec<Journey>,
    distribution: Option<Distribution>,
    /// Packets moving along the journey at once, looping (the `?perf=1` measurement scene).
    /// 1 is the normal player.
    packets: usize,
    /// Each DNS lookup is one step ([`Timeline::build`]).
    fold_dns: bool,
    /// Bumped whenever the journey, its timeline or the distribution is replaced (not when the
    /// playhead moves), so views of the event list re-render only then.
    serial: u64,
}

impl Playback {
    /// The journey shown, if any.
    pub fn journey(&self) -> Option<&Journey> {
        self.journey.as_ref()
    }

    pub fn timeline(&self) -> &Timeline {
        &self.timeline
    }

    /// The event list's rows: one per hop, in playing order.
    pub fn events(&self) -> &[HopEvent] {
        self.timeline.events()
    }

    pub fn playhead(&self) -> Playhead {
        self.playhead
    }

    pub fn is_playing(&self) -> bool {
        self.playhead.playing
    }

    /// Changes whenever the journey, its timeline or the distribution changes.
    pub fn serial(&self) -> u64 {
        self.serial
    }

    /// The last "Send 100" result.
    pub fn distribution(&self) -> Option<&Distribution> {
        self.distribution.as_ref()
    }

    /// The index of the hop shown now (the one the packet is at or last left).
    pub fn current(&self) -> usize {
        self.playhead.current(&self.timeline)
    }

    /// The row of the hop shown now.
    pub fn current_event(&self) -> Option<&HopEvent> {
        self.events().get(self.current())
    }

    /// The outcome sentence, once a journey exists (`pod/client → my-service:80: connected…`).
    pub fn outcome(&self) -> Option<String> {
        self.journey
            .as_ref()
            .map(|j| format!("{} → {}: {}", j.from, j.destination, j.outcome))
    }

    /// What the page says above the event list: the outcome once the playhead has reached the
    /// last hop, and until then only where the journey is (`pod/client → my-service:80: hop 3
    /// of 23…`): printed before hop 1, the outcome gave the lesson's answer away.
    pub fn status(&self) -> Option<String> {
        let j = self.journey.as_ref()?;
        let n = self.events().len();
        let cur = self.current();
        if n > 0 && cur + 1 < n {
            return Some(format!(
                "{} → {}: hop {} of {n}…",
                j.from,
                j.destination,
                cur + 1
            ));
        }
        self.outcome()
    }

    /// Play `journeys` one after the other from the first hop of the first (a console command
    /// can send several); nothing changes when there are none.
    pub fn play(&mut self, journeys: Vec<Journey>, scene: &Scene) {
        let mut it = journeys.into_iter();
        if let Some(first) = it.next() {
            self.queue = it.collect();
            self.show(first, scene);
        }
    }

    fn show(&mut self, journey: Journey, scene: &Scene) {
        self.timeline = Timeline::build(&journey, scene, self.fold_dns);
        self.playhead = Playhead::start(&self.timeline);
        self.journey = Some(journey);
        self.serial += 1;
    }

    /// Keep the distribution of a "Send 100".
    /// What the journey passes through on `scene`: the union of every hop's objects and
    /// positions, with a margin (None without a journey). "Focus the journey" zooms to it,
    /// leaving the objects it never touches at the edges or out of view.
    pub fn journey_bounds(&self, scene: &Scene) -> Option<Rect> {
        let tl = self.timeline();
        let mut bounds: Option<Rect> = None;
        let mut add = |r: Rect| {
            bounds = Some(bounds.map_or(r, |b| b.union(&r)));
        };
        for (i, e) in tl.events().iter().enumerate() {
            for id in scene.objects_for_place(&e.place) {
                if let Some(r) = scene.rect(&id) {
                    add(r);
                }
            }
            if let Some(p) = tl.hop_position(i) {
                add(Rect::new(p.x, p.y, 0.0, 0.0));
            }
        }
        bounds.map(|b| b.inflate(24.0))
    }

    /// Where the hop shown now happens on `scene`: its objects (the node, the pod, kube-proxy)
    /// and the packet's position there, with a margin. A phone scrolls it into view.
    pub fn hop_bounds(&self, scene: &Scene) -> Option<Rect> {
        let tl = self.timeline();
        let i = self.current();
        let e = tl.events().get(i)?;
        let mut rects: Vec<Rect> = scene
            .objects_for_place(&e.place)
            .iter()
            .filter_map(|id| scene.rect(id))
            .collect();
        rects.extend(tl.hop_position(i).map(|p| Rect::new(p.x, p.y, 0.0, 0.0)));
        let first = *rects.first()?;
        Some(rects.iter().fold(first, |b, r| b.union(r)).inflate(24.0))
    }

    /// Where the packet is drawn at the hop shown now.
    pub fn hop_position(&self) -> Option<Point> {
        self.timeline().hop_position(self.current())
    }

    pub fn set_distribution(&mut self, d: Distribution) {
        self.distribution = Some(d);
        self.serial += 1;
    }

    /// Forget everything (a new example replaces the cluster the journey ran in).
    pub fn clear(&mut self) {
        *self = Playback {
            packets: self.packets,
            fold_dns: self.fold_dns,
            serial: self.serial + 1,
            ..Playback::default()
        };
    }

    /// Lay the journey out again over a changed scene (pods moved); the playhead keeps its
    /// time, as the page did when its memo recomputed.
    pub fn relayout(&mut self, scene: &Scene) {
        if let Some(j) = &self.journey {
            self.timeline = Timeline::build(j, scene, self.fold_dns);
            self.serial += 1;
        }
    }

    /// Fold each DNS lookup into one step, or show its hops. The journey starts again from
    /// its first hop (its rows changed).
    pub fn set_fold_dns(&mut self, fold: bool, scene: &Scene) {
        if self.fold_dns == fold {
            return;
        }
        self.fold_dns = fold;
        if let Some(j) = &self.journey {
            self.timeline = Timeline::build(j, scene, fold);
            self.playhead = Playhead::start(&self.timeline);
            self.serial += 1;
        }
    }

    /// Move `packets` packets along the journey at once, looping (the measurement scene).
    pub fn set_packets(&mut self, packets: usize) {
        self.packets = packets.max(1);
    }

    pub fn toggle(&mut self) {
        self.playhead.toggle(&self.timeline);
    }

    pub fn step_forward(&mut self) {
        self.playhead.step_forward(&self.timeline);
    }

    pub fn step_back(&mut self) {
        self.playhead.step_back(&self.timeline);
    }

    pub fn goto(&mut self, i: usize) {
        self.playhead.goto(i, &self.timeline);
    }

    pub fn replay(&mut self) {
        self.playhead.replay(&self.timeline);
    }

    /// Advance by `dt_ms` of timeline time (wall ms × speed). At the end the next queued
    /// journey starts; with several packets the journey loops. Returns whether anything moved.
    pub fn tick(&mut self, dt_ms: f64, scene: &Scene) -> bool {
        if !self.playhead.playing {
            return false;
        }
        let end = self.timeline.total_ms();
        if self.packets > 1 && dt_ms.is_finite() && dt_ms > 0.0 {
            let t = self.playhead.t + dt_ms;
            self.playhead.t = if t >= end { 0.0 } else { t };
            return true;
        }
        let moved = self.playhead.tick(dt_ms, &self.timeline);
        if !self.playhead.playing && !self.queue.is_empty() {
            let next = self.queue.remove(0);
            self.show(next, scene);
            return true;
        }
        moved
    }

    /// What the canvas draws on top of `scene` now.
    pub fn overlay(&self, scene: &Scene, style: OverlayStyle) -> Overlay {
        let tl = &self.timeline;
        if tl.is_empty() {
            return Overlay::default();
        }
        let t = self.playhead.t.clamp(0.0, tl.total_ms());
        let place = |s: &crate::animation::Sprite<'_>| {
            if style.reduced_motion {
                tl.hop_position(s.hop_index).unwrap_or(s.pos)
            } else {
                s.pos
            }
        };
        if self.packets > 1 {
            let packets = looping_sprites(tl, t, self.packets)
                .iter()
                .map(|s| PacketMark {
                    at: place(s),
                    label: String::new(),
                    kind: PacketKind::Request,
                })
                .collect();
            return Overlay {
                packets,
                ..Overlay::default()
            };
        }
        let Some(sprite) = tl.position_at(t) else {
            return Overlay::default();
        };
        let at = place(&sprite);
        let i = sprite.hop_index;
        let event = tl.events().get(i);
        let kind = if event.is_some_and(|e| e.failed) {
            PacketKind::Failed
        } else {
            match sprite.phase {
                Phase::Dns => PacketKind::Dns,
                Phase::Request => PacketKind::Request,
                Phase::Reply => PacketKind::Reply,
            }
        };
        let mut trail: Vec<Point> = (0..=i).filter_map(|k| tl.hop_position(k)).collect();
        trail.push(at);
        Overlay {
            trail,
            packets: vec![PacketMark {
                at,
                label: sprite.label.to_string(),
                kind,
            }],
            focus: event
                .map(|e| scene.objects_for_place(&e.place))
                .unwrap_or_default(),
            label_px: if style.presenting {
                LABEL_PX_PRESENTING
            } else {
                LABEL_PX
            },
        }
    }
}
