//! What kube-apiserver does with ServiceCIDRs and IPAddresses (KEP-1880, GA in 1.33): a
//! ServiceCIDR applied or deleted changes the ranges ClusterIPs come from
//! ([`crate::alloc::service_cidr`]); every ClusterIP a Service holds is an IPAddress object
//! named by the address, with the Service as its parent (`ipallocator.go`), created and deleted
//! with the allocation. The Ready condition and the finalizer are the controllers' part
//! (`crate::controllers` `service_cidrs`).

use super::apply::{invalid, outcome, ApplyError, ApplyOutcome, Ctx};
use super::mutations::MutationError;
use super::Cluster;
use crate::api::meta::ObjectMeta;
use crate::api::networking::{Condition, IpAddress, IpAddressSpec, ParentReference, ServiceCidr};
use crate::ipv4::Cidr;
use crate::validate::{
    validate_ip_address, validate_ip_address_update, validate_service_cidr,
    validate_service_cidr_update,
};
use std::collections::BTreeMap;
use std::net::IpAddr;

pub use crate::alloc::service_cidr::DEFAULT_SERVICE_CIDR;

/// `LabelIPAddressFamily`.
pub const IP_FAMILY_LABEL: &str = "ipaddress.kubernetes.io/ip-family";
/// `LabelManagedBy`.
pub const MANAGED_BY_LABEL: &str = "ipaddress.kubernetes.io/managed-by";
/// The allocator's `ControllerName`: the value of [`MANAGED_BY_LABEL`] on the IPAddresses it
/// writes.
pub const IP_ALLOCATOR: &str = "ipallocator.k8s.io";
/// The default ServiceCIDR's Ready message, from kube-apiserver's
/// `kubernetes-service-cidr-controller`.
pub const DEFAULT_READY_MESSAGE: &str = "Kubernetes default Service CIDR is ready";

/// A UID for an object the cluster writes by itself, derived from what names it (FNV-1a), so
/// system objects do not draw from the seeded generator that Services and pods draw from.
fn derived_uid(text: &str) -> String {
    let mut h: u128 = 0x6c62_272e_07bb_0142_62b8_2175_6295_c58d;
    for b in text.bytes() {
        h ^= u128::from(b);
        h = h.wrapping_mul(0x0000_0000_0100_0000_0000_0000_0000_013B);
    }
    let x = format!("{h:032x}");
    format!(
        "{}-{}-4{}-8{}-{}",
        &x[0..8],
        &x[8..12],
        &x[13..16],
        &x[17..20],
        &x[20..32]
    )
}

/// `meta.SetStatusCondition`: the transition time moves only when the status does.
pub(crate) fn set_condition(
    conditions: &mut Vec<Condition>,
    status: &str,
    reason: &str,
    message: &str,
    now: crate::api::meta::Time,
) {
    let c = Condition {
        type_: "Ready".to_string(),
        status: status.to_string(),
        last_transition_time: Some(now),
        reason: reason.to_string(),
        message: message.to_string(),
    };
    match conditions.iter_mut().find(|x| x.type_ == "Ready") {
        Some(old) => {
            let time = if old.status == c.status {
                old.last_transition_time
            } else {
                c.last_transition_time
            };
            *old = Condition {
                last_transition_time: time,
                ..c
            };
        }
        None => conditions.push(c),
    }
}

impl Cluster {
    /// The default ServiceCIDR, as kube-apiserver creates it at start from
    /// `--service-cluster-ip-range` (kind: the `serviceSubnet`).
    pub(crate) fn create_default_service_cidr(&mut self) {
        let cidr = Cidr::parse(&self.config.service_subnet)
            .map_or_else(|| self.config.service_subnet.clone(), |c| c.to_string());
        let now = self.wall_now();
        let mut sc = ServiceCidr {
            metadata: ObjectMeta {
                name: DEFAULT_SERVICE_CIDR.to_string(),
                uid: derived_uid("servicecidr/kubernetes"),
                creation_timestamp: Some(now),
                ..Default::default()
            },
            ..Default::default()
        };
        sc.spec.cidrs.push(cidr);
        // A dual-stack cluster's second range (`--service-cluster-ip-range=v4,v6`).
        if let Some(v6) = &self.config.service_subnet_v6 {
            sc.spec
                .cidrs
                .push(crate::ipv6::Cidr6::parse(v6).map_or_else(|| v6.clone(), |c| c.to_string()));
        }
        set_condition(
            &mut sc.status.conditions,
            "True",
            "",
            DEFAULT_READY_MESSAGE,
            now,
        );
        sc.metadata.resource_version = self.next_resource_version();
        self.store
            .service_cidrs
            .insert(DEFAULT_SERVICE_CIDR.to_string(), sc);
        self.sync_cidr_allocator(DEFAULT_SERVICE_CIDR);
    }

    /// Make the allocator's view of ServiceCIDR `name` what the store says: its IPv4 ranges,
    /// usable while it is ready and not being deleted (`syncAllocators`).
    pub(crate) fn sync_cidr_allocator(&mut self, name: &str) {
        match self.store.service_cidrs.get(name) {
            None => self.alloc.cluster_ips.remove_owner(name),
            Some(sc) => {
                let cidrs: Vec<Cidr> = sc
                    .spec
                    .cidrs
                    .iter()
                    .filter_map(|c| Cidr::parse(c))
                    .collect();
                let usable = sc.is_ready() && sc.metadata.deletion_timestamp.is_none();
                self.alloc.cluster_ips.set_owner(name, &cidrs, usable);
            }
        }
    }

    /// The IPAddress objects of Service `namespace/name` follow its ClusterIPs: those it no
    /// longer holds (of `old_ips`) are deleted, new ones created, as the allocator does when it
    /// allocates and releases.
    pub(crate) fn sync_service_ips(&mut self, namespace: &str, name: &str, old_ips: &[String]) {
        let key = super::ObjectKey::new(namespace, name);
        let new_ips: Vec<String> = self
            .store
            .services
            .get(&key)
            .map(|s| {
                s.spec
                    .cluster_ips
                    .iter()
                    .filter(|ip| ip.parse::<IpAddr>().is_ok())
                    .cloned()
                    .collect()
            })
            .unwrap_or_default();
        let parent = ParentReference {
            group: String::new(),
            resource: "services".to_string(),
            namespace: namespace.to_string(),
            name: name.to_string(),
        };
        for ip in old_ips.iter().filter(|ip| !new_ips.contains(ip)) {
            let ours = self
                .store
                .ip_addresses
                .get(ip)
                .is_some_and(|a| a.spec.parent_ref.as_ref() == Some(&parent));
            if ours {
                self.store.ip_addresses.remove(ip);
            }
        }
        for ip in new_ips {
            if self.store.ip_addresses.contains_key(&ip) {
                continue;
            }
            let family = if ip.contains(':') { "IPv6" } else { "IPv4" };
            let labels = BTreeMap::from([
                (IP_FAMILY_LABEL.to_string(), family.to_string()),
                (MANAGED_BY_LABEL.to_string(), IP_ALLOCATOR.to_string()),
            ]);
            let resource_version = self.next_resource_version();
            let a = IpAddress {
                metadata: ObjectMeta {
                    name: ip.clone(),
                    uid: derived_uid(&format!("ipaddress/{ip}/{resource_version}")),
                    resource_version,
                    creation_timestamp: Some(self.wall_now()),
                    labels,
                    ..Default::default()
                },
                spec: IpAddressSpec {
                    parent_ref: Some(parent.clone()),
                },
            };
            self.store.ip_addresses.insert(ip, a);
        }
    }

    /// `kubectl apply` of a ServiceCIDR: validated, stored (the finalizer and status the
    /// controllers wrote are kept), and its ranges handed to the allocator at once.
    pub(super) fn apply_service_cidr(
        &mut self,
        mut sc: ServiceCidr,
        ctx: &Ctx<'_>,
    ) -> Result<ApplyOutcome, ApplyError> {
        let name = sc.metadata.name.clone();
        let old = self.store.service_cidrs.get(&name).cloned();
        let errors = match &old {
            None => validate_service_cidr(&sc),
            Some(old) => validate_service_cidr_update(&sc, old),
        };
        if !errors.is_empty() {
            return Err(invalid("ServiceCIDR", &name, errors, ctx));
        }
        let result = match old {
            None => {
                self.init_meta(&mut sc.metadata, "");
                self.store.service_cidrs.insert(name.clone(), sc);
                ApplyOutcome::Created
            }
            Some(old) => {
                let changed = sc.spec != old.spec
                    || sc.metadata.labels != old.metadata.labels
                    || sc.metadata.annotations != old.metadata.annotations;
                self.keep_meta(&mut sc.metadata, &old.metadata, changed);
                sc.metadata.finalizers.clone_from(&old.metadata.finalizers);
                sc.status = old.status;
                self.store.service_cidrs.update(name.clone(), sc);
                outcome(changed)
            }
        };
        self.sync_cidr_allocator(&name);
        Ok(result)
    }

    /// `kubectl apply` of an IPAddress written by hand: validated, and its address taken from
    /// the allocator (an IPAddress is the allocation).
    pub(super) fn apply_ip_address(
        &mut self,
        mut a: IpAddress,
        ctx: &Ctx<'_>,
    ) -> Result<ApplyOutcome, ApplyError> {
        let name = a.metadata.name.clone();
        let old = self.store.ip_addresses.get(&name).cloned();
        let errors = match &old {
            None => validate_ip_address(&a),
            Some(old) => validate_ip_address_update(&a, old),
        };
        if !errors.is_empty() {
            return Err(invalid("IPAddress", &name, errors, ctx));
        }
        match old {
            None => {
                if let Ok(ip) = name.parse() {
                    self.alloc.cluster_ips.reserve(ip);
                }
                self.init_meta(&mut a.metadata, "");
                self.store.ip_addresses.insert(name, a);
                Ok(ApplyOutcome::Created)
            }
            Some(old) => {
                let changed = a.metadata.labels != old.metadata.labels
                    || a.metadata.annotations != old.metadata.annotations;
                self.keep_meta(&mut a.metadata, &old.metadata, changed);
                self.store.ip_addresses.update(name, a);
                Ok(outcome(changed))
            }
        }
    }

    /// `kubectl delete servicecidr NAME`: with its finalizer the ServiceCIDR only turns
    /// Terminating (no new addresses from it); the controller removes it once no Service holds
    /// an address only it contains, ten seconds after the deletion at the earliest.
    pub fn delete_service_cidr(&mut self, name: &str) -> Result<(), MutationError> {
        let now = self.wall_now();
        let Some(sc) = self.store.service_cidrs.get(name) else {
            return Err(MutationError::NotFound {
                resource: "servicecidrs.networking.k8s.io".to_string(),
                name: name.to_string(),
            });
        };
        if sc.metadata.finalizers.is_empty() {
            self.store.service_cidrs.remove(name);
        } else if sc.metadata.deletion_timestamp.is_none() {
            let rv = self.next_resource_version();
            if let Some(sc) = self.store.service_cidrs.get_mut(name) {
                sc.metadata.deletion_timestamp = Some(now);
                sc.metadata.resource_version = rv;
            }
        }
        self.sync_cidr_allocator(name);
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::manifest::Source;

    fn ip_address(ip: &str) -> String {
        format!("apiVersion: networking.k8s.io/v1\nkind: IPAddress\nmetadata:\n  name: {ip}\nspec:\n  parentRef:\n    group: gateway.networking.k8s.io\n    resource: gateways\n    namespace: default\n    name: g\n")
    }

    /// An IPAddress is the allocation: one written by hand takes its address from the
    /// allocator, and a Service's ClusterIPs come and go with their IPAddresses.
    #[test]
    fn ip_addresses_are_the_allocations() {
        let mut text = "kind: Cluster\napiVersion: kind.x-k8s.io/v1alpha4\nnetworking:\n  serviceSubnet: 10.96.0.0/28\n".to_string();
        for i in (2..=9).chain(11..=13) {
            text += "---\n";
            text += &ip_address(&format!("10.96.0.{i}"));
        }
        let (mut c, results) = Cluster::from_sources(&[Source::new("f.yaml", text)], 1);
        assert!(results.iter().all(super::super::ApplyResult::is_ok));
        assert_eq!(
            c.store.ip_addresses.len(),
            13,
            "11 by hand, kubernetes, kube-dns"
        );
        assert_eq!(
            c.store.ip_addresses["10.96.0.2"].parent_ref_text(),
            "gateways.gateway.networking.k8s.io/default/g"
        );
        let svc = |name: &str| {
            format!("apiVersion: v1\nkind: Service\nmetadata:\n  name: {name}\nspec:\n  ports:\n  - port: 80\n")
        };
        let r = c.apply(&Source::new("a.yaml", svc("a")));
        assert!(r[0].is_ok(), "{}", r[0]);
        let a_ip = c.store.services[&super::super::ObjectKey::new("default", "a")]
            .spec
            .cluster_ip
            .clone();
        assert_eq!(a_ip, "10.96.0.14", "the only address left");
        let a = &c.store.ip_addresses[&a_ip];
        assert_eq!(a.parent_ref_text(), "services/default/a");
        assert_eq!(a.metadata.labels[IP_FAMILY_LABEL], "IPv4");
        assert_eq!(a.metadata.labels[MANAGED_BY_LABEL], IP_ALLOCATOR);
        let r = c.apply(&Source::new("b.yaml", svc("b")));
        assert!(r[0].to_string().contains("range is full"), "{}", r[0]);
        c.delete("svc", "default", "a").unwrap();
        assert!(!c.store.ip_addresses.contains_key(&a_ip));
        let r = c.apply(&Source::new("b.yaml", svc("b")));
        assert!(r[0].is_ok(), "{}", r[0]);
        // Re-applying a hand-written IPAddress with another parent is refused.
        let r = c.apply(&Source::new(
            "c.yaml",
            ip_address("10.96.0.14").replace("name: g", "name: h"),
        ));
        assert_eq!(
            r[0].to_string().lines().next().unwrap_or(""),
            "The IPAddress \"10.96.0.14\" is invalid: spec.parentRef: Invalid value: &networking.ParentReference{Group:\"gateway.networking.k8s.io\", Resource:\"gateways\", Namespace:\"default\", Name:\"h\"}: field is immutable"
        );
    }

    #[test]
    fn derived_uids_look_like_uuids_and_differ() {
        let a = derived_uid("ipaddress/10.96.0.1/5");
        let b = derived_uid("ipaddress/10.96.0.10/6");
        assert_ne!(a, b);
        assert_eq!(a.len(), 36);
        assert_eq!(a.as_bytes()[14], b'4');
    }
}
