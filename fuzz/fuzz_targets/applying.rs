//! The part of the page's apply path the manifest targets share: build the cluster the text asks
//! for (a clone of the default one, built once, when it asks for nothing else), apply every
//! object, and format every result as the editor's gutter does.

// Each target includes this module and uses what it needs of it.
#![allow(dead_code)]

use std::sync::OnceLock;
use svcsim_engine::cluster::{Cluster, ClusterConfig, Manifests};
use svcsim_scene::session::Problem;

const SEED: u64 = 1;

/// The default cluster and its configuration, built once: `Cluster::new` is a pure function of
/// the configuration and the seed, so a clone is the cluster the page would build, without
/// the bootstrap's cost.
fn base() -> &'static (ClusterConfig, Cluster) {
    static BASE: OnceLock<(ClusterConfig, Cluster)> = OnceLock::new();
    BASE.get_or_init(|| {
        let config = ClusterConfig::default();
        (config.clone(), Cluster::new(config, SEED))
    })
}

/// The cluster `manifests` ask for with every object applied, or None when it asks for more
/// nodes than an execution can build (within svcsim's limits; see `scale.rs`).
pub fn apply(manifests: &Manifests) -> Option<Cluster> {
    let config = manifests.cluster_config();
    if !super::scale::small_config(&config) {
        return None;
    }
    let (default, base) = base();
    let mut cluster = if config == *default {
        base.clone()
    } else {
        Cluster::new(config, SEED)
    };
    let results = cluster.apply_manifests(manifests);
    for result in &results {
        let _ = result.to_string();
        let _ = result.error_locations();
    }
    let _ = Problem::of(&results);
    Some(cluster)
}
