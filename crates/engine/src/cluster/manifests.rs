//! A source read once: what `kubectl apply -f` has in hand after reading a file and before
//! talking to the API server — the documents it could not read, and every object decoded.
//!
//! Reading is the costly part of an apply (YAML to tree, tree to typed object), and the page
//! needs the same reading three times on every pause in typing: to show syntax errors, to find
//! the kind `Cluster` document and MetalLB pools that shape the cluster, and to apply. Reading
//! once into [`Manifests`] and handing that to [`Cluster::apply_manifests`] does it once.

use super::{ApplyResult, ClusterConfig};
use crate::api::setup::KindCluster;
use crate::api::{decode_object, DecodeError, Object};
use crate::limits::{self, LimitExceeded, Resource};
use crate::manifest::{self, ManifestError, RawObject, Source};

#[cfg(doc)]
use super::Cluster;

/// One object of a source: as written (kind, name, position, tree) and as decoded (strictly,
/// like kube-apiserver with `fieldValidation=Strict`), or why it could not be decoded.
#[derive(Debug, Clone, PartialEq)]
pub struct DecodedObject {
    pub raw: RawObject,
    pub object: Result<Object, Box<DecodeError>>,
}

/// Every document of a [`Source`], parsed and decoded once. Decoding needs no cluster (it is
/// the API server's deserialisation, before admission), so the same `Manifests` can shape a new
/// cluster ([`Manifests::cluster_config`]) and then be applied to it
/// ([`Cluster::apply_manifests`]).
#[derive(Debug, Clone, PartialEq)]
pub struct Manifests {
    source_name: String,
    /// `(document index, error)` for every document that is not valid YAML/JSON or not an object.
    errors: Vec<(usize, ManifestError)>,
    /// Every object, in file order (a `kind: List` contributes one per item).
    objects: Vec<DecodedObject>,
}

impl Manifests {
    /// Read `source`: split it into documents, parse each, decode each object.
    pub fn parse(source: &Source) -> Manifests {
        let parsed = manifest::parse(&source.text);
        let objects = parsed
            .objects
            .into_iter()
            .map(|raw| {
                let object = decode_object(&raw, &source.name);
                DecodedObject { raw, object }
            })
            .collect();
        Manifests {
            source_name: source.name.clone(),
            errors: parsed.errors,
            objects,
        }
    }

    /// The source's name, as messages print it (`error when creating "<name>"`).
    pub fn source_name(&self) -> &str {
        &self.source_name
    }

    /// Documents that could not be read, as `(document index, error)`.
    pub fn errors(&self) -> &[(usize, ManifestError)] {
        &self.errors
    }

    /// Every object, in file order.
    pub fn objects(&self) -> &[DecodedObject] {
        &self.objects
    }

    /// The results `kubectl apply -f` prints for the documents it could not read (one
    /// `error parsing <file>` each), without applying anything: what a caller shows when it
    /// refuses to apply a text that does not parse.
    pub fn error_results(&self) -> Vec<ApplyResult> {
        self.errors
            .iter()
            .map(|(doc, error)| ApplyResult::manifest_error(&self.source_name, *doc, error.clone()))
            .collect()
    }

    /// The cluster this source asks for, as kind and the MetalLB-on-kind guide would build it:
    /// its first kind `Cluster` document (else kind's default three nodes), with the MetalLB
    /// `IPAddressPool`s it defines replacing the default pool. Documents that do not decode,
    /// and `Cluster` documents asking for more nodes than svcsim simulates
    /// ([`limits::MAX_NODES`]), shape nothing (their errors are reported by the apply).
    pub fn cluster_config(&self) -> ClusterConfig {
        cluster_config_of(std::slice::from_ref(self))
    }
}

/// The cluster several sources ask for together (`kind create cluster --config` takes the first
/// `Cluster` document; every source's pools count), as [`Cluster::from_sources`] builds it.
pub(crate) fn cluster_config_of(all: &[Manifests]) -> ClusterConfig {
    let mut config = None;
    let mut pools = Vec::new();
    for o in all.iter().flat_map(|m| &m.objects) {
        match &o.object {
            Ok(Object::KindCluster(k)) if config.is_none() && kind_cluster_fits(k).is_ok() => {
                config = Some(ClusterConfig::from_kind(k));
            }
            Ok(Object::IpAddressPool(p)) => pools.push(p.clone()),
            _ => {}
        }
    }
    let mut config = config.unwrap_or_default();
    if !pools.is_empty() {
        config.lb_pools = pools;
    }
    config
}

/// Whether svcsim simulates the nodes a kind `Cluster` document asks for; checked before the
/// configuration (one entry per node) is built.
pub(crate) fn kind_cluster_fits(k: &KindCluster) -> Result<(), LimitExceeded> {
    let name = if k.name.is_empty() { "kind" } else { &k.name };
    let nodes = u64::try_from(k.nodes.len()).unwrap_or(u64::MAX);
    limits::check(Resource::Nodes, 0, nodes, 0, ("Cluster", name, "nodes"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cluster::{ApplyError, Cluster};

    const KIND: &str = "kind: Cluster\napiVersion: kind.x-k8s.io/v1alpha4\nnodes:\n- role: control-plane\n- role: worker\n";
    const POOL: &str = "apiVersion: metallb.io/v1beta1\nkind: IPAddressPool\nmetadata:\n  name: lab\n  namespace: metallb-system\nspec:\n  addresses:\n  - 192.168.10.0/24\n";
    const SVC: &str = "apiVersion: v1\nkind: Service\nmetadata:\n  name: web\nspec:\n  selector:\n    app: web\n  ports:\n  - port: 80\n";

    #[test]
    fn reads_errors_and_objects_once_in_file_order() {
        let text = format!("{SVC}---\nkind: [\n---\n{POOL}");
        let m = Manifests::parse(&Source::new("f.yaml", text));
        assert_eq!(m.source_name(), "f.yaml");
        assert_eq!(m.errors().len(), 1);
        assert_eq!(m.errors()[0].0, 1, "the second document");
        let kinds: Vec<&str> = m.objects().iter().map(|o| o.raw.kind.as_str()).collect();
        assert_eq!(kinds, ["Service", "IPAddressPool"]);
        assert!(m.objects().iter().all(|o| o.object.is_ok()));
    }

    #[test]
    fn error_results_are_what_apply_reports_for_the_same_documents() {
        let text = format!("{SVC}---\nkind: [\n");
        let source = Source::new("f.yaml", text);
        let m = Manifests::parse(&source);
        let only_errors = m.error_results();
        assert_eq!(only_errors.len(), 1);
        assert!(matches!(
            only_errors[0].outcome,
            Err(ApplyError::Manifest { .. })
        ));
        let applied = Cluster::new(ClusterConfig::default(), 0).apply(&source);
        assert_eq!(applied[1], only_errors[0]);
        assert!(only_errors[0]
            .to_string()
            .starts_with("error: error parsing f.yaml: "));
    }

    #[test]
    fn cluster_config_defaults_without_set_up_documents() {
        let m = Manifests::parse(&Source::new("f.yaml", SVC));
        assert_eq!(m.cluster_config(), ClusterConfig::default());
    }

    #[test]
    fn cluster_config_takes_the_kind_document_and_pools() {
        let text = format!("{KIND}---\n{POOL}---\n{SVC}");
        let config = Manifests::parse(&Source::new("f.yaml", text)).cluster_config();
        assert_eq!(config.nodes.len(), 2);
        assert_eq!(config.lb_pools.len(), 1);
        assert_eq!(config.lb_pools[0].metadata.name, "lab");
    }

    #[test]
    fn cluster_config_of_several_sources_takes_the_first_kind_document() {
        let three = KIND.replace("- role: worker\n", "- role: worker\n- role: worker\n");
        let all = [
            Manifests::parse(&Source::new("a.yaml", SVC)),
            Manifests::parse(&Source::new("b.yaml", KIND)),
            Manifests::parse(&Source::new("c.yaml", three)),
            Manifests::parse(&Source::new("d.yaml", POOL)),
        ];
        let config = cluster_config_of(&all);
        assert_eq!(config.nodes.len(), 2);
        assert_eq!(config.lb_pools[0].metadata.name, "lab");
    }

    #[test]
    fn apply_manifests_is_apply_without_reading_again() {
        let text = format!("{SVC}---\nkind: [\n---\napiVersion: v1\nkind: Service\nmetadata:\n  name: bad\nspec:\n  ports:\n  - port: 0\n");
        let source = Source::new("f.yaml", text);
        let mut a = Cluster::new(ClusterConfig::default(), 7);
        let mut b = a.clone();
        let by_text = a.apply(&source);
        let by_manifests = b.apply_manifests(&Manifests::parse(&source));
        assert_eq!(by_text, by_manifests);
        assert_eq!(by_text.len(), 3);
        assert!(by_text[0].is_ok() && !by_text[1].is_ok() && !by_text[2].is_ok());
        assert_eq!(
            a.store.service("default", "web").map(|s| &s.spec),
            b.store.service("default", "web").map(|s| &s.spec)
        );
    }

    #[test]
    fn the_same_manifests_apply_twice_as_kubectl_apply_twice() {
        let m = Manifests::parse(&Source::new("f.yaml", SVC));
        let mut c = Cluster::new(ClusterConfig::default(), 0);
        assert_eq!(c.apply_manifests(&m)[0].to_string(), "service/web created");
        assert_eq!(
            c.apply_manifests(&m)[0].to_string(),
            "service/web unchanged"
        );
    }

    #[test]
    fn from_sources_uses_the_set_up_documents_of_every_source() {
        let (c, results) = Cluster::from_sources(
            &[
                Source::new("kind.yaml", KIND),
                Source::new("pool.yaml", POOL),
            ],
            0,
        );
        assert!(results.iter().all(|r| r.is_ok()), "{results:?}");
        assert_eq!(c.store.nodes.len(), 2);
        assert_eq!(c.config.lb_pools[0].metadata.name, "lab");
    }
}
