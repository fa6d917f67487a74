//! The console: a terminal running the session's console against the simulated cluster
//! (kubectl, nslookup, curl, iptables-save …). Up/Down walk the history, Tab completes;
//! commands that send packets animate them; commands that change the cluster let time run.

use crate::model::use_model;
use leptos::html;
use leptos::prelude::*;
use svcsim_scene::session::Session;

/// One block of terminal output.
#[derive(Debug, Clone, PartialEq)]
struct Entry {
    prompt: String,
    stdout: String,
    stderr: String,
}

/// The console panel.
#[component]
pub fn ConsolePanel() -> impl IntoView {
    let model = use_model();
    let entries: RwSignal<Vec<Entry>> = RwSignal::new(Vec::new());
    let line = RwSignal::new(String::new());
    let input: NodeRef<html::Input> = NodeRef::new();
    let out_ref: NodeRef<html::Pre> = NodeRef::new();
    // The prompt shows the console's namespace (`kubens`, `kubectl config set-context`).
    let prompt = move || {
        model
            .untracked(|s| s.console().namespace().to_string())
            .unwrap_or_default()
    };

    let run = move || {
        let text = line.get_untracked();
        line.set(String::new());
        let ns = prompt();
        let Some(out) = model.change(|s| s.run_console(&text)) else {
            return;
        };
        if out.clear {
            entries.set(Vec::new());
        } else {
            entries.update(|e| {
                e.push(Entry {
                    prompt: format!("{ns}$ {text}"),
                    stdout: out.stdout.clone(),
                    stderr: out.stderr.clone(),
                });
                if e.len() > 200 {
                    e.remove(0);
                }
            });
        }
        if let Some(el) = out_ref.get_untracked() {
            el.set_scroll_top(el.scroll_height());
        }
    };

    let on_key = move |ev: web_sys::KeyboardEvent| match ev.key().as_str() {
        "Enter" => {
            ev.prevent_default();
            run();
        }
        "ArrowUp" => {
            ev.prevent_default();
            if let Some(Some(prev)) = model.update(Session::history_prev) {
                line.set(prev);
            }
        }
        "ArrowDown" => {
            ev.prevent_default();
            if let Some(Some(next)) = model.update(Session::history_next) {
                line.set(next);
            }
        }
        "Tab" => {
            let current = line.get_untracked();
            if current.trim().is_empty() {
                return; // let Tab move focus on an empty line
            }
            ev.prevent_default();
            let cursor = current.len();
            let Some(done) = model.untracked(|s| s.complete(&current, cursor)) else {
                return;
            };
            line.set(done.apply_to(&current));
            if done.candidates.len() > 1 {
                entries.update(|e| {
                    e.push(Entry {
                        prompt: String::new(),
                        stdout: done.candidates.join("  ") + "\n",
                        stderr: String::new(),
                    })
                });
            }
        }
        _ => {}
    };

    let blocks = move || {
        entries
            .get()
            .into_iter()
            .map(|e| {
                view! {
                    {(!e.prompt.is_empty()).then(|| view! { <span class="prompt">{e.prompt}"\n"</span> })}
                    <span class="stdout">{e.stdout}</span>
                    <span class="stderr">{e.stderr}</span>
                }
            })
            .collect_view()
    };

    view! {
        <section class="panel console" aria-labelledby="console-heading">
            <h2 id="console-heading">"Console"</h2>
            <pre id="console-out" class="terminal" node_ref=out_ref aria-live="polite" tabindex="0">
                "Type help for the commands. Tab completes, Up/Down walk the history.\n"
                {blocks}
            </pre>
            <form class="console-form" on:submit=move |ev| { ev.prevent_default(); run(); }>
                <label for="console-input" class="prompt-label">
                    {move || { model.with_cluster(|_| ()); format!("{}$", prompt()) }}
                </label>
                <input
                    id="console-input"
                    node_ref=input
                    type="text"
                    spellcheck="false"
                    autocomplete="off"
                    autocapitalize="off"
                    aria-label="Console command"
                    prop:value=move || line.get()
                    on:input=move |ev| line.set(event_target_value(&ev))
                    on:keydown=on_key
                />
            </form>
        </section>
    }
}
