//! One journey per row of the lecture's Service table, plus the invariants every journey
//! keeps (replies reverse the NAT, load balancing follows the rule probabilities) as property
//! tests. Clusters are built from manifests exactly as `svcsim` builds them.

use proptest::prelude::*;
use std::collections::BTreeSet;
use std::net::Ipv4Addr;
use std::sync::OnceLock;
use svcsim_engine::cluster::Cluster;
use svcsim_engine::dns::{Outcome as DnsOutcome, RData};
use svcsim_engine::manifest::Source;
use svcsim_engine::net::Segment;
use svcsim_engine::proxy::ProxyMode;
use svcsim_engine::sim::Rng;
use svcsim_engine::trace::*;

/// The lecture's MyApp backends (3 replicas listening on 9376) and a client pod.
const BACKENDS: &str = include_str!("fixtures/myapp.yaml");

const CLUSTER_IP: &str = include_str!("../../cli/tests/fixtures/clusterip-selector.yaml");
const WITHOUT_SELECTOR: &str = include_str!("../../cli/tests/fixtures/without-selector.yaml");
const HEADLESS: &str = include_str!("../../cli/tests/fixtures/headless.yaml");
const EXTERNAL_NAME: &str = include_str!("../../cli/tests/fixtures/externalname.yaml");

fn lb(policy: &str) -> String {
    format!(
        "
apiVersion: v1
kind: Service
metadata:
  name: my-service
spec:
  type: LoadBalancer
  externalTrafficPolicy: {policy}
  selector:
    app.kubernetes.io/name: MyApp
  ports:
    - protocol: TCP
      port: 80
      targetPort: 9376
      nodePort: 30008
"
    )
}

const NODE_PORT: &str = "
apiVersion: v1
kind: Service
metadata:
  name: myapp-service
spec:
  type: NodePort
  selector:
    app.kubernetes.io/name: MyApp
  ports:
    - targetPort: 9376
      port: 80
      nodePort: 30008
";

const NO_ENDPOINTS: &str = "
apiVersion: v1
kind: Service
metadata:
  name: nobody
spec:
  selector:
    app: nothing-matches
  ports:
    - port: 80
      targetPort: 9376
";

const AFFINITY: &str = "
apiVersion: v1
kind: Service
metadata:
  name: sticky
spec:
  sessionAffinity: ClientIP
  selector:
    app.kubernetes.io/name: MyApp
  ports:
    - port: 80
      targetPort: 9376
";

fn cluster(docs: &[&str], seed: u64) -> Cluster {
    let sources: Vec<Source> = docs
        .iter()
        .enumerate()
        .map(|(i, d)| Source::new(format!("doc{i}.yaml"), *d))
        .collect();
    let (c, results) = Cluster::from_sources(&sources, seed);
    for r in &results {
        assert!(r.is_ok(), "{r}");
    }
    c
}

fn client() -> Origin {
    Origin::parse("pod/client", "default").unwrap()
}

fn external() -> Origin {
    Origin::parse("external", "default").unwrap()
}

fn dest(s: &str) -> Destination {
    parse_destination(s).unwrap()
}

fn svc_ip(c: &Cluster, ns: &str, name: &str) -> Ipv4Addr {
    c.store
        .service(ns, name)
        .unwrap()
        .spec
        .cluster_ip
        .parse()
        .unwrap()
}

fn node_ip(c: &Cluster, node: &str) -> Ipv4Addr {
    c.store.nodes[node].internal_ip().unwrap().parse().unwrap()
}

/// `IP:port` of every ready endpoint of a Service.
fn endpoints(c: &Cluster, ns: &str, svc: &str) -> BTreeSet<String> {
    c.store
        .slices_for_service(ns, svc)
        .flat_map(|s| {
            let port = s.ports.first().and_then(|p| p.port).unwrap_or(0);
            s.endpoints
                .iter()
                .filter(|e| e.conditions.ready.unwrap_or(true))
                .flat_map(move |e| e.addresses.iter().map(move |a| format!("{a}:{port}")))
                .collect::<Vec<_>>()
        })
        .collect()
}

fn connected(j: &Journey) -> (&Target, &str, &str, &str) {
    match &j.outcome {
        Outcome::Connected {
            target,
            endpoint,
            server_sees,
            client_sees,
        } => (target, endpoint, server_sees, client_sees),
        other => panic!("not connected: {other:?}\n{j}"),
    }
}

fn actions(hops: &[Hop]) -> Vec<Action> {
    hops.iter().map(|h| h.action).collect()
}

#[test]
fn cluster_ip_with_selector() {
    let c = cluster(&[CLUSTER_IP, BACKENDS], 0);
    let vip = svc_ip(&c, "default", "my-service");
    let j = trace(
        &c,
        &client(),
        &dest("my-service"),
        TraceOptions::default(),
        &mut Rng::new(1),
    )
    .unwrap();
    // DNS first: the first search candidate answers, carried as UDP to 10.96.0.10:53 and
    // DNATed by kube-proxy to a CoreDNS pod.
    let res = j.resolution.as_ref().unwrap();
    assert_eq!(res.outcome, DnsOutcome::Answered { step: 0 });
    assert_eq!(
        res.steps[0].candidate,
        "my-service.default.svc.cluster.local"
    );
    assert_eq!(j.dns_queries.len(), 1);
    let q = &j.dns_queries[0];
    assert_eq!(q.hops[0].before.dst, Ipv4Addr::new(10, 96, 0, 10));
    assert_eq!(q.hops[0].before.dst_port, 53);
    assert!(actions(&q.hops).contains(&Action::Dnat));
    match connected(q).0 {
        Target::Pod { name, .. } => assert!(name.starts_with("coredns-")),
        t => panic!("{t:?}"),
    }
    assert_eq!(connected(q).3, "10.96.0.10:53");
    // The connection: DNAT to one of the 3 endpoints on :9376, no SNAT, reply un-DNATed.
    let (target, endpoint, server_sees, client_sees) = connected(&j);
    assert!(matches!(target, Target::Pod { .. }));
    assert!(endpoints(&c, "default", "my-service").contains(endpoint));
    assert!(endpoint.ends_with(":9376"));
    let dnat = j.hops.iter().find(|h| h.action == Action::Dnat).unwrap();
    assert_eq!(dnat.before.dst, vip);
    assert!(dnat.note.starts_with("DNAT → "));
    assert!(dnat.note.contains("KUBE-SEP-"));
    assert!(dnat.note.contains(" of 3, p="), "{}", dnat.note);
    assert!(dnat
        .rules
        .iter()
        .any(|r| r.text.contains("-j DNAT --to-destination")));
    assert!(!actions(&j.hops).contains(&Action::Masquerade));
    let pod_ip = j.hops[0].before.src;
    assert_eq!(
        server_sees.split(':').next(),
        Some(pod_ip.to_string().as_str())
    );
    assert_eq!(client_sees, format!("{vip}:80"));
    assert!(actions(&j.reply).contains(&Action::UnNat));
    assert_eq!(j.reply.last().unwrap().after.segment, Segment::SynAck);
    // The printer shows the whole story.
    let text = j.to_string();
    assert!(text.contains("DNS: resolving \"my-service\""));
    assert!(text.contains("reply:"));
    assert!(text.contains(&format!("the client sees the answer from {vip}:80")));
}

#[test]
fn service_without_selector_goes_outside_the_cluster() {
    let c = cluster(&[WITHOUT_SELECTOR, BACKENDS], 0);
    let vip = svc_ip(&c, "default", "my-service");
    let mut session = TraceSession::new(&c);
    let mut seen = BTreeSet::new();
    let mut rng = Rng::new(3);
    for _ in 0..20 {
        let j = session
            .trace(&client(), &dest(&format!("{vip}:80")), &mut rng)
            .unwrap();
        let (target, endpoint, server_sees, client_sees) = connected(&j);
        assert!(matches!(target, Target::Remote { .. }));
        assert!(endpoint == "10.4.5.6:9376" || endpoint == "10.1.2.3:9376");
        seen.insert(endpoint.to_string());
        // Leaving the pod network, kindnet masquerades to the node's address.
        assert!(actions(&j.hops).contains(&Action::Masquerade));
        let node = match &j.hops[0].place {
            Place::Pod { node, .. } => node.clone(),
            p => panic!("{p:?}"),
        };
        assert!(server_sees.starts_with(&format!("{}:", node_ip(&c, &node))));
        assert_eq!(client_sees, format!("{vip}:80"));
        assert!(j.to_string().contains("outside the cluster"));
    }
    assert_eq!(seen.len(), 2);
}

#[test]
fn node_port_from_outside_to_a_node_without_local_endpoint() {
    let c = cluster(&[NODE_PORT, BACKENDS], 0);
    let cp = node_ip(&c, "kind-control-plane");
    let j = trace(
        &c,
        &external(),
        &dest(&format!("{cp}:30008")),
        TraceOptions::default(),
        &mut Rng::new(0),
    )
    .unwrap();
    let (target, endpoint, server_sees, client_sees) = connected(&j);
    // Forwarded to a pod on another node, masqueraded: the pod sees the entry node's IP.
    match target {
        Target::Pod { node, .. } => assert_ne!(node, "kind-control-plane"),
        t => panic!("{t:?}"),
    }
    assert!(endpoints(&c, "default", "myapp-service").contains(endpoint));
    assert!(server_sees.starts_with(&format!("{cp}:")));
    assert_eq!(client_sees, format!("{cp}:30008"));
    let acts = actions(&j.hops);
    assert!(acts.contains(&Action::Dnat) && acts.contains(&Action::Masquerade));
    let masq = j
        .hops
        .iter()
        .find(|h| h.action == Action::Masquerade)
        .unwrap();
    assert!(masq.rules.iter().any(|r| r.text.contains("MASQUERADE")));
    // The reply goes back through the entry node, whose conntrack undoes both NATs.
    let unnat = j.reply.iter().find(|h| h.action == Action::UnNat).unwrap();
    assert_eq!(
        unnat.place,
        Place::Node {
            node: "kind-control-plane".into()
        }
    );
    assert!(unnat.note.contains("un-DNAT and un-SNAT"));
}

#[test]
fn load_balancer_cluster_policy_masquerades() {
    let c = cluster(&[&lb("Cluster"), BACKENDS], 0);
    let svc = c.store.service("default", "my-service").unwrap();
    let lb_ip: Ipv4Addr = svc.status.load_balancer.ingress[0].ip.parse().unwrap();
    let j = trace(
        &c,
        &external(),
        &dest(&format!("{lb_ip}:80")),
        TraceOptions::default(),
        &mut Rng::new(0),
    )
    .unwrap();
    let arp = j.hops.iter().find(|h| h.action == Action::Arp).unwrap();
    let Place::LoadBalancer { node: speaker, .. } = &arp.place else {
        panic!("{arp:?}")
    };
    // MetalLB never elects kind's control plane (exclude-from-external-load-balancers).
    assert_ne!(speaker, "kind-control-plane");
    let (_, _, server_sees, client_sees) = connected(&j);
    assert!(server_sees.starts_with(&format!("{}:", node_ip(&c, speaker))));
    assert_eq!(client_sees, format!("{lb_ip}:80"));
}

#[test]
fn load_balancer_local_policy_preserves_the_client_ip_and_drops_elsewhere() {
    let c = cluster(&[&lb("Local"), BACKENDS], 0);
    let svc = c.store.service("default", "my-service").unwrap();
    let lb_ip: Ipv4Addr = svc.status.load_balancer.ingress[0].ip.parse().unwrap();
    let mut session = TraceSession::new(&c);
    let mut rng = Rng::new(5);
    let j = session
        .trace(&external(), &dest(&format!("{lb_ip}:80")), &mut rng)
        .unwrap();
    let (target, _, server_sees, client_sees) = connected(&j);
    let Place::LoadBalancer { node: speaker, .. } = &j
        .hops
        .iter()
        .find(|h| h.action == Action::Arp)
        .unwrap()
        .place
    else {
        panic!()
    };
    // Local: the speaker hosts an endpoint, traffic stays on it, no SNAT.
    match target {
        Target::Pod { node, .. } => assert_eq!(node, speaker),
        t => panic!("{t:?}"),
    }
    assert!(server_sees.starts_with("172.18.0.100:"));
    assert_eq!(client_sees, format!("{lb_ip}:80"));
    assert!(!actions(&j.hops).contains(&Action::Masquerade));
    // Every connection lands on the speaker's local endpoints.
    let d = session
        .trace_many(&external(), &dest(&format!("{lb_ip}:80")), 50, &mut rng)
        .unwrap();
    assert!(d
        .endpoints
        .iter()
        .all(|e| matches!(&e.target, Target::Pod { node, .. } if node == speaker)));
    // The NodePort on a node without a local endpoint: DROP, the client times out.
    let cp = node_ip(&c, "kind-control-plane");
    let j = session
        .trace(&external(), &dest(&format!("{cp}:30008")), &mut rng)
        .unwrap();
    assert!(matches!(j.outcome, Outcome::TimedOut { .. }), "{j}");
    let drop = j.hops.last().unwrap();
    assert_eq!(drop.action, Action::Drop);
    assert!(drop
        .rules
        .iter()
        .any(|r| r.text.contains("has no local endpoints")));
    assert!(j.reply.is_empty());
}

#[test]
fn headless_dns_returns_pods_and_the_connection_skips_kube_proxy_dnat() {
    let c = cluster(&[HEADLESS, BACKENDS], 0);
    let j = trace(
        &c,
        &client(),
        &dest("my-service:9376"),
        TraceOptions::default(),
        &mut Rng::new(0),
    )
    .unwrap();
    let answer = j.resolution.as_ref().unwrap().answer().unwrap();
    let addrs: BTreeSet<String> = answer.addresses().into_iter().collect();
    assert_eq!(addrs.len(), 3);
    let (target, endpoint, _, client_sees) = connected(&j);
    assert!(matches!(target, Target::Pod { .. }));
    let ip = endpoint.split(':').next().unwrap();
    assert!(addrs.contains(ip));
    assert!(!actions(&j.hops).contains(&Action::Dnat));
    assert_eq!(client_sees, endpoint);
}

#[test]
fn external_name_is_a_cname_and_no_proxying() {
    let c = cluster(&[EXTERNAL_NAME, BACKENDS], 0);
    let j = trace(
        &c,
        &client(),
        &dest("my-service.prod"),
        TraceOptions::default(),
        &mut Rng::new(0),
    )
    .unwrap();
    let answer = j.resolution.as_ref().unwrap().answer().unwrap();
    assert!(answer
        .answer
        .iter()
        .any(|r| matches!(&r.data, RData::Cname(n) if n.as_str() == "my.database.example.com.")));
    let (target, endpoint, _, client_sees) = connected(&j);
    assert_eq!(
        target,
        &Target::Remote {
            ip: Ipv4Addr::new(192, 0, 2, 50)
        }
    );
    assert_eq!(endpoint, "192.0.2.50:80");
    assert_eq!(client_sees, "192.0.2.50:80");
    assert!(!actions(&j.hops).contains(&Action::Dnat));
    // `my-service.prod` walks the search list: default.svc first (NXDOMAIN), then svc.
    let cands: Vec<&str> = j
        .resolution
        .as_ref()
        .unwrap()
        .steps
        .iter()
        .map(|s| s.candidate.as_str())
        .collect();
    assert_eq!(
        cands,
        [
            "my-service.prod.default.svc.cluster.local",
            "my-service.prod.svc.cluster.local"
        ]
    );
    assert_eq!(j.dns_queries.len(), 2);
}

#[test]
fn no_endpoints_is_rejected() {
    let c = cluster(&[NO_ENDPOINTS, BACKENDS], 0);
    let vip = svc_ip(&c, "default", "nobody");
    let j = trace(
        &c,
        &client(),
        &dest(&format!("{vip}:80")),
        TraceOptions::default(),
        &mut Rng::new(0),
    )
    .unwrap();
    assert!(
        matches!(&j.outcome, Outcome::Refused { by } if by.contains("REJECT")),
        "{j}"
    );
    let reject = j.hops.last().unwrap();
    assert_eq!(reject.action, Action::Reject);
    assert!(reject
        .rules
        .iter()
        .any(|r| r.text.contains("has no endpoints") && r.text.contains("-j REJECT")));
    let last = j.reply.last().unwrap();
    assert_eq!(last.action, Action::Deliver);
    assert!(
        matches!(last.after.segment, Segment::PortUnreachable { quoted_dst, quoted_port: 80, .. } if quoted_dst == vip)
    );
    assert!(j.to_string().contains("connection refused"));
}

#[test]
fn closed_port_on_a_pod_is_refused_with_rst() {
    let c = cluster(&[CLUSTER_IP, BACKENDS], 0);
    let ep = endpoints(&c, "default", "my-service")
        .into_iter()
        .next()
        .unwrap();
    let ip = ep.split(':').next().unwrap();
    let j = trace(
        &c,
        &client(),
        &dest(&format!("{ip}:8080")),
        TraceOptions::default(),
        &mut Rng::new(0),
    )
    .unwrap();
    assert!(matches!(j.outcome, Outcome::Refused { .. }));
    assert_eq!(j.reply.last().unwrap().after.segment, Segment::RstAck);
    // Pod to pod across nodes: no NAT at all.
    let j = trace(
        &c,
        &client(),
        &dest(&ep),
        TraceOptions::default(),
        &mut Rng::new(0),
    )
    .unwrap();
    let (_, _, server_sees, client_sees) = connected(&j);
    assert_eq!(client_sees, ep);
    assert!(server_sees.starts_with(&j.hops[0].before.src.to_string()));
    assert!(!actions(&j.hops).contains(&Action::Masquerade));
}

#[test]
fn client_ip_affinity_sticks_across_connections() {
    let c = cluster(&[AFFINITY, BACKENDS], 0);
    for mode in [ProxyMode::Iptables, ProxyMode::Nftables, ProxyMode::Ipvs] {
        let options = TraceOptions {
            mode: Some(mode),
            ..TraceOptions::default()
        };
        let d = trace_many(
            &c,
            &client(),
            &dest("sticky"),
            30,
            options,
            &mut Rng::new(9),
        )
        .unwrap();
        assert_eq!(d.endpoints.len(), 1, "{mode:?}: {d}");
        assert_eq!(d.endpoints[0].connections, 30);
    }
}

#[test]
fn ipvs_round_robin() {
    let c = cluster(&[CLUSTER_IP, BACKENDS], 0);
    let vip = svc_ip(&c, "default", "my-service");
    let options = TraceOptions {
        mode: Some(ProxyMode::Ipvs),
        ..TraceOptions::default()
    };
    let d = trace_many(
        &c,
        &client(),
        &dest(&format!("{vip}:80")),
        9,
        options,
        &mut Rng::new(0),
    )
    .unwrap();
    assert_eq!(d.endpoints.len(), 3);
    assert!(d.endpoints.iter().all(|e| e.connections == 3), "{d}");
}

#[test]
fn distribution_follows_the_probabilities() {
    let c = cluster(&[CLUSTER_IP, BACKENDS], 0);
    let vip = svc_ip(&c, "default", "my-service");
    for mode in [ProxyMode::Iptables, ProxyMode::Nftables] {
        let options = TraceOptions {
            mode: Some(mode),
            ..TraceOptions::default()
        };
        let d = trace_many(
            &c,
            &client(),
            &dest(&format!("{vip}:80")),
            3000,
            options,
            &mut Rng::new(4),
        )
        .unwrap();
        assert_eq!(d.endpoints.len(), 3);
        for e in &d.endpoints {
            // 1/3 each: 1000 ± 5 sigma (sigma ≈ 25.8).
            assert!((870..=1130).contains(&e.connections), "{mode:?}: {d}");
        }
        assert!(d.to_string().contains("3000 connections:"));
    }
}

#[test]
fn journeys_are_deterministic_per_seed() {
    let c = cluster(&[CLUSTER_IP, BACKENDS], 0);
    let a = trace(
        &c,
        &client(),
        &dest("my-service"),
        TraceOptions::default(),
        &mut Rng::new(7),
    )
    .unwrap();
    let b = trace(
        &c,
        &client(),
        &dest("my-service"),
        TraceOptions::default(),
        &mut Rng::new(7),
    )
    .unwrap();
    assert_eq!(a, b);
    assert_eq!(a.to_string(), b.to_string());
}

#[test]
fn origin_errors() {
    let c = cluster(&[CLUSTER_IP], 0);
    let e = trace(
        &c,
        &Origin::parse("pod/ghost", "default").unwrap(),
        &dest("1.2.3.4"),
        TraceOptions::default(),
        &mut Rng::new(0),
    )
    .unwrap_err();
    assert_eq!(
        e.to_string(),
        "Error from server (NotFound): pods \"ghost\" not found"
    );
    let e = trace(
        &c,
        &Origin::parse("node/ghost", "default").unwrap(),
        &dest("1.2.3.4"),
        TraceOptions::default(),
        &mut Rng::new(0),
    )
    .unwrap_err();
    assert_eq!(
        e.to_string(),
        "Error from server (NotFound): nodes \"ghost\" not found"
    );
    // From outside, pod and Service IPs are unreachable.
    let j = trace(
        &c,
        &external(),
        &dest("10.96.0.10:53"),
        TraceOptions::default(),
        &mut Rng::new(0),
    )
    .unwrap();
    assert!(matches!(j.outcome, Outcome::Unreachable { .. }));
}

fn shared() -> &'static Cluster {
    static C: OnceLock<Cluster> = OnceLock::new();
    C.get_or_init(|| {
        cluster(
            &[
                CLUSTER_IP,
                &lb("Cluster").replace("name: my-service", "name: lb"),
                BACKENDS,
            ],
            0,
        )
    })
}

/// The same on a dual-stack cluster (kind `ipFamily: dual`), my-service PreferDualStack: its
/// pods and Services have IPv6 addresses and slices too, which kube-proxy's IPv4 rules ignore.
fn shared_dual() -> &'static Cluster {
    static C: OnceLock<Cluster> = OnceLock::new();
    C.get_or_init(|| {
        let dual_svc = CLUSTER_IP.replacen(
            "spec:\n",
            "spec:\n  ipFamilyPolicy: PreferDualStack\n",
            1,
        );
        assert_ne!(dual_svc, CLUSTER_IP);
        let c = cluster(
            &[
                "kind: Cluster\napiVersion: kind.x-k8s.io/v1alpha4\nnetworking:\n  ipFamily: dual\nnodes:\n- role: control-plane\n- role: worker\n- role: worker\n",
                &dual_svc,
                &lb("Cluster").replace("name: my-service", "name: lb"),
                BACKENDS,
            ],
            0,
        );
        let svc = c.store.service("default", "my-service").unwrap();
        assert_eq!(svc.spec.cluster_ips.len(), 2, "dual-stack: {:?}", svc.spec);
        c
    })
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    /// On a dual-stack cluster, journeys (over IPv4) still end at one of the Service's IPv4
    /// endpoints, never at an IPv6 one, and the reply reverses the NAT.
    #[test]
    fn dual_stack_journeys_end_at_an_ipv4_endpoint(
        seed in any::<u64>(),
        mode in prop::sample::select(vec![ProxyMode::Iptables, ProxyMode::Nftables, ProxyMode::Ipvs]),
        by_name in any::<bool>(),
    ) {
        let c = shared_dual();
        let target = if by_name {
            "my-service:80".to_string()
        } else {
            format!("{}:80", svc_ip(c, "default", "my-service"))
        };
        let options = TraceOptions { mode: Some(mode), ..TraceOptions::default() };
        let j = trace(c, &client(), &dest(&target), options, &mut Rng::new(seed)).unwrap();
        let (_, endpoint, _, _) = connected(&j);
        let eps = endpoints(c, "default", "my-service");
        prop_assert!(eps.contains(endpoint), "{endpoint} not in {eps:?}");
        prop_assert!(!endpoint.contains(':') || endpoint.matches(':').count() == 1, "{endpoint}");
        prop_assert_eq!(j.reply.last().map(|h| h.after.dst), Some(j.hops[0].before.src));
    }

    /// A journey to a Service with ready endpoints always ends at one of them, and the reply
    /// reverses the NAT: the client sees the address it connected to.
    #[test]
    fn journeys_end_at_an_endpoint_and_replies_reverse_nat(
        seed in any::<u64>(),
        mode in prop::sample::select(vec![ProxyMode::Iptables, ProxyMode::Nftables, ProxyMode::Ipvs]),
        from_node in prop::sample::select(vec!["pod", "kind-control-plane", "kind-worker", "kind-worker2", "external"]),
        via in prop::sample::select(vec!["cluster-ip", "node-port", "lb"]),
    ) {
        let c = shared();
        let origin = match from_node {
            "pod" => client(),
            "external" => external(),
            n => Origin::Node { name: n.to_string() },
        };
        let lb_svc = c.store.service("default", "lb").unwrap();
        let target = match (via, &origin) {
            ("cluster-ip", Origin::External { .. }) | ("lb", _) => {
                format!("{}:80", lb_svc.status.load_balancer.ingress[0].ip)
            }
            ("cluster-ip", _) => format!("{}:80", svc_ip(c, "default", "my-service")),
            _ => format!("{}:{}", node_ip(c, "kind-worker"), lb_svc.spec.ports[0].node_port),
        };
        let options = TraceOptions { mode: Some(mode), ..TraceOptions::default() };
        let j = trace(c, &origin, &dest(&target), options, &mut Rng::new(seed)).unwrap();
        let (_, endpoint, _, client_sees) = connected(&j);
        let eps = endpoints(c, "default", "my-service");
        prop_assert!(eps.contains(endpoint), "{endpoint} not in {eps:?}");
        prop_assert_eq!(client_sees, target.as_str());
        prop_assert_eq!(j.reply.last().map(|h| h.after.dst), Some(j.hops[0].before.src));
    }

    /// parse_destination is total and round-trips what it accepts.
    #[test]
    fn parse_destination_never_panics(s in ".{0,80}") {
        if let Ok(d) = parse_destination(&s) {
            prop_assert_eq!(parse_destination(&d.to_string()), Ok(d));
        }
    }

    #[test]
    fn parse_destination_accepts_names_and_ports(
        name in "[a-z]([a-z0-9-]{0,10}[a-z0-9])?(\\.[a-z]([a-z0-9-]{0,10}[a-z0-9])?){0,3}",
        port in 1u16..,
    ) {
        prop_assert_eq!(
            parse_destination(&format!("{name}:{port}")),
            Ok(Destination::Name { name: name.clone(), port: Some(port) })
        );
    }
}

/// A Service labelled `service.kubernetes.io/service-proxy-name` belongs to another proxy:
/// kube-proxy's informers never list it (`cmd/kube-proxy/app/server.go`), so nothing DNATs
/// its ClusterIP and a connection to it does not reach the pods its slices list, in every
/// mode; the same Service without the label connects.
#[test]
fn a_service_for_another_proxy_is_not_dnated_by_kube_proxy() {
    let labelled = CLUSTER_IP.replacen(
        "metadata:\n  name: my-service\n",
        "metadata:\n  name: my-service\n  labels:\n    service.kubernetes.io/service-proxy-name: cilium\n",
        1,
    );
    assert_ne!(labelled, CLUSTER_IP, "the fixture's metadata moved");
    for mode in [ProxyMode::Iptables, ProxyMode::Nftables, ProxyMode::Ipvs] {
        let mut c = cluster(&[&labelled, BACKENDS], 0);
        c.set_proxy_mode(mode);
        // The EndpointSlice controller still writes its slices (and copies the label).
        assert_eq!(endpoints(&c, "default", "my-service").len(), 3, "{mode:?}");
        let vip = svc_ip(&c, "default", "my-service");
        let j = trace(
            &c,
            &client(),
            &dest(&format!("{vip}:80")),
            TraceOptions::default(),
            &mut Rng::new(0),
        )
        .unwrap();
        assert!(
            !matches!(j.outcome, Outcome::Connected { .. }),
            "{mode:?}: {j}"
        );
        assert!(
            j.hops.iter().all(|h| h.action != Action::Dnat),
            "{mode:?}: {j}"
        );
        let mut plain = cluster(&[CLUSTER_IP, BACKENDS], 0);
        plain.set_proxy_mode(mode);
        let vip = svc_ip(&plain, "default", "my-service");
        let j = trace(
            &plain,
            &client(),
            &dest(&format!("{vip}:80")),
            TraceOptions::default(),
            &mut Rng::new(0),
        )
        .unwrap();
        connected(&j);
    }
}
