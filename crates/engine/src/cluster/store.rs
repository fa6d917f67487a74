//! The object store: typed maps keyed by namespace/name, like a reflector store keyed by
//! `ObjectRef` (kube-rs). BTreeMaps keep every listing in the order kubectl prints (by name).

use crate::api::apps::{Workload, WorkloadKind};
use crate::api::core::{Endpoints, Namespace, Node, Pod, Service};
use crate::api::discovery::EndpointSlice;
use crate::api::setup::IpAddressPool;
use crate::api::Unsimulated;
use serde::Serialize;
use std::collections::BTreeMap;

/// `namespace/name` (namespace empty for cluster-scoped kinds).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
pub struct ObjectKey {
    pub namespace: String,
    pub name: String,
}

impl ObjectKey {
    pub fn new(namespace: impl Into<String>, name: impl Into<String>) -> Self {
        ObjectKey {
            namespace: namespace.into(),
            name: name.into(),
        }
    }
}

impl std::fmt::Display for ObjectKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.namespace.is_empty() {
            f.write_str(&self.name)
        } else {
            write!(f, "{}/{}", self.namespace, self.name)
        }
    }
}

/// Every object of the simulated cluster.
#[derive(Debug, Clone, Default)]
pub struct Store {
    pub namespaces: BTreeMap<String, Namespace>,
    pub nodes: BTreeMap<String, Node>,
    pub services: BTreeMap<ObjectKey, Service>,
    pub endpoint_slices: BTreeMap<ObjectKey, EndpointSlice>,
    pub endpoints: BTreeMap<ObjectKey, Endpoints>,
    pub pods: BTreeMap<ObjectKey, Pod>,
    pub workloads: BTreeMap<(WorkloadKind, ObjectKey), Workload>,
    pub pools: BTreeMap<ObjectKey, IpAddressPool>,
    /// Objects of kinds svcsim does not simulate, in the order they were applied.
    pub unsimulated: Vec<Unsimulated>,
}

impl Store {
    /// Services of one namespace (None: all namespaces), in kubectl's order (namespace, name).
    pub fn services_in<'a>(
        &'a self,
        ns: Option<&'a str>,
    ) -> impl Iterator<Item = &'a Service> + 'a {
        self.services
            .iter()
            .filter(move |(k, _)| ns.is_none_or(|n| k.namespace == n))
            .map(|(_, v)| v)
    }

    pub fn pods_in<'a>(&'a self, ns: Option<&'a str>) -> impl Iterator<Item = &'a Pod> + 'a {
        self.pods
            .iter()
            .filter(move |(k, _)| ns.is_none_or(|n| k.namespace == n))
            .map(|(_, v)| v)
    }

    pub fn endpoint_slices_in<'a>(
        &'a self,
        ns: Option<&'a str>,
    ) -> impl Iterator<Item = &'a EndpointSlice> + 'a {
        self.endpoint_slices
            .iter()
            .filter(move |(k, _)| ns.is_none_or(|n| k.namespace == n))
            .map(|(_, v)| v)
    }

    pub fn endpoints_in<'a>(
        &'a self,
        ns: Option<&'a str>,
    ) -> impl Iterator<Item = &'a Endpoints> + 'a {
        self.endpoints
            .iter()
            .filter(move |(k, _)| ns.is_none_or(|n| k.namespace == n))
            .map(|(_, v)| v)
    }

    /// EndpointSlices that belong to a Service (label `kubernetes.io/service-name`).
    pub fn slices_for_service<'a>(
        &'a self,
        namespace: &'a str,
        service: &'a str,
    ) -> impl Iterator<Item = &'a EndpointSlice> + 'a {
        self.endpoint_slices
            .range(ObjectKey::new(namespace, "")..)
            .take_while(move |(k, _)| k.namespace == namespace)
            .map(|(_, v)| v)
            .filter(move |s| s.service_name() == Some(service))
    }

    pub fn service(&self, namespace: &str, name: &str) -> Option<&Service> {
        self.services.get(&ObjectKey::new(namespace, name))
    }

    pub fn pod(&self, namespace: &str, name: &str) -> Option<&Pod> {
        self.pods.get(&ObjectKey::new(namespace, name))
    }
}
