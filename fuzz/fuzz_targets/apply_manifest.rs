//! Any text pasted into svcsim goes through parse → decode → default → allocate → validate →
//! store → controllers. None of it may panic: a panic in wasm kills the page.
//!
//! The steps are the page's (`svcsim_scene::session`): the text is read once
//! (`Manifests::parse`), the cluster it asks for is built (its kind `Cluster` document and
//! pools), every object is applied, time runs until the cluster settles (what opening a saved
//! state or a link shows), and the same text is applied again (the editor's Apply on an
//! unchanged text: the update path). The results become the editor's gutter problems. Time
//! runs only for clusters of a size an execution can build (`scale.rs`).
#![no_main]

mod budget;
mod scale;

#[global_allocator]
static ALLOC: budget::Budget = budget::Budget;

use libfuzzer_sys::fuzz_target;
use std::sync::OnceLock;
use svcsim_engine::cluster::{Cluster, ClusterConfig, Manifests};
use svcsim_engine::manifest::Source;
use svcsim_scene::session::Problem;

const SEED: u64 = 1;

/// The default cluster, built once and cloned per input: `Cluster::new` is a pure function of
/// the configuration and the seed, so the clone is the cluster the page would build, without
/// the bootstrap's cost.
fn base() -> &'static (ClusterConfig, Cluster) {
    static BASE: OnceLock<(ClusterConfig, Cluster)> = OnceLock::new();
    BASE.get_or_init(|| {
        let config = ClusterConfig::default();
        (config.clone(), Cluster::new(config, SEED))
    })
}

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let manifests = Manifests::parse(&Source::new("fuzz.yaml", text.into_owned()));
    let config = manifests.cluster_config();
    if !scale::small_config(&config) {
        // Within svcsim's limits but more nodes than an execution can build (see scale.rs).
        return;
    }
    let (default, base) = base();
    let mut cluster = if config == *default {
        base.clone()
    } else {
        Cluster::new(config, SEED)
    };
    let results = cluster.apply_manifests(&manifests);
    for result in &results {
        let _ = result.to_string();
        let _ = result.error_locations();
    }
    let _ = Problem::of(&results);
    // Within svcsim's limits but beyond a quick execution: applied, not built (see scale.rs).
    if !scale::small(&cluster.usage()) {
        return;
    }
    cluster.settle();
    let _ = cluster.apply_manifests(&manifests);
    cluster.settle();
});
