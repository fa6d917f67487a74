//! kube-controller-manager's `servicecidrs` controller
//! (`pkg/controller/servicecidrs/servicecidrs_controller.go`).
//!
//! Reproduces: a ServiceCIDR gets the finalizer `networking.k8s.io/service-cidr-finalizer` and
//! `Ready=True` ("Kubernetes Service CIDR is ready"). One being deleted keeps its finalizer
//! while an IPAddress the allocator wrote lies in it and in no other ServiceCIDR (Ready=False,
//! reason `Terminating`) unless another ServiceCIDR contains all of its ranges; once nothing
//! holds it, the finalizer goes ten seconds after the deletion at the earliest
//! (`deletionGracePeriod`), and with it the object and its ranges.
//!
//! Where svcsim differs: kubernetes/website's walk-through shows the reason `OrphanIPAddress`;
//! the 1.33 controller writes `Terminating`, which svcsim follows.

use crate::cluster::service_cidrs::set_condition;
use crate::cluster::{Cluster, Timer, IP_ALLOCATOR, MANAGED_BY_LABEL};
use crate::validate::ip::{parse_cidr_sloppy, parse_ip_sloppy, GoCidr};
use std::net::IpAddr;

/// `ServiceCIDRProtectionFinalizer`.
pub const FINALIZER: &str = "networking.k8s.io/service-cidr-finalizer";
/// The Ready message of a ServiceCIDR the controller serves.
pub const READY_MESSAGE: &str = "Kubernetes Service CIDR is ready";
/// `ServiceCIDRReasonTerminating`.
pub const TERMINATING_REASON: &str = "Terminating";
/// The Ready message while addresses hold a deleted ServiceCIDR.
pub const TERMINATING_MESSAGE: &str =
    "There are still IPAddresses referencing the ServiceCIDR, please remove them or create a new ServiceCIDR";
/// `deletionGracePeriod`.
pub const DELETION_GRACE_MS: u64 = 10_000;

/// Work the ServiceCIDRs written since the last look, and when IPAddresses changed, those being
/// deleted (an address released may unblock one).
pub(super) fn sync_changed(c: &mut Cluster) {
    let mut names = c.store.service_cidrs.take_changes();
    let ips = c.store.ip_addresses.take_changes();
    if !ips.is_empty() {
        names.extend(
            c.store
                .service_cidrs
                .iter()
                .filter(|(_, sc)| sc.metadata.deletion_timestamp.is_some())
                .map(|(n, _)| n.clone()),
        );
        names.sort_unstable();
        names.dedup();
    }
    for name in names {
        sync(c, &name);
    }
    // The writes above were made here, and are seen.
    c.store.service_cidrs.clear_changes();
}

/// `sync` for one ServiceCIDR.
pub(super) fn sync(c: &mut Cluster, name: &str) {
    let Some(sc) = c.store.service_cidrs.get(name).cloned() else {
        c.sync_cidr_allocator(name);
        return;
    };
    let now = c.wall_now();
    let mut next = sc.clone();
    match sc.metadata.deletion_timestamp {
        None => {
            if !next.metadata.finalizers.iter().any(|f| f == FINALIZER) {
                next.metadata.finalizers.push(FINALIZER.to_string());
            }
            set_condition(&mut next.status.conditions, "True", "", READY_MESSAGE, now);
        }
        Some(deleted) => {
            if can_delete(c, name) {
                let due = deleted
                    .0
                    .saturating_add(i64::try_from(DELETION_GRACE_MS).unwrap_or(i64::MAX));
                if now.0 >= due {
                    c.store.service_cidrs.remove(name);
                    c.sync_cidr_allocator(name);
                    return;
                }
                let timer = Timer::ServiceCidrGrace(name.to_string());
                if !c.timers.values().any(|ts| ts.contains(&timer)) {
                    c.schedule(u64::try_from(due - now.0).unwrap_or(0), timer);
                }
            } else {
                set_condition(
                    &mut next.status.conditions,
                    "False",
                    TERMINATING_REASON,
                    TERMINATING_MESSAGE,
                    now,
                );
            }
        }
    }
    if next != sc {
        next.metadata.resource_version = c.next_resource_version();
        c.store.service_cidrs.insert(name.to_string(), next);
    }
    c.sync_cidr_allocator(name);
}

/// `canDeleteCIDR`: every range of it lies inside another ServiceCIDR, or no address the
/// allocator wrote lies in it alone.
fn can_delete(c: &Cluster, name: &str) -> bool {
    let ranges = |n: &str| -> Vec<GoCidr> {
        c.store
            .service_cidrs
            .get(n)
            .map(|sc| {
                sc.spec
                    .cidrs
                    .iter()
                    .filter_map(|x| parse_cidr_sloppy(x))
                    .collect()
            })
            .unwrap_or_default()
    };
    let mine = ranges(name);
    let others: Vec<GoCidr> = c
        .store
        .service_cidrs
        .keys()
        .filter(|n| n.as_str() != name)
        .flat_map(|n| ranges(n))
        .collect();
    let covered = |r: &GoCidr| {
        others
            .iter()
            .any(|o| o.prefix <= r.prefix && contains(o, r.network) && o.is_ipv6() == r.is_ipv6())
    };
    if mine.iter().all(covered) {
        return true;
    }
    !c.store.ip_addresses.values().any(|a| {
        a.metadata.labels.get(MANAGED_BY_LABEL).map(String::as_str) == Some(IP_ALLOCATOR)
            && parse_ip_sloppy(&a.metadata.name).is_some_and(|ip| {
                mine.iter().any(|r| holds(r, ip)) && !others.iter().any(|o| holds(o, ip))
            })
    })
}

/// Both in one 128-bit space (IPv4 as IPv4-mapped).
fn bits(ip: IpAddr) -> (u128, u32) {
    match ip {
        IpAddr::V4(v4) => (u128::from(u32::from(v4)), 32),
        IpAddr::V6(v6) => (u128::from(v6), 128),
    }
}

/// Whether `ip` is inside the prefix `r` (same family).
fn contains(r: &GoCidr, ip: IpAddr) -> bool {
    let (net, width) = bits(r.network);
    let (x, w) = bits(ip);
    if w != width {
        return false;
    }
    let host = width.saturating_sub(r.prefix);
    let mask = if host >= 128 { 0 } else { u128::MAX << host };
    (net & mask) == (x & mask)
}

/// `PrefixContainsIP`: inside, and not the network address (nor, for IPv4, the broadcast).
fn holds(r: &GoCidr, ip: IpAddr) -> bool {
    if !contains(r, ip) || ip == r.network {
        return false;
    }
    let (net, width) = bits(r.network);
    let host = width.saturating_sub(r.prefix);
    let broadcast = if host >= 128 {
        u128::MAX
    } else {
        net | ((1u128 << host) - 1)
    };
    !(width == 32 && bits(ip).0 == broadcast)
}
