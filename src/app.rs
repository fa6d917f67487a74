//! The whole page: header with the page-wide controls (examples, proxy mode, theme,
//! presentation, share, export, help), the editor, the cluster canvas with the journey player
//! and the event list, the inspector and the console.

use crate::canvas::{ClusterCanvas, Overlay};
use crate::chart::DistributionChart;
use crate::console::ConsolePanel;
use crate::editor::Editor;
use crate::inspector::Inspector;
use crate::journey::{origin_value, EventList, JourneyControls, Player};
use crate::model::{use_frame_loop, Model, Theme};
use crate::output;
use crate::persist;
use crate::sim::{Sim, DEFAULT_SEED};
use leptos::html;
use leptos::prelude::*;
use std::collections::BTreeMap;
use std::rc::Rc;
use svcsim_engine::proxy::ProxyMode;
use svcsim_scene::examples;
use svcsim_scene::layout::{layout, LayoutOptions, ObjectId, Scene, View};
use svcsim_scene::share::Scenario;

fn media(query: &str) -> bool {
    web_sys::window()
        .and_then(|w| w.match_media(query).ok().flatten())
        .is_some_and(|m| m.matches())
}

/// Point the journey form at an example's suggested trace.
fn suggest(model: Model, player: Player, id: Option<&str>) {
    let Some(ex) = id.and_then(examples::by_id) else {
        return;
    };
    if let Some((from, to)) = ex.suggested_trace {
        let origin = model.with_sim_untracked(|s| examples::origin(&s.cluster, from, "default"));
        match origin {
            Ok(o) => {
                player.source.set(origin_value(&o));
                player.pending_source.set_value(None);
            }
            // `deploy/frontend` right after the load: the Deployment has no pod yet.
            Err(_) => player.pending_source.set_value(Some(from.to_string())),
        }
        player.dest.set(to.to_string());
    }
}

/// The whole page.
#[component]
pub fn App() -> impl IntoView {
    // `?perf=1`: the measurement scenario (50 nodes, 500 pods; 100 packets move), not saved.
    let perf = web_sys::window()
        .and_then(|w| w.location().search().ok())
        .is_some_and(|q| q.contains("perf=1"));
    let (start, message) = if perf {
        let text = svcsim_engine::generate::cluster_manifest(svcsim_engine::generate::Scale {
            nodes: 50,
            services: 50,
            pods_per_service: 10,
        });
        (
            Some(Scenario {
                text,
                seed: DEFAULT_SEED,
                settings: BTreeMap::new(),
                selection: None,
            }),
            None,
        )
    } else {
        persist::startup()
    };
    let default = examples::default_example();
    let scenario = start.unwrap_or_else(|| Scenario {
        text: default.yaml.to_string(),
        seed: DEFAULT_SEED,
        settings: BTreeMap::from([("example".to_string(), default.id.to_string())]),
        selection: None,
    });
    let setting = |k: &str| scenario.settings.get(k).cloned();
    let mode = setting("proxyMode").and_then(|m| ProxyMode::parse(&m));
    let model = Model::new(Sim::new(&scenario.text, scenario.seed, mode));
    model.example.set(setting("example"));
    model
        .theme
        .set(setting("theme").and_then(|t| Theme::parse(&t)).unwrap_or(
            if media("(prefers-color-scheme: dark)") {
                Theme::Dark
            } else {
                Theme::Light
            },
        ));
    model
        .presentation
        .set(setting("presentation").as_deref() == Some("true"));
    if let Some(speed) = setting("speed").and_then(|s| s.parse::<f64>().ok()) {
        if speed.is_finite() && speed > 0.0 && speed <= 16.0 {
            model.speed.set(speed);
        }
    }
    model
        .reduced_motion
        .set(media("(prefers-reduced-motion: reduce)"));
    model
        .selection
        .set(scenario.selection.as_deref().and_then(ObjectId::parse));
    if let Some(m) = message {
        model.say(m);
    }

    let scene: Memo<Scene> =
        Memo::new(move |_| model.with_sim(|s| layout(&s.cluster, &LayoutOptions::default())));
    let player = Player::new(scene);
    suggest(model, player, model.example.get_untracked().as_deref());
    if let Some(src) = setting("source") {
        player.pending_source.set_value(None);
        player.source.set(src);
    }
    if let Some(dest) = setting("dest") {
        player.dest.set(dest);
    }

    // A suggested source the cluster did not have yet: take it as soon as it does.
    Effect::new(move |_| {
        model.rev.track();
        let Some(from) = player.pending_source.get_value() else {
            return;
        };
        let origin = model.with_sim_untracked(|s| examples::origin(&s.cluster, &from, "default"));
        if let Ok(o) = origin {
            player.source.set(origin_value(&o));
            player.pending_source.set_value(None);
        }
    });

    // The one frame loop: simulated time and the journey player.
    use_frame_loop(model, Rc::new(move |dt| player.on_frame(model, dt)));

    // Keep everything in localStorage.
    let scenario_now = move || -> Scenario {
        let mut settings = BTreeMap::new();
        settings.insert("theme".into(), model.theme.get().as_str().to_string());
        settings.insert("speed".into(), model.speed.get().to_string());
        settings.insert("presentation".into(), model.presentation.get().to_string());
        settings.insert("source".into(), player.source.get());
        settings.insert("dest".into(), player.dest.get());
        if let Some(ex) = model.example.get() {
            settings.insert("example".into(), ex);
        }
        let (seed, mode) = model.with_sim(|s| (s.seed, s.mode_override));
        if let Some(m) = mode {
            settings.insert("proxyMode".into(), m.as_str().to_string());
        }
        Scenario {
            text: model.text.get(),
            seed,
            settings,
            selection: model.selection.get().map(|s| s.to_string()),
        }
    };
    if perf {
        model.perf_packets.set(100);
    } else {
        Effect::new(move |_| persist::save(&scenario_now()));
    }

    // Theme and presentation mode on the document element.
    Effect::new(move |_| {
        let theme = model.theme.get();
        let presenting = model.presentation.get();
        if let Some(root) = web_sys::window()
            .and_then(|w| w.document())
            .and_then(|d| d.document_element())
        {
            let _ = root.set_attribute("data-theme", theme.as_str());
            let _ = root.set_attribute("data-presentation", &presenting.to_string());
        }
    });

    let view_sig: RwSignal<Option<View>> = RwSignal::new(None);
    let frame = RwSignal::new((0.0f64, 0usize));
    let overlay = Signal::derive(move || scene.with(|s| player.overlay(model, s)));
    let hop_rules = Signal::derive(move || {
        let i = player.current(model);
        player.steps.with(|steps| {
            steps
                .get(i)
                .map(|s| {
                    let node = match &s.hop.place {
                        svcsim_engine::trace::Place::KubeProxy { node, .. } => Some(node.clone()),
                        _ => None,
                    };
                    (node, s.hop.rules.iter().map(|r| r.text.clone()).collect())
                })
                .unwrap_or_default()
        })
    });
    let _ = Overlay::default;

    // Keyboard shortcuts (not while typing in a field, except Escape and Ctrl+Enter).
    let keys = window_event_listener(leptos::ev::keydown, move |ev| {
        let in_field = ev
            .target()
            .and_then(|t| wasm_bindgen::JsCast::dyn_into::<web_sys::Element>(t).ok())
            .map(|el| matches!(el.tag_name().as_str(), "INPUT" | "TEXTAREA" | "SELECT"))
            .unwrap_or(false);
        let key = ev.key();
        if key == "Escape" {
            model.help_open.set(false);
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
        let n = player.steps.with_untracked(Vec::len);
        match key.as_str() {
            " " => {
                let on_button = ev
                    .target()
                    .and_then(|t| wasm_bindgen::JsCast::dyn_into::<web_sys::Element>(t).ok())
                    .is_some_and(|el| el.tag_name() == "BUTTON");
                if on_button {
                    return;
                }
                ev.prevent_default();
                player.toggle(model);
            }
            "ArrowRight" | "ArrowLeft" if n > 0 && !ev.shift_key() => {
                ev.prevent_default();
                player.step(model, if key == "ArrowRight" { 1 } else { -1 });
            }
            "?" => model.help_open.set(true),
            _ => {}
        }
    });
    on_cleanup(move || keys.remove());

    let table = move || model.with_sim(|s| output::services_table(&s.cluster));
    let example_options = move || {
        let current = model.example.get().unwrap_or_default();
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
    let explanation = move || {
        model
            .example
            .get()
            .and_then(|id| examples::by_id(&id))
            .map(|e| {
                view! {
                    <div class="explanation" id="explanation">
                        <h2>{e.concept}</h2>
                        <p>{e.explanation}</p>
                    </div>
                }
            })
    };
    let on_example = move |ev| {
        let id = event_target_value(&ev);
        if let Some(e) = examples::by_id(&id) {
            model.example.set(Some(e.id.to_string()));
            model.load(e.yaml, true);
            view_sig.set(None);
            player.clear(model);
            suggest(model, player, Some(e.id));
        }
    };
    let on_mode = move |ev| {
        if let Some(m) = ProxyMode::parse(&event_target_value(&ev)) {
            model.set_mode(m);
        }
    };
    let share = move |_| {
        let s = scenario_now();
        match persist::put_in_url(&s) {
            Some(url) => {
                persist::copy(&url);
                model.say(
                    "Share link is in the address bar (and copied, if the browser allowed it).",
                );
            }
            None => model.say("Could not put the link in the address bar."),
        }
    };
    let canvas_export = move |_| {
        let Some(doc) = web_sys::window().and_then(|w| w.document()) else {
            return;
        };
        let Some(c) = doc
            .get_element_by_id("cluster")
            .and_then(|e| wasm_bindgen::JsCast::dyn_into::<web_sys::HtmlCanvasElement>(e).ok())
        else {
            return;
        };
        if let Ok(url) = c.to_data_url_with_type("image/png") {
            if let Ok(a) = doc.create_element("a") {
                let _ = a.set_attribute("href", &url);
                let _ = a.set_attribute("download", "svcsim.png");
                if let Ok(a) = wasm_bindgen::JsCast::dyn_into::<web_sys::HtmlElement>(a) {
                    a.click();
                }
            }
        }
    };
    let selection_options = move || {
        let sel = model
            .selection
            .get()
            .map(|s| s.to_string())
            .unwrap_or_default();
        scene.with(|s| {
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
                .map(|id| {
                    let v = id.to_string();
                    let selected = v == sel;
                    view! { <option value=v.clone() selected=selected>{v.clone()}</option> }
                })
                .collect_view()
        })
    };
    let help_ref: NodeRef<html::Dialog> = NodeRef::new();
    Effect::new(move |_| {
        let open = model.help_open.get();
        if let Some(d) = help_ref.get() {
            if open && !d.open() {
                let _ = d.show_modal();
            } else if !open && d.open() {
                d.close();
            }
        }
    });
    let pending = move || {
        model.rev.track();
        model.running.get() && model.with_sim_untracked(Sim::pending)
    };
    let clock =
        move || model.with_sim(|s| format!("t = {:.1} s", s.cluster.now.as_ms() as f64 / 1000.0));

    view! {
        <header class="banner">
            <h1>"svcsim"</h1>
            <p class="tagline">"Kubernetes Services networking, simulated"</p>
            <div class="toolbar" role="toolbar" aria-label="Page">
                <label for="example">"Example"</label>
                <select id="example" on:change=on_example>
                    <option value="" disabled=true selected=move || model.example.get().is_none()>
                        "(your own)"
                    </option>
                    {example_options}
                </select>
                <label for="proxy-mode">"kube-proxy"</label>
                <select
                    id="proxy-mode"
                    on:change=on_mode
                    prop:value=move || model.with_sim(|s| s.mode().as_str().to_string())
                >
                    <option value="iptables">"iptables"</option>
                    <option value="nftables">"nftables"</option>
                    <option value="ipvs">"IPVS"</option>
                </select>
                <button
                    type="button"
                    id="theme"
                    aria-pressed=move || (model.theme.get() == Theme::Dark).to_string()
                    on:click=move |_| {
                        model.theme.update(|t| *t = if *t == Theme::Dark { Theme::Light } else { Theme::Dark })
                    }
                >
                    "Dark"
                </button>
                <button
                    type="button"
                    id="presentation"
                    aria-pressed=move || model.presentation.get().to_string()
                    on:click=move |_| model.presentation.update(|p| *p = !*p)
                >
                    "Present"
                </button>
                <button type="button" id="share" on:click=share>"Share"</button>
                <button type="button" id="export" on:click=canvas_export>"Export PNG"</button>
                <button type="button" id="help" aria-haspopup="dialog" on:click=move |_| model.help_open.set(true)>
                    "? Help"
                </button>
            </div>
        </header>
        <p id="status" class="status" role="status" class:empty=move || model.status.with(Option::is_none)>
            {move || model.status.get().unwrap_or_default()}
            <button
                type="button"
                class="dismiss"
                aria-label="Dismiss message"
                on:click=move |_| model.status.set(None)
            >
                "×"
            </button>
        </p>
        <main class="layout">
            <div class="col-left">
                {explanation}
                <Editor model=model />
            </div>
            <div class="col-center">
                <section class="panel stage" aria-labelledby="stage-heading">
                    <h2 id="stage-heading" class="visually-hidden">"Cluster"</h2>
                    <JourneyControls model=model player=player />
                    <div class="stage-bar">
                        <label for="object-select">"Select"</label>
                        <select
                            id="object-select"
                            on:change=move |ev| model.selection.set(ObjectId::parse(&event_target_value(&ev)))
                            prop:value=move || {
                                scene.track();
                                model.selection.get().map(|s| s.to_string()).unwrap_or_default()
                            }
                        >
                            <option value="" selected=move || model.selection.with(Option::is_none)>"(nothing)"</option>
                            {selection_options}
                        </select>
                        <button type="button" id="zoom-in" aria-label="Zoom in" on:click=move |_| {
                            let v = view_sig.get_untracked().unwrap_or_default();
                            view_sig.set(Some(v.zoom_about(svcsim_scene::layout::Point::new(400.0, 300.0), 1.25)));
                        }>"+"</button>
                        <button type="button" id="zoom-out" aria-label="Zoom out" on:click=move |_| {
                            let v = view_sig.get_untracked().unwrap_or_default();
                            view_sig.set(Some(v.zoom_about(svcsim_scene::layout::Point::new(400.0, 300.0), 0.8)));
                        }>"−"</button>
                        <button type="button" id="fit" on:click=move |_| view_sig.set(None)>"Fit"</button>
                        <span class="clock" aria-live="off">{clock}</span>
                        <span class="pending" class:on=pending>{move || if pending() { "time running…" } else { "" }}</span>
                        <span class="perf" title="draw time / items drawn / frame time">
                            {move || {
                                let (ms, n) = frame.get();
                                format!("draw {ms:.1} ms · {n} items · frame {:.1} ms", model.frame_ms.get())
                            }}
                        </span>
                    </div>
                    <ClusterCanvas model=model scene=scene view=view_sig overlay=overlay frame=frame />
                    <DistributionChart model=model dist=player.dist />
                </section>
                <section class="panel output" aria-labelledby="output-heading">
                    <h2 id="output-heading">
                        <code>"kubectl get services"</code>
                    </h2>
                    <pre id="output" class="table" aria-live="polite" aria-atomic="true" tabindex="0">
                        {table}
                    </pre>
                </section>
            </div>
            <div class="col-right">
                <EventList model=model player=player />
                <Inspector model=model hop_rules=hop_rules />
            </div>
            <div class="col-bottom">
                <ConsolePanel model=model player=player />
            </div>
        </main>
        <dialog id="help-dialog" node_ref=help_ref aria-labelledby="help-heading" on:close=move |_| model.help_open.set(false)>
            <h2 id="help-heading">"Keyboard shortcuts"</h2>
            <dl class="keys">
                <dt><kbd>"Space"</kbd></dt><dd>"Play / pause the journey"</dd>
                <dt><kbd>"←"</kbd>" "<kbd>"→"</kbd></dt><dd>"Previous / next hop"</dd>
                <dt><kbd>"Ctrl"</kbd>"+"<kbd>"Enter"</kbd></dt><dd>"Apply the manifest now"</dd>
                <dt><kbd>"+"</kbd>" "<kbd>"−"</kbd>" "<kbd>"0"</kbd></dt><dd>"Zoom in / out / fit (canvas focused)"</dd>
                <dt><kbd>"Shift"</kbd>"+arrows"</dt><dd>"Pan the canvas (canvas focused)"</dd>
                <dt><kbd>"?"</kbd></dt><dd>"This help"</dd>
                <dt><kbd>"Esc"</kbd></dt><dd>"Close this help"</dd>
            </dl>
            <p>"Click an object on the canvas (or pick it in “Select”) to inspect it. Drag to pan, wheel to zoom."</p>
            <button type="button" id="help-close" on:click=move |_| model.help_open.set(false)>"Close"</button>
        </dialog>
    }
}
