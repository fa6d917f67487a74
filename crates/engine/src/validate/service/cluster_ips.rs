//! A Service's addresses and IP families: `ValidateServiceClusterIPsRelatedFields` on create, and
//! on update `validateUpgradeDowngradeClusterIPs` / `validateUpgradeDowngradeIPFamilies`
//! (`pkg/apis/core/validation/validation.go`).

use super::{is_headless, opt_str, MAY_NOT_CHANGE};
use crate::api::core::Service;
use crate::validate::field::{go_quote, BadValue, ErrorList, FieldError};
use crate::validate::ip::{is_dual_stack_ip_strings, is_ipv6_string, validate_ip};

/// `supportedServiceIPFamily`.
const SUPPORTED_IP_FAMILIES: &[&str] = &["IPv4", "IPv6"];
/// `supportedServiceIPFamilyPolicy`.
const SUPPORTED_IP_FAMILY_POLICIES: &[&str] =
    &["PreferDualStack", "RequireDualStack", "SingleStack"];

/// Go's `%#v` of a `[]core.IPFamily`.
fn go_ipfamily_slice(v: &[String]) -> String {
    let items: Vec<String> = v.iter().map(|s| go_quote(s)).collect();
    if v.is_empty() {
        "[]core.IPFamily(nil)".to_string()
    } else {
        format!("[]core.IPFamily{{{}}}", items.join(", "))
    }
}

/// `ValidateServiceClusterIPsRelatedFields` (skipped for ExternalName, which is checked in
/// [`super::validate_service`]): `clusterIP` and `clusterIPs[0]` agree; `ipFamilies` are IPv4/IPv6
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
        let e = validate_ip(&format!("spec.clusterIPs[{i}]"), ip);
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
        match is_dual_stack_ip_strings(&spec.cluster_ips) {
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
            let v6 = is_ipv6_string(ip);
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

/// `validateUpgradeDowngradeClusterIPs`: the primary clusterIP never changes (a secondary may be
/// added, or released with `ipFamilyPolicy: SingleStack`), except to/from ExternalName and
/// between headless Services.
pub(super) fn validate_upgrade_downgrade_cluster_ips(old: &Service, svc: &Service) -> ErrorList {
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
pub(super) fn validate_upgrade_downgrade_ip_families(old: &Service, svc: &Service) -> ErrorList {
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
