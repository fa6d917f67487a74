//! What svcsim refuses to simulate, in one place.
//!
//! Real Kubernetes accepts any `int32` of replicas and any number of nodes, Services and ports:
//! the cluster's machines are the budget. svcsim's machine is one browser tab (wasm32, 4 GiB of
//! address space at most, one thread that must not stall), so it checks what an object *asks
//! for* before doing the work — at apply time ([`crate::cluster::ApplyError::LimitExceeded`],
//! pointing at the field that asks) and at `kubectl scale` time
//! ([`crate::cluster::MutationError::LimitExceeded`]) — and never lets the controllers stop
//! half-way through a too-large request.
//!
//! The limits start from Kubernetes' own scalability thresholds (sig-scalability's
//! `thresholds.md`: 5,000 nodes, 150,000 pods, 10,000 Services per cluster), which are also
//! what the benchmarks build (`generate::Scale::THRESHOLDS`: 5,000 nodes, 150,000 pods behind
//! 10,000 Services, plus the 10,000 kube-proxy and kindnet pods of the nodes), with headroom:
//!
//! | limit | value | why |
//! |---|---|---|
//! | [`MAX_PODS`] | 200,000 | 150,000 threshold + the DaemonSet pods of 5,000 nodes, +25 %; measured: the thresholds cluster (160,007 pods) settles in ~75 s natively and holds ~2 GB |
//! | [`MAX_NODES`] | 10,000 | twice the 5,000-node threshold; each node brings a kube-proxy and a kindnet pod and its own rule set |
//! | [`MAX_SERVICES`] | 20,000 | twice the 10,000-Service threshold |
//! | [`MAX_SERVICE_PORTS`] | 100,000 | every port is a rule on every node for each address it is reached at (Kubernetes sets no number; a Service of 10,000 ports still fits) |
//! | [`MAX_SERVICE_ENDPOINTS`] | 300,000 | ports × addresses × selected pods, summed over Services, plus hand-written EndpointSlices: what EndpointSlices and every node's rules grow with (a chain and 2 rules per endpoint of each port); 2 × the thresholds cluster's 150,007; measured: one node's iptables rules at 150,007 take 2.8 s and 470,052 rules |
//!
//! A port is counted once per address it is reached at, because kube-proxy writes a rule for
//! each (iptables, nftables) and IPVS a virtual server with every endpoint as a real server:
//! the ClusterIP, the node port (`NodePort`, `LoadBalancer`), each `externalIPs` entry and
//! each load-balancer IP; `loadBalancerSourceRanges` add a firewall rule per port each. For
//! an ordinary ClusterIP Service that is its ports, and its endpoints are ports × pods.
//! EndpointSlices written by hand (validation allows 1,000 endpoints × 20,000 ports in one)
//! count their endpoints × ports, except those labelled as the EndpointSlice controller's for
//! a Service with a selector, which the controller rewrites to what the selector counts.
//!
//! "Asks for" counts what the objects want, not what exists yet: a Deployment its `replicas`
//! (its ReplicaSets only what they want beyond it), a ReplicaSet or StatefulSet its `replicas`,
//! a DaemonSet one pod per node it fits, every other pod itself. Pods that are terminating are
//! not counted against their replacements, so a rollout never trips a limit (for the
//! termination grace period a rolled-out workload's old pods and new ones exist together, up
//! to twice what it asks for).

use serde::Serialize;
use std::fmt;

/// Pods the cluster's objects may ask for in total (workloads' replicas, DaemonSets' nodes,
/// pods created directly, the system pods of every node).
pub const MAX_PODS: u64 = 200_000;
/// Nodes (a kind `Cluster` document's `nodes`, and Node objects applied).
pub const MAX_NODES: u64 = 10_000;
/// Services.
pub const MAX_SERVICES: u64 = 20_000;
/// Ports of all Services together, each once per address it is reached at.
pub const MAX_SERVICE_PORTS: u64 = 100_000;
/// Service endpoints: for every Service, its ports × addresses × the pods its selector picks,
/// summed, plus the endpoints × ports of hand-written EndpointSlices.
pub const MAX_SERVICE_ENDPOINTS: u64 = 300_000;

/// One of the quantities svcsim bounds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum Resource {
    Pods,
    Nodes,
    Services,
    ServicePorts,
    ServiceEndpoints,
}

impl Resource {
    /// Every bounded quantity, in the order the help texts list them.
    pub const ALL: [Resource; 5] = [
        Resource::Pods,
        Resource::Nodes,
        Resource::Services,
        Resource::ServicePorts,
        Resource::ServiceEndpoints,
    ];

    /// The most svcsim simulates.
    pub fn limit(self) -> u64 {
        match self {
            Resource::Pods => MAX_PODS,
            Resource::Nodes => MAX_NODES,
            Resource::Services => MAX_SERVICES,
            Resource::ServicePorts => MAX_SERVICE_PORTS,
            Resource::ServiceEndpoints => MAX_SERVICE_ENDPOINTS,
        }
    }

    /// The quantity in a sentence (`pods`, `Service ports`).
    pub fn as_str(self) -> &'static str {
        match self {
            Resource::Pods => "pods",
            Resource::Nodes => "nodes",
            Resource::Services => "Services",
            Resource::ServicePorts => "Service ports",
            Resource::ServiceEndpoints => "Service endpoints",
        }
    }

    /// What is counted, for the help texts.
    pub fn meaning(self) -> &'static str {
        match self {
            Resource::Pods => {
                "replicas of Deployments, ReplicaSets and StatefulSets, one per fitting node for DaemonSets, and every other pod"
            }
            Resource::Nodes => "kind Cluster nodes and Node objects",
            Resource::Services => "Service objects",
            Resource::ServicePorts => {
                "spec.ports of all Services together, each once per address it is reached at (ClusterIP, node port, external and load-balancer IPs, loadBalancerSourceRanges)"
            }
            Resource::ServiceEndpoints => {
                "for each Service, its ports × addresses × the pods its selector picks, plus the endpoints × ports of hand-written EndpointSlices (what kube-proxy's rules grow with)"
            }
        }
    }
}

impl fmt::Display for Resource {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// What a cluster's objects ask for, against each limit ([`crate::cluster::Cluster::usage`]).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Usage {
    pub pods: u64,
    pub nodes: u64,
    pub services: u64,
    pub service_ports: u64,
    pub service_endpoints: u64,
}

impl Usage {
    /// The amount counted against `resource`'s limit.
    pub fn get(&self, resource: Resource) -> u64 {
        match resource {
            Resource::Pods => self.pods,
            Resource::Nodes => self.nodes,
            Resource::Services => self.services,
            Resource::ServicePorts => self.service_ports,
            Resource::ServiceEndpoints => self.service_endpoints,
        }
    }
}

/// Every limit as one line each (`at most 200000 pods: replicas of …`), for `svcsim --help`
/// and the page.
pub fn describe() -> String {
    let mut out = String::new();
    for r in Resource::ALL {
        out.push_str(&format!("at most {} {}: {}\n", r.limit(), r, r.meaning()));
    }
    out
}

/// An object asks for more than svcsim simulates. `Display`:
/// `svcsim simulates at most 200000 pods; Deployment web asks for 2147483647`, followed by
/// what the rest of the cluster already asks for when that is not nothing.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, thiserror::Error)]
#[serde(rename_all = "camelCase")]
pub struct LimitExceeded {
    pub resource: Resource,
    /// `Deployment`, `Service`, `Node`, `Cluster` (kind's document)…
    pub kind: String,
    pub name: String,
    /// What this object asks for (for a Deployment: its replicas).
    pub asked: u64,
    /// What the rest of the cluster already asks for.
    pub others: u64,
    /// The field that asks, as a path (`spec.replicas`), for the error's line:column.
    pub field: String,
    /// How `asked` adds up when it is a product (`10000 ports × 31 selected pods`); empty
    /// when it is a plain count.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub detail: String,
}

impl LimitExceeded {
    pub fn limit(&self) -> u64 {
        self.resource.limit()
    }

    /// The same refusal, saying how the amount asked adds up.
    pub(crate) fn because(mut self, detail: String) -> LimitExceeded {
        self.detail = detail;
        self
    }
}

impl fmt::Display for LimitExceeded {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "svcsim simulates at most {} {}; {} {} asks for {}",
            self.limit(),
            self.resource,
            self.kind,
            self.name,
            self.asked
        )?;
        if !self.detail.is_empty() {
            write!(f, " ({})", self.detail)?;
        }
        if self.others > 0 {
            write!(f, ", and the rest of the cluster for {} more", self.others)?;
        }
        Ok(())
    }
}

/// Check that `asked` more of `resource`, on top of `others`, stays within the limit. A change
/// that asks for less is always allowed, even in a cluster over a limit.
pub(crate) fn check(
    resource: Resource,
    others: u64,
    asked: u64,
    was: u64,
    object: (&str, &str, &str),
) -> Result<(), LimitExceeded> {
    let (kind, name, field) = object;
    if asked <= was || others.saturating_add(asked) <= resource.limit() {
        return Ok(());
    }
    Err(LimitExceeded {
        resource,
        kind: kind.to_string(),
        name: name.to_string(),
        asked,
        others,
        field: field.to_string(),
        detail: String::new(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_message_names_the_object_and_the_limit() {
        let e = check(
            Resource::Pods,
            0,
            2_147_483_647,
            0,
            ("Deployment", "web", "spec.replicas"),
        )
        .unwrap_err();
        assert_eq!(
            e.to_string(),
            "svcsim simulates at most 200000 pods; Deployment web asks for 2147483647"
        );
        let e = check(
            Resource::Pods,
            150_000,
            60_000,
            0,
            ("Deployment", "web", "spec.replicas"),
        )
        .unwrap_err();
        assert_eq!(
            e.to_string(),
            "svcsim simulates at most 200000 pods; Deployment web asks for 60000, and the rest of the cluster for 150000 more"
        );
    }

    #[test]
    fn within_the_limit_or_asking_for_less_is_allowed() {
        let obj = ("Deployment", "web", "spec.replicas");
        assert!(check(Resource::Pods, 0, MAX_PODS, 0, obj).is_ok());
        assert!(check(Resource::Pods, 1, MAX_PODS, 0, obj).is_err());
        // Already over (limits are checked before work, so only a lowered limit gets here):
        // shrinking is fine.
        assert!(check(Resource::Pods, MAX_PODS, 5, 10, obj).is_ok());
    }

    #[test]
    fn every_limit_is_described() {
        let text = describe();
        assert_eq!(text.lines().count(), Resource::ALL.len());
        assert!(text.starts_with("at most 200000 pods: "));
    }
}
