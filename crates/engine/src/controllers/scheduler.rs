//! kube-scheduler: binds pending pods to nodes.
//!
//! Filters as the default profile runs them, first failure per node recorded:
//! `NodeUnschedulable` (`spec.unschedulable`, unless tolerated), `TaintToleration` (every
//! `NoSchedule`/`NoExecute` taint tolerated; a node whose Ready condition is not True carries
//! `node.kubernetes.io/not-ready`), `NodeAffinity` (`nodeSelector`). Scoring is reduced to what
//! decides placement for pods without resource requests: the node with the fewest pods wins
//! (LeastAllocated with the scheduler's default non-zero requests, plus the default pod
//! spreading), ties broken at random (the scheduler's reservoir sampling), from the cluster's
//! seeded RNG. A pod no node fits stays Pending with a `FailedScheduling` event worded as the
//! scheduler's `FitError`, and is retried when nodes change.

use super::state;
use crate::api::core::{Node, Pod, PodCondition, Taint, Toleration};
use crate::cluster::{Cluster, ObjectKey};
use std::collections::{BTreeMap, BTreeSet};

/// Candidate nodes for one set of scheduling constraints, kept ordered by
/// (pods on node, random tie-break, name) so the best node is the first.
struct Feasible {
    order: BTreeSet<(usize, u64, String)>,
    entry: BTreeMap<String, (usize, u64)>,
    /// Why each unfit node does not fit (for the `FailedScheduling` text when `order` empties).
    reasons: BTreeMap<String, usize>,
    total: usize,
}

/// kubelet's default `maxPods`: a node's `status.capacity.pods` (kind keeps the default), which
/// the scheduler's NodeResourcesFit filter enforces ("Too many pods").
pub const MAX_PODS_PER_NODE: usize = 110;
const TOO_MANY_PODS: &str = "Too many pods";

/// Why a node does not fit a pod (the first failing filter), as the scheduler words it.
pub(crate) fn node_misfit(
    node: &Node,
    tolerations: &[Toleration],
    selector: &BTreeMap<String, String>,
    daemon: bool,
) -> Option<String> {
    let unschedulable_taint = Taint {
        key: "node.kubernetes.io/unschedulable".to_string(),
        value: String::new(),
        effect: "NoSchedule".to_string(),
    };
    if node.spec.unschedulable
        && !daemon
        && !tolerations
            .iter()
            .any(|t| t.tolerates(&unschedulable_taint))
    {
        return Some("node(s) were unschedulable".to_string());
    }
    for taint in effective_taints(node) {
        if !matches!(taint.effect.as_str(), "NoSchedule" | "NoExecute") {
            continue;
        }
        if !tolerations.iter().any(|t| t.tolerates(&taint)) {
            return Some(format!(
                "node(s) had untolerated taint {{{}: {}}}",
                taint.key, taint.value
            ));
        }
    }
    if !selector
        .iter()
        .all(|(k, v)| node.metadata.labels.get(k) == Some(v))
    {
        return Some("node(s) didn't match Pod's node affinity/selector".to_string());
    }
    None
}

/// The node's taints plus the one the node lifecycle controller adds while it is not Ready.
pub(crate) fn effective_taints(node: &Node) -> Vec<Taint> {
    let mut taints = node.spec.taints.clone();
    let not_ready = node
        .status
        .conditions
        .iter()
        .any(|c| c.type_ == "Ready" && c.status != "True");
    if not_ready
        && !taints
            .iter()
            .any(|t| t.key == "node.kubernetes.io/not-ready")
    {
        taints.push(Taint {
            key: "node.kubernetes.io/not-ready".to_string(),
            value: String::new(),
            effect: "NoSchedule".to_string(),
        });
    }
    taints
}

/// `FitError.Error()`: `0/N nodes are available: <count> <reason>, ….` plus the preemption
/// post-filter's verdict (none of these reasons can be resolved by preemption).
fn fit_error(total: usize, reasons: &BTreeMap<String, usize>) -> String {
    if total == 0 {
        return "no nodes available to schedule pods".to_string();
    }
    let mut parts: Vec<String> = reasons.iter().map(|(r, n)| format!("{n} {r}")).collect();
    parts.sort();
    // Preemption could free a full node, but every pod here has the same priority, so it finds
    // no victims there; for the other filters it cannot help at all.
    let full = reasons.get(TOO_MANY_PODS).copied().unwrap_or(0);
    let mut preemption = Vec::new();
    if full > 0 {
        preemption.push(format!(
            "{full} No preemption victims found for incoming pod"
        ));
    }
    if total > full {
        preemption.push(format!(
            "{} Preemption is not helpful for scheduling",
            total - full
        ));
    }
    preemption.sort();
    format!(
        "0/{total} nodes are available: {}. preemption: 0/{total} nodes are available: {}.",
        parts.join(", "),
        preemption.join(", ")
    )
}

fn signature(pod: &Pod) -> String {
    serde_json::to_string(&(&pod.spec.node_selector, &pod.spec.tolerations)).unwrap_or_default()
}

/// Bind every pending pod that fits somewhere. True when something was bound.
pub(super) fn run(c: &mut Cluster) -> bool {
    if c.controllers.nodes_changed {
        c.controllers.nodes_changed = false;
        let retry = std::mem::take(&mut c.controllers.unschedulable);
        c.controllers.to_schedule.extend(retry);
    }
    if c.controllers.to_schedule.is_empty() {
        return false;
    }
    let queue = std::mem::take(&mut c.controllers.to_schedule);
    // The scheduling queue pops in creation order (equal priority).
    let mut order: Vec<(crate::api::meta::Time, u64, ObjectKey)> = queue
        .into_iter()
        .filter_map(|k| {
            let p = c.store.pods.get(&k)?;
            let created = p.metadata.creation_timestamp.unwrap_or_default();
            let rv = p.metadata.resource_version.parse::<u64>().unwrap_or(0);
            Some((created, rv, k))
        })
        .collect();
    order.sort();
    let mut feasible: BTreeMap<String, Feasible> = BTreeMap::new();
    let mut bound = false;
    for (_, _, key) in order {
        let Some(pod) = c.store.pods.get(&key) else {
            continue;
        };
        if !pod.spec.node_name.is_empty() || pod.metadata.deletion_timestamp.is_some() {
            continue;
        }
        let sig = signature(pod);
        if !feasible.contains_key(&sig) {
            let (tol, sel) = (pod.spec.tolerations.clone(), pod.spec.node_selector.clone());
            let f = build_feasible(c, &tol, &sel);
            feasible.insert(sig.clone(), f);
        }
        let choice = feasible.get(&sig).and_then(|f| f.order.first().cloned());
        let Some((_, _, node)) = choice else {
            let msg = feasible
                .get(&sig)
                .map(|f| fit_error(f.total, &f.reasons))
                .unwrap_or_default();
            c.event(
                "Warning",
                "FailedScheduling",
                format!("pod/{}", key.name),
                &key.namespace,
                msg,
            );
            c.controllers.unschedulable.insert(key.clone());
            continue;
        };
        // One more pod on `node`: re-rank it in every candidate set that holds it.
        for f in feasible.values_mut() {
            if let Some((count, tb)) = f.entry.get(&node).copied() {
                f.order.remove(&(count, tb, node.clone()));
                if count + 1 >= MAX_PODS_PER_NODE {
                    // Full: later pods of this run see "Too many pods" for it.
                    f.entry.remove(&node);
                    *f.reasons.entry(TOO_MANY_PODS.to_string()).or_default() += 1;
                    continue;
                }
                let ntb = c.rng.next_u64();
                f.order.insert((count + 1, ntb, node.clone()));
                f.entry.insert(node.clone(), (count + 1, ntb));
            }
        }
        bind(c, &key, &node);
        bound = true;
    }
    bound
}

fn build_feasible(
    c: &mut Cluster,
    tolerations: &[Toleration],
    selector: &BTreeMap<String, String>,
) -> Feasible {
    let mut reasons: BTreeMap<String, usize> = BTreeMap::new();
    let mut fits: Vec<String> = Vec::new();
    for (name, node) in &c.store.nodes {
        match node_misfit(node, tolerations, selector, false) {
            Some(r) => *reasons.entry(r).or_default() += 1,
            None => fits.push(name.clone()),
        }
    }
    let mut f = Feasible {
        order: BTreeSet::new(),
        entry: BTreeMap::new(),
        reasons,
        total: c.store.nodes.len(),
    };
    for name in fits {
        let count = c
            .controllers
            .pods_on_node
            .get(&name)
            .map_or(0, BTreeSet::len);
        if count >= MAX_PODS_PER_NODE {
            *f.reasons.entry(TOO_MANY_PODS.to_string()).or_default() += 1;
            continue;
        }
        let tb = c.rng.next_u64();
        f.order.insert((count, tb, name.clone()));
        f.entry.insert(name, (count, tb));
    }
    f
}

/// The binding subresource: `spec.nodeName` set, `PodScheduled=True`.
fn bind(c: &mut Cluster, key: &ObjectKey, node: &str) {
    let now = c.wall_now();
    state::update_pod(c, key, |pod| {
        pod.spec.node_name = node.to_string();
        if pod.status.phase.is_empty() {
            pod.status.phase = "Pending".to_string();
        }
        match pod
            .status
            .conditions
            .iter_mut()
            .find(|c| c.type_ == "PodScheduled")
        {
            Some(cond) => {
                cond.status = "True".to_string();
                cond.last_transition_time = Some(now);
            }
            None => pod.status.conditions.push(PodCondition {
                type_: "PodScheduled".to_string(),
                status: "True".to_string(),
                last_transition_time: Some(now),
            }),
        }
    });
    c.event(
        "Normal",
        "Scheduled",
        format!("pod/{}", key.name),
        &key.namespace,
        format!(
            "Successfully assigned {}/{} to {node}",
            key.namespace, key.name
        ),
    );
}

#[cfg(test)]
mod max_pods_tests {
    use crate::cluster::Cluster;
    use crate::config::ClusterConfig;
    use crate::manifest::Source;

    #[test]
    fn a_node_takes_at_most_110_pods() {
        let mut c = Cluster::new(ClusterConfig::default(), 0);
        let deploy = "apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  replicas: 250\n  selector:\n    matchLabels:\n      app: web\n  template:\n    metadata:\n      labels:\n        app: web\n    spec:\n      containers:\n      - name: web\n        image: nginx\n";
        let r = c.apply(&Source::new("d.yaml", deploy));
        assert!(r[0].is_ok());
        c.settle();
        for node in ["kind-worker", "kind-worker2"] {
            let n = c
                .store
                .pods
                .values()
                .filter(|p| p.spec.node_name == node)
                .count();
            assert_eq!(n, super::MAX_PODS_PER_NODE, "{node}");
        }
        let pending = c
            .store
            .pods
            .values()
            .filter(|p| p.spec.node_name.is_empty())
            .count();
        // 250 wanted, 2 × (110 − kindnet − kube-proxy) = 216 fit.
        assert_eq!(pending, 34);
        let msg = c
            .events
            .iter()
            .rev()
            .find(|e| e.reason == "FailedScheduling")
            .map(|e| e.message.clone())
            .unwrap_or_default();
        assert_eq!(
            msg,
            "0/3 nodes are available: 1 node(s) had untolerated taint {node-role.kubernetes.io/control-plane: }, 2 Too many pods. preemption: 0/3 nodes are available: 1 Preemption is not helpful for scheduling, 2 No preemption victims found for incoming pod."
        );
    }
}
