//! `discovery.k8s.io/v1`: EndpointSlice.

use super::core::{meta, ObjectReference};
use super::decode::{Cx, Fields};
use super::meta::ObjectMeta;
use serde::Serialize;
use std::collections::BTreeMap;

/// `v1.EndpointConditions`: nil `ready`/`serving` mean "unknown", which consumers treat as true.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Default)]
#[serde(rename_all = "camelCase")]
pub struct EndpointConditions {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ready: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub serving: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub terminating: Option<bool>,
}

/// `v1.Endpoint`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Default)]
#[serde(rename_all = "camelCase")]
pub struct Endpoint {
    pub addresses: Vec<String>,
    pub conditions: EndpointConditions,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub hostname: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub target_ref: Option<ObjectReference>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub node_name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub zone: Option<String>,
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub deprecated_topology: BTreeMap<String, String>,
    /// Where kube-proxy should use the endpoint (`trafficDistribution: PreferClose`: the
    /// endpoint's own zone).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub hints: Option<EndpointHints>,
}

/// `v1.EndpointHints`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Default)]
#[serde(rename_all = "camelCase")]
pub struct EndpointHints {
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub for_zones: Vec<ForZone>,
}

/// `v1.ForZone`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Default)]
pub struct ForZone {
    pub name: String,
}

impl Endpoint {
    /// The zones its hints name (`ZoneHints()`).
    pub fn zone_hints(&self) -> Vec<&str> {
        self.hints
            .as_ref()
            .map(|h| h.for_zones.iter().map(|z| z.name.as_str()).collect())
            .unwrap_or_default()
    }
}

/// `v1.EndpointPort`: a nil `port` means "all ports", a nil `name` is the same as "".
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Default)]
#[serde(rename_all = "camelCase")]
pub struct EndpointPort {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub protocol: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub port: Option<i32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub app_protocol: Option<String>,
}

/// `discovery.k8s.io/v1` EndpointSlice.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Default)]
#[serde(rename_all = "camelCase")]
pub struct EndpointSlice {
    pub metadata: ObjectMeta,
    pub address_type: String,
    /// Serialized even when empty: kubectl shows `endpoints: []`... as `null`; we print `[]`.
    pub endpoints: Vec<Endpoint>,
    pub ports: Vec<EndpointPort>,
}

impl EndpointSlice {
    pub(crate) fn decode(cx: &mut Cx, f: &mut Fields<'_>) -> EndpointSlice {
        let metadata = meta(cx, f);
        let address_type = f.string(cx, "addressType").unwrap_or_default();
        let endpoints = f
            .objects(cx, "endpoints", "Endpoint", |cx, mut e| {
                let v = Endpoint {
                    addresses: e.strings(cx, "addresses").unwrap_or_default(),
                    conditions: e
                        .object(cx, "conditions", "EndpointConditions", |cx, mut c| {
                            let v = EndpointConditions {
                                ready: c.bool(cx, "ready"),
                                serving: c.bool(cx, "serving"),
                                terminating: c.bool(cx, "terminating"),
                            };
                            c.finish(cx);
                            v
                        })
                        .unwrap_or_default(),
                    hostname: e.string(cx, "hostname"),
                    target_ref: e.object(
                        cx,
                        "targetRef",
                        "ObjectReference",
                        ObjectReference::decode,
                    ),
                    node_name: e.string(cx, "nodeName"),
                    zone: e.string(cx, "zone"),
                    deprecated_topology: e.string_map(cx, "deprecatedTopology").unwrap_or_default(),
                    hints: e.object(cx, "hints", "EndpointHints", |cx, mut h| {
                        let v = EndpointHints {
                            for_zones: h
                                .objects(cx, "forZones", "ForZone", |cx, mut z| {
                                    let v = ForZone {
                                        name: z.string(cx, "name").unwrap_or_default(),
                                    };
                                    z.finish(cx);
                                    v
                                })
                                .unwrap_or_default(),
                        };
                        // `forNodes` (PreferSameNode, alpha in v1.33): accepted, not used.
                        h.ignore(&["forNodes"]);
                        h.finish(cx);
                        v
                    }),
                };
                e.finish(cx);
                v
            })
            .unwrap_or_default();
        let ports = f
            .objects(cx, "ports", "EndpointPort", |cx, mut p| {
                let v = EndpointPort {
                    name: p.string(cx, "name"),
                    protocol: p.string(cx, "protocol"),
                    port: p.i32(cx, "port"),
                    app_protocol: p.string(cx, "appProtocol"),
                };
                p.finish(cx);
                v
            })
            .unwrap_or_default();
        EndpointSlice {
            metadata,
            address_type,
            endpoints,
            ports,
        }
    }

    /// The Service this slice belongs to (label `kubernetes.io/service-name`).
    pub fn service_name(&self) -> Option<&str> {
        self.metadata
            .labels
            .get(SERVICE_NAME_LABEL)
            .map(String::as_str)
    }
}

/// `discovery.LabelServiceName`.
pub const SERVICE_NAME_LABEL: &str = "kubernetes.io/service-name";
/// `discovery.LabelManagedBy`.
pub const MANAGED_BY_LABEL: &str = "endpointslice.kubernetes.io/managed-by";
/// The EndpointSlice controller's `managed-by` value.
pub const MANAGED_BY_CONTROLLER: &str = "endpointslice-controller.k8s.io";
