//! `svcsim rules`: a node's kube-proxy rules (`iptables-save`, `nft list ruleset`,
//! `ipvsadm -Ln`), over the engine's `proxy` module. Its JSON shape is documented in
//! docs/cli-json.md.

use crate::args::Args;
use crate::input::build_reporting;
use crate::outcome::Outcome;
use std::io::Read;
use svcsim_engine::proxy;
use svcsim_engine::quote::go_quote_capped;

/// `svcsim rules`.
pub fn rules(args: Args, stdin: &mut dyn Read) -> Outcome {
    let json = match args.json_only("rules") {
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
    let mode = match args.mode("rules") {
        Ok(m) => m,
        Err(o) => return o,
    };
    let (cluster, mut out) = match build_reporting(&args, stdin) {
        Ok(b) => b,
        Err(o) => return o,
    };
    let mode = mode.unwrap_or_else(|| cluster.proxy_mode());
    match proxy::node_rules(&cluster, &node, mode) {
        Ok(r) if json => out.json(&r),
        Ok(r) => out.out(proxy::render(&r)),
        Err(proxy::ProxyError::NodeNotFound(n)) => {
            out.err(format!(
                "Error from server (NotFound): nodes {} not found",
                go_quote_capped(&n)
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
