//! Journeys: pick a source and a destination, Send (one connection, animated hop by hop) or
//! Send 100 (the per-endpoint distribution). The event list beside the canvas is the text
//! version of the animation (Packet Tracer's simulation mode): every hop in order; selecting one
//! shows its header before → after and the rules that matched.

use crate::canvas::{Overlay, PacketKind, PacketMark};
use crate::model::Model;
use crate::player::{self, Step};
use leptos::prelude::*;
use std::sync::Arc;
use svcsim_engine::trace::{
    parse_destination, trace, trace_many, Distribution, Journey, Origin, TraceOptions,
};
use svcsim_scene::animation::{Phase as TimelinePhase, Timeline};
use svcsim_scene::layout::Scene;

/// The journey state shared by the player controls, the event list and the canvas overlay.
/// The motion is `svcsim_scene::animation`'s [`Timeline`] (natively tested): travel at a
/// constant speed, a pause at every hop, a longer one where NAT rewrote the header.
/// `model.play_time` is timeline time in ms at speed 1.
#[derive(Clone, Copy)]
pub struct Player {
    pub journey: RwSignal<Option<Journey>>,
    /// The event list's rows, in the timeline's order (hop `i` of both is the same hop).
    pub steps: Memo<Vec<Step>>,
    /// The journey laid out in time over the current scene (rebuilt when pods move).
    pub timeline: Memo<Arc<Timeline>>,
    pub dist: RwSignal<Option<Distribution>>,
    pub source: RwSignal<String>,
    pub dest: RwSignal<String>,
    pub error: RwSignal<Option<String>>,
    /// Journeys queued by the console (played one after the other).
    pub queue: StoredValue<Vec<Journey>>,
    /// An example's suggested source (`deploy/frontend`) not in the cluster yet.
    pub pending_source: StoredValue<Option<String>>,
}

impl Player {
    pub fn new(scene: Memo<Scene>) -> Player {
        let journey = RwSignal::new(None::<Journey>);
        Player {
            journey,
            steps: Memo::new(move |_| {
                journey.with(|j| j.as_ref().map(player::steps).unwrap_or_default())
            }),
            timeline: Memo::new(move |_| {
                journey.with(|j| {
                    Arc::new(
                        j.as_ref()
                            .map(|j| scene.with(|s| Timeline::new(j, s)))
                            .unwrap_or_default(),
                    )
                })
            }),
            dist: RwSignal::new(None),
            source: RwSignal::new(String::new()),
            dest: RwSignal::new(String::new()),
            error: RwSignal::new(None),
            queue: StoredValue::new(Vec::new()),
            pending_source: StoredValue::new(None),
        }
    }

    /// Start playing `j` from its first hop.
    pub fn play(&self, model: Model, j: Journey) {
        self.journey.set(Some(j));
        let tl = self.timeline.get_untracked();
        model.play_time.set(0.0);
        model.play_end.set(tl.total_ms());
        model.playing.set(tl.events().len() > 1);
    }

    /// Forget the journey (a new example replaces the cluster it ran in) and stop playing it.
    pub fn clear(&self, model: Model) {
        self.journey.set(None);
        self.dist.set(None);
        self.queue.set_value(Vec::new());
        model.playing.set(false);
        model.play_time.set(0.0);
        model.play_end.set(0.0);
    }

    /// Play / pause (the button and Space): pausing always works; playing needs a journey, and
    /// starts over once the journey has ended.
    pub fn toggle(&self, model: Model) {
        if model.playing.get_untracked() {
            model.playing.set(false);
        } else if self.steps.with_untracked(|s| !s.is_empty()) {
            if model.play_time.get_untracked() >= model.play_end.get_untracked() {
                model.play_time.set(0.0);
            }
            model.playing.set(true);
        }
    }

    /// The index of the hop shown now (the one the packet is at or last left).
    pub fn current(&self, model: Model) -> usize {
        let t = model.play_time.get();
        self.timeline.with(|tl| {
            tl.hop_at(t.min(tl.total_ms()))
                .unwrap_or(0)
                .min(tl.events().len().saturating_sub(1))
        })
    }

    /// Go to hop `i` (its arrival) and pause there.
    pub fn goto(&self, model: Model, i: usize) {
        let tl = self.timeline.get_untracked();
        let n = tl.events().len();
        if n == 0 {
            return;
        }
        model.playing.set(false);
        model
            .play_time
            .set(tl.start_of_hop(i.min(n - 1)).unwrap_or(0.0));
    }

    /// Step one hop forward (`d > 0`) or back, pausing.
    pub fn step(&self, model: Model, d: isize) {
        let tl = self.timeline.get_untracked();
        if tl.is_empty() {
            return;
        }
        model.playing.set(false);
        let t = model.play_time.get_untracked();
        model.play_time.set(if d > 0 {
            tl.next_hop_time(t)
        } else {
            tl.prev_hop_time(t)
        });
    }

    /// Advance the clock by `dt` real ms (called by the frame loop).
    pub fn on_frame(&self, model: Model, dt: f64) {
        if !model.playing.get_untracked() {
            return;
        }
        let speed = model.speed.get_untracked();
        let end = model.play_end.get_untracked();
        let t = model.play_time.get_untracked() + dt * speed;
        if t >= end && model.perf_packets.get_untracked() > 1 {
            model.play_time.set(0.0);
        } else if t >= end {
            model.play_time.set(end);
            model.playing.set(false);
            // Next queued journey (console commands that sent several packets).
            if let Some(next) = self
                .queue
                .try_update_value(|q| (!q.is_empty()).then(|| q.remove(0)))
                .flatten()
            {
                self.play(model, next);
            }
        } else {
            model.play_time.set(t);
        }
    }

    /// What the canvas draws on top of the scene. With reduced motion the packet does not
    /// glide: it is drawn at the hop it last reached.
    pub fn overlay(&self, model: Model, scene: &Scene) -> Overlay {
        let t = model.play_time.get();
        let reduced = model.reduced_motion.get();
        let perf = model.perf_packets.get();
        let tl = self.timeline.get();
        if tl.is_empty() {
            return Overlay::default();
        }
        let total = tl.total_ms();
        let t = t.clamp(0.0, total);
        let place = |t: f64| {
            let sprite = tl.position_at(t)?;
            let pos = if reduced {
                tl.hop_position(sprite.hop_index).unwrap_or(sprite.pos)
            } else {
                sprite.pos
            };
            Some((sprite, pos))
        };
        if perf > 1 {
            // Many packets on the same journey, evenly staggered over its length (as
            // `Flights::staggered` starts them), each looping.
            let packets = (0..perf)
                .filter_map(|k| {
                    let tk = (t + k as f64 * total / perf as f64) % total.max(1.0);
                    place(tk).map(|(_, at)| PacketMark {
                        at,
                        label: String::new(),
                        kind: PacketKind::Request,
                    })
                })
                .collect();
            return Overlay {
                packets,
                ..Overlay::default()
            };
        }
        let Some((sprite, at)) = place(t) else {
            return Overlay::default();
        };
        let i = sprite.hop_index;
        let failed = self
            .steps
            .with(|s| s.get(i).is_some_and(|s| player::is_failure(&s.hop)));
        let kind = if failed {
            PacketKind::Failed
        } else {
            match sprite.phase {
                TimelinePhase::Dns => PacketKind::Dns,
                TimelinePhase::Request => PacketKind::Request,
                TimelinePhase::Reply => PacketKind::Reply,
            }
        };
        let mut trail: Vec<_> = (0..=i).filter_map(|k| tl.hop_position(k)).collect();
        trail.push(at);
        let place_of = tl.events().get(i).map(|e| e.place.clone());
        Overlay {
            trail,
            packets: vec![PacketMark {
                at,
                label: sprite.label.to_string(),
                kind,
            }],
            // Outline where the packet is: the pod, node, kube-proxy, LB or outside host.
            focus: place_of
                .map(|p| scene.objects_for_place(&p))
                .unwrap_or_default(),
            // Read from the back of the room in presentation mode (its type is 22/16 larger).
            label_px: if model.presentation.get() { 21.0 } else { 15.0 },
        }
    }
}

/// A source option: (value, label).
fn sources(model: Model) -> Vec<(String, String)> {
    model.with_sim(|s| {
        let mut out = Vec::new();
        for pod in s.cluster.store.pods.values() {
            if pod.status.pod_ip.is_empty()
                || pod.metadata.namespace == "kube-system"
                    && !pod.metadata.name.starts_with("coredns")
            {
                continue;
            }
            if pod.metadata.namespace != "default" && pod.metadata.namespace != "kube-system" {
                out.push((
                    format!("pod:{}:{}", pod.metadata.namespace, pod.metadata.name),
                    format!("pod/{} (-n {})", pod.metadata.name, pod.metadata.namespace),
                ));
            } else if pod.metadata.namespace == "default" {
                out.push((
                    format!("pod:default:{}", pod.metadata.name),
                    format!("pod/{}", pod.metadata.name),
                ));
            }
        }
        for node in s.cluster.store.nodes.keys() {
            out.push((format!("node:{node}"), format!("node/{node}")));
        }
        out.push((
            "external".to_string(),
            "external client (172.18.0.100)".to_string(),
        ));
        out
    })
}

/// The select value for an origin.
pub fn origin_value(o: &Origin) -> String {
    match o {
        Origin::Pod { namespace, name } => format!("pod:{namespace}:{name}"),
        Origin::Node { name } => format!("node:{name}"),
        Origin::External { .. } => "external".to_string(),
    }
}

/// The origin for a select value.
pub fn parse_origin(v: &str) -> Result<Origin, String> {
    let parts: Vec<&str> = v.split(':').collect();
    match parts.as_slice() {
        ["pod", ns, name] => Ok(Origin::Pod {
            namespace: (*ns).to_string(),
            name: (*name).to_string(),
        }),
        ["node", name] => Ok(Origin::Node {
            name: (*name).to_string(),
        }),
        ["external"] => Ok(Origin::External {
            ip: svcsim_engine::trace::DEFAULT_EXTERNAL_CLIENT,
        }),
        _ => Err("choose where the packet starts".to_string()),
    }
}

/// Destinations worth offering: every Service by name, ClusterIP, NodePort and LB address.
fn destinations(model: Model) -> Vec<String> {
    model.with_sim(|s| {
        let mut out = Vec::new();
        let node_ip = s
            .cluster
            .store
            .nodes
            .values()
            .find_map(|n| n.internal_ip().map(|ip| ip.to_string()));
        for svc in s.cluster.store.services.values() {
            let ns = &svc.metadata.namespace;
            let name = &svc.metadata.name;
            let host = if ns == "default" {
                name.clone()
            } else {
                format!("{name}.{ns}")
            };
            for port in &svc.spec.ports {
                out.push(format!("{host}:{}", port.port));
                if svc.spec.cluster_ip.contains('.') {
                    out.push(format!("{}:{}", svc.spec.cluster_ip, port.port));
                }
                if let (true, Some(nip)) = (port.node_port > 0, &node_ip) {
                    out.push(format!("{nip}:{}", port.node_port));
                }
                for ing in &svc.status.load_balancer.ingress {
                    out.push(format!("{}:{}", ing.ip, port.port));
                }
            }
        }
        out
    })
}

/// Send one request (or 100) with the chosen source and destination.
pub fn send(model: Model, player: Player, count: u32) {
    let origin = match parse_origin(&player.source.get_untracked()) {
        Ok(o) => o,
        Err(e) => {
            player.error.set(Some(e));
            return;
        }
    };
    let dest = match parse_destination(&player.dest.get_untracked()) {
        Ok(d) => d,
        Err(e) => {
            player.error.set(Some(e.to_string()));
            return;
        }
    };
    let result = model.update_sim(|s| {
        let opts = TraceOptions {
            mode: Some(s.mode()),
            ..TraceOptions::default()
        };
        if count == 1 {
            trace(&s.cluster, &origin, &dest, opts, &mut s.rng).map(|j| (Some(j), None))
        } else {
            trace_many(&s.cluster, &origin, &dest, count, opts, &mut s.rng)
                .map(|d| (d.first.clone(), Some(d)))
        }
    });
    match result {
        Some(Ok((journey, dist))) => {
            player.error.set(None);
            if dist.is_some() {
                player.dist.set(dist);
            }
            if let Some(j) = journey {
                player.play(model, j);
            }
        }
        Some(Err(e)) => player.error.set(Some(e.to_string())),
        None => {}
    }
}

/// The send form and the player controls (above the canvas).
#[component]
pub fn JourneyControls(model: Model, player: Player) -> impl IntoView {
    let source_options = move || {
        let current = player.source.get();
        sources(model)
            .into_iter()
            .map(|(v, l)| {
                let selected = v == current;
                view! { <option value=v selected=selected>{l}</option> }
            })
            .collect_view()
    };
    let dest_options = move || {
        destinations(model)
            .into_iter()
            .map(|d| view! { <option value=d></option> })
            .collect_view()
    };
    let n_steps = move || player.steps.with(Vec::len);
    let step_label = move || {
        let n = n_steps();
        if n == 0 {
            "no journey yet".to_string()
        } else {
            format!("hop {} of {n}", player.current(model) + 1)
        }
    };
    let step_by = move |d: isize| player.step(model, d);
    let replay = move || {
        if n_steps() > 0 {
            model.play_time.set(0.0);
            model.playing.set(true);
        }
    };
    view! {
        <form
            class="journey-form"
            aria-label="Send a request"
            on:submit=move |ev| {
                ev.prevent_default();
                send(model, player, 1);
            }
        >
            <label for="source">"From"</label>
            <select
                id="source"
                on:change=move |ev| {
                    // The user's choice wins over an example's suggestion still waiting.
                    player.pending_source.set_value(None);
                    player.source.set(event_target_value(&ev));
                }
                prop:value=move || player.source.get()
            >
                {source_options}
            </select>
            <label for="dest">"To"</label>
            <input
                id="dest"
                type="text"
                list="dest-list"
                placeholder="my-service:80"
                spellcheck="false"
                autocomplete="off"
                prop:value=move || player.dest.get()
                on:input=move |ev| player.dest.set(event_target_value(&ev))
            />
            <datalist id="dest-list">{dest_options}</datalist>
            <button type="submit" id="send">"Send"</button>
            <button type="button" id="send100" on:click=move |_| send(model, player, 100)>
                "Send 100"
            </button>
        </form>
        <div class="player" role="group" aria-label="Journey player">
            <button type="button" id="step-back" title="Previous hop (←)" on:click=move |_| step_by(-1)>
                "◀ Back"
            </button>
            <button
                type="button"
                id="play"
                title="Play / pause (Space)"
                aria-pressed=move || model.playing.get().to_string()
                on:click=move |_| player.toggle(model)
            >
                {move || if model.playing.get() { "Pause" } else { "Play" }}
            </button>
            <button type="button" id="step-forward" title="Next hop (→)" on:click=move |_| step_by(1)>
                "Next ▶"
            </button>
            <button type="button" id="replay" on:click=move |_| replay()>
                "↺ Replay"
            </button>
            <label for="speed">"Speed"</label>
            <select
                id="speed"
                on:change=move |ev| {
                    if let Ok(v) = event_target_value(&ev).parse::<f64>() {
                        model.speed.set(v);
                    }
                }
                prop:value=move || model.speed.get().to_string()
            >
                <option value="0.25">"¼×"</option>
                <option value="0.5">"½×"</option>
                <option value="1">"1×"</option>
                <option value="2">"2×"</option>
                <option value="4">"4×"</option>
            </select>
            <span id="step-label" class="step-label">{step_label}</span>
        </div>
        <p id="journey-error" class="journey-error" role="alert">
            {move || player.error.get().unwrap_or_default()}
        </p>
    }
}

/// The event list and the selected hop's details.
#[component]
pub fn EventList(model: Model, player: Player) -> impl IntoView {
    let current = move || player.current(model);
    let items = move || {
        let cur = current();
        player.steps.with(|steps| {
            steps
                .iter()
                .enumerate()
                .map(|(i, s)| {
                    let text = format!(
                        "{}. [{}] {} — {:?}: {}",
                        i + 1,
                        s.phase.label(),
                        s.hop.place,
                        s.hop.action,
                        s.hop.note
                    );
                    let class = if player::is_failure(&s.hop) {
                        "event failed"
                    } else if s.phase.is_dns() {
                        "event dns"
                    } else if s.phase.is_reply() {
                        "event reply"
                    } else {
                        "event"
                    };
                    view! {
                        <li class=class class:current=i == cur>
                            <button
                                type="button"
                                aria-current=if i == cur { "step" } else { "false" }
                                on:click=move |_| player.goto(model, i)
                            >
                                {text}
                            </button>
                        </li>
                    }
                })
                .collect_view()
        })
    };
    let outcome = move || {
        player
            .journey
            .with(|j| {
                j.as_ref()
                    .map(|j| format!("{} → {}: {}", j.from, j.destination, j.outcome))
            })
            .unwrap_or_else(|| "Send a request to see its journey here.".to_string())
    };
    let detail = move || {
        let cur = current();
        player.steps.with(|steps| {
            steps.get(cur).map(|s| {
                let rules = s
                    .hop
                    .rules
                    .iter()
                    .map(|r| format!("{} {} #{}: {}", r.table, r.chain, r.index + 1, r.text))
                    .collect::<Vec<_>>()
                    .join("\n");
                let lb = s.hop.lb.as_ref().map(|lb| {
                    format!(
                        "load balancing: {} picked endpoint {} of {} (p={})",
                        lb.chain,
                        lb.chosen + 1,
                        lb.candidates,
                        lb.probability
                    )
                });
                view! {
                    <dl class="hop-detail">
                        <dt>"Where"</dt>
                        <dd>{s.hop.place.to_string()}</dd>
                        <dt>"What"</dt>
                        <dd>{format!("{:?}: {}", s.hop.action, s.hop.note)}</dd>
                        <dt>"Before"</dt>
                        <dd><code id="hop-before">{s.hop.before.to_string()}</code></dd>
                        <dt>"After"</dt>
                        <dd><code id="hop-after">{s.hop.after.to_string()}</code></dd>
                        <dt>"Rules that matched"</dt>
                        <dd>
                            <pre id="hop-rules" class="rules">
                                {if rules.is_empty() { "(none: no kube-proxy rule at this hop)".to_string() } else { rules }}
                            </pre>
                        </dd>
                        {lb.map(|l| view! { <dt>"Choice"</dt><dd>{l}</dd> })}
                    </dl>
                }
            })
        })
    };
    view! {
        <section class="panel events-panel" aria-labelledby="events-heading">
            <h2 id="events-heading">"Events"</h2>
            <p id="outcome" class="outcome" aria-live="polite">{outcome}</p>
            <ol id="events" class="events" aria-live="polite">{items}</ol>
            <div id="hop" aria-live="polite">{detail}</div>
        </section>
    }
}
