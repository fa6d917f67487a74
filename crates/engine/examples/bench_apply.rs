//! The apply benchmark as a plain program, so the same code can be timed natively and as
//! WebAssembly (wasm32-wasip1 under Node's WASI, see `scripts/bench-wasm.sh`); criterion does not
//! run on wasm. Prints every run and the median.
//!
//! `cargo run --release -p svcsim-engine --example bench_apply -- large 5`

use std::time::Instant;
use svcsim_engine::cluster::Cluster;
use svcsim_engine::generate::{cluster_manifest, Scale};
use svcsim_engine::manifest::Source;

fn main() {
    let mut args = std::env::args().skip(1);
    let which = args.next().unwrap_or_else(|| "large".to_string());
    let runs: usize = args.next().and_then(|s| s.parse().ok()).unwrap_or(5).max(1);
    let scale = match which.as_str() {
        "thresholds" => Scale::THRESHOLDS,
        "small" => Scale {
            nodes: 10,
            services: 50,
            pods_per_service: 3,
        },
        _ => Scale::LARGE,
    };
    let text = cluster_manifest(scale);
    let mut times = Vec::with_capacity(runs);
    for i in 0..runs {
        let start = Instant::now();
        let (cluster, results) =
            Cluster::from_sources(&[Source::new("gen.yaml", text.as_str())], 0);
        let ms = start.elapsed().as_secs_f64() * 1000.0;
        let failed = results.iter().filter(|r| !r.is_ok()).count();
        println!(
            "run {i}: {ms:.1} ms ({} pods, {} services, {} slices, {failed} failed)",
            cluster.store.pods.len(),
            cluster.store.services.len(),
            cluster.store.endpoint_slices.len()
        );
        times.push(ms);
    }
    times.sort_by(f64::total_cmp);
    let median = times.get(times.len() / 2).copied().unwrap_or(0.0);
    println!(
        "{which}: median {median:.1} ms over {runs} runs ({} nodes, {} services, {} pods)",
        scale.nodes,
        scale.services,
        scale.services * scale.pods_per_service
    );
}
