//! Controllers: what kube-controller-manager, the scheduler, the kubelet and MetalLB do.
//!
//! Level-triggered, but incremental like the real ones: [`reconcile`] re-observes only the keys
//! the store's change logs recorded since the last look (as informers deliver only changes; the
//! controllers' own writes come back too and are dropped by `resourceVersion`), queues the keys
//! affected, and works the queues — workloads → pods, scheduling, EndpointSlices, Endpoints,
//! LoadBalancer addresses — until they are empty. [`fire`] performs
//! one piece of delayed work (a [`Timer`]): a kubelet step, a pod's removal, MetalLB's answer.
//! [`bootstrap`] creates what a fresh kind cluster has.
//!
//! Files: `state` (caches, indexes, queues, and the write helpers that keep them current),
//! `bootstrap`, `node_ipam`, `scheduler`, `kubelet`, `workloads` (Deployment, ReplicaSet,
//! StatefulSet, DaemonSet, garbage collection in `state`), `endpointslice`, `endpoints`,
//! `loadbalancer`.

mod bootstrap;
mod endpoints;
mod endpointslice;
mod kubelet;
mod loadbalancer;
mod node_ipam;
mod scheduler;
mod state;
mod workloads;

#[cfg(test)]
mod tests;

pub use endpoints::{MAX_CAPACITY as ENDPOINTS_MAX_CAPACITY, OVER_CAPACITY_ANNOTATION};
pub use endpointslice::{HEADLESS_LABEL, TRIGGER_TIME_ANNOTATION};
pub use kubelet::{terminate_pod, READY_MS, SANDBOX_MS, START_MS};
pub use loadbalancer::{LB_IPS_ANNOTATION, POOL_ANNOTATION, PROVISION_MS};
pub(crate) use state::needs_reconcile;
pub(crate) use state::workload_kind as workload_kind_of;
pub use state::State;
pub use workloads::pod_template_hash;
pub(crate) use workloads::{daemon_fits, daemon_pod_tolerations};

use crate::cluster::{Cluster, Timer};

/// Upper bound on workload/scheduling passes in one reconcile (each pass is one "level" of
/// Deployment → ReplicaSet → Pod → binding; a handful suffice).
const MAX_PASSES: usize = 32;

/// Create the objects of a fresh kind cluster.
pub fn bootstrap(cluster: &mut Cluster) {
    bootstrap::run(cluster);
}

/// Converge the store: scheduling, workloads → pods, EndpointSlices, Endpoints, LB status.
pub fn reconcile(cluster: &mut Cluster) {
    state::scan(cluster);
    for _ in 0..MAX_PASSES {
        let worked = workloads::sync(cluster);
        let bound = scheduler::run(cluster);
        if !worked && !bound {
            break;
        }
    }
    let services = std::mem::take(&mut cluster.controllers.dirty_services);
    for key in &services {
        endpointslice::sync_service(cluster, key);
        endpoints::sync_service(cluster, key);
        loadbalancer::sync_service(cluster, key);
    }
    state::mark_synced(cluster);
}

/// Perform delayed work that has come due. Every handler tolerates objects that changed or
/// vanished since the timer was set.
pub fn fire(cluster: &mut Cluster, timer: Timer) {
    state::scan(cluster);
    match timer {
        Timer::PodSandboxReady(key) => kubelet::sandbox_ready(cluster, &key),
        Timer::PodStarted(key) => kubelet::started(cluster, &key),
        Timer::PodReady(key) => kubelet::ready(cluster, &key),
        Timer::PodTerminated(key) => kubelet::terminated(cluster, &key),
        Timer::LoadBalancerProvision(key) => loadbalancer::provision(cluster, &key),
    }
    // Only the handler wrote since the scan, through the helpers that observe what they write.
    state::mark_synced(cluster);
}
