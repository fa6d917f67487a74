//! The manifest editor: a transparent `<textarea>` over a highlighted `<pre>`, line numbers in a
//! gutter that marks the lines errors point at, and the error list (kubectl's text; a click
//! moves the caret to the line). The text is applied after typing pauses ([`DEBOUNCE`]) or at
//! once with Ctrl+Enter.

use crate::model::use_model;
use gloo_timers::callback::Timeout;
use leptos::html;
use leptos::prelude::*;
use std::time::Duration;
use svcsim_scene::highlight::{gutter_html, line_offset_utf16, splice_utf16, to_html};
use svcsim_scene::session::{shown, Session, SOURCE_NAME};

/// Lists (errors, applied objects) show this many entries, then "… and N more": a paste with
/// ten thousand errors must not build ten thousand rows.
pub const SHOWN: usize = 100;

/// The "… and N more" row of a list cut at [`SHOWN`].
fn more_row(total: usize, what: &'static str) -> Option<impl IntoView> {
    (total > SHOWN)
        .then(|| view! { <li class="more">{format!("… and {} more {what}", total - SHOWN)}</li> })
}

/// Above this size the editor is a plain text area: no colouring, no line numbers. Laying out
/// a highlighted copy of a multi-megabyte paste (hundreds of thousands of spans) froze the tab
/// for seconds on every keystroke; a plain text area stays responsive.
pub const PLAIN_ABOVE_BYTES: usize = 256 * 1024;

/// Above this size the text stays out of the text area unless asked for: Chromium lays out and
/// pre-paints every line of a text area on each frame that touches the panel (a 1.5 MB paste
/// cost 300–500 ms a frame; an 869 KB one, 10,000 invalid Services, one 2.9–4.3 s task when
/// the progress box first moved the panel). A paste that would make the text larger is taken
/// from the clipboard event instead, and the editor says how big the text is.
pub const EDIT_ABOVE_BYTES: usize = PLAIN_ABOVE_BYTES;

/// How long typing must pause before the text is applied.
pub const DEBOUNCE: Duration = Duration::from_millis(400);

/// The editor panel.
#[component]
pub fn Editor() -> impl IntoView {
    let model = use_model();
    let area: NodeRef<html::Textarea> = NodeRef::new();
    let scroller: NodeRef<html::Div> = NodeRef::new();
    let timer = StoredValue::new_local(None::<Timeout>);
    on_cleanup(move || {
        if let Some(t) = timer.try_update_value(Option::take).flatten() {
            t.cancel();
        }
    });

    let apply_now = move || {
        if let Some(t) = timer.try_update_value(Option::take).flatten() {
            t.cancel();
        }
        model.apply();
    };

    let edit_anyway = RwSignal::new(false);
    let on_input = move |ev| {
        let text = event_target_value(&ev);
        // Typed past the size: the text area stays where the user is typing.
        if text.len() > EDIT_ABOVE_BYTES && !edit_anyway.get_untracked() {
            edit_anyway.set(true);
        }
        model.update(|s| s.set_draft(text));
        let ms = u32::try_from(DEBOUNCE.as_millis()).unwrap_or(400);
        let t = Timeout::new(ms, move || {
            timer.set_value(None);
            // Held text (it may be what killed the page) is applied only on request.
            if model.untracked(Session::is_held) == Some(false) {
                model.apply();
            }
        });
        // Dropping the previous Timeout cancels it.
        timer.set_value(Some(t));
    };

    let large = Memo::new(move |_| model.with_text(|t| t.len() > EDIT_ABOVE_BYTES));
    let hidden = move || large.get() && !edit_anyway.get();

    // A paste that makes the text too large for the text area goes to the session directly.
    let on_paste = move |ev: web_sys::ClipboardEvent| {
        let Some(pasted) = ev
            .clipboard_data()
            .and_then(|d| d.get_data("text/plain").ok())
        else {
            return;
        };
        let Some(el) = area.get_untracked() else {
            return;
        };
        let current = usize::try_from(el.text_length()).unwrap_or(usize::MAX);
        if pasted.len().saturating_add(current) <= EDIT_ABOVE_BYTES {
            return;
        }
        ev.prevent_default();
        let start = el.selection_start().ok().flatten().unwrap_or(0);
        let end = el.selection_end().ok().flatten().unwrap_or(start);
        let text = splice_utf16(&el.value(), start, end, &pasted);
        edit_anyway.set(false);
        model.update(|s| s.set_draft(text));
        apply_now();
    };

    let on_keydown = move |ev: web_sys::KeyboardEvent| {
        if ev.key() == "Enter" && (ev.ctrl_key() || ev.meta_key()) {
            ev.prevent_default();
            apply_now();
        }
    };

    let problems = move || {
        model.with_cluster(|s| s.problems().iter().take(SHOWN).cloned().collect::<Vec<_>>())
    };
    let plain = Memo::new(move |_| model.with_text(|t| t.len() > PLAIN_ABOVE_BYTES));
    let gutter = move || {
        if plain.get() {
            return String::new();
        }
        let lines = model.with_text(|t| t.split('\n').count());
        model.with_cluster(|s| gutter_html(lines, s.problems()))
    };
    let hl = move || {
        if plain.get() {
            String::new()
        } else {
            model.with_text(to_html)
        }
    };

    // Move the caret to a line and bring it into view.
    let jump = move |line: u32, col: u32| {
        let Some(el) = area.get_untracked() else {
            return;
        };
        let Some(text) = model.untracked(|s| s.draft().to_string()) else {
            return;
        };
        let start = line_offset_utf16(&text, line).saturating_add(col.saturating_sub(1));
        let _ = el.focus();
        let _ = el.set_selection_range(start, start);
        let lines = text.split('\n').count().max(1);
        let per_line = f64::from(el.scroll_height()) / lines as f64;
        let target = (f64::from(line.saturating_sub(3)) * per_line).max(0.0) as i32;
        // A plain text area scrolls itself; the highlighted editor scrolls its container.
        if plain.get_untracked() {
            el.set_scroll_top(target);
        } else if let Some(sc) = scroller.get_untracked() {
            sc.set_scroll_top(target);
        }
    };

    let error_count = move || model.with_cluster(Session::problem_count);
    let error_items = move || {
        let rows = problems()
            .into_iter()
            .map(|p| {
                let (line, col) = (p.line, p.col);
                let label = format!("{SOURCE_NAME}:{line}:{col}: {}", p.message);
                view! {
                    <li>
                        <button
                            type="button"
                            class="err-jump"
                            title=format!("Go to line {line}")
                            on:click=move |_| jump(line, col)
                        >
                            {label}
                        </button>
                    </li>
                }
            })
            .collect_view();
        (rows, more_row(error_count(), "errors"))
    };
    let applied = move || {
        model.with_cluster(|s| {
            let ok: Vec<_> = s.results().iter().filter(|r| r.is_ok()).collect();
            let warnings = s
                .apply_warnings()
                .into_iter()
                .map(|w| view! { <li class="warning">{w}</li> })
                .collect_view();
            let rows = ok
                .iter()
                .take(SHOWN)
                .map(|r| view! { <li>{shown(&r.to_string(), 4096)}</li> })
                .collect_view();
            (warnings, rows, more_row(ok.len(), "objects"))
        })
    };
    let held = move || {
        model.with_cluster(|s| s.is_held()).then(|| {
            view! {
                <div id="held" class="held" role="alert">
                    <p>"These manifests were not applied (see the message above)."</p>
                    <button type="button" id="apply-held" on:click=move |_| apply_now()>
                        "Apply them"
                    </button>
                    <button
                        type="button"
                        id="discard-held"
                        on:click=move |_| {
                            let id = svcsim_scene::examples::default_example().id;
                            model.change(|s| s.load_example(id));
                        }
                    >
                        "Start from the lecture's example"
                    </button>
                </div>
            }
        })
    };

    // The text area shows the session's text. It is written only when it differs (an example,
    // a teaching action, a link): writing a multi-megabyte value back after each keystroke that
    // produced it cost a long relayout per key, and moved the caret.
    Effect::new(move |_| {
        let Some(el) = area.get() else {
            return;
        };
        if hidden() {
            if el.text_length() > 0 {
                el.set_value("");
            }
            return;
        }
        model.with_text(|t| {
            if el.value() != t {
                el.set_value(t);
            }
        });
    });

    let large_note = move || {
        hidden().then(|| {
            let (bytes, lines) = model.with_text(|t| (t.len(), t.split('\n').count()));
            view! {
                <div id="large-text" class="held" role="status">
                    <p>
                        {format!(
                            "The text is {:.1} MB ({lines} lines): too large to edit here without slowing the page. It is applied and saved as usual; the errors below give its lines.",
                            bytes as f64 / 1_000_000.0
                        )}
                    </p>
                    <button type="button" id="edit-large" on:click=move |_| edit_anyway.set(true)>
                        "Edit it anyway"
                    </button>
                    <button
                        type="button"
                        id="clear-large"
                        on:click=move |_| {
                            model.update(|s| s.set_draft(""));
                            apply_now();
                        }
                    >
                        "Clear the editor"
                    </button>
                </div>
            }
        })
    };

    // The box stays while the job runs (a button rebuilt on every step would lose clicks); only
    // the bar and the words follow the progress.
    let running = Memo::new(move |_| model.applying().is_some());
    let progress = move || {
        running.get().then(|| {
            let fraction = move || model.applying().map_or(1.0, |p| p.fraction());
            let words = move || model.applying().map(|p| format!("Applying: {p}"));
            view! {
                <div id="apply-progress" class="apply-progress" role="status">
                    // First, so it stays put while the words change.
                    <button type="button" id="cancel-apply" on:click=move |_| model.cancel_apply()>
                        "Cancel (Esc)"
                    </button>
                    <progress max="1" prop:value=fraction></progress>
                    <span>{words}</span>
                </div>
            }
        })
    };

    view! {
        <section class="panel editor-panel" aria-labelledby="manifest-label">
            <div class="panel-head">
                <label id="manifest-label" for="manifest">
                    "Manifest (YAML)"
                </label>
                <button
                    type="button"
                    id="apply"
                    title="Apply now (Ctrl+Enter)"
                    on:click=move |_| apply_now()
                >
                    "Apply"
                </button>
            </div>
            <p id="manifest-help" class="help">
                "Edit or paste manifests: applied as you type, or with Ctrl+Enter."
            </p>
            {progress}
            {held}
            {large_note}
            {move || (plain.get() && !hidden()).then(|| view! {
                <p id="plain-note" class="help">
                    {format!("Colouring and line numbers are off for texts over {} KB.", PLAIN_ABOVE_BYTES / 1024)}
                </p>
            })}
            <div
                class="code"
                class:plain=move || plain.get()
                class:hidden-text=hidden
                node_ref=scroller
            >
                <pre class="gutter" aria-hidden="true" inner_html=gutter></pre>
                <div class="layers">
                    <pre class="hl" aria-hidden="true" inner_html=hl></pre>
                    <textarea
                        id="manifest"
                        node_ref=area
                        aria-describedby="manifest-help"
                        spellcheck="false"
                        autocomplete="off"
                        autocapitalize="off"
                        wrap="off"
                        on:input=on_input
                        on:paste=on_paste
                        on:keydown=on_keydown
                    ></textarea>
                </div>
            </div>
            <h2 id="errors-heading" class="sub">
                "Errors " <span class="count">"(" {error_count} ")"</span>
            </h2>
            <ul id="errors" class="errors" aria-live="polite" aria-labelledby="errors-heading">
                {error_items}
            </ul>
            <h2 id="applied-heading" class="sub">
                <code>"kubectl apply"</code>
            </h2>
            <ul id="applied" class="applied" aria-labelledby="applied-heading">
                {applied}
            </ul>
        </section>
    }
}
