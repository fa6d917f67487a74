//! `svcsim trace`: a connection's journey hop by hop, over the engine's `trace` module (the
//! same computation the page animates). Its JSON shape is documented in docs/cli-json.md.

use crate::args::Args;
use crate::input::build_reporting;
use crate::outcome::Outcome;
use std::io::Read;
use svcsim_engine::proxy::Protocol;
use svcsim_engine::quote::go_quote_capped;
use svcsim_engine::trace::{parse_destination, Origin, TraceOptions, TraceSession};

/// Most connections one `--count` may ask for (each is a full trace).
const MAX_COUNT: u32 = 100_000;

/// `svcsim trace`.
pub fn trace(args: Args, stdin: &mut dyn Read) -> Outcome {
    let json = match args.json_only("trace") {
        Ok(j) => j,
        Err(o) => return o,
    };
    let dest_text = match args.one_operand("trace", "a destination (IP[:port] or NAME[:port])") {
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
                    &format!("--proto {}: want tcp, udp or sctp", go_quote_capped(p)),
                    Some("trace"),
                )
            }
        },
    };
    let mode = match args.mode("trace") {
        Ok(m) => m,
        Err(o) => return o,
    };
    let flavor = match args.resolver("trace") {
        Ok(f) => f,
        Err(o) => return o,
    };
    if args.count == Some(0) || args.count.is_some_and(|c| c > MAX_COUNT) {
        return Outcome::default().usage_error(
            &format!("--count must be between 1 and {MAX_COUNT}"),
            Some("trace"),
        );
    }
    let (cluster, mut out) = match build_reporting(&args, stdin) {
        Ok(b) => b,
        Err(o) => return o,
    };
    if let Some(via) = &args.via {
        if !cluster.store.nodes.contains_key(via) {
            out.err(format!(
                "Error from server (NotFound): nodes {} not found",
                go_quote_capped(via)
            ));
            out.code = 1;
            return out;
        }
    }
    let options = TraceOptions {
        protocol,
        via_node: args.via.clone(),
        mode,
        flavor,
        ..TraceOptions::default()
    };
    // The packet's random choices continue the cluster's seeded stream.
    let mut rng = cluster.rng.clone();
    let mut session = TraceSession::with_options(&cluster, options);
    match args.count {
        None => match session.trace(&origin, &dest, &mut rng) {
            Ok(j) if json => out.json(&j),
            Ok(j) => out.text(j.to_string()),
            Err(e) => {
                out.err(e.to_string());
                out.code = 1;
            }
        },
        Some(n) => match session.trace_many(&origin, &dest, n, &mut rng) {
            Ok(d) if json => out.json(&d),
            Ok(d) => {
                if let Some(first) = &d.first {
                    out.text(format!("{first}\n"));
                }
                out.text(d.to_string());
            }
            Err(e) => {
                out.err(e.to_string());
                out.code = 1;
            }
        },
    }
    out
}
