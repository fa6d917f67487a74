//! The apply benchmark as a plain program, so the same code can be timed natively and as
//! WebAssembly (wasm32-wasip1 under Node's WASI, see `scripts/bench-wasm.sh`); criterion does not
//! run on wasm. Prints every run and the median.
//!
//! `cargo run --release -p svcsim-bench -- large 5`
//! (`large`, `thresholds`, `small`, or `dataplane`: rules + iptables-save + 10,000 journeys on
//! one node of a 10,000-Service cluster, as `benches/dataplane.rs` measures; or `page`: a
//! cluster at each of `Limits::PAGE`, as `benches/limits.rs` measures, to check the page's
//! limits as wasm; or `budget`: the quick regression check `scripts/test.sh` runs, see
//! `budget.rs`.)

mod budget;

use std::time::Instant;
use svcsim_engine::cluster::Cluster;
use svcsim_engine::generate::{at_limits, cluster_manifest, Scale};
use svcsim_engine::limits::Limits;
use svcsim_engine::manifest::Source;
use svcsim_engine::proxy::{node_rules, render_iptables_save, ProxyMode};
use svcsim_engine::sim::Rng;
use svcsim_engine::trace::{Destination, Origin, TraceSession};

fn median(mut times: Vec<f64>) -> f64 {
    times.sort_by(f64::total_cmp);
    times.get(times.len() / 2).copied().unwrap_or(0.0)
}

/// The data-plane measurement: returns (rules ms, iptables-save ms, 10k journeys ms) per run.
fn dataplane(runs: usize) {
    // As `benches/dataplane.rs`: 300 nodes, so every Service has its three endpoints.
    let scale = Scale {
        nodes: 300,
        services: 10_000,
        pods_per_service: 3,
    };
    let (cluster, _) =
        Cluster::from_sources(&[Source::new("gen.yaml", cluster_manifest(scale))], 0);
    let node = "kind-worker";
    let Some(client) = cluster
        .store
        .pods
        .values()
        .find(|p| p.spec.node_name == node && !p.spec.host_network && !p.status.pod_ip.is_empty())
        .map(|p| Origin::Pod {
            namespace: p.metadata.namespace.clone(),
            name: p.metadata.name.clone(),
        })
    else {
        println!("no client pod on {node}");
        return;
    };
    let destinations: Vec<Destination> = cluster
        .store
        .services
        .values()
        .filter_map(|s| s.spec.cluster_ip.parse().ok())
        .take(10_000)
        .map(|ip| Destination::Ip { ip, port: Some(80) })
        .collect();
    let (mut rules_ms, mut save_ms, mut journeys_ms) = (Vec::new(), Vec::new(), Vec::new());
    for i in 0..runs {
        let t = Instant::now();
        let Ok(rules) = node_rules(&cluster, node, ProxyMode::Iptables) else {
            return;
        };
        rules_ms.push(t.elapsed().as_secs_f64() * 1000.0);
        let t = Instant::now();
        let text = render_iptables_save(&rules);
        save_ms.push(t.elapsed().as_secs_f64() * 1000.0);
        let t = Instant::now();
        let mut session = TraceSession::new(&cluster);
        let mut rng = Rng::new(7);
        let ok = destinations
            .iter()
            .filter(|d| session.trace(&client, d, &mut rng).is_ok())
            .count();
        journeys_ms.push(t.elapsed().as_secs_f64() * 1000.0);
        println!(
            "run {i}: rules {:.1} ms, iptables-save {:.1} ms ({} lines), {ok} journeys {:.1} ms",
            rules_ms[i],
            save_ms[i],
            text.lines().count(),
            journeys_ms[i]
        );
    }
    println!(
        "dataplane: median rules {:.1} ms, iptables-save {:.1} ms, 10k journeys {:.1} ms over {runs} runs",
        median(rules_ms),
        median(save_ms),
        median(journeys_ms)
    );
}

/// A cluster at each of the page's limits, from the text to settled: the median per case.
fn page(runs: usize) {
    for (name, text) in at_limits(&Limits::PAGE) {
        let mut times = Vec::with_capacity(runs);
        for _ in 0..runs {
            let start = Instant::now();
            let (_, results) = Cluster::from_sources_within(
                &[Source::new("page.yaml", text.as_str())],
                0,
                Limits::PAGE,
            );
            times.push(start.elapsed().as_secs_f64() * 1000.0);
            if let Some(r) = results.iter().find(|r| !r.is_ok()) {
                println!("{name}: refused: {r}");
            }
        }
        println!("{name}: median {:.1} ms over {runs} runs", median(times));
    }
}

fn main() {
    let mut args = std::env::args().skip(1);
    let which = args.next().unwrap_or_else(|| "large".to_string());
    let runs: usize = args.next().and_then(|s| s.parse().ok()).unwrap_or(5).max(1);
    if which == "dataplane" {
        dataplane(runs);
        return;
    }
    if which == "page" {
        page(runs);
        return;
    }
    if which == "budget" {
        if !budget::run() {
            std::process::exit(1);
        }
        return;
    }
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
    let median = median(times);
    println!(
        "{which}: median {median:.1} ms over {runs} runs ({} nodes, {} services, {} pods)",
        scale.nodes,
        scale.services,
        scale.services * scale.pods_per_service
    );
}
