//! The metadata every kind shares, and label selectors.
//!
//! Reproduces `ValidateObjectMeta` and `ValidateObjectMetaUpdate`
//! (`apimachinery/pkg/api/validation/objectmeta.go`, plus core's finalizer check in
//! `pkg/apis/core/validation/validation.go`), `ValidateLabels` and `ValidateLabelSelector`
//! (`apimachinery/pkg/apis/meta/v1/validation`), and the Go `%#v` printers their
//! `Invalid value: …` messages use for maps, slices and selectors.
//!
//! Go iterates maps in random order; here labels and annotations are checked in key order, so
//! the output is deterministic.

use super::field::{each_invalid, go_quote, invalid_str, BadValue, ErrorList, FieldError};
use super::names::{self, NameFn};
use crate::api::meta::{LabelSelector, ObjectMeta};
use std::collections::{BTreeMap, BTreeSet};

/// `TotalAnnotationSizeLimitB`: 256 KiB for all annotation keys and values together.
pub const TOTAL_ANNOTATION_SIZE_LIMIT_B: usize = 256 * (1 << 10);

/// apimachinery's `IsNegativeErrorMsg`.
pub const IS_NEGATIVE_ERROR_MSG: &str = "must be greater than or equal to 0";

// ---------------------------------------------------------------------------------------------
// Go value rendering for `Invalid value: …` of non-string values (`%#v`).
// ---------------------------------------------------------------------------------------------

/// Go's `%#v` of a `map[string]string` (keys sorted, as `fmt` sorts maps). An empty map prints
/// as a nil map, which is what an absent `labels:` decodes to.
pub fn go_string_map(m: &BTreeMap<String, String>) -> String {
    if m.is_empty() {
        return "map[string]string(nil)".to_string();
    }
    let items: Vec<String> = m
        .iter()
        .map(|(k, v)| format!("{}:{}", go_quote(k), go_quote(v)))
        .collect();
    format!("map[string]string{{{}}}", items.join(", "))
}

/// Go's `%#v` of a `[]string` (`[]string(nil)` when empty).
fn go_string_slice_or_nil(v: &[String]) -> String {
    if v.is_empty() {
        return "[]string(nil)".to_string();
    }
    let items: Vec<String> = v.iter().map(|s| go_quote(s)).collect();
    format!("[]string{{{}}}", items.join(", "))
}

/// Go's `%#v` of a `metav1.LabelSelector` (the dereferenced `spec.selector`).
pub fn go_label_selector(s: &LabelSelector) -> String {
    let exprs = if s.match_expressions.is_empty() {
        "[]v1.LabelSelectorRequirement(nil)".to_string()
    } else {
        let items: Vec<String> = s
            .match_expressions
            .iter()
            .map(|r| {
                format!(
                    "v1.LabelSelectorRequirement{{Key:{}, Operator:{}, Values:{}}}",
                    go_quote(&r.key),
                    go_quote(&r.operator),
                    go_string_slice_or_nil(&r.values)
                )
            })
            .collect();
        format!("[]v1.LabelSelectorRequirement{{{}}}", items.join(", "))
    };
    format!(
        "v1.LabelSelector{{MatchLabels:{}, MatchExpressions:{}}}",
        go_string_map(&s.match_labels),
        exprs
    )
}

// ---------------------------------------------------------------------------------------------
// ObjectMeta
// ---------------------------------------------------------------------------------------------

/// `ValidateLabelName`: a label key must be a qualified name.
pub fn validate_label_name(key: &str, path: &str) -> ErrorList {
    each_invalid(path, key, names::is_qualified_name(key))
}

/// `ValidateLabels`: keys are qualified names, values valid label values; every error points at
/// the map itself (`metadata.labels`), not at the key.
pub fn validate_labels(labels: &BTreeMap<String, String>, path: &str) -> ErrorList {
    let mut errs = Vec::new();
    for (k, v) in labels {
        errs.extend(validate_label_name(k, path));
        errs.extend(each_invalid(path, v, names::is_valid_label_value(v)));
    }
    errs
}

/// `ValidateAnnotations`: keys are qualified names (case-insensitively), and all keys and values
/// together fit in 256 KiB.
pub fn validate_annotations(annotations: &BTreeMap<String, String>, path: &str) -> ErrorList {
    let mut errs = Vec::new();
    let mut total: usize = 0;
    for (k, v) in annotations {
        errs.extend(each_invalid(
            path,
            k,
            names::is_qualified_name(&k.to_lowercase()),
        ));
        total = total.saturating_add(k.len()).saturating_add(v.len());
    }
    if total > TOTAL_ANNOTATION_SIZE_LIMIT_B {
        errs.push(FieldError::too_long(path, TOTAL_ANNOTATION_SIZE_LIMIT_B));
    }
    errs
}

/// `ValidateNonnegativeField`.
pub fn validate_nonnegative(value: i64, path: &str) -> ErrorList {
    if value < 0 {
        vec![FieldError::invalid(
            path,
            BadValue::int(value),
            IS_NEGATIVE_ERROR_MSG,
        )]
    } else {
        Vec::new()
    }
}

/// `schema.ParseGroupVersion(apiVersion).Version` (empty when the text has more than one `/`).
fn api_version_version(api_version: &str) -> &str {
    if api_version.is_empty() || api_version == "/" {
        return "";
    }
    match api_version.matches('/').count() {
        0 => api_version,
        1 => api_version.split_once('/').map(|(_, v)| v).unwrap_or(""),
        _ => "",
    }
}

/// `schema.ParseGroupVersion(apiVersion).Group`.
fn api_version_group(api_version: &str) -> &str {
    if api_version.matches('/').count() == 1 {
        api_version.split_once('/').map(|(g, _)| g).unwrap_or("")
    } else {
        ""
    }
}

fn go_bool_ptr(v: Option<bool>) -> &'static str {
    // A non-nil pointer prints its address in Go; no address can be reproduced, so a fixed,
    // recognisable one stands in for it.
    match v {
        None => "(*bool)(nil)",
        Some(_) => "(*bool)(0xc000000000)",
    }
}

fn go_owner_reference(o: &crate::api::meta::OwnerReference) -> String {
    format!(
        "v1.OwnerReference{{APIVersion:{}, Kind:{}, Name:{}, UID:{}, Controller:{}, BlockOwnerDeletion:{}}}",
        go_quote(&o.api_version),
        go_quote(&o.kind),
        go_quote(&o.name),
        go_quote(&o.uid),
        go_bool_ptr(o.controller),
        go_bool_ptr(o.block_owner_deletion)
    )
}

/// `ValidateOwnerReferences`: every reference names a version, kind, name and uid; Events may
/// not own objects; at most one reference is the controller.
pub fn validate_owner_references(meta: &ObjectMeta, path: &str) -> ErrorList {
    let mut errs = Vec::new();
    let mut first_controller = String::new();
    for o in &meta.owner_references {
        if api_version_version(&o.api_version).is_empty() {
            errs.push(invalid_str(
                format!("{path}.apiVersion"),
                &o.api_version,
                "version must not be empty",
            ));
        }
        if o.kind.is_empty() {
            errs.push(invalid_str(
                format!("{path}.kind"),
                &o.kind,
                "must not be empty",
            ));
        }
        if o.name.is_empty() {
            errs.push(invalid_str(
                format!("{path}.name"),
                &o.name,
                "must not be empty",
            ));
        }
        if o.uid.is_empty() {
            errs.push(invalid_str(
                format!("{path}.uid"),
                &o.uid,
                "must not be empty",
            ));
        }
        let version = api_version_version(&o.api_version);
        if api_version_group(&o.api_version).is_empty() && version == "v1" && o.kind == "Event" {
            errs.push(FieldError::invalid(
                path,
                BadValue::GoSyntax(go_owner_reference(o)),
                "/v1, Kind=Event is disallowed from being an owner",
            ));
        }
        if o.controller == Some(true) {
            let current = format!("{}/{}", o.kind, o.name);
            if first_controller.is_empty() {
                first_controller = current;
            } else {
                let all: Vec<String> = meta
                    .owner_references
                    .iter()
                    .map(go_owner_reference)
                    .collect();
                errs.push(FieldError::invalid(
                    path,
                    BadValue::GoSyntax(format!("[]v1.OwnerReference{{{}}}", all.join(", "))),
                    format!("Only one reference can have Controller set to true. Found \"true\" in references for {first_controller} and {current}"),
                ));
            }
        }
    }
    errs
}

/// The finalizers `helper.IsStandardFinalizerName` knows.
const STANDARD_FINALIZERS: &[&str] = &["kubernetes", "orphan", "foregroundDeletion"];

/// apimachinery's `ValidateFinalizers` (errors at `metadata.finalizers`, no index) followed by
/// core's `validateKubeFinalizerName` for each (errors at `metadata.finalizers[i]`), as core's
/// `ValidateObjectMeta` chains them — so a bad finalizer is reported twice.
fn validate_finalizers(finalizers: &[String], path: &str) -> ErrorList {
    let mut errs = Vec::new();
    for f in finalizers {
        errs.extend(each_invalid(path, f, names::is_qualified_name(f)));
    }
    if finalizers.iter().any(|f| f == "orphan")
        && finalizers.iter().any(|f| f == "foregroundDeletion")
    {
        errs.push(FieldError::invalid(
            path,
            BadValue::string_slice(finalizers),
            "finalizer orphan and foregroundDeletion cannot be both set",
        ));
    }
    errs
}

fn validate_kube_finalizer_names(finalizers: &[String], path: &str) -> ErrorList {
    let mut errs = Vec::new();
    for (i, f) in finalizers.iter().enumerate() {
        let p = format!("{path}[{i}]");
        errs.extend(each_invalid(&p, f, names::is_qualified_name(f)));
        if !f.contains('/') && !STANDARD_FINALIZERS.contains(&f.as_str()) {
            errs.push(invalid_str(
                &p,
                f,
                "name is neither a standard finalizer name nor is it fully qualified",
            ));
        }
    }
    errs
}

/// `ValidateObjectMeta` on create: generateName and name with the kind's name function, the
/// namespace (a DNS-1123 label) for namespaced kinds, generation, labels, annotations, owner
/// references and finalizers.
///
/// Namespace handling follows what reaches validation through the API: `rest.BeforeCreate`
/// fills an empty namespace from the request and clears it for cluster-scoped kinds, so neither
/// `metadata.namespace: Required value` nor `Forbidden: not allowed on this type` can surface; an
/// empty namespace is therefore accepted here.
pub fn validate_object_meta(
    meta: &ObjectMeta,
    requires_namespace: bool,
    name_fn: NameFn,
    path: &str,
) -> ErrorList {
    let mut errs = Vec::new();
    if !meta.generate_name.is_empty() {
        errs.extend(each_invalid(
            &format!("{path}.generateName"),
            &meta.generate_name,
            name_fn(&meta.generate_name, true),
        ));
    }
    if meta.name.is_empty() {
        errs.push(FieldError::required(
            format!("{path}.name"),
            "name or generateName is required",
        ));
    } else {
        errs.extend(each_invalid(
            &format!("{path}.name"),
            &meta.name,
            name_fn(&meta.name, false),
        ));
    }
    if requires_namespace && !meta.namespace.is_empty() {
        errs.extend(each_invalid(
            &format!("{path}.namespace"),
            &meta.namespace,
            names::name_is_dns_label(&meta.namespace, false),
        ));
    }
    errs.extend(common_meta(meta, path));
    errs.extend(validate_kube_finalizer_names(
        &meta.finalizers,
        &format!("{path}.finalizers"),
    ));
    errs
}

/// The part of `ValidateObjectMeta` shared with `ValidateObjectMetaUpdate`.
fn common_meta(meta: &ObjectMeta, path: &str) -> ErrorList {
    let mut errs = Vec::new();
    errs.extend(validate_nonnegative(
        meta.generation.unwrap_or(0),
        &format!("{path}.generation"),
    ));
    errs.extend(validate_labels(&meta.labels, &format!("{path}.labels")));
    errs.extend(validate_annotations(
        &meta.annotations,
        &format!("{path}.annotations"),
    ));
    errs.extend(validate_owner_references(
        meta,
        &format!("{path}.ownerReferences"),
    ));
    errs.extend(validate_finalizers(
        &meta.finalizers,
        &format!("{path}.finalizers"),
    ));
    errs
}

/// `ValidateObjectMetaUpdate` for an update that arrives as `kubectl apply`'s PATCH.
///
/// The PATCH is merged onto the stored object, so the fields the server owns (resourceVersion,
/// uid, creationTimestamp, and generation when the manifest leaves it out) are carried over
/// before validation and never fail their "must be specified"/"field is immutable" checks; only
/// the checks a manifest can trip are made: no new finalizers while deleting, generation not
/// decremented, and the create-time format checks of labels, annotations, owner references and
/// finalizers.
pub fn validate_object_meta_update(new: &ObjectMeta, old: &ObjectMeta, path: &str) -> ErrorList {
    let mut errs = Vec::new();
    if old.deletion_timestamp.is_some() {
        let old_set: BTreeSet<&String> = old.finalizers.iter().collect();
        let extra: BTreeSet<&String> = new
            .finalizers
            .iter()
            .filter(|f| !old_set.contains(f))
            .collect();
        if !extra.is_empty() {
            let extra: Vec<String> = extra.into_iter().cloned().collect();
            errs.push(FieldError::forbidden(
                format!("{path}.finalizers"),
                format!(
                    "no new finalizers can be added if the object is being deleted, found new finalizers {}",
                    go_string_slice_or_nil(&extra)
                ),
            ));
        }
    }
    if let (Some(n), Some(o)) = (new.generation, old.generation) {
        if n < o {
            errs.push(FieldError::invalid(
                format!("{path}.generation"),
                BadValue::int(n),
                "must not be decremented",
            ));
        }
    }
    let mut common = common_meta(new, path);
    // ValidateObjectMetaUpdate does not re-check the generation's sign.
    common.retain(|e| e.field != format!("{path}.generation"));
    errs.extend(common);
    errs.extend(validate_kube_finalizer_names(
        &new.finalizers,
        &format!("{path}.finalizers"),
    ));
    errs
}

// ---------------------------------------------------------------------------------------------
// Label selectors
// ---------------------------------------------------------------------------------------------

/// `ValidateLabelSelector` with `AllowInvalidLabelValueInSelector: false` (what workloads use on
/// create): matchLabels as labels, then each requirement's operator, key and values.
pub fn validate_label_selector(s: &LabelSelector, path: &str) -> ErrorList {
    let mut errs = validate_labels(&s.match_labels, &format!("{path}.matchLabels"));
    for (i, r) in s.match_expressions.iter().enumerate() {
        let rp = format!("{path}.matchExpressions[{i}]");
        match r.operator.as_str() {
            "In" | "NotIn" => {
                if r.values.is_empty() {
                    errs.push(FieldError::required(
                        format!("{rp}.values"),
                        "must be specified when `operator` is 'In' or 'NotIn'",
                    ));
                }
            }
            "Exists" | "DoesNotExist" => {
                if !r.values.is_empty() {
                    errs.push(FieldError::forbidden(
                        format!("{rp}.values"),
                        "may not be specified when `operator` is 'Exists' or 'DoesNotExist'",
                    ));
                }
            }
            op => errs.push(invalid_str(
                format!("{rp}.operator"),
                op,
                "not a valid selector operator",
            )),
        }
        errs.extend(validate_label_name(&r.key, &format!("{rp}.key")));
        for (j, v) in r.values.iter().enumerate() {
            errs.extend(each_invalid(
                &format!("{rp}.values[{j}]"),
                v,
                names::is_valid_label_value(v),
            ));
        }
    }
    errs
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::core::Pod;
    use crate::validate::testing::{messages, pod};

    #[test]
    fn metadata_rules() {
        let base = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  containers:\n  - name: c\n    image: busybox\n";
        assert_eq!(
            pod(&base.replace("  name: p\n", "  generateName: p-\n")),
            vec!["metadata.name: Required value: name or generateName is required".to_string()]
        );
        assert_eq!(
            pod(&base.replace("  name: p\n", "  name: p\n  labels:\n    app: -bad\n")),
            vec!["metadata.labels: Invalid value: \"-bad\": a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')".to_string()]
        );
        assert_eq!(
            pod(&base.replace(
                "  name: p\n",
                "  name: p\n  annotations:\n    Example.COM/Key: x\n"
            )),
            Vec::<String>::new(),
            "annotation keys are checked lower-cased"
        );
        assert_eq!(
            pod(&base.replace("  name: p\n", "  name: p\n  annotations:\n    a/b/c: x\n")),
            vec!["metadata.annotations: Invalid value: \"a/b/c\": a valid label key must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]') with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')".to_string()]
        );
        assert_eq!(
            pod(&base.replace("  name: p\n", "  name: p\n  finalizers: [custom]\n")),
            vec!["metadata.finalizers[0]: Invalid value: \"custom\": name is neither a standard finalizer name nor is it fully qualified".to_string()]
        );
        let mut p = Pod::default();
        p.metadata.name = "p".into();
        p.metadata.namespace = "Bad_NS".into();
        p.metadata.generation = Some(-1);
        let msgs = messages(&validate_object_meta(
            &p.metadata,
            true,
            names::name_is_dns_subdomain,
            "metadata",
        ));
        assert_eq!(msgs[0], "metadata.namespace: Invalid value: \"Bad_NS\": a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')");
        assert_eq!(
            msgs[1],
            "metadata.generation: Invalid value: -1: must be greater than or equal to 0"
        );
        let mut big = ObjectMeta::default();
        big.annotations
            .insert("k".into(), "x".repeat(TOTAL_ANNOTATION_SIZE_LIMIT_B));
        assert_eq!(
            messages(&validate_annotations(
                &big.annotations,
                "metadata.annotations"
            )),
            vec!["metadata.annotations: Too long: may not be more than 262144 bytes".to_string()]
        );
    }
}
