//! A dual-stack cluster (issue 13, item 1): kind's `ipFamily: dual` with its default subnets,
//! node and pod addresses of both families (IPv4 first), ClusterIPs per `ipFamilyPolicy` and
//! `ipFamilies` as kube-apiserver's `initIPFamilyFields` gives them, one EndpointSlice per
//! address type, and CoreDNS answering AAAA (kubernetes/website `dual-stack.md`,
//! `pkg/registry/core/service/storage/alloc.go`, kind `pkg/internal/apis/config/default.go`).

mod common;

use common::{svcsim, svcsim_with_stdin};

#[test]
fn services_get_a_cluster_ip_per_family_in_their_order() {
    let r = svcsim_with_stdin(
        &["shell", "-f", "dual-stack.yaml"],
        "kubectl get svc\nkubectl describe svc web | grep IP\nkubectl get servicecidrs\n",
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(
        r.stdout,
        "\
default$ kubectl get svc
NAME           TYPE        CLUSTER-IP         EXTERNAL-IP   PORT(S)   AGE
kubernetes     ClusterIP   10.96.0.1          <none>        443/TCP   4s
web            ClusterIP   10.96.148.87       <none>        80/TCP    2s
web-headless   ClusterIP   None               <none>        80/TCP    2s
web-v4         ClusterIP   10.96.98.70        <none>        80/TCP    2s
web-v6first    ClusterIP   fd00:10:96::5522   <none>        80/TCP    2s
default$ kubectl describe svc web | grep IP
Type:                     ClusterIP
IP Family Policy:         PreferDualStack
IP Families:              IPv4,IPv6
IP:                       10.96.148.87
IPs:                      10.96.148.87,fd00:10:96::a51c
default$ kubectl get servicecidrs
NAME         CIDRS                           AGE
kubernetes   10.96.0.0/16,fd00:10:96::/112   4s
"
    );
}

#[test]
fn nodes_and_pods_have_addresses_of_both_families_and_slices_one_family_each() {
    let r = svcsim_with_stdin(
        &["shell", "-f", "dual-stack.yaml"],
        "\
kubectl get endpointslices -l kubernetes.io/service-name=web
kubectl get nodes kind-worker -o yaml | grep f
kubectl get pods -o yaml | grep fd00
",
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(
        r.stdout,
        "\
default$ kubectl get endpointslices -l kubernetes.io/service-name=web
NAME        ADDRESSTYPE   PORTS   ENDPOINTS                           AGE
web-kdp92   IPv6          80      fd00:10:244:1::2,fd00:10:244:2::2   2s
web-kwgc6   IPv4          80      10.244.1.2,10.244.2.2               2s
default$ kubectl get nodes kind-worker -o yaml | grep f
  - fd00:10:244:1::/64
  - address: fc00:f853:ccd:e793::3
default$ kubectl get pods -o yaml | grep fd00
    - ip: fd00:10:244:1::2
    - ip: fd00:10:244:2::2
"
    );
}

#[test]
fn coredns_answers_aaaa_for_cluster_ips_and_headless_endpoints() {
    let dig = |name: &str| {
        let r = svcsim(&[
            "dns",
            "-f",
            "dual-stack.yaml",
            "--from",
            "pod/web-f58844556-fzqd4",
            name,
            "--type",
            "AAAA",
        ]);
        assert_eq!(r.code, 0, "{}", r.stderr);
        r.stdout
    };
    assert!(
        dig("web").contains("web.default.svc.cluster.local. 30 IN AAAA fd00:10:96::a51c\n"),
        "{}",
        dig("web")
    );
    let headless = dig("web-headless");
    assert!(
        headless.contains(
            "web-headless.default.svc.cluster.local. 30 IN AAAA fd00:10:244:1::2\nweb-headless.default.svc.cluster.local. 30 IN AAAA fd00:10:244:2::2\n"
        ),
        "{headless}"
    );
    // A single-stack Service has no IPv6 address: NOERROR, no answer.
    assert!(dig("web-v4").contains("ANSWER: 0"), "{}", dig("web-v4"));
}

#[test]
fn ipv6_packets_are_refused_with_a_reason() {
    let r = svcsim(&[
        "trace",
        "-f",
        "dual-stack.yaml",
        "--from",
        "pod/web-f58844556-fzqd4",
        "[fd00:10:96::a51c]:80",
    ]);
    assert_eq!(
        r.code, 1,
        "a usage error, as for any destination svcsim cannot trace"
    );
    assert!(
        r.stderr
            .starts_with("error: \"[fd00:10:96::a51c]:80\": IPv6 packets are not simulated yet"),
        "{}",
        r.stderr
    );
}

#[test]
fn a_single_stack_cluster_refuses_dual_stack_as_the_api_server_does() {
    let r = svcsim_with_stdin(
        &["apply", "-f", "-"],
        "apiVersion: v1\nkind: Service\nmetadata:\n  name: both\nspec:\n  ipFamilyPolicy: RequireDualStack\n  ipFamilies: [IPv6]\n  ports:\n  - port: 80\n",
    );
    assert_eq!(r.code, 1);
    assert_eq!(
        r.stderr,
        "The Service \"both\" is invalid: \n* spec.ipFamilyPolicy: Invalid value: \"RequireDualStack\": this cluster is not configured for dual-stack services\n* spec.ipFamilies[0]: Invalid value: \"IPv6\": not configured on this cluster\n  --> STDIN:6:3\n  --> STDIN:7:16\n"
    );
}

#[test]
fn dig_and_nslookup_in_a_pod_ask_for_aaaa_and_reverse_ipv6() {
    let r = svcsim_with_stdin(
        &["shell", "-f", "dual-stack.yaml"],
        "\
kubectl exec web-f58844556-fzqd4 -- dig AAAA web.default.svc.cluster.local +short
kubectl exec web-f58844556-fzqd4 -- dig -x fd00:10:96::a51c +short
kubectl exec web-f58844556-fzqd4 -- nslookup web
",
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(
        r.stdout,
        "\
default$ kubectl exec web-f58844556-fzqd4 -- dig AAAA web.default.svc.cluster.local +short
fd00:10:96::a51c
default$ kubectl exec web-f58844556-fzqd4 -- dig -x fd00:10:96::a51c +short
web.default.svc.cluster.local.
default$ kubectl exec web-f58844556-fzqd4 -- nslookup web
Server:\t\t10.96.0.10
Address:\t10.96.0.10#53

Name:\tweb.default.svc.cluster.local
Address: 10.96.148.87
Name:\tweb.default.svc.cluster.local
Address: fd00:10:96::a51c

"
    );
}

#[test]
fn ip6tables_on_a_node_says_it_is_not_simulated() {
    let r = svcsim_with_stdin(
        &["shell", "-f", "dual-stack.yaml"],
        "docker exec kind-worker ip6tables-save\n",
    );
    assert_eq!(r.code, 1);
    assert_eq!(
        r.stderr,
        "svcsim: ip6tables-save is not simulated: svcsim writes kube-proxy's IPv4 rules only; try iptables-save\n"
    );
}

#[test]
fn ip_addr_shows_the_ipv6_addresses_of_a_pod_and_a_node() {
    let r = svcsim_with_stdin(
        &["shell", "-f", "dual-stack.yaml"],
        "kubectl exec web-f58844556-fzqd4 -- ip addr | grep global\ndocker exec kind-worker ip addr | grep nodad\n",
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(
        r.stdout,
        "\
default$ kubectl exec web-f58844556-fzqd4 -- ip addr | grep global
    inet 10.244.1.2/24 brd 10.244.1.255 scope global eth0
    inet6 fd00:10:244:1::2/64 scope global
default$ docker exec kind-worker ip addr | grep nodad
    inet6 fc00:f853:ccd:e793::3/64 scope global nodad
"
    );
}
