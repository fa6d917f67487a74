//! The page's model compiled to wasm gives the same results as natively: the session the page
//! holds builds the same cluster, plays the same journey hop by hop and prints the same event
//! list in headless Chromium as in `cargo test`. The model's behaviour itself is tested
//! natively in `crates/scene/tests/session.rs`; this only guards the platform.

mod common;

use svcsim_scene::session::Session;
#[cfg(target_arch = "wasm32")]
use wasm_bindgen_test::{wasm_bindgen_test, wasm_bindgen_test_configure};

#[cfg(target_arch = "wasm32")]
wasm_bindgen_test_configure!(run_in_browser);

/// FNV-1a, to compare a long text with a constant.
fn fnv(s: &str) -> u64 {
    s.bytes().fold(0xcbf2_9ce4_8422_2325, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    })
}

#[cfg_attr(target_arch = "wasm32", wasm_bindgen_test)]
#[cfg_attr(not(target_arch = "wasm32"), test)]
fn the_first_visit_plays_the_native_journey() {
    let mut s = Session::first_visit();
    s.set_source("pod:default:client");
    s.set_dest("my-service:80");
    s.send(1).unwrap();
    let p = s.playback();
    let rows: Vec<String> = p
        .events()
        .iter()
        .map(|e| format!("[{}] {} {} → {}", e.leg, e.place_text, e.before, e.after))
        .collect();
    let text = rows.join("\n");
    assert_eq!(rows.len(), common::FIRST_JOURNEY_HOPS, "{text}");
    assert_eq!(p.outcome().as_deref(), Some(common::FIRST_JOURNEY_OUTCOME));
    assert_eq!(fnv(&text), common::FIRST_JOURNEY_FNV, "{text}");
    assert_eq!(
        p.timeline().total_ms(),
        common::FIRST_JOURNEY_MS,
        "the scene is laid out the same"
    );
}
