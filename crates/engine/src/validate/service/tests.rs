//! Service validation, message by message: each Service goes through what kube-apiserver does
//! before `ValidateService` (decode, defaults, a stand-in allocator), so these messages are the
//! ones `kubectl apply` shows.

use super::*;
use crate::api::core::{
    ClientIpConfig, IntOrString, LoadBalancerIngress, ServicePort, SessionAffinityConfig,
};
use crate::api::{decode_object, Object};
use crate::manifest::parse;
use crate::validate::defaults::default_service;
use crate::validate::field::kubectl_invalid;

/// The allocator's part, as a single-stack IPv4 cluster does it (`initIPFamilyFields` plus
/// the ClusterIP and NodePort allocators), so validation sees what kube-apiserver sees.
fn allocate(svc: &mut Service) {
    let spec = &mut svc.spec;
    if spec.type_ == "ExternalName" {
        return;
    }
    if spec.cluster_ip.is_empty() {
        spec.cluster_ip = "10.96.0.10".into();
        spec.cluster_ips = vec![spec.cluster_ip.clone()];
    }
    if spec.ip_families.is_empty() {
        spec.ip_families = vec!["IPv4".into()];
    }
    if spec.ip_family_policy.is_none() {
        spec.ip_family_policy = Some("SingleStack".into());
    }
    if matches!(spec.type_.as_str(), "NodePort" | "LoadBalancer") {
        for (i, p) in spec.ports.iter_mut().enumerate() {
            if p.node_port == 0 {
                p.node_port = 30000 + i32::try_from(i).unwrap_or(0);
            }
        }
    }
    if spec.type_ == "LoadBalancer"
        && spec.external_traffic_policy == "Local"
        && spec.health_check_node_port == 0
    {
        spec.health_check_node_port = 32000;
    }
}

fn decode_service(text: &str) -> Service {
    let parsed = parse(text);
    assert!(parsed.errors.is_empty(), "{:?}", parsed.errors);
    match decode_object(&parsed.objects[0], "svc.yaml") {
        Ok(Object::Service(s)) => s,
        other => panic!("not a service: {other:?}"),
    }
}

/// Decode, default, normalize, allocate, set the request namespace: what reaches
/// `ValidateService`.
fn prepared(text: &str) -> Service {
    let mut s = decode_service(text);
    if s.metadata.namespace.is_empty() {
        s.metadata.namespace = "default".into();
    }
    default_service(&mut s);
    allocate(&mut s);
    s
}

fn messages(text: &str) -> Vec<String> {
    validate_service(&prepared(text))
        .iter()
        .map(ToString::to_string)
        .collect()
}

fn one(text: &str) -> String {
    let m = messages(text);
    assert_eq!(m.len(), 1, "{m:#?}");
    m[0].clone()
}

const BASE: &str = "apiVersion: v1\nkind: Service\nmetadata:\n  name: my-service\nspec:\n  selector:\n    app: web\n  ports:\n  - port: 80\n    targetPort: 9376\n";

/// BASE with extra lines added under `spec:`.
fn with_spec(extra: &str) -> String {
    BASE.replace("spec:\n", &format!("spec:\n{extra}"))
}

const LECTURE: &[&str] = &[
    "apiVersion: v1\nkind: Service\nmetadata:\n  name: my-service\nspec:\n  selector:\n    app.kubernetes.io/name: MyApp\n  ports:\n    - protocol: TCP\n      port: 80\n      targetPort: 9376\n",
    "apiVersion: v1\nkind: Service\nmetadata:\n  name: my-service\nspec:\n  ports:\n    - protocol: TCP\n      port: 80\n      targetPort: 9376\n",
    "apiVersion: v1\nkind: Service\nmetadata:\n  name: myapp-service\nspec:\n  type: NodePort\n  ports:\n    - targetPort: 80\n      port: 80\n      nodePort: 30008\n",
    "apiVersion: v1\nkind: Service\nmetadata:\n  name: my-service\n  namespace: prod\nspec:\n  type: ExternalName\n  externalName: my.database.example.com\n",
    "apiVersion: v1\nkind: Service\nmetadata:\n  name: my-service\nspec:\n  clusterIP: None\n  selector:\n    app: my-app\n  ports:\n    - protocol: TCP\n      port: 80\n      targetPort: 9376\n",
    "apiVersion: v1\nkind: Service\nmetadata:\n  name: my-lb\nspec:\n  type: LoadBalancer\n  selector:\n    app: web\n  ports:\n    - port: 80\n",
];

#[test]
fn lecture_services_validate_cleanly() {
    for text in LECTURE {
        assert_eq!(messages(text), Vec::<String>::new(), "{text}");
    }
    // ExternalName keeps no family fields; the headless Service keeps clusterIPs [None].
    let en = prepared(LECTURE[3]);
    assert!(en.spec.cluster_ips.is_empty() && en.spec.ip_families.is_empty());
    let headless = prepared(LECTURE[4]);
    assert_eq!(headless.spec.cluster_ips, vec!["None".to_string()]);
}

#[test]
fn metadata_rules() {
    let no_name = BASE.replace("  name: my-service\n", "  labels:\n    a: b\n");
    assert_eq!(
        one(&no_name),
        "metadata.name: Required value: name or generateName is required"
    );
    assert_eq!(
        one(&BASE.replace("my-service", "1-service")),
        "metadata.name: Invalid value: \"1-service\": a DNS-1035 label must consist of lower case alphanumeric characters or '-', start with an alphabetic character, and end with an alphanumeric character (e.g. 'my-name',  or 'abc-123', regex used for validation is '[a-z]([-a-z0-9]*[a-z0-9])?')"
    );
    let long = "a".repeat(64);
    assert_eq!(
        one(&BASE.replace("my-service", &long)),
        format!("metadata.name: Invalid value: \"{long}\": must be no more than 63 characters")
    );
    assert_eq!(
        one(&BASE.replace("  name: my-service\n", "  name: my-service\n  namespace: Prod\n")),
        "metadata.namespace: Invalid value: \"Prod\": a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')"
    );
    assert_eq!(
        one(&BASE.replace("  name: my-service\n", "  name: my-service\n  labels:\n    app: \"my app\"\n")),
        "metadata.labels: Invalid value: \"my app\": a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')"
    );
    assert_eq!(
        one(&BASE.replace("  name: my-service\n", "  name: my-service\n  annotations:\n    service.kubernetes.io/topology-mode: Auto\n    service.kubernetes.io/topology-aware-hints: Disabled\n")),
        "metadata.annotations[service.kubernetes.io/topology-mode]: Invalid value: \"Auto\": must match annotations[service.kubernetes.io/topology-aware-hints] when both are specified"
    );
    assert_eq!(
        one(&BASE.replace("    app: web\n", "    app: -web\n")),
        "spec.selector: Invalid value: \"-web\": a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')"
    );
}

#[test]
fn port_rules() {
    let no_ports =
        "apiVersion: v1\nkind: Service\nmetadata:\n  name: s\nspec:\n  selector:\n    app: web\n";
    assert_eq!(one(no_ports), "spec.ports: Required value");
    let two_unnamed = with_spec("").replace(
        "  - port: 80\n    targetPort: 9376\n",
        "  - port: 80\n  - port: 443\n",
    );
    assert_eq!(
        messages(&two_unnamed),
        vec![
            "spec.ports[0].name: Required value".to_string(),
            "spec.ports[1].name: Required value".to_string()
        ]
    );
    let table: &[(&str, &str)] = &[
        (
            "  - port: 80\n    name: HTTP\n",
            "spec.ports[0].name: Invalid value: \"HTTP\": a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')",
        ),
        (
            "  - port: 0\n    targetPort: 80\n",
            "spec.ports[0].port: Invalid value: 0: must be between 1 and 65535, inclusive",
        ),
        (
            "  - port: 80\n    protocol: ICMP\n",
            "spec.ports[0].protocol: Unsupported value: \"ICMP\": supported values: \"SCTP\", \"TCP\", \"UDP\"",
        ),
        (
            "  - port: 80\n    targetPort: 70000\n",
            "spec.ports[0].targetPort: Invalid value: 70000: must be between 1 and 65535, inclusive",
        ),
        (
            "  - port: 80\n    targetPort: \"8080\"\n",
            "spec.ports[0].targetPort: Invalid value: \"8080\": must contain at least one letter (a-z)",
        ),
        (
            "  - port: 80\n    targetPort: http--alt\n",
            "spec.ports[0].targetPort: Invalid value: \"http--alt\": must not contain consecutive hyphens",
        ),
        (
            "  - port: 80\n    targetPort: -http\n",
            "spec.ports[0].targetPort: Invalid value: \"-http\": must not begin or end with a hyphen",
        ),
        (
            "  - port: 80\n    targetPort: http-alternative\n",
            "spec.ports[0].targetPort: Invalid value: \"http-alternative\": must be no more than 15 characters",
        ),
        (
            "  - port: 80\n    appProtocol: \"my proto\"\n",
            "spec.ports[0].appProtocol: Invalid value: \"my proto\": name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')",
        ),
        (
            "  - port: 80\n    nodePort: 30080\n",
            "spec.ports[0].nodePort: Forbidden: may not be used when `type` is 'ClusterIP'",
        ),
    ];
    for (ports, want) in table {
        let text = BASE.replace("  - port: 80\n    targetPort: 9376\n", ports);
        assert_eq!(one(&text), *want, "{ports}");
    }
    let upper_target = BASE.replace("targetPort: 9376", "targetPort: HTTP");
    assert_eq!(
        messages(&upper_target),
        vec![
            "spec.ports[0].targetPort: Invalid value: \"HTTP\": must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)".to_string(),
            "spec.ports[0].targetPort: Invalid value: \"HTTP\": must contain at least one letter (a-z)".to_string(),
        ]
    );
    let dup = BASE.replace(
        "  - port: 80\n    targetPort: 9376\n",
        "  - port: 80\n    name: a\n  - port: 80\n    name: a\n  - port: 80\n    name: c\n    protocol: UDP\n",
    );
    assert_eq!(
        messages(&dup),
        vec![
            "spec.ports[1].name: Duplicate value: \"a\"".to_string(),
            "spec.ports[1]: Duplicate value: core.ServicePort{Name:\"\", Protocol:\"TCP\", AppProtocol:(*string)(nil), Port:80, TargetPort:intstr.IntOrString{Type:0, IntVal:0, StrVal:\"\"}, NodePort:0}".to_string(),
        ]
    );
    let dup_np = with_spec("  type: NodePort\n").replace(
        "  - port: 80\n    targetPort: 9376\n",
        "  - port: 80\n    name: a\n    nodePort: 30080\n  - port: 81\n    name: b\n    nodePort: 30080\n  - port: 81\n    name: c\n    protocol: UDP\n    nodePort: 30080\n",
    );
    assert_eq!(
        messages(&dup_np),
        vec!["spec.ports[1].nodePort: Duplicate value: 30080".to_string()]
    );
    assert!(messages(&with_spec("").replace("9376", "http")).is_empty());
    assert!(messages(&with_spec("").replace(
        "    targetPort: 9376\n",
        "    appProtocol: kubernetes.io/h2c\n"
    ))
    .is_empty());
}

#[test]
fn type_headless_and_external_name_rules() {
    assert_eq!(
        one(&with_spec("  type: Ingress\n")),
        "spec.type: Unsupported value: \"Ingress\": supported values: \"ClusterIP\", \"ExternalName\", \"LoadBalancer\", \"NodePort\""
    );
    assert_eq!(
        one(&with_spec("  type: NodePort\n  clusterIP: None\n")),
        "spec.clusterIPs[0]: Invalid value: \"None\": may not be set to 'None' for NodePort services"
    );
    assert_eq!(
        one(&with_spec("  type: LoadBalancer\n  clusterIP: None\n")),
        "spec.clusterIPs[0]: Invalid value: \"None\": may not be set to 'None' for LoadBalancer services"
    );
    // Headless: no ports needed.
    let headless = "apiVersion: v1\nkind: Service\nmetadata:\n  name: db\nspec:\n  clusterIP: None\n  selector:\n    app: db\n";
    assert!(messages(headless).is_empty());
    let en = "apiVersion: v1\nkind: Service\nmetadata:\n  name: db\nspec:\n  type: ExternalName\n  externalName: EXAMPLE.com\n";
    assert_eq!(
        one(en),
        "spec.externalName: Invalid value: \"EXAMPLE.com\": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')"
    );
    assert!(messages(&en.replace("EXAMPLE.com", "db.example.com.")).is_empty());
    assert!(messages(&en.replace("EXAMPLE.com", "192.0.2.10")).is_empty());
    assert_eq!(
        one(&en.replace("  externalName: EXAMPLE.com\n", "")),
        "spec.externalName: Required value"
    );
    assert_eq!(
        messages(&en.replace(
            "  externalName: EXAMPLE.com\n",
            "  externalName: db.example.com\n  clusterIP: 10.96.0.5\n  ipFamilies: [IPv4]\n  ipFamilyPolicy: SingleStack\n"
        )),
        vec![
            "spec.clusterIPs: Forbidden: may not be set for ExternalName services".to_string(),
            "spec.ipFamilies: Forbidden: may not be set for ExternalName services".to_string(),
            "spec.ipFamilyPolicy: Forbidden: may not be set for ExternalName services".to_string(),
        ]
    );
}

#[test]
fn cluster_ips_rules() {
    let table: &[(&str, &[&str])] = &[
        (
            "  clusterIP: 10.96.0.10\n  clusterIPs: [10.96.0.11]\n",
            &["spec.clusterIPs: Invalid value: []string{\"10.96.0.11\"}: first value must match `clusterIP`"],
        ),
        (
            "  clusterIP: None\n  clusterIPs: [None, 10.96.0.1]\n",
            &["spec.clusterIPs: Invalid value: []string{\"None\", \"10.96.0.1\"}: 'None' must be the first and only value"],
        ),
        (
            "  clusterIP: 10.96.0.300\n",
            &["spec.clusterIPs[0]: Invalid value: \"10.96.0.300\": must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)"],
        ),
        (
            "  clusterIP: 10.96.0.1\n  clusterIPs: [10.96.0.1, 10.96.0.2]\n  ipFamilyPolicy: PreferDualStack\n  ipFamilies: [IPv4, IPv4]\n",
            &[
                "spec.ipFamilies[1]: Duplicate value: \"IPv4\"",
                "spec.clusterIPs: Invalid value: []string{\"10.96.0.1\", \"10.96.0.2\"}: may specify no more than one IP for each IP family",
            ],
        ),
        (
            "  clusterIP: 10.96.0.1\n  clusterIPs: [10.96.0.1, fd00::1, 10.96.0.3]\n  ipFamilyPolicy: RequireDualStack\n  ipFamilies: [IPv4, IPv6]\n",
            &["spec.clusterIPs: Invalid value: []string{\"10.96.0.1\", \"fd00::1\", \"10.96.0.3\"}: may only hold up to 2 values"],
        ),
        (
            "  clusterIP: fd00::10\n  ipFamilies: [IPv4]\n",
            &["spec.clusterIPs[0]: Invalid value: \"fd00::10\": expected an IPv4 value as indicated by `ipFamilies[0]`"],
        ),
        (
            "  clusterIP: 10.96.0.1\n  clusterIPs: [10.96.0.1, fd00::1]\n  ipFamilyPolicy: RequireDualStack\n  ipFamilies: [IPv4, IPv4x]\n",
            &[
                "spec.ipFamilies[1]: Unsupported value: \"IPv4x\": supported values: \"IPv4\", \"IPv6\"",
            ],
        ),
        (
            "  ipFamilyPolicy: DualStack\n",
            &["spec.ipFamilyPolicy: Unsupported value: \"DualStack\": supported values: \"PreferDualStack\", \"RequireDualStack\", \"SingleStack\""],
        ),
    ];
    for (extra, want) in table {
        assert_eq!(messages(&with_spec(extra)), *want, "{extra}");
    }
    // clusterIPs without clusterIP (the registry only copies singular → plural).
    let mut s = prepared(BASE);
    s.spec.cluster_ip = String::new();
    assert_eq!(
        validate_cluster_ips_related_fields(&s)[0].to_string(),
        "spec.clusterIPs: Invalid value: []string{\"10.96.0.10\"}: must be empty when `clusterIP` is not specified"
    );
    s.spec.cluster_ip = "10.96.0.10".into();
    s.spec.cluster_ips.clear();
    assert_eq!(
        validate_cluster_ips_related_fields(&s)[0].to_string(),
        "spec.clusterIPs: Required value"
    );
    let dual = with_spec("  clusterIP: 10.96.0.1\n  clusterIPs: [10.96.0.1, fd00::1]\n  ipFamilyPolicy: RequireDualStack\n  ipFamilies: [IPv4, IPv6]\n");
    assert!(messages(&dual).is_empty());
}

#[test]
fn session_affinity_rules() {
    assert_eq!(
        one(&with_spec("  sessionAffinity: Sticky\n")),
        "spec.sessionAffinity: Unsupported value: \"Sticky\": supported values: \"ClientIP\", \"None\""
    );
    for (t, ok) in [
        (0, false),
        (-1, false),
        (86400, true),
        (86401, false),
        (1, true),
    ] {
        let m = messages(&with_spec(&format!(
            "  sessionAffinity: ClientIP\n  sessionAffinityConfig:\n    clientIP:\n      timeoutSeconds: {t}\n"
        )));
        if ok {
            assert!(m.is_empty(), "{t}: {m:?}");
        } else {
            assert_eq!(m, vec![format!("spec.sessionAffinityConfig.clientIP.timeoutSeconds: Invalid value: {t}: must be greater than 0 and less than 86400")]);
        }
    }
    // Defaulting normally fills these; without it the Required errors show.
    let mut s = prepared(BASE);
    s.spec.session_affinity = "ClientIP".into();
    s.spec.session_affinity_config = Some(SessionAffinityConfig {
        client_ip: Some(ClientIpConfig::default()),
    });
    assert_eq!(
        validate_service(&s)[0].to_string(),
        "spec.sessionAffinityConfig.clientIP.timeoutSeconds: Required value: when session affinity type is ClientIP"
    );
    s.spec.session_affinity_config = None;
    assert_eq!(
        validate_service(&s)[0].to_string(),
        "spec.sessionAffinityConfig: Required value: when session affinity type is ClientIP"
    );
    s.spec.session_affinity = "None".into();
    s.spec.session_affinity_config = Some(SessionAffinityConfig::default());
    assert_eq!(
        validate_service(&s)[0].to_string(),
        "spec.sessionAffinityConfig: Forbidden: must not be set when session affinity is None"
    );
    s.spec.session_affinity = String::new();
    s.spec.session_affinity_config = None;
    assert_eq!(
        validate_service(&s)[0].to_string(),
        "spec.sessionAffinity: Required value"
    );
}

#[test]
fn external_ips_rules() {
    let m = messages(&with_spec(
        "  externalIPs: [203.0.113.10, 127.0.0.1, \"0.0.0.0\", fe80::1, 224.0.0.5, not-an-ip]\n",
    ));
    assert_eq!(
        m,
        vec![
            "spec.externalIPs[1]: Invalid value: \"127.0.0.1\": may not be in the loopback range (127.0.0.0/8, ::1/128)".to_string(),
            "spec.externalIPs[2]: Invalid value: \"0.0.0.0\": may not be unspecified (0.0.0.0)".to_string(),
            "spec.externalIPs[3]: Invalid value: \"fe80::1\": may not be in the link-local range (169.254.0.0/16, fe80::/10)".to_string(),
            "spec.externalIPs[4]: Invalid value: \"224.0.0.5\": may not be in the link-local multicast range (224.0.0.0/24, ff02::/10)".to_string(),
            "spec.externalIPs[5]: Invalid value: \"not-an-ip\": must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)".to_string(),
        ]
    );
    // externalIPs make a ClusterIP Service externally accessible: the policy is defaulted.
    let s = prepared(&with_spec("  externalIPs: [203.0.113.10]\n"));
    assert_eq!(s.spec.external_traffic_policy, "Cluster");
    assert!(validate_service(&s).is_empty());
}

#[test]
fn traffic_policy_rules() {
    assert_eq!(
        one(&with_spec("  externalTrafficPolicy: Local\n")),
        "spec.externalTrafficPolicy: Invalid value: \"Local\": may only be set for externally-accessible services"
    );
    assert_eq!(
        one(&with_spec("  type: NodePort\n  externalTrafficPolicy: Global\n")),
        "spec.externalTrafficPolicy: Unsupported value: \"Global\": supported values: \"Cluster\", \"Local\""
    );
    assert!(messages(&with_spec(
        "  type: LoadBalancer\n  externalTrafficPolicy: Local\n"
    ))
    .is_empty());
    assert_eq!(
        one(&with_spec("  type: NodePort\n  healthCheckNodePort: 31000\n")),
        "spec.healthCheckNodePort: Invalid value: 31000: may only be set when `type` is 'LoadBalancer' and `externalTrafficPolicy` is 'Local'"
    );
    assert_eq!(
        one(&with_spec(
            "  type: LoadBalancer\n  externalTrafficPolicy: Local\n  healthCheckNodePort: 70000\n"
        )),
        "spec.healthCheckNodePort: Invalid value: 70000: must be between 1 and 65535, inclusive"
    );
    let mut s = prepared(&with_spec(
        "  type: LoadBalancer\n  externalTrafficPolicy: Local\n",
    ));
    s.spec.health_check_node_port = 0;
    assert_eq!(
        validate_service(&s)[0].to_string(),
        "spec.healthCheckNodePort: Required value"
    );
    assert_eq!(
        one(&with_spec("  internalTrafficPolicy: Node\n")),
        "spec.internalTrafficPolicy: Unsupported value: \"Node\": supported values: \"Cluster\", \"Local\""
    );
    let mut s = prepared(BASE);
    s.spec.internal_traffic_policy = None;
    assert_eq!(
        validate_service(&s)[0].to_string(),
        "spec.internalTrafficPolicy: Required value"
    );
    s.spec.external_traffic_policy = String::new();
    s.spec.type_ = "NodePort".into();
    s.spec.ports[0].node_port = 30001;
    assert_eq!(
        validate_service(&s)[0].to_string(),
        "spec.externalTrafficPolicy: Required value"
    );
    for td in ["PreferClose", "PreferSameZone", "PreferSameNode"] {
        assert!(messages(&with_spec(&format!("  trafficDistribution: {td}\n"))).is_empty());
    }
    assert_eq!(
        one(&with_spec("  trafficDistribution: Nearest\n")),
        "spec.trafficDistribution: Unsupported value: \"Nearest\": supported values: \"PreferClose\", \"PreferSameZone\", \"PreferSameNode\""
    );
}

#[test]
fn load_balancer_field_rules() {
    assert_eq!(
        one(&with_spec("  allocateLoadBalancerNodePorts: false\n")),
        "spec.allocateLoadBalancerNodePorts: Forbidden: may only be used when `type` is 'LoadBalancer'"
    );
    let mut s = prepared(&with_spec("  type: LoadBalancer\n"));
    s.spec.allocate_load_balancer_node_ports = None;
    assert_eq!(
        validate_service(&s)[0].to_string(),
        "allocateLoadBalancerNodePorts: Required value"
    );
    assert_eq!(
        one(&with_spec("  loadBalancerClass: example.com/lb\n")),
        "spec.loadBalancerClass: Forbidden: may only be used when `type` is 'LoadBalancer'"
    );
    assert!(messages(&with_spec(
        "  type: LoadBalancer\n  loadBalancerClass: example.com/lb\n"
    ))
    .is_empty());
    assert_eq!(
        one(&with_spec("  type: LoadBalancer\n  loadBalancerClass: \"example.com/my lb\"\n")),
        "spec.loadBalancerClass: Invalid value: \"example.com/my lb\": name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')"
    );
    assert_eq!(
        messages(&with_spec("  loadBalancerSourceRanges: [\" 10.0.0.0/8 \", 10.0.0.0/33]\n")),
        vec![
            "spec.LoadBalancerSourceRanges: Forbidden: may only be used when `type` is 'LoadBalancer'".to_string(),
            "spec.LoadBalancerSourceRanges[1]: Invalid value: \"10.0.0.0/33\": must be a valid CIDR value, (e.g. 10.9.8.0/24 or 2001:db8::/64)".to_string(),
        ]
    );
    let ann = BASE.replace(
        "  name: my-service\n",
        "  name: my-service\n  annotations:\n    service.beta.kubernetes.io/load-balancer-source-ranges: \"10.0.0.0/8, bad\"\n",
    );
    assert_eq!(
        messages(&ann),
        vec![
            "metadata.annotations[service.beta.kubernetes.io/load-balancer-source-ranges]: Forbidden: may only be used when `type` is 'LoadBalancer'".to_string(),
            "metadata.annotations[service.beta.kubernetes.io/load-balancer-source-ranges]: Invalid value: \"bad\": must be a valid CIDR value, (e.g. 10.9.8.0/24 or 2001:db8::/64)".to_string(),
        ]
    );
}

#[test]
fn errors_come_in_kube_apiserver_order() {
    let text = "apiVersion: v1\nkind: Service\nmetadata:\n  name: Bad\nspec:\n  type: NodePort\n  externalTrafficPolicy: Nope\n  sessionAffinity: Sticky\n  ports:\n  - port: 0\n    protocol: tcp\n  - port: 0\n    protocol: tcp\n";
    let s = prepared(text);
    let errs = validate_service(&s);
    let fields: Vec<&str> = errs.iter().map(|e| e.field.as_str()).collect();
    assert_eq!(
        fields,
        vec![
            "metadata.name",
            "spec.ports[0].name",
            "spec.ports[0].port",
            "spec.ports[0].protocol",
            "spec.ports[0].targetPort",
            "spec.ports[1].name",
            "spec.ports[1].port",
            "spec.ports[1].protocol",
            "spec.ports[1].targetPort",
            "spec.sessionAffinity",
            "spec.ports[1]",
            "spec.externalTrafficPolicy",
        ]
    );
    assert!(kubectl_invalid("Service", "Bad", &errs).starts_with("The Service \"Bad\" is invalid: \n* metadata.name: Invalid value: \"Bad\": a DNS-1035 label"));
}

#[test]
fn update_rules() {
    let old = prepared(BASE);
    let mut new = old.clone();
    new.spec.cluster_ip = "10.96.0.99".into();
    new.spec.cluster_ips = vec!["10.96.0.99".into()];
    assert_eq!(
        validate_service_update(&new, &old)
            .iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>(),
        vec![
            "spec.clusterIPs[0]: Invalid value: []string{\"10.96.0.99\"}: may not change once set"
                .to_string()
        ]
    );
    // To/from headless and ExternalName is free of the immutability rule.
    let mut en = old.clone();
    en.spec.type_ = "ExternalName".into();
    en.spec.external_name = "db.example.com".into();
    en.spec.cluster_ip.clear();
    en.spec.cluster_ips.clear();
    en.spec.ip_families.clear();
    en.spec.ip_family_policy = None;
    en.spec.internal_traffic_policy = None;
    assert!(validate_service_update(&en, &old).is_empty());
    // Upgrade to dual-stack keeps the primary; downgrade needs SingleStack.
    let mut up = old.clone();
    up.spec.cluster_ips.push("fd00::10".into());
    up.spec.ip_families.push("IPv6".into());
    up.spec.ip_family_policy = Some("PreferDualStack".into());
    assert!(validate_service_update(&up, &old).is_empty());
    let mut down = old.clone();
    down.spec.ip_family_policy = Some("PreferDualStack".into());
    assert_eq!(
        validate_service_update(&down, &up)
            .iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>(),
        vec![
            "spec.ipFamilyPolicy: Invalid value: \"PreferDualStack\": must be set to 'SingleStack' when releasing the secondary clusterIP".to_string(),
            "spec.ipFamilyPolicy: Invalid value: \"PreferDualStack\": must be set to 'SingleStack' when releasing the secondary ipFamily".to_string(),
        ]
    );
    let mut fam = old.clone();
    fam.spec.ip_families = vec!["IPv6".into()];
    assert_eq!(
        validate_service_update(&fam, &old)[0].to_string(),
        "spec.ipFamilies[0]: Invalid value: []core.IPFamily{\"IPv6\"}: may not change once set"
    );

    let lb_old = prepared(&with_spec("  type: LoadBalancer\n  loadBalancerClass: example.com/a\n  externalTrafficPolicy: Local\n"));
    let mut lb_new = lb_old.clone();
    lb_new.spec.load_balancer_class = Some("example.com/b".into());
    lb_new.spec.health_check_node_port = 32001;
    assert_eq!(
        validate_service_update(&lb_new, &lb_old)
            .iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>(),
        vec![
            "spec.loadBalancerClass: Invalid value: \"example.com/b\": may not change once set"
                .to_string(),
            "spec.healthCheckNodePort: Forbidden: field is immutable".to_string(),
        ]
    );
    let mut unset = lb_old.clone();
    unset.spec.load_balancer_class = None;
    assert_eq!(
        validate_service_update(&unset, &lb_old)[0].to_string(),
        "spec.loadBalancerClass: Invalid value: \"null\": may not change once set"
    );
}

#[test]
fn load_balancer_status_rules() {
    let mut s = prepared(&with_spec("  type: LoadBalancer\n"));
    s.status.load_balancer.ingress = vec![
        LoadBalancerIngress {
            ip: "172.18.255.200".into(),
            ip_mode: Some("VIP".into()),
            ..Default::default()
        },
        LoadBalancerIngress {
            ip: "172.18.255.300".into(),
            ..Default::default()
        },
        LoadBalancerIngress {
            hostname: "10.0.0.1".into(),
            ip_mode: Some("Proxy".into()),
            ..Default::default()
        },
        LoadBalancerIngress {
            ip: "172.18.255.201".into(),
            ip_mode: Some("Direct".into()),
            ..Default::default()
        },
    ];
    let m: Vec<String> = validate_load_balancer_status(&s)
        .iter()
        .map(ToString::to_string)
        .collect();
    assert_eq!(
        m,
        vec![
            "status.loadBalancer.ingress[1].ip: Invalid value: \"172.18.255.300\": must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)".to_string(),
            "status.loadBalancer.ingress[1].ipMode: Required value: must be specified when `ip` is set".to_string(),
            "status.loadBalancer.ingress[2].ipMode: Forbidden: may not be specified when `ip` is not set".to_string(),
            "status.loadBalancer.ingress[2].hostname: Invalid value: \"10.0.0.1\": must be a DNS name, not an IP address".to_string(),
            "status.loadBalancer.ingress[3].ipMode: Unsupported value: \"Direct\": supported values: \"Proxy\", \"VIP\"".to_string(),
        ]
    );
    let mut c = prepared(BASE);
    c.status = s.status.clone();
    assert_eq!(
        validate_load_balancer_status(&c)[0].to_string(),
        "status.loadBalancer.ingress: Forbidden: may only be used when `spec.type` is 'LoadBalancer'"
    );
}

#[test]
fn odd_values_do_not_panic() {
    let mut s = Service::default();
    s.spec.ports.push(ServicePort {
        port: i32::MIN,
        node_port: i32::MAX,
        target_port: Some(IntOrString::Int(i32::MIN)),
        ..Default::default()
    });
    s.spec.cluster_ips = vec![String::new(), "None".into(), "::".into()];
    s.spec.external_ips = vec!["::ffff:127.0.0.1".into()];
    s.spec.type_ = "ExternalName".into();
    s.spec.external_name = ".".into();
    let _ = validate_service(&s);
    s.spec.type_ = "LoadBalancer".into();
    let _ = validate_service_update(&s, &Service::default());
    let _ = validate_load_balancer_status(&s);
}
