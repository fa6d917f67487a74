//! The whole page: header with the page-wide controls (examples, proxy mode, theme,
//! presentation, share, export, help), the editor, the cluster canvas with the journey player
//! and the event list, the inspector and the console. The [`Session`] decides everything; this
//! file only lays the page out and bridges to the document (theme attributes, shortcuts).

use crate::canvas::ClusterCanvas;
use crate::chart::DistributionChart;
use crate::console::ConsolePanel;
use crate::editor::Editor;
use crate::inspector::Inspector;
use crate::journey::{EventList, HopCaption, JourneyControls};
use crate::legend::{Legend, LegendList};
use crate::model::{use_frame_loop, use_model, use_player, use_prefs, Model, Player};
use crate::persist;
use leptos::html;
use leptos::prelude::*;
use svcsim_engine::proxy::ProxyMode;
use svcsim_scene::examples;
use svcsim_scene::journey::{shortlist, CHOICES_SHOWN};
use svcsim_scene::layout::{ObjectId, Point, View};
use svcsim_scene::session::{Session, DEFAULT_SEED};
use svcsim_scene::settings::Theme;
use svcsim_scene::share::Scenario;
use svcsim_scene::startup::Opening;

fn media(query: &str) -> bool {
    web_sys::window()
        .and_then(|w| w.match_media(query).ok().flatten())
        .is_some_and(|m| m.matches())
}

/// `?perf=1`: the measurement scenario (50 nodes, 500 pods; 100 packets move), never saved.
fn perf_mode() -> bool {
    web_sys::window()
        .and_then(|w| w.location().search().ok())
        .is_some_and(|q| q.contains("perf=1"))
}

/// Where the page starts: the measurement scene, a shared link, the saved work, or the
/// lecture's first example. The message explains a link that could not be opened.
/// Saved (or linked) texts above this size open with the first cluster and are then applied
/// in steps by the frame loop, with progress: built at once, a 10 MB text held the page's
/// first task for minutes.
const OPEN_IN_STEPS_ABOVE_BYTES: usize = 256 * 1024;

/// The session to start with, how the page opened, and whether the text is still to be
/// applied (in steps).
fn start(perf: bool) -> (Session, Opening, bool) {
    if perf {
        let text = svcsim_engine::generate::cluster_manifest(svcsim_engine::generate::Scale {
            nodes: 50,
            services: 50,
            pods_per_service: 10,
        });
        let mut s = Session::new(&Scenario {
            text,
            seed: DEFAULT_SEED,
            ..Scenario::default()
        });
        s.set_packets(100);
        return (s, Opening::default(), false);
    }
    let opening = persist::startup();
    let big = opening
        .scenario
        .as_ref()
        .is_some_and(|s| s.text.len() > OPEN_IN_STEPS_ABOVE_BYTES);
    let session = match &opening.scenario {
        None => Session::first_visit(),
        Some(s) if opening.hold || big => Session::held(s),
        Some(s) => {
            // Building and settling the saved (or linked) cluster is what could kill the tab:
            // marked until it is done, so a reload after a crash opens the text held.
            persist::mark_applying();
            let session = Session::new(s);
            persist::clear_applying();
            session
        }
    };
    let apply_in_steps = big && !opening.hold;
    (session, opening, apply_in_steps)
}

/// The whole page.
#[component]
pub fn App() -> impl IntoView {
    let perf = perf_mode();
    let (mut session, opening, apply_in_steps) = start(perf);
    if session.settings().theme.is_none() {
        session.set_theme(if media("(prefers-color-scheme: dark)") {
            Theme::Dark
        } else {
            Theme::Light
        });
    }
    let model = Model::provide(session);
    model
        .ui
        .reduced_motion
        .set(media("(prefers-reduced-motion: reduce)"));
    if let Some(m) = opening.message {
        model.say(m);
    }
    model.ui.can_restore.set(opening.keep_previous.is_some());

    use_frame_loop(model);

    // Keep everything in localStorage (not the measurement scene). A failed save (storage full
    // or disabled) is said once, not on every keystroke; a shared link's fragment is taken out
    // of the address bar once the work differs from it, so a reload never reverts an edit.
    if !perf {
        let failed = StoredValue::new(false);
        let later = StoredValue::new_local(None::<gloo_timers::callback::Timeout>);
        let save = move || {
            let Some(s) = model.untracked(Session::scenario) else {
                return;
            };
            match persist::save(&s) {
                Ok(()) => failed.set_value(false),
                Err(e) if !failed.get_value() => {
                    failed.set_value(true);
                    model.say(format!(
                        "Your work could not be saved in this browser ({e}). Use Share to keep it as a link."
                    ));
                }
                Err(_) => {}
            }
            persist::forget_stale_fragment(&s);
        };
        Effect::new(move |_| {
            model.track_saved();
            // A big text is saved in a task of its own (serialising and storing 10 MB takes
            // ~150 ms), not in the paste's; a newer change replaces a save still waiting.
            let big = model
                .untracked(|s| s.draft().len() > persist::SAVE_LATER_ABOVE_BYTES)
                .unwrap_or(false);
            if big {
                later.set_value(Some(gloo_timers::callback::Timeout::new(0, save)));
            } else {
                later.set_value(None);
                save();
            }
        });
    }

    if apply_in_steps {
        model.apply();
    }

    // Theme and presentation mode on the document element.
    let prefs = use_prefs();
    Effect::new(move |_| {
        let settings = prefs.get();
        if let Some(root) = web_sys::window()
            .and_then(|w| w.document())
            .and_then(|d| d.document_element())
        {
            let theme = settings.theme.unwrap_or(Theme::Light);
            let _ = root.set_attribute("data-theme", theme.as_str());
            let _ = root.set_attribute("data-presentation", &settings.presentation.to_string());
        }
    });

    // Handles are taken here: the listener runs outside the component tree's context.
    let player = use_player();
    let keys = window_event_listener(leptos::ev::keydown, move |ev| on_key(model, player, &ev));
    on_cleanup(move || keys.remove());

    view! {
        <Banner />
        <p id="status" class="status" role="status" class:empty=move || model.ui.status.with(Option::is_none)>
            {move || model.ui.status.get().unwrap_or_default()}
            {move || model.ui.can_restore.get().then(|| view! {
                <button
                    type="button"
                    id="restore"
                    title="Open the work this link replaced"
                    on:click=move |_| {
                        model.ui.can_restore.set(false);
                        match persist::take_previous() {
                            Some(prev) => {
                                model.change(|s| s.open(&prev));
                                model.ui.view.set(None);
                                model.say("Your previous work is back.");
                            }
                            None => model.say("Your previous work could not be found any more."),
                        }
                    }
                >
                    "Restore"
                </button>
            })}
            <button
                type="button"
                class="dismiss"
                aria-label="Dismiss message"
                on:click=move |_| model.ui.status.set(None)
            >
                "×"
            </button>
        </p>
        <main class="layout">
            <div class="col-left">
                <Explanation />
                <Editor />
            </div>
            <div class="col-center">
                <section class="panel stage" aria-labelledby="stage-heading">
                    <h2 id="stage-heading" class="visually-hidden">"Cluster"</h2>
                    <JourneyControls />
                    <StageBar />
                    <ClusterCanvas />
                    <HopCaption />
                    <PresentExplanation />
                    <Legend />
                    <DistributionChart />
                </section>
                <section class="panel output" aria-labelledby="output-heading">
                    <h2 id="output-heading">
                        <code>"kubectl get services"</code>
                    </h2>
                    <pre id="output" class="table" aria-live="polite" aria-atomic="true" tabindex="0">
                        {move || model.with_cluster(|s| services_table(s.cluster()))}
                    </pre>
                </section>
            </div>
            <div class="col-right">
                <EventList />
                <Inspector />
            </div>
            <div class="col-bottom">
                <ConsolePanel />
            </div>
        </main>
        <HelpDialog />
    }
}

/// `kubectl get services` in the default namespace, or kubectl's message when there are none.
fn services_table(cluster: &svcsim_engine::cluster::Cluster) -> String {
    use svcsim_engine::printers::{get, GetOptions, Output};
    let opts = GetOptions {
        limit: Some(TABLE_ROWS),
        ..GetOptions::default()
    };
    match get(cluster, "services", &opts, Output::Table) {
        Ok(o) if o.remaining > 0 => format!(
            "{}… and {} more Services (kubectl get services in the console lists them all)\n",
            o.stdout, o.remaining
        ),
        Ok(o) => o.no_resources.unwrap_or(o.stdout),
        Err(e) => e.to_string(),
    }
}

/// Services the page's `kubectl get services` shows (one page of the list): a table of
/// thousands of Services built and laid out again on every change of the cluster kept the page
/// busy; the console's `kubectl get services` prints them all.
const TABLE_ROWS: usize = 200;

/// Keyboard shortcuts (not while typing in a field, except Escape and Ctrl+Enter).
fn on_key(model: Model, player: Player, ev: &web_sys::KeyboardEvent) {
    let target = ev
        .target()
        .and_then(|t| wasm_bindgen::JsCast::dyn_into::<web_sys::Element>(t).ok());
    let tag = target.as_ref().map(web_sys::Element::tag_name);
    let in_field = matches!(tag.as_deref(), Some("INPUT" | "TEXTAREA" | "SELECT"));
    let key = ev.key();
    if key == "Escape" {
        model.ui.help_open.set(false);
        // Esc also stops a big paste being applied (the editor's Cancel button).
        model.cancel_apply();
        return;
    }
    if key == "Enter" && (ev.ctrl_key() || ev.meta_key()) {
        ev.prevent_default();
        model.apply();
        return;
    }
    if in_field || ev.ctrl_key() || ev.meta_key() || ev.alt_key() {
        return;
    }
    let has_journey = model
        .untracked(|s| !s.playback().events().is_empty())
        .unwrap_or(false);
    match key.as_str() {
        // Space on a focused button presses the button.
        " " if tag.as_deref() != Some("BUTTON") => {
            ev.prevent_default();
            player.toggle();
        }
        "ArrowRight" if has_journey && !ev.shift_key() => {
            ev.prevent_default();
            player.step_forward();
        }
        "ArrowLeft" if has_journey && !ev.shift_key() => {
            ev.prevent_default();
            player.step_back();
        }
        "?" => model.ui.help_open.set(true),
        _ => {}
    }
}

/// The page-wide controls.
#[component]
fn Banner() -> impl IntoView {
    let model = use_model();
    let prefs = use_prefs();
    let example_options = move || {
        let current = prefs.get().example.unwrap_or_default();
        examples::ALL
            .iter()
            .map(|e| {
                view! {
                    <option value=e.id selected=e.id == current>
                        {e.title}
                    </option>
                }
            })
            .collect_view()
    };
    let on_example = move |ev| {
        let id = event_target_value(&ev);
        model.change(|s| s.load_example(&id));
        model.ui.view.set(None);
        model.ui.journey_error.set(None);
    };
    let on_mode = move |ev| {
        if let Some(m) = ProxyMode::parse(&event_target_value(&ev)) {
            prefs.set_proxy_mode(m);
        }
    };
    let share = move |_| {
        let Some(s) = model.untracked(Session::scenario) else {
            return;
        };
        match persist::put_in_url(&s) {
            Ok(url) => {
                persist::copy(&url);
                model.say(
                    "Share link is in the address bar (and copied, if the browser allowed it).",
                );
            }
            Err(why) => model.say(why),
        }
    };
    let dark = move || prefs.get().theme == Some(Theme::Dark);
    let presenting = move || prefs.get().presentation;
    view! {
        <header class="banner">
            <h1>"svcsim"</h1>
            <p class="tagline">"Kubernetes Services networking, simulated"</p>
            <div class="toolbar" role="toolbar" aria-label="Page">
                <label for="example">"Example"</label>
                <select id="example" on:change=on_example>
                    <option value="" disabled=true selected=move || prefs.get().example.is_none()>
                        "(your own)"
                    </option>
                    {example_options}
                </select>
                <label for="proxy-mode">"kube-proxy"</label>
                <select
                    id="proxy-mode"
                    on:change=on_mode
                    prop:value=move || model.with_cluster(|s| s.proxy_mode().as_str().to_string())
                >
                    <option value="iptables">"iptables"</option>
                    <option value="nftables">"nftables"</option>
                    <option value="ipvs">"IPVS"</option>
                </select>
                <button
                    type="button"
                    id="theme"
                    aria-pressed=move || dark().to_string()
                    on:click=move |_| {
                        prefs.set_theme(if dark() { Theme::Light } else { Theme::Dark });
                    }
                >
                    "Dark"
                </button>
                <button
                    type="button"
                    id="presentation"
                    aria-pressed=move || presenting().to_string()
                    on:click=move |_| {
                        prefs.set_presentation(!presenting());
                    }
                >
                    "Present"
                </button>
                <button type="button" id="share" on:click=share>"Share"</button>
                <button type="button" id="export" on:click=move |_| crate::export::export_png(model, prefs)>"Export PNG"</button>
                <button type="button" id="export-svg" aria-label="Export SVG" title="Export the scene as SVG (vectors, for slides)" on:click=move |_| crate::export::export_svg(model, prefs)>"SVG"</button>
                <button type="button" id="help" aria-haspopup="dialog" on:click=move |_| model.ui.help_open.set(true)>
                    "? Help"
                </button>
            </div>
        </header>
    }
}

/// The example loaded now (None once the user's own manifests replaced it).
fn loaded_example(prefs: crate::model::Prefs) -> Option<&'static examples::Example> {
    prefs.get().example.and_then(|id| examples::by_id(&id))
}

/// The example's concept and what to look at.
#[component]
fn Explanation() -> impl IntoView {
    let prefs = use_prefs();
    move || {
        loaded_example(prefs).map(|e| {
            view! {
                <div class="explanation" id="explanation">
                    <h2>{e.concept}</h2>
                    <p>{e.explanation}</p>
                </div>
            }
        })
    }
}

/// In presentation mode the editor's column is hidden; the example's concept and explanation
/// stay one click away under the caption, folded so the picture keeps the screen.
#[component]
fn PresentExplanation() -> impl IntoView {
    let prefs = use_prefs();
    move || {
        loaded_example(prefs).map(|e| {
            view! {
                <details class="present-only explanation-fold" id="present-explanation">
                    <summary>"About this example: " {e.concept}</summary>
                    <p>{e.explanation}</p>
                </details>
            }
        })
    }
}

/// Above the canvas: pick an object, zoom, the simulated clock and the perf counter.
#[component]
fn StageBar() -> impl IntoView {
    let model = use_model();
    let player = use_player();
    let selection_options = move || {
        let sel = model.selection().map(|s| s.to_string()).unwrap_or_default();
        let ids: Vec<String> = model.with_scene(|s| {
            s.objects()
                .filter(|id| {
                    matches!(
                        id,
                        ObjectId::Pod { .. }
                            | ObjectId::Service { .. }
                            | ObjectId::Node(_)
                            | ObjectId::LoadBalancer(_)
                            | ObjectId::ExternalClient
                    )
                })
                .map(ToString::to_string)
                .collect()
        });
        let (shown, omitted) = shortlist(ids, CHOICES_SHOWN, |v| *v == sel);
        let rows = shown
            .into_iter()
            .map(|v| {
                let selected = v == sel;
                view! { <option value=v.clone() selected=selected>{v.clone()}</option> }
            })
            .collect_view();
        let more = (omitted > 0).then(|| {
            view! { <option value="" disabled=true>{format!("… {omitted} more: click them on the canvas")}</option> }
        });
        (rows, more)
    };
    let zoom = move |factor: f64| {
        let v = model.ui.view.get_untracked().unwrap_or_default();
        model
            .ui
            .view
            .set(Some(v.zoom_about(Point::new(400.0, 300.0), factor)));
    };
    let pending = move || model.with_cluster(|s| s.pending()) && model.ui.running.get();
    let clock = move || {
        model.with_cluster(|s| format!("t = {:.1} s", s.cluster().now.as_ms() as f64 / 1000.0))
    };
    view! {
        <div class="stage-bar">
            <label for="object-select">"Select"</label>
            <select
                id="object-select"
                on:change=move |ev| {
                    let id = ObjectId::parse(&event_target_value(&ev));
                    model.update(|s| s.select(id));
                }
                prop:value=move || {
                    model.with_scene(|_| ());
                    model.selection().map(|s| s.to_string()).unwrap_or_default()
                }
            >
                <option value="" selected=move || model.selection().is_none()>"(nothing)"</option>
                {selection_options}
            </select>
            <button type="button" id="zoom-in" aria-label="Zoom in" on:click=move |_| zoom(1.25)>"+"</button>
            <button type="button" id="zoom-out" aria-label="Zoom out" on:click=move |_| zoom(0.8)>"−"</button>
            <button type="button" id="fit" on:click=move |_| model.ui.view.set(None::<View>)>"Fit"</button>
            <button
                type="button"
                id="focus-journey"
                title="Zoom to what the journey passes (F on the canvas); Fit shows the whole cluster"
                disabled=move || player.with_journey(|p| p.events().is_empty())
                on:click=move |_| {
                    crate::canvas::focus_journey(model);
                }
            >
                "Focus"
            </button>
            {move || {
                (model.expanded_groups() > 0)
                    .then(|| {
                        view! {
                            <button
                                type="button"
                                id="regroup"
                                title="Draw the replicas of each workload on a node as one card again"
                                on:click=move |_| {
                                    model.update(Session::regroup);
                                    model.ui.view.set(None::<View>);
                                }
                            >
                                "Group replicas"
                            </button>
                        }
                    })
            }}
            <span class="clock" aria-live="off">{clock}</span>
            <span class="pending" class:on=pending>{move || if pending() { "time running…" } else { "" }}</span>
            <span class="perf" title="draw time / items drawn / frame time">
                {move || {
                    let (ms, n) = model.ui.draw.get();
                    format!("draw {ms:.1} ms · {n} items · frame {:.1} ms", model.ui.frame_ms.get())
                }}
            </span>
        </div>
    }
}

/// The keyboard shortcuts.
#[component]
fn HelpDialog() -> impl IntoView {
    let model = use_model();
    let help_ref: NodeRef<html::Dialog> = NodeRef::new();
    Effect::new(move |_| {
        let open = model.ui.help_open.get();
        if let Some(d) = help_ref.get() {
            if open && !d.open() {
                let _ = d.show_modal();
            } else if !open && d.open() {
                d.close();
            }
        }
    });
    let close = move |_| model.ui.help_open.set(false);
    view! {
        <dialog id="help-dialog" node_ref=help_ref aria-labelledby="help-heading" on:close=close>
            <h2 id="help-heading">"Keyboard shortcuts"</h2>
            <dl class="keys">
                <dt><kbd>"Space"</kbd></dt><dd>"Play / pause the journey"</dd>
                <dt><kbd>"←"</kbd>" "<kbd>"→"</kbd></dt><dd>"Previous / next hop"</dd>
                <dt><kbd>"Ctrl"</kbd>"+"<kbd>"Enter"</kbd></dt><dd>"Apply the manifest now"</dd>
                <dt><kbd>"+"</kbd>" "<kbd>"−"</kbd>" "<kbd>"0"</kbd></dt><dd>"Zoom in / out / fit (canvas focused)"</dd>
                <dt><kbd>"F"</kbd></dt><dd>"Focus the journey: zoom to what the packet passes (canvas focused)"</dd>
                <dt><kbd>"Shift"</kbd>"+arrows"</dt><dd>"Pan the canvas (canvas focused)"</dd>
                <dt><kbd>"?"</kbd></dt><dd>"This help"</dd>
                <dt><kbd>"Esc"</kbd></dt><dd>"Close this help"</dd>
            </dl>
            <p>"Click an object on the canvas (or pick it in “Select”) to inspect it; a grouped card (“web × 84”) opens into its pods, and “Group replicas” folds them again. Drag to pan, wheel to zoom."</p>
            <h3>"Legend"</h3>
            <LegendList />
            <button type="button" id="help-close" on:click=move |_| model.ui.help_open.set(false)>"Close"</button>
        </dialog>
    }
}
