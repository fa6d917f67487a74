//! Properties that must hold for any manifest: allocations are unique and in range, apply is
//! deterministic for a seed, and no input panics.

use proptest::prelude::*;
use std::collections::BTreeSet;
use std::net::Ipv4Addr;
use svcsim_engine::cluster::Cluster;
use svcsim_engine::manifest::Source;

/// One generated Service: a type, ports, maybe a requested nodePort or clusterIP.
#[derive(Debug, Clone)]
struct GenService {
    type_: &'static str,
    ports: Vec<(u16, Option<u32>)>,
    cluster_ip: Option<String>,
    headless: bool,
}

fn gen_service() -> impl Strategy<Value = GenService> {
    (
        prop_oneof![
            Just("ClusterIP"),
            Just("NodePort"),
            Just("LoadBalancer"),
            Just("ExternalName")
        ],
        prop::collection::vec(
            (1u16..200, prop::option::weighted(0.3, 29_990u32..32_800)),
            1..4,
        ),
        prop::option::weighted(
            0.2,
            prop_oneof![
                (0u8..4, any::<u8>()).prop_map(|(a, b)| format!("10.96.{a}.{b}")),
                Just("10.0.0.1".to_string()),
                Just("10.96.0.10".to_string()),
            ],
        ),
        prop::bool::weighted(0.1),
    )
        .prop_map(|(type_, ports, cluster_ip, headless)| GenService {
            type_,
            ports,
            cluster_ip,
            headless,
        })
}

fn manifest(services: &[GenService]) -> String {
    let mut out = String::new();
    for (i, s) in services.iter().enumerate() {
        out.push_str(&format!(
            "---\napiVersion: v1\nkind: Service\nmetadata:\n  name: svc-{i}\nspec:\n  type: {}\n",
            s.type_
        ));
        if s.type_ == "ExternalName" {
            out.push_str("  externalName: db.example.com\n");
            continue;
        }
        out.push_str("  selector:\n    app: web\n");
        if s.headless && s.type_ == "ClusterIP" {
            out.push_str("  clusterIP: None\n");
        } else if let Some(ip) = &s.cluster_ip {
            out.push_str(&format!("  clusterIP: {ip}\n"));
        }
        out.push_str("  ports:\n");
        for (j, (port, node_port)) in s.ports.iter().enumerate() {
            out.push_str(&format!("  - name: p{j}\n    port: {port}\n"));
            if let (Some(np), true) = (node_port, s.type_ != "ClusterIP") {
                out.push_str(&format!("    nodePort: {np}\n"));
            }
        }
    }
    out
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, .. ProptestConfig::default() })]

    #[test]
    fn allocations_are_unique_and_in_range(services in prop::collection::vec(gen_service(), 1..25), seed in any::<u64>()) {
        let (cluster, _) = Cluster::from_sources(&[Source::new("gen.yaml", manifest(&services))], seed);
        let mut ips = BTreeSet::new();
        let mut node_ports = BTreeSet::new();
        for svc in cluster.store.services.values() {
            for ip in &svc.spec.cluster_ips {
                if ip == "None" {
                    continue;
                }
                let a: Ipv4Addr = ip.parse().expect("stored clusterIPs parse");
                prop_assert!(a.octets()[0] == 10 && a.octets()[1] == 96, "{} outside 10.96.0.0/16", ip);
                prop_assert!(a != Ipv4Addr::new(10, 96, 0, 0) && a != Ipv4Addr::new(10, 96, 255, 255));
                prop_assert!(ips.insert(a), "ClusterIP {} given twice", ip);
            }
            let mut own = BTreeSet::new();
            for p in &svc.spec.ports {
                if p.node_port != 0 {
                    prop_assert!((30000..=32767).contains(&p.node_port), "nodePort {}", p.node_port);
                    own.insert(p.node_port);
                }
            }
            if svc.spec.health_check_node_port != 0 {
                own.insert(svc.spec.health_check_node_port);
            }
            for np in own {
                prop_assert!(node_ports.insert(np), "nodePort {} given twice", np);
            }
        }
        // The allocators agree with what is stored: nothing leaked by refused objects.
        prop_assert_eq!(cluster.alloc.cluster_ips.used(), ips.len());
        prop_assert_eq!(cluster.alloc.node_ports.used(), node_ports.len());
    }

    #[test]
    fn apply_is_deterministic_for_a_seed(services in prop::collection::vec(gen_service(), 1..12), seed in any::<u64>()) {
        let text = manifest(&services);
        let (a, ra) = Cluster::from_sources(&[Source::new("gen.yaml", text.clone())], seed);
        let (b, rb) = Cluster::from_sources(&[Source::new("gen.yaml", text)], seed);
        prop_assert_eq!(ra, rb);
        prop_assert_eq!(format!("{:?}", a.store), format!("{:?}", b.store));
    }

    #[test]
    fn arbitrary_text_never_panics(text in "\\PC{0,400}") {
        let (mut cluster, _) = Cluster::from_sources(&[Source::new("x.yaml", text.clone())], 0);
        let _ = cluster.apply(&Source::new("x.yaml", text));
    }

    #[test]
    fn mutated_manifests_never_panic(services in prop::collection::vec(gen_service(), 1..6), cut in any::<prop::sample::Index>(), junk in "[ -~\\n]{0,12}") {
        let text = manifest(&services);
        let at = cut.index(text.len().max(1)).min(text.len());
        let at = (0..=at).rev().find(|i| text.is_char_boundary(*i)).unwrap_or(0);
        let mutated = format!("{}{}{}", &text[..at], junk, &text[at..]);
        let (cluster, results) = Cluster::from_sources(&[Source::new("m.yaml", mutated)], 3);
        for r in &results {
            let _ = r.to_string();
        }
        prop_assert!(cluster.store.services.len() <= services.len() + 2);
    }
}
