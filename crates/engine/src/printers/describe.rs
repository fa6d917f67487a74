//! `kubectl describe service` (kubectl `describe.go`, `describeService`).

use super::duration::human_duration;
use super::tables::{format_labels, join_host_port};
use super::tabwriter::tabwrite;
use super::GetError;
use crate::api::core::{IntOrString, Service};
use crate::api::discovery::EndpointSlice;
use crate::cluster::{Cluster, Event};
use std::collections::BTreeMap;

/// kubectl skips this annotation in `describe`.
const LAST_APPLIED: &str = "kubectl.kubernetes.io/last-applied-configuration";
/// `maxAnnotationLen`: longer annotations are printed on their own lines, shortened.
const MAX_ANNOTATION_LEN: usize = 140;

/// `kubectl describe service NAME -n NAMESPACE`.
///
/// Lines and labels as kubectl prints them (`Name`, `Namespace`, `Labels`, `Annotations`,
/// `Selector`, `Type`, `IP Family Policy`, `IP Families`, `IP`, `IPs`, `External IPs`,
/// `Desired LoadBalancer IP`, `External Name`, `LoadBalancer Ingress` with `(VIP)`/`(Proxy)`,
/// then per port `Port`, `TargetPort`, `AppProtocol`, `NodePort`, `Endpoints`, and `Session
/// Affinity`, `External Traffic Policy`, `Internal Traffic Policy`, `HealthCheck NodePort`,
/// `LoadBalancer Source Ranges`, `Traffic Distribution`, `Events`), aligned by a tab writer with
/// padding 2. `Endpoints` lists the *ready* addresses of the Service's EndpointSlices whose port
/// name matches (`formatEndpointSlices`): `<none>` when the Service has no slice at all, empty
/// when slices exist but nothing is ready. Events are the cluster's events about
/// `service/NAME`, identical ones folded into `(xN over AGE)` as the event recorder does.
pub fn describe_service(
    cluster: &Cluster,
    namespace: &str,
    name: &str,
) -> Result<String, GetError> {
    let svc = cluster
        .store
        .service(namespace, name)
        .ok_or_else(|| GetError::NotFound {
            resource: "services".to_string(),
            name: name.to_string(),
        })?;
    let slices: Vec<&EndpointSlice> = cluster.store.slices_for_service(namespace, name).collect();
    let mut main = String::new();
    write_body(&mut main, svc, &slices);
    let events = service_events(cluster, svc);
    if events.is_empty() {
        main.push_str("Events:\t<none>\n");
        return Ok(tabwrite(&escaped(&main), 0, 2));
    }
    let mut text = tabwrite(&escaped(&main), 0, 2);
    let mut ev = String::from(
        "Events:\n  Type\tReason\tAge\tFrom\tMessage\n  ----\t------\t----\t----\t-------\n",
    );
    for e in events {
        ev.push_str(&format!(
            "  {}\t{}\t{}\t{}\t{}\n",
            e.type_, e.reason, e.interval, e.from, e.message
        ));
    }
    text.push_str(&tabwrite(&escaped(&ev), 0, 2));
    Ok(text)
}

/// Longest line of a description printed whole (a line is a label and its value, or one
/// annotation line). kubectl has no limit; real lines stay far below it.
const MAX_LINE: usize = 4 * crate::quote::MAX_QUOTED;

/// The description as kubectl's `prefixWriter` hands it to the tab writer: every write goes
/// through cli-runtime's `WriteEscaped` (ESC → `^[`, CR → `\r`), so a label or annotation
/// cannot drive the terminal. svcsim also shows the other runes Go calls non-printable as
/// their `%q` escapes (a right-to-left override as `\u202e`; tabs and line feeds lay the text
/// out and stay) and cuts a line past [`MAX_LINE`] bytes with a marker. Ordinary text is
/// unchanged.
fn escaped(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for line in text.split_inclusive('\n') {
        let (body, newline) = match line.strip_suffix('\n') {
            Some(b) => (b, "\n"),
            None => (line, ""),
        };
        let capped = crate::quote::truncate(body, MAX_LINE);
        out.push_str(&crate::quote::escape_terminal(&capped));
        out.push_str(newline);
    }
    out
}

fn write_body(w: &mut String, svc: &Service, slices: &[&EndpointSlice]) {
    let spec = &svc.spec;
    w.push_str(&format!("Name:\t{}\n", svc.metadata.name));
    w.push_str(&format!("Namespace:\t{}\n", svc.metadata.namespace));
    labels_multiline(w, "Labels", &svc.metadata.labels);
    annotations_multiline(w, "Annotations", &svc.metadata.annotations);
    w.push_str(&format!("Selector:\t{}\n", format_labels(&spec.selector)));
    w.push_str(&format!("Type:\t{}\n", spec.type_));
    if let Some(p) = &spec.ip_family_policy {
        w.push_str(&format!("IP Family Policy:\t{p}\n"));
    }
    let families = if spec.ip_families.is_empty() {
        "<none>".to_string()
    } else {
        spec.ip_families.join(",")
    };
    w.push_str(&format!("IP Families:\t{families}\n"));
    w.push_str(&format!("IP:\t{}\n", spec.cluster_ip));
    let ips = if spec.cluster_ips.is_empty() {
        "<none>".to_string()
    } else {
        spec.cluster_ips.join(",")
    };
    w.push_str(&format!("IPs:\t{ips}\n"));
    if !spec.external_ips.is_empty() {
        w.push_str(&format!("External IPs:\t{}\n", spec.external_ips.join(",")));
    }
    if !spec.load_balancer_ip.is_empty() {
        w.push_str(&format!(
            "Desired LoadBalancer IP:\t{}\n",
            spec.load_balancer_ip
        ));
    }
    if !spec.external_name.is_empty() {
        w.push_str(&format!("External Name:\t{}\n", spec.external_name));
    }
    let ingress = &svc.status.load_balancer.ingress;
    if !ingress.is_empty() {
        let list: Vec<String> = ingress
            .iter()
            .map(|i| {
                if i.ip.is_empty() {
                    i.hostname.clone()
                } else {
                    match &i.ip_mode {
                        Some(mode) => format!("{} ({mode})", i.ip),
                        None => i.ip.clone(),
                    }
                }
            })
            .collect();
        w.push_str(&format!("LoadBalancer Ingress:\t{}\n", list.join(", ")));
    }
    for sp in &spec.ports {
        let name = if sp.name.is_empty() {
            "<unset>"
        } else {
            sp.name.as_str()
        };
        w.push_str(&format!("Port:\t{name}\t{}/{}\n", sp.port, sp.protocol));
        let target = match &sp.target_port {
            Some(IntOrString::String(s)) => s.clone(),
            Some(IntOrString::Int(i)) => i.to_string(),
            None => "0".to_string(),
        };
        w.push_str(&format!("TargetPort:\t{target}/{}\n", sp.protocol));
        if let Some(app) = &sp.app_protocol {
            w.push_str(&format!("AppProtocol:\t{app}\n"));
        }
        if sp.node_port != 0 {
            w.push_str(&format!(
                "NodePort:\t{name}\t{}/{}\n",
                sp.node_port, sp.protocol
            ));
        }
        w.push_str(&format!(
            "Endpoints:\t{}\n",
            format_endpoint_slices(slices, &sp.name)
        ));
    }
    w.push_str(&format!("Session Affinity:\t{}\n", spec.session_affinity));
    if !spec.external_traffic_policy.is_empty() {
        w.push_str(&format!(
            "External Traffic Policy:\t{}\n",
            spec.external_traffic_policy
        ));
    }
    if let Some(p) = &spec.internal_traffic_policy {
        w.push_str(&format!("Internal Traffic Policy:\t{p}\n"));
    }
    if spec.health_check_node_port != 0 {
        w.push_str(&format!(
            "HealthCheck NodePort:\t{}\n",
            spec.health_check_node_port
        ));
    }
    if !spec.load_balancer_source_ranges.is_empty() {
        w.push_str(&format!(
            "LoadBalancer Source Ranges:\t{}\n",
            spec.load_balancer_source_ranges.join(",")
        ));
    }
    if let Some(d) = &spec.traffic_distribution {
        w.push_str(&format!("Traffic Distribution:\t{d}\n"));
    }
}

/// `printLabelsMultiline`: `Title:\t<none>` or one `k=v` per line, sorted.
fn labels_multiline(w: &mut String, title: &str, labels: &BTreeMap<String, String>) {
    w.push_str(title);
    w.push_str(":\t");
    if labels.is_empty() {
        w.push_str("<none>\n");
        return;
    }
    for (i, (k, v)) in labels.iter().enumerate() {
        if i != 0 {
            w.push('\t');
        }
        w.push_str(&format!("{k}={v}\n"));
    }
}

/// `printAnnotationsMultiline`: `key: value` per line (last-applied-configuration skipped);
/// long or multi-line values on their own indented lines, cut at 138 characters.
fn annotations_multiline(w: &mut String, title: &str, annotations: &BTreeMap<String, String>) {
    w.push_str(title);
    w.push_str(":\t");
    let keys: Vec<&String> = annotations.keys().filter(|k| *k != LAST_APPLIED).collect();
    if keys.is_empty() {
        w.push_str("<none>\n");
        return;
    }
    for (i, key) in keys.into_iter().enumerate() {
        if i != 0 {
            w.push('\t');
        }
        let raw = annotations.get(key).map(String::as_str).unwrap_or("");
        let value = raw.strip_suffix('\n').unwrap_or(raw);
        if value.len() + key.len() + 2 > MAX_ANNOTATION_LEN || value.contains('\n') {
            w.push_str(&format!("{key}:\n"));
            for s in value.split('\n') {
                w.push_str(&format!("\t  {}\n", shorten(s, MAX_ANNOTATION_LEN - 2)));
            }
        } else {
            w.push_str(&format!("{key}: {value}\n"));
        }
    }
}

fn shorten(s: &str, max: usize) -> String {
    if s.len() <= max {
        return s.to_string();
    }
    let mut cut = max;
    while !s.is_char_boundary(cut) {
        cut -= 1;
    }
    format!("{}...", s.get(..cut).unwrap_or(""))
}

/// kubectl's `formatEndpointSlices(slices, {portName})`, including its quirks: only ready
/// endpoints (nil `ready` counts as ready) are listed and counted, but the `+ N more...`
/// marker is set as soon as three entries are listed and another endpoint is looked at.
fn format_endpoint_slices(slices: &[&EndpointSlice], port_name: &str) -> String {
    if slices.is_empty() {
        return "<none>".to_string();
    }
    let max = 3;
    let mut list: Vec<String> = Vec::new();
    let mut more = false;
    let mut count = 0usize;
    for s in slices {
        if s.ports.is_empty() {
            for e in &s.endpoints {
                if list.len() == max {
                    more = true;
                }
                if e.conditions.ready == Some(false) {
                    continue;
                }
                if !more {
                    if let Some(a) = e.addresses.first() {
                        list.push(a.clone());
                    }
                }
                count += 1;
            }
        } else {
            for p in &s.ports {
                if p.name.as_deref().unwrap_or("") != port_name {
                    continue;
                }
                for e in &s.endpoints {
                    if list.len() == max {
                        more = true;
                    }
                    if e.conditions.ready == Some(false) {
                        continue;
                    }
                    if !more {
                        if let Some(a) = e.addresses.first() {
                            list.push(join_host_port(a, p.port.unwrap_or(0)));
                        }
                    }
                    count += 1;
                }
            }
        }
    }
    let ret = list.join(",");
    if more {
        return format!("{ret} + {} more...", count.saturating_sub(max));
    }
    ret
}

/// One row of the Events table.
struct EventRow {
    type_: String,
    reason: String,
    interval: String,
    from: String,
    message: String,
}

/// The component that reports an event with this reason (the event's `source.component`),
/// for the reasons svcsim's controllers emit.
fn event_source(reason: &str) -> &'static str {
    match reason {
        "Scheduled" | "FailedScheduling" => "default-scheduler",
        "Pulling" | "Pulled" | "Created" | "Started" | "Killing" | "Unhealthy" | "BackOff" => {
            "kubelet"
        }
        "ScalingReplicaSet" => "deployment-controller",
        "SuccessfulCreate" | "SuccessfulDelete" => "replicaset-controller",
        "IPAllocated" | "AllocationFailed" => "metallb-controller",
        "nodeAssigned" => "metallb-speaker",
        "Type" | "EnsuringLoadBalancer" | "EnsuredLoadBalancer" | "UpdatedLoadBalancer" => {
            "service-controller"
        }
        "FailedToUpdateEndpointSlices" => "endpoint-slice-controller",
        "ClusterIPNotAllocated" | "ClusterIPOutOfRange" | "ClusterIPAlreadyAllocated" => {
            "ipallocator-repair-controller"
        }
        _ => "",
    }
}

/// Events about `service/<name>` in its namespace, folded like the event recorder's
/// correlator (same type, reason and message → one event with a count), in time order.
fn service_events(cluster: &Cluster, svc: &Service) -> Vec<EventRow> {
    let object = format!("service/{}", svc.metadata.name);
    let mut folded: Vec<(&Event, usize, &Event)> = Vec::new();
    for e in cluster
        .events
        .iter()
        .filter(|e| e.namespace == svc.metadata.namespace && e.object.eq_ignore_ascii_case(&object))
    {
        match folded
            .iter_mut()
            .find(|(f, ..)| f.type_ == e.type_ && f.reason == e.reason && f.message == e.message)
        {
            Some(entry) => {
                entry.1 += 1;
                entry.2 = e;
            }
            None => folded.push((e, 1, e)),
        }
    }
    // SortableEvents: by last timestamp.
    folded.sort_by_key(|(_, _, last)| last.time);
    let now = cluster.wall_now().0;
    let since = |e: &Event| human_duration(now.saturating_sub(cluster.wall_time(e.time).0));
    folded
        .into_iter()
        .map(|(first, count, last)| EventRow {
            type_: first.type_.clone(),
            reason: first.reason.clone(),
            interval: if count > 1 {
                format!("{} (x{count} over {})", since(last), since(first))
            } else {
                since(first)
            },
            from: event_source(&first.reason).to_string(),
            message: first.message.trim().to_string(),
        })
        .collect()
}
