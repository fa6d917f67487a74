//! Keeping and sharing: the page's state as a [`Scenario`] saved to localStorage on every change
//! and restored on reload; Share puts the encoded scenario in the URL fragment; opening a link
//! decodes it (a damaged link shows a message and opens the saved state instead).

use gloo_storage::{LocalStorage, Storage};
use svcsim_scene::share::{self, Scenario};

/// The localStorage key.
pub const KEY: &str = "svcsim.state.v1";

/// The saved scenario, if any (a corrupt entry counts as none).
pub fn load_saved() -> Option<Scenario> {
    LocalStorage::get::<Scenario>(KEY).ok()
}

/// Save the scenario (errors, e.g. storage full or disabled, are ignored: saving is a comfort).
pub fn save(s: &Scenario) {
    let _ = LocalStorage::set(KEY, s);
}

/// The URL fragment without `#`, if there is one.
pub fn fragment() -> Option<String> {
    let hash = web_sys::window()?.location().hash().ok()?;
    let h = hash.strip_prefix('#').unwrap_or(&hash);
    (!h.is_empty()).then(|| h.to_string())
}

/// Where the page starts: a shared link, else the saved state. The message explains a link that
/// could not be opened.
pub fn startup() -> (Option<Scenario>, Option<String>) {
    if let Some(f) = fragment() {
        match share::decode(&f) {
            Ok(s) => return (Some(s), None),
            Err(e) => {
                return (
                    load_saved(),
                    Some(format!(
                        "This link could not be opened: {e} Your saved work was opened instead."
                    )),
                )
            }
        }
    }
    (load_saved(), None)
}

/// Put `s` in the address bar (no reload, no history entry). Returns the full URL.
pub fn put_in_url(s: &Scenario) -> Option<String> {
    let window = web_sys::window()?;
    let encoded = share::encode(s);
    let location = window.location();
    let base = format!(
        "{}{}{}",
        location.origin().ok()?,
        location.pathname().ok()?,
        location.search().ok()?
    );
    let url = format!("{base}#{encoded}");
    let history = window.history().ok()?;
    history
        .replace_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(&url))
        .ok()?;
    Some(url)
}

/// Copy text to the clipboard when the browser allows it (a promise we do not wait for).
pub fn copy(text: &str) -> bool {
    let Some(w) = web_sys::window() else {
        return false;
    };
    let clipboard = w.navigator().clipboard();
    let _ = clipboard.write_text(text);
    true
}
