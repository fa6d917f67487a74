//! Generated clusters, for benchmarks and for showing what scale does (a class can paste the
//! output): a kind config with many nodes, Services each selecting the pods of one Deployment.

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
