//! What the page shows for a manifest text, computed by the engine. Pure: no DOM, no clock, so the
//! browser tests can check it directly and the view only has to print strings.

use svcsim_engine::cluster::Cluster;
use svcsim_engine::manifest::Source;
use svcsim_engine::printers::{get_services, GetOptions};

/// Name given to the editor's text in engine messages (`editor:LINE:COL`).
pub const SOURCE_NAME: &str = "editor";

/// The simulation's seed: the same text and seed give the same IPs and ports everywhere.
pub const SEED: u64 = 0;

/// What kubectl prints (on stderr) when `get` finds nothing in the default namespace.
pub const NO_RESOURCES: &str = "No resources found in default namespace.";

/// Everything the page prints for one version of the editor text.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Output {
    /// `kubectl get services` for the cluster built from the text.
    pub table: String,
    /// `kubectl apply` lines for the objects that were applied (`service/my-service created`).
    pub applied: Vec<String>,
    /// Every error the engine reported, each prefixed with where it points (`editor:5:1: …`).
    pub errors: Vec<String>,
}

/// Build a cluster from `text` (the engine applies the manifests and lets simulated time run
/// until the cluster settles) and print what the page shows.
pub fn run(text: &str) -> Output {
    let sources = [Source::new(SOURCE_NAME, text)];
    let (cluster, results) = Cluster::from_sources(&sources, SEED);
    let mut applied = Vec::new();
    let mut errors = Vec::new();
    for result in &results {
        if result.is_ok() {
            applied.push(result.to_string());
        } else {
            // Point at the first cause (for an invalid object: the offending field).
            let at = result
                .error_locations()
                .into_iter()
                .next()
                .map_or_else(|| result.location.clone(), |(_, location)| location);
            errors.push(format!("{at}: {result}"));
        }
    }
    let table = get_services(&cluster, &GetOptions::default());
    Output {
        table: if table.is_empty() {
            NO_RESOURCES.to_string()
        } else {
            table
        },
        applied,
        errors,
    }
}
