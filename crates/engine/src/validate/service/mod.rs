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
mod tests;
