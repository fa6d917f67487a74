//! Set-up documents the real tools refuse: a kind config kind will not create, a MetalLB pool
//! its webhook denies. `apply` reports them like any refused object (exit 1, the tool's text,
//! `--> file:line:col`), and the cluster is built without them.

mod common;

use common::{fails, fails_after, svcsim};

const KIND_REFUSED: &str = "\
ERROR: failed to create cluster: invalid pod subnet failed to parse cidr value:\"10.244.0.0/33\" with error: invalid CIDR address: 10.244.0.0/33
svcsim: this Cluster document is ignored; the cluster is svcsim's default: kind-control-plane, kind-worker, kind-worker2 (pod subnet 10.244.0.0/16, service subnet 10.96.0.0/16)
  --> kind-bad-pod-subnet.yaml:5:3
";

const POOL_DENIED: &str = "\
Error from server (Forbidden): error when creating \"pool-reversed.yaml\": admission webhook \"ipaddresspoolvalidationwebhook.metallb.io\" denied the request: parsing address pool lab: invalid CIDR \"172.18.255.250-172.18.255.200\" in pool \"lab\": invalid IP range \"172.18.255.250-172.18.255.200\": start IP \"172.18.255.250\" is after the end IP \"172.18.255.200\"
  --> pool-reversed.yaml:9:5
";

#[test]
fn a_kind_config_kind_refuses_is_an_apply_error_and_the_default_cluster_is_built() {
    fails(&["apply", "-f", "kind-bad-pod-subnet.yaml"], KIND_REFUSED);
    // Commands that read the cluster say so first, then answer from the default cluster.
    let r = svcsim(&["get", "nodes", "-f", "kind-bad-pod-subnet.yaml"]);
    assert_eq!(r.stderr, KIND_REFUSED);
    assert_eq!(r.code, 0);
    assert_eq!(
        r.stdout,
        "\
NAME                 STATUS   ROLES           AGE   VERSION
kind-control-plane   Ready    control-plane   2s    v1.34.0
kind-worker          Ready    <none>          2s    v1.34.0
kind-worker2         Ready    <none>          2s    v1.34.0
"
    );
}

#[test]
fn a_pool_metallb_denies_is_an_apply_error_and_the_service_uses_the_default_pool() {
    fails_after(
        &["apply", "-f", "pool-reversed.yaml"],
        "service/web created\n",
        POOL_DENIED,
    );
    let r = svcsim(&["get", "svc", "web", "-f", "pool-reversed.yaml"]);
    assert_eq!(r.stderr, POOL_DENIED);
    assert_eq!(r.code, 0);
    let row = r.stdout.lines().nth(1).unwrap_or_default();
    assert!(
        row.split_whitespace().nth(3) == Some("172.18.255.200"),
        "EXTERNAL-IP from the default pool, not <pending>: {}",
        r.stdout
    );
}
