//! Controller behaviour over simulated time, on a default kind cluster (objects are put into
//! the store directly, as the API server would after a successful apply).

use super::*;
use crate::api::apps::{PodTemplateSpec, Workload, WorkloadKind, WorkloadSpec};
use crate::api::core::{
    Container, ContainerPort, IntOrString, Pod, Service, ServicePort, ServiceSpec,
};
use crate::api::discovery::EndpointSlice;
use crate::api::meta::{LabelSelector, ObjectMeta};
use crate::cluster::{Cluster, ObjectKey};
use crate::config::ClusterConfig;
use std::collections::BTreeMap;

fn labels(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
    pairs
        .iter()
        .map(|(k, v)| ((*k).to_string(), (*v).to_string()))
        .collect()
}

fn meta(c: &mut Cluster, ns: &str, name: &str) -> ObjectMeta {
    ObjectMeta {
        name: name.to_string(),
        namespace: ns.to_string(),
        uid: c.rng.uuid(),
        resource_version: c.next_resource_version(),
        creation_timestamp: Some(c.wall_now()),
        ..Default::default()
    }
}

fn container(ports: &[(&str, i32)]) -> Container {
    Container {
        name: "app".to_string(),
        image: "nginx".to_string(),
        ports: ports
            .iter()
            .map(|(n, p)| ContainerPort {
                name: (*n).to_string(),
                container_port: *p,
                protocol: "TCP".to_string(),
                ..Default::default()
            })
            .collect(),
        restart_policy: None,
        lifecycle: None,
    }
}

fn add_workload(
    c: &mut Cluster,
    kind: WorkloadKind,
    name: &str,
    replicas: i32,
    app: &str,
    ports: &[(&str, i32)],
) {
    let m = meta(c, "default", name);
    let w = Workload {
        kind,
        metadata: m,
        spec: WorkloadSpec {
            replicas: Some(replicas),
            selector: Some(LabelSelector {
                match_labels: labels(&[("app", app)]),
                match_expressions: Vec::new(),
            }),
            template: PodTemplateSpec {
                metadata: ObjectMeta {
                    labels: labels(&[("app", app)]),
                    ..Default::default()
                },
                spec: crate::api::core::PodSpec {
                    containers: vec![container(ports)],
                    ..Default::default()
                },
            },
            service_name: if kind == WorkloadKind::StatefulSet {
                app.to_string()
            } else {
                String::new()
            },
        },
        status: Default::default(),
    };
    c.store
        .workloads
        .insert((kind, ObjectKey::new("default", name)), w);
}

fn add_service(c: &mut Cluster, name: &str, app: &str, target: IntOrString, headless: bool) {
    let mut svc = Service {
        metadata: meta(c, "default", name),
        spec: ServiceSpec {
            ports: vec![ServicePort {
                name: "http".to_string(),
                protocol: "TCP".to_string(),
                port: 80,
                target_port: Some(target),
                ..Default::default()
            }],
            selector: labels(&[("app", app)]),
            type_: "ClusterIP".to_string(),
            cluster_ip: if headless {
                "None".to_string()
            } else {
                String::new()
            },
            cluster_ips: if headless {
                vec!["None".to_string()]
            } else {
                Vec::new()
            },
            ..Default::default()
        },
        status: Default::default(),
    };
    svc.metadata.labels = labels(&[("team", "a")]);
    let r = c
        .alloc
        .allocate_service(&mut svc, None, &mut c.rng, |_| Vec::new())
        .expect("allocates");
    c.alloc.commit(r);
    c.store
        .services
        .insert(ObjectKey::new("default", name), svc);
}

fn pods_of(c: &Cluster, prefix: &str) -> Vec<Pod> {
    c.store
        .pods_in(Some("default"))
        .filter(|p| p.metadata.name.starts_with(prefix))
        .cloned()
        .collect()
}

fn slices_of<'a>(c: &'a Cluster, svc: &'a str) -> Vec<&'a EndpointSlice> {
    c.store.slices_for_service("default", svc).collect()
}

fn delete_pod(c: &mut Cluster, name: &str) {
    let key = ObjectKey::new("default", name);
    let now = c.wall_now();
    let rv = c.next_resource_version();
    let pod = c.store.pods.get_mut(&key).expect("pod exists");
    pod.metadata.deletion_timestamp = Some(now);
    pod.metadata.resource_version = rv;
    c.schedule(1500, crate::cluster::Timer::PodTerminated(key));
}

#[test]
fn fresh_cluster_matches_kind() {
    let c = Cluster::new(ClusterConfig::default(), 1);
    assert!(c.is_settled());
    let nodes: Vec<&str> = c.store.nodes.keys().map(String::as_str).collect();
    assert_eq!(nodes, ["kind-control-plane", "kind-worker", "kind-worker2"]);
    let cp = c.store.nodes.get("kind-control-plane").unwrap();
    assert_eq!(cp.spec.taints.len(), 1);
    assert_eq!(cp.spec.pod_cidr, "10.244.0.0/24");
    assert_eq!(cp.internal_ip(), Some("172.18.0.2"));
    let ns: Vec<&str> = c.store.namespaces.keys().map(String::as_str).collect();
    assert_eq!(
        ns,
        [
            "default",
            "kube-node-lease",
            "kube-public",
            "kube-system",
            "local-path-storage"
        ]
    );
    assert_eq!(
        c.store
            .service("default", "kubernetes")
            .unwrap()
            .spec
            .cluster_ip,
        "10.96.0.1"
    );
    assert_eq!(
        c.store
            .service("kube-system", "kube-dns")
            .unwrap()
            .spec
            .cluster_ip,
        "10.96.0.10"
    );
    let mut coredns: Vec<(String, String)> = c
        .store
        .pods_in(Some("kube-system"))
        .filter(|p| p.metadata.name.starts_with("coredns-"))
        .map(|p| (p.status.pod_ip.clone(), p.spec.node_name.clone()))
        .collect();
    coredns.sort();
    assert_eq!(
        coredns,
        [
            ("10.244.0.2".to_string(), "kind-control-plane".to_string()),
            ("10.244.0.3".to_string(), "kind-control-plane".to_string())
        ]
    );
    let lpp: Vec<&Pod> = c.store.pods_in(Some("local-path-storage")).collect();
    assert_eq!(lpp.len(), 1);
    assert_eq!(lpp[0].status.pod_ip, "10.244.0.4");
    // Every pod Running and Ready; static and daemon pods on the host network.
    assert!(c
        .store
        .pods
        .values()
        .all(|p| p.status.phase == "Running" && p.is_ready()));
    let kube_system = c.store.pods_in(Some("kube-system")).count();
    assert_eq!(kube_system, 2 + 4 + 3 + 3); // coredns, static, kube-proxy, kindnet
    let apiserver = c
        .store
        .pod("kube-system", "kube-apiserver-kind-control-plane")
        .unwrap();
    assert_eq!(apiserver.status.pod_ip, "172.18.0.2");
    let proxies: Vec<&Pod> = c
        .store
        .pods_in(Some("kube-system"))
        .filter(|p| p.metadata.name.starts_with("kube-proxy-"))
        .collect();
    let mut proxy_nodes: Vec<&str> = proxies.iter().map(|p| p.spec.node_name.as_str()).collect();
    proxy_nodes.sort();
    assert_eq!(
        proxy_nodes,
        ["kind-control-plane", "kind-worker", "kind-worker2"]
    );
    // kube-dns has one slice with both CoreDNS pods, and the legacy Endpoints.
    let dns: Vec<&EndpointSlice> = c
        .store
        .slices_for_service("kube-system", "kube-dns")
        .collect();
    assert_eq!(dns.len(), 1);
    assert_eq!(dns[0].endpoints.len(), 2);
    assert_eq!(dns[0].ports.len(), 3);
    assert!(dns[0].metadata.name.starts_with("kube-dns-"));
    let ep = c
        .store
        .endpoints
        .get(&ObjectKey::new("kube-system", "kube-dns"))
        .unwrap();
    assert_eq!(ep.subsets.len(), 1);
    assert_eq!(ep.subsets[0].addresses.len(), 2);
    let k8s = c
        .store
        .endpoint_slices
        .get(&ObjectKey::new("default", "kubernetes"))
        .unwrap();
    assert_eq!(k8s.endpoints[0].addresses, ["172.18.0.2"]);
    // A second reconcile changes nothing.
    let mut again = c.clone();
    let rv = again.resource_version;
    again.advance(10_000);
    assert_eq!(again.resource_version, rv);
}

fn new_cluster() -> Cluster {
    Cluster::new(ClusterConfig::default(), 7)
}

fn is_name_char(ch: char) -> bool {
    crate::sim::NAME_ALPHABET.contains(&(ch as u8))
}

#[test]
fn deployment_spreads_over_workers_with_kubernetes_names() {
    let mut c = new_cluster();
    add_workload(
        &mut c,
        WorkloadKind::Deployment,
        "web",
        3,
        "web",
        &[("http", 8080)],
    );
    c.settle();
    let rs: Vec<&Workload> = c
        .store
        .workloads
        .values()
        .filter(|w| w.kind == WorkloadKind::ReplicaSet && w.metadata.namespace == "default")
        .collect();
    assert_eq!(rs.len(), 1);
    let hash = rs[0]
        .metadata
        .labels
        .get("pod-template-hash")
        .unwrap()
        .clone();
    assert_eq!(rs[0].metadata.name, format!("web-{hash}"));
    assert!(hash.len() >= 8 && hash.chars().all(is_name_char), "{hash}");
    let pods = pods_of(&c, "web-");
    assert_eq!(pods.len(), 3);
    let mut workers = std::collections::BTreeSet::new();
    for p in &pods {
        let suffix = p
            .metadata
            .name
            .strip_prefix(&format!("web-{hash}-"))
            .unwrap();
        assert_eq!(suffix.len(), 5);
        assert!(suffix.chars().all(is_name_char));
        assert_eq!(p.metadata.labels.get("pod-template-hash"), Some(&hash));
        let owner = p.metadata.controller_of().unwrap();
        assert_eq!(
            (owner.kind.as_str(), owner.api_version.as_str()),
            ("ReplicaSet", "apps/v1")
        );
        assert_eq!(owner.block_owner_deletion, Some(true));
        assert!(p.is_ready() && p.status.phase == "Running");
        let expected_prefix = match p.spec.node_name.as_str() {
            "kind-worker" => "10.244.1.",
            "kind-worker2" => "10.244.2.",
            other => panic!("pod on {other}"),
        };
        assert!(
            p.status.pod_ip.starts_with(expected_prefix),
            "{}",
            p.status.pod_ip
        );
        workers.insert(p.spec.node_name.clone());
    }
    assert_eq!(workers.len(), 2, "spread over both workers");
    let d = c
        .store
        .workloads
        .get(&(WorkloadKind::Deployment, ObjectKey::new("default", "web")))
        .unwrap();
    assert_eq!(d.status.ready_replicas, Some(3));
    assert_eq!(d.status.available_replicas, Some(3));
    assert_eq!(d.status.updated_replicas, Some(3));
    assert!(c.events.iter().any(|e| e.reason == "ScalingReplicaSet"
        && e.message == format!("Scaled up replica set web-{hash} from 0 to 3")));
    assert!(c
        .events
        .iter()
        .any(|e| e.reason == "Scheduled"
            && e.message.starts_with("Successfully assigned default/web-")));
}

#[test]
fn pod_lifecycle_takes_simulated_time() {
    let mut c = new_cluster();
    add_workload(&mut c, WorkloadKind::Deployment, "web", 1, "web", &[]);
    c.advance(0);
    let p = &pods_of(&c, "web-")[0];
    assert!(!p.spec.node_name.is_empty());
    assert_eq!(p.status.phase, "Pending");
    assert!(p.status.pod_ip.is_empty());
    c.advance(SANDBOX_MS);
    let p = &pods_of(&c, "web-")[0];
    assert!(!p.status.pod_ip.is_empty());
    assert!(p.status.host_ip.starts_with("172.18.0."));
    assert_eq!(p.status.phase, "Pending");
    c.advance(START_MS);
    let p = &pods_of(&c, "web-")[0];
    assert_eq!(p.status.phase, "Running");
    assert!(!p.is_ready());
    c.advance(READY_MS);
    let p = &pods_of(&c, "web-")[0];
    assert!(p.is_ready());
    assert!(c.is_settled());
}

#[test]
fn deleted_pod_is_replaced_with_a_new_ip_and_the_slice_follows() {
    let mut c = new_cluster();
    add_workload(
        &mut c,
        WorkloadKind::Deployment,
        "web",
        3,
        "web",
        &[("http", 8080)],
    );
    add_service(
        &mut c,
        "web",
        "web",
        IntOrString::String("http".into()),
        false,
    );
    c.settle();
    let slices = slices_of(&c, "web");
    assert_eq!(slices.len(), 1);
    let slice_name = slices[0].metadata.name.clone();
    assert_eq!(slices[0].endpoints.len(), 3);
    assert_eq!(slices[0].ports[0].port, Some(8080));
    let victim = pods_of(&c, "web-")[0].clone();
    delete_pod(&mut c, &victim.metadata.name);
    c.advance(0);
    // Terminating: still in the slice, serving but not ready; a replacement is on its way.
    let s = slices_of(&c, "web")[0].clone();
    let ep = s
        .endpoints
        .iter()
        .find(|e| e.addresses == [victim.status.pod_ip.clone()])
        .unwrap();
    assert_eq!(ep.conditions.ready, Some(false));
    assert_eq!(ep.conditions.serving, Some(true));
    assert_eq!(ep.conditions.terminating, Some(true));
    assert_eq!(pods_of(&c, "web-").len(), 4);
    c.settle();
    let pods = pods_of(&c, "web-");
    assert_eq!(pods.len(), 3);
    assert!(pods.iter().all(|p| p.metadata.name != victim.metadata.name));
    assert!(pods.iter().all(|p| p.status.pod_ip != victim.status.pod_ip));
    let slices = slices_of(&c, "web");
    assert_eq!(slices.len(), 1);
    assert_eq!(
        slices[0].metadata.name, slice_name,
        "the slice keeps its name"
    );
    let mut ips: Vec<String> = slices[0]
        .endpoints
        .iter()
        .map(|e| e.addresses[0].clone())
        .collect();
    ips.sort();
    let mut want: Vec<String> = pods.iter().map(|p| p.status.pod_ip.clone()).collect();
    want.sort();
    assert_eq!(ips, want);
    assert!(slices[0]
        .endpoints
        .iter()
        .all(|e| e.conditions.ready == Some(true)));
    // Legacy Endpoints agree.
    let ep = c
        .store
        .endpoints
        .get(&ObjectKey::new("default", "web"))
        .unwrap();
    assert_eq!(ep.subsets[0].addresses.len(), 3);
}

#[test]
fn scaling_up_and_down() {
    let mut c = new_cluster();
    add_workload(&mut c, WorkloadKind::Deployment, "web", 2, "web", &[]);
    c.settle();
    let key = (WorkloadKind::Deployment, ObjectKey::new("default", "web"));
    let rv = c.next_resource_version();
    let d = c.store.workloads.get_mut(&key).unwrap();
    d.spec.replicas = Some(5);
    d.metadata.resource_version = rv;
    c.settle();
    assert_eq!(pods_of(&c, "web-").len(), 5);
    let rv = c.next_resource_version();
    let d = c.store.workloads.get_mut(&key).unwrap();
    d.spec.replicas = Some(1);
    d.metadata.resource_version = rv;
    c.advance(0);
    let terminating = pods_of(&c, "web-")
        .iter()
        .filter(|p| p.metadata.deletion_timestamp.is_some())
        .count();
    assert_eq!(terminating, 4);
    c.settle();
    assert_eq!(pods_of(&c, "web-").len(), 1);
    assert_eq!(
        c.store.workloads.get(&key).unwrap().status.replicas,
        Some(1)
    );
}

#[test]
fn changed_template_rolls_out_a_new_replicaset() {
    let mut c = new_cluster();
    add_workload(&mut c, WorkloadKind::Deployment, "web", 2, "web", &[]);
    c.settle();
    let old: Vec<String> = pods_of(&c, "web-")
        .iter()
        .map(|p| p.metadata.name.clone())
        .collect();
    let key = (WorkloadKind::Deployment, ObjectKey::new("default", "web"));
    let rv = c.next_resource_version();
    let d = c.store.workloads.get_mut(&key).unwrap();
    d.spec.template.spec.containers[0].image = "nginx:1.27".into();
    d.metadata.resource_version = rv;
    c.settle();
    let pods = pods_of(&c, "web-");
    assert_eq!(pods.len(), 2);
    assert!(pods.iter().all(|p| !old.contains(&p.metadata.name)));
    let rs: Vec<&Workload> = c
        .store
        .workloads
        .values()
        .filter(|w| w.kind == WorkloadKind::ReplicaSet && w.metadata.namespace == "default")
        .collect();
    assert_eq!(rs.len(), 2);
    assert_eq!(rs.iter().filter(|r| r.spec.replicas == Some(0)).count(), 1);
}

#[test]
fn statefulset_is_ordered_with_stable_hostnames() {
    let mut c = new_cluster();
    add_service(&mut c, "db", "db", IntOrString::Int(5432), true);
    add_workload(&mut c, WorkloadKind::StatefulSet, "db", 3, "db", &[]);
    c.advance(0);
    assert_eq!(pods_of(&c, "db-").len(), 1);
    c.advance(SANDBOX_MS + START_MS);
    assert_eq!(
        pods_of(&c, "db-").len(),
        1,
        "db-1 waits for db-0 to be Ready"
    );
    c.advance(READY_MS);
    let names: Vec<String> = pods_of(&c, "db-")
        .iter()
        .map(|p| p.metadata.name.clone())
        .collect();
    assert_eq!(names, ["db-0", "db-1"]);
    c.settle();
    let pods = pods_of(&c, "db-");
    let names: Vec<&str> = pods.iter().map(|p| p.metadata.name.as_str()).collect();
    assert_eq!(names, ["db-0", "db-1", "db-2"]);
    for (i, p) in pods.iter().enumerate() {
        assert_eq!(p.spec.hostname, p.metadata.name);
        assert_eq!(p.spec.subdomain, "db");
        assert_eq!(
            p.metadata.labels.get("statefulset.kubernetes.io/pod-name"),
            Some(&p.metadata.name)
        );
        assert_eq!(
            p.metadata.labels.get("apps.kubernetes.io/pod-index"),
            Some(&i.to_string())
        );
    }
    let slices = slices_of(&c, "db");
    assert_eq!(slices.len(), 1);
    assert_eq!(
        slices[0]
            .metadata
            .labels
            .get(HEADLESS_LABEL)
            .map(String::as_str),
        Some("")
    );
    let mut hostnames: Vec<String> = slices[0]
        .endpoints
        .iter()
        .filter_map(|e| e.hostname.clone())
        .collect();
    hostnames.sort();
    assert_eq!(hostnames, ["db-0", "db-1", "db-2"]);
    // Scale down removes the highest ordinal.
    let key = (WorkloadKind::StatefulSet, ObjectKey::new("default", "db"));
    let rv = c.next_resource_version();
    let s = c.store.workloads.get_mut(&key).unwrap();
    s.spec.replicas = Some(2);
    s.metadata.resource_version = rv;
    c.settle();
    let names: Vec<String> = pods_of(&c, "db-")
        .iter()
        .map(|p| p.metadata.name.clone())
        .collect();
    assert_eq!(names, ["db-0", "db-1"]);
}

#[test]
fn daemonset_runs_one_pod_per_eligible_node() {
    let mut c = new_cluster();
    add_workload(&mut c, WorkloadKind::DaemonSet, "agent", 0, "agent", &[]);
    c.settle();
    let mut nodes: Vec<String> = pods_of(&c, "agent-")
        .iter()
        .map(|p| p.spec.node_name.clone())
        .collect();
    nodes.sort();
    // The control-plane taint is not tolerated.
    assert_eq!(nodes, ["kind-worker", "kind-worker2"]);
    // A new node joins: it gets a podCIDR, an address and a daemon pod.
    let mut n = c.store.nodes.get("kind-worker2").unwrap().clone();
    n.metadata.name = "kind-worker3".into();
    n.metadata.uid = c.rng.uuid();
    n.metadata.resource_version = c.next_resource_version();
    n.spec.pod_cidr.clear();
    n.spec.pod_cidrs.clear();
    n.status.addresses.clear();
    c.store.nodes.insert("kind-worker3".into(), n);
    c.settle();
    let n3 = c.store.nodes.get("kind-worker3").unwrap();
    assert_eq!(n3.spec.pod_cidr, "10.244.3.0/24");
    assert_eq!(n3.internal_ip(), Some("172.18.0.5"));
    assert_eq!(pods_of(&c, "agent-").len(), 3);
}

fn add_pod(c: &mut Cluster, name: &str, app: &str, ports: &[(&str, i32)]) {
    let mut m = meta(c, "default", name);
    m.labels = labels(&[("app", app)]);
    let pod = Pod {
        metadata: m,
        spec: crate::api::core::PodSpec {
            containers: vec![container(ports)],
            ..Default::default()
        },
        status: Default::default(),
    };
    c.store.pods.insert(ObjectKey::new("default", name), pod);
}

#[test]
fn named_target_port_is_resolved_per_pod_and_splits_slices() {
    let mut c = new_cluster();
    add_pod(&mut c, "a", "web", &[("http", 8080)]);
    add_pod(&mut c, "b", "web", &[("http", 9090)]);
    add_pod(&mut c, "d", "web", &[("metrics", 9100)]);
    add_service(
        &mut c,
        "web",
        "web",
        IntOrString::String("http".into()),
        false,
    );
    c.settle();
    let slices = slices_of(&c, "web");
    assert_eq!(slices.len(), 3);
    let mut by_port: Vec<(Option<i32>, usize)> = slices
        .iter()
        .map(|s| (s.ports.first().and_then(|p| p.port), s.endpoints.len()))
        .collect();
    by_port.sort();
    // The pod without the named port sits in a slice with no ports.
    assert_eq!(by_port, [(None, 1), (Some(8080), 1), (Some(9090), 1)]);
    let ep = c
        .store
        .endpoints
        .get(&ObjectKey::new("default", "web"))
        .unwrap();
    let ports: Vec<i32> = ep
        .subsets
        .iter()
        .flat_map(|s| s.ports.iter().map(|p| p.port))
        .collect();
    assert_eq!(ports.len(), 2, "Endpoints omit the pod that lacks the port");
}

#[test]
fn many_endpoints_are_packed_100_100_50() {
    // Three workers: two kind workers hold at most 2 × 108 pods (maxPods 110).
    let mut kind = crate::api::setup::KindCluster::default();
    for role in ["control-plane", "worker", "worker", "worker"] {
        kind.nodes.push(crate::api::setup::KindNode {
            role: role.to_string(),
            labels: BTreeMap::new(),
        });
    }
    let mut c = Cluster::new(crate::config::ClusterConfig::from_kind(&kind), 0);
    add_workload(&mut c, WorkloadKind::Deployment, "big", 250, "big", &[]);
    add_service(&mut c, "big", "big", IntOrString::Int(80), false);
    c.settle();
    let mut sizes: Vec<usize> = slices_of(&c, "big")
        .iter()
        .map(|s| s.endpoints.len())
        .collect();
    sizes.sort_unstable();
    assert_eq!(sizes, [50, 100, 100]);
    let names: Vec<(String, String)> = slices_of(&c, "big")
        .iter()
        .map(|s| (s.metadata.name.clone(), s.metadata.resource_version.clone()))
        .collect();
    // No churn: nothing changes when nothing happens.
    c.advance(60_000);
    reconcile(&mut c);
    let again: Vec<(String, String)> = slices_of(&c, "big")
        .iter()
        .map(|s| (s.metadata.name.clone(), s.metadata.resource_version.clone()))
        .collect();
    assert_eq!(names, again);
}

#[test]
fn placeholder_slice_then_reused_for_the_first_endpoint() {
    let mut c = new_cluster();
    add_service(&mut c, "lonely", "nobody", IntOrString::Int(80), false);
    c.settle();
    let slices = slices_of(&c, "lonely");
    assert_eq!(slices.len(), 1);
    assert!(slices[0].endpoints.is_empty() && slices[0].ports.is_empty());
    let name = slices[0].metadata.name.clone();
    assert!(name.starts_with("lonely-"));
    let labels = &slices[0].metadata.labels;
    assert_eq!(labels.get("team").map(String::as_str), Some("a"));
    assert_eq!(
        labels
            .get(crate::api::discovery::SERVICE_NAME_LABEL)
            .map(String::as_str),
        Some("lonely")
    );
    assert_eq!(
        labels
            .get(crate::api::discovery::MANAGED_BY_LABEL)
            .map(String::as_str),
        Some("endpointslice-controller.k8s.io")
    );
    assert!(!labels.contains_key(HEADLESS_LABEL));
    let owner = slices[0].metadata.controller_of().unwrap();
    assert_eq!(
        (owner.kind.as_str(), owner.api_version.as_str()),
        ("Service", "v1")
    );
    add_workload(&mut c, WorkloadKind::Deployment, "nobody", 1, "nobody", &[]);
    c.settle();
    let slices = slices_of(&c, "lonely");
    assert_eq!(slices.len(), 1);
    assert_eq!(
        slices[0].metadata.name, name,
        "finalize reuses the placeholder's name"
    );
    assert_eq!(slices[0].endpoints.len(), 1);
    // Service deleted: the garbage collector removes its slices and Endpoints.
    c.store
        .services
        .remove(&ObjectKey::new("default", "lonely"));
    c.settle();
    assert!(slices_of(&c, "lonely").is_empty());
    assert!(!c
        .store
        .endpoints
        .contains_key(&ObjectKey::new("default", "lonely")));
}

#[test]
fn publish_not_ready_addresses_marks_everything_ready() {
    let mut c = new_cluster();
    add_pod(&mut c, "p", "web", &[]);
    // Pasted with observed state: Running, Ready=False.
    let key = ObjectKey::new("default", "p");
    {
        let p = c.store.pods.get_mut(&key).unwrap();
        p.spec.node_name = "kind-worker".into();
        p.status.phase = "Running".into();
        p.status.pod_ip = "10.244.1.77".into();
        p.status.conditions.push(crate::api::core::PodCondition {
            type_: "Ready".into(),
            status: "False".into(),
            last_transition_time: None,
        });
    }
    add_service(&mut c, "web", "web", IntOrString::Int(80), false);
    add_service(&mut c, "web-all", "web", IntOrString::Int(80), false);
    c.store
        .services
        .get_mut(&ObjectKey::new("default", "web-all"))
        .unwrap()
        .spec
        .publish_not_ready_addresses = true;
    c.settle();
    let p = c.store.pods.get(&key).unwrap();
    assert!(!p.is_ready(), "observed state is honoured");
    let s = slices_of(&c, "web")[0];
    assert_eq!(s.endpoints[0].conditions.ready, Some(false));
    assert_eq!(s.endpoints[0].addresses, ["10.244.1.77"]);
    let s = slices_of(&c, "web-all")[0];
    assert_eq!(s.endpoints[0].conditions.ready, Some(true));
    assert_eq!(s.endpoints[0].conditions.serving, Some(false));
    let ep = c
        .store
        .endpoints
        .get(&ObjectKey::new("default", "web"))
        .unwrap();
    assert_eq!(ep.subsets[0].not_ready_addresses.len(), 1);
    // The pasted IP is reserved: the next pod on kind-worker does not get it.
    assert!(!c
        .alloc
        .pod_ips
        .get_mut("kind-worker")
        .unwrap()
        .reserve("10.244.1.77".parse().unwrap()));
}

#[test]
fn load_balancer_is_pending_then_assigned() {
    let mut c = new_cluster();
    add_service(&mut c, "lb", "web", IntOrString::Int(80), false);
    let key = ObjectKey::new("default", "lb");
    c.store.services.get_mut(&key).unwrap().spec.type_ = "LoadBalancer".into();
    c.advance(0);
    assert!(c
        .store
        .services
        .get(&key)
        .unwrap()
        .status
        .load_balancer
        .ingress
        .is_empty());
    c.advance(PROVISION_MS);
    let svc = c.store.services.get(&key).unwrap();
    assert_eq!(svc.status.load_balancer.ingress[0].ip, "172.18.255.200");
    assert_eq!(
        svc.status.load_balancer.ingress[0].ip_mode.as_deref(),
        Some("VIP")
    );
    assert!(c
        .events
        .iter()
        .any(|e| e.reason == "IPAllocated" && e.message == "Assigned IP [\"172.18.255.200\"]"));
    // Back to ClusterIP: the address is released and the status cleared.
    let rv = c.next_resource_version();
    let svc = c.store.services.get_mut(&key).unwrap();
    svc.spec.type_ = "ClusterIP".into();
    svc.metadata.resource_version = rv;
    c.settle();
    assert!(c
        .store
        .services
        .get(&key)
        .unwrap()
        .status
        .load_balancer
        .ingress
        .is_empty());
    assert!(!c.alloc.lb.is_used("172.18.255.200"));
}

#[test]
fn unschedulable_pod_stays_pending_with_the_schedulers_message() {
    let mut c = new_cluster();
    add_pod(&mut c, "picky", "x", &[]);
    c.store
        .pods
        .get_mut(&ObjectKey::new("default", "picky"))
        .unwrap()
        .spec
        .node_selector = labels(&[("disk", "ssd")]);
    c.settle();
    let p = c.store.pod("default", "picky").unwrap();
    assert!(p.spec.node_name.is_empty());
    let e = c
        .events
        .iter()
        .find(|e| e.reason == "FailedScheduling")
        .unwrap();
    assert_eq!(
        e.message,
        "0/3 nodes are available: 1 node(s) had untolerated taint {node-role.kubernetes.io/control-plane: }, 2 node(s) didn't match Pod's node affinity/selector. preemption: 0/3 nodes are available: 3 Preemption is not helpful for scheduling."
    );
}

#[test]
fn same_seed_same_cluster() {
    let run = |seed| {
        let mut c = Cluster::new(ClusterConfig::default(), seed);
        add_workload(&mut c, WorkloadKind::Deployment, "web", 4, "web", &[]);
        add_service(&mut c, "web", "web", IntOrString::Int(80), false);
        c.settle();
        let pods: Vec<(String, String, String)> = c
            .store
            .pods
            .values()
            .map(|p| {
                (
                    p.metadata.name.clone(),
                    p.spec.node_name.clone(),
                    p.status.pod_ip.clone(),
                )
            })
            .collect();
        let slices: Vec<String> = c
            .store
            .endpoint_slices
            .keys()
            .map(|k| k.to_string())
            .collect();
        (pods, slices)
    };
    assert_eq!(run(3), run(3));
    assert_ne!(run(3).0, run(4).0);
}

#[test]
fn load_balancer_pool_exhaustion_is_reported_and_retried() {
    let mut config = ClusterConfig::default();
    let mut pool = crate::config::default_pool();
    pool.spec.addresses = vec!["172.18.255.200/32".into()];
    config.lb_pools = vec![pool];
    let mut c = Cluster::new(config, 1);
    for name in ["a", "b"] {
        add_service(&mut c, name, "web", IntOrString::Int(80), false);
        c.store
            .services
            .get_mut(&ObjectKey::new("default", name))
            .unwrap()
            .spec
            .type_ = "LoadBalancer".into();
    }
    c.settle();
    let ip = |c: &Cluster, n: &str| {
        c.store
            .service("default", n)
            .and_then(|s| s.status.load_balancer.ingress.first().map(|i| i.ip.clone()))
    };
    assert_eq!(ip(&c, "a").as_deref(), Some("172.18.255.200"));
    assert_eq!(ip(&c, "b"), None);
    let failed = c
        .events
        .iter()
        .find(|e| e.reason == "AllocationFailed")
        .unwrap();
    assert_eq!(failed.type_, "Warning");
    assert_eq!(
        failed.message,
        "Failed to allocate IP for \"default/b\": no available IPs"
    );
    // `a` goes away: `b` gets the address.
    c.store.services.remove(&ObjectKey::new("default", "a"));
    c.settle();
    assert_eq!(ip(&c, "b").as_deref(), Some("172.18.255.200"));
}

#[test]
fn endpoints_over_capacity_are_truncated_ready_first() {
    use crate::api::core::{EndpointAddress, EndpointSubset};
    let addr = |i: usize| EndpointAddress {
        ip: format!("10.0.{}.{}", i / 250, i % 250),
        ..Default::default()
    };
    let mut subsets = vec![
        EndpointSubset {
            addresses: (0..600).map(addr).collect(),
            not_ready_addresses: (600..1000).map(addr).collect(),
            ports: Vec::new(),
        },
        EndpointSubset {
            addresses: (1000..1300).map(addr).collect(),
            not_ready_addresses: Vec::new(),
            ports: Vec::new(),
        },
    ];
    assert!(endpoints::truncate(&mut subsets));
    let ready: usize = subsets.iter().map(|s| s.addresses.len()).sum();
    let not_ready: usize = subsets.iter().map(|s| s.not_ready_addresses.len()).sum();
    assert_eq!((ready, not_ready), (900, 100));
    let mut small = vec![EndpointSubset {
        addresses: (0..10).map(addr).collect(),
        not_ready_addresses: Vec::new(),
        ports: Vec::new(),
    }];
    assert!(!endpoints::truncate(&mut small));
}

/// A new Deployment sets no timer until its controller has run; the cluster must still report
/// work pending, or a caller that waits for `is_settled` (the page's frame loop) never runs it.
#[test]
fn a_change_the_controllers_have_not_seen_is_not_settled() {
    let mut c = Cluster::new(ClusterConfig::default(), 1);
    assert!(c.is_settled());
    add_workload(
        &mut c,
        WorkloadKind::Deployment,
        "web",
        2,
        "web",
        &[("http", 80)],
    );
    assert!(c.timers.is_empty());
    assert!(!c.is_settled());
    c.settle();
    assert!(c.is_settled());
    assert_eq!(pods_of(&c, "web-").len(), 2);
    let victim = pods_of(&c, "web-")[0].metadata.name.clone();
    delete_pod(&mut c, &victim);
    assert!(!c.is_settled());
    c.settle();
    assert!(c.is_settled());
}

#[test]
fn reconciling_services_a_few_at_a_time_writes_what_reconciling_at_once_writes() {
    use crate::cluster::Manifests;
    use crate::manifest::Source;
    let mut text = String::from(
        "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  replicas: 3\n  selector:\n    matchLabels:\n      app: web\n  template:\n    metadata:\n      labels:\n        app: web\n    spec:\n      containers:\n      - name: web\n        image: nginx\n        ports:\n        - containerPort: 80\n",
    );
    for i in 0..40 {
        let kind = if i % 3 == 0 { "NodePort" } else { "ClusterIP" };
        text.push_str(&format!("---\napiVersion: v1\nkind: Service\nmetadata:\n  name: s{i}\nspec:\n  type: {kind}\n  selector:\n    app: web\n  ports:\n  - port: 80\n"));
    }
    let manifests = Manifests::parse(&Source::new("f.yaml", text));
    let fresh = || {
        let mut c = Cluster::new(manifests.cluster_config(), 5);
        assert!(c.apply_manifests(&manifests).iter().all(|r| r.is_ok()));
        c
    };
    let mut once = fresh();
    once.settle();
    let mut stepped = fresh();
    let mut calls = 0;
    while !stepped.catch_up(7) {
        calls += 1;
        assert!(services_queued(&stepped) > 0);
    }
    // The first call observes the 40-odd new objects (its whole budget), then 7 a call.
    assert_eq!(calls, 6);
    assert!(stepped.catch_up(7), "nothing is left");
    stepped.settle();
    assert_eq!(format!("{:?}", stepped.store), format!("{:?}", once.store));
    assert_eq!(stepped.now, once.now);
    assert_eq!(stepped.generation(), once.generation());
}

/// Issue 13, item 10: MetalLB's `metallb.io/address-pool` picks the pool (even one that does
/// not auto-assign), its deprecated `metallb.universe.tf/` names are read too, and an unknown
/// or exhausted pool is `AllocationFailed` with the allocator's words
/// (metallb `internal/allocator` `AllocateFromPool`).
#[test]
fn load_balancer_address_pool_annotation_picks_the_pool() {
    let mut config = ClusterConfig::default();
    let mut reserved = crate::config::default_pool();
    reserved.metadata.name = "reserved".into();
    reserved.spec.addresses = vec!["172.18.254.10-172.18.254.11".into()];
    reserved.spec.auto_assign = Some(false);
    config.lb_pools = vec![crate::config::default_pool(), reserved];
    let mut c = Cluster::new(config, 1);
    let annotated = [
        ("a", "metallb.io/address-pool", "reserved"),
        ("b", "metallb.universe.tf/address-pool", "reserved"),
        ("c", "metallb.io/address-pool", "reserved"),
        ("d", "metallb.io/address-pool", "nope"),
        ("e", "metallb.universe.tf/loadBalancerIPs", "172.18.255.210"),
        ("f", "unrelated/annotation", "x"),
        ("g", "metallb.io/loadBalancerIPs", "172.18.255.211"),
        ("h", "metallb.io/loadBalancerIPs", "172.18.255.212"),
        ("i", "metallb.io/loadBalancerIPs", "172.18.255.x"),
        ("j", "metallb.io/loadBalancerIPs", "fc00:f853:ccd:e793::10"),
        ("k", "metallb.io/loadBalancerIPs", "10.0.0.1"),
    ];
    for (name, key, value) in annotated {
        add_service(&mut c, name, "web", IntOrString::Int(80), false);
        let svc = c
            .store
            .services
            .get_mut(&ObjectKey::new("default", name))
            .unwrap();
        svc.spec.type_ = "LoadBalancer".into();
        svc.metadata.annotations.insert(key.into(), value.into());
        match name {
            // An address from another pool than the one asked for.
            "g" => {
                svc.metadata
                    .annotations
                    .insert("metallb.io/address-pool".into(), "reserved".into());
            }
            // The annotation and the deprecated field together.
            "h" => svc.spec.load_balancer_ip = "172.18.255.213".into(),
            _ => {}
        }
    }
    c.settle();
    let ip = |n: &str| {
        c.store
            .service("default", n)
            .and_then(|s| s.status.load_balancer.ingress.first().map(|i| i.ip.clone()))
    };
    assert_eq!(ip("a").as_deref(), Some("172.18.254.10"));
    assert_eq!(ip("b").as_deref(), Some("172.18.254.11"));
    assert_eq!(ip("c"), None);
    assert_eq!(ip("d"), None);
    assert_eq!(ip("e").as_deref(), Some("172.18.255.210"));
    // Without an annotation: the first auto-assigning pool, never "reserved".
    assert_eq!(ip("f").as_deref(), Some("172.18.255.200"));
    let failed = |n: &str| {
        c.events
            .iter()
            .find(|e| e.reason == "AllocationFailed" && e.message.contains(&format!("default/{n}")))
            .map(|e| e.message.clone())
    };
    assert_eq!(
        failed("c").as_deref(),
        Some("Failed to allocate IP for \"default/c\": no available IPs in pool \"reserved\"")
    );
    assert_eq!(
        failed("d").as_deref(),
        Some("Failed to allocate IP for \"default/d\": unknown pool \"nope\"")
    );
    // metallb `controller/service.go` `allocateIPs` / `getDesiredLbIPs`.
    for (name, why) in [
        ("g", "requested loadBalancer IP(s) [\"172.18.255.211\"] is not compatible with requested address pool reserved"),
        ("h", "service can not have both metallb.io/loadBalancerIPs and svc.Spec.LoadBalancerIP"),
        ("i", "invalid metallb.io/loadBalancerIPs: \"172.18.255.x\""),
        ("j", "requested loadBalancer IP(s) [\"fc00:f853:ccd:e793::10\"] does not match the ipFamily of the service"),
        ("k", "[\"10.0.0.1\"] is not allowed in config"),
    ] {
        assert_eq!(
            failed(name),
            Some(format!("Failed to allocate IP for \"default/{name}\": {why}")),
            "{name}"
        );
        assert_eq!(ip(name), None, "{name}");
    }
    // The address refused for "g" is free again.
    assert!(!c.alloc.lb.is_used("172.18.255.211"));
    assert_eq!(
        c.store
            .service("default", "a")
            .unwrap()
            .metadata
            .annotations[super::loadbalancer::POOL_ANNOTATION],
        "reserved"
    );
}

/// How long a deleted pod stays: preStop (the longest of its containers) then the exit on
/// SIGTERM, within the grace period; a hook still running at its end gets the kubelet's 2 s.
#[test]
fn shutdown_time_follows_prestop_hooks_and_the_grace_period() {
    use crate::api::core::{Lifecycle, LifecycleHandler, SleepAction};
    let pod = |grace: i64, sleeps: &[i64]| {
        let mut p = Pod::default();
        p.spec.termination_grace_period_seconds = Some(grace);
        p.spec.containers = sleeps
            .iter()
            .map(|&s| Container {
                lifecycle: (s > 0).then(|| Lifecycle {
                    pre_stop: Some(LifecycleHandler {
                        sleep: Some(SleepAction { seconds: s }),
                        ..Default::default()
                    }),
                }),
                ..container(&[])
            })
            .collect();
        p
    };
    assert_eq!(shutdown_ms(&pod(30, &[0])), crate::cluster::POD_SHUTDOWN_MS);
    assert_eq!(
        shutdown_ms(&pod(30, &[5, 15])),
        15_000 + crate::cluster::POD_SHUTDOWN_MS
    );
    assert_eq!(shutdown_ms(&pod(16, &[15])), 16_000);
    assert_eq!(shutdown_ms(&pod(15, &[15])), 17_000);
    assert_eq!(shutdown_ms(&pod(0, &[0])), 0);
}

/// Issue 13, item 10: `metallb.io/allow-shared-ip` (metallb `internal/allocator`
/// `checkSharing`, `sharingOK`): Services with one key share the first address that is free
/// or shareable when their ports differ; another key, no key, a port in use or another backend
/// (`externalTrafficPolicy: Local` with another selector) keep them apart, and asking for a
/// held address gives MetalLB's words. The address is freed with its last Service.
#[test]
fn load_balancers_share_an_address_with_allow_shared_ip() {
    let mut c = Cluster::new(ClusterConfig::default(), 1);
    let add = |c: &mut Cluster,
               name: &str,
               port: (&str, i32),
               annotations: &[(&str, &str)],
               local: bool| {
        add_service(c, name, "dns", IntOrString::Int(53), false);
        let svc = c
            .store
            .services
            .get_mut(&ObjectKey::new("default", name))
            .unwrap();
        svc.spec.type_ = "LoadBalancer".into();
        svc.spec.ports[0].protocol = port.0.into();
        svc.spec.ports[0].port = port.1;
        if local {
            svc.spec.external_traffic_policy = "Local".into();
            svc.spec.selector = labels(&[("app", "other")]);
        }
        for (k, v) in annotations {
            svc.metadata.annotations.insert((*k).into(), (*v).into());
        }
        c.settle();
    };
    let shared = [("metallb.io/allow-shared-ip", "dns")];
    add(&mut c, "dns-tcp", ("TCP", 53), &shared, false);
    add(
        &mut c,
        "dns-udp",
        ("UDP", 53),
        &[("metallb.universe.tf/allow-shared-ip", "dns")],
        false,
    );
    add(&mut c, "other", ("TCP", 80), &[], false);
    add(&mut c, "dns-tcp2", ("TCP", 53), &shared, false);
    add(&mut c, "local", ("TCP", 8053), &shared, true);
    add(
        &mut c,
        "wants-200",
        ("TCP", 8080),
        &[("metallb.io/loadBalancerIPs", "172.18.255.200")],
        false,
    );
    add(
        &mut c,
        "wants-200-udp53",
        ("UDP", 53),
        &[("metallb.io/loadBalancerIPs", "172.18.255.200"), shared[0]],
        false,
    );
    add(
        &mut c,
        "wants-200-tcp80",
        ("TCP", 80),
        &[("metallb.io/loadBalancerIPs", "172.18.255.200"), shared[0]],
        false,
    );
    let ip = |c: &Cluster, n: &str| {
        c.store
            .service("default", n)
            .and_then(|s| s.status.load_balancer.ingress.first().map(|i| i.ip.clone()))
    };
    assert_eq!(ip(&c, "dns-tcp").as_deref(), Some("172.18.255.200"));
    assert_eq!(ip(&c, "dns-udp").as_deref(), Some("172.18.255.200"));
    assert_eq!(ip(&c, "other").as_deref(), Some("172.18.255.201"));
    assert_eq!(ip(&c, "dns-tcp2").as_deref(), Some("172.18.255.202"));
    assert_eq!(ip(&c, "local").as_deref(), Some("172.18.255.203"));
    assert_eq!(ip(&c, "wants-200-tcp80").as_deref(), Some("172.18.255.200"));
    let failed = |c: &Cluster, n: &str| {
        c.events
            .iter()
            .find(|e| e.reason == "AllocationFailed" && e.object == format!("service/{n}"))
            .map(|e| e.message.clone())
    };
    assert_eq!(
        failed(&c, "wants-200").as_deref(),
        Some("Failed to allocate IP for \"default/wants-200\": can't change sharing key for \"default/wants-200\", address also in use by default/dns-tcp,default/dns-udp")
    );
    assert_eq!(
        failed(&c, "wants-200-udp53").as_deref(),
        Some("Failed to allocate IP for \"default/wants-200-udp53\": port UDP/53 is already in use on \"172.18.255.200\"")
    );
    // Freed only with the last of its Services.
    for name in ["dns-tcp", "dns-udp"] {
        c.delete("service", "default", name).unwrap();
        c.settle();
        assert!(c.alloc.lb.is_used("172.18.255.200"), "{name}");
    }
    c.delete("service", "default", "wants-200-tcp80").unwrap();
    c.settle();
    // The Service that wanted it gets it now.
    assert_eq!(ip(&c, "wants-200").as_deref(), Some("172.18.255.200"));
}
