//! MetalLB's controller: addresses for LoadBalancer Services.
//!
//! A `type: LoadBalancer` Service without `spec.loadBalancerClass` (MetalLB serves the default
//! class) and without an address gets one a moment later (EXTERNAL-IP shows `<pending>` until
//! then): the address asked for with the `metallb.io/loadBalancerIPs` annotation or the
//! deprecated `spec.loadBalancerIP`, else the lowest free address of the first pool that
//! auto-assigns. `status.loadBalancer.ingress = [{ip, ipMode: VIP}]`, event `IPAllocated`
//! `Assigned IP ["<ip>"]`, annotation `metallb.io/ip-allocated-from-pool`. Exhausted pools give
//! a Warning `AllocationFailed` and a retry when an address is freed. A Service that stops
//! being a LoadBalancer (or goes) gives its address back. Services annotated
//! `metallb.io/allow-shared-ip` with one key share an address when their ports differ (and,
//! with `externalTrafficPolicy: Local`, their selectors match); the address is freed when the
//! last of them goes.

use super::state;
use crate::alloc::lb::LbAllocError;
use crate::api::core::{LoadBalancerIngress, Service};
use crate::cluster::{Cluster, ObjectKey, Timer};
use crate::validate::field::go_quote;
use std::collections::BTreeSet;

/// Time MetalLB's controller takes to notice the Service and write its status.
pub const PROVISION_MS: u64 = 1000;
/// MetalLB's annotation requesting specific addresses.
pub const LB_IPS_ANNOTATION: &str = "metallb.io/loadBalancerIPs";
/// MetalLB (≥ 0.14) records the pool an address came from.
pub const POOL_ANNOTATION: &str = "metallb.io/ip-allocated-from-pool";
/// MetalLB's annotation asking for an address from one pool (auto-assigning or not).
pub const ADDRESS_POOL_ANNOTATION: &str = "metallb.io/address-pool";
/// MetalLB's annotation letting Services with the same value share one address (on
/// different ports; with `externalTrafficPolicy: Local`, only with the same selector).
pub const ALLOW_SHARED_IP_ANNOTATION: &str = "metallb.io/allow-shared-ip";
/// The annotations' deprecated prefix, still read by MetalLB 0.14.
const DEPRECATED_PREFIX: &str = "metallb.universe.tf/";

/// A MetalLB annotation's value, under its current name or the deprecated `metallb.universe.tf/`
/// one (the current name wins).
fn annotation<'a>(svc: &'a Service, name: &str) -> Option<&'a String> {
    let a = &svc.metadata.annotations;
    a.get(name).or_else(|| {
        let (_, short) = name.split_once('/')?;
        a.get(&format!("{DEPRECATED_PREFIX}{short}"))
    })
}

fn wants_address(svc: &Service) -> bool {
    svc.spec.type_ == "LoadBalancer" && svc.spec.load_balancer_class.is_none()
}

/// The address the Service asks for, if any: MetalLB's `getDesiredLbIPs` (the annotation or
/// the deprecated `spec.loadBalancerIP`, not both; every address valid) and the family check
/// of `allocateIPs` (svcsim's Services are IPv4: an IPv6 address does not match). The error
/// is MetalLB's text, for its `AllocationFailed` event.
fn requested(svc: &Service) -> Result<Option<String>, String> {
    let spec = &svc.spec.load_balancer_ip;
    let wanted: Vec<std::net::IpAddr> = match annotation(svc, LB_IPS_ANNOTATION) {
        Some(v) if !v.is_empty() => {
            if !spec.is_empty() {
                return Err(format!(
                    "service can not have both {LB_IPS_ANNOTATION} and svc.Spec.LoadBalancerIP"
                ));
            }
            v.split(',')
                .map(|s| s.trim().parse::<std::net::IpAddr>())
                .collect::<Result<_, _>>()
                .map_err(|_| format!("invalid {LB_IPS_ANNOTATION}: {}", go_quote(v)))?
        }
        _ if spec.is_empty() => return Ok(None),
        _ => vec![spec
            .parse()
            .map_err(|_| format!("invalid spec.loadBalancerIP {}", go_quote(spec)))?],
    };
    if wanted.iter().any(std::net::IpAddr::is_ipv6) {
        return Err(format!(
            "requested loadBalancer IP(s) {} does not match the ipFamily of the service",
            quoted_ips(&wanted.iter().map(ToString::to_string).collect::<Vec<_>>())
        ));
    }
    Ok(wanted.first().map(ToString::to_string))
}

/// Go's `%q` of a `[]net.IP`: `["172.18.255.200"]`.
fn quoted_ips(ips: &[String]) -> String {
    let q: Vec<String> = ips.iter().map(|ip| go_quote(ip)).collect();
    format!("[{}]", q.join(" "))
}

/// What MetalLB's `checkSharing` compares: the sharing key (`allow-shared-ip`), the backend
/// key (the selector, `labels.Set.String()`, for `externalTrafficPolicy: Local`: traffic must
/// reach the same pods whichever Service it came for), and the ports as `TCP/80`.
struct Sharing {
    key: String,
    backend: String,
    ports: Vec<String>,
}

impl Sharing {
    fn of(svc: &Service) -> Sharing {
        let backend = if svc.spec.external_traffic_policy == "Local" {
            svc.spec
                .selector
                .iter()
                .map(|(k, v)| format!("{k}={v}"))
                .collect::<Vec<_>>()
                .join(",")
        } else {
            String::new()
        };
        Sharing {
            key: annotation(svc, ALLOW_SHARED_IP_ANNOTATION)
                .cloned()
                .unwrap_or_default(),
            backend,
            ports: svc
                .spec
                .ports
                .iter()
                .map(|p| {
                    let proto = if p.protocol.is_empty() {
                        "TCP"
                    } else {
                        &p.protocol
                    };
                    format!("{proto}/{}", p.port)
                })
                .collect(),
        }
    }

    /// `sharingOK`: both allow sharing, with the same key and backend.
    fn compatible(&self, other: &Sharing) -> bool {
        !self.key.is_empty() && self.key == other.key && self.backend == other.backend
    }
}

/// MetalLB's `checkSharing` for `svc` (Service `key`) on `ip`: Ok when no other Service holds
/// it, or all that do share its key and backend and none uses one of its ports.
fn check_sharing(
    c: &Cluster,
    key: &ObjectKey,
    svc: &Service,
    ip: &str,
) -> Result<(), LbAllocError> {
    let holders: Vec<(&ObjectKey, Sharing)> = c
        .controllers
        .lb
        .assigned
        .iter()
        .filter(|(k, v)| *k != key && v.as_str() == ip)
        .filter_map(|(k, _)| Some((k, Sharing::of(c.store.services.get(k)?))))
        .collect();
    let mine = Sharing::of(svc);
    if holders.iter().any(|(_, h)| !mine.compatible(h)) {
        let others: Vec<String> = holders.iter().map(|(k, _)| k.to_string()).collect();
        return Err(LbAllocError::SharingKey {
            service: key.to_string(),
            others: others.join(","),
        });
    }
    if let Some(port) = mine
        .ports
        .iter()
        .find(|p| holders.iter().any(|(_, h)| h.ports.contains(p)))
    {
        return Err(LbAllocError::PortInUse {
            port: port.clone(),
            ip: ip.to_string(),
        });
    }
    Ok(())
}

/// The addresses in use that `svc` may share (see [`check_sharing`]); none without a key.
fn shareable(c: &Cluster, key: &ObjectKey, svc: &Service) -> BTreeSet<u32> {
    if Sharing::of(svc).key.is_empty() {
        return BTreeSet::new();
    }
    let ips: BTreeSet<&String> = c.controllers.lb.assigned.values().collect();
    ips.into_iter()
        .filter(|ip| check_sharing(c, key, svc, ip).is_ok())
        .filter_map(|ip| ip.parse::<std::net::Ipv4Addr>().ok().map(u32::from))
        .collect()
}

/// Release `ip` unless another Service still holds it; freed addresses wake failed Services.
fn release(c: &mut Cluster, ip: &str) {
    if c.controllers.lb.assigned.values().any(|v| v == ip) {
        return;
    }
    c.alloc.lb.release(ip);
    let failed = std::mem::take(&mut c.controllers.lb.failed);
    for key in failed {
        if c.controllers.lb.pending.insert(key.clone()) {
            c.schedule(PROVISION_MS, Timer::LoadBalancerProvision(key));
        }
    }
}

/// The Service is gone: its address returns to the pool.
pub(super) fn forget(c: &mut Cluster, key: &ObjectKey) {
    c.controllers.lb.pending.remove(key);
    c.controllers.lb.failed.remove(key);
    if let Some(ip) = c.controllers.lb.assigned.remove(key) {
        release(c, &ip);
    }
}

/// React to a Service change.
pub(super) fn sync_service(c: &mut Cluster, key: &ObjectKey) {
    let Some(svc) = c.store.services.get(key).cloned() else {
        forget(c, key);
        return;
    };
    if !wants_address(&svc) {
        c.controllers.lb.pending.remove(key);
        c.controllers.lb.failed.remove(key);
        if let Some(ip) = c.controllers.lb.assigned.remove(key) {
            release(c, &ip);
            if !svc.status.load_balancer.ingress.is_empty() && svc.spec.type_ != "LoadBalancer" {
                let mut svc = svc;
                svc.status.load_balancer.ingress.clear();
                svc.metadata.annotations.remove(POOL_ANNOTATION);
                state::put_service(c, svc);
            }
        }
        return;
    }
    if let Some(ip) = c.controllers.lb.assigned.get(key).cloned() {
        // An invalid request keeps the address (MetalLB reports it and converges no further).
        let still_wanted = requested(&svc).map_or(true, |r| r.is_none_or(|r| r == ip));
        if !still_wanted {
            // The requested address changed: give the old one back and ask again.
            c.controllers.lb.assigned.remove(key);
            release(c, &ip);
        } else {
            if !svc.status.load_balancer.ingress.iter().any(|i| i.ip == ip) {
                let mut svc = svc;
                svc.status.load_balancer.ingress = vec![ingress(&ip)];
                state::put_service(c, svc);
            }
            return;
        }
    } else if let Some(ip) = svc
        .status
        .load_balancer
        .ingress
        .iter()
        .find(|i| !i.ip.is_empty())
        .map(|i| i.ip.clone())
    {
        // Pasted with its address: keep it, and keep the pool from handing it out again.
        let _ = c.alloc.lb.reserve(&ip);
        c.controllers.lb.assigned.insert(key.clone(), ip);
        return;
    }
    if c.controllers.lb.pending.insert(key.clone()) {
        c.schedule(PROVISION_MS, Timer::LoadBalancerProvision(key.clone()));
    }
}

fn ingress(ip: &str) -> LoadBalancerIngress {
    LoadBalancerIngress {
        ip: ip.to_string(),
        ip_mode: Some("VIP".to_string()),
        ..Default::default()
    }
}

/// The timer: allocate and write the status.
pub(super) fn provision(c: &mut Cluster, key: &ObjectKey) {
    c.controllers.lb.pending.remove(key);
    let Some(mut svc) = c.store.services.get(key).cloned() else {
        return;
    };
    if !wants_address(&svc) || c.controllers.lb.assigned.contains_key(key) {
        return;
    }
    let pool = annotation(&svc, ADDRESS_POOL_ANNOTATION)
        .filter(|p| !p.is_empty())
        .cloned();
    let result = match requested(&svc) {
        Err(why) => Err(why),
        Ok(Some(ip)) => {
            let held = c.controllers.lb.assigned.values().any(|v| *v == ip);
            let got = match check_sharing(c, key, &svc, &ip) {
                Err(e) => Err(e),
                // Shared with the Services already on it.
                Ok(()) if held => c.alloc.lb.pool_of(&ip),
                Ok(()) => c.alloc.lb.reserve(&ip),
            };
            match (got, &pool) {
                // The address must come from the pool asked for, if one is.
                (Ok((_, from)), Some(want)) if from != *want => {
                    if !held {
                        c.alloc.lb.release(&ip);
                    }
                    Err(format!(
                        "requested loadBalancer IP(s) {} is not compatible with requested address pool {want}",
                        quoted_ips(std::slice::from_ref(&ip))
                    ))
                }
                (got, _) => got.map_err(|e| e.to_string()),
            }
        }
        Ok(None) => {
            let shareable = shareable(c, key, &svc);
            c.alloc
                .lb
                .allocate_sharing(pool.as_deref(), &shareable)
                .map_err(|e| e.to_string())
        }
    };
    let object = format!("service/{}", key.name);
    match result {
        Ok((ip, pool)) => {
            let ip = ip.to_string();
            c.controllers.lb.assigned.insert(key.clone(), ip.clone());
            svc.status.load_balancer.ingress = vec![ingress(&ip)];
            svc.metadata
                .annotations
                .insert(POOL_ANNOTATION.to_string(), pool);
            state::put_service(c, svc);
            c.event(
                "Normal",
                "IPAllocated",
                object,
                &key.namespace,
                format!("Assigned IP [\"{ip}\"]"),
            );
        }
        Err(detail) => {
            c.controllers.lb.failed.insert(key.clone());
            c.event(
                "Warning",
                "AllocationFailed",
                object,
                &key.namespace,
                format!("Failed to allocate IP for \"{key}\": {detail}"),
            );
        }
    }
}
