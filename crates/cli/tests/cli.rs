//! The `svcsim` binary on the lecture's Service examples (tests/fixtures/*.yaml) and on the
//! API server's error cases. Expected ClusterIPs, nodePorts, names and ages were taken from a
//! run with `--seed 0` (the default) and frozen: the engine is deterministic per seed.

mod common;

use common::{fails, fails_after, ok, svcsim, svcsim_with_stdin};

// ---------------------------------------------------------------------------------------------
// The lecture's examples

#[test]
fn cluster_ip_with_selector_and_deployment() {
    assert_eq!(
        ok(&["apply", "-f", "clusterip-selector.yaml"]),
        "service/my-service created\ndeployment.apps/my-app created\n"
    );
    assert_eq!(
        ok(&["get", "svc", "-f", "clusterip-selector.yaml"]),
        "\
NAME         TYPE        CLUSTER-IP      EXTERNAL-IP   PORT(S)   AGE
kubernetes   ClusterIP   10.96.0.1       <none>        443/TCP   4s
my-service   ClusterIP   10.96.163.255   <none>        80/TCP    2s
"
    );
    assert_eq!(
        ok(&["get", "endpointslices", "-f", "clusterip-selector.yaml"]),
        "\
NAME               ADDRESSTYPE   PORTS   ENDPOINTS                          AGE
kubernetes         IPv4          6443    172.18.0.2                         4s
my-service-dnkwg   IPv4          9376    10.244.2.2,10.244.1.2,10.244.1.3   2s
"
    );
    assert_eq!(
        ok(&[
            "describe",
            "svc",
            "my-service",
            "-f",
            "clusterip-selector.yaml",
        ]),
        "\
Name:                     my-service
Namespace:                default
Labels:                   <none>
Annotations:              <none>
Selector:                 app.kubernetes.io/name=MyApp
Type:                     ClusterIP
IP Family Policy:         SingleStack
IP Families:              IPv4
IP:                       10.96.163.255
IPs:                      10.96.163.255
Port:                     <unset>  80/TCP
TargetPort:               9376/TCP
Endpoints:                10.244.2.2:9376,10.244.1.2:9376,10.244.1.3:9376
Session Affinity:         None
Internal Traffic Policy:  Cluster
Events:                   <none>
"
    );
}

#[test]
fn cluster_ip_pods_and_legacy_endpoints() {
    let r = svcsim(&["get", "pods", "-o", "wide", "-f", "clusterip-selector.yaml"]);
    assert_eq!(r.code, 0);
    let lines: Vec<&str> = r.stdout.lines().collect();
    assert_eq!(
        lines.first().copied(),
        Some("NAME                      READY   STATUS    RESTARTS   AGE   IP           NODE           NOMINATED NODE   READINESS GATES")
    );
    assert_eq!(lines.len(), 4, "{}", r.stdout);
    assert!(lines[1..]
        .iter()
        .all(|l| l.starts_with("my-app-") && l.contains("   1/1     Running   0  ")));
    let r = svcsim(&["get", "ep", "my-service", "-f", "clusterip-selector.yaml"]);
    assert_eq!(
        r.stderr,
        "Warning: v1 Endpoints is deprecated in v1.33+; use discovery.k8s.io/v1 EndpointSlice\n"
    );
    assert_eq!(
        r.stdout,
        "NAME         ENDPOINTS                                         AGE\nmy-service   10.244.1.2:9376,10.244.1.3:9376,10.244.2.2:9376   2s\n"
    );
    assert_eq!(r.code, 0);
}

#[test]
fn service_without_selector_and_manual_slice() {
    assert_eq!(
        ok(&["apply", "-f", "without-selector.yaml"]),
        "service/my-service created\nendpointslice.discovery.k8s.io/my-service-1 created\n"
    );
    assert_eq!(
        ok(&["get", "svc", "-f", "without-selector.yaml"]),
        "\
NAME         TYPE        CLUSTER-IP      EXTERNAL-IP   PORT(S)   AGE
kubernetes   ClusterIP   10.96.0.1       <none>        443/TCP   2s
my-service   ClusterIP   10.96.163.255   <none>        80/TCP    0s
"
    );
    assert_eq!(
        ok(&["get", "endpointslice", "-f", "without-selector.yaml"]),
        "\
NAME           ADDRESSTYPE   PORTS   ENDPOINTS           AGE
kubernetes     IPv4          6443    172.18.0.2          2s
my-service-1   IPv4          9376    10.4.5.6,10.1.2.3   0s
"
    );
    assert_eq!(
        ok(&[
            "describe",
            "service/my-service",
            "-f",
            "without-selector.yaml",
        ]),
        "\
Name:                     my-service
Namespace:                default
Labels:                   <none>
Annotations:              <none>
Selector:                 <none>
Type:                     ClusterIP
IP Family Policy:         SingleStack
IP Families:              IPv4
IP:                       10.96.163.255
IPs:                      10.96.163.255
Port:                     <unset>  80/TCP
TargetPort:               9376/TCP
Endpoints:                10.4.5.6:9376,10.1.2.3:9376
Session Affinity:         None
Internal Traffic Policy:  Cluster
Events:                   <none>
"
    );
}

#[test]
fn node_port_30008() {
    assert_eq!(
        ok(&["apply", "-f", "nodeport.yaml"]),
        "service/myapp-service created\n"
    );
    assert_eq!(
        ok(&["get", "svc", "-f", "nodeport.yaml"]),
        "\
NAME            TYPE        CLUSTER-IP      EXTERNAL-IP   PORT(S)        AGE
kubernetes      ClusterIP   10.96.0.1       <none>        443/TCP        2s
myapp-service   NodePort    10.96.163.255   <none>        80:30008/TCP   0s
"
    );
    assert_eq!(
        ok(&[
            "get",
            "svc",
            "myapp-service",
            "-o",
            "name",
            "-f",
            "nodeport.yaml",
        ]),
        "service/myapp-service\n"
    );
}

#[test]
fn node_port_slide_typo_is_a_yaml_error() {
    // `*port` is an alias to an anchor that does not exist. The exact go-yaml wording is the
    // manifest reader's business; here: kubectl's prefix, the position, the exit code.
    let r = svcsim(&["apply", "-f", "nodeport-typo.yaml"]);
    assert_eq!(r.code, 1);
    assert_eq!(r.stdout, "");
    assert!(
        r.stderr.starts_with(
            "error: error parsing nodeport-typo.yaml: error converting YAML to JSON: yaml: "
        ),
        "{}",
        r.stderr
    );
    assert!(
        r.stderr.ends_with("\n  --> nodeport-typo.yaml:11:7\n"),
        "{}",
        r.stderr
    );
}

#[test]
fn load_balancer_gets_a_metallb_address() {
    assert_eq!(
        ok(&["apply", "-f", "loadbalancer.yaml"]),
        "service/my-service created\n"
    );
    assert_eq!(
        ok(&["get", "svc", "-f", "loadbalancer.yaml"]),
        "\
NAME         TYPE           CLUSTER-IP      EXTERNAL-IP      PORT(S)        AGE
kubernetes   ClusterIP      10.96.0.1       <none>           443/TCP        3s
my-service   LoadBalancer   10.96.163.255   172.18.255.200   80:32621/TCP   1s
"
    );
    let r = svcsim(&["describe", "svc", "my-service", "-f", "loadbalancer.yaml"]);
    assert_eq!(r.code, 0);
    assert!(r
        .stdout
        .contains("\nLoadBalancer Ingress:     172.18.255.200 (VIP)\n"));
    assert!(r
        .stdout
        .contains("\nNodePort:                 <unset>  32621/TCP\n"));
    assert!(r.stdout.contains("\nExternal Traffic Policy:  Cluster\n"));
}

#[test]
fn external_name_in_prod() {
    assert_eq!(
        ok(&["apply", "-f", "externalname.yaml"]),
        "namespace/prod created\nservice/my-service created\n"
    );
    assert_eq!(
        ok(&["get", "svc", "-n", "prod", "-f", "externalname.yaml"]),
        "\
NAME         TYPE           CLUSTER-IP   EXTERNAL-IP               PORT(S)   AGE
my-service   ExternalName   <none>       my.database.example.com   <none>    0s
"
    );
    assert_eq!(
        ok(&["get", "ns", "prod", "-f", "externalname.yaml"]),
        "NAME   STATUS   AGE\nprod   Active   0s\n"
    );
}

#[test]
fn external_name_without_its_namespace() {
    fails(&["apply", "-f", "externalname-no-namespace.yaml"], "Error from server (NotFound): error when creating \"externalname-no-namespace.yaml\": namespaces \"prod\" not found\n  --> externalname-no-namespace.yaml:2:1\n");
    // `get` still runs: the apply error on stderr, then kubectl's empty-listing message.
    let r = svcsim(&[
        "get",
        "svc",
        "-n",
        "prod",
        "-f",
        "externalname-no-namespace.yaml",
    ]);
    assert_eq!(r.stdout, "");
    assert_eq!(
        r.stderr,
        "Error from server (NotFound): error when creating \"externalname-no-namespace.yaml\": namespaces \"prod\" not found\n  --> externalname-no-namespace.yaml:2:1\nNo resources found in prod namespace.\n"
    );
    assert_eq!(r.code, 0);
}

#[test]
fn headless_service() {
    assert_eq!(
        ok(&["apply", "-f", "headless.yaml"]),
        "service/my-service created\n"
    );
    assert_eq!(
        ok(&["get", "svc", "-f", "headless.yaml"]),
        "\
NAME         TYPE        CLUSTER-IP   EXTERNAL-IP   PORT(S)   AGE
kubernetes   ClusterIP   10.96.0.1    <none>        443/TCP   2s
my-service   ClusterIP   None         <none>        80/TCP    0s
"
    );
    // No pod matches app=my-app: the controller's placeholder slice.
    assert_eq!(
        ok(&["get", "endpointslices", "-f", "headless.yaml"]),
        "\
NAME               ADDRESSTYPE   PORTS     ENDPOINTS    AGE
kubernetes         IPv4          6443      172.18.0.2   2s
my-service-9fvzb   IPv4          <unset>   <unset>      0s
"
    );
}

#[test]
fn fresh_cluster_services_all_namespaces() {
    let r = svcsim(&["get", "svc", "-A"]);
    assert_eq!(r.code, 0);
    assert_eq!(r.stderr, "");
    let lines: Vec<&str> = r.stdout.lines().collect();
    assert_eq!(lines.len(), 3, "{}", r.stdout);
    assert!(lines[0].starts_with("NAMESPACE     NAME         TYPE        CLUSTER-IP   EXTERNAL-IP   PORT(S)                  AGE"));
    assert!(lines[1].starts_with("default       kubernetes   ClusterIP   10.96.0.1    <none>        443/TCP                  "));
    assert!(lines[2].starts_with("kube-system   kube-dns     ClusterIP   10.96.0.10   <none>        53/UDP,53/TCP,9153/TCP   "));
}

// ---------------------------------------------------------------------------------------------
// Errors from the API server (k8s-facts §1.2, §2)

#[test]
fn node_port_out_of_range() {
    fails(&["apply", "-f", "err-nodeport-range.yaml"], "The Service \"myapp-service\" is invalid: spec.ports[0].nodePort: Invalid value: 80: provided port is not in the valid range. The range of valid ports is 30000-32767\n  --> err-nodeport-range.yaml:10:7\n");
}

#[test]
fn node_port_already_allocated() {
    fails_after(&["apply", "-f", "err-nodeport-duplicate.yaml"], "service/myapp-service created\n", "The Service \"other-service\" is invalid: spec.ports[0].nodePort: Invalid value: 30008: provided port is already allocated\n  --> err-nodeport-duplicate.yaml:21:7\n");
}

#[test]
fn node_port_taken_across_files() {
    let r = svcsim(&[
        "apply",
        "-f",
        "nodeport.yaml",
        "-f",
        "err-nodeport-duplicate.yaml",
    ]);
    assert_eq!(r.code, 1);
    // The second file re-applies the same myapp-service: kubectl reports it unchanged.
    assert_eq!(
        r.stdout,
        "service/myapp-service created\nservice/myapp-service unchanged\n"
    );
    assert_eq!(
        r.stderr,
        "The Service \"other-service\" is invalid: spec.ports[0].nodePort: Invalid value: 30008: provided port is already allocated\n  --> err-nodeport-duplicate.yaml:21:7\n"
    );
}

#[test]
fn cluster_ip_already_allocated() {
    fails_after(&["apply", "-f", "err-clusterip-taken.yaml"], "service/first created\n", "The Service \"second\" is invalid: spec.clusterIPs: Invalid value: []string{\"10.96.100.100\"}: failed to allocate IP 10.96.100.100: provided IP is already allocated\n  --> err-clusterip-taken.yaml:15:3\n");
}

#[test]
fn cluster_ip_outside_the_range() {
    fails(&["apply", "-f", "err-clusterip-range.yaml"], "The Service \"outside\" is invalid: spec.clusterIPs: Invalid value: []string{\"192.168.1.10\"}: failed to allocate IP 192.168.1.10: the provided network does not match the current range\n  --> err-clusterip-range.yaml:6:3\n");
}

#[test]
fn unknown_field_is_a_bad_request() {
    fails(&["apply", "-f", "err-unknown-field.yaml"], "Error from server (BadRequest): error when creating \"err-unknown-field.yaml\": Service in version \"v1\" cannot be handled as a Service: strict decoding error: unknown field \"spec.ports[0].targetPrt\"\n  --> err-unknown-field.yaml:9:7\n");
}

#[test]
fn unsupported_type() {
    fails(&["apply", "-f", "err-type-foo.yaml"], "The Service \"my-service\" is invalid: spec.type: Unsupported value: \"Foo\": supported values: \"ClusterIP\", \"ExternalName\", \"LoadBalancer\", \"NodePort\"\n  --> err-type-foo.yaml:6:3\n");
}

// ---------------------------------------------------------------------------------------------
// get/describe behaviour

#[test]
fn not_found_and_unknown_resource() {
    fails(
        &["get", "svc", "nope", "-f", "nodeport.yaml"],
        "Error from server (NotFound): services \"nope\" not found\n",
    );
    fails(
        &["describe", "svc", "nope"],
        "Error from server (NotFound): services \"nope\" not found\n",
    );
    fails(
        &["get", "widgets"],
        "error: the server doesn't have a resource type \"widgets\"\n",
    );
    let r = svcsim(&["get", "pods"]);
    assert_eq!(r.stdout, "");
    assert_eq!(r.stderr, "No resources found in default namespace.\n");
    assert_eq!(r.code, 0);
}

#[test]
fn yaml_output_round_trips_through_apply() {
    let yaml = svcsim(&[
        "get",
        "svc",
        "my-service",
        "-o",
        "yaml",
        "-f",
        "loadbalancer.yaml",
    ]);
    assert_eq!(yaml.code, 0);
    assert!(yaml
        .stdout
        .starts_with("apiVersion: v1\nkind: Service\nmetadata:\n"));
    assert!(yaml.stdout.contains(
        "\n  ports:\n  - nodePort: 32621\n    port: 80\n    protocol: TCP\n    targetPort: 9376\n"
    ));
    assert!(yaml.stdout.contains(
        "\nstatus:\n  loadBalancer:\n    ingress:\n    - ip: 172.18.255.200\n      ipMode: VIP\n"
    ));
    let again = svcsim_with_stdin(&["apply", "-f", "-"], &yaml.stdout);
    assert_eq!(again.stderr, "");
    assert_eq!(again.stdout, "service/my-service created\n");
    // JSON output parses and names the same object.
    let json = svcsim(&[
        "get",
        "svc",
        "my-service",
        "-o",
        "json",
        "-f",
        "loadbalancer.yaml",
    ]);
    let v: serde_json::Value = serde_json::from_str(&json.stdout).expect("valid JSON");
    assert_eq!(v["kind"], "Service");
    assert_eq!(v["spec"]["clusterIP"], "10.96.163.255");
    assert!(json
        .stdout
        .starts_with("{\n    \"apiVersion\": \"v1\",\n    \"kind\": \"Service\",\n"));
}

#[test]
fn output_is_deterministic_per_seed() {
    let a = svcsim(&["get", "svc", "-o", "yaml", "-f", "clusterip-selector.yaml"]);
    let b = svcsim(&[
        "get",
        "svc",
        "-o",
        "yaml",
        "-f",
        "clusterip-selector.yaml",
        "--seed",
        "0",
    ]);
    assert_eq!(a.stdout, b.stdout);
    let c = svcsim(&[
        "get",
        "svc",
        "my-service",
        "-o",
        "json",
        "-f",
        "clusterip-selector.yaml",
        "--seed",
        "42",
    ]);
    let v: serde_json::Value = serde_json::from_str(&c.stdout).expect("valid JSON");
    assert_ne!(v["spec"]["clusterIP"], "10.96.163.255");
}

// ---------------------------------------------------------------------------------------------
// get with several types, all, and -l (kubectl/pkg/cmd/get, cli-runtime's resource builder,
// apimachinery's labels.Parse)

#[test]
fn get_comma_list_prints_a_table_per_type() {
    let r = svcsim(&["get", "svc,ep", "-f", "clusterip-selector.yaml"]);
    assert_eq!(
        r.stderr,
        "Warning: v1 Endpoints is deprecated in v1.33+; use discovery.k8s.io/v1 EndpointSlice\n"
    );
    assert_eq!(
        r.stdout,
        "\
NAME                 TYPE        CLUSTER-IP      EXTERNAL-IP   PORT(S)   AGE
service/kubernetes   ClusterIP   10.96.0.1       <none>        443/TCP   4s
service/my-service   ClusterIP   10.96.163.255   <none>        80/TCP    2s

NAME                   ENDPOINTS                                         AGE
endpoints/kubernetes   172.18.0.2:6443                                   4s
endpoints/my-service   10.244.1.2:9376,10.244.1.3:9376,10.244.2.2:9376   2s
"
    );
    assert_eq!(r.code, 0);
    // `TYPE,TYPE NAME` asks each type for NAME.
    let r = svcsim(&[
        "get",
        "svc,ep",
        "my-service",
        "-o",
        "name",
        "-f",
        "clusterip-selector.yaml",
    ]);
    assert_eq!(
        (r.stdout.as_str(), r.code),
        ("service/my-service\nendpoints/my-service\n", 0)
    );
    fails_after(
        &[
            "get",
            "svc/my-service",
            "deploy/my-app",
            "pod/nope",
            "-o",
            "name",
            "-f",
            "clusterip-selector.yaml",
        ],
        "service/my-service\ndeployment.apps/my-app\n",
        "Error from server (NotFound): pods \"nope\" not found\n",
    );
    fails(
        &["get", "svc,widgets"],
        "error: the server doesn't have a resource type \"widgets\"\n",
    );
}

#[test]
fn get_all() {
    assert_eq!(
        ok(&["get", "all", "-f", "clusterip-selector.yaml"]),
        "\
NAME                          READY   STATUS    RESTARTS   AGE
pod/my-app-859ff7cd86-8wdhs   1/1     Running   0          2s
pod/my-app-859ff7cd86-s4f4p   1/1     Running   0          2s
pod/my-app-859ff7cd86-xtsfz   1/1     Running   0          2s

NAME                 TYPE        CLUSTER-IP      EXTERNAL-IP   PORT(S)   AGE
service/kubernetes   ClusterIP   10.96.0.1       <none>        443/TCP   4s
service/my-service   ClusterIP   10.96.163.255   <none>        80/TCP    2s

NAME                     READY   UP-TO-DATE   AVAILABLE   AGE
deployment.apps/my-app   3/3     3            3           2s

NAME                                DESIRED   CURRENT   READY   AGE
replicaset.apps/my-app-859ff7cd86   3         3         3       2s
"
    );
    // kind runs kindnet and kube-proxy as DaemonSets: `all -A` shows them between the
    // services and the deployments.
    assert_eq!(
        ok(&["get", "all", "-A", "-o", "name", "-l", "tier=node"]),
        "pod/kindnet-4sfs7\npod/kindnet-gft5w\npod/kindnet-q9vwx\ndaemonset.apps/kindnet\n"
    );
    fails(
        &["get", "all", "my-app"],
        "error: you must specify only one resource\n",
    );
}

#[test]
fn get_with_a_selector() {
    let my_app = "app.kubernetes.io/name=MyApp";
    assert_eq!(
        ok(&[
            "get",
            "pods,svc",
            "-l",
            my_app,
            "-o",
            "name",
            "-f",
            "clusterip-selector.yaml"
        ]),
        "pod/my-app-859ff7cd86-8wdhs\npod/my-app-859ff7cd86-s4f4p\npod/my-app-859ff7cd86-xtsfz\n"
    );
    assert_eq!(
        ok(&["get", "pods", "--selector", my_app, "-o", "wide", "-f", "clusterip-selector.yaml"]),
        "\
NAME                      READY   STATUS    RESTARTS   AGE   IP           NODE           NOMINATED NODE   READINESS GATES
my-app-859ff7cd86-8wdhs   1/1     Running   0          2s    10.244.2.2   kind-worker2   <none>           <none>
my-app-859ff7cd86-s4f4p   1/1     Running   0          2s    10.244.1.2   kind-worker    <none>           <none>
my-app-859ff7cd86-xtsfz   1/1     Running   0          2s    10.244.1.3   kind-worker    <none>           <none>
"
    );
    assert_eq!(
        ok(&["get", "svc,deploy", "-A", "-l", "k8s-app in (kube-dns)"]),
        "\
NAMESPACE     NAME               TYPE        CLUSTER-IP   EXTERNAL-IP   PORT(S)                  AGE
kube-system   service/kube-dns   ClusterIP   10.96.0.10   <none>        53/UDP,53/TCP,9153/TCP   2s

NAMESPACE     NAME                      READY   UP-TO-DATE   AVAILABLE   AGE
kube-system   deployment.apps/coredns   2/2     2            2           2s
"
    );
    // Nothing matches: kubectl's message on stderr, exit 0.
    for (args, message) in [
        (
            &["get", "pods,svc", "-l", "app=nope"][..],
            "No resources found in default namespace.\n",
        ),
        (
            &["get", "svc", "-A", "-l", "app=nope"],
            "No resources found\n",
        ),
        (
            &["get", "nodes", "-l", "!kubernetes.io/os"],
            "No resources found\n",
        ),
    ] {
        let r = svcsim(args);
        assert_eq!(
            (r.stdout.as_str(), r.stderr.as_str(), r.code),
            ("", message, 0),
            "{args:?}"
        );
    }
    let r = svcsim(&["describe", "svc", "-l", "component=apiserver"]);
    assert!(
        r.stdout
            .starts_with("Name:                     kubernetes\n"),
        "{}",
        r.stdout
    );
    assert_eq!(r.code, 0);
}

#[test]
fn selector_errors() {
    // kube-apiserver parses the selector, once per type listed; kubectl names the type.
    fails(
        &["get", "pods,svc", "-l", "app in (web"],
        "\
Error from server (BadRequest): Unable to find \"/v1, Resource=pods\" that match label selector \"app in (web\", field selector \"\": unable to parse requirement: found '', expected: ',' or ')'
Error from server (BadRequest): Unable to find \"/v1, Resource=services\" that match label selector \"app in (web\", field selector \"\": unable to parse requirement: found '', expected: ',' or ')'
",
    );
    fails(
        &["get", "deploy", "-l", "app=web,"],
        "Error from server (BadRequest): Unable to find \"apps/v1, Resource=deployments\" that match label selector \"app=web,\", field selector \"\": found '', expected: identifier after ','\n",
    );
    fails(
        &["get", "svc", "-l", "app=b@d"],
        "Error from server (BadRequest): Unable to find \"/v1, Resource=services\" that match label selector \"app=b@d\", field selector \"\": unable to parse requirement: values[0][app]: Invalid value: \"b@d\": a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')\n",
    );
    fails(
        &["get", "svc", "kubernetes", "-l", "a=b"],
        "error: name cannot be provided when a selector is specified\n",
    );
    fails(
        &["get", "svc/kubernetes", "-l", "a=b"],
        "error: selectors and the all flag cannot be used when passing resource/name arguments\n",
    );
    fails(
        &["describe", "svc", "-l", "a in"],
        "Error from server (BadRequest): Unable to find \"/v1, Resource=services\" that match label selector \"a in\", field selector \"\": unable to parse requirement: found '' expected: '('\n",
    );
}

// ---------------------------------------------------------------------------------------------
// Command line

#[test]
fn usage_errors_exit_1() {
    fails(
        &["get", "svc", "--watch"],
        "error: unknown flag: --watch\nSee 'svcsim get --help' for usage.\n",
    );
    fails(
        &["get", "svc", "-w"],
        "error: unknown shorthand flag: 'w' in -w\nSee 'svcsim get --help' for usage.\n",
    );
    fails(&["get", "svc", "-o", "table"], "error: unable to match a printer suitable for the output format \"table\", allowed formats are: json,name,wide,yaml\nSee 'svcsim get --help' for usage.\n");
    fails(
        &["apply", "-f", "missing.yaml"],
        "error: the path \"missing.yaml\" does not exist\n",
    );
    fails(
        &["explode"],
        "error: unknown command \"explode\" for \"svcsim\"\nRun 'svcsim --help' for usage.\n",
    );
}

#[test]
fn help_and_version() {
    let r = svcsim(&["--help"]);
    assert_eq!(r.code, 0);
    assert!(r.stdout.contains("svcsim get RESOURCE [NAME]"));
    let r = svcsim(&["version"]);
    assert_eq!(r.code, 0);
    assert!(r.stdout.starts_with("Client Version: svcsim "));
    assert!(r.stdout.ends_with("Server Version: v1.34.0 (simulated)\n"));
}

/// Issue 13, item 2: since v1.33 the API server answers every request for a v1 Endpoints
/// object with a deprecation warning, which kubectl prints once on stderr, before the
/// object's line; the other objects' lines are as before.
#[test]
fn applying_v1_endpoints_prints_the_deprecation_warning_once() {
    let manifest = "\
apiVersion: v1
kind: Service
metadata:
  name: db
spec:
  ports:
    - port: 5432
---
apiVersion: v1
kind: Endpoints
metadata:
  name: db
subsets:
  - addresses:
      - ip: 192.0.2.42
    ports:
      - port: 5432
---
apiVersion: v1
kind: Endpoints
metadata:
  name: db-2
subsets:
  - addresses:
      - ip: 192.0.2.43
    ports:
      - port: 5432
";
    let r = svcsim_with_stdin(&["apply", "-f", "-"], manifest);
    assert_eq!(
        r.stdout,
        "service/db created\nendpoints/db created\nendpoints/db-2 created\n"
    );
    assert_eq!(
        r.stderr,
        "Warning: v1 Endpoints is deprecated in v1.33+; use discovery.k8s.io/v1 EndpointSlice\n"
    );
    assert_eq!(r.code, 0);
    // Without an Endpoints object: no warning.
    let r = svcsim_with_stdin(&["apply", "-f", "-"], manifest.split("---").next().unwrap());
    assert_eq!(r.stderr, "");
}
