//! Generated clusters, for benchmarks and for showing what scale does (a class can paste the
//! output): a kind config with many nodes, Services each selecting the pods of one Deployment.

use crate::limits::Limits;
use std::fmt::Write;

/// The size of a generated cluster.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Scale {
    pub nodes: usize,
    pub services: usize,
    /// Pods per Service (each Service selects one Deployment of this many replicas).
    pub pods_per_service: usize,
}

impl Scale {
    /// 1,000 nodes, 2,000 Services, 30,000 pods.
    pub const LARGE: Scale = Scale {
        nodes: 1_000,
        services: 2_000,
        pods_per_service: 15,
    };
    /// Kubernetes' scalability thresholds: 5,000 nodes, 10,000 Services, 150,000 pods.
    pub const THRESHOLDS: Scale = Scale {
        nodes: 5_000,
        services: 10_000,
        pods_per_service: 15,
    };
}

/// Manifest text for a cluster of `scale`: a kind `Cluster` document (pod subnet 10.128.0.0/9
/// so every node gets a /24, service subnet 10.96.0.0/12 as kubeadm's default), then one
/// Deployment and one Service per application.
pub fn cluster_manifest(scale: Scale) -> String {
    let mut out = String::with_capacity(scale.services * 700 + scale.nodes * 20);
    out.push_str("kind: Cluster\napiVersion: kind.x-k8s.io/v1alpha4\nnetworking:\n  podSubnet: 10.128.0.0/9\n  serviceSubnet: 10.96.0.0/12\nnodes:\n- role: control-plane\n");
    for _ in 1..scale.nodes.max(1) {
        out.push_str("- role: worker\n");
    }
    for i in 0..scale.services {
        let _ = write!(
            out,
            "---\napiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: app-{i}\nspec:\n  replicas: {}\n  selector:\n    matchLabels:\n      app: app-{i}\n  template:\n    metadata:\n      labels:\n        app: app-{i}\n    spec:\n      containers:\n      - name: web\n        image: nginx\n        ports:\n        - name: http\n          containerPort: 8080\n---\napiVersion: v1\nkind: Service\nmetadata:\n  name: app-{i}\nspec:\n  selector:\n    app: app-{i}\n  ports:\n  - name: http\n    port: 80\n    targetPort: http\n",
            scale.pods_per_service
        );
    }
    out
}

/// One manifest per quantity [`Limits`] bounds, each asking for as much of it as `limits`
/// allows (and within all the others), in the shape that makes the most work: every pod
/// running on nodes enough for all of them, one Service's ports × the pods it selects, a
/// DaemonSet tolerating every taint on control planes (six system pods each). Named
/// `pods_10000_running_behind_one_service` and so on. What the benchmarks time to choose a
/// profile's values (`benches/limits.rs`, `svcsim-bench page`): the worst single apply the
/// profile accepts.
pub fn at_limits(limits: &Limits) -> Vec<(String, String)> {
    // Enough nodes for every pod to run (kubelet's 110 pods per node, less its own two).
    let nodes_for_pods = limits
        .pods
        .div_ceil(100)
        .saturating_add(1)
        .min(limits.nodes);
    let web_pods = limits.pods.saturating_sub(system_pods(nodes_for_pods));
    let ports_for_endpoints = (limits.service_endpoints / web_pods.max(1)).max(1);
    // The default cluster's `kubernetes` and `kube-dns` (4 ports, 7 endpoints).
    let builtin_ports = 4;
    let mut services = String::new();
    for i in 0..limits.services.saturating_sub(2) {
        let _ = write!(
            services,
            "---\napiVersion: v1\nkind: Service\nmetadata:\n  name: s{i}\nspec:\n  ports:\n  - port: 80\n"
        );
    }
    let daemonset = "---\napiVersion: apps/v1\nkind: DaemonSet\nmetadata:\n  name: web\nspec:\n  selector:\n    matchLabels:\n      app: web\n  template:\n    metadata:\n      labels:\n        app: web\n    spec:\n      tolerations:\n      - operator: Exists\n      containers:\n      - name: web\n        image: nginx\n";
    vec![
        (
            format!("pods_{}_running_behind_one_service", limits.pods),
            format!(
                "{}{}{}",
                kind_config(nodes_for_pods, "worker"),
                deployment(web_pods),
                service(1)
            ),
        ),
        (
            format!(
                "service_endpoints_{}_as_{ports_for_endpoints}_ports_x_{web_pods}_pods",
                limits.service_endpoints
            ),
            format!(
                "{}{}{}",
                kind_config(nodes_for_pods, "worker"),
                deployment(web_pods),
                service(ports_for_endpoints)
            ),
        ),
        (
            format!("nodes_{}_control_planes_with_a_daemonset", limits.nodes),
            format!(
                "{}{daemonset}{}",
                kind_config(limits.nodes, "control-plane"),
                service(1)
            ),
        ),
        (format!("services_{}", limits.services), services),
        (
            format!("service_ports_{}_in_one_service", limits.service_ports),
            format!(
                "{}{}",
                deployment(1),
                service(limits.service_ports.saturating_sub(builtin_ports))
            ),
        ),
    ]
}

/// The system pods of a kind cluster of `nodes` nodes with one control plane: kube-proxy and
/// kindnet on every node, the control plane's 4 static pods, CoreDNS × 2, local-path.
fn system_pods(nodes: u64) -> u64 {
    nodes.saturating_mul(2).saturating_add(4 + 3)
}

/// A kind `Cluster` of `nodes` nodes: one control plane, the rest of `role`.
fn kind_config(nodes: u64, role: &str) -> String {
    let mut out = String::from("kind: Cluster\napiVersion: kind.x-k8s.io/v1alpha4\nnetworking:\n  podSubnet: 10.128.0.0/9\n  serviceSubnet: 10.96.0.0/12\nnodes:\n- role: control-plane\n");
    for _ in 1..nodes.max(1) {
        let _ = writeln!(out, "- role: {role}");
    }
    out
}

/// Deployment `web` of `replicas` pods labelled `app: web`.
fn deployment(replicas: u64) -> String {
    format!("---\napiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  replicas: {replicas}\n  selector:\n    matchLabels:\n      app: web\n  template:\n    metadata:\n      labels:\n        app: web\n    spec:\n      containers:\n      - name: web\n        image: nginx\n")
}

/// Service `web` selecting `app: web` with `ports` ports (80, 81, …).
fn service(ports: u64) -> String {
    let mut s = String::from("---\napiVersion: v1\nkind: Service\nmetadata:\n  name: web\nspec:\n  selector:\n    app: web\n  ports:\n");
    for i in 0..ports {
        let _ = write!(s, "  - name: p{i}\n    port: {}\n", 80 + i);
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cluster::Cluster;
    use crate::manifest::Source;

    /// Every manifest at the page's limits is accepted whole (the limits are reachable and
    /// consistent with each other), and asks for what its name says.
    #[test]
    fn each_manifest_at_the_page_limits_is_accepted() {
        let limits = Limits::PAGE;
        for (name, text) in at_limits(&limits) {
            let manifests = crate::cluster::Manifests::parse(&Source::new("page.yaml", text));
            let mut c = Cluster::new(manifests.cluster_config_within(limits), 0);
            let r = c.apply_manifests(&manifests);
            assert!(
                r.iter().all(|r| r.is_ok()),
                "{name}: {:?}",
                r.iter().find(|r| !r.is_ok())
            );
            let u = c.usage();
            let reached = match name.split('_').next() {
                Some("pods") => u.pods == limits.pods,
                Some("nodes") => u.nodes == limits.nodes,
                Some("services") => u.services == limits.services,
                _ if name.starts_with("service_ports") => u.service_ports == limits.service_ports,
                _ => u.service_endpoints > limits.service_endpoints * 9 / 10,
            };
            assert!(reached, "{name}: {u:?}");
        }
    }
}
