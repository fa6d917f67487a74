//! How large a cluster the targets let simulated time run on.
//!
//! svcsim's limits ([`svcsim_engine::limits`]) let the sig-scalability thresholds cluster
//! through on purpose (200,000 pods; the thresholds cluster settles in ~75 s natively), and
//! refuse what is beyond. An input asking for, say, 50,000 replicas is therefore accepted and
//! slow by design, and would end every run at its first such input (5 s `-timeout`). Above the
//! scale below, a target still applies the input (so the limits' checks and the apply path run)
//! but lets no time pass, so the controllers do not build what was asked; the limits themselves
//! are exercised by their own tests and benchmark.

// Each target includes this module and uses what it needs of it.
#![allow(dead_code)]

use svcsim_engine::cluster::ClusterConfig;
use svcsim_engine::limits::Usage;

/// Whether the controllers may build what `usage` asks for within an execution's budget
/// (about half a millisecond a pod natively, more under coverage instrumentation: a thousand
/// pods settle within a second).
pub fn small(usage: &Usage) -> bool {
    usage.pods <= 1_000
        && usage.nodes <= 50
        && usage.services <= 1_000
        && usage.service_ports <= 5_000
        && usage.service_endpoints <= 20_000
}

/// Whether a kind `Cluster` configuration is one an execution can build (each node brings its
/// system pods and rule set; svcsim's limit is 10,000 nodes).
pub fn small_config(config: &ClusterConfig) -> bool {
    config.nodes.len() <= 50
}
