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
//! Two profiles ([`Limits`]). [`Limits::DEFAULT`], the CLI's, starts from Kubernetes' own
//! scalability thresholds (sig-scalability's `thresholds.md`: 5,000 nodes, 150,000 pods,
//! 10,000 Services per cluster), which are also what the benchmarks build
//! (`generate::Scale::THRESHOLDS`: 5,000 nodes, 150,000 pods behind 10,000 Services, plus the
//! 10,000 kube-proxy and kindnet pods of the nodes), with headroom. [`Limits::PAGE`], the
//! page's, is chosen by measurement: the worst single apply it accepts (a cluster at each
//! limit in the shape that makes the most work, [`crate::generate::at_limits`]) settles in
//! about 1.5 s natively, 2–3.5× that as wasm — `cargo bench -p svcsim-engine --bench limits
//! -- page_limits` (criterion medians of two runs, from the text to a settled cluster, on a
//! shared 2-core machine under a load of 3–4, which alone moves a median by half; `cargo run
//! --release -p svcsim-bench -- page` and `scripts/bench-wasm.sh page` time the same natively
//! and as wasm32-wasip1 under Node):
//!
//! | limit | `DEFAULT` | why | `PAGE` | measured at the `PAGE` limit |
//! |---|---|---|---|---|
//! | `pods` | 200,000 | 150,000 threshold + the DaemonSet pods of 5,000 nodes, +25 %; measured: the thresholds cluster (160,007 pods) settles in ~75 s natively and holds ~2 GB; one Deployment of 199,900 on the default 3 nodes in 24 s and 1.15 GB | 10,000 | 9,791 pods of one Deployment running on 101 nodes behind one Service: 1.26–1.32 s (wasm 4.4 s) |
//! | `nodes` | 10,000 | twice the 5,000-node threshold; each node brings a kube-proxy and a kindnet pod and its own rule set | 1,000 | 1,000 control planes (6 system pods each) and a DaemonSet tolerating them: 0.49–0.63 s (wasm 1.0 s) |
//! | `services` | 20,000 | twice the 10,000-Service threshold | 10,000 | 9,998 Services of one port: 0.38–0.53 s (wasm 1.1 s) |
//! | `service_ports` | 100,000 | every port is a rule on every node for each address it is reached at (Kubernetes sets no number; a Service of 10,000 ports still fits) | 20,000 | one Service of 19,996 ports selecting a pod: 0.45–0.59 s (wasm 0.9 s) |
//! | `service_endpoints` | 300,000 | ports × addresses × selected pods, summed over Services, plus hand-written EndpointSlices: what EndpointSlices and every node's rules grow with (a chain and 2 rules per endpoint of each port); 2 × the thresholds cluster's 150,007; measured: one node's iptables rules at 150,007 take 2.8 s and 470,052 rules | 30,000 | 3 ports × 9,791 pods: 1.52–2.45 s, about 1.5 s of CPU time (wasm 3.5 s); one node's iptables rules then 0.2 s |
//!
//! The page's pods and endpoints are what cost: each running pod is a scheduling, an IP, an
//! EndpointSlice entry and its events (about 0.13 ms natively); nodes, Services and ports are
//! cheap by comparison and get room for lessons about scale. Text that is large by itself
//! (2,000 Deployments and Services with 4 pods each: 2.0–2.5 s) costs by its size, not by
//! what it asks for: bounding that is the paste's job, not a limit's.
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

/// How much one cluster may ask svcsim to simulate. A value, not a constant, because the two
/// places svcsim runs differ: the CLI (a native process with the machine's memory) uses
/// [`Limits::DEFAULT`]; the page (one wasm32 thread that must not stall, 4 GiB of address
/// space) uses the smaller [`Limits::PAGE`]. A cluster carries its limits in its
/// configuration ([`crate::config::ClusterConfig::limits`]), so they are kept across clones
/// and every message says the limit in force.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Limits {
    /// Pods the cluster's objects may ask for in total (workloads' replicas, DaemonSets'
    /// nodes, pods created directly, the system pods of every node).
    pub pods: u64,
    /// Nodes (a kind `Cluster` document's `nodes`, and Node objects applied).
    pub nodes: u64,
    /// Services.
    pub services: u64,
    /// Ports of all Services together, each once per address it is reached at.
    pub service_ports: u64,
    /// Service endpoints: for every Service, its ports × addresses × the pods its selector
    /// picks, summed, plus the endpoints × ports of hand-written EndpointSlices.
    pub service_endpoints: u64,
}

impl Limits {
    /// The CLI's limits: Kubernetes' scalability thresholds with headroom (the table above).
    pub const DEFAULT: Limits = Limits {
        pods: 200_000,
        nodes: 10_000,
        services: 20_000,
        service_ports: 100_000,
        service_endpoints: 300_000,
    };

    /// The page's limits: the worst single apply at each settles in about 1.5 s natively
    /// (2–3× that as wasm), measured as the table above says.
    pub const PAGE: Limits = Limits {
        pods: 10_000,
        nodes: 1_000,
        services: 10_000,
        service_ports: 20_000,
        service_endpoints: 30_000,
    };

    /// The limit on `resource`.
    pub fn get(&self, resource: Resource) -> u64 {
        match resource {
            Resource::Pods => self.pods,
            Resource::Nodes => self.nodes,
            Resource::Services => self.services,
            Resource::ServicePorts => self.service_ports,
            Resource::ServiceEndpoints => self.service_endpoints,
        }
    }

    /// Every limit as one line each (`at most 200000 pods: replicas of …`), for `svcsim
    /// --help` and the page.
    pub fn describe(&self) -> String {
        let mut out = String::new();
        for r in Resource::ALL {
            out.push_str(&format!("at most {} {}: {}\n", self.get(r), r, r.meaning()));
        }
        out
    }

    /// Check that `asked` more of `resource`, on top of `others`, stays within the limit. A
    /// change that asks for less is always allowed, even in a cluster over a limit (one whose
    /// limits were lowered).
    pub(crate) fn check(
        &self,
        resource: Resource,
        others: u64,
        asked: u64,
        was: u64,
        object: (&'static str, &str, &'static str),
    ) -> Result<(), LimitExceeded> {
        let (kind, name, field) = object;
        let limit = self.get(resource);
        if asked <= was || others.saturating_add(asked) <= limit {
            return Ok(());
        }
        Err(LimitExceeded {
            resource,
            limit,
            kind,
            name: name.to_string(),
            asked,
            others,
            field,
            detail: String::new(),
        })
    }
}

impl Default for Limits {
    /// [`Limits::DEFAULT`].
    fn default() -> Limits {
        Limits::DEFAULT
    }
}

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

/// An object asks for more than svcsim simulates. `Display`:
/// `svcsim simulates at most 200000 pods; Deployment web asks for 2147483647`, followed by
/// what the rest of the cluster already asks for when that is not nothing.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, thiserror::Error)]
#[serde(rename_all = "camelCase")]
pub struct LimitExceeded {
    pub resource: Resource,
    /// The limit in force when the object was refused.
    pub limit: u64,
    /// `Deployment`, `Service`, `Node`, `Cluster` (kind's document)…
    pub kind: &'static str,
    pub name: String,
    /// What this object asks for (for a Deployment: its replicas).
    pub asked: u64,
    /// What the rest of the cluster already asks for.
    pub others: u64,
    /// The field that asks, as a path (`spec.replicas`), for the error's line:column.
    pub field: &'static str,
    /// How `asked` adds up when it is a product (`10000 ports × 31 selected pods`); empty
    /// when it is a plain count.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub detail: String,
}

impl LimitExceeded {
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
            self.limit, self.resource, self.kind, self.name, self.asked
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

#[cfg(test)]
mod tests {
    use super::*;

    const DEFAULT: Limits = Limits::DEFAULT;

    #[test]
    fn the_message_names_the_object_and_the_limit_in_force() {
        let e = DEFAULT
            .check(
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
        let e = DEFAULT
            .check(
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
        let page = Limits::PAGE
            .check(
                Resource::Pods,
                0,
                1_000_000,
                0,
                ("Deployment", "web", "spec.replicas"),
            )
            .unwrap_err();
        assert_eq!(
            page.to_string(),
            format!(
                "svcsim simulates at most {} pods; Deployment web asks for 1000000",
                Limits::PAGE.pods
            )
        );
    }

    #[test]
    fn within_the_limit_or_asking_for_less_is_allowed() {
        let obj = ("Deployment", "web", "spec.replicas");
        let max = DEFAULT.pods;
        assert!(DEFAULT.check(Resource::Pods, 0, max, 0, obj).is_ok());
        assert!(DEFAULT.check(Resource::Pods, 1, max, 0, obj).is_err());
        // Already over (limits are checked before work, so only a lowered limit gets here):
        // shrinking is fine.
        assert!(DEFAULT.check(Resource::Pods, max, 5, 10, obj).is_ok());
    }

    #[test]
    fn every_limit_is_described() {
        let text = DEFAULT.describe();
        assert_eq!(text.lines().count(), Resource::ALL.len());
        assert!(text.starts_with("at most 200000 pods: "));
        assert!(Limits::PAGE
            .describe()
            .starts_with(&format!("at most {} pods: ", Limits::PAGE.pods)));
    }

    #[test]
    fn the_page_profile_is_within_the_default_and_consistent() {
        let (page, default) = (Limits::PAGE, Limits::DEFAULT);
        for r in Resource::ALL {
            assert!(page.get(r) <= default.get(r), "{r}");
        }
        // A kind cluster at the node limit fits the pod limit with its system pods (kube-proxy
        // and kindnet on every node, 4 static pods on a control plane, CoreDNS × 2, the
        // local-path provisioner), even if every node were a control plane.
        for l in [page, default] {
            assert!(l.nodes * 6 + 3 <= l.pods, "{l:?}");
        }
    }
}
