//! The examples menu keeps its promises: every scenario applies cleanly on a fresh default
//! cluster (seed 0), shows the objects its explanation talks about, and its suggested request
//! ends the way the explanation says.

use std::collections::{BTreeMap, BTreeSet};
use svcsim_engine::api::core::IntOrString;
use svcsim_engine::api::discovery::EndpointSlice;
use svcsim_engine::cluster::Cluster;
use svcsim_engine::dns::{answer, Query, RecordType, Upstream};
use svcsim_engine::manifest::Source;
use svcsim_engine::sim::Rng;
use svcsim_engine::trace::{parse_destination, trace, Outcome, TraceOptions};
use svcsim_scene::examples::{self, Example, ALL, DEFAULT_ID};

/// The example's cluster after `from_sources` (which lets simulated time settle), asserting
/// that every object applied without error.
fn cluster(id: &str) -> Cluster {
    let ex = examples::by_id(id).unwrap_or_else(|| panic!("no example {id:?}"));
    let (cluster, results) =
        Cluster::from_sources(&[Source::new(format!("{id}.yaml"), ex.yaml)], 0);
    let errors: Vec<String> = results
        .iter()
        .filter(|r| !r.is_ok())
        .map(ToString::to_string)
        .collect();
    assert!(errors.is_empty(), "{id}: {errors:#?}");
    assert!(!results.is_empty(), "{id}: nothing applied");
    cluster
}

fn slices<'a>(c: &'a Cluster, ns: &'a str, svc: &'a str) -> Vec<&'a EndpointSlice> {
    c.store.slices_for_service(ns, svc).collect()
}

fn ready_addresses(slices: &[&EndpointSlice]) -> BTreeSet<String> {
    slices
        .iter()
        .flat_map(|s| &s.endpoints)
        .filter(|e| e.conditions.ready != Some(false))
        .flat_map(|e| e.addresses.clone())
        .collect()
}

fn dns_a(c: &Cluster, name: &str) -> BTreeSet<String> {
    let query = Query::parse(name, RecordType::A).expect("valid name");
    answer(c, &Upstream::default(), &query)
        .addresses()
        .into_iter()
        .collect()
}

fn word_count(s: &str) -> usize {
    s.split_whitespace().count()
}

#[test]
fn ids_are_unique_and_the_default_exists() {
    let ids: BTreeSet<&str> = ALL.iter().map(|e| e.id).collect();
    assert_eq!(ids.len(), ALL.len(), "duplicate ids");
    assert_eq!(ALL.len(), 11, "one scenario per concept of the lecture");
    assert_eq!(examples::default_example().id, DEFAULT_ID);
    assert!(examples::by_id(DEFAULT_ID).is_some());
    assert!(examples::by_id("no-such-example").is_none());
    for e in ALL {
        assert!(
            e.id.bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-'),
            "{}: ids go into URLs and file names",
            e.id
        );
        let titles = ALL.iter().filter(|o| o.title == e.title).count();
        assert_eq!(titles, 1, "{}: duplicate title", e.id);
    }
}

#[test]
fn explanations_are_one_short_paragraph() {
    for e in ALL {
        let words = word_count(e.explanation);
        assert!((30..=120).contains(&words), "{}: {words} words", e.id);
        assert!(!e.explanation.contains('\n'), "{}: one paragraph", e.id);
        assert!(!e.title.is_empty() && !e.concept.is_empty(), "{}", e.id);
    }
}

#[test]
fn every_example_applies_without_errors() {
    for e in ALL {
        cluster(e.id);
    }
}

#[test]
fn pods_are_running_and_container_ports_match_target_ports() {
    for e in ALL {
        let c = cluster(e.id);
        for p in c.store.pods_in(Some("default")) {
            assert!(
                p.is_ready() && !p.status.pod_ip.is_empty(),
                "{}: pod {} is not ready",
                e.id,
                p.metadata.name
            );
        }
        // Every pod a Service selects declares the Service's targetPort (by number or name),
        // so no endpoint is left without its port.
        for svc in c.store.services_in(Some("default")) {
            if svc.spec.selector.is_empty() {
                continue;
            }
            let pods: Vec<_> = c
                .store
                .pods_in(Some("default"))
                .filter(|p| {
                    svc.spec
                        .selector
                        .iter()
                        .all(|(k, v)| p.metadata.labels.get(k) == Some(v))
                })
                .collect();
            assert!(
                !pods.is_empty(),
                "{}: {} selects no pod",
                e.id,
                svc.metadata.name
            );
            for port in &svc.spec.ports {
                for p in &pods {
                    let declared = p.spec.containers.iter().flat_map(|c| &c.ports).any(|cp| {
                        match &port.target_port {
                            Some(IntOrString::Int(n)) => *n == cp.container_port,
                            Some(IntOrString::String(name)) => *name == cp.name,
                            None => port.port == cp.container_port,
                        }
                    });
                    assert!(
                        declared,
                        "{}: pod {} does not declare {:?} of {}",
                        e.id, p.metadata.name, port.target_port, svc.metadata.name
                    );
                }
            }
        }
    }
}

/// The suggested request starts somewhere that exists and ends as the explanation says:
/// delivered to a pod or a remote host, except the Local-policy request to a node without a
/// local endpoint, which kube-proxy drops.
#[test]
fn suggested_traces_work() {
    for e in ALL {
        let Some((from, dest)) = e.suggested_trace else {
            continue;
        };
        let c = cluster(e.id);
        let origin = examples::origin(&c, from, "default")
            .unwrap_or_else(|err| panic!("{}: from {from:?}: {err}", e.id));
        let dest = parse_destination(dest).unwrap_or_else(|err| panic!("{}: {err}", e.id));
        let journey = trace(
            &c,
            &origin,
            &dest,
            TraceOptions::default(),
            &mut Rng::new(0),
        )
        .unwrap_or_else(|err| panic!("{}: {err}", e.id));
        match (e.id, &journey.outcome) {
            ("traffic-policy", Outcome::TimedOut { .. }) => {}
            ("traffic-policy", other) => panic!("traffic-policy: expected a drop, got {other:?}"),
            (_, Outcome::Connected { .. }) => {}
            (id, other) => panic!("{id}: {other:?}"),
        }
    }
}

#[test]
fn deploy_origin_picks_a_ready_pod_and_reports_missing_deployments() {
    let c = cluster("frontend-backend");
    let Ok(svcsim_engine::trace::Origin::Pod { name, namespace }) =
        examples::origin(&c, "deploy/frontend", "default")
    else {
        panic!("deploy/frontend should resolve to a pod");
    };
    assert_eq!(namespace, "default");
    assert!(name.starts_with("frontend-"), "{name}");
    assert!(c.store.pod("default", &name).is_some_and(|p| p.is_ready()));
    assert!(examples::origin(&c, "deploy/nope", "default").is_err());
    assert!(examples::origin(&c, "deploy/frontend", "prod").is_err());
    assert!(examples::origin(&c, "external", "default").is_ok());
}

#[test]
fn clusterip_has_three_ready_endpoints_on_9376() {
    let c = cluster("clusterip");
    let svc = c
        .store
        .service("default", "my-service")
        .expect("my-service");
    assert_eq!(svc.type_or_default(), "ClusterIP");
    assert!(!svc.spec.cluster_ip.is_empty() && svc.spec.cluster_ip != "None");
    let s = slices(&c, "default", "my-service");
    assert_eq!(s.len(), 1);
    assert_eq!(ready_addresses(&s).len(), 3);
    assert_eq!(s[0].ports.first().and_then(|p| p.port), Some(9376));
    assert!(c.store.pod("default", "client").is_some());
}

#[test]
fn without_selector_uses_the_lectures_slice() {
    let c = cluster("without-selector");
    let svc = c
        .store
        .service("default", "my-service")
        .expect("my-service");
    assert!(svc.spec.selector.is_empty());
    let s = slices(&c, "default", "my-service");
    assert_eq!(s.len(), 1, "only the hand-written slice");
    assert_eq!(s[0].metadata.name, "my-service-1");
    let want: BTreeSet<String> = ["10.4.5.6", "10.1.2.3"].map(String::from).into();
    assert_eq!(ready_addresses(&s), want);
    assert_eq!(s[0].ports.first().and_then(|p| p.port), Some(9376));
}

#[test]
fn nodeport_is_30008_and_selects_the_pods() {
    let c = cluster("nodeport");
    let svc = c
        .store
        .service("default", "myapp-service")
        .expect("myapp-service");
    assert_eq!(svc.type_or_default(), "NodePort");
    assert_eq!(svc.spec.ports[0].port, 80);
    assert_eq!(svc.spec.ports[0].node_port, 30008);
    assert!(
        !svc.spec.cluster_ip.is_empty(),
        "a NodePort Service has a ClusterIP too"
    );
    assert_eq!(
        ready_addresses(&slices(&c, "default", "myapp-service")).len(),
        2
    );
}

#[test]
fn loadbalancer_is_pending_then_gets_the_first_pool_address() {
    let e = examples::by_id("loadbalancer").expect("example");
    let mut c = Cluster::new(Default::default(), 0);
    let results = c.apply(&Source::new("loadbalancer.yaml", e.yaml));
    assert!(results.iter().all(|r| r.is_ok()));
    let ingress = |c: &Cluster| {
        c.store
            .service("default", "my-service")
            .map(|s| s.status.load_balancer.ingress.clone())
            .unwrap_or_default()
    };
    assert!(
        ingress(&c).is_empty(),
        "EXTERNAL-IP <pending> right after creation"
    );
    c.settle();
    let ips: Vec<String> = ingress(&c).into_iter().map(|i| i.ip).collect();
    assert_eq!(ips, ["172.18.255.200"]);
    // And the same through from_sources.
    let c = cluster("loadbalancer");
    let ips: Vec<String> = ingress(&c).into_iter().map(|i| i.ip).collect();
    assert_eq!(ips, ["172.18.255.200"]);
}

#[test]
fn externalname_is_a_cname_in_prod() {
    let c = cluster("externalname");
    assert!(c.store.namespaces.contains_key("prod"));
    let svc = c
        .store
        .service("prod", "my-service")
        .expect("prod/my-service");
    assert_eq!(svc.spec.type_, "ExternalName");
    assert_eq!(svc.spec.external_name, "my.database.example.com");
    assert!(svc.spec.cluster_ip.is_empty(), "no ClusterIP, no proxying");
    assert!(slices(&c, "prod", "my-service").is_empty());
    let query = Query::parse("my-service.prod.svc.cluster.local", RecordType::A).expect("name");
    let resp = answer(&c, &Upstream::default(), &query);
    assert!(
        resp.answer
            .iter()
            .any(|r| r.record_type() == RecordType::Cname),
        "{}",
        resp.summary()
    );
}

#[test]
fn headless_dns_returns_the_pod_ips() {
    let c = cluster("headless");
    let svc = c
        .store
        .service("default", "my-service")
        .expect("my-service");
    assert_eq!(svc.spec.cluster_ip, "None");
    let pods = ready_addresses(&slices(&c, "default", "my-service"));
    assert_eq!(pods.len(), 3);
    assert_eq!(dns_a(&c, "my-service.default.svc.cluster.local"), pods);
}

#[test]
fn headless_without_selector_dns_returns_the_slice_addresses() {
    let c = cluster("headless-without-selector");
    let svc = c.store.service("default", "my-db").expect("my-db");
    assert_eq!(svc.spec.cluster_ip, "None");
    assert!(svc.spec.selector.is_empty());
    let s = slices(&c, "default", "my-db");
    assert_eq!(s.len(), 1, "only the hand-written slice");
    let want: BTreeSet<String> = ["172.18.0.20", "172.18.0.21"].map(String::from).into();
    assert_eq!(dns_a(&c, "my-db.default.svc.cluster.local"), want);
}

#[test]
fn frontend_reaches_backend_by_name() {
    let c = cluster("frontend-backend");
    let s = slices(&c, "default", "backend");
    assert_eq!(ready_addresses(&s).len(), 3);
    assert_eq!(
        s[0].ports.first().and_then(|p| p.port),
        Some(8080),
        "the named targetPort `http` resolves to 8080"
    );
    let frontends = c
        .store
        .pods_in(Some("default"))
        .filter(|p| p.metadata.labels.get("app").map(String::as_str) == Some("frontend"))
        .count();
    assert_eq!(frontends, 2);
}

#[test]
fn endpointslice_split_is_100_100_50() {
    let c = cluster("endpointslice-split");
    let mut sizes: Vec<usize> = slices(&c, "default", "web")
        .iter()
        .map(|s| s.endpoints.len())
        .collect();
    sizes.sort_unstable();
    assert_eq!(sizes, [50, 100, 100]);
    assert_eq!(ready_addresses(&slices(&c, "default", "web")).len(), 250);
    // kubelet maxPods is 110 per node (minus kindnet and kube-proxy): the workers must hold
    // 250 pods with that limit, as in a real kind cluster.
    let mut per_node: BTreeMap<&str, usize> = BTreeMap::new();
    for p in c.store.pods.values() {
        *per_node.entry(p.spec.node_name.as_str()).or_default() += 1;
    }
    assert!(per_node.values().all(|&n| n <= 110), "{per_node:?}");
    assert_eq!(
        c.store.nodes.len(),
        4,
        "the kind config adds a third worker"
    );
}

#[test]
fn traffic_policy_leaves_kind_worker2_without_a_local_endpoint() {
    let c = cluster("traffic-policy");
    let cluster_svc = c
        .store
        .service("default", "web-cluster")
        .expect("web-cluster");
    let local_svc = c.store.service("default", "web-local").expect("web-local");
    assert_eq!(cluster_svc.spec.external_traffic_policy, "Cluster");
    assert_eq!(local_svc.spec.external_traffic_policy, "Local");
    assert!(local_svc.spec.health_check_node_port > 0);
    let lb_ips: BTreeSet<String> = [cluster_svc, local_svc]
        .iter()
        .flat_map(|s| s.status.load_balancer.ingress.iter().map(|i| i.ip.clone()))
        .collect();
    assert_eq!(lb_ips.len(), 2, "both get a MetalLB address");
    let nodes_with_endpoints: BTreeSet<String> = slices(&c, "default", "web-local")
        .iter()
        .flat_map(|s| &s.endpoints)
        .filter_map(|e| e.node_name.clone())
        .collect();
    assert_eq!(
        nodes_with_endpoints,
        BTreeSet::from(["kind-worker".to_string()])
    );
    assert!(c.store.nodes.contains_key("kind-worker2"));
}

/// The assets hold exactly what the menu shows, one file per id.
#[test]
fn every_asset_file_is_an_example() {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../assets/examples");
    for e in ALL {
        let text = std::fs::read_to_string(dir.join(format!("{}.yaml", e.id)))
            .unwrap_or_else(|err| panic!("{}: {err}", e.id));
        assert_eq!(text, e.yaml, "{}", e.id);
    }
    let _: &Example = examples::default_example();
}

/// What the headless-without-selector explanation suggests: an endpoint marked not ready
/// leaves the DNS answer.
#[test]
fn a_not_ready_manual_endpoint_leaves_the_dns_answer() {
    let mut c = cluster("headless-without-selector");
    let edited = examples::by_id("headless-without-selector")
        .expect("example")
        .yaml
        .replace(
            "      - \"172.18.0.21\"\n",
            "      - \"172.18.0.21\"\n    conditions:\n      ready: false\n",
        );
    assert_ne!(
        edited,
        examples::by_id("headless-without-selector")
            .expect("example")
            .yaml
    );
    let results = c.apply(&Source::new("edited.yaml", edited));
    assert!(results.iter().all(|r| r.is_ok()), "{results:?}");
    c.settle();
    let want: BTreeSet<String> = ["172.18.0.20".to_string()].into();
    assert_eq!(dns_a(&c, "my-db.default.svc.cluster.local"), want);
}

/// What the endpointslice-split explanation suggests: scaling to 260 fills the half-empty
/// slice rather than adding a fourth.
#[test]
fn scaling_the_split_to_260_fills_the_last_slice() {
    let mut c = cluster("endpointslice-split");
    let edited = examples::by_id("endpointslice-split")
        .expect("example")
        .yaml
        .replace("replicas: 250", "replicas: 260");
    let results = c.apply(&Source::new("edited.yaml", edited));
    assert!(results.iter().all(|r| r.is_ok()), "{results:?}");
    c.settle();
    let mut sizes: Vec<usize> = slices(&c, "default", "web")
        .iter()
        .map(|s| s.endpoints.len())
        .collect();
    sizes.sort_unstable();
    assert_eq!(sizes, [60, 100, 100]);
}

/// The dual-stack cluster: PreferDualStack gives a ClusterIP of each family and a slice per
/// family; DNS answers A and AAAA for it, A only for the single-stack Service.
#[test]
fn dual_stack_answers_a_and_aaaa() {
    let c = cluster("dual-stack");
    let web = c.store.service("default", "web").expect("web");
    assert_eq!(web.spec.ip_families, ["IPv4", "IPv6"]);
    assert_eq!(web.spec.cluster_ips.len(), 2);
    let types: BTreeSet<String> = slices(&c, "default", "web")
        .iter()
        .map(|s| s.address_type.clone())
        .collect();
    assert_eq!(
        types,
        BTreeSet::from(["IPv4".to_string(), "IPv6".to_string()])
    );
    let aaaa = |name: &str| -> BTreeSet<String> {
        let query = Query::parse(name, RecordType::Aaaa).expect("valid name");
        answer(&c, &Upstream::default(), &query)
            .addresses()
            .into_iter()
            .collect()
    };
    assert_eq!(
        dns_a(&c, "web.default.svc.cluster.local"),
        BTreeSet::from([web.spec.cluster_ips[0].clone()])
    );
    assert_eq!(
        aaaa("web.default.svc.cluster.local"),
        BTreeSet::from([web.spec.cluster_ips[1].clone()])
    );
    assert!(aaaa("web-v4.default.svc.cluster.local").is_empty());
    let pod = c
        .store
        .pods
        .values()
        .find(|p| p.metadata.name == "client")
        .expect("client");
    assert_eq!(pod.status.pod_ips.len(), 2, "{:?}", pod.status.pod_ips);
}
