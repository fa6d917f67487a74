//! `svcsim trace`, `svcsim dns` and `svcsim rules` on the lecture's fixtures. Expected text was
//! taken from a run with `--seed 0` (the default) and frozen: the engine is deterministic.

mod common;

use common::{fails, ok};

const SVC: [&str; 4] = ["-f", "clusterip-selector.yaml", "-f", "client.yaml"];

fn with<'a>(files: &[&'a str], rest: &[&'a str]) -> Vec<&'a str> {
    let mut v: Vec<&str> = rest.to_vec();
    v.extend_from_slice(files);
    v
}

#[test]
fn trace_pod_to_cluster_ip() {
    let out = ok(&with(
        &SVC,
        &["trace", "--from", "pod/client", "10.96.163.255:80"],
    ));
    assert_eq!(
        out,
        r#"pod/client (default, kind-worker, 10.244.1.2) → 10.96.163.255:80 (tcp)
hops:
  1  pod/client (kind-worker)              10.244.1.2:37843 > 10.96.163.255:80  TCP SYN
       sent from the pod's eth0 (default via 10.244.1.1 dev eth0)
  2  veth6844d090 (kind-worker)            10.244.1.2:37843 > 10.96.163.255:80  TCP SYN
       enters the node's root namespace through the veth (PREROUTING)
  3  kube-proxy iptables (kind-worker)     10.244.1.2:37843 > 10.96.163.255:80  TCP SYN
       DNAT → 10.244.2.3:9376 (KUBE-SEP-KUKTYCWAKG36AMOC 3 of 3, p=1 → 1/3 overall)
         nat: -A PREROUTING -m comment --comment "kubernetes service portals" -j KUBE-SERVICES
         nat: -A KUBE-SERVICES -d 10.96.163.255/32 -p tcp -m comment --comment "default/my-service cluster IP" -m tcp --dport 80 -j KUBE-SVC-FXIYY6OHUSNBITIX
         nat: -A KUBE-SVC-FXIYY6OHUSNBITIX -m comment --comment "default/my-service -> 10.244.2.3:9376" -j KUBE-SEP-KUKTYCWAKG36AMOC
         nat: -A KUBE-SEP-KUKTYCWAKG36AMOC -p tcp -m comment --comment "default/my-service" -m tcp -j DNAT --to-destination 10.244.2.3:9376
         filter: -A FORWARD -m conntrack --ctstate NEW -m comment --comment "kubernetes load balancer firewall" -j KUBE-PROXY-FIREWALL
         filter: -A FORWARD -m comment --comment "kubernetes forwarding rules" -j KUBE-FORWARD
         filter: -A FORWARD -m conntrack --ctstate NEW -m comment --comment "kubernetes service portals" -j KUBE-SERVICES
         filter: -A FORWARD -m conntrack --ctstate NEW -m comment --comment "kubernetes externally-visible service portals" -j KUBE-EXTERNAL-SERVICES
         nat: -A POSTROUTING -m comment --comment "kubernetes postrouting rules" -j KUBE-POSTROUTING
         nat: -A KUBE-POSTROUTING -m mark ! --mark 0x4000/0x4000 -j RETURN
       now 10.244.1.2:37843 > 10.244.2.3:9376  TCP SYN
  4  kind-worker → kind-worker2            10.244.1.2:37843 > 10.244.2.3:9376  TCP SYN
       route: 10.244.2.0/24 via 172.18.0.4 dev eth0 (kindnet; no NAT between nodes)
  5  kube-proxy iptables (kind-worker2)    10.244.1.2:37843 > 10.244.2.3:9376  TCP SYN
       no Service rule matched: ACCEPT unchanged
         nat: -A PREROUTING -m comment --comment "kubernetes service portals" -j KUBE-SERVICES
         filter: -A FORWARD -m conntrack --ctstate NEW -m comment --comment "kubernetes load balancer firewall" -j KUBE-PROXY-FIREWALL
         filter: -A FORWARD -m comment --comment "kubernetes forwarding rules" -j KUBE-FORWARD
         filter: -A FORWARD -m conntrack --ctstate NEW -m comment --comment "kubernetes service portals" -j KUBE-SERVICES
         filter: -A FORWARD -m conntrack --ctstate NEW -m comment --comment "kubernetes externally-visible service portals" -j KUBE-EXTERNAL-SERVICES
         nat: -A POSTROUTING -m comment --comment "kubernetes postrouting rules" -j KUBE-POSTROUTING
         nat: -A KUBE-POSTROUTING -m mark ! --mark 0x4000/0x4000 -j RETURN
  6  veth68a61467 (kind-worker2)           10.244.1.2:37843 > 10.244.2.3:9376  TCP SYN
       route: 10.244.2.3 dev veth68a61467 scope host
  7  pod/my-app-859ff7cd86-dtxts (kind-worker2) 10.244.1.2:37843 > 10.244.2.3:9376  TCP SYN
       delivered: a container listens on 9376/tcp
reply:
  1  pod/my-app-859ff7cd86-dtxts (kind-worker2) 10.244.2.3:9376 > 10.244.1.2:37843  TCP SYN-ACK
       the answer leaves the pod
  2  veth68a61467 (kind-worker2)           10.244.2.3:9376 > 10.244.1.2:37843  TCP SYN-ACK
       enters the node's root namespace through the veth
  3  kind-worker2 → kind-worker            10.244.2.3:9376 > 10.244.1.2:37843  TCP SYN-ACK
       route: 10.244.1.0/24 via 172.18.0.3 dev eth0
  4  node/kind-worker                      10.244.2.3:9376 > 10.244.1.2:37843  TCP SYN-ACK
       conntrack un-DNAT: tcp      6 60 SYN_RECV src=10.244.1.2 dst=10.96.163.255 sport=37843 dport=80 src=10.244.2.3 dst=10.244.1.2 sport=9376 dport=37843 mark=0 use=1
       now 10.96.163.255:80 > 10.244.1.2:37843  TCP SYN-ACK
  5  veth6844d090 (kind-worker)            10.96.163.255:80 > 10.244.1.2:37843  TCP SYN-ACK
       route: 10.244.1.2 dev veth6844d090 scope host
  6  pod/client (kind-worker)              10.96.163.255:80 > 10.244.1.2:37843  TCP SYN-ACK
       received by the client
result: connected to pod default/my-app-859ff7cd86-dtxts on kind-worker2 at 10.244.2.3:9376; it sees the client as 10.244.1.2:37843; the client sees the answer from 10.96.163.255:80
"#
    );
}

#[test]
fn trace_a_name_resolves_first_and_json_is_stable() {
    let out = ok(&with(
        &SVC,
        &["trace", "--from", "pod/client", "my-service"],
    ));
    assert!(out.starts_with("pod/client (default, kind-worker, 10.244.1.2) → my-service (tcp)\nDNS: resolving \"my-service\" (A, glibc resolver):\n  query A my-service.default.svc.cluster.local → 10.96.163.255 (NOERROR)\n"), "{out}");
    assert!(out.contains("10.96.0.10:53  UDP"));
    assert!(out.contains("the client sees the answer from 10.96.163.255:80"));
    let json = ok(&with(
        &SVC,
        &["trace", "--from", "pod/client", "my-service", "-o", "json"],
    ));
    let v: serde_json::Value = serde_json::from_str(&json).expect("valid JSON");
    assert_eq!(v["outcome"]["kind"], "connected");
    assert_eq!(v["outcome"]["clientSees"], "10.96.163.255:80");
    assert_eq!(v["protocol"], "tcp");
    assert_eq!(v["dnsQueries"][0]["protocol"], "udp");
    assert_eq!(v["hops"][0]["place"]["kind"], "pod");
    assert_eq!(v["hops"][0]["before"]["segment"]["kind"], "syn");
    assert_eq!(v["resolution"]["outcome"]["answered"]["step"], 0);
    // Same seed, same bytes.
    assert_eq!(
        json,
        ok(&with(
            &SVC,
            &["trace", "--from", "pod/client", "my-service", "-o", "json"]
        ))
    );
}

#[test]
fn trace_count_prints_the_distribution() {
    let out = ok(&with(
        &SVC,
        &[
            "trace",
            "--from",
            "pod/client",
            "my-service",
            "--count",
            "300",
        ],
    ));
    assert!(out.contains("300 connections:\n"), "{out}");
    let lines: Vec<&str> = out.lines().filter(|l| l.starts_with("  10.244.")).collect();
    assert_eq!(lines.len(), 3, "{out}");
    let json = ok(&with(
        &SVC,
        &[
            "trace",
            "--from",
            "pod/client",
            "my-service",
            "--count",
            "30",
            "-o",
            "json",
        ],
    ));
    let v: serde_json::Value = serde_json::from_str(&json).expect("valid JSON");
    assert_eq!(v["count"], 30);
    let total: u64 = v["endpoints"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["connections"].as_u64().unwrap())
        .sum();
    assert_eq!(total, 30);
}

#[test]
fn trace_from_outside_to_a_node_port() {
    let out = ok(&[
        "trace",
        "-f",
        "clusterip-selector.yaml",
        "-f",
        "nodeport.yaml",
        "--from",
        "external",
        "172.18.0.2:30008",
    ]);
    // nodeport.yaml has no selector and no EndpointSlice: REJECT.
    assert!(out.contains("REJECT"), "{out}");
    assert!(out.ends_with("result: connection refused by kube-proxy on kind-control-plane (REJECT: the Service has no endpoints)\n"), "{out}");
}

#[test]
fn trace_usage_errors() {
    fails(&["trace", "-f", "client.yaml", "10.96.0.10:53"], "error: --from is required (pod/NAME, node/NAME, external or external/IP)\nSee 'svcsim trace --help' for usage.\n");
    fails(&["trace", "-f", "client.yaml", "--from", "pod/client", "[::1]:80"], "error: \"[::1]:80\": IPv6 packets are not simulated yet (a dual-stack cluster has IPv6 addresses, Services and DNS answers; packets travel over IPv4)\nSee 'svcsim trace --help' for usage.\n");
    fails(
        &[
            "trace",
            "-f",
            "client.yaml",
            "--from",
            "pod/ghost",
            "1.2.3.4",
        ],
        "Error from server (NotFound): pods \"ghost\" not found\n",
    );
    fails(
        &[
            "trace",
            "-f",
            "client.yaml",
            "--from",
            "pod/client",
            "x",
            "--proto",
            "icmp",
        ],
        "error: --proto \"icmp\": want tcp, udp or sctp\nSee 'svcsim trace --help' for usage.\n",
    );
    fails(
        &[
            "trace",
            "-f",
            "client.yaml",
            "--from",
            "pod/client",
            "x",
            "--count",
            "0",
        ],
        "error: --count must be between 1 and 100000\nSee 'svcsim trace --help' for usage.\n",
    );
    fails(&["trace", "-f", "client.yaml", "--from", "pod/client"], "error: a destination (IP[:port] or NAME[:port]) is required\nSee 'svcsim trace --help' for usage.\n");
}

#[test]
fn dns_a_from_a_pod() {
    let out = ok(&with(&SVC, &["dns", "--from", "pod/client", "my-service"]));
    assert_eq!(
        out,
        r#";; /etc/resolv.conf of pod/client (default)
;;   search default.svc.cluster.local svc.cluster.local cluster.local
;;   nameserver 10.96.0.10
;;   options ndots:5
;; resolver: glibc (the image's)

;; query 1: my-service.default.svc.cluster.local. A
;; ->>HEADER<<- opcode: QUERY, status: NOERROR, id: 19485
;; flags: qr aa rd; QUERY: 1, ANSWER: 1, AUTHORITY: 0, ADDITIONAL: 0
;; WARNING: recursion requested but not available

;; QUESTION SECTION:
;my-service.default.svc.cluster.local. IN A

;; ANSWER SECTION:
my-service.default.svc.cluster.local. 30 IN A 10.96.163.255

;; SERVER: 10.96.0.10#53(10.96.0.10) (UDP)

;; => A my-service.default.svc.cluster.local → 10.96.163.255 (NOERROR)
"#
    );
}

#[test]
fn dns_search_sequence_and_record_types() {
    // AAAA on an IPv4-only cluster: NODATA for every candidate, glibc walks them all.
    let out = ok(&with(
        &SVC,
        &[
            "dns",
            "--from",
            "pod/client",
            "my-service",
            "--type",
            "AAAA",
        ],
    ));
    let asked: Vec<&str> = out.lines().filter(|l| l.starts_with(";; query ")).collect();
    assert_eq!(
        asked,
        [
            ";; query 1: my-service.default.svc.cluster.local. AAAA",
            ";; query 2: my-service.svc.cluster.local. AAAA",
            ";; query 3: my-service.cluster.local. AAAA",
            ";; query 4: my-service. AAAA",
        ]
    );
    assert!(out.ends_with(";; => AAAA my-service: NO_DATA\n"));
    let out = ok(&with(
        &SVC,
        &[
            "dns",
            "--from",
            "pod/client",
            "_dns._udp.kube-dns.kube-system",
            "--type",
            "SRV",
        ],
    ));
    assert!(out.contains("_dns._udp.kube-dns.kube-system.svc.cluster.local. 30 IN SRV 0 100 53 kube-dns.kube-system.svc.cluster.local.\n"), "{out}");
    assert!(out.contains(
        ";; ADDITIONAL SECTION:\nkube-dns.kube-system.svc.cluster.local. 30 IN A 10.96.0.10\n"
    ));
    let out = ok(&with(
        &SVC,
        &[
            "dns",
            "--from",
            "pod/client",
            "10.96.163.255",
            "--type",
            "PTR",
        ],
    ));
    assert!(
        out.contains(";; query 1: 255.163.96.10.in-addr.arpa. PTR\n"),
        "{out}"
    );
    assert!(out.ends_with(
        ";; => PTR 255.163.96.10.in-addr.arpa → my-service.default.svc.cluster.local. (NOERROR)\n"
    ));
    let out = ok(&with(
        &SVC,
        &[
            "dns",
            "--from",
            "pod/client",
            "dns-version.cluster.local",
            "--type",
            "TXT",
        ],
    ));
    assert!(
        out.ends_with(";; => TXT dns-version.cluster.local → \"1.1.0\" (NOERROR)\n"),
        "{out}"
    );
    let out = ok(&[
        "dns",
        "-f",
        "externalname.yaml",
        "-f",
        "client.yaml",
        "--from",
        "pod/client",
        "my-service.prod",
        "--type",
        "CNAME",
    ]);
    assert!(out.contains(";; query 1: my-service.prod.default.svc.cluster.local. CNAME\n;; ->>HEADER<<- opcode: QUERY, status: NXDOMAIN"), "{out}");
    assert!(out.ends_with(";; => CNAME my-service.prod.svc.cluster.local → CNAME my.database.example.com. (NOERROR)\n"));
    let out = ok(&[
        "dns",
        "-f",
        "externalname.yaml",
        "-f",
        "client.yaml",
        "--from",
        "pod/client",
        "my-service.prod",
    ]);
    assert!(out.contains("my-service.prod.svc.cluster.local. 30 IN CNAME my.database.example.com.\nmy.database.example.com. 30 IN A 192.0.2.50\n"), "{out}");
    // A node's resolver knows nothing of cluster.local.
    let out = ok(&with(
        &SVC,
        &["dns", "--from", "node/kind-worker", "my-service"],
    ));
    assert!(
        out.ends_with(";; => A my-service: HOST_NOT_FOUND\n"),
        "{out}"
    );
    let json = ok(&with(
        &SVC,
        &["dns", "--from", "pod/client", "my-service", "-o", "json"],
    ));
    let v: serde_json::Value = serde_json::from_str(&json).expect("valid JSON");
    assert_eq!(v["resolvConf"]["nameservers"][0], "10.96.0.10");
    assert_eq!(
        v["resolution"]["steps"][0]["candidate"],
        "my-service.default.svc.cluster.local"
    );
    fails(&with(&SVC, &["dns", "--from", "pod/client", "x", "--type", "MX"]), "error: --type \"MX\": want A, AAAA, SRV, PTR, CNAME, TXT or SOA\nSee 'svcsim dns --help' for usage.\n");
}

#[test]
fn rules_iptables_save() {
    let out = ok(&["rules", "-f", "nodeport.yaml", "--node", "kind-worker"]);
    assert_eq!(
        out,
        r#"*filter
:INPUT ACCEPT [0:0]
:FORWARD ACCEPT [0:0]
:OUTPUT ACCEPT [0:0]
:KUBE-EXTERNAL-SERVICES - [0:0]
:KUBE-FIREWALL - [0:0]
:KUBE-FORWARD - [0:0]
:KUBE-NODEPORTS - [0:0]
:KUBE-PROXY-FIREWALL - [0:0]
:KUBE-SERVICES - [0:0]
-A INPUT -m conntrack --ctstate NEW -m comment --comment "kubernetes load balancer firewall" -j KUBE-PROXY-FIREWALL
-A INPUT -m comment --comment "kubernetes health check service ports" -j KUBE-NODEPORTS
-A INPUT -m conntrack --ctstate NEW -m comment --comment "kubernetes externally-visible service portals" -j KUBE-EXTERNAL-SERVICES
-A INPUT -j KUBE-FIREWALL
-A FORWARD -m conntrack --ctstate NEW -m comment --comment "kubernetes load balancer firewall" -j KUBE-PROXY-FIREWALL
-A FORWARD -m comment --comment "kubernetes forwarding rules" -j KUBE-FORWARD
-A FORWARD -m conntrack --ctstate NEW -m comment --comment "kubernetes service portals" -j KUBE-SERVICES
-A FORWARD -m conntrack --ctstate NEW -m comment --comment "kubernetes externally-visible service portals" -j KUBE-EXTERNAL-SERVICES
-A OUTPUT -m conntrack --ctstate NEW -m comment --comment "kubernetes load balancer firewall" -j KUBE-PROXY-FIREWALL
-A OUTPUT -m conntrack --ctstate NEW -m comment --comment "kubernetes service portals" -j KUBE-SERVICES
-A OUTPUT -j KUBE-FIREWALL
-A KUBE-EXTERNAL-SERVICES -p tcp -m comment --comment "default/myapp-service has no endpoints" -m addrtype --dst-type LOCAL -m tcp --dport 30008 -j REJECT --reject-with icmp-port-unreachable
-A KUBE-FIREWALL ! -s 127.0.0.0/8 -d 127.0.0.0/8 -m comment --comment "block incoming localnet connections" -m conntrack ! --ctstate RELATED,ESTABLISHED,DNAT -j DROP
-A KUBE-FORWARD -m conntrack --ctstate INVALID -j DROP
-A KUBE-FORWARD -m comment --comment "kubernetes forwarding rules" -m mark --mark 0x4000/0x4000 -j ACCEPT
-A KUBE-FORWARD -m comment --comment "kubernetes forwarding conntrack rule" -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT
-A KUBE-SERVICES -d 10.96.163.255/32 -p tcp -m comment --comment "default/myapp-service has no endpoints" -m tcp --dport 80 -j REJECT --reject-with icmp-port-unreachable
COMMIT
*nat
:PREROUTING ACCEPT [0:0]
:INPUT ACCEPT [0:0]
:OUTPUT ACCEPT [0:0]
:POSTROUTING ACCEPT [0:0]
:KUBE-MARK-MASQ - [0:0]
:KUBE-NODEPORTS - [0:0]
:KUBE-POSTROUTING - [0:0]
:KUBE-SEP-6E7XQMQ4RAYOWTTM - [0:0]
:KUBE-SEP-IT2ZTR26TO4XFPTO - [0:0]
:KUBE-SEP-N4G2XR5TDX7PQE7P - [0:0]
:KUBE-SEP-V2PECCYPB6X2GSCW - [0:0]
:KUBE-SEP-YIL6JZP7A3QYXJU2 - [0:0]
:KUBE-SEP-ZP3FB6NMPNCO4VBJ - [0:0]
:KUBE-SEP-ZXMNUKOKXUTL2MK2 - [0:0]
:KUBE-SERVICES - [0:0]
:KUBE-SVC-ERIFXISQEP7F7OF4 - [0:0]
:KUBE-SVC-JD5MR3NA4I4DYORP - [0:0]
:KUBE-SVC-NPX46M4PTMTKRN6Y - [0:0]
:KUBE-SVC-TCOU7JCQXEZGVUNU - [0:0]
-A PREROUTING -m comment --comment "kubernetes service portals" -j KUBE-SERVICES
-A OUTPUT -m comment --comment "kubernetes service portals" -j KUBE-SERVICES
-A POSTROUTING -m comment --comment "kubernetes postrouting rules" -j KUBE-POSTROUTING
-A KUBE-MARK-MASQ -j MARK --set-xmark 0x4000/0x4000
-A KUBE-POSTROUTING -m mark ! --mark 0x4000/0x4000 -j RETURN
-A KUBE-POSTROUTING -j MARK --set-xmark 0x4000/0x0
-A KUBE-POSTROUTING -m comment --comment "kubernetes service traffic requiring SNAT" -j MASQUERADE --random-fully
-A KUBE-SEP-6E7XQMQ4RAYOWTTM -s 10.244.0.3/32 -m comment --comment "kube-system/kube-dns:dns" -j KUBE-MARK-MASQ
-A KUBE-SEP-6E7XQMQ4RAYOWTTM -p udp -m comment --comment "kube-system/kube-dns:dns" -m udp -j DNAT --to-destination 10.244.0.3:53
-A KUBE-SEP-IT2ZTR26TO4XFPTO -s 10.244.0.2/32 -m comment --comment "kube-system/kube-dns:dns-tcp" -j KUBE-MARK-MASQ
-A KUBE-SEP-IT2ZTR26TO4XFPTO -p tcp -m comment --comment "kube-system/kube-dns:dns-tcp" -m tcp -j DNAT --to-destination 10.244.0.2:53
-A KUBE-SEP-N4G2XR5TDX7PQE7P -s 10.244.0.2/32 -m comment --comment "kube-system/kube-dns:metrics" -j KUBE-MARK-MASQ
-A KUBE-SEP-N4G2XR5TDX7PQE7P -p tcp -m comment --comment "kube-system/kube-dns:metrics" -m tcp -j DNAT --to-destination 10.244.0.2:9153
-A KUBE-SEP-V2PECCYPB6X2GSCW -s 172.18.0.2/32 -m comment --comment "default/kubernetes:https" -j KUBE-MARK-MASQ
-A KUBE-SEP-V2PECCYPB6X2GSCW -p tcp -m comment --comment "default/kubernetes:https" -m tcp -j DNAT --to-destination 172.18.0.2:6443
-A KUBE-SEP-YIL6JZP7A3QYXJU2 -s 10.244.0.2/32 -m comment --comment "kube-system/kube-dns:dns" -j KUBE-MARK-MASQ
-A KUBE-SEP-YIL6JZP7A3QYXJU2 -p udp -m comment --comment "kube-system/kube-dns:dns" -m udp -j DNAT --to-destination 10.244.0.2:53
-A KUBE-SEP-ZP3FB6NMPNCO4VBJ -s 10.244.0.3/32 -m comment --comment "kube-system/kube-dns:metrics" -j KUBE-MARK-MASQ
-A KUBE-SEP-ZP3FB6NMPNCO4VBJ -p tcp -m comment --comment "kube-system/kube-dns:metrics" -m tcp -j DNAT --to-destination 10.244.0.3:9153
-A KUBE-SEP-ZXMNUKOKXUTL2MK2 -s 10.244.0.3/32 -m comment --comment "kube-system/kube-dns:dns-tcp" -j KUBE-MARK-MASQ
-A KUBE-SEP-ZXMNUKOKXUTL2MK2 -p tcp -m comment --comment "kube-system/kube-dns:dns-tcp" -m tcp -j DNAT --to-destination 10.244.0.3:53
-A KUBE-SERVICES -d 10.96.0.1/32 -p tcp -m comment --comment "default/kubernetes:https cluster IP" -m tcp --dport 443 -j KUBE-SVC-NPX46M4PTMTKRN6Y
-A KUBE-SERVICES -d 10.96.0.10/32 -p udp -m comment --comment "kube-system/kube-dns:dns cluster IP" -m udp --dport 53 -j KUBE-SVC-TCOU7JCQXEZGVUNU
-A KUBE-SERVICES -d 10.96.0.10/32 -p tcp -m comment --comment "kube-system/kube-dns:dns-tcp cluster IP" -m tcp --dport 53 -j KUBE-SVC-ERIFXISQEP7F7OF4
-A KUBE-SERVICES -d 10.96.0.10/32 -p tcp -m comment --comment "kube-system/kube-dns:metrics cluster IP" -m tcp --dport 9153 -j KUBE-SVC-JD5MR3NA4I4DYORP
-A KUBE-SERVICES -m comment --comment "kubernetes service nodeports; NOTE: this must be the last rule in this chain" -m addrtype --dst-type LOCAL -j KUBE-NODEPORTS
-A KUBE-SVC-ERIFXISQEP7F7OF4 ! -s 10.244.0.0/16 -d 10.96.0.10/32 -p tcp -m comment --comment "kube-system/kube-dns:dns-tcp cluster IP" -m tcp --dport 53 -j KUBE-MARK-MASQ
-A KUBE-SVC-ERIFXISQEP7F7OF4 -m comment --comment "kube-system/kube-dns:dns-tcp -> 10.244.0.2:53" -m statistic --mode random --probability 0.50000000000 -j KUBE-SEP-IT2ZTR26TO4XFPTO
-A KUBE-SVC-ERIFXISQEP7F7OF4 -m comment --comment "kube-system/kube-dns:dns-tcp -> 10.244.0.3:53" -j KUBE-SEP-ZXMNUKOKXUTL2MK2
-A KUBE-SVC-JD5MR3NA4I4DYORP ! -s 10.244.0.0/16 -d 10.96.0.10/32 -p tcp -m comment --comment "kube-system/kube-dns:metrics cluster IP" -m tcp --dport 9153 -j KUBE-MARK-MASQ
-A KUBE-SVC-JD5MR3NA4I4DYORP -m comment --comment "kube-system/kube-dns:metrics -> 10.244.0.2:9153" -m statistic --mode random --probability 0.50000000000 -j KUBE-SEP-N4G2XR5TDX7PQE7P
-A KUBE-SVC-JD5MR3NA4I4DYORP -m comment --comment "kube-system/kube-dns:metrics -> 10.244.0.3:9153" -j KUBE-SEP-ZP3FB6NMPNCO4VBJ
-A KUBE-SVC-NPX46M4PTMTKRN6Y ! -s 10.244.0.0/16 -d 10.96.0.1/32 -p tcp -m comment --comment "default/kubernetes:https cluster IP" -m tcp --dport 443 -j KUBE-MARK-MASQ
-A KUBE-SVC-NPX46M4PTMTKRN6Y -m comment --comment "default/kubernetes:https -> 172.18.0.2:6443" -j KUBE-SEP-V2PECCYPB6X2GSCW
-A KUBE-SVC-TCOU7JCQXEZGVUNU ! -s 10.244.0.0/16 -d 10.96.0.10/32 -p udp -m comment --comment "kube-system/kube-dns:dns cluster IP" -m udp --dport 53 -j KUBE-MARK-MASQ
-A KUBE-SVC-TCOU7JCQXEZGVUNU -m comment --comment "kube-system/kube-dns:dns -> 10.244.0.2:53" -m statistic --mode random --probability 0.50000000000 -j KUBE-SEP-YIL6JZP7A3QYXJU2
-A KUBE-SVC-TCOU7JCQXEZGVUNU -m comment --comment "kube-system/kube-dns:dns -> 10.244.0.3:53" -j KUBE-SEP-6E7XQMQ4RAYOWTTM
COMMIT
"#
    );
}

#[test]
fn rules_other_modes_and_errors() {
    let out = ok(&[
        "rules",
        "-f",
        "nodeport.yaml",
        "--node",
        "kind-worker",
        "--mode",
        "nftables",
    ]);
    assert!(out.starts_with("table ip kube-proxy {\n"), "{out}");
    let out = ok(&[
        "rules",
        "-f",
        "clusterip-selector.yaml",
        "--node",
        "kind-worker",
        "--mode",
        "ipvs",
    ]);
    assert!(out.starts_with("IP Virtual Server version"), "{out}");
    let json = ok(&[
        "rules",
        "-f",
        "nodeport.yaml",
        "--node",
        "kind-worker",
        "-o",
        "json",
    ]);
    let v: serde_json::Value = serde_json::from_str(&json).expect("valid JSON");
    assert_eq!(v["node"], "kind-worker");
    fails(
        &["rules", "-f", "nodeport.yaml"],
        "error: --node is required\nSee 'svcsim rules --help' for usage.\n",
    );
    fails(
        &["rules", "-f", "nodeport.yaml", "--node", "ghost"],
        "Error from server (NotFound): nodes \"ghost\" not found\n",
    );
    fails(&["rules", "-f", "nodeport.yaml", "--node", "kind-worker", "--mode", "bpf"], "error: unknown proxy mode \"bpf\" (want iptables, nftables or ipvs)\nSee 'svcsim rules --help' for usage.\n");
}

/// Issue 13, item 11: the resolver is the pod image's C library. `default` is a namespace:
/// `default.svc.cluster.local` exists without records (NODATA). musl (Alpine) stops there;
/// glibc (`--resolver glibc`, to compare) walks on through the search list and the name
/// as-is. Both end in NO_DATA, after 2 queries and after 4.
#[test]
fn the_resolver_follows_the_image_and_can_be_chosen() {
    let queries = |out: &str| -> Vec<String> {
        out.lines()
            .filter(|l| {
                l.starts_with(";; query ") || l.starts_with(";; resolver") || l.starts_with(";; =>")
            })
            .map(str::to_string)
            .collect()
    };
    let musl = ok(&[
        "dns",
        "-f",
        "alpine-client.yaml",
        "--from",
        "pod/alpine",
        "default",
    ]);
    assert_eq!(
        queries(&musl),
        vec![
            ";; resolver: musl (the image's)",
            ";; query 1: default.default.svc.cluster.local. A",
            ";; query 2: default.svc.cluster.local. A",
            ";; => A default: NO_DATA",
        ]
    );
    let glibc = ok(&[
        "dns",
        "-f",
        "alpine-client.yaml",
        "--from",
        "pod/alpine",
        "--resolver",
        "glibc",
        "default",
    ]);
    assert_eq!(
        queries(&glibc),
        vec![
            ";; resolver: glibc (--resolver)",
            ";; query 1: default.default.svc.cluster.local. A",
            ";; query 2: default.svc.cluster.local. A",
            ";; query 3: default.cluster.local. A",
            ";; query 4: default. A",
            ";; => A default: NO_DATA",
        ]
    );
    // A trace from the Alpine pod resolves as musl does.
    let trace = ok(&[
        "trace",
        "-f",
        "alpine-client.yaml",
        "--from",
        "pod/alpine",
        "default",
    ]);
    assert!(trace.contains("(A, musl resolver)"), "{trace}");
    fails(
        &[
            "dns",
            "-f",
            "alpine-client.yaml",
            "--from",
            "pod/alpine",
            "--resolver",
            "uclibc",
            "x",
        ],
        "error: --resolver \"uclibc\": want glibc or musl\nSee 'svcsim dns --help' for usage.\n",
    );
}

/// Issue 13, item 5: in IPVS mode a ClusterIP is an address of every node (kube-ipvs0), so a
/// new connection to a port its Service does not define is refused by `KUBE-IPVS-FILTER`;
/// in iptables mode no rule captures it and it times out.
#[test]
fn ipvs_refuses_a_service_address_on_an_undefined_port() {
    let ipvs = ok(&with(
        &SVC,
        &[
            "trace",
            "--from",
            "pod/client",
            "--mode",
            "ipvs",
            "10.96.163.255:8080",
        ],
    ));
    assert!(ipvs.contains("filter: -A KUBE-IPVS-FILTER -m conntrack --ctstate NEW -m set --match-set KUBE-IPVS-IPS dst -j REJECT --reject-with icmp-port-unreachable"), "{ipvs}");
    assert!(ipvs.ends_with("result: connection refused by kube-proxy on kind-worker (REJECT: no Service port 8080/tcp on 10.96.163.255)\n"), "{ipvs}");
    let iptables = ok(&with(
        &SVC,
        &[
            "trace",
            "--from",
            "pod/client",
            "--mode",
            "iptables",
            "10.96.163.255:8080",
        ],
    ));
    assert!(iptables.contains("result: timed out"), "{iptables}");
}

/// Issue 13, item 3: `trafficDistribution: PreferClose`. The slices carry `hints.forZones`
/// (the endpoint's zone); kube-proxy on kind-worker (zone-a, one endpoint) DNATs only to it, on
/// kind-worker2 (zone-b) to zone-b's three, and on the control plane (no zone label) to all.
#[test]
fn prefer_close_keeps_traffic_in_the_zone() {
    let f = ["-f", "traffic-distribution.yaml"];
    let yaml = ok(&with(
        &f,
        &[
            "get",
            "endpointslices",
            "-l",
            "kubernetes.io/service-name=web",
            "-o",
            "yaml",
        ],
    ));
    assert_eq!(yaml.matches("forZones:").count(), 4, "{yaml}");
    assert!(
        yaml.contains("      forZones:\n      - name: zone-a\n"),
        "{yaml}"
    );
    let endpoints_on = |node: &str| -> Vec<String> {
        let rules = ok(&with(&f, &["rules", "--node", node]));
        let mut eps: Vec<String> = rules
            .lines()
            .filter(|l| l.contains("\"default/web -> "))
            .filter_map(|l| {
                l.split("default/web -> ")
                    .nth(1)?
                    .split('"')
                    .next()
                    .map(str::to_string)
            })
            .collect();
        eps.sort();
        eps
    };
    assert_eq!(endpoints_on("kind-worker"), ["10.244.1.2:8080"]);
    assert_eq!(
        endpoints_on("kind-worker2"),
        ["10.244.2.2:8080", "10.244.3.2:8080", "10.244.3.3:8080"]
    );
    assert_eq!(endpoints_on("kind-control-plane").len(), 4);
}
