//! Applying whole generated clusters: parse, validate, allocate, schedule, start pods and build
//! EndpointSlices until the cluster settles; and one change to a settled cluster (a pod deleted,
//! its replacement started), which is what the page does on every click — its cost should follow
//! the size of the change, not the size of the cluster.
//!
//! Building a cluster and dropping it are timed apart (`apply/<scale>` and `drop/<scale>`):
//! freeing a large cluster is itself seconds of work, and a figure that mixes both says neither.
//!
//! `cargo bench -p svcsim-engine --bench apply` (add `-- large`, `-- thresholds`, `-- drop` or
//! `-- change` to pick some).

use criterion::{criterion_group, criterion_main, BatchSize, Criterion};
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
        // The cluster is returned and dropped after the clock stops.
        b.iter_with_large_drop(|| {
            let (cluster, results) =
                Cluster::from_sources(&[Source::new("gen.yaml", text.as_str())], 0);
            assert!(results.iter().all(|r| r.is_ok()));
            assert!(cluster.store.pods.len() >= scale.services * scale.pods_per_service);
            cluster
        });
    });
    group.finish();
    let (cluster, _) = Cluster::from_sources(&[Source::new("gen.yaml", text.as_str())], 0);
    let mut group = c.benchmark_group("drop");
    group.sample_size(10);
    group.bench_function(name, |b| {
        b.iter_batched(|| cluster.clone(), drop, BatchSize::PerIteration);
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

/// `kubectl delete pod` on a settled cluster, then until it settles again: the pod terminates,
/// its ReplicaSet creates a replacement, the scheduler binds it, the kubelet starts it, the
/// EndpointSlice follows. The clone of the cluster is set-up, not measured; nor is its drop.
fn change_at(c: &mut Criterion, name: &str, scale: Scale) {
    let text = cluster_manifest(scale);
    let (cluster, _) = Cluster::from_sources(&[Source::new("gen.yaml", text.as_str())], 0);
    let victim = cluster
        .store
        .pods_in(Some("default"))
        .find(|p| p.metadata.name.starts_with("app-0-"))
        .map(|p| p.metadata.name.clone())
        .expect("app-0 has pods");
    let mut group = c.benchmark_group("apply");
    group.sample_size(10);
    group.bench_function(name, |b| {
        b.iter_batched(
            || cluster.clone(),
            |mut cluster| {
                cluster
                    .delete_pod("default", &victim)
                    .expect("the pod exists");
                cluster.settle();
                assert!(cluster.is_settled());
                cluster
            },
            BatchSize::PerIteration,
        );
    });
    group.finish();
}

/// At 1,000 nodes (30,000 pods) and at the thresholds (5,000 nodes, 150,000 pods): what one
/// click costs should not grow with the cluster (issue 14's goal: 1 ms at any scale).
fn change(c: &mut Criterion) {
    change_at(c, "change_after_settle_large_delete_pod", Scale::LARGE);
    change_at(
        c,
        "change_after_settle_thresholds_delete_pod",
        Scale::THRESHOLDS,
    );
}

criterion_group!(benches, large, thresholds, change);
criterion_main!(benches);
