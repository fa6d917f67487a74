//! Why the manifest layer uses saphyr-parser at event level (ARCHITECTURE.md, "Parser"): parse
//! the same multi-document manifest with our tree builder (every value with line:column), with
//! serde-saphyr and with the deprecated serde_yaml (both to a plain JSON value, no positions).
//!
//! And that merge keys cost time in proportion to the keys merged: `<<: *base` of a 10,000- and
//! a 100,000-key mapping, beside the same mapping only aliased (`copy: *base`, the parsing and
//! copying without the merge). Each key used to be looked up by a walk over the keys merged
//! before it, so a 750 KB file took minutes.
//!
//! `cargo bench -p svcsim-engine --bench parse`

use criterion::{criterion_group, criterion_main, BenchmarkId, Criterion, Throughput};
use svcsim_engine::generate::{cluster_manifest, Scale};
use svcsim_engine::manifest::{parse_document, Value};

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

/// An anchored mapping of `keys` keys, then `use` of it in another mapping that also writes one
/// merged key explicitly (`<<: *base`, or `copy: *base` for the baseline).
fn merge_document(keys: usize, merge: bool) -> String {
    let mut text = String::from("base: &base\n");
    for i in 0..keys {
        text.push_str(&format!("  key{i}: value{i}\n"));
    }
    text.push_str(if merge {
        "merged:\n  <<: *base\n  key0: explicit\n"
    } else {
        "merged:\n  copy: *base\n  key0: explicit\n"
    });
    text
}

fn merge_keys(c: &mut Criterion) {
    let mut group = c.benchmark_group("merge_keys");
    group.sample_size(10);
    for keys in [10_000, 100_000] {
        group.throughput(Throughput::Elements(keys as u64));
        for (name, merge) in [("merge", true), ("alias_only", false)] {
            let text = merge_document(keys, merge);
            group.bench_with_input(BenchmarkId::new(name, keys), &text, |b, text| {
                b.iter(|| match parse_document(text, 1).map(|n| n.value) {
                    Ok(Value::Map(entries)) => entries.len(),
                    _ => 0,
                })
            });
        }
    }
    group.finish();
}

criterion_group!(benches, parse, merge_keys);
criterion_main!(benches);
