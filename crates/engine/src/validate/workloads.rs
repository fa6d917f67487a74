//! Workloads: `ValidateDeployment`, `ValidateReplicaSet`, `ValidateStatefulSet` and
//! `ValidateDaemonSet` (`pkg/apis/apps/validation/validation.go`) — the name, replicas, the
//! selector and whether it matches the template's labels, and the pod template, whose spec is
//! checked by the pod rules ([`super::pod`]).

use super::field::{BadValue, ErrorList, FieldError};
use super::meta::{
    go_label_selector, go_string_map, validate_annotations, validate_label_selector,
    validate_labels, validate_nonnegative, validate_object_meta,
};
use super::names::{self, NameFn};
use super::pod::{validate_pod_spec, validate_pod_specific_annotations};
use crate::api::apps::{Workload, WorkloadKind};
use crate::api::meta::LabelSelector;
use std::collections::BTreeMap;

const SELECTOR_MISMATCH: &str = "`selector` does not match template `labels`";

/// `ValidatePodTemplateSpec` (labels and annotations of the template are checked at
/// `spec.template.labels` / `spec.template.annotations`, not under `metadata` — Kubernetes'
/// own paths).
fn validate_pod_template_spec(w: &Workload, path: &str) -> ErrorList {
    let t = &w.spec.template;
    let mut errs = validate_labels(&t.metadata.labels, &format!("{path}.labels"));
    errs.extend(validate_annotations(
        &t.metadata.annotations,
        &format!("{path}.annotations"),
    ));
    errs.extend(validate_pod_specific_annotations(
        &t.metadata.annotations,
        &t.spec,
        &format!("{path}.annotations"),
    ));
    errs.extend(validate_pod_spec(&t.spec, &format!("{path}.spec"), false));
    errs
}

fn restart_policy_always(w: &Workload, errs: &mut ErrorList) {
    let rp = &w.spec.template.spec.restart_policy;
    if rp != "Always" {
        errs.push(FieldError::not_supported(
            "spec.template.spec.restartPolicy",
            BadValue::str(rp),
            &["Always"],
        ));
    }
}

fn selector_mismatch(w: &Workload) -> FieldError {
    FieldError::invalid(
        "spec.template.metadata.labels",
        BadValue::GoSyntax(go_string_map(&w.spec.template.metadata.labels)),
        SELECTOR_MISMATCH,
    )
}

/// `metav1.LabelSelectorAsSelector` then `Matches`: a nil selector matches nothing, an empty one
/// everything. (Only called on selectors that passed [`validate_label_selector`], the exact
/// condition under which Kubernetes' conversion succeeds.)
fn selector_matches(sel: Option<&LabelSelector>, labels: &BTreeMap<String, String>) -> bool {
    match sel {
        None => false,
        Some(s) => s.matches(labels),
    }
}

/// `ValidateDeployment` / `ValidateReplicaSet` / `ValidateStatefulSet` / `ValidateDaemonSet`:
/// the name (a DNS-1123 label for StatefulSets, a subdomain otherwise), replicas ≥ 0, a
/// non-empty selector that matches the template's labels, the template (pod spec checks for all
/// but StatefulSets, which Kubernetes leaves unchecked), and `restartPolicy: Always`.
pub fn validate_workload(w: &Workload) -> ErrorList {
    let name_fn: NameFn = match w.kind {
        WorkloadKind::StatefulSet => names::name_is_dns_label,
        _ => names::name_is_dns_subdomain,
    };
    let mut errs = validate_object_meta(&w.metadata, true, name_fn, "metadata");
    let sel = w.spec.selector.as_ref();
    let labels = &w.spec.template.metadata.labels;
    if w.kind == WorkloadKind::DaemonSet {
        // ValidateDaemonSetSpec: no "Required" for a missing selector, just the mismatch.
        let sel_errs = sel
            .map(|s| validate_label_selector(s, "spec.selector"))
            .unwrap_or_default();
        let convertible = sel_errs.is_empty();
        errs.extend(sel_errs);
        if convertible && !selector_matches(sel, labels) {
            errs.push(selector_mismatch(w));
        }
        if let Some(s) = sel {
            if s.match_labels.is_empty() && s.match_expressions.is_empty() {
                errs.push(FieldError::invalid(
                    "spec.selector",
                    BadValue::GoSyntax(go_label_selector(s)),
                    "empty selector is invalid for daemonset",
                ));
            }
        }
        errs.extend(validate_pod_template_spec(w, "spec.template"));
        restart_policy_always(w, &mut errs);
        return errs;
    }
    errs.extend(validate_nonnegative(
        i64::from(w.spec.replicas.unwrap_or(1)),
        "spec.replicas",
    ));
    let empty_msg = match w.kind {
        WorkloadKind::StatefulSet => "empty selector is invalid for statefulset",
        // ReplicaSets reuse the Deployment wording in Kubernetes.
        _ => "empty selector is invalid for deployment",
    };
    let mut convertible = true;
    match sel {
        None => errs.push(FieldError::required("spec.selector", "")),
        Some(s) => {
            let sel_errs = validate_label_selector(s, "spec.selector");
            convertible = sel_errs.is_empty();
            errs.extend(sel_errs);
            if s.match_labels.is_empty() && s.match_expressions.is_empty() {
                errs.push(FieldError::invalid(
                    "spec.selector",
                    BadValue::GoSyntax(go_label_selector(s)),
                    empty_msg,
                ));
            }
        }
    }
    if !convertible {
        let detail = match w.kind {
            WorkloadKind::StatefulSet => "",
            _ => "invalid label selector",
        };
        let value = sel.map(go_label_selector).unwrap_or_default();
        errs.push(FieldError::invalid(
            "spec.selector",
            BadValue::GoSyntax(value),
            detail,
        ));
        if w.kind == WorkloadKind::StatefulSet {
            restart_policy_always(w, &mut errs);
        }
        return errs;
    }
    // An empty selector (`Everything`) is skipped by the match check; a nil one (`Nothing`) is not.
    let is_everything =
        sel.is_some_and(|s| s.match_labels.is_empty() && s.match_expressions.is_empty());
    if !is_everything && !selector_matches(sel, labels) {
        errs.push(selector_mismatch(w));
    }
    if w.kind == WorkloadKind::StatefulSet {
        // ValidatePodTemplateSpecForStatefulSet: labels and annotations only.
        let t = &w.spec.template;
        errs.extend(validate_labels(&t.metadata.labels, "spec.template.labels"));
        errs.extend(validate_annotations(
            &t.metadata.annotations,
            "spec.template.annotations",
        ));
        errs.extend(validate_pod_specific_annotations(
            &t.metadata.annotations,
            &t.spec,
            "spec.template.annotations",
        ));
    } else {
        errs.extend(validate_pod_template_spec(w, "spec.template"));
    }
    restart_policy_always(w, &mut errs);
    errs
}

#[cfg(test)]
mod tests {
    use crate::validate::testing::workload;

    const DEPLOY: &str = "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  replicas: 3\n  selector:\n    matchLabels:\n      app: web\n  template:\n    metadata:\n      labels:\n        app: web\n    spec:\n      containers:\n      - name: nginx\n        image: nginx:1.27\n        ports:\n        - containerPort: 80\n          name: http\n";

    #[test]
    fn valid_workloads_pass() {
        assert!(workload(DEPLOY).is_empty());
        assert!(workload(&DEPLOY.replace("Deployment", "ReplicaSet")).is_empty());
        assert!(workload(&DEPLOY.replace("Deployment", "StatefulSet")).is_empty());
        assert!(workload(
            &DEPLOY
                .replace("Deployment", "DaemonSet")
                .replace("  replicas: 3\n", "")
        )
        .is_empty());
    }

    #[test]
    fn workload_selector_rules() {
        let no_selector = DEPLOY.replace("  selector:\n    matchLabels:\n      app: web\n", "");
        assert_eq!(
            workload(&no_selector),
            vec![
                "spec.selector: Required value".to_string(),
                "spec.template.metadata.labels: Invalid value: map[string]string{\"app\":\"web\"}: `selector` does not match template `labels`".to_string(),
            ]
        );
        let mismatch = DEPLOY.replace("      app: web\n  template", "      app: api\n  template");
        assert_eq!(
            workload(&mismatch),
            vec!["spec.template.metadata.labels: Invalid value: map[string]string{\"app\":\"web\"}: `selector` does not match template `labels`".to_string()]
        );
        let empty = DEPLOY.replace(
            "  selector:\n    matchLabels:\n      app: web\n",
            "  selector: {}\n",
        );
        assert_eq!(
            workload(&empty),
            vec!["spec.selector: Invalid value: v1.LabelSelector{MatchLabels:map[string]string(nil), MatchExpressions:[]v1.LabelSelectorRequirement(nil)}: empty selector is invalid for deployment".to_string()]
        );
        let sts_empty = empty.replace("Deployment", "StatefulSet");
        assert_eq!(
            workload(&sts_empty),
            vec!["spec.selector: Invalid value: v1.LabelSelector{MatchLabels:map[string]string(nil), MatchExpressions:[]v1.LabelSelectorRequirement(nil)}: empty selector is invalid for statefulset".to_string()]
        );
        let ds_none = no_selector
            .replace("Deployment", "DaemonSet")
            .replace("  replicas: 3\n", "");
        assert_eq!(
            workload(&ds_none),
            vec!["spec.template.metadata.labels: Invalid value: map[string]string{\"app\":\"web\"}: `selector` does not match template `labels`".to_string()]
        );
        let bad_op = DEPLOY.replace(
            "    matchLabels:\n      app: web\n",
            "    matchExpressions:\n    - key: app\n      operator: Equals\n      values: [web]\n",
        );
        assert_eq!(
            workload(&bad_op),
            vec![
                "spec.selector.matchExpressions[0].operator: Invalid value: \"Equals\": not a valid selector operator".to_string(),
                "spec.selector: Invalid value: v1.LabelSelector{MatchLabels:map[string]string(nil), MatchExpressions:[]v1.LabelSelectorRequirement{v1.LabelSelectorRequirement{Key:\"app\", Operator:\"Equals\", Values:[]string{\"web\"}}}}: invalid label selector".to_string(),
            ]
        );
        let in_ok = DEPLOY.replace(
            "    matchLabels:\n      app: web\n",
            "    matchExpressions:\n    - key: app\n      operator: In\n      values: [web, api]\n",
        );
        assert!(workload(&in_ok).is_empty());
    }

    #[test]
    fn workload_fields() {
        let neg = DEPLOY.replace("replicas: 3", "replicas: -1");
        assert_eq!(
            workload(&neg),
            vec![
                "spec.replicas: Invalid value: -1: must be greater than or equal to 0".to_string()
            ]
        );
        let no_containers = "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  selector:\n    matchLabels:\n      app: web\n  template:\n    metadata:\n      labels:\n        app: web\n    spec:\n      containers: []\n";
        assert_eq!(
            workload(no_containers),
            vec!["spec.template.spec.containers: Required value".to_string()]
        );
        // StatefulSets' templates are not pod-spec validated by Kubernetes.
        assert!(workload(&no_containers.replace("Deployment", "StatefulSet")).is_empty());
        let bad_name = DEPLOY.replace("name: web\nspec", "name: Web\nspec");
        assert_eq!(workload(&bad_name), vec!["metadata.name: Invalid value: \"Web\": a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')".to_string()]);
        let dotted_sts = DEPLOY
            .replace("Deployment", "StatefulSet")
            .replace("name: web\nspec", "name: web.v1\nspec");
        assert_eq!(
            workload(&dotted_sts),
            vec!["metadata.name: Invalid value: \"web.v1\": must not contain dots".to_string()]
        );
        let never = DEPLOY.replace(
            "      containers:",
            "      restartPolicy: Never\n      containers:",
        );
        assert_eq!(
            workload(&never),
            vec!["spec.template.spec.restartPolicy: Unsupported value: \"Never\": supported values: \"Always\"".to_string()]
        );
        let bad_label = DEPLOY.replace(
            "      labels:\n        app: web\n",
            "      labels:\n        app: web\n        bad key: x\n",
        );
        assert_eq!(workload(&bad_label), vec!["spec.template.labels: Invalid value: \"bad key\": name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')".to_string()]);
    }
}
