use super::*;
use crate::cluster::Cluster;
use crate::config::ClusterConfig;
use crate::sim::Rng;

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
