//! What `kind create cluster` leaves behind, created in the order kind creates it: the
//! control plane (its Node, kubeadm's static pods, the `kubernetes` and `kube-dns` Services,
//! CoreDNS, kube-proxy, kindnet, the local-path provisioner) first — so CoreDNS and the
//! provisioner land on the control-plane node, the only node yet (10.244.0.2, .3 and .4) —
//! then the worker nodes join and get their kube-proxy and kindnet pods.

use super::state;
use crate::api::apps::{PodTemplateSpec, Workload, WorkloadKind, WorkloadSpec};
use crate::api::core::{
    Container, ContainerPort, EndpointAddress, EndpointSubset, Endpoints, EndpointsPort,
    IntOrString, Namespace, Node, NodeAddress, NodeCondition, Pod, PodSpec, PodStatus, Service,
    ServicePort, ServiceSpec, Taint, Toleration,
};
use crate::api::discovery::{
    Endpoint, EndpointConditions, EndpointPort, EndpointSlice, SERVICE_NAME_LABEL,
};
use crate::api::meta::{LabelSelector, ObjectMeta, OwnerReference};
use crate::cluster::Cluster;
use crate::config::NodeConfig;
use crate::ipv4::parse_ipv4;
use std::collections::BTreeMap;

fn labels(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
    pairs
        .iter()
        .map(|(k, v)| ((*k).to_string(), (*v).to_string()))
        .collect()
}

fn meta(c: &mut Cluster, namespace: &str, name: &str, l: &[(&str, &str)]) -> ObjectMeta {
    ObjectMeta {
        name: name.to_string(),
        namespace: namespace.to_string(),
        uid: c.rng.uuid(),
        creation_timestamp: Some(c.wall_now()),
        labels: labels(l),
        ..Default::default()
    }
}

fn tcp(name: &str, port: i32) -> ContainerPort {
    ContainerPort {
        name: name.to_string(),
        container_port: port,
        protocol: "TCP".to_string(),
        ..Default::default()
    }
}

fn container(name: &str, image: &str, ports: Vec<ContainerPort>) -> Container {
    Container {
        name: name.to_string(),
        image: image.to_string(),
        ports,
        restart_policy: None,
        lifecycle: None,
    }
}

fn toleration(key: &str, effect: &str) -> Toleration {
    Toleration {
        key: key.to_string(),
        operator: "Exists".to_string(),
        value: String::new(),
        effect: effect.to_string(),
    }
}

/// Everything tolerated (`- operator: Exists`), as kube-proxy and kindnet do.
fn tolerate_all() -> Vec<Toleration> {
    vec![Toleration {
        operator: "Exists".to_string(),
        ..Default::default()
    }]
}

/// Create the objects of a fresh kind cluster (then `Cluster::new` settles it).
pub(super) fn run(c: &mut Cluster) {
    for ns in [
        "default",
        "kube-node-lease",
        "kube-public",
        "kube-system",
        "local-path-storage",
    ] {
        let m = meta(c, "", ns, &[("kubernetes.io/metadata.name", ns)]);
        state::put_namespace(c, Namespace { metadata: m });
    }
    let configs = c.config.nodes.clone();
    let has_workers = configs.iter().any(|n| !n.control_plane);
    let (control, workers): (Vec<NodeConfig>, Vec<NodeConfig>) =
        configs.into_iter().partition(|n| n.control_plane);
    for n in &control {
        add_node(c, n, has_workers);
    }
    let first_cp = control.first().cloned();
    c.create_default_service_cidr();
    services(c, first_cp.as_ref());
    for n in &control {
        static_pods(c, n);
    }
    daemonsets(c);
    deployments(c);
    // The control plane comes up and its add-ons are scheduled before any worker joins.
    super::reconcile(c);
    for n in &workers {
        add_node(c, n, has_workers);
    }
    super::reconcile(c);
}

fn add_node(c: &mut Cluster, n: &NodeConfig, has_workers: bool) {
    let mut m = meta(c, "", &n.name, &[]);
    m.labels = n.labels.clone();
    m.annotations = labels(&[
        (
            "kubeadm.alpha.kubernetes.io/cri-socket",
            "unix:///run/containerd/containerd.sock",
        ),
        ("node.alpha.kubernetes.io/ttl", "0"),
        (
            "volumes.kubernetes.io/controller-managed-attach-detach",
            "true",
        ),
    ]);
    let taints = if n.control_plane && has_workers {
        vec![Taint {
            key: "node-role.kubernetes.io/control-plane".to_string(),
            value: String::new(),
            effect: "NoSchedule".to_string(),
        }]
    } else {
        Vec::new()
    };
    let cond = |t: &str, s: &str| NodeCondition {
        type_: t.to_string(),
        status: s.to_string(),
    };
    let node = Node {
        metadata: m,
        spec: crate::api::core::NodeSpec {
            pod_cidr: n.pod_cidr.clone(),
            // Dual stack: one CIDR per family, IPv4 first (the cluster's primary family).
            pod_cidrs: std::iter::once(n.pod_cidr.clone())
                .chain(n.pod_cidr_v6.clone())
                .collect(),
            unschedulable: false,
            provider_id: format!("kind://docker/{}/{}", c.config.name, n.name),
            taints,
        },
        status: crate::api::core::NodeStatus {
            addresses: std::iter::once(n.internal_ip.clone())
                .chain(n.internal_ip_v6.clone())
                .map(|address| NodeAddress {
                    type_: "InternalIP".to_string(),
                    address,
                })
                .chain(std::iter::once(NodeAddress {
                    type_: "Hostname".to_string(),
                    address: n.name.clone(),
                }))
                .collect(),
            conditions: vec![
                cond("MemoryPressure", "False"),
                cond("DiskPressure", "False"),
                cond("PIDPressure", "False"),
                cond("Ready", "True"),
            ],
        },
    };
    state::put_node(c, node);
}

/// A Service created through the API server's allocation (so its ClusterIP is reserved).
fn create_service(c: &mut Cluster, mut svc: Service) {
    let result = c
        .alloc
        .allocate_service(&mut svc, None, &mut c.rng, |_| Vec::new());
    if let Ok(r) = result {
        c.alloc.commit(r);
    }
    let (ns, name) = (svc.metadata.namespace.clone(), svc.metadata.name.clone());
    state::put_service(c, svc);
    c.sync_service_ips(&ns, &name, &[]);
}

fn services(c: &mut Cluster, control_plane: Option<&NodeConfig>) {
    // default/kubernetes: the API server's own Service, no selector.
    let ip = c.config.kubernetes_service_ip();
    let m = meta(
        c,
        "default",
        "kubernetes",
        &[("component", "apiserver"), ("provider", "kubernetes")],
    );
    create_service(
        c,
        Service {
            metadata: m,
            spec: ServiceSpec {
                ports: vec![ServicePort {
                    name: "https".to_string(),
                    protocol: "TCP".to_string(),
                    port: 443,
                    target_port: Some(IntOrString::Int(6443)),
                    ..Default::default()
                }],
                cluster_ip: ip.clone(),
                cluster_ips: vec![ip],
                type_: "ClusterIP".to_string(),
                session_affinity: "None".to_string(),
                internal_traffic_policy: Some("Cluster".to_string()),
                ..Default::default()
            },
            status: Default::default(),
        },
    );
    // The API server's endpoint reconciler writes the `kubernetes` Endpoints and its slice.
    if let Some(cp) = control_plane {
        if parse_ipv4(&cp.internal_ip).is_some() {
            let m = meta(
                c,
                "default",
                "kubernetes",
                &[(super::SKIP_MIRROR_LABEL, "true")],
            );
            state::put_endpoints(
                c,
                Endpoints {
                    metadata: m,
                    subsets: vec![EndpointSubset {
                        addresses: vec![EndpointAddress {
                            ip: cp.internal_ip.clone(),
                            ..Default::default()
                        }],
                        not_ready_addresses: Vec::new(),
                        ports: vec![EndpointsPort {
                            name: "https".to_string(),
                            port: 6443,
                            protocol: "TCP".to_string(),
                            app_protocol: None,
                        }],
                    }],
                },
            );
            let mut m = meta(
                c,
                "default",
                "kubernetes",
                &[(SERVICE_NAME_LABEL, "kubernetes")],
            );
            m.generation = Some(1);
            state::put_slice(
                c,
                EndpointSlice {
                    metadata: m,
                    address_type: "IPv4".to_string(),
                    endpoints: vec![Endpoint {
                        addresses: vec![cp.internal_ip.clone()],
                        conditions: EndpointConditions {
                            ready: Some(true),
                            serving: None,
                            terminating: None,
                        },
                        ..Default::default()
                    }],
                    ports: vec![EndpointPort {
                        name: Some("https".to_string()),
                        protocol: Some("TCP".to_string()),
                        port: Some(6443),
                        app_protocol: None,
                    }],
                },
            );
        }
    }
    // kube-system/kube-dns: CoreDNS, at the 10th address of the service range.
    let ip = c.config.dns_service_ip();
    let mut m = meta(
        c,
        "kube-system",
        "kube-dns",
        &[
            ("k8s-app", "kube-dns"),
            ("kubernetes.io/cluster-service", "true"),
            ("kubernetes.io/name", "CoreDNS"),
        ],
    );
    m.annotations = labels(&[
        ("prometheus.io/port", "9153"),
        ("prometheus.io/scrape", "true"),
    ]);
    let port = |name: &str, proto: &str, p: i32| ServicePort {
        name: name.to_string(),
        protocol: proto.to_string(),
        port: p,
        target_port: Some(IntOrString::Int(p)),
        ..Default::default()
    };
    create_service(
        c,
        Service {
            metadata: m,
            spec: ServiceSpec {
                ports: vec![
                    port("dns", "UDP", 53),
                    port("dns-tcp", "TCP", 53),
                    port("metrics", "TCP", 9153),
                ],
                selector: labels(&[("k8s-app", "kube-dns")]),
                cluster_ip: ip.clone(),
                cluster_ips: vec![ip],
                type_: "ClusterIP".to_string(),
                session_affinity: "None".to_string(),
                internal_traffic_policy: Some("Cluster".to_string()),
                ..Default::default()
            },
            status: Default::default(),
        },
    );
}

/// A static pod: component, image, annotations.
type StaticPod<'a> = (&'a str, String, Vec<(&'a str, String)>);

/// kubeadm's static pods, mirrored into the API as `<component>-<node>` (hostNetwork, owned
/// by their Node).
fn static_pods(c: &mut Cluster, n: &NodeConfig) {
    let node_uid = c
        .store
        .nodes
        .get(&n.name)
        .map(|x| x.metadata.uid.clone())
        .unwrap_or_default();
    let version = c.config.kubernetes_version.clone();
    let ip = n.internal_ip.clone();
    let comps: [StaticPod; 4] = [
        (
            "etcd",
            "registry.k8s.io/etcd:3.6.4-0".to_string(),
            vec![(
                "kubeadm.kubernetes.io/etcd.advertise-client-urls",
                format!("https://{ip}:2379"),
            )],
        ),
        (
            "kube-apiserver",
            format!("registry.k8s.io/kube-apiserver:{version}"),
            vec![(
                "kubeadm.kubernetes.io/kube-apiserver.advertise-address.endpoint",
                format!("{ip}:6443"),
            )],
        ),
        (
            "kube-controller-manager",
            format!("registry.k8s.io/kube-controller-manager:{version}"),
            vec![],
        ),
        (
            "kube-scheduler",
            format!("registry.k8s.io/kube-scheduler:{version}"),
            vec![],
        ),
    ];
    for (comp, image, annotations) in comps {
        let name = format!("{comp}-{}", n.name);
        let mut m = meta(
            c,
            "kube-system",
            &name,
            &[("component", comp), ("tier", "control-plane")],
        );
        m.annotations = annotations
            .into_iter()
            .map(|(k, v)| (k.to_string(), v))
            .collect();
        m.owner_references = vec![OwnerReference {
            api_version: "v1".to_string(),
            kind: "Node".to_string(),
            name: n.name.clone(),
            uid: node_uid.clone(),
            controller: Some(true),
            block_owner_deletion: None,
        }];
        let pod = Pod {
            metadata: m,
            spec: PodSpec {
                containers: vec![container(comp, &image, Vec::new())],
                node_name: n.name.clone(),
                host_network: true,
                dns_policy: "ClusterFirst".to_string(),
                restart_policy: "Always".to_string(),
                tolerations: vec![Toleration {
                    operator: "Exists".to_string(),
                    effect: "NoExecute".to_string(),
                    ..Default::default()
                }],
                termination_grace_period_seconds: Some(30),
                ..Default::default()
            },
            status: PodStatus {
                phase: "Pending".to_string(),
                ..Default::default()
            },
        };
        state::put_pod(c, pod);
    }
}

fn workload(
    c: &mut Cluster,
    (kind, namespace, name): (WorkloadKind, &str, &str),
    obj_labels: &[(&str, &str)],
    replicas: Option<i32>,
    template_labels: &[(&str, &str)],
    spec: PodSpec,
) {
    let mut m = meta(c, namespace, name, obj_labels);
    m.generation = Some(1);
    let w = Workload {
        kind,
        metadata: m,
        spec: WorkloadSpec {
            replicas,
            selector: Some(LabelSelector {
                match_labels: labels(template_labels),
                match_expressions: Vec::new(),
            }),
            template: PodTemplateSpec {
                metadata: ObjectMeta {
                    labels: labels(template_labels),
                    ..Default::default()
                },
                spec,
            },
            service_name: String::new(),
        },
        status: Default::default(),
    };
    state::put_workload(c, w, true);
}

fn daemonsets(c: &mut Cluster) {
    let version = c.config.kubernetes_version.clone();
    let linux = labels(&[("kubernetes.io/os", "linux")]);
    workload(
        c,
        (WorkloadKind::DaemonSet, "kube-system", "kindnet"),
        &[("app", "kindnet"), ("k8s-app", "kindnet"), ("tier", "node")],
        None,
        &[("app", "kindnet"), ("k8s-app", "kindnet"), ("tier", "node")],
        PodSpec {
            containers: vec![container(
                "kindnet-cni",
                "docker.io/kindest/kindnetd:v20250512-df8de77b",
                Vec::new(),
            )],
            host_network: true,
            tolerations: tolerate_all(),
            node_selector: linux.clone(),
            ..Default::default()
        },
    );
    workload(
        c,
        (WorkloadKind::DaemonSet, "kube-system", "kube-proxy"),
        &[("k8s-app", "kube-proxy")],
        None,
        &[("k8s-app", "kube-proxy")],
        PodSpec {
            containers: vec![container(
                "kube-proxy",
                &format!("registry.k8s.io/kube-proxy:{version}"),
                Vec::new(),
            )],
            host_network: true,
            tolerations: tolerate_all(),
            node_selector: linux,
            ..Default::default()
        },
    );
}

fn deployments(c: &mut Cluster) {
    let udp = |name: &str, port: i32| ContainerPort {
        name: name.to_string(),
        container_port: port,
        protocol: "UDP".to_string(),
        ..Default::default()
    };
    let cp_tolerations = vec![
        toleration("CriticalAddonsOnly", ""),
        Toleration {
            key: "node-role.kubernetes.io/control-plane".to_string(),
            operator: String::new(),
            value: String::new(),
            effect: "NoSchedule".to_string(),
        },
    ];
    workload(
        c,
        (WorkloadKind::Deployment, "kube-system", "coredns"),
        &[("k8s-app", "kube-dns")],
        Some(2),
        &[("k8s-app", "kube-dns")],
        PodSpec {
            containers: vec![container(
                "coredns",
                "registry.k8s.io/coredns/coredns:v1.12.1",
                vec![udp("dns", 53), tcp("dns-tcp", 53), tcp("metrics", 9153)],
            )],
            dns_policy: "Default".to_string(),
            tolerations: cp_tolerations,
            node_selector: labels(&[("kubernetes.io/os", "linux")]),
            ..Default::default()
        },
    );
    workload(
        c,
        (
            WorkloadKind::Deployment,
            "local-path-storage",
            "local-path-provisioner",
        ),
        &[],
        Some(1),
        &[("app", "local-path-provisioner")],
        PodSpec {
            containers: vec![container(
                "local-path-provisioner",
                "docker.io/kindest/local-path-provisioner:v20250214-acbabc1a",
                Vec::new(),
            )],
            tolerations: vec![
                Toleration {
                    key: "node-role.kubernetes.io/control-plane".to_string(),
                    operator: "Equal".to_string(),
                    value: String::new(),
                    effect: "NoSchedule".to_string(),
                },
                Toleration {
                    key: "node-role.kubernetes.io/master".to_string(),
                    operator: "Equal".to_string(),
                    value: String::new(),
                    effect: "NoSchedule".to_string(),
                },
            ],
            node_selector: labels(&[("kubernetes.io/os", "linux")]),
            ..Default::default()
        },
    );
}
