//! The page's model ([`svcsim_web::sim::Sim`]) in the browser: how the editor text reaches the
//! cluster (apply with prune, syntax errors keep the cluster), time running, and the teaching
//! actions that edit the text.
#![cfg(target_arch = "wasm32")]

use svcsim_engine::api::apps::WorkloadKind;
use svcsim_scene::examples;
use svcsim_web::editor::{gutter_html, line_offset_utf16};
use svcsim_web::sim::{Applied, Problem, Sim};
use svcsim_web::textedit::set_field;
use wasm_bindgen_test::*;

wasm_bindgen_test_configure!(run_in_browser);

fn nodeport() -> &'static str {
    examples::by_id("nodeport").unwrap().yaml
}

#[wasm_bindgen_test]
fn syntax_error_keeps_the_cluster_and_points_at_the_line() {
    let mut sim = Sim::new(examples::default_example().yaml, 0, None);
    let services = sim.cluster.store.services.len();
    let r = sim.apply_text("kind: Service\napiVersion: v1\nmetadata:\n  name: [x\n");
    assert_eq!(r, Applied::KeptPrevious);
    assert_eq!(sim.cluster.store.services.len(), services);
    assert_eq!(sim.problems.len(), 1);
    assert_eq!(sim.problems[0].line, 5);
}

#[wasm_bindgen_test]
fn objects_leaving_the_text_are_deleted_and_invalid_new_ones_are_missing() {
    let text = examples::default_example().yaml;
    let mut sim = Sim::new(text, 0, None);
    assert!(sim.cluster.store.service("default", "my-service").is_some());
    // Remove the Service: pruned.
    let without: String = text
        .split("\n---\n")
        .filter(|d| !d.contains("kind: Service"))
        .collect::<Vec<_>>()
        .join("\n---\n");
    assert_eq!(sim.apply_text(&without), Applied::Applied);
    assert!(sim.cluster.store.service("default", "my-service").is_none());
    // An invalid new Service is missing; the error points into its document.
    let bad = format!("{without}\n---\napiVersion: v1\nkind: Service\nmetadata:\n  name: bad\nspec:\n  ports:\n  - port: 70000\n");
    sim.apply_text(&bad);
    assert!(sim.cluster.store.service("default", "bad").is_none());
    assert_eq!(sim.problems.len(), 1, "{:?}", sim.problems);
    assert!(sim.problems[0].message.contains("70000"));
    let line = sim.problems[0].line as usize;
    assert!(
        bad.lines().nth(line - 1).unwrap().contains("port: 70000"),
        "line {line}"
    );
}

#[wasm_bindgen_test]
fn time_runs_until_the_cluster_settles() {
    let mut sim = Sim::new(examples::default_example().yaml, 0, None);
    assert!(!sim.pending());
    let pod = sim
        .cluster
        .store
        .pods_in(Some("default"))
        .find(|p| p.metadata.name.starts_with("my-app"))
        .map(|p| p.metadata.name.clone())
        .unwrap();
    sim.delete_pod("default", &pod).unwrap();
    assert!(sim.pending());
    let mut changed = false;
    for _ in 0..400 {
        changed |= sim.tick(16);
    }
    assert!(changed);
    assert!(!sim.pending());
    assert!(sim.cluster.store.pod("default", &pod).is_none());
}

/// Loading an example (what the examples menu does) leaves work for the controllers and no timer
/// yet: the sim must say so, or the frame loop never starts and the Deployment has no pods.
#[wasm_bindgen_test]
fn a_loaded_example_runs_until_its_pods_are_ready() {
    let mut sim = Sim::new(examples::default_example().yaml, 0, None);
    sim.rebuild(examples::by_id("traffic-policy").unwrap().yaml);
    assert!(sim.pending());
    for _ in 0..400 {
        sim.tick(16);
    }
    assert!(!sim.pending());
    let ready = sim
        .cluster
        .store
        .pods_in(Some("default"))
        .filter(|p| p.metadata.name.starts_with("web-") && !p.status.pod_ip.is_empty())
        .count();
    assert_eq!(ready, 2);
    let lb = sim.cluster.store.service("default", "web-local").unwrap();
    assert!(!lb.status.load_balancer.ingress.is_empty());
}

#[wasm_bindgen_test]
fn scale_and_external_traffic_policy_edit_the_text() {
    let mut sim = Sim::new(nodeport(), 0, None);
    let (ns, svc) = sim
        .cluster
        .store
        .services
        .values()
        .find(|s| s.spec.type_ == "NodePort")
        .map(|s| (s.metadata.namespace.clone(), s.metadata.name.clone()))
        .unwrap();
    let text = sim.toggle_external_traffic_policy(&ns, &svc).unwrap();
    assert!(text.contains("externalTrafficPolicy: Local"), "{text}");
    assert_eq!(
        sim.cluster
            .store
            .service(&ns, &svc)
            .unwrap()
            .spec
            .external_traffic_policy,
        "Local"
    );
    let text = sim.toggle_external_traffic_policy(&ns, &svc).unwrap();
    assert!(text.contains("externalTrafficPolicy: Cluster"), "{text}");

    let (dns, dname) = sim
        .cluster
        .store
        .workloads
        .keys()
        .find(|(k, key)| *k == WorkloadKind::Deployment && key.namespace == "default")
        .map(|(_, key)| (key.namespace.clone(), key.name.clone()))
        .unwrap();
    let before = sim
        .replicas(WorkloadKind::Deployment, &dns, &dname)
        .unwrap();
    let edited = sim
        .scale(WorkloadKind::Deployment, &dns, &dname, before + 1)
        .unwrap()
        .unwrap();
    assert!(
        edited.contains(&format!("replicas: {}", before + 1)),
        "{edited}"
    );
    sim.settle();
    assert_eq!(
        sim.replicas(WorkloadKind::Deployment, &dns, &dname),
        Some(before + 1)
    );
}

#[wasm_bindgen_test]
fn set_field_inserts_or_replaces() {
    let text = "apiVersion: v1\nkind: Service\nmetadata:\n  name: s\nspec:\n  type: NodePort # t\n";
    let t = set_field(
        text,
        "Service",
        "default",
        "s",
        "spec",
        "type",
        "LoadBalancer",
    )
    .unwrap();
    assert_eq!(t, text.replace("type: NodePort", "type: LoadBalancer"));
    let t = set_field(
        text,
        "Service",
        "default",
        "s",
        "spec",
        "externalTrafficPolicy",
        "Local",
    )
    .unwrap();
    assert!(
        t.contains("spec:\n  externalTrafficPolicy: Local\n  type: NodePort"),
        "{t}"
    );
    assert!(set_field(text, "Service", "default", "nope", "spec", "x", "y").is_none());
    assert!(set_field("[", "Service", "default", "s", "spec", "x", "y").is_none());
}

#[wasm_bindgen_test]
fn gutter_marks_error_lines_and_offsets_count_utf16() {
    let p = Problem {
        line: 2,
        col: 1,
        message: "bad".into(),
        causes: vec![(2, "spec: <x>".into())],
    };
    assert_eq!(
        gutter_html(3, &[p]),
        "1\n<span class=\"gutter-err\" title=\"spec: &lt;x&gt;\">2</span>\n3\n"
    );
    assert_eq!(line_offset_utf16("a\nb\nc", 3), 4);
    assert_eq!(line_offset_utf16("\u{1f600}\nb", 2), 3);
    assert_eq!(line_offset_utf16("a", 9), 1);
}
