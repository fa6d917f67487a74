//! The kubelet's view of a pod's life, over simulated time.
//!
//! Bound pod → (+300 ms) sandbox ready: the CNI (kindnet + host-local IPAM) gives the pod the
//! next address of its node's podCIDR, `hostNetwork` pods take the node's address → (+700 ms)
//! containers started: phase `Running` → (+1000 ms) readiness passed: `Ready=True`. Pods pasted
//! with observed state keep it: only the steps still missing are played. A deleted pod stays
//! `Terminating` until its containers exit, then the kubelet removes it and the IP is freed.

use super::state;
use crate::api::core::{PodCondition, PodIp};
use crate::cluster::{Cluster, ObjectKey, Timer, POD_SHUTDOWN_MS};
use sha2::Digest;

/// Sandbox creation (image already present, CNI ADD) after binding.
pub const SANDBOX_MS: u64 = 300;
/// Containers created and started after the sandbox.
pub const START_MS: u64 = 700;
/// First successful readiness probe after the start.
pub const READY_MS: u64 = 1000;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Stage {
    Sandbox,
    Start,
    Ready,
}

/// The next start-up step a bound pod still needs, if any.
fn stage_needed(c: &Cluster, key: &ObjectKey) -> Option<Stage> {
    let pod = c.store.pods.get(key)?;
    if pod.spec.node_name.is_empty()
        || pod.metadata.deletion_timestamp.is_some()
        || matches!(pod.status.phase.as_str(), "Succeeded" | "Failed")
    {
        return None;
    }
    if pod.status.pod_ip.is_empty() && pod.status.pod_ips.is_empty() {
        return Some(Stage::Sandbox);
    }
    if matches!(pod.status.phase.as_str(), "" | "Pending") {
        return Some(Stage::Start);
    }
    if pod.status.phase == "Running" && !pod.is_ready() {
        let has_ready = pod.status.conditions.iter().any(|c| c.type_ == "Ready");
        let driven = c.controllers.pods.get(key).is_some_and(|p| p.driven);
        if !has_ready || driven {
            return Some(Stage::Ready);
        }
    }
    None
}

/// Called whenever the controllers see a new version of a pod: queue the next step.
pub(super) fn after_observe(c: &mut Cluster, key: &ObjectKey) {
    if c.controllers.kubelet_pending.contains(key) {
        return;
    }
    let Some(stage) = stage_needed(c, key) else {
        return;
    };
    let (delay, timer) = match stage {
        Stage::Sandbox => {
            if let Some(p) = c.controllers.pods.get_mut(key) {
                p.driven = true;
            }
            (SANDBOX_MS, Timer::PodSandboxReady(key.clone()))
        }
        Stage::Start => (START_MS, Timer::PodStarted(key.clone())),
        Stage::Ready => (READY_MS, Timer::PodReady(key.clone())),
    };
    c.controllers.kubelet_pending.insert(key.clone());
    c.schedule(delay, timer);
}

fn set_condition(
    conds: &mut Vec<PodCondition>,
    type_: &str,
    status: &str,
    at: crate::api::meta::Time,
) {
    match conds.iter_mut().find(|c| c.type_ == type_) {
        Some(c) if c.status == status => {}
        Some(c) => {
            c.status = status.to_string();
            c.last_transition_time = Some(at);
        }
        None => conds.push(PodCondition {
            type_: type_.to_string(),
            status: status.to_string(),
            last_transition_time: Some(at),
        }),
    }
}

/// Order the kubelet reports conditions in (`kubectl get pod -o yaml`).
fn sort_conditions(conds: &mut [PodCondition]) {
    let rank = |t: &str| match t {
        "PodReadyToStartContainers" => 0,
        "Initialized" => 1,
        "Ready" => 2,
        "ContainersReady" => 3,
        "PodScheduled" => 4,
        _ => 5,
    };
    conds.sort_by_key(|c| rank(&c.type_));
}

/// CNI ADD: the pod gets its address.
pub(super) fn sandbox_ready(c: &mut Cluster, key: &ObjectKey) {
    c.controllers.kubelet_pending.remove(key);
    if stage_needed(c, key) != Some(Stage::Sandbox) {
        return;
    }
    let Some((node_name, host_network)) = c
        .store
        .pods
        .get(key)
        .map(|p| (p.spec.node_name.clone(), p.spec.host_network))
    else {
        return;
    };
    let Some(node_ip) = c
        .store
        .nodes
        .get(&node_name)
        .and_then(|n| n.internal_ip())
        .map(str::to_string)
    else {
        return;
    };
    let ip = if host_network {
        node_ip.clone()
    } else {
        let allocated = c
            .alloc
            .pod_ips
            .get_mut(&node_name)
            .and_then(|a| a.allocate());
        match allocated {
            Some(ip) => {
                if let Some(seen) = c.controllers.pods.get_mut(key) {
                    seen.ip_alloc = Some((node_name.clone(), ip));
                }
                ip.to_string()
            }
            None => {
                sandbox_failed(c, key, &node_name);
                return;
            }
        }
    };
    // Dual stack: an IPv6 address too, from the node's IPv6 pod CIDR (or its IPv6 address).
    let ip_v6 = c
        .store
        .nodes
        .get(&node_name)
        .and_then(|n| ipv6_twin(n, &ip, host_network));
    let now = c.wall_now();
    state::update_pod(c, key, |pod| {
        pod.status.pod_ip = ip.clone();
        pod.status.pod_ips = std::iter::once(ip)
            .chain(ip_v6)
            .map(|ip| PodIp { ip })
            .collect();
        pod.status.host_ip = node_ip;
        if pod.status.phase.is_empty() {
            pod.status.phase = "Pending".to_string();
        }
        if pod.status.start_time.is_none() {
            pod.status.start_time = Some(now);
        }
        let conds = &mut pod.status.conditions;
        set_condition(conds, "PodReadyToStartContainers", "True", now);
        set_condition(conds, "Initialized", "True", now);
        set_condition(conds, "Ready", "False", now);
        set_condition(conds, "ContainersReady", "False", now);
        set_condition(conds, "PodScheduled", "True", now);
        sort_conditions(conds);
    });
}

/// A pod's IPv6 address on a dual-stack node: the node's own for a host-network pod; else
/// the address at the same offset in the node's IPv6 pod CIDR as `ip` has in its IPv4 one.
/// kindnet's host-local IPAM walks both ranges of the node in step (one range per family,
/// allocated and released together), so the offsets agree as long as the IPv4 range has not
/// wrapped round.
fn ipv6_twin(node: &crate::api::core::Node, ip: &str, host_network: bool) -> Option<String> {
    if host_network {
        return node
            .status
            .addresses
            .iter()
            .find(|a| a.type_ == "InternalIP" && a.address.contains(':'))
            .map(|a| a.address.clone());
    }
    let v6 = node
        .spec
        .pod_cidrs
        .iter()
        .find_map(|c| crate::ipv6::Cidr6::parse(c))?;
    let v4 = crate::ipv4::Cidr::parse(&node.spec.pod_cidr)?;
    let offset = v4.offset_of(crate::ipv4::parse_ipv4(ip)?)?;
    Some(v6.nth(offset).to_string())
}

/// CNI ADD failed: the kubelet's `FailedCreatePodSandBox` event with the error as it travels
/// up — host-local's (`plugins/ipam/host-local`), returned as is by kindnet's `ptp` plugin and
/// wrapped by libcni (`plugin type="ptp" failed (add): …`), by containerd's CRI (`failed to
/// setup network for sandbox "<id>": …`, a gRPC `Unknown`) and by the kubelet (`Failed to
/// create pod sandbox: …`, `pkg/kubelet/kuberuntime/kuberuntime_sandbox.go`). A node without a
/// podCIDR has no CNI config at all: the kubelet's `NetworkNotReady` instead. The pod waits in
/// `ContainerCreating` until an address on its node is freed ([`retry_starved`]).
fn sandbox_failed(c: &mut Cluster, key: &ObjectKey, node_name: &str) {
    let object = format!("pod/{}", key.name);
    let Some(ipam) = c.alloc.pod_ips.get(node_name) else {
        c.event(
            "Warning",
            "NetworkNotReady",
            object,
            &key.namespace,
            "network is not ready: container runtime network not ready: NetworkReady=false \
             reason:NetworkPluginNotReady message:Network plugin returns error: cni plugin not \
             initialized"
                .to_string(),
        );
        return;
    };
    let cni_error = ipam.exhausted();
    let uid = c
        .store
        .pods
        .get(key)
        .map(|p| p.metadata.uid.clone())
        .unwrap_or_default();
    // containerd names each sandbox attempt with 32 random bytes in hex; derived here from the
    // pod and the moment, so the seeded random stream is not disturbed.
    let digest = sha2::Sha256::digest(format!("{uid}/{node_name}/{}", c.now.as_ms()).as_bytes());
    let sandbox: String = digest.iter().map(|b| format!("{b:02x}")).collect();
    c.event(
        "Warning",
        "FailedCreatePodSandBox",
        object,
        &key.namespace,
        format!(
            "Failed to create pod sandbox: rpc error: code = Unknown desc = failed to setup network for sandbox \"{sandbox}\": plugin type=\"ptp\" failed (add): {cni_error}"
        ),
    );
    c.controllers
        .ip_starved
        .entry(node_name.to_string())
        .or_default()
        .insert(key.clone());
}

/// Containers created and started: phase Running.
pub(super) fn started(c: &mut Cluster, key: &ObjectKey) {
    c.controllers.kubelet_pending.remove(key);
    if stage_needed(c, key) != Some(Stage::Start) {
        return;
    }
    let names: Vec<String> = c
        .store
        .pods
        .get(key)
        .map(|p| p.spec.containers.iter().map(|c| c.name.clone()).collect())
        .unwrap_or_default();
    for n in names {
        c.event(
            "Normal",
            "Created",
            format!("pod/{}", key.name),
            &key.namespace,
            format!("Created container: {n}"),
        );
        c.event(
            "Normal",
            "Started",
            format!("pod/{}", key.name),
            &key.namespace,
            format!("Started container {n}"),
        );
    }
    state::update_pod(c, key, |pod| pod.status.phase = "Running".to_string());
}

/// Readiness passed: Ready and ContainersReady turn True.
pub(super) fn ready(c: &mut Cluster, key: &ObjectKey) {
    c.controllers.kubelet_pending.remove(key);
    if stage_needed(c, key) != Some(Stage::Ready) {
        return;
    }
    let now = c.wall_now();
    if let Some(seen) = c.controllers.pods.get_mut(key) {
        seen.driven = false;
    }
    state::update_pod(c, key, |pod| {
        set_condition(&mut pod.status.conditions, "Ready", "True", now);
        set_condition(&mut pod.status.conditions, "ContainersReady", "True", now);
        sort_conditions(&mut pod.status.conditions);
    });
}

/// Grace period over (containers exited): the pod object goes, its IP is freed. Stale timers
/// (the pod already gone, or re-created under the same name) do nothing.
pub(super) fn terminated(c: &mut Cluster, key: &ObjectKey) {
    let terminating = c
        .store
        .pods
        .get(key)
        .is_some_and(|p| p.metadata.deletion_timestamp.is_some());
    if terminating {
        state::remove_pod(c, key);
    }
}

/// How long a deleted pod takes to go, in ms: its `preStop` hooks run first (the longest
/// counts: containers stop in parallel), then SIGTERM, on which the containers exit
/// (`POD_SHUTDOWN_MS`); all within the grace period, except that a hook still running when it
/// ends gets the kubelet's one-off 2 s extension (kubelet `killContainer`, KEP-1669's reason to
/// add a preStop sleep: the endpoint stays `serving`/`terminating` while kube-proxies catch up).
pub fn shutdown_ms(pod: &crate::api::core::Pod) -> u64 {
    let grace = pod.spec.termination_grace_period_seconds.unwrap_or(30);
    let grace_ms = u64::try_from(grace.max(0))
        .unwrap_or(0)
        .saturating_mul(1000);
    let hook_ms = pod
        .spec
        .containers
        .iter()
        .filter_map(|c| c.lifecycle.as_ref()?.pre_stop.as_ref())
        .map(crate::api::core::LifecycleHandler::duration_ms)
        .max()
        .unwrap_or(0);
    if hook_ms >= grace_ms && hook_ms > 0 {
        grace_ms.saturating_add(2_000)
    } else {
        hook_ms.saturating_add(POD_SHUTDOWN_MS).min(grace_ms)
    }
}

/// Graceful deletion as the API server and kubelet do it for a controller (ReplicaSet scale
/// down, garbage collection): `deletionTimestamp` set (the pod is `Terminating`, its endpoint
/// `serving`/`terminating`), removed once its containers exit ([`shutdown_ms`]).
pub fn terminate_pod(c: &mut Cluster, key: &ObjectKey) {
    let Some(pod) = c.store.pods.get(key) else {
        return;
    };
    if pod.metadata.deletion_timestamp.is_some() {
        return;
    }
    let shutdown = shutdown_ms(pod);
    let names: Vec<String> = pod.spec.containers.iter().map(|c| c.name.clone()).collect();
    let now = c.wall_now();
    state::update_pod(c, key, |pod| pod.metadata.deletion_timestamp = Some(now));
    for n in names {
        c.event(
            "Normal",
            "Killing",
            format!("pod/{}", key.name),
            &key.namespace,
            format!("Stopping container {n}"),
        );
    }
    c.schedule(shutdown, Timer::PodTerminated(key.clone()));
}

/// An address was freed on `node`: a pod that found the range exhausted tries again.
pub(super) fn retry_starved(c: &mut Cluster, node: &str) {
    let next = c
        .controllers
        .ip_starved
        .get_mut(node)
        .and_then(|s| s.pop_first());
    if let Some(key) = next {
        if !c.controllers.kubelet_pending.contains(&key) {
            c.controllers.kubelet_pending.insert(key.clone());
            c.schedule(SANDBOX_MS, Timer::PodSandboxReady(key));
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::cluster::{Cluster, Event};
    use crate::config::ClusterConfig;
    use crate::manifest::Source;

    const POD: &str = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: stuck\nspec:\n  nodeName: kind-worker\n  containers:\n  - name: c\n    image: nginx\n";

    fn sandbox_events(c: &Cluster) -> Vec<&Event> {
        c.events
            .iter()
            .filter(|e| e.object == "pod/stuck")
            .collect()
    }

    #[test]
    fn an_exhausted_pod_cidr_gives_the_kubelet_s_event_and_the_pod_waits() {
        let mut c = Cluster::new(ClusterConfig::default(), 0);
        let ipam = c.alloc.pod_ips.get_mut("kind-worker").unwrap();
        while ipam.allocate().is_some() {}
        let r = c.apply(&Source::new("pod.yaml", POD));
        assert!(r[0].is_ok(), "{}", r[0]);
        c.settle();
        let pod = c.store.pod("default", "stuck").unwrap();
        assert!(pod.status.pod_ip.is_empty());
        let events = sandbox_events(&c);
        assert_eq!(events.len(), 1, "{events:?}");
        let e = events[0];
        assert_eq!(
            (e.type_.as_str(), e.reason.as_str()),
            ("Warning", "FailedCreatePodSandBox")
        );
        let (head, tail) = e
            .message
            .split_once("\": ")
            .expect("the sandbox id is quoted");
        let id = head
            .strip_prefix("Failed to create pod sandbox: rpc error: code = Unknown desc = failed to setup network for sandbox \"")
            .expect(&e.message);
        assert_eq!(id.len(), 64);
        assert!(id.bytes().all(|b| b.is_ascii_hexdigit()));
        assert_eq!(
            tail,
            "plugin type=\"ptp\" failed (add): failed to allocate for range 0: no IP addresses available in range set: 10.244.1.1-10.244.1.254"
        );
        // An address freed on the node: the kubelet tries again and the pod starts.
        c.alloc
            .pod_ips
            .get_mut("kind-worker")
            .unwrap()
            .release("10.244.1.77".parse().unwrap());
        super::retry_starved(&mut c, "kind-worker");
        c.settle();
        let pod = c.store.pod("default", "stuck").unwrap();
        assert_eq!(pod.status.pod_ip, "10.244.1.77");
        assert_eq!(pod.status.phase, "Running");
    }
}
