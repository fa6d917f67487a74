//! Hand-written v1 `Endpoints`: `ValidateEndpoints` (`pkg/apis/core/validation/validation.go`)
//! — the name, and each subset: an address (ready or not) at least, each address a valid IP
//! that is not special (`ValidateEndpointIP`), its hostname a DNS-1123 label, its node name a
//! DNS-1123 subdomain that an update may not change for the same IP, and the ports (named
//! when there are several, in range, with a supported protocol).

use super::field::{each_invalid, BadValue, ErrorList, FieldError};
use super::ip::{validate_ip, validate_non_special_ip};
use super::meta::validate_object_meta;
use super::names;
use super::SUPPORTED_PORT_PROTOCOLS;
use crate::api::core::{EndpointAddress, Endpoints, EndpointsPort};
use std::collections::BTreeMap;

/// `ValidateEndpointsCreate` (`old` None) or `ValidateEndpointsUpdate`.
pub fn validate_endpoints(e: &Endpoints, old: Option<&Endpoints>) -> ErrorList {
    let mut errs =
        validate_object_meta(&e.metadata, true, names::name_is_dns_subdomain, "metadata");
    // `buildEndpointAddressNodeNameMap` of the old subsets.
    let mut node_of: BTreeMap<&str, &str> = BTreeMap::new();
    for s in old.map_or(&[][..], |o| o.subsets.as_slice()) {
        for a in s.addresses.iter().chain(&s.not_ready_addresses) {
            if let Some(n) = &a.node_name {
                node_of.insert(&a.ip, n);
            }
        }
    }
    for (i, ss) in e.subsets.iter().enumerate() {
        let path = format!("subsets[{i}]");
        if ss.addresses.is_empty() && ss.not_ready_addresses.is_empty() {
            errs.push(FieldError::required(
                path.as_str(),
                "must specify `addresses` or `notReadyAddresses`",
            ));
        }
        for (j, a) in ss.addresses.iter().enumerate() {
            errs.extend(validate_address(
                a,
                &format!("{path}.addresses[{j}]"),
                &node_of,
            ));
        }
        for (j, a) in ss.not_ready_addresses.iter().enumerate() {
            errs.extend(validate_address(
                a,
                &format!("{path}.notReadyAddresses[{j}]"),
                &node_of,
            ));
        }
        for (j, p) in ss.ports.iter().enumerate() {
            errs.extend(validate_port(
                p,
                ss.ports.len() > 1,
                &format!("{path}.ports[{j}]"),
            ));
        }
    }
    errs
}

/// `validateEndpointAddress`: the special-range checks only once the rest is valid.
fn validate_address(a: &EndpointAddress, path: &str, node_of: &BTreeMap<&str, &str>) -> ErrorList {
    let mut errs = validate_ip(&format!("{path}.ip"), &a.ip);
    if !a.hostname.is_empty() {
        errs.extend(each_invalid(
            &format!("{path}.hostname"),
            &a.hostname,
            names::is_dns1123_label(&a.hostname),
        ));
    }
    if let Some(node) = &a.node_name {
        errs.extend(each_invalid(
            &format!("{path}.nodeName"),
            node,
            names::is_dns1123_subdomain(node),
        ));
        if let Some(was) = node_of.get(a.ip.as_str()) {
            if *was != node.as_str() {
                errs.push(FieldError::forbidden(
                    format!("{path}.nodeName"),
                    format!("Cannot change NodeName for {} to {node}", a.ip),
                ));
            }
        }
    }
    if errs.is_empty() {
        errs.extend(validate_non_special_ip(&a.ip, &format!("{path}.ip")));
    }
    errs
}

/// `validateEndpointPort`.
fn validate_port(p: &EndpointsPort, require_name: bool, path: &str) -> ErrorList {
    let mut errs = Vec::new();
    if require_name && p.name.is_empty() {
        errs.push(FieldError::required(format!("{path}.name"), ""));
    } else if !p.name.is_empty() {
        errs.extend(each_invalid(
            &format!("{path}.name"),
            &p.name,
            names::is_dns1123_label(&p.name),
        ));
    }
    for m in names::is_valid_port_num(i64::from(p.port)) {
        errs.push(FieldError::invalid(
            format!("{path}.port"),
            BadValue::int(p.port),
            m,
        ));
    }
    if p.protocol.is_empty() {
        errs.push(FieldError::required(format!("{path}.protocol"), ""));
    } else if !SUPPORTED_PORT_PROTOCOLS.contains(&p.protocol.as_str()) {
        errs.push(FieldError::not_supported(
            format!("{path}.protocol"),
            BadValue::str(&p.protocol),
            SUPPORTED_PORT_PROTOCOLS,
        ));
    }
    errs
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::core::EndpointSubset;

    fn addr(ip: &str) -> EndpointAddress {
        EndpointAddress {
            ip: ip.to_string(),
            ..Default::default()
        }
    }

    fn messages(e: &Endpoints, old: Option<&Endpoints>) -> Vec<String> {
        validate_endpoints(e, old)
            .iter()
            .map(ToString::to_string)
            .collect()
    }

    #[test]
    fn endpoints_rules() {
        let mut e = Endpoints::default();
        e.metadata.name = "db".into();
        e.subsets = vec![
            EndpointSubset {
                addresses: vec![addr("10.4.5.6"), addr("not-an-ip"), addr("127.0.0.1")],
                ports: vec![
                    EndpointsPort {
                        port: 5432,
                        protocol: "TCP".into(),
                        ..Default::default()
                    },
                    EndpointsPort {
                        name: "Metrics".into(),
                        port: 0,
                        protocol: "ICMP".into(),
                        ..Default::default()
                    },
                ],
                ..Default::default()
            },
            EndpointSubset::default(),
        ];
        assert_eq!(
            messages(&e, None),
            vec![
                "subsets[0].addresses[1].ip: Invalid value: \"not-an-ip\": must be a valid IP address, (e.g. 10.9.8.7 or 2001:db8::ffff)",
                "subsets[0].addresses[2].ip: Invalid value: \"127.0.0.1\": may not be in the loopback range (127.0.0.0/8, ::1/128)",
                "subsets[0].ports[0].name: Required value",
                "subsets[0].ports[1].name: Invalid value: \"Metrics\": a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')",
                "subsets[0].ports[1].port: Invalid value: 0: must be between 1 and 65535, inclusive",
                "subsets[0].ports[1].protocol: Unsupported value: \"ICMP\": supported values: \"SCTP\", \"TCP\", \"UDP\"",
                "subsets[1]: Required value: must specify `addresses` or `notReadyAddresses`",
            ]
        );
        // An update may not move an IP to another node.
        let on = |node: &str| Endpoints {
            subsets: vec![EndpointSubset {
                addresses: vec![EndpointAddress {
                    node_name: Some(node.into()),
                    ..addr("10.4.5.6")
                }],
                ..Default::default()
            }],
            ..e.clone()
        };
        assert!(messages(&on("kind-worker"), Some(&on("kind-worker"))).is_empty());
        assert_eq!(
            messages(&on("kind-worker2"), Some(&on("kind-worker"))),
            vec!["subsets[0].addresses[0].nodeName: Forbidden: Cannot change NodeName for 10.4.5.6 to kind-worker2"]
        );
    }
}
