//! The page's model: the editor text, the simulated cluster built from it, and the commands the
//! page sends it (apply, let time run, teaching actions, proxy mode). Plain methods on plain data,
//! no DOM and no clock (the caller passes elapsed milliseconds), so the browser tests can drive it
//! directly and the components only translate clicks into these calls.
//!
//! How the editor text reaches the cluster (`kubectl apply --prune`, as a teacher would run it
//! after every edit):
//! * a document that is not valid YAML, or lacks `kind`/`apiVersion`, keeps the previous cluster
//!   entirely (the drawing does not flicker while someone types);
//! * otherwise every object is applied: new objects are created, changed ones configured; an
//!   invalid *new* object is missing, an invalid *update* leaves the object as it was (the API
//!   server rejected the change);
//! * objects the text created earlier and no longer contains are deleted (pods go Terminating);
//! * a changed kind `Cluster` document or MetalLB pool rebuilds the cluster from scratch.
//!
//! Simulated time then runs (see [`Sim::tick`]) until the cluster settles, so pods go
//! Pending → Running → Ready on screen.

use std::collections::BTreeSet;
use svcsim_engine::api::apps::WorkloadKind;
use svcsim_engine::api::{decode_object, Object};
use svcsim_engine::cluster::{ApplyError, ApplyResult, Cluster, ClusterConfig};
use svcsim_engine::manifest::{self, Source};
use svcsim_engine::proxy::ProxyMode;
use svcsim_engine::sim::Rng;

/// Name given to the editor's text in engine messages (`editor:LINE:COL`).
pub const SOURCE_NAME: &str = "editor";

/// The default seed: the same text and seed give the same IPs and ports everywhere.
pub const DEFAULT_SEED: u64 = 0;

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

/// The model behind the page.
#[derive(Debug, Clone)]
pub struct Sim {
    pub seed: u64,
    pub cluster: Cluster,
    /// The text last applied (also the one with `problems`).
    pub text: String,
    /// `kubectl apply`'s result for each object of `text`.
    pub results: Vec<ApplyResult>,
    pub problems: Vec<Problem>,
    /// The proxy mode chosen on the page (None: the text's kind config, else iptables).
    pub mode_override: Option<ProxyMode>,
    /// Randomness for journeys (which endpoint a connection picks), seeded.
    pub rng: Rng,
    /// The configuration the text asks for (before the mode override).
    base_config: ClusterConfig,
    /// Objects the text has created, pruned when they leave the text.
    owned: BTreeSet<Key>,
    /// Changes counter: bumped whenever what the page shows may have changed.
    pub revision: u64,
}

/// The cluster shape a text asks for: its kind `Cluster` document and MetalLB pools, as
/// [`Cluster::from_sources`] reads them.
fn config_for(text: &str) -> ClusterConfig {
    let mut config = None;
    let mut pools = Vec::new();
    for raw in manifest::parse(text).objects {
        match decode_object(&raw, SOURCE_NAME) {
            Ok(Object::KindCluster(k)) if config.is_none() => {
                config = Some(ClusterConfig::from_kind(&k));
            }
            Ok(Object::IpAddressPool(p)) => pools.push(p),
            _ => {}
        }
    }
    let mut config = config.unwrap_or_default();
    if !pools.is_empty() {
        config.lb_pools = pools;
    }
    config
}

fn key_of(r: &ApplyResult) -> Key {
    (r.kind.clone(), r.namespace.clone(), r.name.clone())
}

/// The problems of a list of apply results.
pub fn problems_of(results: &[ApplyResult]) -> Vec<Problem> {
    results
        .iter()
        .filter(|r| !r.is_ok())
        .map(|r| {
            let causes: Vec<(u32, String)> = r
                .error_locations()
                .into_iter()
                .map(|(text, loc)| (loc.line, text))
                .collect();
            Problem {
                line: r.location.line,
                col: r.location.col,
                message: r.to_string(),
                causes,
            }
        })
        .collect()
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

impl Sim {
    /// A cluster built from `text` with `seed`, settled (the picture a shared link shows).
    pub fn new(text: &str, seed: u64, mode_override: Option<ProxyMode>) -> Sim {
        let mut sim = Sim {
            seed,
            cluster: Cluster::new(ClusterConfig::default(), seed),
            text: String::new(),
            results: Vec::new(),
            problems: Vec::new(),
            mode_override,
            rng: Rng::new(seed ^ 0x5eed_7ace),
            base_config: ClusterConfig::default(),
            owned: BTreeSet::new(),
            revision: 0,
        };
        sim.rebuild(text);
        sim.cluster.settle();
        sim
    }

    /// The kube-proxy mode in use.
    pub fn mode(&self) -> ProxyMode {
        self.cluster.proxy_mode()
    }

    /// Build the cluster again from scratch from `text` (not settled: time runs on screen).
    pub fn rebuild(&mut self, text: &str) {
        let config = config_for(text);
        let mut effective = config.clone();
        if let Some(mode) = self.mode_override {
            effective.kube_proxy_mode = mode;
        }
        self.cluster = Cluster::new(effective, self.seed);
        self.base_config = config;
        self.rng = Rng::new(self.seed ^ 0x5eed_7ace);
        self.owned.clear();
        let results = self.cluster.apply(&Source::new(SOURCE_NAME, text));
        self.owned = results.iter().filter(|r| r.is_ok()).map(key_of).collect();
        self.problems = problems_of(&results);
        self.results = results;
        self.text = text.to_string();
        self.revision += 1;
    }

    /// Apply the editor text to the running cluster (see the module docs).
    pub fn apply_text(&mut self, text: &str) -> Applied {
        let parsed = manifest::parse(text);
        if !parsed.errors.is_empty() {
            self.results = parsed
                .errors
                .iter()
                .map(|(doc, error)| {
                    let pos = error.pos();
                    ApplyResult {
                        location: manifest::Location {
                            source: SOURCE_NAME.to_string(),
                            doc: *doc,
                            line: pos.line,
                            col: pos.col,
                        },
                        kind: String::new(),
                        name: String::new(),
                        namespace: String::new(),
                        simulated: true,
                        setup: false,
                        outcome: Err(ApplyError::Manifest {
                            source_name: SOURCE_NAME.to_string(),
                            error: error.clone(),
                        }),
                    }
                })
                .collect();
            self.problems = problems_of(&self.results);
            self.text = text.to_string();
            self.revision += 1;
            return Applied::KeptPrevious;
        }
        if config_for(text) != self.base_config {
            self.rebuild(text);
            return Applied::Rebuilt;
        }
        let results = self.cluster.apply(&Source::new(SOURCE_NAME, text));
        let present: BTreeSet<Key> = results.iter().map(key_of).collect();
        let gone: Vec<Key> = self.owned.difference(&present).cloned().collect();
        for (kind, namespace, name) in &gone {
            let deleted = delete_resource(kind)
                .map(|resource| self.cluster.delete(resource, namespace, name).is_ok())
                .unwrap_or(false);
            if !deleted && delete_resource(kind).is_none() {
                // A Namespace, Node or pool left the text: start again from the text.
                self.rebuild(text);
                return Applied::Rebuilt;
            }
        }
        self.owned.retain(|k| present.contains(k));
        self.owned
            .extend(results.iter().filter(|r| r.is_ok()).map(key_of));
        self.problems = problems_of(&results);
        self.results = results;
        self.text = text.to_string();
        self.revision += 1;
        Applied::Applied
    }

    /// Whether simulated time still has work to do (pods starting, terminating, LB pending).
    pub fn pending(&self) -> bool {
        !self.cluster.is_settled()
    }

    /// Let `ms` of simulated time pass if anything is pending. Returns whether the cluster
    /// changed (so the page redraws only then).
    pub fn tick(&mut self, ms: u64) -> bool {
        if !self.pending() {
            return false;
        }
        let before = (
            self.cluster.resource_version,
            self.cluster.events.len(),
            self.cluster.store.pods.len(),
            self.cluster.timers.len(),
        );
        self.cluster.advance(ms.max(1));
        let after = (
            self.cluster.resource_version,
            self.cluster.events.len(),
            self.cluster.store.pods.len(),
            self.cluster.timers.len(),
        );
        let changed = before != after;
        if changed {
            self.revision += 1;
        }
        changed
    }

    /// Record that the cluster was changed from outside (the console).
    pub fn touch(&mut self) {
        self.revision += 1;
    }

    /// Run time until the cluster settles (tests, "skip ahead").
    pub fn settle(&mut self) {
        self.cluster.settle();
        self.revision += 1;
    }

    /// Switch kube-proxy's mode (the rules are rebuilt from the same Services and slices).
    pub fn set_mode(&mut self, mode: ProxyMode) {
        self.mode_override = Some(mode);
        self.cluster.set_proxy_mode(mode);
        self.revision += 1;
    }

    /// `kubectl delete pod NAME`.
    pub fn delete_pod(&mut self, namespace: &str, name: &str) -> Result<(), String> {
        let r = self
            .cluster
            .delete_pod(namespace, name)
            .map_err(|e| e.to_string());
        self.revision += 1;
        r
    }

    /// Make a pod's readiness probe fail or pass again.
    pub fn set_pod_ready(
        &mut self,
        namespace: &str,
        name: &str,
        ready: bool,
    ) -> Result<(), String> {
        let r = self
            .cluster
            .set_pod_ready(namespace, name, ready)
            .map_err(|e| e.to_string());
        // The EndpointSlice controller reacts on the next reconcile.
        self.cluster.advance(0);
        self.revision += 1;
        r
    }

    /// The replicas a workload wants now.
    pub fn replicas(&self, kind: WorkloadKind, namespace: &str, name: &str) -> Option<i32> {
        self.cluster
            .store
            .workloads
            .get(&(
                kind,
                svcsim_engine::cluster::ObjectKey::new(namespace, name),
            ))
            .map(|w| w.spec.replicas.unwrap_or(1))
    }

    /// `kubectl scale --replicas=N`. When the text defines the workload, its `replicas:` line
    /// changes too (returned as the new text, to show in the editor), so the next apply keeps it.
    pub fn scale(
        &mut self,
        kind: WorkloadKind,
        namespace: &str,
        name: &str,
        replicas: i32,
    ) -> Result<Option<String>, String> {
        let edited = crate::textedit::set_field(
            &self.text,
            kind.as_str(),
            namespace,
            name,
            "spec",
            "replicas",
            &replicas.to_string(),
        );
        let r = self
            .cluster
            .scale(kind, namespace, name, replicas)
            .map_err(|e| e.to_string());
        self.revision += 1;
        r?;
        if let Some(text) = &edited {
            // Keep the text and the cluster in step without a second apply.
            self.text = text.clone();
        }
        Ok(edited)
    }

    /// Toggle a Service's `externalTrafficPolicy` (Cluster ⇄ Local) by editing the text and
    /// applying it again. Returns the new text.
    pub fn toggle_external_traffic_policy(
        &mut self,
        namespace: &str,
        name: &str,
    ) -> Result<String, String> {
        let current = self
            .cluster
            .store
            .service(namespace, name)
            .map(|s| s.spec.external_traffic_policy.clone())
            .ok_or_else(|| {
                format!("Error from server (NotFound): services \"{name}\" not found")
            })?;
        let next = if current == "Local" {
            "Cluster"
        } else {
            "Local"
        };
        let text = crate::textedit::set_field(
            &self.text,
            "Service",
            namespace,
            name,
            "spec",
            "externalTrafficPolicy",
            next,
        )
        .ok_or_else(|| {
            format!("service/{name} is not defined in the editor text, so it cannot be re-applied")
        })?;
        self.apply_text(&text);
        Ok(text)
    }
}
