//! The examples menu: one scenario per concept of the lecture ("Kubernetes Networking —
//! Services"), each a complete manifest a class can load, with a paragraph saying what to look
//! at and what to try, and the request worth tracing first.
//!
//! Every manifest is valid for the real Kubernetes API (the engine validates as strictly as
//! kube-apiserver), uses real images whose `containerPort`s match the Services' `targetPort`s,
//! and is kept as its own file under `assets/examples/` so it can be pasted into a real kind
//! cluster unchanged.

use svcsim_engine::cluster::Cluster;
use svcsim_engine::trace::Origin;

/// One scenario of the examples menu.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Example {
    /// Stable identifier, used in URLs and as the asset's file name (`assets/examples/<id>.yaml`).
    pub id: &'static str,
    /// The menu entry.
    pub title: &'static str,
    /// The lecture concept (slide) this scenario shows.
    pub concept: &'static str,
    /// One paragraph of plain classroom English: what to look at and what to try.
    pub explanation: &'static str,
    /// The manifest (several YAML documents).
    pub yaml: &'static str,
    /// The request worth tracing first: where it starts (`pod/NAME`, `deploy/NAME`, `external`;
    /// see [`origin`]) and where it goes (`NAME:port` or `IP:port`, as `svcsim trace` takes it).
    pub suggested_trace: Option<(&'static str, &'static str)>,
}

/// The scenario loaded when the page opens: the lecture's first Service, with its pods.
pub const DEFAULT_ID: &str = "clusterip";

/// Every scenario, in the lecture's order.
pub const ALL: &[Example] = &[
    Example {
        id: "clusterip",
        title: "ClusterIP Service with a selector",
        concept: "Defining a Service",
        explanation: "The lecture's my-service selects every pod labelled app.kubernetes.io/name: MyApp. The EndpointSlice controller lists the three ready pods, and kube-proxy on every node turns the Service's virtual IP, port 80, into one of them, port 9376. Send a request from pod/client to my-service:80 and watch DNS return the ClusterIP, then the DNAT pick a pod. Send it several times: each pod gets about a third. Kill a pod: its endpoint leaves the slice, the Deployment starts a new pod with a new IP, and the Service's address never changes.",
        yaml: include_str!("../../../assets/examples/clusterip.yaml"),
        suggested_trace: Some(("pod/client", "my-service:80")),
    },
    Example {
        id: "without-selector",
        title: "Service without a selector",
        concept: "Services without Selectors",
        explanation: "This my-service has no selector, so Kubernetes creates no EndpointSlice for it: the lecture's my-service-1 slice, written by hand, points it at 10.4.5.6 and 10.1.2.3 on port 9376, backends outside the cluster (an external database, say). The Service still gets a ClusterIP and kube-proxy still load-balances, exactly as with pods. Trace pod/client to my-service:80 and see the DNAT to one of the two addresses. Edit the slice: add or remove an address and watch the rules follow. Delete the slice: the Service has no endpoints and connections are refused.",
        yaml: include_str!("../../../assets/examples/without-selector.yaml"),
        suggested_trace: Some(("pod/client", "my-service:80")),
    },
    Example {
        id: "nodeport",
        title: "NodePort Service",
        concept: "Service types: NodePort",
        explanation: "The slide's myapp-service opens port 30008 on every node's IP (nodePorts come from 30000-32767; leave nodePort out and one is picked for you). The slide has no selector, and a Service without one has no endpoints, so we added app: myapp to reach the two nginx pods. It still gets a ClusterIP for traffic inside the cluster. From outside, send a request to kind-worker at 172.18.0.3:30008: it works even when the chosen pod runs on another node, and the pod sees the node's IP as the client, because kube-proxy masquerades. Try the control-plane's IP, 172.18.0.2, too.",
        yaml: include_str!("../../../assets/examples/nodeport.yaml"),
        suggested_trace: Some(("external", "172.18.0.3:30008")),
    },
    Example {
        id: "loadbalancer",
        title: "LoadBalancer Service (MetalLB)",
        concept: "Service types: LoadBalancer",
        explanation: "Kubernetes does not build load balancers: here MetalLB plays the cloud's part. Right after creation EXTERNAL-IP shows <pending>; a moment later MetalLB writes 172.18.255.200, from its pool, into the Service's status.loadBalancer, and answers ARP for it from one node. A LoadBalancer Service is also a NodePort and a ClusterIP Service: look at PORT(S) for the node port it was given. Send a request from external to 172.18.255.200:80 and follow it into the node MetalLB chose, through kube-proxy's rules, to a pod. Delete the Service and the address returns to the pool.",
        yaml: include_str!("../../../assets/examples/loadbalancer.yaml"),
        suggested_trace: Some(("external", "172.18.255.200:80")),
    },
    Example {
        id: "externalname",
        title: "ExternalName Service",
        concept: "Service types: ExternalName",
        explanation: "my-service in namespace prod is only a DNS alias: cluster DNS answers my-service.prod.svc.cluster.local with a CNAME to my.database.example.com. It has no ClusterIP, no endpoints and no kube-proxy rules; no proxying of any kind happens, the client connects straight to whatever the external name resolves to. Look up my-service.prod from pod/client (in namespace default) and watch the search list try my-service.prod.default.svc.cluster.local first. Then trace a request to my-service.prod:80: the packet leaves the cluster to the database's own address.",
        yaml: include_str!("../../../assets/examples/externalname.yaml"),
        suggested_trace: Some(("pod/client", "my-service.prod:80")),
    },
    Example {
        id: "headless",
        title: "Headless Service with a selector",
        concept: "Headless Services (with selectors)",
        explanation: "clusterIP: None: no virtual IP, no load balancing, no kube-proxy rules. The EndpointSlice controller still lists the pods, and DNS answers my-service with one A record per ready pod, so the client chooses. Because nothing translates ports, connect to the pods' own port: trace pod/client to my-service:9376 and see the packet go straight to a pod IP. Try my-service:80: refused, since no container listens on 80. Kill a pod and resolve the name again: its IP leaves the answer.",
        yaml: include_str!("../../../assets/examples/headless.yaml"),
        suggested_trace: Some(("pod/client", "my-service:9376")),
    },
    Example {
        id: "headless-without-selector",
        title: "Headless Service without a selector",
        concept: "Headless Services (without selectors)",
        explanation: "A headless Service with no selector gets no EndpointSlice from Kubernetes, but cluster DNS still publishes an A record for every ready address of the slices you write. Here my-db-1 lists two database servers outside the cluster, 172.18.0.20 and 172.18.0.21, so my-db resolves to both and clients connect to them directly. Look up my-db from pod/client, then trace pod/client to my-db:5432. Edit the slice: set one endpoint's conditions.ready to false and it disappears from the DNS answer.",
        yaml: include_str!("../../../assets/examples/headless-without-selector.yaml"),
        suggested_trace: Some(("pod/client", "my-db:5432")),
    },
    Example {
        id: "frontend-backend",
        title: "Frontend calls backend by name",
        concept: "Service (the frontend/backend motivation)",
        explanation: "The lecture's question: backend pods come and go with new IPs, so how do frontend pods find them? They never learn a pod IP. The frontend calls http://backend; DNS turns the name into the backend Service's stable ClusterIP, and kube-proxy picks a ready backend pod. The Service's targetPort is the named port http, resolved per pod to 8080. Trace from a frontend pod to backend:80. Then kill a backend pod, or scale the backend Deployment, and trace again: same name, same ClusterIP, different pods.",
        yaml: include_str!("../../../assets/examples/frontend-backend.yaml"),
        suggested_trace: Some(("deploy/frontend", "backend:80")),
    },
    Example {
        id: "endpointslice-split",
        title: "250 pods: EndpointSlices of 100",
        concept: "EndpointSlices",
        explanation: "One Service, 250 pods. An EndpointSlice holds at most 100 endpoints, so the controller stores them in three slices: 100, 100 and 50. Open them and count. Kubernetes sends only the changed slice to every node, not the whole list. The kind config adds a third worker because the kubelet runs at most 110 pods per node and the control plane takes no workloads. Scale the Deployment to 260 and watch the last slice grow; scale to 90 and watch slices shrink. A request from pod/client to web:80 still picks among all 250 pods.",
        yaml: include_str!("../../../assets/examples/endpointslice-split.yaml"),
        suggested_trace: Some(("pod/client", "web:80")),
    },
    Example {
        id: "traffic-policy",
        title: "externalTrafficPolicy: Cluster vs Local",
        concept: "Service types: NodePort / LoadBalancer (externalTrafficPolicy)",
        explanation: "Both Services send to the same two nginx pods, both on kind-worker. web-cluster (Cluster) accepts on every node and forwards to any pod, but masquerades: the pod sees a node IP, not the client's. web-local (Local) only uses pods on the node the packet entered: the client's IP is preserved, but kind-worker2 has no local pod and drops the traffic. Load balancers also split Local traffic per node, not per pod, so a node with one pod gets as much as a node with five. From external, send a request to 172.18.0.4:30081 (kind-worker2, Local): it times out. Then try 172.18.0.4:30080 and 172.18.0.3:30081 and compare the source IP the pod sees.",
        yaml: include_str!("../../../assets/examples/traffic-policy.yaml"),
        suggested_trace: Some(("external", "172.18.0.4:30081")),
    },
    Example {
        id: "dual-stack",
        title: "Dual stack: A and AAAA records",
        concept: "DNS for Services and Pods (A and AAAA records)",
        explanation: "This kind cluster is dual-stack: every node and pod has an IPv4 and an IPv6 address. The web Service asks for PreferDualStack, so it gets a ClusterIP of each family and one EndpointSlice per family; web-v4 says nothing and stays single-stack IPv4. In the terminal, run kubectl exec client -- nslookup web: DNS answers an A record and an AAAA record. Do the same for web-v4: only the A record. Open the Services and EndpointSlices in the inspector to see clusterIPs, ipFamilies and the IPv6 slice. Requests still travel over IPv4 here.",
        yaml: include_str!("../../../assets/examples/dual-stack.yaml"),
        suggested_trace: Some(("pod/client", "web:80")),
    },
];

/// The scenario with this id.
pub fn by_id(id: &str) -> Option<&'static Example> {
    ALL.iter().find(|e| e.id == id)
}

/// The default scenario ([`DEFAULT_ID`]).
/// The Services an example defines, as (namespace, name): while the cluster still has one of
/// them, what is loaded is that example (perhaps edited, scaled); once it has none, it is the
/// user's own manifests and the example's lecture text would be stale.
pub fn services(ex: &Example) -> Vec<(String, String)> {
    svcsim_engine::manifest::parse(ex.yaml)
        .objects
        .into_iter()
        .filter(|o| o.kind == "Service")
        .map(|o| (o.namespace.unwrap_or_else(|| "default".into()), o.name))
        .collect()
}

pub fn default_example() -> &'static Example {
    by_id(DEFAULT_ID).unwrap_or(&ALL[0])
}

/// Where a suggested trace starts. Besides what [`Origin::parse`] takes (`pod/NAME`,
/// `node/NAME`, `external`, `external/IP`), this accepts `deploy/NAME` (`deployment/`,
/// `deployments/`) and picks one of its pods as `kubectl exec deploy/NAME` does: a Ready pod
/// with an IP first, by name for reproducibility, because Deployment pod names are random.
pub fn origin(cluster: &Cluster, from: &str, namespace: &str) -> Result<Origin, String> {
    let from = from.trim();
    let Some(name) = ["deploy/", "deployment/", "deployments/"]
        .iter()
        .find_map(|p| from.strip_prefix(p))
    else {
        return Origin::parse(from, namespace);
    };
    let deployment = cluster
        .store
        .workloads
        .iter()
        .find(|((kind, key), _)| {
            kind.as_str() == "Deployment" && key.namespace == namespace && key.name == name
        })
        .map(|(_, w)| w)
        .ok_or_else(|| {
            format!("Error from server (NotFound): deployments.apps \"{name}\" not found")
        })?;
    let selector = deployment.spec.selector.clone().unwrap_or_default();
    let mut pods: Vec<_> = cluster
        .store
        .pods_in(Some(namespace))
        .filter(|p| p.metadata.deletion_timestamp.is_none())
        .filter(|p| selector.matches(&p.metadata.labels))
        .collect();
    // Ready pods with an IP first, then by name (pods are already in name order).
    pods.sort_by_key(|p| (!p.is_ready(), p.status.pod_ip.is_empty()));
    pods.first()
        .map(|p| Origin::Pod {
            namespace: namespace.to_string(),
            name: p.metadata.name.clone(),
        })
        .ok_or_else(|| format!("error: deployment \"{name}\" has no pods"))
}
