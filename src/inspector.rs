//! The inspector: what `svcsim_scene::inspect::panel` says about the selection (the object as
//! `kubectl get -o yaml` prints it, its EndpointSlices, its DNS names, the node's kube-proxy
//! rules with the current hop's rules highlighted), and the teaching actions that apply to it.

use crate::actions::Actions;
use crate::model::{use_model, use_player};
use leptos::prelude::*;

/// The inspector panel.
#[component]
pub fn Inspector() -> impl IntoView {
    let model = use_model();
    let player = use_player();
    // Recomputed when the cluster, the selection or the current hop changes — not on every
    // animation frame while a packet travels between two hops.
    let hop = Memo::new(move |_| player.position().0);
    let panel = Memo::new(move |_| {
        // Read (not only tracked): a memo is lazy, and reading it is what brings it up to date.
        let _ = hop.get();
        player.with_journey(|_| ());
        model.selection();
        model.with_cluster(|s| s.inspector())
    });
    view! {
        <section class="panel inspector" aria-labelledby="inspector-heading">
            <h2 id="inspector-heading">
                "Inspector: " <span id="inspector-title">{move || panel.with(|p| p.title.clone())}</span>
            </h2>
            <Actions />
            {move || {
                panel
                    .with(|p| p.yaml.clone())
                    .map(|y| {
                        view! {
                            <h3>"kubectl get -o yaml"</h3>
                            <pre id="inspector-yaml" class="yaml" tabindex="0">{y}</pre>
                        }
                    })
            }}
            {move || {
                panel
                    .with(|p| p.slices.clone())
                    .map(|sl| {
                        let why_list = sl
                            .why_not_ready
                            .into_iter()
                            .map(|w| view! { <li>{w.to_string()}</li> })
                            .collect_view();
                        view! {
                            <h3>"EndpointSlices"</h3>
                            <pre id="inspector-slices" class="yaml" tabindex="0">{sl.yaml}</pre>
                            <ul id="why-no-endpoints" class="why">{why_list}</ul>
                        }
                    })
            }}
            {move || {
                let names = panel.with(|p| p.dns_names.clone());
                (!names.is_empty())
                    .then(|| {
                        view! {
                            <h3>"DNS names"</h3>
                            <ul id="inspector-dns" class="dns">
                                {names.into_iter().map(|n| view! { <li><code>{n}</code></li> }).collect_view()}
                            </ul>
                        }
                    })
            }}
            {move || {
                panel
                    .with(|p| p.rules.clone())
                    .map(|r| {
                        let lines = r
                            .lines
                            .into_iter()
                            .map(|l| {
                                view! { <span class="rule-line" class:rule-hit=l.hit>{l.text}"\n"</span> }
                            })
                            .collect_view();
                        view! {
                            <h3><code id="rules-cmd">{r.prompt}</code></h3>
                            <pre id="inspector-rules" class="rules" tabindex="0">{lines}</pre>
                        }
                    })
            }}
        </section>
    }
}
