//! The commands: `apply`, `get`, `describe`, `version`, `help`. Pure apart from reading the
//! manifest files (and stdin), so tests can call [`run`] directly.

use crate::args::{ArgError, Args};
use std::io::Read;
use svcsim_engine::cluster::{ApplyResult, Cluster, ClusterConfig};
use svcsim_engine::manifest::Source;
use svcsim_engine::printers::{self, GetOptions, Output, Resource};

/// Which stream a piece of output goes to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stream {
    Stdout,
    Stderr,
}

/// What one invocation prints, and its exit code.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Outcome {
    /// Everything written to stdout.
    pub stdout: String,
    /// Everything written to stderr.
    pub stderr: String,
    /// Both streams' pieces in the order kubectl would write them (for a terminal).
    pub log: Vec<(Stream, String)>,
    pub code: i32,
}

impl Outcome {
    /// A line on stderr.
    pub(crate) fn err(&mut self, line: impl AsRef<str>) {
        let mut text = line.as_ref().to_string();
        if !text.ends_with('\n') {
            text.push('\n');
        }
        self.stderr.push_str(&text);
        self.log.push((Stream::Stderr, text));
    }

    /// Text on stdout.
    pub(crate) fn out(&mut self, text: impl AsRef<str>) {
        let text = text.as_ref();
        if text.is_empty() {
            return;
        }
        self.stdout.push_str(text);
        self.log.push((Stream::Stdout, text.to_string()));
    }

    /// kubectl's usage error: `error: …` then a pointer to the help.
    pub(crate) fn usage_error(mut self, message: &str, command: Option<&str>) -> Outcome {
        self.err(format!("error: {message}"));
        match command {
            Some(c) => self.err(format!("See 'svcsim {c} --help' for usage.")),
            None => self.err("See 'svcsim --help' for usage."),
        }
        self.code = 1;
        self
    }
}

const HELP: &str = "\
svcsim simulates Kubernetes Services networking and answers like kubectl.

Each invocation builds a fresh kind-like cluster (1 control plane, 2 workers), applies the
manifests given with -f, lets simulated time settle, and prints the result.

Usage:
  svcsim apply -f FILE [-f FILE...] [--seed N]
  svcsim get RESOURCE [NAME] [-n NAMESPACE | -A] [-o wide|json|yaml|name] [-f FILE...] [--seed N]
  svcsim describe service [NAME] [-n NAMESPACE] [-f FILE...] [--seed N]
  svcsim trace -f FILE... --from pod/NAME|node/NAME|external[/IP] [-n NS] DEST
               [--proto tcp|udp|sctp] [--count N] [--mode M] [--via NODE] [-o json]
  svcsim dns -f FILE... --from pod/NAME|node/NAME [-n NS] NAME
             [--type A|AAAA|SRV|PTR|CNAME|TXT] [-o json]
  svcsim rules -f FILE... --node NODE [--mode iptables|nftables|ipvs] [-o json]
  svcsim version

Resources:
  services (svc), endpointslices, endpoints (ep), pods (po), nodes (no),
  deployments (deploy), replicasets (rs), namespaces (ns)

DEST is IP, IP:port, NAME or NAME:port (port 80 when omitted); a NAME is resolved by the
source's resolver first, and every DNS query is traced too.

Flags:
  -f, --filename FILE     manifest file, directory (*.yaml, *.yml, *.json) or - for stdin; repeatable
      --seed N            seed for every random choice (ClusterIPs, nodePorts, names); default 0
  -n, --namespace NS      namespace to read from (default \"default\")
  -A, --all-namespaces    list across all namespaces
  -o, --output FORMAT     wide, json, yaml or name (trace, dns, rules: json)
      --from SOURCE       trace/dns: where the packet starts (pod/NAME, node/NAME, external)
      --proto PROTO       trace: tcp (default), udp or sctp
      --count N           trace: N connections, then the per-endpoint distribution
      --via NODE          trace: the node LoadBalancer/external IP traffic enters
      --type TYPE         dns: record type (default A)
      --node NODE         rules: the node whose kube-proxy rules to print
      --mode MODE         rules/trace: iptables, nftables or ipvs (default: the cluster's)
  -h, --help              this help

Errors in manifests are printed as kubectl prints them, followed by `  --> file:line:col`
for every place they point at; `apply` exits with 1 when any object failed.
";

/// Run one command line (without the program name).
pub fn run(raw: &[String], stdin: &mut dyn Read) -> Outcome {
    let out = Outcome::default();
    let args = match Args::parse(raw) {
        Ok(a) => a,
        Err(ArgError(m)) => {
            let command = raw
                .iter()
                .find(|a| {
                    matches!(
                        a.as_str(),
                        "apply" | "get" | "describe" | "version" | "trace" | "dns" | "rules"
                    )
                })
                .map(String::as_str);
            return out.usage_error(&m, command);
        }
    };
    let command = args.positionals.first().map(String::as_str);
    if args.help || matches!(command, None | Some("help")) {
        let mut o = Outcome::default();
        o.out(HELP);
        return o;
    }
    match command {
        Some("apply") => apply(args, stdin),
        Some("get") => get(args, stdin),
        Some("describe") => describe(args, stdin),
        Some("trace") => crate::netcmds::trace(args, stdin),
        Some("dns") => crate::netcmds::dns(args, stdin),
        Some("rules") => crate::netcmds::rules(args, stdin),
        Some("version") => {
            let mut o = Outcome::default();
            o.out(format!(
                "Client Version: svcsim {} (svcsim-engine {})\nServer Version: {} (simulated)\n",
                env!("CARGO_PKG_VERSION"),
                printers::ENGINE_VERSION,
                ClusterConfig::default().kubernetes_version
            ));
            o
        }
        Some(other) => {
            let mut o = out;
            o.err(format!("error: unknown command \"{other}\" for \"svcsim\""));
            o.err("Run 'svcsim --help' for usage.");
            o.code = 1;
            o
        }
        None => out,
    }
}

/// Read every `-f` argument: a file, a directory's manifest files (sorted), or stdin (`-`).
fn read_sources(files: &[String], stdin: &mut dyn Read) -> Result<Vec<Source>, String> {
    let mut sources = Vec::new();
    let mut stdin_read = false;
    for f in files {
        if f == "-" {
            let mut text = String::new();
            if !stdin_read {
                let mut bytes = Vec::new();
                stdin
                    .read_to_end(&mut bytes)
                    .map_err(|e| format!("error: reading STDIN: {e}"))?;
                text = String::from_utf8_lossy(&bytes).into_owned();
                stdin_read = true;
            }
            sources.push(Source::new("STDIN", text));
            continue;
        }
        let path = std::path::Path::new(f);
        if !path.exists() {
            return Err(format!("error: the path \"{f}\" does not exist"));
        }
        if path.is_dir() {
            let mut entries: Vec<std::path::PathBuf> = std::fs::read_dir(path)
                .map_err(|e| format!("error: open {f}: {e}"))?
                .filter_map(|e| e.ok().map(|e| e.path()))
                .filter(|p| {
                    p.is_file()
                        && p.extension()
                            .and_then(|x| x.to_str())
                            .is_some_and(|x| matches!(x, "yaml" | "yml" | "json"))
                })
                .collect();
            entries.sort();
            for p in entries {
                let name = p.to_string_lossy().into_owned();
                sources.push(Source::new(name.clone(), read_file(&p, &name)?));
            }
            continue;
        }
        sources.push(Source::new(f.clone(), read_file(path, f)?));
    }
    Ok(sources)
}

fn read_file(path: &std::path::Path, name: &str) -> Result<String, String> {
    let bytes = std::fs::read(path).map_err(|e| format!("error: open {name}: {e}"))?;
    Ok(String::from_utf8_lossy(&bytes).into_owned())
}

/// Build the cluster; on unreadable files, the error outcome.
pub(crate) fn build(
    args: &Args,
    stdin: &mut dyn Read,
) -> Result<(Cluster, Vec<ApplyResult>), Outcome> {
    let sources = read_sources(&args.files, stdin).map_err(|e| {
        let mut o = Outcome::default();
        o.err(e);
        o.code = 1;
        o
    })?;
    Ok(Cluster::from_sources(&sources, args.seed))
}

/// kubectl's error text, then one `  --> file:line:col` per place it points at.
fn report_error(out: &mut Outcome, r: &ApplyResult) {
    out.err(r.to_string());
    for (_, loc) in r.error_locations() {
        out.err(format!("  --> {loc}"));
    }
}

fn apply(args: Args, stdin: &mut dyn Read) -> Outcome {
    if args.positionals.len() > 1 {
        let extra = args.positionals.get(1..).unwrap_or(&[]).join(" ");
        return Outcome::default()
            .usage_error(&format!("Unexpected args: [{extra}]"), Some("apply"));
    }
    if args.files.is_empty() {
        return Outcome::default().usage_error("must specify one of -f and -k", Some("apply"));
    }
    if args.namespace.is_some() || args.all_namespaces || args.output.is_some() {
        return Outcome::default().usage_error(
            "svcsim apply takes only -f and --seed (set metadata.namespace in the manifest)",
            Some("apply"),
        );
    }
    let (_, results) = match build(&args, stdin) {
        Ok(b) => b,
        Err(o) => return o,
    };
    // kubectl prints each success as it happens and the collected errors at the end.
    let mut out = Outcome::default();
    for r in results.iter().filter(|r| r.is_ok()) {
        out.out(format!("{r}\n"));
    }
    for r in results.iter().filter(|r| !r.is_ok()) {
        report_error(&mut out, r);
        out.code = 1;
    }
    out
}

/// `RESOURCE NAME`, `RESOURCE/NAME` or `RESOURCE`.
fn resource_and_name(
    operands: &[String],
    command: &str,
) -> Result<(String, Option<String>), Outcome> {
    let Some(first) = operands.first() else {
        let mut o = Outcome::default();
        if command == "get" {
            o.err("You must specify the type of resource to get. Use \"svcsim --help\" for the supported resources.");
            o.err("");
        }
        return Err(o.usage_error("Required resource not specified.", Some(command)));
    };
    let (resource, mut name) = match first.split_once('/') {
        Some((r, n)) => (r.to_string(), Some(n.to_string())),
        None => (first.clone(), None),
    };
    match operands.get(1..).unwrap_or(&[]) {
        [] => {}
        [n] if name.is_none() => name = Some(n.clone()),
        _ => {
            return Err(Outcome::default().usage_error(
                &format!("svcsim {command} takes one RESOURCE and at most one NAME"),
                Some(command),
            ))
        }
    }
    if name.as_deref() == Some("") {
        return Err(Outcome::default().usage_error(
            "arguments in resource/name form must have a single resource and name",
            Some(command),
        ));
    }
    Ok((resource, name))
}

/// Apply errors go to stderr; they do not stop `get`/`describe`.
pub(crate) fn report_apply_errors(out: &mut Outcome, results: &[ApplyResult]) {
    for r in results.iter().filter(|r| !r.is_ok()) {
        report_error(out, r);
    }
}

fn get(args: Args, stdin: &mut dyn Read) -> Outcome {
    let (resource, name) = match resource_and_name(args.positionals.get(1..).unwrap_or(&[]), "get")
    {
        Ok(x) => x,
        Err(o) => return o,
    };
    let (cluster, results) = match build(&args, stdin) {
        Ok(b) => b,
        Err(o) => return o,
    };
    let mut out = Outcome::default();
    report_apply_errors(&mut out, &results);
    let output = args.output.unwrap_or(Output::Table);
    let opts = GetOptions {
        namespace: args.namespace.clone(),
        all_namespaces: args.all_namespaces,
        wide: output == Output::Wide,
        name,
        ..GetOptions::default()
    };
    match printers::get(&cluster, &resource, &opts, output) {
        Ok(g) => {
            for w in &g.warnings {
                out.err(w);
            }
            out.out(&g.stdout);
            if let Some(msg) = &g.no_resources {
                out.err(msg);
            }
        }
        Err(e) => {
            out.err(e.to_string());
            out.code = 1;
        }
    }
    out
}

fn describe(args: Args, stdin: &mut dyn Read) -> Outcome {
    let (resource, name) =
        match resource_and_name(args.positionals.get(1..).unwrap_or(&[]), "describe") {
            Ok(x) => x,
            Err(o) => return o,
        };
    match Resource::parse(&resource) {
        Some(Resource::Services) => {}
        Some(_) => {
            return Outcome::default().usage_error(
                &format!("svcsim describe supports services only, not \"{resource}\""),
                Some("describe"),
            )
        }
        None => {
            let mut o = Outcome::default();
            o.err(format!(
                "error: the server doesn't have a resource type \"{resource}\""
            ));
            o.code = 1;
            return o;
        }
    }
    if args.output.is_some() {
        return Outcome::default()
            .usage_error("unknown shorthand flag: 'o' in -o", Some("describe"));
    }
    let (cluster, results) = match build(&args, stdin) {
        Ok(b) => b,
        Err(o) => return o,
    };
    let mut out = Outcome::default();
    report_apply_errors(&mut out, &results);
    if args.all_namespaces && name.is_some() {
        out.err("error: a resource cannot be retrieved by name across all namespaces");
        out.code = 1;
        return out;
    }
    let ns = args
        .namespace
        .clone()
        .unwrap_or_else(|| "default".to_string());
    let targets: Vec<(String, String)> = match &name {
        Some(n) => vec![(ns.clone(), n.clone())],
        None => cluster
            .store
            .services_in((!args.all_namespaces).then_some(ns.as_str()))
            .map(|s| (s.metadata.namespace.clone(), s.metadata.name.clone()))
            .collect(),
    };
    if targets.is_empty() {
        out.err(if args.all_namespaces {
            "No resources found".to_string()
        } else {
            format!("No resources found in {ns} namespace.")
        });
        return out;
    }
    let mut first = true;
    for (namespace, n) in targets {
        match printers::describe_service(&cluster, &namespace, &n) {
            Ok(text) => {
                // kubectl separates several descriptions with a blank line pair.
                if !first {
                    out.out("\n\n");
                }
                first = false;
                out.out(&text);
            }
            Err(e) => {
                out.err(e.to_string());
                out.code = 1;
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn run_str(args: &[&str]) -> Outcome {
        let raw: Vec<String> = args.iter().map(|s| s.to_string()).collect();
        run(&raw, &mut std::io::empty())
    }

    #[test]
    fn help_and_version() {
        let o = run_str(&["--help"]);
        assert_eq!(o.code, 0);
        assert!(o.stdout.starts_with("svcsim simulates"));
        let o = run_str(&["version"]);
        assert_eq!(o.code, 0);
        assert!(o.stdout.contains("Server Version: v1.34.0 (simulated)"));
    }

    #[test]
    fn usage_errors() {
        let o = run_str(&["get", "svc", "--bogus"]);
        assert_eq!(o.code, 1);
        assert_eq!(
            o.stderr,
            "error: unknown flag: --bogus\nSee 'svcsim get --help' for usage.\n"
        );
        let o = run_str(&["frobnicate"]);
        assert_eq!(o.code, 1);
        assert!(o
            .stderr
            .starts_with("error: unknown command \"frobnicate\" for \"svcsim\""));
        let o = run_str(&["apply"]);
        assert_eq!(
            o.stderr,
            "error: must specify one of -f and -k\nSee 'svcsim apply --help' for usage.\n"
        );
        let o = run_str(&["get", "svc", "-f", "/nonexistent/x.yaml"]);
        assert_eq!(
            o.stderr,
            "error: the path \"/nonexistent/x.yaml\" does not exist\n"
        );
        assert_eq!(o.code, 1);
        let o = run_str(&["get"]);
        assert_eq!(o.code, 1);
        assert!(o.stderr.contains("error: Required resource not specified."));
        let o = run_str(&["get", "foo"]);
        assert_eq!(
            o.stderr,
            "error: the server doesn't have a resource type \"foo\"\n"
        );
        assert_eq!(o.code, 1);
    }

    #[test]
    fn stdin_manifest() {
        let raw: Vec<String> = ["apply", "-f", "-"].iter().map(|s| s.to_string()).collect();
        let text = "apiVersion: v1\nkind: Namespace\nmetadata:\n  name: prod\n";
        let o = run(&raw, &mut text.as_bytes());
        assert_eq!(o.stdout, "namespace/prod created\n");
        assert_eq!(o.code, 0);
    }

    #[test]
    fn no_panics_on_odd_arguments() {
        for args in [
            &["get", "svc/"][..],
            &["get", "/x"],
            &["get", "svc", "a", "b"],
            &["describe"],
            &["describe", "pods"],
            &["describe", "svc", "-o", "json"],
            &["-", "-", "-"],
            &["get", "svc", "-A", "x"],
            &["--seed=-1", "get", "svc"],
            &["-A=maybe"],
            &["get", "ep", "-o", "name"],
        ] {
            let o = run_str(args);
            assert!(o.code == 0 || o.code == 1, "{args:?}");
        }
    }
}
