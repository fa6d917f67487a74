//! Where a Service's traffic may go: `validateServiceExternalTrafficPolicy` (with
//! `healthCheckNodePort`), `validateServiceInternalTrafficFieldsValue` and
//! `validateServiceTrafficDistribution` (`pkg/apis/core/validation/validation.go`).

use super::externally_accessible;
use crate::api::core::Service;
use crate::validate::field::{BadValue, ErrorList, FieldError};
use crate::validate::names;

/// `validExternalTrafficPolicies` / `supportedServiceInternalTrafficPolicy`.
const SUPPORTED_TRAFFIC_POLICIES: &[&str] = &["Cluster", "Local"];
/// `validateServiceTrafficDistribution` with `PreferSameTrafficDistribution` on (1.34 default),
/// in the order Kubernetes lists them (not sorted).
const SUPPORTED_TRAFFIC_DISTRIBUTION: &[&str] =
    &["PreferClose", "PreferSameZone", "PreferSameNode"];

/// `validateServiceExternalTrafficPolicy`: the policy only on externally-accessible Services
/// (and then required, Cluster or Local); `healthCheckNodePort` only (and then required, a port
/// number) for a LoadBalancer with `externalTrafficPolicy: Local`.
pub(super) fn validate_external_traffic_policy(svc: &Service) -> ErrorList {
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
    if !svc.needs_health_check() {
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

/// `validateServiceInternalTrafficFieldsValue`: `internalTrafficPolicy` is required on the types
/// that have a cluster IP, and is Cluster or Local.
pub(super) fn validate_internal_traffic_fields_value(svc: &Service) -> ErrorList {
    let spec = &svc.spec;
    let mut errs = Vec::new();
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
    errs
}

/// `validateServiceTrafficDistribution`: one of the supported values when set.
pub(super) fn validate_traffic_distribution(svc: &Service) -> ErrorList {
    let spec = &svc.spec;
    let mut errs = Vec::new();
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
