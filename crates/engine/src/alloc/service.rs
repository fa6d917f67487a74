//! What kube-apiserver's Service storage does before validation (`storage/alloc.go`):
//! initialise the IP-family fields, allocate ClusterIPs, NodePorts and the health-check
//! NodePort — as one transaction that is reverted if validation later fails, so nothing leaks.
//!
//! Errors from here come *alone*, before any ordinary validation error of the same object,
//! because the registry calls this in `BeginCreate`/`BeginUpdate`, ahead of `Validate`.

use super::cluster_ip::IpAllocError;
use super::Allocators;
use crate::api::core::Service;
use crate::sim::Rng;
use crate::validate::field::{BadValue, ErrorList, FieldError};
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

/// Why allocation failed: an Invalid status (422) with field errors, or an InternalError (500).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AllocError {
    Invalid(ErrorList),
    /// `Internal error occurred: <message>`.
    Internal(String),
}

/// What a successful allocation did: new addresses/ports (released again by `revert`) and old
/// ones to release once the change is stored (by `commit`).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Reservation {
    new_ips: Vec<IpAddr>,
    new_ports: Vec<i64>,
    release_ips: Vec<IpAddr>,
    release_ports: Vec<i64>,
}

const IPV4: &str = "IPv4";
const IPV6: &str = "IPv6";

fn family_of(ip: &str) -> &'static str {
    if ip.contains(':') {
        IPV6
    } else {
        IPV4
    }
}

fn is_node_port_type(svc: &Service) -> bool {
    matches!(svc.spec.type_.as_str(), "NodePort" | "LoadBalancer")
}

/// `isMatchingPreferDualStackClusterIPFields`: an update of a PreferDualStack Service of the
/// same ClusterIP-bearing type that keeps its ClusterIPs and families changes nothing about
/// them (a cluster that gained or lost dual stack does not upgrade or downgrade it).
fn matching_prefer_dual_stack(svc: &Service, old: &Service) -> bool {
    let prefer = |s: &Service| s.spec.ip_family_policy.as_deref() == Some("PreferDualStack");
    svc.spec.ip_family_policy.is_some()
        && old.spec.type_ == svc.spec.type_
        && matches!(
            svc.spec.type_.as_str(),
            "ClusterIP" | "NodePort" | "LoadBalancer"
        )
        && prefer(svc)
        && (old.spec.ip_family_policy.is_none() || prefer(old))
        && old.spec.cluster_ips == svc.spec.cluster_ips
        && old.spec.ip_families == svc.spec.ip_families
}

/// `shouldAllocateNodePorts`: NodePort always; LoadBalancer unless
/// `allocateLoadBalancerNodePorts: false`.
fn should_allocate_node_ports(svc: &Service) -> bool {
    match svc.spec.type_.as_str() {
        "NodePort" => true,
        "LoadBalancer" => svc.spec.allocate_load_balancer_node_ports.unwrap_or(true),
        _ => false,
    }
}

/// Every nodePort of a Service (`collectServiceNodePorts`), health-check port included.
fn node_ports_of(svc: &Service) -> Vec<i64> {
    let mut ports: Vec<i64> = svc
        .spec
        .ports
        .iter()
        .filter(|p| p.node_port != 0)
        .map(|p| i64::from(p.node_port))
        .collect();
    ports.sort_unstable();
    ports.dedup();
    ports
}

impl Allocators {
    /// `allocateCreate` (old = None) or `allocateUpdate`. `check_cluster_ips` is
    /// `ValidateServiceClusterIPsRelatedFields`, run inside `initIPFamilyFields`.
    pub fn allocate_service(
        &mut self,
        svc: &mut Service,
        old: Option<&Service>,
        rng: &mut Rng,
        check_cluster_ips: impl Fn(&Service) -> ErrorList,
    ) -> Result<Reservation, AllocError> {
        self.init_ip_family_fields(svc, old, check_cluster_ips)?;
        let mut r = Reservation::default();
        let result = self
            .cluster_ips_for(svc, old, rng, &mut r)
            .and_then(|()| self.node_ports_for(svc, old, rng, &mut r));
        match result {
            Ok(()) => Ok(r),
            Err(e) => {
                self.revert(r);
                Err(e)
            }
        }
    }

    /// Undo a reservation whose object was not stored.
    pub fn revert(&mut self, r: Reservation) {
        for ip in r.new_ips {
            self.release_ip(ip);
        }
        for p in r.new_ports {
            self.node_ports.release(p);
        }
    }

    /// The object was stored: release what the old version held and the new one does not.
    pub fn commit(&mut self, r: Reservation) {
        for ip in r.release_ips {
            self.release_ip(ip);
        }
        for p in r.release_ports {
            self.node_ports.release(p);
        }
    }

    /// Free a ClusterIP of either family.
    fn release_ip(&mut self, ip: IpAddr) {
        match ip {
            IpAddr::V4(a) => self.cluster_ips.release(a),
            IpAddr::V6(a) => {
                if let Some(v6) = &mut self.cluster_ips_v6 {
                    v6.release(a);
                }
            }
        }
    }

    /// The IP families this cluster allocates ClusterIPs in (`serviceIPAllocatorsByFamily`):
    /// IPv4, and IPv6 on a dual-stack cluster.
    fn configured(&self, family: &str) -> bool {
        family == IPV4 || (family == IPV6 && self.cluster_ips_v6.is_some())
    }

    fn dual_stack(&self) -> bool {
        self.cluster_ips_v6.is_some()
    }

    /// A Service was deleted: free its ClusterIPs, NodePorts and health-check port.
    pub fn release_service(&mut self, svc: &Service) {
        for ip in &svc.spec.cluster_ips {
            if let Ok(a) = ip.parse::<IpAddr>() {
                self.release_ip(a);
            }
        }
        for p in node_ports_of(svc) {
            self.node_ports.release(p);
        }
        if svc.spec.health_check_node_port != 0 {
            self.node_ports
                .release(i64::from(svc.spec.health_check_node_port));
        }
    }

    /// `initIPFamilyFields`: the IP-family fields defaulted and checked against the families
    /// this cluster has (IPv4, and IPv6 on a dual-stack cluster; IPv4 is the default family).
    fn init_ip_family_fields(
        &self,
        svc: &mut Service,
        old: Option<&Service>,
        check_cluster_ips: impl Fn(&Service) -> ErrorList,
    ) -> Result<(), AllocError> {
        if svc.spec.type_ == "ExternalName" {
            return Ok(());
        }
        if old.is_some_and(|o| matching_prefer_dual_stack(svc, o)) {
            return Ok(());
        }
        let headless_selectorless = svc.spec.cluster_ip == "None" && svc.spec.selector.is_empty();
        if svc.spec.ip_family_policy.is_none() {
            svc.spec.ip_family_policy =
                Some(match old.and_then(|o| o.spec.ip_family_policy.clone()) {
                    Some(p) => p,
                    None if headless_selectorless => "RequireDualStack".to_string(),
                    None => "SingleStack".to_string(),
                });
        }
        let el = check_cluster_ips(svc);
        if !el.is_empty() {
            return Err(AllocError::Invalid(el));
        }
        let policy = svc.spec.ip_family_policy.clone().unwrap_or_default();
        let policy_value = BadValue::str(policy.clone());
        let mut el = ErrorList::new();
        if let Some(old) = old {
            if policy == "SingleStack" {
                if old.spec.cluster_ips == svc.spec.cluster_ips && svc.spec.cluster_ips.len() > 1 {
                    svc.spec.cluster_ips.truncate(1);
                }
                if old.spec.ip_families == svc.spec.ip_families && svc.spec.ip_families.len() > 1 {
                    svc.spec.ip_families.truncate(1);
                }
            } else {
                if !svc.spec.cluster_ips.is_empty()
                    && svc.spec.cluster_ips.len() < old.spec.cluster_ips.len()
                {
                    el.push(FieldError::invalid(
                        "spec.ipFamilyPolicy",
                        policy_value.clone(),
                        "must be 'SingleStack' to release the secondary cluster IP",
                    ));
                }
                if !svc.spec.ip_families.is_empty()
                    && svc.spec.ip_families.len() < old.spec.ip_families.len()
                {
                    el.push(FieldError::invalid(
                        "spec.ipFamilyPolicy",
                        policy_value.clone(),
                        "must be 'SingleStack' to release the secondary IP family",
                    ));
                }
            }
        }
        if policy == "SingleStack" {
            if svc.spec.cluster_ips.len() == 2 {
                el.push(FieldError::invalid(
                    "spec.ipFamilyPolicy",
                    policy_value.clone(),
                    "must be 'RequireDualStack' or 'PreferDualStack' when multiple cluster IPs are specified",
                ));
            }
            if svc.spec.ip_families.len() == 2 {
                el.push(FieldError::invalid(
                    "spec.ipFamilyPolicy",
                    policy_value.clone(),
                    "must be 'RequireDualStack' or 'PreferDualStack' when multiple IP families are specified",
                ));
            }
        }
        let cluster_ips = svc.spec.cluster_ips.clone();
        for (i, ip) in cluster_ips.iter().enumerate() {
            if ip == "None" {
                break;
            }
            let fam = family_of(ip);
            if i >= svc.spec.ip_families.len() {
                if self.configured(fam) {
                    svc.spec.ip_families.push(fam.to_string());
                } else {
                    el.push(FieldError::invalid(
                        format!("spec.clusterIPs[{i}]"),
                        BadValue::string_slice(&cluster_ips),
                        format!("{fam} is not configured on this cluster"),
                    ));
                }
            }
        }
        if !el.is_empty() {
            return Err(AllocError::Invalid(el));
        }
        if headless_selectorless {
            if svc.spec.ip_families.is_empty() {
                svc.spec.ip_families.push(IPV4.to_string());
            }
            if svc.spec.ip_families.len() < 2 && policy != "SingleStack" {
                let alt = if svc.spec.ip_families.first().is_some_and(|f| f == IPV4) {
                    IPV6
                } else {
                    IPV4
                };
                svc.spec.ip_families.push(alt.to_string());
            }
            return Ok(());
        }
        if policy == "RequireDualStack" && !self.dual_stack() {
            el.push(FieldError::invalid(
                "spec.ipFamilyPolicy",
                policy_value,
                "this cluster is not configured for dual-stack services",
            ));
        }
        for (i, fam) in svc.spec.ip_families.iter().enumerate() {
            if !self.configured(fam) {
                el.push(FieldError::invalid(
                    format!("spec.ipFamilies[{i}]"),
                    BadValue::str(fam.clone()),
                    "not configured on this cluster",
                ));
            }
        }
        if !el.is_empty() {
            return Err(AllocError::Invalid(el));
        }
        if svc.spec.ip_families.is_empty() {
            svc.spec.ip_families.push(IPV4.to_string());
        }
        // Dual stack asked for (not demanded) and available: the other family too.
        if policy != "SingleStack" && svc.spec.ip_families.len() == 1 && self.dual_stack() {
            let other = if svc.spec.ip_families[0] == IPV4 {
                IPV6
            } else {
                IPV4
            };
            svc.spec.ip_families.push(other.to_string());
        }
        Ok(())
    }

    /// `allocClusterIPs` / `updateClusterIPs`: one address per IP family, the primary first;
    /// on update, a type change to or from ExternalName allocates or releases them all, a
    /// second family added (single → dual stack) allocates the secondary, one removed releases
    /// it once the change is stored.
    fn cluster_ips_for(
        &mut self,
        svc: &mut Service,
        old: Option<&Service>,
        rng: &mut Rng,
        r: &mut Reservation,
    ) -> Result<(), AllocError> {
        let first = match old {
            None => 0,
            Some(o) if matching_prefer_dual_stack(svc, o) => return Ok(()),
            // A: ExternalName → a type with ClusterIPs.
            Some(o) if o.spec.type_ == "ExternalName" && svc.spec.type_ != "ExternalName" => 0,
            // Headless before: nothing to manage.
            Some(o) if o.spec.cluster_ips.first().is_some_and(|c| c == "None") => return Ok(()),
            // B: → ExternalName: release the old addresses once stored.
            Some(o) if svc.spec.type_ == "ExternalName" => {
                r.release_ips.extend(
                    o.spec
                        .cluster_ips
                        .iter()
                        .filter_map(|ip| ip.parse::<IpAddr>().ok()),
                );
                return Ok(());
            }
            // C: upgraded to dual stack: the secondary only.
            Some(o) if o.spec.ip_families.len() == 1 && svc.spec.ip_families.len() == 2 => 1,
            // D: downgraded: the old secondary goes once stored.
            Some(o) if o.spec.ip_families.len() == 2 && svc.spec.ip_families.len() == 1 => {
                if let Some(ip) = o.spec.cluster_ips.get(1).and_then(|ip| ip.parse().ok()) {
                    r.release_ips.push(ip);
                }
                return Ok(());
            }
            Some(_) => return Ok(()),
        };
        if svc.spec.type_ == "ExternalName"
            || svc.spec.cluster_ips.first().is_some_and(|c| c == "None")
        {
            return Ok(());
        }
        let families = svc.spec.ip_families.clone();
        for (i, family) in families.iter().enumerate().skip(first) {
            let requested = svc.spec.cluster_ips.get(i).cloned().unwrap_or_default();
            let ip = if requested.is_empty() {
                self.allocate_next_in(family, rng).map_err(|e| {
                    AllocError::Internal(format!("failed to allocate a serviceIP: {e}"))
                })?
            } else {
                match self.allocate_in(&requested) {
                    Ok(a) => a,
                    Err(e) => {
                        return Err(AllocError::Invalid(vec![FieldError::invalid(
                            "spec.clusterIPs",
                            BadValue::string_slice(&svc.spec.cluster_ips),
                            format!("failed to allocate IP {requested}: {e}"),
                        )]))
                    }
                }
            };
            r.new_ips.push(ip);
            let s = ip.to_string();
            if i == 0 {
                svc.spec.cluster_ip = s.clone();
            }
            match svc.spec.cluster_ips.get_mut(i) {
                Some(slot) => *slot = s,
                None => svc.spec.cluster_ips.push(s),
            }
        }
        Ok(())
    }

    /// `AllocateNext` of the family's allocator.
    fn allocate_next_in(&mut self, family: &str, rng: &mut Rng) -> Result<IpAddr, IpAllocError> {
        if family == IPV6 {
            let v6 = self.cluster_ips_v6.as_mut().ok_or(IpAllocError::Full)?;
            return v6.allocate_next(rng).map(IpAddr::V6);
        }
        self.cluster_ips.allocate_next(rng).map(IpAddr::V4)
    }

    /// `Allocate` of a requested address, by its family.
    fn allocate_in(&mut self, requested: &str) -> Result<IpAddr, IpAllocError> {
        if let Ok(a) = requested.parse::<Ipv4Addr>() {
            return self.cluster_ips.allocate(a).map(|()| IpAddr::V4(a));
        }
        let a = requested
            .parse::<Ipv6Addr>()
            .map_err(|_| IpAllocError::NoMatchingRange)?;
        let v6 = self
            .cluster_ips_v6
            .as_mut()
            .ok_or(IpAllocError::NoMatchingRange)?;
        v6.allocate(a).map(|()| IpAddr::V6(a))
    }

    /// `txnAllocNodePorts` / `txnUpdateNodePorts`, with the health-check NodePort.
    fn node_ports_for(
        &mut self,
        svc: &mut Service,
        old: Option<&Service>,
        rng: &mut Rng,
        r: &mut Reservation,
    ) -> Result<(), AllocError> {
        let old_ports = old.map(node_ports_of).unwrap_or_default();
        if let Some(o) = old {
            if is_node_port_type(o) && !is_node_port_type(svc) {
                r.release_ports.extend(old_ports.iter().copied());
            }
        }
        if is_node_port_type(svc) {
            match old {
                None => self.init_node_ports(svc, rng, r)?,
                Some(_) => self.update_node_ports(svc, &old_ports, rng, r)?,
            }
        }
        let needed = old.is_some_and(Service::needs_health_check);
        let needs = svc.needs_health_check();
        let old_hc = old.map_or(0, |o| o.spec.health_check_node_port);
        if needs && !needed {
            let hc = svc.spec.health_check_node_port;
            if hc != 0 {
                if let Err(e) = self.node_ports.allocate(i64::from(hc)) {
                    return Err(AllocError::Internal(format!(
                        "failed to allocate requested HealthCheck NodePort {hc}: {e}"
                    )));
                }
                r.new_ports.push(i64::from(hc));
            } else {
                match self.node_ports.allocate_next(rng) {
                    Ok(p) => {
                        svc.spec.health_check_node_port = i32::from(p);
                        r.new_ports.push(i64::from(p));
                    }
                    Err(e) => {
                        return Err(AllocError::Internal(format!(
                            "failed to allocate a HealthCheck NodePort 0: {e}"
                        )))
                    }
                }
            }
        } else if needed && !needs && old_hc != 0 {
            r.release_ports.push(i64::from(old_hc));
        }
        Ok(())
    }

    /// `initNodePorts`: ports with the same port number share one nodePort (the first
    /// requested value, else one allocated value).
    fn init_node_ports(
        &mut self,
        svc: &mut Service,
        rng: &mut Rng,
        r: &mut Reservation,
    ) -> Result<(), AllocError> {
        let allocate_new = should_allocate_node_ports(svc);
        let mut by_port: Vec<(i32, i32)> = Vec::new();
        for i in 0..svc.spec.ports.len() {
            let (port, node_port) = (svc.spec.ports[i].port, svc.spec.ports[i].node_port);
            if node_port == 0 && !allocate_new {
                continue;
            }
            let assigned = by_port.iter().find(|(p, _)| *p == port).map(|(_, n)| *n);
            match assigned {
                None => {
                    let requested = svc.spec.ports[i..]
                        .iter()
                        .find(|p| p.port == port && p.node_port != 0)
                        .map(|p| p.node_port);
                    let np = match requested {
                        Some(np) => {
                            self.node_ports.allocate(i64::from(np)).map_err(|e| {
                                AllocError::Invalid(vec![FieldError::invalid(
                                    format!("spec.ports[{i}].nodePort"),
                                    BadValue::int(np),
                                    e.to_string(),
                                )])
                            })?;
                            np
                        }
                        None => {
                            let p = self.node_ports.allocate_next(rng).map_err(|e| {
                                AllocError::Internal(format!("failed to allocate a nodePort: {e}"))
                            })?;
                            i32::from(p)
                        }
                    };
                    r.new_ports.push(i64::from(np));
                    svc.spec.ports[i].node_port = np;
                    by_port.push((port, np));
                }
                Some(shared) if node_port != shared => {
                    if node_port == 0 {
                        svc.spec.ports[i].node_port = shared;
                    } else {
                        self.node_ports
                            .allocate(i64::from(node_port))
                            .map_err(|e| {
                                AllocError::Invalid(vec![FieldError::invalid(
                                    format!("spec.ports[{i}].nodePort"),
                                    BadValue::int(node_port),
                                    e.to_string(),
                                )])
                            })?;
                        r.new_ports.push(i64::from(node_port));
                    }
                }
                Some(_) => {}
            }
        }
        Ok(())
    }

    /// `updateNodePorts`: keep ports the old version held, allocate new ones, release dropped ones.
    fn update_node_ports(
        &mut self,
        svc: &mut Service,
        old_ports: &[i64],
        rng: &mut Rng,
        r: &mut Reservation,
    ) -> Result<(), AllocError> {
        let allocate_new = should_allocate_node_ports(svc);
        let mut taken_here: Vec<i64> = Vec::new();
        for i in 0..svc.spec.ports.len() {
            let np = i64::from(svc.spec.ports[i].node_port);
            if np == 0 && !allocate_new {
                continue;
            }
            if np != 0 {
                if !old_ports.contains(&np) && !taken_here.contains(&np) {
                    self.node_ports.allocate(np).map_err(|e| {
                        AllocError::Invalid(vec![FieldError::invalid(
                            format!("spec.ports[{i}].nodePort"),
                            BadValue::int(np),
                            e.to_string(),
                        )])
                    })?;
                    r.new_ports.push(np);
                    taken_here.push(np);
                }
            } else {
                let p = self.node_ports.allocate_next(rng).map_err(|e| {
                    AllocError::Internal(format!("failed to allocate a nodePort: {e}"))
                })?;
                r.new_ports.push(i64::from(p));
                svc.spec.ports[i].node_port = i32::from(p);
            }
        }
        let now = node_ports_of(svc);
        r.release_ports
            .extend(old_ports.iter().filter(|p| !now.contains(p)).copied());
        Ok(())
    }
}
