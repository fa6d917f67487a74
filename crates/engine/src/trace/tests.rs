use super::*;
use crate::cluster::Cluster;
use crate::config::ClusterConfig;
use crate::proxy::Protocol;
use crate::sim::Rng;
use std::net::Ipv4Addr;

#[test]
fn node_to_the_api_server_through_the_kubernetes_service() {
    let c = Cluster::new(ClusterConfig::default(), 0);
    let mut s = TraceSession::new(&c);
    let j = s
        .trace(
            &Origin::Node {
                name: "kind-worker".into(),
            },
            &parse_destination("10.96.0.1:443").unwrap(),
            &mut Rng::new(0),
        )
        .unwrap();
    match &j.outcome {
        Outcome::Connected {
            target,
            client_sees,
            ..
        } => {
            assert_eq!(
                target,
                &Target::Node {
                    name: "kind-control-plane".into()
                }
            );
            assert_eq!(client_sees, "10.96.0.1:443");
        }
        o => panic!("{o:?}\n{j}"),
    }
    // The worker's conntrack holds the DNAT entry the reply was matched against.
    let t = s.conntrack("kind-worker").unwrap();
    assert!(t.entries.iter().any(|e| e.dnat && e.replied));
}

#[test]
fn dns_queries_refused_when_cluster_dns_has_no_endpoints() {
    let mut c = Cluster::new(ClusterConfig::default(), 0);
    c.store
        .endpoint_slices
        .retain(|k, _| k.namespace != "kube-system");
    let pod = c
        .store
        .pods
        .values()
        .find(|p| p.metadata.namespace == "local-path-storage")
        .map(|p| p.metadata.name.clone())
        .unwrap();
    let mut session = TraceSession::new(&c);
    let j = session
        .trace(
            &Origin::Pod {
                namespace: "local-path-storage".into(),
                name: pod,
            },
            &parse_destination("kubernetes.default").unwrap(),
            &mut Rng::new(0),
        )
        .unwrap();
    assert!(
        matches!(&j.outcome, Outcome::DnsFailed { error, .. } if error == "TRY_AGAIN"),
        "{j}"
    );
    assert!(j
        .dns_queries
        .iter()
        .all(|q| matches!(q.outcome, Outcome::Refused { .. })));
    // A node resolves through docker's DNS, not CoreDNS: still answered from outside.
    let j = session
        .trace(
            &Origin::Node {
                name: "kind-worker".into(),
            },
            &parse_destination("example.com").unwrap(),
            &mut Rng::new(0),
        )
        .unwrap();
    // A node resolves through docker's DNS, not CoreDNS: still answered from outside.
    assert!(matches!(j.outcome, Outcome::Connected { .. }), "{j}");
}

#[test]
fn each_ephemeral_port_serves_one_connection_to_a_destination_until_none_is_left() {
    let c = Cluster::new(ClusterConfig::default(), 0);
    let mut s = TraceSession::new(&c);
    let mut rng = Rng::new(3);
    let client = Ipv4Addr::new(10, 244, 1, 9);
    let api = (Ipv4Addr::new(10, 96, 0, 1), 443);
    let (lo, hi) = crate::net::EPHEMERAL_PORTS;
    let mut seen = std::collections::BTreeSet::new();
    for _ in lo..=hi {
        let port = s
            .pick_client_port(client, Protocol::Tcp, api, &mut rng)
            .expect("a free port");
        assert!((lo..=hi).contains(&port), "{port}");
        assert!(seen.insert(port), "port {port} handed out twice");
    }
    assert_eq!(seen.len(), 28_232);
    // All 28,232 are held towards 10.96.0.1:443: the next connect gets EADDRNOTAVAIL...
    assert_eq!(
        s.pick_client_port(client, Protocol::Tcp, api, &mut rng),
        None
    );
    // ...while another destination port, another client or a UDP socket still gets one.
    let other = (Ipv4Addr::new(10, 96, 0, 1), 80);
    assert!(s
        .pick_client_port(client, Protocol::Tcp, other, &mut rng)
        .is_some());
    let neighbour = Ipv4Addr::new(10, 244, 1, 10);
    assert!(s
        .pick_client_port(neighbour, Protocol::Tcp, api, &mut rng)
        .is_some());
    assert!(s
        .pick_client_port(client, Protocol::Udp, api, &mut rng)
        .is_some());

    // The connection that finds no port is reported as such, and counted apart.
    let node = Origin::Node {
        name: "kind-worker".into(),
    };
    let worker = s.client(&node).unwrap().ip();
    for _ in lo..=hi {
        s.pick_client_port(worker, Protocol::Tcp, api, &mut rng);
    }
    let dest = parse_destination("10.96.0.1:443").unwrap();
    let j = s.trace(&node, &dest, &mut rng).unwrap();
    match &j.outcome {
        Outcome::NoSourcePort { reason } => {
            assert!(
                reason.contains("Cannot assign requested address"),
                "{reason}"
            );
            assert!(reason.contains("10.96.0.1:443"), "{reason}");
        }
        o => panic!("{o:?}"),
    }
    assert!(j.hops.is_empty());
    let d = s.trace_many(&node, &dest, 3, &mut rng).unwrap();
    assert_eq!((d.no_source_port, d.endpoints.len()), (3, 0));
    assert!(d.to_string().contains("no source port"), "{d}");
}
