//! The simulated cluster: the object store, simulated time, and `apply`, which runs
//! kube-apiserver's create/update flow (defaults → allocation → validation → store), on a
//! [`ClusterConfig`] ([`crate::config`]).
//!
//! Controllers ([`crate::controllers`]) run after every change and every tick of simulated time,
//! level-triggered, until the cluster settles.

mod apply;
mod demand;
mod manifests;
mod mutations;
pub(crate) mod service_cidrs;
pub mod store;

/// The configuration lives one floor down ([`crate::config`], below `alloc`, which needs it);
/// re-exported so `cluster::ClusterConfig` and `cluster::config::…` keep working for callers.
pub use crate::config::{self, ClusterConfig, NodeConfig};

use crate::config::ProxyMode;
use crate::limits::Limits;
pub use apply::{resource_name, ApplyError, ApplyOutcome, ApplyResult, ApplyRun};
pub use manifests::{DecodedObject, Manifests, ManifestsReader};
pub use mutations::{MutationError, POD_SHUTDOWN_MS};
pub use service_cidrs::{
    DEFAULT_READY_MESSAGE, DEFAULT_SERVICE_CIDR, IP_ALLOCATOR, IP_FAMILY_LABEL, MANAGED_BY_LABEL,
};
pub use store::{AppendOnly, ObjectKey, Store, Table};

use crate::alloc::Allocators;
use crate::api::meta::Time;
use crate::sim::{Rng, SimTime};
use serde::Serialize;
use std::collections::BTreeMap;

/// Something that happened, as `kubectl get events` lists it (and as the UI animates it).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Event {
    pub time: SimTime,
    /// `Normal` or `Warning`.
    #[serde(rename = "type")]
    pub type_: String,
    /// e.g. `Scheduled`, `ClusterIPAllocated`, `IPAllocated`, `Killing`.
    pub reason: String,
    /// `kind/name` of the object concerned, e.g. `pod/web-7d9c5b6f4d-x2k8p`.
    pub object: String,
    pub namespace: String,
    pub message: String,
}

/// Work scheduled for a later simulated instant (pod start-up, readiness, termination, LB
/// provisioning). Ordered by time, then by insertion, so runs are deterministic.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum Timer {
    /// The kubelet has set up the pod sandbox: the pod gets its IP.
    PodSandboxReady(ObjectKey),
    /// Containers started: phase Running.
    PodStarted(ObjectKey),
    /// Readiness probe passed: Ready=True.
    PodReady(ObjectKey),
    /// Grace period over: the terminating pod is removed.
    PodTerminated(ObjectKey),
    /// The load-balancer implementation (MetalLB) announces an address for the Service.
    LoadBalancerProvision(ObjectKey),
    /// A deleted ServiceCIDR's grace period (10 s) is over: the controller may drop its
    /// finalizer.
    ServiceCidrGrace(String),
}

/// A simulated Kubernetes cluster.
#[derive(Debug, Clone)]
pub struct Cluster {
    pub config: ClusterConfig,
    pub store: Store,
    pub alloc: Allocators,
    pub rng: Rng,
    /// Simulated time since the cluster was created.
    pub now: SimTime,
    /// The wall-clock instant that simulated time 0 stands for (fixed, so output is reproducible).
    pub epoch: Time,
    pub events: Vec<Event>,
    /// Pending work, by due time; the Vec keeps insertion order within one instant.
    pub timers: BTreeMap<SimTime, Vec<Timer>>,
    /// Last `metadata.resourceVersion` handed out.
    pub resource_version: u64,
    /// The controllers' caches and work queues (see [`crate::controllers::State`]).
    pub controllers: crate::controllers::State,
    /// Events recorded and configuration changes so far; with the store's writes, makes
    /// [`Cluster::generation`].
    changes: u64,
    /// What the objects ask to simulate, counted for [`crate::limits`] during one
    /// [`Cluster::apply_manifests`] (built when an object first needs it, dropped at the end).
    demand: Option<demand::Demand>,
}

/// kind clusters in svcsim are "created" at this instant (2026-01-01T00:00:00Z), so ages and
/// timestamps are reproducible.
pub const EPOCH: Time = Time(1_767_225_600_000);

/// Upper bound on simulated time `settle` lets pass (10 simulated minutes).
pub const SETTLE_LIMIT_MS: u64 = 600_000;

impl Cluster {
    /// A fresh cluster as `kind create cluster` leaves it: nodes, system namespaces, the
    /// `kubernetes` and `kube-dns` Services, CoreDNS and the per-node system pods — settled.
    pub fn new(config: ClusterConfig, seed: u64) -> Cluster {
        let alloc = Allocators::new(&config);
        let mut cluster = Cluster {
            config,
            store: Store::default(),
            alloc,
            rng: Rng::new(seed),
            now: SimTime::ZERO,
            epoch: EPOCH,
            events: Vec::new(),
            timers: BTreeMap::new(),
            resource_version: 0,
            controllers: Default::default(),
            changes: 0,
            demand: None,
        };
        crate::controllers::bootstrap(&mut cluster);
        cluster.settle();
        cluster
    }

    /// The kube-proxy mode every node runs (kind's `networking.kubeProxyMode`).
    pub fn proxy_mode(&self) -> ProxyMode {
        self.config.kube_proxy_mode
    }

    /// Switch kube-proxy's mode on every node. Nothing else changes: the rules are rebuilt
    /// from the same Services and EndpointSlices the next time they are read, as kube-proxy
    /// restarted with another `--proxy-mode` would resync them.
    pub fn set_proxy_mode(&mut self, mode: ProxyMode) {
        if self.config.kube_proxy_mode != mode {
            self.config.kube_proxy_mode = mode;
            self.config_changed();
        }
    }

    /// A counter that moves whenever something a view of the cluster can show changes: an object
    /// written (created, changed, deleted — by an apply, a mutation or a controller), an event
    /// recorded, the configuration changed. Simulated time passing alone does not move it. A
    /// view redraws when it moves instead of comparing states (turmoil's `step()` says whether
    /// anything happened; a watch says what).
    pub fn generation(&self) -> u64 {
        self.store.writes() + self.changes
    }

    /// How much the cluster's objects may ask svcsim to simulate ([`crate::limits`]; part of
    /// [`Cluster::config`], so kept across clones).
    pub fn limits(&self) -> Limits {
        self.config.limits
    }

    /// Change the limits: objects applied or scaled from now on are checked against them.
    /// What exists is kept even above lowered limits (as a lowered quota in Kubernetes leaves
    /// running pods alone); such a cluster can shrink but not grow. A kind `Cluster`
    /// document's nodes are checked when the configuration is read
    /// ([`crate::cluster::Manifests::cluster_config_within`]), before the cluster exists.
    pub fn set_limits(&mut self, limits: Limits) {
        if self.config.limits != limits {
            self.config.limits = limits;
            self.config_changed();
        }
    }

    /// What the cluster's objects ask svcsim to simulate, against each of [`crate::limits`]:
    /// replicas asked for (not pods started yet), nodes, Services, their ports, and their
    /// endpoints (ports × selected pods). Counted from the store, linear in its objects.
    pub fn usage(&self) -> crate::limits::Usage {
        demand::Demand::of(self).usage()
    }

    /// Record a change of [`Cluster::config`] that a view can show (kube-proxy's mode, pools):
    /// every setter of the configuration calls it, so [`Cluster::generation`] moves. Writing
    /// `config` directly bypasses it.
    pub(crate) fn config_changed(&mut self) {
        self.changes += 1;
    }

    /// Do what the controllers have to do now, without letting time pass, for at most
    /// `max_services` of the Services waiting for their slices ([`crate::controllers::reconcile_at_most`]).
    /// True when nothing is left for now (the next [`Cluster::advance`] starts with an empty
    /// queue). Calling it until true, then advancing, is the same as advancing at once.
    pub fn catch_up(&mut self, max_services: usize) -> bool {
        if crate::controllers::needs_reconcile(self) {
            crate::controllers::reconcile_at_most(self, max_services);
        }
        crate::controllers::services_queued(self) == 0
    }

    /// Run simulated time forward by `ms`: fire due timers in order, reconciling after each.
    /// Returns whether anything a view can show changed ([`Cluster::generation`] moved): pods
    /// starting, terminating, an address assigned — not time passing by itself.
    pub fn advance(&mut self, ms: u64) -> bool {
        let before = self.generation();
        let end = self.now.plus_ms(ms);
        crate::controllers::reconcile(self);
        while let Some((&due, _)) = self.timers.iter().next() {
            if due > end {
                break;
            }
            let timers = self.timers.remove(&due).unwrap_or_default();
            self.now = due;
            for timer in timers {
                crate::controllers::fire(self, timer);
            }
            crate::controllers::reconcile(self);
        }
        self.now = end;
        self.generation() != before
    }

    /// Let simulated time run until no work is pending (bounded by [`SETTLE_LIMIT_MS`]).
    pub fn settle(&mut self) {
        crate::controllers::reconcile(self);
        let limit = self.now.plus_ms(SETTLE_LIMIT_MS);
        while let Some((&due, _)) = self.timers.iter().next() {
            if due > limit {
                break;
            }
            self.advance(due.0.saturating_sub(self.now.0));
        }
    }

    /// Whether nothing is left to happen: no timer pending and no change the controllers have
    /// not yet seen (right after an apply, the Deployment controller still has pods to create,
    /// though no timer is set yet).
    pub fn is_settled(&self) -> bool {
        self.timers.is_empty() && !crate::controllers::needs_reconcile(self)
    }

    /// The wall-clock time standing for simulated time `t`.
    pub fn wall_time(&self, t: SimTime) -> Time {
        Time(
            self.epoch
                .0
                .saturating_add(i64::try_from(t.0).unwrap_or(i64::MAX)),
        )
    }

    /// Wall-clock time now.
    pub fn wall_now(&self) -> Time {
        self.wall_time(self.now)
    }

    /// Schedule `timer` to fire `delay_ms` from now.
    pub fn schedule(&mut self, delay_ms: u64, timer: Timer) {
        self.timers
            .entry(self.now.plus_ms(delay_ms))
            .or_default()
            .push(timer);
    }

    /// Record an event at the current time.
    pub fn event(
        &mut self,
        type_: &str,
        reason: &str,
        object: String,
        namespace: &str,
        message: String,
    ) {
        self.changes += 1;
        self.events.push(Event {
            time: self.now,
            type_: type_.to_string(),
            reason: reason.to_string(),
            object,
            namespace: namespace.to_string(),
            message,
        });
    }

    /// Next `resourceVersion` (a counter, as etcd's revision).
    pub fn next_resource_version(&mut self) -> String {
        self.resource_version += 1;
        self.resource_version.to_string()
    }
}

#[cfg(test)]
mod limits_tests;

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::apps::WorkloadKind::Deployment;
    use crate::manifest::Source;

    const WEB: &str = "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  replicas: 2\n  selector:\n    matchLabels:\n      app: web\n  template:\n    metadata:\n      labels:\n        app: web\n    spec:\n      containers:\n      - name: web\n        image: nginx\n---\napiVersion: v1\nkind: Service\nmetadata:\n  name: web\nspec:\n  selector:\n    app: web\n  ports:\n  - port: 80\n";

    fn settled_web() -> Cluster {
        Cluster::from_sources(&[Source::new("web.yaml", WEB)], 0).0
    }

    fn a_web_pod(c: &Cluster) -> String {
        c.store
            .pods_in(Some("default"))
            .map(|p| p.metadata.name.clone())
            .next()
            .expect("web has pods")
    }

    #[test]
    fn advancing_a_settled_cluster_changes_nothing_a_view_shows() {
        let mut c = settled_web();
        assert!(c.is_settled());
        let g = c.generation();
        assert!(!c.advance(60_000));
        assert_eq!(c.generation(), g);
        assert_eq!(c.now, SimTime::ZERO.plus_ms(60_000).max(c.now));
        c.settle();
        assert_eq!(c.generation(), g);
    }

    #[test]
    fn deleting_a_pod_moves_the_generation_and_so_does_its_replacement() {
        let mut c = settled_web();
        let g = c.generation();
        let victim = a_web_pod(&c);
        c.delete_pod("default", &victim).expect("the pod exists");
        let after_delete = c.generation();
        assert!(after_delete > g);
        // The pod terminates, its ReplicaSet creates a replacement, the kubelet starts it.
        assert!(c.advance(crate::controllers::SANDBOX_MS + POD_SHUTDOWN_MS));
        assert!(c.generation() > after_delete);
    }

    #[test]
    fn advancing_while_pods_start_moves_the_generation_step_by_step() {
        let mut c = Cluster::new(ClusterConfig::default(), 0);
        let results = c.apply(&Source::new("web.yaml", WEB));
        assert!(results.iter().all(ApplyResult::is_ok));
        let mut moved = 0;
        while !c.is_settled() {
            let g = c.generation();
            let changed = c.advance(100);
            assert_eq!(changed, c.generation() != g);
            moved += usize::from(changed);
        }
        // Pods created and scheduled, sandboxes ready, containers started, ready: several steps.
        assert!(moved >= 3, "{moved}");
        assert!(!c.advance(100));
    }

    #[test]
    fn a_refused_apply_changes_nothing() {
        let mut c = settled_web();
        let g = c.generation();
        let r = c.apply(&Source::new(
            "bad.yaml",
            "apiVersion: v1\nkind: Service\nmetadata:\n  name: bad\nspec:\n  ports:\n  - port: 0\n",
        ));
        assert!(!r[0].is_ok());
        let r = c.apply(&Source::new("broken.yaml", "kind: [\n"));
        assert!(!r[0].is_ok());
        assert_eq!(c.generation(), g);
        assert!(c.is_settled());
    }

    #[test]
    fn applying_the_same_manifests_again_changes_nothing() {
        let mut c = settled_web();
        let g = c.generation();
        let r = c.apply(&Source::new("web.yaml", WEB));
        assert!(r.iter().all(|r| r.outcome == Ok(ApplyOutcome::Unchanged)));
        assert_eq!(c.generation(), g);
        assert!(c.is_settled());
        assert!(!c.advance(1_000));
    }

    #[test]
    fn scaling_to_the_current_count_changes_nothing() {
        let mut c = settled_web();
        let g = c.generation();
        c.scale(Deployment, "default", "web", 2)
            .expect("web exists");
        assert_eq!(c.generation(), g);
        c.scale(Deployment, "default", "web", 3)
            .expect("web exists");
        assert!(c.generation() > g);
    }

    #[test]
    fn an_event_or_a_configuration_change_moves_the_generation() {
        let mut c = settled_web();
        let g = c.generation();
        c.event(
            "Normal",
            "Test",
            "pod/x".to_string(),
            "default",
            "m".to_string(),
        );
        assert_eq!(c.generation(), g + 1);
        c.config_changed();
        assert_eq!(c.generation(), g + 2);
    }
}
