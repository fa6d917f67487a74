//! ServiceCIDR and IPAddress (`pkg/apis/networking/validation/validation.go`:
//! `ValidateServiceCIDR`, `ValidateServiceCIDRUpdate`, `ValidateIPAddress`,
//! `ValidateIPAddressUpdate`), with the strict IP and CIDR checks of apimachinery 0.33 that these
//! new fields use.

use super::field::{BadValue, ErrorList, FieldError};
use super::ip::{is_valid_cidr_strict, is_valid_ip_strict, parse_cidr_sloppy};
use super::meta::{validate_object_meta, validate_object_meta_update};
use super::names::name_is_dns_subdomain;
use crate::api::networking::{IpAddress, ParentReference, ServiceCidr};

/// `FieldImmutableErrorMsg`.
const IMMUTABLE: &str = "field is immutable";

/// `ValidateServiceCIDR`: a DNS-subdomain name, then the CIDRs.
pub fn validate_service_cidr(sc: &ServiceCidr) -> ErrorList {
    let mut errs = validate_object_meta(&sc.metadata, false, name_is_dns_subdomain, "metadata");
    errs.extend(validate_cidrs(&sc.spec.cidrs));
    errs
}

/// `validateServiceCIDRSpec`: one or two CIDRs, each valid and canonical, one per family.
fn validate_cidrs(cidrs: &[String]) -> ErrorList {
    if cidrs.is_empty() {
        return vec![FieldError::required(
            "spec.cidrs",
            "at least one CIDR required",
        )];
    }
    if cidrs.len() > 2 {
        return vec![FieldError::invalid(
            "spec.cidrs",
            BadValue::string_slice(cidrs),
            "may only hold up to 2 values",
        )];
    }
    let mut errs: ErrorList = Vec::new();
    for (i, c) in cidrs.iter().enumerate() {
        errs.extend(
            is_valid_cidr_strict(c).into_iter().map(|m| {
                FieldError::invalid(format!("spec.cidrs[{i}]"), BadValue::str(c.clone()), m)
            }),
        );
    }
    if let [a, b] = cidrs {
        if let (Some(a), Some(b)) = (parse_cidr_sloppy(a), parse_cidr_sloppy(b)) {
            if a.is_ipv6() == b.is_ipv6() {
                errs.push(FieldError::invalid(
                    "spec.cidrs",
                    BadValue::string_slice(cidrs),
                    "may specify no more than one IP for each IP family, i.e 192.168.0.0/24 and 2001:db8::/64",
                ));
            }
        }
    }
    errs
}

/// `ValidateServiceCIDRUpdate`: the CIDRs are immutable, except that a single-stack
/// ServiceCIDR may gain a second CIDR (keeping its first) to become dual-stack.
pub fn validate_service_cidr_update(new: &ServiceCidr, old: &ServiceCidr) -> ErrorList {
    let mut errs = validate_object_meta_update(&new.metadata, &old.metadata, "metadata");
    let (n, o) = (&new.spec.cidrs, &old.spec.cidrs);
    if n.len() == o.len() {
        for (i, (a, b)) in n.iter().zip(o).enumerate() {
            if a != b {
                errs.push(FieldError::invalid(
                    format!("spec.cidrs[{i}]"),
                    BadValue::str(a.clone()),
                    IMMUTABLE,
                ));
            }
        }
    } else if o.len() == 1 && n.len() == 2 {
        if n[0] != o[0] {
            errs.push(FieldError::invalid(
                "spec.cidrs[0]",
                BadValue::str(n[0].clone()),
                IMMUTABLE,
            ));
        }
        errs.extend(validate_cidrs(n));
    } else {
        errs.push(FieldError::invalid(
            "spec.cidrs",
            BadValue::string_slice(n),
            IMMUTABLE,
        ));
    }
    errs
}

/// `ValidateIPAddress`: the name is the address in canonical form; a parent reference with a
/// resource and a name.
pub fn validate_ip_address(ip: &IpAddress) -> ErrorList {
    let mut errs = validate_object_meta(&ip.metadata, false, ip_address_name, "metadata");
    match &ip.spec.parent_ref {
        None => errs.push(FieldError::required("spec.parentRef", "")),
        Some(p) => errs.extend(validate_parent_ref(p)),
    }
    errs
}

/// `ValidateIPAddressUpdate`: the parent reference cannot change.
pub fn validate_ip_address_update(new: &IpAddress, old: &IpAddress) -> ErrorList {
    let mut errs = validate_object_meta_update(&new.metadata, &old.metadata, "metadata");
    errs.extend(validate_ip_address(new));
    if new.spec.parent_ref != old.spec.parent_ref {
        errs.push(FieldError::invalid(
            "spec.parentRef",
            BadValue::GoSyntax(go_parent_ref(new.spec.parent_ref.as_ref())),
            IMMUTABLE,
        ));
    }
    errs
}

/// `ValidateIPAddressName`: an IPAddress cannot be generated, and its name is an IP.
fn ip_address_name(name: &str, _prefix: bool) -> Vec<String> {
    is_valid_ip_strict(name)
}

/// `validateIPAddressParentReference`: group (when set) a DNS subdomain; resource and name
/// required; resource, name and namespace path segments.
fn validate_parent_ref(p: &ParentReference) -> ErrorList {
    let mut errs = Vec::new();
    if !p.group.is_empty() {
        errs.extend(
            super::names::is_dns1123_subdomain(&p.group)
                .into_iter()
                .map(|m| {
                    FieldError::invalid("spec.parentRef.group", BadValue::str(p.group.clone()), m)
                }),
        );
    }
    let segment = |errs: &mut ErrorList, field: &str, value: &str| {
        errs.extend(path_segment(value).into_iter().map(|m| {
            FieldError::invalid(
                format!("spec.parentRef.{field}"),
                BadValue::str(value.to_string()),
                m,
            )
        }));
    };
    if p.resource.is_empty() {
        errs.push(FieldError::required("spec.parentRef.resource", ""));
    } else {
        segment(&mut errs, "resource", &p.resource);
    }
    if p.name.is_empty() {
        errs.push(FieldError::required("spec.parentRef.name", ""));
    } else {
        segment(&mut errs, "name", &p.name);
    }
    if !p.namespace.is_empty() {
        segment(&mut errs, "namespace", &p.namespace);
    }
    errs
}

/// `path.IsValidPathSegmentName`.
fn path_segment(value: &str) -> Vec<String> {
    match value {
        "." => return vec!["may not be '.'".to_string()],
        ".." => return vec!["may not be '..'".to_string()],
        _ => {}
    }
    let mut out = Vec::new();
    if value.contains('/') {
        out.push("may not contain '/'".to_string());
    }
    if value.contains('%') {
        out.push("may not contain '%'".to_string());
    }
    out
}

/// Go's `%#v` of a `*networking.ParentReference`.
fn go_parent_ref(p: Option<&ParentReference>) -> String {
    use crate::quote::go_quote_capped as q;
    match p {
        None => "(*networking.ParentReference)(nil)".to_string(),
        Some(p) => format!(
            "&networking.ParentReference{{Group:{}, Resource:{}, Namespace:{}, Name:{}}}",
            q(&p.group),
            q(&p.resource),
            q(&p.namespace),
            q(&p.name)
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::Object;
    use crate::validate::testing::{decode, messages};

    fn cidr(yaml_cidrs: &str) -> ServiceCidr {
        let Object::ServiceCidr(sc) = decode(&format!(
            "apiVersion: networking.k8s.io/v1\nkind: ServiceCIDR\nmetadata:\n  name: newcidr1\nspec:\n  cidrs: {yaml_cidrs}\n"
        )) else {
            panic!("not a ServiceCIDR")
        };
        sc
    }

    #[test]
    fn service_cidr_spec_rules() {
        assert!(validate_service_cidr(&cidr("[10.96.0.0/24]")).is_empty());
        assert!(validate_service_cidr(&cidr("[10.96.0.0/24, 2001:db8::/112]")).is_empty());
        assert_eq!(
            messages(&validate_service_cidr(&cidr("[]"))),
            vec!["spec.cidrs: Required value: at least one CIDR required"]
        );
        assert_eq!(
            messages(&validate_service_cidr(&cidr("[10.0.0.0/24, 2001:db8::/64, 10.1.0.0/24]"))),
            vec!["spec.cidrs: Invalid value: []string{\"10.0.0.0/24\", \"2001:db8::/64\", \"10.1.0.0/24\"}: may only hold up to 2 values"]
        );
        assert_eq!(
            messages(&validate_service_cidr(&cidr("[10.0.0.0/24, 10.1.0.0/24]"))),
            vec!["spec.cidrs: Invalid value: []string{\"10.0.0.0/24\", \"10.1.0.0/24\"}: may specify no more than one IP for each IP family, i.e 192.168.0.0/24 and 2001:db8::/64"]
        );
        let one = |c: &str| messages(&validate_service_cidr(&cidr(&format!("[\"{c}\"]"))));
        assert_eq!(
            one("10.96.0.1/24"),
            vec!["spec.cidrs[0]: Invalid value: \"10.96.0.1/24\": must not have bits set beyond the prefix length"]
        );
        assert_eq!(
            one("010.96.0.0/24"),
            vec!["spec.cidrs[0]: Invalid value: \"010.96.0.0/24\": must not have leading 0s in IP or prefix length"]
        );
        assert_eq!(
            one("10.96.0.0/024"),
            vec!["spec.cidrs[0]: Invalid value: \"10.96.0.0/024\": must not have leading 0s in IP or prefix length"]
        );
        assert_eq!(
            one("2001:DB8::/64"),
            vec!["spec.cidrs[0]: Invalid value: \"2001:DB8::/64\": must be in canonical form (\"2001:db8::/64\")"]
        );
        assert_eq!(
            one("::ffff:10.0.0.0/120"),
            vec!["spec.cidrs[0]: Invalid value: \"::ffff:10.0.0.0/120\": must not have an IPv4-mapped IPv6 address"]
        );
        assert_eq!(
            one("10.96.0.0"),
            vec!["spec.cidrs[0]: Invalid value: \"10.96.0.0\": must be a valid CIDR value, (e.g. 10.9.8.0/24 or 2001:db8::/64)"]
        );
    }

    #[test]
    fn service_cidr_update_may_only_become_dual_stack() {
        let old = cidr("[10.96.0.0/24]");
        assert!(
            validate_service_cidr_update(&cidr("[10.96.0.0/24, 2001:db8::/112]"), &old).is_empty()
        );
        assert_eq!(
            messages(&validate_service_cidr_update(&cidr("[10.97.0.0/24]"), &old)),
            vec!["spec.cidrs[0]: Invalid value: \"10.97.0.0/24\": field is immutable"]
        );
        assert_eq!(
            messages(&validate_service_cidr_update(
                &cidr("[10.96.0.0/24]"),
                &cidr("[10.96.0.0/24, 2001:db8::/112]")
            )),
            vec!["spec.cidrs: Invalid value: []string{\"10.96.0.0/24\"}: field is immutable"]
        );
    }

    #[test]
    fn ip_address_rules() {
        let ip = |name: &str, parent: &str| {
            let Object::IpAddress(a) = decode(&format!(
                "apiVersion: networking.k8s.io/v1\nkind: IPAddress\nmetadata:\n  name: \"{name}\"\nspec:\n{parent}"
            )) else {
                panic!("not an IPAddress")
            };
            validate_ip_address(&a)
        };
        let svc = "  parentRef:\n    resource: services\n    namespace: default\n    name: web\n";
        assert!(ip("10.96.0.20", svc).is_empty());
        assert_eq!(
            messages(&ip("2001:db8:0:0:0::1", svc)),
            vec!["metadata.name: Invalid value: \"2001:db8:0:0:0::1\": must be in canonical form (\"2001:db8::1\")"]
        );
        assert_eq!(
            messages(&ip("10.96.0.020", svc)),
            vec!["metadata.name: Invalid value: \"10.96.0.020\": must not have leading 0s"]
        );
        assert_eq!(
            messages(&ip("10.96.0.20", "  {}\n")),
            vec!["spec.parentRef: Required value"]
        );
        assert_eq!(
            messages(&ip("10.96.0.20", "  parentRef:\n    resource: a/b\n")),
            vec![
                "spec.parentRef.resource: Invalid value: \"a/b\": may not contain '/'",
                "spec.parentRef.name: Required value"
            ]
        );
    }
}
