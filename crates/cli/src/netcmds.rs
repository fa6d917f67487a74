//! The data-plane commands: `trace` (a packet's journey), `dns` (what the resolver asks and
//! CoreDNS answers) and `rules` (a node's kube-proxy rules). Thin shells over the engine's
//! `trace`, `dns` and `proxy` modules; their JSON shapes are documented in docs/cli-json.md.

use crate::args::Args;
use crate::run::{build, report_apply_errors, Outcome};
use std::io::Read;
use std::net::Ipv4Addr;
use svcsim_engine::cluster::Cluster;
use svcsim_engine::dns::{self, RecordType, ResolverFlavor, Upstream};
use svcsim_engine::printers::Output;
use svcsim_engine::proxy::{self, Protocol, ProxyMode};
use svcsim_engine::trace::{parse_destination, Origin, TraceOptions, TraceSession};

/// Most connections one `--count` may ask for (each is a full trace).
const MAX_COUNT: u32 = 100_000;

fn json_only(args: &Args, command: &str) -> Result<bool, Outcome> {
    match args.output {
        None => Ok(false),
        Some(Output::Json) => Ok(true),
        Some(_) => Err(Outcome::default().usage_error(
            &format!("svcsim {command} prints text or -o json"),
            Some(command),
        )),
    }
}

fn one_operand(args: &Args, command: &str, what: &str) -> Result<String, Outcome> {
    match args.positionals.get(1..).unwrap_or(&[]) {
        [one] => Ok(one.clone()),
        [] => Err(Outcome::default().usage_error(&format!("{what} is required"), Some(command))),
        more => Err(Outcome::default().usage_error(
            &format!("svcsim {command} takes one {what}, got {}", more.len()),
            Some(command),
        )),
    }
}

fn mode_flag(args: &Args, command: &str) -> Result<Option<ProxyMode>, Outcome> {
    match &args.mode {
        None => Ok(None),
        Some(m) => m
            .parse::<ProxyMode>()
            .map(Some)
            .map_err(|e| Outcome::default().usage_error(&e.to_string(), Some(command))),
    }
}

fn build_cluster(args: &Args, stdin: &mut dyn Read) -> Result<(Cluster, Outcome), Outcome> {
    let (cluster, results) = build(args, stdin)?;
    let mut out = Outcome::default();
    report_apply_errors(&mut out, &results);
    Ok((cluster, out))
}

fn print_json(out: &mut Outcome, value: &impl serde::Serialize) {
    match serde_json::to_string_pretty(value) {
        Ok(text) => out.out(format!("{text}\n")),
        Err(e) => {
            out.err(format!("error: {e}"));
            out.code = 1;
        }
    }
}

/// `svcsim trace`.
pub fn trace(args: Args, stdin: &mut dyn Read) -> Outcome {
    let json = match json_only(&args, "trace") {
        Ok(j) => j,
        Err(o) => return o,
    };
    let dest_text = match one_operand(&args, "trace", "a destination (IP[:port] or NAME[:port])") {
        Ok(d) => d,
        Err(o) => return o,
    };
    let dest = match parse_destination(&dest_text) {
        Ok(d) => d,
        Err(e) => return Outcome::default().usage_error(&e.to_string(), Some("trace")),
    };
    let Some(from) = args.from.as_deref() else {
        return Outcome::default().usage_error(
            "--from is required (pod/NAME, node/NAME, external or external/IP)",
            Some("trace"),
        );
    };
    let namespace = args.namespace.as_deref().unwrap_or("default");
    let origin = match Origin::parse(from, namespace) {
        Ok(o) => o,
        Err(e) => return Outcome::default().usage_error(&e, Some("trace")),
    };
    let protocol = match args.proto.as_deref() {
        None => Protocol::Tcp,
        Some(p) => match Protocol::parse(p).filter(|_| !p.is_empty()) {
            Some(p) => p,
            None => {
                return Outcome::default().usage_error(
                    &format!("--proto {p:?}: want tcp, udp or sctp"),
                    Some("trace"),
                )
            }
        },
    };
    let mode = match mode_flag(&args, "trace") {
        Ok(m) => m,
        Err(o) => return o,
    };
    if args.count == Some(0) || args.count.is_some_and(|c| c > MAX_COUNT) {
        return Outcome::default().usage_error(
            &format!("--count must be between 1 and {MAX_COUNT}"),
            Some("trace"),
        );
    }
    let (cluster, mut out) = match build_cluster(&args, stdin) {
        Ok(b) => b,
        Err(o) => return o,
    };
    if let Some(via) = &args.via {
        if !cluster.store.nodes.contains_key(via) {
            out.err(format!(
                "Error from server (NotFound): nodes \"{via}\" not found"
            ));
            out.code = 1;
            return out;
        }
    }
    let options = TraceOptions {
        protocol,
        via_node: args.via.clone(),
        mode,
        ..TraceOptions::default()
    };
    // The packet's random choices continue the cluster's seeded stream.
    let mut rng = cluster.rng.clone();
    let mut session = TraceSession::with_options(&cluster, options);
    match args.count {
        None => match session.trace(&origin, &dest, &mut rng) {
            Ok(j) if json => print_json(&mut out, &j),
            Ok(j) => out.out(j.to_string()),
            Err(e) => {
                out.err(e.to_string());
                out.code = 1;
            }
        },
        Some(n) => match session.trace_many(&origin, &dest, n, &mut rng) {
            Ok(d) if json => print_json(&mut out, &d),
            Ok(d) => {
                if let Some(first) = &d.first {
                    out.out(format!("{first}\n"));
                }
                out.out(d.to_string());
            }
            Err(e) => {
                out.err(e.to_string());
                out.code = 1;
            }
        },
    }
    out
}

/// `d.c.b.a.in-addr.arpa.` for an IPv4 address (what `dig -x` asks).
fn reverse_name(ip: Ipv4Addr) -> String {
    let o = ip.octets();
    format!("{}.{}.{}.{}.in-addr.arpa.", o[3], o[2], o[1], o[0])
}

/// `svcsim dns`.
pub fn dns(args: Args, stdin: &mut dyn Read) -> Outcome {
    let json = match json_only(&args, "dns") {
        Ok(j) => j,
        Err(o) => return o,
    };
    let name = match one_operand(&args, "dns", "a NAME") {
        Ok(n) => n,
        Err(o) => return o,
    };
    let qtype = match args.qtype.as_deref() {
        None => RecordType::A,
        Some(t) => match RecordType::parse(t) {
            Some(t) => t,
            None => {
                return Outcome::default().usage_error(
                    &format!("--type {t:?}: want A, AAAA, SRV, PTR, CNAME, TXT or SOA"),
                    Some("dns"),
                )
            }
        },
    };
    let Some(from) = args.from.as_deref() else {
        return Outcome::default()
            .usage_error("--from is required (pod/NAME or node/NAME)", Some("dns"));
    };
    let namespace = args.namespace.as_deref().unwrap_or("default");
    let origin = match Origin::parse(from, namespace) {
        Ok(o) => o,
        Err(e) => return Outcome::default().usage_error(&e, Some("dns")),
    };
    let (cluster, mut out) = match build_cluster(&args, stdin) {
        Ok(b) => b,
        Err(o) => return o,
    };
    let (label, conf) = match &origin {
        Origin::Pod { namespace, name } => match cluster.store.pod(namespace, name) {
            Some(p) => (
                format!("pod/{name} ({namespace})"),
                dns::resolv_conf(&cluster, p),
            ),
            None => {
                out.err(format!(
                    "Error from server (NotFound): pods \"{name}\" not found"
                ));
                out.code = 1;
                return out;
            }
        },
        Origin::Node { name } => {
            if !cluster.store.nodes.contains_key(name) {
                out.err(format!(
                    "Error from server (NotFound): nodes \"{name}\" not found"
                ));
                out.code = 1;
                return out;
            }
            (
                format!("node/{name}"),
                dns::node_resolv_conf(&cluster, name),
            )
        }
        Origin::External { .. } => {
            return Outcome::default()
                .usage_error("svcsim dns asks from pod/NAME or node/NAME", Some("dns"))
        }
    };
    // `dig -x`: a PTR question about an address is asked as its in-addr.arpa name.
    let asked = match (qtype, name.parse::<Ipv4Addr>()) {
        (RecordType::Ptr, Ok(ip)) => reverse_name(ip),
        _ => name.clone(),
    };
    let resolution = dns::resolve(
        &cluster,
        &Upstream::default(),
        &conf,
        &asked,
        qtype,
        ResolverFlavor::Glibc,
    );
    if json {
        print_json(
            &mut out,
            &serde_json::json!({
                "from": label,
                "resolvConf": conf,
                "resolution": resolution,
            }),
        );
        return out;
    }
    let mut text = format!(";; /etc/resolv.conf of {label}\n");
    for line in conf.to_string().lines() {
        text.push_str(&format!(";;   {line}\n"));
    }
    text.push('\n');
    for (i, step) in resolution.steps.iter().enumerate() {
        match &step.response {
            Ok(r) => {
                text.push_str(&format!(
                    ";; query {}: {} {}\n",
                    i + 1,
                    r.question.name,
                    r.question.qtype
                ));
                text.push_str(&r.to_string());
                text.push('\n');
            }
            Err(e) => text.push_str(&format!(
                ";; query {}: {} not sent: {e}\n\n",
                i + 1,
                step.candidate
            )),
        }
    }
    match resolution.answer() {
        Some(r) => text.push_str(&format!(";; => {}\n", r.summary())),
        None => text.push_str(&format!(
            ";; => {} {}: {}\n",
            resolution.qtype,
            resolution.name,
            resolution.outcome.as_str()
        )),
    }
    out.out(text);
    out
}

/// `svcsim rules`.
pub fn rules(args: Args, stdin: &mut dyn Read) -> Outcome {
    let json = match json_only(&args, "rules") {
        Ok(j) => j,
        Err(o) => return o,
    };
    if args.positionals.len() > 1 {
        let extra = args.positionals.get(1..).unwrap_or(&[]).join(" ");
        return Outcome::default()
            .usage_error(&format!("Unexpected args: [{extra}]"), Some("rules"));
    }
    let Some(node) = args.node.clone() else {
        return Outcome::default().usage_error("--node is required", Some("rules"));
    };
    let mode = match mode_flag(&args, "rules") {
        Ok(m) => m,
        Err(o) => return o,
    };
    let (cluster, mut out) = match build_cluster(&args, stdin) {
        Ok(b) => b,
        Err(o) => return o,
    };
    let mode = mode.unwrap_or_else(|| cluster.proxy_mode());
    match proxy::node_rules(&cluster, &node, mode) {
        Ok(r) if json => print_json(&mut out, &r),
        Ok(r) => out.out(proxy::render(&r)),
        Err(proxy::ProxyError::NodeNotFound(n)) => {
            out.err(format!(
                "Error from server (NotFound): nodes \"{n}\" not found"
            ));
            out.code = 1;
        }
        Err(e) => {
            out.err(format!("error: {e}"));
            out.code = 1;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn no_panics_on_odd_arguments() {
        for args in [
            &["trace"][..],
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
            let raw: Vec<String> = args.iter().map(|s| s.to_string()).collect();
            let o = crate::run::run(&raw, &mut std::io::empty());
            assert!(o.code == 0 || o.code == 1, "{args:?}");
        }
    }

    #[test]
    fn reverse_names() {
        assert_eq!(
            reverse_name(Ipv4Addr::new(10, 96, 0, 10)),
            "10.0.96.10.in-addr.arpa."
        );
    }
}
