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
//!
//! This file keeps the entry points, so the order of the checks reads top to bottom, and the
//! `pkg/api/service/util.go` predicates. The rules they call live by subject: `ports` (one
//! port), `cluster_ips` (clusterIPs and IP families, on create and on update), `traffic`
//! (external and internal traffic policy, health-check port, traffic distribution) and
//! `load_balancer` (`loadBalancerClass` and the load-balancer status).

mod cluster_ips;
mod load_balancer;
mod ports;
mod traffic;

pub use cluster_ips::validate_cluster_ips_related_fields;
pub use load_balancer::validate_load_balancer_status;

use super::field::{BadValue, ErrorList, FieldError};
use super::ip::{validate_cidr, validate_ip, validate_non_special_ip};
use super::meta::{validate_labels, validate_object_meta, validate_object_meta_update};
use super::names;
use crate::api::core::Service;
use cluster_ips::{validate_upgrade_downgrade_cluster_ips, validate_upgrade_downgrade_ip_families};
use load_balancer::validate_load_balancer_class;
use ports::{go_service_port_key, validate_service_port};
use traffic::{
    validate_external_traffic_policy, validate_internal_traffic_fields_value,
    validate_traffic_distribution,
};

/// `core.MaxClientIPServiceAffinitySeconds` (one day).
pub const MAX_CLIENT_IP_SERVICE_AFFINITY_SECONDS: i32 = 86400;

const ANNOTATION_TOPOLOGY_MODE: &str = "service.kubernetes.io/topology-mode";
const DEPRECATED_ANNOTATION_TOPOLOGY_AWARE_HINTS: &str =
    "service.kubernetes.io/topology-aware-hints";
const ANNOTATION_LB_SOURCE_RANGES: &str = "service.beta.kubernetes.io/load-balancer-source-ranges";

/// `supportedSessionAffinityType`.
const SUPPORTED_SESSION_AFFINITY: &[&str] = &["ClientIP", "None"];
/// `supportedServiceType`.
const SUPPORTED_SERVICE_TYPES: &[&str] = &["ClusterIP", "ExternalName", "LoadBalancer", "NodePort"];

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

/// `isHeadlessService`: exactly `clusterIPs: [None]` (the registry copies `clusterIP` there).
fn is_headless(svc: &Service) -> bool {
    matches!(svc.spec.cluster_ips.as_slice(), [one] if one == "None")
}

/// An optional enum pointer as Kubernetes prints it: the dereferenced value, or `"null"` for nil
/// (`field.Error` renders a nil pointer as the string "null").
fn opt_str(v: &Option<String>) -> BadValue {
    BadValue::str(v.as_deref().unwrap_or("null"))
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
        let e = validate_ip(&p, ip);
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
            errs.extend(validate_cidr(&format!("{path}[{i}]"), v.trim()));
        }
    } else if let Some(val) = ann.get(ANNOTATION_LB_SOURCE_RANGES) {
        let path = format!("metadata.annotations[{ANNOTATION_LB_SOURCE_RANGES}]");
        if spec.type_ != "LoadBalancer" {
            errs.push(FieldError::forbidden(&path, ONLY_FOR_LB));
        }
        let val = val.trim();
        if !val.is_empty() {
            for v in val.split(',') {
                errs.extend(validate_cidr(&path, v.trim()));
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
    errs.extend(validate_internal_traffic_fields_value(svc));
    errs.extend(validate_traffic_distribution(svc));
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
    if old.needs_health_check()
        && new.needs_health_check()
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

/// `ValidateServiceStatusUpdate`: metadata update rules and [`validate_load_balancer_status`].
pub fn validate_service_status_update(new: &Service, old: &Service) -> ErrorList {
    let mut errs = validate_object_meta_update(&new.metadata, &old.metadata, "metadata");
    errs.extend(validate_load_balancer_status(new));
    errs
}

#[cfg(test)]
mod tests;
