//! The object store: typed maps keyed by namespace/name, like a reflector store keyed by
//! `ObjectRef` (kube-rs). BTreeMaps keep every listing in the order kubectl prints (by name).
//!
//! One writer, many readers (kube-rs' reflector `Writer` and `Store`): every map is a [`Table`]
//! that anyone reads as the `BTreeMap` it wraps, but only the engine writes — `apply`, the
//! mutations and the controllers' write helpers. Each write records the key it touched in the
//! table's change log where it is made, so the controllers learn what changed the way an
//! informer does, from the writes themselves, instead of diffing every map against their caches;
//! and each write counts towards [`Cluster::generation`](super::Cluster::generation), so a view
//! knows when to redraw without comparing states.

use crate::api::apps::{Workload, WorkloadKind};
use crate::api::core::{Endpoints, Namespace, Node, Pod, Service};
use crate::api::discovery::EndpointSlice;
use crate::api::networking::{IpAddress, ServiceCidr};
use crate::api::setup::IpAddressPool;
use crate::api::Unsimulated;
use serde::Serialize;
use std::borrow::Borrow;
use std::collections::BTreeMap;
use std::ops::Deref;

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

/// The objects of one kind: read as a `BTreeMap` (through `Deref`: `get`, `values`, `range`,
/// `len`, … and `for (k, v) in &table`), written only inside the engine. Every write records
/// the key in the change log — the watch event an informer would receive, deduplicated per key —
/// and counts one write.
#[derive(Debug, Clone)]
pub struct Table<K, V> {
    map: BTreeMap<K, V>,
    /// Keys written since the controllers last took the log (in write order, may repeat).
    log: Vec<K>,
    /// Writes made since the table was created (never decreases).
    writes: u64,
}

impl<K, V> Default for Table<K, V> {
    fn default() -> Self {
        Table {
            map: BTreeMap::new(),
            log: Vec::new(),
            writes: 0,
        }
    }
}

impl<K, V> Deref for Table<K, V> {
    type Target = BTreeMap<K, V>;

    fn deref(&self) -> &BTreeMap<K, V> {
        &self.map
    }
}

impl<'a, K, V> IntoIterator for &'a Table<K, V> {
    type Item = (&'a K, &'a V);
    type IntoIter = std::collections::btree_map::Iter<'a, K, V>;

    fn into_iter(self) -> Self::IntoIter {
        self.map.iter()
    }
}

impl<K: Ord + Clone, V> Table<K, V> {
    fn record(&mut self, key: K) {
        self.log.push(key);
        self.writes += 1;
    }

    /// Create or replace the object at `key`.
    pub(crate) fn insert(&mut self, key: K, value: V) -> Option<V> {
        self.record(key.clone());
        self.map.insert(key, value)
    }

    /// Store `value` at `key` unless the very same object is there already: kube-apiserver turns
    /// an update that changes nothing into a no-op — no new resourceVersion, no watch event —
    /// so `kubectl apply` of an unchanged manifest writes nothing.
    pub(crate) fn update(&mut self, key: K, value: V)
    where
        V: PartialEq,
    {
        if self.map.get(&key) != Some(&value) {
            self.insert(key, value);
        }
    }

    /// Delete the object at `key` (a write only if it was there).
    pub(crate) fn remove<Q>(&mut self, key: &Q) -> Option<V>
    where
        K: Borrow<Q>,
        Q: Ord + ?Sized,
    {
        let (k, v) = self.map.remove_entry(key)?;
        self.record(k);
        Some(v)
    }

    /// Change the object at `key` in place; counted as a write as soon as it is handed out
    /// (a caller that may not change it looks first with `get`).
    pub(crate) fn get_mut<Q>(&mut self, key: &Q) -> Option<&mut V>
    where
        K: Borrow<Q>,
        Q: Ord + ?Sized,
    {
        let (k, _) = self.map.get_key_value(key)?;
        let k = k.clone();
        self.record(k);
        self.map.get_mut(key)
    }

    /// Change every object in place (tests that rewrite a whole kind).
    #[cfg(test)]
    pub(crate) fn values_mut(&mut self) -> impl Iterator<Item = &mut V> {
        let keys: Vec<K> = self.map.keys().cloned().collect();
        for k in keys {
            self.record(k);
        }
        self.map.values_mut()
    }

    /// Keep only the objects `keep` accepts; each one dropped is a logged write. (Tests build
    /// smaller clusters with it.)
    #[cfg(test)]
    pub(crate) fn retain(&mut self, mut keep: impl FnMut(&K, &V) -> bool) {
        let gone: Vec<K> = self
            .map
            .iter()
            .filter(|(k, v)| !keep(k, v))
            .map(|(k, _)| k.clone())
            .collect();
        for k in gone {
            self.remove(&k);
        }
    }

    /// Take the change log: every key written since the last take, once each, in key order.
    pub(crate) fn take_changes(&mut self) -> Vec<K> {
        let mut keys = std::mem::take(&mut self.log);
        keys.sort_unstable();
        keys.dedup();
        keys
    }

    /// Forget the change log (the reader has seen everything written so far).
    pub(crate) fn clear_changes(&mut self) {
        self.log.clear();
    }

    /// Whether anything was written since the last take.
    pub(crate) fn has_changes(&self) -> bool {
        !self.log.is_empty()
    }

    /// Writes logged since the last take (a key written twice counts twice).
    pub(crate) fn change_count(&self) -> usize {
        self.log.len()
    }

    /// Writes made since the table was created.
    pub(crate) fn writes(&self) -> u64 {
        self.writes
    }
}

/// Objects kept in the order they were applied (kinds svcsim does not simulate): read as a
/// `Vec`, appended to only by `apply`, each append counted as a write.
#[derive(Debug, Clone)]
pub struct AppendOnly<T> {
    items: Vec<T>,
    writes: u64,
}

impl<T> Default for AppendOnly<T> {
    fn default() -> Self {
        AppendOnly {
            items: Vec::new(),
            writes: 0,
        }
    }
}

impl<T> Deref for AppendOnly<T> {
    type Target = Vec<T>;

    fn deref(&self) -> &Vec<T> {
        &self.items
    }
}

impl<'a, T> IntoIterator for &'a AppendOnly<T> {
    type Item = &'a T;
    type IntoIter = std::slice::Iter<'a, T>;

    fn into_iter(self) -> Self::IntoIter {
        self.items.iter()
    }
}

impl<T> AppendOnly<T> {
    pub(crate) fn push(&mut self, item: T) {
        self.items.push(item);
        self.writes += 1;
    }
}

/// Every object of the simulated cluster.
#[derive(Debug, Clone, Default)]
pub struct Store {
    pub namespaces: Table<String, Namespace>,
    pub nodes: Table<String, Node>,
    pub services: Table<ObjectKey, Service>,
    pub endpoint_slices: Table<ObjectKey, EndpointSlice>,
    pub endpoints: Table<ObjectKey, Endpoints>,
    pub pods: Table<ObjectKey, Pod>,
    pub workloads: Table<(WorkloadKind, ObjectKey), Workload>,
    pub pools: Table<ObjectKey, IpAddressPool>,
    /// ServiceCIDRs, by name (cluster-scoped).
    pub service_cidrs: Table<String, ServiceCidr>,
    /// IPAddresses, by name: the address in canonical form (cluster-scoped).
    pub ip_addresses: Table<String, IpAddress>,
    /// Objects of kinds svcsim does not simulate, in the order they were applied.
    pub unsimulated: AppendOnly<Unsimulated>,
}

impl Store {
    /// Writes made to the store since it was created: moves whenever any object is created,
    /// changed or deleted.
    pub(crate) fn writes(&self) -> u64 {
        self.namespaces.writes()
            + self.nodes.writes()
            + self.services.writes()
            + self.endpoint_slices.writes()
            + self.endpoints.writes()
            + self.pods.writes()
            + self.workloads.writes()
            + self.pools.writes()
            + self.service_cidrs.writes()
            + self.ip_addresses.writes()
            + self.unsimulated.writes
    }

    /// Whether any object was written since the controllers last looked (the kinds they
    /// watch, and Namespaces and pools, which admission and MetalLB read).
    pub(crate) fn has_changes(&self) -> bool {
        self.namespaces.has_changes()
            || self.nodes.has_changes()
            || self.services.has_changes()
            || self.endpoint_slices.has_changes()
            || self.endpoints.has_changes()
            || self.pods.has_changes()
            || self.workloads.has_changes()
            || self.pools.has_changes()
            || self.service_cidrs.has_changes()
            || self.ip_addresses.has_changes()
    }

    /// Forget every change log: the controllers have seen the store as it is.
    /// Writes logged in every table since the controllers last looked.
    pub(crate) fn change_count(&self) -> usize {
        self.namespaces.change_count()
            + self.nodes.change_count()
            + self.services.change_count()
            + self.endpoint_slices.change_count()
            + self.endpoints.change_count()
            + self.pods.change_count()
            + self.workloads.change_count()
            + self.pools.change_count()
            + self.service_cidrs.change_count()
            + self.ip_addresses.change_count()
    }

    pub(crate) fn clear_changes(&mut self) {
        self.namespaces.clear_changes();
        self.nodes.clear_changes();
        self.services.clear_changes();
        self.endpoint_slices.clear_changes();
        self.endpoints.clear_changes();
        self.pods.clear_changes();
        self.workloads.clear_changes();
        self.pools.clear_changes();
        self.service_cidrs.clear_changes();
        self.ip_addresses.clear_changes();
    }

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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_write_is_logged_once_per_key_in_key_order() {
        let mut t: Table<String, u32> = Table::default();
        t.insert("b".into(), 1);
        t.insert("a".into(), 2);
        t.insert("b".into(), 3);
        assert!(t.has_changes());
        assert_eq!(t.writes(), 3);
        assert_eq!(t.take_changes(), ["a", "b"]);
        assert!(!t.has_changes());
        assert_eq!(t.get("b"), Some(&3), "read as the BTreeMap it wraps");
    }

    #[test]
    fn only_writes_that_happen_are_logged() {
        let mut t: Table<String, u32> = Table::default();
        t.insert("a".into(), 1);
        t.clear_changes();
        assert_eq!(t.remove("zzz"), None);
        assert!(t.get_mut("zzz").is_none());
        t.update("a".into(), 1);
        assert!(!t.has_changes(), "no-op update, missing keys");
        assert_eq!(t.writes(), 1);
        t.update("a".into(), 2);
        if let Some(v) = t.get_mut("a") {
            *v += 1;
        }
        assert_eq!(t.remove("a"), Some(3));
        assert_eq!(t.take_changes(), ["a"]);
        assert_eq!(t.writes(), 4);
    }

    #[test]
    fn retain_logs_what_it_drops() {
        let mut t: Table<String, u32> = Table::default();
        for (k, v) in [("a", 1), ("b", 2), ("c", 3)] {
            t.insert(k.into(), v);
        }
        t.clear_changes();
        t.retain(|_, v| *v != 2);
        assert_eq!(t.keys().collect::<Vec<_>>(), ["a", "c"]);
        assert_eq!(t.take_changes(), ["b"]);
    }

    #[test]
    fn the_store_counts_every_kind() {
        let mut s = Store::default();
        s.pods
            .insert(ObjectKey::new("default", "p"), Pod::default());
        s.unsimulated.push(Unsimulated {
            api_version: "networking.k8s.io/v1".into(),
            kind: "Ingress".into(),
            name: "web".into(),
            namespace: "default".into(),
        });
        assert_eq!(s.writes(), 2);
        assert!(s.has_changes());
        s.clear_changes();
        assert!(!s.has_changes());
        assert_eq!(s.writes(), 2);
    }
}
