//! The workload controllers of kube-controller-manager: Deployment → ReplicaSet → Pods,
//! StatefulSet (ordered, stable names and hostnames) and DaemonSet (one pod per node).

use super::kubelet::terminate_pod;
use super::state::{self, WKey};
use crate::api::apps::{PodTemplateSpec, Workload, WorkloadKind};
use crate::api::core::{Pod, PodStatus};
use crate::api::meta::{LabelSelector, ObjectMeta, OwnerReference};
use crate::cluster::{Cluster, ObjectKey};
use crate::sim::NAME_ALPHABET;
use std::collections::{BTreeMap, BTreeSet};

/// `rand.SafeEncodeString`'s alphabet (no vowels, no confusable characters).
const SAFE_ALPHABET: &[u8] = b"bcdfghjklmnpqrstvwxz2456789";

/// The `pod-template-hash` of a pod template: `controller.ComputeHash` hashes the template
/// with FNV-32a and renders the number's decimal digits through `rand.SafeEncodeString`
/// (so `7d9c5b6f4d`-like strings). The bytes hashed here are the template's canonical JSON,
/// not Go's spew dump, so values differ from a real cluster's, but the same template always
/// gives the same hash and any change gives a new one.
pub fn pod_template_hash(template: &PodTemplateSpec) -> String {
    let text = serde_json::to_string(template).unwrap_or_default();
    let mut h: u32 = 0x811c_9dc5;
    for b in text.bytes() {
        h ^= u32::from(b);
        h = h.wrapping_mul(0x0100_0193);
    }
    safe_encode(&h.to_string())
}

fn safe_encode(s: &str) -> String {
    s.bytes()
        .map(|b| {
            let i = usize::from(b) % SAFE_ALPHABET.len();
            char::from(SAFE_ALPHABET.get(i).copied().unwrap_or(b'x'))
        })
        .collect()
}

fn object(kind: WorkloadKind, name: &str) -> String {
    format!("{}/{name}", kind.as_str().to_lowercase())
}

/// `metav1.NewControllerRef`: the owner reference a controller puts on what it creates.
pub(super) fn controller_ref(kind: &str, api_version: &str, meta: &ObjectMeta) -> OwnerReference {
    OwnerReference {
        api_version: api_version.to_string(),
        kind: kind.to_string(),
        name: meta.name.clone(),
        uid: meta.uid.clone(),
        controller: Some(true),
        block_owner_deletion: Some(true),
    }
}

/// Whether `meta`'s controller is the object `owner` (same kind, name and — when both are
/// known — uid).
fn controlled_by(meta: &ObjectMeta, kind: &str, owner: &ObjectMeta) -> bool {
    meta.controller_of().is_some_and(|o| {
        o.kind == kind
            && o.name == owner.name
            && (o.uid.is_empty() || owner.uid.is_empty() || o.uid == owner.uid)
    })
}

/// Process the workloads queued since the last pass. True when any was processed.
pub(super) fn sync(c: &mut Cluster) -> bool {
    let queue = std::mem::take(&mut c.controllers.dirty_workloads);
    if queue.is_empty() {
        return false;
    }
    for key in queue {
        match key.0 {
            WorkloadKind::Deployment => sync_deployment(c, &key),
            WorkloadKind::ReplicaSet => sync_replicaset(c, &key),
            WorkloadKind::StatefulSet => sync_statefulset(c, &key),
            WorkloadKind::DaemonSet => sync_daemonset(c, &key),
        }
    }
    true
}

/// A new pod object from a template, as the API server stores it after defaulting.
fn pod_from_template(
    c: &mut Cluster,
    template: &PodTemplateSpec,
    namespace: &str,
    name: String,
    generate_name: String,
    owner: OwnerReference,
) -> Pod {
    let mut spec = template.spec.clone();
    if spec.restart_policy.is_empty() {
        spec.restart_policy = "Always".to_string();
    }
    if spec.dns_policy.is_empty() {
        spec.dns_policy = "ClusterFirst".to_string();
    }
    if spec.termination_grace_period_seconds.is_none() {
        spec.termination_grace_period_seconds = Some(30);
    }
    for ctr in spec
        .containers
        .iter_mut()
        .chain(spec.init_containers.iter_mut())
    {
        for p in &mut ctr.ports {
            if p.protocol.is_empty() {
                p.protocol = "TCP".to_string();
            }
        }
    }
    Pod {
        metadata: ObjectMeta {
            name,
            generate_name,
            namespace: namespace.to_string(),
            uid: c.rng.uuid(),
            creation_timestamp: Some(c.wall_now()),
            labels: template.metadata.labels.clone(),
            annotations: template.metadata.annotations.clone(),
            owner_references: vec![owner],
            ..Default::default()
        },
        spec,
        status: PodStatus {
            phase: "Pending".to_string(),
            ..Default::default()
        },
    }
}

/// `<prefix>` + 5 random characters, as the API server completes `generateName`.
fn generate_name(c: &mut Cluster, namespace: &str, prefix: &str) -> String {
    let mut name = String::new();
    for _ in 0..16 {
        name = format!("{prefix}{}", c.rng.string_from(NAME_ALPHABET, 5));
        if !c
            .store
            .pods
            .contains_key(&ObjectKey::new(namespace, name.as_str()))
        {
            break;
        }
    }
    name
}

fn is_active(p: &Pod) -> bool {
    p.metadata.deletion_timestamp.is_none()
        && !matches!(p.status.phase.as_str(), "Succeeded" | "Failed")
}

/// What the workload controllers need to know of one of their pods (no clone of the pod).
struct Brief {
    name: String,
    node: String,
    created: Option<crate::api::meta::Time>,
    active: bool,
    ready: bool,
    running_ready: bool,
    rank: DeletionRank,
}

fn owned_pods(c: &Cluster, kind: &str, owner: &ObjectMeta) -> Vec<Brief> {
    c.controllers
        .pods_owned_by(&owner.namespace, kind, &owner.name)
        .into_iter()
        .filter_map(|k| c.store.pods.get(k))
        .filter(|p| controlled_by(&p.metadata, kind, owner))
        .map(|p| Brief {
            name: p.metadata.name.clone(),
            node: p.spec.node_name.clone(),
            created: p.metadata.creation_timestamp,
            active: is_active(p),
            ready: p.is_ready(),
            running_ready: p.status.phase == "Running" && p.is_ready() && is_active(p),
            rank: deletion_rank(p),
        })
        .collect()
}

fn write_status(c: &mut Cluster, key: &WKey, status: crate::api::apps::WorkloadStatus) -> bool {
    let Some(w) = c.store.workloads.get(key) else {
        return false;
    };
    if w.status == status {
        return false;
    }
    let mut w = w.clone();
    w.status = status;
    state::put_workload(c, w, false);
    true
}

fn some_nonzero(n: usize) -> Option<i32> {
    Some(as_count(n))
}

/// A count for a status field (saturating: a cluster never has 2^31 pods).
fn as_count(n: usize) -> i32 {
    i32::try_from(n).unwrap_or(i32::MAX)
}

/// A workload controller deletes one of its pods: the pod turns Terminating and the
/// controller records `SuccessfulDelete` with its own wording.
fn delete_owned_pod(
    c: &mut Cluster,
    kind: WorkloadKind,
    owner: &str,
    ns: &str,
    pod: &str,
    message: String,
) {
    terminate_pod(c, &ObjectKey::new(ns, pod));
    c.event(
        "Normal",
        "SuccessfulDelete",
        object(kind, owner),
        ns,
        message,
    );
}

// ---------------------------------------------------------------------------------------------
// Deployment.

/// Deployment controller: the ReplicaSet of the current template (`<deploy>-<hash>`) gets
/// the desired replicas; ReplicaSets of older templates are scaled to 0 (a rollout reduced to
/// its end state). Status sums the ReplicaSets'.
fn sync_deployment(c: &mut Cluster, key: &WKey) {
    let Some(d) = c.store.workloads.get(key).cloned() else {
        return;
    };
    if d.metadata.deletion_timestamp.is_some() {
        return;
    }
    let ns = d.metadata.namespace.clone();
    let hash = pod_template_hash(&d.spec.template);
    let desired = d.desired_replicas().max(0);
    let owned: Vec<Workload> = c
        .controllers
        .workloads_owned_by(&ns, "Deployment", &d.metadata.name)
        .into_iter()
        .filter(|k| k.0 == WorkloadKind::ReplicaSet)
        .filter_map(|k| c.store.workloads.get(&k).cloned())
        .filter(|rs| controlled_by(&rs.metadata, "Deployment", &d.metadata))
        .collect();
    let max_revision = owned
        .iter()
        .filter_map(|rs| {
            rs.metadata
                .annotations
                .get("deployment.kubernetes.io/revision")
        })
        .filter_map(|r| r.parse::<u64>().ok())
        .max()
        .unwrap_or(0);
    let surge = (i64::from(desired) * 25 + 99) / 100;
    let max_replicas = (i64::from(desired) + surge).to_string();
    let is_new = |rs: &Workload| {
        rs.metadata.labels.get("pod-template-hash") == Some(&hash)
            || rs.metadata.name == format!("{}-{hash}", d.metadata.name)
    };
    let new_rs = owned.iter().find(|rs| is_new(rs)).cloned();
    let new_rs_name;
    match new_rs {
        None => {
            let name = format!("{}-{hash}", d.metadata.name);
            let rs_key = (
                WorkloadKind::ReplicaSet,
                ObjectKey::new(ns.clone(), name.clone()),
            );
            if c.store.workloads.contains_key(&rs_key) {
                // A ReplicaSet of that name that is not ours: a hash collision.
                return;
            }
            let mut template = d.spec.template.clone();
            template
                .metadata
                .labels
                .insert("pod-template-hash".to_string(), hash.clone());
            let mut labels = d.spec.template.metadata.labels.clone();
            labels.insert("pod-template-hash".to_string(), hash.clone());
            let mut selector = d.spec.selector.clone().unwrap_or_else(|| LabelSelector {
                match_labels: d.spec.template.metadata.labels.clone(),
                match_expressions: Vec::new(),
            });
            selector
                .match_labels
                .insert("pod-template-hash".to_string(), hash.clone());
            let mut annotations = BTreeMap::new();
            annotations.insert(
                "deployment.kubernetes.io/desired-replicas".to_string(),
                desired.to_string(),
            );
            annotations.insert(
                "deployment.kubernetes.io/max-replicas".to_string(),
                max_replicas.clone(),
            );
            annotations.insert(
                "deployment.kubernetes.io/revision".to_string(),
                (max_revision + 1).to_string(),
            );
            let rs = Workload {
                kind: WorkloadKind::ReplicaSet,
                metadata: ObjectMeta {
                    name: name.clone(),
                    namespace: ns.clone(),
                    uid: c.rng.uuid(),
                    generation: Some(1),
                    creation_timestamp: Some(c.wall_now()),
                    labels,
                    annotations,
                    owner_references: vec![controller_ref("Deployment", "apps/v1", &d.metadata)],
                    ..Default::default()
                },
                spec: crate::api::apps::WorkloadSpec {
                    replicas: Some(desired),
                    selector: Some(selector),
                    template,
                    service_name: String::new(),
                },
                status: Default::default(),
            };
            state::put_workload(c, rs, true);
            c.event(
                "Normal",
                "ScalingReplicaSet",
                object(WorkloadKind::Deployment, &d.metadata.name),
                &ns,
                format!("Scaled up replica set {name} from 0 to {desired}"),
            );
            new_rs_name = name;
        }
        Some(mut rs) => {
            new_rs_name = rs.metadata.name.clone();
            let current = rs.desired_replicas();
            if current != desired {
                rs.spec.replicas = Some(desired);
                rs.metadata.annotations.insert(
                    "deployment.kubernetes.io/desired-replicas".to_string(),
                    desired.to_string(),
                );
                rs.metadata.annotations.insert(
                    "deployment.kubernetes.io/max-replicas".to_string(),
                    max_replicas.clone(),
                );
                rs.metadata.generation = Some(rs.metadata.generation.unwrap_or(1) + 1);
                let name = rs.metadata.name.clone();
                state::put_workload(c, rs, true);
                let dir = if desired > current { "up" } else { "down" };
                c.event(
                    "Normal",
                    "ScalingReplicaSet",
                    object(WorkloadKind::Deployment, &d.metadata.name),
                    &ns,
                    format!("Scaled {dir} replica set {name} from {current} to {desired}"),
                );
            }
        }
    }
    for mut rs in owned.into_iter().filter(|rs| !is_new(rs)) {
        let current = rs.desired_replicas();
        if current != 0 {
            rs.spec.replicas = Some(0);
            rs.metadata.generation = Some(rs.metadata.generation.unwrap_or(1) + 1);
            let name = rs.metadata.name.clone();
            state::put_workload(c, rs, true);
            c.event(
                "Normal",
                "ScalingReplicaSet",
                object(WorkloadKind::Deployment, &d.metadata.name),
                &ns,
                format!("Scaled down replica set {name} from {current} to 0"),
            );
        }
    }
    // Status from the ReplicaSets as they are now.
    let (mut replicas, mut ready, mut available, mut updated) = (0i32, 0i32, 0i32, 0i32);
    for k in c
        .controllers
        .workloads_owned_by(&ns, "Deployment", &d.metadata.name)
    {
        if let Some(rs) = c.store.workloads.get(&k) {
            replicas += rs.status.replicas.unwrap_or(0);
            ready += rs.status.ready_replicas.unwrap_or(0);
            available += rs.status.available_replicas.unwrap_or(0);
            if rs.metadata.name == new_rs_name {
                updated += rs.status.replicas.unwrap_or(0);
            }
        }
    }
    let nz = |n: i32| (n != 0).then_some(n);
    let status = crate::api::apps::WorkloadStatus {
        replicas: nz(replicas),
        ready_replicas: nz(ready),
        available_replicas: nz(available),
        updated_replicas: nz(updated),
    };
    if let Some(mut d2) = c.store.workloads.get(key).cloned() {
        let rev = (max_revision.max(1)).to_string();
        let rev = c
            .store
            .workloads
            .get(&(
                WorkloadKind::ReplicaSet,
                ObjectKey::new(ns.clone(), new_rs_name.clone()),
            ))
            .and_then(|rs| {
                rs.metadata
                    .annotations
                    .get("deployment.kubernetes.io/revision")
                    .cloned()
            })
            .unwrap_or(rev);
        let rev_changed = d2
            .metadata
            .annotations
            .get("deployment.kubernetes.io/revision")
            != Some(&rev);
        if d2.status != status || rev_changed {
            d2.status = status;
            d2.metadata
                .annotations
                .insert("deployment.kubernetes.io/revision".to_string(), rev);
            state::put_workload(c, d2, false);
        }
    }
}

// ---------------------------------------------------------------------------------------------
// ReplicaSet.

/// Rank of a pod for scale-down (`controller.ActivePodsWithRanks`): lower goes first —
/// unscheduled before scheduled, Pending before Running, not ready before ready, ready more
/// recently before ready longer, newer before older.
type DeletionRank = (u8, u8, u8, std::cmp::Reverse<i64>, std::cmp::Reverse<i64>);

fn deletion_rank(p: &Pod) -> DeletionRank {
    let assigned = u8::from(!p.spec.node_name.is_empty());
    let phase = match p.status.phase.as_str() {
        "Pending" | "" => 0,
        "Unknown" => 1,
        _ => 2,
    };
    let ready = u8::from(p.is_ready());
    let ready_since = p
        .status
        .conditions
        .iter()
        .find(|c| c.type_ == "Ready" && c.status == "True")
        .and_then(|c| c.last_transition_time)
        .map_or(0, |t| t.0);
    let created = p.metadata.creation_timestamp.map_or(0, |t| t.0);
    (
        assigned,
        phase,
        ready,
        std::cmp::Reverse(ready_since),
        std::cmp::Reverse(created),
    )
}

/// ReplicaSet controller: as many active pods as `spec.replicas` (terminating pods do not
/// count), named `<rs>-<5 random>`; extra pods are deleted in `deletion_rank` order.
fn sync_replicaset(c: &mut Cluster, key: &WKey) {
    let Some(rs) = c.store.workloads.get(key).cloned() else {
        return;
    };
    if rs.metadata.deletion_timestamp.is_some() {
        return;
    }
    let ns = rs.metadata.namespace.clone();
    let desired = usize::try_from(rs.desired_replicas().max(0)).unwrap_or(0);
    let pods = owned_pods(c, "ReplicaSet", &rs.metadata);
    let mut active: Vec<&Brief> = pods.iter().filter(|p| p.active).collect();
    if active.len() < desired {
        let owner = controller_ref("ReplicaSet", "apps/v1", &rs.metadata);
        let prefix = format!("{}-", rs.metadata.name);
        for _ in active.len()..desired {
            let name = generate_name(c, &ns, &prefix);
            let pod = pod_from_template(
                c,
                &rs.spec.template,
                &ns,
                name.clone(),
                prefix.clone(),
                owner.clone(),
            );
            state::put_pod(c, pod);
            c.event(
                "Normal",
                "SuccessfulCreate",
                object(WorkloadKind::ReplicaSet, &rs.metadata.name),
                &ns,
                format!("Created pod: {name}"),
            );
        }
    } else if active.len() > desired {
        active.sort_by_key(|p| p.rank);
        let doomed: Vec<String> = active
            .iter()
            .take(active.len() - desired)
            .map(|p| p.name.clone())
            .collect();
        for name in doomed {
            let message = format!("Deleted pod: {name}");
            delete_owned_pod(
                c,
                WorkloadKind::ReplicaSet,
                &rs.metadata.name,
                &ns,
                &name,
                message,
            );
        }
    }
    let pods = owned_pods(c, "ReplicaSet", &rs.metadata);
    let active = pods.iter().filter(|p| p.active).count();
    let ready = pods.iter().filter(|p| p.active && p.ready).count();
    let status = crate::api::apps::WorkloadStatus {
        // `status.replicas` is printed even when 0.
        replicas: Some(as_count(active)),
        ready_replicas: (ready > 0).then(|| some_nonzero(ready)).flatten(),
        available_replicas: (ready > 0).then(|| some_nonzero(ready)).flatten(),
        updated_replicas: None,
    };
    if write_status(c, key, status) {
        if let Some(owner) = rs.metadata.controller_of() {
            if owner.kind == "Deployment" {
                c.controllers.dirty_workloads.insert((
                    WorkloadKind::Deployment,
                    ObjectKey::new(ns, owner.name.as_str()),
                ));
            }
        }
    }
}

// ---------------------------------------------------------------------------------------------
// StatefulSet.

/// StatefulSet controller, `podManagementPolicy: OrderedReady`: pods `<sts>-0 … <sts>-(N-1)`
/// created one at a time, the next only when all before it are Running and Ready; scale-down
/// removes the highest ordinal first, one at a time. Each pod gets `hostname` = its name and
/// `subdomain` = `spec.serviceName`, so the governing headless Service gives it a DNS name.
fn sync_statefulset(c: &mut Cluster, key: &WKey) {
    let Some(sts) = c.store.workloads.get(key).cloned() else {
        return;
    };
    if sts.metadata.deletion_timestamp.is_some() {
        return;
    }
    let ns = sts.metadata.namespace.clone();
    let name = sts.metadata.name.clone();
    let desired = usize::try_from(sts.desired_replicas().max(0)).unwrap_or(0);
    let pods = owned_pods(c, "StatefulSet", &sts.metadata);
    let by_name: BTreeMap<String, &Brief> = pods.iter().map(|p| (p.name.clone(), p)).collect();
    let revision = format!("{name}-{}", pod_template_hash(&sts.spec.template));
    let mut created = false;
    for i in 0..desired {
        let pod_name = format!("{name}-{i}");
        match by_name.get(&pod_name) {
            Some(p) if p.running_ready => continue,
            Some(_) => break,
            None => {
                // A pod of another owner under that name blocks the ordinal.
                if c.store
                    .pods
                    .contains_key(&ObjectKey::new(ns.as_str(), pod_name.as_str()))
                {
                    break;
                }
                let mut template = sts.spec.template.clone();
                let labels = &mut template.metadata.labels;
                labels.insert("controller-revision-hash".to_string(), revision.clone());
                labels.insert(
                    "statefulset.kubernetes.io/pod-name".to_string(),
                    pod_name.clone(),
                );
                labels.insert("apps.kubernetes.io/pod-index".to_string(), i.to_string());
                template.spec.hostname = pod_name.clone();
                template.spec.subdomain = sts.spec.service_name.clone();
                let owner = controller_ref("StatefulSet", "apps/v1", &sts.metadata);
                let pod =
                    pod_from_template(c, &template, &ns, pod_name.clone(), String::new(), owner);
                state::put_pod(c, pod);
                c.event(
                    "Normal",
                    "SuccessfulCreate",
                    object(WorkloadKind::StatefulSet, &name),
                    &ns,
                    format!("create Pod {pod_name} in StatefulSet {name} successful"),
                );
                created = true;
                break;
            }
        }
    }
    if !created {
        // Condemned pods (ordinal ≥ replicas), highest first, one at a time.
        let mut condemned: Vec<(usize, &Brief)> = pods
            .iter()
            .filter_map(|p| {
                let ord = p
                    .name
                    .strip_prefix(&format!("{name}-"))?
                    .parse::<usize>()
                    .ok()?;
                (ord >= desired).then_some((ord, p))
            })
            .collect();
        condemned.sort_by_key(|(o, _)| std::cmp::Reverse(*o));
        let any_terminating = condemned.iter().any(|(_, p)| !p.active);
        if !any_terminating {
            if let Some((_, p)) = condemned.first() {
                let pod_name = p.name.clone();
                let message = format!("delete Pod {pod_name} in StatefulSet {name} successful");
                delete_owned_pod(c, WorkloadKind::StatefulSet, &name, &ns, &pod_name, message);
            }
        }
    }
    let pods = owned_pods(c, "StatefulSet", &sts.metadata);
    let active = pods.iter().filter(|p| p.active).count();
    let ready = pods.iter().filter(|p| p.active && p.ready).count();
    let status = crate::api::apps::WorkloadStatus {
        replicas: Some(as_count(active)),
        ready_replicas: (ready > 0).then(|| some_nonzero(ready)).flatten(),
        available_replicas: Some(as_count(ready)),
        updated_replicas: Some(as_count(active)),
    };
    write_status(c, key, status);
}

// ---------------------------------------------------------------------------------------------
// DaemonSet.

/// Tolerations the DaemonSet controller adds to every daemon pod
/// (`util.AddOrUpdateDaemonPodTolerations`).
fn daemon_tolerations(host_network: bool) -> Vec<crate::api::core::Toleration> {
    let mut out: Vec<crate::api::core::Toleration> = [
        ("node.kubernetes.io/not-ready", "NoExecute"),
        ("node.kubernetes.io/unreachable", "NoExecute"),
        ("node.kubernetes.io/disk-pressure", "NoSchedule"),
        ("node.kubernetes.io/memory-pressure", "NoSchedule"),
        ("node.kubernetes.io/pid-pressure", "NoSchedule"),
        ("node.kubernetes.io/unschedulable", "NoSchedule"),
    ]
    .iter()
    .map(|(k, e)| crate::api::core::Toleration {
        key: (*k).to_string(),
        operator: "Exists".to_string(),
        value: String::new(),
        effect: (*e).to_string(),
    })
    .collect();
    if host_network {
        out.push(crate::api::core::Toleration {
            key: "node.kubernetes.io/network-unavailable".to_string(),
            operator: "Exists".to_string(),
            value: String::new(),
            effect: "NoSchedule".to_string(),
        });
    }
    out
}

/// The tolerations of a DaemonSet's pods: its template's, plus those the controller adds.
pub(crate) fn daemon_pod_tolerations(ds: &Workload) -> Vec<crate::api::core::Toleration> {
    let mut tolerations = ds.spec.template.spec.tolerations.clone();
    for t in daemon_tolerations(ds.spec.template.spec.host_network) {
        if !tolerations.contains(&t) {
            tolerations.push(t);
        }
    }
    tolerations
}

/// Whether the DaemonSet controller places one of `ds`'s pods on `node`: its `nodeSelector`
/// matches and its taints are tolerated (`tolerations` from [`daemon_pod_tolerations`]);
/// NodeUnschedulable is tolerated by daemon pods.
pub(crate) fn daemon_fits(
    node: &crate::api::core::Node,
    tolerations: &[crate::api::core::Toleration],
    ds: &Workload,
) -> bool {
    super::scheduler::node_misfit(
        node,
        tolerations,
        &ds.spec.template.spec.node_selector,
        true,
    )
    .is_none()
}

/// DaemonSet controller: one pod per node whose labels match the pod's `nodeSelector` and
/// whose taints it tolerates; pods on other (or vanished) nodes, and duplicates, are deleted.
/// The pod is bound to its node directly (the controller's node affinity leaves the scheduler
/// one choice).
fn sync_daemonset(c: &mut Cluster, key: &WKey) {
    let Some(ds) = c.store.workloads.get(key).cloned() else {
        return;
    };
    if ds.metadata.deletion_timestamp.is_some() {
        return;
    }
    let ns = ds.metadata.namespace.clone();
    let name = ds.metadata.name.clone();
    let tolerations = daemon_pod_tolerations(&ds);
    // A set: pods are checked against it below, once per node (a Vec made that quadratic).
    let eligible: BTreeSet<String> = c
        .store
        .nodes
        .iter()
        .filter(|(_, n)| daemon_fits(n, &tolerations, &ds))
        .map(|(k, _)| k.clone())
        .collect();
    let pods = owned_pods(c, "DaemonSet", &ds.metadata);
    let mut by_node: BTreeMap<String, Vec<&Brief>> = BTreeMap::new();
    for p in pods.iter().filter(|p| p.active) {
        by_node.entry(p.node.clone()).or_default().push(p);
    }
    let hash = pod_template_hash(&ds.spec.template);
    let prefix = format!("{name}-");
    let owner = controller_ref("DaemonSet", "apps/v1", &ds.metadata);
    for node in &eligible {
        if by_node.get(node).is_some_and(|v| !v.is_empty()) {
            continue;
        }
        let mut template = ds.spec.template.clone();
        template
            .metadata
            .labels
            .insert("controller-revision-hash".to_string(), hash.clone());
        template.metadata.labels.insert(
            "pod-template-generation".to_string(),
            ds.metadata.generation.unwrap_or(1).to_string(),
        );
        template.spec.tolerations = tolerations.clone();
        let pod_name = generate_name(c, &ns, &prefix);
        let mut pod = pod_from_template(
            c,
            &template,
            &ns,
            pod_name.clone(),
            prefix.clone(),
            owner.clone(),
        );
        pod.spec.node_name = node.clone();
        pod.status.conditions.push(crate::api::core::PodCondition {
            type_: "PodScheduled".to_string(),
            status: "True".to_string(),
            last_transition_time: Some(c.wall_now()),
        });
        state::put_pod(c, pod);
        c.event(
            "Normal",
            "SuccessfulCreate",
            object(WorkloadKind::DaemonSet, &name),
            &ns,
            format!("Created pod: {pod_name}"),
        );
        c.event(
            "Normal",
            "Scheduled",
            format!("pod/{pod_name}"),
            &ns,
            format!("Successfully assigned {ns}/{pod_name} to {node}"),
        );
    }
    let mut doomed: Vec<String> = Vec::new();
    for (node, list) in &by_node {
        if eligible.contains(node) {
            let mut list = list.clone();
            list.sort_by_key(|p| (p.created, p.name.clone()));
            doomed.extend(list.iter().skip(1).map(|p| p.name.clone()));
        } else {
            doomed.extend(list.iter().map(|p| p.name.clone()));
        }
    }
    for pod_name in doomed {
        let message = format!("Deleted pod: {pod_name}");
        delete_owned_pod(c, WorkloadKind::DaemonSet, &name, &ns, &pod_name, message);
    }
    let pods = owned_pods(c, "DaemonSet", &ds.metadata);
    let active = pods.iter().filter(|p| p.active).count();
    let ready = pods.iter().filter(|p| p.active && p.ready).count();
    let status = crate::api::apps::WorkloadStatus {
        replicas: Some(as_count(eligible.len())),
        ready_replicas: Some(as_count(ready)),
        available_replicas: Some(as_count(ready)),
        updated_replicas: Some(as_count(active)),
    };
    write_status(c, key, status);
}
