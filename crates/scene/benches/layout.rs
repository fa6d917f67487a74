//! The canvas layout of big clusters: `cargo bench -p svcsim-scene --bench layout`.
//! 4,000 Services with their EndpointSlices was quadratic (each Service scanned every slice
//! and pod of its namespace): 1.8 s per layout natively, seconds per frame in the page.

use criterion::{criterion_group, criterion_main, Criterion};
use std::hint::black_box;
use svcsim_engine::cluster::Cluster;
use svcsim_engine::generate::{cluster_manifest, Scale};
use svcsim_engine::manifest::Source;
use svcsim_scene::layout::{layout, LayoutOptions};

fn services_only(n: usize) -> Cluster {
    let text: String = (0..n)
        .map(|i| {
            format!(
                "apiVersion: v1\nkind: Service\nmetadata:\n  name: svc-{i}\nspec:\n  selector:\n    app: web-{i}\n  ports:\n    - port: 80\n"
            )
        })
        .collect::<Vec<_>>()
        .join("---\n");
    Cluster::from_sources(&[Source::new("bench.yaml", text)], 0).0
}

fn bench(c: &mut Criterion) {
    let mut g = c.benchmark_group("layout");
    g.sample_size(10);
    for n in [1_000, 4_000] {
        let cluster = services_only(n);
        g.bench_function(format!("{n}_services_with_slices"), |b| {
            b.iter(|| layout(black_box(&cluster), &LayoutOptions::default()))
        });
    }
    let cluster = Cluster::from_sources(
        &[Source::new(
            "bench.yaml",
            cluster_manifest(Scale {
                nodes: 50,
                services: 500,
                pods_per_service: 10,
            }),
        )],
        0,
    )
    .0;
    g.bench_function("50_nodes_500_services_5000_pods", |b| {
        b.iter(|| layout(black_box(&cluster), &LayoutOptions::default()))
    });
    g.finish();
}

criterion_group!(benches, bench);
criterion_main!(benches);
