//! What the page shows when the app panics: with `panic = "abort"` the wasm instance is dead
//! afterwards, so the panel is built by the panic hook itself with plain DOM calls, and its
//! button is a link (`?safe=1`), which needs no wasm to work. The work is already saved (every
//! change is); the link reopens it without applying it (`svcsim_scene::startup`).

use std::panic::PanicHookInfo;

/// Install the hook: the panic goes to the console (with its message), then the panel shows.
pub fn install() {
    std::panic::set_hook(Box::new(|info: &PanicHookInfo<'_>| {
        console_error_panic_hook::hook(info);
        show_panel();
    }));
}

/// Show the panel (once). Public so the browser tests can check it without panicking.
pub fn show_panel() -> Option<()> {
    let window = web_sys::window()?;
    let doc = window.document()?;
    if doc.get_element_by_id("crash").is_some() {
        return Some(());
    }
    let location = window.location();
    let safe = format!("{}?safe=1", location.pathname().ok()?);
    let panel = doc.create_element("div").ok()?;
    panel.set_id("crash");
    panel.set_attribute("role", "alertdialog").ok()?;
    panel
        .set_attribute("aria-labelledby", "crash-heading")
        .ok()?;
    let heading = doc.create_element("h2").ok()?;
    heading.set_id("crash-heading");
    heading.set_text_content(Some("Something went wrong in svcsim"));
    let text = doc.create_element("p").ok()?;
    text.set_text_content(Some(
        "Your work is saved in this browser. Reload to open it without applying it, fix what \
         caused this, then apply it again.",
    ));
    let link = doc.create_element("a").ok()?;
    link.set_id("crash-reload");
    link.set_attribute("href", &safe).ok()?;
    link.set_text_content(Some("Reload safely"));
    panel.append_child(&heading).ok()?;
    panel.append_child(&text).ok()?;
    panel.append_child(&link).ok()?;
    doc.body()?.append_child(&panel).ok()?;
    Some(())
}
