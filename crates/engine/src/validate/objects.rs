//! Validation of the non-Service kinds svcsim accepts (their metadata: [`super::meta`]).
//!
//! Reproduces, in kube-apiserver's order:
//! * `ValidatePodCreate` / `ValidatePodSpec` (`pkg/apis/core/validation/validation.go`) for the
//!   fields svcsim models;
//! * `ValidateDeployment`, `ValidateReplicaSet`, `ValidateStatefulSet`, `ValidateDaemonSet`
//!   (`pkg/apis/apps/validation/validation.go`);
//! * `ValidateNode`, `ValidateNamespace` (core) and `ValidateEndpointSlice`
//!   (`pkg/apis/discovery/validation/validation.go`).
//!
//! Run these after defaulting ([`super::defaults`]). Fields svcsim drops while decoding (probes,
//! volumes, resources, `imagePullPolicy`, …) are not validated; fields Kubernetes always defaults
//! (e.g. `terminationMessagePolicy`) are treated as defaulted.

use super::field::{each_invalid, go_quote, invalid_str, BadValue, ErrorList, FieldError};
use super::ip::{
    is_dual_stack_cidr_strings, is_dual_stack_ip_strings, validate_cidr, validate_ip,
    validate_ipv4_address, validate_ipv6_address, validate_non_special_ip,
};
use super::meta::{
    go_label_selector, go_string_map, validate_annotations, validate_label_name,
    validate_label_selector, validate_labels, validate_nonnegative, validate_object_meta,
};
use super::names::{self, NameFn};
use crate::api::apps::{Workload, WorkloadKind};
use crate::api::core::{Container, Namespace, Node, Pod, PodSpec, Toleration};
use crate::api::discovery::EndpointSlice;
use crate::api::meta::LabelSelector;
use std::collections::{BTreeMap, BTreeSet};

// ---------------------------------------------------------------------------------------------
// Pods
// ---------------------------------------------------------------------------------------------

const SUPPORTED_PORT_PROTOCOLS: &[&str] = &["SCTP", "TCP", "UDP"];

/// `validateContainerPorts`: IANA port names (unique per container), containerPort required and
/// in range, hostPort in range, protocol TCP/UDP/SCTP.
fn validate_container_ports(c: &Container, path: &str) -> ErrorList {
    let mut errs = Vec::new();
    let mut names_seen = BTreeSet::new();
    for (i, p) in c.ports.iter().enumerate() {
        let ip = format!("{path}[{i}]");
        if !p.name.is_empty() {
            let msgs = names::is_valid_port_name(&p.name);
            if !msgs.is_empty() {
                errs.extend(each_invalid(&format!("{ip}.name"), &p.name, msgs));
            } else if !names_seen.insert(p.name.as_str()) {
                errs.push(FieldError::duplicate(
                    format!("{ip}.name"),
                    BadValue::str(&p.name),
                ));
            }
        }
        if p.container_port == 0 {
            errs.push(FieldError::required(format!("{ip}.containerPort"), ""));
        } else {
            for m in names::is_valid_port_num(i64::from(p.container_port)) {
                errs.push(FieldError::invalid(
                    format!("{ip}.containerPort"),
                    BadValue::int(p.container_port),
                    m,
                ));
            }
        }
        if p.host_port != 0 {
            for m in names::is_valid_port_num(i64::from(p.host_port)) {
                errs.push(FieldError::invalid(
                    format!("{ip}.hostPort"),
                    BadValue::int(p.host_port),
                    m,
                ));
            }
        }
        if p.protocol.is_empty() {
            errs.push(FieldError::required(format!("{ip}.protocol"), ""));
        } else if !SUPPORTED_PORT_PROTOCOLS.contains(&p.protocol.as_str()) {
            errs.push(FieldError::not_supported(
                format!("{ip}.protocol"),
                BadValue::str(&p.protocol),
                SUPPORTED_PORT_PROTOCOLS,
            ));
        }
    }
    errs
}

/// `validateContainerCommon` for what svcsim models: name, image, ports.
fn validate_container_common(c: &Container, path: &str) -> ErrorList {
    let mut errs = Vec::new();
    if c.name.is_empty() {
        errs.push(FieldError::required(format!("{path}.name"), ""));
    } else {
        errs.extend(each_invalid(
            &format!("{path}.name"),
            &c.name,
            names::is_dns1123_label(&c.name),
        ));
    }
    if c.image.is_empty() {
        errs.push(FieldError::required(format!("{path}.image"), ""));
    }
    errs.extend(validate_container_ports(c, &format!("{path}.ports")));
    errs
}

/// `AccumulateUniqueHostPorts` / `checkHostPortConflicts`: `protocol/hostIP/hostPort` unique.
fn check_host_port_conflicts<'a>(
    containers: impl Iterator<Item = (usize, &'a Container)>,
    path: &str,
) -> ErrorList {
    let mut errs = Vec::new();
    let mut seen = BTreeSet::new();
    for (ci, c) in containers {
        for (pi, p) in c.ports.iter().enumerate() {
            if p.host_port == 0 {
                continue;
            }
            let key = format!("{}/{}/{}", p.protocol, p.host_ip, p.host_port);
            if seen.contains(&key) {
                errs.push(FieldError::duplicate(
                    format!("{path}[{ci}].ports[{pi}].hostPort"),
                    BadValue::str(key),
                ));
            } else {
                seen.insert(key);
            }
        }
    }
    errs
}

fn validate_containers(spec: &PodSpec, path: &str) -> ErrorList {
    let mut errs = Vec::new();
    if spec.containers.is_empty() {
        return vec![FieldError::required(path, "")];
    }
    let mut all = BTreeSet::new();
    for (i, c) in spec.containers.iter().enumerate() {
        let p = format!("{path}[{i}]");
        errs.extend(validate_container_common(c, &p));
        if !all.insert(c.name.as_str()) {
            errs.push(FieldError::duplicate(
                format!("{p}.name"),
                BadValue::str(&c.name),
            ));
        }
        if c.restart_policy.is_some() {
            errs.push(FieldError::forbidden(
                format!("{p}.restartPolicy"),
                "may not be set for non-init containers",
            ));
        }
    }
    errs.extend(check_host_port_conflicts(
        spec.containers.iter().enumerate(),
        path,
    ));
    errs
}

fn validate_init_containers(spec: &PodSpec, path: &str) -> ErrorList {
    let mut errs = Vec::new();
    let mut all: BTreeSet<&str> = spec.containers.iter().map(|c| c.name.as_str()).collect();
    for (i, c) in spec.init_containers.iter().enumerate() {
        let p = format!("{path}[{i}]");
        errs.extend(validate_container_common(c, &p));
        if let Some(rp) = &c.restart_policy {
            if rp != "Always" {
                errs.push(FieldError::not_supported(
                    format!("{p}.restartPolicy"),
                    BadValue::str(rp),
                    &["Always"],
                ));
            }
        }
        if all.contains(c.name.as_str()) {
            errs.push(FieldError::duplicate(
                format!("{p}.name"),
                BadValue::str(&c.name),
            ));
        } else if !c.name.is_empty() {
            all.insert(c.name.as_str());
        }
        // Kubernetes checks each init container on its own (they run one by one), passing a
        // one-element list: the reported index is always 0.
        errs.extend(check_host_port_conflicts(std::iter::once((0, c)), path));
    }
    errs
}

/// `ValidateTolerations` (svcsim does not model `tolerationSeconds`).
fn validate_tolerations(tolerations: &[Toleration], path: &str) -> ErrorList {
    let mut errs = Vec::new();
    for (i, t) in tolerations.iter().enumerate() {
        let ip = format!("{path}[{i}]");
        if !t.key.is_empty() {
            errs.extend(validate_label_name(&t.key, &format!("{ip}.key")));
        }
        if t.key.is_empty() && t.operator != "Exists" {
            errs.push(invalid_str(
                format!("{ip}.operator"),
                &t.operator,
                "operator must be Exists when `key` is empty, which means \"match all values and all keys\"",
            ));
        }
        match t.operator.as_str() {
            "Equal" | "" => {
                let msgs = names::is_valid_label_value(&t.value);
                if !msgs.is_empty() {
                    errs.push(invalid_str(
                        format!("{ip}.operator"),
                        &t.value,
                        msgs.join(";"),
                    ));
                }
            }
            "Exists" => {
                if !t.value.is_empty() {
                    errs.push(invalid_str(
                        format!("{ip}.operator"),
                        &t.value,
                        "value must be empty when `operator` is 'Exists'",
                    ));
                }
            }
            op => errs.push(FieldError::not_supported(
                format!("{ip}.operator"),
                BadValue::str(op),
                &["Equal", "Exists"],
            )),
        }
        if !t.effect.is_empty() {
            errs.extend(validate_taint_effect(
                &t.effect,
                true,
                &format!("{ip}.effect"),
            ));
        }
    }
    errs
}

const TAINT_EFFECTS: &[&str] = &["NoSchedule", "PreferNoSchedule", "NoExecute"];

/// `validateTaintEffect`.
fn validate_taint_effect(effect: &str, allow_empty: bool, path: &str) -> ErrorList {
    if !allow_empty && effect.is_empty() {
        return vec![FieldError::required(path, "")];
    }
    if TAINT_EFFECTS.contains(&effect) {
        Vec::new()
    } else {
        vec![FieldError::not_supported(
            path,
            BadValue::str(effect),
            TAINT_EFFECTS,
        )]
    }
}

/// `validatePodDNSConfig` (with `RelaxedDNSSearchValidation`, on by default since 1.33).
fn validate_pod_dns_config(spec: &PodSpec, path: &str) -> ErrorList {
    let mut errs = Vec::new();
    if spec.dns_policy == "None" {
        match &spec.dns_config {
            None => {
                return vec![FieldError::required(
                    path,
                    "must provide `dnsConfig` when `dnsPolicy` is None",
                )]
            }
            Some(c) if c.nameservers.is_empty() => {
                return vec![FieldError::required(
                    format!("{path}.nameservers"),
                    "must provide at least one DNS nameserver when `dnsPolicy` is None",
                )]
            }
            Some(_) => {}
        }
    }
    let Some(c) = &spec.dns_config else {
        return errs;
    };
    if c.nameservers.len() > 3 {
        errs.push(FieldError::invalid(
            format!("{path}.nameservers"),
            BadValue::string_slice(&c.nameservers),
            "must not have more than 3 nameservers",
        ));
    }
    for (i, ns) in c.nameservers.iter().enumerate() {
        errs.extend(validate_ip(&format!("{path}.nameservers[{i}]"), ns));
    }
    if c.searches.len() > 32 {
        errs.push(FieldError::invalid(
            format!("{path}.searches"),
            BadValue::string_slice(&c.searches),
            "must not have more than 32 search paths",
        ));
    }
    if c.searches.join(" ").len() > 2048 {
        errs.push(FieldError::invalid(
            format!("{path}.searches"),
            BadValue::string_slice(&c.searches),
            "must not have more than 2048 characters (including spaces) in the search list",
        ));
    }
    for (i, s) in c.searches.iter().enumerate() {
        if s != "." {
            let s = s.strip_suffix('.').unwrap_or(s);
            errs.extend(each_invalid(
                &format!("{path}.searches[{i}]"),
                s,
                names::is_dns1123_subdomain_with_underscore(s),
            ));
        }
    }
    for (i, o) in c.options.iter().enumerate() {
        if o.name.is_empty() {
            errs.push(FieldError::required(
                format!("{path}.options[{i}]"),
                "must not be empty",
            ));
        }
    }
    errs
}

/// `ValidatePodSpec` for the fields svcsim models, in Kubernetes' order. `resource_is_pod` is
/// `PodValidationOptions.ResourceIsPod` (true for a Pod, false for a workload's template).
fn validate_pod_spec(spec: &PodSpec, path: &str, resource_is_pod: bool) -> ErrorList {
    let mut errs = Vec::new();
    if spec.termination_grace_period_seconds.is_none() {
        errs.push(FieldError::required(
            format!("{path}.terminationGracePeriodSeconds"),
            "",
        ));
    }
    errs.extend(validate_containers(spec, &format!("{path}.containers")));
    errs.extend(validate_init_containers(
        spec,
        &format!("{path}.initContainers"),
    ));
    // validatePodHostNetworkDeps
    if spec.host_network {
        for (i, c) in spec.containers.iter().enumerate() {
            for (j, p) in c.ports.iter().enumerate() {
                if (resource_is_pod || p.host_port != 0) && p.host_port != p.container_port {
                    errs.push(FieldError::invalid(
                        format!("{path}.containers[{i}].ports[{j}].hostPort"),
                        BadValue::int(p.host_port),
                        "must match `containerPort` when `hostNetwork` is true",
                    ));
                }
            }
        }
    }
    // validateRestartPolicy
    match spec.restart_policy.as_str() {
        "Always" | "OnFailure" | "Never" => {}
        "" => errs.push(FieldError::required(format!("{path}.restartPolicy"), "")),
        other => errs.push(FieldError::not_supported(
            format!("{path}.restartPolicy"),
            BadValue::str(other),
            &["Always", "OnFailure", "Never"],
        )),
    }
    // validateDNSPolicy
    match spec.dns_policy.as_str() {
        "ClusterFirstWithHostNet" | "ClusterFirst" | "Default" | "None" => {}
        "" => errs.push(FieldError::required(format!("{path}.dnsPolicy"), "")),
        other => errs.push(FieldError::not_supported(
            format!("{path}.dnsPolicy"),
            BadValue::str(other),
            &["ClusterFirstWithHostNet", "ClusterFirst", "Default", "None"],
        )),
    }
    errs.extend(validate_labels(
        &spec.node_selector,
        &format!("{path}.nodeSelector"),
    ));
    errs.extend(validate_pod_dns_config(spec, &format!("{path}.dnsConfig")));
    if !spec.node_name.is_empty() {
        errs.extend(each_invalid(
            &format!("{path}.nodeName"),
            &spec.node_name,
            names::name_is_dns_subdomain(&spec.node_name, false),
        ));
    }
    if !spec.hostname.is_empty() {
        errs.extend(each_invalid(
            &format!("{path}.hostname"),
            &spec.hostname,
            names::is_dns1123_label(&spec.hostname),
        ));
    }
    if !spec.subdomain.is_empty() {
        errs.extend(each_invalid(
            &format!("{path}.subdomain"),
            &spec.subdomain,
            names::is_dns1123_label(&spec.subdomain),
        ));
    }
    if !spec.tolerations.is_empty() {
        errs.extend(validate_tolerations(
            &spec.tolerations,
            &format!("{path}.tolerations"),
        ));
    }
    errs
}

/// The pod annotation a deletion cost lives in.
const POD_DELETION_COST: &str = "controller.kubernetes.io/pod-deletion-cost";
/// The annotation that marks a mirror (static) pod.
const MIRROR_POD_ANNOTATION: &str = "kubernetes.io/config.mirror";

/// `ValidatePodSpecificAnnotations`: a mirror pod must name its node; a deletion cost must be a
/// 32-bit integer without `+` or leading zeros.
fn validate_pod_specific_annotations(
    annotations: &BTreeMap<String, String>,
    spec: &PodSpec,
    path: &str,
) -> ErrorList {
    let mut errs = Vec::new();
    if let Some(v) = annotations.get(MIRROR_POD_ANNOTATION) {
        if spec.node_name.is_empty() {
            errs.push(invalid_str(
                format!("{path}[{MIRROR_POD_ANNOTATION}]"),
                v,
                "must set spec.nodeName if mirror pod annotation is set",
            ));
        }
    }
    if let Some(v) = annotations.get(POD_DELETION_COST) {
        let first_ok = match v.as_bytes().first() {
            Some(b'-') => true,
            Some(b'0') => v == "0",
            Some(b'1'..=b'9') => true,
            _ => false,
        };
        if !first_ok || v.parse::<i32>().is_err() {
            errs.push(invalid_str(
                format!("{path}[{POD_DELETION_COST}]"),
                v,
                "must be a 32bit integer",
            ));
        }
    }
    errs
}

/// Go's `%#v` of `[]core.PodIP`.
fn go_pod_ips(ips: &[crate::api::core::PodIp]) -> String {
    let items: Vec<String> = ips
        .iter()
        .map(|p| format!("core.PodIP{{IP:{}}}", go_quote(&p.ip)))
        .collect();
    format!("[]core.PodIP{{{}}}", items.join(", "))
}

/// `ValidatePodCreate`: metadata (name a DNS-1123 subdomain), pod annotations, the pod spec,
/// pod-only container checks, and the status pod IPs (which kube-apiserver resets on create,
/// but svcsim keeps when a manifest pasted from a real cluster carries them).
pub fn validate_pod(pod: &Pod) -> ErrorList {
    let mut errs = validate_object_meta(
        &pod.metadata,
        true,
        names::name_is_dns_subdomain,
        "metadata",
    );
    errs.extend(validate_pod_specific_annotations(
        &pod.metadata.annotations,
        &pod.spec,
        "metadata.annotations",
    ));
    errs.extend(validate_pod_spec(&pod.spec, "spec", true));
    // validateContainersOnlyForPod
    for (field, list) in [
        ("containers", &pod.spec.containers),
        ("initContainers", &pod.spec.init_containers),
    ] {
        for (i, c) in list.iter().enumerate() {
            if c.image.len() != c.image.trim().len() {
                errs.push(invalid_str(
                    format!("spec.{field}[{i}].image"),
                    &c.image,
                    "must not have leading or trailing whitespace",
                ));
            }
        }
    }
    // validatePodIPs
    let ips = &pod.status.pod_ips;
    for (i, p) in ips.iter().enumerate() {
        errs.extend(validate_ip(&format!("status.podIPs[{i}]"), &p.ip));
    }
    if ips.len() > 1 {
        let strs: Vec<String> = ips.iter().map(|p| p.ip.clone()).collect();
        match is_dual_stack_ip_strings(&strs) {
            None => errs.push(FieldError::internal(
                "status.podIPs",
                "failed to check for dual stack with error:failed to parse IP",
            )),
            Some(dual) => {
                if !dual || ips.len() > 2 {
                    errs.push(FieldError::invalid(
                        "status.podIPs",
                        BadValue::GoSyntax(go_pod_ips(ips)),
                        "may specify no more than one IP for each IP family",
                    ));
                }
            }
        }
        let mut seen = BTreeSet::new();
        for (i, p) in ips.iter().enumerate() {
            if !seen.insert(p.ip.as_str()) {
                errs.push(FieldError::duplicate(
                    format!("status.podIPs[{i}]"),
                    BadValue::GoSyntax(format!("core.PodIP{{IP:{}}}", go_quote(&p.ip))),
                ));
            }
        }
    }
    errs
}

// ---------------------------------------------------------------------------------------------
// Workloads
// ---------------------------------------------------------------------------------------------

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

// ---------------------------------------------------------------------------------------------
// Nodes and Namespaces
// ---------------------------------------------------------------------------------------------

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

// ---------------------------------------------------------------------------------------------
// EndpointSlices
// ---------------------------------------------------------------------------------------------

const MAX_ENDPOINTS: usize = 1000;
const MAX_ADDRESSES: usize = 100;
const MAX_PORTS: usize = 20000;
const MAX_TOPOLOGY_LABELS: usize = 16;
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
    use super::*;
    use crate::api::Object;
    use crate::validate::testing::{decode, messages, pod, slice, workload};

    const DEPLOY: &str = "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  replicas: 3\n  selector:\n    matchLabels:\n      app: web\n  template:\n    metadata:\n      labels:\n        app: web\n    spec:\n      containers:\n      - name: nginx\n        image: nginx:1.27\n        ports:\n        - containerPort: 80\n          name: http\n";

    #[test]
    fn valid_objects_pass() {
        assert!(workload(DEPLOY).is_empty());
        assert!(workload(&DEPLOY.replace("Deployment", "ReplicaSet")).is_empty());
        assert!(workload(&DEPLOY.replace("Deployment", "StatefulSet")).is_empty());
        assert!(workload(
            &DEPLOY
                .replace("Deployment", "DaemonSet")
                .replace("  replicas: 3\n", "")
        )
        .is_empty());
        assert!(pod("apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\n  labels:\n    app: web\nspec:\n  containers:\n  - name: c\n    image: busybox\n    ports:\n    - containerPort: 8080\n").is_empty());
        assert!(slice("apiVersion: discovery.k8s.io/v1\nkind: EndpointSlice\nmetadata:\n  name: my-service-1\n  labels:\n    kubernetes.io/service-name: my-service\naddressType: IPv4\nports:\n  - name: ''\n    appProtocol: http\n    protocol: TCP\n    port: 9376\nendpoints:\n  - addresses:\n      - \"10.4.5.6\"\n  - addresses:\n      - \"10.1.2.3\"\n").is_empty());
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

    #[test]
    fn pod_rules() {
        let base = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  containers:\n  - name: c\n    image: busybox\n";
        assert_eq!(
            pod(&base.replace("    image: busybox\n", "")),
            vec!["spec.containers[0].image: Required value".to_string()]
        );
        assert_eq!(
            pod(&base.replace("name: c", "name: C")),
            vec!["spec.containers[0].name: Invalid value: \"C\": a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')".to_string()]
        );
        let ports = format!("{base}    ports:\n    - containerPort: 0\n      name: HTTP\n      protocol: ICMP\n    - containerPort: 70000\n      hostPort: 70000\n");
        assert_eq!(
            pod(&ports),
            vec![
                "spec.containers[0].ports[0].name: Invalid value: \"HTTP\": must contain only alpha-numeric characters (a-z, 0-9), and hyphens (-)".to_string(),
                "spec.containers[0].ports[0].name: Invalid value: \"HTTP\": must contain at least one letter (a-z)".to_string(),
                "spec.containers[0].ports[0].containerPort: Required value".to_string(),
                "spec.containers[0].ports[0].protocol: Unsupported value: \"ICMP\": supported values: \"SCTP\", \"TCP\", \"UDP\"".to_string(),
                "spec.containers[0].ports[1].containerPort: Invalid value: 70000: must be between 1 and 65535, inclusive".to_string(),
                "spec.containers[0].ports[1].hostPort: Invalid value: 70000: must be between 1 and 65535, inclusive".to_string(),
            ]
        );
        let dup = format!("{base}    ports:\n    - containerPort: 80\n      name: http\n      hostPort: 8080\n    - containerPort: 81\n      name: http\n      hostPort: 8080\n");
        assert_eq!(
            pod(&dup),
            vec![
                "spec.containers[0].ports[1].name: Duplicate value: \"http\"".to_string(),
                "spec.containers[0].ports[1].hostPort: Duplicate value: \"TCP//8080\"".to_string(),
            ]
        );
        let hostnet = format!("{base}  hostNetwork: true\n").replace(
            "    image: busybox\n",
            "    image: busybox\n    ports:\n    - containerPort: 80\n      hostPort: 81\n",
        );
        assert_eq!(
            pod(&hostnet),
            vec!["spec.containers[0].ports[0].hostPort: Invalid value: 81: must match `containerPort` when `hostNetwork` is true".to_string()]
        );
        assert_eq!(
            pod(&format!("{base}  dnsPolicy: Cluster\n  hostname: My_Host\n")),
            vec![
                "spec.dnsPolicy: Unsupported value: \"Cluster\": supported values: \"ClusterFirstWithHostNet\", \"ClusterFirst\", \"Default\", \"None\"".to_string(),
                "spec.hostname: Invalid value: \"My_Host\": a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')".to_string(),
            ]
        );
        assert_eq!(
            pod(&format!("{base}  dnsPolicy: None\n")),
            vec![
                "spec.dnsConfig: Required value: must provide `dnsConfig` when `dnsPolicy` is None"
                    .to_string()
            ]
        );
        assert_eq!(
            pod(&format!("{base}  restartPolicy: Sometimes\n")),
            vec!["spec.restartPolicy: Unsupported value: \"Sometimes\": supported values: \"Always\", \"OnFailure\", \"Never\"".to_string()]
        );
        assert_eq!(
            pod(&base.replace(
                "containers:\n  - name: c\n    image: busybox\n",
                "containers: []\n"
            )),
            vec!["spec.containers: Required value".to_string()]
        );
        assert_eq!(
            pod(&format!("{base}  tolerations:\n  - operator: Equal\n    value: x\n")),
            vec!["spec.tolerations[0].operator: Invalid value: \"Equal\": operator must be Exists when `key` is empty, which means \"match all values and all keys\"".to_string()]
        );
        assert_eq!(
            pod(&base.replace("name: p\n", "name: p\n  annotations:\n    controller.kubernetes.io/pod-deletion-cost: \"+1\"\n")),
            vec!["metadata.annotations[controller.kubernetes.io/pod-deletion-cost]: Invalid value: \"+1\": must be a 32bit integer".to_string()]
        );
        assert_eq!(
            pod(&base.replace("image: busybox", "image: ' busybox'")),
            vec!["spec.containers[0].image: Invalid value: \" busybox\": must not have leading or trailing whitespace".to_string()]
        );
    }

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

    #[test]
    fn endpoint_slice_rules() {
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
