//! Defaulting, as kube-apiserver applies it when it decodes a request (before admission and
//! validation), plus the Service registry's clusterIP normalization.
//!
//! Reproduces `pkg/apis/core/v1/defaults.go` (`SetDefaults_Service`, `SetDefaults_Pod`,
//! `SetDefaults_PodSpec`, `SetDefaults_ContainerPort`, `SetDefaults_Namespace`),
//! `pkg/apis/apps/v1/defaults.go` (replicas) and `pkg/apis/discovery/v1/defaults.go`
//! (`SetDefaults_EndpointPort`), for the fields svcsim models, and
//! `pkg/registry/core/service/storage/storage.go` (`normalizeClusterIPs`, `patchAllocatedValues`).
//!
//! Not done here, on purpose: `ipFamilies`/`ipFamilyPolicy`/`clusterIPs` allocation (the
//! allocator's `initIPFamilyFields` does it, after normalization), and every defaulted field
//! svcsim does not store (imagePullPolicy, schedulerName, strategy, …).

use super::service::externally_accessible;
use crate::api::apps::{Workload, WorkloadKind};
use crate::api::core::{
    ClientIpConfig, Container, Endpoints, IntOrString, Namespace, Pod, PodSpec, Service,
    SessionAffinityConfig,
};
use crate::api::discovery::EndpointSlice;

/// `v1.DefaultClientIPServiceAffinitySeconds` (3 hours).
pub const DEFAULT_CLIENT_IP_SERVICE_AFFINITY_SECONDS: i32 = 10800;
/// `v1.DefaultTerminationGracePeriodSeconds`.
pub const DEFAULT_TERMINATION_GRACE_PERIOD_SECONDS: i64 = 30;

/// `SetDefaults_Service`:
/// * `sessionAffinity` "" → `None`; `None` clears `sessionAffinityConfig`; `ClientIP` without a
///   timeout gets a fresh config with `timeoutSeconds: 10800`;
/// * `type` "" → `ClusterIP`;
/// * each port: `protocol` "" → `TCP`; `targetPort` unset, `0` or `""` → the port number;
/// * `externalTrafficPolicy` "" → `Cluster` when externally accessible (NodePort, LoadBalancer,
///   or ClusterIP with externalIPs);
/// * `internalTrafficPolicy` nil → `Cluster` for ClusterIP, NodePort and LoadBalancer;
/// * LoadBalancer: `allocateLoadBalancerNodePorts` nil → `true`, and every status ingress with
///   an `ip` but no `ipMode` gets `VIP` (`LoadBalancerIPMode`, GA in 1.32).
///
/// Then the registry's [`normalize_cluster_ips`] for a create (clusterIP copied into an empty
/// clusterIPs), which kube-apiserver runs before allocation and validation.
pub fn default_service(svc: &mut Service) {
    let spec = &mut svc.spec;
    if spec.session_affinity.is_empty() {
        spec.session_affinity = "None".to_string();
    }
    if spec.session_affinity == "None" {
        spec.session_affinity_config = None;
    }
    if spec.session_affinity == "ClientIP" {
        let has_timeout = spec
            .session_affinity_config
            .as_ref()
            .and_then(|c| c.client_ip.as_ref())
            .and_then(|c| c.timeout_seconds)
            .is_some();
        if !has_timeout {
            spec.session_affinity_config = Some(SessionAffinityConfig {
                client_ip: Some(ClientIpConfig {
                    timeout_seconds: Some(DEFAULT_CLIENT_IP_SERVICE_AFFINITY_SECONDS),
                }),
            });
        }
    }
    if spec.type_.is_empty() {
        spec.type_ = "ClusterIP".to_string();
    }
    for p in &mut spec.ports {
        if p.protocol.is_empty() {
            p.protocol = "TCP".to_string();
        }
        if p.target_port.as_ref().is_none_or(IntOrString::is_zero) {
            p.target_port = Some(IntOrString::Int(p.port));
        }
    }
    if externally_accessible(svc) && svc.spec.external_traffic_policy.is_empty() {
        svc.spec.external_traffic_policy = "Cluster".to_string();
    }
    let spec = &mut svc.spec;
    if spec.internal_traffic_policy.is_none()
        && matches!(
            spec.type_.as_str(),
            "ClusterIP" | "NodePort" | "LoadBalancer"
        )
    {
        spec.internal_traffic_policy = Some("Cluster".to_string());
    }
    if spec.type_ == "LoadBalancer" {
        if spec.allocate_load_balancer_node_ports.is_none() {
            spec.allocate_load_balancer_node_ports = Some(true);
        }
        for ing in &mut svc.status.load_balancer.ingress {
            if !ing.ip.is_empty() && ing.ip_mode.is_none() {
                ing.ip_mode = Some("VIP".to_string());
            }
        }
    }
    normalize_cluster_ips(svc, None);
}

/// `normalizeClusterIPs` (`pkg/registry/core/service/storage/storage.go`, called from
/// `beginCreate`/`beginUpdate` before allocation and validation): keeps the singular
/// `clusterIP` and the plural `clusterIPs` in step for clients that only set one.
/// * create (`old` None): a set `clusterIP` with empty `clusterIPs` becomes `clusterIPs:
///   [clusterIP]`;
/// * update: an old client that omitted `clusterIPs` but kept `clusterIP` gets the stored
///   `clusterIPs`; clearing `clusterIP` clears unchanged `clusterIPs`; changing `clusterIP` with
///   unchanged `clusterIPs` makes `clusterIPs: [clusterIP]` (validation then rejects the change).
pub fn normalize_cluster_ips(svc: &mut Service, old: Option<&Service>) {
    let Some(old) = old else {
        if !svc.spec.cluster_ip.is_empty() && svc.spec.cluster_ips.is_empty() {
            svc.spec.cluster_ips = vec![svc.spec.cluster_ip.clone()];
        }
        return;
    };
    if !old.spec.cluster_ips.is_empty()
        && svc.spec.cluster_ips.is_empty()
        && old.spec.cluster_ip == svc.spec.cluster_ip
    {
        svc.spec.cluster_ips = old.spec.cluster_ips.clone();
    }
    if old.spec.cluster_ip != svc.spec.cluster_ip {
        let same_ips = old.spec.cluster_ips == svc.spec.cluster_ips;
        if !old.spec.cluster_ip.is_empty() && svc.spec.cluster_ip.is_empty() {
            if same_ips {
                svc.spec.cluster_ips = Vec::new();
            }
        } else if same_ips {
            svc.spec.cluster_ips = vec![svc.spec.cluster_ip.clone()];
        }
    }
}

/// `patchAllocatedValues` (`storage.go`, on update, before normalization): a re-applied manifest
/// that leaves out what the server allocated keeps it — clusterIP(s) unless either side is
/// ExternalName, each port's nodePort (matched by port name, unless another port already uses
/// it) while both sides need node ports, and the healthCheckNodePort while both need one.
pub fn patch_allocated_values(svc: &mut Service, old: &Service) {
    let needs_cluster_ip = |s: &Service| s.spec.type_ != "ExternalName";
    let needs_node_port =
        |s: &Service| matches!(s.spec.type_.as_str(), "NodePort" | "LoadBalancer");
    let needs_hc =
        |s: &Service| s.spec.type_ == "LoadBalancer" && s.spec.external_traffic_policy == "Local";
    if needs_cluster_ip(old) && needs_cluster_ip(svc) {
        if svc.spec.cluster_ip.is_empty() {
            svc.spec.cluster_ip = old.spec.cluster_ip.clone();
        }
        if svc.spec.cluster_ips.is_empty() && !old.spec.cluster_ips.is_empty() {
            svc.spec.cluster_ips = old.spec.cluster_ips.clone();
        }
    }
    if needs_node_port(old) && needs_node_port(svc) {
        let used = |s: &Service| -> std::collections::BTreeSet<i32> {
            s.spec
                .ports
                .iter()
                .map(|p| p.node_port)
                .filter(|&n| n != 0)
                .collect()
        };
        let old_used = used(old);
        let new_used = used(svc);
        let both: std::collections::BTreeSet<i32> =
            old_used.intersection(&new_used).copied().collect();
        // Go builds a map by name; a later port of the same name wins.
        let mut by_name = std::collections::BTreeMap::new();
        for p in &old.spec.ports {
            by_name.insert(p.name.clone(), p.node_port);
        }
        for p in &mut svc.spec.ports {
            if p.node_port == 0 {
                let old_val = by_name.get(&p.name).copied().unwrap_or(0);
                if !both.contains(&old_val) {
                    p.node_port = old_val;
                }
            }
        }
    }
    if needs_hc(old) && needs_hc(svc) && svc.spec.health_check_node_port == 0 {
        svc.spec.health_check_node_port = old.spec.health_check_node_port;
    }
}

/// The Service strategy's `PrepareForCreate`: users cannot set `status` on create.
pub fn prepare_service_for_create(svc: &mut Service) {
    svc.status = Default::default();
}

/// `SetDefaults_ContainerPort` for every port of the containers.
fn default_container_ports(containers: &mut [Container]) {
    for c in containers {
        for p in &mut c.ports {
            if p.protocol.is_empty() {
                p.protocol = "TCP".to_string();
            }
        }
    }
}

/// `SetDefaults_PodSpec` (applies to Pods and to workload templates): `dnsPolicy` →
/// `ClusterFirst`, `restartPolicy` → `Always`, `terminationGracePeriodSeconds` → 30; and the
/// nested `SetDefaults_ContainerPort` (`protocol` → `TCP`).
pub fn default_pod_spec(spec: &mut PodSpec) {
    if spec.dns_policy.is_empty() {
        spec.dns_policy = "ClusterFirst".to_string();
    }
    if spec.restart_policy.is_empty() {
        spec.restart_policy = "Always".to_string();
    }
    if spec.termination_grace_period_seconds.is_none() {
        spec.termination_grace_period_seconds = Some(DEFAULT_TERMINATION_GRACE_PERIOD_SECONDS);
    }
    default_container_ports(&mut spec.containers);
    default_container_ports(&mut spec.init_containers);
}

/// `SetDefaults_Pod` + `SetDefaults_PodSpec`: the pod-spec defaults, and with `hostNetwork` every
/// container port's `hostPort` 0 → its `containerPort` (Pods only, not templates, since 1.28).
pub fn default_pod(pod: &mut Pod) {
    default_pod_spec(&mut pod.spec);
    if pod.spec.host_network {
        for c in pod
            .spec
            .containers
            .iter_mut()
            .chain(pod.spec.init_containers.iter_mut())
        {
            for p in &mut c.ports {
                if p.host_port == 0 {
                    p.host_port = p.container_port;
                }
            }
        }
    }
}

/// apps/v1 `SetDefaults_Deployment`/`ReplicaSet`/`StatefulSet`: `replicas` nil → 1 (DaemonSets
/// have none); the template's pod spec gets [`default_pod_spec`].
pub fn default_workload(w: &mut Workload) {
    if w.kind != WorkloadKind::DaemonSet && w.spec.replicas.is_none() {
        w.spec.replicas = Some(1);
    }
    default_pod_spec(&mut w.spec.template.spec);
}

/// discovery/v1 `SetDefaults_EndpointPort`: `name` nil → "", `protocol` nil → `TCP`.
pub fn default_endpoint_slice(s: &mut EndpointSlice) {
    for p in &mut s.ports {
        if p.name.is_none() {
            p.name = Some(String::new());
        }
        if p.protocol.is_none() {
            p.protocol = Some("TCP".to_string());
        }
    }
}

/// core/v1 `SetDefaults_EndpointPort` for hand-written Endpoints: `protocol` "" → `TCP`.
pub fn default_endpoints(e: &mut Endpoints) {
    for p in e.subsets.iter_mut().flat_map(|s| s.ports.iter_mut()) {
        if p.protocol.is_empty() {
            p.protocol = "TCP".to_string();
        }
    }
}

/// `SetDefaults_Namespace`: a named namespace carries `kubernetes.io/metadata.name: <name>`.
pub fn default_namespace(ns: &mut Namespace) {
    if !ns.metadata.name.is_empty() {
        ns.metadata.labels.insert(
            "kubernetes.io/metadata.name".to_string(),
            ns.metadata.name.clone(),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::core::{LoadBalancerIngress, ServicePort};
    use crate::api::meta::ObjectMeta;

    fn svc(type_: &str) -> Service {
        let mut s = Service {
            metadata: ObjectMeta {
                name: "s".into(),
                ..Default::default()
            },
            ..Default::default()
        };
        s.spec.type_ = type_.into();
        s.spec.ports = vec![ServicePort {
            port: 80,
            ..Default::default()
        }];
        s
    }

    #[test]
    fn service_defaults() {
        let mut s = svc("");
        default_service(&mut s);
        assert_eq!(s.spec.type_, "ClusterIP");
        assert_eq!(s.spec.session_affinity, "None");
        assert_eq!(s.spec.ports[0].protocol, "TCP");
        assert_eq!(s.spec.ports[0].target_port, Some(IntOrString::Int(80)));
        assert_eq!(s.spec.external_traffic_policy, "");
        assert_eq!(s.spec.internal_traffic_policy.as_deref(), Some("Cluster"));
        assert_eq!(s.spec.allocate_load_balancer_node_ports, None);
        assert!(s.spec.ip_families.is_empty() && s.spec.ip_family_policy.is_none());

        for tp in [IntOrString::Int(0), IntOrString::String(String::new())] {
            let mut s = svc("NodePort");
            s.spec.ports[0].target_port = Some(tp);
            default_service(&mut s);
            assert_eq!(s.spec.ports[0].target_port, Some(IntOrString::Int(80)));
            assert_eq!(s.spec.external_traffic_policy, "Cluster");
        }
        let mut named = svc("ClusterIP");
        named.spec.ports[0].target_port = Some(IntOrString::String("http".into()));
        named.spec.external_ips = vec!["192.0.2.1".into()];
        default_service(&mut named);
        assert_eq!(
            named.spec.ports[0].target_port,
            Some(IntOrString::String("http".into()))
        );
        assert_eq!(named.spec.external_traffic_policy, "Cluster");

        let mut en = svc("ExternalName");
        default_service(&mut en);
        assert_eq!(en.spec.internal_traffic_policy, None);
        assert_eq!(en.spec.external_traffic_policy, "");

        let mut lb = svc("LoadBalancer");
        lb.status.load_balancer.ingress = vec![
            LoadBalancerIngress {
                ip: "172.18.255.200".into(),
                ..Default::default()
            },
            LoadBalancerIngress {
                hostname: "lb.example.com".into(),
                ..Default::default()
            },
        ];
        default_service(&mut lb);
        assert_eq!(lb.spec.allocate_load_balancer_node_ports, Some(true));
        assert_eq!(lb.spec.external_traffic_policy, "Cluster");
        assert_eq!(
            lb.status.load_balancer.ingress[0].ip_mode.as_deref(),
            Some("VIP")
        );
        assert_eq!(lb.status.load_balancer.ingress[1].ip_mode, None);
    }

    #[test]
    fn session_affinity_defaults() {
        let mut s = svc("ClusterIP");
        s.spec.session_affinity = "ClientIP".into();
        default_service(&mut s);
        assert_eq!(
            s.spec
                .session_affinity_config
                .and_then(|c| c.client_ip)
                .and_then(|c| c.timeout_seconds),
            Some(10800)
        );
        let mut keep = svc("ClusterIP");
        keep.spec.session_affinity = "ClientIP".into();
        keep.spec.session_affinity_config = Some(SessionAffinityConfig {
            client_ip: Some(ClientIpConfig {
                timeout_seconds: Some(60),
            }),
        });
        default_service(&mut keep);
        assert_eq!(
            keep.spec
                .session_affinity_config
                .and_then(|c| c.client_ip)
                .and_then(|c| c.timeout_seconds),
            Some(60)
        );
        let mut none = svc("ClusterIP");
        none.spec.session_affinity_config = Some(SessionAffinityConfig::default());
        default_service(&mut none);
        assert_eq!(none.spec.session_affinity_config, None);
    }

    #[test]
    fn cluster_ip_normalization() {
        let mut s = svc("ClusterIP");
        s.spec.cluster_ip = "None".into();
        default_service(&mut s);
        assert_eq!(s.spec.cluster_ips, vec!["None".to_string()]);

        let mut old = svc("ClusterIP");
        old.spec.cluster_ip = "10.96.0.10".into();
        old.spec.cluster_ips = vec!["10.96.0.10".into()];
        let mut new = svc("ClusterIP");
        new.spec.cluster_ip = "10.96.0.10".into();
        normalize_cluster_ips(&mut new, Some(&old));
        assert_eq!(new.spec.cluster_ips, old.spec.cluster_ips);
        let mut changed = old.clone();
        changed.spec.cluster_ip = "10.96.0.11".into();
        normalize_cluster_ips(&mut changed, Some(&old));
        assert_eq!(changed.spec.cluster_ips, vec!["10.96.0.11".to_string()]);
        let mut cleared = old.clone();
        cleared.spec.cluster_ip = String::new();
        normalize_cluster_ips(&mut cleared, Some(&old));
        assert!(cleared.spec.cluster_ips.is_empty());
    }

    #[test]
    fn allocated_values_are_patched() {
        let mut old = svc("NodePort");
        old.spec.cluster_ip = "10.96.0.10".into();
        old.spec.cluster_ips = vec!["10.96.0.10".into()];
        old.spec.ports[0].node_port = 30080;
        let mut new = svc("NodePort");
        patch_allocated_values(&mut new, &old);
        assert_eq!(new.spec.cluster_ip, "10.96.0.10");
        assert_eq!(new.spec.ports[0].node_port, 30080);
    }

    #[test]
    fn pod_and_workload_defaults() {
        let mut p = Pod::default();
        p.spec.host_network = true;
        p.spec.containers.push(Container {
            name: "c".into(),
            ports: vec![crate::api::core::ContainerPort {
                container_port: 8080,
                ..Default::default()
            }],
            ..Default::default()
        });
        default_pod(&mut p);
        assert_eq!(p.spec.dns_policy, "ClusterFirst");
        assert_eq!(p.spec.restart_policy, "Always");
        assert_eq!(p.spec.termination_grace_period_seconds, Some(30));
        assert_eq!(p.spec.containers[0].ports[0].protocol, "TCP");
        assert_eq!(p.spec.containers[0].ports[0].host_port, 8080);

        let mut d = Workload::default();
        d.spec.template.spec.host_network = true;
        d.spec.template.spec.containers = p.spec.containers.clone();
        d.spec.template.spec.containers[0].ports[0].host_port = 0;
        default_workload(&mut d);
        assert_eq!(d.spec.replicas, Some(1));
        assert_eq!(d.spec.template.spec.containers[0].ports[0].host_port, 0);
        let mut ds = Workload {
            kind: WorkloadKind::DaemonSet,
            ..Default::default()
        };
        default_workload(&mut ds);
        assert_eq!(ds.spec.replicas, None);
        assert_eq!(ds.spec.template.spec.restart_policy, "Always");
    }

    #[test]
    fn endpoint_slice_and_namespace_defaults() {
        let mut s = EndpointSlice::default();
        s.ports.push(Default::default());
        default_endpoint_slice(&mut s);
        assert_eq!(s.ports[0].name.as_deref(), Some(""));
        assert_eq!(s.ports[0].protocol.as_deref(), Some("TCP"));
        let mut ns = Namespace::default();
        ns.metadata.name = "prod".into();
        default_namespace(&mut ns);
        assert_eq!(
            ns.metadata
                .labels
                .get("kubernetes.io/metadata.name")
                .map(String::as_str),
            Some("prod")
        );
    }
}
