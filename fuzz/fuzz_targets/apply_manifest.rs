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

mod applying;
mod budget;
mod scale;

#[global_allocator]
static ALLOC: budget::Budget = budget::Budget;

use libfuzzer_sys::fuzz_target;
use svcsim_engine::cluster::Manifests;
use svcsim_engine::manifest::Source;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let manifests = Manifests::parse(&Source::new("fuzz.yaml", text.into_owned()));
    let Some(mut cluster) = applying::apply(&manifests) else {
        // Within svcsim's limits but more nodes than an execution can build (see scale.rs).
        return;
    };
    // Within svcsim's limits but beyond a quick execution: applied, not built (see scale.rs).
    if !scale::small(&cluster.usage()) {
        return;
    }
    cluster.settle();
    let _ = cluster.apply_manifests(&manifests);
    cluster.settle();
});
