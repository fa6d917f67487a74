//! End-to-end DNS behaviour against a store filled by hand (the controllers that would create
//! these objects are tested elsewhere): CoreDNS answers for every record type and every
//! NXDOMAIN/NODATA rule, and pods resolving names through their resolv.conf.

use super::*;
use crate::api::core::{Namespace, Pod, Service, ServicePort};
use crate::api::discovery::{
    Endpoint, EndpointConditions, EndpointPort, EndpointSlice, SERVICE_NAME_LABEL,
};
use crate::cluster::{Cluster, ObjectKey};
use crate::config::ClusterConfig;
use crate::sim::Rng;
use std::net::Ipv4Addr;

fn cluster() -> Cluster {
    let mut c = Cluster::new(ClusterConfig::default(), 0);
    for ns in ["default", "kube-system", "prod"] {
        let mut n = Namespace::default();
        n.metadata.name = ns.into();
        c.store.namespaces.insert(ns.into(), n);
    }
    add_service(
        &mut c,
        "default",
        "my-service",
        "10.96.12.34",
        &[("http", 80, "TCP")],
    );
    add_service(
        &mut c,
        "prod",
        "my-service",
        "10.96.200.7",
        &[("http", 80, "TCP"), ("metrics", 9090, "TCP")],
    );
    add_service(
        &mut c,
        "default",
        "web",
        "10.96.50.1",
        &[("http", 80, "TCP")],
    );
    add_slice(
        &mut c,
        "default",
        "web",
        &[("10.244.1.5", None, None), ("10.244.2.9", None, Some(true))],
        &[("http", 8080)],
    );
    add_service(&mut c, "default", "db", "None", &[("pg", 5432, "TCP")]);
    add_slice(
        &mut c,
        "default",
        "db",
        &[
            ("10.244.1.10", Some("db-0"), Some(true)),
            ("10.244.2.11", Some("db-1"), None),
            ("10.244.1.12", None, Some(true)),
            ("10.244.2.13", Some("db-3"), Some(false)),
        ],
        &[("pg", 5432)],
    );
    add_service(
        &mut c,
        "default",
        "empty-headless",
        "None",
        &[("http", 80, "TCP")],
    );
    add_slice(
        &mut c,
        "default",
        "empty-headless",
        &[("10.244.1.20", None, Some(false))],
        &[("http", 80)],
    );
    add_external(&mut c, "default", "ext", "my.database.example.com");
    add_external(&mut c, "default", "ext-ip", "192.0.2.99");
    add_external(&mut c, "default", "ext-missing", "nowhere.example.net");
    add_external(
        &mut c,
        "default",
        "ext-internal",
        "my-service.prod.svc.cluster.local",
    );
    c
}

fn add_service(c: &mut Cluster, ns: &str, name: &str, ip: &str, ports: &[(&str, i32, &str)]) {
    let mut s = Service::default();
    s.metadata.name = name.into();
    s.metadata.namespace = ns.into();
    s.spec.type_ = "ClusterIP".into();
    s.spec.cluster_ip = ip.into();
    s.spec.cluster_ips = vec![ip.into()];
    s.spec.ports = ports
        .iter()
        .map(|(n, p, proto)| ServicePort {
            name: (*n).into(),
            protocol: (*proto).into(),
            port: *p,
            ..Default::default()
        })
        .collect();
    c.store.services.insert(ObjectKey::new(ns, name), s);
}

fn add_external(c: &mut Cluster, ns: &str, name: &str, target: &str) {
    let mut s = Service::default();
    s.metadata.name = name.into();
    s.metadata.namespace = ns.into();
    s.spec.type_ = "ExternalName".into();
    s.spec.external_name = target.into();
    c.store.services.insert(ObjectKey::new(ns, name), s);
}

type Ep<'a> = (&'a str, Option<&'a str>, Option<bool>);

fn add_slice(c: &mut Cluster, ns: &str, svc: &str, eps: &[Ep<'_>], ports: &[(&str, i32)]) {
    let mut s = EndpointSlice::default();
    s.metadata.name = format!("{svc}-abcde");
    s.metadata.namespace = ns.into();
    s.metadata
        .labels
        .insert(SERVICE_NAME_LABEL.into(), svc.into());
    s.address_type = "IPv4".into();
    s.endpoints = eps
        .iter()
        .map(|(ip, host, ready)| Endpoint {
            addresses: vec![(*ip).into()],
            conditions: EndpointConditions {
                ready: *ready,
                ..Default::default()
            },
            hostname: host.map(str::to_string),
            ..Default::default()
        })
        .collect();
    s.ports = ports
        .iter()
        .map(|(n, p)| EndpointPort {
            name: Some((*n).into()),
            protocol: Some("TCP".into()),
            port: Some(*p),
            app_protocol: None,
        })
        .collect();
    c.store
        .endpoint_slices
        .insert(ObjectKey::new(ns, s.metadata.name.clone()), s);
}

fn ask_k8s(c: &Cluster, name: &str, t: RecordType) -> DnsResponse {
    answer(c, &Upstream::default(), &Query::parse(name, t).unwrap())
}

fn lines(records: &[Record]) -> Vec<String> {
    records.iter().map(|r| r.to_string()).collect()
}

#[test]
fn cluster_ip_service_a() {
    let c = cluster();
    let r = ask_k8s(&c, "my-service.default.svc.cluster.local", RecordType::A);
    assert_eq!(r.rcode, Rcode::NoError);
    assert!(r.authoritative && !r.recursion_available);
    assert_eq!(r.source, AnswerSource::Kubernetes);
    assert_eq!(
        lines(&r.answer),
        ["my-service.default.svc.cluster.local. 30 IN A 10.96.12.34"]
    );
    assert_eq!(
        r.summary(),
        "A my-service.default.svc.cluster.local → 10.96.12.34 (NOERROR)"
    );
    let text = r.to_string();
    assert!(text.contains(";; flags: qr aa rd; QUERY: 1, ANSWER: 1, AUTHORITY: 0, ADDITIONAL: 0"));
    assert!(text.ends_with(";; SERVER: 10.96.0.10#53(10.96.0.10) (UDP)\n"));
    // Multi-port service: still one A record.
    let r = ask_k8s(&c, "my-service.prod.svc.cluster.local", RecordType::A);
    assert_eq!(r.addresses(), ["10.96.200.7"]);
    // Case is preserved in the answer, matching is case-insensitive.
    let r = ask_k8s(&c, "My-Service.Default.svc.cluster.local", RecordType::A);
    assert_eq!(
        lines(&r.answer),
        ["My-Service.Default.svc.cluster.local. 30 IN A 10.96.12.34"]
    );
}

#[test]
fn aaaa_on_ipv4_only_service_is_nodata() {
    let c = cluster();
    let r = ask_k8s(&c, "my-service.default.svc.cluster.local", RecordType::Aaaa);
    assert_eq!(r.rcode, Rcode::NoError);
    assert!(r.answer.is_empty());
    assert_eq!(r.authority.len(), 1);
    let soa = r.authority[0].to_string();
    assert!(
        soa.starts_with(
            "cluster.local. 30 IN SOA ns.dns.cluster.local. hostmaster.cluster.local. "
        ),
        "{soa}"
    );
    assert!(soa.ends_with(" 7200 1800 86400 30"), "{soa}");
}

#[test]
fn service_without_endpoints_still_resolves() {
    let c = cluster();
    assert!(c
        .store
        .slices_for_service("default", "my-service")
        .next()
        .is_none());
    let r = ask_k8s(&c, "my-service.default.svc.cluster.local", RecordType::A);
    assert!(r.is_positive());
}

#[test]
fn headless_returns_ready_endpoints_only() {
    let c = cluster();
    let r = ask_k8s(&c, "db.default.svc.cluster.local", RecordType::A);
    // ready=true and ready=nil count; ready=false (db-3) does not.
    assert_eq!(r.addresses(), ["10.244.1.10", "10.244.2.11", "10.244.1.12"]);
    // No ready endpoint → NXDOMAIN.
    let r = ask_k8s(
        &c,
        "empty-headless.default.svc.cluster.local",
        RecordType::A,
    );
    assert_eq!(r.rcode, Rcode::NxDomain);
    assert!(r.authoritative);
}

#[test]
fn per_endpoint_names() {
    let c = cluster();
    let r = ask_k8s(&c, "db-0.db.default.svc.cluster.local", RecordType::A);
    assert_eq!(r.addresses(), ["10.244.1.10"]);
    // Without a hostname the dashed IP names the endpoint.
    let r = ask_k8s(
        &c,
        "10-244-1-12.db.default.svc.cluster.local",
        RecordType::A,
    );
    assert_eq!(r.addresses(), ["10.244.1.12"]);
    // Not-ready endpoints have no name.
    let r = ask_k8s(&c, "db-3.db.default.svc.cluster.local", RecordType::A);
    assert_eq!(r.rcode, Rcode::NxDomain);
    // Endpoint names work for ClusterIP services too (the plugin checks `r.endpoint`).
    let r = ask_k8s(
        &c,
        "10-244-2-9.web.default.svc.cluster.local",
        RecordType::A,
    );
    assert_eq!(r.addresses(), ["10.244.2.9"]);
}

#[test]
fn external_name_cname_and_upstream_a() {
    let c = cluster();
    let r = ask_k8s(&c, "ext.default.svc.cluster.local", RecordType::A);
    assert_eq!(r.rcode, Rcode::NoError);
    assert_eq!(
        lines(&r.answer),
        [
            "ext.default.svc.cluster.local. 30 IN CNAME my.database.example.com.",
            // The upstream's TTL 300, capped by `cache 30`.
            "my.database.example.com. 30 IN A 192.0.2.50",
        ]
    );
    assert_eq!(
        r.summary(),
        "A ext.default.svc.cluster.local → CNAME my.database.example.com., 192.0.2.50 (NOERROR)"
    );
    // CNAME query: just the CNAME.
    let r = ask_k8s(&c, "ext.default.svc.cluster.local", RecordType::Cname);
    assert_eq!(
        lines(&r.answer),
        ["ext.default.svc.cluster.local. 30 IN CNAME my.database.example.com."]
    );
    // An IP in externalName gives no record at all.
    let r = ask_k8s(&c, "ext-ip.default.svc.cluster.local", RecordType::A);
    assert_eq!(r.rcode, Rcode::NxDomain);
    // A target the upstream does not know: the CNAME alone, NOERROR.
    let r = ask_k8s(&c, "ext-missing.default.svc.cluster.local", RecordType::A);
    assert_eq!(r.rcode, Rcode::NoError);
    assert_eq!(r.answer.len(), 1);
    // A target inside the cluster is chased by the plugin itself.
    let r = ask_k8s(&c, "ext-internal.default.svc.cluster.local", RecordType::A);
    assert_eq!(
        lines(&r.answer),
        [
            "ext-internal.default.svc.cluster.local. 30 IN CNAME my-service.prod.svc.cluster.local.",
            "my-service.prod.svc.cluster.local. 30 IN A 10.96.200.7",
        ]
    );
    // No SRV for ExternalName services: NODATA.
    let r = ask_k8s(&c, "ext.default.svc.cluster.local", RecordType::Srv);
    assert!(r.is_nodata());
    // With port and protocol labels the Service is skipped (`findServices`, CoreDNS ≥ 1.11,
    // the 1.12 kubeadm ships for v1.33): NXDOMAIN, for SRV and A alike.
    for (name, qtype) in [
        ("_http._tcp.ext.default.svc.cluster.local", RecordType::Srv),
        ("_http._tcp.ext.default.svc.cluster.local", RecordType::A),
        (
            "_pg._tcp.ext-internal.default.svc.cluster.local",
            RecordType::Srv,
        ),
    ] {
        let r = ask_k8s(&c, name, qtype);
        assert_eq!(r.rcode, Rcode::NxDomain, "{name} {qtype:?}");
        assert!(r.answer.is_empty(), "{name}");
    }
    // No CNAME for a ClusterIP service: NODATA.
    let r = ask_k8s(
        &c,
        "my-service.default.svc.cluster.local",
        RecordType::Cname,
    );
    assert!(r.is_nodata());
}

#[test]
fn srv_for_cluster_ip_service() {
    let c = cluster();
    let r = ask_k8s(
        &c,
        "_http._tcp.my-service.prod.svc.cluster.local",
        RecordType::Srv,
    );
    assert_eq!(
        lines(&r.answer),
        ["_http._tcp.my-service.prod.svc.cluster.local. 30 IN SRV 0 100 80 my-service.prod.svc.cluster.local."]
    );
    assert_eq!(
        lines(&r.additional),
        ["my-service.prod.svc.cluster.local. 30 IN A 10.96.200.7"]
    );
    // Protocol and port name match case-insensitively.
    let r = ask_k8s(
        &c,
        "_METRICS._TCP.my-service.prod.svc.cluster.local",
        RecordType::Srv,
    );
    assert_eq!(r.answer.len(), 1);
    assert!(r.answer[0].to_string().contains(" SRV 0 100 9090 "));
    // Without _port._proto: every port, weights shared.
    let r = ask_k8s(&c, "my-service.prod.svc.cluster.local", RecordType::Srv);
    assert_eq!(
        lines(&r.answer),
        [
            "my-service.prod.svc.cluster.local. 30 IN SRV 0 50 80 my-service.prod.svc.cluster.local.",
            "my-service.prod.svc.cluster.local. 30 IN SRV 0 50 9090 my-service.prod.svc.cluster.local.",
        ]
    );
    assert_eq!(r.additional.len(), 1);
    // Unknown port name or protocol → NXDOMAIN.
    let r = ask_k8s(
        &c,
        "_https._tcp.my-service.prod.svc.cluster.local",
        RecordType::Srv,
    );
    assert_eq!(r.rcode, Rcode::NxDomain);
    let r = ask_k8s(
        &c,
        "_http._udp.my-service.prod.svc.cluster.local",
        RecordType::Srv,
    );
    assert_eq!(r.rcode, Rcode::NxDomain);
}

#[test]
fn srv_for_headless_service() {
    let c = cluster();
    let r = ask_k8s(&c, "_pg._tcp.db.default.svc.cluster.local", RecordType::Srv);
    assert_eq!(
        lines(&r.answer),
        [
            "_pg._tcp.db.default.svc.cluster.local. 30 IN SRV 0 33 5432 db-0.db.default.svc.cluster.local.",
            "_pg._tcp.db.default.svc.cluster.local. 30 IN SRV 0 33 5432 db-1.db.default.svc.cluster.local.",
            "_pg._tcp.db.default.svc.cluster.local. 30 IN SRV 0 33 5432 10-244-1-12.db.default.svc.cluster.local.",
        ]
    );
    assert_eq!(
        lines(&r.additional),
        [
            "db-0.db.default.svc.cluster.local. 30 IN A 10.244.1.10",
            "db-1.db.default.svc.cluster.local. 30 IN A 10.244.2.11",
            "10-244-1-12.db.default.svc.cluster.local. 30 IN A 10.244.1.12",
        ]
    );
    // Headless: the endpoint (target) port 8080, not the Service port 80 …
    let mut c = c;
    add_service(
        &mut c,
        "default",
        "web-headless",
        "None",
        &[("http", 80, "TCP")],
    );
    add_slice(
        &mut c,
        "default",
        "web-headless",
        &[("10.244.1.5", None, None)],
        &[("http", 8080)],
    );
    let r = ask_k8s(
        &c,
        "_http._tcp.web-headless.default.svc.cluster.local",
        RecordType::Srv,
    );
    assert_eq!(
        lines(&r.answer),
        ["_http._tcp.web-headless.default.svc.cluster.local. 30 IN SRV 0 100 8080 10-244-1-5.web-headless.default.svc.cluster.local."]
    );
    // … while a ClusterIP Service answers with its own port.
    let r = ask_k8s(
        &c,
        "_http._tcp.web.default.svc.cluster.local",
        RecordType::Srv,
    );
    assert_eq!(
        lines(&r.answer),
        ["_http._tcp.web.default.svc.cluster.local. 30 IN SRV 0 100 80 web.default.svc.cluster.local."]
    );
}

#[test]
fn ptr_records() {
    let c = cluster();
    let r = ask_k8s(&c, "34.12.96.10.in-addr.arpa", RecordType::Ptr);
    assert_eq!(
        lines(&r.answer),
        ["34.12.96.10.in-addr.arpa. 30 IN PTR my-service.default.svc.cluster.local."]
    );
    assert!(r.authoritative);
    let r = ask_k8s(&c, "10.1.244.10.in-addr.arpa", RecordType::Ptr);
    assert_eq!(
        lines(&r.answer),
        ["10.1.244.10.in-addr.arpa. 30 IN PTR db-0.db.default.svc.cluster.local."]
    );
    let r = ask_k8s(&c, "5.1.244.10.in-addr.arpa", RecordType::Ptr);
    assert_eq!(
        lines(&r.answer),
        ["5.1.244.10.in-addr.arpa. 30 IN PTR 10-244-1-5.web.default.svc.cluster.local."]
    );
    // An endpoint selected by two Services has one PTR per Service.
    let mut c2 = c.clone();
    add_service(
        &mut c2,
        "default",
        "web-alias",
        "None",
        &[("http", 80, "TCP")],
    );
    add_slice(
        &mut c2,
        "default",
        "web-alias",
        &[("10.244.1.5", Some("web-0"), None)],
        &[("http", 8080)],
    );
    let r = ask_k8s(&c2, "5.1.244.10.in-addr.arpa", RecordType::Ptr);
    assert_eq!(
        lines(&r.answer),
        [
            "5.1.244.10.in-addr.arpa. 30 IN PTR 10-244-1-5.web.default.svc.cluster.local.",
            "5.1.244.10.in-addr.arpa. 30 IN PTR web-0.web-alias.default.svc.cluster.local.",
        ]
    );
    // Unknown IPs fall through to `forward`: a non-authoritative upstream NXDOMAIN.
    let r = ask_k8s(&c, "1.2.0.192.in-addr.arpa", RecordType::Ptr);
    assert_eq!(r.rcode, Rcode::NxDomain);
    assert!(!r.authoritative);
    assert_eq!(r.source, AnswerSource::Forward);
    // PTR on a forward name that exists: NODATA.
    let r = ask_k8s(&c, "my-service.default.svc.cluster.local", RecordType::Ptr);
    assert!(r.is_nodata());
}

#[test]
fn pod_records_with_pods_insecure() {
    let c = cluster();
    let r = ask_k8s(&c, "10-244-1-5.default.pod.cluster.local", RecordType::A);
    assert_eq!(
        lines(&r.answer),
        ["10-244-1-5.default.pod.cluster.local. 30 IN A 10.244.1.5"]
    );
    // No pod needs to exist, but the namespace must.
    let r = ask_k8s(&c, "10-244-1-5.nope.pod.cluster.local", RecordType::A);
    assert_eq!(r.rcode, Rcode::NxDomain);
    let r = ask_k8s(&c, "not-an-ip.default.pod.cluster.local", RecordType::A);
    assert_eq!(r.rcode, Rcode::NxDomain);
    let r = ask_k8s(&c, "10-244-1-5.default.pod.cluster.local", RecordType::Aaaa);
    assert!(r.is_nodata());
}

#[test]
fn nxdomain_versus_nodata() {
    let c = cluster();
    for nodata in [
        "cluster.local",
        "svc.cluster.local",
        "pod.cluster.local",
        "default.svc.cluster.local",
        "prod.pod.cluster.local",
    ] {
        let r = ask_k8s(&c, nodata, RecordType::A);
        assert_eq!(r.rcode, Rcode::NoError, "{nodata}");
        assert!(r.answer.is_empty(), "{nodata}");
        assert_eq!(r.authority.len(), 1, "{nodata}");
    }
    for nx in [
        "nope.default.svc.cluster.local",
        "my-service.nope.svc.cluster.local",
        "nope.svc.cluster.local",
        "foo.cluster.local",
        "my-service.default.cluster.local",
        "a.b.c.my-service.default.svc.cluster.local",
        // `my-service.prod` from a pod in default: the first search candidate.
        "my-service.prod.default.svc.cluster.local",
    ] {
        let r = ask_k8s(&c, nx, RecordType::A);
        assert_eq!(r.rcode, Rcode::NxDomain, "{nx}");
        assert!(r.authoritative, "{nx}");
        assert_eq!(r.authority.len(), 1, "{nx}");
    }
}

#[test]
fn dns_version_txt() {
    let c = cluster();
    let r = ask_k8s(&c, "dns-version.cluster.local", RecordType::Txt);
    // The plugin's TTL is 28800; `cache 30` caps it.
    assert_eq!(
        lines(&r.answer),
        ["dns-version.cluster.local. 30 IN TXT \"1.1.0\""]
    );
    // Any other TXT query is NODATA, even for names that do not exist.
    let r = ask_k8s(&c, "nope.default.svc.cluster.local", RecordType::Txt);
    assert!(r.is_nodata());
}

#[test]
fn dig_output_for_nxdomain() {
    let c = cluster();
    let r = ask_k8s(&c, "nope.default.svc.cluster.local", RecordType::A);
    let text = r.to_string();
    let expected_head = format!(
        ";; ->>HEADER<<- opcode: QUERY, status: NXDOMAIN, id: {}\n\
         ;; flags: qr aa rd; QUERY: 1, ANSWER: 0, AUTHORITY: 1, ADDITIONAL: 0\n\
         ;; WARNING: recursion requested but not available\n\
         \n\
         ;; QUESTION SECTION:\n\
         ;nope.default.svc.cluster.local. IN A\n\
         \n\
         ;; AUTHORITY SECTION:\n\
         cluster.local. 30 IN SOA ns.dns.cluster.local. hostmaster.cluster.local. ",
        r.id
    );
    assert!(text.starts_with(&expected_head), "{text}");
    assert_eq!(
        r.summary(),
        "A nope.default.svc.cluster.local → no records (NXDOMAIN)"
    );
}

#[test]
fn soa_query() {
    let c = cluster();
    let r = ask_k8s(&c, "cluster.local", RecordType::Soa);
    assert_eq!(r.answer.len(), 1);
    assert_eq!(r.answer[0].record_type(), RecordType::Soa);
}

#[test]
fn upstream_names() {
    let c = cluster();
    let r = ask_k8s(&c, "example.com.", RecordType::A);
    assert_eq!(r.source, AnswerSource::Forward);
    assert!(!r.authoritative && r.recursion_available);
    assert_eq!(lines(&r.answer), ["example.com. 30 IN A 192.0.2.10"]);
    assert!(r.to_string().contains(";; flags: qr rd ra;"));
    let r = ask_k8s(&c, "www.example.com", RecordType::A);
    assert_eq!(
        lines(&r.answer),
        [
            "www.example.com. 30 IN CNAME example.com.",
            "example.com. 30 IN A 192.0.2.10"
        ]
    );
    let r = ask_k8s(&c, "nope.example.com", RecordType::A);
    assert_eq!(r.rcode, Rcode::NxDomain);
    let r = ask_k8s(&c, "database.example.com", RecordType::A);
    assert!(r.is_nodata());
    // User-inserted records keep a TTL below the cache cap.
    let mut up = Upstream::default();
    up.insert(Record::new(
        parse_name("short.example.net").unwrap(),
        10,
        RData::A(Ipv4Addr::new(203, 0, 113, 5)),
    ));
    up.insert_failure(&parse_name("broken.example.net").unwrap());
    let r = answer(
        &c,
        &up,
        &Query::parse("short.example.net", RecordType::A).unwrap(),
    );
    assert_eq!(lines(&r.answer), ["short.example.net. 10 IN A 203.0.113.5"]);
    let r = answer(
        &c,
        &up,
        &Query::parse("broken.example.net", RecordType::A).unwrap(),
    );
    assert_eq!(r.rcode, Rcode::ServFail);
}

fn client(ns: &str) -> Pod {
    let mut p = Pod::default();
    p.metadata.name = "client".into();
    p.metadata.namespace = ns.into();
    p.spec.node_name = "kind-worker".into();
    p
}

#[test]
fn pod_resolves_service_in_other_namespace() {
    let c = cluster();
    let conf = resolv_conf(&c, &client("default"));
    let res = resolve(
        &c,
        &Upstream::default(),
        &conf,
        "my-service.prod",
        RecordType::A,
        ResolverFlavor::Glibc,
    );
    assert_eq!(res.outcome, Outcome::Answered { step: 1 });
    let steps: Vec<&str> = res.steps.iter().map(|s| s.candidate.as_str()).collect();
    assert_eq!(
        steps,
        [
            "my-service.prod.default.svc.cluster.local",
            "my-service.prod.svc.cluster.local"
        ]
    );
    assert_eq!(res.answer().unwrap().addresses(), ["10.96.200.7"]);
    // Same short name, but from the prod namespace: the first candidate wins.
    let conf = resolv_conf(&c, &client("prod"));
    let res = resolve(
        &c,
        &Upstream::default(),
        &conf,
        "my-service",
        RecordType::A,
        ResolverFlavor::Glibc,
    );
    assert_eq!(res.outcome, Outcome::Answered { step: 0 });
    assert_eq!(res.answer().unwrap().addresses(), ["10.96.200.7"]);
}

#[test]
fn external_name_resolves_after_three_misses() {
    let c = cluster();
    let conf = resolv_conf(&c, &client("default"));
    let res = resolve(
        &c,
        &Upstream::default(),
        &conf,
        "example.com",
        RecordType::A,
        ResolverFlavor::Glibc,
    );
    // example.com has 1 dot < 5: three search candidates (NXDOMAIN) before the real name.
    assert_eq!(res.steps.len(), 4);
    assert_eq!(res.outcome, Outcome::Answered { step: 3 });
}

#[test]
fn host_network_pod_cannot_resolve_services() {
    let c = cluster();
    let mut p = client("default");
    p.spec.host_network = true;
    let conf = resolv_conf(&c, &p);
    let res = resolve(
        &c,
        &Upstream::default(),
        &conf,
        "my-service.default.svc.cluster.local",
        RecordType::A,
        ResolverFlavor::Glibc,
    );
    assert_eq!(res.outcome, Outcome::HostNotFound);
    let r = res.steps[0].response.as_ref().unwrap();
    assert_eq!(r.source, AnswerSource::NodeResolver);
    assert_eq!(r.server, "172.18.0.1");
    // ClusterFirstWithHostNet fixes it.
    p.spec.dns_policy = "ClusterFirstWithHostNet".into();
    let conf = resolv_conf(&c, &p);
    let res = resolve(
        &c,
        &Upstream::default(),
        &conf,
        "my-service",
        RecordType::A,
        ResolverFlavor::Glibc,
    );
    assert_eq!(res.outcome, Outcome::Answered { step: 0 });
}

#[test]
fn aaaa_lookup_walks_everything_with_glibc_but_stops_with_musl() {
    let c = cluster();
    let conf = resolv_conf(&c, &client("default"));
    let up = Upstream::default();
    let g = resolve(
        &c,
        &up,
        &conf,
        "my-service",
        RecordType::Aaaa,
        ResolverFlavor::Glibc,
    );
    assert_eq!(g.steps.len(), 4);
    assert_eq!(g.outcome, Outcome::NoData);
    let m = resolve(
        &c,
        &up,
        &conf,
        "my-service",
        RecordType::Aaaa,
        ResolverFlavor::Musl,
    );
    assert_eq!(m.steps.len(), 1);
    assert_eq!(m.outcome, Outcome::NoData);
}

#[test]
fn loadbalance_rotates_headless_answers_deterministically() {
    let c = cluster();
    let base = ask_k8s(&c, "db.default.svc.cluster.local", RecordType::A);
    let mut seen = std::collections::BTreeSet::new();
    for seed in 0..16 {
        let mut r = base.clone();
        loadbalance(&mut r, &mut Rng::new(seed));
        let mut sorted = r.addresses();
        seen.insert(sorted.first().cloned());
        sorted.sort();
        assert_eq!(sorted, ["10.244.1.10", "10.244.1.12", "10.244.2.11"]);
        let mut again = base.clone();
        loadbalance(&mut again, &mut Rng::new(seed));
        assert_eq!(again, r);
    }
    assert!(seen.len() > 1);
}

mod fuzz {
    use super::*;
    use proptest::prelude::*;

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(256))]
        #[test]
        fn answers_never_panic(
            prefix in "[a-z0-9_.-]{0,80}",
            zone in prop::sample::select(vec![
                "svc.cluster.local", "pod.cluster.local", "cluster.local",
                "in-addr.arpa", "ip6.arpa", "example.com", "",
            ]),
            t in prop::sample::select(RecordType::ALL.to_vec()),
        ) {
            let c = cluster();
            let text = if zone.is_empty() { prefix.clone() } else { format!("{prefix}.{zone}") };
            if let Ok(q) = Query::parse(&text, t) {
                let r = answer(&c, &Upstream::default(), &q);
                let _ = r.to_string();
                let _ = r.summary();
            }
            let conf = resolv_conf(&c, &client("default"));
            let res = resolve(&c, &Upstream::default(), &conf, &text, t, ResolverFlavor::Glibc);
            prop_assert!(res.steps.len() <= 4);
            let res = resolve(&c, &Upstream::default(), &conf, &text, t, ResolverFlavor::Musl);
            prop_assert!(res.steps.len() <= 4);
        }
    }
}

/// Issue 13, item 11: which C library an image's resolver is.
#[test]
fn the_resolver_of_an_image() {
    for (image, flavor) in [
        ("alpine", ResolverFlavor::Musl),
        ("alpine:3.20", ResolverFlavor::Musl),
        (
            "docker.io/library/alpine:3.20@sha256:abc",
            ResolverFlavor::Musl,
        ),
        ("nginx:1.27-alpine", ResolverFlavor::Musl),
        ("python:3.12-alpine3.20", ResolverFlavor::Musl),
        ("busybox:1.36-musl", ResolverFlavor::Musl),
        ("busybox:1.36", ResolverFlavor::Glibc),
        ("nginx:1.27", ResolverFlavor::Glibc),
        (
            "registry.k8s.io/e2e-test-images/agnhost:2.53",
            ResolverFlavor::Glibc,
        ),
        ("example.com/alpine-tools/curl:8", ResolverFlavor::Glibc),
        ("", ResolverFlavor::Glibc),
    ] {
        assert_eq!(ResolverFlavor::of_image(image), flavor, "{image}");
    }
}
