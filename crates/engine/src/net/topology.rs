//! Where addresses live, and how a node routes a packet toward them.
//!
//! The kind network svcsim reproduces:
//! * every node is a container on docker's `kind` bridge (172.18.0.0/16, gateway 172.18.0.1),
//!   with its `InternalIP` there;
//! * every node owns a `/24` of the pod subnet (`spec.podCIDR`, from the node IPAM
//!   controller); kindnet programs, on each node, one route per *other* node
//!   (`10.244.2.0/24 via 172.18.0.4 dev eth0`) and, for each local pod, a `/32` host route to
//!   its veth (the CNI `ptp` plugin). So pod-to-pod traffic crosses nodes **without NAT**, as
//!   the Kubernetes network model requires;
//! * ClusterIPs are virtual: no interface has them and no route leads to them; only
//!   kube-proxy's DNAT makes them work, on the node where the packet enters;
//! * LoadBalancer ingress IPs come from MetalLB in layer-2 mode: one elected node answers ARP
//!   for the IP ([`l2_announcer`]), so outside traffic for it lands on that node;
//! * `externalIPs` are routed to the cluster by the network administrator; svcsim delivers
//!   them to the node that owns the address if it is a node IP, else to the first Ready node
//!   by name (document your own choice with [`crate::trace::TraceOptions::via_node`]).

use crate::api::core::{Pod, Service};
use crate::cluster::{Cluster, ObjectKey};
use crate::ipv4::Cidr;
use serde::Serialize;
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;
use std::net::Ipv4Addr;

/// kind's docker network when the node addresses say nothing else.
const DEFAULT_NODE_NET: &str = "172.18.0.0/16";

/// One node's addressing.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct NodeNet {
    pub name: String,
    /// `InternalIP` on kind's docker network.
    pub ip: Ipv4Addr,
    /// `spec.podCIDR` (None before the IPAM controller assigned one).
    #[serde(serialize_with = "ser_opt_cidr")]
    pub pod_cidr: Option<Cidr>,
    /// The Ready condition (a missing condition counts as ready: svcsim's nodes are up).
    pub ready: bool,
    /// Labelled `node.kubernetes.io/exclude-from-external-load-balancers`.
    pub exclude_from_lb: bool,
}

fn ser_opt_cidr<S: serde::Serializer>(c: &Option<Cidr>, s: S) -> Result<S::Ok, S::Error> {
    match c {
        Some(c) => s.serialize_str(&format!("{}/{}", c.network, c.prefix)),
        None => s.serialize_none(),
    }
}

impl NodeNet {
    /// The pod-side gateway kindnet's `ptp` plugin gives every pod on this node (the first
    /// address of the podCIDR, held by the host end of each veth).
    pub fn pod_gateway(&self) -> Option<Ipv4Addr> {
        self.pod_cidr.map(|c| c.nth(1))
    }
}

/// Who an IPv4 address belongs to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase", tag = "kind")]
pub enum Owner {
    /// A pod's own IP (pod network, not hostNetwork).
    Pod {
        namespace: String,
        name: String,
        node: String,
    },
    /// Inside a node's podCIDR, but no pod has it (yet).
    UnusedPodIp { node: String },
    /// Inside the pod subnet, but in no node's podCIDR.
    UnroutedPodIp,
    /// A node's InternalIP.
    Node { name: String },
    /// A Service's ClusterIP (virtual).
    ClusterIp { namespace: String, name: String },
    /// A LoadBalancer ingress IP.
    LoadBalancerIp { namespace: String, name: String },
    /// One of a Service's `externalIPs`.
    ExternalIp { namespace: String, name: String },
    /// Inside the service range but allocated to no Service.
    UnusedServiceIp,
    /// 127.0.0.0/8.
    Loopback,
    /// Anything else: outside the cluster.
    Outside,
}

/// How a node forwards a packet to a destination (one `ip route get` answer).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase", tag = "kind")]
pub enum Route {
    /// The node's own address: delivered to a local process (`local` table).
    Local,
    /// A pod on this node: the `/32` route to its veth.
    Veth {
        namespace: String,
        pod: String,
        device: String,
    },
    /// A pod IP in this node's podCIDR that no pod holds: the veth route does not exist.
    NoPod,
    /// Another node's podCIDR, through that node (kindnet).
    ViaNode { node: String, via: Ipv4Addr },
    /// A neighbour on the node network (another node, the external client).
    OnLink,
    /// Everything else: docker's gateway.
    DefaultGateway { via: Ipv4Addr },
}

/// The addressing facts of a cluster, computed once per trace.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Topology {
    pub nodes: Vec<NodeNet>,
    #[serde(serialize_with = "ser_opt_cidr")]
    pub pod_subnet: Option<Cidr>,
    #[serde(serialize_with = "ser_opt_cidr")]
    pub service_subnet: Option<Cidr>,
    /// The docker network the nodes sit on.
    #[serde(serialize_with = "ser_opt_cidr")]
    pub node_network: Option<Cidr>,
    /// docker's gateway (the nodes' default route).
    pub gateway: Ipv4Addr,
    /// Pod addresses as written (`status.podIP`, `podIPs`) → the pod [`pod_with_ip`] picks:
    /// the first Running one, else the first (a scan of every pod per lookup was a large part
    /// of a journey at 10,000 Services, issue 14).
    #[serde(skip)]
    pod_by_ip: BTreeMap<String, (ObjectKey, bool)>,
    /// Service addresses as written → the owner [`Topology::owner`]'s scan of the Services
    /// finds first (ClusterIP, then load-balancer, then external IP of each in store order).
    #[serde(skip)]
    svc_by_ip: BTreeMap<String, Owner>,
}

impl Topology {
    /// Read nodes (store first, configuration as a fallback), subnets and the docker network.
    pub fn from_cluster(cluster: &Cluster) -> Topology {
        let mut nodes: Vec<NodeNet> = Vec::new();
        for (name, n) in &cluster.store.nodes {
            let cfg = cluster.config.nodes.iter().find(|c| &c.name == name);
            let ip = n
                .status
                .addresses
                .iter()
                .filter(|a| a.type_ == "InternalIP")
                .find_map(|a| a.address.parse::<Ipv4Addr>().ok())
                .or_else(|| cfg.and_then(|c| c.internal_ip.parse().ok()));
            let Some(ip) = ip else { continue };
            let pod_cidr = Cidr::parse(&n.spec.pod_cidr)
                .or_else(|| cfg.and_then(|c| Cidr::parse(&c.pod_cidr)));
            let ready = n
                .status
                .conditions
                .iter()
                .find(|c| c.type_ == "Ready")
                .is_none_or(|c| c.status == "True");
            nodes.push(NodeNet {
                name: name.clone(),
                ip,
                pod_cidr,
                ready,
                exclude_from_lb: n
                    .metadata
                    .labels
                    .contains_key("node.kubernetes.io/exclude-from-external-load-balancers"),
            });
        }
        for c in &cluster.config.nodes {
            if nodes.iter().any(|n| n.name == c.name) {
                continue;
            }
            if let Ok(ip) = c.internal_ip.parse() {
                nodes.push(NodeNet {
                    name: c.name.clone(),
                    ip,
                    pod_cidr: Cidr::parse(&c.pod_cidr),
                    ready: true,
                    exclude_from_lb: c
                        .labels
                        .contains_key("node.kubernetes.io/exclude-from-external-load-balancers"),
                });
            }
        }
        nodes.sort_by(|a, b| a.name.cmp(&b.name));
        let node_network = nodes
            .first()
            .and_then(|n| Cidr::parse(&format!("{}/16", n.ip)))
            .or_else(|| Cidr::parse(DEFAULT_NODE_NET));
        let gateway = node_network
            .map(|c| c.nth(1))
            .unwrap_or(Ipv4Addr::new(172, 18, 0, 1));
        Topology {
            nodes,
            pod_subnet: Cidr::parse(&cluster.config.pod_subnet),
            service_subnet: Cidr::parse(&cluster.config.service_subnet),
            node_network,
            gateway,
            pod_by_ip: pod_index(cluster),
            svc_by_ip: service_index(cluster),
        }
    }

    /// [`pod_with_ip`] from the index.
    fn pod_at<'c>(&self, cluster: &'c Cluster, ip: Ipv4Addr) -> Option<&'c Pod> {
        let (key, _) = self.pod_by_ip.get(&ip.to_string())?;
        cluster.store.pods.get(key)
    }

    pub fn node(&self, name: &str) -> Option<&NodeNet> {
        self.nodes.iter().find(|n| n.name == name)
    }

    pub fn node_by_ip(&self, ip: Ipv4Addr) -> Option<&NodeNet> {
        self.nodes.iter().find(|n| n.ip == ip)
    }

    /// The node whose podCIDR contains `ip`.
    pub fn node_for_pod_ip(&self, ip: Ipv4Addr) -> Option<&NodeNet> {
        self.nodes
            .iter()
            .find(|n| n.pod_cidr.is_some_and(|c| c.contains(ip)))
    }

    /// Whether `ip` is a pod address (inside `--cluster-cidr`).
    pub fn in_pod_subnet(&self, ip: Ipv4Addr) -> bool {
        self.pod_subnet.is_some_and(|c| c.contains(ip))
    }

    /// Whether `ip` is on the nodes' docker network (reachable without a router).
    pub fn on_node_network(&self, ip: Ipv4Addr) -> bool {
        self.node_network.is_some_and(|c| c.contains(ip))
    }

    /// Who owns `ip` (pods first, then nodes, then Service addresses).
    pub fn owner(&self, cluster: &Cluster, ip: Ipv4Addr) -> Owner {
        if ip.is_loopback() {
            return Owner::Loopback;
        }
        if let Some(p) = self.pod_at(cluster, ip) {
            return Owner::Pod {
                namespace: p.metadata.namespace.clone(),
                name: p.metadata.name.clone(),
                node: p.spec.node_name.clone(),
            };
        }
        if let Some(n) = self.node_by_ip(ip) {
            return Owner::Node {
                name: n.name.clone(),
            };
        }
        if let Some(owner) = self.svc_by_ip.get(&ip.to_string()) {
            return owner.clone();
        }
        if self.in_pod_subnet(ip) {
            return match self.node_for_pod_ip(ip) {
                Some(n) => Owner::UnusedPodIp {
                    node: n.name.clone(),
                },
                None => Owner::UnroutedPodIp,
            };
        }
        if self.service_subnet.is_some_and(|c| c.contains(ip)) {
            return Owner::UnusedServiceIp;
        }
        Owner::Outside
    }

    /// `ip route get <dst>` on `node`, with kindnet's routes.
    pub fn route(&self, cluster: &Cluster, node: &str, dst: Ipv4Addr) -> Route {
        let Some(me) = self.node(node) else {
            return Route::DefaultGateway { via: self.gateway };
        };
        if dst == me.ip || dst.is_loopback() {
            return Route::Local;
        }
        if me.pod_cidr.is_some_and(|c| c.contains(dst)) {
            return match self
                .pod_at(cluster, dst)
                .filter(|p| p.spec.node_name == node)
            {
                Some(p) => Route::Veth {
                    namespace: p.metadata.namespace.clone(),
                    pod: p.metadata.name.clone(),
                    device: veth_name(&p.metadata.namespace, &p.metadata.name),
                },
                None => Route::NoPod,
            };
        }
        if let Some(other) = self.node_for_pod_ip(dst) {
            return Route::ViaNode {
                node: other.name.clone(),
                via: other.ip,
            };
        }
        if self.on_node_network(dst) {
            return Route::OnLink;
        }
        Route::DefaultGateway { via: self.gateway }
    }

    /// The `ip route` line a route came from, as the node prints it.
    pub fn route_text(&self, node: &str, dst: Ipv4Addr, route: &Route) -> String {
        let me = self.node(node);
        match route {
            Route::Local => format!("local {dst} dev lo table local"),
            Route::Veth { device, .. } => format!("{dst} dev {device} scope host"),
            Route::NoPod => format!(
                "{} (no route to {dst}: no pod holds it)",
                me.and_then(|m| m.pod_cidr)
                    .map(|c| format!("{}/{}", c.network, c.prefix))
                    .unwrap_or_default()
            ),
            Route::ViaNode { node: other, via } => {
                let cidr = self
                    .node(other)
                    .and_then(|n| n.pod_cidr)
                    .map(|c| format!("{}/{}", c.network, c.prefix))
                    .unwrap_or_else(|| dst.to_string());
                format!("{cidr} via {via} dev eth0")
            }
            Route::OnLink => match (self.node_network, me) {
                (Some(c), Some(m)) => format!(
                    "{}/{} dev eth0 proto kernel scope link src {}",
                    c.network, c.prefix, m.ip
                ),
                _ => format!("{dst} dev eth0"),
            },
            Route::DefaultGateway { via } => format!("default via {via} dev eth0"),
        }
    }
}

/// The index [`Topology`] keeps for [`pod_with_ip`]: each address as written, to the first
/// Running pod with it, else the first pod.
fn pod_index(cluster: &Cluster) -> BTreeMap<String, (ObjectKey, bool)> {
    let mut index: BTreeMap<String, (ObjectKey, bool)> = BTreeMap::new();
    for (key, p) in &cluster.store.pods {
        if p.spec.host_network {
            continue;
        }
        let running = p.status.phase == "Running";
        let ips = std::iter::once(&p.status.pod_ip).chain(p.status.pod_ips.iter().map(|i| &i.ip));
        for ip in ips.filter(|ip| !ip.is_empty()) {
            match index.get_mut(ip.as_str()) {
                None => {
                    index.insert(ip.clone(), (key.clone(), running));
                }
                Some(slot) if running && !slot.1 => *slot = (key.clone(), true),
                Some(_) => {}
            }
        }
    }
    index
}

/// The index [`Topology::owner`] keeps of Service addresses: the first Service (store order)
/// with the address, and how it has it (ClusterIP before load-balancer before external IP).
fn service_index(cluster: &Cluster) -> BTreeMap<String, Owner> {
    let mut index: BTreeMap<String, Owner> = BTreeMap::new();
    for svc in cluster.store.services.values() {
        let (namespace, name) = (&svc.metadata.namespace, &svc.metadata.name);
        let cluster_ips = std::iter::once(&svc.spec.cluster_ip).chain(&svc.spec.cluster_ips);
        for ip in cluster_ips {
            index.entry(ip.clone()).or_insert_with(|| Owner::ClusterIp {
                namespace: namespace.clone(),
                name: name.clone(),
            });
        }
        for ing in &svc.status.load_balancer.ingress {
            index
                .entry(ing.ip.clone())
                .or_insert_with(|| Owner::LoadBalancerIp {
                    namespace: namespace.clone(),
                    name: name.clone(),
                });
        }
        for e in &svc.spec.external_ips {
            index
                .entry(e.trim().to_string())
                .or_insert_with(|| Owner::ExternalIp {
                    namespace: namespace.clone(),
                    name: name.clone(),
                });
        }
    }
    index
}

/// The pod holding `ip` on the pod network (hostNetwork pods share their node's IP and are
/// not returned). A Running pod wins over others with the same IP.
pub fn pod_with_ip(cluster: &Cluster, ip: Ipv4Addr) -> Option<&Pod> {
    let s = ip.to_string();
    let mut found: Option<&Pod> = None;
    for p in cluster.store.pods.values() {
        if p.spec.host_network {
            continue;
        }
        if p.status.pod_ip == s || p.status.pod_ips.iter().any(|i| i.ip == s) {
            if p.status.phase == "Running" {
                return Some(p);
            }
            found = found.or(Some(p));
        }
    }
    found
}

/// The host end of a pod's veth pair. The CNI `ptp` plugin kindnet uses names it `veth` plus
/// 8 random hex digits; svcsim derives them from the pod's namespace/name so they are stable.
pub fn veth_name(namespace: &str, pod: &str) -> String {
    let digest = Sha256::digest(format!("{namespace}/{pod}").as_bytes());
    let hex: String = digest.iter().take(4).map(|b| format!("{b:02x}")).collect();
    format!("veth{hex}")
}

/// MetalLB layer-2 mode: the node whose speaker answers ARP for `ip` of `svc`, or None when
/// nobody announces it (no serving endpoint, or no eligible node).
///
/// MetalLB (`speaker/layer2_controller.go`, `ShouldAnnounce`): a Service without any serving
/// endpoint is not announced; eligible nodes are those with a speaker, minus nodes with the
/// `NetworkUnavailable` condition and nodes labelled
/// `node.kubernetes.io/exclude-from-external-load-balancers` (kind's control plane); with
/// `externalTrafficPolicy: Local` only nodes that host a serving endpoint are eligible. Every
/// speaker then sorts the eligible nodes by `sha256(node + "#" + ip)` and the first one wins —
/// a deterministic election without coordination. svcsim reproduces exactly that (speakers
/// run on every Ready node; every pool is advertised on every node).
pub fn l2_announcer(
    cluster: &Cluster,
    topology: &Topology,
    svc: &Service,
    ip: Ipv4Addr,
) -> Option<String> {
    let mut serving_nodes: Vec<String> = Vec::new();
    let mut any_serving = false;
    for slice in cluster
        .store
        .slices_for_service(&svc.metadata.namespace, &svc.metadata.name)
    {
        for ep in &slice.endpoints {
            let c = &ep.conditions;
            // EndpointCanServe: ready (nil = ready), or serving while terminating.
            let can_serve = c.ready.unwrap_or(true) || c.serving.unwrap_or(false);
            if !can_serve {
                continue;
            }
            any_serving = true;
            if let Some(n) = &ep.node_name {
                serving_nodes.push(n.clone());
            }
        }
    }
    if !any_serving {
        return None;
    }
    let local = svc.spec.external_traffic_policy == "Local";
    let mut eligible: Vec<&str> = topology
        .nodes
        .iter()
        .filter(|n| n.ready && !n.exclude_from_lb)
        .filter(|n| !local || serving_nodes.contains(&n.name))
        .map(|n| n.name.as_str())
        .collect();
    let key = |n: &str| Sha256::digest(format!("{n}#{ip}").as_bytes());
    eligible.sort_by(|a, b| key(a).as_slice().cmp(key(b).as_slice()));
    eligible.first().map(|s| s.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn veth_names_are_stable() {
        let a = veth_name("default", "client");
        assert_eq!(a.len(), 12);
        assert!(a.starts_with("veth"));
        assert_eq!(a, veth_name("default", "client"));
        assert_ne!(a, veth_name("default", "client2"));
    }

    #[test]
    fn kind_routes() {
        let c = Cluster::new(crate::config::ClusterConfig::default(), 0);
        let t = Topology::from_cluster(&c);
        assert_eq!(t.nodes.len(), 3);
        assert_eq!(t.gateway, Ipv4Addr::new(172, 18, 0, 1));
        let w2 = t.node("kind-worker2").unwrap().clone();
        let r = t.route(&c, "kind-worker", w2.pod_cidr.unwrap().nth(7));
        assert_eq!(
            r,
            Route::ViaNode {
                node: "kind-worker2".into(),
                via: w2.ip
            }
        );
        assert_eq!(
            t.route_text("kind-worker", w2.pod_cidr.unwrap().nth(7), &r),
            format!("10.244.2.0/24 via {} dev eth0", w2.ip)
        );
        assert_eq!(
            t.route(&c, "kind-worker", Ipv4Addr::new(10, 4, 5, 6)),
            Route::DefaultGateway {
                via: Ipv4Addr::new(172, 18, 0, 1)
            }
        );
        assert_eq!(t.route(&c, "kind-worker", w2.ip), Route::OnLink);
        assert_eq!(t.owner(&c, Ipv4Addr::new(10, 4, 5, 6)), Owner::Outside);
        assert_eq!(
            t.owner(&c, Ipv4Addr::new(10, 96, 0, 10)),
            Owner::ClusterIp {
                namespace: "kube-system".into(),
                name: "kube-dns".into()
            }
        );
    }
}

#[cfg(test)]
mod index_tests {
    use super::*;
    use crate::manifest::Source;

    /// The indexes answer what the scans they replace answered, for every pod and Service
    /// address of an example cluster (and a few that belong to nobody).
    #[test]
    fn indexes_agree_with_the_scans() {
        let text = concat!(
            include_str!("../../../../assets/examples/clusterip.yaml"),
            "\n---\n",
            include_str!("../../../../assets/examples/loadbalancer.yaml")
        );
        let (c, _) = Cluster::from_sources(&[Source::new("x.yaml", text)], 3);
        let topo = Topology::from_cluster(&c);
        let mut ips: Vec<Ipv4Addr> = c
            .store
            .pods
            .values()
            .filter_map(|p| p.status.pod_ip.parse().ok())
            .collect();
        for s in c.store.services.values() {
            ips.extend(
                s.spec
                    .cluster_ips
                    .iter()
                    .filter_map(|ip| ip.parse::<Ipv4Addr>().ok()),
            );
            ips.extend(
                s.status
                    .load_balancer
                    .ingress
                    .iter()
                    .filter_map(|i| i.ip.parse::<Ipv4Addr>().ok()),
            );
        }
        ips.extend(["10.244.9.9", "10.96.9.9", "8.8.8.8"].map(|s| s.parse::<Ipv4Addr>().unwrap()));
        assert!(ips.len() > 8);
        for ip in ips {
            let scanned = pod_with_ip(&c, ip).map(|p| p.metadata.uid.clone());
            let indexed = topo.pod_at(&c, ip).map(|p| p.metadata.uid.clone());
            assert_eq!(scanned, indexed, "{ip}");
            let s = ip.to_string();
            let by_scan = c.store.services.values().find_map(|svc| {
                let (namespace, name) = (svc.metadata.namespace.clone(), svc.metadata.name.clone());
                if svc.spec.cluster_ip == s || svc.spec.cluster_ips.contains(&s) {
                    Some(Owner::ClusterIp { namespace, name })
                } else if svc.status.load_balancer.ingress.iter().any(|i| i.ip == s) {
                    Some(Owner::LoadBalancerIp { namespace, name })
                } else {
                    None
                }
            });
            assert_eq!(topo.svc_by_ip.get(&s).cloned(), by_scan, "{ip}");
        }
    }
}
