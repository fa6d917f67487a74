//! Typed Kubernetes objects, decoded from a [`manifest`](crate::manifest) tree the way
//! kube-apiserver decodes a request with strict field validation.
//!
//! Submodules follow the API groups: [`core`] (v1), [`discovery`] (EndpointSlice), [`apps`]
//! (workloads), [`networking`] (ServiceCIDR, IPAddress), [`meta`] (ObjectMeta, selectors), [`setup`] (kind and MetalLB set-up documents).

pub mod apps;
pub mod core;
pub mod decode;
pub mod discovery;
pub mod meta;
pub mod networking;
pub mod setup;

use crate::manifest::{Pos, RawObject};
use crate::quote::go_quote_capped as q;
use apps::{Workload, WorkloadKind};
use decode::{Cx, Fields};
use serde::Serialize;

/// One object of a manifest, decoded. (Variants differ in size; an object is moved once per
/// apply, so boxing would only add indirection.)
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Clone, PartialEq)]
pub enum Object {
    Service(core::Service),
    EndpointSlice(discovery::EndpointSlice),
    Endpoints(core::Endpoints),
    Pod(core::Pod),
    /// Deployment, ReplicaSet, StatefulSet or DaemonSet.
    Workload(Workload),
    Namespace(core::Namespace),
    Node(core::Node),
    /// A range kube-apiserver allocates ClusterIPs from.
    ServiceCidr(networking::ServiceCidr),
    /// One allocated ClusterIP (written by kube-apiserver; accepted from a manifest too).
    IpAddress(networking::IpAddress),
    /// kind's cluster config: shapes the simulated cluster, is not an API object.
    KindCluster(setup::KindCluster),
    /// MetalLB's address pool for LoadBalancer Services.
    IpAddressPool(setup::IpAddressPool),
    /// A kind svcsim does not simulate (Ingress, ConfigMap, …): kept and listed, never an error.
    Unsimulated(Unsimulated),
}

/// An object of a kind that is not simulated.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Unsimulated {
    pub api_version: String,
    pub kind: String,
    pub name: String,
    pub namespace: String,
}

/// The simulated kinds: (kind, apiVersion, resource name as kubectl prints it, namespaced).
pub const KINDS: &[(&str, &str, &str, bool)] = &[
    ("Service", "v1", "service", true),
    (
        "EndpointSlice",
        "discovery.k8s.io/v1",
        "endpointslice.discovery.k8s.io",
        true,
    ),
    ("Endpoints", "v1", "endpoints", true),
    ("Pod", "v1", "pod", true),
    ("Deployment", "apps/v1", "deployment.apps", true),
    ("ReplicaSet", "apps/v1", "replicaset.apps", true),
    ("StatefulSet", "apps/v1", "statefulset.apps", true),
    ("DaemonSet", "apps/v1", "daemonset.apps", true),
    ("Namespace", "v1", "namespace", false),
    ("Node", "v1", "node", false),
    (
        "ServiceCIDR",
        "networking.k8s.io/v1",
        "servicecidr.networking.k8s.io",
        false,
    ),
    (
        "IPAddress",
        "networking.k8s.io/v1",
        "ipaddress.networking.k8s.io",
        false,
    ),
    (
        "Cluster",
        "kind.x-k8s.io/v1alpha4",
        "cluster.kind.x-k8s.io",
        false,
    ),
    (
        "IPAddressPool",
        "metallb.io/v1beta1",
        "ipaddresspool.metallb.io",
        true,
    ),
];

/// Why an object could not be decoded.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DecodeError {
    /// The kind exists, but not in that apiVersion (kubectl's REST mapping failure). kubectl
    /// and `meta.NoKindMatchError` quote every part with `%q` (capped, see [`crate::quote`]).
    #[error("resource mapping not found for name: {} namespace: {} from {}: no matches for kind {} in version {}\nensure CRDs are installed first", q(name), q(namespace), q(source_name), q(kind), q(api_version))]
    NoMatch {
        name: String,
        namespace: String,
        source_name: String,
        kind: String,
        api_version: String,
        pos: Pos,
    },
    /// Type errors or strict-decoding errors (HTTP 400 BadRequest).
    #[error("{kind} in version \"{version}\" cannot be handled as a {kind}: {message}")]
    BadRequest {
        kind: String,
        version: String,
        message: String,
        /// Field path of the first problem, and where it is.
        path: String,
        pos: Pos,
    },
}

impl DecodeError {
    pub fn pos(&self) -> Pos {
        match self {
            DecodeError::NoMatch { pos, .. } | DecodeError::BadRequest { pos, .. } => *pos,
        }
    }
}

/// Decode a raw object into its typed form. `source_name` is only used in messages.
pub fn decode_object(raw: &RawObject, source_name: &str) -> Result<Object, Box<DecodeError>> {
    let known = KINDS.iter().find(|(k, ..)| *k == raw.kind);
    let Some((kind, api_version, ..)) = known else {
        return Ok(Object::Unsimulated(unsimulated(raw)));
    };
    if *api_version != raw.api_version {
        // Another group may own a kind of the same name (e.g. a CRD called Cluster).
        if raw.kind == "Cluster" || raw.kind == "Endpoints" && raw.api_version != "v1" {
            return Ok(Object::Unsimulated(unsimulated(raw)));
        }
        let group = raw.api_version.split('/').next().unwrap_or("");
        let same_group = api_version.split('/').next().unwrap_or("") == group;
        if same_group
            || matches!(
                raw.api_version.as_str(),
                "v1" | "apps/v1" | "discovery.k8s.io/v1"
            )
        {
            return Err(Box::new(DecodeError::NoMatch {
                name: raw.name.clone(),
                namespace: raw.namespace.clone().unwrap_or_default(),
                source_name: source_name.to_string(),
                kind: raw.kind.clone(),
                api_version: raw.api_version.clone(),
                pos: raw.node.pos_for_path("apiVersion"),
            }));
        }
        return Ok(Object::Unsimulated(unsimulated(raw)));
    }
    let go_kind: &'static str = kind;
    let mut cx = Cx::default();
    let object = {
        let Some(mut f) = Fields::open(&mut cx, &raw.node, decode::At::root(go_kind), go_kind)
        else {
            return Err(bad_request(raw, &cx, "object expected"));
        };
        f.ignore(&["apiVersion", "kind"]);
        let object = match go_kind {
            "Service" => Object::Service(core::Service::decode(&mut cx, &mut f)),
            "EndpointSlice" => {
                Object::EndpointSlice(discovery::EndpointSlice::decode(&mut cx, &mut f))
            }
            "Endpoints" => Object::Endpoints(core::Endpoints::decode(&mut cx, &mut f)),
            "Pod" => Object::Pod(core::Pod::decode(&mut cx, &mut f)),
            "Deployment" => {
                Object::Workload(Workload::decode(WorkloadKind::Deployment, &mut cx, &mut f))
            }
            "ReplicaSet" => {
                Object::Workload(Workload::decode(WorkloadKind::ReplicaSet, &mut cx, &mut f))
            }
            "StatefulSet" => {
                Object::Workload(Workload::decode(WorkloadKind::StatefulSet, &mut cx, &mut f))
            }
            "DaemonSet" => {
                Object::Workload(Workload::decode(WorkloadKind::DaemonSet, &mut cx, &mut f))
            }
            "Namespace" => Object::Namespace(core::Namespace::decode(&mut cx, &mut f)),
            "Node" => Object::Node(core::Node::decode(&mut cx, &mut f)),
            "ServiceCIDR" => Object::ServiceCidr(networking::ServiceCidr::decode(&mut cx, &mut f)),
            "IPAddress" => Object::IpAddress(networking::IpAddress::decode(&mut cx, &mut f)),
            "Cluster" => Object::KindCluster(setup::KindCluster::decode(&mut cx, &mut f)),
            _ => Object::IpAddressPool(setup::IpAddressPool::decode(&mut cx, &mut f)),
        };
        f.finish(&mut cx);
        object
    };
    if cx.message().is_some() {
        return Err(bad_request(raw, &cx, ""));
    }
    Ok(object)
}

fn bad_request(raw: &RawObject, cx: &Cx, fallback: &str) -> Box<DecodeError> {
    let (path, pos) = cx.first_pos().unwrap_or((String::new(), raw.node.pos));
    let version = raw
        .api_version
        .rsplit('/')
        .next()
        .unwrap_or(&raw.api_version)
        .to_string();
    Box::new(DecodeError::BadRequest {
        kind: raw.kind.clone(),
        version,
        message: cx.message().unwrap_or_else(|| fallback.to_string()),
        path,
        pos,
    })
}

fn unsimulated(raw: &RawObject) -> Unsimulated {
    Unsimulated {
        api_version: raw.api_version.clone(),
        kind: raw.kind.clone(),
        name: raw.name.clone(),
        namespace: raw.namespace.clone().unwrap_or_default(),
    }
}

impl Object {
    /// The object's kind as Kubernetes names it.
    pub fn kind(&self) -> &str {
        match self {
            Object::Service(_) => "Service",
            Object::EndpointSlice(_) => "EndpointSlice",
            Object::Endpoints(_) => "Endpoints",
            Object::Pod(_) => "Pod",
            Object::Workload(w) => w.kind.as_str(),
            Object::Namespace(_) => "Namespace",
            Object::Node(_) => "Node",
            Object::ServiceCidr(_) => "ServiceCIDR",
            Object::IpAddress(_) => "IPAddress",
            Object::KindCluster(_) => "Cluster",
            Object::IpAddressPool(_) => "IPAddressPool",
            Object::Unsimulated(u) => &u.kind,
        }
    }

    /// The object's metadata (None for kind's Cluster and unsimulated kinds).
    pub fn metadata(&self) -> Option<&meta::ObjectMeta> {
        Some(match self {
            Object::Service(o) => &o.metadata,
            Object::EndpointSlice(o) => &o.metadata,
            Object::Endpoints(o) => &o.metadata,
            Object::Pod(o) => &o.metadata,
            Object::Workload(o) => &o.metadata,
            Object::Namespace(o) => &o.metadata,
            Object::Node(o) => &o.metadata,
            Object::ServiceCidr(o) => &o.metadata,
            Object::IpAddress(o) => &o.metadata,
            Object::IpAddressPool(o) => &o.metadata,
            Object::KindCluster(_) | Object::Unsimulated(_) => return None,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::manifest::parse;

    fn decode_first(text: &str) -> Result<Object, Box<DecodeError>> {
        let parsed = parse(text);
        assert!(parsed.errors.is_empty(), "{:?}", parsed.errors);
        decode_object(&parsed.objects[0], "f.yaml")
    }

    #[test]
    fn decodes_lecture_service() {
        let o = decode_first(
            "apiVersion: v1\nkind: Service\nmetadata:\n  name: my-service\nspec:\n  selector:\n    app.kubernetes.io/name: MyApp\n  ports:\n    - protocol: TCP\n      port: 80\n      targetPort: 9376\n",
        )
        .unwrap();
        let Object::Service(s) = o else { panic!() };
        assert_eq!(s.metadata.name, "my-service");
        assert_eq!(s.spec.ports[0].port, 80);
        assert_eq!(
            s.spec.ports[0].target_port,
            Some(core::IntOrString::Int(9376))
        );
    }

    #[test]
    fn unknown_field_is_strict_error() {
        let e = decode_first("apiVersion: v1\nkind: Service\nmetadata:\n  name: x\nspec:\n  ports:\n  - port: 80\n    prot: TCP\n").unwrap_err();
        assert_eq!(e.to_string(), "Service in version \"v1\" cannot be handled as a Service: strict decoding error: unknown field \"spec.ports[0].prot\"");
        assert_eq!(e.pos(), Pos::new(8, 5));
    }

    #[test]
    fn wrong_api_version() {
        let e =
            decode_first("apiVersion: apps/v1\nkind: Service\nmetadata:\n  name: x\n").unwrap_err();
        assert!(e.to_string().starts_with("resource mapping not found for name: \"x\" namespace: \"\" from \"f.yaml\": no matches for kind \"Service\" in version \"apps/v1\""));
    }

    #[test]
    fn no_match_quotes_the_name_like_kubectl() {
        let e = decode_first(
            "apiVersion: apps/v1\nkind: Service\nmetadata:\n  name: \"a\\u202eb\\e[31m\"\n",
        )
        .unwrap_err();
        assert!(e.to_string().starts_with(
            "resource mapping not found for name: \"a\\u202eb\\x1b[31m\" namespace: \"\""
        ));
    }

    #[test]
    fn unsimulated_kinds_are_kept() {
        let o = decode_first("apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata:\n  name: i\nspec:\n  anything: [1]\n").unwrap();
        assert_eq!(o.kind(), "Ingress");
    }
}
