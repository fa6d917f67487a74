//! Shared fixtures: the lecture's MyApp Deployment behind a ClusterIP, a NodePort and a
//! LoadBalancer Service, plus a client pod, built exactly as the page builds clusters.
#![allow(dead_code)]

use svcsim_engine::cluster::Cluster;
use svcsim_engine::manifest::Source;
use svcsim_engine::sim::Rng;
use svcsim_engine::trace::{parse_destination, trace, Journey, Origin, TraceOptions};

/// The lecture's MyApp backends and client (shared with the engine's tests), `my-service`, and
/// the same pods behind a NodePort and a LoadBalancer Service.
pub const APP: &str = concat!(
    include_str!("../../../engine/tests/fixtures/myapp.yaml"),
    "---\n",
    include_str!("../../../../assets/examples/service.yaml"),
    "---
apiVersion: v1
kind: Service
metadata:
  name: my-nodeport
spec:
  type: NodePort
  selector:
    app.kubernetes.io/name: MyApp
  ports:
    - port: 80
      targetPort: 9376
      nodePort: 30007
---
apiVersion: v1
kind: Service
metadata:
  name: my-lb
spec:
  type: LoadBalancer
  selector:
    app.kubernetes.io/name: MyApp
  ports:
    - port: 80
      targetPort: 9376
      nodePort: 30008
"
);

pub fn cluster_from(yaml: &str) -> Cluster {
    let (cluster, results) = Cluster::from_sources(&[Source::new("test.yaml", yaml)], 7);
    for r in &results {
        assert!(r.is_ok(), "{r}");
    }
    cluster
}

pub fn app_cluster() -> Cluster {
    cluster_from(APP)
}

pub fn journey(cluster: &Cluster, from: &str, dest: &str) -> Journey {
    let origin = Origin::parse(from, "default").expect("origin");
    let dest = parse_destination(dest).expect("destination");
    trace(
        cluster,
        &origin,
        &dest,
        TraceOptions::default(),
        &mut Rng::new(3),
    )
    .expect("trace")
}

/// A kind cluster of `nodes` nodes (one control plane) running `pods` replicas.
pub fn big_cluster(nodes: usize, pods: usize) -> Cluster {
    let mut yaml = String::from(
        "apiVersion: kind.x-k8s.io/v1alpha4\nkind: Cluster\nnodes:\n  - role: control-plane\n",
    );
    for _ in 1..nodes {
        yaml.push_str("  - role: worker\n");
    }
    yaml.push_str(&format!(
        "---\napiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  replicas: {pods}\n  selector:\n    matchLabels: {{app: web}}\n  template:\n    metadata:\n      labels: {{app: web}}\n    spec:\n      containers:\n        - name: web\n          image: nginx\n          ports: [{{containerPort: 80}}]\n---\napiVersion: v1\nkind: Service\nmetadata:\n  name: web\nspec:\n  type: LoadBalancer\n  selector: {{app: web}}\n  ports: [{{port: 80}}]\n"
    ));
    cluster_from(&yaml)
}
