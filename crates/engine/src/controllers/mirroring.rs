//! The EndpointSlice mirroring controller (`pkg/controller/endpointslicemirroring`): a
//! Service without a selector whose `Endpoints` were written by hand gets them mirrored into
//! EndpointSlices, so kube-proxy and CoreDNS (which read only slices) see them.
//!
//! Mirrored: an `Endpoints` whose Service exists and has no selector, not labelled
//! `endpointslice.kubernetes.io/skip-mirror: "true"` (the `kubernetes` Service's are) and not
//! a leader-election record. One slice per address type and port list (`subsets` with the same
//! ports share it), at most [`MAX_ENDPOINTS_PER_SUBSET`] addresses of each subset
//! (`--mirroring-max-endpoints-per-subset`), ready addresses then not-ready ones
//! (`conditions.ready` only); an address that is not an IP is skipped. The slice copies the
//! Endpoints' labels and annotations (not `last-change-trigger-time` nor
//! `last-applied-configuration`), is owned by the Endpoints, and is
//! `managed-by: endpointslicemirroring-controller.k8s.io`. A slice is rewritten only when its
//! endpoints differ.

use super::endpointslice::{
    create_slice, ep_key, equal_beyond_hash, managed_slices, update_slice, EpKey,
};
use super::state;
use super::workloads::controller_ref;
use crate::api::core::{EndpointAddress, Endpoints, EndpointsPort};
use crate::api::discovery::{
    Endpoint, EndpointConditions, EndpointPort, EndpointSlice, MANAGED_BY_LABEL, SERVICE_NAME_LABEL,
};
use crate::api::meta::ObjectMeta;
use crate::cluster::{Cluster, ObjectKey};
use std::collections::BTreeMap;
use std::net::IpAddr;

/// `endpointslicemirroring`'s `ControllerName`, its slices' `managed-by` label.
pub const MIRRORING_CONTROLLER: &str = "endpointslicemirroring-controller.k8s.io";
/// `discovery.LabelSkipMirror`.
pub const SKIP_MIRROR_LABEL: &str = "endpointslice.kubernetes.io/skip-mirror";
/// `resourcelock.LeaderElectionRecordAnnotationKey`: such Endpoints are a lock, not endpoints.
const LEADER_ANNOTATION: &str = "control-plane.alpha.kubernetes.io/leader";
const LAST_APPLIED_ANNOTATION: &str = "kubectl.kubernetes.io/last-applied-configuration";
/// `--mirroring-max-endpoints-per-subset` (default).
pub const MAX_ENDPOINTS_PER_SUBSET: usize = 1000;

/// (address type, sorted ports): `addrTypePortMapKey`.
type SliceKey = (String, Vec<EndpointPort>);

/// `syncEndpoints` for the Endpoints (and Service) named `key`.
pub(super) fn sync_service(c: &mut Cluster, key: &ObjectKey) {
    let existing = managed_slices(c, key, MIRRORING_CONTROLLER);
    let selectorless = c
        .store
        .services
        .get(key)
        .is_some_and(|s| s.spec.selector.is_empty());
    let endpoints = c
        .store
        .endpoints
        .get(key)
        .filter(|e| selectorless && should_mirror(e))
        .cloned();
    let Some(endpoints) = endpoints else {
        for s in existing {
            state::remove_slice(c, &slice_key(&s));
        }
        return;
    };
    let desired = desired(c, &endpoints);
    let mut by_key: BTreeMap<SliceKey, Vec<EndpointSlice>> = BTreeMap::new();
    for s in existing {
        by_key
            .entry((s.address_type.clone(), sorted(&s.ports)))
            .or_default()
            .push(s);
    }
    let (mut creates, mut updates, mut deletes) = (Vec::new(), Vec::new(), Vec::new());
    for (k, (ports, eps)) in &desired {
        let mut slices = by_key.remove(k).unwrap_or_default().into_iter();
        let first = slices.next();
        deletes.extend(slices);
        if first.as_ref().is_some_and(|f| same_endpoints(f, eps)) {
            continue;
        }
        let mut s = new_slice(&endpoints, ports.clone(), &k.0);
        s.endpoints = eps.values().cloned().collect();
        match first {
            Some(f) => {
                s.metadata.name = f.metadata.name;
                updates.push(s);
            }
            None => creates.push(s),
        }
    }
    deletes.extend(by_key.into_values().flatten());
    // `recycleSlices`: a slice to delete is reused, under its name, for one to create of the
    // same address type.
    let mut recycled = Vec::new();
    creates.retain(|s: &EndpointSlice| {
        match deletes
            .iter()
            .position(|d: &EndpointSlice| d.address_type == s.address_type)
        {
            Some(i) => {
                let mut s = s.clone();
                s.metadata.name = deletes.remove(i).metadata.name;
                recycled.push(s);
                false
            }
            None => true,
        }
    });
    for s in creates {
        create_slice(c, s);
    }
    for s in updates.into_iter().chain(recycled) {
        update_slice(c, s);
    }
    for s in deletes {
        state::remove_slice(c, &slice_key(&s));
    }
}

/// `shouldMirror`.
pub(crate) fn should_mirror(e: &Endpoints) -> bool {
    e.metadata.labels.get(SKIP_MIRROR_LABEL).map(String::as_str) != Some("true")
        && !e.metadata.annotations.contains_key(LEADER_ANNOTATION)
        && e.metadata.deletion_timestamp.is_none()
}

fn slice_key(s: &EndpointSlice) -> ObjectKey {
    ObjectKey::new(s.metadata.namespace.as_str(), s.metadata.name.as_str())
}

fn sorted(ports: &[EndpointPort]) -> Vec<EndpointPort> {
    let mut p = ports.to_vec();
    p.sort();
    p
}

/// The desired half of `reconcile`: endpoints by address type and ports, with the Warning
/// events the controller records for what it skipped.
fn desired(
    c: &mut Cluster,
    e: &Endpoints,
) -> BTreeMap<SliceKey, (Vec<EndpointPort>, BTreeMap<EpKey, Endpoint>)> {
    let mut desired: BTreeMap<SliceKey, (Vec<EndpointPort>, BTreeMap<EpKey, Endpoint>)> =
        BTreeMap::new();
    let (mut invalid, mut skipped) = (0usize, 0usize);
    for subset in &e.subsets {
        let ports: Vec<EndpointPort> = subset.ports.iter().map(slice_port).collect();
        let total = subset.addresses.len() + subset.not_ready_addresses.len();
        let mut added = 0usize;
        let all = subset
            .addresses
            .iter()
            .map(|a| (a, true))
            .chain(subset.not_ready_addresses.iter().map(|a| (a, false)));
        for (address, ready) in all {
            if added >= MAX_ENDPOINTS_PER_SUBSET {
                break;
            }
            let Some((family, endpoint)) = to_endpoint(address, ready) else {
                invalid += 1;
                continue;
            };
            added += 1;
            desired
                .entry((family.to_string(), sorted(&ports)))
                .or_insert_with(|| (ports.clone(), BTreeMap::new()))
                .1
                .entry(ep_key(&endpoint))
                .or_insert(endpoint);
        }
        skipped += total - added;
    }
    let involved = format!("endpoints/{}", e.metadata.name);
    if invalid > 0 {
        c.event(
            "Warning",
            "InvalidIPAddress",
            involved.clone(),
            &e.metadata.namespace,
            format!("Skipped {invalid} invalid IP addresses when mirroring to EndpointSlices"),
        );
    }
    if skipped > invalid {
        c.event(
            "Warning",
            "TooManyAddressesToMirror",
            involved,
            &e.metadata.namespace,
            format!(
                "A max of {MAX_ENDPOINTS_PER_SUBSET} addresses can be mirrored to EndpointSlices per Endpoints subset. {skipped} addresses were skipped"
            ),
        );
    }
    desired
}

/// `epPortsToEpsPorts`: every field copied, an empty name included (`name: ""`).
fn slice_port(p: &EndpointsPort) -> EndpointPort {
    EndpointPort {
        name: Some(p.name.clone()),
        protocol: Some(p.protocol.clone()),
        port: Some(p.port),
        app_protocol: p.app_protocol.clone(),
    }
}

/// `addressToEndpoint`: the IP parsed as `ParseIPSloppy` does (leading zeros allowed in IPv4,
/// an IPv4-mapped IPv6 address is IPv4) and printed back canonically; None when the address
/// is not an IP.
fn to_endpoint(a: &EndpointAddress, ready: bool) -> Option<(&'static str, Endpoint)> {
    let ip = crate::validate::ip::parse_ip_sloppy(&a.ip)?;
    let (family, text) = match ip {
        IpAddr::V4(v4) => ("IPv4", v4.to_string()),
        IpAddr::V6(v6) => ("IPv6", v6.to_string()),
    };
    Some((
        family,
        Endpoint {
            addresses: vec![text],
            conditions: EndpointConditions {
                ready: Some(ready),
                ..Default::default()
            },
            hostname: (!a.hostname.is_empty()).then(|| a.hostname.clone()),
            target_ref: a.target_ref.clone(),
            node_name: a.node_name.clone(),
            ..Default::default()
        },
    ))
}

/// `totalChanges` found nothing to add, update or remove.
fn same_endpoints(slice: &EndpointSlice, desired: &BTreeMap<EpKey, Endpoint>) -> bool {
    slice.endpoints.len() == desired.len()
        && slice.endpoints.iter().all(|ep| {
            desired
                .get(&ep_key(ep))
                .is_some_and(|want| equal_beyond_hash(want, ep))
        })
}

/// `newEndpointSlice` (named by the caller, or by `generateName` when created).
fn new_slice(e: &Endpoints, ports: Vec<EndpointPort>, family: &str) -> EndpointSlice {
    let mut labels = e.metadata.labels.clone();
    labels.insert(SERVICE_NAME_LABEL.to_string(), e.metadata.name.clone());
    labels.insert(
        MANAGED_BY_LABEL.to_string(),
        MIRRORING_CONTROLLER.to_string(),
    );
    let annotations = e
        .metadata
        .annotations
        .iter()
        .filter(|(k, _)| {
            k.as_str() != super::TRIGGER_TIME_ANNOTATION && k.as_str() != LAST_APPLIED_ANNOTATION
        })
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    EndpointSlice {
        metadata: ObjectMeta {
            generate_name: format!("{}-", e.metadata.name),
            namespace: e.metadata.namespace.clone(),
            labels,
            annotations,
            owner_references: vec![controller_ref("Endpoints", "v1", &e.metadata)],
            ..Default::default()
        },
        address_type: family.to_string(),
        endpoints: Vec::new(),
        ports,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::manifest::Source;

    const SERVICE: &str =
        "apiVersion: v1\nkind: Service\nmetadata:\n  name: db\nspec:\n  ports:\n  - port: 5432\n";

    fn cluster(yaml: &str) -> Cluster {
        let (mut c, results) = Cluster::from_sources(&[Source::new("t.yaml", yaml)], 7);
        for r in &results {
            assert!(r.is_ok(), "{r}");
        }
        c.settle();
        c
    }

    fn apply(c: &mut Cluster, yaml: &str) {
        for r in c.apply(&Source::new("u.yaml", yaml)) {
            assert!(r.is_ok(), "{r}");
        }
        c.settle();
    }

    fn mirrored(c: &Cluster) -> Vec<&EndpointSlice> {
        c.store
            .endpoint_slices
            .values()
            .filter(|s| {
                s.metadata.labels.get(MANAGED_BY_LABEL).map(String::as_str)
                    == Some(MIRRORING_CONTROLLER)
            })
            .collect()
    }

    fn endpoints(subsets: &str) -> String {
        format!("---\napiVersion: v1\nkind: Endpoints\nmetadata:\n  name: db\n  labels:\n    team: data\n  annotations:\n    note: hand-written\n    endpoints.kubernetes.io/last-change-trigger-time: \"2026-01-01T00:00:00Z\"\nsubsets:\n{subsets}")
    }

    /// A selector-less Service's Endpoints become one slice per address type and port list:
    /// labels and annotations copied (not the trigger time), owned by the Endpoints, ready
    /// and not-ready addresses with `ready` only, duplicates once, leading zeros read.
    #[test]
    fn endpoints_of_a_selectorless_service_are_mirrored() {
        let subsets = "- addresses:\n  - ip: 10.4.5.6\n  - ip: 010.4.5.7\n  notReadyAddresses:\n  - ip: 10.4.5.8\n  ports:\n  - port: 5432\n- addresses:\n  - ip: 10.4.5.6\n  - ip: fd00::1\n  ports:\n  - port: 5432\n- addresses:\n  - ip: 10.9.9.9\n  ports:\n  - port: 6432\n    name: pool\n";
        let c = cluster(&format!("{SERVICE}{}", endpoints(subsets)));
        let slices = mirrored(&c);
        /// Address type, addresses, `ready`, ports.
        type Summary = (String, Vec<String>, Vec<Option<bool>>, Vec<Option<i32>>);
        let summary: Vec<Summary> = slices
            .iter()
            .map(|s| {
                (
                    s.address_type.clone(),
                    s.endpoints.iter().map(|e| e.addresses.join(",")).collect(),
                    s.endpoints.iter().map(|e| e.conditions.ready).collect(),
                    s.ports.iter().map(|p| p.port).collect(),
                )
            })
            .collect();
        let mut summary = summary;
        summary.sort();
        assert_eq!(
            summary,
            vec![
                (
                    "IPv4".into(),
                    vec!["10.4.5.6".into(), "10.4.5.7".into(), "10.4.5.8".into()],
                    vec![Some(true), Some(true), Some(false)],
                    vec![Some(5432)]
                ),
                (
                    "IPv4".into(),
                    vec!["10.9.9.9".into()],
                    vec![Some(true)],
                    vec![Some(6432)]
                ),
                (
                    "IPv6".into(),
                    vec!["fd00::1".into()],
                    vec![Some(true)],
                    vec![Some(5432)]
                ),
            ]
        );
        let s = slices[0];
        assert_eq!(s.metadata.generate_name, "db-");
        assert_eq!(
            s.metadata.labels.get("team").map(String::as_str),
            Some("data")
        );
        assert_eq!(s.service_name(), Some("db"));
        assert_eq!(
            s.metadata.annotations.get("note").map(String::as_str),
            Some("hand-written")
        );
        assert!(!s.metadata.annotations.contains_key(TRIGGER_TIME));
        let owner = &s.metadata.owner_references[0];
        assert_eq!(
            (owner.kind.as_str(), owner.name.as_str()),
            ("Endpoints", "db")
        );
        assert_eq!(s.ports[0].name.as_deref(), Some(""));
        assert_eq!(s.ports[0].protocol.as_deref(), Some("TCP"));
    }

    const TRIGGER_TIME: &str = super::super::TRIGGER_TIME_ANNOTATION;

    /// Not mirrored: a Service with a selector, no Service, `skip-mirror`, a leader-election
    /// record (and the `kubernetes` Service's Endpoints, which carry `skip-mirror`).
    #[test]
    fn what_is_not_mirrored() {
        let one = endpoints("- addresses:\n  - ip: 10.4.5.6\n  ports:\n  - port: 5432\n");
        let with_selector = SERVICE.replace("spec:\n", "spec:\n  selector:\n    app: db\n");
        assert!(mirrored(&cluster(&format!("{with_selector}{one}"))).is_empty());
        assert!(mirrored(&cluster(&one)).is_empty());
        let skip = one.replace(
            "    team: data\n",
            "    endpointslice.kubernetes.io/skip-mirror: \"true\"\n",
        );
        assert!(mirrored(&cluster(&format!("{SERVICE}{skip}"))).is_empty());
        let leader = one.replace(
            "    note: hand-written\n",
            "    control-plane.alpha.kubernetes.io/leader: \"{}\"\n",
        );
        assert!(mirrored(&cluster(&format!("{SERVICE}{leader}"))).is_empty());
    }

    /// A change rewrites the slice under its name; the same addresses again write nothing;
    /// deleting the Endpoints (or the Service) deletes the slices.
    #[test]
    fn mirrored_slices_follow_their_endpoints() {
        let v1 = endpoints("- addresses:\n  - ip: 10.4.5.6\n  ports:\n  - port: 5432\n");
        let mut c = cluster(&format!("{SERVICE}{v1}"));
        let name = mirrored(&c)[0].metadata.name.clone();
        let v2 = v1.replace("10.4.5.6", "10.4.5.9");
        apply(&mut c, &v2);
        let s = mirrored(&c);
        assert_eq!(s.len(), 1);
        assert_eq!(s[0].metadata.name, name);
        assert_eq!(s[0].endpoints[0].addresses, vec!["10.4.5.9".to_string()]);
        assert_eq!(s[0].metadata.generation, Some(2));
        let rv = s[0].metadata.resource_version.clone();
        apply(&mut c, &v2.replace("hand-written", "still hand-written"));
        assert_eq!(mirrored(&c)[0].metadata.resource_version, rv);
        c.delete("endpoints", "default", "db").unwrap();
        c.settle();
        assert!(mirrored(&c).is_empty());
        apply(&mut c, &v2);
        assert_eq!(mirrored(&c).len(), 1);
        c.delete("service", "default", "db").unwrap();
        c.settle();
        assert!(mirrored(&c).is_empty());
    }

    /// At most 1,000 addresses of a subset are mirrored, with a Warning event saying how many
    /// were skipped.
    #[test]
    fn a_subset_is_mirrored_up_to_its_limit() {
        let addresses: String = (0..1005)
            .map(|i| format!("  - ip: 10.5.{}.{}\n", i / 250, i % 250 + 1))
            .collect();
        let c = cluster(&format!(
            "{SERVICE}{}",
            endpoints(&format!(
                "- addresses:\n{addresses}  ports:\n  - port: 5432\n"
            ))
        ));
        assert_eq!(mirrored(&c)[0].endpoints.len(), MAX_ENDPOINTS_PER_SUBSET);
        assert!(c.events.iter().any(|e| e.type_ == "Warning"
            && e.reason == "TooManyAddressesToMirror"
            && e.object == "endpoints/db"
            && e.message == "A max of 1000 addresses can be mirrored to EndpointSlices per Endpoints subset. 5 addresses were skipped"));
    }
}
