//! What svcsim refuses to simulate (`svcsim_engine::limits`), through the binary: each
//! reproducer of the "hostile input" issue — a 10-line Deployment asking for 2³¹−1 replicas
//! (which used to allocate until SIGABRT), a StatefulSet, a kind cluster of too many nodes, a
//! Service whose ports × pods outgrow the rules — exits with 1 at once, with the engine's
//! message and the line:column of the field that asks; commands that only read the cluster
//! still answer, without the refused object.

mod common;

use common::{svcsim, svcsim_with_stdin};

fn workload(kind: &str, replicas: u64) -> String {
    format!("apiVersion: apps/v1\nkind: {kind}\nmetadata:\n  name: web\nspec:\n  replicas: {replicas}\n  selector:\n    matchLabels:\n      app: web\n  template:\n    metadata:\n      labels:\n        app: web\n    spec:\n      containers:\n      - name: web\n        image: nginx\n")
}

/// The system pods of kind's default cluster (3 nodes), which every message counts as "the
/// rest of the cluster".
const SYSTEM_PODS: u64 = 13;

#[test]
fn a_deployment_of_int32_max_replicas_is_refused() {
    let r = svcsim_with_stdin(
        &["apply", "-f", "-"],
        &workload("Deployment", 2_147_483_647),
    );
    assert_eq!(r.stdout, "");
    assert_eq!(
        r.stderr,
        format!("svcsim simulates at most 200000 pods; Deployment web asks for 2147483647, and the rest of the cluster for {SYSTEM_PODS} more\n  --> STDIN:6:3\n")
    );
    assert_eq!(r.code, 1);
    // A million (74 s and 5.5 GB before) is refused the same way.
    let r = svcsim_with_stdin(&["apply", "-f", "-"], &workload("Deployment", 1_000_000));
    assert!(
        r.stderr
            .starts_with("svcsim simulates at most 200000 pods; Deployment web asks for 1000000"),
        "{}",
        r.stderr
    );
    assert_eq!(r.code, 1);
}

#[test]
fn reading_commands_still_answer_without_the_refused_object() {
    let r = svcsim_with_stdin(
        &["get", "deployments", "-f", "-"],
        &workload("Deployment", 2_147_483_647),
    );
    assert!(
        r.stderr.starts_with(
            "svcsim simulates at most 200000 pods; Deployment web asks for 2147483647"
        ),
        "{}",
        r.stderr
    );
    assert!(
        r.stderr
            .ends_with("No resources found in default namespace.\n"),
        "{}",
        r.stderr
    );
    assert_eq!(r.stdout, "");
}

#[test]
fn a_statefulset_of_int32_max_replicas_is_refused() {
    let r = svcsim_with_stdin(
        &["apply", "-f", "-"],
        &workload("StatefulSet", 2_147_483_647),
    );
    assert_eq!(
        r.stderr,
        format!("svcsim simulates at most 200000 pods; StatefulSet web asks for 2147483647, and the rest of the cluster for {SYSTEM_PODS} more\n  --> STDIN:6:3\n")
    );
    assert_eq!(r.code, 1);
}

#[test]
fn a_kind_cluster_of_too_many_nodes_is_refused() {
    let text = format!(
        "kind: Cluster\napiVersion: kind.x-k8s.io/v1alpha4\nnodes:\n- role: control-plane\n{}",
        "- role: worker\n".repeat(10_000)
    );
    let r = svcsim_with_stdin(&["apply", "-f", "-"], &text);
    assert_eq!(
        r.stderr,
        "svcsim simulates at most 10000 nodes; Cluster kind asks for 10001\n  --> STDIN:3:1\n"
    );
    assert_eq!(r.code, 1);
    // The default cluster answers instead.
    let r = svcsim_with_stdin(&["get", "nodes", "-f", "-"], &text);
    assert_eq!(r.stdout.lines().count(), 4, "{}", r.stdout);
}

#[test]
fn a_service_whose_ports_times_pods_outgrow_the_rules_is_refused() {
    let mut text = workload("Deployment", 31);
    text.push_str("---\napiVersion: v1\nkind: Service\nmetadata:\n  name: web\nspec:\n  selector:\n    app: web\n  ports:\n");
    for i in 0..10_000 {
        text.push_str(&format!("  - name: p{i}\n    port: {}\n", 80 + i));
    }
    let r = svcsim_with_stdin(&["apply", "-f", "-"], &text);
    assert_eq!(r.stdout, "deployment.apps/web created\n");
    assert_eq!(
        r.stderr,
        "svcsim simulates at most 300000 Service endpoints; Service web asks for 310000 (10000 ports × 31 selected pods), and the rest of the cluster for 7 more\n  --> STDIN:24:3\n"
    );
    assert_eq!(r.code, 1);
}

#[test]
fn the_help_lists_the_limits() {
    let r = svcsim(&["--help"]);
    assert!(
        r.stdout.contains("\n  at most 200000 pods: "),
        "{}",
        r.stdout
    );
    assert!(r.stdout.contains("\n  at most 10000 nodes: "));
}
