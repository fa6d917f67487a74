//! `kubectl`: the verbs a Services lesson uses, with kubectl's flags, output and error texts.
//!
//! Tables, `-o json|yaml|name` and `describe service` come from the engine's printers
//! ([`svcsim_engine::printers`]); mutations from [`Cluster::delete`] / [`Cluster::scale`]
//! (whose errors already read as kubectl's). Usage errors are printed as kubectl's cobra/pflag
//! layer prints them: `error: …` then `See 'kubectl VERB --help' for usage.`

use super::{Console, ConsoleOutput};
use crate::cmdline::{self, boolean, int, string, Parsed, Spec};
use svcsim_engine::api::apps::WorkloadKind;
use svcsim_engine::api::core::Pod;
use svcsim_engine::api::meta::map_selector_matches;
use svcsim_engine::cluster::Cluster;
use svcsim_engine::printers::{
    self, human_duration, tabwriter, GetError, GetOptions, Output, Resource,
};
use svcsim_engine::sim::Rng;

/// kubectl's message for an `-o` it has no printer for.
const BAD_OUTPUT: &str = "allowed formats are: custom-columns,custom-columns-file,go-template,go-template-file,json,jsonpath,jsonpath-as-json,jsonpath-file,name,template,templatefile,wide,yaml";

/// The kubeconfig context kind writes for a cluster named `kind`.
const CONTEXT: &str = "kind-kind";

/// The kubectl verbs the console simulates (also what completion offers).
pub(crate) const VERBS: &[&str] = &[
    "config", "delete", "describe", "events", "exec", "get", "scale", "version",
];

/// Real kubectl commands the console does not simulate (a clear message instead of
/// "unknown command").
const UNSIMULATED: &[&str] = &[
    "annotate",
    "api-resources",
    "api-versions",
    "apply",
    "attach",
    "auth",
    "autoscale",
    "certificate",
    "cluster-info",
    "completion",
    "cordon",
    "cp",
    "create",
    "debug",
    "diff",
    "drain",
    "edit",
    "explain",
    "expose",
    "kustomize",
    "label",
    "logs",
    "patch",
    "plugin",
    "port-forward",
    "proxy",
    "replace",
    "rollout",
    "run",
    "set",
    "taint",
    "top",
    "uncordon",
    "wait",
];

const KUBECTL_HELP: &str = "\
kubectl controls the Kubernetes cluster manager.

 Find more information at: https://kubernetes.io/docs/reference/kubectl/

Commands simulated in this console:
  get           Display one or many resources
  describe      Show details of a specific resource (services)
  delete        Delete resources by resource and names
  scale         Set a new size for a deployment or replica set
  exec          Execute a command in a container
  events        List events
  config        Modify kubeconfig files (set-context --current --namespace=NS)
  version       Print the client and server version information

Usage:
  kubectl [flags] [options]

Use \"kubectl <command> --help\" for more information about a given command.
";

pub(crate) const GET_FLAGS: &[Spec] = &[
    string("namespace", Some('n')),
    boolean("all-namespaces", Some('A')),
    string("output", Some('o')),
    string("selector", Some('l')),
    boolean("show-labels", None),
    boolean("no-headers", None),
    boolean("watch", Some('w')),
    boolean("help", Some('h')),
];
pub(crate) const DESCRIBE_FLAGS: &[Spec] = &[
    string("namespace", Some('n')),
    boolean("all-namespaces", Some('A')),
    string("selector", Some('l')),
    boolean("help", Some('h')),
];
pub(crate) const DELETE_FLAGS: &[Spec] = &[
    string("namespace", Some('n')),
    string("selector", Some('l')),
    boolean("all", None),
    boolean("force", None),
    boolean("now", None),
    boolean("wait", None),
    string("grace-period", None),
    boolean("help", Some('h')),
];
pub(crate) const SCALE_FLAGS: &[Spec] = &[
    string("namespace", Some('n')),
    int("replicas", None, 32),
    boolean("help", Some('h')),
];
pub(crate) const EXEC_FLAGS: &[Spec] = &[
    string("namespace", Some('n')),
    string("container", Some('c')),
    boolean("stdin", Some('i')),
    boolean("tty", Some('t')),
    boolean("quiet", Some('q')),
    boolean("help", Some('h')),
];
pub(crate) const EVENTS_FLAGS: &[Spec] = &[
    string("namespace", Some('n')),
    boolean("all-namespaces", Some('A')),
    boolean("help", Some('h')),
];
const CONFIG_FLAGS: &[Spec] = &[
    string("namespace", Some('n')),
    boolean("current", None),
    boolean("minify", None),
    string("output", Some('o')),
    boolean("help", Some('h')),
];

/// The flags of `verb` (for parsing and completion).
pub(crate) fn verb_flags(verb: &str) -> &'static [Spec] {
    match verb {
        "get" => GET_FLAGS,
        "describe" => DESCRIBE_FLAGS,
        "delete" => DELETE_FLAGS,
        "scale" => SCALE_FLAGS,
        "exec" => EXEC_FLAGS,
        "events" => EVENTS_FLAGS,
        "config" => CONFIG_FLAGS,
        _ => &[],
    }
}

/// kubectl's usage error.
fn usage(message: &str, verb: &str) -> ConsoleOutput {
    let mut o = ConsoleOutput::fail(format!("error: {message}"), 1);
    o.err(format!("See 'kubectl {verb} --help' for usage."));
    o
}

fn failure(message: impl AsRef<str>) -> ConsoleOutput {
    ConsoleOutput::fail(message, 1)
}

/// Levenshtein distance (cobra's `ld`, case-insensitive), for "Did you mean this?".
fn distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.to_lowercase().chars().collect();
    let b: Vec<char> = b.to_lowercase().chars().collect();
    let mut prev: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.iter().enumerate() {
        let mut cur = vec![i + 1];
        for (j, cb) in b.iter().enumerate() {
            let sub = prev.get(j).copied().unwrap_or(0) + usize::from(ca != cb);
            let del = prev.get(j + 1).copied().unwrap_or(0) + 1;
            let ins = cur.get(j).copied().unwrap_or(0) + 1;
            cur.push(sub.min(del).min(ins));
        }
        prev = cur;
    }
    prev.last().copied().unwrap_or(0)
}

/// The verb: the first operand, skipping global flags (`kubectl -n prod get pods`); its
/// index in `args`. Running a line and completing one find the verb the same way.
pub(crate) fn split_verb(args: &[String]) -> Option<(usize, &str)> {
    let mut i = 0;
    while let Some(a) = args.get(i) {
        if a == "--" {
            return None;
        }
        if matches!(
            a.as_str(),
            "-n" | "--namespace" | "--context" | "--kubeconfig"
        ) {
            i += 2;
            continue;
        }
        if a.starts_with('-') && a != "-" {
            i += 1;
            continue;
        }
        return Some((i, a.as_str()));
    }
    None
}

/// The listing options of a verb: the namespace it targets (`-A`: all) and its `-l`.
fn list_options(ns: &str, all_namespaces: bool, p: &Parsed) -> GetOptions {
    GetOptions {
        namespace: Some(ns.to_string()),
        all_namespaces,
        selector: p.value("selector").map(str::to_string),
        ..GetOptions::default()
    }
}

/// Names of the objects of a resource typed by the user (for completion).
pub(crate) fn names_of(cluster: &Cluster, resource: &str, ns: &str) -> Vec<String> {
    let Some(Kind::Listed(r)) = resource_kind(resource) else {
        return Vec::new();
    };
    let opts = GetOptions {
        namespace: Some(ns.to_string()),
        ..GetOptions::default()
    };
    printers::list_objects(cluster, r, &opts)
        .map(|objects| objects.into_iter().map(|o| o.name).collect())
        .unwrap_or_default()
}

/// What a resource word names.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Listed(Resource),
    /// Events are the console's own table (the engine keeps them apart from the store).
    Events,
}

fn resource_kind(word: &str) -> Option<Kind> {
    if let Some(r) = Resource::parse(word) {
        return Some(Kind::Listed(r));
    }
    matches!(
        word.to_ascii_lowercase().as_str(),
        "ev" | "event" | "events" | "events.events.k8s.io"
    )
    .then_some(Kind::Events)
}

/// `RESOURCE NAME…` or `RESOURCE/NAME` (for the verbs that act on one type).
fn resource_and_names(operands: &[String]) -> Result<(String, Vec<String>), String> {
    let Some(first) = operands.first() else {
        return Ok((String::new(), Vec::new()));
    };
    if first.contains('/') {
        let mut resource = String::new();
        let mut names = Vec::new();
        for op in operands {
            match op.split_once('/') {
                Some((r, n)) if !r.is_empty() && !n.is_empty() && !n.contains('/') => {
                    if !resource.is_empty() && !resource.eq_ignore_ascii_case(r) {
                        return Err("svcsim: one resource type at a time, please".to_string());
                    }
                    resource = r.to_string();
                    names.push(n.to_string());
                }
                _ => {
                    return Err(
                        "arguments in resource/name form must have a single resource and name"
                            .to_string(),
                    )
                }
            }
        }
        return Ok((resource, names));
    }
    Ok((first.clone(), operands.get(1..).unwrap_or(&[]).to_vec()))
}

impl Console {
    /// `kubectl …`.
    pub(super) fn kubectl(
        &mut self,
        cluster: &mut Cluster,
        args: &[String],
        rng: &mut Rng,
    ) -> ConsoleOutput {
        let Some((at, verb)) = split_verb(args) else {
            let mut o = ConsoleOutput::default();
            o.out(KUBECTL_HELP);
            return o;
        };
        let mut rest: Vec<String> = args.get(..at).unwrap_or(&[]).to_vec();
        rest.extend(args.get(at + 1..).unwrap_or(&[]).iter().cloned());
        let verb = verb.to_string();
        if !VERBS.contains(&verb.as_str()) {
            if UNSIMULATED.contains(&verb.as_str()) {
                return failure(format!(
                    "svcsim: \"kubectl {verb}\" is not simulated in this console (type help to see what is)"
                ));
            }
            let mut msg = format!("error: unknown command \"{verb}\" for \"kubectl\"");
            let mut all: Vec<&str> = VERBS.to_vec();
            all.extend(UNSIMULATED);
            all.sort_unstable();
            let suggestions: Vec<&str> = all
                .into_iter()
                .filter(|c| distance(c, &verb) <= 2 || c.starts_with(verb.to_lowercase().as_str()))
                .collect();
            if !suggestions.is_empty() {
                msg.push_str("\n\nDid you mean this?\n");
                for s in suggestions {
                    msg.push_str(&format!("\t{s}\n"));
                }
            }
            return failure(msg);
        }
        let p = match cmdline::parse(&rest, verb_flags(&verb)) {
            Ok(p) => p,
            Err(e) => return usage(&e.to_string(), &verb),
        };
        if p.flag("help") {
            let mut o = ConsoleOutput::default();
            o.out(KUBECTL_HELP);
            return o;
        }
        if p.value("namespace") == Some("") {
            return usage("a namespace must be specified (-n/--namespace)", &verb);
        }
        match verb.as_str() {
            "get" => self.get(cluster, &p),
            "describe" => self.describe(cluster, &p),
            "delete" => self.delete(cluster, &p),
            "scale" => self.scale(cluster, &p),
            "exec" => self.exec(cluster, &p, rng),
            "events" => {
                if !p.positionals.is_empty() {
                    return usage(
                        &format!(
                            "unknown command \"{}\" for \"kubectl events\"",
                            p.positionals.join(" ")
                        ),
                        "events",
                    );
                }
                self.events(cluster, &p)
            }
            "config" => self.config(&p),
            _ => {
                let v = &cluster.config.kubernetes_version;
                let mut o = ConsoleOutput::default();
                o.out(format!(
                    "Client Version: {v}\nKustomize Version: v5.7.1\nServer Version: {v}\n"
                ));
                o
            }
        }
    }

    fn ns<'a>(&'a self, p: &'a Parsed) -> &'a str {
        p.value("namespace").unwrap_or(&self.namespace)
    }

    /// `kubectl get`: the engine's printers read the arguments as kubectl's resource builder
    /// does (comma lists, `all`, `TYPE/NAME`, `-l`) and print kubectl's tables; only events
    /// are the console's own.
    fn get(&self, cluster: &Cluster, p: &Parsed) -> ConsoleOutput {
        if p.flag("watch") {
            return failure("svcsim: --watch is not simulated; the picture above updates live");
        }
        let output = match p.value("output") {
            None => Output::Table,
            Some(s) => match Output::parse(s) {
                Some(o) => o,
                None => {
                    return failure(format!(
                        "error: unable to match a printer suitable for the output format \"{s}\", {BAD_OUTPUT}"
                    ))
                }
            },
        };
        if p.positionals.is_empty() {
            let mut o = ConsoleOutput::fail(
                "You must specify the type of resource to get. Use \"kubectl api-resources\" for a complete list of supported resources.\n\n",
                1,
            );
            o.err("error: Required resource not specified.");
            o.err("Use \"kubectl explain <resource>\" for a detailed description of that resource (e.g. kubectl explain pods).");
            o.err("See 'kubectl get -h' for help and examples");
            return o;
        }
        let all = p.flag("all-namespaces");
        let ns = self.ns(p);
        if let [word] = p.positionals.as_slice() {
            if resource_kind(word) == Some(Kind::Events) {
                return events_output(cluster, (!all).then_some(ns));
            }
        }
        let opts = GetOptions {
            wide: output == Output::Wide,
            show_labels: p.flag("show-labels"),
            no_headers: p.flag("no-headers"),
            ..list_options(ns, all, p)
        };
        let g = match printers::get_args(cluster, &p.positionals, &opts, output) {
            Ok(g) => g,
            Err(e) => return failure(e.to_string()),
        };
        let mut o = ConsoleOutput::default();
        for w in &g.warnings {
            o.err(w);
        }
        o.out(g.stdout);
        if let Some(msg) = &g.no_resources {
            o.err(msg);
        }
        for e in &g.errors {
            o.err(e.to_string());
            o.exit_code = 1;
        }
        o
    }

    /// `kubectl describe service`.
    fn describe(&self, cluster: &Cluster, p: &Parsed) -> ConsoleOutput {
        let (resource, names) = match resource_and_names(&p.positionals) {
            Ok(x) => x,
            Err(e) => return usage(&e, "describe"),
        };
        if resource.is_empty() {
            let mut o = ConsoleOutput::fail(
                "You must specify the type of resource to describe. Use \"kubectl api-resources\" for a complete list of supported resources.\n\n",
                1,
            );
            o.err("error: Required resource not specified.");
            o.err("See 'kubectl describe -h' for help and examples");
            return o;
        }
        match resource_kind(&resource) {
            Some(Kind::Listed(Resource::Services)) => {}
            Some(_) => {
                return failure(format!(
                    "svcsim: \"kubectl describe {resource}\" is not simulated; describe services, or use kubectl get {resource} -o yaml"
                ))
            }
            None => {
                return failure(format!(
                    "error: the server doesn't have a resource type \"{resource}\""
                ))
            }
        }
        let all = p.flag("all-namespaces");
        if all && !names.is_empty() {
            return failure("error: a resource cannot be retrieved by name across all namespaces");
        }
        let ns = self.ns(p).to_string();
        let opts = list_options(&ns, all, p);
        let targets: Vec<(String, String)> = if names.is_empty() {
            match printers::list_objects(cluster, Resource::Services, &opts) {
                Ok(found) => found.into_iter().map(|o| (o.namespace, o.name)).collect(),
                Err(e) => return failure(e.to_string()),
            }
        } else if opts
            .selector
            .as_deref()
            .is_some_and(|s| !s.trim().is_empty())
        {
            return failure(GetError::NameWithSelector.to_string());
        } else {
            names.iter().map(|n| (ns.clone(), n.clone())).collect()
        };
        let mut o = ConsoleOutput::default();
        if targets.is_empty() {
            o.err(printers::no_resources_found((!all).then_some(ns.as_str())));
            return o;
        }
        let mut first = true;
        for (namespace, name) in targets {
            match printers::describe_service(cluster, &namespace, &name) {
                Ok(text) => {
                    if !first {
                        o.out("\n\n");
                    }
                    first = false;
                    o.out(text);
                }
                Err(e) => {
                    o.err(e.to_string());
                    o.exit_code = 1;
                }
            }
        }
        o
    }

    /// `kubectl delete`: the API server marks pods Terminating (the page lets time run to see
    /// the rest); Services, workloads and slices go at once.
    fn delete(&self, cluster: &mut Cluster, p: &Parsed) -> ConsoleOutput {
        let (resource, mut names) = match resource_and_names(&p.positionals) {
            Ok(x) => x,
            Err(e) => return usage(&e, "delete"),
        };
        if resource.is_empty() {
            return failure("error: You must provide one or more resources by argument or filename.\nExample resource specifications include:\n   '-f rsrc.yaml'\n   '--filename=rsrc.json'\n   '<resource> <name>'\n   '<resource>'");
        }
        let ns = self.ns(p).to_string();
        // The resource, the cluster's word for it, and the kind a manifest gives it.
        let (r, word, kind) = match resource_kind(&resource) {
            Some(Kind::Listed(r)) => match r {
                Resource::Pods => (r, "pod", "Pod"),
                Resource::Services => (r, "service", "Service"),
                Resource::Deployments => (r, "deployment", "Deployment"),
                Resource::ReplicaSets => (r, "replicaset", "ReplicaSet"),
                Resource::StatefulSets => (r, "statefulset", "StatefulSet"),
                Resource::DaemonSets => (r, "daemonset", "DaemonSet"),
                Resource::EndpointSlices => (r, "endpointslice", "EndpointSlice"),
                Resource::Endpoints => (r, "endpoints", "Endpoints"),
                Resource::ServiceCidrs => (r, "servicecidr", "ServiceCIDR"),
                Resource::Nodes | Resource::Namespaces | Resource::IpAddresses => {
                    return failure(format!("svcsim: deleting {} is not simulated", r.plural()))
                }
            },
            Some(Kind::Events) | None => {
                return failure(format!(
                    "error: the server doesn't have a resource type \"{resource}\""
                ))
            }
        };
        let singular = r.singular();
        let opts = list_options(&ns, false, p);
        let selector = opts
            .selector
            .as_deref()
            .is_some_and(|s| !s.trim().is_empty());
        if p.flag("all") || selector {
            if !names.is_empty() {
                return failure(GetError::NameWithSelector.to_string());
            }
            names = match printers::list_objects(cluster, r, &opts) {
                Ok(found) => found.into_iter().map(|o| o.name).collect(),
                Err(e) => return failure(e.to_string()),
            };
            if names.is_empty() {
                // kubectl delete says so on stdout, without a namespace (`DeleteResult`).
                let mut o = ConsoleOutput::default();
                o.out(format!("{}\n", printers::no_resources_found(None)));
                return o;
            }
        } else if names.is_empty() {
            return failure("error: resource(s) were provided, but no name was specified");
        }
        let force = p.flag("force") && p.value("grace-period") == Some("0");
        let mut o = ConsoleOutput::default();
        if force {
            o.err("Warning: Immediate deletion does not wait for confirmation that the running resource has been terminated. The resource may continue to run on the cluster indefinitely.");
        }
        for name in &names {
            match cluster.delete(word, &ns, name) {
                Ok(()) => {
                    o.changed = true;
                    o.deleted.push((kind, ns.clone(), name.clone()));
                    let how = if force { "force deleted" } else { "deleted" };
                    o.out(format!("{singular} \"{name}\" {how}\n"));
                }
                Err(e) => {
                    o.err(e.to_string());
                    o.exit_code = 1;
                }
            }
        }
        o
    }

    /// `kubectl scale`.
    fn scale(&self, cluster: &mut Cluster, p: &Parsed) -> ConsoleOutput {
        let (resource, names) = match resource_and_names(&p.positionals) {
            Ok(x) => x,
            Err(e) => return usage(&e, "scale"),
        };
        // pflag checked the number while parsing (`--replicas` is an int flag).
        let Some(replicas) = p.int("replicas").and_then(|n| i32::try_from(n).ok()) else {
            return failure("error: required flag(s) \"replicas\" not set");
        };
        if resource.is_empty() {
            return failure("error: You must provide one or more resources by argument or filename.\nExample resource specifications include:\n   '-f rsrc.yaml'\n   '--filename=rsrc.json'\n   '<resource> <name>'\n   '<resource>'");
        }
        let (kind, singular) = match resource_kind(&resource) {
            Some(Kind::Listed(Resource::Deployments)) => {
                (WorkloadKind::Deployment, "deployment.apps")
            }
            Some(Kind::Listed(Resource::ReplicaSets)) => {
                (WorkloadKind::ReplicaSet, "replicaset.apps")
            }
            Some(Kind::Listed(Resource::StatefulSets)) => {
                (WorkloadKind::StatefulSet, "statefulset.apps")
            }
            Some(Kind::Listed(r)) => {
                return failure(format!(
                    "error: no objects passed to scale {} \"{}\" has no scale subresource",
                    r.plural(),
                    names.first().map(String::as_str).unwrap_or("")
                ))
            }
            Some(_) | None => {
                return failure(format!(
                    "error: the server doesn't have a resource type \"{resource}\""
                ))
            }
        };
        if names.is_empty() {
            return failure("error: resource(s) were provided, but no name was specified");
        }
        let ns = self.ns(p).to_string();
        let mut o = ConsoleOutput::default();
        for name in &names {
            match cluster.scale(kind, &ns, name, replicas) {
                Ok(()) => {
                    o.changed = true;
                    o.scaled.push(super::Scaled {
                        kind,
                        namespace: ns.clone(),
                        name: name.clone(),
                        replicas,
                    });
                    o.out(format!("{singular}/{name} scaled\n"));
                }
                Err(e) => {
                    o.err(e.to_string());
                    o.exit_code = 1;
                }
            }
        }
        o
    }

    /// `kubectl exec POD [-c C] -- COMMAND…`.
    fn exec(&self, cluster: &Cluster, p: &Parsed, rng: &mut Rng) -> ConsoleOutput {
        let Some(target) = p.positionals.first() else {
            return failure("error: expected 'exec POD_NAME COMMAND [ARG1] [ARG2] ... [ARGN]'.\nPOD_NAME and COMMAND are required arguments for the exec command\nSee 'kubectl exec -h' for help and examples");
        };
        let command: Vec<String> = match &p.rest {
            Some(rest) => {
                if p.positionals.len() > 1 {
                    return failure("error: exec [POD] [COMMAND] is not supported anymore. Use exec [POD] -- [COMMAND] instead\nSee 'kubectl exec -h' for help and examples");
                }
                rest.clone()
            }
            None if p.positionals.len() > 1 => {
                return failure("error: exec [POD] [COMMAND] is not supported anymore. Use exec [POD] -- [COMMAND] instead\nSee 'kubectl exec -h' for help and examples");
            }
            None => Vec::new(),
        };
        if command.is_empty() {
            return failure("error: you must specify at least one command for the container");
        }
        let ns = self.ns(p).to_string();
        let pod = match find_exec_pod(cluster, &ns, target) {
            Ok(pod) => pod,
            Err(e) => return failure(e),
        };
        let mut o = ConsoleOutput::default();
        let container = match p.value("container") {
            Some(c) => {
                if !pod.spec.containers.iter().any(|x| x.name == c) {
                    return failure(format!(
                        "Error from server (BadRequest): container {c} is not valid for pod {}",
                        pod.metadata.name
                    ));
                }
                c.to_string()
            }
            None => {
                let first = pod
                    .spec
                    .containers
                    .first()
                    .map(|c| c.name.clone())
                    .unwrap_or_default();
                if pod.spec.containers.len() > 1 && !p.flag("quiet") {
                    let all: Vec<&str> = pod
                        .spec
                        .containers
                        .iter()
                        .map(|c| c.name.as_str())
                        .collect();
                    o.err(format!(
                        "Defaulted container \"{first}\" out of: {}",
                        all.join(", ")
                    ));
                }
                first
            }
        };
        if pod.status.phase == "Succeeded" || pod.status.phase == "Failed" {
            return failure(format!(
                "error: cannot exec into a container in a completed pod; current phase is {}",
                pod.status.phase
            ));
        }
        if pod.status.phase != "Running" || pod.spec.node_name.is_empty() {
            let mut f = failure(format!(
                "error: unable to upgrade connection: container not found (\"{container}\")"
            ));
            f.stderr.insert_str(0, &o.stderr);
            return f;
        }
        let mut r = super::programs::run_in_pod(cluster, pod, &container, &command, rng);
        if r.exit_code != 0 && !r.stderr.contains("OCI runtime exec failed") {
            r.err(format!("command terminated with exit code {}", r.exit_code));
        }
        r.stderr.insert_str(0, &o.stderr);
        r
    }

    /// `kubectl events` / `kubectl get events`.
    fn events(&self, cluster: &Cluster, p: &Parsed) -> ConsoleOutput {
        let all = p.flag("all-namespaces");
        events_output(cluster, (!all).then_some(self.ns(p)))
    }

    /// `kubectl config set-context --current --namespace=NS` (and `current-context`,
    /// `get-contexts`).
    fn config(&mut self, p: &Parsed) -> ConsoleOutput {
        let mut o = ConsoleOutput::default();
        match p.positionals.first().map(String::as_str) {
            Some("set-context") => {
                if !p.flag("current") && p.positionals.get(1).map(String::as_str) != Some(CONTEXT) {
                    return failure("error: you must specify a non-empty context name or --current");
                }
                if let Some(ns) = p.value("namespace") {
                    self.namespace = ns.to_string();
                }
                o.out(format!("Context \"{CONTEXT}\" modified.\n"));
            }
            Some("current-context") => o.out(format!("{CONTEXT}\n")),
            Some("get-contexts") => o.out(tabwriter::kubectl_table(&[
                vec![
                    "CURRENT".into(),
                    "NAME".into(),
                    "CLUSTER".into(),
                    "AUTHINFO".into(),
                    "NAMESPACE".into(),
                ],
                vec![
                    "*".into(),
                    CONTEXT.into(),
                    CONTEXT.into(),
                    CONTEXT.into(),
                    self.namespace.clone(),
                ],
            ])),
            Some("view") if p.flag("minify") => {
                o.out(format!(
                    "apiVersion: v1\nclusters:\n- cluster:\n    certificate-authority-data: DATA+OMITTED\n    server: https://127.0.0.1:6443\n  name: {CONTEXT}\ncontexts:\n- context:\n    cluster: {CONTEXT}\n    namespace: {}\n    user: {CONTEXT}\n  name: {CONTEXT}\ncurrent-context: {CONTEXT}\nkind: Config\npreferences: {{}}\nusers:\n- name: {CONTEXT}\n  user:\n    client-certificate-data: DATA+OMITTED\n    client-key-data: DATA+OMITTED\n",
                    self.namespace
                ));
            }
            Some(other) => {
                return failure(format!(
                    "svcsim: \"kubectl config {other}\" is not simulated; try kubectl config set-context --current --namespace=NS"
                ))
            }
            None => {
                return failure("svcsim: try kubectl config set-context --current --namespace=NS")
            }
        }
        o
    }
}

/// The pod `kubectl exec TARGET` runs in: `NAME`, `pod/NAME`, or the first pod of
/// `deploy/NAME` / `svc/NAME` (Running and Ready pods first, then by name — kubectl's
/// `AttachablePodForObject` prefers active, ready pods).
fn find_exec_pod<'c>(cluster: &'c Cluster, ns: &str, target: &str) -> Result<&'c Pod, String> {
    let not_found = |plural: &str, name: &str| {
        format!("Error from server (NotFound): {plural} \"{name}\" not found")
    };
    let (kind, name) = match target.split_once('/') {
        Some((k, n)) => (Some(k), n),
        None => (None, target),
    };
    let pick = |matches: &dyn Fn(&Pod) -> bool| -> Option<&'c Pod> {
        let mut pods: Vec<&Pod> = cluster
            .store
            .pods
            .values()
            .filter(|p| p.metadata.namespace == ns)
            .filter(|p| p.metadata.deletion_timestamp.is_none() && matches(p))
            .collect();
        pods.sort_by_key(|p| {
            (
                p.status.phase != "Running",
                !p.is_ready(),
                p.metadata.name.clone(),
            )
        });
        pods.into_iter().next()
    };
    let workload = |wk: WorkloadKind| -> Result<&'c Pod, String> {
        let w = cluster
            .store
            .workloads
            .get(&(wk, svcsim_engine::cluster::ObjectKey::new(ns, name)))
            .ok_or_else(|| not_found(&format!("{}s.apps", wk.as_str().to_lowercase()), name))?;
        let sel = w.spec.selector.clone().unwrap_or_default();
        pick(&|p: &Pod| !p.metadata.labels.is_empty() && sel.matches(&p.metadata.labels))
            .ok_or_else(|| "error: timed out waiting for the condition".to_string())
    };
    match kind.map(resource_kind) {
        None | Some(Some(Kind::Listed(Resource::Pods))) => cluster
            .store
            .pod(ns, name)
            .ok_or_else(|| not_found("pods", name)),
        Some(Some(Kind::Listed(Resource::Services))) => {
            let svc = cluster
                .store
                .service(ns, name)
                .ok_or_else(|| not_found("services", name))?;
            if svc.spec.selector.is_empty() {
                return Err(format!("error: cannot attach to *v1.Service: invalid service '{name}': Service is defined without a selector"));
            }
            pick(&|p: &Pod| map_selector_matches(&svc.spec.selector, &p.metadata.labels))
                .ok_or_else(|| "error: timed out waiting for the condition".to_string())
        }
        Some(Some(Kind::Listed(Resource::Deployments))) => workload(WorkloadKind::Deployment),
        Some(Some(Kind::Listed(Resource::ReplicaSets))) => workload(WorkloadKind::ReplicaSet),
        Some(Some(Kind::Listed(Resource::StatefulSets))) => workload(WorkloadKind::StatefulSet),
        Some(Some(Kind::Listed(Resource::DaemonSets))) => workload(WorkloadKind::DaemonSet),
        Some(Some(_)) => Err(format!(
            "error: cannot attach to {target}: selector for {target} not implemented"
        )),
        Some(None) => Err(format!(
            "error: the server doesn't have a resource type \"{}\"",
            kind.unwrap_or("")
        )),
    }
}

/// What `kubectl get events` prints: LAST SEEN, TYPE, REASON, OBJECT, MESSAGE (NAMESPACE
/// first with `-A`), repeated events folded as the event recorder's correlator does, in time
/// order (as `kubectl events` sorts them).
fn events_output(cluster: &Cluster, ns: Option<&str>) -> ConsoleOutput {
    use svcsim_engine::cluster::Event;
    let mut o = ConsoleOutput::default();
    let mut folded: Vec<(&Event, &Event)> = Vec::new();
    for e in cluster
        .events
        .iter()
        .filter(|e| ns.is_none_or(|n| e.namespace == n))
    {
        match folded.iter_mut().find(|(f, _)| {
            f.namespace == e.namespace
                && f.object == e.object
                && f.type_ == e.type_
                && f.reason == e.reason
                && f.message == e.message
        }) {
            Some(entry) => entry.1 = e,
            None => folded.push((e, e)),
        }
    }
    if folded.is_empty() {
        o.err(printers::no_resources_found(ns));
        return o;
    }
    folded.sort_by_key(|(_, last)| last.time);
    let now = cluster.wall_now().0;
    let mut rows: Vec<Vec<String>> = Vec::new();
    let mut header: Vec<String> = Vec::new();
    if ns.is_none() {
        header.push("NAMESPACE".into());
    }
    header.extend(["LAST SEEN", "TYPE", "REASON", "OBJECT", "MESSAGE"].map(String::from));
    rows.push(header);
    for (first, last) in folded {
        let mut row = Vec::new();
        if ns.is_none() {
            row.push(first.namespace.clone());
        }
        row.push(human_duration(
            now.saturating_sub(cluster.wall_time(last.time).0),
        ));
        row.push(first.type_.clone());
        row.push(first.reason.clone());
        row.push(first.object.clone());
        row.push(first.message.trim().to_string());
        rows.push(row);
    }
    o.out(tabwriter::kubectl_table(&rows));
    o
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn suggestions() {
        assert_eq!(distance("gte", "get"), 2);
        assert_eq!(distance("", "abc"), 3);
        assert_eq!(
            split_verb(&["-n".into(), "x".into(), "get".into()]),
            Some((2, "get"))
        );
    }
}
