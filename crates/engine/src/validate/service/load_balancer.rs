//! What only a LoadBalancer Service may carry: `validateLoadBalancerClassField` and, on the status
//! subresource, `ValidateLoadBalancerStatus` (`pkg/apis/core/validation/validation.go`).

use super::{opt_str, MAY_NOT_CHANGE, ONLY_FOR_LB};
use crate::api::core::Service;
use crate::validate::field::{BadValue, ErrorList, FieldError};
use crate::validate::ip::{parse_ip_sloppy, validate_ip};
use crate::validate::names;

/// `supportedLoadBalancerIPMode`.
const SUPPORTED_LB_IP_MODES: &[&str] = &["Proxy", "VIP"];

/// `validateLoadBalancerClassField`: on update LB→LB the class may not change; on a
/// LoadBalancer it must be a qualified name; on any other type it is forbidden.
pub(super) fn validate_load_balancer_class(old: Option<&Service>, svc: &Service) -> ErrorList {
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
            errs.extend(validate_ip(&format!("{ip}.ip"), &ing.ip));
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
            if parse_ip_sloppy(&ing.hostname).is_some() {
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
