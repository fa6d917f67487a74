//! Any text pasted into svcsim goes through parse → decode → default → allocate → validate →
//! store → controllers. None of it may panic: a panic in wasm kills the page.
#![no_main]

use libfuzzer_sys::fuzz_target;
use svcsim_engine::cluster::{Cluster, ClusterConfig};
use svcsim_engine::manifest::Source;
use std::sync::OnceLock;

/// A fresh default cluster, built once and cloned per input (bootstrap is the costly part).
fn base() -> &'static Cluster {
    static BASE: OnceLock<Cluster> = OnceLock::new();
    BASE.get_or_init(|| Cluster::new(ClusterConfig::default(), 1))
}

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    // Parsing and decoding alone (cheap, so most executions reach deep into the parser).
    let parsed = svcsim_engine::manifest::parse(&text);
    for raw in &parsed.objects {
        let _ = svcsim_engine::api::decode_object(raw, "fuzz.yaml");
    }
    // The whole pipeline on a small cluster, applied twice (create, then update).
    let mut cluster = base().clone();
    let source = Source::new("fuzz.yaml", text.into_owned());
    for result in cluster.apply(&source) {
        let _ = result.to_string();
        let _ = result.error_locations();
    }
    cluster.advance(5_000);
    let _ = cluster.apply(&source);
    cluster.settle();
});
