//! The cluster-scoped kinds: `ValidateNode` (the name, taints, `spec.podCIDRs`) and
//! `ValidateNamespace` (`pkg/apis/core/validation/validation.go`).

use super::field::{go_quote, invalid_str, BadValue, ErrorList, FieldError};
use super::ip::{is_dual_stack_cidr_strings, validate_cidr};
use super::meta::{validate_label_name, validate_object_meta};
use super::names;
use super::pod::validate_taint_effect;
use crate::api::core::{Namespace, Node};
use std::collections::{BTreeMap, BTreeSet};

/// `ValidateNode`: metadata (name a DNS-1123 subdomain), taints (reported under
/// `metadata.taints`, Kubernetes' own path), and `spec.podCIDRs` (valid CIDRs, at most one per
/// family, no duplicates).
pub fn validate_node(node: &Node) -> ErrorList {
    let mut errs = validate_object_meta(
        &node.metadata,
        false,
        names::name_is_dns_subdomain,
        "metadata",
    );
    let mut unique: BTreeMap<&str, BTreeSet<&str>> = BTreeMap::new();
    for (i, t) in node.spec.taints.iter().enumerate() {
        let ip = format!("metadata.taints[{i}]");
        errs.extend(validate_label_name(&t.key, &format!("{ip}.key")));
        let msgs = names::is_valid_label_value(&t.value);
        if !msgs.is_empty() {
            errs.push(invalid_str(format!("{ip}.value"), &t.value, msgs.join(";")));
        }
        errs.extend(validate_taint_effect(
            &t.effect,
            false,
            &format!("{ip}.effect"),
        ));
        let keys = unique.entry(t.effect.as_str()).or_default();
        if keys.contains(t.key.as_str()) {
            let mut e = FieldError::duplicate(
                ip,
                BadValue::GoSyntax(format!(
                    "core.Taint{{Key:{}, Value:{}, Effect:{}, TimeAdded:(*v1.Time)(nil)}}",
                    go_quote(&t.key),
                    go_quote(&t.value),
                    go_quote(&t.effect)
                )),
            );
            e.detail = "taints must be unique by key and effect pair".to_string();
            errs.push(e);
            continue;
        }
        keys.insert(t.key.as_str());
    }
    let cidrs = &node.spec.pod_cidrs;
    if !cidrs.is_empty() {
        for (i, c) in cidrs.iter().enumerate() {
            errs.extend(validate_cidr(&format!("spec.podCIDRs[{i}]"), c));
        }
        if cidrs.len() > 1 {
            let dual = is_dual_stack_cidr_strings(cidrs);
            if dual.is_none() {
                errs.push(FieldError::internal(
                    "spec.podCIDRs",
                    "invalid PodCIDRs. failed to check with dual stack with error:failed to parse CIDR",
                ));
            }
            if dual != Some(true) || cidrs.len() > 2 {
                errs.push(FieldError::invalid(
                    "spec.podCIDRs",
                    BadValue::string_slice(cidrs),
                    "may specify no more than one CIDR for each IP family",
                ));
            }
            let mut seen = BTreeSet::new();
            for (i, c) in cidrs.iter().enumerate() {
                if !seen.insert(c.as_str()) {
                    errs.push(FieldError::duplicate(
                        format!("spec.podCIDRs[{i}]"),
                        BadValue::str(c),
                    ));
                }
            }
        }
    }
    errs
}

/// `ValidateNamespace`: metadata, the name a DNS-1123 label (it becomes a DNS label of every
/// Service name in it).
pub fn validate_namespace(ns: &Namespace) -> ErrorList {
    validate_object_meta(&ns.metadata, false, names::name_is_dns_label, "metadata")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::Object;
    use crate::validate::testing::{decode, messages};

    #[test]
    fn node_and_namespace() {
        let Object::Namespace(ns) =
            decode("apiVersion: v1\nkind: Namespace\nmetadata:\n  name: prod.eu\n")
        else {
            panic!()
        };
        assert_eq!(
            messages(&validate_namespace(&ns)),
            vec!["metadata.name: Invalid value: \"prod.eu\": must not contain dots".to_string()]
        );
        let Object::Node(node) = decode("apiVersion: v1\nkind: Node\nmetadata:\n  name: kind-worker\nspec:\n  podCIDRs: [10.244.1.0/24, 10.244.2.0/24, bad]\n  taints:\n  - key: a\n    effect: NoSchedule\n  - key: a\n    effect: NoSchedule\n  - key: b\n    effect: Sometimes\n") else {
            panic!()
        };
        assert_eq!(
            messages(&validate_node(&node)),
            vec![
                "metadata.taints[1]: Duplicate value: core.Taint{Key:\"a\", Value:\"\", Effect:\"NoSchedule\", TimeAdded:(*v1.Time)(nil)}: taints must be unique by key and effect pair".to_string(),
                "metadata.taints[2].effect: Unsupported value: \"Sometimes\": supported values: \"NoSchedule\", \"PreferNoSchedule\", \"NoExecute\"".to_string(),
                "spec.podCIDRs[2]: Invalid value: \"bad\": must be a valid CIDR value, (e.g. 10.9.8.0/24 or 2001:db8::/64)".to_string(),
                "spec.podCIDRs: Internal error: invalid PodCIDRs. failed to check with dual stack with error:failed to parse CIDR".to_string(),
                "spec.podCIDRs: Invalid value: []string{\"10.244.1.0/24\", \"10.244.2.0/24\", \"bad\"}: may specify no more than one CIDR for each IP family".to_string(),
            ]
        );
        let Object::Node(ok) = decode("apiVersion: v1\nkind: Node\nmetadata:\n  name: kind-control-plane\n  labels:\n    node-role.kubernetes.io/control-plane: \"\"\nspec:\n  podCIDR: 10.244.0.0/24\n  podCIDRs: [10.244.0.0/24]\n  taints:\n  - key: node-role.kubernetes.io/control-plane\n    effect: NoSchedule\n") else {
            panic!()
        };
        assert!(validate_node(&ok).is_empty());
    }
}
