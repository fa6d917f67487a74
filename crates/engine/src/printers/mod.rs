//! What `kubectl get` and `kubectl describe` print, computed from a [`Cluster`].
//!
//! Tables follow kubectl's server-side printers (`pkg/printers/internalversion/printers.go`)
//! and its tab writer (minwidth 6, padding 3; see [`tabwriter`]); `-o json` / `-o yaml` follow
//! kubectl's JSON printer (4-space `MarshalIndent` of an unstructured map, keys sorted) and
//! sigs.k8s.io/yaml (go-yaml v2); `describe service` follows kubectl's `describeService`.
//! Everything is a pure function of the cluster: ages are measured at the cluster's simulated
//! wall time ([`Cluster::wall_now`]), so output is reproducible.
//!
//! `get`'s arguments are read here too ([`get_args`]: comma lists, `all`, several names,
//! `TYPE/NAME`, `-l` with the API server's selector grammar), so the CLI and the web console
//! answer the same command line the same way.
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
    format_labels, pod_ready, pod_status, NODE_CONTAINER_RUNTIME, NODE_KERNEL_VERSION,
    NODE_OS_IMAGE,
};

use crate::cluster::Cluster;
use crate::labels::Selector;
use serde_json::Value;

/// The engine crate's version (for `svcsim version`).
pub const ENGINE_VERSION: &str = env!("CARGO_PKG_VERSION");

/// The API server's warning on every v1 Endpoints request since Kubernetes 1.33; kubectl
/// prints it on stderr.
pub const ENDPOINTS_DEPRECATION_WARNING: &str =
    "Warning: v1 Endpoints is deprecated in v1.33+; use discovery.k8s.io/v1 EndpointSlice";

/// What kubectl prints on stderr when a listing (`get`, `describe`, `delete -l`) finds nothing:
/// `No resources found in NS namespace.` when every type asked for lives in namespace `NS`,
/// otherwise (`-A`, cluster-scoped kinds) `No resources found`
/// (`kubectl/pkg/cmd/get/get.go`, `…/describe/describe.go`).
///
/// kubectl prints the namespace as given (`%s`); svcsim shows its invisible runes as Go
/// escapes and cuts it past [`crate::quote::MAX_QUOTED`] bytes, as it does all user text.
pub fn no_resources_found(namespace: Option<&str>) -> String {
    match namespace {
        Some(ns) => format!(
            "No resources found in {} namespace.",
            user_text(ns, crate::quote::MAX_QUOTED)
        ),
        None => "No resources found".to_string(),
    }
}

/// User text svcsim prints unquoted where kubectl prints it with `%s`: cut at `max` bytes
/// with a marker, non-printable runes as Go escapes. Unchanged for ordinary text.
fn user_text(s: &str, max: usize) -> String {
    let capped = crate::quote::truncate(s, max);
    crate::quote::escape_invisible(&capped).into_owned()
}

/// Longest message of the (simulated) API server a `get` error prints whole: the selector
/// parser's message quotes the selector's words, several of them when several are invalid.
const MAX_SERVER_MESSAGE: usize = 16 * crate::quote::MAX_QUOTED;

/// `kubectl get` flags that select and shape what is listed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct GetOptions {
    /// `-n`; None means kubectl's default namespace, `default`.
    pub namespace: Option<String>,
    /// `-A` / `--all-namespaces`: list every namespace and add a NAMESPACE column.
    pub all_namespaces: bool,
    /// `-o wide`: the extra columns (SELECTOR, IP/NODE, …).
    pub wide: bool,
    /// A single object by name, for [`get`] and [`get_resource`] (`kubectl get svc
    /// my-service`); [`get_args`] takes names from its arguments and ignores this.
    pub name: Option<String>,
    /// `-l` / `--selector` as typed. kubectl trims it and sends it to the API server
    /// unparsed (blank means no selector); the server parses it ([`Selector::parse`]) for
    /// every type listed, so a bad selector is one error per type.
    pub selector: Option<String>,
    /// `--show-labels`: a last LABELS column with each object's labels.
    pub show_labels: bool,
    /// `--no-headers`: tables without their header line.
    pub no_headers: bool,
    /// The list request's `limit` (`ListOptions.Limit`): each list returns its first `limit`
    /// items, as the first page of a paged list, and [`GetOutput::remaining`] counts the rest
    /// (the list's `remainingItemCount`). kubectl itself pages with `--chunk-size` and prints
    /// everything; the page's `kubectl get services` panel shows one page of a huge cluster.
    pub limit: Option<usize>,
}

impl GetOptions {
    /// The namespace a namespaced request goes to.
    pub fn namespace_or_default(&self) -> &str {
        self.namespace.as_deref().unwrap_or("default")
    }

    /// The selector kubectl sends: trimmed, None when blank (`LabelSelectorParam`).
    fn selector_text(&self) -> Option<&str> {
        self.selector
            .as_deref()
            .map(str::trim)
            .filter(|s| !s.is_empty())
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

/// What a `kubectl get` prints: kubectl writes [`warnings`](Self::warnings) to stderr first,
/// then [`stdout`](Self::stdout), then either [`no_resources`](Self::no_resources) or the
/// [`errors`](Self::errors) on stderr.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct GetOutput {
    /// Text for stdout: the tables, the JSON/YAML document or the names (may be empty).
    pub stdout: String,
    /// Lines kubectl prints on stderr first: API warnings such as
    /// [`ENDPOINTS_DEPRECATION_WARNING`].
    pub warnings: Vec<String>,
    /// Set when a table listing printed nothing and nothing failed: kubectl then prints this
    /// on stderr ([`no_resources_found`]). JSON/YAML print an empty `List` instead.
    pub no_resources: Option<String>,
    /// What failed while the rest was printed (kubectl continues on error): objects asked
    /// for by name that do not exist, a selector the API server could not parse. Each is a
    /// line on stderr, after the output, and makes the exit status 1.
    pub errors: Vec<GetError>,
    /// Items of the lists left out by [`GetOptions::limit`].
    pub remaining: usize,
}

/// Why `kubectl get` / `describe` failed; `Display` is kubectl's exact text. The names and
/// words a user typed are quoted as kubectl quotes them, with Go's `%q`
/// ([`crate::quote::go_quote_capped`]: invisible runes escaped, long text cut with a marker).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum GetError {
    /// The resource name is not known to the (simulated) API server (cli-runtime's builder:
    /// `the server doesn't have a resource type %q`).
    #[error("error: the server doesn't have a resource type {}", crate::quote::go_quote_capped(.0))]
    UnknownResource(String),
    /// A named object does not exist; `resource` is the plural with its group
    /// (`services`, `endpointslices.discovery.k8s.io`, `deployments.apps`); apimachinery's
    /// `NewNotFound` prints `%s %q not found`.
    #[error("Error from server (NotFound): {resource} {} not found", crate::quote::go_quote_capped(.name))]
    NotFound { resource: String, name: String },
    /// `-A` together with a name of a namespaced kind.
    #[error("error: a resource cannot be retrieved by name across all namespaces")]
    NameAcrossNamespaces,
    /// The API server could not parse `-l`: kube-apiserver answers 400 with the parser's
    /// message (`labels.Parse`, through `Convert_string_To_labels_Selector`) and kubectl adds
    /// what it was listing (`EnhanceListError`, applied by cli-runtime's `resource.Selector`
    /// visitor, `pkg/resource/selector.go`). `resource` is the GroupVersionResource as Go
    /// prints it (`/v1, Resource=pods`), `selector` the text sent.
    #[error("Error from server (BadRequest): Unable to find \"{resource}\" that match label selector {}, field selector \"\": {}", crate::quote::go_quote_capped(.selector), user_text(.message, MAX_SERVER_MESSAGE))]
    BadSelector {
        resource: String,
        selector: String,
        message: String,
    },
    /// Names together with `-l` (`TYPE NAME -l …`).
    #[error("error: name cannot be provided when a selector is specified")]
    NameWithSelector,
    /// `TYPE/NAME` together with `-l`.
    #[error(
        "error: selectors and the all flag cannot be used when passing resource/name arguments"
    )]
    SelectorWithResourceName,
    /// Names after several types that are not all `TYPE/NAME` (`get all web`).
    #[error("error: you must specify only one resource")]
    OneResourceWithNames,
    /// `TYPE/NAME` arguments mixed with a bare type (`get svc svc/web`); kubectl names its own
    /// binary in the example.
    #[error("error: there is no need to specify a resource type as a separate argument when passing arguments in resource/name form (e.g. 'kubectl get resource/<resource_name>' instead of 'kubectl get resource resource/<resource_name>'")]
    SeparateResourceType,
    /// `a/b/c`.
    #[error("error: arguments in resource/name form may not have more than one slash")]
    ResourceNameSlashes,
    /// `svc/`, `/web`, `svc,ep/web`.
    #[error("error: arguments in resource/name form must have a single resource and name")]
    ResourceNameForm,
}

/// The resource types svcsim can list, with kubectl's names for them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Resource {
    Services,
    EndpointSlices,
    Endpoints,
    Pods,
    Nodes,
    DaemonSets,
    Deployments,
    ReplicaSets,
    StatefulSets,
    Namespaces,
    IpAddresses,
    ServiceCidrs,
}

impl Resource {
    /// Every resource, in `kubectl api-resources` order.
    pub const ALL: [Resource; 12] = [
        Resource::Endpoints,
        Resource::Namespaces,
        Resource::Nodes,
        Resource::Pods,
        Resource::Services,
        Resource::DaemonSets,
        Resource::Deployments,
        Resource::ReplicaSets,
        Resource::StatefulSets,
        Resource::EndpointSlices,
        Resource::IpAddresses,
        Resource::ServiceCidrs,
    ];

    /// The members of kubectl's `all` category that svcsim simulates, in the order
    /// discovery lists them (core group first, then `apps`, each alphabetically): `kubectl get
    /// all` is pods, replicationcontrollers, services, daemonsets, deployments, replicasets,
    /// statefulsets, horizontalpodautoscalers, cronjobs, jobs (the `categories: [all]` of
    /// kube-apiserver's REST storage); the others have no objects in svcsim.
    pub const CATEGORY_ALL: [Resource; 6] = [
        Resource::Pods,
        Resource::Services,
        Resource::DaemonSets,
        Resource::Deployments,
        Resource::ReplicaSets,
        Resource::StatefulSets,
    ];

    /// Resolve a name as kubectl's REST mapper does: plural, singular, short name, or any of
    /// those qualified with the API group (`svc`, `service`, `services`, `ep`, `po`, `no`,
    /// `deploy`, `rs`, `ds`, `sts`, `ns`, `endpointslice.discovery.k8s.io`,
    /// `deployments.apps`, …). Case-insensitive.
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
            Resource::DaemonSets => &[
                "ds",
                "daemonset",
                "daemonsets",
                "daemonset.apps",
                "daemonsets.apps",
            ],
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
            Resource::StatefulSets => &[
                "sts",
                "statefulset",
                "statefulsets",
                "statefulset.apps",
                "statefulsets.apps",
            ],
            Resource::Namespaces => &["ns", "namespace", "namespaces"],
            Resource::IpAddresses => &[
                "ip",
                "ipaddress",
                "ipaddresses",
                "ipaddress.networking.k8s.io",
                "ipaddresses.networking.k8s.io",
            ],
            Resource::ServiceCidrs => &[
                "servicecidr",
                "servicecidrs",
                "servicecidr.networking.k8s.io",
                "servicecidrs.networking.k8s.io",
            ],
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
            Resource::DaemonSets => "daemonsets.apps",
            Resource::Deployments => "deployments.apps",
            Resource::ReplicaSets => "replicasets.apps",
            Resource::StatefulSets => "statefulsets.apps",
            Resource::Namespaces => "namespaces",
            Resource::IpAddresses => "ipaddresses.networking.k8s.io",
            Resource::ServiceCidrs => "servicecidrs.networking.k8s.io",
        }
    }

    /// Singular with group, as `-o name` prints it and as the NAME column is prefixed when
    /// `get` lists several types (`service/x`, `deployment.apps/x`).
    pub fn singular(self) -> &'static str {
        match self {
            Resource::Services => "service",
            Resource::EndpointSlices => "endpointslice.discovery.k8s.io",
            Resource::Endpoints => "endpoints",
            Resource::Pods => "pod",
            Resource::Nodes => "node",
            Resource::DaemonSets => "daemonset.apps",
            Resource::Deployments => "deployment.apps",
            Resource::ReplicaSets => "replicaset.apps",
            Resource::StatefulSets => "statefulset.apps",
            Resource::Namespaces => "namespace",
            Resource::IpAddresses => "ipaddress.networking.k8s.io",
            Resource::ServiceCidrs => "servicecidr.networking.k8s.io",
        }
    }

    pub fn kind(self) -> &'static str {
        match self {
            Resource::Services => "Service",
            Resource::EndpointSlices => "EndpointSlice",
            Resource::Endpoints => "Endpoints",
            Resource::Pods => "Pod",
            Resource::Nodes => "Node",
            Resource::DaemonSets => "DaemonSet",
            Resource::Deployments => "Deployment",
            Resource::ReplicaSets => "ReplicaSet",
            Resource::StatefulSets => "StatefulSet",
            Resource::Namespaces => "Namespace",
            Resource::IpAddresses => "IPAddress",
            Resource::ServiceCidrs => "ServiceCIDR",
        }
    }

    pub fn api_version(self) -> &'static str {
        match self {
            Resource::EndpointSlices => "discovery.k8s.io/v1",
            Resource::IpAddresses | Resource::ServiceCidrs => "networking.k8s.io/v1",
            Resource::DaemonSets
            | Resource::Deployments
            | Resource::ReplicaSets
            | Resource::StatefulSets => "apps/v1",
            _ => "v1",
        }
    }

    /// `schema.GroupVersionResource.String()`: `/v1, Resource=pods`,
    /// `apps/v1, Resource=deployments` (what kubectl names in list errors).
    pub fn group_version_resource(self) -> String {
        let gv = self.api_version();
        let group_version = if gv.contains('/') {
            gv.to_string()
        } else {
            format!("/{gv}")
        };
        let resource = self.plural().split('.').next().unwrap_or("");
        format!("{group_version}, Resource={resource}")
    }

    /// Whether objects live in a namespace (nodes and namespaces do not).
    pub fn namespaced(self) -> bool {
        !matches!(
            self,
            Resource::Nodes | Resource::Namespaces | Resource::IpAddresses | Resource::ServiceCidrs
        )
    }
}

/// An object a listing found: where it lives (`""` for cluster-scoped kinds) and its name.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct ObjectName {
    pub namespace: String,
    pub name: String,
}

/// The objects of `r` a list request returns, in the API server's order (namespace, then
/// name): in `opts`' namespace (all with `-A`; cluster-scoped kinds ignore it) and matching
/// its selector. For what `kubectl describe`, `delete -l` and completion act on; a selector
/// that does not parse is [`GetError::BadSelector`], as for `get`.
pub fn list_objects(
    cluster: &Cluster,
    r: Resource,
    opts: &GetOptions,
) -> Result<Vec<ObjectName>, GetError> {
    let selector = parse_selector(r, opts)?;
    Ok(tables::objects(cluster, r, list_namespace(r, opts))
        .into_iter()
        .map(tables::Stored::metadata)
        .filter(|m| selector.matches(&m.labels))
        .map(|m| ObjectName {
            namespace: m.namespace.clone(),
            name: m.name.clone(),
        })
        .collect())
}

/// The namespace a list of `r` is limited to (None: every namespace).
fn list_namespace(r: Resource, opts: &GetOptions) -> Option<&str> {
    if !r.namespaced() || opts.all_namespaces {
        None
    } else {
        Some(opts.namespace_or_default())
    }
}

/// What kube-apiserver makes of `-l` for a list of `r`.
fn parse_selector(r: Resource, opts: &GetOptions) -> Result<Selector, GetError> {
    match opts.selector_text() {
        None => Ok(Selector::default()),
        Some(text) => Selector::parse(text).map_err(|e| GetError::BadSelector {
            resource: r.group_version_resource(),
            selector: text.to_string(),
            message: e.to_string(),
        }),
    }
}

/// `kubectl get RESOURCE [NAME] [-n NS | -A] [-l SELECTOR] [-o FORMAT]` for one resource
/// word (which may itself be a comma list or `all`, as in [`get_args`]) and at most one name
/// ([`GetOptions::name`]).
///
/// A lone failure with nothing printed — unknown resource, a missing named object, `-A`
/// with a name, a bad selector — is the `Err`; otherwise see [`get_args`].
pub fn get(
    cluster: &Cluster,
    resource: &str,
    opts: &GetOptions,
    output: Output,
) -> Result<GetOutput, GetError> {
    let mut args = vec![resource.to_string()];
    args.extend(opts.name.iter().cloned());
    lone_error(get_args(cluster, &args, opts, output)?)
}

/// [`get`] for an already resolved [`Resource`].
pub fn get_resource(
    cluster: &Cluster,
    r: Resource,
    opts: &GetOptions,
    output: Output,
) -> Result<GetOutput, GetError> {
    let request = match &opts.name {
        Some(name) => by_name(r, vec![name.clone()], opts)?,
        None => Request::Lists(vec![r]),
    };
    lone_error(run(cluster, &request, opts, output))
}

fn lone_error(mut out: GetOutput) -> Result<GetOutput, GetError> {
    if out.stdout.is_empty() && out.errors.len() == 1 {
        if let Some(e) = out.errors.pop() {
            return Err(e);
        }
    }
    Ok(out)
}

/// `kubectl get ARGS…`: the arguments after `get` as kubectl's resource builder reads them
/// (`cli-runtime/pkg/resource/builder.go`, `ResourceTypeOrNameArgs`):
///
/// * `TYPE[,TYPE…]` lists each type in the order given (repeats dropped), filtered by `-l`;
///   `all` stands for [`Resource::CATEGORY_ALL`];
/// * `TYPE NAME…` gets objects of one type by name; `TYPE,TYPE NAME…` and `TYPE/NAME…` get
///   each type/name pair in order;
/// * an unknown type fails the whole request before anything is printed; a missing object
///   or a selector the server rejects is an [`GetOutput::errors`] entry, the rest is printed.
///
/// Printing follows `kubectl get` (`kubectl/pkg/cmd/get/get.go`):
/// * tables: one table per type, each aligned on its own, separated by a blank line (none
///   with `--no-headers`); an empty type prints nothing; when more than one type was asked
///   for, the NAME column reads `kind/name` (`service/kubernetes`, `deployment.apps/web`);
///   with `-A` a NAMESPACE column first (namespaced kinds only); when nothing at all was
///   printed and nothing failed, [`GetOutput::no_resources`] is set instead;
/// * json/yaml: the one object when exactly one was named, otherwise a `List` of every
///   object found (`{"apiVersion":"v1","items":[…],"kind":"List","metadata":{…}}`);
/// * name: one `kind/name` line per object;
/// * any `endpoints` request carries kubectl's deprecation warning (once).
pub fn get_args(
    cluster: &Cluster,
    args: &[String],
    opts: &GetOptions,
    output: Output,
) -> Result<GetOutput, GetError> {
    let request = request(args, opts)?;
    Ok(run(cluster, &request, opts, output))
}

/// What the builder makes of `get`'s arguments.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Request {
    /// List each type (`svc,ep`, `all`).
    Lists(Vec<Resource>),
    /// One type, objects by name (`svc web db`).
    Names(Resource, Vec<String>),
    /// Type/name pairs in order (`svc/web pod/client`, `svc,ep web`).
    Pairs(Vec<(Resource, String)>),
}

/// `SplitResourceArgument`: comma-separated, repeats dropped (empty words kept: they are
/// unknown types).
fn split_types(arg: &str) -> Vec<&str> {
    let mut out: Vec<&str> = Vec::new();
    for t in arg.split(',') {
        if !out.contains(&t) {
            out.push(t);
        }
    }
    out
}

fn resolve(word: &str) -> Result<Resource, GetError> {
    Resource::parse(word).ok_or_else(|| GetError::UnknownResource(word.to_string()))
}

/// `ReplaceAliases`: `all` (exactly; categories are case-sensitive) becomes its members.
fn expand_categories(arg: &str) -> String {
    arg.split(',')
        .map(|t| {
            if t == "all" {
                Resource::CATEGORY_ALL
                    .iter()
                    .map(|r| r.plural())
                    .collect::<Vec<_>>()
                    .join(",")
            } else {
                t.to_string()
            }
        })
        .collect::<Vec<_>>()
        .join(",")
}

fn by_name(r: Resource, names: Vec<String>, opts: &GetOptions) -> Result<Request, GetError> {
    if opts.selector_text().is_some() {
        return Err(GetError::NameWithSelector);
    }
    if r.namespaced() && opts.all_namespaces {
        return Err(GetError::NameAcrossNamespaces);
    }
    Ok(Request::Names(r, names))
}

fn request(args: &[String], opts: &GetOptions) -> Result<Request, GetError> {
    // `a,b x y` means a/x a/y b/x b/y (`normalizeMultipleResourcesArgs`).
    let mut args: Vec<String> = args.to_vec();
    if let Some((first, names)) = args.split_first() {
        let types = split_types(first);
        if !names.is_empty() && types.len() > 1 {
            args = types
                .iter()
                .flat_map(|t| names.iter().map(move |n| format!("{t}/{n}")))
                .collect();
        }
    }
    let slashes = args.iter().filter(|a| a.contains('/')).count();
    if slashes > 0 {
        if slashes != args.len() {
            return Err(GetError::SeparateResourceType);
        }
        let mut pairs: Vec<(String, String)> = Vec::new();
        for a in &args {
            let parts: Vec<&str> = a.split('/').collect();
            let [resource, name] = parts.as_slice() else {
                return Err(GetError::ResourceNameSlashes);
            };
            if resource.is_empty() || name.is_empty() || split_types(resource).len() != 1 {
                return Err(GetError::ResourceNameForm);
            }
            pairs.push((resource.to_string(), name.to_string()));
        }
        if opts.selector_text().is_some() {
            return Err(GetError::SelectorWithResourceName);
        }
        let mut resolved = Vec::with_capacity(pairs.len());
        for (word, name) in pairs {
            let r = resolve(&word)?;
            if r.namespaced() && opts.all_namespaces {
                return Err(GetError::NameAcrossNamespaces);
            }
            resolved.push((r, name));
        }
        return Ok(Request::Pairs(resolved));
    }
    let Some((first, names)) = args.split_first() else {
        return Err(GetError::UnknownResource(String::new()));
    };
    let expanded = expand_categories(first);
    let types = split_types(&expanded);
    if !names.is_empty() {
        if opts.selector_text().is_some() {
            return Err(GetError::NameWithSelector);
        }
        let [word] = types.as_slice() else {
            return Err(GetError::OneResourceWithNames);
        };
        return by_name(resolve(word)?, names.to_vec(), opts);
    }
    // Repeats of one type under different names (`svc,services`) are listed once.
    let mut resources: Vec<Resource> = Vec::new();
    for word in types {
        let r = resolve(word)?;
        if !resources.contains(&r) {
            resources.push(r);
        }
    }
    Ok(Request::Lists(resources))
}

/// What one request to the API server returned (kubectl's `resource.Info`): a list of one
/// type, or one object.
struct Info {
    resource: Resource,
    items: Vec<tables::Entry>,
}

fn run(cluster: &Cluster, request: &Request, opts: &GetOptions, output: Output) -> GetOutput {
    let wide = opts.wide || output == Output::Wide;
    // Only JSON and YAML print the objects themselves: tables and names need no copy of them.
    let with_json = matches!(output, Output::Json | Output::Yaml);
    let mut out = GetOutput::default();
    let mut infos: Vec<Info> = Vec::new();
    let get_one = |r: Resource, name: &str, out: &mut GetOutput, infos: &mut Vec<Info>| {
        let found = tables::objects(cluster, r, list_namespace(r, opts))
            .into_iter()
            .find(|o| o.metadata().name == name);
        match found {
            Some(o) => infos.push(Info {
                resource: r,
                items: vec![tables::entry(cluster, r, o, wide, with_json)],
            }),
            None => out.errors.push(GetError::NotFound {
                resource: r.plural().to_string(),
                name: name.to_string(),
            }),
        }
    };
    let asked: Vec<Resource> = match request {
        Request::Lists(rs) => rs.clone(),
        Request::Names(r, _) => vec![*r],
        Request::Pairs(pairs) => pairs.iter().map(|(r, _)| *r).collect(),
    };
    if asked.contains(&Resource::Endpoints) {
        out.warnings.push(ENDPOINTS_DEPRECATION_WARNING.to_string());
    }
    let single_item = match request {
        Request::Lists(rs) => {
            for &r in rs {
                match parse_selector(r, opts) {
                    Ok(selector) => {
                        let mut matching: Vec<_> =
                            tables::objects(cluster, r, list_namespace(r, opts))
                                .into_iter()
                                .filter(|o| selector.matches(&o.metadata().labels))
                                .collect();
                        if let Some(limit) = opts.limit {
                            out.remaining += matching.len().saturating_sub(limit);
                            matching.truncate(limit);
                        }
                        infos.push(Info {
                            resource: r,
                            items: matching
                                .into_iter()
                                .map(|o| tables::entry(cluster, r, o, wide, with_json))
                                .collect(),
                        });
                    }
                    Err(e) => out.errors.push(e),
                }
            }
            false
        }
        Request::Names(r, names) => {
            for name in names {
                get_one(*r, name, &mut out, &mut infos);
            }
            names.len() == 1
        }
        Request::Pairs(pairs) => {
            for (r, name) in pairs {
                get_one(*r, name, &mut out, &mut infos);
            }
            pairs.len() == 1
        }
    };
    match output {
        Output::Table | Output::Wide => {
            out.stdout = render_tables(&infos, opts, wide);
            if out.stdout.is_empty() && out.errors.is_empty() {
                let namespaced =
                    !opts.all_namespaces && infos.iter().all(|i| i.resource.namespaced());
                out.no_resources = Some(no_resources_found(
                    namespaced.then(|| opts.namespace_or_default()),
                ));
            }
        }
        Output::Json | Output::Yaml => {
            let mut items: Vec<Value> = infos
                .into_iter()
                .flat_map(|i| i.items.into_iter().map(|e| e.json))
                .collect();
            let doc = if single_item && items.len() == 1 {
                items.pop().unwrap_or(Value::Null)
            } else if single_item && items.is_empty() {
                // kubectl prints only the error when the one object asked for is missing.
                return out;
            } else {
                list_document(items)
            };
            out.stdout = if output == Output::Json {
                json::to_kubectl_json(&doc)
            } else {
                yaml::to_kubectl_yaml(&doc)
            };
        }
        Output::Name => {
            for info in &infos {
                for e in &info.items {
                    out.stdout.push_str(info.resource.singular());
                    out.stdout.push('/');
                    out.stdout.push_str(&e.name);
                    out.stdout.push('\n');
                }
            }
        }
    }
    out
}

/// kubectl's wrapper for several objects (`corev1.List` as kubectl prints it).
fn list_document(items: Vec<Value>) -> Value {
    serde_json::json!({
        "apiVersion": "v1",
        "items": items,
        "kind": "List",
        "metadata": {"resourceVersion": ""},
    })
}

/// The tables of `get`: consecutive results of one type share a table (kubectl keeps its
/// printer while the type does not change), each table is aligned on its own, and a blank
/// line separates a table from what was printed before (`separatorWriterWrapper`).
fn render_tables(infos: &[Info], opts: &GetOptions, wide: bool) -> String {
    let first = infos.first().map(|i| i.resource);
    let with_kind = infos.iter().any(|i| Some(i.resource) != first);
    let mut out = String::new();
    let mut i = 0;
    while let Some(info) = infos.get(i) {
        let r = info.resource;
        let mut items: Vec<&tables::Entry> = Vec::new();
        while let Some(same) = infos.get(i).filter(|x| x.resource == r) {
            items.extend(same.items.iter());
            i += 1;
        }
        if items.is_empty() {
            continue;
        }
        if !out.is_empty() && !opts.no_headers {
            out.push('\n');
        }
        out.push_str(&render_table(r, &items, opts, wide, with_kind));
    }
    out
}

fn render_table(
    r: Resource,
    items: &[&tables::Entry],
    opts: &GetOptions,
    wide: bool,
    with_kind: bool,
) -> String {
    let with_ns = opts.all_namespaces && r.namespaced();
    let mut rows: Vec<Vec<String>> = Vec::with_capacity(items.len() + 1);
    if !opts.no_headers {
        let mut header: Vec<String> = Vec::new();
        if with_ns {
            header.push("NAMESPACE".to_string());
        }
        header.extend(tables::headers(r, wide).into_iter().map(str::to_string));
        if opts.show_labels {
            header.push("LABELS".to_string());
        }
        rows.push(header);
    }
    for e in items {
        let mut row = Vec::with_capacity(e.cells.len() + 2);
        if with_ns {
            row.push(e.namespace.clone());
        }
        row.extend(e.cells.iter().cloned());
        if with_kind {
            if let Some(name) = row.get_mut(usize::from(with_ns)) {
                *name = format!("{}/{name}", r.singular());
            }
        }
        if opts.show_labels {
            row.push(format_labels(&e.labels));
        }
        rows.push(row);
    }
    tabwriter::kubectl_table(&rows)
}

fn table_for(cluster: &Cluster, r: Resource, opts: &GetOptions) -> String {
    get_resource(cluster, r, opts, Output::Table)
        .map(|g| g.stdout)
        .unwrap_or_default()
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
