//! [`crate::limits`] at apply and scale time: every reproducer of the "hostile input" issue
//! (a Deployment, a StatefulSet or `kubectl scale` asking for 2³¹−1 pods, a DaemonSet or a Node
//! pushing the pods over, a kind `Cluster` of too many nodes, a Service whose ports × pods
//! outgrow the rules) is refused before any controller starts, with the message naming the
//! object and the limit, pointing at the field that asks, and with nothing of it stored.

use super::*;
use crate::api::apps::WorkloadKind;
use crate::limits::{Limits, Resource};

const MAX_PODS: u64 = Limits::DEFAULT.pods;
const MAX_NODES: u64 = Limits::DEFAULT.nodes;
const MAX_SERVICE_ENDPOINTS: u64 = Limits::DEFAULT.service_endpoints;
use crate::manifest::Source;

fn workload(kind: &str, name: &str, replicas: u64) -> String {
    format!("apiVersion: apps/v1\nkind: {kind}\nmetadata:\n  name: {name}\nspec:\n  replicas: {replicas}\n  selector:\n    matchLabels:\n      app: {name}\n  template:\n    metadata:\n      labels:\n        app: {name}\n    spec:\n      containers:\n      - name: c\n        image: nginx\n        ports:\n        - containerPort: 80\n")
}

fn daemonset(name: &str) -> String {
    format!("apiVersion: apps/v1\nkind: DaemonSet\nmetadata:\n  name: {name}\nspec:\n  selector:\n    matchLabels:\n      app: {name}\n  template:\n    metadata:\n      labels:\n        app: {name}\n    spec:\n      containers:\n      - name: c\n        image: nginx\n")
}

/// A Service selecting `app: <app>` with `ports` ports (80, 81, …).
fn wide_service(name: &str, app: &str, ports: u32) -> String {
    let mut s = format!("apiVersion: v1\nkind: Service\nmetadata:\n  name: {name}\nspec:\n  selector:\n    app: {app}\n  ports:\n");
    for i in 0..ports {
        s.push_str(&format!("  - name: p{i}\n    port: {}\n", 80 + i));
    }
    s
}

/// An EndpointSlice for Service `service` with `endpoints` addresses and `ports` ports,
/// managed by the user (or labelled as the EndpointSlice controller's when `managed`).
fn slice(name: &str, service: &str, endpoints: u32, ports: u32, managed: bool) -> String {
    let mut s = format!("apiVersion: discovery.k8s.io/v1\nkind: EndpointSlice\nmetadata:\n  name: {name}\n  labels:\n    kubernetes.io/service-name: {service}\n");
    if managed {
        s.push_str("    endpointslice.kubernetes.io/managed-by: endpointslice-controller.k8s.io\n");
    }
    s.push_str("addressType: IPv4\nports:\n");
    for i in 0..ports {
        s.push_str(&format!("- name: p{i}\n  port: {}\n", 8000 + i));
    }
    s.push_str("endpoints:\n");
    for i in 0..endpoints {
        s.push_str(&format!(
            "- addresses: [\"10.{}.{}.{}\"]\n",
            100 + i / 65536,
            (i / 256) % 256,
            i % 256
        ));
    }
    s
}

/// A selector-less Service with `ports` ports (p0, p1, …) and the given extra `spec` lines.
fn plain_service(name: &str, ports: u32, extra: &str) -> String {
    let mut s = format!(
        "apiVersion: v1\nkind: Service\nmetadata:\n  name: {name}\nspec:\n{extra}  ports:\n"
    );
    for i in 0..ports {
        s.push_str(&format!("  - name: p{i}\n    port: {}\n", 80 + i));
    }
    s
}

fn apply(c: &mut Cluster, text: &str) -> Vec<ApplyResult> {
    c.apply(&Source::new("big.yaml", text))
}

fn fresh() -> Cluster {
    Cluster::new(ClusterConfig::default(), 0)
}

/// The one result, refused for `resource`, with its message and line:column.
#[track_caller]
fn refused(r: &ApplyResult, resource: Resource) -> (String, u32, u32) {
    match &r.outcome {
        Err(ApplyError::LimitExceeded(e)) => assert_eq!(e.resource, resource, "{r}"),
        other => panic!("expected a refusal for {resource}, got {other:?}"),
    }
    (r.to_string(), r.location.line, r.location.col)
}

#[test]
fn a_deployment_of_int32_max_replicas_is_refused_at_its_replicas() {
    let mut c = fresh();
    let g = c.generation();
    let r = apply(&mut c, &workload("Deployment", "web", 2_147_483_647));
    let (text, line, col) = refused(&r[0], Resource::Pods);
    let others = c.usage().pods;
    assert_eq!(
        text,
        format!("svcsim simulates at most 200000 pods; Deployment web asks for 2147483647, and the rest of the cluster for {others} more")
    );
    assert_eq!((line, col), (6, 3), "the `replicas:` line");
    assert!(c.store.workloads.is_empty() || c.store.workloads.keys().all(|(_, k)| k.name != "web"));
    assert_eq!(c.generation(), g, "nothing stored, nothing to reconcile");
    assert!(c.is_settled());
    // A million is refused too (it used to take 74 s and 5.5 GB); what fits is applied.
    let r = apply(&mut c, &workload("Deployment", "web", 1_000_000));
    refused(&r[0], Resource::Pods);
    let r = apply(&mut c, &workload("Deployment", "web", 3));
    assert_eq!(r[0].to_string(), "deployment.apps/web created");
}

#[test]
fn a_statefulset_asking_too_much_is_refused() {
    let mut c = fresh();
    let r = apply(&mut c, &workload("StatefulSet", "db", 2_147_483_647));
    let (text, line, _) = refused(&r[0], Resource::Pods);
    assert!(
        text.starts_with(
            "svcsim simulates at most 200000 pods; StatefulSet db asks for 2147483647"
        ),
        "{text}"
    );
    assert_eq!(line, 6);
    let r = apply(&mut c, &workload("ReplicaSet", "rs", 2_147_483_647));
    refused(&r[0], Resource::Pods);
}

#[test]
fn kubectl_scale_past_the_limit_is_refused_and_changes_nothing() {
    let (mut c, _) = Cluster::from_sources(
        &[Source::new("web.yaml", workload("Deployment", "web", 2))],
        0,
    );
    let g = c.generation();
    let e = c
        .scale(WorkloadKind::Deployment, "default", "web", i32::MAX)
        .unwrap_err();
    assert!(matches!(e, MutationError::LimitExceeded(_)));
    assert!(
        e.to_string()
            .starts_with("svcsim simulates at most 200000 pods; Deployment web asks for 2147483647, and the rest of the cluster for "),
        "{e}"
    );
    assert_eq!(c.generation(), g);
    assert_eq!(
        c.store.workloads[&(WorkloadKind::Deployment, ObjectKey::new("default", "web"))]
            .spec
            .replicas,
        Some(2)
    );
    assert!(c.is_settled());
    // Scaling a Deployment's ReplicaSet directly is counted too (its controller acts first).
    let rs = c
        .store
        .workloads
        .keys()
        .find(|(k, key)| *k == WorkloadKind::ReplicaSet && key.name.starts_with("web-"))
        .map(|(_, key)| key.name.clone())
        .expect("web's ReplicaSet");
    let e = c
        .scale(WorkloadKind::ReplicaSet, "default", &rs, i32::MAX)
        .unwrap_err();
    assert!(matches!(e, MutationError::LimitExceeded(_)), "{e}");
    // Within the limit, and down again, scaling works as before.
    c.scale(WorkloadKind::Deployment, "default", "web", 5)
        .unwrap();
    c.scale(WorkloadKind::Deployment, "default", "web", 0)
        .unwrap();
}

#[test]
fn a_daemonset_or_a_node_that_pushes_the_pods_over_is_refused() {
    let mut c = fresh();
    // Ask for all but one pod (only asked: the controllers have not run).
    let room = MAX_PODS - c.usage().pods;
    let r = apply(&mut c, &workload("Deployment", "filler", room - 1));
    assert!(r[0].is_ok(), "{}", r[0]);
    // A DaemonSet asks for a pod on each node it fits: both workers (the control plane's
    // NoSchedule taint is not tolerated).
    let r = apply(&mut c, &daemonset("agent"));
    let (text, line, col) = refused(&r[0], Resource::Pods);
    assert_eq!(
        text,
        "svcsim simulates at most 200000 pods; DaemonSet agent asks for 2, and the rest of the cluster for 199999 more"
    );
    // No nodeSelector: points at the pod template's spec, where one would go.
    assert_eq!((line, col), (13, 5));
    // One fitting node only: it fits.
    let one_node = daemonset("agent").replace(
        "    spec:\n      containers:",
        "    spec:\n      nodeSelector:\n        kubernetes.io/hostname: kind-worker\n      containers:",
    );
    let r = apply(&mut c, &one_node);
    assert!(r[0].is_ok(), "{}", r[0]);
    // A new Linux node brings a kube-proxy and a kindnet pod: two more than there is room for.
    let r = apply(
        &mut c,
        "apiVersion: v1\nkind: Node\nmetadata:\n  name: extra\n  labels:\n    kubernetes.io/os: linux\n",
    );
    let (text, ..) = refused(&r[0], Resource::Pods);
    assert_eq!(
        text,
        "svcsim simulates at most 200000 pods; Node extra asks for 2, and the rest of the cluster for 200000 more"
    );
    assert!(!c.store.nodes.contains_key("extra"));
}

#[test]
fn a_kind_cluster_of_too_many_nodes_is_refused_and_shapes_nothing() {
    let n = usize::try_from(MAX_NODES).unwrap() + 1;
    let text = format!(
        "kind: Cluster\napiVersion: kind.x-k8s.io/v1alpha4\nnodes:\n- role: control-plane\n{}",
        "- role: worker\n".repeat(n - 1)
    );
    let (c, r) = Cluster::from_sources(&[Source::new("kind.yaml", text)], 0);
    let (text, line, col) = refused(&r[0], Resource::Nodes);
    assert_eq!(
        text,
        "svcsim simulates at most 10000 nodes; Cluster kind asks for 10001"
    );
    assert_eq!((line, col), (3, 1), "the `nodes:` line");
    // The default cluster is built instead, as for a document that does not decode.
    assert_eq!(c.store.nodes.len(), 3);
    let at_limit = ClusterConfig::from_kind(&crate::api::setup::KindCluster {
        nodes: vec![Default::default(); 2],
        ..Default::default()
    });
    assert_eq!(at_limit.nodes.len(), 2);
}

#[test]
fn ports_times_pods_past_the_limit_is_refused_on_either_side() {
    // 10,000 ports × 31 pods = 310,000 endpoints: every node would write a chain per endpoint.
    let mut c = fresh();
    let r = apply(&mut c, &workload("Deployment", "wide", 31));
    assert!(r[0].is_ok());
    let r = apply(&mut c, &wide_service("wide", "wide", 10_000));
    let (text, line, col) = refused(&r[0], Resource::ServiceEndpoints);
    assert_eq!(
        text,
        "svcsim simulates at most 300000 Service endpoints; Service wide asks for 310000 (10000 ports × 31 selected pods), and the rest of the cluster for 7 more"
    );
    assert_eq!((line, col), (6, 3), "the `selector:` line");
    assert!(c.store.service("default", "wide").is_none());
    // The ClusterIP it was given is free again.
    assert_eq!(c.alloc.cluster_ips.used(), 2);

    // The other way round: the Service first, then too many pods for it.
    let mut c = fresh();
    assert!(apply(&mut c, &wide_service("wide", "wide", 10_000))[0].is_ok());
    let r = apply(&mut c, &workload("Deployment", "wide", 31));
    let (text, line, _) = refused(&r[0], Resource::ServiceEndpoints);
    assert!(
        text.starts_with(
            "svcsim simulates at most 300000 Service endpoints; Deployment wide asks for 310000"
        ),
        "{text}"
    );
    assert_eq!(line, 12, "the template's labels");
    let fits = MAX_SERVICE_ENDPOINTS / 10_000 - 1;
    assert!(apply(&mut c, &workload("Deployment", "wide", fits))[0].is_ok());
}

#[test]
fn endpointslices_written_by_hand_count_their_endpoints_times_ports() {
    // kube-proxy turns every (endpoint, port) of a Service's slices into rules; validation
    // allows 1,000 endpoints × 20,000 ports in one slice, 20 million from ~1 MB of text.
    let mut c = fresh();
    assert!(apply(&mut c, &plain_service("db", 301, ""))[0].is_ok());
    let r = apply(&mut c, &slice("db-1", "db", 1000, 301, false));
    let (text, line, col) = refused(&r[0], Resource::ServiceEndpoints);
    assert_eq!(
        text,
        "svcsim simulates at most 300000 Service endpoints; EndpointSlice db-1 asks for 301000 (1000 endpoints × 301 ports), and the rest of the cluster for 7 more"
    );
    assert_eq!((line, col), (611, 1), "the `endpoints:` line");
    assert!(c
        .store
        .endpoint_slices
        .get(&ObjectKey::new("default", "db-1"))
        .is_none());
    // Two slices of one Service add up.
    assert!(apply(&mut c, &slice("db-1", "db", 1000, 200, false))[0].is_ok());
    let r = apply(&mut c, &slice("db-2", "db", 1000, 101, false));
    refused(&r[0], Resource::ServiceEndpoints);
    // Replacing a slice counts it once.
    assert!(apply(&mut c, &slice("db-1", "db", 1000, 250, false))[0].is_ok());
    // A slice passing for the controller's, for a Service without a selector, counts too
    // (the controller leaves those alone, kube-proxy reads them).
    let r = apply(&mut c, &slice("db-3", "db", 1000, 60, true));
    refused(&r[0], Resource::ServiceEndpoints);
}

/// Hand-written v1 Endpoints of a selector-less Service are mirrored into EndpointSlices
/// (issue 13, item 2): they count what the mirrored slices will, each subset's addresses (at
/// most 1,000) × its ports.
#[test]
fn endpoints_written_by_hand_count_what_they_mirror() {
    let endpoints = |name: &str, addresses: u32, ports: u32| {
        let mut s = format!(
            "apiVersion: v1\nkind: Endpoints\nmetadata:\n  name: {name}\nsubsets:\n- addresses:\n"
        );
        for i in 0..addresses {
            s.push_str(&format!("  - ip: 10.100.{}.{}\n", i / 250, i % 250 + 1));
        }
        s.push_str("  ports:\n");
        for i in 0..ports {
            s.push_str(&format!("  - name: p{i}\n    port: {}\n", 8000 + i));
        }
        s
    };
    let mut c = fresh();
    assert!(apply(&mut c, &plain_service("db", 1, ""))[0].is_ok());
    let r = apply(&mut c, &endpoints("db", 1000, 301));
    let (text, _, _) = refused(&r[0], Resource::ServiceEndpoints);
    assert_eq!(
        text,
        "svcsim simulates at most 300000 Service endpoints; Endpoints db asks for 301000 (301000 address-ports to mirror into EndpointSlices), and the rest of the cluster for 7 more"
    );
    assert!(c
        .store
        .endpoints
        .get(&ObjectKey::new("default", "db"))
        .is_none());
    assert!(apply(&mut c, &endpoints("db", 1000, 250))[0].is_ok());
    c.settle();
    // Counted once, as the Endpoints, not again as the slices mirrored from them.
    assert_eq!(c.usage().service_endpoints, 7 + 250_000);
}

#[test]
fn the_addresses_a_port_is_reached_at_multiply_its_rules() {
    // Every port is a rule per external IP (iptables, nftables) and a virtual server with all
    // the endpoints as real servers (IPVS).
    let ips: String = (0..100).map(|i| format!("  - 192.0.2.{i}\n")).collect();
    let mut c = fresh();
    let r = apply(
        &mut c,
        &plain_service("wide", 1000, &format!("  externalIPs:\n{ips}")),
    );
    let (text, line, _) = refused(&r[0], Resource::ServicePorts);
    assert_eq!(
        text,
        "svcsim simulates at most 100000 Service ports; Service wide asks for 101000 (1000 ports × 101 addresses), and the rest of the cluster for 4 more"
    );
    assert_eq!(line, 6, "the `externalIPs:` line");
    // …and multiply the endpoints of the pods the Service selects.
    let r = apply(&mut c, &workload("Deployment", "web", 31));
    assert!(r[0].is_ok());
    let selecting = plain_service(
        "web",
        10,
        &format!(
            "  selector:\n    app: web\n  externalIPs:\n{}",
            ips.repeat(10)
        ),
    );
    let r = apply(&mut c, &selecting);
    let (text, ..) = refused(&r[0], Resource::ServiceEndpoints);
    assert!(
        text.starts_with("svcsim simulates at most 300000 Service endpoints; Service web asks for 310310 (10 ports × 1001 addresses × 31 selected pods)"),
        "{text}"
    );
}

#[test]
fn one_refused_object_does_not_stop_the_others() {
    let mut c = fresh();
    let text = format!(
        "{}---\n{}",
        workload("Deployment", "huge", 2_147_483_647),
        workload("Deployment", "web", 2)
    );
    let r = apply(&mut c, &text);
    refused(&r[0], Resource::Pods);
    assert_eq!(r[1].to_string(), "deployment.apps/web created");
    assert_eq!(r[0].location.line, 6);
}

#[test]
fn what_one_apply_counts_is_what_the_store_asks_for() {
    use crate::generate::{cluster_manifest, Scale};
    let scale = Scale {
        nodes: 4,
        services: 12,
        pods_per_service: 3,
    };
    let mut text = cluster_manifest(scale);
    // A Service selecting several Deployments' pods by a shared label, a DaemonSet, a pod of
    // its own, a Node.
    text.push_str("---\n");
    text.push_str(&daemonset("agent"));
    text.push_str("---\napiVersion: v1\nkind: Pod\nmetadata:\n  name: solo\n  labels:\n    app: app-1\nspec:\n  containers:\n  - name: c\n    image: nginx\n");
    text.push_str("---\napiVersion: v1\nkind: Node\nmetadata:\n  name: extra\n");
    text.push_str("---\n");
    text.push_str(&wide_service("both", "app-1", 3));
    // EndpointSlices: the user's for a selector-less Service applied after them, the user's
    // for a Service with a selector, one passing for the controller's (rewritten by it).
    text.push_str("---\n");
    text.push_str(&slice("ext-1", "ext", 4, 2, false));
    text.push_str("---\n");
    text.push_str(&plain_service("ext", 2, "  type: NodePort\n"));
    text.push_str("---\n");
    text.push_str(&slice("both-extra", "both", 2, 3, false));
    text.push_str("---\n");
    text.push_str(&slice("both-fake", "both", 5, 3, true));
    let manifests = Manifests::parse(&Source::new("gen.yaml", text));
    let mut c = Cluster::new(manifests.cluster_config(), 0);
    let r = c.apply_counting(&manifests);
    assert!(r.iter().all(ApplyResult::is_ok), "{r:?}");
    let counted = c.demand.as_ref().map(demand::Demand::usage);
    assert_eq!(counted, Some(c.usage()));
    let usage = c.usage();
    // 12 × 3 app pods, the solo pod, the DaemonSet on the 4 workers and the extra node, the
    // system pods…
    assert!(usage.pods >= 12 * 3 + 1 + 4, "{usage:?}");
    assert_eq!(usage.nodes, 5);
    assert_eq!(usage.services, 2 + 12 + 2);
    // …kube-dns 3 ports × 2 pods, `kubernetes` the API server's EndpointSlice (1 endpoint ×
    // 1 port), the 12 Services' pods and the solo pod (an app-1 pod), `both` app-1's 3 pods
    // and the solo pod on 3 ports, `ext` (ClusterIP and node port) its slice's 4 × 2, `both`
    // the user's slice of 2 × 3 (the one passing for the controller's is rewritten by it).
    assert_eq!(
        usage.service_endpoints,
        6 + 1 + 12 * 3 + 1 + 3 * 4 + 4 * 2 * 2 + 2 * 3
    );
    // A second apply changing replicas and dropping `both`'s selector (its slices, the one
    // passing for the controller's too, now count by themselves) counts the same as a fresh
    // count.
    let again = format!(
        "{}---\n{}",
        workload("Deployment", "app-2", 7),
        plain_service("both", 3, "")
    );
    let manifests = Manifests::parse(&Source::new("b.yaml", again));
    let r = c.apply_counting(&manifests);
    assert!(r.iter().all(ApplyResult::is_ok), "{r:?}");
    assert_eq!(
        c.demand.as_ref().map(demand::Demand::usage),
        Some(c.usage())
    );
    // app-2: 4 more pods on 1 port; `both`: its selector's 4 pods × 3 ports gone, the
    // controller-labelled slice's 5 × 3 counted.
    assert_eq!(
        c.usage().service_endpoints,
        usage.service_endpoints + 4 - 4 * 3 + 5 * 3
    );
    // Settling creates the pods; what is asked does not change.
    c.demand = None;
    let before = c.usage();
    c.settle();
    assert_eq!(c.usage(), before);
}

#[test]
fn the_limits_are_the_clusters_and_every_message_says_the_one_in_force() {
    let mut c = fresh();
    assert_eq!(c.limits(), Limits::DEFAULT);
    let g = c.generation();
    c.set_limits(Limits::PAGE);
    assert!(c.generation() > g, "a configuration change a view can show");
    // Kept across clones (the page clones the cluster for its timeline).
    let mut copy = c.clone();
    assert_eq!(copy.limits(), Limits::PAGE);
    let r = apply(&mut copy, &workload("Deployment", "web", Limits::PAGE.pods));
    let (text, ..) = refused(&r[0], Resource::Pods);
    assert!(
        text.starts_with(&format!(
            "svcsim simulates at most {} pods; Deployment web asks for {}, and the rest",
            Limits::PAGE.pods,
            Limits::PAGE.pods
        )),
        "{text}"
    );
    // kubectl scale too.
    let fits = Limits::PAGE.pods - copy.usage().pods;
    let r = apply(&mut copy, &workload("Deployment", "web", fits));
    assert!(r[0].is_ok(), "{}", r[0]);
    let e = copy
        .scale(
            WorkloadKind::Deployment,
            "default",
            "web",
            i32::try_from(fits + 1).unwrap(),
        )
        .unwrap_err();
    assert!(
        e.to_string().starts_with(&format!(
            "svcsim simulates at most {} pods;",
            Limits::PAGE.pods
        )),
        "{e}"
    );
    // Lowering the limits below what exists keeps it; it can shrink, not grow.
    copy.set_limits(Limits {
        pods: 1,
        ..Limits::PAGE
    });
    assert!(copy
        .scale(WorkloadKind::Deployment, "default", "web", 1)
        .is_ok());
    assert!(copy
        .scale(WorkloadKind::Deployment, "default", "web", 2)
        .is_err());
}

#[test]
fn a_kind_cluster_is_checked_against_the_limits_it_is_read_within() {
    let n = usize::try_from(Limits::PAGE.nodes).unwrap() + 1;
    let text = format!(
        // A /12 pod subnet has a /24 for each of them (the default /16 has 256).
        "kind: Cluster\napiVersion: kind.x-k8s.io/v1alpha4\nnetworking:\n  podSubnet: 172.16.0.0/12\nnodes:\n- role: control-plane\n{}",
        "- role: worker\n".repeat(n - 1)
    );
    let source = Source::new("kind.yaml", text);
    let manifests = Manifests::parse(&source);
    // The CLI's limits allow it; the page's do not, and the default cluster is built instead.
    assert_eq!(manifests.cluster_config().nodes.len(), n);
    let page = manifests.cluster_config_within(Limits::PAGE);
    assert_eq!(page.nodes.len(), 3);
    assert_eq!(page.limits, Limits::PAGE);
    let (c, r) = Cluster::from_sources_within(&[source], 0, Limits::PAGE);
    let (text, ..) = refused(&r[0], Resource::Nodes);
    assert_eq!(
        text,
        format!(
            "svcsim simulates at most {} nodes; Cluster kind asks for {n}",
            Limits::PAGE.nodes
        )
    );
    assert_eq!(c.store.nodes.len(), 3);
    assert_eq!(c.limits(), Limits::PAGE);
}
