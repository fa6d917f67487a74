//! ServiceCIDR and IPAddress (issue 13, item 9), following kubernetes/website's "Extend Service
//! IP Ranges" walk-through: a /28 Service range fills up, a second ServiceCIDR gives room, its
//! deletion waits for the Services holding its addresses, and every ClusterIP is an IPAddress.

mod common;

use common::{svcsim, svcsim_with_stdin};

#[test]
fn a_full_range_refuses_the_next_service_and_a_pinned_address_outside_it() {
    let r = svcsim(&["apply", "-f", "service-cidr-full.yaml"]);
    assert_eq!(r.code, 1);
    assert!(
        r.stdout.contains("service/test-12 created\n"),
        "{}",
        r.stdout
    );
    assert!(!r.stdout.contains("test-13"), "{}", r.stdout);
    assert_eq!(
        r.stderr,
        "Error from server (InternalError): error when creating \"service-cidr-full.yaml\": Internal error occurred: failed to allocate a serviceIP: range is full\n  --> service-cidr-full.yaml:128:1\n"
    );
}

#[test]
fn a_second_service_cidr_gives_addresses_and_its_deletion_waits_for_them() {
    let script = "\
kubectl get servicecidrs
kubectl get ipaddress 10.96.0.1
kubectl get svc test-13
kubectl get ip --no-headers | wc -l
kubectl delete servicecidr newcidr1
sleep 1
kubectl get servicecidr newcidr1 -o yaml
kubectl delete svc -l app=test | wc -l
sleep 8
kubectl get servicecidrs
sleep 2
kubectl get servicecidr newcidr1
kubectl get ip
";
    // The ServiceCIDR comes first, so all thirteen Services get an address.
    let r = svcsim_with_stdin(
        &[
            "shell",
            "-f",
            "service-cidr-new.yaml",
            "-f",
            "service-cidr-full.yaml",
        ],
        script,
    );
    let out = &r.stdout;
    assert!(
        out.starts_with(
            "\
default$ kubectl get servicecidrs
NAME         CIDRS          AGE
kubernetes   10.96.0.0/28   2s
newcidr1     10.96.0.0/24   0s
default$ kubectl get ipaddress 10.96.0.1
NAME        PARENTREF
10.96.0.1   services/default/kubernetes
default$ kubectl get svc test-13
NAME      TYPE        CLUSTER-IP   EXTERNAL-IP   PORT(S)   AGE
test-13   ClusterIP   10.96.0.6    <none>        80/TCP    0s
default$ kubectl get ip --no-headers | wc -l
15
default$ kubectl delete servicecidr newcidr1
servicecidr.networking.k8s.io \"newcidr1\" deleted
"
        ),
        "{out}"
    );
    // Fifteen addresses, each an IPAddress: more than the /28 holds, so some lie only in the
    // /24 (from its upper band, .17 and above). Services hold addresses only the deleted range contains: it stays, not Ready, with the
    // controller's reason and message (folded at 80 columns as kubectl prints it).
    assert!(
        out.contains(
            "\
  finalizers:
  - networking.k8s.io/service-cidr-finalizer
"
        ),
        "{out}"
    );
    assert!(
        out.contains(
            "\
status:
  conditions:
  - lastTransitionTime: \"2026-01-01T00:00:02Z\"
    message: There are still IPAddresses referencing the ServiceCIDR, please remove
      them or create a new ServiceCIDR
    reason: Terminating
    status: \"False\"
    type: Ready
"
        ),
        "{out}"
    );
    // Ten seconds after the deletion (not after the last Service went) the finalizer goes.
    assert!(
        out.contains(
            "\
default$ sleep 8
default$ kubectl get servicecidrs
NAME         CIDRS          AGE
kubernetes   10.96.0.0/28   11s
newcidr1     10.96.0.0/24   9s
default$ sleep 2
default$ kubectl get servicecidr newcidr1
default$ kubectl get ip
NAME         PARENTREF
10.96.0.1    services/default/kubernetes
10.96.0.10   services/kube-system/kube-dns
"
        ),
        "{out}"
    );
    assert_eq!(
        r.stderr,
        "Error from server (NotFound): servicecidrs.networking.k8s.io \"newcidr1\" not found\n"
    );
}

#[test]
fn an_address_is_pinned_only_inside_a_service_cidr() {
    let r = svcsim_with_stdin(
        &["apply", "-f", "-"],
        "apiVersion: v1\nkind: Service\nmetadata:\n  name: pinned\nspec:\n  clusterIP: 10.97.0.100\n  ports:\n  - port: 80\n",
    );
    assert_eq!(r.code, 1);
    assert_eq!(
        r.stderr,
        "The Service \"pinned\" is invalid: spec.clusterIPs: Invalid value: []string{\"10.97.0.100\"}: failed to allocate IP 10.97.0.100: the provided network does not match the current range\n  --> STDIN:6:3\n"
    );
    let with_cidr = "apiVersion: networking.k8s.io/v1\nkind: ServiceCIDR\nmetadata:\n  name: extra\nspec:\n  cidrs: [10.97.0.0/24]\n---\napiVersion: v1\nkind: Service\nmetadata:\n  name: pinned\nspec:\n  clusterIP: 10.97.0.100\n  ports:\n  - port: 80\n";
    let r = svcsim_with_stdin(&["get", "-f", "-", "ipaddresses"], with_cidr);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        r.stdout.contains("10.97.0.100   services/default/pinned\n"),
        "{}",
        r.stdout
    );
}

#[test]
fn service_cidr_validation_names_the_field_and_line() {
    let r = svcsim_with_stdin(
        &["apply", "-f", "-"],
        "apiVersion: networking.k8s.io/v1\nkind: ServiceCIDR\nmetadata:\n  name: bad\nspec:\n  cidrs:\n  - 10.97.0.1/24\n",
    );
    assert_eq!(r.code, 1);
    assert_eq!(
        r.stderr,
        "The ServiceCIDR \"bad\" is invalid: spec.cidrs[0]: Invalid value: \"10.97.0.1/24\": must not have bits set beyond the prefix length\n  --> STDIN:7:5\n"
    );
}
