//! How the editor text reaches the cluster: `kubectl apply --prune`, as a teacher would run it
//! after every edit.
//!
//! * A document that is not valid YAML, or lacks `kind`/`apiVersion`, keeps the previous cluster
//!   entirely (the drawing does not flicker while someone types).
//! * Otherwise every object is applied: new objects are created, changed ones configured; an
//!   invalid *new* object is missing, an invalid *update* leaves the object as it was (the API
//!   server rejected the change).
//! * Objects the text created earlier and no longer contains are deleted (pods go Terminating).
//! * A changed kind `Cluster` document or MetalLB pool rebuilds the cluster from scratch.
//!
//! Simulated time then runs (see [`super::Session::frame`]) until the cluster settles, so pods
//! go Pending → Running → Ready on screen.

use std::collections::BTreeSet;
use svcsim_engine::cluster::{ApplyResult, Cluster, ClusterConfig, Manifests};
use svcsim_engine::manifest::Source;

/// Name given to the editor's text in engine messages (`editor:LINE:COL`).
pub const SOURCE_NAME: &str = "editor";

/// The most of one cause's text a gutter marker's tooltip shows.
const MAX_CAUSE_BYTES: usize = 4 * 1024;

/// One error of the editor text, where it points, and kubectl's text for it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Problem {
    /// 1-based line and column the error points at.
    pub line: u32,
    pub col: u32,
    /// What kubectl prints.
    pub message: String,
    /// Every line a cause points at, with the cause's text (for the gutter markers).
    pub causes: Vec<(u32, String)>,
}

impl Problem {
    /// The problems of a list of apply results.
    pub fn of(results: &[ApplyResult]) -> Vec<Problem> {
        results
            .iter()
            .filter(|r| !r.is_ok())
            .map(|r| Problem {
                line: r.location.line,
                col: r.location.col,
                message: super::shown(&r.to_string(), super::CONSOLE_OUTPUT_BYTES),
                causes: r
                    .error_locations()
                    .into_iter()
                    .map(|(text, loc)| (loc.line, super::shown(&text, MAX_CAUSE_BYTES)))
                    .collect(),
            })
            .collect()
    }
}

/// What applying a text did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Applied {
    /// The text could not be read (YAML syntax): the cluster is unchanged.
    KeptPrevious,
    /// Objects were applied to the running cluster.
    Applied,
    /// The cluster was built again from scratch (first load, or its shape changed).
    Rebuilt,
}

/// An object of the text, as `(kind, namespace, name)`.
type Key = (String, String, String);

fn key_of(r: &ApplyResult) -> Key {
    (r.kind.clone(), r.namespace.clone(), r.name.clone())
}

/// The engine's resource name for deleting a kind, when `kubectl delete` of it is simulated.
fn delete_resource(kind: &str) -> Option<&'static str> {
    Some(match kind {
        "Service" => "service",
        "Pod" => "pod",
        "Deployment" => "deployment",
        "ReplicaSet" => "replicaset",
        "StatefulSet" => "statefulset",
        "DaemonSet" => "daemonset",
        "EndpointSlice" => "endpointslice",
        "Endpoints" => "endpoints",
        _ => return None,
    })
}

/// The cluster built from the editor text, and what the text asked for.
#[derive(Debug, Clone)]
pub(crate) struct Editing {
    pub seed: u64,
    pub cluster: Cluster,
    /// The text last applied (also the one with `problems`).
    pub text: String,
    /// `kubectl apply`'s result for each object of `text`.
    pub results: Vec<ApplyResult>,
    pub problems: Vec<Problem>,
    /// The configuration the text asks for (before the page's proxy-mode choice).
    base_config: ClusterConfig,
    /// Objects the text has created, pruned when they leave the text.
    owned: BTreeSet<Key>,
}

impl Editing {
    /// A cluster built from `text` (not settled: time runs on screen).
    pub fn new(text: &str, seed: u64) -> Editing {
        let mut e = Editing {
            seed,
            cluster: Cluster::new(ClusterConfig::default(), seed),
            text: String::new(),
            results: Vec::new(),
            problems: Vec::new(),
            base_config: ClusterConfig::default(),
            owned: BTreeSet::new(),
        };
        e.rebuild(&Manifests::parse(&Source::new(SOURCE_NAME, text)), text);
        e
    }

    /// Build the cluster again from scratch from the text (not settled: time runs on screen).
    /// The page's proxy-mode choice is applied by the caller afterwards.
    pub fn rebuild(&mut self, manifests: &Manifests, text: &str) {
        let config = manifests.cluster_config();
        self.cluster = Cluster::new(config.clone(), self.seed);
        self.base_config = config;
        let results = self.cluster.apply_manifests(manifests);
        self.owned = results.iter().filter(|r| r.is_ok()).map(key_of).collect();
        self.finish(results, text);
    }

    fn finish(&mut self, results: Vec<ApplyResult>, text: &str) {
        self.problems = Problem::of(&results);
        self.results = results;
        self.text = text.to_string();
    }

    /// Apply `text` to the running cluster (see the module docs). The text is read once.
    pub fn apply_text(&mut self, text: &str) -> Applied {
        let manifests = Manifests::parse(&Source::new(SOURCE_NAME, text));
        if !manifests.errors().is_empty() {
            self.finish(manifests.error_results(), text);
            return Applied::KeptPrevious;
        }
        if manifests.cluster_config() != self.base_config {
            self.rebuild(&manifests, text);
            return Applied::Rebuilt;
        }
        let results = self.cluster.apply_manifests(&manifests);
        let present: BTreeSet<Key> = results.iter().map(key_of).collect();
        let gone: Vec<Key> = self.owned.difference(&present).cloned().collect();
        for (kind, namespace, name) in &gone {
            match delete_resource(kind) {
                Some(resource) => {
                    // Already gone (deleted from the console): nothing to prune.
                    let _ = self.cluster.delete(resource, namespace, name);
                }
                None => {
                    // A Namespace, Node or pool left the text: start again from the text.
                    self.rebuild(&manifests, text);
                    return Applied::Rebuilt;
                }
            }
        }
        self.owned.retain(|k| present.contains(k));
        self.owned
            .extend(results.iter().filter(|r| r.is_ok()).map(key_of));
        self.finish(results, text);
        Applied::Applied
    }
}
