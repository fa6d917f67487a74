//! Why the manifest layer uses saphyr-parser at event level (ARCHITECTURE.md, "Parser"): parse
//! the same multi-document manifest with our tree builder (every value with line:column), with
//! serde-saphyr and with the deprecated serde_yaml (both to a plain JSON value, no positions).
//!
//! `cargo bench -p svcsim-engine --bench parse`

use criterion::{criterion_group, criterion_main, Criterion};
use svcsim_engine::generate::{cluster_manifest, Scale};

fn parse(c: &mut Criterion) {
    // 200 Services + 200 Deployments, ~140 KB: a big classroom paste.
    let text = cluster_manifest(Scale {
        nodes: 3,
        services: 200,
        pods_per_service: 3,
    });
    let mut group = c.benchmark_group("parse_400_documents");
    group.sample_size(20);
    group.bench_function("svcsim_manifest_tree_with_positions", |b| {
        b.iter(|| svcsim_engine::manifest::parse(&text).objects.len())
    });
    group.bench_function("serde_saphyr_to_json_value", |b| {
        b.iter(|| {
            serde_saphyr::from_multiple::<serde_json::Value>(&text)
                .map(|v| v.len())
                .unwrap_or(0)
        })
    });
    group.bench_function("serde_yaml_to_json_value", |b| {
        b.iter(|| {
            use serde::Deserialize;
            serde_yaml::Deserializer::from_str(&text)
                .filter_map(|d| serde_json::Value::deserialize(d).ok())
                .count()
        })
    });
    group.finish();
}

criterion_group!(benches, parse);
criterion_main!(benches);
