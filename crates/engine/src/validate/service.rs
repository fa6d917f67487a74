//! Service validation, rule for rule and in the order kube-apiserver checks them.
//!
//! Reproduces `ValidateService`, `validateServicePort`, `ValidateServiceClusterIPsRelatedFields`,
//! `validateServiceExternalTrafficPolicy`, `validateServiceInternalTrafficFieldsValue`,
//! `validateServiceTrafficDistribution`, `validateLoadBalancerClassField`,
//! `ValidateServiceUpdate` (with `validateUpgradeDowngradeClusterIPs`/`IPFamilies` and
//! `validateServiceExternalTrafficFieldsUpdate`) and `ValidateLoadBalancerStatus` from
//! `pkg/apis/core/validation/validation.go`, with `ExternallyAccessible` / `NeedsHealthCheck`
//! from `pkg/api/service/util.go`.
//!
//! [`validate_service`] expects what kube-apiserver validates: a defaulted Service
//! ([`super::defaults::default_service`]) whose clusterIPs, ipFamilies, ipFamilyPolicy and
//! nodePorts the allocator has filled. Feature gates are taken at their Kubernetes 1.34
//! defaults: `PreferSameTrafficDistribution` on (beta), `LoadBalancerIPMode` on (GA),
//! `AllowServiceLBStatusOnNonLB` off, `RelaxedServiceNameValidation` off (alpha).

use super::field::{go_quote, BadValue, ErrorList, FieldError};
use super::names;
use super::objects::{
    validate_labels, validate_non_special_ip, validate_object_meta, validate_object_meta_update,
};
use crate::api::core::{Service, ServicePort};

/// `core.MaxClientIPServiceAffinitySeconds` (one day).
pub const MAX_CLIENT_IP_SERVICE_AFFINITY_SECONDS: i32 = 86400;

const ANNOTATION_TOPOLOGY_MODE: &str = "service.kubernetes.io/topology-mode";
const DEPRECATED_ANNOTATION_TOPOLOGY_AWARE_HINTS: &str =
    "service.kubernetes.io/topology-aware-hints";
const ANNOTATION_LB_SOURCE_RANGES: &str = "service.beta.kubernetes.io/load-balancer-source-ranges";

/// `supportedPortProtocols`, as `sets.List` sorts it.
const SUPPORTED_PORT_PROTOCOLS: &[&str] = &["SCTP", "TCP", "UDP"];
/// `supportedSessionAffinityType`.
const SUPPORTED_SESSION_AFFINITY: &[&str] = &["ClientIP", "None"];
/// `supportedServiceType`.
const SUPPORTED_SERVICE_TYPES: &[&str] = &["ClusterIP", "ExternalName", "LoadBalancer", "NodePort"];
/// `supportedServiceIPFamily`.
const SUPPORTED_IP_FAMILIES: &[&str] = &["IPv4", "IPv6"];
/// `supportedServiceIPFamilyPolicy`.
const SUPPORTED_IP_FAMILY_POLICIES: &[&str] =
    &["PreferDualStack", "RequireDualStack", "SingleStack"];
/// `validExternalTrafficPolicies` / `supportedServiceInternalTrafficPolicy`.
const SUPPORTED_TRAFFIC_POLICIES: &[&str] = &["Cluster", "Local"];
/// `validateServiceTrafficDistribution` with `PreferSameTrafficDistribution` on (1.34 default),
/// in the order Kubernetes lists them (not sorted).
const SUPPORTED_TRAFFIC_DISTRIBUTION: &[&str] =
    &["PreferClose", "PreferSameZone", "PreferSameNode"];
/// `supportedLoadBalancerIPMode`.
const SUPPORTED_LB_IP_MODES: &[&str] = &["Proxy", "VIP"];

const ONLY_FOR_LB: &str = "may only be used when `type` is 'LoadBalancer'";
const MAY_NOT_CHANGE: &str = "may not change once set";

/// `service.ExternallyAccessible`: LoadBalancer, NodePort, or ClusterIP with externalIPs — the
/// Services for which `externalTrafficPolicy` means something.
pub fn externally_accessible(svc: &Service) -> bool {
    match svc.spec.type_.as_str() {
        "LoadBalancer" | "NodePort" => true,
        "ClusterIP" => !svc.spec.external_ips.is_empty(),
        _ => false,
    }
}

/// `service.RequestsOnlyLocalTraffic`: NodePort/LoadBalancer with `externalTrafficPolicy: Local`.
pub fn requests_only_local_traffic(svc: &Service) -> bool {
    matches!(svc.spec.type_.as_str(), "LoadBalancer" | "NodePort")
        && svc.spec.external_traffic_policy == "Local"
}

/// `service.NeedsHealthCheck`: a LoadBalancer with `externalTrafficPolicy: Local` gets a
/// `healthCheckNodePort` the cloud LB probes.
pub fn needs_health_check(svc: &Service) -> bool {
    svc.spec.type_ == "LoadBalancer" && requests_only_local_traffic(svc)
}

/// `isHeadlessService`: exactly `clusterIPs: [None]` (the registry copies `clusterIP` there).
fn is_headless(svc: &Service) -> bool {
    matches!(svc.spec.cluster_ips.as_slice(), [one] if one == "None")
}

/// Go's `%#v` of a `[]core.IPFamily`.
fn go_ipfamily_slice(v: &[String]) -> String {
    let items: Vec<String> = v.iter().map(|s| go_quote(s)).collect();
    if v.is_empty() {
        "[]core.IPFamily(nil)".to_string()
    } else {
        format!("[]core.IPFamily{{{}}}", items.join(", "))
    }
}

/// An optional enum pointer as Kubernetes prints it: the dereferenced value, or `"null"` for nil
/// (`field.Error` renders a nil pointer as the string "null").
fn opt_str(v: &Option<String>) -> BadValue {
    BadValue::str(v.as_deref().unwrap_or("null"))
}

/// Go's `%#v` of the `core.ServicePort{Protocol, Port}` key of the duplicate-port check.
fn go_service_port_key(p: &ServicePort) -> String {
    format!(
        "core.ServicePort{{Name:\"\", Protocol:{}, AppProtocol:(*string)(nil), Port:{}, TargetPort:intstr.IntOrString{{Type:0, IntVal:0, StrVal:\"\"}}, NodePort:0}}",
        go_quote(&p.protocol),
        p.port
    )
}

/// `validateServicePort`: the name (required when there are several ports, a DNS-1123 label,
/// unique), the port number, the protocol, the targetPort (a port number or an IANA service
/// name) and the appProtocol (a qualified name).
fn validate_service_port(
    sp: &ServicePort,
    require_name: bool,
    all_names: &mut std::collections::BTreeSet<String>,
    path: &str,
) -> ErrorList {
    let mut errs = Vec::new();
    let name_path = format!("{path}.name");
    if require_name && sp.name.is_empty() {
        errs.push(FieldError::required(&name_path, ""));
    } else if !sp.name.is_empty() {
        for m in names::is_dns1123_label(&sp.name) {
            errs.push(FieldError::invalid(&name_path, BadValue::str(&sp.name), m));
        }
        if !all_names.insert(sp.name.clone()) {
            errs.push(FieldError::duplicate(&name_path, BadValue::str(&sp.name)));
        }
    }
    for m in names::is_valid_port_num(i64::from(sp.port)) {
        errs.push(FieldError::invalid(
            format!("{path}.port"),
            BadValue::int(sp.port),
            m,
        ));
    }
    if sp.protocol.is_empty() {
        errs.push(FieldError::required(format!("{path}.protocol"), ""));
    } else if !SUPPORTED_PORT_PROTOCOLS.contains(&sp.protocol.as_str()) {
        errs.push(FieldError::not_supported(
            format!("{path}.protocol"),
            BadValue::str(&sp.protocol),
            SUPPORTED_PORT_PROTOCOLS,
        ));
    }
    // ValidatePortNumOrName (an unset targetPort is the zero int, as Go decodes it).
    let tp_path = format!("{path}.targetPort");
    match &sp.target_port {
        Some(crate::api::core::IntOrString::String(s)) => {
            for m in names::is_valid_port_name(s) {
                errs.push(FieldError::invalid(&tp_path, BadValue::str(s), m));
            }
        }
        Some(crate::api::core::IntOrString::Int(n)) => {
            for m in names::is_valid_port_num(i64::from(*n)) {
                errs.push(FieldError::invalid(&tp_path, BadValue::int(n), m));
            }
        }
        None => {
            for m in names::is_valid_port_num(0) {
                errs.push(FieldError::invalid(&tp_path, BadValue::int(0), m));
            }
        }
    }
    if let Some(ap) = &sp.app_protocol {
        for m in names::is_qualified_name(ap) {
            errs.push(FieldError::invalid(
                format!("{path}.appProtocol"),
                BadValue::str(ap),
                m,
            ));
        }
    }
    errs
}

/// `ValidateServiceClusterIPsRelatedFields` (skipped for ExternalName, which is checked in
/// [`validate_service`]): `clusterIP` and `clusterIPs[0]` agree; `ipFamilies` are IPv4/IPv6
/// without repeats; `ipFamilyPolicy` is supported; `None` only alone; each IP valid; at most two,
/// one per family; each IP of the family `ipFamilies` says. Also run by the allocator
/// (`initIPFamilyFields`) before it fills the family fields.
pub fn validate_cluster_ips_related_fields(svc: &Service) -> ErrorList {
    let spec = &svc.spec;
    if spec.type_ == "ExternalName" {
        return Vec::new();
    }
    let mut errs = Vec::new();
    let mut has_invalid_ips = false;
    let ips_value = || BadValue::string_slice(&spec.cluster_ips);

    if !spec.cluster_ip.is_empty() {
        match spec.cluster_ips.first() {
            None => errs.push(FieldError::required("spec.clusterIPs", "")),
            Some(first) if *first != spec.cluster_ip => errs.push(FieldError::invalid(
                "spec.clusterIPs",
                ips_value(),
                "first value must match `clusterIP`",
            )),
            Some(_) => {}
        }
    } else if !spec.cluster_ips.is_empty() {
        errs.push(FieldError::invalid(
            "spec.clusterIPs",
            ips_value(),
            "must be empty when `clusterIP` is not specified",
        ));
    }

    let mut seen = std::collections::BTreeSet::new();
    for (i, fam) in spec.ip_families.iter().enumerate() {
        let p = format!("spec.ipFamilies[{i}]");
        if !SUPPORTED_IP_FAMILIES.contains(&fam.as_str()) {
            errs.push(FieldError::not_supported(
                &p,
                BadValue::str(fam),
                SUPPORTED_IP_FAMILIES,
            ));
        }
        if !seen.insert(fam.as_str()) {
            errs.push(FieldError::duplicate(&p, BadValue::str(fam)));
        }
    }

    if let Some(policy) = &spec.ip_family_policy {
        if !SUPPORTED_IP_FAMILY_POLICIES.contains(&policy.as_str()) {
            errs.push(FieldError::not_supported(
                "spec.ipFamilyPolicy",
                BadValue::str(policy),
                SUPPORTED_IP_FAMILY_POLICIES,
            ));
        }
    }

    for (i, ip) in spec.cluster_ips.iter().enumerate() {
        if i == 0 && ip == "None" {
            if spec.cluster_ips.len() > 1 {
                has_invalid_ips = true;
                errs.push(FieldError::invalid(
                    "spec.clusterIPs",
                    ips_value(),
                    "'None' must be the first and only value",
                ));
            }
            continue;
        }
        let e = names::validate_ip(&format!("spec.clusterIPs[{i}]"), ip);
        has_invalid_ips |= !e.is_empty();
        errs.extend(e);
    }

    if spec.cluster_ips.len() > 2 {
        errs.push(FieldError::invalid(
            "spec.clusterIPs",
            ips_value(),
            "may only hold up to 2 values",
        ));
    }

    // Invalid or misplaced values would skew the family checks: stop here, as Kubernetes does.
    if has_invalid_ips {
        return errs;
    }

    if spec.cluster_ips.len() > 1 {
        match names::is_dual_stack_ip_strings(&spec.cluster_ips) {
            None => errs.push(FieldError::internal(
                "spec.clusterIPs",
                "failed to check for dual stack with error:failed to parse IP",
            )),
            Some(false) => errs.push(FieldError::invalid(
                "spec.clusterIPs",
                ips_value(),
                "may specify no more than one IP for each IP family",
            )),
            Some(true) => {}
        }
    }

    if !is_headless(svc) && !spec.cluster_ips.is_empty() && !spec.ip_families.is_empty() {
        for (i, (ip, fam)) in spec.cluster_ips.iter().zip(&spec.ip_families).enumerate() {
            let v6 = names::is_ipv6_string(ip);
            if fam == "IPv4" && v6 {
                errs.push(FieldError::invalid(
                    format!("spec.clusterIPs[{i}]"),
                    BadValue::str(ip),
                    format!("expected an IPv4 value as indicated by `ipFamilies[{i}]`"),
                ));
            }
            if fam == "IPv6" && !v6 {
                errs.push(FieldError::invalid(
                    format!("spec.clusterIPs[{i}]"),
                    BadValue::str(ip),
                    format!("expected an IPv6 value as indicated by `ipFamilies[{i}]`"),
                ));
            }
        }
    }
    errs
}

/// `validateLoadBalancerClassField`: on update LB→LB the class may not change; on a
/// LoadBalancer it must be a qualified name; on any other type it is forbidden.
fn validate_load_balancer_class(old: Option<&Service>, svc: &Service) -> ErrorList {
    let mut errs = Vec::new();
    let is_lb = |s: &Service| s.spec.type_ == "LoadBalancer";
    if let Some(old) = old {
        if is_lb(old) && is_lb(svc) && old.spec.load_balancer_class != svc.spec.load_balancer_class
        {
            errs.push(FieldError::invalid(
                "spec.loadBalancerClass",
                opt_str(&svc.spec.load_balancer_class),
                MAY_NOT_CHANGE,
            ));
        }
    }
    if let Some(class) = &svc.spec.load_balancer_class {
        if is_lb(svc) {
            for m in names::is_qualified_name(class) {
                errs.push(FieldError::invalid(
                    "spec.loadBalancerClass",
                    BadValue::str(class),
                    m,
                ));
            }
        } else {
            errs.push(FieldError::forbidden("spec.loadBalancerClass", ONLY_FOR_LB));
        }
    }
    errs
}

/// `validateServiceExternalTrafficPolicy`: the policy only on externally-accessible Services
/// (and then required, Cluster or Local); `healthCheckNodePort` only (and then required, a port
/// number) for a LoadBalancer with `externalTrafficPolicy: Local`.
fn validate_external_traffic_policy(svc: &Service) -> ErrorList {
    let mut errs = Vec::new();
    let etp = &svc.spec.external_traffic_policy;
    if !externally_accessible(svc) {
        if !etp.is_empty() {
            errs.push(FieldError::invalid(
                "spec.externalTrafficPolicy",
                BadValue::str(etp),
                "may only be set for externally-accessible services",
            ));
        }
    } else if etp.is_empty() {
        errs.push(FieldError::required("spec.externalTrafficPolicy", ""));
    } else if !SUPPORTED_TRAFFIC_POLICIES.contains(&etp.as_str()) {
        errs.push(FieldError::not_supported(
            "spec.externalTrafficPolicy",
            BadValue::str(etp),
            SUPPORTED_TRAFFIC_POLICIES,
        ));
    }
    let hc = svc.spec.health_check_node_port;
    if !needs_health_check(svc) {
        if hc != 0 {
            errs.push(FieldError::invalid(
                "spec.healthCheckNodePort",
                BadValue::int(hc),
                "may only be set when `type` is 'LoadBalancer' and `externalTrafficPolicy` is 'Local'",
            ));
        }
    } else if hc == 0 {
        errs.push(FieldError::required("spec.healthCheckNodePort", ""));
    } else {
        for m in names::is_valid_port_num(i64::from(hc)) {
            errs.push(FieldError::invalid(
                "spec.healthCheckNodePort",
                BadValue::int(hc),
                m,
            ));
        }
    }
    errs
}

/// `ValidateService` (run on create, and on update after the update-only checks): metadata,
/// then the spec rules in kube-apiserver's order. See the module docs for what it expects.
///
/// Kubernetes also lists every error, including repeats; `field::dedup` gives the Status
/// message's de-duplicated form.
pub fn validate_service(svc: &Service) -> ErrorList {
    let spec = &svc.spec;
    let mut errs = validate_object_meta(
        &svc.metadata,
        true,
        names::name_is_dns1035_label,
        "metadata",
    );

    let ann = &svc.metadata.annotations;
    if let (Some(mode), Some(hints)) = (
        ann.get(ANNOTATION_TOPOLOGY_MODE),
        ann.get(DEPRECATED_ANNOTATION_TOPOLOGY_AWARE_HINTS),
    ) {
        if mode != hints {
            errs.push(FieldError::invalid(
                format!("metadata.annotations[{ANNOTATION_TOPOLOGY_MODE}]"),
                BadValue::str(mode),
                format!("must match annotations[{DEPRECATED_ANNOTATION_TOPOLOGY_AWARE_HINTS}] when both are specified"),
            ));
        }
    }

    let headless = is_headless(svc);
    if spec.ports.is_empty() && !headless && spec.type_ != "ExternalName" {
        errs.push(FieldError::required("spec.ports", ""));
    }
    match spec.type_.as_str() {
        "LoadBalancer" if headless => errs.push(FieldError::invalid(
            "spec.clusterIPs[0]",
            BadValue::str("None"),
            "may not be set to 'None' for LoadBalancer services",
        )),
        "NodePort" if headless => errs.push(FieldError::invalid(
            "spec.clusterIPs[0]",
            BadValue::str("None"),
            "may not be set to 'None' for NodePort services",
        )),
        "ExternalName" => {
            if !spec.cluster_ips.is_empty() {
                errs.push(FieldError::forbidden(
                    "spec.clusterIPs",
                    "may not be set for ExternalName services",
                ));
            }
            if !spec.ip_families.is_empty() {
                errs.push(FieldError::forbidden(
                    "spec.ipFamilies",
                    "may not be set for ExternalName services",
                ));
            }
            if spec.ip_family_policy.is_some() {
                errs.push(FieldError::forbidden(
                    "spec.ipFamilyPolicy",
                    "may not be set for ExternalName services",
                ));
            }
            // One trailing dot marks a fully qualified name.
            let cname = spec
                .external_name
                .strip_suffix('.')
                .unwrap_or(&spec.external_name);
            if cname.is_empty() {
                errs.push(FieldError::required("spec.externalName", ""));
            } else {
                for m in names::is_dns1123_subdomain(cname) {
                    errs.push(FieldError::invalid(
                        "spec.externalName",
                        BadValue::str(cname),
                        m,
                    ));
                }
            }
        }
        _ => {}
    }

    let mut all_names = std::collections::BTreeSet::new();
    let require_name = spec.ports.len() > 1;
    for (i, p) in spec.ports.iter().enumerate() {
        errs.extend(validate_service_port(
            p,
            require_name,
            &mut all_names,
            &format!("spec.ports[{i}]"),
        ));
    }

    errs.extend(validate_labels(&spec.selector, "spec.selector"));

    let affinity = &spec.session_affinity;
    if affinity.is_empty() {
        errs.push(FieldError::required("spec.sessionAffinity", ""));
    } else if !SUPPORTED_SESSION_AFFINITY.contains(&affinity.as_str()) {
        errs.push(FieldError::not_supported(
            "spec.sessionAffinity",
            BadValue::str(affinity),
            SUPPORTED_SESSION_AFFINITY,
        ));
    }
    if affinity == "ClientIP" {
        // validateClientIPAffinityConfig
        let cfg_path = "spec.sessionAffinityConfig";
        let required = "when session affinity type is ClientIP";
        match &spec.session_affinity_config {
            None => errs.push(FieldError::required(cfg_path, required)),
            Some(cfg) => match &cfg.client_ip {
                None => errs.push(FieldError::required(
                    format!("{cfg_path}.clientIP"),
                    required,
                )),
                Some(ci) => match ci.timeout_seconds {
                    None => errs.push(FieldError::required(
                        format!("{cfg_path}.clientIP.timeoutSeconds"),
                        required,
                    )),
                    Some(t) if t <= 0 || t > MAX_CLIENT_IP_SERVICE_AFFINITY_SECONDS => {
                        errs.push(FieldError::invalid(
                            format!("{cfg_path}.clientIP.timeoutSeconds"),
                            BadValue::int(t),
                            format!(
                                "must be greater than 0 and less than {MAX_CLIENT_IP_SERVICE_AFFINITY_SECONDS}"
                            ),
                        ));
                    }
                    Some(_) => {}
                },
            },
        }
    } else if affinity == "None" && spec.session_affinity_config.is_some() {
        errs.push(FieldError::forbidden(
            "spec.sessionAffinityConfig",
            "must not be set when session affinity is None",
        ));
    }

    errs.extend(validate_cluster_ips_related_fields(svc));

    for (i, ip) in spec.external_ips.iter().enumerate() {
        let p = format!("spec.externalIPs[{i}]");
        let e = names::validate_ip(&p, ip);
        if e.is_empty() {
            errs.extend(validate_non_special_ip(ip, &p));
        } else {
            errs.extend(e);
        }
    }

    if spec.type_.is_empty() {
        errs.push(FieldError::required("spec.type", ""));
    } else if !SUPPORTED_SERVICE_TYPES.contains(&spec.type_.as_str()) {
        errs.push(FieldError::not_supported(
            "spec.type",
            BadValue::str(&spec.type_),
            SUPPORTED_SERVICE_TYPES,
        ));
    }

    if spec.type_ == "ClusterIP" {
        for (i, p) in spec.ports.iter().enumerate() {
            if p.node_port != 0 {
                errs.push(FieldError::forbidden(
                    format!("spec.ports[{i}].nodePort"),
                    "may not be used when `type` is 'ClusterIP'",
                ));
            }
        }
    }

    // Duplicate nodePorts, by (protocol, nodePort).
    let mut node_ports = std::collections::BTreeSet::new();
    for (i, p) in spec.ports.iter().enumerate() {
        if p.node_port == 0 {
            continue;
        }
        if !node_ports.insert((p.protocol.as_str(), p.node_port)) {
            errs.push(FieldError::duplicate(
                format!("spec.ports[{i}].nodePort"),
                BadValue::int(p.node_port),
            ));
        }
    }
    // Duplicate ports, by (protocol, port).
    let mut ports = std::collections::BTreeSet::new();
    for (i, p) in spec.ports.iter().enumerate() {
        if !ports.insert((p.protocol.as_str(), p.port)) {
            errs.push(FieldError::duplicate(
                format!("spec.ports[{i}]"),
                BadValue::GoSyntax(go_service_port_key(p)),
            ));
        }
    }

    // Source ranges: the field (path spelled `LoadBalancerSourceRanges` by Kubernetes), or the
    // legacy annotation when the field is empty. Values may be space-padded.
    if !spec.load_balancer_source_ranges.is_empty() {
        let path = "spec.LoadBalancerSourceRanges";
        if spec.type_ != "LoadBalancer" {
            errs.push(FieldError::forbidden(path, ONLY_FOR_LB));
        }
        for (i, v) in spec.load_balancer_source_ranges.iter().enumerate() {
            errs.extend(names::validate_cidr(&format!("{path}[{i}]"), v.trim()));
        }
    } else if let Some(val) = ann.get(ANNOTATION_LB_SOURCE_RANGES) {
        let path = format!("metadata.annotations[{ANNOTATION_LB_SOURCE_RANGES}]");
        if spec.type_ != "LoadBalancer" {
            errs.push(FieldError::forbidden(&path, ONLY_FOR_LB));
        }
        let val = val.trim();
        if !val.is_empty() {
            for v in val.split(',') {
                errs.extend(names::validate_cidr(&path, v.trim()));
            }
        }
    }

    if spec.allocate_load_balancer_node_ports.is_some() && spec.type_ != "LoadBalancer" {
        errs.push(FieldError::forbidden(
            "spec.allocateLoadBalancerNodePorts",
            ONLY_FOR_LB,
        ));
    }
    if spec.type_ == "LoadBalancer" && spec.allocate_load_balancer_node_ports.is_none() {
        // Kubernetes builds this path without the `spec.` prefix.
        errs.push(FieldError::required("allocateLoadBalancerNodePorts", ""));
    }

    errs.extend(validate_load_balancer_class(None, svc));
    errs.extend(validate_external_traffic_policy(svc));

    // validateServiceInternalTrafficFieldsValue
    match &spec.internal_traffic_policy {
        None => {
            if matches!(
                spec.type_.as_str(),
                "NodePort" | "LoadBalancer" | "ClusterIP"
            ) {
                errs.push(FieldError::required("spec.internalTrafficPolicy", ""));
            }
        }
        Some(itp) if !SUPPORTED_TRAFFIC_POLICIES.contains(&itp.as_str()) => {
            errs.push(FieldError::not_supported(
                "spec.internalTrafficPolicy",
                BadValue::str(itp),
                SUPPORTED_TRAFFIC_POLICIES,
            ));
        }
        Some(_) => {}
    }

    // validateServiceTrafficDistribution
    if let Some(td) = &spec.traffic_distribution {
        if !SUPPORTED_TRAFFIC_DISTRIBUTION.contains(&td.as_str()) {
            errs.push(FieldError::not_supported(
                "spec.trafficDistribution",
                BadValue::str(td),
                SUPPORTED_TRAFFIC_DISTRIBUTION,
            ));
        }
    }
    errs
}

/// `validateUpgradeDowngradeClusterIPs`: the primary clusterIP never changes (a secondary may be
/// added, or released with `ipFamilyPolicy: SingleStack`), except to/from ExternalName and
/// between headless Services.
fn validate_upgrade_downgrade_cluster_ips(old: &Service, svc: &Service) -> ErrorList {
    let mut errs = Vec::new();
    if svc.spec.type_ == "ExternalName" || old.spec.type_ == "ExternalName" {
        return errs;
    }
    if is_headless(old) && is_headless(svc) {
        return errs;
    }
    let (o, n) = (&old.spec.cluster_ips, &svc.spec.cluster_ips);
    let new_value = || BadValue::string_slice(n);
    if o.len() == n.len() {
        for (i, (a, b)) in o.iter().zip(n).enumerate() {
            if a != b {
                errs.push(FieldError::invalid(
                    format!("spec.clusterIPs[{i}]"),
                    new_value(),
                    MAY_NOT_CHANGE,
                ));
            }
        }
    } else if o.len() > n.len() {
        if n.is_empty() {
            errs.push(FieldError::invalid(
                "spec.clusterIPs[0]",
                new_value(),
                "primary clusterIP can not be unset",
            ));
        }
        if let (Some(a), Some(b)) = (o.first(), n.first()) {
            if a != b {
                errs.push(FieldError::invalid(
                    "spec.clusterIPs[0]",
                    new_value(),
                    MAY_NOT_CHANGE,
                ));
            }
        }
        if n.len() == 1 && svc.spec.ip_family_policy.as_deref() != Some("SingleStack") {
            errs.push(FieldError::invalid(
                "spec.ipFamilyPolicy",
                opt_str(&svc.spec.ip_family_policy),
                "must be set to 'SingleStack' when releasing the secondary clusterIP",
            ));
        }
    } else if let (Some(a), Some(b)) = (o.first(), n.first()) {
        if a != b {
            errs.push(FieldError::invalid(
                "spec.clusterIPs[0]",
                new_value(),
                MAY_NOT_CHANGE,
            ));
        }
    }
    errs
}

/// `validateUpgradeDowngradeIPFamilies`: like the clusterIPs rule, for `ipFamilies` (headless
/// Services, and changes to/from headless or ExternalName, are free). Kubernetes reports some of
/// these with the clusterIPs as the value; that is kept.
fn validate_upgrade_downgrade_ip_families(old: &Service, svc: &Service) -> ErrorList {
    let mut errs = Vec::new();
    if svc.spec.type_ == "ExternalName" || old.spec.type_ == "ExternalName" {
        return errs;
    }
    let (old_headless, new_headless) = (is_headless(old), is_headless(svc));
    if old_headless != new_headless || new_headless {
        return errs;
    }
    let (o, n) = (&old.spec.ip_families, &svc.spec.ip_families);
    if o.len() == n.len() {
        for (a, b) in o.iter().zip(n) {
            if a != b {
                errs.push(FieldError::invalid(
                    "spec.ipFamilies[0]",
                    BadValue::GoSyntax(go_ipfamily_slice(n)),
                    MAY_NOT_CHANGE,
                ));
            }
        }
    } else if o.len() > n.len() {
        if svc.spec.cluster_ips.is_empty() {
            errs.push(FieldError::invalid(
                "spec.ipFamilies[0]",
                BadValue::GoSyntax(go_ipfamily_slice(n)),
                "primary ipFamily can not be unset",
            ));
        }
        if let (Some(a), Some(b)) = (o.first(), n.first()) {
            if a != b {
                errs.push(FieldError::invalid(
                    "spec.ipFamilies[0]",
                    BadValue::string_slice(&svc.spec.cluster_ips),
                    MAY_NOT_CHANGE,
                ));
            }
        }
        if n.len() == 1 && svc.spec.ip_family_policy.as_deref() != Some("SingleStack") {
            errs.push(FieldError::invalid(
                "spec.ipFamilyPolicy",
                opt_str(&svc.spec.ip_family_policy),
                "must be set to 'SingleStack' when releasing the secondary ipFamily",
            ));
        }
    } else if let (Some(a), Some(b)) = (o.first(), n.first()) {
        if a != b {
            errs.push(FieldError::invalid(
                "spec.ipFamilies[0]",
                BadValue::string_slice(&svc.spec.cluster_ips),
                MAY_NOT_CHANGE,
            ));
        }
    }
    errs
}

/// `ValidateServiceUpdate`: metadata update rules, clusterIPs and ipFamilies immutability (see
/// the two helpers), `loadBalancerClass` fixed while LB→LB, `healthCheckNodePort` fixed while
/// both need one, then the whole [`validate_service`] of the new object.
pub fn validate_service_update(new: &Service, old: &Service) -> ErrorList {
    let mut errs = validate_object_meta_update(&new.metadata, &old.metadata, "metadata");
    errs.extend(validate_upgrade_downgrade_cluster_ips(old, new));
    errs.extend(validate_upgrade_downgrade_ip_families(old, new));
    // The update half of validateLoadBalancerClassField; the create half runs again inside
    // ValidateService below, exactly as in Kubernetes (its errors then appear twice).
    errs.extend(validate_load_balancer_class(Some(old), new));
    if needs_health_check(old)
        && needs_health_check(new)
        && new.spec.health_check_node_port != old.spec.health_check_node_port
    {
        errs.push(FieldError::forbidden(
            "spec.healthCheckNodePort",
            "field is immutable",
        ));
    }
    errs.extend(validate_service(new));
    errs
}

/// `ValidateLoadBalancerStatus` on `status.loadBalancer` (the status subresource, which the
/// load-balancer controller writes; on create kube-apiserver drops any user-set status): ingress
/// only on LoadBalancer Services; each ingress IP valid and with an `ipMode` (VIP or Proxy),
/// no `ipMode` without an IP; a hostname is a DNS-1123 subdomain and not an IP.
pub fn validate_load_balancer_status(svc: &Service) -> ErrorList {
    let mut errs = Vec::new();
    let ingress = &svc.status.load_balancer.ingress;
    let path = "status.loadBalancer.ingress";
    if svc.spec.type_ != "LoadBalancer" && !ingress.is_empty() {
        errs.push(FieldError::forbidden(
            path,
            "may only be used when `spec.type` is 'LoadBalancer'",
        ));
        return errs;
    }
    for (i, ing) in ingress.iter().enumerate() {
        let ip = format!("{path}[{i}]");
        if !ing.ip.is_empty() {
            errs.extend(names::validate_ip(&format!("{ip}.ip"), &ing.ip));
        }
        match &ing.ip_mode {
            None => {
                if !ing.ip.is_empty() {
                    errs.push(FieldError::required(
                        format!("{ip}.ipMode"),
                        "must be specified when `ip` is set",
                    ));
                }
            }
            Some(_) if ing.ip.is_empty() => errs.push(FieldError::forbidden(
                format!("{ip}.ipMode"),
                "may not be specified when `ip` is not set",
            )),
            Some(mode) if !SUPPORTED_LB_IP_MODES.contains(&mode.as_str()) => {
                errs.push(FieldError::not_supported(
                    format!("{ip}.ipMode"),
                    BadValue::str(mode),
                    SUPPORTED_LB_IP_MODES,
                ));
            }
            Some(_) => {}
        }
        if !ing.hostname.is_empty() {
            for m in names::is_dns1123_subdomain(&ing.hostname) {
                errs.push(FieldError::invalid(
                    format!("{ip}.hostname"),
                    BadValue::str(&ing.hostname),
                    m,
                ));
            }
            if names::parse_ip_sloppy(&ing.hostname).is_some() {
                errs.push(FieldError::invalid(
                    format!("{ip}.hostname"),
                    BadValue::str(&ing.hostname),
                    "must be a DNS name, not an IP address",
                ));
            }
        }
    }
    errs
}

/// `ValidateServiceStatusUpdate`: metadata update rules and [`validate_load_balancer_status`].
pub fn validate_service_status_update(new: &Service, old: &Service) -> ErrorList {
    let mut errs = validate_object_meta_update(&new.metadata, &old.metadata, "metadata");
    errs.extend(validate_load_balancer_status(new));
    errs
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::core::{
        ClientIpConfig, IntOrString, LoadBalancerIngress, SessionAffinityConfig,
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
        let no_ports = "apiVersion: v1\nkind: Service\nmetadata:\n  name: s\nspec:\n  selector:\n    app: web\n";
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
        let m = messages(&with_spec("  externalIPs: [203.0.113.10, 127.0.0.1, \"0.0.0.0\", fe80::1, 224.0.0.5, not-an-ip]\n"));
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
            one(&with_spec("  type: LoadBalancer\n  externalTrafficPolicy: Local\n  healthCheckNodePort: 70000\n")),
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
            vec!["spec.clusterIPs[0]: Invalid value: []string{\"10.96.0.99\"}: may not change once set".to_string()]
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
}
