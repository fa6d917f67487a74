//! The dispatcher: parse the command line, then hand it to the command it names. Pure apart
//! from the commands reading the manifest files (and stdin), so tests can call [`run`]
//! directly.

use crate::args::{ArgError, Args};
use crate::outcome::Outcome;
use crate::{apply, describe, dns, get, rules, shell, trace};
use std::io::Read;
use svcsim_engine::cluster::ClusterConfig;
use svcsim_engine::printers;

/// The commands, as `svcsim --help` lists them.
const COMMANDS: &[&str] = &[
    "apply", "get", "describe", "version", "trace", "dns", "rules", "shell",
];

const HELP: &str = "\
svcsim simulates Kubernetes Services networking and answers like kubectl.

Each invocation builds a fresh kind-like cluster (1 control plane, 2 workers), applies the
manifests given with -f, lets simulated time settle, and prints the result.

Usage:
  svcsim apply -f FILE [-f FILE...] [--seed N]
  svcsim get RESOURCE [NAME]... [-l SELECTOR] [-n NAMESPACE | -A] [-o wide|json|yaml|name]
             [-f FILE...] [--seed N]
  svcsim describe service [NAME | -l SELECTOR] [-n NAMESPACE | -A] [-f FILE...] [--seed N]
  svcsim trace -f FILE... --from pod/NAME|node/NAME|external[/IP] [-n NS] DEST
               [--proto tcp|udp|sctp] [--count N] [--mode M] [--via NODE]
               [--resolver glibc|musl] [-o json]
  svcsim dns -f FILE... --from pod/NAME|node/NAME [-n NS] NAME
             [--type A|AAAA|SRV|PTR|CNAME|TXT] [--resolver glibc|musl] [-o json]
  svcsim rules -f FILE... --node NODE [--mode iptables|nftables|ipvs] [-o json]
  svcsim shell -f FILE... [--seed N] [SCRIPT]
  svcsim version

Resources:
  services (svc), endpointslices, endpoints (ep), pods (po), nodes (no), daemonsets (ds),
  deployments (deploy), replicasets (rs), statefulsets (sts), namespaces (ns)
RESOURCE may be a comma list (svc,ep: one table per type, names as service/NAME) or all
(pods, services, daemonsets, deployments, replicasets, statefulsets); RESOURCE/NAME...
gets objects of several types by name.

SELECTOR is kubectl's label selector: app=web, app==web, app!=web, app, !app,
'app in (web,api)', 'app notin (db)'; requirements separated by commas must all hold.

shell runs SCRIPT (or stdin), one command a line, through the page's terminal: kubectl
get/describe/delete/scale/exec/events, docker exec, iptables-save, nft, ipvsadm, kubens, and
sleep DURATION, which lets simulated time run (5, 1.5s, 2m). It prints the transcript (the
prompt, each line, what it printed) and exits with the last command's status.

DEST is IP, IP:port, NAME or NAME:port (port 80 when omitted); a NAME is resolved by the
source's resolver first, and every DNS query is traced too.

Flags:
  -f, --filename FILE     manifest file, directory (*.yaml, *.yml, *.json) or - for stdin; repeatable
      --seed N            seed for every random choice (ClusterIPs, nodePorts, names); default 0
  -n, --namespace NS      namespace to read from (default \"default\")
  -A, --all-namespaces    list across all namespaces
  -l, --selector SELECTOR get/describe: only objects whose labels match SELECTOR
  -o, --output FORMAT     wide, json, yaml or name (trace, dns, rules: json)
      --from SOURCE       trace/dns: where the packet starts (pod/NAME, node/NAME, external)
      --proto PROTO       trace: tcp (default), udp or sctp
      --count N           trace: N connections, then the per-endpoint distribution
      --via NODE          trace: the node LoadBalancer/external IP traffic enters
      --type TYPE         dns: record type (default A)
      --resolver LIBC     trace/dns: the client's resolver, glibc or musl (default: its image's:
                          musl for Alpine-based images, glibc otherwise)
      --node NODE         rules: the node whose kube-proxy rules to print
      --mode MODE         rules/trace: iptables, nftables or ipvs (default: the cluster's)
  -h, --help              this help

Errors in manifests are printed as kubectl prints them, followed by `  --> file:line:col`
for every place they point at; `apply` exits with 1 when any object failed.
";

/// The limits section of the help: what svcsim refuses (real Kubernetes would accept it, but
/// svcsim simulates the whole cluster in one process), from the engine's one list.
fn limits_help() -> String {
    let mut out = String::from(
        "\nLimits: svcsim refuses an object that would take the cluster past one of these (at\napply time, pointing at the field that asks):\n",
    );
    for line in svcsim_engine::limits::Limits::default().describe().lines() {
        out.push_str("  ");
        out.push_str(line);
        out.push('\n');
    }
    out
}

/// Run one command line (without the program name).
pub fn run(raw: &[String], stdin: &mut dyn Read) -> Outcome {
    let args = match Args::parse(raw) {
        Ok(a) => a,
        Err(ArgError(m)) => {
            let command = raw
                .iter()
                .map(String::as_str)
                .find(|a| COMMANDS.contains(a));
            return Outcome::default().usage_error(&m, command);
        }
    };
    let command = args.positionals.first().map(String::as_str);
    if args.help || matches!(command, None | Some("help")) {
        let mut o = Outcome::default();
        o.out(HELP);
        o.out(limits_help());
        return o;
    }
    match command {
        Some("apply") => apply::apply(args, stdin),
        Some("get") => get::get(args, stdin),
        Some("describe") => describe::describe(args, stdin),
        Some("trace") => trace::trace(args, stdin),
        Some("dns") => dns::dns(args, stdin),
        Some("rules") => rules::rules(args, stdin),
        Some("shell") => shell::shell(args, stdin),
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
            let mut o = Outcome::fail(format!("error: unknown command \"{other}\" for \"svcsim\""));
            o.err("Run 'svcsim --help' for usage.");
            o
        }
        None => Outcome::default(),
    }
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
        assert!(
            o.stdout.contains("\n  at most 200000 pods: "),
            "{}",
            o.stdout
        );
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
            &["trace"],
            &["trace", "--from", "pod/", "x"],
            &["trace", "--from", "external/300.1.1.1", "x"],
            &["trace", "--from", "node/kind-worker", ":"],
            &["trace", "--from", "node/kind-worker", "1.2.3.4:99999"],
            &["trace", "--from", "node/kind-worker", "a", "b"],
            &["trace", "--from", "node/kind-worker", "x", "--via", "ghost"],
            &["trace", "--from", "node/kind-worker", "x", "--count=abc"],
            &["trace", "--from", "node/kind-worker", "x", "-o", "yaml"],
            &[
                "trace",
                "--from",
                "external",
                "10.96.0.1:443",
                "--mode",
                "ipvs",
            ],
            &["dns"],
            &["dns", "--from", "external", "x"],
            &["dns", "--from", "node/kind-worker", "é..", "--type", "PTR"],
            &["rules", "--node"],
            &["rules", "--node", "kind-worker", "extra"],
        ] {
            let o = run_str(args);
            assert!(o.code == 0 || o.code == 1, "{args:?}");
        }
    }
}
