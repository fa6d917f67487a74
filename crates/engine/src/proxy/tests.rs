//! Golden tests: expected text from k/k `pkg/proxy/iptables/proxier_test.go`
//! (`TestOverallIPTablesRulesWithMultipleServices`) and `pkg/proxy/nftables/proxier_test.go`
//! (`TestOverallNFTablesRules`), plus iptables-save normalisation and packet evaluation.

use super::eval::WalkBound;
use super::iptables::{self, IptablesOptions};
use super::model::{build_view, ProxyView, SERVICE_PROXY_NAME_LABEL};
use super::*;
use crate::api::core::{
    ClientIpConfig, LoadBalancerIngress, Service, ServicePort, SessionAffinityConfig,
};
use crate::api::discovery::{Endpoint, EndpointConditions, EndpointPort, EndpointSlice};
use crate::cluster::ObjectKey;
use crate::config::ClusterConfig;
use crate::sim::Rng;
use std::net::Ipv4Addr;

fn svc(ns: &str, name: &str, f: impl FnOnce(&mut Service)) -> Service {
    let mut s = Service::default();
    s.metadata.namespace = ns.into();
    s.metadata.name = name.into();
    s.spec.type_ = "ClusterIP".into();
    f(&mut s);
    s
}

fn port(name: &str, port: i32, node_port: i32) -> ServicePort {
    ServicePort {
        name: name.into(),
        protocol: "TCP".into(),
        port,
        node_port,
        ..Default::default()
    }
}

fn ep(ip: &str, node: Option<&str>) -> Endpoint {
    Endpoint {
        addresses: vec![ip.into()],
        node_name: node.map(str::to_string),
        ..Default::default()
    }
}

fn slice(ns: &str, svc: &str, eps: Vec<Endpoint>, port_name: &str, port: i32) -> EndpointSlice {
    let mut s = EndpointSlice::default();
    s.metadata.namespace = ns.into();
    s.metadata.name = format!("{svc}-abcde");
    s.metadata
        .labels
        .insert("kubernetes.io/service-name".into(), svc.into());
    s.address_type = "IPv4".into();
    s.endpoints = eps;
    s.ports = vec![EndpointPort {
        name: Some(port_name.into()),
        protocol: Some("TCP".into()),
        port: Some(port),
        app_protocol: None,
    }];
    s
}

const TEST_NODE: &str = "test-hostname";

/// The fake proxier of kube-proxy's tests: node `test-hostname`, cluster CIDR 10.0.0.0/8.
fn view_of(services: &[Service], slices: &[EndpointSlice]) -> ProxyView {
    let s: Vec<&Service> = services.iter().collect();
    let e: Vec<&EndpointSlice> = slices.iter().collect();
    build_view(
        &s,
        &e,
        TEST_NODE,
        "192.168.0.2".parse().unwrap(),
        Cidr::parse("10.0.0.0/8"),
        Cidr::parse("172.30.0.0/16"),
    )
}

/// The fake iptables of kube-proxy's tests has no `--random-fully`.
fn test_opts() -> IptablesOptions {
    IptablesOptions {
        random_fully: false,
        ..IptablesOptions::default()
    }
}

/// The six Services of `TestOverallIPTablesRulesWithMultipleServices` /
/// `TestOverallNFTablesRules` (svc5 gets ClientIP affinity only in the nft variant).
fn overall_inputs(svc5_affinity: bool) -> (Vec<Service>, Vec<EndpointSlice>) {
    let services = vec![
        svc("ns1", "svc1", |s| {
            s.spec.cluster_ip = "172.30.0.41".into();
            s.spec.ports = vec![port("p80", 80, 0)];
        }),
        svc("ns2", "svc2", |s| {
            s.spec.type_ = "LoadBalancer".into();
            s.spec.external_traffic_policy = "Local".into();
            s.spec.cluster_ip = "172.30.0.42".into();
            s.spec.ports = vec![port("p80", 80, 3001)];
            s.status.load_balancer.ingress = vec![LoadBalancerIngress {
                ip: "1.2.3.4".into(),
                ..Default::default()
            }];
            s.spec.external_ips = vec!["192.168.99.22".into()];
            s.spec.health_check_node_port = 30000;
        }),
        svc("ns3", "svc3", |s| {
            s.spec.type_ = "NodePort".into();
            s.spec.cluster_ip = "172.30.0.43".into();
            s.spec.ports = vec![port("p80", 80, 3003)];
        }),
        svc("ns4", "svc4", |s| {
            s.spec.type_ = "NodePort".into();
            s.spec.cluster_ip = "172.30.0.44".into();
            s.spec.external_ips = vec!["192.168.99.33".into()];
            s.spec.ports = vec![port("p80", 80, 0)];
        }),
        svc("ns5", "svc5", |s| {
            s.spec.type_ = "LoadBalancer".into();
            s.spec.external_traffic_policy = "Cluster".into();
            s.spec.cluster_ip = "172.30.0.45".into();
            s.spec.ports = vec![port("p80", 80, 3002)];
            s.status.load_balancer.ingress = vec![LoadBalancerIngress {
                ip: "5.6.7.8".into(),
                ..Default::default()
            }];
            s.spec.health_check_node_port = 30000;
            s.spec.load_balancer_source_ranges = vec![" 203.0.113.0/25".into()];
            if svc5_affinity {
                s.spec.session_affinity = "ClientIP".into();
                s.spec.session_affinity_config = Some(SessionAffinityConfig {
                    client_ip: Some(ClientIpConfig {
                        timeout_seconds: Some(10800),
                    }),
                });
            }
        }),
        svc("ns6", "svc6", |s| {
            s.spec.cluster_ip = "172.30.0.46".into();
            s.spec.ports = vec![port("p80", 80, 0)];
        }),
    ];
    let slices = vec![
        slice("ns1", "svc1", vec![ep("10.180.0.1", None)], "p80", 80),
        slice("ns2", "svc2", vec![ep("10.180.0.2", None)], "p80", 80),
        slice("ns3", "svc3", vec![ep("10.180.0.3", None)], "p80", 80),
        slice(
            "ns4",
            "svc4",
            vec![ep("10.180.0.4", None), ep("10.180.0.5", Some(TEST_NODE))],
            "p80",
            80,
        ),
        slice("ns5", "svc5", vec![ep("10.180.0.3", None)], "p80", 80),
    ];
    (services, slices)
}

fn dedent(s: &str) -> String {
    s.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(|l| format!("{l}\n"))
        .collect()
}

/// Verbatim expectation of k/k `TestOverallIPTablesRulesWithMultipleServices`.
#[test]
fn golden_iptables_restore_overall() {
    let (services, slices) = overall_inputs(false);
    let rules = iptables::build(&view_of(&services, &slices), &test_opts());
    let expected = dedent(
        r#"
        *filter
        :KUBE-NODEPORTS - [0:0]
        :KUBE-SERVICES - [0:0]
        :KUBE-EXTERNAL-SERVICES - [0:0]
        :KUBE-FIREWALL - [0:0]
        :KUBE-FORWARD - [0:0]
        :KUBE-PROXY-FIREWALL - [0:0]
        -A KUBE-NODEPORTS -m comment --comment "ns2/svc2:p80 health check node port" -m tcp -p tcp --dport 30000 -j ACCEPT
        -A KUBE-SERVICES -m comment --comment "ns6/svc6:p80 has no endpoints" -m tcp -p tcp -d 172.30.0.46 --dport 80 -j REJECT
        -A KUBE-EXTERNAL-SERVICES -m comment --comment "ns2/svc2:p80 has no local endpoints" -m tcp -p tcp -d 192.168.99.22 --dport 80 -j DROP
        -A KUBE-EXTERNAL-SERVICES -m comment --comment "ns2/svc2:p80 has no local endpoints" -m tcp -p tcp -d 1.2.3.4 --dport 80 -j DROP
        -A KUBE-EXTERNAL-SERVICES -m comment --comment "ns2/svc2:p80 has no local endpoints" -m addrtype --dst-type LOCAL -m tcp -p tcp --dport 3001 -j DROP
        -A KUBE-FIREWALL -m comment --comment "block incoming localnet connections" -d 127.0.0.0/8 ! -s 127.0.0.0/8 -m conntrack ! --ctstate RELATED,ESTABLISHED,DNAT -j DROP
        -A KUBE-FORWARD -m conntrack --ctstate INVALID -j DROP
        -A KUBE-FORWARD -m comment --comment "kubernetes forwarding rules" -m mark --mark 0x4000/0x4000 -j ACCEPT
        -A KUBE-FORWARD -m comment --comment "kubernetes forwarding conntrack rule" -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT
        -A KUBE-PROXY-FIREWALL -m comment --comment "ns5/svc5:p80 traffic not accepted by KUBE-FW-NUKIZ6OKUXPJNT4C" -m tcp -p tcp -d 5.6.7.8 --dport 80 -j DROP
        COMMIT
        *nat
        :KUBE-NODEPORTS - [0:0]
        :KUBE-SERVICES - [0:0]
        :KUBE-EXT-4SW47YFZTEDKD3PK - [0:0]
        :KUBE-EXT-GNZBNJ2PO5MGZ6GT - [0:0]
        :KUBE-EXT-NUKIZ6OKUXPJNT4C - [0:0]
        :KUBE-EXT-X27LE4BHSL4DOUIK - [0:0]
        :KUBE-FW-NUKIZ6OKUXPJNT4C - [0:0]
        :KUBE-MARK-MASQ - [0:0]
        :KUBE-POSTROUTING - [0:0]
        :KUBE-SEP-C6EBXVWJJZMIWKLZ - [0:0]
        :KUBE-SEP-I77PXRDZVX7PMWMN - [0:0]
        :KUBE-SEP-OYPFS5VJICHGATKP - [0:0]
        :KUBE-SEP-RS4RBKLTHTF2IUXJ - [0:0]
        :KUBE-SEP-SXIVWICOYRO3J4NJ - [0:0]
        :KUBE-SEP-UKSFD7AGPMPPLUHC - [0:0]
        :KUBE-SVC-4SW47YFZTEDKD3PK - [0:0]
        :KUBE-SVC-GNZBNJ2PO5MGZ6GT - [0:0]
        :KUBE-SVC-NUKIZ6OKUXPJNT4C - [0:0]
        :KUBE-SVC-X27LE4BHSL4DOUIK - [0:0]
        :KUBE-SVC-XPGD46QRK7WJZT7O - [0:0]
        -A KUBE-NODEPORTS -m comment --comment ns2/svc2:p80 -m tcp -p tcp --dport 3001 -j KUBE-EXT-GNZBNJ2PO5MGZ6GT
        -A KUBE-NODEPORTS -m comment --comment ns3/svc3:p80 -m tcp -p tcp --dport 3003 -j KUBE-EXT-X27LE4BHSL4DOUIK
        -A KUBE-NODEPORTS -m comment --comment ns5/svc5:p80 -m tcp -p tcp --dport 3002 -j KUBE-EXT-NUKIZ6OKUXPJNT4C
        -A KUBE-SERVICES -m comment --comment "ns1/svc1:p80 cluster IP" -m tcp -p tcp -d 172.30.0.41 --dport 80 -j KUBE-SVC-XPGD46QRK7WJZT7O
        -A KUBE-SERVICES -m comment --comment "ns2/svc2:p80 cluster IP" -m tcp -p tcp -d 172.30.0.42 --dport 80 -j KUBE-SVC-GNZBNJ2PO5MGZ6GT
        -A KUBE-SERVICES -m comment --comment "ns2/svc2:p80 external IP" -m tcp -p tcp -d 192.168.99.22 --dport 80 -j KUBE-EXT-GNZBNJ2PO5MGZ6GT
        -A KUBE-SERVICES -m comment --comment "ns2/svc2:p80 loadbalancer IP" -m tcp -p tcp -d 1.2.3.4 --dport 80 -j KUBE-EXT-GNZBNJ2PO5MGZ6GT
        -A KUBE-SERVICES -m comment --comment "ns3/svc3:p80 cluster IP" -m tcp -p tcp -d 172.30.0.43 --dport 80 -j KUBE-SVC-X27LE4BHSL4DOUIK
        -A KUBE-SERVICES -m comment --comment "ns4/svc4:p80 cluster IP" -m tcp -p tcp -d 172.30.0.44 --dport 80 -j KUBE-SVC-4SW47YFZTEDKD3PK
        -A KUBE-SERVICES -m comment --comment "ns4/svc4:p80 external IP" -m tcp -p tcp -d 192.168.99.33 --dport 80 -j KUBE-EXT-4SW47YFZTEDKD3PK
        -A KUBE-SERVICES -m comment --comment "ns5/svc5:p80 cluster IP" -m tcp -p tcp -d 172.30.0.45 --dport 80 -j KUBE-SVC-NUKIZ6OKUXPJNT4C
        -A KUBE-SERVICES -m comment --comment "ns5/svc5:p80 loadbalancer IP" -m tcp -p tcp -d 5.6.7.8 --dport 80 -j KUBE-FW-NUKIZ6OKUXPJNT4C
        -A KUBE-SERVICES -m comment --comment "kubernetes service nodeports; NOTE: this must be the last rule in this chain" -m addrtype --dst-type LOCAL -j KUBE-NODEPORTS
        -A KUBE-EXT-4SW47YFZTEDKD3PK -m comment --comment "masquerade traffic for ns4/svc4:p80 external destinations" -j KUBE-MARK-MASQ
        -A KUBE-EXT-4SW47YFZTEDKD3PK -j KUBE-SVC-4SW47YFZTEDKD3PK
        -A KUBE-EXT-GNZBNJ2PO5MGZ6GT -m comment --comment "pod traffic for ns2/svc2:p80 external destinations" -s 10.0.0.0/8 -j KUBE-SVC-GNZBNJ2PO5MGZ6GT
        -A KUBE-EXT-GNZBNJ2PO5MGZ6GT -m comment --comment "masquerade LOCAL traffic for ns2/svc2:p80 external destinations" -m addrtype --src-type LOCAL -j KUBE-MARK-MASQ
        -A KUBE-EXT-GNZBNJ2PO5MGZ6GT -m comment --comment "route LOCAL traffic for ns2/svc2:p80 external destinations" -m addrtype --src-type LOCAL -j KUBE-SVC-GNZBNJ2PO5MGZ6GT
        -A KUBE-EXT-NUKIZ6OKUXPJNT4C -m comment --comment "masquerade traffic for ns5/svc5:p80 external destinations" -j KUBE-MARK-MASQ
        -A KUBE-EXT-NUKIZ6OKUXPJNT4C -j KUBE-SVC-NUKIZ6OKUXPJNT4C
        -A KUBE-EXT-X27LE4BHSL4DOUIK -m comment --comment "masquerade traffic for ns3/svc3:p80 external destinations" -j KUBE-MARK-MASQ
        -A KUBE-EXT-X27LE4BHSL4DOUIK -j KUBE-SVC-X27LE4BHSL4DOUIK
        -A KUBE-FW-NUKIZ6OKUXPJNT4C -m comment --comment "ns5/svc5:p80 loadbalancer IP" -s 203.0.113.0/25 -j KUBE-EXT-NUKIZ6OKUXPJNT4C
        -A KUBE-FW-NUKIZ6OKUXPJNT4C -m comment --comment "other traffic to ns5/svc5:p80 will be dropped by KUBE-PROXY-FIREWALL"
        -A KUBE-MARK-MASQ -j MARK --or-mark 0x4000
        -A KUBE-POSTROUTING -m mark ! --mark 0x4000/0x4000 -j RETURN
        -A KUBE-POSTROUTING -j MARK --xor-mark 0x4000
        -A KUBE-POSTROUTING -m comment --comment "kubernetes service traffic requiring SNAT" -j MASQUERADE
        -A KUBE-SEP-C6EBXVWJJZMIWKLZ -m comment --comment ns4/svc4:p80 -s 10.180.0.5 -j KUBE-MARK-MASQ
        -A KUBE-SEP-C6EBXVWJJZMIWKLZ -m comment --comment ns4/svc4:p80 -m tcp -p tcp -j DNAT --to-destination 10.180.0.5:80
        -A KUBE-SEP-I77PXRDZVX7PMWMN -m comment --comment ns5/svc5:p80 -s 10.180.0.3 -j KUBE-MARK-MASQ
        -A KUBE-SEP-I77PXRDZVX7PMWMN -m comment --comment ns5/svc5:p80 -m tcp -p tcp -j DNAT --to-destination 10.180.0.3:80
        -A KUBE-SEP-OYPFS5VJICHGATKP -m comment --comment ns3/svc3:p80 -s 10.180.0.3 -j KUBE-MARK-MASQ
        -A KUBE-SEP-OYPFS5VJICHGATKP -m comment --comment ns3/svc3:p80 -m tcp -p tcp -j DNAT --to-destination 10.180.0.3:80
        -A KUBE-SEP-RS4RBKLTHTF2IUXJ -m comment --comment ns2/svc2:p80 -s 10.180.0.2 -j KUBE-MARK-MASQ
        -A KUBE-SEP-RS4RBKLTHTF2IUXJ -m comment --comment ns2/svc2:p80 -m tcp -p tcp -j DNAT --to-destination 10.180.0.2:80
        -A KUBE-SEP-SXIVWICOYRO3J4NJ -m comment --comment ns1/svc1:p80 -s 10.180.0.1 -j KUBE-MARK-MASQ
        -A KUBE-SEP-SXIVWICOYRO3J4NJ -m comment --comment ns1/svc1:p80 -m tcp -p tcp -j DNAT --to-destination 10.180.0.1:80
        -A KUBE-SEP-UKSFD7AGPMPPLUHC -m comment --comment ns4/svc4:p80 -s 10.180.0.4 -j KUBE-MARK-MASQ
        -A KUBE-SEP-UKSFD7AGPMPPLUHC -m comment --comment ns4/svc4:p80 -m tcp -p tcp -j DNAT --to-destination 10.180.0.4:80
        -A KUBE-SVC-4SW47YFZTEDKD3PK -m comment --comment "ns4/svc4:p80 cluster IP" -m tcp -p tcp -d 172.30.0.44 --dport 80 ! -s 10.0.0.0/8 -j KUBE-MARK-MASQ
        -A KUBE-SVC-4SW47YFZTEDKD3PK -m comment --comment "ns4/svc4:p80 -> 10.180.0.4:80" -m statistic --mode random --probability 0.5000000000 -j KUBE-SEP-UKSFD7AGPMPPLUHC
        -A KUBE-SVC-4SW47YFZTEDKD3PK -m comment --comment "ns4/svc4:p80 -> 10.180.0.5:80" -j KUBE-SEP-C6EBXVWJJZMIWKLZ
        -A KUBE-SVC-GNZBNJ2PO5MGZ6GT -m comment --comment "ns2/svc2:p80 cluster IP" -m tcp -p tcp -d 172.30.0.42 --dport 80 ! -s 10.0.0.0/8 -j KUBE-MARK-MASQ
        -A KUBE-SVC-GNZBNJ2PO5MGZ6GT -m comment --comment "ns2/svc2:p80 -> 10.180.0.2:80" -j KUBE-SEP-RS4RBKLTHTF2IUXJ
        -A KUBE-SVC-NUKIZ6OKUXPJNT4C -m comment --comment "ns5/svc5:p80 cluster IP" -m tcp -p tcp -d 172.30.0.45 --dport 80 ! -s 10.0.0.0/8 -j KUBE-MARK-MASQ
        -A KUBE-SVC-NUKIZ6OKUXPJNT4C -m comment --comment "ns5/svc5:p80 -> 10.180.0.3:80" -j KUBE-SEP-I77PXRDZVX7PMWMN
        -A KUBE-SVC-X27LE4BHSL4DOUIK -m comment --comment "ns3/svc3:p80 cluster IP" -m tcp -p tcp -d 172.30.0.43 --dport 80 ! -s 10.0.0.0/8 -j KUBE-MARK-MASQ
        -A KUBE-SVC-X27LE4BHSL4DOUIK -m comment --comment "ns3/svc3:p80 -> 10.180.0.3:80" -j KUBE-SEP-OYPFS5VJICHGATKP
        -A KUBE-SVC-XPGD46QRK7WJZT7O -m comment --comment "ns1/svc1:p80 cluster IP" -m tcp -p tcp -d 172.30.0.41 --dport 80 ! -s 10.0.0.0/8 -j KUBE-MARK-MASQ
        -A KUBE-SVC-XPGD46QRK7WJZT7O -m comment --comment "ns1/svc1:p80 -> 10.180.0.1:80" -j KUBE-SEP-SXIVWICOYRO3J4NJ
        COMMIT
        "#,
    );
    let got = iptables::render_restore(&rules);
    for (i, (g, e)) in got.lines().zip(expected.lines()).enumerate() {
        assert_eq!(g, e, "line {i}");
    }
    assert_eq!(got, expected);
}

fn kind_view(services: &[Service], slices: &[EndpointSlice]) -> ProxyView {
    let s: Vec<&Service> = services.iter().collect();
    let e: Vec<&EndpointSlice> = slices.iter().collect();
    build_view(
        &s,
        &e,
        "kind-worker",
        "172.18.0.3".parse().unwrap(),
        Cidr::parse("10.244.0.0/16"),
        Cidr::parse("10.96.0.0/16"),
    )
}

fn three_endpoint_clusterip() -> (Vec<Service>, Vec<EndpointSlice>) {
    let services = vec![svc("ns1", "svc1", |s| {
        s.spec.cluster_ip = "172.30.0.41".into();
        s.spec.ports = vec![port("p80", 80, 0)];
    })];
    // Deliberately unsorted: kube-proxy sorts by "IP:port".
    let slices = vec![slice(
        "ns1",
        "svc1",
        vec![
            ep("10.180.2.1", Some("kind-worker2")),
            ep("10.180.0.1", Some("kind-worker")),
            ep("10.180.0.2", Some("kind-worker")),
        ],
        "p80",
        80,
    )];
    (services, slices)
}

/// iptables-save on a kind node for a ClusterIP Service with 3 endpoints: the restore rules
/// of proxier_test.go (`TestClusterIPGeneral` hashes) after iptables-save normalisation.
#[test]
fn golden_iptables_save_clusterip_three_endpoints() {
    let (services, slices) = three_endpoint_clusterip();
    let rules = rules_from_view(kind_view(&services, &slices), ProxyMode::Iptables);
    let expected = dedent(
        r#"
        *filter
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
        -A KUBE-FIREWALL ! -s 127.0.0.0/8 -d 127.0.0.0/8 -m comment --comment "block incoming localnet connections" -m conntrack ! --ctstate RELATED,ESTABLISHED,DNAT -j DROP
        -A KUBE-FORWARD -m conntrack --ctstate INVALID -j DROP
        -A KUBE-FORWARD -m comment --comment "kubernetes forwarding rules" -m mark --mark 0x4000/0x4000 -j ACCEPT
        -A KUBE-FORWARD -m comment --comment "kubernetes forwarding conntrack rule" -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT
        COMMIT
        *nat
        :PREROUTING ACCEPT [0:0]
        :INPUT ACCEPT [0:0]
        :OUTPUT ACCEPT [0:0]
        :POSTROUTING ACCEPT [0:0]
        :KUBE-MARK-MASQ - [0:0]
        :KUBE-NODEPORTS - [0:0]
        :KUBE-POSTROUTING - [0:0]
        :KUBE-SEP-LXVODXWDISEETFEF - [0:0]
        :KUBE-SEP-SXIVWICOYRO3J4NJ - [0:0]
        :KUBE-SEP-ZX7GRIZKSNUQ3LAJ - [0:0]
        :KUBE-SERVICES - [0:0]
        :KUBE-SVC-XPGD46QRK7WJZT7O - [0:0]
        -A PREROUTING -m comment --comment "kubernetes service portals" -j KUBE-SERVICES
        -A OUTPUT -m comment --comment "kubernetes service portals" -j KUBE-SERVICES
        -A POSTROUTING -m comment --comment "kubernetes postrouting rules" -j KUBE-POSTROUTING
        -A KUBE-MARK-MASQ -j MARK --set-xmark 0x4000/0x4000
        -A KUBE-POSTROUTING -m mark ! --mark 0x4000/0x4000 -j RETURN
        -A KUBE-POSTROUTING -j MARK --set-xmark 0x4000/0x0
        -A KUBE-POSTROUTING -m comment --comment "kubernetes service traffic requiring SNAT" -j MASQUERADE --random-fully
        -A KUBE-SEP-LXVODXWDISEETFEF -s 10.180.0.2/32 -m comment --comment "ns1/svc1:p80" -j KUBE-MARK-MASQ
        -A KUBE-SEP-LXVODXWDISEETFEF -p tcp -m comment --comment "ns1/svc1:p80" -m tcp -j DNAT --to-destination 10.180.0.2:80
        -A KUBE-SEP-SXIVWICOYRO3J4NJ -s 10.180.0.1/32 -m comment --comment "ns1/svc1:p80" -j KUBE-MARK-MASQ
        -A KUBE-SEP-SXIVWICOYRO3J4NJ -p tcp -m comment --comment "ns1/svc1:p80" -m tcp -j DNAT --to-destination 10.180.0.1:80
        -A KUBE-SEP-ZX7GRIZKSNUQ3LAJ -s 10.180.2.1/32 -m comment --comment "ns1/svc1:p80" -j KUBE-MARK-MASQ
        -A KUBE-SEP-ZX7GRIZKSNUQ3LAJ -p tcp -m comment --comment "ns1/svc1:p80" -m tcp -j DNAT --to-destination 10.180.2.1:80
        -A KUBE-SERVICES -d 172.30.0.41/32 -p tcp -m comment --comment "ns1/svc1:p80 cluster IP" -m tcp --dport 80 -j KUBE-SVC-XPGD46QRK7WJZT7O
        -A KUBE-SERVICES -m comment --comment "kubernetes service nodeports; NOTE: this must be the last rule in this chain" -m addrtype --dst-type LOCAL -j KUBE-NODEPORTS
        -A KUBE-SVC-XPGD46QRK7WJZT7O ! -s 10.244.0.0/16 -d 172.30.0.41/32 -p tcp -m comment --comment "ns1/svc1:p80 cluster IP" -m tcp --dport 80 -j KUBE-MARK-MASQ
        -A KUBE-SVC-XPGD46QRK7WJZT7O -m comment --comment "ns1/svc1:p80 -> 10.180.0.1:80" -m statistic --mode random --probability 0.33333333349 -j KUBE-SEP-SXIVWICOYRO3J4NJ
        -A KUBE-SVC-XPGD46QRK7WJZT7O -m comment --comment "ns1/svc1:p80 -> 10.180.0.2:80" -m statistic --mode random --probability 0.50000000000 -j KUBE-SEP-LXVODXWDISEETFEF
        -A KUBE-SVC-XPGD46QRK7WJZT7O -m comment --comment "ns1/svc1:p80 -> 10.180.2.1:80" -j KUBE-SEP-ZX7GRIZKSNUQ3LAJ
        COMMIT
        "#,
    );
    let got = render(&rules);
    for (i, (g, e)) in got.lines().zip(expected.lines()).enumerate() {
        assert_eq!(g, e, "line {i}");
    }
    assert_eq!(got, expected);
}

#[test]
fn probabilities_restore_and_save_forms() {
    assert_eq!(iptables::restore_probability(3), "0.3333333333");
    assert_eq!(iptables::save_probability(3), "0.33333333349");
    assert_eq!(iptables::save_probability(2), "0.50000000000");
    assert_eq!(iptables::save_probability(5), "0.20000000019");
    assert_eq!(iptables::save_probability(0), iptables::save_probability(1));
}

/// proxier_test.go's affinity expectations (`-m recent … --rcheck --seconds 10800 --reap`,
/// `--set` on the DNAT rule), as iptables-save prints them.
#[test]
fn golden_client_ip_affinity() {
    let (mut services, slices) = three_endpoint_clusterip();
    services[0].spec.session_affinity = "ClientIP".into();
    services[0].spec.session_affinity_config = Some(SessionAffinityConfig {
        client_ip: Some(ClientIpConfig {
            timeout_seconds: Some(10800),
        }),
    });
    let rules = rules_from_view(kind_view(&services, &slices), ProxyMode::Iptables);
    let out = render(&rules);
    for line in [
        r#"-A KUBE-SVC-XPGD46QRK7WJZT7O -m comment --comment "ns1/svc1:p80 -> 10.180.0.1:80" -m recent --rcheck --seconds 10800 --reap --name KUBE-SEP-SXIVWICOYRO3J4NJ --mask 255.255.255.255 --rsource -j KUBE-SEP-SXIVWICOYRO3J4NJ"#,
        r#"-A KUBE-SEP-SXIVWICOYRO3J4NJ -p tcp -m comment --comment "ns1/svc1:p80" -m recent --set --name KUBE-SEP-SXIVWICOYRO3J4NJ --mask 255.255.255.255 --rsource -m tcp -j DNAT --to-destination 10.180.0.1:80"#,
    ] {
        assert!(out.contains(line), "missing {line}\n{out}");
    }
    let restore = iptables::render_restore(rules.iptables.as_ref().unwrap());
    assert!(restore.contains(r#"-A KUBE-SVC-XPGD46QRK7WJZT7O -m comment --comment "ns1/svc1:p80 -> 10.180.0.2:80" -m recent --name KUBE-SEP-LXVODXWDISEETFEF --rcheck --seconds 10800 --reap -j KUBE-SEP-LXVODXWDISEETFEF"#));
    assert!(restore.contains("-A KUBE-SEP-LXVODXWDISEETFEF -m comment --comment ns1/svc1:p80 -m recent --name KUBE-SEP-LXVODXWDISEETFEF --set -m tcp -p tcp -j DNAT --to-destination 10.180.0.2:80"));
}

/// LoadBalancer + externalTrafficPolicy Local on a node that has a local endpoint: KUBE-SVL
/// with only the local endpoint, EXT ending in a jump to it, health check ACCEPT, no DROP.
#[test]
fn golden_lb_local_with_local_endpoint() {
    let (services, mut slices) = overall_inputs(false);
    slices[1] = slice(
        "ns2",
        "svc2",
        vec![
            ep("10.180.0.2", Some(TEST_NODE)),
            ep("10.180.1.2", Some("node2")),
        ],
        "p80",
        80,
    );
    let rules = iptables::build(&view_of(&services, &slices), &test_opts());
    let restore = iptables::render_restore(&rules);
    for line in [
        "-A KUBE-EXT-GNZBNJ2PO5MGZ6GT -j KUBE-SVL-GNZBNJ2PO5MGZ6GT",
        r#"-A KUBE-SVL-GNZBNJ2PO5MGZ6GT -m comment --comment "ns2/svc2:p80 -> 10.180.0.2:80" -j KUBE-SEP-RS4RBKLTHTF2IUXJ"#,
        r#"-A KUBE-NODEPORTS -m comment --comment "ns2/svc2:p80 health check node port" -m tcp -p tcp --dport 30000 -j ACCEPT"#,
        r#"-A KUBE-SVC-GNZBNJ2PO5MGZ6GT -m comment --comment "ns2/svc2:p80 -> 10.180.0.2:80" -m statistic --mode random --probability 0.5000000000 -j KUBE-SEP-RS4RBKLTHTF2IUXJ"#,
    ] {
        assert!(restore.contains(line), "missing {line}\n{restore}");
    }
    assert!(!restore.contains("ns2/svc2:p80 has no local endpoints"));
    // Without local endpoints (the overall golden): no SVL chain, DROP in filter.
    let (services, slices) = overall_inputs(false);
    let restore =
        iptables::render_restore(&iptables::build(&view_of(&services, &slices), &test_opts()));
    assert!(!restore.contains("KUBE-SVL-"));
    assert!(restore.contains(
        "has no local endpoints\" -m addrtype --dst-type LOCAL -m tcp -p tcp --dport 3001 -j DROP"
    ));
}

#[test]
fn headless_and_external_name_get_no_rules() {
    let services = vec![
        svc("ns1", "headless", |s| {
            s.spec.cluster_ip = "None".into();
            s.spec.cluster_ips = vec!["None".into()];
            s.spec.ports = vec![port("p80", 80, 0)];
        }),
        svc("ns1", "ext", |s| {
            s.spec.type_ = "ExternalName".into();
            s.spec.external_name = "example.com".into();
        }),
    ];
    let slices = vec![slice(
        "ns1",
        "headless",
        vec![ep("10.180.0.1", None)],
        "p80",
        80,
    )];
    let view = kind_view(&services, &slices);
    assert!(view.services.is_empty());
    for mode in [ProxyMode::Iptables, ProxyMode::Nftables, ProxyMode::Ipvs] {
        let out = render(&rules_from_view(view.clone(), mode));
        assert!(!out.contains("ns1/"), "{mode:?}: {out}");
    }
}

/// kube-proxy lists Services and EndpointSlices without `service-proxy-name` and `headless`
/// labels (`cmd/kube-proxy/app/server.go`): a Service asking for another proxy gets no rules
/// in any mode, and neither do slices carrying the label; its neighbours keep theirs.
#[test]
fn services_for_another_service_proxy_get_no_rules() {
    let mut services = vec![
        svc("ns1", "other-proxy", |s| {
            s.spec.cluster_ip = "172.30.0.41".into();
            s.spec.ports = vec![port("p80", 80, 0)];
        }),
        svc("ns1", "mine", |s| {
            s.spec.cluster_ip = "172.30.0.42".into();
            s.spec.ports = vec![port("p80", 80, 0)];
        }),
    ];
    services[0]
        .metadata
        .labels
        .insert(SERVICE_PROXY_NAME_LABEL.into(), "cilium".into());
    let mut slices = vec![
        slice(
            "ns1",
            "other-proxy",
            vec![ep("10.180.0.1", None)],
            "p80",
            80,
        ),
        slice("ns1", "mine", vec![ep("10.180.0.2", None)], "p80", 80),
    ];
    slices[0]
        .metadata
        .labels
        .insert(SERVICE_PROXY_NAME_LABEL.into(), "cilium".into());
    let view = kind_view(&services, &slices);
    let names: Vec<&str> = view
        .services
        .iter()
        .map(|p| p.service_port_name.as_str())
        .collect();
    assert_eq!(names, ["ns1/mine:p80"]);
    for mode in [ProxyMode::Iptables, ProxyMode::Nftables, ProxyMode::Ipvs] {
        let out = render(&rules_from_view(view.clone(), mode));
        assert!(!out.contains("ns1/other-proxy"), "{mode:?}: {out}");
        assert!(!out.contains("172.30.0.41"), "{mode:?}: {out}");
        assert!(out.contains("172.30.0.42"), "{mode:?}: {out}");
    }
    // A slice with the label is not seen even when its Service has none (kube-proxy's
    // informer filters each kind on its own labels).
    services[0].metadata.labels.clear();
    let view = kind_view(&services, &slices);
    let other = view
        .services
        .iter()
        .find(|p| p.service_port_name == "ns1/other-proxy:p80")
        .expect("the Service is seen again");
    assert!(other.endpoints.is_empty(), "{other:?}");
}

/// kube-proxy's large cluster mode (`proxier.go`): with more than 1,000 endpoints over all
/// Service ports, the per-endpoint rules (KUBE-SEP hairpin and DNAT, KUBE-SVC cascade) lose
/// their `-m comment`; the Service-level rules keep theirs. At exactly 1,000 nothing changes.
#[test]
fn above_1000_endpoints_the_per_endpoint_comments_are_left_out() {
    let inputs = |n: usize| {
        let services = vec![svc("ns1", "big", |s| {
            s.spec.cluster_ip = "172.30.0.41".into();
            s.spec.ports = vec![port("p80", 80, 0)];
        })];
        let eps = (0..n)
            .map(|i| {
                ep(
                    &format!("10.{}.{}.{}", 1 + i / 65_536, (i / 256) % 256, i % 256),
                    None,
                )
            })
            .collect();
        (services, vec![slice("ns1", "big", eps, "p80", 80)])
    };
    for (n, large) in [(1000, false), (1001, true)] {
        let (services, slices) = inputs(n);
        let view = kind_view(&services, &slices);
        assert_eq!(iptables::large_cluster_mode(&view), large, "{n}");
        let save = iptables::render_save(&iptables::build(&view, &test_opts()));
        let sep_rules: Vec<&str> = save
            .lines()
            .filter(|l| l.starts_with("-A KUBE-SEP-"))
            .collect();
        let cascade: Vec<&str> = save
            .lines()
            .filter(|l| l.starts_with("-A KUBE-SVC-"))
            .collect();
        assert_eq!(sep_rules.len(), 2 * n, "{n}");
        assert_eq!(
            cascade
                .iter()
                .filter(|l| l.contains("-j KUBE-SEP-"))
                .count(),
            n
        );
        let commented = |rules: &[&str]| rules.iter().filter(|l| l.contains("-m comment")).count();
        if large {
            assert_eq!(commented(&sep_rules), 0, "{}", sep_rules[0]);
            // The masquerade rule of the Service's own chain keeps its comment.
            assert_eq!(commented(&cascade), 1, "{cascade:?}");
        } else {
            assert_eq!(commented(&sep_rules), 2 * n);
            assert_eq!(commented(&cascade), n + 1);
            assert!(
                save.contains("\"ns1/big:p80 -> 10.1.0.0:80\""),
                "{}",
                cascade[0]
            );
        }
        assert!(
            save.contains("-m comment --comment \"ns1/big:p80 cluster IP\""),
            "{n}"
        );
    }
}

#[test]
fn ports_join_by_name_and_protocol_and_conditions() {
    let services = vec![svc("ns1", "svc1", |s| {
        s.spec.cluster_ip = "172.30.0.41".into();
        s.spec.ports = vec![port("http", 80, 0)];
    })];
    let mut wrong_name = slice("ns1", "svc1", vec![ep("10.0.0.9", None)], "web", 8080);
    wrong_name.metadata.name = "svc1-x".into();
    let mut udp = slice("ns1", "svc1", vec![ep("10.0.0.8", None)], "http", 8080);
    udp.metadata.name = "svc1-y".into();
    udp.ports[0].protocol = Some("UDP".into());
    let mut good = slice(
        "ns1",
        "svc1",
        vec![ep("10.0.0.2", None), ep("10.0.0.1", None)],
        "http",
        8080,
    );
    good.endpoints[0].conditions = EndpointConditions {
        ready: Some(false),
        serving: Some(true),
        terminating: Some(true),
    };
    let view = kind_view(&services, &[wrong_name, udp, good]);
    let sp = &view.services[0];
    let keys: Vec<String> = sp.endpoints.iter().map(|e| e.key()).collect();
    assert_eq!(keys, ["10.0.0.1:8080", "10.0.0.2:8080"]);
    let cat = sp.categorize();
    assert_eq!(cat.cluster.len(), 1, "only the ready one");
    assert!(cat.has_any);
}

/// Issue 13, item 3 (`pkg/proxy/topology.go` `canUseTopology`, `availableForTopology`):
/// zone hints are followed only when the Service asks (trafficDistribution, or the
/// `topology-mode: Auto` annotation), the node has a zone, every ready endpoint is hinted and
/// one is hinted for this zone; otherwise every ready endpoint is used.
#[test]
fn topology_hints_filter_cluster_endpoints_with_fallbacks() {
    use crate::api::discovery::{EndpointHints, ForZone};
    let hinted = |ip: &str, zone: Option<&str>| {
        let mut e = ep(ip, None);
        e.hints = zone.map(|z| EndpointHints {
            for_zones: vec![ForZone { name: z.into() }],
        });
        e
    };
    let cluster =
        |td: Option<&str>, annotation: Option<&str>, eps: Vec<Endpoint>, zone: Option<&str>| {
            let services = vec![svc("ns1", "svc1", |s| {
                s.spec.cluster_ip = "172.30.0.41".into();
                s.spec.ports = vec![port("http", 80, 0)];
                s.spec.traffic_distribution = td.map(str::to_string);
                if let Some(a) = annotation {
                    s.metadata
                        .annotations
                        .insert("service.kubernetes.io/topology-mode".into(), a.into());
                }
            })];
            let mut view = kind_view(&services, &[slice("ns1", "svc1", eps, "http", 8080)]);
            view.services[0].node_zone = zone.map(str::to_string);
            let mut ips: Vec<String> = view.services[0]
                .categorize()
                .cluster
                .iter()
                .map(|e| e.ip.to_string())
                .collect();
            ips.sort();
            ips
        };
    let both = || vec![hinted("10.0.0.1", Some("a")), hinted("10.0.0.2", Some("b"))];
    let pc = Some("PreferClose");
    assert_eq!(cluster(pc, None, both(), Some("a")), ["10.0.0.1"]);
    // No endpoint for this node's zone, no zone label, or not asked for: all of them.
    assert_eq!(cluster(pc, None, both(), Some("c")).len(), 2);
    assert_eq!(cluster(pc, None, both(), None).len(), 2);
    assert_eq!(cluster(None, None, both(), Some("a")).len(), 2);
    // A ready endpoint without hints turns topology off.
    let partly = vec![hinted("10.0.0.1", Some("a")), hinted("10.0.0.2", None)];
    assert_eq!(cluster(pc, None, partly, Some("a")).len(), 2);
    // Without trafficDistribution the annotation decides.
    assert_eq!(cluster(None, Some("Auto"), both(), Some("b")), ["10.0.0.2"]);
    assert_eq!(cluster(None, Some("Disabled"), both(), Some("b")).len(), 2);
}

/// Build `TestOverallNFTablesRules`' inputs and compare every rule and element line with the
/// test's expectation (kube-proxy's transaction form).
#[test]
fn golden_nftables_overall() {
    let (services, slices) = overall_inputs(true);
    let table = nftables::build(&view_of(&services, &slices));
    let got = nftables::render_transaction(&table);
    let expected = dedent(
        r#"
        add rule ip kube-proxy cluster-ips-check ip daddr @cluster-ips reject comment "Reject traffic to invalid ports of ClusterIPs"
        add rule ip kube-proxy cluster-ips-check ip daddr { 172.30.0.0/16 } drop comment "Drop traffic to unallocated ClusterIPs"
        add rule ip kube-proxy filter-prerouting-pre-dnat ct state new jump firewall-check
        add rule ip kube-proxy filter-forward ct state new jump service-endpoints-check
        add rule ip kube-proxy filter-forward ct state new jump cluster-ips-check
        add rule ip kube-proxy filter-input ct state new jump nodeport-endpoints-check
        add rule ip kube-proxy filter-input ct state new jump service-endpoints-check
        add rule ip kube-proxy filter-output ct state new jump service-endpoints-check
        add rule ip kube-proxy filter-output-pre-dnat ct state new jump firewall-check
        add rule ip kube-proxy filter-output ct state new jump cluster-ips-check
        add rule ip kube-proxy firewall-check ip daddr . meta l4proto . th dport vmap @firewall-ips
        add rule ip kube-proxy mark-for-masquerade mark set mark or 0x4000
        add rule ip kube-proxy masquerading mark and 0x4000 == 0 return
        add rule ip kube-proxy masquerading mark set mark xor 0x4000
        add rule ip kube-proxy masquerading masquerade fully-random
        add rule ip kube-proxy nat-output jump services
        add rule ip kube-proxy nat-postrouting jump masquerading
        add rule ip kube-proxy nat-prerouting jump services
        add rule ip kube-proxy nodeport-endpoints-check ip daddr @nodeport-ips meta l4proto . th dport vmap @no-endpoint-nodeports
        add rule ip kube-proxy reject-chain reject
        add rule ip kube-proxy services ip daddr . meta l4proto . th dport vmap @service-ips
        add rule ip kube-proxy services ip daddr @nodeport-ips meta l4proto . th dport vmap @service-nodeports
        add element ip kube-proxy nodeport-ips { 192.168.0.2 }
        add rule ip kube-proxy service-endpoints-check ip daddr . meta l4proto . th dport vmap @no-endpoint-services
        add rule ip kube-proxy service-ULMVA6XW-ns1/svc1/tcp/p80 ip daddr 172.30.0.41 ip saddr != 10.0.0.0/8 jump mark-for-masquerade
        add rule ip kube-proxy service-ULMVA6XW-ns1/svc1/tcp/p80 numgen random mod 1 vmap { 0 : goto endpoint-5OJB2KTY-ns1/svc1/tcp/p80__10.180.0.1/80 }
        add rule ip kube-proxy endpoint-5OJB2KTY-ns1/svc1/tcp/p80__10.180.0.1/80 ip saddr 10.180.0.1 jump mark-for-masquerade
        add rule ip kube-proxy endpoint-5OJB2KTY-ns1/svc1/tcp/p80__10.180.0.1/80 meta l4proto tcp dnat to 10.180.0.1:80
        add element ip kube-proxy cluster-ips { 172.30.0.41 }
        add element ip kube-proxy service-ips { 172.30.0.41 . tcp . 80 : goto service-ULMVA6XW-ns1/svc1/tcp/p80 }
        add rule ip kube-proxy service-42NFTM6N-ns2/svc2/tcp/p80 ip daddr 172.30.0.42 ip saddr != 10.0.0.0/8 jump mark-for-masquerade
        add rule ip kube-proxy service-42NFTM6N-ns2/svc2/tcp/p80 numgen random mod 1 vmap { 0 : goto endpoint-SGOXE6O3-ns2/svc2/tcp/p80__10.180.0.2/80 }
        add rule ip kube-proxy external-42NFTM6N-ns2/svc2/tcp/p80 ip saddr 10.0.0.0/8 goto service-42NFTM6N-ns2/svc2/tcp/p80 comment "short-circuit pod traffic"
        add rule ip kube-proxy external-42NFTM6N-ns2/svc2/tcp/p80 fib saddr type local jump mark-for-masquerade comment "masquerade local traffic"
        add rule ip kube-proxy external-42NFTM6N-ns2/svc2/tcp/p80 fib saddr type local goto service-42NFTM6N-ns2/svc2/tcp/p80 comment "short-circuit local traffic"
        add rule ip kube-proxy endpoint-SGOXE6O3-ns2/svc2/tcp/p80__10.180.0.2/80 ip saddr 10.180.0.2 jump mark-for-masquerade
        add rule ip kube-proxy endpoint-SGOXE6O3-ns2/svc2/tcp/p80__10.180.0.2/80 meta l4proto tcp dnat to 10.180.0.2:80
        add element ip kube-proxy cluster-ips { 172.30.0.42 }
        add element ip kube-proxy service-ips { 172.30.0.42 . tcp . 80 : goto service-42NFTM6N-ns2/svc2/tcp/p80 }
        add element ip kube-proxy service-ips { 192.168.99.22 . tcp . 80 : goto external-42NFTM6N-ns2/svc2/tcp/p80 }
        add element ip kube-proxy service-ips { 1.2.3.4 . tcp . 80 : goto external-42NFTM6N-ns2/svc2/tcp/p80 }
        add element ip kube-proxy service-nodeports { tcp . 3001 : goto external-42NFTM6N-ns2/svc2/tcp/p80 }
        add element ip kube-proxy no-endpoint-nodeports { tcp . 3001 comment "ns2/svc2:p80" : drop }
        add element ip kube-proxy no-endpoint-services { 1.2.3.4 . tcp . 80 comment "ns2/svc2:p80" : drop }
        add element ip kube-proxy no-endpoint-services { 192.168.99.22 . tcp . 80 comment "ns2/svc2:p80" : drop }
        add rule ip kube-proxy service-4AT6LBPK-ns3/svc3/tcp/p80 ip daddr 172.30.0.43 ip saddr != 10.0.0.0/8 jump mark-for-masquerade
        add rule ip kube-proxy service-4AT6LBPK-ns3/svc3/tcp/p80 numgen random mod 1 vmap { 0 : goto endpoint-UEIP74TE-ns3/svc3/tcp/p80__10.180.0.3/80 }
        add rule ip kube-proxy external-4AT6LBPK-ns3/svc3/tcp/p80 jump mark-for-masquerade
        add rule ip kube-proxy external-4AT6LBPK-ns3/svc3/tcp/p80 goto service-4AT6LBPK-ns3/svc3/tcp/p80
        add rule ip kube-proxy endpoint-UEIP74TE-ns3/svc3/tcp/p80__10.180.0.3/80 ip saddr 10.180.0.3 jump mark-for-masquerade
        add rule ip kube-proxy endpoint-UEIP74TE-ns3/svc3/tcp/p80__10.180.0.3/80 meta l4proto tcp dnat to 10.180.0.3:80
        add element ip kube-proxy cluster-ips { 172.30.0.43 }
        add element ip kube-proxy service-ips { 172.30.0.43 . tcp . 80 : goto service-4AT6LBPK-ns3/svc3/tcp/p80 }
        add element ip kube-proxy service-nodeports { tcp . 3003 : goto external-4AT6LBPK-ns3/svc3/tcp/p80 }
        add rule ip kube-proxy service-LAUZTJTB-ns4/svc4/tcp/p80 ip daddr 172.30.0.44 ip saddr != 10.0.0.0/8 jump mark-for-masquerade
        add rule ip kube-proxy service-LAUZTJTB-ns4/svc4/tcp/p80 numgen random mod 2 vmap { 0 : goto endpoint-UNZV3OEC-ns4/svc4/tcp/p80__10.180.0.4/80 , 1 : goto endpoint-5RFCDDV7-ns4/svc4/tcp/p80__10.180.0.5/80 }
        add rule ip kube-proxy external-LAUZTJTB-ns4/svc4/tcp/p80 jump mark-for-masquerade
        add rule ip kube-proxy external-LAUZTJTB-ns4/svc4/tcp/p80 goto service-LAUZTJTB-ns4/svc4/tcp/p80
        add rule ip kube-proxy endpoint-5RFCDDV7-ns4/svc4/tcp/p80__10.180.0.5/80 ip saddr 10.180.0.5 jump mark-for-masquerade
        add rule ip kube-proxy endpoint-5RFCDDV7-ns4/svc4/tcp/p80__10.180.0.5/80 meta l4proto tcp dnat to 10.180.0.5:80
        add rule ip kube-proxy endpoint-UNZV3OEC-ns4/svc4/tcp/p80__10.180.0.4/80 ip saddr 10.180.0.4 jump mark-for-masquerade
        add rule ip kube-proxy endpoint-UNZV3OEC-ns4/svc4/tcp/p80__10.180.0.4/80 meta l4proto tcp dnat to 10.180.0.4:80
        add element ip kube-proxy cluster-ips { 172.30.0.44 }
        add element ip kube-proxy service-ips { 172.30.0.44 . tcp . 80 : goto service-LAUZTJTB-ns4/svc4/tcp/p80 }
        add element ip kube-proxy service-ips { 192.168.99.33 . tcp . 80 : goto external-LAUZTJTB-ns4/svc4/tcp/p80 }
        add set ip kube-proxy affinity-GTK6MW7G-ns5/svc5/tcp/p80__10.180.0.3/80 { type ipv4_addr ; flags dynamic,timeout ; timeout 10800s ; }
        add rule ip kube-proxy service-HVFWP5L3-ns5/svc5/tcp/p80 ip daddr 172.30.0.45 ip saddr != 10.0.0.0/8 jump mark-for-masquerade
        add rule ip kube-proxy service-HVFWP5L3-ns5/svc5/tcp/p80 ip saddr @affinity-GTK6MW7G-ns5/svc5/tcp/p80__10.180.0.3/80 goto endpoint-GTK6MW7G-ns5/svc5/tcp/p80__10.180.0.3/80
        add rule ip kube-proxy service-HVFWP5L3-ns5/svc5/tcp/p80 numgen random mod 1 vmap { 0 : goto endpoint-GTK6MW7G-ns5/svc5/tcp/p80__10.180.0.3/80 }
        add rule ip kube-proxy external-HVFWP5L3-ns5/svc5/tcp/p80 jump mark-for-masquerade
        add rule ip kube-proxy external-HVFWP5L3-ns5/svc5/tcp/p80 goto service-HVFWP5L3-ns5/svc5/tcp/p80
        add rule ip kube-proxy endpoint-GTK6MW7G-ns5/svc5/tcp/p80__10.180.0.3/80 ip saddr 10.180.0.3 jump mark-for-masquerade
        add rule ip kube-proxy endpoint-GTK6MW7G-ns5/svc5/tcp/p80__10.180.0.3/80 update @affinity-GTK6MW7G-ns5/svc5/tcp/p80__10.180.0.3/80 { ip saddr }
        add rule ip kube-proxy endpoint-GTK6MW7G-ns5/svc5/tcp/p80__10.180.0.3/80 meta l4proto tcp dnat to 10.180.0.3:80
        add rule ip kube-proxy firewall-HVFWP5L3-ns5/svc5/tcp/p80 ip saddr != { 203.0.113.0/25 } drop
        add element ip kube-proxy cluster-ips { 172.30.0.45 }
        add element ip kube-proxy service-ips { 172.30.0.45 . tcp . 80 : goto service-HVFWP5L3-ns5/svc5/tcp/p80 }
        add element ip kube-proxy service-ips { 5.6.7.8 . tcp . 80 : goto external-HVFWP5L3-ns5/svc5/tcp/p80 }
        add element ip kube-proxy service-nodeports { tcp . 3002 : goto external-HVFWP5L3-ns5/svc5/tcp/p80 }
        add element ip kube-proxy firewall-ips { 5.6.7.8 . tcp . 80 : goto firewall-HVFWP5L3-ns5/svc5/tcp/p80 }
        add element ip kube-proxy cluster-ips { 172.30.0.46 }
        add element ip kube-proxy no-endpoint-services { 172.30.0.46 . tcp . 80 comment "ns6/svc6:p80" : goto reject-chain }
        "#,
    );
    let mut g: Vec<&str> = got.lines().collect();
    let mut e: Vec<&str> = expected.lines().collect();
    g.sort_unstable();
    e.sort_unstable();
    let missing: Vec<&&str> = e.iter().filter(|l| !g.contains(l)).collect();
    let extra: Vec<&&str> = g.iter().filter(|l| !e.contains(l)).collect();
    assert!(
        missing.is_empty() && extra.is_empty(),
        "missing {missing:#?}\nextra {extra:#?}"
    );
    // Within one chain, rule order is kube-proxy's.
    let svc5: Vec<&str> = got
        .lines()
        .filter(|l| l.starts_with("add rule ip kube-proxy service-HVFWP5L3"))
        .collect();
    assert!(svc5[1].contains("@affinity-") && svc5[2].contains("numgen"));
}

#[test]
fn nft_list_rendering() {
    let (services, slices) = three_endpoint_clusterip();
    let rules = rules_from_view(kind_view(&services, &slices), ProxyMode::Nftables);
    let out = render(&rules);
    assert!(out.starts_with("table ip kube-proxy {\n\tcomment \"rules for kube-proxy\"\n"));
    for line in [
        "\t\ttype nat hook prerouting priority dstnat; policy accept;",
        "\t\ttype filter hook prerouting priority dstnat - 10; policy accept;",
        "\t\ttype nat hook postrouting priority srcnat; policy accept;",
        "\t\tmeta mark set meta mark | 0x00004000",
        "\t\tmeta mark & 0x00004000 == 0x00000000 return",
        "\t\telements = { 172.30.0.41 }",
        "\t\telements = { 172.30.0.41 . tcp . 80 : goto service-ULMVA6XW-ns1/svc1/tcp/p80 }",
        "\tchain service-ULMVA6XW-ns1/svc1/tcp/p80 {",
        "\t\tip daddr 172.30.0.41 ip saddr != 10.244.0.0/16 jump mark-for-masquerade",
    ] {
        assert!(out.contains(line), "missing {line:?}\n{out}");
    }
    assert!(out.contains("numgen random mod 3 vmap { 0 : goto endpoint-"));
    assert!(out.ends_with("}\n"));
}

// ---------------------------------------------------------------------------------------
// IPVS
// ---------------------------------------------------------------------------------------

#[test]
fn golden_ipvsadm() {
    let (mut services, slices) = three_endpoint_clusterip();
    services.push(svc("default", "web", |s| {
        s.spec.type_ = "NodePort".into();
        s.spec.cluster_ip = "10.96.12.7".into();
        s.spec.ports = vec![port("", 80, 30080)];
        s.spec.session_affinity = "ClientIP".into();
    }));
    let mut web = slice(
        "default",
        "web",
        vec![ep("10.244.1.3", Some("kind-worker"))],
        "",
        8080,
    );
    web.metadata.name = "web-xyz".into();
    let mut all = slices;
    all.push(web);
    let rules = rules_from_view(kind_view(&services, &all), ProxyMode::Ipvs);
    let expected = concat!(
        "IP Virtual Server version 1.2.1 (size=4096)\n",
        "Prot LocalAddress:Port Scheduler Flags\n",
        "  -> RemoteAddress:Port           Forward Weight ActiveConn InActConn\n",
        "TCP  10.96.12.7:80 rr persistent 10800\n",
        "  -> 10.244.1.3:8080              Masq    1      0          0\n",
        "TCP  172.18.0.3:30080 rr persistent 10800\n",
        "  -> 10.244.1.3:8080              Masq    1      0          0\n",
        "TCP  172.30.0.41:80 rr\n",
        "  -> 10.180.0.1:80                Masq    1      0          0\n",
        "  -> 10.180.0.2:80                Masq    1      0          0\n",
        "  -> 10.180.2.1:80                Masq    1      0          0\n",
    );
    assert_eq!(render(&rules), expected);
    let ipvs = rules.ipvs.as_ref().unwrap();
    assert_eq!(
        ipvs.dummy_addresses,
        vec![
            "10.96.12.7".parse::<Ipv4Addr>().unwrap(),
            "172.30.0.41".parse().unwrap()
        ]
    );
    let cip = ipvs.ipset("KUBE-CLUSTER-IP").unwrap();
    assert_eq!(cip.entries, ["10.96.12.7,tcp:80", "172.30.0.41,tcp:80"]);
    assert_eq!(ipvs.ipset("KUBE-NODE-PORT-TCP").unwrap().entries, ["30080"]);
    let save = render_iptables_save(&rules);
    assert!(save.contains(r#"-A KUBE-SERVICES ! -s 10.244.0.0/16 -m comment --comment "Kubernetes service cluster ip + port for masquerade purpose" -m set --match-set KUBE-CLUSTER-IP dst,dst -j KUBE-MARK-MASQ"#), "{save}");
    assert!(save.contains(r#"-A KUBE-NODE-PORT -p tcp -m comment --comment "Kubernetes nodeport TCP port for masquerade purpose" -m set --match-set KUBE-NODE-PORT-TCP dst -j KUBE-MARK-MASQ"#));
}

/// Issue 13, item 5: IPVS mode's filter table as `writeIptablesRules` writes it
/// (`pkg/proxy/ipvs/proxier.go`): the chains of `TestCreateAndLinkKubeChain` (printed as
/// iptables-save sorts user chains), the jumps from the built-in chains (prepended, so in
/// reverse order), the always-written rules, and
/// `KUBE-IPVS-FILTER` refusing new connections to kube-ipvs0's addresses on other ports.
#[test]
fn golden_ipvs_filter_table() {
    let (services, slices) = three_endpoint_clusterip();
    let rules = rules_from_view(kind_view(&services, &slices), ProxyMode::Ipvs);
    let save = render_iptables_save(&rules);
    let filter: Vec<&str> = save
        .split("*filter\n")
        .nth(1)
        .unwrap()
        .lines()
        .take_while(|l| *l != "COMMIT")
        .collect();
    assert_eq!(
        filter,
        [
            ":INPUT ACCEPT [0:0]",
            ":FORWARD ACCEPT [0:0]",
            ":OUTPUT ACCEPT [0:0]",
            ":KUBE-FIREWALL - [0:0]",
            ":KUBE-FORWARD - [0:0]",
            ":KUBE-IPVS-FILTER - [0:0]",
            ":KUBE-IPVS-OUT-FILTER - [0:0]",
            ":KUBE-NODE-PORT - [0:0]",
            ":KUBE-PROXY-FIREWALL - [0:0]",
            ":KUBE-SOURCE-RANGES-FIREWALL - [0:0]",
            r#"-A INPUT -m comment --comment "kubernetes ipvs access filter" -j KUBE-IPVS-FILTER"#,
            r#"-A INPUT -m comment --comment "kube-proxy firewall rules" -j KUBE-PROXY-FIREWALL"#,
            r#"-A INPUT -m comment --comment "kubernetes health check rules" -j KUBE-NODE-PORT"#,
            "-A INPUT -j KUBE-FIREWALL",
            r#"-A FORWARD -m comment --comment "kube-proxy firewall rules" -j KUBE-PROXY-FIREWALL"#,
            r#"-A FORWARD -m comment --comment "kubernetes forwarding rules" -j KUBE-FORWARD"#,
            r#"-A OUTPUT -m comment --comment "kubernetes ipvs access filter" -j KUBE-IPVS-OUT-FILTER"#,
            "-A OUTPUT -j KUBE-FIREWALL",
            r#"-A KUBE-FIREWALL ! -s 127.0.0.0/8 -d 127.0.0.0/8 -m comment --comment "block incoming localnet connections" -m conntrack ! --ctstate RELATED,ESTABLISHED,DNAT -j DROP"#,
            r#"-A KUBE-FORWARD -m comment --comment "kubernetes forwarding rules" -m mark --mark 0x4000/0x4000 -j ACCEPT"#,
            r#"-A KUBE-FORWARD -m comment --comment "kubernetes forwarding conntrack rule" -m conntrack --ctstate RELATED,ESTABLISHED -j ACCEPT"#,
            "-A KUBE-IPVS-FILTER -m set --match-set KUBE-LOAD-BALANCER dst,dst -j RETURN",
            "-A KUBE-IPVS-FILTER -m set --match-set KUBE-CLUSTER-IP dst,dst -j RETURN",
            "-A KUBE-IPVS-FILTER -m set --match-set KUBE-EXTERNAL-IP dst,dst -j RETURN",
            "-A KUBE-IPVS-FILTER -m set --match-set KUBE-EXTERNAL-IP-LOCAL dst,dst -j RETURN",
            "-A KUBE-IPVS-FILTER -m set --match-set KUBE-HEALTH-CHECK-NODE-PORT dst -j RETURN",
            "-A KUBE-IPVS-FILTER -m conntrack --ctstate NEW -m set --match-set KUBE-IPVS-IPS dst -j REJECT --reject-with icmp-port-unreachable",
            r#"-A KUBE-NODE-PORT -m comment --comment "Kubernetes health check node port" -m set --match-set KUBE-HEALTH-CHECK-NODE-PORT dst -j ACCEPT"#,
            "-A KUBE-SOURCE-RANGES-FIREWALL -j DROP",
        ]
    );
    let ipvs = rules.ipvs.as_ref().unwrap();
    assert_eq!(
        ipvs.ipset("KUBE-IPVS-IPS").unwrap().entries,
        ["172.30.0.41"]
    );
    assert_eq!(ipvs.ipset("KUBE-IPVS-IPS").unwrap().type_, "hash:ip");
    // The nat table dismisses localhost first and ends with the ACCEPT of IPVS traffic.
    assert!(
        save.contains("-A KUBE-SERVICES -s 127.0.0.0/8 -j RETURN\n"),
        "{save}"
    );
    assert!(
        save.contains("-A KUBE-LOAD-BALANCER -j KUBE-MARK-MASQ\n"),
        "{save}"
    );
    assert!(
        save.contains("-A KUBE-SERVICES -m set --match-set KUBE-CLUSTER-IP dst,dst -j ACCEPT\n"),
        "{save}"
    );
}

/// Issue 13, item 5: a new connection to a ClusterIP on a port its Service does not define
/// is refused by `KUBE-IPVS-FILTER` (the address is local, on kube-ipvs0); on a defined port
/// it passes the filter and IPVS forwards it.
#[test]
fn eval_ipvs_filter_rejects_undefined_ports_of_a_service_address() {
    let (services, slices) = three_endpoint_clusterip();
    let rules = rules_from_view(kind_view(&services, &slices), ProxyMode::Ipvs);
    let v = evaluate(
        &rules,
        &pkt("10.244.1.5", "172.30.0.41", 8080),
        Hook::PreRouting,
        &mut |_| 0,
        &no_affinity,
    );
    assert_eq!(v.outcome, Outcome::Reject);
    let last = v.steps.last().unwrap();
    assert_eq!(
        (last.table.as_str(), last.chain.as_str()),
        ("filter", "KUBE-IPVS-FILTER")
    );
    assert!(
        last.text.ends_with(
            "--match-set KUBE-IPVS-IPS dst -j REJECT --reject-with icmp-port-unreachable"
        ),
        "{}",
        last.text
    );
    let ok = evaluate(
        &rules,
        &pkt("10.244.1.5", "172.30.0.41", 80),
        Hook::PreRouting,
        &mut |_| 0,
        &no_affinity,
    );
    assert!(dnat_target(&ok).is_some(), "{ok:?}");
}

// ---------------------------------------------------------------------------------------
// Evaluation
// ---------------------------------------------------------------------------------------

fn pkt(src: &str, dst: &str, dport: u16) -> PacketView {
    PacketView {
        src: src.parse().unwrap(),
        dst: dst.parse().unwrap(),
        protocol: Protocol::Tcp,
        src_port: 40000,
        dst_port: dport,
        src_local: false,
        dst_local: false,
        mark: 0,
    }
}

fn no_affinity(_: &str, _: Ipv4Addr) -> bool {
    false
}

fn dnat_target(v: &Verdict) -> Option<(String, bool)> {
    match &v.outcome {
        Outcome::Dnat {
            ip,
            port,
            masquerade,
        } => Some((format!("{ip}:{port}"), *masquerade)),
        _ => None,
    }
}

#[test]
fn eval_clusterip_cascade_maps_choice_to_rule() {
    let (services, slices) = three_endpoint_clusterip();
    for mode in [ProxyMode::Iptables, ProxyMode::Nftables, ProxyMode::Ipvs] {
        let rules = rules_from_view(kind_view(&services, &slices), mode);
        for (k, want) in ["10.180.0.1:80", "10.180.0.2:80", "10.180.2.1:80"]
            .iter()
            .enumerate()
        {
            let mut choose = |n: u32| {
                assert_eq!(n, 3, "{mode:?}: one uniform choice among 3");
                k as u32
            };
            let v = evaluate(
                &rules,
                &pkt("10.244.1.5", "172.30.0.41", 80),
                Hook::PreRouting,
                &mut choose,
                &no_affinity,
            );
            assert_eq!(
                dnat_target(&v),
                Some((want.to_string(), false)),
                "{mode:?} {v:#?}"
            );
            assert_eq!(v.lb.len(), 1);
            assert_eq!(v.lb[0].chosen, k as u32);
        }
    }
    // The iptables step texts are the exact iptables-save lines.
    let rules = rules_from_view(kind_view(&services, &slices), ProxyMode::Iptables);
    let save = render(&rules);
    let v = evaluate(
        &rules,
        &pkt("10.244.1.5", "172.30.0.41", 80),
        Hook::PreRouting,
        &mut |_| 1,
        &no_affinity,
    );
    assert!(v.steps.iter().all(|s| save.lines().any(|l| l == s.text)));
    assert!(v
        .steps
        .iter()
        .any(|s| s.text.contains("--probability 0.50000000000")));
    assert_eq!(v.lb[0].probability, "0.50000000000");
}

#[test]
fn eval_distribution_matches_probabilities() {
    let (services, slices) = three_endpoint_clusterip();
    let rules = rules_from_view(kind_view(&services, &slices), ProxyMode::Iptables);
    let mut rng = Rng::new(42);
    let mut counts = std::collections::BTreeMap::new();
    let trials = 3000;
    for _ in 0..trials {
        let v = evaluate(
            &rules,
            &pkt("10.244.1.5", "172.30.0.41", 80),
            Hook::PreRouting,
            &mut |n| rng.below(u64::from(n)) as u32,
            &no_affinity,
        );
        *counts.entry(dnat_target(&v).unwrap().0).or_insert(0u32) += 1;
    }
    assert_eq!(counts.len(), 3);
    for (ep, c) in counts {
        let share = f64::from(c) / f64::from(trials);
        assert!((share - 1.0 / 3.0).abs() < 0.04, "{ep}: {share}");
    }
}

#[test]
fn eval_nodeport_masquerade_cluster_vs_local() {
    let (services, mut slices) = overall_inputs(false);
    let node_ip = "192.168.0.2";
    let mut external = pkt("203.0.113.200", node_ip, 3003);
    external.dst_local = true;
    for mode in [ProxyMode::Iptables, ProxyMode::Nftables, ProxyMode::Ipvs] {
        // Cluster policy (ns3/svc3): SNAT so replies come back through this node.
        let rules = rules_from_view(view_of(&services, &slices), mode);
        let v = evaluate(
            &rules,
            &external,
            Hook::PreRouting,
            &mut |_| 0,
            &no_affinity,
        );
        assert_eq!(
            dnat_target(&v),
            Some(("10.180.0.3:80".into(), true)),
            "{mode:?} {v:#?}"
        );
        // Local policy without local endpoints (ns2/svc2): dropped.
        let mut to_local = external.clone();
        to_local.dst_port = 3001;
        let v = evaluate(
            &rules,
            &to_local,
            Hook::PreRouting,
            &mut |_| 0,
            &no_affinity,
        );
        if mode != ProxyMode::Ipvs {
            assert_eq!(v.outcome, Outcome::Drop, "{mode:?} {v:#?}");
        }
    }
    // Local policy with a local endpoint: client source IP preserved (no masquerade).
    slices[1] = slice(
        "ns2",
        "svc2",
        vec![ep("10.180.0.2", Some(TEST_NODE))],
        "p80",
        80,
    );
    let mut to_local = external.clone();
    to_local.dst_port = 3001;
    for mode in [ProxyMode::Iptables, ProxyMode::Nftables, ProxyMode::Ipvs] {
        let rules = rules_from_view(view_of(&services, &slices), mode);
        let v = evaluate(
            &rules,
            &to_local,
            Hook::PreRouting,
            &mut |_| 0,
            &no_affinity,
        );
        assert_eq!(
            dnat_target(&v),
            Some(("10.180.0.2:80".into(), false)),
            "{mode:?} {v:#?}"
        );
    }
}

#[test]
fn eval_no_endpoints_rejects() {
    let (services, slices) = overall_inputs(false);
    for mode in [ProxyMode::Iptables, ProxyMode::Nftables, ProxyMode::Ipvs] {
        let rules = rules_from_view(view_of(&services, &slices), mode);
        for hook in [Hook::PreRouting, Hook::Output] {
            let mut p = pkt("10.0.0.2", "172.30.0.46", 80);
            p.src_local = hook == Hook::Output;
            let v = evaluate(&rules, &p, hook, &mut |_| 0, &no_affinity);
            assert_eq!(v.outcome, Outcome::Reject, "{mode:?} {hook:?} {v:#?}");
        }
    }
    // iptables: the REJECT is the filter KUBE-SERVICES rule, as iptables-save prints it.
    let rules = rules_from_view(view_of(&services, &slices), ProxyMode::Iptables);
    let v = evaluate(
        &rules,
        &pkt("10.0.0.2", "172.30.0.46", 80),
        Hook::PreRouting,
        &mut |_| 0,
        &no_affinity,
    );
    let last = v.steps.last().unwrap();
    assert_eq!(last.table, "filter");
    assert_eq!(
        last.text,
        r#"-A KUBE-SERVICES -d 172.30.0.46/32 -p tcp -m comment --comment "ns6/svc6:p80 has no endpoints" -m tcp --dport 80 -j REJECT --reject-with icmp-port-unreachable"#
    );
}

#[test]
fn eval_affinity_and_hairpin_and_firewall() {
    let (mut services, slices) = three_endpoint_clusterip();
    services[0].spec.session_affinity = "ClientIP".into();
    let rules = rules_from_view(kind_view(&services, &slices), ProxyMode::Iptables);
    let sticky = |name: &str, _: Ipv4Addr| name == "KUBE-SEP-LXVODXWDISEETFEF";
    let v = evaluate(
        &rules,
        &pkt("10.244.1.5", "172.30.0.41", 80),
        Hook::PreRouting,
        &mut |_| 0,
        &sticky,
    );
    assert_eq!(dnat_target(&v), Some(("10.180.0.2:80".into(), false)));
    assert_eq!(v.affinity_hits, ["KUBE-SEP-LXVODXWDISEETFEF"]);
    assert_eq!(v.affinity_updates, ["KUBE-SEP-LXVODXWDISEETFEF"]);
    assert!(v.lb.is_empty());
    // Hairpin: the endpoint itself calling its Service is masqueraded.
    let v = evaluate(
        &rules,
        &pkt("10.180.0.1", "172.30.0.41", 80),
        Hook::PreRouting,
        &mut |_| 0,
        &no_affinity,
    );
    assert_eq!(dnat_target(&v), Some(("10.180.0.1:80".into(), true)));
    // Off-cluster source to the ClusterIP is masqueraded (`! -s 10.244.0.0/16`).
    let v = evaluate(
        &rules,
        &pkt("172.18.0.1", "172.30.0.41", 80),
        Hook::PreRouting,
        &mut |_| 2,
        &no_affinity,
    );
    assert_eq!(dnat_target(&v), Some(("10.180.2.1:80".into(), true)));
    // loadBalancerSourceRanges: blocked source is dropped by KUBE-PROXY-FIREWALL.
    let (services, slices) = overall_inputs(false);
    for mode in [ProxyMode::Iptables, ProxyMode::Nftables] {
        let rules = rules_from_view(view_of(&services, &slices), mode);
        let v = evaluate(
            &rules,
            &pkt("198.51.100.1", "5.6.7.8", 80),
            Hook::PreRouting,
            &mut |_| 0,
            &no_affinity,
        );
        assert_eq!(v.outcome, Outcome::Drop, "{mode:?} {v:#?}");
        let v = evaluate(
            &rules,
            &pkt("203.0.113.9", "5.6.7.8", 80),
            Hook::PreRouting,
            &mut |_| 0,
            &no_affinity,
        );
        assert_eq!(
            dnat_target(&v),
            Some(("10.180.0.3:80".into(), true)),
            "{mode:?}"
        );
    }
}

#[test]
fn eval_ipvs_round_robin_and_persistence() {
    let (mut services, slices) = three_endpoint_clusterip();
    let rules = rules_from_view(kind_view(&services, &slices), ProxyMode::Ipvs);
    let mut state = IpvsState::default();
    let mut seen = Vec::new();
    for _ in 0..4 {
        let v = evaluate_stateful(
            &rules,
            &pkt("10.244.1.5", "172.30.0.41", 80),
            Hook::PreRouting,
            &mut |_| 0,
            &no_affinity,
            &mut state,
        );
        seen.push(dnat_target(&v).unwrap().0);
        assert!(v.steps.iter().any(|s| s.text == "TCP  172.30.0.41:80 rr"));
    }
    assert_eq!(
        seen,
        [
            "10.180.0.1:80",
            "10.180.0.2:80",
            "10.180.2.1:80",
            "10.180.0.1:80"
        ]
    );
    services[0].spec.session_affinity = "ClientIP".into();
    let rules = rules_from_view(kind_view(&services, &slices), ProxyMode::Ipvs);
    let mut state = IpvsState::default();
    let first = evaluate_stateful(
        &rules,
        &pkt("10.244.1.5", "172.30.0.41", 80),
        Hook::PreRouting,
        &mut |_| 0,
        &no_affinity,
        &mut state,
    );
    let second = evaluate_stateful(
        &rules,
        &pkt("10.244.1.5", "172.30.0.41", 80),
        Hook::PreRouting,
        &mut |_| 0,
        &no_affinity,
        &mut state,
    );
    assert_eq!(dnat_target(&first), dnat_target(&second));
    assert_eq!(second.affinity_hits.len(), 1);
}

#[test]
fn node_rules_on_a_kind_cluster() {
    let mut c = crate::cluster::Cluster::new(ClusterConfig::default(), 0);
    let (services, slices) = three_endpoint_clusterip();
    for s in services {
        c.store.services.insert(ObjectKey::new("ns1", "svc1"), s);
    }
    for s in slices {
        c.store
            .endpoint_slices
            .insert(ObjectKey::new("ns1", s.metadata.name.clone()), s);
    }
    let node = c.config.nodes[1].name.clone();
    assert_eq!(c.proxy_mode(), ProxyMode::Iptables);
    let mut ipvs = c.clone();
    ipvs.set_proxy_mode(ProxyMode::Ipvs);
    assert_eq!(ipvs.proxy_mode(), ProxyMode::Ipvs);
    assert_eq!(
        node_rules(&ipvs, &node, ipvs.proxy_mode()).unwrap().mode,
        ProxyMode::Ipvs
    );
    let rules = node_rules(&c, &node, ProxyMode::Iptables).unwrap();
    let out = render(&rules);
    assert!(
        out.contains("-A KUBE-SERVICES -d 172.30.0.41/32 -p tcp"),
        "{out}"
    );
    assert!(out.contains("! -s 10.244.0.0/16 -d 172.30.0.41/32"));
    for mode in ["iptables", "nftables", "ipvs"] {
        let m: ProxyMode = mode.parse().unwrap();
        assert_eq!(m.as_str(), mode);
        assert!(!render(&node_rules(&c, &node, m).unwrap()).is_empty());
    }
    assert_eq!(
        node_rules(&c, "nope", ProxyMode::Iptables).unwrap_err(),
        ProxyError::NodeNotFound("nope".into())
    );
    assert!("bpf".parse::<ProxyMode>().is_err());
}

#[test]
fn hostile_inputs_do_not_panic() {
    let services = vec![
        svc("ns", "bad", |s| {
            s.spec.cluster_ip = "999.1.1.1".into();
            s.spec.ports = vec![port("p", 70000, -1)];
        }),
        svc("ns", "odd", |s| {
            s.spec.cluster_ip = "10.96.0.9".into();
            s.spec.ports = vec![
                port("p", 80, 99999),
                ServicePort {
                    protocol: "ICMP".into(),
                    port: 1,
                    ..Default::default()
                },
            ];
            s.spec.load_balancer_source_ranges = vec!["garbage".into()];
            s.spec.external_ips = vec!["::1".into()];
            s.status.load_balancer.ingress = vec![LoadBalancerIngress {
                ip: "x".into(),
                ..Default::default()
            }];
        }),
    ];
    let mut bad = slice(
        "ns",
        "odd",
        vec![Endpoint::default(), ep("zz", None)],
        "p",
        0,
    );
    bad.ports.push(EndpointPort {
        name: None,
        protocol: None,
        port: Some(80),
        app_protocol: None,
    });
    let view = kind_view(&services, &[bad]);
    for mode in [ProxyMode::Iptables, ProxyMode::Nftables, ProxyMode::Ipvs] {
        let rules = rules_from_view(view.clone(), mode);
        let _ = render(&rules);
        let _ = evaluate(
            &rules,
            &pkt("1.1.1.1", "10.96.0.9", 80),
            Hook::Output,
            &mut |_| u32::MAX,
            &no_affinity,
        );
    }
}

/// How a matched rule and a load-balancing choice read in `svcsim trace` and on the page.
#[test]
fn step_and_lb_decision_display() {
    let step = |table: &str, chain: &str, text: &str| Step {
        table: table.into(),
        chain: chain.into(),
        index: 0,
        text: text.into(),
    };
    for (s, want) in [
        // iptables-save lines name their chain: only the table goes in front.
        (
            step(
                "nat",
                "KUBE-SVC-X",
                "-A KUBE-SVC-X -m statistic --mode random --probability 0.33333333349 -j KUBE-SEP-A",
            ),
            "nat: -A KUBE-SVC-X -m statistic --mode random --probability 0.33333333349 -j KUBE-SEP-A",
        ),
        // An IPVS virtual server is its own chain.
        (
            step("ipvs", "TCP  10.96.0.5:80 rr", "TCP  10.96.0.5:80 rr"),
            "ipvs: TCP  10.96.0.5:80 rr",
        ),
        // An IPVS real server and an nft rule do not say where they are.
        (
            step("ipvs", "TCP  10.96.0.5:80 rr", "  -> 10.244.1.2:9376"),
            "ipvs TCP  10.96.0.5:80 rr:   -> 10.244.1.2:9376",
        ),
        (
            step(
                "ip kube-proxy",
                "service-X-ns1/svc1/tcp/p80",
                "numgen random mod 2 vmap { 0 : goto endpoint-A, 1 : goto endpoint-B }",
            ),
            "ip kube-proxy service-X-ns1/svc1/tcp/p80: numgen random mod 2 vmap { 0 : goto endpoint-A, 1 : goto endpoint-B }",
        ),
    ] {
        assert_eq!(s.to_string(), want);
    }
    let lb = LbDecision {
        chain: "KUBE-SVC-X".into(),
        candidates: 3,
        chosen: 1,
        probability: "0.50000000000".into(),
    };
    assert_eq!(
        lb.to_string(),
        "KUBE-SVC-X: endpoint 2 of 3 (p=0.50000000000)"
    );
    let last = LbDecision {
        chosen: u32::MAX,
        probability: "1/4294967295".into(),
        candidates: u32::MAX,
        ..lb
    };
    assert_eq!(
        last.to_string(),
        "KUBE-SVC-X: endpoint 4294967296 of 4294967295 (p=1/4294967295)"
    );
}

// ---------------------------------------------------------------------------------------
// The walk's budget: derived from the rules, never cut short silently
// ---------------------------------------------------------------------------------------

#[test]
fn walk_bound_counts_every_path_and_finds_loops() {
    let names = ["A", "B", "C", "MARK"];
    // A: 3 rules, two jumping to B, one to C; B: 2 rules, one jumping to MARK; C: a rule
    // jumping to MARK; MARK: 1 rule. B = 2 + 1 = 3, C = 1 + 1 = 2, A = (1+3) + (1+3) + (1+2).
    let graph = vec![
        vec![vec![1], vec![1], vec![2]],
        vec![vec![3], vec![]],
        vec![vec![3]],
        vec![vec![]],
    ];
    assert_eq!(WalkBound::of(&names, &graph, &[0]), WalkBound::Steps(11));
    // Two bases add up; a rule with several possible targets (a verdict map) counts its
    // deepest.
    let graph = vec![vec![vec![1, 2]], vec![vec![]], vec![vec![], vec![]]];
    assert_eq!(
        WalkBound::of(&names[..3], &graph, &[0, 1]),
        WalkBound::Steps(1 + 2 + 1)
    );
    // A → B → C → A loops.
    let graph = vec![vec![vec![1]], vec![vec![2]], vec![vec![0]]];
    assert_eq!(
        WalkBound::of(&names[..3], &graph, &[0]),
        WalkBound::Loop("A".into())
    );
}

/// A Service port per entry of `ports` (`p0`, `p1`, … on 10000, 10001, …), each with one
/// endpoint, behind `services` Services `s0`, `s1`… (ClusterIPs from 10.96.0.10).
fn many(services: u32, ports: u32) -> (Vec<Service>, Vec<EndpointSlice>) {
    let mut svcs = Vec::new();
    let mut slices = Vec::new();
    for i in 0..services {
        let name = format!("s{i}");
        let ip = Ipv4Addr::from(u32::from(Ipv4Addr::new(10, 96, 0, 10)) + i);
        svcs.push(svc("default", &name, |s| {
            s.spec.cluster_ip = ip.to_string();
            s.spec.ports = (0..ports)
                .map(|p| port(&format!("p{p}"), 10_000 + p as i32, 0))
                .collect();
        }));
        let mut sl = slice(
            "default",
            &name,
            vec![ep("10.244.1.9", Some("kind-worker"))],
            "p0",
            8080,
        );
        sl.ports = (0..ports)
            .map(|p| EndpointPort {
                name: Some(format!("p{p}")),
                protocol: Some("TCP".into()),
                port: Some(20_000 + p as i32),
                app_protocol: None,
            })
            .collect();
        slices.push(sl);
    }
    (svcs, slices)
}

/// Issue 11: with 10,100 Services every iptables-mode trace failed (the walk stopped at a
/// fixed 10,000 steps, and the packet seemed to pass untouched); the last Service must DNAT.
#[test]
fn a_packet_reaches_the_last_of_10100_services_in_every_mode() {
    let (services, slices) = many(10_100, 1);
    // kube-proxy writes Service ports sorted by name: `default/s9999` comes last.
    let last = Ipv4Addr::from(u32::from(Ipv4Addr::new(10, 96, 0, 10)) + 9_999);
    let view = kind_view(&services, &slices);
    for mode in [ProxyMode::Iptables, ProxyMode::Nftables, ProxyMode::Ipvs] {
        let rules = rules_from_view(view.clone(), mode);
        let v = evaluate(
            &rules,
            &pkt("10.244.1.5", &last.to_string(), 10_000),
            Hook::PreRouting,
            &mut |_| 0,
            &no_affinity,
        );
        assert_eq!(
            dnat_target(&v),
            Some(("10.244.1.9:20000".to_string(), false)),
            "{mode:?}: {:?}",
            v.outcome
        );
    }
}

/// Issue 11: one Service of 10,000 ports, traced on its last port (`p9999`, last by name).
#[test]
fn a_packet_reaches_the_last_of_10000_ports_in_every_mode() {
    let (services, slices) = many(1, 10_000);
    let view = kind_view(&services, &slices);
    for mode in [ProxyMode::Iptables, ProxyMode::Nftables, ProxyMode::Ipvs] {
        let rules = rules_from_view(view.clone(), mode);
        let v = evaluate(
            &rules,
            &pkt("10.244.1.5", "10.96.0.10", 19_999),
            Hook::PreRouting,
            &mut |_| 0,
            &no_affinity,
        );
        assert_eq!(
            dnat_target(&v),
            Some(("10.244.1.9:29999".to_string(), false)),
            "{mode:?}: {:?}",
            v.outcome
        );
    }
}

#[test]
fn a_walk_that_cannot_finish_says_so() {
    let (services, slices) = three_endpoint_clusterip();
    let mut rules = rules_from_view(kind_view(&services, &slices), ProxyMode::Iptables);
    // A loop, which the kernel refuses to load: refused before walking.
    if let Some(t) = rules.iptables.as_mut() {
        let mut chains = t.nat.chains.clone();
        if let Some(c) = chains.iter_mut().find(|c| c.name == "KUBE-MARK-MASQ") {
            c.rules.push(iptables::IptRule {
                matches: Vec::new(),
                target: iptables::IptTarget::Jump {
                    chain: "KUBE-SERVICES".into(),
                },
            });
        }
        t.nat = iptables::IptTable::new("nat", chains);
        assert!(matches!(t.nat.walk_bound, WalkBound::Loop(_)));
    }
    let v = evaluate(
        &rules,
        &pkt("10.244.1.5", "172.30.0.41", 80),
        Hook::PreRouting,
        &mut |_| 0,
        &no_affinity,
    );
    match &v.outcome {
        Outcome::Stopped { reason } => assert!(
            reason.contains("jumps back into itself") && reason.contains("ELOOP"),
            "{reason}"
        ),
        o => panic!("{o:?}"),
    }
    // A budget too small for the table (the computed one never is): the walk stops where it
    // ran out, and says so instead of letting the packet pass untouched.
    let mut rules = rules_from_view(kind_view(&services, &slices), ProxyMode::Iptables);
    if let Some(t) = rules.iptables.as_mut() {
        t.nat.walk_bound = WalkBound::Steps(3);
        t.filter.walk_bound = WalkBound::Steps(0);
    }
    let v = evaluate(
        &rules,
        &pkt("10.244.1.5", "172.30.0.41", 80),
        Hook::PreRouting,
        &mut |_| 0,
        &no_affinity,
    );
    match &v.outcome {
        Outcome::Stopped { reason } => assert!(
            reason.starts_with("rule walk stopped after 3 steps in chain "),
            "{reason}"
        ),
        o => panic!("{o:?}"),
    }
}

#[test]
fn the_computed_budget_covers_every_walk_of_a_real_ruleset() {
    // Every packet of every mode on a kind node, with the budget the table computed: no walk
    // stops, and the steps a verdict lists never exceed it.
    let (services, slices) = overall_inputs(true);
    let view = kind_view(&services, &slices);
    for mode in [ProxyMode::Iptables, ProxyMode::Nftables, ProxyMode::Ipvs] {
        let rules = rules_from_view(view.clone(), mode);
        for svc in &services {
            for p in &svc.spec.ports {
                for hook in [Hook::PreRouting, Hook::Output] {
                    let v = evaluate(
                        &rules,
                        &pkt("10.244.1.5", &svc.spec.cluster_ip, p.port as u16),
                        hook,
                        &mut |_| 0,
                        &no_affinity,
                    );
                    assert!(
                        !matches!(v.outcome, Outcome::Stopped { .. }),
                        "{mode:?} {v:?}"
                    );
                }
            }
        }
    }
}

/// The `-j` target and `--match-set` name of each rule of `chain` in an iptables-save text,
/// nat first then filter: what kube-proxy's IPVS tests compare (`checkIptables`).
fn ipvs_chain_rules(save: &str, chain: &str) -> Vec<(String, String)> {
    let prefix = format!("-A {chain} ");
    let table = |name: &str| {
        save.split(&format!("*{name}\n"))
            .nth(1)
            .and_then(|t| t.split("COMMIT").next())
            .unwrap_or("")
            .to_string()
    };
    let nat_then_filter = format!("{}{}", table("nat"), table("filter"));
    nat_then_filter
        .lines()
        .filter(|l| l.starts_with(&prefix))
        .map(|l| {
            let words: Vec<&str> = l.split_whitespace().collect();
            let after = |flag: &str| {
                words
                    .iter()
                    .position(|w| *w == flag)
                    .and_then(|i| words.get(i + 1))
                    .map_or(String::new(), |w| (*w).to_string())
            };
            (after("-j"), after("--match-set"))
        })
        .collect()
}

fn pairs(list: &[(&str, &str)]) -> Vec<(String, String)> {
    list.iter()
        .map(|(j, s)| ((*j).to_string(), (*s).to_string()))
        .collect()
}

/// `TestLoadBalancerSourceRanges` (`pkg/proxy/ipvs/proxier_test.go`): a LoadBalancer at
/// 1.2.3.4:80 open to 10.0.0.0/8 fills the LB, firewall and source-CIDR sets, and the filter
/// table sends the LB's traffic through KUBE-SOURCE-RANGES-FIREWALL (RETURN for allowed
/// sources, else DROP). The node's own address is outside the range: no source-IP entry.
#[test]
fn ipvs_load_balancer_source_ranges_as_upstream() {
    let services = vec![svc("ns1", "svc1", |s| {
        s.spec.type_ = "LoadBalancer".into();
        s.spec.cluster_ip = "10.20.30.41".into();
        s.spec.ports = vec![port("p80", 80, 0)];
        s.spec.load_balancer_source_ranges = vec!["10.0.0.0/8".into()];
        s.status.load_balancer.ingress = vec![crate::api::core::LoadBalancerIngress {
            ip: "1.2.3.4".into(),
            ..Default::default()
        }];
    })];
    let slices = vec![slice(
        "ns1",
        "svc1",
        vec![ep("10.180.0.1", Some("kind-worker"))],
        "p80",
        80,
    )];
    let rules = rules_from_view(kind_view(&services, &slices), ProxyMode::Ipvs);
    let ipvs = rules.ipvs.as_ref().unwrap();
    let entries = |name: &str| ipvs.ipset(name).unwrap().entries.clone();
    assert_eq!(entries("KUBE-LOAD-BALANCER"), ["1.2.3.4,tcp:80"]);
    assert_eq!(entries("KUBE-LOAD-BALANCER-FW"), ["1.2.3.4,tcp:80"]);
    assert_eq!(
        entries("KUBE-LOAD-BALANCER-SOURCE-CIDR"),
        ["1.2.3.4,tcp:80,10.0.0.0/8"]
    );
    assert!(entries("KUBE-LOAD-BALANCER-SOURCE-IP").is_empty());
    let save = render_iptables_save(&rules);
    assert_eq!(
        ipvs_chain_rules(&save, "KUBE-SERVICES"),
        pairs(&[
            ("RETURN", ""),
            ("KUBE-LOAD-BALANCER", "KUBE-LOAD-BALANCER"),
            ("KUBE-MARK-MASQ", "KUBE-CLUSTER-IP"),
            ("KUBE-NODE-PORT", ""),
            ("ACCEPT", "KUBE-CLUSTER-IP"),
            ("ACCEPT", "KUBE-LOAD-BALANCER"),
        ])
    );
    assert_eq!(
        ipvs_chain_rules(&save, "KUBE-PROXY-FIREWALL"),
        pairs(&[("KUBE-SOURCE-RANGES-FIREWALL", "KUBE-LOAD-BALANCER-FW")])
    );
    assert_eq!(
        ipvs_chain_rules(&save, "KUBE-SOURCE-RANGES-FIREWALL"),
        pairs(&[("RETURN", "KUBE-LOAD-BALANCER-SOURCE-CIDR"), ("DROP", "")])
    );
    assert!(save.contains(r#"-A KUBE-SOURCE-RANGES-FIREWALL -m comment --comment "Kubernetes service load balancer ip + port + source cidr for packet filter purpose" -m set --match-set KUBE-LOAD-BALANCER-SOURCE-CIDR dst,dst,src -j RETURN"#), "{save}");
    // The node (172.18.0.3) is outside 10.0.0.0/8: it may not reach the LB through its own
    // kube-ipvs0 address (`lbNoNodeAccessIPPortProtocolEntries`), as libxt_ipvs saves it.
    assert!(
        save.contains("-A KUBE-IPVS-OUT-FILTER -s 1.2.3.4/32 -m ipvs --vproto 6 --vaddr 1.2.3.4/32 --vport 80 -j DROP\n"),
        "{save}"
    );
    assert!(
        iptables::render_restore(&rules.ipvs.as_ref().unwrap().iptables).contains("-A KUBE-IPVS-OUT-FILTER -s 1.2.3.4 -m ipvs --vaddr 1.2.3.4 --vproto tcp --vport 80 -j DROP\n"),
        "kube-proxy's own spelling"
    );
    // A range holding the node instead: a source-IP entry (the LB address twice), no DROP.
    let mut open = services.clone();
    open[0].spec.load_balancer_source_ranges = vec!["172.18.0.0/16".into()];
    let rules = rules_from_view(kind_view(&open, &slices), ProxyMode::Ipvs);
    let ipvs = rules.ipvs.as_ref().unwrap();
    assert_eq!(
        ipvs.ipset("KUBE-LOAD-BALANCER-SOURCE-IP").unwrap().entries,
        ["1.2.3.4,tcp:80,1.2.3.4"]
    );
    assert!(!render_iptables_save(&rules).contains("-A KUBE-IPVS-OUT-FILTER"));
}

/// `TestAcceptIPVSTraffic`: KUBE-SERVICES with an external IP, a LoadBalancer and a NodePort,
/// in kube-proxy's order — masquerade for external IPs, then the two ACCEPTs (traffic not
/// bridged from a local source, traffic to a local address) before the NodePort jump.
#[test]
fn ipvs_accept_traffic_order_as_upstream() {
    let services = vec![
        svc("ns1", "svc1", |s| {
            s.spec.cluster_ip = "10.20.30.40".into();
            s.spec.ports = vec![port("p80", 80, 0)];
            s.spec.external_ips = vec!["5.6.7.8".into()];
        }),
        svc("ns1", "svc2", |s| {
            s.spec.type_ = "LoadBalancer".into();
            s.spec.cluster_ip = "10.20.30.41".into();
            s.spec.ports = vec![port("p80", 80, 30080)];
            s.status.load_balancer.ingress = vec![crate::api::core::LoadBalancerIngress {
                ip: "1.2.3.4".into(),
                ..Default::default()
            }];
        }),
        svc("ns1", "svc3", |s| {
            s.spec.type_ = "NodePort".into();
            s.spec.cluster_ip = "10.20.30.42".into();
            s.spec.ports = vec![port("p80", 80, 30081)];
        }),
    ];
    let slices: Vec<EndpointSlice> = ["svc1", "svc2", "svc3"]
        .iter()
        .map(|n| {
            slice(
                "ns1",
                n,
                vec![ep("10.180.0.1", Some("kind-worker"))],
                "p80",
                80,
            )
        })
        .collect();
    let rules = rules_from_view(kind_view(&services, &slices), ProxyMode::Ipvs);
    let save = render_iptables_save(&rules);
    assert_eq!(
        ipvs_chain_rules(&save, "KUBE-SERVICES"),
        pairs(&[
            ("RETURN", ""),
            ("KUBE-LOAD-BALANCER", "KUBE-LOAD-BALANCER"),
            ("KUBE-MARK-MASQ", "KUBE-CLUSTER-IP"),
            ("KUBE-MARK-MASQ", "KUBE-EXTERNAL-IP"),
            ("ACCEPT", "KUBE-EXTERNAL-IP"),
            ("ACCEPT", "KUBE-EXTERNAL-IP"),
            ("KUBE-NODE-PORT", ""),
            ("ACCEPT", "KUBE-CLUSTER-IP"),
            ("ACCEPT", "KUBE-LOAD-BALANCER"),
        ])
    );
    let c = "Kubernetes service external ip + port for masquerade and filter purpose";
    for line in [
        format!(
            r#"-A KUBE-SERVICES -m comment --comment "{c}" -m set --match-set KUBE-EXTERNAL-IP dst,dst -j KUBE-MARK-MASQ"#
        ),
        format!(
            r#"-A KUBE-SERVICES -m comment --comment "{c}" -m set --match-set KUBE-EXTERNAL-IP dst,dst -m physdev ! --physdev-is-in -m addrtype ! --src-type LOCAL -j ACCEPT"#
        ),
        format!(
            r#"-A KUBE-SERVICES -m comment --comment "{c}" -m set --match-set KUBE-EXTERNAL-IP dst,dst -m addrtype --dst-type LOCAL -j ACCEPT"#
        ),
    ] {
        assert!(save.contains(&line), "missing {line}\n{save}");
    }
    let ipvs = rules.ipvs.as_ref().unwrap();
    assert_eq!(
        ipvs.ipset("KUBE-EXTERNAL-IP").unwrap().entries,
        ["5.6.7.8,tcp:80"]
    );
}

/// `TestNodePortIPv4`, "node port service with protocol sctp and externalTrafficPolicy local":
/// an SCTP NodePort is a hash:ip,port entry per node address in both SCTP sets, and
/// KUBE-NODE-PORT RETURNs local-policy traffic before masquerading the rest, then accepts
/// health checks (filter table).
#[test]
fn ipvs_sctp_node_port_local_as_upstream() {
    let services = vec![svc("ns1", "svc1", |s| {
        s.spec.type_ = "NodePort".into();
        s.spec.cluster_ip = "10.20.30.41".into();
        s.spec.external_traffic_policy = "Local".into();
        s.spec.ports = vec![ServicePort {
            protocol: "SCTP".into(),
            ..port("p80", 80, 3001)
        }];
    })];
    let mut s = slice(
        "ns1",
        "svc1",
        vec![
            ep("10.180.0.1", Some("kind-worker")),
            ep("10.180.1.1", Some("other-node")),
        ],
        "p80",
        80,
    );
    s.ports[0].protocol = Some("SCTP".into());
    let rules = rules_from_view(kind_view(&services, &[s]), ProxyMode::Ipvs);
    let ipvs = rules.ipvs.as_ref().unwrap();
    for set in ["KUBE-NODE-PORT-SCTP-HASH", "KUBE-NODE-PORT-LOCAL-SCTP-HASH"] {
        assert_eq!(
            ipvs.ipset(set).unwrap().entries,
            ["172.18.0.3,sctp:3001"],
            "{set}"
        );
        assert_eq!(ipvs.ipset(set).unwrap().type_, "hash:ip,port", "{set}");
    }
    let save = render_iptables_save(&rules);
    assert_eq!(
        ipvs_chain_rules(&save, "KUBE-NODE-PORT"),
        pairs(&[
            ("RETURN", "KUBE-NODE-PORT-LOCAL-SCTP-HASH"),
            ("KUBE-MARK-MASQ", "KUBE-NODE-PORT-SCTP-HASH"),
            ("ACCEPT", "KUBE-HEALTH-CHECK-NODE-PORT"),
        ])
    );
    // (iptables-save escapes the comment's single quotes: `xtables_save_string`.)
    assert!(save.contains(r#"-A KUBE-NODE-PORT -p sctp -m comment --comment "Kubernetes nodeport SCTP port with externalTrafficPolicy=local with type \'hash ip:port\'" -m set --match-set KUBE-NODE-PORT-LOCAL-SCTP-HASH dst,dst -j RETURN"#), "{save}");
}
