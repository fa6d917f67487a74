//! Keeping and sharing: the page's state as a [`Scenario`] saved to localStorage on every change
//! and restored on reload; Share puts the encoded scenario in the URL fragment. How the page
//! opens (a link, the saved work, held after a crash) is decided by `svcsim_scene::startup`;
//! this module only talks to the browser.

use gloo_storage::{LocalStorage, Storage};
use svcsim_scene::share::{self, Scenario};
use svcsim_scene::startup::{self, Opening, Startup};

/// The localStorage key of the saved work.
pub const KEY: &str = "svcsim.state.v1";
/// Saved work a shared link replaced, kept so it can be restored.
pub const PREVIOUS_KEY: &str = "svcsim.previous.v1";
/// Set while the cluster is built from the saved text and until it settles: still there at
/// start-up means the last attempt never finished.
pub const APPLYING_KEY: &str = "svcsim.applying";

fn load(key: &str) -> Option<Scenario> {
    LocalStorage::get::<Scenario>(key).ok()
}

/// The saved scenario, if any (a corrupt entry counts as none).
pub fn load_saved() -> Option<Scenario> {
    load(KEY)
}

/// Texts above this size are saved in a task of their own ([`save`] from a zero timeout).
pub const SAVE_LATER_ABOVE_BYTES: usize = 256 * 1024;

/// Save the scenario; the error says why not (storage full or disabled).
pub fn save(s: &Scenario) -> Result<(), String> {
    LocalStorage::set(KEY, s).map_err(|e| e.to_string())
}

/// Keep saved work a link replaced (best effort: the link's scenario is opened either way).
pub fn keep_previous(s: &Scenario) -> bool {
    LocalStorage::set(PREVIOUS_KEY, s).is_ok()
}

/// The work a link replaced, taken out of storage.
pub fn take_previous() -> Option<Scenario> {
    let s = load(PREVIOUS_KEY);
    LocalStorage::delete(PREVIOUS_KEY);
    s
}

/// Mark that the cluster is being built from the saved state.
pub fn mark_applying() {
    let _ = LocalStorage::raw().set_item(APPLYING_KEY, "1");
}

/// The build finished: the cluster settled.
pub fn clear_applying() {
    LocalStorage::delete(APPLYING_KEY);
}

fn applying_marked() -> bool {
    LocalStorage::raw()
        .get_item(APPLYING_KEY)
        .ok()
        .flatten()
        .is_some()
}

/// The URL fragment without `#`, if there is one.
pub fn fragment() -> Option<String> {
    let hash = web_sys::window()?.location().hash().ok()?;
    let h = hash.strip_prefix('#').unwrap_or(&hash);
    (!h.is_empty()).then(|| h.to_string())
}

/// `?safe=1`: open the saved work without applying it (the crash panel's link).
fn safe_mode() -> bool {
    web_sys::window()
        .and_then(|w| w.location().search().ok())
        .is_some_and(|q| q.trim_start_matches('?').split('&').any(|p| p == "safe=1"))
}

/// The page's address without the fragment (and without `?safe=1`, once used).
fn address_without_fragment() -> Option<String> {
    let location = web_sys::window()?.location();
    let search = location.search().ok()?;
    let kept: Vec<&str> = search
        .trim_start_matches('?')
        .split('&')
        .filter(|p| !p.is_empty() && *p != "safe=1")
        .collect();
    let query = if kept.is_empty() {
        String::new()
    } else {
        format!("?{}", kept.join("&"))
    };
    Some(format!(
        "{}{}{query}",
        location.origin().ok()?,
        location.pathname().ok()?
    ))
}

fn replace_url(url: &str) -> Option<()> {
    web_sys::window()?
        .history()
        .ok()?
        .replace_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(url))
        .ok()
}

/// How the page opens (see `svcsim_scene::startup`), with the browser side done: the fragment
/// (and `?safe=1`) taken out of the address bar, replaced work kept aside.
pub fn startup() -> Opening {
    let fragment = fragment();
    let safe = safe_mode();
    let opening = startup::open(Startup {
        fragment: fragment.as_deref(),
        saved: load_saved(),
        interrupted: applying_marked(),
        safe,
    });
    if opening.clear_fragment || safe {
        if let Some(url) = address_without_fragment() {
            replace_url(&url);
        }
    }
    if let Some(prev) = &opening.keep_previous {
        keep_previous(prev);
    }
    opening
}

/// Take a shared link's fragment out of the address bar once the work is no longer what it
/// carries (so a reload opens the saved work, not the link again).
pub fn forget_stale_fragment(current: &Scenario) {
    let Some(f) = fragment() else {
        return;
    };
    if share::decode(&f).ok().as_ref() != Some(current) {
        if let Some(url) = address_without_fragment() {
            replace_url(&url);
        }
    }
}

/// Put `s` in the address bar (no reload, no history entry). Returns the full URL, or the
/// message to show (too large for a link, or the browser refused).
pub fn put_in_url(s: &Scenario) -> Result<String, String> {
    let link = share::link(s).map_err(|_| {
        format!(
            "This work is too large to share as a link (links carry at most {} MiB of manifests). Save the text to a file and share that instead.",
            share::MAX_INFLATED / (1024 * 1024)
        )
    })?;
    let fail = || "Could not put the link in the address bar.".to_string();
    let url = format!("{}#{link}", address_without_fragment().ok_or_else(fail)?);
    replace_url(&url).ok_or_else(fail)?;
    Ok(url)
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
