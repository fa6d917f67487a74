//! The page's terminal, end to end against a simulated cluster.

use svcsim_engine::cluster::Cluster;
use svcsim_engine::manifest::Source;
use svcsim_engine::proxy::{self, ProxyMode};
use svcsim_engine::sim::Rng;
use svcsim_scene::console::{Completion, Console, ConsoleOutput};

const LESSON: &str = "\
apiVersion: apps/v1
kind: Deployment
metadata:
  name: web
spec:
  replicas: 3
  selector:
    matchLabels: {app: web}
  template:
    metadata:
      labels: {app: web}
    spec:
      containers:
      - name: web
        image: registry.k8s.io/e2e-test-images/agnhost:2.53
        args: [serve-hostname]
        ports: [{containerPort: 9376}]
---
apiVersion: v1
kind: Service
metadata:
  name: web
spec:
  selector: {app: web}
  ports: [{port: 80, targetPort: 9376}]
---
apiVersion: v1
kind: Service
metadata:
  name: web-headless
spec:
  clusterIP: None
  selector: {app: web}
  ports: [{port: 80, targetPort: 9376}]
---
apiVersion: v1
kind: Service
metadata:
  name: db
spec:
  type: ExternalName
  externalName: my.database.example.com
---
apiVersion: v1
kind: Service
metadata:
  name: empty
spec:
  selector: {app: nothing}
  ports: [{port: 80, targetPort: 8080}]
---
apiVersion: v1
kind: Pod
metadata:
  name: client
  labels: {role: client}
spec:
  containers:
  - name: client
    image: registry.k8s.io/e2e-test-images/jessie-dnsutils:1.3
";

fn cluster() -> Cluster {
    let (c, results) = Cluster::from_sources(&[Source::new("lesson.yaml", LESSON)], 0);
    for r in &results {
        assert!(r.is_ok(), "{r}");
    }
    c
}

fn run(console: &mut Console, c: &mut Cluster, line: &str) -> ConsoleOutput {
    console.run(c, line, &mut Rng::new(7))
}

/// Names of the web Deployment's pods (not terminating), sorted.
fn web_pods(c: &Cluster) -> Vec<String> {
    c.store
        .pods
        .values()
        .filter(|p| {
            p.metadata.labels.get("app").map(String::as_str) == Some("web")
                && p.metadata.deletion_timestamp.is_none()
        })
        .map(|p| p.metadata.name.clone())
        .collect()
}

fn ok(o: &ConsoleOutput) {
    assert_eq!(o.exit_code, 0, "stdout:\n{}stderr:\n{}", o.stdout, o.stderr);
}

#[test]
fn get_services() {
    let mut c = cluster();
    let mut k = Console::new();
    let o = run(&mut k, &mut c, "kubectl get svc");
    ok(&o);
    assert_eq!(
        o.stdout,
        "\
NAME           TYPE           CLUSTER-IP     EXTERNAL-IP               PORT(S)   AGE
db             ExternalName   <none>         my.database.example.com   <none>    2s
empty          ClusterIP      10.96.243.70   <none>                    80/TCP    2s
kubernetes     ClusterIP      10.96.0.1      <none>                    443/TCP   4s
web            ClusterIP      10.96.148.87   <none>                    80/TCP    2s
web-headless   ClusterIP      None           <none>                    80/TCP    2s
"
    );
    assert_eq!(o.stderr, "");
    assert!(!o.changed);
    // One object, resource/name form, -o name, other namespaces.
    let o = run(&mut k, &mut c, "kubectl get svc/web -o name");
    assert_eq!(o.stdout, "service/web\n");
    let o = run(&mut k, &mut c, "kubectl get services web -o wide");
    assert_eq!(
        o.stdout,
        "\
NAME   TYPE        CLUSTER-IP     EXTERNAL-IP   PORT(S)   AGE   SELECTOR
web    ClusterIP   10.96.148.87   <none>        80/TCP    2s    app=web
"
    );
    let o = run(&mut k, &mut c, "kubectl get svc -n kube-system -o name");
    assert_eq!(o.stdout, "service/kube-dns\n");
    let o = run(&mut k, &mut c, "kubectl get svc -n prod");
    assert_eq!(
        (o.stdout.as_str(), o.stderr.as_str()),
        ("", "No resources found in prod namespace.\n")
    );
    assert_eq!(o.exit_code, 0);
}

#[test]
fn get_pods_wide_labels_and_selectors() {
    let mut c = cluster();
    let mut k = Console::new();
    let o = run(&mut k, &mut c, "kubectl get pods -o wide");
    ok(&o);
    assert_eq!(
        o.stdout,
        "\
NAME                   READY   STATUS    RESTARTS   AGE   IP           NODE           NOMINATED NODE   READINESS GATES
client                 1/1     Running   0          2s    10.244.2.2   kind-worker2   <none>           <none>
web-74548b76bd-dnkwg   1/1     Running   0          2s    10.244.2.3   kind-worker2   <none>           <none>
web-74548b76bd-dtxts   1/1     Running   0          2s    10.244.1.2   kind-worker    <none>           <none>
web-74548b76bd-qd49l   1/1     Running   0          2s    10.244.1.3   kind-worker    <none>           <none>
"
    );
    let o = run(&mut k, &mut c, "kubectl get po --show-labels");
    assert_eq!(
        o.stdout,
        "\
NAME                   READY   STATUS    RESTARTS   AGE   LABELS
client                 1/1     Running   0          2s    role=client
web-74548b76bd-dnkwg   1/1     Running   0          2s    app=web,pod-template-hash=74548b76bd
web-74548b76bd-dtxts   1/1     Running   0          2s    app=web,pod-template-hash=74548b76bd
web-74548b76bd-qd49l   1/1     Running   0          2s    app=web,pod-template-hash=74548b76bd
"
    );
    let o = run(&mut k, &mut c, "kubectl get pods -l role=client");
    assert_eq!(
        o.stdout,
        "NAME     READY   STATUS    RESTARTS   AGE\nclient   1/1     Running   0          2s\n"
    );
    let o = run(&mut k, &mut c, "kubectl get pods -l app=nope");
    assert_eq!(o.stderr, "No resources found in default namespace.\n");
    let o = run(
        &mut k,
        &mut c,
        "kubectl get pods client web-74548b76bd-dnkwg nosuch -o name",
    );
    assert_eq!(o.stdout, "pod/client\npod/web-74548b76bd-dnkwg\n");
    assert_eq!(
        o.stderr,
        "Error from server (NotFound): pods \"nosuch\" not found\n"
    );
    assert_eq!(o.exit_code, 1);
    let o = run(
        &mut k,
        &mut c,
        "kubectl get pods -A --no-headers | grep -c kube-proxy",
    );
    assert_eq!(o.stdout, "3\n");
}

#[test]
fn get_comma_lists_all_and_selectors() {
    let mut c = cluster();
    let mut k = Console::new();
    // Several types: one table each, a blank line between, NAME as kind/name.
    let o = run(&mut k, &mut c, "kubectl get svc,ep");
    ok(&o);
    assert_eq!(
        o.stdout,
        "\
NAME                   TYPE           CLUSTER-IP     EXTERNAL-IP               PORT(S)   AGE
service/db             ExternalName   <none>         my.database.example.com   <none>    2s
service/empty          ClusterIP      10.96.243.70   <none>                    80/TCP    2s
service/kubernetes     ClusterIP      10.96.0.1      <none>                    443/TCP   4s
service/web            ClusterIP      10.96.148.87   <none>                    80/TCP    2s
service/web-headless   ClusterIP      None           <none>                    80/TCP    2s

NAME                     ENDPOINTS                                         AGE
endpoints/empty          <none>                                            2s
endpoints/kubernetes     172.18.0.2:6443                                   4s
endpoints/web            10.244.1.2:9376,10.244.1.3:9376,10.244.2.3:9376   2s
endpoints/web-headless   10.244.1.2:9376,10.244.1.3:9376,10.244.2.3:9376   2s
"
    );
    assert_eq!(
        o.stderr,
        "Warning: v1 Endpoints is deprecated in v1.33+; use discovery.k8s.io/v1 EndpointSlice\n"
    );
    // `all`: pods, services, then the apps group (daemonsets, deployments, replicasets,
    // statefulsets); empty types print nothing.
    let o = run(&mut k, &mut c, "kubectl get all");
    ok(&o);
    assert_eq!(
        o.stdout,
        "\
NAME                       READY   STATUS    RESTARTS   AGE
pod/client                 1/1     Running   0          2s
pod/web-74548b76bd-dnkwg   1/1     Running   0          2s
pod/web-74548b76bd-dtxts   1/1     Running   0          2s
pod/web-74548b76bd-qd49l   1/1     Running   0          2s

NAME                   TYPE           CLUSTER-IP     EXTERNAL-IP               PORT(S)   AGE
service/db             ExternalName   <none>         my.database.example.com   <none>    2s
service/empty          ClusterIP      10.96.243.70   <none>                    80/TCP    2s
service/kubernetes     ClusterIP      10.96.0.1      <none>                    443/TCP   4s
service/web            ClusterIP      10.96.148.87   <none>                    80/TCP    2s
service/web-headless   ClusterIP      None           <none>                    80/TCP    2s

NAME                  READY   UP-TO-DATE   AVAILABLE   AGE
deployment.apps/web   3/3     3            3           2s

NAME                             DESIRED   CURRENT   READY   AGE
replicaset.apps/web-74548b76bd   3         3         3       2s
"
    );
    let o = run(&mut k, &mut c, "kubectl get all -A | grep daemonset");
    assert_eq!(
        o.stdout,
        "kube-system   daemonset.apps/kindnet      3         3         3       3            3           kubernetes.io/os=linux   4s\nkube-system   daemonset.apps/kube-proxy   3         3         3       3            3           kubernetes.io/os=linux   4s\n"
    );
    // -l filters every type; -o name lists kind/name.
    let o = run(&mut k, &mut c, "kubectl get pods,svc -l app=web -o name");
    assert_eq!(
        o.stdout,
        "pod/web-74548b76bd-dnkwg\npod/web-74548b76bd-dtxts\npod/web-74548b76bd-qd49l\n"
    );
    let o = run(
        &mut k,
        &mut c,
        "kubectl get po -l 'app in (web),pod-template-hash' -o wide",
    );
    assert_eq!(
        o.stdout.lines().next(),
        Some("NAME                   READY   STATUS    RESTARTS   AGE   IP           NODE           NOMINATED NODE   READINESS GATES")
    );
    assert_eq!(o.stdout.lines().count(), 4);
    let o = run(
        &mut k,
        &mut c,
        "kubectl get all -A --selector=k8s-app=kube-dns -o name",
    );
    assert_eq!(
        o.stdout,
        "pod/coredns-8564d4dc8c-btls5\npod/coredns-8564d4dc8c-p7zbn\nservice/kube-dns\ndeployment.apps/coredns\nreplicaset.apps/coredns-8564d4dc8c\n"
    );
    let o = run(
        &mut k,
        &mut c,
        "kubectl get pods -l '!app,role notin (server)' -o name",
    );
    assert_eq!(o.stdout, "pod/client\n");
    // A type with no match prints nothing; the other keeps its kind/name form.
    let o = run(&mut k, &mut c, "kubectl get pods,svc -l 'role in (client)'");
    assert_eq!(
        o.stdout,
        "NAME         READY   STATUS    RESTARTS   AGE\npod/client   1/1     Running   0          2s\n"
    );
    // Nothing matches: kubectl's message on stderr, success.
    let o = run(&mut k, &mut c, "kubectl get pods,svc -l app=nope");
    assert_eq!(
        (o.stdout.as_str(), o.stderr.as_str(), o.exit_code),
        ("", "No resources found in default namespace.\n", 0)
    );
    let o = run(&mut k, &mut c, "kubectl get svc -A -l app=nope");
    assert_eq!(o.stderr, "No resources found\n");
    // TYPE/NAME pairs of different types, with --show-labels.
    let o = run(
        &mut k,
        &mut c,
        "kubectl get pod/client svc/web --show-labels",
    );
    assert_eq!(
        o.stdout,
        "NAME         READY   STATUS    RESTARTS   AGE   LABELS\npod/client   1/1     Running   0          2s    role=client\n\nNAME          TYPE        CLUSTER-IP     EXTERNAL-IP   PORT(S)   AGE   LABELS\nservice/web   ClusterIP   10.96.148.87   <none>        80/TCP    2s    <none>\n"
    );
    // --no-headers: no blank line between the tables either.
    let o = run(&mut k, &mut c, "kubectl get deploy,rs --no-headers");
    assert_eq!(
        o.stdout,
        "deployment.apps/web   3/3   3     3     2s\nreplicaset.apps/web-74548b76bd   3     3     3     2s\n"
    );
}

#[test]
fn get_selector_and_argument_errors() {
    let mut c = cluster();
    let mut k = Console::new();
    // The simulated API server parses -l for each type listed (as kube-apiserver does).
    let o = run(&mut k, &mut c, "kubectl get pods,svc -l 'app in (web'");
    assert_eq!((o.stdout.as_str(), o.exit_code), ("", 1));
    assert_eq!(
        o.stderr,
        "\
Error from server (BadRequest): Unable to find \"/v1, Resource=pods\" that match label selector \"app in (web\", field selector \"\": unable to parse requirement: found '', expected: ',' or ')'
Error from server (BadRequest): Unable to find \"/v1, Resource=services\" that match label selector \"app in (web\", field selector \"\": unable to parse requirement: found '', expected: ',' or ')'
"
    );
    let o = run(&mut k, &mut c, "kubectl get deploy -l app=");
    assert_eq!(o.stderr, "No resources found in default namespace.\n");
    let o = run(&mut k, &mut c, "kubectl get deploy -l 'app web'");
    assert_eq!(
        o.stderr,
        "Error from server (BadRequest): Unable to find \"apps/v1, Resource=deployments\" that match label selector \"app web\", field selector \"\": unable to parse requirement: found 'web', expected: in, notin, =, ==, !=, gt, lt\n"
    );
    let o = run(&mut k, &mut c, "kubectl get svc -l app:web");
    assert!(o.stderr.ends_with(": unable to parse requirement: <nil>: Invalid value: \"app:web\": name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')\n"), "{}", o.stderr);
    let o = run(&mut k, &mut c, "kubectl describe svc -l 'app in'");
    assert_eq!(
        o.stderr,
        "Error from server (BadRequest): Unable to find \"/v1, Resource=services\" that match label selector \"app in\", field selector \"\": unable to parse requirement: found '' expected: '('\n"
    );
    for (line, err) in [
        (
            "kubectl get pods web -l app=web",
            "error: name cannot be provided when a selector is specified\n",
        ),
        (
            "kubectl get svc/web -l app=web",
            "error: selectors and the all flag cannot be used when passing resource/name arguments\n",
        ),
        ("kubectl get all web", "error: you must specify only one resource\n"),
        (
            "kubectl get svc,foo",
            "error: the server doesn't have a resource type \"foo\"\n",
        ),
        (
            "kubectl get svc/web -A",
            "error: a resource cannot be retrieved by name across all namespaces\n",
        ),
        (
            "kubectl get svc svc/web",
            "error: there is no need to specify a resource type as a separate argument when passing arguments in resource/name form (e.g. 'kubectl get resource/<resource_name>' instead of 'kubectl get resource resource/<resource_name>'\n",
        ),
    ] {
        let o = run(&mut k, &mut c, line);
        assert_eq!((o.stderr.as_str(), o.exit_code), (err, 1), "{line}");
    }
    // delete -l finding nothing: kubectl says so on stdout.
    let o = run(&mut k, &mut c, "kubectl delete pods -l app=nope");
    assert_eq!(
        (o.stdout.as_str(), o.changed),
        ("No resources found\n", false)
    );
}

#[test]
fn describe_service() {
    let mut c = cluster();
    let mut k = Console::new();
    let o = run(&mut k, &mut c, "kubectl describe svc web");
    ok(&o);
    assert_eq!(
        o.stdout,
        "\
Name:                     web
Namespace:                default
Labels:                   <none>
Annotations:              <none>
Selector:                 app=web
Type:                     ClusterIP
IP Family Policy:         SingleStack
IP Families:              IPv4
IP:                       10.96.148.87
IPs:                      10.96.148.87
Port:                     <unset>  80/TCP
TargetPort:               9376/TCP
Endpoints:                10.244.2.3:9376,10.244.1.2:9376,10.244.1.3:9376
Session Affinity:         None
Internal Traffic Policy:  Cluster
Events:                   <none>
"
    );
    let o = run(&mut k, &mut c, "kubectl describe service/nosuch");
    assert_eq!(
        o.stderr,
        "Error from server (NotFound): services \"nosuch\" not found\n"
    );
    assert_eq!(o.exit_code, 1);
    let o = run(
        &mut k,
        &mut c,
        "kubectl -n kube-system describe svc kube-dns",
    );
    ok(&o);
    assert!(o.stdout.starts_with(
        "Name:                     kube-dns\nNamespace:                kube-system\n"
    ));
}

#[test]
fn delete_pod_then_time_passes() {
    let mut c = cluster();
    let mut k = Console::new();
    let before = web_pods(&c);
    let victim = before[0].clone();
    let o = run(&mut k, &mut c, &format!("kubectl delete pod {victim}"));
    ok(&o);
    assert_eq!(o.stdout, format!("pod \"{victim}\" deleted\n"));
    assert!(o.changed);
    // The API server only recorded the deletion: the pod is Terminating until time runs.
    let o = run(
        &mut k,
        &mut c,
        &format!("kubectl get pod {victim} --no-headers"),
    );
    assert!(o.stdout.contains("Terminating"), "{}", o.stdout);
    c.settle();
    let after = web_pods(&c);
    assert_eq!(after.len(), 3);
    assert!(!after.contains(&victim));
    let new: Vec<&String> = after.iter().filter(|p| !before.contains(p)).collect();
    assert_eq!(new.len(), 1);
    let o = run(&mut k, &mut c, "kubectl get pods -l app=web -o name");
    assert!(
        o.stdout.contains(&format!("pod/{}\n", new[0])),
        "{}",
        o.stdout
    );
    assert!(!o.stdout.contains(&victim));

    let o = run(&mut k, &mut c, "kubectl delete pod nosuch");
    assert_eq!(
        o.stderr,
        "Error from server (NotFound): pods \"nosuch\" not found\n"
    );
    assert_eq!(o.exit_code, 1);
    assert!(!o.changed);
    let o = run(&mut k, &mut c, "kubectl delete svc empty");
    assert_eq!(o.stdout, "service \"empty\" deleted\n");
    let o = run(&mut k, &mut c, "kubectl delete pod");
    assert_eq!(
        o.stderr,
        "error: resource(s) were provided, but no name was specified\n"
    );
}

#[test]
fn scale_deployment() {
    let mut c = cluster();
    let mut k = Console::new();
    let o = run(&mut k, &mut c, "kubectl scale deployment/web --replicas=5");
    ok(&o);
    assert_eq!(o.stdout, "deployment.apps/web scaled\n");
    assert!(o.changed);
    c.settle();
    assert_eq!(web_pods(&c).len(), 5);
    let o = run(&mut k, &mut c, "kubectl scale deploy web --replicas 1");
    assert_eq!(o.stdout, "deployment.apps/web scaled\n");
    c.settle();
    assert_eq!(web_pods(&c).len(), 1);
    let o = run(&mut k, &mut c, "kubectl get deploy");
    assert_eq!(
        o.stdout.lines().nth(1).map(|l| l.starts_with("web    1/1")),
        Some(true),
        "{}",
        o.stdout
    );

    let o = run(&mut k, &mut c, "kubectl scale deploy nosuch --replicas=2");
    assert_eq!(
        o.stderr,
        "Error from server (NotFound): deployments.apps \"nosuch\" not found\n"
    );
    let o = run(&mut k, &mut c, "kubectl scale deploy web");
    assert_eq!(o.stderr, "error: required flag(s) \"replicas\" not set\n");
    let o = run(&mut k, &mut c, "kubectl scale deploy web --replicas=x");
    assert_eq!(
        o.stderr,
        "error: invalid argument \"x\" for \"--replicas\" flag: strconv.ParseInt: parsing \"x\": invalid syntax\nSee 'kubectl scale --help' for usage.\n"
    );
    let o = run(&mut k, &mut c, "kubectl scale deploy web --replicas=-1");
    assert_eq!(
        o.stderr,
        "The Deployment \"web\" is invalid: spec.replicas: Invalid value: -1: must be greater than or equal to 0\n"
    );
}

#[test]
fn nslookup_cluster_ip_headless_external_name_nxdomain() {
    let mut c = cluster();
    let mut k = Console::new();
    let o = run(&mut k, &mut c, "kubectl exec client -- nslookup web");
    ok(&o);
    assert_eq!(
        o.stdout,
        "Server:\t\t10.96.0.10\nAddress:\t10.96.0.10#53\n\nName:\tweb.default.svc.cluster.local\nAddress: 10.96.148.87\n\n"
    );
    // The A query and BIND's follow-up AAAA query, each a UDP journey to kube-dns.
    assert_eq!(o.journeys.len(), 2);
    assert!(o.journeys[0]
        .destination
        .starts_with("10.96.0.10:53 (A web.default.svc.cluster.local.)"));

    // Headless: one Name/Address pair per ready pod.
    let o = run(
        &mut k,
        &mut c,
        "kubectl exec client -- nslookup web-headless",
    );
    ok(&o);
    let mut addrs: Vec<&str> = o
        .stdout
        .lines()
        .filter_map(|l| l.strip_prefix("Address: "))
        .collect();
    addrs.sort_unstable();
    assert_eq!(addrs, ["10.244.1.2", "10.244.1.3", "10.244.2.3"]);
    assert_eq!(
        o.stdout
            .matches("Name:\tweb-headless.default.svc.cluster.local\n")
            .count(),
        3
    );

    let o = run(&mut k, &mut c, "kubectl exec client -- nslookup db");
    ok(&o);
    assert_eq!(
        o.stdout,
        "\
Server:\t\t10.96.0.10
Address:\t10.96.0.10#53

db.default.svc.cluster.local\tcanonical name = my.database.example.com.
Name:\tmy.database.example.com
Address: 192.0.2.50

"
    );

    let o = run(&mut k, &mut c, "kubectl exec client -- nslookup nosuch");
    assert_eq!(
        o.stdout,
        "Server:\t\t10.96.0.10\nAddress:\t10.96.0.10#53\n\n** server can't find nosuch: NXDOMAIN\n\n"
    );
    assert_eq!(o.stderr, "command terminated with exit code 1\n");
    assert_eq!(o.exit_code, 1);
    // glibc-style walk with ndots:5: three search domains, then the name as-is.
    assert_eq!(o.journeys.len(), 4);

    let o = run(&mut k, &mut c, "kubectl exec client -- nslookup 10.96.0.10");
    assert_eq!(
        o.stdout,
        "Server:\t\t10.96.0.10\nAddress:\t10.96.0.10#53\n\n10.0.96.10.in-addr.arpa\tname = kube-dns.kube-system.svc.cluster.local.\n\n"
    );
}

#[test]
fn dig_uses_the_search_list_only_with_plus_search() {
    let mut c = cluster();
    let mut k = Console::new();
    let o = run(
        &mut k,
        &mut c,
        "kubectl exec client -- dig web.default.svc.cluster.local",
    );
    ok(&o);
    assert_eq!(
        o.stdout,
        "
; <<>> DiG 9.18.33-1~deb12u2-Debian <<>> web.default.svc.cluster.local
;; global options: +cmd
;; Got answer:
;; ->>HEADER<<- opcode: QUERY, status: NOERROR, id: 37501
;; flags: qr aa rd; QUERY: 1, ANSWER: 1, AUTHORITY: 0, ADDITIONAL: 0
;; WARNING: recursion requested but not available

;; QUESTION SECTION:
;web.default.svc.cluster.local. IN A

;; ANSWER SECTION:
web.default.svc.cluster.local. 30 IN A 10.96.148.87

;; Query time: 0 msec
;; SERVER: 10.96.0.10#53(10.96.0.10) (UDP)
;; WHEN: Thu Jan 01 00:00:04 UTC 2026

"
    );
    let o = run(&mut k, &mut c, "kubectl exec client -- dig web");
    assert!(o.stdout.contains("status: NXDOMAIN"), "{}", o.stdout);
    assert_eq!(o.exit_code, 0);
    let o = run(
        &mut k,
        &mut c,
        "kubectl exec client -- dig +search +short web",
    );
    assert_eq!(o.stdout, "10.96.148.87\n");
    let o = run(
        &mut k,
        &mut c,
        "kubectl exec client -- dig @10.96.0.10 db.default.svc.cluster.local +short",
    );
    assert_eq!(o.stdout, "my.database.example.com.\n192.0.2.50\n");
}

#[test]
fn curl_a_service() {
    let mut c = cluster();
    let mut k = Console::new();
    let pods = web_pods(&c);
    let mut seen = std::collections::BTreeSet::new();
    for seed in 0..12 {
        let o = k.run(
            &mut c,
            "kubectl exec client -- curl -s http://web",
            &mut Rng::new(seed),
        );
        ok(&o);
        let body = o.stdout.trim_end().to_string();
        assert!(pods.contains(&body), "{body} not one of {pods:?}");
        assert_eq!(o.journeys.len(), 1);
        assert!(!o.journeys[0].dns_queries.is_empty());
        seen.insert(body);
    }
    assert!(seen.len() > 1, "kube-proxy spreads connections: {seen:?}");

    let o = run(&mut k, &mut c, "kubectl exec client -- curl http://empty");
    assert_eq!(o.stdout, "");
    assert_eq!(
        o.stderr,
        "curl: (7) Failed to connect to empty port 80 after 3 ms: Couldn't connect to server\ncommand terminated with exit code 7\n"
    );
    assert_eq!(o.exit_code, 7);
    // -s alone hides the message, as curl does; -sS shows it.
    let o = run(&mut k, &mut c, "kubectl exec client -- curl -s empty");
    assert_eq!(o.stderr, "command terminated with exit code 7\n");
    let o = run(
        &mut k,
        &mut c,
        "kubectl exec client -- curl -sS -m 5 http://nosuch/x",
    );
    assert_eq!(
        o.stderr,
        "curl: (6) Could not resolve host: nosuch\ncommand terminated with exit code 6\n"
    );
    let o = run(
        &mut k,
        &mut c,
        "kubectl exec client -- wget -qO- http://web:80",
    );
    ok(&o);
    assert!(pods.contains(&o.stdout.trim_end().to_string()));
    let o = run(&mut k, &mut c, "kubectl exec client -- curl http://");
    assert_eq!(o.exit_code, 3);
}

#[test]
fn files_in_a_pod() {
    let mut c = cluster();
    let mut k = Console::new();
    let o = run(
        &mut k,
        &mut c,
        "kubectl exec client -- cat /etc/resolv.conf",
    );
    assert_eq!(
        o.stdout,
        "search default.svc.cluster.local svc.cluster.local cluster.local\nnameserver 10.96.0.10\noptions ndots:5\n"
    );
    let o = run(&mut k, &mut c, "kubectl exec client -- cat /nope");
    assert_eq!(
        o.stderr,
        "cat: /nope: No such file or directory\ncommand terminated with exit code 1\n"
    );
    let o = run(&mut k, &mut c, "kubectl exec client -- getent hosts db");
    assert_eq!(
        o.stdout,
        "192.0.2.50      my.database.example.com db.default.svc.cluster.local\n"
    );
    let o = run(&mut k, &mut c, "kubectl exec client -- hostname");
    assert_eq!(o.stdout, "client\n");
    let o = run(&mut k, &mut c, "kubectl exec nosuch -- hostname");
    assert_eq!(
        o.stderr,
        "Error from server (NotFound): pods \"nosuch\" not found\n"
    );
    let o = run(&mut k, &mut c, "kubectl exec client hostname");
    assert!(o
        .stderr
        .starts_with("error: exec [POD] [COMMAND] is not supported anymore."));
    let o = run(&mut k, &mut c, "kubectl exec deploy/web -- hostname");
    assert!(web_pods(&c).contains(&o.stdout.trim_end().to_string()));
}

#[test]
fn iptables_save_on_a_node() {
    let mut c = cluster();
    let mut k = Console::new();
    let web_ip = c
        .store
        .service("default", "web")
        .map(|s| s.spec.cluster_ip.clone())
        .unwrap_or_default();
    let o = run(&mut k, &mut c, "docker exec kind-worker iptables-save");
    ok(&o);
    let expected = proxy::render_iptables_save(
        &proxy::node_rules(&c, "kind-worker", ProxyMode::Iptables)
            .unwrap_or_else(|e| panic!("{e}")),
    );
    assert_eq!(o.stdout, expected);
    let jump = o
        .stdout
        .lines()
        .find(|l| l.contains("\"default/web cluster IP\"") && l.starts_with("-A KUBE-SERVICES"))
        .unwrap_or_else(|| panic!("no KUBE-SERVICES rule for web:\n{}", o.stdout));
    assert!(
        jump.starts_with(&format!("-A KUBE-SERVICES -d {web_ip}/32 -p tcp")),
        "{jump}"
    );
    let chain = jump.rsplit(' ').next().unwrap_or("");
    assert!(chain.starts_with("KUBE-SVC-"), "{chain}");
    assert!(o.stdout.contains(&format!(":{chain} - [0:0]\n")));
    assert_eq!(
        o.stdout.matches(&format!("-A {chain} ")).count(),
        3 + 1,
        "3 endpoints + masquerade"
    );

    // The bare form on the chosen node prints the same; iptables -S lists the chain.
    let o = run(&mut k, &mut c, "node kind-worker");
    ok(&o);
    assert_eq!(run(&mut k, &mut c, "iptables-save").stdout, expected);
    assert_eq!(
        run(&mut k, &mut c, "iptables-save --node kind-worker").stdout,
        expected
    );
    let o = run(&mut k, &mut c, &format!("iptables -t nat -S {chain}"));
    ok(&o);
    assert!(
        o.stdout.starts_with(&format!("-N {chain}\n-A {chain} ")),
        "{}",
        o.stdout
    );
    let o = run(&mut k, &mut c, "iptables -t nat -S NOPE");
    assert_eq!(o.stderr, "iptables: No chain/target/match by that name.\n");
    let o = run(&mut k, &mut c, "docker exec kind-nope iptables-save");
    assert_eq!(
        o.stderr,
        "Error response from daemon: No such container: kind-nope\n"
    );
    let o = run(&mut k, &mut c, "node kind-nope");
    assert_eq!(
        o.stderr,
        "Error from server (NotFound): nodes \"kind-nope\" not found\n"
    );
    let o = run(&mut k, &mut c, "ipvsadm -Ln");
    assert!(o
        .stdout
        .starts_with("IP Virtual Server version 1.2.1 (size=4096)\n"));
}

fn complete(k: &Console, c: &Cluster, line: &str) -> Completion {
    k.complete(c, line, line.len())
}

#[test]
fn completion() {
    let mut c = cluster();
    fn cands_in(k: &Console, c: &Cluster, line: &str) -> Vec<String> {
        complete(k, c, line).candidates
    }
    let mut k = Console::new();
    assert_eq!(cands_in(&k, &c, "kub"), ["kubectl", "kubens"]);
    assert_eq!(
        complete(&k, &c, "kubectl ge"),
        Completion {
            replace_from: 8,
            candidates: vec!["get".into()]
        }
    );
    assert_eq!(cands_in(&k, &c, "kubectl d"), ["delete", "describe"]);
    assert_eq!(
        cands_in(&k, &c, "kubectl get s"),
        ["servicecidrs", "services", "svc"]
    );
    assert_eq!(
        cands_in(&k, &c, "kubectl describe svc "),
        ["db", "empty", "kubernetes", "web", "web-headless"]
    );
    assert_eq!(
        cands_in(&k, &c, "kubectl describe svc w"),
        ["web", "web-headless"]
    );
    assert_eq!(
        cands_in(&k, &c, "kubectl get svc -n kube-system "),
        ["kube-dns"]
    );
    assert_eq!(
        cands_in(&k, &c, "kubectl get pods -n kube-"),
        ["kube-node-lease", "kube-public", "kube-system"]
    );
    let mut pods = web_pods(&c);
    pods.insert(0, "client".to_string());
    assert_eq!(cands_in(&k, &c, "kubectl exec "), pods);
    assert_eq!(cands_in(&k, &c, "kubectl exec -it c"), ["client"]);
    assert_eq!(cands_in(&k, &c, "kubectl delete pod web-"), web_pods(&c));
    assert_eq!(
        cands_in(&k, &c, "kubectl scale deployment/"),
        ["deployment/web"]
    );
    assert_eq!(cands_in(&k, &c, "kubectl scale deploy "), ["web"]);
    assert_eq!(
        cands_in(&k, &c, "kubectl scale deploy web --r"),
        ["--replicas="]
    );
    assert_eq!(cands_in(&k, &c, "kubectl get pods --sh"), ["--show-labels"]);
    assert_eq!(
        cands_in(&k, &c, "kubectl get pods -o "),
        ["json", "name", "wide", "yaml"]
    );
    assert_eq!(
        cands_in(&k, &c, "kubectl exec client -- "),
        ["cat", "curl", "dig", "getent", "hostname", "ip", "nslookup", "sh", "wget"]
    );
    assert_eq!(
        cands_in(&k, &c, "kubectl exec client -- nslookup we"),
        ["web", "web-headless"]
    );
    assert_eq!(
        cands_in(&k, &c, "kubectl exec client -- curl http://e"),
        ["http://empty"]
    );
    assert_eq!(
        cands_in(&k, &c, "kubectl exec client -- cat /etc/r"),
        ["/etc/resolv.conf"]
    );
    assert_eq!(
        cands_in(&k, &c, "docker exec "),
        ["kind-control-plane", "kind-worker", "kind-worker2"]
    );
    assert_eq!(
        cands_in(&k, &c, "docker exec kind-worker ip"),
        ["ip", "iptables", "iptables-save", "ipvsadm"]
    );
    assert_eq!(
        cands_in(&k, &c, "node kind-w"),
        ["kind-worker", "kind-worker2"]
    );
    assert_eq!(cands_in(&k, &c, "kubectl get svc | g"), ["grep"]);
    // The cursor in the middle of a line completes the word before it.
    let line = "kubectl ge pods";
    assert_eq!(
        k.complete(&c, line, 10),
        Completion {
            replace_from: 8,
            candidates: vec!["get".into()]
        }
    );
    // A quoted word is replaced from its opening quote.
    assert_eq!(
        complete(&k, &c, "kubectl 'ge"),
        Completion {
            replace_from: 8,
            candidates: vec!["get".into()]
        }
    );
    // Completion follows the namespace of the current context.
    run(
        &mut k,
        &mut c,
        "kubectl config set-context --current --namespace=kube-system",
    );
    assert_eq!(cands_in(&k, &c, "kubectl describe svc "), ["kube-dns"]);
    // Out-of-range cursors and odd bytes are fine.
    assert_eq!(k.complete(&c, "é", 1).replace_from, 0);
    assert!(k
        .complete(&c, "", 99)
        .candidates
        .contains(&"kubectl".to_string()));
}

#[test]
fn history() {
    let mut c = cluster();
    let mut k = Console::new();
    assert_eq!(k.history_prev(), None);
    assert_eq!(k.history_next(), None);
    for line in [
        "kubectl get svc",
        "kubectl get svc",
        "  ",
        "echo hi",
        "history",
    ] {
        run(&mut k, &mut c, line);
    }
    assert_eq!(k.history(), ["kubectl get svc", "echo hi", "history"]);
    let o = run(&mut k, &mut c, "history");
    assert_eq!(
        o.stdout,
        "    1  kubectl get svc\n    2  echo hi\n    3  history\n"
    );
    assert_eq!(k.history_prev().as_deref(), Some("history"));
    assert_eq!(k.history_prev().as_deref(), Some("echo hi"));
    assert_eq!(k.history_prev().as_deref(), Some("kubectl get svc"));
    assert_eq!(
        k.history_prev().as_deref(),
        Some("kubectl get svc"),
        "stays on the oldest"
    );
    assert_eq!(k.history_next().as_deref(), Some("echo hi"));
    assert_eq!(k.history_next().as_deref(), Some("history"));
    assert_eq!(
        k.history_next().as_deref(),
        Some(""),
        "back to the fresh line"
    );
    assert_eq!(k.history_next(), None);
    assert!(run(&mut k, &mut c, "clear").clear);
}

#[test]
fn unknown_commands_and_kubectl_errors() {
    let mut c = cluster();
    let mut k = Console::new();
    let o = run(&mut k, &mut c, "foo --bar");
    assert_eq!(
        (o.stderr.as_str(), o.exit_code),
        ("bash: foo: command not found\n", 127)
    );
    let o = run(&mut k, &mut c, "kubectl frobnicate");
    assert_eq!(
        (o.stderr.as_str(), o.exit_code),
        ("error: unknown command \"frobnicate\" for \"kubectl\"\n", 1)
    );
    let o = run(&mut k, &mut c, "kubectl gte pods");
    assert_eq!(
        o.stderr,
        "error: unknown command \"gte\" for \"kubectl\"\n\nDid you mean this?\n\tget\n"
    );
    let o = run(&mut k, &mut c, "kubectl get foo");
    assert_eq!(
        o.stderr,
        "error: the server doesn't have a resource type \"foo\"\n"
    );
    let o = run(&mut k, &mut c, "kubectl get pods nosuch");
    assert_eq!(
        o.stderr,
        "Error from server (NotFound): pods \"nosuch\" not found\n"
    );
    let o = run(&mut k, &mut c, "kubectl get pods --bogus");
    assert_eq!(
        o.stderr,
        "error: unknown flag: --bogus\nSee 'kubectl get --help' for usage.\n"
    );
    let o = run(&mut k, &mut c, "kubectl get pods -o table");
    assert!(o.stderr.starts_with("error: unable to match a printer suitable for the output format \"table\", allowed formats are: "));
    let o = run(&mut k, &mut c, "kubectl get");
    assert!(o.stderr.starts_with("You must specify the type of resource to get. Use \"kubectl api-resources\" for a complete list of supported resources.\n\nerror: Required resource not specified.\n"));
    let o = run(&mut k, &mut c, "kubectl exec client -- frobnicate");
    assert!(o
        .stderr
        .contains("exec: \"frobnicate\": executable file not found in $PATH"));
    assert_eq!(o.exit_code, 1);
    let o = run(&mut k, &mut c, "kubectl logs web");
    assert_eq!(o.exit_code, 1);
    let o = run(&mut k, &mut c, "kubectl");
    assert!(o
        .stdout
        .starts_with("kubectl controls the Kubernetes cluster manager."));
    let o = run(&mut k, &mut c, "help");
    assert!(o.stdout.contains("kubectl exec POD"));
}

#[test]
fn namespaces_and_events() {
    let mut c = cluster();
    let mut k = Console::new();
    let o = run(
        &mut k,
        &mut c,
        "kubectl config set-context --current --namespace=prod",
    );
    assert_eq!(o.stdout, "Context \"kind-kind\" modified.\n");
    assert_eq!(k.namespace(), "prod");
    let o = run(&mut k, &mut c, "kubectl get pods");
    assert_eq!(o.stderr, "No resources found in prod namespace.\n");
    let o = run(&mut k, &mut c, "kubens default");
    assert_eq!(
        o.stdout,
        "Context \"kind-kind\" modified.\nActive namespace is \"default\".\n"
    );
    let o = run(&mut k, &mut c, "kubectl get events | head -n 2");
    assert_eq!(
        o.stdout,
        "LAST SEEN   TYPE     REASON              OBJECT                      MESSAGE\n2s          Normal   ScalingReplicaSet   deployment/web              Scaled up replica set web-74548b76bd from 0 to 3\n"
    );
}

#[test]
fn quoting_and_operators() {
    let mut c = cluster();
    let mut k = Console::new();
    let o = run(&mut k, &mut c, "echo 'a  b' \"c\\\"d\" e\\ f # comment");
    assert_eq!(o.stdout, "a  b c\"d e f\n");
    let o = run(&mut k, &mut c, "kubectl get 'svc' \"web\" -o=name");
    assert_eq!(o.stdout, "service/web\n");
    let o = run(&mut k, &mut c, "kubectl get svc 'web");
    assert_eq!(
        (o.stderr.as_str(), o.exit_code),
        ("bash: unexpected EOF while looking for matching `''\n", 2)
    );
    let o = run(&mut k, &mut c, "| grep x");
    assert_eq!(
        (o.stderr.as_str(), o.exit_code),
        ("bash: syntax error near unexpected token `|'\n", 2)
    );
    let o = run(&mut k, &mut c, "kubectl get svc | grep -v NAME | wc -l");
    assert_eq!(o.stdout, "5\n");
    let o = run(&mut k, &mut c, "false && echo no; echo yes || echo no");
    assert_eq!(o.stdout, "yes\n");
    let o = run(
        &mut k,
        &mut c,
        "kubectl exec client -- sh -c 'nslookup web | grep Address'",
    );
    assert_eq!(o.exit_code, 2);
    let o = run(
        &mut k,
        &mut c,
        "kubectl exec client -- sh -c \"cat /etc/hostname\"",
    );
    assert_eq!(o.stdout, "client\n");
    // `--` ends kubectl's flags: what follows belongs to the command.
    let o = run(
        &mut k,
        &mut c,
        "kubectl exec client -- nslookup -type=A web -n",
    );
    assert_eq!(
        o.stderr,
        "*** Invalid option: n\ncommand terminated with exit code 1\n"
    );
    for line in [
        "",
        "   ",
        "#",
        ";",
        "&&",
        "'",
        "\"",
        "\\",
        "kubectl ''",
        "kubectl -n",
        "kubectl get svc -n ''",
    ] {
        let o = run(&mut k, &mut c, line);
        assert!(o.exit_code >= 0, "{line:?}");
    }
}

/// Lines from fragments students type (and some they should not), joined at random.
#[test]
fn never_panics_on_arbitrary_lines() {
    const FRAGMENTS: &[&str] = &[
        "kubectl",
        "k",
        "get",
        "describe",
        "delete",
        "scale",
        "exec",
        "events",
        "config",
        "set-context",
        "--current",
        "--namespace=",
        "-n",
        "-A",
        "-o",
        "wide",
        "yaml",
        "json",
        "name",
        "--show-labels",
        "-l",
        "app=web",
        "!app",
        "svc",
        "po",
        "pods",
        "deploy",
        "deployment/web",
        "web",
        "client",
        "db",
        "empty",
        "--replicas=",
        "-1",
        "3",
        "99999999999",
        "--",
        "nslookup",
        "dig",
        "+search",
        "+short",
        "@10.96.0.10",
        "-x",
        "10.96.0.10",
        "curl",
        "-s",
        "-m",
        "0.1",
        "http://web",
        "http://",
        "https://web:99999",
        "wget",
        "-qO-",
        "getent",
        "hosts",
        "cat",
        "/etc/resolv.conf",
        "/etc/hosts",
        "sh",
        "-c",
        "docker",
        "kind-worker",
        "iptables-save",
        "iptables",
        "-t",
        "nat",
        "-S",
        "nft",
        "list",
        "ruleset",
        "ipvsadm",
        "-Ln",
        "node",
        "--node",
        "kubens",
        "history",
        "clear",
        "help",
        "echo",
        "grep",
        "head",
        "tail",
        "wc",
        "-l",
        "|",
        "||",
        "&&",
        ";",
        "&",
        "'",
        "\"",
        "\\",
        "#",
        "é",
        "\u{0}",
        "\t",
        "\n",
        "a..b",
        "web.default",
        "kube-system",
        "-it",
        "-c",
        "x",
        "=",
        "/",
        ":",
        "[::1]",
        "--grace-period=0",
        "--force",
    ];
    let mut c = cluster();
    let mut k = Console::new();
    let mut rng = Rng::new(2024);
    let mut pick = Rng::new(99);
    for _ in 0..3000 {
        const PREFIXES: &[&str] = &[
            "",
            "kubectl ",
            "kubectl exec client -- ",
            "kubectl exec -it deploy/web -- ",
            "docker exec kind-worker ",
            "kubectl get pods ",
            "kubectl exec client -- curl -m 1 ",
            "kubectl exec client -- dig ",
        ];
        let n = pick.below(9);
        let p = usize::try_from(pick.below(PREFIXES.len() as u64)).unwrap_or(0);
        let mut line = PREFIXES[p].to_string();
        for _ in 0..n {
            let i = usize::try_from(pick.below(FRAGMENTS.len() as u64)).unwrap_or(0);
            line.push_str(FRAGMENTS[i]);
            if pick.below(4) != 0 {
                line.push(' ');
            }
        }
        let o = k.run(&mut c, &line, &mut rng);
        assert!((0..=255).contains(&o.exit_code), "{line:?}");
        for cursor in [0, line.len() / 2, line.len()] {
            let _ = k.complete(&c, &line, cursor);
        }
        if o.changed {
            c.advance(1_000);
        }
    }
}

mod properties {
    use super::*;
    use proptest::prelude::{any, prop_assert, proptest, ProptestConfig};
    use std::sync::OnceLock;
    use svcsim_engine::sim::Rng;

    fn base() -> &'static Cluster {
        static BASE: OnceLock<Cluster> = OnceLock::new();
        BASE.get_or_init(cluster)
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(256))]

        /// Any text at all: `run` and `complete` answer without panicking.
        #[test]
        fn run_never_panics_on_any_text(line in "\\PC{0,60}", seed in any::<u64>()) {
            let mut c = base().clone();
            let mut k = Console::new();
            let o = k.run(&mut c, &line, &mut Rng::new(seed));
            prop_assert!((0..=255).contains(&o.exit_code));
            for cursor in 0..=line.len() {
                let done = k.complete(&c, &line, cursor);
                prop_assert!(done.replace_from <= cursor);
            }
        }

        /// Command-shaped lines (a known command, then anything): deeper paths, no panics.
        #[test]
        fn run_never_panics_on_command_lines(
            head in proptest::sample::select(vec![
                "kubectl get", "kubectl describe svc", "kubectl delete pod", "kubectl scale deploy web",
                "kubectl exec client --", "kubectl exec client -- curl", "kubectl exec client -- nslookup",
                "kubectl exec client -- dig", "docker exec kind-worker", "iptables -t nat -S", "node",
            ]),
            tail in "[ a-z0-9./:=@+'\"|;&#-]{0,40}",
        ) {
            let mut c = base().clone();
            let mut k = Console::new();
            let line = format!("{head} {tail}");
            let o = k.run(&mut c, &line, &mut Rng::new(1));
            prop_assert!((0..=255).contains(&o.exit_code));
            let _ = k.complete(&c, &line, line.len());
        }
    }
}

/// `ip addr` / `ip route` show where addresses live (issue 12, item 4): the pod's IP on its
/// eth0, the node's on its eth0 and a veth per pod; the ClusterIP on no interface, except
/// `kube-ipvs0` in IPVS mode.
#[test]
fn ip_addr_and_route_in_a_pod_and_on_a_node() {
    let mut c = cluster();
    let mut con = Console::default();
    let web_ip = c
        .store
        .service("default", "web")
        .unwrap()
        .spec
        .cluster_ip
        .clone();
    let client = c
        .store
        .pods
        .values()
        .find(|p| p.metadata.name == "client")
        .unwrap();
    let (pod_ip, node) = (client.status.pod_ip.clone(), client.spec.node_name.clone());

    let o = run(&mut con, &mut c, "kubectl exec client -- ip addr");
    ok(&o);
    println!("{}", o.stdout);
    assert!(
        o.stdout.contains(&format!("inet {pod_ip}/24")),
        "{}",
        o.stdout
    );
    assert!(!o.stdout.contains(&web_ip));
    let o = run(&mut con, &mut c, "kubectl exec client -- ip route");
    ok(&o);
    println!("{}", o.stdout);
    assert!(o.stdout.starts_with("default via 10.244."), "{}", o.stdout);

    let o = run(&mut con, &mut c, &format!("docker exec {node} ip -4 addr"));
    ok(&o);
    println!("{}", o.stdout);
    assert!(
        !o.stdout.contains(&web_ip),
        "iptables mode: no interface has {web_ip}"
    );
    assert!(o.stdout.contains("inet 172.18.0."), "{}", o.stdout);
    let o = run(&mut con, &mut c, &format!("docker exec {node} ip route"));
    ok(&o);
    println!("{}", o.stdout);
    assert!(
        o.stdout.contains(&format!("{pod_ip} dev veth")),
        "{}",
        o.stdout
    );

    c.set_proxy_mode(ProxyMode::Ipvs);
    let o = run(&mut con, &mut c, &format!("docker exec {node} ip addr"));
    ok(&o);
    println!("{}", o.stdout);
    assert!(
        o.stdout
            .contains(&format!("inet {web_ip}/32 scope global kube-ipvs0")),
        "{}",
        o.stdout
    );

    let o = run(&mut con, &mut c, "kubectl exec client -- ip link");
    assert_eq!(o.exit_code, 1);
    assert!(
        o.stderr.contains("ip link is not simulated"),
        "{}",
        o.stderr
    );
}

/// Issue 13, item 13: `sleep` lets simulated time run (coreutils' units and sums), so a
/// lesson's "scale, wait, look again" works in the terminal and in `svcsim shell`; bad
/// intervals are coreutils' errors, and a sleep is capped at an hour of simulated time.
#[test]
fn sleep_lets_simulated_time_run() {
    let mut c = cluster();
    let mut k = Console::new();
    let start = c.now;
    ok(&run(
        &mut k,
        &mut c,
        "kubectl scale deployment/web --replicas=5",
    ));
    // No time has passed: the new pods are not there yet.
    assert!(web_pods(&c).len() < 5 || !c.is_settled());
    let o = run(&mut k, &mut c, "sleep 1m 30 0.5s");
    ok(&o);
    assert_eq!((o.stdout.as_str(), o.stderr.as_str()), ("", ""));
    assert!(o.changed, "the pods started while the terminal slept");
    assert_eq!(c.now.0 - start.0, 90_500);
    assert_eq!(web_pods(&c).len(), 5);
    let o = run(&mut k, &mut c, "kubectl get deploy web");
    assert!(o.stdout.contains("web    5/5"), "{}", o.stdout);
    // Nothing left to do: sleeping again changes nothing but the clock.
    let o = run(&mut k, &mut c, "sleep 2h");
    assert!(!o.changed);
    assert_eq!(
        o.stderr,
        "sleep: svcsim lets at most 3600s of simulated time pass at once; it did\n"
    );
    assert_eq!(c.now.0 - start.0, 90_500 + 3_600_000);
    for (line, err) in [
        ("sleep", "sleep: missing operand\n"),
        ("sleep x", "sleep: invalid time interval ‘x’\n"),
        ("sleep 5y", "sleep: invalid time interval ‘5y’\n"),
        ("sleep -1", "sleep: invalid option -- '1'\n"),
        ("sleep --now", "sleep: unrecognized option '--now'\n"),
        ("sleep 1..5", "sleep: invalid time interval ‘1..5’\n"),
    ] {
        let o = run(&mut k, &mut c, line);
        assert_eq!(o.exit_code, 1, "{line}");
        assert_eq!(
            o.stderr,
            format!("{err}Try 'sleep --help' for more information.\n"),
            "{line}"
        );
    }
    let o = run(&mut k, &mut c, "sleep --help");
    assert!(
        o.stdout.starts_with("Usage: sleep NUMBER[SUFFIX]..."),
        "{}",
        o.stdout
    );
    // `&&` sees its status like any command's.
    let o = run(&mut k, &mut c, "sleep 1 && echo done");
    assert_eq!(o.stdout, "done\n");
}
