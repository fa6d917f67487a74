//! The data plane at scale: kube-proxy's rule tables and `iptables-save` text for one node of
//! a 10,000-Service cluster, and 10,000 journeys (pod → ClusterIP) evaluated through them;
//! and `svcsim trace --count 100000` (the CLI's maximum) from one client to one ClusterIP,
//! against 25,000, whose ratio shows the time stays linear once the client's 28,232 ephemeral
//! ports to the Service are all held (issue 11: it ran > 600 s before).
//!
//! `cargo bench -p svcsim-engine --bench dataplane`

use criterion::{criterion_group, criterion_main, Criterion};
use std::net::Ipv4Addr;
use std::time::Duration;
use svcsim_engine::cluster::Cluster;
use svcsim_engine::generate::{cluster_manifest, Scale};
use svcsim_engine::manifest::Source;
use svcsim_engine::proxy::{node_rules, render_iptables_save, ProxyMode};
use svcsim_engine::sim::Rng;
use svcsim_engine::trace::{Destination, Origin, TraceSession};

/// 10,000 Services with 3 pods each on 300 nodes: every node's kube-proxy programs all 10,000,
/// and every Service has its three endpoints (on 100 nodes the kubelets' 110-pod limit left
/// 64 % of them without any, so their rules were a REJECT, not a DNAT — issue 14).
const SCALE: Scale = Scale {
    nodes: 300,
    services: 10_000,
    pods_per_service: 3,
};

fn dataplane(c: &mut Criterion) {
    let (cluster, _) =
        Cluster::from_sources(&[Source::new("gen.yaml", cluster_manifest(SCALE))], 0);
    // A bench that tells the truth: every generated Service is backed by all its pods.
    let unbacked = cluster
        .store
        .services
        .values()
        .filter(|s| s.metadata.namespace == "default" && s.metadata.name != "kubernetes")
        .filter(|s| {
            let ready: usize = cluster
                .store
                .slices_for_service(&s.metadata.namespace, &s.metadata.name)
                .flat_map(|sl| &sl.endpoints)
                .filter(|e| e.conditions.ready == Some(true))
                .count();
            ready < SCALE.pods_per_service
        })
        .count();
    assert_eq!(unbacked, 0, "Services without all their endpoints");
    let node = "kind-worker";
    let mut group = c.benchmark_group("dataplane_10k_services");
    group.sample_size(10);
    group.measurement_time(Duration::from_secs(20));
    group.bench_function("iptables_rules_one_node", |b| {
        b.iter(|| node_rules(&cluster, node, ProxyMode::Iptables).map(|r| r.node_ip))
    });
    let rules = node_rules(&cluster, node, ProxyMode::Iptables).expect("node exists");
    group.bench_function("iptables_save_text_one_node", |b| {
        b.iter(|| render_iptables_save(&rules).len())
    });

    // A client pod on the node, and every Service's ClusterIP:80 as a destination.
    let client = cluster
        .store
        .pods
        .values()
        .find(|p| p.spec.node_name == node && !p.spec.host_network && !p.status.pod_ip.is_empty())
        .map(|p| Origin::Pod {
            namespace: p.metadata.namespace.clone(),
            name: p.metadata.name.clone(),
        })
        .expect("a pod on the node");
    let destinations: Vec<Destination> = cluster
        .store
        .services
        .values()
        .filter_map(|s| s.spec.cluster_ip.parse::<Ipv4Addr>().ok())
        .take(10_000)
        .map(|ip| Destination::Ip { ip, port: Some(80) })
        .collect();
    group.bench_function("10k_journeys_pod_to_cluster_ip", |b| {
        b.iter(|| {
            let mut session = TraceSession::new(&cluster);
            let mut rng = Rng::new(7);
            destinations
                .iter()
                .filter(|d| session.trace(&client, d, &mut rng).is_ok())
                .count()
        })
    });
    group.finish();
}

/// `--count N` connections from one pod to the lecture's ClusterIP example.
fn many_connections(c: &mut Criterion) {
    let text = format!(
        "{}\n---\napiVersion: v1\nkind: Pod\nmetadata:\n  name: client\nspec:\n  containers:\n  - name: c\n    image: busybox\n",
        include_str!("../../../assets/examples/clusterip.yaml")
    );
    let (cluster, _) = Cluster::from_sources(&[Source::new("clusterip.yaml", text)], 0);
    let client = Origin::Pod {
        namespace: "default".into(),
        name: "client".into(),
    };
    let dest = Destination::Name {
        name: "my-service".into(),
        port: None,
    };
    let mut group = c.benchmark_group("trace_many_one_client");
    group.sample_size(10);
    group.measurement_time(Duration::from_secs(30));
    for count in [25_000u32, 100_000] {
        group.bench_function(format!("{count}_connections"), |b| {
            b.iter(|| {
                let mut session = TraceSession::new(&cluster);
                session
                    .trace_many(&client, &dest, count, &mut Rng::new(7))
                    .map(|d| d.no_source_port)
            })
        });
    }
    group.finish();
}

criterion_group!(benches, dataplane, many_connections);
criterion_main!(benches);
