//! The simulated cluster: configuration, the object store, simulated time, and `apply`, which
//! runs kube-apiserver's create/update flow (defaults → allocation → validation → store).
//!
//! Controllers ([`crate::controllers`]) run after every change and every tick of simulated time,
//! level-triggered, until the cluster settles.

mod apply;
pub mod config;
mod manifests;
mod mutations;
pub mod store;

pub use apply::{resource_name, ApplyError, ApplyOutcome, ApplyResult};
pub use config::{ClusterConfig, NodeConfig};
pub use manifests::{DecodedObject, Manifests};
pub use mutations::{MutationError, POD_SHUTDOWN_MS};
pub use store::{List, ObjectKey, Store, Table};

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
        };
        crate::controllers::bootstrap(&mut cluster);
        cluster.settle();
        cluster
    }

    /// Run simulated time forward by `ms`: fire due timers in order, reconciling after each.
    pub fn advance(&mut self, ms: u64) {
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
