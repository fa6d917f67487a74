//! EndpointSlices: `ValidateEndpointSlice` (`pkg/apis/discovery/validation/validation.go`) — the
//! address type, the endpoints' addresses (with core's `ValidateEndpointIP`, in
//! [`super::ip`]), node names, topology and hostnames, and the ports.

use super::field::{each_invalid, BadValue, ErrorList, FieldError};
use super::ip::{validate_ipv4_address, validate_ipv6_address, validate_non_special_ip};
use super::meta::{validate_labels, validate_object_meta};
use super::names;
use super::SUPPORTED_PORT_PROTOCOLS;
use crate::api::discovery::EndpointSlice;
use std::collections::BTreeSet;

const MAX_ENDPOINTS: usize = 1000;
const MAX_ADDRESSES: usize = 100;
const MAX_PORTS: usize = 20000;
const MAX_TOPOLOGY_LABELS: usize = 16;
const MAX_ZONE_HINTS: usize = 8;
const SUPPORTED_ADDRESS_TYPES: &[&str] = &["FQDN", "IPv4", "IPv6"];

/// `ValidateEndpointSlice` on create: metadata (name a DNS-1123 subdomain), `addressType`, the
/// endpoints (1..=100 addresses each, valid for the address type; node name, deprecated
/// topology, hostname) and the ports (unique DNS-1123 names, protocol, appProtocol). The
/// `kubernetes.io/service-name` label is not required, and Kubernetes does not range-check
/// EndpointSlice port numbers.
pub fn validate_endpoint_slice(s: &EndpointSlice) -> ErrorList {
    let mut errs =
        validate_object_meta(&s.metadata, true, names::name_is_dns_subdomain, "metadata");
    if s.address_type.is_empty() {
        errs.push(FieldError::required("addressType", ""));
    } else if !SUPPORTED_ADDRESS_TYPES.contains(&s.address_type.as_str()) {
        errs.push(FieldError::not_supported(
            "addressType",
            BadValue::str(&s.address_type),
            SUPPORTED_ADDRESS_TYPES,
        ));
    }
    if s.endpoints.len() > MAX_ENDPOINTS {
        errs.push(FieldError::too_many(
            "endpoints",
            s.endpoints.len(),
            MAX_ENDPOINTS,
        ));
    } else {
        for (i, e) in s.endpoints.iter().enumerate() {
            let ip = format!("endpoints[{i}]");
            let ap = format!("{ip}.addresses");
            if e.addresses.is_empty() {
                errs.push(FieldError::required(&ap, "must contain at least 1 address"));
            } else if e.addresses.len() > MAX_ADDRESSES {
                errs.push(FieldError::too_many(&ap, e.addresses.len(), MAX_ADDRESSES));
            }
            for (j, a) in e.addresses.iter().enumerate() {
                let p = format!("{ap}[{j}]");
                match s.address_type.as_str() {
                    "IPv4" => {
                        errs.extend(validate_ipv4_address(&p, a));
                        errs.extend(validate_non_special_ip(a, &p));
                    }
                    "IPv6" => {
                        errs.extend(validate_ipv6_address(&p, a));
                        errs.extend(validate_non_special_ip(a, &p));
                    }
                    "FQDN" => errs.extend(names::is_fully_qualified_domain_name(&p, a)),
                    _ => {}
                }
            }
            if let Some(n) = &e.node_name {
                errs.extend(each_invalid(
                    &format!("{ip}.nodeName"),
                    n,
                    names::name_is_dns_subdomain(n, false),
                ));
            }
            let tp = format!("{ip}.deprecatedTopology");
            if e.deprecated_topology.len() > MAX_TOPOLOGY_LABELS {
                errs.push(FieldError::too_many(
                    &tp,
                    e.deprecated_topology.len(),
                    MAX_TOPOLOGY_LABELS,
                ));
            }
            errs.extend(validate_labels(&e.deprecated_topology, &tp));
            if e.deprecated_topology
                .contains_key("topology.kubernetes.io/zone")
            {
                errs.push(FieldError::internal(
                    format!("{tp}[topology.kubernetes.io/zone]"),
                    "reserved key was not removed in conversion",
                ));
            }
            if let Some(h) = &e.hostname {
                errs.extend(each_invalid(
                    &format!("{ip}.hostname"),
                    h,
                    names::is_dns1123_label(h),
                ));
            }
            // `validateHints`: at most 8 zones, each once, each a label value.
            if let Some(hints) = &e.hints {
                let fz = format!("{ip}.hints.forZones");
                if hints.for_zones.len() > MAX_ZONE_HINTS {
                    errs.push(FieldError::too_many(
                        &fz,
                        hints.for_zones.len(),
                        MAX_ZONE_HINTS,
                    ));
                } else {
                    let mut seen = BTreeSet::new();
                    for (k, z) in hints.for_zones.iter().enumerate() {
                        let zp = format!("{fz}[{k}].name");
                        if !seen.insert(z.name.as_str()) {
                            errs.push(FieldError::duplicate(&zp, BadValue::str(&z.name)));
                        }
                        errs.extend(each_invalid(
                            &zp,
                            &z.name,
                            names::is_valid_label_value(&z.name),
                        ));
                    }
                }
            }
        }
    }
    if s.ports.len() > MAX_PORTS {
        errs.push(FieldError::too_many("ports", s.ports.len(), MAX_PORTS));
        return errs;
    }
    let mut port_names = BTreeSet::new();
    for (i, p) in s.ports.iter().enumerate() {
        let ip = format!("ports[{i}]");
        let name = p.name.as_deref().unwrap_or("");
        if !name.is_empty() {
            errs.extend(each_invalid(
                &format!("{ip}.name"),
                name,
                names::is_dns1123_label(name),
            ));
        }
        if !port_names.insert(name) {
            errs.push(FieldError::duplicate(
                format!("{ip}.name"),
                BadValue::str(name),
            ));
        }
        match &p.protocol {
            None => errs.push(FieldError::required(format!("{ip}.protocol"), "")),
            Some(proto) if !SUPPORTED_PORT_PROTOCOLS.contains(&proto.as_str()) => {
                errs.push(FieldError::not_supported(
                    format!("{ip}.protocol"),
                    BadValue::str(proto),
                    SUPPORTED_PORT_PROTOCOLS,
                ));
            }
            Some(_) => {}
        }
        if let Some(ap) = &p.app_protocol {
            errs.extend(each_invalid(
                &format!("{ip}.appProtocol"),
                ap,
                names::is_qualified_name(ap),
            ));
        }
    }
    errs
}

#[cfg(test)]
mod tests {
    use crate::validate::testing::slice;

    /// `validateHints` (discovery validation): forZones at most 8, unique, label values.
    #[test]
    fn endpoint_hints() {
        let with = |zones: &str| {
            slice(&format!("apiVersion: discovery.k8s.io/v1\nkind: EndpointSlice\nmetadata:\n  name: s\naddressType: IPv4\nendpoints:\n  - addresses: [\"10.4.5.6\"]\n    hints:\n      forZones: [{zones}]\n"))
        };
        assert!(with("{name: zone-a}").is_empty());
        assert_eq!(
            with("{name: a}, {name: a}, {name: 'b c'}"),
            vec![
                "endpoints[0].hints.forZones[1].name: Duplicate value: \"a\"".to_string(),
                "endpoints[0].hints.forZones[2].name: Invalid value: \"b c\": a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')".to_string(),
            ]
        );
        let nine: Vec<String> = (0..9).map(|i| format!("{{name: z{i}}}")).collect();
        assert_eq!(
            with(&nine.join(", ")),
            vec!["endpoints[0].hints.forZones: Too many: 9: must have at most 8 items".to_string()]
        );
    }

    #[test]
    fn endpoint_slice_rules() {
        assert!(slice("apiVersion: discovery.k8s.io/v1\nkind: EndpointSlice\nmetadata:\n  name: my-service-1\n  labels:\n    kubernetes.io/service-name: my-service\naddressType: IPv4\nports:\n  - name: ''\n    appProtocol: http\n    protocol: TCP\n    port: 9376\nendpoints:\n  - addresses:\n      - \"10.4.5.6\"\n  - addresses:\n      - \"10.1.2.3\"\n").is_empty());
        let base = "apiVersion: discovery.k8s.io/v1\nkind: EndpointSlice\nmetadata:\n  name: s\naddressType: IPv4\n";
        assert_eq!(
            slice(&base.replace("IPv4", "IP")),
            vec!["addressType: Unsupported value: \"IP\": supported values: \"FQDN\", \"IPv4\", \"IPv6\"".to_string()]
        );
        assert_eq!(
            slice(&format!("{base}endpoints:\n- addresses: []\n- addresses: [\"127.0.0.1\", \"fd00::1\", \"169.254.1.1\", \"0.0.0.0\"]\n")),
            vec![
                "endpoints[0].addresses: Required value: must contain at least 1 address".to_string(),
                "endpoints[1].addresses[0]: Invalid value: \"127.0.0.1\": may not be in the loopback range (127.0.0.0/8, ::1/128)".to_string(),
                "endpoints[1].addresses[1]: Invalid value: \"fd00::1\": must be a valid IPv4 address".to_string(),
                "endpoints[1].addresses[2]: Invalid value: \"169.254.1.1\": may not be in the link-local range (169.254.0.0/16, fe80::/10)".to_string(),
                "endpoints[1].addresses[3]: Invalid value: \"0.0.0.0\": may not be unspecified (0.0.0.0)".to_string(),
            ]
        );
        assert_eq!(
            slice(&format!("{base}ports:\n- name: http\n  port: 80\n- name: http\n  port: 81\n  protocol: ICMP\n- name: Web\n  appProtocol: 'a b'\n")),
            vec![
                "ports[1].name: Duplicate value: \"http\"".to_string(),
                "ports[1].protocol: Unsupported value: \"ICMP\": supported values: \"SCTP\", \"TCP\", \"UDP\"".to_string(),
                "ports[2].name: Invalid value: \"Web\": a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')".to_string(),
                "ports[2].appProtocol: Invalid value: \"a b\": name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')".to_string(),
            ]
        );
        assert_eq!(
            slice(&format!("{base}endpoints:\n- addresses: [\"10.0.0.1\"]\n  hostname: a.b\n  nodeName: Node_1\n")),
            vec![
                "endpoints[0].nodeName: Invalid value: \"Node_1\": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')".to_string(),
                "endpoints[0].hostname: Invalid value: \"a.b\": must not contain dots".to_string(),
            ]
        );
        let fqdn = "apiVersion: discovery.k8s.io/v1\nkind: EndpointSlice\nmetadata:\n  name: s\naddressType: FQDN\nendpoints:\n- addresses: [\"db.example.com\", \"localhost\"]\n";
        assert_eq!(
            slice(fqdn),
            vec!["endpoints[0].addresses[1]: Invalid value: \"localhost\": should be a domain with at least two segments separated by dots".to_string()]
        );
    }
}
