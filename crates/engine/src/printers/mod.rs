//! What `kubectl get` and `kubectl describe` print, computed from a [`Cluster`].
//!
//! Tables follow kubectl's server-side printers (`pkg/printers/internalversion/printers.go`)
//! and its tab writer (minwidth 6, padding 3; see [`tabwriter`]); `-o json` / `-o yaml` follow
//! kubectl's JSON printer (4-space `MarshalIndent` of an unstructured map, keys sorted) and
//! sigs.k8s.io/yaml (go-yaml v2); `describe service` follows kubectl's `describeService`.
//! Everything is a pure function of the cluster: ages are measured at the cluster's simulated
//! wall time ([`Cluster::wall_now`]), so output is reproducible.
//!
//! kubectl writes some things to stderr (warnings, "No resources found …") and some errors are
//! texts in their own right; [`GetOutput`] and [`GetError`] keep those apart so a caller (the
//! CLI, the web console) can route them.

mod describe;
pub mod duration;
pub mod json;
mod tables;
pub mod tabwriter;
pub mod yaml;

pub use describe::describe_service;
pub use duration::human_duration;
pub use tables::{
    pod_ready, pod_status, NODE_CONTAINER_RUNTIME, NODE_KERNEL_VERSION, NODE_OS_IMAGE,
};

use crate::cluster::Cluster;
use serde_json::Value;

/// The engine crate's version (for `svcsim version`).
pub const ENGINE_VERSION: &str = env!("CARGO_PKG_VERSION");

/// The API server's warning on every v1 Endpoints request since Kubernetes 1.33; kubectl
/// prints it on stderr.
pub const ENDPOINTS_DEPRECATION_WARNING: &str =
    "Warning: v1 Endpoints is deprecated in v1.33+; use discovery.k8s.io/v1 EndpointSlice";

/// `kubectl get` flags that select and shape what is listed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct GetOptions {
    /// `-n`; None means kubectl's default namespace, `default`.
    pub namespace: Option<String>,
    /// `-A` / `--all-namespaces`: list every namespace and add a NAMESPACE column.
    pub all_namespaces: bool,
    /// `-o wide`: the extra columns (SELECTOR, IP/NODE, …).
    pub wide: bool,
    /// A single object by name (`kubectl get svc my-service`).
    pub name: Option<String>,
}

impl GetOptions {
    /// The namespace a namespaced request goes to.
    pub fn namespace_or_default(&self) -> &str {
        self.namespace.as_deref().unwrap_or("default")
    }
}

/// `-o` formats.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Output {
    /// The default human-readable table.
    #[default]
    Table,
    /// `-o wide`.
    Wide,
    /// `-o json`.
    Json,
    /// `-o yaml`.
    Yaml,
    /// `-o name`: `service/my-service`.
    Name,
}

impl Output {
    /// Parse an `-o` value (`wide`, `json`, `yaml`, `name`).
    pub fn parse(s: &str) -> Option<Output> {
        Some(match s {
            "wide" => Output::Wide,
            "json" => Output::Json,
            "yaml" => Output::Yaml,
            "name" => Output::Name,
            _ => return None,
        })
    }
}

/// What a successful `kubectl get` prints.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct GetOutput {
    /// Text for stdout: the table, the JSON/YAML document or the names (may be empty).
    pub stdout: String,
    /// Lines kubectl prints on stderr first: API warnings such as
    /// [`ENDPOINTS_DEPRECATION_WARNING`].
    pub warnings: Vec<String>,
    /// Set when a table listing matched nothing: kubectl then prints this on stderr
    /// (`No resources found in default namespace.` / `No resources found`) and nothing on
    /// stdout. JSON/YAML print an empty `List` instead.
    pub no_resources: Option<String>,
}

/// Why `kubectl get` / `describe` failed; `Display` is kubectl's exact text.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum GetError {
    /// The resource name is not known to the (simulated) API server.
    #[error("error: the server doesn't have a resource type \"{0}\"")]
    UnknownResource(String),
    /// A named object does not exist; `resource` is the plural with its group
    /// (`services`, `endpointslices.discovery.k8s.io`, `deployments.apps`).
    #[error("Error from server (NotFound): {resource} \"{name}\" not found")]
    NotFound { resource: String, name: String },
    /// `-A` together with a name.
    #[error("error: a resource cannot be retrieved by name across all namespaces")]
    NameAcrossNamespaces,
}

/// The resource types svcsim can list, with kubectl's names for them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Resource {
    Services,
    EndpointSlices,
    Endpoints,
    Pods,
    Nodes,
    Deployments,
    ReplicaSets,
    Namespaces,
}

impl Resource {
    /// Every resource, in `kubectl api-resources` order.
    pub const ALL: [Resource; 8] = [
        Resource::Endpoints,
        Resource::Namespaces,
        Resource::Nodes,
        Resource::Pods,
        Resource::Services,
        Resource::Deployments,
        Resource::ReplicaSets,
        Resource::EndpointSlices,
    ];

    /// Resolve a name as kubectl's REST mapper does: plural, singular, short name, or any of
    /// those qualified with the API group (`svc`, `service`, `services`, `ep`, `po`, `no`,
    /// `deploy`, `rs`, `ns`, `endpointslice.discovery.k8s.io`, `deployments.apps`, …).
    /// Case-insensitive.
    pub fn parse(name: &str) -> Option<Resource> {
        let lower = name.to_ascii_lowercase();
        Resource::ALL
            .into_iter()
            .find(|r| r.names().contains(&lower.as_str()))
    }

    fn names(self) -> &'static [&'static str] {
        match self {
            Resource::Services => &["svc", "service", "services"],
            Resource::EndpointSlices => &[
                "endpointslice",
                "endpointslices",
                "endpointslice.discovery.k8s.io",
                "endpointslices.discovery.k8s.io",
            ],
            Resource::Endpoints => &["ep", "endpoints"],
            Resource::Pods => &["po", "pod", "pods"],
            Resource::Nodes => &["no", "node", "nodes"],
            Resource::Deployments => &[
                "deploy",
                "deployment",
                "deployments",
                "deployment.apps",
                "deployments.apps",
            ],
            Resource::ReplicaSets => &[
                "rs",
                "replicaset",
                "replicasets",
                "replicaset.apps",
                "replicasets.apps",
            ],
            Resource::Namespaces => &["ns", "namespace", "namespaces"],
        }
    }

    /// Plural with group, as in NotFound errors (`services`, `deployments.apps`).
    pub fn plural(self) -> &'static str {
        match self {
            Resource::Services => "services",
            Resource::EndpointSlices => "endpointslices.discovery.k8s.io",
            Resource::Endpoints => "endpoints",
            Resource::Pods => "pods",
            Resource::Nodes => "nodes",
            Resource::Deployments => "deployments.apps",
            Resource::ReplicaSets => "replicasets.apps",
            Resource::Namespaces => "namespaces",
        }
    }

    /// Singular with group, as `-o name` prints it (`service/x`, `deployment.apps/x`).
    pub fn singular(self) -> &'static str {
        match self {
            Resource::Services => "service",
            Resource::EndpointSlices => "endpointslice.discovery.k8s.io",
            Resource::Endpoints => "endpoints",
            Resource::Pods => "pod",
            Resource::Nodes => "node",
            Resource::Deployments => "deployment.apps",
            Resource::ReplicaSets => "replicaset.apps",
            Resource::Namespaces => "namespace",
        }
    }

    pub fn kind(self) -> &'static str {
        match self {
            Resource::Services => "Service",
            Resource::EndpointSlices => "EndpointSlice",
            Resource::Endpoints => "Endpoints",
            Resource::Pods => "Pod",
            Resource::Nodes => "Node",
            Resource::Deployments => "Deployment",
            Resource::ReplicaSets => "ReplicaSet",
            Resource::Namespaces => "Namespace",
        }
    }

    pub fn api_version(self) -> &'static str {
        match self {
            Resource::EndpointSlices => "discovery.k8s.io/v1",
            Resource::Deployments | Resource::ReplicaSets => "apps/v1",
            _ => "v1",
        }
    }

    /// Whether objects live in a namespace (nodes and namespaces do not).
    pub fn namespaced(self) -> bool {
        !matches!(self, Resource::Nodes | Resource::Namespaces)
    }
}

/// `kubectl get RESOURCE [NAME] [-n NS | -A] [-o FORMAT]`.
///
/// * unknown resource → [`GetError::UnknownResource`]; a missing named object →
///   [`GetError::NotFound`]; `-A` with a name → [`GetError::NameAcrossNamespaces`];
/// * table (and wide): kubectl's columns; with `-A` a NAMESPACE column first (namespaced
///   kinds only); an empty listing sets [`GetOutput::no_resources`] instead of printing a
///   header;
/// * json/yaml: one object when named, otherwise `{"apiVersion":"v1","items":[…],"kind":
///   "List","metadata":{"resourceVersion":""}}` as kubectl wraps list results;
/// * name: one `resource/name` line per object;
/// * `endpoints` always carries kubectl's deprecation warning.
pub fn get(
    cluster: &Cluster,
    resource: &str,
    opts: &GetOptions,
    output: Output,
) -> Result<GetOutput, GetError> {
    let r =
        Resource::parse(resource).ok_or_else(|| GetError::UnknownResource(resource.to_string()))?;
    get_resource(cluster, r, opts, output)
}

/// [`get`] for an already resolved [`Resource`].
pub fn get_resource(
    cluster: &Cluster,
    r: Resource,
    opts: &GetOptions,
    output: Output,
) -> Result<GetOutput, GetError> {
    if opts.all_namespaces && opts.name.is_some() {
        return Err(GetError::NameAcrossNamespaces);
    }
    let wide = opts.wide || output == Output::Wide;
    let mut out = GetOutput::default();
    if r == Resource::Endpoints {
        out.warnings.push(ENDPOINTS_DEPRECATION_WARNING.to_string());
    }
    let items = select(cluster, r, opts, wide);
    if let Some(name) = &opts.name {
        if items.is_empty() {
            return Err(GetError::NotFound {
                resource: r.plural().to_string(),
                name: name.clone(),
            });
        }
    }
    match output {
        Output::Table | Output::Wide => {
            if items.is_empty() {
                out.no_resources = Some(if r.namespaced() && !opts.all_namespaces {
                    format!(
                        "No resources found in {} namespace.",
                        opts.namespace_or_default()
                    )
                } else {
                    "No resources found".to_string()
                });
            } else {
                out.stdout = render_table(r, &items, opts.all_namespaces, wide);
            }
        }
        Output::Json | Output::Yaml => {
            let doc = if opts.name.is_some() {
                items.into_iter().next().map_or(Value::Null, |e| e.json)
            } else {
                list(items.into_iter().map(|e| e.json).collect())
            };
            out.stdout = if output == Output::Json {
                json::to_kubectl_json(&doc)
            } else {
                yaml::to_kubectl_yaml(&doc)
            };
        }
        Output::Name => {
            for e in items {
                out.stdout.push_str(r.singular());
                out.stdout.push('/');
                out.stdout.push_str(&e.name);
                out.stdout.push('\n');
            }
        }
    }
    Ok(out)
}

/// kubectl's wrapper for several objects (`corev1.List` as kubectl prints it).
fn list(items: Vec<Value>) -> Value {
    serde_json::json!({
        "apiVersion": "v1",
        "items": items,
        "kind": "List",
        "metadata": {"resourceVersion": ""},
    })
}

fn select(cluster: &Cluster, r: Resource, opts: &GetOptions, wide: bool) -> Vec<tables::Entry> {
    let ns = if !r.namespaced() || opts.all_namespaces {
        None
    } else {
        Some(opts.namespace_or_default())
    };
    let mut items = tables::entries(cluster, r, ns, wide);
    if let Some(name) = &opts.name {
        items.retain(|e| &e.name == name);
    }
    items
}

fn render_table(r: Resource, items: &[tables::Entry], all_namespaces: bool, wide: bool) -> String {
    let with_ns = all_namespaces && r.namespaced();
    let mut rows: Vec<Vec<String>> = Vec::with_capacity(items.len() + 1);
    let mut header: Vec<String> = Vec::new();
    if with_ns {
        header.push("NAMESPACE".to_string());
    }
    header.extend(tables::headers(r, wide).into_iter().map(str::to_string));
    rows.push(header);
    for e in items {
        let mut row = Vec::with_capacity(e.cells.len() + 1);
        if with_ns {
            row.push(e.namespace.clone());
        }
        row.extend(e.cells.iter().cloned());
        rows.push(row);
    }
    tabwriter::kubectl_table(&rows)
}

fn table_for(cluster: &Cluster, r: Resource, opts: &GetOptions) -> String {
    let items = select(cluster, r, opts, opts.wide);
    if items.is_empty() {
        return String::new();
    }
    render_table(r, &items, opts.all_namespaces, opts.wide)
}

/// `kubectl get services` as a table (empty string when nothing matches): NAME TYPE
/// CLUSTER-IP EXTERNAL-IP PORT(S) AGE (+ SELECTOR with wide). CLUSTER-IP is `clusterIPs[0]`
/// (`None` for headless, `<none>` for ExternalName); EXTERNAL-IP is `<none>`, the external
/// IPs, `<pending>` or the sorted, de-duplicated load-balancer ingress (clipped to 16 bytes
/// with `...` unless wide), or the externalName; PORT(S) is `80/TCP` or `80:30008/TCP`.
pub fn get_services(cluster: &Cluster, opts: &GetOptions) -> String {
    table_for(cluster, Resource::Services, opts)
}

/// `kubectl get endpointslices`: NAME ADDRESSTYPE PORTS ENDPOINTS AGE; the first three ports
/// and addresses then ` + N more...`, `<unset>` when empty (the controller's placeholder).
pub fn get_endpoint_slices(cluster: &Cluster, opts: &GetOptions) -> String {
    table_for(cluster, Resource::EndpointSlices, opts)
}

/// `kubectl get endpoints`: NAME ENDPOINTS AGE with `ip:port` pairs (first three, then
/// ` + N more...`, `<none>` without subsets). kubectl also prints
/// [`ENDPOINTS_DEPRECATION_WARNING`] on stderr; [`get`] returns it in
/// [`GetOutput::warnings`].
pub fn get_endpoints(cluster: &Cluster, opts: &GetOptions) -> String {
    table_for(cluster, Resource::Endpoints, opts)
}

/// `kubectl get pods`: NAME READY STATUS RESTARTS AGE (+ IP NODE NOMINATED NODE READINESS
/// GATES with wide); STATUS as [`pod_status`] derives it.
pub fn get_pods(cluster: &Cluster, opts: &GetOptions) -> String {
    table_for(cluster, Resource::Pods, opts)
}

/// `kubectl get nodes`: NAME STATUS ROLES AGE VERSION (+ INTERNAL-IP EXTERNAL-IP OS-IMAGE
/// KERNEL-VERSION CONTAINER-RUNTIME with wide, with kind's node-image values).
pub fn get_nodes(cluster: &Cluster, opts: &GetOptions) -> String {
    table_for(cluster, Resource::Nodes, opts)
}

/// `kubectl get deployments`: NAME READY UP-TO-DATE AVAILABLE AGE (+ CONTAINERS IMAGES
/// SELECTOR).
pub fn get_deployments(cluster: &Cluster, opts: &GetOptions) -> String {
    table_for(cluster, Resource::Deployments, opts)
}

/// `kubectl get replicasets`: NAME DESIRED CURRENT READY AGE (+ CONTAINERS IMAGES SELECTOR).
pub fn get_replica_sets(cluster: &Cluster, opts: &GetOptions) -> String {
    table_for(cluster, Resource::ReplicaSets, opts)
}

/// `kubectl get namespaces`: NAME STATUS AGE.
pub fn get_namespaces(cluster: &Cluster, opts: &GetOptions) -> String {
    table_for(cluster, Resource::Namespaces, opts)
}

#[cfg(test)]
mod tests;
