//! TEMPORARY: the engine API the session is written against, over today's engine, until the
//! engine branches land. Removed at the merge.

use svcsim_engine::api::{decode_object, Object};
use svcsim_engine::cluster::{ApplyError, ApplyResult, Cluster, ClusterConfig};
use svcsim_engine::manifest::{self, Source};

pub struct Manifests {
    source: Source,
    parsed: manifest::Parsed,
}

impl Manifests {
    pub fn parse(source: &Source) -> Manifests {
        Manifests {
            source: source.clone(),
            parsed: manifest::parse(&source.text),
        }
    }
    pub fn errors(&self) -> &[(usize, svcsim_engine::manifest::ManifestError)] {
        &self.parsed.errors
    }
    pub fn error_results(&self) -> Vec<ApplyResult> {
        self.parsed
            .errors
            .iter()
            .map(|(doc, error)| {
                let pos = error.pos();
                ApplyResult {
                    location: manifest::Location {
                        source: self.source.name.clone(),
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
                        source_name: self.source.name.clone(),
                        error: error.clone(),
                    }),
                }
            })
            .collect()
    }
    pub fn cluster_config(&self) -> ClusterConfig {
        let mut config = None;
        let mut pools = Vec::new();
        for raw in &self.parsed.objects {
            match decode_object(raw, &self.source.name) {
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
}

pub trait ClusterShim {
    fn apply_manifests(&mut self, m: &Manifests) -> Vec<ApplyResult>;
    fn generation(&self) -> (u64, usize, usize, usize);
}

impl ClusterShim for Cluster {
    fn apply_manifests(&mut self, m: &Manifests) -> Vec<ApplyResult> {
        self.apply(&m.source)
    }
    fn generation(&self) -> (u64, usize, usize, usize) {
        (
            self.resource_version,
            self.events.len(),
            self.store.pods.len(),
            self.timers.len(),
        )
    }
}
