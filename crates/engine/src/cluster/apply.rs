//! `apply`: what `kubectl apply -f` and kube-apiserver do with each object of a manifest.
//!
//! For every object: decode strictly → default → (create) allocate → validate → store, or
//! (update) carry over what the server filled in → allocate → validate update → store. An
//! invalid object is not stored and leaks no allocation; the other objects of the same source
//! are still applied, as `kubectl apply -f` continues past a failed object.

use super::demand::Demand;
use super::manifests::Manifests;
use super::{Cluster, ObjectKey};
use crate::alloc::lb::{validate_pool, METALLB_NAMESPACE, POOL_WEBHOOK};
use crate::alloc::AllocError;
use crate::api::apps::Workload;
use crate::api::core::{Endpoints, Namespace, Node, Pod, Service};
use crate::api::discovery::EndpointSlice;
use crate::api::meta::ObjectMeta;
use crate::api::setup::{IpAddressPool, KindCluster};
use crate::api::{DecodeError, Object, KINDS};
use crate::config::{validate_kind, ClusterConfig, KindConfigError};
use crate::limits::{LimitExceeded, Limits};
use crate::manifest::{self, Location, ManifestError, Pos, RawObject, Source};
use crate::sim::NAME_ALPHABET;
use crate::validate::field::{kubectl_invalid, ErrorList};
use crate::validate::{
    defaults, service as svc_validation, validate_endpoint_slice, validate_endpoints,
    validate_namespace, validate_node, validate_pod, validate_workload,
};
use serde::Serialize;

/// What happened to one object (kubectl's `created` / `configured` / `unchanged`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum ApplyOutcome {
    Created,
    Configured,
    Unchanged,
}

impl ApplyOutcome {
    pub fn as_str(self) -> &'static str {
        match self {
            ApplyOutcome::Created => "created",
            ApplyOutcome::Configured => "configured",
            ApplyOutcome::Unchanged => "unchanged",
        }
    }
}

/// Why an object (or a whole document) was refused; `Display` is kubectl's text.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ApplyError {
    /// The document is not valid YAML/JSON or not an object.
    #[error("error: error parsing {source_name}: {error}")]
    Manifest {
        source_name: String,
        error: ManifestError,
    },
    /// REST mapping failure: unknown apiVersion for a known kind.
    #[error("error: {0}")]
    NoMatch(Box<DecodeError>),
    /// Strict decoding failed (400).
    #[error("Error from server (BadRequest): error when creating \"{source_name}\": {error}")]
    BadRequest {
        source_name: String,
        error: Box<DecodeError>,
    },
    /// Validation or allocation failed (422): kubectl's "The <Kind> "<name>" is invalid: …".
    #[error("{}", kubectl_invalid(kind, name, causes))]
    Invalid {
        kind: String,
        name: String,
        causes: ErrorList,
    },
    /// 500, e.g. `failed to allocate a serviceIP: range is full`.
    #[error("Error from server (InternalError): error when creating \"{source_name}\": Internal error occurred: {message}")]
    Internal {
        source_name: String,
        message: String,
    },
    /// The object's namespace does not exist (NamespaceLifecycle admission).
    #[error("Error from server (NotFound): error when creating \"{source_name}\": namespaces \"{namespace}\" not found")]
    NamespaceNotFound {
        source_name: String,
        namespace: String,
    },
    /// `kubectl apply` needs a name to look the object up.
    #[error("error: error when retrieving current configuration of:\nResource: \"{resource}\", GroupVersionKind: \"{gvk}\"\nName: \"\", Namespace: \"{namespace}\"\nfrom server for: \"{source_name}\": resource name may not be empty")]
    NameRequired {
        resource: String,
        gvk: String,
        namespace: String,
        source_name: String,
    },
    /// `kubectl apply` refuses `generateName` (it could not find the object again); the message
    /// names the prefix, not the file.
    #[error("error: from {generate_name}: cannot use generate name with apply")]
    GenerateName { generate_name: String },
    /// Updating a field the API server does not let change.
    #[error("The {kind} \"{name}\" is invalid: {message}")]
    Immutable {
        kind: String,
        name: String,
        message: String,
    },
    /// A kind `Cluster` document that kind, the kubeadm under it or svcsim refuses
    /// ([`crate::config::validate_kind`]): the refusing program's text, then a line saying
    /// what svcsim built instead. One position per problem.
    #[error("{error}\n{fallback}")]
    KindConfig {
        error: KindConfigError,
        fallback: String,
    },
    /// An admission webhook denied the object (403): MetalLB's for `IPAddressPool`s
    /// ([`crate::alloc::lb::validate_pool`]). `field` is where in the object the reason lies.
    #[error("Error from server (Forbidden): error when creating \"{source_name}\": admission webhook \"{webhook}\" denied the request: {message}")]
    WebhookDenied {
        source_name: String,
        webhook: String,
        message: String,
        field: String,
    },
    /// The object asks for more than svcsim simulates ([`crate::limits`]): refused before any
    /// controller starts the work, pointing at the field that asks (`spec.replicas`). Real
    /// Kubernetes would accept it; svcsim's machine is one browser tab.
    #[error("{0}")]
    LimitExceeded(#[from] LimitExceeded),
}

/// The result of applying one object (or of failing to read one document).
#[derive(Debug, Clone, PartialEq)]
pub struct ApplyResult {
    /// Where the object (or the failing document) is.
    pub location: Location,
    pub kind: String,
    pub name: String,
    pub namespace: String,
    /// False for kinds that svcsim keeps but does not simulate.
    pub simulated: bool,
    /// A set-up document (kind's `Cluster`): it shaped the cluster, it is not an API object.
    pub setup: bool,
    pub outcome: Result<ApplyOutcome, ApplyError>,
}

impl ApplyResult {
    /// The result for a document that could not be read (not YAML/JSON, not an object, no
    /// `kind`): kubectl's `error: error parsing <file>: …`, pointing at the error's line:column.
    /// Such a document applies nothing; the others of the same source still apply.
    pub fn manifest_error(source_name: &str, doc: usize, error: ManifestError) -> ApplyResult {
        ApplyResult {
            location: location(source_name, doc, error.pos()),
            kind: String::new(),
            name: String::new(),
            namespace: String::new(),
            simulated: true,
            setup: false,
            outcome: Err(ApplyError::Manifest {
                source_name: source_name.to_string(),
                error,
            }),
        }
    }

    pub fn is_ok(&self) -> bool {
        self.outcome.is_ok()
    }

    /// Every position an error points at: one per cause for Invalid and per problem of a
    /// refused kind config, else the error's own.
    pub fn error_locations(&self) -> Vec<(String, Location)> {
        match &self.outcome {
            Ok(_) => Vec::new(),
            Err(ApplyError::KindConfig { error, .. }) => error
                .problems
                .iter()
                .map(|p| {
                    let mut loc = self.location.clone();
                    if let Some(pos) = p.pos {
                        loc.line = pos.line;
                        loc.col = pos.col;
                    }
                    (p.message.clone(), loc)
                })
                .collect(),
            Err(ApplyError::Invalid { causes, .. }) => causes
                .iter()
                .map(|c| {
                    let mut loc = self.location.clone();
                    if let Some(p) = c.pos {
                        loc.line = p.line;
                        loc.col = p.col;
                    }
                    (c.to_string(), loc)
                })
                .collect(),
            Err(e) => vec![(e.to_string(), self.location.clone())],
        }
    }

    /// kubectl's resource name for the kind (`service`, `deployment.apps`, `ingress.networking.k8s.io`).
    pub fn resource(&self) -> String {
        resource_name(&self.kind, "")
    }
}

/// `service`, `deployment.apps`, `endpointslice.discovery.k8s.io`, or for other kinds the
/// lower-cased kind plus the API group.
pub fn resource_name(kind: &str, api_version: &str) -> String {
    if let Some((_, _, resource, _)) = KINDS.iter().find(|(k, ..)| *k == kind) {
        return (*resource).to_string();
    }
    let group = api_version.rsplit_once('/').map(|(g, _)| g).unwrap_or("");
    if group.is_empty() {
        kind.to_lowercase()
    } else {
        format!("{}.{group}", kind.to_lowercase())
    }
}

impl std::fmt::Display for ApplyResult {
    /// kubectl's line: `service/my-service created`, or the error text.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.outcome {
            Ok(o) => {
                write!(
                    f,
                    "{}/{} {}",
                    self.resource_for_display(),
                    self.name,
                    o.as_str()
                )?;
                if !self.simulated {
                    f.write_str(" (kept, not simulated)")?;
                }
                if self.setup {
                    f.write_str(" (kind cluster set-up)")?;
                }
                Ok(())
            }
            Err(e) => write!(f, "{e}"),
        }
    }
}

impl ApplyResult {
    fn resource_for_display(&self) -> String {
        if self.simulated {
            resource_name(&self.kind, "")
        } else {
            self.kind.to_lowercase()
        }
    }
}

/// An apply in steps ([`Cluster::begin_apply`]): the objects in the order they are applied, how
/// far it has got, and the results so far.
#[derive(Debug, Clone, Default)]
pub struct ApplyRun {
    /// Indexes into the manifests' objects: Namespaces, then Nodes and pools, then the rest.
    order: Vec<usize>,
    next: usize,
    results: Vec<(usize, ApplyResult)>,
}

impl ApplyRun {
    /// Objects applied so far, and in all.
    pub fn progress(&self) -> (usize, usize) {
        (self.next, self.order.len())
    }

    pub fn is_done(&self) -> bool {
        self.next >= self.order.len()
    }
}

/// A run's results in file order (document errors at their document's place).
fn in_file_order(run: ApplyRun) -> Vec<ApplyResult> {
    let mut results = run.results;
    results.sort_by_key(|(i, r)| (r.location.doc, *i));
    results.into_iter().map(|(_, r)| r).collect()
}

/// Kinds created before others in one apply, so a Namespace or pool in the same file as the
/// objects using it works (kubectl applies in file order; this only changes order within one
/// call, and results are still reported in file order).
fn apply_rank(o: &Object) -> u8 {
    match o {
        Object::Namespace(_) => 0,
        Object::Node(_)
        | Object::IpAddressPool(_)
        | Object::KindCluster(_)
        | Object::ServiceCidr(_) => 1,
        _ => 2,
    }
}

impl Cluster {
    /// Build a cluster from manifests: kind `Cluster` documents and MetalLB pools shape it, then
    /// every other object is applied, and simulated time runs until the cluster settles. Each
    /// source is read once.
    pub fn from_sources(sources: &[Source], seed: u64) -> (Cluster, Vec<ApplyResult>) {
        Cluster::from_sources_within(sources, seed, Limits::DEFAULT)
    }

    /// [`Cluster::from_sources`] within other limits (the page's [`Limits::PAGE`]): a kind
    /// `Cluster` document and every object are checked against them.
    pub fn from_sources_within(
        sources: &[Source],
        seed: u64,
        limits: Limits,
    ) -> (Cluster, Vec<ApplyResult>) {
        let manifests: Vec<Manifests> = sources.iter().map(Manifests::parse).collect();
        let config = super::manifests::cluster_config_of(&manifests, limits);
        let mut cluster = Cluster::new(config, seed);
        let mut results = Vec::new();
        for m in &manifests {
            results.extend(cluster.apply_manifests(m));
        }
        cluster.settle();
        (cluster, results)
    }

    /// `kubectl apply -f`: apply every object of `source` (without advancing time; call
    /// [`Cluster::settle`] or [`Cluster::advance`] to let controllers act). Reads the source;
    /// a caller that already has it read uses [`Cluster::apply_manifests`].
    pub fn apply(&mut self, source: &Source) -> Vec<ApplyResult> {
        self.apply_manifests(&Manifests::parse(source))
    }

    /// `kubectl apply -f` of a source already read: one result per unreadable document and per
    /// object, in file order. Namespaces, then Nodes and pools, are created before the other
    /// objects of the same source, so a file can create the namespace it uses.
    pub fn apply_manifests(&mut self, manifests: &Manifests) -> Vec<ApplyResult> {
        let mut run = self.begin_apply(manifests);
        self.apply_some(&mut run, manifests, usize::MAX);
        self.finish_apply(run)
    }

    /// [`Cluster::apply_manifests`], leaving what it counted for the limits in `self.demand`
    /// (tests compare it with a fresh count).
    #[cfg(test)]
    pub(super) fn apply_counting(&mut self, manifests: &Manifests) -> Vec<ApplyResult> {
        let mut run = self.begin_apply(manifests);
        self.apply_some(&mut run, manifests, usize::MAX);
        in_file_order(run)
    }

    /// [`Cluster::apply_manifests`] in steps ([`Cluster::apply_some`], then
    /// [`Cluster::finish_apply`]): the page applies a big paste between animation frames. Nothing
    /// else may change the cluster until the run is finished (what the objects ask for is
    /// counted once for the limits, and kept until then).
    pub fn begin_apply(&mut self, manifests: &Manifests) -> ApplyRun {
        self.demand = None;
        let results = manifests
            .error_results()
            .into_iter()
            .map(|r| (usize::MAX, r))
            .collect();
        let mut order: Vec<usize> = (0..manifests.objects().len()).collect();
        let objects = manifests.objects();
        order.sort_by_key(|&i| (objects[i].object.as_ref().map_or(2, apply_rank), i));
        ApplyRun {
            order,
            next: 0,
            results,
        }
    }

    /// Apply up to `max` more objects of `run` (at least one). True when every object is applied.
    pub fn apply_some(&mut self, run: &mut ApplyRun, manifests: &Manifests, max: usize) -> bool {
        let source_name = manifests.source_name();
        let end = run.next.saturating_add(max.max(1)).min(run.order.len());
        for &i in run.order.get(run.next..end).unwrap_or(&[]) {
            if let Some(d) = manifests.objects().get(i) {
                let result = self.apply_decoded(source_name, &d.raw, d.object.clone());
                run.results.push((i, result));
            }
        }
        run.next = end;
        run.is_done()
    }

    /// The results of a run, in file order (document errors at their document's place).
    pub fn finish_apply(&mut self, run: ApplyRun) -> Vec<ApplyResult> {
        self.demand = None;
        in_file_order(run)
    }

    fn apply_decoded(
        &mut self,
        source_name: &str,
        raw: &RawObject,
        d: Result<Object, Box<DecodeError>>,
    ) -> ApplyResult {
        let mut result = ApplyResult {
            location: location(source_name, raw.doc, raw.node.pos),
            kind: raw.kind.clone(),
            name: raw.name.clone(),
            namespace: raw.namespace.clone().unwrap_or_default(),
            simulated: true,
            setup: false,
            outcome: Ok(ApplyOutcome::Unchanged),
        };
        let object = match d {
            Ok(o) => o,
            Err(e) => {
                result.location = location(source_name, raw.doc, e.pos());
                result.outcome = Err(match &*e {
                    DecodeError::NoMatch { .. } => ApplyError::NoMatch(e),
                    DecodeError::BadRequest { .. } => ApplyError::BadRequest {
                        source_name: source_name.to_string(),
                        error: e,
                    },
                });
                return result;
            }
        };
        let namespaced = KINDS
            .iter()
            .find(|(k, ..)| *k == raw.kind)
            .is_some_and(|(.., ns)| *ns);
        if namespaced && result.namespace.is_empty() {
            result.namespace = "default".to_string();
        }
        let ctx = Ctx {
            source_name,
            node: &raw.node,
        };
        let outcome = match object {
            Object::Unsimulated(u) => {
                result.simulated = false;
                let existed = self.store.unsimulated.iter().any(|x| x == &u);
                if !existed {
                    self.store.unsimulated.push(u);
                }
                Ok(if existed {
                    ApplyOutcome::Unchanged
                } else {
                    ApplyOutcome::Created
                })
            }
            Object::KindCluster(k) => {
                // Shapes the cluster in `from_sources`; on a running cluster there is nothing to
                // do but report a refusal. kind names it by its top-level `name` (default
                // "kind"), not metadata.
                result.setup = true;
                let fits = super::manifests::kind_cluster_fits(&k, &self.config.limits);
                result.name = if k.name.is_empty() {
                    "kind".to_string()
                } else {
                    k.name.clone()
                };
                match fits {
                    Err(e) => Err(ApplyError::LimitExceeded(e)),
                    Ok(()) => self.check_kind_config(&k, &raw.node),
                }
            }
            other => self.apply_object(other, &result.namespace, &ctx),
        };
        if let Err(ApplyError::Invalid { causes, .. }) = &outcome {
            if let Some(p) = causes.iter().find_map(|c| c.pos) {
                result.location.line = p.line;
                result.location.col = p.col;
            }
        }
        if let Err(ApplyError::NameRequired { .. }) = &outcome {
            let p = raw.node.pos_for_path("metadata.name");
            result.location.line = p.line;
            result.location.col = p.col;
        }
        if let Err(ApplyError::WebhookDenied { field, .. }) = &outcome {
            let p = raw.node.pos_for_path(field);
            result.location.line = p.line;
            result.location.col = p.col;
        }
        if let Err(ApplyError::KindConfig { error, .. }) = &outcome {
            if let Some(p) = error.problems.iter().find_map(|p| p.pos) {
                result.location.line = p.line;
                result.location.col = p.col;
            }
        }
        if let Err(ApplyError::LimitExceeded(e)) = &outcome {
            let p = raw.node.pos_for_path(e.field);
            result.location.line = p.line;
            result.location.col = p.col;
        }
        result.outcome = outcome;
        result
    }

    fn apply_object(
        &mut self,
        object: Object,
        namespace: &str,
        ctx: &Ctx<'_>,
    ) -> Result<ApplyOutcome, ApplyError> {
        let kind = object.kind().to_string();
        let meta = object.metadata().cloned().unwrap_or_default();
        if meta.name.is_empty() && !meta.generate_name.is_empty() {
            return Err(ApplyError::GenerateName {
                generate_name: meta.generate_name.clone(),
            });
        }
        if meta.name.is_empty() {
            let (_, api_version, resource, _) = KINDS
                .iter()
                .find(|(k, ..)| *k == kind)
                .copied()
                .unwrap_or(("", "v1", "", true));
            let (group, version) = api_version.rsplit_once('/').unwrap_or(("", api_version));
            let plural = match resource.split_once('.') {
                Some((r, _)) => plural_of(r),
                None => plural_of(resource),
            };
            return Err(ApplyError::NameRequired {
                resource: format!("{group}/{version}, Resource={plural}"),
                gvk: format!("{group}/{version}, Kind={kind}"),
                namespace: namespace.to_string(),
                source_name: ctx.source_name.to_string(),
            });
        }
        let namespaced = KINDS
            .iter()
            .find(|(k, ..)| *k == kind)
            .is_some_and(|(.., ns)| *ns);
        if namespaced
            && !matches!(object, Object::IpAddressPool(_))
            && !self.store.namespaces.contains_key(namespace)
        {
            return Err(ApplyError::NamespaceNotFound {
                source_name: ctx.source_name.to_string(),
                namespace: namespace.to_string(),
            });
        }
        match object {
            Object::Service(s) => self.apply_service(s, namespace, ctx),
            Object::Namespace(n) => self.apply_namespace(n, ctx),
            Object::Node(n) => self.apply_node(n, ctx),
            Object::Pod(p) => self.apply_pod(p, namespace, ctx),
            Object::Workload(w) => self.apply_workload(w, namespace, ctx),
            Object::EndpointSlice(s) => self.apply_endpoint_slice(s, namespace, ctx),
            Object::Endpoints(e) => self.apply_endpoints(e, namespace, ctx),
            Object::IpAddressPool(p) => self.apply_pool(p, namespace, ctx),
            Object::ServiceCidr(sc) => self.apply_service_cidr(sc, ctx),
            Object::IpAddress(a) => self.apply_ip_address(a, ctx),
            Object::KindCluster(_) | Object::Unsimulated(_) => Ok(ApplyOutcome::Unchanged),
        }
    }

    /// Run `f` on what the objects ask for, counting it first if this apply has not yet.
    fn demand<T>(&mut self, f: impl FnOnce(&mut Demand, &Cluster) -> T) -> T {
        let mut demand = self.demand.take().unwrap_or_else(|| Demand::of(self));
        let out = f(&mut demand, self);
        self.demand = Some(demand);
        out
    }

    /// Fill the server-set metadata of a new object.
    pub(super) fn init_meta(&mut self, meta: &mut ObjectMeta, namespace: &str) {
        meta.namespace = namespace.to_string();
        if meta.name.is_empty() {
            // generateName: the prefix plus 5 characters (SimpleNameGenerator).
            let suffix = self.rng.string_from(NAME_ALPHABET, 5);
            meta.name = format!("{}{suffix}", meta.generate_name);
        }
        meta.uid = self.rng.uuid();
        meta.resource_version = self.next_resource_version();
        meta.creation_timestamp = Some(self.wall_now());
        meta.deletion_timestamp = None;
    }

    /// Keep the server-set metadata of an existing object across an update.
    pub(super) fn keep_meta(&mut self, meta: &mut ObjectMeta, old: &ObjectMeta, changed: bool) {
        meta.namespace = old.namespace.clone();
        meta.uid = old.uid.clone();
        meta.creation_timestamp = old.creation_timestamp;
        meta.deletion_timestamp = old.deletion_timestamp;
        meta.resource_version = if changed {
            self.next_resource_version()
        } else {
            old.resource_version.clone()
        };
        if meta.owner_references.is_empty() {
            meta.owner_references = old.owner_references.clone();
        }
    }

    fn apply_service(
        &mut self,
        mut svc: Service,
        namespace: &str,
        ctx: &Ctx<'_>,
    ) -> Result<ApplyOutcome, ApplyError> {
        let key = ObjectKey::new(namespace, svc.metadata.name.clone());
        svc.metadata.namespace = namespace.to_string();
        defaults::default_service(&mut svc);
        let old = self.store.services.get(&key).cloned();
        if let Some(old) = &old {
            carry_over_service_fields(&mut svc, old);
            drop_type_dependent_fields(&mut svc, old);
        }
        // The registry copies clusterIP into clusterIPs before allocation (`normalizeClusterIPs`).
        if svc.spec.cluster_ips.is_empty() && !svc.spec.cluster_ip.is_empty() {
            svc.spec.cluster_ips = vec![svc.spec.cluster_ip.clone()];
        }
        let name = svc.metadata.name.clone();
        let reservation = self
            .alloc
            .allocate_service(
                &mut svc,
                old.as_ref(),
                &mut self.rng,
                svc_validation::validate_cluster_ips_related_fields,
            )
            .map_err(|e| match e {
                AllocError::Invalid(causes) => invalid("Service", &name, causes, ctx),
                AllocError::Internal(message) => ApplyError::Internal {
                    source_name: ctx.source_name.to_string(),
                    message,
                },
            })?;
        let errors = match &old {
            None => svc_validation::validate_service(&svc),
            Some(old) => svc_validation::validate_service_update(&svc, old),
        };
        if !errors.is_empty() {
            self.alloc.revert(reservation);
            return Err(invalid("Service", &name, errors, ctx));
        }
        if let Err(e) = self.demand(|d, _| d.check_service(&key, &svc, old.as_ref())) {
            self.alloc.revert(reservation);
            return Err(e.into());
        }
        self.alloc.commit(reservation);
        self.demand(|d, _| d.commit_service(&key, &svc, old.as_ref()));
        let old_ips = old
            .as_ref()
            .map(|o| o.spec.cluster_ips.clone())
            .unwrap_or_default();
        let result = self.store_service(key.clone(), svc, old);
        self.sync_service_ips(&key.namespace, &key.name, &old_ips);
        Ok(result)
    }

    /// Store an admitted Service (created, or updated over `old`).
    fn store_service(
        &mut self,
        key: ObjectKey,
        mut svc: Service,
        old: Option<Service>,
    ) -> ApplyOutcome {
        let namespace = key.namespace.clone();
        match old {
            None => {
                self.init_meta(&mut svc.metadata, &namespace);
                self.store.services.insert(key, svc);
                ApplyOutcome::Created
            }
            Some(old) => {
                let changed = svc.spec != old.spec
                    || svc.metadata.labels != old.metadata.labels
                    || svc.metadata.annotations != old.metadata.annotations;
                self.keep_meta(&mut svc.metadata, &old.metadata, changed);
                if svc.status == Default::default() {
                    svc.status = old.status.clone();
                }
                // `dropTypeDependentFields`: a Service that is no longer a LoadBalancer loses
                // its load-balancer status at once (de-provisioning is the controller's job).
                if svc.spec.type_ != "LoadBalancer" {
                    svc.status.load_balancer = Default::default();
                }
                self.store.services.update(key, svc);
                outcome(changed)
            }
        }
    }

    fn apply_namespace(
        &mut self,
        mut ns: Namespace,
        ctx: &Ctx<'_>,
    ) -> Result<ApplyOutcome, ApplyError> {
        let name = ns.metadata.name.clone();
        let errors = validate_namespace(&ns);
        if !errors.is_empty() {
            return Err(invalid("Namespace", &name, errors, ctx));
        }
        match self.store.namespaces.get(&name).cloned() {
            None => {
                self.init_meta(&mut ns.metadata, "");
                ns.metadata
                    .labels
                    .insert("kubernetes.io/metadata.name".to_string(), name.clone());
                self.store.namespaces.insert(name, ns);
                Ok(ApplyOutcome::Created)
            }
            Some(old) => {
                ns.metadata
                    .labels
                    .insert("kubernetes.io/metadata.name".to_string(), name.clone());
                let changed = ns.metadata.labels != old.metadata.labels
                    || ns.metadata.annotations != old.metadata.annotations;
                self.keep_meta(&mut ns.metadata, &old.metadata, changed);
                self.store.namespaces.update(name, ns);
                Ok(outcome(changed))
            }
        }
    }

    fn apply_node(&mut self, mut node: Node, ctx: &Ctx<'_>) -> Result<ApplyOutcome, ApplyError> {
        let name = node.metadata.name.clone();
        let errors = validate_node(&node);
        if !errors.is_empty() {
            return Err(invalid("Node", &name, errors, ctx));
        }
        let old = self.store.nodes.get(&name).cloned();
        self.demand(|d, c| d.check_node(c, &node, old.as_ref()))?;
        self.demand(|d, c| d.commit_node(c, &node, old.as_ref()));
        match old {
            None => {
                self.init_meta(&mut node.metadata, "");
                node.metadata
                    .labels
                    .entry("kubernetes.io/hostname".to_string())
                    .or_insert_with(|| name.clone());
                self.store.nodes.insert(name, node);
                Ok(ApplyOutcome::Created)
            }
            Some(old) => {
                if node.spec.pod_cidr.is_empty() {
                    node.spec.pod_cidr = old.spec.pod_cidr.clone();
                    node.spec.pod_cidrs = old.spec.pod_cidrs.clone();
                }
                if node.status.addresses.is_empty() {
                    node.status = old.status.clone();
                }
                let changed = node.spec != old.spec || node.metadata.labels != old.metadata.labels;
                self.keep_meta(&mut node.metadata, &old.metadata, changed);
                self.store.nodes.update(name, node);
                Ok(outcome(changed))
            }
        }
    }

    fn apply_pod(
        &mut self,
        mut pod: Pod,
        namespace: &str,
        ctx: &Ctx<'_>,
    ) -> Result<ApplyOutcome, ApplyError> {
        defaults::default_pod(&mut pod);
        let name = pod.metadata.name.clone();
        pod.metadata.namespace = namespace.to_string();
        let errors = validate_pod(&pod);
        if !errors.is_empty() {
            return Err(invalid("Pod", &name, errors, ctx));
        }
        let key = ObjectKey::new(namespace, name.clone());
        match self.store.pods.get(&key).cloned() {
            None => {
                self.demand(|d, c| d.check_pod(c, &pod, None))?;
                self.demand(|d, c| d.commit_pod(c, &pod, None));
                self.init_meta(&mut pod.metadata, namespace);
                self.store.pods.insert(key, pod);
                Ok(ApplyOutcome::Created)
            }
            Some(old) => {
                if pod.spec.node_name.is_empty() {
                    pod.spec.node_name = old.spec.node_name.clone();
                }
                let mut a = pod.spec.clone();
                let mut b = old.spec.clone();
                for c in a.containers.iter_mut().chain(a.init_containers.iter_mut()) {
                    c.image.clear();
                }
                for c in b.containers.iter_mut().chain(b.init_containers.iter_mut()) {
                    c.image.clear();
                }
                a.tolerations.clear();
                b.tolerations.clear();
                a.termination_grace_period_seconds = None;
                b.termination_grace_period_seconds = None;
                if a != b {
                    return Err(ApplyError::Immutable {
                        kind: "Pod".into(),
                        name,
                        message: "spec: Forbidden: pod updates may not change fields other than `spec.containers[*].image`,`spec.initContainers[*].image`,`spec.activeDeadlineSeconds`,`spec.tolerations` (only additions to existing tolerations),`spec.terminationGracePeriodSeconds` (allow it to be set to 1 if it was previously negative)".into(),
                    });
                }
                let changed = pod.spec != old.spec || pod.metadata.labels != old.metadata.labels;
                if changed {
                    self.demand(|d, c| d.check_pod(c, &pod, Some(&old)))?;
                    self.demand(|d, c| d.commit_pod(c, &pod, Some(&old)));
                }
                self.keep_meta(&mut pod.metadata, &old.metadata, changed);
                if pod.status == Default::default() {
                    pod.status = old.status.clone();
                }
                self.store.pods.update(key, pod);
                Ok(outcome(changed))
            }
        }
    }

    fn apply_workload(
        &mut self,
        mut w: Workload,
        namespace: &str,
        ctx: &Ctx<'_>,
    ) -> Result<ApplyOutcome, ApplyError> {
        defaults::default_workload(&mut w);
        let name = w.metadata.name.clone();
        w.metadata.namespace = namespace.to_string();
        let errors = validate_workload(&w);
        if !errors.is_empty() {
            return Err(invalid(w.kind.as_str(), &name, errors, ctx));
        }
        let key = (w.kind, ObjectKey::new(namespace, name));
        let old = self.store.workloads.get(&key).cloned();
        if old.as_ref().is_none_or(|o| o.spec != w.spec) {
            self.demand(|d, c| d.check_workload(c, &w, old.as_ref()))?;
            self.demand(|d, c| d.commit_workload(c, &w, old.as_ref()));
        }
        match old {
            None => {
                self.init_meta(&mut w.metadata, namespace);
                w.metadata.generation = Some(1);
                self.store.workloads.insert(key, w);
                Ok(ApplyOutcome::Created)
            }
            Some(old) => {
                let changed = w.spec != old.spec || w.metadata.labels != old.metadata.labels;
                self.keep_meta(&mut w.metadata, &old.metadata, changed);
                w.metadata.generation =
                    Some(old.metadata.generation.unwrap_or(1) + i64::from(w.spec != old.spec));
                w.status = old.status.clone();
                // kubectl apply's merge patch leaves what the manifest never mentions, such as
                // the Deployment controller's `deployment.kubernetes.io/revision`.
                for (k, v) in &old.metadata.annotations {
                    if k.starts_with("deployment.kubernetes.io/") {
                        w.metadata
                            .annotations
                            .entry(k.clone())
                            .or_insert_with(|| v.clone());
                    }
                }
                self.store.workloads.update(key, w);
                Ok(outcome(changed))
            }
        }
    }

    fn apply_endpoint_slice(
        &mut self,
        mut s: EndpointSlice,
        namespace: &str,
        ctx: &Ctx<'_>,
    ) -> Result<ApplyOutcome, ApplyError> {
        defaults::default_endpoint_slice(&mut s);
        let name = s.metadata.name.clone();
        s.metadata.namespace = namespace.to_string();
        let errors = validate_endpoint_slice(&s);
        if !errors.is_empty() {
            return Err(invalid("EndpointSlice", &name, errors, ctx));
        }
        let key = ObjectKey::new(namespace, name);
        let old = self.store.endpoint_slices.get(&key).cloned();
        self.demand(|d, _| d.check_slice(&s, old.as_ref()))?;
        self.demand(|d, _| d.commit_slice(&s, old.as_ref()));
        match old {
            None => {
                self.init_meta(&mut s.metadata, namespace);
                let key = ObjectKey::new(namespace, s.metadata.name.clone());
                self.store.endpoint_slices.insert(key, s);
                Ok(ApplyOutcome::Created)
            }
            Some(old) => {
                let changed = s.endpoints != old.endpoints
                    || s.ports != old.ports
                    || s.address_type != old.address_type
                    || s.metadata.labels != old.metadata.labels;
                self.keep_meta(&mut s.metadata, &old.metadata, changed);
                self.store.endpoint_slices.update(key, s);
                Ok(outcome(changed))
            }
        }
    }

    fn apply_endpoints(
        &mut self,
        mut e: Endpoints,
        namespace: &str,
        ctx: &Ctx<'_>,
    ) -> Result<ApplyOutcome, ApplyError> {
        defaults::default_endpoints(&mut e);
        let name = e.metadata.name.clone();
        e.metadata.namespace = namespace.to_string();
        let key = ObjectKey::new(namespace, name.clone());
        let old = self.store.endpoints.get(&key).cloned();
        let errors = validate_endpoints(&e, old.as_ref());
        if !errors.is_empty() {
            return Err(invalid("Endpoints", &name, errors, ctx));
        }
        self.demand(|d, _| d.check_endpoints(&e, old.as_ref()))?;
        self.demand(|d, _| d.commit_endpoints(&e, old.as_ref()));
        match old {
            None => {
                self.init_meta(&mut e.metadata, namespace);
                self.store.endpoints.insert(key, e);
                Ok(ApplyOutcome::Created)
            }
            Some(old) => {
                let changed = e.subsets != old.subsets
                    || e.metadata.labels != old.metadata.labels
                    || e.metadata.annotations != old.metadata.annotations;
                self.keep_meta(&mut e.metadata, &old.metadata, changed);
                self.store.endpoints.update(key, e);
                Ok(outcome(changed))
            }
        }
    }

    /// A kind `Cluster` document on a cluster already built: nothing to do if kind would take
    /// it; else the refusal, each problem pointing at its field, and what the cluster is
    /// instead (`from_sources` skipped the document: see `manifests::cluster_config_of`).
    fn check_kind_config(
        &self,
        kind: &KindCluster,
        node: &manifest::Node,
    ) -> Result<ApplyOutcome, ApplyError> {
        let Err(mut error) = validate_kind(kind) else {
            return Ok(ApplyOutcome::Unchanged);
        };
        for p in &mut error.problems {
            p.pos = Some(node.pos_for_path(&p.field));
        }
        let default = ClusterConfig::default();
        let names = |c: &ClusterConfig| c.nodes.iter().map(|n| n.name.clone()).collect::<Vec<_>>();
        let is_default = self.config.name == default.name
            && names(&self.config) == names(&default)
            && self.config.pod_subnet == default.pod_subnet
            && self.config.service_subnet == default.service_subnet;
        let fallback = if is_default {
            format!(
                "svcsim: this Cluster document is ignored; the cluster is svcsim's default: {} (pod subnet {}, service subnet {})",
                names(&default).join(", "),
                default.pod_subnet,
                default.service_subnet
            )
        } else {
            "svcsim: this Cluster document is ignored; the cluster comes from another Cluster document".to_string()
        };
        Err(ApplyError::KindConfig { error, fallback })
    }

    /// An `IPAddressPool`: MetalLB's webhook first (the pools already created are the
    /// configuration it joins), then stored; it replaces svcsim's default pool.
    fn apply_pool(
        &mut self,
        mut p: IpAddressPool,
        namespace: &str,
        ctx: &Ctx<'_>,
    ) -> Result<ApplyOutcome, ApplyError> {
        let existing: Vec<&IpAddressPool> = self
            .store
            .pools
            .iter()
            .filter(|(k, _)| k.namespace == METALLB_NAMESPACE)
            .map(|(_, v)| v)
            .collect();
        if let Err(denied) = validate_pool(&p, namespace, &existing) {
            return Err(ApplyError::WebhookDenied {
                source_name: ctx.source_name.to_string(),
                webhook: POOL_WEBHOOK.to_string(),
                message: denied.message,
                field: denied.field,
            });
        }
        let key = ObjectKey::new(namespace, p.metadata.name.clone());
        let existed = self.store.pools.get(&key).cloned();
        if existed.as_ref().is_some_and(|o| o.spec == p.spec) {
            return Ok(ApplyOutcome::Unchanged);
        }
        match &existed {
            None => self.init_meta(&mut p.metadata, namespace),
            Some(old) => self.keep_meta(&mut p.metadata, &old.metadata, true),
        }
        // A pool given in the manifests replaces the built-in default one.
        self.config.lb_pools.retain(|x| {
            !(x.metadata.name == p.metadata.name && x.metadata.namespace == p.metadata.namespace)
                && x != &super::config::default_pool()
        });
        self.config.lb_pools.push(p.clone());
        self.config_changed();
        self.alloc.lb.set_pools(&self.config.lb_pools);
        self.store.pools.insert(key, p);
        Ok(if existed.is_some() {
            ApplyOutcome::Configured
        } else {
            ApplyOutcome::Created
        })
    }
}

/// The source text and tree of the object being applied, for messages and positions.
pub(super) struct Ctx<'a> {
    source_name: &'a str,
    node: &'a manifest::Node,
}

pub(super) fn outcome(changed: bool) -> ApplyOutcome {
    if changed {
        ApplyOutcome::Configured
    } else {
        ApplyOutcome::Unchanged
    }
}

fn location(source_name: &str, doc: usize, pos: Pos) -> Location {
    Location {
        source: source_name.to_string(),
        doc,
        line: pos.line,
        col: pos.col,
    }
}

/// An Invalid error with each cause pointed at the line of the field it names. A cause about
/// `spec.clusterIPs` of a manifest that only wrote `clusterIP` points at `clusterIP`.
pub(super) fn invalid(kind: &str, name: &str, mut causes: ErrorList, ctx: &Ctx<'_>) -> ApplyError {
    for c in &mut causes {
        c.pos = Some(locate(ctx.node, &c.field));
    }
    ApplyError::Invalid {
        kind: kind.to_string(),
        name: name.to_string(),
        causes,
    }
}

fn locate(node: &manifest::Node, field: &str) -> Pos {
    if node.find_path(field).is_none()
        && field.starts_with("spec.clusterIPs")
        && node.find_path("spec.clusterIP").is_some()
    {
        return node.pos_for_path("spec.clusterIP");
    }
    node.pos_for_path(field)
}

/// kubectl apply merges the manifest into the live object, so what the server filled in and
/// the manifest does not mention survives: ClusterIPs, IP families, NodePorts (ports are merged
/// by `port`), the health-check port. Type changes drop fields as `dropTypeDependentFields` does.
fn carry_over_service_fields(svc: &mut Service, old: &Service) {
    let both_have_ips = svc.spec.type_ != "ExternalName" && old.spec.type_ != "ExternalName";
    if both_have_ips && svc.spec.cluster_ip.is_empty() && svc.spec.cluster_ips.is_empty() {
        svc.spec.cluster_ip = old.spec.cluster_ip.clone();
        svc.spec.cluster_ips = old.spec.cluster_ips.clone();
    }
    if both_have_ips && svc.spec.ip_families.is_empty() {
        svc.spec.ip_families = old.spec.ip_families.clone();
    }
    if both_have_ips && svc.spec.ip_family_policy.is_none() {
        svc.spec.ip_family_policy = old.spec.ip_family_policy.clone();
    }
    let keeps_node_ports = matches!(svc.spec.type_.as_str(), "NodePort" | "LoadBalancer");
    if keeps_node_ports {
        for p in &mut svc.spec.ports {
            if p.node_port == 0 {
                if let Some(o) = old
                    .spec
                    .ports
                    .iter()
                    .find(|o| o.port == p.port && o.protocol == p.protocol)
                {
                    p.node_port = o.node_port;
                }
            }
        }
    }
    if svc.spec.health_check_node_port == 0
        && svc.spec.type_ == "LoadBalancer"
        && svc.spec.external_traffic_policy == "Local"
    {
        svc.spec.health_check_node_port = old.spec.health_check_node_port;
    }
}

/// `dropTypeDependentFields` (`pkg/registry/core/service/strategy.go`): on an update that
/// changes `type`, the fields the old type had and the new one cannot have are wiped when
/// the user left them as they were (they were probably allocated or defaulted, and are
/// released later); a value the user changed stays, and validation refuses it. So re-applying
/// a LoadBalancer as `type: ClusterIP` with its `nodePort` still written works, while a new
/// nodePort on a ClusterIP is still "may not be used".
fn drop_type_dependent_fields(svc: &mut Service, old: &Service) {
    let needs_cluster_ip = |s: &Service| s.spec.type_ != "ExternalName";
    if needs_cluster_ip(old) && !needs_cluster_ip(svc) {
        if svc.spec.cluster_ip == old.spec.cluster_ip
            && svc.spec.cluster_ips == old.spec.cluster_ips
        {
            svc.spec.cluster_ip.clear();
            svc.spec.cluster_ips.clear();
        }
        if svc.spec.ip_families == old.spec.ip_families {
            svc.spec.ip_families.clear();
        }
        if svc.spec.ip_family_policy == old.spec.ip_family_policy {
            svc.spec.ip_family_policy = None;
        }
    }
    let externally_accessible =
        |s: &Service| matches!(s.spec.type_.as_str(), "NodePort" | "LoadBalancer");
    // `sameNodePorts`: the new Service adds no nodePort the old one did not have.
    let same_node_ports = svc
        .spec
        .ports
        .iter()
        .filter(|p| p.node_port != 0)
        .all(|p| old.spec.ports.iter().any(|o| o.node_port == p.node_port));
    if externally_accessible(old) && !externally_accessible(svc) && same_node_ports {
        for p in &mut svc.spec.ports {
            p.node_port = 0;
        }
    }
    let needs_hc_node_port =
        |s: &Service| s.spec.type_ == "LoadBalancer" && s.spec.external_traffic_policy == "Local";
    if needs_hc_node_port(old)
        && !needs_hc_node_port(svc)
        && svc.spec.health_check_node_port == old.spec.health_check_node_port
    {
        svc.spec.health_check_node_port = 0;
    }
    let was_lb = old.spec.type_ == "LoadBalancer";
    let is_lb = svc.spec.type_ == "LoadBalancer";
    if was_lb && !is_lb {
        if svc.spec.allocate_load_balancer_node_ports.is_some()
            && svc.spec.allocate_load_balancer_node_ports
                == old.spec.allocate_load_balancer_node_ports
        {
            svc.spec.allocate_load_balancer_node_ports = None;
        }
        if svc.spec.load_balancer_class == old.spec.load_balancer_class {
            svc.spec.load_balancer_class = None;
        }
    }
    if externally_accessible(old)
        && !externally_accessible(svc)
        && svc.spec.external_traffic_policy == old.spec.external_traffic_policy
    {
        svc.spec.external_traffic_policy.clear();
    }
}

/// The plural resource name kubectl prints in REST mappings.
fn plural_of(resource: &str) -> String {
    match resource {
        "endpoints" => "endpoints".to_string(),
        r if r.ends_with('s') => format!("{r}es"),
        r => format!("{r}s"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::ClusterConfig;

    /// The lecture's `my-service` (80 → 9376, selecting MyApp); line numbers below refer to it.
    const LECTURE_SVC: &str = include_str!("../../../../assets/examples/service.yaml");

    fn cluster() -> Cluster {
        Cluster::new(ClusterConfig::default(), 0)
    }

    fn nodeport(name: &str, node_port: i32) -> String {
        format!(
            "apiVersion: v1\nkind: Service\nmetadata:\n  name: {name}\nspec:\n  type: NodePort\n  selector:\n    app: x\n  ports:\n    - port: 80\n      targetPort: 80\n      nodePort: {node_port}\n"
        )
    }

    #[test]
    fn creates_then_unchanged_with_stable_cluster_ip() {
        let mut c = cluster();
        let r = c.apply(&Source::new("svc.yaml", LECTURE_SVC));
        assert_eq!(r.len(), 1);
        assert_eq!(r[0].to_string(), "service/my-service created");
        let ip = c
            .store
            .service("default", "my-service")
            .unwrap()
            .spec
            .cluster_ip
            .clone();
        let addr: std::net::Ipv4Addr = ip.parse().unwrap();
        // Dynamic band of 10.96.0.0/16: above 10.96.1.0.
        assert!(
            u32::from(addr) > u32::from(std::net::Ipv4Addr::new(10, 96, 1, 0)),
            "{ip}"
        );
        let r = c.apply(&Source::new("svc.yaml", LECTURE_SVC));
        assert_eq!(r[0].to_string(), "service/my-service unchanged");
        assert_eq!(
            c.store
                .service("default", "my-service")
                .unwrap()
                .spec
                .cluster_ip,
            ip
        );
    }

    /// A Service with `type` and the given extra spec lines (indented two spaces), port 80.
    fn typed(ty: &str, port_extra: &str, spec_extra: &str) -> String {
        format!(
            "apiVersion: v1\nkind: Service\nmetadata:\n  name: web\nspec:\n  type: {ty}\n{spec_extra}  selector:\n    app: x\n  ports:\n    - port: 80\n      targetPort: 80\n{port_extra}"
        )
    }

    /// Issue 13, item 8 (`dropTypeDependentFields`, `pkg/registry/core/service/strategy.go`):
    /// re-applying a LoadBalancer as ClusterIP with its nodePort, externalTrafficPolicy and
    /// allocateLoadBalancerNodePorts still written is accepted; the fields are dropped, the
    /// nodePort is free again and the load-balancer status is gone. A nodePort the old
    /// Service did not have is still refused.
    #[test]
    fn a_type_change_drops_the_fields_the_old_type_allocated() {
        let mut c = cluster();
        let lb = typed(
            "LoadBalancer",
            "      nodePort: 30007\n",
            "  externalTrafficPolicy: Local\n  allocateLoadBalancerNodePorts: true\n",
        );
        let r = c.apply(&Source::new("lb.yaml", &lb));
        assert!(r[0].is_ok(), "{}", r[0]);
        c.settle();
        let before = c.store.service("default", "web").unwrap().clone();
        assert!(before.spec.health_check_node_port != 0);
        assert!(
            !before.status.load_balancer.ingress.is_empty(),
            "MetalLB gave an address"
        );
        // The same manifest with only `type` changed.
        let as_cluster_ip = lb.replace("type: LoadBalancer", "type: ClusterIP");
        let r = c.apply(&Source::new("lb.yaml", &as_cluster_ip));
        assert_eq!(r[0].to_string(), "service/web configured");
        let after = c.store.service("default", "web").unwrap();
        assert_eq!(after.spec.ports[0].node_port, 0);
        assert_eq!(after.spec.health_check_node_port, 0);
        assert_eq!(after.spec.external_traffic_policy, "");
        assert_eq!(after.spec.allocate_load_balancer_node_ports, None);
        assert_eq!(
            after.spec.cluster_ip, before.spec.cluster_ip,
            "the ClusterIP is kept"
        );
        assert!(after.status.load_balancer.ingress.is_empty());
        // 30007 was released: another Service can take it.
        let r = c.apply(&Source::new("np.yaml", nodeport("other", 30007)));
        assert!(r[0].is_ok(), "{}", r[0]);

        // A nodePort the old Service did not have is the user's, and refused.
        let mut c = cluster();
        let np = typed("NodePort", "      nodePort: 30008\n", "");
        assert!(c.apply(&Source::new("np.yaml", &np))[0].is_ok());
        let changed = np
            .replace("type: NodePort", "type: ClusterIP")
            .replace("30008", "30009");
        let r = c.apply(&Source::new("np.yaml", &changed));
        assert!(
            r[0].to_string().contains(
                "spec.ports[0].nodePort: Forbidden: may not be used when `type` is 'ClusterIP'"
            ),
            "{}",
            r[0]
        );

        // ClusterIP → ExternalName with the clusterIP still written: dropped, not refused.
        let mut c = cluster();
        assert!(c.apply(&Source::new("svc.yaml", LECTURE_SVC))[0].is_ok());
        let ip = c
            .store
            .service("default", "my-service")
            .unwrap()
            .spec
            .cluster_ip
            .clone();
        let external = format!(
            "apiVersion: v1\nkind: Service\nmetadata:\n  name: my-service\nspec:\n  type: ExternalName\n  externalName: db.example.com\n  clusterIP: {ip}\n"
        );
        let r = c.apply(&Source::new("svc.yaml", &external));
        assert_eq!(r[0].to_string(), "service/my-service configured");
        let svc = c.store.service("default", "my-service").unwrap();
        assert_eq!(
            (svc.spec.cluster_ip.as_str(), svc.spec.cluster_ips.len()),
            ("", 0)
        );
    }

    #[test]
    fn same_seed_same_cluster_ip() {
        let a = Cluster::from_sources(&[Source::new("a", LECTURE_SVC)], 42).0;
        let b = Cluster::from_sources(&[Source::new("a", LECTURE_SVC)], 42).0;
        assert_eq!(
            a.store
                .service("default", "my-service")
                .unwrap()
                .spec
                .cluster_ip,
            b.store
                .service("default", "my-service")
                .unwrap()
                .spec
                .cluster_ip
        );
    }

    #[test]
    fn node_port_taken_is_refused_and_leaks_nothing() {
        let mut c = cluster();
        let r = c.apply(&Source::new("a.yaml", nodeport("a", 30008)));
        assert!(r[0].is_ok(), "{}", r[0]);
        let ips_before = c.alloc.cluster_ips.used();
        let ports_before = c.alloc.node_ports.used();
        let text = nodeport("b", 30008);
        let r = c.apply(&Source::new("b.yaml", &text));
        assert_eq!(
            r[0].to_string(),
            "The Service \"b\" is invalid: spec.ports[0].nodePort: Invalid value: 30008: provided port is already allocated"
        );
        assert_eq!(r[0].location.line, 12);
        assert_eq!(c.alloc.cluster_ips.used(), ips_before);
        assert_eq!(c.alloc.node_ports.used(), ports_before);
        assert!(c.store.service("default", "b").is_none());
    }

    #[test]
    fn node_port_out_of_range() {
        let mut c = cluster();
        let r = c.apply(&Source::new("a.yaml", nodeport("a", 80)));
        assert_eq!(
            r[0].to_string(),
            "The Service \"a\" is invalid: spec.ports[0].nodePort: Invalid value: 80: provided port is not in the valid range. The range of valid ports is 30000-32767"
        );
    }

    #[test]
    fn cluster_ip_taken_or_outside_range() {
        let mut c = cluster();
        let text = LECTURE_SVC.replace("spec:\n", "spec:\n  clusterIP: 10.96.0.10\n");
        let r = c.apply(&Source::new("a.yaml", &text));
        assert_eq!(
            r[0].to_string(),
            "The Service \"my-service\" is invalid: spec.clusterIPs: Invalid value: []string{\"10.96.0.10\"}: failed to allocate IP 10.96.0.10: provided IP is already allocated"
        );
        assert_eq!(r[0].location.line, 6, "points at clusterIP");
        let text = LECTURE_SVC.replace("spec:\n", "spec:\n  clusterIP: 10.0.0.5\n");
        let r = c.apply(&Source::new("a.yaml", &text));
        assert!(r[0].to_string().ends_with("failed to allocate IP 10.0.0.5: the provided network does not match the current range"), "{}", r[0]);
    }

    #[test]
    fn namespace_must_exist() {
        let mut c = cluster();
        let text = "apiVersion: v1\nkind: Service\nmetadata:\n  name: my-service\n  namespace: prod\nspec:\n  type: ExternalName\n  externalName: my.database.example.com\n";
        let r = c.apply(&Source::new("ext.yaml", text));
        assert_eq!(
            r[0].to_string(),
            "Error from server (NotFound): error when creating \"ext.yaml\": namespaces \"prod\" not found"
        );
        let with_ns =
            format!("apiVersion: v1\nkind: Namespace\nmetadata:\n  name: prod\n---\n{text}");
        let r = c.apply(&Source::new("ext.yaml", &with_ns));
        assert_eq!(r[0].to_string(), "namespace/prod created");
        assert_eq!(r[1].to_string(), "service/my-service created");
        let svc = c.store.service("prod", "my-service").unwrap();
        assert!(svc.spec.cluster_ips.is_empty());
    }

    #[test]
    fn errors_in_one_document_do_not_stop_others() {
        let mut c = cluster();
        let text = format!(
            "{LECTURE_SVC}---\nkind: [\n---\n{}",
            nodeport("np", 30008).replacen("- port: 80\n", "- port: 80\n      prot: TCP\n", 1)
        );
        let r = c.apply(&Source::new("f.yaml", &text));
        assert_eq!(r.len(), 3);
        assert!(r[0].is_ok());
        assert!(
            r[1].to_string().starts_with(
                "error: error parsing f.yaml: error converting YAML to JSON: yaml: line"
            ),
            "{}",
            r[1]
        );
        assert_eq!(
            r[2].to_string(),
            "Error from server (BadRequest): error when creating \"f.yaml\": Service in version \"v1\" cannot be handled as a Service: strict decoding error: unknown field \"spec.ports[0].prot\""
        );
        assert_eq!((r[2].location.line, r[2].location.col), (25, 7));
    }

    #[test]
    fn missing_name() {
        let mut c = cluster();
        let r = c.apply(&Source::new(
            "f.yaml",
            "apiVersion: v1\nkind: Service\nspec:\n  ports:\n  - port: 80\n",
        ));
        assert_eq!(
            r[0].to_string(),
            "error: error when retrieving current configuration of:\nResource: \"/v1, Resource=services\", GroupVersionKind: \"/v1, Kind=Service\"\nName: \"\", Namespace: \"default\"\nfrom server for: \"f.yaml\": resource name may not be empty"
        );
    }

    #[test]
    fn generate_name_is_refused_by_apply() {
        let mut c = cluster();
        let r = c.apply(&Source::new("f.yaml", "apiVersion: v1\nkind: Pod\nmetadata:\n  generateName: testing-\nspec:\n  containers:\n  - name: c\n    image: nginx\n"));
        assert_eq!(
            r[0].to_string(),
            "error: from testing-: cannot use generate name with apply"
        );
    }

    #[test]
    fn kind_config_is_reported_as_set_up() {
        let text = "kind: Cluster\napiVersion: kind.x-k8s.io/v1alpha4\nnodes:\n- role: control-plane\n- role: worker\n";
        let (c, r) = Cluster::from_sources(&[Source::new("kind.yaml", text)], 0);
        assert_eq!(
            r[0].to_string(),
            "cluster.kind.x-k8s.io/kind unchanged (kind cluster set-up)"
        );
        assert_eq!(c.store.nodes.len(), 2);
    }

    #[test]
    fn unsimulated_kinds_are_kept() {
        let mut c = cluster();
        let r = c.apply(&Source::new(
            "f.yaml",
            "apiVersion: networking.k8s.io/v1\nkind: Ingress\nmetadata:\n  name: web\n",
        ));
        assert_eq!(
            r[0].to_string(),
            "ingress/web created (kept, not simulated)"
        );
        assert_eq!(c.store.unsimulated.len(), 1);
    }

    #[test]
    fn deleting_a_service_frees_its_addresses() {
        let mut c = cluster();
        c.apply(&Source::new("a.yaml", nodeport("a", 30008)));
        c.delete("svc", "default", "a").unwrap();
        let r = c.apply(&Source::new("b.yaml", nodeport("b", 30008)));
        assert!(r[0].is_ok(), "{}", r[0]);
        assert_eq!(
            c.delete("svc", "default", "zzz").unwrap_err().to_string(),
            "Error from server (NotFound): services \"zzz\" not found"
        );
    }

    /// `updateClusterIPs` on a dual-stack cluster: PreferDualStack added to a single-stack
    /// Service allocates its secondary ClusterIP (the primary is kept); SingleStack again
    /// releases it, IPAddress and all; re-applying PreferDualStack unchanged is a no-op.
    #[test]
    fn a_service_upgraded_to_dual_stack_and_back() {
        let kind =
            "kind: Cluster\napiVersion: kind.x-k8s.io/v1alpha4\nnetworking:\n  ipFamily: dual\n";
        let (mut c, _) = Cluster::from_sources(&[Source::new("kind.yaml", kind)], 4);
        let svc = |policy: &str| {
            format!("apiVersion: v1\nkind: Service\nmetadata:\n  name: web\nspec:\n  ipFamilyPolicy: {policy}\n  ports:\n  - port: 80\n")
        };
        let key = ObjectKey::new("default", "web");
        let ips = |c: &Cluster| c.store.services[&key].spec.cluster_ips.clone();
        let r = c.apply(&Source::new("a.yaml", svc("SingleStack")));
        assert!(r[0].is_ok(), "{}", r[0]);
        let single = ips(&c);
        assert_eq!(single.len(), 1);
        let v6_used = |c: &Cluster| c.alloc.cluster_ips_v6.as_ref().map_or(0, |a| a.used());
        assert_eq!(v6_used(&c), 0);

        let r = c.apply(&Source::new("a.yaml", svc("PreferDualStack")));
        assert_eq!(r[0].outcome, Ok(ApplyOutcome::Configured), "{}", r[0]);
        let dual = ips(&c);
        assert_eq!(dual.len(), 2);
        assert_eq!(dual[0], single[0], "clusterIPs[0] is immutable");
        assert!(dual[1].starts_with("fd00:10:96::"), "{dual:?}");
        assert_eq!(c.store.services[&key].spec.ip_families, ["IPv4", "IPv6"]);
        assert!(c.store.ip_addresses.contains_key(&dual[1]));
        assert_eq!(v6_used(&c), 1);

        let r = c.apply(&Source::new("a.yaml", svc("PreferDualStack")));
        assert_eq!(r[0].outcome, Ok(ApplyOutcome::Unchanged), "{}", r[0]);

        let r = c.apply(&Source::new("a.yaml", svc("SingleStack")));
        assert!(r[0].is_ok(), "{}", r[0]);
        assert_eq!(ips(&c), single);
        assert_eq!(v6_used(&c), 0);
        assert!(!c.store.ip_addresses.contains_key(&dual[1]));
    }
}
