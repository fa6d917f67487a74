//! Cluster set-up documents: kind's `Cluster` config and MetalLB's `IPAddressPool`.

use super::core::meta;
use super::decode::{Cx, Fields};
use super::meta::ObjectMeta;
use serde::Serialize;
use std::collections::BTreeMap;

/// A node of kind's config (`nodes[]`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Default)]
#[serde(rename_all = "camelCase")]
pub struct KindNode {
    /// `control-plane` or `worker`.
    pub role: String,
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub labels: BTreeMap<String, String>,
}

/// kind's `networking` block.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Default)]
#[serde(rename_all = "camelCase")]
pub struct KindNetworking {
    #[serde(skip_serializing_if = "String::is_empty")]
    pub pod_subnet: String,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub service_subnet: String,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub kube_proxy_mode: String,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub ip_family: String,
}

/// `kind.x-k8s.io/v1alpha4` Cluster: how `kind create cluster --config` shapes the cluster.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Default)]
#[serde(rename_all = "camelCase")]
pub struct KindCluster {
    #[serde(skip_serializing_if = "String::is_empty")]
    pub name: String,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub nodes: Vec<KindNode>,
    pub networking: KindNetworking,
}

impl KindCluster {
    pub(crate) fn decode(cx: &mut Cx, f: &mut Fields<'_>) -> KindCluster {
        let name = f.string(cx, "name").unwrap_or_default();
        let nodes = f
            .objects(cx, "nodes", "Node", |cx, mut n| {
                let v = KindNode {
                    role: n.string(cx, "role").unwrap_or_default(),
                    labels: n.string_map(cx, "labels").unwrap_or_default(),
                };
                n.ignore(&[
                    "image",
                    "extraMounts",
                    "extraPortMappings",
                    "kubeadmConfigPatches",
                    "kubeadmConfigPatchesJSON6902",
                ]);
                n.finish(cx);
                v
            })
            .unwrap_or_default();
        let networking = f
            .object(cx, "networking", "Networking", |cx, mut n| {
                let v = KindNetworking {
                    pod_subnet: n.string(cx, "podSubnet").unwrap_or_default(),
                    service_subnet: n.string(cx, "serviceSubnet").unwrap_or_default(),
                    kube_proxy_mode: n.string(cx, "kubeProxyMode").unwrap_or_default(),
                    ip_family: n.string(cx, "ipFamily").unwrap_or_default(),
                };
                n.ignore(&[
                    "apiServerAddress",
                    "apiServerPort",
                    "disableDefaultCNI",
                    "dnsSearch",
                ]);
                n.finish(cx);
                v
            })
            .unwrap_or_default();
        f.ignore(&[
            "featureGates",
            "runtimeConfig",
            "kubeadmConfigPatches",
            "kubeadmConfigPatchesJSON6902",
            "containerdConfigPatches",
            "containerdConfigPatchesJSON6902",
        ]);
        KindCluster {
            name,
            nodes,
            networking,
        }
    }
}

/// `metallb.io/v1beta1` IPAddressPool: the addresses LoadBalancer Services get.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Default)]
#[serde(rename_all = "camelCase")]
pub struct IpAddressPool {
    pub metadata: ObjectMeta,
    pub spec: IpAddressPoolSpec,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Default)]
#[serde(rename_all = "camelCase")]
pub struct IpAddressPoolSpec {
    /// CIDRs (`172.18.255.0/24`) or ranges (`172.18.255.200-172.18.255.250`).
    pub addresses: Vec<String>,
    /// nil → true: the pool serves Services that ask for no specific pool.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub auto_assign: Option<bool>,
    #[serde(rename = "avoidBuggyIPs", skip_serializing_if = "Option::is_none")]
    pub avoid_buggy_ips: Option<bool>,
}

impl IpAddressPool {
    pub(crate) fn decode(cx: &mut Cx, f: &mut Fields<'_>) -> IpAddressPool {
        let metadata = meta(cx, f);
        let spec = f
            .object(cx, "spec", "IPAddressPoolSpec", |cx, mut s| {
                let v = IpAddressPoolSpec {
                    addresses: s.strings(cx, "addresses").unwrap_or_default(),
                    auto_assign: s.bool(cx, "autoAssign"),
                    avoid_buggy_ips: s.bool(cx, "avoidBuggyIPs"),
                };
                s.ignore(&["serviceAllocation"]);
                s.finish(cx);
                v
            })
            .unwrap_or_default();
        f.ignore(&["status"]);
        IpAddressPool { metadata, spec }
    }
}
