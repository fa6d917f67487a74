//! The page: a manifest editor and, below it, what the engine makes of the text.
//!
//! Signals flow down: `text` follows every keystroke, `applied` follows it after a short pause
//! (so the engine runs once per pause, not once per key), and the output is a memo of `applied`.

use crate::output::{self, Output};
use crate::LECTURE_SERVICE;
use leptos::prelude::*;
use std::time::Duration;

/// How long typing must pause before the engine runs again.
pub const DEBOUNCE: Duration = Duration::from_millis(300);

/// The whole page.
#[component]
pub fn App() -> impl IntoView {
    let (text, set_text) = signal(LECTURE_SERVICE.to_string());
    let (applied, set_applied) = signal(LECTURE_SERVICE.to_string());
    let pending = StoredValue::new(None::<TimeoutHandle>);

    let cancel_pending = move || {
        if let Some(handle) = pending.get_value() {
            handle.clear();
        }
    };
    // The timer is ours: clear it when the component goes away.
    on_cleanup(cancel_pending);

    let on_input = move |ev| {
        set_text.set(event_target_value(&ev));
        cancel_pending();
        let handle =
            set_timeout_with_handle(move || set_applied.set(text.get_untracked()), DEBOUNCE).ok();
        pending.set_value(handle);
    };

    let output: Memo<Output> = Memo::new(move |_| output::run(&applied.get()));
    let table = move || output.with(|o| o.table.clone());
    let applied_lines = move || {
        output.with(|o| {
            o.applied
                .iter()
                .map(|line| view! { <li>{line.clone()}</li> })
                .collect_view()
        })
    };
    let errors = move || {
        output.with(|o| {
            o.errors
                .iter()
                .map(|e| view! { <li>{e.clone()}</li> })
                .collect_view()
        })
    };
    let error_count = move || output.with(|o| o.errors.len());

    view! {
        <header class="banner">
            <h1>"svcsim"</h1>
            <p class="tagline">"Kubernetes Services networking, simulated"</p>
        </header>
        <main>
            <section class="editor" aria-labelledby="manifest-label">
                <label id="manifest-label" for="manifest">"Manifest (YAML)"</label>
                <p id="manifest-help" class="help">
                    "Edit or paste Kubernetes manifests; the output below follows as you type."
                </p>
                <textarea
                    id="manifest"
                    aria-describedby="manifest-help"
                    spellcheck="false"
                    autocomplete="off"
                    autocapitalize="off"
                    rows="13"
                    prop:value=text
                    on:input=on_input
                ></textarea>
            </section>
            <section class="output" aria-labelledby="output-heading">
                <h2 id="output-heading">
                    <code>"kubectl get services"</code>
                </h2>
                <pre id="output" class="table" aria-live="polite" aria-atomic="true" tabindex="0">
                    {table}
                </pre>
            </section>
            <section class="problems" aria-labelledby="errors-heading">
                <h2 id="errors-heading">
                    "Errors " <span class="count">"(" {error_count} ")"</span>
                </h2>
                <ul id="errors" class="errors" aria-live="polite">{errors}</ul>
            </section>
            <section class="apply" aria-labelledby="applied-heading">
                <h2 id="applied-heading">
                    <code>"kubectl apply"</code>
                </h2>
                <ul id="applied" class="applied">{applied_lines}</ul>
            </section>
        </main>
    }
}
