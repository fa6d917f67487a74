//! MetalLB's controller: addresses for LoadBalancer Services.
//!
//! A `type: LoadBalancer` Service without `spec.loadBalancerClass` (MetalLB serves the default
//! class) and without an address gets one a moment later (EXTERNAL-IP shows `<pending>` until
//! then): the address asked for with the `metallb.io/loadBalancerIPs` annotation or the
//! deprecated `spec.loadBalancerIP`, else the lowest free address of the first pool that
//! auto-assigns. `status.loadBalancer.ingress = [{ip, ipMode: VIP}]`, event `IPAllocated`
//! `Assigned IP ["<ip>"]`, annotation `metallb.io/ip-allocated-from-pool`. Exhausted pools give
//! a Warning `AllocationFailed` and a retry when an address is freed. A Service that stops
//! being a LoadBalancer (or goes) gives its address back.

use super::state;
use crate::alloc::lb::LbAllocError;
use crate::api::core::{LoadBalancerIngress, Service};
use crate::cluster::{Cluster, ObjectKey, Timer};

/// Time MetalLB's controller takes to notice the Service and write its status.
pub const PROVISION_MS: u64 = 1000;
/// MetalLB's annotation requesting specific addresses.
pub const LB_IPS_ANNOTATION: &str = "metallb.io/loadBalancerIPs";
/// MetalLB (≥ 0.14) records the pool an address came from.
pub const POOL_ANNOTATION: &str = "metallb.io/ip-allocated-from-pool";
/// MetalLB's annotation asking for an address from one pool (auto-assigning or not).
pub const ADDRESS_POOL_ANNOTATION: &str = "metallb.io/address-pool";
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

/// The address the Service asks for, if any (annotation first, as MetalLB reads it).
fn requested(svc: &Service) -> Option<String> {
    if let Some(v) = annotation(svc, LB_IPS_ANNOTATION) {
        if let Some(ip) = v
            .split(',')
            .map(str::trim)
            .find(|s| !s.contains(':') && !s.is_empty())
        {
            return Some(ip.to_string());
        }
    }
    (!svc.spec.load_balancer_ip.is_empty()).then(|| svc.spec.load_balancer_ip.clone())
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
        let still_wanted = requested(&svc).is_none_or(|r| r == ip);
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
    let pool = annotation(&svc, ADDRESS_POOL_ANNOTATION).filter(|p| !p.is_empty());
    let result = match (requested(&svc), pool) {
        (Some(ip), _) => c.alloc.lb.reserve(&ip),
        (None, Some(pool)) => c.alloc.lb.allocate_from_pool(pool),
        (None, None) => c.alloc.lb.allocate(),
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
        Err(e) => {
            let detail = match &e {
                LbAllocError::Exhausted => "no available IPs".to_string(),
                other => other.to_string(),
            };
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
