//! The console: a terminal running `svcsim_scene::console::Console` against the simulated
//! cluster (kubectl, nslookup, curl, iptables-save …). Up/Down walk the history, Tab completes;
//! commands that send packets animate them; commands that change the cluster let time run.

use crate::journey::Player;
use crate::model::Model;
use leptos::html;
use leptos::prelude::*;
use svcsim_scene::console::Console;

/// One block of terminal output.
#[derive(Debug, Clone, PartialEq)]
struct Entry {
    prompt: String,
    stdout: String,
    stderr: String,
}

/// The console panel.
#[component]
pub fn ConsolePanel(model: Model, player: Player) -> impl IntoView {
    let console = StoredValue::new_local(Console::new());
    let entries: RwSignal<Vec<Entry>> = RwSignal::new(Vec::new());
    let line = RwSignal::new(String::new());
    let input: NodeRef<html::Input> = NodeRef::new();
    let out_ref: NodeRef<html::Pre> = NodeRef::new();

    let run = move || {
        let text = line.get_untracked();
        line.set(String::new());
        let ns = console.with_value(|c| c.namespace().to_string());
        let Some(Some(out)) = model.update_sim(|s| {
            let out = console.try_update_value(|c| c.run(&mut s.cluster, &text, &mut s.rng));
            if out.as_ref().is_some_and(|o| o.changed) {
                s.touch();
            }
            out
        }) else {
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
        let mut journeys = out.journeys.into_iter();
        if let Some(first) = journeys.next() {
            player.queue.set_value(journeys.collect());
            player.play(model, first);
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
            if let Some(Some(prev)) = console.try_update_value(Console::history_prev) {
                line.set(prev);
            }
        }
        "ArrowDown" => {
            ev.prevent_default();
            if let Some(Some(next)) = console.try_update_value(Console::history_next) {
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
            let done = model.with_sim_untracked(|s| {
                console.with_value(|c| c.complete(&s.cluster, &current, cursor))
            });
            line.set(completed_line(&current, &done));
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
                    {move || { model.rev.track(); console.with_value(|c| format!("{}$", c.namespace())) }}
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

/// The line after Tab: the word being completed is replaced by the only candidate (plus a
/// space), or extended to the candidates' common prefix, as bash does.
fn completed_line(current: &str, done: &svcsim_scene::console::Completion) -> String {
    let head = current.get(..done.replace_from).unwrap_or(current);
    match done.candidates.as_slice() {
        [] => current.to_string(),
        [only] => format!("{head}{only} "),
        many => {
            let first = many.first().map(String::as_str).unwrap_or("");
            let common = many.iter().fold(first.len(), |n, c| {
                first
                    .chars()
                    .zip(c.chars())
                    .take_while(|(a, b)| a == b)
                    .map(|(a, _)| a.len_utf8())
                    .sum::<usize>()
                    .min(n)
            });
            let prefix = first.get(..common).unwrap_or("");
            let typed = current.get(done.replace_from..).unwrap_or("");
            if prefix.len() > typed.len() {
                format!("{head}{prefix}")
            } else {
                current.to_string()
            }
        }
    }
}
