//! `networking.k8s.io/v1` ServiceCIDR and IPAddress (KEP-1880, GA in Kubernetes 1.33): the
//! ranges kube-apiserver allocates ClusterIPs from, and one object per allocated address.
//!
//! Both are cluster-scoped. A ServiceCIDR's `status` belongs to the controllers (the default
//! one's to kube-apiserver, the others' to kube-controller-manager's `servicecidrs`
//! controller): a pasted `status` is accepted and dropped, as the registry's strategy resets it
//! on update.

use super::core::meta;
use super::decode::{Cx, Fields};
use super::meta::{ObjectMeta, Time};
use serde::Serialize;

/// `metav1.Condition`: `reason` and `message` are always printed (no `omitempty`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Default)]
#[serde(rename_all = "camelCase")]
pub struct Condition {
    #[serde(rename = "type")]
    pub type_: String,
    pub status: String,
    pub last_transition_time: Option<Time>,
    pub reason: String,
    pub message: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Default)]
pub struct ServiceCidrSpec {
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub cidrs: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Default)]
pub struct ServiceCidrStatus {
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub conditions: Vec<Condition>,
}

/// `networking.k8s.io/v1` ServiceCIDR.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Default)]
pub struct ServiceCidr {
    pub metadata: ObjectMeta,
    pub spec: ServiceCidrSpec,
    pub status: ServiceCidrStatus,
}

impl ServiceCidr {
    pub(crate) fn decode(cx: &mut Cx, f: &mut Fields<'_>) -> ServiceCidr {
        let metadata = meta(cx, f);
        let spec = f
            .object(cx, "spec", "ServiceCIDRSpec", |cx, mut s| {
                let v = ServiceCidrSpec {
                    cidrs: s.strings(cx, "cidrs").unwrap_or_default(),
                };
                s.finish(cx);
                v
            })
            .unwrap_or_default();
        f.ignore(&["status"]);
        ServiceCidr {
            metadata,
            spec,
            status: ServiceCidrStatus::default(),
        }
    }

    /// `isReady` of kube-apiserver's allocator: the Ready condition's status, and ready when
    /// there is none yet ("in order to handle scenarios where kcm is not running").
    pub fn is_ready(&self) -> bool {
        self.status
            .conditions
            .iter()
            .find(|c| c.type_ == "Ready")
            .is_none_or(|c| c.status == "True")
    }
}

/// `networking.k8s.io/v1` ParentReference: the object an IPAddress is allocated to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Default)]
pub struct ParentReference {
    #[serde(skip_serializing_if = "String::is_empty")]
    pub group: String,
    pub resource: String,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub namespace: String,
    pub name: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Default)]
#[serde(rename_all = "camelCase")]
pub struct IpAddressSpec {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub parent_ref: Option<ParentReference>,
}

/// `networking.k8s.io/v1` IPAddress: named by the address itself, in canonical form.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Default)]
pub struct IpAddress {
    pub metadata: ObjectMeta,
    pub spec: IpAddressSpec,
}

impl IpAddress {
    pub(crate) fn decode(cx: &mut Cx, f: &mut Fields<'_>) -> IpAddress {
        let metadata = meta(cx, f);
        let spec = f
            .object(cx, "spec", "IPAddressSpec", |cx, mut s| {
                let v = IpAddressSpec {
                    parent_ref: s.object(cx, "parentRef", "ParentReference", |cx, mut p| {
                        let v = ParentReference {
                            group: p.string(cx, "group").unwrap_or_default(),
                            resource: p.string(cx, "resource").unwrap_or_default(),
                            namespace: p.string(cx, "namespace").unwrap_or_default(),
                            name: p.string(cx, "name").unwrap_or_default(),
                        };
                        p.finish(cx);
                        v
                    }),
                };
                s.finish(cx);
                v
            })
            .unwrap_or_default();
        IpAddress { metadata, spec }
    }

    /// kubectl's PARENTREF cell: `resource[.group][/namespace]/name`, lower-cased group and
    /// resource (`services/default/kubernetes`), `<none>` without a reference.
    pub fn parent_ref_text(&self) -> String {
        let Some(p) = &self.spec.parent_ref else {
            return "<none>".to_string();
        };
        let mut s = if p.group.is_empty() {
            p.resource.to_lowercase()
        } else {
            format!("{}.{}", p.resource, p.group).to_lowercase()
        };
        if !p.namespace.is_empty() {
            s.push('/');
            s.push_str(&p.namespace);
        }
        s.push('/');
        s.push_str(&p.name);
        s
    }
}
