//! `svcsim shell`: a lesson's sequence scripted through the page's terminal (issue 13, item
//! 13): scale to 0, wait, look again and trace; the transcript, the streams and the exit code.

mod common;

use common::{svcsim, svcsim_with_stdin};

const LESSON: &str = "\
# The lecture's backends, scaled away and waited for.
kubectl get deploy
kubectl scale deployment/my-app --replicas=0

sleep 40
kubectl get pods -l app.kubernetes.io/name=MyApp
kubectl get endpointslices
kubectl exec client -- curl -s -m 2 http://my-service
";

#[test]
fn a_lesson_scripted_scale_wait_and_look_again() {
    let r = svcsim_with_stdin(
        &[
            "shell",
            "-f",
            "clusterip-selector.yaml",
            "-f",
            "client.yaml",
        ],
        LESSON,
    );
    assert_eq!(
        r.stdout,
        "\
default$ kubectl get deploy
NAME     READY   UP-TO-DATE   AVAILABLE   AGE
my-app   3/3     3            3           2s
default$ kubectl scale deployment/my-app --replicas=0
deployment.apps/my-app scaled
default$ sleep 40
default$ kubectl get pods -l app.kubernetes.io/name=MyApp
default$ kubectl get endpointslices
NAME               ADDRESSTYPE   PORTS     ENDPOINTS    AGE
kubernetes         IPv4          6443      172.18.0.2   44s
my-service-c68rk   IPv4          <unset>   <unset>      42s
default$ kubectl exec client -- curl -s -m 2 http://my-service
"
    );
    // The pods are gone after the sleep, and curl finds no endpoint (REJECT: exit code 7).
    assert_eq!(
        r.stderr,
        "No resources found in default namespace.\ncommand terminated with exit code 7\n"
    );
    assert_eq!(r.code, 7, "the last command's status");
}

#[test]
fn without_the_sleep_the_pods_are_still_there() {
    let r = svcsim_with_stdin(
        &["shell", "-f", "clusterip-selector.yaml"],
        "kubectl scale deployment/my-app --replicas=0\nkubectl get pods --no-headers | wc -l\n",
    );
    assert_eq!(
        r.stdout,
        "default$ kubectl scale deployment/my-app --replicas=0\ndeployment.apps/my-app scaled\ndefault$ kubectl get pods --no-headers | wc -l\n3\n"
    );
    assert_eq!(r.code, 0);
}

#[test]
fn exit_ends_the_script_with_its_status_and_errors_are_usage_errors() {
    let r = svcsim_with_stdin(
        &["shell", "-f", "clusterip-selector.yaml"],
        "kubens kube-system\nexit 3\nkubectl get svc\n",
    );
    assert_eq!(
        r.stdout,
        "default$ kubens kube-system\nContext \"kind-kind\" modified.\nActive namespace is \"kube-system\".\nkube-system$ exit 3\n"
    );
    assert_eq!(r.code, 3);
    let r = svcsim(&["shell", "-f", "-"]);
    assert_eq!(
        r.stderr,
        "error: the script and a manifest cannot both be read from stdin: give the script as a file\nSee 'svcsim shell --help' for usage.\n"
    );
    assert_eq!(r.code, 1);
    let r = svcsim(&["shell", "no-such-script.sh"]);
    assert!(
        r.stderr.starts_with("error: open no-such-script.sh: "),
        "{}",
        r.stderr
    );
    assert_eq!(r.code, 1);
    // A command the terminal does not know is bash's 127.
    let r = svcsim_with_stdin(&["shell"], "frobnicate\n");
    assert_eq!(r.stderr, "bash: frobnicate: command not found\n");
    assert_eq!(r.code, 127);
}

/// Issue 13, item 12 (KEP-1669): the pods of a Deployment scaled to 0 stay in its
/// EndpointSlice as `serving`/`terminating` while their `preStop` sleep (15 s) runs, kube-proxy
/// falls back to them since no endpoint is ready, so a request still gets an answer; once they
/// are gone, it is refused.
#[test]
fn terminating_pods_serve_until_their_prestop_sleep_ends() {
    let r = svcsim_with_stdin(
        &["shell", "-f", "prestop-sleep.yaml", "-f", "client.yaml"],
        "\
kubectl scale deployment/my-app --replicas=0
sleep 3
kubectl get pods -l app.kubernetes.io/name=MyApp
kubectl get endpointslices -l kubernetes.io/service-name=my-service -o yaml | grep ready
kubectl get endpointslices -l kubernetes.io/service-name=my-service -o yaml | grep terminating
kubectl exec client -- curl -s -m 2 http://my-service/hostname
sleep 14
kubectl get pods -l app.kubernetes.io/name=MyApp
kubectl exec client -- curl -s -m 2 http://my-service/hostname
",
    );
    assert_eq!(
        r.stdout,
        "\
default$ kubectl scale deployment/my-app --replicas=0
deployment.apps/my-app scaled
default$ sleep 3
default$ kubectl get pods -l app.kubernetes.io/name=MyApp
NAME                      READY   STATUS        RESTARTS   AGE
my-app-65d45745df-9b8wd   1/1     Terminating   0          5s
my-app-65d45745df-dtxts   1/1     Terminating   0          5s
default$ kubectl get endpointslices -l kubernetes.io/service-name=my-service -o yaml | grep ready
      ready: false
      ready: false
default$ kubectl get endpointslices -l kubernetes.io/service-name=my-service -o yaml | grep terminating
      terminating: true
      terminating: true
default$ kubectl exec client -- curl -s -m 2 http://my-service/hostname
my-app-65d45745df-9b8wd
default$ sleep 14
default$ kubectl get pods -l app.kubernetes.io/name=MyApp
default$ kubectl exec client -- curl -s -m 2 http://my-service/hostname
"
    );
    // 15 s of preStop plus the exit on SIGTERM: gone 17 s after the scale, then no endpoint.
    assert_eq!(
        r.stderr,
        "No resources found in default namespace.\ncommand terminated with exit code 7\n"
    );
}

/// Issue 13, item 2: a selector-less Service's hand-written v1 Endpoints are mirrored into an
/// EndpointSlice (`endpointslicemirroring-controller.k8s.io`), so kube-proxy has rules for them
/// and curl reaches the ready address; once the Endpoints are deleted, so is the slice, and the
/// Service has no endpoint (REJECT: exit code 7).
#[test]
fn hand_written_endpoints_are_mirrored_into_an_endpointslice() {
    let r = svcsim_with_stdin(
        &[
            "shell",
            "-f",
            "endpoints-mirrored.yaml",
            "-f",
            "client.yaml",
        ],
        "\
kubectl get endpointslices -l endpointslice.kubernetes.io/managed-by=endpointslicemirroring-controller.k8s.io
kubectl exec client -- curl -s -m 2 http://legacy-db:5432
kubectl delete endpoints legacy-db
sleep 1
kubectl get endpointslices
kubectl exec client -- curl -s -m 2 http://legacy-db:5432
",
    );
    assert_eq!(
        r.stdout,
        "\
default$ kubectl get endpointslices -l endpointslice.kubernetes.io/managed-by=endpointslicemirroring-controller.k8s.io
NAME              ADDRESSTYPE   PORTS   ENDPOINTS           AGE
legacy-db-4p9b8   IPv4          5432    10.4.5.6,10.4.5.7   2s
default$ kubectl exec client -- curl -s -m 2 http://legacy-db:5432
10.4.5.6
default$ kubectl delete endpoints legacy-db
endpoints \"legacy-db\" deleted
default$ sleep 1
default$ kubectl get endpointslices
NAME         ADDRESSTYPE   PORTS   ENDPOINTS    AGE
kubernetes   IPv4          6443    172.18.0.2   5s
default$ kubectl exec client -- curl -s -m 2 http://legacy-db:5432
"
    );
    assert_eq!(r.stderr, "command terminated with exit code 7\n");
}

/// Issue 13, item 10: MetalLB's `metallb.io/allow-shared-ip` puts two LoadBalancer Services
/// with one key and different ports on one address (the third, without the key, gets the
/// next), and kube-proxy sends each port of the shared address to its own Service.
#[test]
fn load_balancers_with_one_sharing_key_share_an_address() {
    let r = svcsim_with_stdin(
        &[
            "shell",
            "-f",
            "lb-shared.yaml",
            "-f",
            "clusterip-selector.yaml",
            "-f",
            "client.yaml",
        ],
        "kubectl get svc web admin alone\nkubectl exec client -- curl -s -m 2 http://172.18.255.200:8080/hostname\n",
    );
    assert_eq!(
        r.stdout,
        "\
default$ kubectl get svc web admin alone
NAME    TYPE           CLUSTER-IP      EXTERNAL-IP      PORT(S)          AGE
web     LoadBalancer   10.96.163.255   172.18.255.200   80:32621/TCP     2s
admin   LoadBalancer   10.96.65.151    172.18.255.200   8080:30726/TCP   2s
alone   LoadBalancer   10.96.140.71    172.18.255.201   80:32519/TCP     2s
default$ kubectl exec client -- curl -s -m 2 http://172.18.255.200:8080/hostname
my-app-859ff7cd86-mgdnk
"
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
}
