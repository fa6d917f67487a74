//! Inspector: why a Service has no endpoints, one case per reason, and the summary.

mod common;

use common::*;
use svcsim_scene::inspect::*;

fn reasons(yaml: &str, service: &str) -> Vec<Reason> {
    why_no_endpoints(&cluster_from(yaml), "default", service)
}

const WEB_PODS: &str = "
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  replicas: 2
  selector:
    matchLabels: {app: web-app}
  template:
    metadata:
      labels: {app: web-app, tier: front}
    spec:
      containers:
        - name: web
          image: nginx
          ports: [{containerPort: 8080}]
";

#[test]
fn a_healthy_service_has_nothing_to_explain() {
    let cluster = app_cluster();
    assert_eq!(why_no_endpoints(&cluster, "default", "my-service"), vec![]);
}

#[test]
fn missing_service() {
    let r = why_no_endpoints(&app_cluster(), "default", "nope");
    assert!(matches!(&r[..], [Reason::ServiceNotFound { .. }]));
    assert!(r[0].to_string().contains("no Service \"nope\""));
}

#[test]
fn no_selector_and_no_slice() {
    let r = reasons(
        "apiVersion: v1\nkind: Service\nmetadata: {name: db}\nspec:\n  ports: [{port: 5432}]\n",
        "db",
    );
    assert_eq!(r, vec![Reason::NoSelectorNoSlices]);
    let text = r[0].to_string();
    assert!(
        text.contains("no selector") && text.contains("kubernetes.io/service-name"),
        "{text}"
    );
}

#[test]
fn no_selector_with_a_manual_slice_is_a_note() {
    let r = reasons(
        "apiVersion: v1\nkind: Service\nmetadata: {name: db}\nspec:\n  ports: [{port: 5432}]\n---\napiVersion: discovery.k8s.io/v1\nkind: EndpointSlice\nmetadata:\n  name: db-1\n  labels: {kubernetes.io/service-name: db}\naddressType: IPv4\nports: [{port: 5432}]\nendpoints:\n  - addresses: [10.4.5.6]\n",
        "db",
    );
    assert_eq!(
        r,
        vec![Reason::ManualSlices {
            slices: 1,
            endpoints: 1
        }]
    );
    assert!(r[0].is_note());
}

#[test]
fn selector_typo_matches_nothing_and_names_the_near_miss() {
    let yaml = format!(
        "{WEB_PODS}---\napiVersion: v1\nkind: Service\nmetadata: {{name: web}}\nspec:\n  selector: {{app: web, tier: front}}\n  ports: [{{port: 80, targetPort: 8080}}]\n"
    );
    let r = reasons(&yaml, "web");
    let [Reason::SelectorMatchesNothing {
        selector,
        near_misses,
        ..
    }] = &r[..]
    else {
        panic!("{r:?}");
    };
    assert_eq!(selector, "app=web,tier=front");
    assert_eq!(near_misses.len(), 2);
    assert_eq!(
        near_misses[0].differences,
        vec!["has app=web-app, the selector wants app=web".to_string()]
    );
    let text = r[0].to_string();
    assert!(
        text.contains("matches no pod in namespace \"default\""),
        "{text}"
    );
    assert!(text.contains("almost matches"), "{text}");
    assert!(!r[0].is_note());
}

#[test]
fn wrong_namespace() {
    let yaml = "
apiVersion: v1
kind: Namespace
metadata: {name: prod}
---
apiVersion: v1
kind: Pod
metadata: {name: api, namespace: prod, labels: {app: api}}
spec:
  containers: [{name: c, image: nginx, ports: [{containerPort: 80}]}]
---
apiVersion: v1
kind: Service
metadata: {name: api}
spec:
  selector: {app: api}
  ports: [{port: 80}]
";
    let r = reasons(yaml, "api");
    let [Reason::WrongNamespace { elsewhere, .. }] = &r[..] else {
        panic!("{r:?}");
    };
    assert_eq!(elsewhere.get("prod"), Some(&vec!["api".to_string()]));
    let text = r[0].to_string();
    assert!(
        text.starts_with(
            "Wrong namespace: pods matching app=api exist in namespace \"prod\" (api)"
        ),
        "{text}"
    );
}

#[test]
fn pods_not_ready_are_listed_with_their_status() {
    let mut cluster = app_cluster();
    let names: Vec<String> = cluster
        .store
        .pods_in(Some("default"))
        .filter(|p| p.metadata.name.starts_with("my-app"))
        .map(|p| p.metadata.name.clone())
        .collect();
    cluster.set_pod_ready("default", &names[0], false).unwrap();
    let r = why_no_endpoints(&cluster, "default", "my-service");
    let [Reason::SomePodsNotReady { ready: 2, pods }] = &r[..] else {
        panic!("{r:?}");
    };
    assert_eq!(pods[0].name, names[0]);
    assert!(r[0].is_note());
    for n in &names[1..] {
        cluster.set_pod_ready("default", n, false).unwrap();
    }
    cluster.delete_pod("default", &names[2]).unwrap();
    let r = why_no_endpoints(&cluster, "default", "my-service");
    let [Reason::PodsNotReady { pods }] = &r[..] else {
        panic!("{r:?}");
    };
    assert_eq!(pods.len(), 3);
    let text = r[0].to_string();
    assert!(text.contains("none is ready"), "{text}");
    assert!(
        text.contains("Running, not Ready (readiness probe failing)"),
        "{text}"
    );
    assert!(text.contains("Terminating"), "{text}");
}

#[test]
fn unscheduled_pods_say_so() {
    let yaml = "
apiVersion: v1
kind: Pod
metadata: {name: stuck, labels: {app: stuck}}
spec:
  nodeSelector: {disk: ssd}
  containers: [{name: c, image: nginx}]
---
apiVersion: v1
kind: Service
metadata: {name: stuck}
spec:
  selector: {app: stuck}
  ports: [{port: 80}]
";
    let r = reasons(yaml, "stuck");
    let [Reason::PodsNotReady { pods }] = &r[..] else {
        panic!("{r:?}");
    };
    assert_eq!(pods[0].status, "Pending, not scheduled on any node");
}

#[test]
fn named_target_port_missing_on_the_pods() {
    let yaml = format!(
        "{WEB_PODS}---\napiVersion: v1\nkind: Service\nmetadata: {{name: web}}\nspec:\n  selector: {{app: web-app}}\n  ports: [{{port: 80, targetPort: http}}]\n"
    );
    let r = reasons(&yaml, "web");
    let [Reason::NamedPortMissing {
        port_name,
        service_port: 80,
        pods,
        all: true,
        ..
    }] = &r[..]
    else {
        panic!("{r:?}");
    };
    assert_eq!(port_name, "http");
    assert_eq!(pods.len(), 2);
    let text = r[0].to_string();
    assert!(
        text.contains("no selected pod has a container port named \"http\""),
        "{text}"
    );
    assert!(!r[0].is_note());

    // Named on the pods: nothing to say.
    let named = WEB_PODS.replace(
        "[{containerPort: 8080}]",
        "[{name: http, containerPort: 8080}]",
    );
    let yaml = format!(
        "{named}---\napiVersion: v1\nkind: Service\nmetadata: {{name: web}}\nspec:\n  selector: {{app: web-app}}\n  ports: [{{port: 80, targetPort: http}}]\n"
    );
    assert_eq!(reasons(&yaml, "web"), vec![]);
}

#[test]
fn externalname_and_headless_notes() {
    let r = reasons(
        "apiVersion: v1\nkind: Service\nmetadata: {name: ext}\nspec:\n  type: ExternalName\n  externalName: my.database.example.com\n",
        "ext",
    );
    assert_eq!(
        r,
        vec![Reason::ExternalName {
            target: "my.database.example.com".into()
        }]
    );
    assert!(r[0].to_string().contains("CNAME"));
    let yaml = format!(
        "{WEB_PODS}---\napiVersion: v1\nkind: Service\nmetadata: {{name: web}}\nspec:\n  clusterIP: None\n  selector: {{app: web-app}}\n  ports: [{{port: 8080}}]\n"
    );
    let r = reasons(&yaml, "web");
    assert_eq!(r, vec![Reason::Headless]);
    assert!(r[0].is_note());
}

#[test]
fn summary_of_a_load_balancer_service() {
    let cluster = app_cluster();
    let s = service_summary(&cluster, "default", "my-lb").unwrap();
    let svc = cluster.store.service("default", "my-lb").unwrap();
    assert_eq!(s.type_, "LoadBalancer");
    assert_eq!(s.cluster_ip, svc.spec.cluster_ip);
    assert_eq!(s.ports.len(), 1);
    assert_eq!(s.ports[0].port, 80);
    assert_eq!(s.ports[0].target_port, "9376");
    assert_eq!(s.ports[0].node_port, Some(30008));
    assert_eq!(s.ports[0].protocol, "TCP");
    assert_eq!(
        s.load_balancer_ips,
        vec![svc.status.load_balancer.ingress[0].ip.clone()]
    );
    assert_eq!(s.endpoints_ready, 3);
    assert_eq!(s.endpoints_not_ready, 0);
    assert!(s.endpoints.iter().all(|e| e
        .pod
        .as_deref()
        .is_some_and(|p| p.starts_with("default/my-app"))));
    assert_eq!(s.selector.as_deref(), Some("app.kubernetes.io/name=MyApp"));
    assert_eq!(s.dns_names[0], "my-lb.default.svc.cluster.local");
    assert!(!s.slices.is_empty());
    assert_eq!(service_summary(&cluster, "default", "nope"), None);
    let dns = service_summary(&cluster, "kube-system", "kube-dns").unwrap();
    assert_eq!(dns.cluster_ip, "10.96.0.10");
    // Two CoreDNS pods; one slice carries all three ports (53/udp, 53/tcp, 9153).
    assert_eq!(dns.endpoints_ready, 2);
    assert_eq!(dns.endpoints[0].ports.len(), 3);
}
