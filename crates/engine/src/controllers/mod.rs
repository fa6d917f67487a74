//! Controllers: what kube-controller-manager, the scheduler, the kubelet and MetalLB do.
//!
//! Level-triggered, but incremental like the real ones: [`reconcile`] re-observes only the keys
//! the store's change logs recorded since the last look (as informers deliver only changes; the
//! controllers' own writes come back too and are dropped by `resourceVersion`), queues the keys
//! affected, and works the queues — workloads → pods, scheduling, EndpointSlices (and those
//! mirrored from hand-written Endpoints), Endpoints,
//! LoadBalancer addresses — until they are empty. [`fire`] performs
//! one piece of delayed work (a [`Timer`]): a kubelet step, a pod's removal, MetalLB's answer.
//! [`bootstrap`] creates what a fresh kind cluster has.
//!
//! Files: `state` (caches, indexes, queues, and the write helpers that keep them current),
//! `bootstrap`, `node_ipam`, `scheduler`, `kubelet`, `workloads` (Deployment, ReplicaSet,
//! StatefulSet, DaemonSet, garbage collection in `state`), `endpointslice`, `mirroring`,
//! `endpoints`,
//! `loadbalancer`, `service_cidrs`.

mod bootstrap;
mod endpoints;
mod endpointslice;
mod kubelet;
mod loadbalancer;
mod mirroring;
mod node_ipam;
mod scheduler;
mod service_cidrs;
mod state;
mod workloads;

#[cfg(test)]
mod tests;

pub use endpoints::{MAX_CAPACITY as ENDPOINTS_MAX_CAPACITY, OVER_CAPACITY_ANNOTATION};
pub use endpointslice::{HEADLESS_LABEL, TRIGGER_TIME_ANNOTATION};
pub use kubelet::{shutdown_ms, terminate_pod, READY_MS, SANDBOX_MS, START_MS};
pub use loadbalancer::{LB_IPS_ANNOTATION, POOL_ANNOTATION, PROVISION_MS};
pub(crate) use mirroring::should_mirror;
pub use mirroring::{MAX_ENDPOINTS_PER_SUBSET, MIRRORING_CONTROLLER, SKIP_MIRROR_LABEL};
pub use service_cidrs::{
    DELETION_GRACE_MS as SERVICE_CIDR_DELETION_GRACE_MS, FINALIZER as SERVICE_CIDR_FINALIZER,
};
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
    reconcile_at_most(cluster, usize::MAX);
}

/// [`reconcile`], working at most `max_services` of the Services waiting for their
/// EndpointSlices, Endpoints and load balancer, less one for each write the call first looks
/// at (observing ten thousand new objects is itself a frame's work); the rest stay queued, in
/// order, for the next call. Called until [`services_queued`] is 0 with nothing else in between, it writes exactly
/// what one [`reconcile`] writes (each call re-observes only the changes since the last, and
/// the Services are taken in the same order): a page can spread the work of ten thousand new
/// Services over several frames while simulated time waits.
pub fn reconcile_at_most(cluster: &mut Cluster, max_services: usize) {
    let max_services = max_services.saturating_sub(cluster.store.change_count());
    state::scan(cluster);
    for _ in 0..MAX_PASSES {
        let worked = workloads::sync(cluster);
        let bound = scheduler::run(cluster);
        if !worked && !bound {
            break;
        }
    }
    let dirty = &mut cluster.controllers.dirty_services;
    let services: Vec<_> = if max_services >= dirty.len() {
        std::mem::take(dirty).into_iter().collect()
    } else {
        std::iter::from_fn(|| dirty.pop_first())
            .take(max_services)
            .collect()
    };
    for key in &services {
        endpointslice::sync_service(cluster, key);
        mirroring::sync_service(cluster, key);
        endpoints::sync_service(cluster, key);
        loadbalancer::sync_service(cluster, key);
    }
    state::mark_synced(cluster);
}

/// How many Services wait for the EndpointSlice, Endpoints and load balancer controllers.
pub fn services_queued(cluster: &Cluster) -> usize {
    cluster.controllers.dirty_services.len()
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
        Timer::ServiceCidrGrace(name) => service_cidrs::sync(cluster, &name),
    }
    // Only the handler wrote since the scan, through the helpers that observe what they write.
    state::mark_synced(cluster);
}
