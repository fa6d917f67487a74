//! Journeys on the page: the send form and the player controls above the canvas, and the event
//! list beside it (Packet Tracer's simulation mode: every hop in order; selecting one shows its
//! header before → after and the rules that matched). The journey, its timeline and its
//! playhead live in the session (`svcsim_scene::playback`); these components show them and
//! forward clicks.

use crate::model::{use_model, Model};
use leptos::prelude::*;
use svcsim_scene::animation::HopEvent;
use svcsim_scene::journey::{destinations, sources};
use svcsim_scene::session::Session;

/// Send one request (or 100) with the form's source and destination.
fn send(model: Model, count: u32) {
    let r = model.update(|s| s.send(count));
    model.ui.journey_error.set(r.and_then(Result::err));
}

/// The send form and the player controls (above the canvas).
#[component]
pub fn JourneyControls() -> impl IntoView {
    let model = use_model();
    let source_options = move || {
        let current = model.settings().source.unwrap_or_default();
        model
            .with_cluster(|s| sources(s.cluster()))
            .into_iter()
            .map(|o| {
                let selected = o.value == current;
                view! { <option value=o.value selected=selected>{o.label}</option> }
            })
            .collect_view()
    };
    let dest_options = move || {
        model
            .with_cluster(|s| destinations(s.cluster()))
            .into_iter()
            .map(|d| view! { <option value=d></option> })
            .collect_view()
    };
    let current = Memo::new(move |_| model.with_playback(|p| (p.current(), p.is_playing())));
    let step_label = move || {
        let (cur, _) = current.get();
        model.with_journey(|p| match p.events().len() {
            0 => "no journey yet".to_string(),
            n => format!("hop {} of {n}", cur + 1),
        })
    };
    let playing = move || current.get().1;
    view! {
        <form
            class="journey-form"
            aria-label="Send a request"
            on:submit=move |ev| {
                ev.prevent_default();
                send(model, 1);
            }
        >
            <label for="source">"From"</label>
            <select
                id="source"
                on:change=move |ev| {
                    let v = event_target_value(&ev);
                    model.update(|s| s.set_source(v));
                }
                prop:value=move || model.settings().source.unwrap_or_default()
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
                prop:value=move || model.settings().dest.unwrap_or_default()
                on:input=move |ev| {
                    let v = event_target_value(&ev);
                    model.update(|s| s.set_dest(v));
                }
            />
            <datalist id="dest-list">{dest_options}</datalist>
            <button type="submit" id="send">"Send"</button>
            <button type="button" id="send100" on:click=move |_| send(model, 100)>
                "Send 100"
            </button>
        </form>
        <div class="player" role="group" aria-label="Journey player">
            <button
                type="button"
                id="step-back"
                title="Previous hop (←)"
                on:click=move |_| { model.update(Session::step_back); }
            >
                "◀ Back"
            </button>
            <button
                type="button"
                id="play"
                title="Play / pause (Space)"
                aria-pressed=move || playing().to_string()
                on:click=move |_| { model.update(Session::toggle_play); }
            >
                {move || if playing() { "Pause" } else { "Play" }}
            </button>
            <button
                type="button"
                id="step-forward"
                title="Next hop (→)"
                on:click=move |_| { model.update(Session::step_forward); }
            >
                "Next ▶"
            </button>
            <button type="button" id="replay" on:click=move |_| { model.update(Session::replay); }>
                "↺ Replay"
            </button>
            <label for="speed">"Speed"</label>
            <select
                id="speed"
                on:change=move |ev| {
                    if let Ok(v) = event_target_value(&ev).parse::<f64>() {
                        model.update(|s| s.set_speed(v));
                    }
                }
                prop:value=move || model.settings().speed().to_string()
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
            {move || model.ui.journey_error.get().unwrap_or_default()}
        </p>
    }
}

/// A row's text: `3. [DNS query 1: …] kube-proxy iptables (kind-worker) — DNAT: …`.
fn row_text(i: usize, e: &HopEvent) -> String {
    format!(
        "{}. [{}] {} — {}: {}",
        i + 1,
        e.leg,
        e.place_text,
        e.action_text,
        e.note
    )
}

fn row_class(e: &HopEvent) -> &'static str {
    use svcsim_scene::animation::Phase;
    if e.failed {
        "event failed"
    } else {
        match e.phase {
            Phase::Dns => "event dns",
            Phase::Reply => "event reply",
            Phase::Request => "event",
        }
    }
}

/// The selected hop's details: where, what, the header before and after, the rules that
/// matched and the load-balancing choice.
fn hop_detail(e: &HopEvent) -> impl IntoView {
    let rules = e
        .rules
        .iter()
        .map(ToString::to_string)
        .collect::<Vec<_>>()
        .join("\n");
    let lb = e.lb.as_ref().map(|lb| format!("load balancing: {lb}"));
    view! {
        <dl class="hop-detail">
            <dt>"Where"</dt>
            <dd>{e.place_text.clone()}</dd>
            <dt>"What"</dt>
            <dd>{format!("{}: {}", e.action_text, e.note)}</dd>
            <dt>"Before"</dt>
            <dd><code id="hop-before">{e.before.clone()}</code></dd>
            <dt>"After"</dt>
            <dd><code id="hop-after">{e.after.clone()}</code></dd>
            <dt>"Rules that matched"</dt>
            <dd>
                <pre id="hop-rules" class="rules">
                    {if rules.is_empty() { "(none: no kube-proxy rule at this hop)".to_string() } else { rules }}
                </pre>
            </dd>
            {lb.map(|l| view! { <dt>"Choice"</dt><dd>{l}</dd> })}
        </dl>
    }
}

/// The event list and the current hop's details.
#[component]
pub fn EventList() -> impl IntoView {
    let model = use_model();
    // The rows re-render when the journey changes or the packet reaches another hop, not on
    // every animation frame.
    let current = Memo::new(move |_| model.with_playback(|p| p.current()));
    let items = move || {
        let cur = current.get();
        model.with_journey(|p| {
            p.events()
                .iter()
                .enumerate()
                .map(|(i, e)| {
                    view! {
                        <li class=row_class(e) class:current=i == cur>
                            <button
                                type="button"
                                aria-current=if i == cur { "step" } else { "false" }
                                on:click=move |_| { model.update(|s| s.goto_hop(i)); }
                            >
                                {row_text(i, e)}
                            </button>
                        </li>
                    }
                })
                .collect_view()
        })
    };
    let outcome = move || {
        model
            .with_journey(|p| p.outcome())
            .unwrap_or_else(|| "Send a request to see its journey here.".to_string())
    };
    let detail = move || {
        let cur = current.get();
        model.with_journey(|p| p.events().get(cur).map(hop_detail))
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
