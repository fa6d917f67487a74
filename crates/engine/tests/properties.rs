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

/// kind's `ipFamily: dual` with its default subnets (10.96.0.0/16 and fd00:10:96::/112).
const DUAL_KIND: &str =
    "kind: Cluster\napiVersion: kind.x-k8s.io/v1alpha4\nnetworking:\n  ipFamily: dual\n";

/// A Service for a dual-stack cluster: a policy (or none), families in either order (or none),
/// whether it is headless, and maybe a requested address of either family.
type DualService = (
    Option<&'static str>,
    Vec<&'static str>,
    bool,
    Option<String>,
);

fn gen_dual_service() -> impl Strategy<Value = DualService> {
    (
        prop::option::of(prop_oneof![
            Just("SingleStack"),
            Just("PreferDualStack"),
            Just("RequireDualStack")
        ]),
        prop_oneof![
            Just(vec![]),
            Just(vec!["IPv4"]),
            Just(vec!["IPv6"]),
            Just(vec!["IPv4", "IPv6"]),
            Just(vec!["IPv6", "IPv4"]),
        ],
        prop::bool::weighted(0.15),
        prop::option::weighted(
            0.2,
            prop_oneof![
                any::<u8>().prop_map(|b| format!("10.96.1.{b}")),
                any::<u16>().prop_map(|b| format!("fd00:10:96::{b:x}")),
            ],
        ),
    )
}

fn dual_manifest(services: &[DualService]) -> String {
    let mut out = DUAL_KIND.to_string();
    for (i, (policy, families, headless, ip)) in services.iter().enumerate() {
        out.push_str(&format!(
            "---\napiVersion: v1\nkind: Service\nmetadata:\n  name: svc-{i}\nspec:\n  selector:\n    app: web\n  ports:\n  - port: 80\n"
        ));
        if let Some(p) = policy {
            out.push_str(&format!("  ipFamilyPolicy: {p}\n"));
        }
        if !families.is_empty() {
            out.push_str(&format!("  ipFamilies: [{}]\n", families.join(", ")));
        }
        if *headless {
            out.push_str("  clusterIP: None\n");
        } else if let Some(ip) = ip {
            out.push_str(&format!("  clusterIP: \"{ip}\"\n"));
        }
    }
    out
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 32, .. ProptestConfig::default() })]

    /// On a dual-stack cluster every Service the API server admits has one ClusterIP per IP
    /// family, in its families' order, each in that family's service range and given once,
    /// each an IPAddress naming it; and CoreDNS answers A with the IPv4 one and AAAA with the
    /// IPv6 one.
    #[test]
    fn dual_stack_allocations_match_families_and_dns(services in prop::collection::vec(gen_dual_service(), 1..16), seed in any::<u64>()) {
        use std::net::IpAddr;
        use svcsim_engine::dns::{answer, Query, RData, RecordType, Upstream};
        let (cluster, _) = Cluster::from_sources(&[Source::new("dual.yaml", dual_manifest(&services))], seed);
        prop_assert!(cluster.config.dual_stack());
        let mut seen = BTreeSet::new();
        for svc in cluster.store.services.values() {
            let spec = &svc.spec;
            if spec.cluster_ip == "None" {
                continue;
            }
            prop_assert_eq!(spec.cluster_ips.len(), spec.ip_families.len(), "{:?}", spec);
            prop_assert_eq!(&spec.cluster_ips[0], &spec.cluster_ip);
            for (ip, family) in spec.cluster_ips.iter().zip(&spec.ip_families) {
                let a: IpAddr = ip.parse().expect("stored clusterIPs parse");
                match a {
                    IpAddr::V4(v4) => {
                        prop_assert_eq!(family.as_str(), "IPv4");
                        prop_assert!(v4.octets()[..2] == [10, 96], "{}", ip);
                    }
                    IpAddr::V6(v6) => {
                        prop_assert_eq!(family.as_str(), "IPv6");
                        prop_assert!(v6.segments()[..7] == [0xfd00, 0x10, 0x96, 0, 0, 0, 0], "{}", ip);
                    }
                }
                prop_assert!(seen.insert(a), "ClusterIP {} given twice", ip);
                let parent = cluster.store.ip_addresses.get(ip).map(|x| x.parent_ref_text());
                prop_assert_eq!(parent, Some(format!("services/{}/{}", svc.metadata.namespace, svc.metadata.name)));
            }
            let fqdn = format!("{}.{}.svc.cluster.local", svc.metadata.name, svc.metadata.namespace);
            for (qtype, family) in [(RecordType::A, "IPv4"), (RecordType::Aaaa, "IPv6")] {
                let q = Query::parse(&fqdn, qtype).expect("a valid name");
                let got: Vec<String> = answer(&cluster, &Upstream::empty(), &q)
                    .answer
                    .iter()
                    .filter_map(|r| match &r.data {
                        RData::A(a) => Some(a.to_string()),
                        RData::Aaaa(a) => Some(a.to_string()),
                        _ => None,
                    })
                    .collect();
                let want: Vec<String> = spec
                    .cluster_ips
                    .iter()
                    .zip(&spec.ip_families)
                    .filter(|(_, f)| f.as_str() == family)
                    .map(|(ip, _)| ip.clone())
                    .collect();
                prop_assert_eq!(got, want, "{} {:?}", fqdn, qtype);
            }
        }
        // The allocators agree with what is stored (2 system Services of one IPv4 address).
        let v4 = seen.iter().filter(|a| a.is_ipv4()).count();
        let v6 = seen.len() - v4;
        prop_assert_eq!(cluster.alloc.cluster_ips.used(), v4);
        prop_assert_eq!(cluster.alloc.cluster_ips_v6.as_ref().map_or(0, |a| a.used()), v6);
        prop_assert_eq!(cluster.store.ip_addresses.len(), seen.len());
    }
}
