//! Pods: `ValidatePodCreate` and `ValidatePodSpec` (`pkg/apis/core/validation/validation.go`)
//! for the fields svcsim models — containers and their ports, host ports, tolerations, restart
//! and DNS policy, DNS config, the pod-specific annotations, and the status pod IPs. Workloads'
//! templates reuse the pod spec rules ([`super::workloads`]).
//!
//! Run these after defaulting ([`super::defaults`]). Fields svcsim drops while decoding (probes,
//! volumes, resources, `imagePullPolicy`, …) are not validated; fields Kubernetes always defaults
//! (e.g. `terminationMessagePolicy`) are treated as defaulted.

use super::field::{each_invalid, go_quote, invalid_str, BadValue, ErrorList, FieldError};
use super::ip::{is_dual_stack_ip_strings, validate_ip};
use super::meta::{validate_label_name, validate_labels, validate_object_meta};
use super::names;
use crate::api::core::{Container, LifecycleHandler, Pod, PodSpec, Toleration};
use std::collections::{BTreeMap, BTreeSet};

use super::SUPPORTED_PORT_PROTOCOLS;

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
        if let Some(pre_stop) = c.lifecycle.as_ref().and_then(|l| l.pre_stop.as_ref()) {
            errs.extend(validate_handler(
                pre_stop,
                spec.termination_grace_period_seconds,
                &format!("{p}.lifecycle.preStop"),
            ));
        }
    }
    errs.extend(check_host_port_conflicts(
        spec.containers.iter().enumerate(),
        path,
    ));
    errs
}

/// `validateHandler` for a lifecycle hook: exactly one handler (in the API's order exec,
/// httpGet, tcpSocket, sleep), an exec with a command, and `validateSleepAction` with
/// `PodLifecycleSleepActionAllowZero` (on by default since v1.33): 0 ≤ seconds ≤ the grace
/// period.
fn validate_handler(h: &LifecycleHandler, grace: Option<i64>, path: &str) -> ErrorList {
    let mut errs = Vec::new();
    let mut given: Vec<&str> = Vec::new();
    if h.exec.is_some() {
        given.push("exec");
    }
    given.extend(h.other.iter().copied());
    if h.sleep.is_some() {
        given.push("sleep");
    }
    for extra in given.iter().skip(1) {
        errs.push(FieldError::forbidden(
            format!("{path}.{extra}"),
            "may not specify more than 1 handler type",
        ));
    }
    match given.first() {
        None => errs.push(FieldError::required(path, "must specify a handler type")),
        Some(&"exec") => {
            if h.exec.as_ref().is_some_and(|e| e.command.is_empty()) {
                errs.push(FieldError::required(format!("{path}.exec.command"), ""));
            }
        }
        Some(&"sleep") => {
            if let (Some(sleep), Some(grace)) = (&h.sleep, grace) {
                if sleep.seconds < 0 || sleep.seconds > grace {
                    errs.push(FieldError::invalid(
                        format!("{path}.sleep"),
                        BadValue::int(sleep.seconds),
                        format!(
                            "must be non-negative and less than terminationGracePeriodSeconds ({grace})"
                        ),
                    ));
                }
            }
        }
        Some(_) => {}
    }
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
pub(super) fn validate_taint_effect(effect: &str, allow_empty: bool, path: &str) -> ErrorList {
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
pub(super) fn validate_pod_spec(spec: &PodSpec, path: &str, resource_is_pod: bool) -> ErrorList {
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
pub(super) fn validate_pod_specific_annotations(
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

#[cfg(test)]
mod tests {
    use crate::validate::testing::pod;

    /// `validateHandler` / `validateSleepAction` (v1.33, `PodLifecycleSleepActionAllowZero` on)
    /// on a preStop hook, and how long each hook keeps a deleted pod.
    #[test]
    fn prestop_hooks() {
        let base = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\nspec:\n  terminationGracePeriodSeconds: 20\n  containers:\n  - name: c\n    image: busybox\n    lifecycle:\n      preStop:\n";
        let hook = |h: &str| pod(&format!("{base}{h}"));
        assert!(hook("        sleep:\n          seconds: 0\n").is_empty());
        assert!(hook("        sleep:\n          seconds: 20\n").is_empty());
        assert_eq!(
            hook("        sleep:\n          seconds: 21\n"),
            vec!["spec.containers[0].lifecycle.preStop.sleep: Invalid value: 21: must be non-negative and less than terminationGracePeriodSeconds (20)".to_string()]
        );
        assert_eq!(
            hook("        sleep:\n          seconds: -1\n"),
            vec!["spec.containers[0].lifecycle.preStop.sleep: Invalid value: -1: must be non-negative and less than terminationGracePeriodSeconds (20)".to_string()]
        );
        assert_eq!(
            hook("        exec:\n          command: []\n        httpGet:\n          port: 80\n        sleep:\n          seconds: 99\n"),
            vec![
                "spec.containers[0].lifecycle.preStop.httpGet: Forbidden: may not specify more than 1 handler type".to_string(),
                "spec.containers[0].lifecycle.preStop.sleep: Forbidden: may not specify more than 1 handler type".to_string(),
                "spec.containers[0].lifecycle.preStop.exec.command: Required value".to_string(),
            ]
        );
        assert_eq!(
            hook("        {}\n"),
            vec![
                "spec.containers[0].lifecycle.preStop: Required value: must specify a handler type"
                    .to_string()
            ]
        );
        assert!(hook("        tcpSocket:\n          port: 80\n").is_empty());

        use crate::api::core::{ExecAction, LifecycleHandler, SleepAction};
        let exec = |cmd: &[&str]| LifecycleHandler {
            exec: Some(ExecAction {
                command: cmd.iter().map(|s| s.to_string()).collect(),
            }),
            ..Default::default()
        };
        let sleep = LifecycleHandler {
            sleep: Some(SleepAction { seconds: 15 }),
            ..Default::default()
        };
        assert_eq!(sleep.duration_ms(), 15_000);
        assert_eq!(exec(&["sleep", "5"]).duration_ms(), 5_000);
        assert_eq!(
            exec(&["/bin/sh", "-c", "sleep 2.5s && nginx -s quit"]).duration_ms(),
            2_500
        );
        assert_eq!(exec(&["/usr/sbin/nginx", "-s", "quit"]).duration_ms(), 0);
        assert_eq!(
            exec(&["sleep", "infinity"]).duration_ms(),
            1_000_000_000_000
        );
        assert_eq!(exec(&["sleep", "nan"]).duration_ms(), 0);
    }

    #[test]
    fn pod_rules() {
        assert!(pod("apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\n  labels:\n    app: web\nspec:\n  containers:\n  - name: c\n    image: busybox\n    ports:\n    - containerPort: 8080\n").is_empty());
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
}
