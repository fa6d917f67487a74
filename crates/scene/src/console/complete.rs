//! Tab completion, as bash-completion for kubectl/docker offers it: command words, kubectl
//! verbs, resource types, names of the right kind in the namespace the line targets (pods
//! for `exec` and `delete pod`, services for `describe svc`, deployments for `scale`), node
//! names for `docker exec`, flags, and the commands a pod or a node can run.

use super::kubectl::{names_of, split_verb, verb_flags, VERBS};
use super::node::node_names;
use super::shell::lex;
use super::Console;
use crate::cmdline::Spec;
use svcsim_engine::cluster::Cluster;
use svcsim_engine::proxy;

/// What Tab offers: replace `line[replace_from..cursor]` with one of `candidates` (sorted,
/// without duplicates; one candidate means an unambiguous completion).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Completion {
    /// Byte offset in the line where the word being completed starts.
    pub replace_from: usize,
    pub candidates: Vec<String>,
}

/// Words a line may start with.
const COMMANDS: &[&str] = &[
    "clear",
    "docker",
    "echo",
    "help",
    "history",
    "iptables",
    "iptables-save",
    "ipvsadm",
    "kubectl",
    "kubens",
    "nft",
    "node",
    "sleep",
];
/// Filters that may follow `|`.
const FILTERS: &[&str] = &["grep", "head", "tail", "wc"];
/// Programs `kubectl exec POD --` can run.
const POD_PROGRAMS: &[&str] = &[
    "cat", "curl", "dig", "getent", "hostname", "ip", "nslookup", "sh", "wget",
];
/// Programs `docker exec NODE` can run.
const NODE_PROGRAMS: &[&str] = &[
    "cat",
    "hostname",
    "ip",
    "iptables",
    "iptables-save",
    "ipvsadm",
    "nft",
];
/// Resource types for `kubectl get`.
const GET_TYPES: &[&str] = &[
    "deploy",
    "deployments",
    "endpoints",
    "endpointslices",
    "ep",
    "ev",
    "events",
    "ipaddresses",
    "namespaces",
    "no",
    "nodes",
    "ns",
    "po",
    "pods",
    "replicasets",
    "rs",
    "servicecidrs",
    "services",
    "svc",
];
const DELETE_TYPES: &[&str] = &[
    "deploy",
    "deployment",
    "endpointslice",
    "pod",
    "replicaset",
    "rs",
    "service",
    "servicecidr",
    "svc",
];
const SCALE_TYPES: &[&str] = &[
    "deploy",
    "deployment",
    "replicaset",
    "rs",
    "statefulset",
    "sts",
];

fn own(list: &[&str]) -> Vec<String> {
    list.iter().map(|s| s.to_string()).collect()
}

/// Flags as they are typed: `--long` (and `-s`).
fn flag_words(specs: &[Spec]) -> Vec<String> {
    let mut out = Vec::new();
    for s in specs {
        if s.long == "help" {
            continue;
        }
        out.push(if s.long == "replicas" {
            "--replicas=".to_string()
        } else {
            format!("--{}", s.long)
        });
        if let Some(c) = s.short {
            out.push(format!("-{c}"));
        }
    }
    out
}

/// Operands after the verb (flags and their values skipped).
fn operands<'a>(args: &'a [String], specs: &[Spec]) -> Vec<&'a str> {
    let mut out = Vec::new();
    let mut i = 0;
    while let Some(a) = args.get(i) {
        i += 1;
        if a == "--" {
            break;
        }
        if let Some(long) = a.strip_prefix("--") {
            if !long.contains('=') && specs.iter().any(|s| s.long == long && s.takes_value()) {
                i += 1;
            }
            continue;
        }
        if a.starts_with('-') && a.len() > 1 {
            let last = a.chars().last().unwrap_or('-');
            if a.len() == 2
                && specs
                    .iter()
                    .any(|s| s.short == Some(last) && s.takes_value())
            {
                i += 1;
            }
            continue;
        }
        out.push(a.as_str());
    }
    out
}

impl Console {
    /// Tab at byte `cursor` of `line`: what the word under the cursor may become.
    pub fn complete(&self, cluster: &Cluster, line: &str, cursor: usize) -> Completion {
        let mut cursor = cursor.min(line.len());
        while !line.is_char_boundary(cursor) {
            cursor = cursor.saturating_sub(1);
        }
        let prefix = line.get(..cursor).unwrap_or("");
        let lexed = lex(prefix);
        let mut words = lexed.words;
        // Only the command after the last operator matters.
        let after_pipe = match words.iter().rposition(|w| w.op) {
            Some(i) => {
                let pipe = words.get(i).is_some_and(|w| w.text == "|");
                words.drain(..=i);
                pipe
            }
            None => false,
        };
        let (current, replace_from) = match words.last() {
            Some(w) if w.end == cursor && !w.op => (w.text.clone(), w.start),
            _ => (String::new(), cursor),
        };
        if replace_from != cursor {
            words.pop();
        }
        let before: Vec<String> = words.into_iter().map(|w| w.text).collect();
        let mut candidates = self.candidates(cluster, &before, &current, after_pipe);
        candidates.retain(|c| c.starts_with(current.as_str()));
        candidates.sort();
        candidates.dedup();
        Completion {
            replace_from,
            candidates,
        }
    }

    fn candidates(
        &self,
        cluster: &Cluster,
        before: &[String],
        current: &str,
        after_pipe: bool,
    ) -> Vec<String> {
        if before.last().is_some_and(|w| w == "--node") {
            return node_names(cluster);
        }
        let Some((first, rest)) = before.split_first() else {
            let mut c = own(COMMANDS);
            if after_pipe {
                c.extend(own(FILTERS));
            }
            return c;
        };
        match first.as_str() {
            "kubectl" | "k" => self.kubectl_candidates(cluster, rest, current),
            "docker" => self.docker_candidates(cluster, rest),
            "node" if rest.is_empty() => node_names(cluster),
            "kubens" if rest.is_empty() => cluster.store.namespaces.keys().cloned().collect(),
            "iptables-save" | "iptables" | "nft" | "ipvsadm" => {
                let node = self
                    .node
                    .clone()
                    .or_else(|| {
                        node_names(cluster)
                            .into_iter()
                            .find(|n| !n.contains("control-plane"))
                    })
                    .unwrap_or_default();
                let mut c = node_program_candidates(cluster, &node, before);
                if current.starts_with('-') {
                    c.push("--node".to_string());
                }
                c
            }
            _ => Vec::new(),
        }
    }

    fn kubectl_candidates(&self, cluster: &Cluster, args: &[String], current: &str) -> Vec<String> {
        let namespaces = || -> Vec<String> { cluster.store.namespaces.keys().cloned().collect() };
        match args.last().map(String::as_str) {
            Some("-n" | "--namespace") => return namespaces(),
            Some("-o" | "--output") => return own(&["json", "name", "wide", "yaml"]),
            _ => {}
        }
        if let Some(v) = current.strip_prefix("--namespace=") {
            let _ = v;
            return namespaces()
                .into_iter()
                .map(|n| format!("--namespace={n}"))
                .collect();
        }
        if current.starts_with("-o") && current.len() > 2 {
            return own(&["-ojson", "-oname", "-owide", "-oyaml"]);
        }
        // The namespace the line targets.
        let mut ns = self.namespace.clone();
        for pair in args.windows(2) {
            if let [f, v] = pair {
                if f == "-n" || f == "--namespace" {
                    ns = v.clone();
                }
            }
        }
        for a in args {
            if let Some(v) = a.strip_prefix("--namespace=") {
                ns = v.to_string();
            }
        }
        // The verb: the first operand, found as the command line's is.
        let Some((at, verb)) = split_verb(args) else {
            if current.starts_with('-') {
                return own(&["--namespace", "-n"]);
            }
            return own(VERBS);
        };
        let after: Vec<String> = args.get(at + 1..).unwrap_or(&[]).to_vec();
        let specs = verb_flags(verb);
        if verb == "exec" {
            if let Some(dd) = after.iter().position(|a| a == "--") {
                let cmd = after.get(dd + 1..).unwrap_or(&[]);
                let services: Vec<String> = names_of(cluster, "services", &ns);
                return match cmd.first().map(String::as_str) {
                    None => own(POD_PROGRAMS),
                    Some("cat") => own(&["/etc/hostname", "/etc/hosts", "/etc/resolv.conf"]),
                    Some("nslookup" | "dig") => services,
                    Some("getent") if cmd.len() == 1 => own(&["hosts"]),
                    Some("getent") => services,
                    Some("curl" | "wget") => {
                        if current.starts_with('-') {
                            own(&["-m", "-qO-", "-s", "-sS"])
                        } else {
                            services
                                .into_iter()
                                .map(|s| format!("http://{s}"))
                                .collect()
                        }
                    }
                    _ => Vec::new(),
                };
            }
        }
        if current.starts_with('-') {
            let mut f = flag_words(specs);
            if verb == "exec" {
                f.push("--".to_string());
                f.push("-it".to_string());
            }
            return f;
        }
        let ops = operands(&after, specs);
        match verb {
            "get" | "describe" | "delete" => {
                let types: &[&str] = match verb {
                    "get" => GET_TYPES,
                    "describe" => &["service", "services", "svc"],
                    _ => DELETE_TYPES,
                };
                match ops.first() {
                    None => {
                        if let Some((res, _)) = current.split_once('/') {
                            return names_of(cluster, res, &ns)
                                .into_iter()
                                .map(|n| format!("{res}/{n}"))
                                .collect();
                        }
                        own(types)
                    }
                    Some(res) if !res.contains('/') => names_of(cluster, res, &ns),
                    Some(_) => Vec::new(),
                }
            }
            "scale" => match ops.first() {
                None => {
                    let mut c = own(SCALE_TYPES);
                    c.extend(
                        names_of(cluster, "deployments", &ns)
                            .into_iter()
                            .map(|n| format!("deployment/{n}")),
                    );
                    if let Some((res, _)) = current.split_once('/') {
                        c.extend(
                            names_of(cluster, res, &ns)
                                .into_iter()
                                .map(|n| format!("{res}/{n}")),
                        );
                    }
                    c
                }
                Some(res) if !res.contains('/') && ops.len() == 1 => names_of(cluster, res, &ns),
                Some(_) => own(&["--replicas="]),
            },
            "exec" => match ops.first() {
                None => names_of(cluster, "pods", &ns),
                Some(_) => own(&["--"]),
            },
            "config" => match ops.first().copied() {
                None => own(&["current-context", "get-contexts", "set-context", "view"]),
                Some("set-context") => {
                    let mut c = own(&["--current", "--namespace="]);
                    c.extend(
                        cluster
                            .store
                            .namespaces
                            .keys()
                            .map(|n| format!("--namespace={n}")),
                    );
                    c
                }
                Some(_) => Vec::new(),
            },
            _ => Vec::new(),
        }
    }

    fn docker_candidates(&self, cluster: &Cluster, args: &[String]) -> Vec<String> {
        let Some((sub, rest)) = args.split_first() else {
            return own(&["exec"]);
        };
        if sub != "exec" {
            return Vec::new();
        }
        let rest: Vec<&String> = rest.iter().filter(|a| !a.starts_with('-')).collect();
        match rest.split_first() {
            None => node_names(cluster),
            Some((node, cmd)) => {
                let words: Vec<String> = cmd.iter().map(|s| s.to_string()).collect();
                if words.is_empty() {
                    own(NODE_PROGRAMS)
                } else {
                    node_program_candidates(cluster, node, &words)
                }
            }
        }
    }
}

/// Arguments of the node programs (`before` starts with the program).
fn node_program_candidates(cluster: &Cluster, node: &str, before: &[String]) -> Vec<String> {
    let Some((prog, args)) = before.split_first() else {
        return own(NODE_PROGRAMS);
    };
    let last = args.last().map(String::as_str);
    match prog.as_str() {
        "iptables-save" => match last {
            Some("-t") => own(&["filter", "nat"]),
            _ => own(&["-t"]),
        },
        "iptables" => match last {
            Some("-t") => own(&["filter", "mangle", "nat", "raw"]),
            Some("-S") => {
                // Chain names of the table in use, from the node's rules.
                let table = args
                    .windows(2)
                    .find(|w| w.first().is_some_and(|f| f == "-t"))
                    .and_then(|w| w.get(1).cloned())
                    .unwrap_or_else(|| "filter".to_string());
                let mode = cluster.proxy_mode();
                let save = proxy::node_rules(cluster, node, mode)
                    .map(|r| proxy::render_iptables_save(&r))
                    .unwrap_or_default();
                let mut inside = false;
                let mut chains = Vec::new();
                for l in save.lines() {
                    if let Some(t) = l.strip_prefix('*') {
                        inside = t == table;
                    } else if inside {
                        if let Some(decl) = l.strip_prefix(':') {
                            chains.push(decl.split_whitespace().next().unwrap_or("").to_string());
                        }
                    }
                }
                chains
            }
            _ => own(&["-S", "-t"]),
        },
        "nft" => match args {
            [] => own(&["list"]),
            [l] if l == "list" => own(&["ruleset", "table", "tables"]),
            _ => Vec::new(),
        },
        "ipvsadm" => own(&["-Ln"]),
        "ip" if args.is_empty() => own(&["addr", "route"]),
        "cat" => own(&["/etc/resolv.conf"]),
        _ => Vec::new(),
    }
}

impl Completion {
    /// The line after Tab: the word being completed is replaced by the only candidate (plus a
    /// space), or extended to the candidates' common prefix, as bash does.
    pub fn apply_to(&self, current: &str) -> String {
        let head = current.get(..self.replace_from).unwrap_or(current);
        match self.candidates.as_slice() {
            [] => current.to_string(),
            [only] => format!("{head}{only} "),
            many => {
                let first = many.first().map(String::as_str).unwrap_or("");
                let common = many.iter().fold(first.len(), |n, c| {
                    first
                        .chars()
                        .zip(c.chars())
                        .take_while(|(a, b)| a == b)
                        .map(|(a, _)| a.len_utf8())
                        .sum::<usize>()
                        .min(n)
                });
                let prefix = first.get(..common).unwrap_or("");
                let typed = current.get(self.replace_from..).unwrap_or("");
                if prefix.len() > typed.len() {
                    format!("{head}{prefix}")
                } else {
                    current.to_string()
                }
            }
        }
    }
}
