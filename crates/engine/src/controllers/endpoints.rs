//! The (legacy) Endpoints controller (`pkg/controller/endpoint`): one `Endpoints` object per
//! Service with a selector, same name.
//!
//! Ready pods go to `addresses`, the others to `notReadyAddresses` (everything to `addresses`
//! with `publishNotReadyAddresses`); terminating pods are left out unless
//! `publishNotReadyAddresses`; a pod is left out of a port it cannot resolve. Subsets are
//! repacked (`endpoints.RepackSubsets`): addresses offering the same ports share a subset.
//! Above 1000 addresses the object is truncated (ready addresses first, proportionally per
//! subset) and annotated `endpoints.kubernetes.io/over-capacity: truncated`. Selector-less
//! Services' Endpoints are the user's (the controller returns early for them).

use super::endpointslice::{
    find_port, selected_pods, should_be_in_endpoints, should_set_hostname, HEADLESS_LABEL,
    TRIGGER_TIME_ANNOTATION,
};
use super::state;
use crate::api::core::{
    EndpointAddress, EndpointSubset, Endpoints, EndpointsPort, ObjectReference,
};
use crate::api::meta::ObjectMeta;
use crate::cluster::{Cluster, ObjectKey};
use std::collections::BTreeMap;

/// `maxCapacity`.
pub const MAX_CAPACITY: usize = 1000;
/// `v1.EndpointsOverCapacity`.
pub const OVER_CAPACITY_ANNOTATION: &str = "endpoints.kubernetes.io/over-capacity";

/// `(ip, uid)`: how repacking identifies an address.
type AddrKey = (String, String);
/// Port identity for repacking: (port, name, protocol, appProtocol); port -1 for "no ports".
type PortKey = (i32, String, String, Option<String>);

/// `syncService` for one Service.
pub(super) fn sync_service(c: &mut Cluster, key: &ObjectKey) {
    let Some(svc) = c.store.services.get(key).cloned() else {
        return;
    };
    if svc.spec.selector.is_empty() {
        return;
    }
    let tolerate_unready = svc.spec.publish_not_ready_addresses;
    // port → address → (address, ready)
    let mut by_port: BTreeMap<PortKey, BTreeMap<AddrKey, (EndpointAddress, bool)>> =
        BTreeMap::new();
    for pod in selected_pods(c, &svc) {
        if !should_be_in_endpoints(pod, tolerate_unready) {
            continue;
        }
        let ip = if pod.status.pod_ip.is_empty() {
            pod.status
                .pod_ips
                .first()
                .map(|i| i.ip.clone())
                .unwrap_or_default()
        } else {
            pod.status.pod_ip.clone()
        };
        if ip.contains(':') {
            continue;
        }
        let addr = EndpointAddress {
            ip: ip.clone(),
            hostname: if should_set_hostname(pod, &svc) {
                pod.spec.hostname.clone()
            } else {
                String::new()
            },
            node_name: (!pod.spec.node_name.is_empty()).then(|| pod.spec.node_name.clone()),
            target_ref: Some(ObjectReference {
                kind: "Pod".to_string(),
                namespace: pod.metadata.namespace.clone(),
                name: pod.metadata.name.clone(),
                uid: pod.metadata.uid.clone(),
            }),
        };
        let ready = tolerate_unready || pod.is_ready();
        let akey = (ip, pod.metadata.uid.clone());
        if svc.spec.ports.is_empty() && svc.is_headless() {
            by_port
                .entry((-1, String::new(), String::new(), None))
                .or_default()
                .insert(akey, (addr, ready));
            continue;
        }
        for sp in &svc.spec.ports {
            let Some(port) = find_port(pod, sp) else {
                continue;
            };
            let protocol = if sp.protocol.is_empty() {
                "TCP"
            } else {
                &sp.protocol
            };
            by_port
                .entry((
                    port,
                    sp.name.clone(),
                    protocol.to_string(),
                    sp.app_protocol.clone(),
                ))
                .or_default()
                .insert(akey.clone(), (addr.clone(), ready));
        }
    }
    let mut subsets = repack(by_port);
    let truncated = truncate(&mut subsets);

    let mut labels = svc.metadata.labels.clone();
    if svc.spec.cluster_ip == "None" || svc.spec.cluster_ip.is_empty() {
        labels.insert(HEADLESS_LABEL.to_string(), String::new());
    } else {
        labels.remove(HEADLESS_LABEL);
    }
    let existing = c.store.endpoints.get(key).cloned();
    if let Some(e) = &existing {
        let was_truncated = e
            .metadata
            .annotations
            .contains_key(OVER_CAPACITY_ANNOTATION);
        if e.subsets == subsets && e.metadata.labels == labels && was_truncated == truncated {
            return;
        }
    }
    let mut e = existing.unwrap_or_else(|| Endpoints {
        metadata: ObjectMeta {
            name: key.name.clone(),
            namespace: key.namespace.clone(),
            uid: c.rng.uuid(),
            creation_timestamp: Some(c.wall_now()),
            ..Default::default()
        },
        subsets: Vec::new(),
    });
    e.subsets = subsets;
    e.metadata.labels = labels;
    if truncated {
        e.metadata.annotations.insert(
            OVER_CAPACITY_ANNOTATION.to_string(),
            "truncated".to_string(),
        );
    } else {
        e.metadata.annotations.remove(OVER_CAPACITY_ANNOTATION);
    }
    e.metadata.annotations.insert(
        TRIGGER_TIME_ANNOTATION.to_string(),
        c.wall_now().to_rfc3339(),
    );
    state::put_endpoints(c, e);
}

/// Ports offered by one set of addresses, and those addresses (with readiness).
type Group = (Vec<EndpointsPort>, Vec<(EndpointAddress, bool)>);

/// `RepackSubsets`: ports offered by the same set of addresses share a subset; addresses by
/// IP, subsets in a stable order.
fn repack(
    by_port: BTreeMap<PortKey, BTreeMap<AddrKey, (EndpointAddress, bool)>>,
) -> Vec<EndpointSubset> {
    let mut groups: BTreeMap<Vec<(AddrKey, bool)>, Group> = BTreeMap::new();
    for ((port, name, protocol, app_protocol), addrs) in by_port {
        let set: Vec<(AddrKey, bool)> = addrs.iter().map(|(k, (_, r))| (k.clone(), *r)).collect();
        let entry = groups
            .entry(set)
            .or_insert_with(|| (Vec::new(), addrs.values().cloned().collect()));
        if port >= 0 {
            entry.0.push(EndpointsPort {
                name,
                port,
                protocol,
                app_protocol,
            });
        }
    }
    let mut out: Vec<EndpointSubset> = groups
        .into_values()
        .map(|(mut ports, addrs)| {
            ports.sort_by(|a, b| {
                (&a.name, a.port, &a.protocol).cmp(&(&b.name, b.port, &b.protocol))
            });
            let mut ready: Vec<EndpointAddress> = Vec::new();
            let mut not_ready: Vec<EndpointAddress> = Vec::new();
            for (a, r) in addrs {
                if r {
                    ready.push(a);
                } else {
                    not_ready.push(a);
                }
            }
            EndpointSubset {
                addresses: ready,
                not_ready_addresses: not_ready,
                ports,
            }
        })
        .collect();
    out.sort_by(|a, b| first_ip(a).cmp(first_ip(b)));
    out
}

fn first_ip(s: &EndpointSubset) -> &str {
    s.addresses
        .first()
        .or(s.not_ready_addresses.first())
        .map_or("", |a| a.ip.as_str())
}

/// `truncateEndpoints`: keep at most [`MAX_CAPACITY`] addresses, ready ones first, each subset
/// its proportional share (the last takes what is left). True when something was cut.
pub(super) fn truncate(subsets: &mut [EndpointSubset]) -> bool {
    let total_ready: usize = subsets.iter().map(|s| s.addresses.len()).sum();
    let total_not_ready: usize = subsets.iter().map(|s| s.not_ready_addresses.len()).sum();
    if total_ready + total_not_ready <= MAX_CAPACITY {
        return false;
    }
    let truncate_ready = total_ready > MAX_CAPACITY;
    let (max, num_total) = if truncate_ready {
        (MAX_CAPACITY, total_ready)
    } else {
        (MAX_CAPACITY - total_ready, total_not_ready)
    };
    let mut can_be_added = max;
    let n = subsets.len();
    for (i, s) in subsets.iter_mut().enumerate() {
        let in_subset = if truncate_ready {
            s.addresses.len()
        } else {
            s.not_ready_addresses.len()
        };
        let mut to_add = if num_total == 0 {
            0
        } else {
            (in_subset * max).div_ceil(num_total)
        };
        if i + 1 == n || can_be_added < to_add {
            to_add = can_be_added;
        }
        if truncate_ready {
            s.addresses.truncate(to_add);
            s.not_ready_addresses.clear();
            can_be_added = can_be_added.saturating_sub(s.addresses.len());
        } else {
            s.not_ready_addresses.truncate(to_add);
            can_be_added = can_be_added.saturating_sub(s.not_ready_addresses.len());
        }
    }
    true
}
