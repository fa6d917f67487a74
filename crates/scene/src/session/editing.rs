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
use svcsim_engine::cluster::{
    ApplyResult, ApplyRun, Cluster, ClusterConfig, Manifests, ManifestsReader,
};
use svcsim_engine::limits::Limits;
use svcsim_engine::manifest::Source;

/// Name given to the editor's text in engine messages (`editor:LINE:COL`).
pub const SOURCE_NAME: &str = "editor";

/// The most of one cause's text a gutter marker's tooltip shows.
const MAX_CAUSE_BYTES: usize = 4 * 1024;

/// Problems kept with their message and gutter markers; beyond, they are only counted
/// ([`Editing::problem_count`]). A paste of 50,000 refused objects spent ~70 ms formatting
/// messages nobody can read; the page lists 100 and says how many more there are.
pub const MAX_PROBLEMS: usize = 1_000;

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
    /// The problems of a list of apply results, the first [`MAX_PROBLEMS`] of them.
    pub fn of(results: &[ApplyResult]) -> Vec<Problem> {
        results
            .iter()
            .filter(|r| !r.is_ok())
            .take(MAX_PROBLEMS)
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

/// Text read per [`Editing::step`]: about 20 ms of work natively, so a step stays well under
/// a frame's budget in wasm.
pub const READ_BYTES_PER_STEP: usize = 64 * 1024;
/// Objects applied per [`Editing::step`].
pub const OBJECTS_PER_STEP: usize = 200;
/// Read objects freed per [`Editing::step`] once applied.
const RELEASE_PER_STEP: usize = 5_000;

/// Applying a text in steps (see [`Editing::step`]), so that a multi-megabyte paste never
/// holds the page's one thread for long: the page runs steps until its frame budget is spent,
/// shows the progress, and can cancel.
#[derive(Debug, Clone)]
pub struct ApplyJob {
    text: String,
    stage: Stage,
}

#[derive(Debug, Clone)]
enum Stage {
    Reading(ManifestsReader),
    Applying {
        manifests: Manifests,
        /// The new cluster, when the text asks for another shape (built aside, swapped in at
        /// the end); None to apply to the running cluster.
        rebuild: Option<Box<Cluster>>,
        run: ApplyRun,
    },
    /// Applied: the read objects are freed a share per step (dropping 50,000 decoded objects
    /// at once took ~80 ms in wasm), then the job reports `applied`.
    Releasing {
        manifests: Manifests,
        applied: Applied,
    },
    Done,
}

/// How far an [`ApplyJob`] has got.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum JobProgress {
    /// Bytes of the text read and decoded, of all.
    Reading { done: usize, total: usize },
    /// Objects applied, of all.
    Applying { done: usize, total: usize },
}

impl std::fmt::Display for JobProgress {
    /// `reading 1.2 of 10.0 MB`, `applying 300 of 40000 objects`.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match *self {
            JobProgress::Reading { done, total } => {
                let mb = |b: usize| b as f64 / 1_000_000.0;
                write!(f, "reading {:.1} of {:.1} MB", mb(done), mb(total))
            }
            JobProgress::Applying { done, total } => {
                write!(f, "applying {done} of {total} objects")
            }
        }
    }
}

impl JobProgress {
    /// Done so far, 0 to 1 over both phases (reading counts for the first half).
    pub fn fraction(&self) -> f64 {
        let part = |done: usize, total: usize| {
            if total == 0 {
                1.0
            } else {
                done as f64 / total as f64
            }
        };
        match *self {
            JobProgress::Reading { done, total } => part(done, total) / 2.0,
            JobProgress::Applying { done, total } => 0.5 + part(done, total) / 2.0,
        }
    }
}

impl ApplyJob {
    pub fn new(text: &str) -> ApplyJob {
        ApplyJob {
            text: text.to_string(),
            stage: Stage::Reading(ManifestsReader::new(&Source::new(SOURCE_NAME, text))),
        }
    }

    pub fn progress(&self) -> JobProgress {
        match &self.stage {
            Stage::Reading(r) => {
                let (done, total) = r.progress();
                JobProgress::Reading { done, total }
            }
            Stage::Applying { run, .. } => {
                let (done, total) = run.progress();
                JobProgress::Applying { done, total }
            }
            Stage::Releasing { manifests, .. } => {
                let total = manifests.objects().len();
                JobProgress::Applying { done: total, total }
            }
            Stage::Done => JobProgress::Applying { done: 0, total: 0 },
        }
    }

    /// What the job did, once its objects are applied (it is then only freeing what it read).
    pub fn applied(&self) -> Option<Applied> {
        match self.stage {
            Stage::Releasing { applied, .. } => Some(applied),
            _ => None,
        }
    }

    /// The text being applied.
    pub fn text(&self) -> &str {
        &self.text
    }
}

/// The default cluster, within the page's limits ([`Limits::PAGE`]: one wasm thread that must
/// not stall, 4 GiB of address space); the CLI simulates up to [`Limits::DEFAULT`].
fn page_config() -> ClusterConfig {
    ClusterConfig {
        limits: Limits::PAGE,
        ..ClusterConfig::default()
    }
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
    /// The first [`MAX_PROBLEMS`] problems of `results`.
    pub problems: Vec<Problem>,
    /// How many of `results` are problems.
    pub problem_count: usize,
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
            cluster: Cluster::new(page_config(), seed),
            text: String::new(),
            results: Vec::new(),
            problems: Vec::new(),
            problem_count: 0,
            base_config: page_config(),
            owned: BTreeSet::new(),
        };
        e.rebuild(&Manifests::parse(&Source::new(SOURCE_NAME, text)), text);
        e
    }

    /// Build the cluster again from scratch from the text (not settled: time runs on screen).
    /// The page's proxy-mode choice is applied by the caller afterwards.
    pub fn rebuild(&mut self, manifests: &Manifests, text: &str) {
        let config = manifests.cluster_config_within(Limits::PAGE);
        self.cluster = Cluster::new(config.clone(), self.seed);
        self.base_config = config;
        let results = self.cluster.apply_manifests(manifests);
        self.owned = results.iter().filter(|r| r.is_ok()).map(key_of).collect();
        self.finish(results, text);
    }

    fn finish(&mut self, results: Vec<ApplyResult>, text: &str) {
        self.set_results(results);
        self.text = text.to_string();
    }

    fn set_results(&mut self, results: Vec<ApplyResult>) {
        self.problems = Problem::of(&results);
        self.problem_count = results.iter().filter(|r| !r.is_ok()).count();
        self.results = results;
    }

    /// Apply a text (see the module docs), one step of `job` at a time: the text is read once,
    /// then its objects are applied. One step of `job` ([`READ_BYTES_PER_STEP`] of text read, or [`OBJECTS_PER_STEP`]
    /// objects applied); `Some` with what applying did once it is finished. Until then the
    /// cluster is the one before the job (a rebuild is built aside) or, while objects are
    /// applied to the running cluster, partly applied.
    pub fn step(&mut self, job: &mut ApplyJob) -> Option<Applied> {
        match std::mem::replace(&mut job.stage, Stage::Done) {
            Stage::Reading(mut reader) => {
                if !reader.read(READ_BYTES_PER_STEP) {
                    job.stage = Stage::Reading(reader);
                    return None;
                }
                let manifests = reader.finish();
                if !manifests.errors().is_empty() {
                    self.finish(manifests.error_results(), &job.text);
                    return Some(Applied::KeptPrevious);
                }
                let config = manifests.cluster_config_within(Limits::PAGE);
                let (rebuild, run) = if config == self.base_config {
                    (None, self.cluster.begin_apply(&manifests))
                } else {
                    let mut cluster = Box::new(Cluster::new(config, self.seed));
                    let run = cluster.begin_apply(&manifests);
                    (Some(cluster), run)
                };
                job.stage = Stage::Applying {
                    manifests,
                    rebuild,
                    run,
                };
                None
            }
            Stage::Applying {
                manifests,
                mut rebuild,
                mut run,
            } => {
                let cluster = rebuild.as_deref_mut().unwrap_or(&mut self.cluster);
                if !cluster.apply_some(&mut run, &manifests, OBJECTS_PER_STEP) {
                    job.stage = Stage::Applying {
                        manifests,
                        rebuild,
                        run,
                    };
                    return None;
                }
                let results = cluster.finish_apply(run);
                let applied = match rebuild {
                    Some(cluster) => {
                        self.cluster = *cluster;
                        self.base_config = manifests.cluster_config_within(Limits::PAGE);
                        self.owned = results.iter().filter(|r| r.is_ok()).map(key_of).collect();
                        self.finish(results, &job.text);
                        Applied::Rebuilt
                    }
                    None => self.prune(&manifests, results, &job.text),
                };
                job.stage = Stage::Releasing { manifests, applied };
                None
            }
            Stage::Releasing {
                mut manifests,
                applied,
            } => {
                if manifests.release(RELEASE_PER_STEP) {
                    return Some(applied);
                }
                job.stage = Stage::Releasing { manifests, applied };
                None
            }
            Stage::Done => Some(Applied::Applied),
        }
    }

    /// Stop `job` where it is: nothing changes while it reads or builds a new cluster aside;
    /// objects it already applied to the running cluster stay (as after Ctrl+C in `kubectl
    /// apply`), with their results, and nothing is pruned. True when the cluster changed.
    pub fn cancel(&mut self, job: ApplyJob) -> bool {
        match job.stage {
            Stage::Applying {
                rebuild: None, run, ..
            } if run.progress().0 > 0 => {
                let results = self.cluster.finish_apply(run);
                self.owned
                    .extend(results.iter().filter(|r| r.is_ok()).map(key_of));
                self.set_results(results);
                true
            }
            _ => false,
        }
    }

    /// After applying `manifests` to the running cluster: delete what the text no longer has.
    fn prune(&mut self, manifests: &Manifests, results: Vec<ApplyResult>, text: &str) -> Applied {
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
                    self.rebuild(manifests, text);
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
