//! Printer tests: exact kubectl text from hand-built stores (independent of the controllers),
//! plus a few end-to-end checks through `Cluster::from_sources`.

use super::*;
use crate::api::meta::Time;
use crate::api::{decode_object, Object};
use crate::cluster::{ClusterConfig, Event, ObjectKey, Store, EPOCH};
use crate::manifest::{self, Source};
use crate::sim::SimTime;

const S: i64 = 1000;

/// A cluster with an empty store, its clock `now_s` seconds after the epoch.
fn cluster_at(now_s: u64) -> Cluster {
    let mut c = Cluster::new(ClusterConfig::default(), 0);
    c.store = Store::default();
    c.events.clear();
    c.now = SimTime(now_s * 1000);
    c
}

fn created(offset_s: i64) -> Option<Time> {
    Some(Time(EPOCH.0 + offset_s * S))
}

fn decode(yaml: &str) -> Object {
    let parsed = manifest::parse(yaml);
    assert!(parsed.errors.is_empty(), "{:?}", parsed.errors);
    decode_object(&parsed.objects[0], "t.yaml").expect("decodes")
}

fn add(c: &mut Cluster, yaml: &str, ns: &str, created_s: i64) {
    match decode(yaml) {
        Object::Service(mut s) => {
            s.metadata.namespace = ns.into();
            s.metadata.creation_timestamp = created(created_s);
            let key = ObjectKey::new(ns, s.metadata.name.clone());
            c.store.services.insert(key, s);
        }
        Object::EndpointSlice(mut s) => {
            s.metadata.namespace = ns.into();
            s.metadata.creation_timestamp = created(created_s);
            let key = ObjectKey::new(ns, s.metadata.name.clone());
            c.store.endpoint_slices.insert(key, s);
        }
        Object::Endpoints(mut e) => {
            e.metadata.namespace = ns.into();
            e.metadata.creation_timestamp = created(created_s);
            let key = ObjectKey::new(ns, e.metadata.name.clone());
            c.store.endpoints.insert(key, e);
        }
        Object::Pod(mut p) => {
            p.metadata.namespace = ns.into();
            p.metadata.creation_timestamp = created(created_s);
            let key = ObjectKey::new(ns, p.metadata.name.clone());
            c.store.pods.insert(key, p);
        }
        Object::Node(mut n) => {
            n.metadata.creation_timestamp = created(created_s);
            c.store.nodes.insert(n.metadata.name.clone(), n);
        }
        Object::Namespace(mut n) => {
            n.metadata.creation_timestamp = created(created_s);
            c.store.namespaces.insert(n.metadata.name.clone(), n);
        }
        Object::Workload(mut w) => {
            w.metadata.namespace = ns.into();
            w.metadata.creation_timestamp = created(created_s);
            let key = (w.kind, ObjectKey::new(ns, w.metadata.name.clone()));
            c.store.workloads.insert(key, w);
        }
        other => panic!("unexpected {other:?}"),
    }
}

const KUBERNETES: &str = "apiVersion: v1\nkind: Service\nmetadata:\n  name: kubernetes\n  labels:\n    component: apiserver\n    provider: kubernetes\nspec:\n  type: ClusterIP\n  clusterIP: 10.96.0.1\n  clusterIPs: [10.96.0.1]\n  ipFamilies: [IPv4]\n  ipFamilyPolicy: SingleStack\n  sessionAffinity: None\n  internalTrafficPolicy: Cluster\n  ports:\n  - name: https\n    port: 443\n    protocol: TCP\n    targetPort: 6443\n";
const KUBE_DNS: &str = "apiVersion: v1\nkind: Service\nmetadata:\n  name: kube-dns\nspec:\n  type: ClusterIP\n  clusterIP: 10.96.0.10\n  clusterIPs: [10.96.0.10]\n  selector:\n    k8s-app: kube-dns\n  sessionAffinity: None\n  ports:\n  - {name: dns, port: 53, protocol: UDP, targetPort: 53}\n  - {name: dns-tcp, port: 53, protocol: TCP, targetPort: 53}\n  - {name: metrics, port: 9153, protocol: TCP, targetPort: 9153}\n";
const MY_SERVICE: &str = "apiVersion: v1\nkind: Service\nmetadata:\n  name: my-service\nspec:\n  type: ClusterIP\n  clusterIP: 10.96.120.7\n  clusterIPs: [10.96.120.7]\n  ipFamilies: [IPv4]\n  ipFamilyPolicy: SingleStack\n  sessionAffinity: None\n  internalTrafficPolicy: Cluster\n  selector:\n    app.kubernetes.io/name: MyApp\n  ports:\n  - protocol: TCP\n    port: 80\n    targetPort: 9376\n";
const NODEPORT: &str = "apiVersion: v1\nkind: Service\nmetadata:\n  name: myapp-service\nspec:\n  type: NodePort\n  clusterIP: 10.96.200.3\n  clusterIPs: [10.96.200.3]\n  sessionAffinity: None\n  externalTrafficPolicy: Cluster\n  ports:\n  - {port: 80, protocol: TCP, targetPort: 80, nodePort: 30008}\n";
const LB: &str = "apiVersion: v1\nkind: Service\nmetadata:\n  name: web-lb\nspec:\n  type: LoadBalancer\n  clusterIP: 10.96.33.1\n  clusterIPs: [10.96.33.1]\n  selector:\n    app: web\n  sessionAffinity: None\n  externalTrafficPolicy: Cluster\n  ports:\n  - {port: 80, protocol: TCP, targetPort: 8080, nodePort: 31234}\n";
const HEADLESS: &str = "apiVersion: v1\nkind: Service\nmetadata:\n  name: headless\nspec:\n  type: ClusterIP\n  clusterIP: None\n  clusterIPs: [None]\n  selector:\n    app: my-app\n  sessionAffinity: None\n  ports:\n  - {port: 80, protocol: TCP, targetPort: 9376}\n";
const EXTERNAL: &str = "apiVersion: v1\nkind: Service\nmetadata:\n  name: my-service\n  namespace: prod\nspec:\n  type: ExternalName\n  externalName: my.database.example.com\n  sessionAffinity: None\n";

fn services_cluster() -> Cluster {
    let mut c = cluster_at(5 * 86_400);
    add(&mut c, KUBERNETES, "default", 0);
    add(&mut c, KUBE_DNS, "kube-system", 0);
    add(&mut c, MY_SERVICE, "default", 5 * 86_400 - 150);
    add(&mut c, NODEPORT, "default", 5 * 86_400 - 5);
    add(&mut c, LB, "default", 5 * 86_400 - 600);
    add(&mut c, HEADLESS, "default", 5 * 86_400 - 30);
    add(&mut c, EXTERNAL, "prod", 5 * 86_400 - 7200);
    c
}

#[test]
fn services_table() {
    let c = services_cluster();
    let want = "\
NAME            TYPE           CLUSTER-IP    EXTERNAL-IP   PORT(S)        AGE
headless        ClusterIP      None          <none>        80/TCP         30s
kubernetes      ClusterIP      10.96.0.1     <none>        443/TCP        5d
my-service      ClusterIP      10.96.120.7   <none>        80/TCP         2m30s
myapp-service   NodePort       10.96.200.3   <none>        80:30008/TCP   5s
web-lb          LoadBalancer   10.96.33.1    <pending>     80:31234/TCP   10m
";
    assert_eq!(get_services(&c, &GetOptions::default()), want);
}

#[test]
fn services_all_namespaces_wide() {
    let c = services_cluster();
    let opts = GetOptions {
        all_namespaces: true,
        wide: true,
        ..Default::default()
    };
    let want = "\
NAMESPACE     NAME            TYPE           CLUSTER-IP    EXTERNAL-IP               PORT(S)                  AGE     SELECTOR
default       headless        ClusterIP      None          <none>                    80/TCP                   30s     app=my-app
default       kubernetes      ClusterIP      10.96.0.1     <none>                    443/TCP                  5d      <none>
default       my-service      ClusterIP      10.96.120.7   <none>                    80/TCP                   2m30s   app.kubernetes.io/name=MyApp
default       myapp-service   NodePort       10.96.200.3   <none>                    80:30008/TCP             5s      <none>
default       web-lb          LoadBalancer   10.96.33.1    <pending>                 80:31234/TCP             10m     app=web
kube-system   kube-dns        ClusterIP      10.96.0.10    <none>                    53/UDP,53/TCP,9153/TCP   5d      k8s-app=kube-dns
prod          my-service      ExternalName   <none>        my.database.example.com   <none>                   120m    <none>
";
    assert_eq!(get_services(&c, &opts), want);
}

/// A list request with `limit` returns its first items (in the list's order) and counts the
/// rest, as a paged list's first page and its `remainingItemCount`.
#[test]
fn a_limit_lists_the_first_items_and_counts_the_rest() {
    let c = services_cluster();
    let opts = GetOptions {
        all_namespaces: true,
        limit: Some(2),
        ..Default::default()
    };
    let o = get(&c, "services", &opts, Output::Table).unwrap();
    assert_eq!(o.remaining, 5);
    assert_eq!(o.stdout.lines().count(), 3, "{}", o.stdout);
    let all = get_services(
        &c,
        &GetOptions {
            all_namespaces: true,
            ..Default::default()
        },
    );
    let names = |t: &str| -> Vec<String> {
        t.lines()
            .map(|l| l.split_whitespace().take(2).collect::<Vec<_>>().join(" "))
            .collect()
    };
    assert_eq!(names(&o.stdout), names(&all)[..3], "{}", o.stdout);
    let o = get(&c, "services", &opts, Output::Yaml).unwrap();
    assert_eq!(
        o.stdout.matches("kind: Service\n").count(),
        2,
        "{}",
        o.stdout
    );
    let o = get(
        &c,
        "services",
        &GetOptions {
            limit: Some(50),
            ..opts
        },
        Output::Table,
    )
    .unwrap();
    assert_eq!(o.remaining, 0);
}

#[test]
fn load_balancer_ingress_is_sorted_and_clipped() {
    let mut c = services_cluster();
    let key = ObjectKey::new("default", "web-lb");
    if let Some(s) = c.store.services.get_mut(&key) {
        for ip in ["172.18.255.201", "172.18.255.200"] {
            s.status
                .load_balancer
                .ingress
                .push(crate::api::core::LoadBalancerIngress {
                    ip: ip.into(),
                    ip_mode: Some("VIP".into()),
                    ..Default::default()
                });
        }
    }
    let opts = GetOptions {
        name: Some("web-lb".into()),
        ..Default::default()
    };
    let out = get(&c, "svc", &opts, Output::Table).unwrap();
    assert_eq!(
        out.stdout,
        "NAME     TYPE           CLUSTER-IP   EXTERNAL-IP        PORT(S)        AGE\nweb-lb   LoadBalancer   10.96.33.1   172.18.255.20...   80:31234/TCP   10m\n"
    );
    let wide = get(&c, "services", &opts, Output::Wide).unwrap();
    assert!(wide
        .stdout
        .contains("172.18.255.200,172.18.255.201   80:31234/TCP"));
}

#[test]
fn get_errors_and_empty_listings() {
    let c = services_cluster();
    let e = get(&c, "foo", &GetOptions::default(), Output::Table).unwrap_err();
    assert_eq!(
        e.to_string(),
        "error: the server doesn't have a resource type \"foo\""
    );
    let named = |n: &str| GetOptions {
        name: Some(n.into()),
        ..Default::default()
    };
    let e = get(&c, "svc", &named("x"), Output::Table).unwrap_err();
    assert_eq!(
        e.to_string(),
        "Error from server (NotFound): services \"x\" not found"
    );
    let e = get(&c, "deploy", &named("x"), Output::Json).unwrap_err();
    assert_eq!(
        e.to_string(),
        "Error from server (NotFound): deployments.apps \"x\" not found"
    );
    let e = get(&c, "endpointslice", &named("x"), Output::Json).unwrap_err();
    assert_eq!(
        e.to_string(),
        "Error from server (NotFound): endpointslices.discovery.k8s.io \"x\" not found"
    );
    let both = GetOptions {
        all_namespaces: true,
        name: Some("x".into()),
        ..Default::default()
    };
    assert_eq!(
        get(&c, "svc", &both, Output::Table)
            .unwrap_err()
            .to_string(),
        "error: a resource cannot be retrieved by name across all namespaces"
    );
    let empty = get(&c, "pods", &GetOptions::default(), Output::Table).unwrap();
    assert_eq!(empty.stdout, "");
    assert_eq!(
        empty.no_resources.as_deref(),
        Some("No resources found in default namespace.")
    );
    let other_ns = GetOptions {
        namespace: Some("dev".into()),
        ..Default::default()
    };
    let empty = get(&c, "svc", &other_ns, Output::Table).unwrap();
    assert_eq!(
        empty.no_resources.as_deref(),
        Some("No resources found in dev namespace.")
    );
    let empty = get(&c, "no", &GetOptions::default(), Output::Table).unwrap();
    assert_eq!(empty.no_resources.as_deref(), Some("No resources found"));
    let empty_json = get(&c, "po", &GetOptions::default(), Output::Json).unwrap();
    assert_eq!(
        empty_json.stdout,
        "{\n    \"apiVersion\": \"v1\",\n    \"items\": [],\n    \"kind\": \"List\",\n    \"metadata\": {\n        \"resourceVersion\": \"\"\n    }\n}\n"
    );
    assert_eq!(empty_json.no_resources, None);
}

#[test]
fn resource_names_resolve() {
    for (n, r) in [
        ("svc", Resource::Services),
        ("Services", Resource::Services),
        ("endpointslice.discovery.k8s.io", Resource::EndpointSlices),
        ("ep", Resource::Endpoints),
        ("po", Resource::Pods),
        ("no", Resource::Nodes),
        ("deploy", Resource::Deployments),
        ("rs", Resource::ReplicaSets),
        ("replicasets.apps", Resource::ReplicaSets),
        ("ns", Resource::Namespaces),
    ] {
        assert_eq!(Resource::parse(n), Some(r), "{n}");
    }
    assert_eq!(Resource::parse("endpoint"), None);
}

#[test]
fn output_names() {
    let c = services_cluster();
    let out = get(&c, "svc", &GetOptions::default(), Output::Name).unwrap();
    assert_eq!(
        out.stdout,
        "service/headless\nservice/kubernetes\nservice/my-service\nservice/myapp-service\nservice/web-lb\n"
    );
}

const MANUAL_SLICE: &str = "apiVersion: discovery.k8s.io/v1\nkind: EndpointSlice\nmetadata:\n  name: my-service-1\n  labels:\n    kubernetes.io/service-name: my-service\naddressType: IPv4\nports:\n  - name: ''\n    appProtocol: http\n    protocol: TCP\n    port: 9376\nendpoints:\n  - addresses:\n      - \"10.4.5.6\"\n  - addresses:\n      - \"10.1.2.3\"\n";

#[test]
fn endpoint_slices_table() {
    let mut c = cluster_at(60);
    add(&mut c, MANUAL_SLICE, "default", 0);
    add(
        &mut c,
        "apiVersion: discovery.k8s.io/v1\nkind: EndpointSlice\nmetadata:\n  name: web-x7k2p\n  labels:\n    kubernetes.io/service-name: web\naddressType: IPv4\nports: []\nendpoints: []\n",
        "default",
        50,
    );
    add(
        &mut c,
        "apiVersion: discovery.k8s.io/v1\nkind: EndpointSlice\nmetadata:\n  name: big-abcde\naddressType: IPv4\nports:\n- {name: a, port: 1, protocol: TCP}\n- {name: b, port: 2, protocol: TCP}\n- {name: c, port: 3, protocol: TCP}\n- {name: d, port: 4, protocol: TCP}\nendpoints:\n- addresses: [10.244.1.2]\n- addresses: [10.244.1.3]\n- addresses: [10.244.2.2]\n- addresses: [10.244.2.3]\n- addresses: [10.244.2.4]\n",
        "default",
        0,
    );
    let want = "\
NAME           ADDRESSTYPE   PORTS               ENDPOINTS                                      AGE
big-abcde      IPv4          1,2,3 + 1 more...   10.244.1.2,10.244.1.3,10.244.2.2 + 2 more...   60s
my-service-1   IPv4          9376                10.4.5.6,10.1.2.3                              60s
web-x7k2p      IPv4          <unset>             <unset>                                        10s
";
    assert_eq!(get_endpoint_slices(&c, &GetOptions::default()), want);
}

#[test]
fn endpoints_table_and_warning() {
    let mut c = cluster_at(90);
    add(
        &mut c,
        "apiVersion: v1\nkind: Endpoints\nmetadata:\n  name: web\nsubsets:\n- addresses:\n  - ip: 10.244.1.2\n  - ip: 10.244.2.2\n  ports:\n  - {name: http, port: 8080, protocol: TCP}\n  - {name: metrics, port: 9090, protocol: TCP}\n",
        "default",
        0,
    );
    add(
        &mut c,
        "apiVersion: v1\nkind: Endpoints\nmetadata:\n  name: empty\n",
        "default",
        60,
    );
    let out = get(&c, "endpoints", &GetOptions::default(), Output::Table).unwrap();
    assert_eq!(
        out.warnings,
        vec![ENDPOINTS_DEPRECATION_WARNING.to_string()]
    );
    assert_eq!(
        out.stdout,
        "NAME    ENDPOINTS                                                     AGE\nempty   <none>                                                        30s\nweb     10.244.1.2:8080,10.244.2.2:8080,10.244.1.2:9090 + 1 more...   90s\n"
    );
    assert_eq!(
        ENDPOINTS_DEPRECATION_WARNING,
        "Warning: v1 Endpoints is deprecated in v1.33+; use discovery.k8s.io/v1 EndpointSlice"
    );
}

const POD_RUNNING: &str = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web-7d9c5b6f4d-x2k8p\nspec:\n  nodeName: kind-worker\n  containers:\n  - name: web\n    image: nginx\nstatus:\n  phase: Running\n  podIP: 10.244.1.2\n  podIPs:\n  - ip: 10.244.1.2\n  conditions:\n  - type: Ready\n    status: \"True\"\n";
const POD_CREATING: &str = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: web-7d9c5b6f4d-b4v9q\nspec:\n  nodeName: kind-worker2\n  containers:\n  - name: web\n    image: nginx\n  - name: sidecar\n    image: busybox\nstatus:\n  phase: Pending\n";
const POD_PENDING: &str = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: unscheduled\nspec:\n  containers:\n  - name: web\n    image: nginx\n";

#[test]
fn pods_table_and_wide() {
    let mut c = cluster_at(200);
    add(&mut c, POD_RUNNING, "default", 0);
    add(&mut c, POD_CREATING, "default", 198);
    add(&mut c, POD_PENDING, "default", 100);
    let want = "\
NAME                   READY   STATUS              RESTARTS   AGE
unscheduled            0/1     Pending             0          100s
web-7d9c5b6f4d-b4v9q   0/2     ContainerCreating   0          2s
web-7d9c5b6f4d-x2k8p   1/1     Running             0          3m20s
";
    assert_eq!(get_pods(&c, &GetOptions::default()), want);
    let wide = GetOptions {
        wide: true,
        ..Default::default()
    };
    let want = "\
NAME                   READY   STATUS              RESTARTS   AGE     IP           NODE           NOMINATED NODE   READINESS GATES
unscheduled            0/1     Pending             0          100s    <none>       <none>         <none>           <none>
web-7d9c5b6f4d-b4v9q   0/2     ContainerCreating   0          2s      <none>       kind-worker2   <none>           <none>
web-7d9c5b6f4d-x2k8p   1/1     Running             0          3m20s   10.244.1.2   kind-worker    <none>           <none>
";
    assert_eq!(get_pods(&c, &wide), want);

    let key = ObjectKey::new("default", "web-7d9c5b6f4d-x2k8p");
    if let Some(p) = c.store.pods.get_mut(&key) {
        p.metadata.deletion_timestamp = created(199);
    }
    let p = c.store.pods.get(&key).unwrap();
    assert_eq!(pod_status(p), "Terminating");
    assert_eq!(pod_ready(p), "1/1");
}

#[test]
fn nodes_table_and_wide() {
    let mut c = cluster_at(3600);
    add(
        &mut c,
        "apiVersion: v1\nkind: Node\nmetadata:\n  name: kind-control-plane\n  labels:\n    node-role.kubernetes.io/control-plane: \"\"\nstatus:\n  addresses:\n  - {type: InternalIP, address: 172.18.0.2}\n  - {type: Hostname, address: kind-control-plane}\n  conditions:\n  - {type: Ready, status: \"True\"}\n",
        "",
        0,
    );
    add(
        &mut c,
        "apiVersion: v1\nkind: Node\nmetadata:\n  name: kind-worker\nspec:\n  unschedulable: true\nstatus:\n  addresses:\n  - {type: InternalIP, address: 172.18.0.3}\n  conditions:\n  - {type: Ready, status: \"False\"}\n",
        "",
        10,
    );
    let want = "\
NAME                 STATUS                        ROLES           AGE   VERSION
kind-control-plane   Ready                         control-plane   60m   v1.34.0
kind-worker          NotReady,SchedulingDisabled   <none>          59m   v1.34.0
";
    let opts = GetOptions {
        all_namespaces: true,
        ..Default::default()
    };
    assert_eq!(get_nodes(&c, &opts), want);
    let wide = GetOptions {
        wide: true,
        ..Default::default()
    };
    let want = "\
NAME                 STATUS                        ROLES           AGE   VERSION   INTERNAL-IP   EXTERNAL-IP   OS-IMAGE                         KERNEL-VERSION     CONTAINER-RUNTIME
kind-control-plane   Ready                         control-plane   60m   v1.34.0   172.18.0.2    <none>        Debian GNU/Linux 12 (bookworm)   6.8.0-60-generic   containerd://2.1.3
kind-worker          NotReady,SchedulingDisabled   <none>          59m   v1.34.0   172.18.0.3    <none>        Debian GNU/Linux 12 (bookworm)   6.8.0-60-generic   containerd://2.1.3
";
    assert_eq!(get_nodes(&c, &wide), want);
}

#[test]
fn workloads_and_namespaces() {
    let mut c = cluster_at(600);
    let deploy = "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: my-app\nspec:\n  replicas: 3\n  selector:\n    matchLabels:\n      app.kubernetes.io/name: MyApp\n  template:\n    metadata:\n      labels:\n        app.kubernetes.io/name: MyApp\n    spec:\n      containers:\n      - name: app\n        image: registry.k8s.io/e2e-test-images/agnhost:2.53\n";
    add(&mut c, deploy, "default", 0);
    add(
        &mut c,
        &deploy
            .replace("kind: Deployment", "kind: ReplicaSet")
            .replace("name: my-app\n", "name: my-app-6d4cf56db6\n"),
        "default",
        1,
    );
    for w in c.store.workloads.values_mut() {
        w.status.replicas = Some(3);
        w.status.ready_replicas = Some(2);
        w.status.updated_replicas = Some(3);
        w.status.available_replicas = Some(2);
    }
    assert_eq!(
        get_deployments(&c, &GetOptions::default()),
        "NAME     READY   UP-TO-DATE   AVAILABLE   AGE\nmy-app   2/3     3            2           10m\n"
    );
    let wide = GetOptions {
        wide: true,
        ..Default::default()
    };
    assert_eq!(
        get_replica_sets(&c, &wide),
        "NAME                DESIRED   CURRENT   READY   AGE     CONTAINERS   IMAGES                                         SELECTOR\nmy-app-6d4cf56db6   3         3         2       9m59s   app          registry.k8s.io/e2e-test-images/agnhost:2.53   app.kubernetes.io/name=MyApp\n"
    );
    add(
        &mut c,
        "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: prod\n",
        "",
        500,
    );
    assert_eq!(
        get_namespaces(&c, &GetOptions::default()),
        "NAME   STATUS   AGE\nprod   Active   100s\n"
    );
    let y = get(&c, "ns", &GetOptions::default(), Output::Yaml).unwrap();
    assert_eq!(
        y.stdout,
        "apiVersion: v1\nitems:\n- apiVersion: v1\n  kind: Namespace\n  metadata:\n    creationTimestamp: \"2026-01-01T00:08:20Z\"\n    name: prod\n  spec:\n    finalizers:\n    - kubernetes\n  status:\n    phase: Active\nkind: List\nmetadata:\n  resourceVersion: \"\"\n"
    );
}

#[test]
fn service_json_and_yaml() {
    let mut c = cluster_at(10);
    add(&mut c, NODEPORT, "default", 0);
    let opts = GetOptions {
        name: Some("myapp-service".into()),
        ..Default::default()
    };
    let j = get(&c, "svc", &opts, Output::Json).unwrap();
    let want_json = r#"{
    "apiVersion": "v1",
    "kind": "Service",
    "metadata": {
        "creationTimestamp": "2026-01-01T00:00:00Z",
        "name": "myapp-service",
        "namespace": "default"
    },
    "spec": {
        "clusterIP": "10.96.200.3",
        "clusterIPs": [
            "10.96.200.3"
        ],
        "externalTrafficPolicy": "Cluster",
        "ports": [
            {
                "nodePort": 30008,
                "port": 80,
                "protocol": "TCP",
                "targetPort": 80
            }
        ],
        "sessionAffinity": "None",
        "type": "NodePort"
    },
    "status": {
        "loadBalancer": {}
    }
}
"#;
    assert_eq!(j.stdout, want_json);
    let y = get(&c, "svc", &opts, Output::Yaml).unwrap();
    let want_yaml = "apiVersion: v1\nkind: Service\nmetadata:\n  creationTimestamp: \"2026-01-01T00:00:00Z\"\n  name: myapp-service\n  namespace: default\nspec:\n  clusterIP: 10.96.200.3\n  clusterIPs:\n  - 10.96.200.3\n  externalTrafficPolicy: Cluster\n  ports:\n  - nodePort: 30008\n    port: 80\n    protocol: TCP\n    targetPort: 80\n  sessionAffinity: None\n  type: NodePort\nstatus:\n  loadBalancer: {}\n";
    assert_eq!(y.stdout, want_yaml);
    // The YAML reads back as the same object.
    let parsed = manifest::parse(&y.stdout);
    assert!(parsed.errors.is_empty());
    let back = parsed.objects[0].node.to_json();
    let want: serde_json::Value = serde_json::from_str(want_json).unwrap();
    assert_eq!(back, want);
}

#[test]
fn yaml_list_round_trips_and_reapplies_as_list() {
    let c = services_cluster();
    let opts = GetOptions {
        all_namespaces: true,
        ..Default::default()
    };
    let y = get(&c, "svc", &opts, Output::Yaml).unwrap();
    let parsed = manifest::parse(&y.stdout);
    assert!(parsed.errors.is_empty(), "{:?}", parsed.errors);
    // kind: List is expanded into its items by the manifest reader.
    assert_eq!(parsed.objects.len(), 7);
    let j = get(&c, "svc", &opts, Output::Json).unwrap();
    let from_json: serde_json::Value = serde_json::from_str(&j.stdout).unwrap();
    let items = from_json["items"].as_array().unwrap();
    for (raw, item) in parsed.objects.iter().zip(items) {
        assert_eq!(&raw.node.to_json(), item);
    }
}

#[test]
fn describe_cluster_ip_service() {
    let mut c = cluster_at(300);
    add(&mut c, MY_SERVICE, "default", 0);
    add(
        &mut c,
        "apiVersion: discovery.k8s.io/v1\nkind: EndpointSlice\nmetadata:\n  name: my-service-abcde\n  labels:\n    kubernetes.io/service-name: my-service\naddressType: IPv4\nports:\n- {name: '', port: 9376, protocol: TCP}\nendpoints:\n- addresses: [10.244.1.2]\n  conditions: {ready: true}\n- addresses: [10.244.2.2]\n  conditions: {ready: false}\n- addresses: [10.244.2.3]\n",
        "default",
        0,
    );
    let want = "\
Name:                     my-service
Namespace:                default
Labels:                   <none>
Annotations:              <none>
Selector:                 app.kubernetes.io/name=MyApp
Type:                     ClusterIP
IP Family Policy:         SingleStack
IP Families:              IPv4
IP:                       10.96.120.7
IPs:                      10.96.120.7
Port:                     <unset>  80/TCP
TargetPort:               9376/TCP
Endpoints:                10.244.1.2:9376,10.244.2.3:9376
Session Affinity:         None
Internal Traffic Policy:  Cluster
Events:                   <none>
";
    assert_eq!(describe_service(&c, "default", "my-service").unwrap(), want);
    assert_eq!(
        describe_service(&c, "default", "nope")
            .unwrap_err()
            .to_string(),
        "Error from server (NotFound): services \"nope\" not found"
    );
}

#[test]
fn describe_load_balancer_with_events() {
    let mut c = cluster_at(125);
    add(&mut c, LB, "default", 0);
    let key = ObjectKey::new("default", "web-lb");
    if let Some(s) = c.store.services.get_mut(&key) {
        s.metadata.labels.insert("app".into(), "web".into());
        s.metadata.labels.insert("tier".into(), "front".into());
        s.metadata.annotations.insert(
            "metallb.io/ip-allocated-from-pool".into(),
            "kind-pool".into(),
        );
        s.status
            .load_balancer
            .ingress
            .push(crate::api::core::LoadBalancerIngress {
                ip: "172.18.255.200".into(),
                ip_mode: Some("VIP".into()),
                ..Default::default()
            });
    }
    let ev = |t: u64, reason: &str, msg: &str| Event {
        time: SimTime(t * 1000),
        type_: "Normal".into(),
        reason: reason.into(),
        object: "service/web-lb".into(),
        namespace: "default".into(),
        message: msg.into(),
    };
    c.events
        .push(ev(1, "IPAllocated", "Assigned IP [\"172.18.255.200\"]"));
    c.events.push(ev(
        2,
        "nodeAssigned",
        "announcing from node \"kind-worker\" with protocol \"layer2\"",
    ));
    c.events.push(ev(
        65,
        "nodeAssigned",
        "announcing from node \"kind-worker\" with protocol \"layer2\"",
    ));
    let want = "\
Name:                     web-lb
Namespace:                default
Labels:                   app=web
                          tier=front
Annotations:              metallb.io/ip-allocated-from-pool: kind-pool
Selector:                 app=web
Type:                     LoadBalancer
IP Families:              <none>
IP:                       10.96.33.1
IPs:                      10.96.33.1
LoadBalancer Ingress:     172.18.255.200 (VIP)
Port:                     <unset>  80/TCP
TargetPort:               8080/TCP
NodePort:                 <unset>  31234/TCP
Endpoints:                <none>
Session Affinity:         None
External Traffic Policy:  Cluster
Events:
  Type    Reason        Age                 From                Message
  ----    ------        ----                ----                -------
  Normal  IPAllocated   2m4s                metallb-controller  Assigned IP [\"172.18.255.200\"]
  Normal  nodeAssigned  60s (x2 over 2m3s)  metallb-speaker     announcing from node \"kind-worker\" with protocol \"layer2\"
";
    assert_eq!(describe_service(&c, "default", "web-lb").unwrap(), want);
}

#[test]
fn describe_external_name() {
    let mut c = cluster_at(60);
    add(&mut c, EXTERNAL, "prod", 0);
    let want = "Name:              my-service\nNamespace:         prod\nLabels:            <none>\nAnnotations:       <none>\nSelector:          <none>\nType:              ExternalName\nIP Families:       <none>\nIP:                \nIPs:               <none>\nExternal Name:     my.database.example.com\nSession Affinity:  None\nEvents:            <none>\n";
    assert_eq!(describe_service(&c, "prod", "my-service").unwrap(), want);
}

// ---------------------------------------------------------------------------------------------
// End to end through `Cluster::from_sources` (needs the bootstrap and controllers).

#[test]
fn fresh_cluster_lists_kubernetes_and_kube_dns() {
    let (c, results) = Cluster::from_sources(&[], 0);
    assert!(results.is_empty());
    let out = get(
        &c,
        "svc",
        &GetOptions {
            all_namespaces: true,
            ..Default::default()
        },
        Output::Table,
    )
    .unwrap();
    let lines: Vec<&str> = out.stdout.lines().collect();
    assert_eq!(
        lines.first().copied(),
        Some("NAMESPACE     NAME         TYPE        CLUSTER-IP   EXTERNAL-IP   PORT(S)                  AGE")
    );
    assert!(lines.iter().any(|l| l.starts_with(
        "default       kubernetes   ClusterIP   10.96.0.1    <none>        443/TCP "
    )));
    assert!(lines.iter().any(|l| l.starts_with(
        "kube-system   kube-dns     ClusterIP   10.96.0.10   <none>        53/UDP,53/TCP,9153/TCP "
    )));
}

#[test]
fn applied_service_appears_in_get() {
    let src = Source::new(
        "svc.yaml",
        "apiVersion: v1\nkind: Service\nmetadata:\n  name: myapp-service\nspec:\n  type: NodePort\n  ports:\n    - targetPort: 80\n      port: 80\n      nodePort: 30008\n",
    );
    let (c, results) = Cluster::from_sources(&[src], 0);
    assert_eq!(results.len(), 1);
    assert_eq!(results[0].to_string(), "service/myapp-service created");
    let out = get(
        &c,
        "svc",
        &GetOptions {
            name: Some("myapp-service".into()),
            ..Default::default()
        },
        Output::Table,
    )
    .unwrap();
    let row = out.stdout.lines().nth(1).unwrap_or("");
    assert!(row.starts_with("myapp-service   NodePort   10."), "{row}");
    assert!(row.contains("   <none>        80:30008/TCP   "), "{row}");
}

// ---------------------------------------------------------------------------------------------
// `get` with several types, `all` and `-l` (kubectl/pkg/cmd/get/get.go, cli-runtime's builder).

fn args(a: &[&str]) -> Vec<String> {
    a.iter().map(|s| s.to_string()).collect()
}

fn all_ns() -> GetOptions {
    GetOptions {
        all_namespaces: true,
        ..Default::default()
    }
}

fn selecting(selector: &str) -> GetOptions {
    GetOptions {
        selector: Some(selector.into()),
        ..Default::default()
    }
}

#[test]
fn comma_lists_print_one_table_per_type_with_kind_names() {
    let (c, _) = Cluster::from_sources(&[], 0);
    let out = get_args(
        &c,
        &args(&["svc,ep"]),
        &GetOptions::default(),
        Output::Table,
    )
    .unwrap();
    assert_eq!(
        out.stdout,
        "\
NAME                 TYPE        CLUSTER-IP   EXTERNAL-IP   PORT(S)   AGE
service/kubernetes   ClusterIP   10.96.0.1    <none>        443/TCP   2s

NAME                   ENDPOINTS         AGE
endpoints/kubernetes   172.18.0.2:6443   2s
"
    );
    assert_eq!(out.warnings, [ENDPOINTS_DEPRECATION_WARNING]);
    assert_eq!((out.no_resources, out.errors), (None, vec![]));
    // Repeats of one type are listed once; one type alone keeps plain names.
    let out = get_args(
        &c,
        &args(&["svc,services"]),
        &GetOptions::default(),
        Output::Table,
    );
    assert!(out.unwrap().stdout.starts_with("NAME         TYPE"));
    // An empty type prints nothing, not even a separator; the others keep `kind/name`.
    let out = get_args(
        &c,
        &args(&["deploy,svc"]),
        &GetOptions::default(),
        Output::Table,
    );
    assert!(out.unwrap().stdout.starts_with("NAME                 TYPE"));
    // --no-headers drops the headers and the blank lines between tables.
    let bare = GetOptions {
        no_headers: true,
        ..Default::default()
    };
    let out = get_args(&c, &args(&["svc,ep"]), &bare, Output::Table).unwrap();
    assert_eq!(
        out.stdout,
        "service/kubernetes   ClusterIP   10.96.0.1   <none>   443/TCP   2s\nendpoints/kubernetes   172.18.0.2:6443   2s\n"
    );
    // -o name and -o json take every object in order.
    let out = get_args(&c, &args(&["ns,svc"]), &GetOptions::default(), Output::Name).unwrap();
    assert_eq!(
        out.stdout,
        "namespace/default\nnamespace/kube-node-lease\nnamespace/kube-public\nnamespace/kube-system\nnamespace/local-path-storage\nservice/kubernetes\n"
    );
    let out = get_args(&c, &args(&["svc,ep"]), &GetOptions::default(), Output::Json).unwrap();
    let v: Value = serde_json::from_str(&out.stdout).unwrap();
    assert_eq!(v["kind"], "List");
    assert_eq!(v["items"][0]["kind"], "Service");
    assert_eq!(v["items"][1]["kind"], "Endpoints");
    // An unknown type fails the whole request.
    assert_eq!(
        get_args(
            &c,
            &args(&["svc,foo"]),
            &GetOptions::default(),
            Output::Table
        ),
        Err(GetError::UnknownResource("foo".into()))
    );
    assert_eq!(
        get_args(&c, &args(&["svc,"]), &GetOptions::default(), Output::Table),
        Err(GetError::UnknownResource(String::new()))
    );
}

#[test]
fn all_is_the_category_in_discovery_order() {
    let (c, _) = Cluster::from_sources(&[], 0);
    let out = get_args(&c, &args(&["all"]), &GetOptions::default(), Output::Table).unwrap();
    // A fresh cluster's default namespace: only `service/kubernetes`, still kind-prefixed.
    assert_eq!(
        out.stdout,
        "NAME                 TYPE        CLUSTER-IP   EXTERNAL-IP   PORT(S)   AGE\nservice/kubernetes   ClusterIP   10.96.0.1    <none>        443/TCP   2s\n"
    );
    let out = get_args(&c, &args(&["all"]), &all_ns(), Output::Table).unwrap();
    let firsts: Vec<&str> = out
        .stdout
        .split("\n\n")
        .filter_map(|table| table.lines().nth(1))
        .filter_map(|row| row.split_whitespace().nth(1))
        .collect();
    assert_eq!(
        firsts,
        [
            "pod/coredns-8564d4dc8c-btls5",
            "service/kubernetes",
            "daemonset.apps/kindnet",
            "deployment.apps/coredns",
            "replicaset.apps/coredns-8564d4dc8c",
        ]
    );
    assert!(out.stdout.contains(
        "\nNAMESPACE     NAME                        DESIRED   CURRENT   READY   UP-TO-DATE   AVAILABLE   NODE SELECTOR            AGE\nkube-system   daemonset.apps/kindnet      3         3         3       3            3           kubernetes.io/os=linux   2s\n"
    ));
    let empty = GetOptions {
        namespace: Some("prod".into()),
        ..Default::default()
    };
    let out = get_args(&c, &args(&["all"]), &empty, Output::Table).unwrap();
    assert_eq!(
        (out.stdout.as_str(), out.no_resources.as_deref()),
        ("", Some("No resources found in prod namespace."))
    );
    assert_eq!(
        get_args(
            &c,
            &args(&["all", "web"]),
            &GetOptions::default(),
            Output::Table
        ),
        Err(GetError::OneResourceWithNames)
    );
}

#[test]
fn selectors_filter_every_type() {
    let (c, _) = Cluster::from_sources(&[], 0);
    let dns = GetOptions {
        all_namespaces: true,
        selector: Some(" k8s-app in (kube-dns) ".into()),
        ..Default::default()
    };
    let out = get_args(&c, &args(&["pods,svc"]), &dns, Output::Name).unwrap();
    assert_eq!(
        out.stdout,
        "pod/coredns-8564d4dc8c-btls5\npod/coredns-8564d4dc8c-p7zbn\nservice/kube-dns\n"
    );
    let out = get(&c, "svc", &selecting("component=apiserver"), Output::Wide).unwrap();
    assert_eq!(
        out.stdout,
        "NAME         TYPE        CLUSTER-IP   EXTERNAL-IP   PORT(S)   AGE   SELECTOR\nkubernetes   ClusterIP   10.96.0.1    <none>        443/TCP   2s    <none>\n"
    );
    let out = get(&c, "svc", &selecting("!component"), Output::Table).unwrap();
    assert_eq!(out.stdout, "");
    assert_eq!(
        out.no_resources.as_deref(),
        Some("No resources found in default namespace.")
    );
    // Cluster-scoped kinds: kubectl's message without a namespace.
    let out = get(&c, "nodes", &selecting("nope"), Output::Table).unwrap();
    assert_eq!(out.no_resources.as_deref(), Some("No resources found"));
    // A blank selector is no selector.
    let out = get(&c, "svc", &selecting("  "), Output::Name).unwrap();
    assert_eq!(out.stdout, "service/kubernetes\n");
    // --show-labels: the labels in a last column.
    let labelled = GetOptions {
        show_labels: true,
        ..Default::default()
    };
    let out = get(&c, "svc", &labelled, Output::Table).unwrap();
    assert_eq!(
        out.stdout,
        "NAME         TYPE        CLUSTER-IP   EXTERNAL-IP   PORT(S)   AGE   LABELS\nkubernetes   ClusterIP   10.96.0.1    <none>        443/TCP   2s    component=apiserver,provider=kubernetes\n"
    );
    let names = list_objects(&c, Resource::Pods, &dns).unwrap();
    assert_eq!(
        names.first(),
        Some(&ObjectName {
            namespace: "kube-system".into(),
            name: "coredns-8564d4dc8c-btls5".into()
        })
    );
}

#[test]
fn selector_errors_come_from_the_server_per_type() {
    let (c, _) = Cluster::from_sources(&[], 0);
    let out = get_args(
        &c,
        &args(&["po,deploy"]),
        &selecting("app in"),
        Output::Table,
    )
    .unwrap();
    let lines: Vec<String> = out.errors.iter().map(ToString::to_string).collect();
    assert_eq!(
        lines,
        [
            "Error from server (BadRequest): Unable to find \"/v1, Resource=pods\" that match label selector \"app in\", field selector \"\": unable to parse requirement: found '' expected: '('",
            "Error from server (BadRequest): Unable to find \"apps/v1, Resource=deployments\" that match label selector \"app in\", field selector \"\": unable to parse requirement: found '' expected: '('",
        ]
    );
    assert_eq!((out.stdout.as_str(), out.no_resources), ("", None));
    assert!(matches!(
        get(&c, "endpointslices", &selecting("a,"), Output::Name),
        Err(GetError::BadSelector { resource, .. }) if resource == "discovery.k8s.io/v1, Resource=endpointslices"
    ));
    assert_eq!(
        list_objects(&c, Resource::Services, &selecting("=")).map_err(|e| e.to_string()),
        Err("Error from server (BadRequest): Unable to find \"/v1, Resource=services\" that match label selector \"=\", field selector \"\": found '=', expected: !, identifier, or 'end of string'".to_string())
    );
}

#[test]
fn names_and_resource_name_pairs() {
    let (c, _) = Cluster::from_sources(&[], 0);
    let opts = GetOptions::default();
    // Several names: the found ones printed, one NotFound per missing name.
    let out = get_args(
        &c,
        &args(&["svc", "nosuch", "kubernetes"]),
        &opts,
        Output::Name,
    )
    .unwrap();
    assert_eq!(out.stdout, "service/kubernetes\n");
    assert_eq!(
        out.errors,
        [GetError::NotFound {
            resource: "services".into(),
            name: "nosuch".into()
        }]
    );
    // Several names make a List even when one is found.
    let out = get_args(&c, &args(&["svc", "kubernetes", "x"]), &opts, Output::Json).unwrap();
    assert!(out.stdout.contains("\"kind\": \"List\""));
    // One name missing: only the error.
    let out = get_args(&c, &args(&["svc", "x"]), &opts, Output::Json).unwrap();
    assert_eq!((out.stdout.as_str(), out.errors.len()), ("", 1));
    // TYPE/NAME pairs in order, a table per run of one type.
    let out = get_args(
        &c,
        &args(&["svc/kubernetes", "ns/default", "no/kind-worker"]),
        &opts,
        Output::Table,
    )
    .unwrap();
    let names: Vec<&str> = out
        .stdout
        .lines()
        .filter(|l| !l.is_empty() && !l.starts_with("NAME"))
        .filter_map(|l| l.split_whitespace().next())
        .collect();
    assert_eq!(
        names,
        [
            "service/kubernetes",
            "namespace/default",
            "node/kind-worker"
        ]
    );
    // `a,b NAME` asks for a/NAME and b/NAME.
    let out = get_args(&c, &args(&["svc,ep", "kubernetes"]), &opts, Output::Name).unwrap();
    assert_eq!(out.stdout, "service/kubernetes\nendpoints/kubernetes\n");
    // Nodes are not namespaced: by name with -A is fine.
    let out = get_args(&c, &args(&["no", "kind-worker"]), &all_ns(), Output::Name).unwrap();
    assert_eq!(out.stdout, "node/kind-worker\n");
    for (a, opts, want) in [
        (
            &["svc", "x"][..],
            selecting("a=b"),
            GetError::NameWithSelector,
        ),
        (
            &["svc/x"],
            selecting("a=b"),
            GetError::SelectorWithResourceName,
        ),
        (&["svc/x"], all_ns(), GetError::NameAcrossNamespaces),
        (
            &["svc", "svc/x"],
            opts.clone(),
            GetError::SeparateResourceType,
        ),
        (&["svc/x/y"], opts.clone(), GetError::ResourceNameSlashes),
        (&["svc/"], opts.clone(), GetError::ResourceNameForm),
        (&["svc,ep/x"], opts.clone(), GetError::ResourceNameForm),
        (
            &["foo/x"],
            opts.clone(),
            GetError::UnknownResource("foo".into()),
        ),
    ] {
        assert_eq!(
            get_args(&c, &args(a), &opts, Output::Table),
            Err(want),
            "{a:?}"
        );
    }
}

#[test]
fn stateful_sets_and_daemon_sets() {
    let mut c = cluster_at(60);
    let sts = "apiVersion: apps/v1\nkind: StatefulSet\nmetadata:\n  name: db\nspec:\n  replicas: 2\n  serviceName: db\n  selector:\n    matchLabels: {app: db}\n  template:\n    metadata:\n      labels: {app: db}\n    spec:\n      containers:\n      - name: db\n        image: postgres:17\n";
    add(&mut c, sts, "default", 0);
    for w in c.store.workloads.values_mut() {
        w.status.ready_replicas = Some(1);
    }
    let wide = GetOptions {
        wide: true,
        ..Default::default()
    };
    assert_eq!(
        get(&c, "sts", &wide, Output::Table).unwrap().stdout,
        "NAME   READY   AGE   CONTAINERS   IMAGES\ndb     1/2     60s   db           postgres:17\n"
    );
    assert_eq!(
        get(
            &c,
            "statefulsets.apps",
            &GetOptions::default(),
            Output::Name
        )
        .unwrap()
        .stdout,
        "statefulset.apps/db\n"
    );
    let ds = sts
        .replace("kind: StatefulSet", "kind: DaemonSet")
        .replace("  replicas: 2\n  serviceName: db\n", "")
        .replace(
            "    spec:\n",
            "    spec:\n      nodeSelector: {disk: ssd}\n",
        );
    add(&mut c, &ds, "default", 30);
    for w in c.store.workloads.values_mut() {
        w.status.replicas = Some(2);
        w.status.ready_replicas = Some(1);
        w.status.updated_replicas = Some(2);
        w.status.available_replicas = Some(1);
    }
    assert_eq!(
        get(&c, "ds", &GetOptions::default(), Output::Table)
            .unwrap()
            .stdout,
        "NAME   DESIRED   CURRENT   READY   UP-TO-DATE   AVAILABLE   NODE SELECTOR   AGE\ndb     2         2         1       2            1           disk=ssd        30s\n"
    );
    let y = get(
        &c,
        "daemonset",
        &GetOptions {
            name: Some("db".into()),
            ..Default::default()
        },
        Output::Yaml,
    )
    .unwrap();
    assert!(y
        .stdout
        .starts_with("apiVersion: apps/v1\nkind: DaemonSet\n"));
}

// ---------------------------------------------------------------------------------------------
// Hostile text: what a manifest or a command line can put in front of a student.

#[test]
fn hostile_names_in_get_errors_are_go_quoted_and_capped() {
    let c = services_cluster();
    let named = |n: &str| GetOptions {
        name: Some(n.into()),
        ..Default::default()
    };
    let mb = "n".repeat(1 << 20);
    let cases: Vec<(&str, GetOptions, String)> = vec![
        (
            "svc",
            named("adm\u{202e}nim\u{200b}"),
            "Error from server (NotFound): services \"adm\\u202enim\\u200b\" not found".into(),
        ),
        (
            "svc",
            named("\u{1b}[31mred"),
            "Error from server (NotFound): services \"\\x1b[31mred\" not found".into(),
        ),
        (
            "svc",
            named(&mb),
            format!(
                "Error from server (NotFound): services \"{}\"... ({} bytes omitted) not found",
                "n".repeat(crate::quote::MAX_QUOTED),
                (1 << 20) - crate::quote::MAX_QUOTED
            ),
        ),
        (
            "sv\u{202e}c",
            GetOptions::default(),
            "error: the server doesn't have a resource type \"sv\\u202ec\"".into(),
        ),
    ];
    for (resource, opts, want) in cases {
        let e = get(&c, resource, &opts, Output::Table).unwrap_err();
        assert_eq!(e.to_string(), want);
    }
    let empty = get(
        &c,
        "pods",
        &GetOptions {
            namespace: Some("dev\u{202e}".into()),
            ..Default::default()
        },
        Output::Table,
    )
    .unwrap();
    assert_eq!(
        empty.no_resources.as_deref(),
        Some("No resources found in dev\\u202e namespace.")
    );
}

/// A store holding what validation would refuse (a name with an ANSI sequence and a
/// right-to-left override): tables show it escaped, as kubectl's printer escapes ESC.
#[test]
fn hostile_cells_in_tables_are_escaped() {
    let mut c = cluster_at(300);
    let yaml = MY_SERVICE.replace("name: my-service", "name: \"\\e[31mevil\\u202exe.exe\"");
    add(&mut c, &yaml, "default", 0);
    let out = get(&c, "svc", &GetOptions::default(), Output::Table).unwrap();
    assert_eq!(
        out.stdout,
        "\
NAME                     TYPE        CLUSTER-IP    EXTERNAL-IP   PORT(S)   AGE
^[[31mevil\\u202exe.exe   ClusterIP   10.96.120.7   <none>        80/TCP    5m
"
    );
}

#[test]
fn hostile_annotations_in_describe_are_escaped_and_bounded() {
    let mut c = cluster_at(300);
    let huge = "h".repeat(1 << 20);
    let yaml = MY_SERVICE.replace(
        "  name: my-service\n",
        &format!(
            "  name: my-service\n  annotations:\n    color: \"\\e[31mRED\\e[0m\\r\"\n    note: \"safe\\u202eevil\\u200b\"\n    huge: {huge}\n"
        ),
    );
    add(&mut c, &yaml, "default", 0);
    let text = describe_service(&c, "default", "my-service").unwrap();
    let annotations: Vec<&str> = text.lines().skip(3).take(5).collect();
    assert_eq!(
        annotations,
        [
            "Annotations:              color: ^[[31mRED^[[0m\\r",
            "                          huge:",
            &format!("                            {}...", "h".repeat(138)),
            "                          note: safe\\u202eevil\\u200b",
            "Selector:                 app.kubernetes.io/name=MyApp",
        ]
    );
    assert!(text.len() < 2000, "{}", text.len());
    // A status field nothing validates (a pasted load balancer hostname of 1 MB).
    let mut c = cluster_at(300);
    let yaml = format!(
        "{LB}status:\n  loadBalancer:\n    ingress:\n    - hostname: {}\n",
        "l".repeat(1 << 20)
    );
    add(&mut c, &yaml, "default", 0);
    let text = describe_service(&c, "default", "web-lb").unwrap();
    let line = text
        .lines()
        .find(|l| l.starts_with("LoadBalancer Ingress:"))
        .unwrap_or("");
    assert!(
        line.ends_with(" bytes omitted)"),
        "{}",
        &line[line.len() - 40..]
    );
    assert!(text.len() < 6000, "{}", text.len());
}
