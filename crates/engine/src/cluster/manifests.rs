//! A source read once: what `kubectl apply -f` has in hand after reading a file and before
//! talking to the API server — the documents it could not read, and every object decoded.
//!
//! Reading is the costly part of an apply (YAML to tree, tree to typed object), and the page
//! needs the same reading three times on every pause in typing: to show syntax errors, to find
//! the kind `Cluster` document and MetalLB pools that shape the cluster, and to apply. Reading
//! once into [`Manifests`] and handing that to [`Cluster::apply_manifests`] does it once.

use super::{ApplyResult, ClusterConfig};
use crate::alloc::lb::validate_pool;
use crate::api::setup::{IpAddressPool, KindCluster};
use crate::api::{decode_object, DecodeError, Object};
use crate::limits::{LimitExceeded, Limits, Resource};
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
        ManifestsReader::new(source).finish()
    }

    /// The source's name, as messages print it (`error when creating "<name>"`).
    pub fn source_name(&self) -> &str {
        &self.source_name
    }

    /// Documents that could not be read, as `(document index, error)`.
    pub fn errors(&self) -> &[(usize, ManifestError)] {
        &self.errors
    }

    /// Free up to `n` of the objects, the last first; true when none is left. Freeing the
    /// objects of a big text a share at a time keeps each step of the page short.
    pub fn release(&mut self, n: usize) -> bool {
        let keep = self.objects.len().saturating_sub(n);
        self.objects.truncate(keep);
        self.objects.is_empty()
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
    /// its first kind `Cluster` document that kind would take (else svcsim's default three
    /// nodes), with the MetalLB `IPAddressPool`s MetalLB's webhook admits replacing the default
    /// pool. Documents that do not decode, kind configs kind or kubeadm refuses and pools the
    /// webhook denies shape nothing (their errors are reported by the apply), within
    /// [`Limits::DEFAULT`]: a `Cluster` document asking for more nodes shapes nothing either.
    pub fn cluster_config(&self) -> ClusterConfig {
        self.cluster_config_within(Limits::DEFAULT)
    }

    /// [`Manifests::cluster_config`] within other limits (the page's [`Limits::PAGE`]): a kind
    /// `Cluster` document is checked against them before its nodes are built, and the
    /// configuration carries them, so the cluster built from it refuses by them too.
    pub fn cluster_config_within(&self, limits: Limits) -> ClusterConfig {
        cluster_config_of(std::slice::from_ref(self), limits)
    }
}

/// A [`Manifests`] read a few documents at a time (see [`manifest::Reader`]): the page reads a
/// big paste between animation frames. Reading in steps gives what [`Manifests::parse`] gives.
#[derive(Debug, Clone)]
pub struct ManifestsReader {
    source_name: String,
    reader: manifest::Reader,
    objects: Vec<DecodedObject>,
}

impl ManifestsReader {
    pub fn new(source: &Source) -> ManifestsReader {
        ManifestsReader {
            source_name: source.name.clone(),
            reader: manifest::Reader::new(source.text.as_str()),
            objects: Vec::new(),
        }
    }

    /// Read and decode whole documents (at least one) until `bytes` more of the text are read,
    /// or to the end. True when the whole text is read.
    pub fn read(&mut self, bytes: usize) -> bool {
        let done = self.reader.read(bytes);
        let source_name = &self.source_name;
        self.objects
            .extend(self.reader.take_objects().into_iter().map(|raw| {
                let object = decode_object(&raw, source_name);
                DecodedObject { raw, object }
            }));
        done
    }

    /// Bytes of the text read so far, and in all.
    pub fn progress(&self) -> (usize, usize) {
        self.reader.progress()
    }

    /// Read what is left.
    pub fn finish(mut self) -> Manifests {
        self.read(usize::MAX);
        Manifests {
            source_name: self.source_name,
            errors: self.reader.finish().errors,
            objects: self.objects,
        }
    }
}

/// The cluster several sources ask for together (`kind create cluster --config` takes the first
/// `Cluster` document; every source's pools count), as [`Cluster::from_sources`] builds it.
/// A refused `Cluster` document is skipped (`ClusterConfig::try_from_kind`); pools join one by
/// one in file order, each checked against those admitted before it
/// (`alloc::lb::validate_pool`), as `kubectl apply` creates them.
pub(crate) fn cluster_config_of(all: &[Manifests], limits: Limits) -> ClusterConfig {
    let mut config = None;
    let mut pools: Vec<IpAddressPool> = Vec::new();
    for o in all.iter().flat_map(|m| &m.objects) {
        match &o.object {
            Ok(Object::KindCluster(k))
                if config.is_none() && kind_cluster_fits(k, &limits).is_ok() =>
            {
                config = ClusterConfig::try_from_kind(k).ok();
            }
            Ok(Object::IpAddressPool(p)) => {
                let namespace = if p.metadata.namespace.is_empty() {
                    "default"
                } else {
                    p.metadata.namespace.as_str()
                };
                let existing: Vec<&IpAddressPool> = pools.iter().collect();
                if validate_pool(p, namespace, &existing).is_ok() {
                    pools.retain(|x| x.metadata.name != p.metadata.name);
                    pools.push(p.clone());
                }
            }
            _ => {}
        }
    }
    let mut config = config.unwrap_or_default();
    if !pools.is_empty() {
        config.lb_pools = pools;
    }
    config.limits = limits;
    config
}

/// Whether svcsim simulates the nodes a kind `Cluster` document asks for; checked before the
/// configuration (one entry per node) is built.
pub(crate) fn kind_cluster_fits(k: &KindCluster, limits: &Limits) -> Result<(), LimitExceeded> {
    let name = if k.name.is_empty() { "kind" } else { &k.name };
    let nodes = u64::try_from(k.nodes.len()).unwrap_or(u64::MAX);
    limits.check(Resource::Nodes, 0, nodes, 0, ("Cluster", name, "nodes"))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cluster::{ApplyError, Cluster};

    const KIND: &str = "kind: Cluster\napiVersion: kind.x-k8s.io/v1alpha4\nnodes:\n- role: control-plane\n- role: worker\n";
    const POOL: &str = "apiVersion: metallb.io/v1beta1\nkind: IPAddressPool\nmetadata:\n  name: lab\n  namespace: metallb-system\nspec:\n  addresses:\n  - 192.168.10.0/24\n";
    const SVC: &str = "apiVersion: v1\nkind: Service\nmetadata:\n  name: web\nspec:\n  selector:\n    app: web\n  ports:\n  - port: 80\n";

    /// Reading and applying in steps (as the page does with a big paste) gives what doing it
    /// at once gives: the same results, in file order, and the same cluster.
    #[test]
    fn reading_and_applying_in_steps_is_doing_it_at_once() {
        let ns = "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: late\n";
        let in_ns = SVC.replace("name: web", "name: web\n  namespace: late");
        let text = format!("{in_ns}---\n{SVC}---\nkind: [\n---\n{POOL}---\n{ns}");
        let source = Source::new("f.yaml", text);
        let manifests = Manifests::parse(&source);
        let mut once = Cluster::new(manifests.cluster_config(), 3);
        let expected = once.apply_manifests(&manifests);
        for step in [1, 9, 1 << 20] {
            let mut reader = ManifestsReader::new(&source);
            while !reader.read(step) {}
            let stepped = reader.finish();
            assert_eq!(stepped, manifests, "read in steps of {step}");
            let mut cluster = Cluster::new(stepped.cluster_config(), 3);
            let mut run = cluster.begin_apply(&stepped);
            let mut steps = 0;
            while !cluster.apply_some(&mut run, &stepped, step) {
                steps += 1;
            }
            assert_eq!(run.progress(), (4, 4));
            assert_eq!(
                cluster.finish_apply(run),
                expected,
                "applied in steps of {step}"
            );
            assert_eq!(steps, if step == 1 { 3 } else { 0 });
            assert_eq!(cluster.generation(), once.generation());
            assert_eq!(cluster.store.services.len(), once.store.services.len());
        }
        assert!(
            expected.iter().filter(|r| r.is_ok()).count() == 4,
            "{expected:?}"
        );
    }

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
        let config = cluster_config_of(&all, Limits::DEFAULT);
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

    /// svcsim's default cluster, as a refused kind config leaves it.
    const FALLBACK: &str = "svcsim: this Cluster document is ignored; the cluster is svcsim's default: kind-control-plane, kind-worker, kind-worker2 (pod subnet 10.244.0.0/16, service subnet 10.96.0.0/16)";
    const KUBEADM: &str = "ERROR: failed to create cluster: failed to init node with kubeadm: command \"docker exec --privileged kind-control-plane kubeadm init --config=/kind/kubeadm.conf --skip-token-print --v=6\" failed with error: exit status 1\nCommand Output: ";

    /// A kind config with three nodes (roles given) and the networking lines given, from line 3.
    fn kind_doc(networking: &str, roles: &[&str]) -> String {
        let mut s = String::from("kind: Cluster\napiVersion: kind.x-k8s.io/v1alpha4\n");
        if !networking.is_empty() {
            s.push_str("networking:\n");
            for line in networking.lines() {
                s.push_str(&format!("  {line}\n"));
            }
        }
        s.push_str("nodes:\n");
        for r in roles {
            s.push_str(&format!("- role: {r}\n"));
        }
        s
    }

    const THREE: &[&str] = &["control-plane", "worker", "worker"];

    #[test]
    fn refused_kind_configs_say_why_where_and_fall_back_to_the_default_cluster() {
        // (what, document, the refusing program's text, line, column of the field it names)
        let cases: Vec<(&str, String, String, u32, u32)> = vec![
            (
                "pod subnet that is no address",
                kind_doc("podSubnet: 999.1.1.1/16", THREE),
                "ERROR: failed to create cluster: invalid pod subnet failed to parse cidr value:\"999.1.1.1/16\" with error: invalid CIDR address: 999.1.1.1/16".into(),
                4, 3,
            ),
            (
                "IPv4 prefix longer than 32",
                kind_doc("serviceSubnet: 10.96.0.0/33", THREE),
                "ERROR: failed to create cluster: invalid service subnet failed to parse cidr value:\"10.96.0.0/33\" with error: invalid CIDR address: 10.96.0.0/33".into(),
                4, 3,
            ),
            (
                "two subnets for a single-stack cluster",
                kind_doc("podSubnet: 10.244.0.0/16,10.245.0.0/16", THREE),
                "ERROR: failed to create cluster: invalid pod subnet only one CIDR allowed for single-stack networking".into(),
                4, 3,
            ),
            (
                "pod subnet /0",
                kind_doc("podSubnet: 0.0.0.0/0", THREE),
                format!("{KUBEADM}[networking.podSubnet: Invalid value: \"0.0.0.0/0\": subnet with 0 address(es) is too small, the minimum is 14, networking.podSubnet: Invalid value: \"0.0.0.0/0\": pod subnet mask (0) and node-mask (24) difference is greater than 16]"),
                4, 3,
            ),
            (
                "pod subnet smaller than one node CIDR",
                kind_doc("podSubnet: 10.244.0.0/25", THREE),
                format!("{KUBEADM}networking.podSubnet: Invalid value: \"10.244.0.0/25\": the size of pod subnet with mask 25 is smaller than the size of node subnet with mask 24"),
                4, 3,
            ),
            (
                "dual stack: an IPv6 service subnet larger than /108",
                kind_doc("ipFamily: dual\nserviceSubnet: 10.96.0.0/16,fd00:10:96::/64", THREE),
                format!("{KUBEADM}networking.serviceSubnet: Invalid value: \"fd00:10:96::/64\": specified service subnet is too large; for 128-bit addresses, the mask must be >= 108"),
                5, 3,
            ),
            (
                "dual stack: an IPv6 pod subnet more than 16 bits shorter than the /64 node CIDRs",
                kind_doc("ipFamily: dual\npodSubnet: 10.244.0.0/16,fd00:10:244::/40", THREE),
                format!("{KUBEADM}networking.podSubnet: Invalid value: \"fd00:10:200::/40\": pod subnet mask (40) and node-mask (64) difference is greater than 16"),
                5, 3,
            ),
            (
                "service subnet larger than /12",
                kind_doc("serviceSubnet: 10.0.0.0/8", THREE),
                format!("{KUBEADM}networking.serviceSubnet: Invalid value: \"10.0.0.0/8\": specified service subnet is too large; for 32-bit addresses, the mask must be >= 12"),
                4, 3,
            ),
            (
                "service subnet without room for the DNS Service",
                kind_doc("serviceSubnet: 10.96.0.0/29", THREE),
                format!("{KUBEADM}networking.serviceSubnet: Invalid value: \"10.96.0.0/29\": subnet with 8 address(es) is too small, the minimum is 10"),
                4, 3,
            ),
            (
                "pod subnet with one node CIDR for three nodes",
                kind_doc("podSubnet: 10.244.0.0/24", THREE),
                "svcsim: kube-controller-manager cannot give node \"kind-worker\" a pod CIDR: failed to allocate cidr from cluster cidr at idx:0: CIDR allocation failed; there are no remaining CIDRs left to allocate in the accepted range (pod subnet 10.244.0.0/24 holds 1 node CIDR of mask 24 outside the service subnet 10.96.0.0/16; the config has 3 nodes)".into(),
                4, 3,
            ),
            (
                "pod subnet inside the service subnet",
                kind_doc("podSubnet: 10.96.0.0/16\nserviceSubnet: 10.96.0.0/16", THREE),
                "svcsim: kube-controller-manager cannot give node \"kind-control-plane\" a pod CIDR: failed to allocate cidr from cluster cidr at idx:0: CIDR allocation failed; there are no remaining CIDRs left to allocate in the accepted range (pod subnet 10.96.0.0/16 holds 0 node CIDRs of mask 24 outside the service subnet 10.96.0.0/16; the config has 3 nodes)".into(),
                4, 3,
            ),
            (
                "no control-plane node",
                kind_doc("", &["worker", "worker"]),
                "ERROR: failed to create cluster: must have at least one control-plane node".into(),
                3, 1,
            ),
            (
                "a role kind does not know",
                kind_doc("", &["control-plane", "master"]),
                "ERROR: failed to create cluster: invalid configuration for node 1: \"master\" is not a valid node role".into(),
                5, 3,
            ),
            (
                "kube-proxy mode kind does not know",
                kind_doc("kubeProxyMode: bpf", THREE),
                "ERROR: failed to create cluster: invalid kubeProxyMode: bpf".into(),
                4, 3,
            ),
            (
                "kind's valid mode that svcsim does not simulate",
                kind_doc("kubeProxyMode: none", THREE),
                "svcsim: kubeProxyMode none (no kube-proxy) is not simulated: svcsim simulates iptables, nftables and ipvs".into(),
                4, 3,
            ),
            (
                "IP family kind does not know",
                kind_doc("ipFamily: ipv5", THREE),
                "ERROR: failed to create cluster: invalid ipFamily: ipv5".into(),
                4, 3,
            ),
            (
                "IPv6 cluster",
                kind_doc("ipFamily: ipv6", THREE),
                "svcsim: ipFamily ipv6 is not simulated: svcsim simulates IPv4 and dual-stack (ipFamily: dual) clusters".into(),
                4, 3,
            ),
            (
                "cluster name docker would refuse",
                format!("name: My_Lab\n{}", kind_doc("", THREE)),
                "ERROR: failed to create cluster: 'My_Lab' is not a valid cluster name, cluster names must match `^[a-z0-9.-]+$`".into(),
                1, 1,
            ),
            (
                "several problems: kind reports them together",
                kind_doc("podSubnet: 10.244.0.0/33\nkubeProxyMode: bpf", &["worker"]),
                "ERROR: failed to create cluster: [invalid pod subnet failed to parse cidr value:\"10.244.0.0/33\" with error: invalid CIDR address: 10.244.0.0/33, invalid kubeProxyMode: bpf, must have at least one control-plane node]".into(),
                4, 3,
            ),
        ];
        let default = ClusterConfig::default();
        for (what, text, message, line, col) in cases {
            let (c, results) = Cluster::from_sources(&[Source::new("kind.yaml", text.as_str())], 0);
            let [r] = results.as_slice() else {
                panic!("{what}: {results:?}");
            };
            assert_eq!(r.to_string(), format!("{message}\n{FALLBACK}"), "{what}");
            assert!(
                matches!(r.outcome, Err(ApplyError::KindConfig { .. })),
                "{what}"
            );
            assert!(r.setup, "{what}");
            assert_eq!((r.location.line, r.location.col), (line, col), "{what}");
            // The cluster is svcsim's default.
            assert_eq!(c.config.nodes, default.nodes, "{what}");
            assert_eq!(c.config.pod_subnet, default.pod_subnet, "{what}");
            assert_eq!(c.config.service_subnet, default.service_subnet, "{what}");
            assert_eq!(c.config.kube_proxy_mode, default.kube_proxy_mode, "{what}");
            assert_eq!(
                Manifests::parse(&Source::new("kind.yaml", text)).cluster_config(),
                default,
                "{what}"
            );
        }
    }

    #[test]
    fn each_problem_of_a_refused_kind_config_points_at_its_field() {
        let text = kind_doc("podSubnet: 10.244.0.0/33\nkubeProxyMode: bpf", &["worker"]);
        let (_, results) = Cluster::from_sources(&[Source::new("kind.yaml", text)], 0);
        let at: Vec<(u32, String)> = results[0]
            .error_locations()
            .into_iter()
            .map(|(m, l)| (l.line, m))
            .collect();
        assert_eq!(
            at,
            [
                (4, "invalid pod subnet failed to parse cidr value:\"10.244.0.0/33\" with error: invalid CIDR address: 10.244.0.0/33".to_string()),
                (5, "invalid kubeProxyMode: bpf".to_string()),
                (6, "must have at least one control-plane node".to_string()),
            ]
        );
    }

    #[test]
    fn a_refused_kind_config_gives_way_to_the_next_one() {
        let bad = kind_doc("podSubnet: 10.244.0.0/33", THREE);
        let good = kind_doc("podSubnet: 10.200.0.0/16", &["control-plane", "worker"]);
        let (c, results) = Cluster::from_sources(
            &[Source::new("a.yaml", bad), Source::new("b.yaml", good)],
            0,
        );
        assert_eq!(c.config.nodes.len(), 2);
        assert_eq!(c.config.pod_subnet, "10.200.0.0/16");
        assert!(results[0].to_string().ends_with(
            "\nsvcsim: this Cluster document is ignored; the cluster comes from another Cluster document"
        ), "{}", results[0]);
        assert!(results[1].is_ok());
    }

    #[test]
    fn node_cidrs_skip_an_overlapping_service_range() {
        // kube-controller-manager leaves the service range out of the node CIDRs it gives.
        let text = kind_doc(
            "podSubnet: 10.96.0.0/15\nserviceSubnet: 10.96.0.0/16",
            THREE,
        );
        let (c, results) = Cluster::from_sources(&[Source::new("kind.yaml", text)], 0);
        assert!(results[0].is_ok(), "{}", results[0]);
        let cidrs: Vec<&str> = c.config.nodes.iter().map(|n| n.pod_cidr.as_str()).collect();
        assert_eq!(cidrs, ["10.97.0.0/24", "10.97.1.0/24", "10.97.2.0/24"]);
        let on_nodes: Vec<&str> = c
            .store
            .nodes
            .values()
            .map(|n| n.spec.pod_cidr.as_str())
            .collect();
        assert_eq!(on_nodes, ["10.97.0.0/24", "10.97.1.0/24", "10.97.2.0/24"]);
    }

    const LB_SVC: &str = "apiVersion: v1\nkind: Service\nmetadata:\n  name: web\nspec:\n  type: LoadBalancer\n  selector:\n    app: web\n  ports:\n  - port: 80\n";

    fn pool_doc(name: &str, namespace: &str, addresses: &[&str]) -> String {
        let mut s = format!(
            "apiVersion: metallb.io/v1beta1\nkind: IPAddressPool\nmetadata:\n  name: {name}\n"
        );
        if !namespace.is_empty() {
            s.push_str(&format!("  namespace: {namespace}\n"));
        }
        s.push_str("spec:\n  addresses:\n");
        for a in addresses {
            s.push_str(&format!("  - {a}\n"));
        }
        s
    }

    #[test]
    fn pools_metallb_s_webhook_denies_are_refused_where_they_are_wrong() {
        const DENIED: &str = "Error from server (Forbidden): error when creating \"pool.yaml\": admission webhook \"ipaddresspoolvalidationwebhook.metallb.io\" denied the request: ";
        // (what, documents, the webhook's message, line, column)
        let cases: Vec<(&str, String, &str, u32, u32)> = vec![
            (
                "not a CIDR",
                pool_doc("lab", "metallb-system", &["172.18.255.0/33"]),
                "parsing address pool lab: invalid CIDR \"172.18.255.0/33\" in pool \"lab\": invalid CIDR \"172.18.255.0/33\"",
                8, 5,
            ),
            (
                "a range whose start is no address",
                pool_doc("lab", "metallb-system", &["172.18.255.x-172.18.255.250"]),
                "parsing address pool lab: invalid CIDR \"172.18.255.x-172.18.255.250\" in pool \"lab\": invalid IP range \"172.18.255.x-172.18.255.250\": invalid start IP \"172.18.255.x\"",
                8, 5,
            ),
            (
                "a reversed range",
                pool_doc("lab", "metallb-system", &["172.18.255.0/28", "172.18.255.250-172.18.255.200"]),
                "parsing address pool lab: invalid CIDR \"172.18.255.250-172.18.255.200\" in pool \"lab\": invalid IP range \"172.18.255.250-172.18.255.200\": start IP \"172.18.255.250\" is after the end IP \"172.18.255.200\"",
                9, 5,
            ),
            (
                "a pool overlapping itself",
                pool_doc("lab", "metallb-system", &["172.18.255.200-172.18.255.250", "172.18.255.240/28"]),
                "CIDR \"172.18.255.240/28\" in pool \"lab\" overlaps with already defined CIDR \"172.18.255.240/29\"",
                9, 5,
            ),
            (
                "a pool overlapping one created before",
                format!("{}---\n{}", pool_doc("one", "metallb-system", &["192.168.10.0/24"]), pool_doc("two", "metallb-system", &["192.168.10.128/25"])),
                "CIDR \"192.168.10.128/25\" in pool \"two\" overlaps with already defined CIDR \"192.168.10.0/24\"",
                17, 5,
            ),
            (
                "outside MetalLB's namespace",
                pool_doc("lab", "", &["192.168.10.0/24"]),
                "resource must be created in metallb-system namespace",
                3, 1,
            ),
            (
                "no addresses",
                "apiVersion: metallb.io/v1beta1\nkind: IPAddressPool\nmetadata:\n  name: lab\n  namespace: metallb-system\nspec:\n  addresses: []\n".to_string(),
                "parsing address pool lab: pool has no prefixes defined",
                7, 3,
            ),
        ];
        for (what, text, message, line, col) in cases {
            let text = format!("{text}---\n{LB_SVC}");
            let (c, results) = Cluster::from_sources(&[Source::new("pool.yaml", text.as_str())], 0);
            let refused: Vec<&ApplyResult> = results.iter().filter(|r| !r.is_ok()).collect();
            let [r] = refused.as_slice() else {
                panic!("{what}: {results:?}");
            };
            assert_eq!(r.to_string(), format!("{DENIED}{message}"), "{what}");
            assert_eq!((r.location.line, r.location.col), (line, col), "{what}");
            // The refused pool shapes nothing: the Service still gets an address from the
            // pools that are left (the default one when none is).
            let ip = c
                .store
                .service("default", "web")
                .and_then(|s| s.status.load_balancer.ingress.first())
                .map(|i| i.ip.clone())
                .unwrap_or_default();
            let expected = if text.contains("name: one") {
                "192.168.10.0"
            } else {
                "172.18.255.200"
            };
            assert_eq!(ip, expected, "{what}");
            let pools = |c: &ClusterConfig| -> Vec<(String, Vec<String>)> {
                c.lb_pools
                    .iter()
                    .map(|p| (p.metadata.name.clone(), p.spec.addresses.clone()))
                    .collect()
            };
            assert_eq!(
                pools(&Manifests::parse(&Source::new("pool.yaml", text.as_str())).cluster_config()),
                pools(&c.config),
                "{what}: the page's rebuild check agrees with the apply"
            );
        }
    }

    #[test]
    fn a_slash_zero_pool_is_metallb_s_but_never_hands_out_this_network() {
        let text = format!(
            "{}---\n{LB_SVC}",
            pool_doc("all", "metallb-system", &["0.0.0.0/0"])
        );
        let (c, results) = Cluster::from_sources(&[Source::new("pool.yaml", text)], 0);
        assert!(results.iter().all(|r| r.is_ok()), "{results:?}");
        let svc = c.store.service("default", "web").unwrap();
        assert_eq!(svc.status.load_balancer.ingress[0].ip, "1.0.0.0");
    }
}
