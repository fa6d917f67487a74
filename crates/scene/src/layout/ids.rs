//! Identities: the stable [`ObjectId`] of everything the page can hover, select or animate
//! towards, and what an edge means.

use std::fmt;
use std::net::Ipv4Addr;
use svcsim_engine::trace::{Place, DEFAULT_EXTERNAL_CLIENT};

/// What an edge between two objects means.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum EdgeKind {
    /// The Service's selector matches the pod's labels (what the user *asked* for).
    Selector,
    /// The pod is a ready endpoint in one of the Service's EndpointSlices (what kube-proxy *uses*).
    Endpoint,
    /// An endpoint listed as not ready (readiness failing or terminating): kube-proxy skips it.
    EndpointNotReady,
    /// A LoadBalancer address pointing at its Service.
    LoadBalancer,
}

/// A stable identity for everything the page can hover, select or animate towards.
///
/// Its [`Display`](fmt::Display) form (`pod/default/web-1`, `svc/kube-system/kube-dns`,
/// `node/kind-worker`, `lb/172.18.255.200`, …) round-trips through [`ObjectId::parse`], so a
/// selection can live in a share link.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum ObjectId {
    /// The cluster's outline.
    Cluster,
    Node(String),
    /// The kube-proxy chip in a node's header (where a packet sits while rules are evaluated).
    KubeProxy(String),
    Pod {
        namespace: String,
        name: String,
    },
    Service {
        namespace: String,
        name: String,
    },
    /// An EndpointSlice: a chip under its Service with its endpoint count; the endpoint edges
    /// leave from it.
    EndpointSlice {
        namespace: String,
        name: String,
    },
    /// A NodePort badge on a node's edge: `port` is the nodePort.
    NodePort {
        node: String,
        namespace: String,
        service: String,
        port: i32,
    },
    /// A LoadBalancer address (MetalLB), outside the cluster.
    LoadBalancer(String),
    /// The machine outside the cluster that sends external requests ([`DEFAULT_EXTERNAL_CLIENT`]).
    ExternalClient,
    /// A manual endpoint address that is neither a pod nor a node (a selector-less Service's
    /// EndpointSlice, e.g. `10.4.5.6`): a host outside the cluster.
    ExternalEndpoint(String),
    /// Every other host outside the cluster (ExternalName targets, the upstream DNS, …).
    Remote,
    /// The box of pods no node runs yet (Pending, unschedulable).
    Unscheduled,
    /// An edge; `from` is the Service (or LB), `to` the pod/node/endpoint.
    Edge {
        kind: EdgeKind,
        from: Box<ObjectId>,
        to: Box<ObjectId>,
    },
}

impl ObjectId {
    pub fn pod(namespace: &str, name: &str) -> ObjectId {
        ObjectId::Pod {
            namespace: namespace.to_string(),
            name: name.to_string(),
        }
    }

    pub fn service(namespace: &str, name: &str) -> ObjectId {
        ObjectId::Service {
            namespace: namespace.to_string(),
            name: name.to_string(),
        }
    }

    pub fn endpoint_slice(namespace: &str, name: &str) -> ObjectId {
        ObjectId::EndpointSlice {
            namespace: namespace.to_string(),
            name: name.to_string(),
        }
    }

    /// The objects a journey hop happens at, so the canvas can outline them while the packet is
    /// there: the pod, the node (veth, root namespace), the node's kube-proxy, both machines of a
    /// wire, the load balancer, the external client or host.
    pub fn for_place(place: &Place) -> Vec<ObjectId> {
        match place {
            Place::Pod {
                namespace, name, ..
            } => vec![ObjectId::pod(namespace, name)],
            Place::Veth { node, .. } | Place::Node { node } => vec![ObjectId::Node(node.clone())],
            Place::KubeProxy { node, .. } => vec![ObjectId::KubeProxy(node.clone())],
            Place::Wire { from, to, .. } => vec![ObjectId::machine(from), ObjectId::machine(to)],
            Place::LoadBalancer { ip, .. } => vec![ObjectId::LoadBalancer(ip.to_string())],
            Place::External { ip } if *ip == DEFAULT_EXTERNAL_CLIENT => {
                vec![ObjectId::ExternalClient]
            }
            Place::External { ip } => vec![ObjectId::ExternalEndpoint(ip.to_string())],
        }
    }

    /// One end of a wire: a node by name, or a machine outside the cluster by address.
    fn machine(name: &str) -> ObjectId {
        match name.parse::<Ipv4Addr>() {
            Ok(ip) if ip == DEFAULT_EXTERNAL_CLIENT => ObjectId::ExternalClient,
            Ok(ip) => ObjectId::ExternalEndpoint(ip.to_string()),
            Err(_) => ObjectId::Node(name.to_string()),
        }
    }

    /// Parse the [`Display`](fmt::Display) form back (edges are not parseable: they are
    /// never selected on their own). Never panics.
    pub fn parse(s: &str) -> Option<ObjectId> {
        let (kind, rest) = s.split_once('/').unwrap_or((s, ""));
        let two = |rest: &str| {
            rest.split_once('/')
                .filter(|(a, b)| !a.is_empty() && !b.is_empty() && !b.contains('/'))
                .map(|(a, b)| (a.to_string(), b.to_string()))
        };
        let one = |rest: &str| (!rest.is_empty() && !rest.contains('/')).then(|| rest.to_string());
        Some(match kind {
            "cluster" if rest.is_empty() => ObjectId::Cluster,
            "node" => ObjectId::Node(one(rest)?),
            "kube-proxy" => ObjectId::KubeProxy(one(rest)?),
            "pod" => {
                let (namespace, name) = two(rest)?;
                ObjectId::Pod { namespace, name }
            }
            "svc" => {
                let (namespace, name) = two(rest)?;
                ObjectId::Service { namespace, name }
            }
            "endpointslice" => {
                let (namespace, name) = two(rest)?;
                ObjectId::EndpointSlice { namespace, name }
            }
            "nodeport" => {
                let mut parts = rest.split('/');
                let node = parts.next()?.to_string();
                let namespace = parts.next()?.to_string();
                let service = parts.next()?.to_string();
                let port = parts.next()?.parse().ok()?;
                if parts.next().is_some() || node.is_empty() || service.is_empty() {
                    return None;
                }
                ObjectId::NodePort {
                    node,
                    namespace,
                    service,
                    port,
                }
            }
            "lb" => ObjectId::LoadBalancer(one(rest)?),
            "external-client" if rest.is_empty() => ObjectId::ExternalClient,
            "external" => ObjectId::ExternalEndpoint(one(rest)?),
            "remote" if rest.is_empty() => ObjectId::Remote,
            "unscheduled" if rest.is_empty() => ObjectId::Unscheduled,
            _ => return None,
        })
    }

    /// For an edge, whether `other` is one of its ends; for anything else, equality. The
    /// renderer uses it for hover highlight: hovering a pod lights up the edges that reach it.
    pub fn touches(&self, other: &ObjectId) -> bool {
        match self {
            ObjectId::Edge { from, to, .. } => **from == *other || **to == *other || self == other,
            _ => self == other,
        }
    }
}

impl fmt::Display for ObjectId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ObjectId::Cluster => f.write_str("cluster"),
            ObjectId::Node(n) => write!(f, "node/{n}"),
            ObjectId::KubeProxy(n) => write!(f, "kube-proxy/{n}"),
            ObjectId::Pod { namespace, name } => write!(f, "pod/{namespace}/{name}"),
            ObjectId::Service { namespace, name } => write!(f, "svc/{namespace}/{name}"),
            ObjectId::EndpointSlice { namespace, name } => {
                write!(f, "endpointslice/{namespace}/{name}")
            }
            ObjectId::NodePort {
                node,
                namespace,
                service,
                port,
            } => write!(f, "nodeport/{node}/{namespace}/{service}/{port}"),
            ObjectId::LoadBalancer(ip) => write!(f, "lb/{ip}"),
            ObjectId::ExternalClient => f.write_str("external-client"),
            ObjectId::ExternalEndpoint(ip) => write!(f, "external/{ip}"),
            ObjectId::Remote => f.write_str("remote"),
            ObjectId::Unscheduled => f.write_str("unscheduled"),
            ObjectId::Edge { kind, from, to } => write!(f, "edge/{kind:?}/{from}->{to}"),
        }
    }
}
