//! A Service's ports: `validateServicePort` (`pkg/apis/core/validation/validation.go`), and the
//! key its duplicate-port check prints.

use crate::api::core::ServicePort;
use crate::validate::field::{go_quote, BadValue, ErrorList, FieldError};
use crate::validate::names;

use crate::validate::SUPPORTED_PORT_PROTOCOLS;

/// Go's `%#v` of the `core.ServicePort{Protocol, Port}` key of the duplicate-port check.
pub(super) fn go_service_port_key(p: &ServicePort) -> String {
    format!(
        "core.ServicePort{{Name:\"\", Protocol:{}, AppProtocol:(*string)(nil), Port:{}, TargetPort:intstr.IntOrString{{Type:0, IntVal:0, StrVal:\"\"}}, NodePort:0}}",
        go_quote(&p.protocol),
        p.port
    )
}

/// `validateServicePort`: the name (required when there are several ports, a DNS-1123 label,
/// unique), the port number, the protocol, the targetPort (a port number or an IANA service
/// name) and the appProtocol (a qualified name).
pub(super) fn validate_service_port(
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
