//! Journeys on the page: the send form and the player controls above the canvas, and the event
//! list beside it (Packet Tracer's simulation mode: every hop in order; selecting one shows its
//! header before → after and the rules that matched). The journey, its timeline and its
//! playhead live in the session (`svcsim_scene::playback`); these components show them and
//! forward clicks.

use crate::model::{use_model, use_player, use_prefs};
use leptos::prelude::*;
use svcsim_engine::dns::ResolverFlavor;
use svcsim_scene::animation::HopEvent;
use svcsim_scene::journey::{destinations, shortlist, sources, CHOICES_SHOWN};

/// The send form and the player controls (above the canvas).
#[component]
pub fn JourneyControls() -> impl IntoView {
    let model = use_model();
    let player = use_player();
    let prefs = use_prefs();
    let source_options = move || {
        let current = prefs.get().source.unwrap_or_default();
        let (shown, omitted) = shortlist(
            model.with_cluster(|s| sources(s.cluster())),
            CHOICES_SHOWN,
            |o| o.value == current,
        );
        let rows = shown
            .into_iter()
            .map(|o| {
                let selected = o.value == current;
                view! { <option value=o.value selected=selected>{o.label}</option> }
            })
            .collect_view();
        let more = (omitted > 0).then(|| {
            view! { <option value="" disabled=true>{format!("… {omitted} more: type kubectl exec in the console")}</option> }
        });
        (rows, more)
    };
    let dest_options = move || {
        let (shown, _) = shortlist(
            model.with_cluster(|s| destinations(s.cluster())),
            CHOICES_SHOWN,
            |_| false,
        );
        shown
            .into_iter()
            .map(|d| view! { <option value=d></option> })
            .collect_view()
    };
    let position = Memo::new(move |_| player.position());
    let step_label = move || {
        let (cur, _) = position.get();
        player.with_journey(|p| match p.events().len() {
            0 => "no journey yet".to_string(),
            n => format!("hop {} of {n}", cur + 1),
        })
    };
    let playing = move || position.get().1;
    view! {
        <form
            class="journey-form"
            aria-label="Send a request"
            on:submit=move |ev| {
                ev.prevent_default();
                player.send(1);
                hand_focus_to_play();
            }
        >
            <label for="source">"From"</label>
            <select
                id="source"
                on:change=move |ev| {
                    prefs.set_source(event_target_value(&ev));
                }
                prop:value=move || prefs.get().source.unwrap_or_default()
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
                prop:value=move || prefs.get().dest.unwrap_or_default()
                on:input=move |ev| prefs.set_dest(event_target_value(&ev))
            />
            <datalist id="dest-list">{dest_options}</datalist>
            <button type="submit" id="send">"Send"</button>
            <button type="button" id="send100" on:click=move |_| player.send(100)>
                "Send 100"
            </button>
        </form>
        <div class="player" role="group" aria-label="Journey player">
            <button
                type="button"
                id="step-back"
                title="Previous hop (←)"
                on:click=move |_| player.step_back()
            >
                "◀ Back"
            </button>
            <button
                type="button"
                id="play"
                title="Play / pause (Space)"
                aria-pressed=move || playing().to_string()
                on:click=move |_| player.toggle()
            >
                {move || if playing() { "Pause" } else { "Play" }}
            </button>
            <button
                type="button"
                id="step-forward"
                title="Next hop (→)"
                on:click=move |_| player.step_forward()
            >
                "Next ▶"
            </button>
            <button type="button" id="replay" on:click=move |_| player.replay()>
                "↺ Replay"
            </button>
            <label for="speed">"Speed"</label>
            <select
                id="speed"
                on:change=move |ev| {
                    if let Ok(v) = event_target_value(&ev).parse::<f64>() {
                        prefs.set_speed(v);
                    }
                }
                prop:value=move || prefs.get().speed().to_string()
            >
                <option value="0.25">"¼×"</option>
                <option value="0.5">"½×"</option>
                <option value="1">"1×"</option>
                <option value="2">"2×"</option>
                <option value="4">"4×"</option>
            </select>
            <label class="fold-dns" title="Each DNS lookup as one step: its question and its answer">
                <input
                    type="checkbox"
                    id="fold-dns"
                    prop:checked=move || prefs.get().fold_dns
                    on:change=move |ev| prefs.set_fold_dns(event_target_checked(&ev))
                />
                "Fold DNS"
            </label>
            <span id="step-label" class="step-label">{step_label}</span>
        </div>
        <p id="journey-error" class="journey-error" role="alert">
            {move || model.ui.journey_error.get().unwrap_or_default()}
        </p>
    }
}

/// A row's text: `3. [DNS query 1: my-service.default.svc.cluster.local A] kube-proxy
/// iptables (kind-worker) — DNAT: …`; an answer's rows say the answer.
fn row_text(i: usize, e: &HopEvent) -> String {
    format!(
        "{}. [{}] {} — {}",
        i + 1,
        leg_text(e),
        e.place_text,
        e.what()
    )
}

/// The leg, with a DNS leg's question (on the way out) or answer (on the way back).
fn leg_text(e: &HopEvent) -> String {
    match &e.dns {
        Some(d) => match &d.answer {
            Some(a) => format!("{}: {a}", e.leg),
            None => match d.resolver {
                Some(r) => format!("{}: {}? ({} resolver)", e.leg, d.question, r.as_str()),
                None => format!("{}: {}?", e.leg, d.question),
            },
        },
        None => e.leg.clone(),
    }
}

/// What the resolver means for the lookup the class watches.
fn resolver_text(r: ResolverFlavor) -> &'static str {
    match r {
        ResolverFlavor::Musl => {
            "musl (an Alpine image): stops at the first answer that is not NXDOMAIN"
        }
        ResolverFlavor::Glibc => {
            "glibc: goes on through the search list after NXDOMAIN, NODATA and SERVFAIL"
        }
    }
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
            {e.dns.clone().map(|d| view! {
                <dt>"DNS question"</dt>
                <dd><code id="hop-dns-question">{d.question}</code></dd>
                {d.resolver.map(|r| view! {
                    <dt>"Resolver"</dt>
                    <dd id="hop-dns-resolver">{resolver_text(r)}</dd>
                })}
                {d.answer.map(|a| view! { <dt>"DNS answer"</dt><dd><code id="hop-dns-answer">{a}</code></dd> })}
            })}
            <dt>"Where"</dt>
            <dd>{e.place_text.clone()}</dd>
            <dt>"What"</dt>
            <dd>{e.what()}</dd>
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
    let player = use_player();
    // The rows re-render when the journey changes or the packet reaches another hop, not on
    // every animation frame.
    let current = Memo::new(move |_| player.position().0);
    let items = move || {
        let cur = current.get();
        player.with_journey(|p| {
            p.events()
                .iter()
                .enumerate()
                .map(|(i, e)| {
                    view! {
                        <li class=row_class(e) class:current=i == cur>
                            <button
                                type="button"
                                aria-current=if i == cur { "step" } else { "false" }
                                on:click=move |_| player.goto(i)
                            >
                                {row_text(i, e)}
                            </button>
                        </li>
                    }
                })
                .collect_view()
        })
    };
    // The current hop's row stays in view: the list scrolls itself (never the page, which
    // would move the canvas), once the row is drawn.
    Effect::new(move |_| {
        current.track();
        player.with_journey(|_| ());
        request_animation_frame(keep_current_row_in_view);
    });
    let outcome = move || {
        // The outcome appears when the packet reaches the last hop.
        current.track();
        player
            .with_journey(|p| p.status())
            .unwrap_or_else(|| "Send a request to see its journey here.".to_string())
    };
    let detail = move || {
        let cur = current.get();
        player.with_journey(|p| p.events().get(cur).map(hop_detail))
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

/// The caption strip under the canvas (issue 12, item 2): the current hop in one place the
/// class reads with the picture — "hop N of M", where and what, the header before → after —
/// and, at the last hop (not before), the outcome instead of the header.
#[component]
pub fn HopCaption() -> impl IntoView {
    let player = use_player();
    let current = Memo::new(move |_| player.position().0);
    let caption = move || {
        let cur = current.get();
        // With the outcome, why the Service reaches no pod (its first reason).
        let why = if player.with_journey(|p| cur + 1 == p.events().len()) {
            player.failure_reasons().into_iter().next()
        } else {
            None
        };
        player.with_journey(|p| {
            let events = p.events();
            let e = events.get(cur)?;
            let header = if e.before == e.after {
                e.before.clone()
            } else {
                format!("{} → {}", e.before, e.after)
            };
            let outcome = if cur + 1 == events.len() {
                p.status()
            } else {
                None
            };
            Some(view! {
                <p class="caption-what">
                    <strong id="caption-step">{format!("Hop {} of {}", cur + 1, events.len())}</strong>
                    {e.dns.as_ref().map(|_| view! { " · " <span class="caption-dns">{leg_text(e)}</span> })}
                    {format!(" · {} — {}", e.place_text, e.what())}
                </p>
                {match outcome {
                    // At the end the outcome takes the header's line: the strip stays as
                    // tall as the room kept for it under the canvas.
                    Some(o) => view! {
                        <p class="caption-outcome">{o}</p>
                        {why.clone().map(|w| view! { <p id="caption-why" class="caption-why">"Why: " {w}</p> })}
                    }
                    .into_any(),
                    None => view! { <p class="caption-header"><code>{header}</code></p> }.into_any(),
                }}
            })
        })
    };
    view! {
        <div id="caption" class="caption" aria-live="polite" class:empty=move || player.with_journey(|p| p.events().is_empty())>
            {caption}
        </div>
    }
}

/// After Send was pressed, the player's Play/Pause button takes the focus: left on Send, the
/// lecturer's Space (play/pause everywhere else) sent a new request instead of pausing. Enter
/// in the destination field keeps the focus there, for the next destination.
fn hand_focus_to_play() {
    let Some(doc) = web_sys::window().and_then(|w| w.document()) else {
        return;
    };
    let on_send = doc.active_element().is_some_and(|e| e.id() == "send");
    if !on_send {
        return;
    }
    if let Some(play) = doc
        .get_element_by_id("play")
        .and_then(|e| wasm_bindgen::JsCast::dyn_into::<web_sys::HtmlElement>(e).ok())
    {
        let _ = play.focus();
    }
}

/// Scroll `#events` (only it) so that its current row is inside it, centred when it was out.
fn keep_current_row_in_view() {
    let Some(doc) = web_sys::window().and_then(|w| w.document()) else {
        return;
    };
    let (Some(list), Ok(Some(row))) = (
        doc.get_element_by_id("events"),
        doc.query_selector("#events li.current"),
    ) else {
        return;
    };
    let (l, r) = (
        list.get_bounding_client_rect(),
        row.get_bounding_client_rect(),
    );
    let top = r.top() - l.top();
    let visible = f64::from(list.client_height());
    if top >= 0.0 && top + r.height() <= visible {
        return;
    }
    let target = f64::from(list.scroll_top()) + top - (visible - r.height()) / 2.0;
    list.set_scroll_top(target.max(0.0) as i32);
}
