//! `apps/v1`: Deployment, ReplicaSet, StatefulSet, DaemonSet — the workloads that make pods.

use super::core::{meta, PodSpec};
use super::decode::{Cx, Fields};
use super::meta::{LabelSelector, ObjectMeta};
use serde::Serialize;

/// `v1.PodTemplateSpec`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Default)]
#[serde(rename_all = "camelCase")]
pub struct PodTemplateSpec {
    pub metadata: ObjectMeta,
    pub spec: PodSpec,
}

impl PodTemplateSpec {
    fn decode(cx: &mut Cx, mut t: Fields<'_>) -> PodTemplateSpec {
        let metadata = meta(cx, &mut t);
        let spec = t
            .object(cx, "spec", "PodSpec", PodSpec::decode)
            .unwrap_or_default();
        t.finish(cx);
        PodTemplateSpec { metadata, spec }
    }
}

/// The spec shared by the four workload kinds (fields a kind lacks stay at their zero value).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Default)]
#[serde(rename_all = "camelCase")]
pub struct WorkloadSpec {
    /// Deployment/ReplicaSet/StatefulSet: desired pods (nil → 1). DaemonSet: unused.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub replicas: Option<i32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub selector: Option<LabelSelector>,
    pub template: PodTemplateSpec,
    /// StatefulSet: the governing (headless) Service, which gives pods their DNS subdomain.
    #[serde(skip_serializing_if = "String::is_empty")]
    pub service_name: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Default)]
#[serde(rename_all = "camelCase")]
pub struct WorkloadStatus {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub replicas: Option<i32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ready_replicas: Option<i32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub available_replicas: Option<i32>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub updated_replicas: Option<i32>,
}

/// A Deployment, ReplicaSet, StatefulSet or DaemonSet (which one is [`Workload::kind`]).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Default)]
#[serde(rename_all = "camelCase")]
pub struct Workload {
    #[serde(skip)]
    pub kind: WorkloadKind,
    pub metadata: ObjectMeta,
    pub spec: WorkloadSpec,
    pub status: WorkloadStatus,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default, Serialize)]
pub enum WorkloadKind {
    #[default]
    Deployment,
    ReplicaSet,
    StatefulSet,
    DaemonSet,
}

impl WorkloadKind {
    pub fn as_str(self) -> &'static str {
        match self {
            WorkloadKind::Deployment => "Deployment",
            WorkloadKind::ReplicaSet => "ReplicaSet",
            WorkloadKind::StatefulSet => "StatefulSet",
            WorkloadKind::DaemonSet => "DaemonSet",
        }
    }
}

const SPEC_IGNORED: &[&str] = &[
    "strategy",
    "minReadySeconds",
    "revisionHistoryLimit",
    "paused",
    "progressDeadlineSeconds",
    "updateStrategy",
    "podManagementPolicy",
    "volumeClaimTemplates",
    "persistentVolumeClaimRetentionPolicy",
    "ordinals",
];

impl Workload {
    pub(crate) fn decode(kind: WorkloadKind, cx: &mut Cx, f: &mut Fields<'_>) -> Workload {
        let metadata = meta(cx, f);
        let go_spec = match kind {
            WorkloadKind::Deployment => "DeploymentSpec",
            WorkloadKind::ReplicaSet => "ReplicaSetSpec",
            WorkloadKind::StatefulSet => "StatefulSetSpec",
            WorkloadKind::DaemonSet => "DaemonSetSpec",
        };
        let spec = f
            .object(cx, "spec", go_spec, |cx, mut s| {
                let replicas = if kind == WorkloadKind::DaemonSet {
                    None
                } else {
                    s.i32(cx, "replicas")
                };
                let service_name = if kind == WorkloadKind::StatefulSet {
                    s.string(cx, "serviceName").unwrap_or_default()
                } else {
                    String::new()
                };
                let v = WorkloadSpec {
                    replicas,
                    selector: s.object(cx, "selector", "LabelSelector", LabelSelector::decode),
                    template: s
                        .object(cx, "template", "PodTemplateSpec", PodTemplateSpec::decode)
                        .unwrap_or_default(),
                    service_name,
                };
                s.ignore(SPEC_IGNORED);
                s.finish(cx);
                v
            })
            .unwrap_or_default();
        f.ignore(&["status"]);
        Workload {
            kind,
            metadata,
            spec,
            status: WorkloadStatus::default(),
        }
    }

    /// Desired replicas (`spec.replicas`, nil → 1).
    pub fn desired_replicas(&self) -> i32 {
        self.spec.replicas.unwrap_or(1)
    }
}
