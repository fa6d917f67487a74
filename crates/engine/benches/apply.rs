//! Applying whole generated clusters: parse, validate, allocate, schedule, start pods and build
//! EndpointSlices until the cluster settles.
//!
//! `cargo bench -p svcsim-engine --bench apply` (add `-- large` or `-- thresholds` to pick one).

use criterion::{criterion_group, criterion_main, Criterion};
use std::time::Duration;
use svcsim_engine::cluster::Cluster;
use svcsim_engine::generate::{cluster_manifest, Scale};
use svcsim_engine::manifest::Source;

fn bench(c: &mut Criterion, name: &str, scale: Scale) {
    let text = cluster_manifest(scale);
    let mut group = c.benchmark_group("apply");
    group.sample_size(10);
    group.measurement_time(Duration::from_secs(20));
    group.bench_function(name, |b| {
        b.iter(|| {
            let (cluster, results) =
                Cluster::from_sources(&[Source::new("gen.yaml", text.as_str())], 0);
            assert!(results.iter().all(|r| r.is_ok()));
            assert!(cluster.store.pods.len() >= scale.services * scale.pods_per_service);
            cluster
        });
    });
    group.finish();
}

fn large(c: &mut Criterion) {
    bench(c, "large_1k_nodes_30k_pods_2k_services", Scale::LARGE);
}

fn thresholds(c: &mut Criterion) {
    bench(
        c,
        "thresholds_5k_nodes_150k_pods_10k_services",
        Scale::THRESHOLDS,
    );
}

criterion_group!(benches, large, thresholds);
criterion_main!(benches);
