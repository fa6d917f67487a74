//! How fast svcsim refuses what it will not simulate (`svcsim_engine::limits`): each
//! reproducer of the "hostile input" issue — a Deployment of 2³¹−1 replicas (which allocated
//! until the process died), a million replicas (74 s and 5.5 GB before), `kubectl scale` to
//! 2³¹−1, a kind cluster of 10,001 nodes, a Service of 10,000 ports × 31 pods, an
//! EndpointSlice of 1,000 endpoints × 301 ports — is refused before any controller runs, so
//! the time is the parse and the count, not the work.
//!
//! `cargo bench -p svcsim-engine --bench limits`

use criterion::{criterion_group, criterion_main, BatchSize, Criterion};
use svcsim_engine::api::apps::WorkloadKind;
use svcsim_engine::cluster::{ApplyError, Cluster, ClusterConfig};
use svcsim_engine::manifest::Source;

fn workload(kind: &str, replicas: u64) -> String {
    format!("apiVersion: apps/v1\nkind: {kind}\nmetadata:\n  name: web\nspec:\n  replicas: {replicas}\n  selector:\n    matchLabels:\n      app: web\n  template:\n    metadata:\n      labels:\n        app: web\n    spec:\n      containers:\n      - name: web\n        image: nginx\n")
}

fn refused(results: &[svcsim_engine::cluster::ApplyResult]) -> bool {
    results
        .iter()
        .any(|r| matches!(r.outcome, Err(ApplyError::LimitExceeded(_))))
}

fn limits(c: &mut Criterion) {
    let fresh = Cluster::new(ClusterConfig::default(), 0);
    let mut group = c.benchmark_group("limits_refused");
    group.sample_size(20);

    // Each apply on a clone of a fresh cluster (the clone is set-up, not measured), then
    // settle: nothing was stored, so nothing runs.
    let mut apply_case = |name: &str, text: String| {
        group.bench_function(name, |b| {
            b.iter_batched(
                || fresh.clone(),
                |mut cluster| {
                    let r = cluster.apply(&Source::new("big.yaml", text.as_str()));
                    assert!(refused(&r), "{r:?}");
                    cluster.settle();
                    cluster
                },
                BatchSize::PerIteration,
            );
        });
    };
    apply_case(
        "deployment_int32_max_replicas",
        workload("Deployment", 2_147_483_647),
    );
    apply_case("deployment_1m_replicas", workload("Deployment", 1_000_000));
    apply_case(
        "statefulset_int32_max_replicas",
        workload("StatefulSet", 2_147_483_647),
    );
    let mut wide = workload("Deployment", 31);
    wide.push_str("---\napiVersion: v1\nkind: Service\nmetadata:\n  name: web\nspec:\n  selector:\n    app: web\n  ports:\n");
    for i in 0..10_000 {
        wide.push_str(&format!("  - name: p{i}\n    port: {}\n", 80 + i));
    }
    apply_case("service_10k_ports_times_31_pods", wide);
    let mut slice = String::from("apiVersion: discovery.k8s.io/v1\nkind: EndpointSlice\nmetadata:\n  name: db-1\n  labels:\n    kubernetes.io/service-name: db\naddressType: IPv4\nports:\n");
    for i in 0..301 {
        slice.push_str(&format!("- name: p{i}\n  port: {}\n", 8000 + i));
    }
    slice.push_str("endpoints:\n");
    for i in 0..1000 {
        slice.push_str(&format!(
            "- addresses: [\"10.100.{}.{}\"]\n",
            i / 256,
            i % 256
        ));
    }
    apply_case("endpointslice_1000_endpoints_times_301_ports", slice);

    // `kubectl scale deployment web --replicas=2147483647` on a running cluster.
    let (running, _) =
        Cluster::from_sources(&[Source::new("web.yaml", workload("Deployment", 2))], 0);
    group.bench_function("kubectl_scale_int32_max", |b| {
        b.iter_batched(
            || running.clone(),
            |mut cluster| {
                assert!(cluster
                    .scale(WorkloadKind::Deployment, "default", "web", i32::MAX)
                    .is_err());
                cluster.settle();
                cluster
            },
            BatchSize::PerIteration,
        );
    });

    // A kind cluster of 10,001 nodes: refused while reading the configuration, and the
    // default cluster is built instead.
    let kind = format!(
        "kind: Cluster\napiVersion: kind.x-k8s.io/v1alpha4\nnodes:\n- role: control-plane\n{}",
        "- role: worker\n".repeat(10_000)
    );
    group.bench_function("kind_cluster_10001_nodes", |b| {
        b.iter(|| {
            let (cluster, r) = Cluster::from_sources(&[Source::new("kind.yaml", kind.as_str())], 0);
            assert!(refused(&r));
            cluster
        })
    });
    group.finish();
}

criterion_group!(benches, limits);
criterion_main!(benches);
