//! `svcsim apply`: what `kubectl apply -f` prints for each object.

use crate::args::Args;
use crate::input::{build, report_error};
use crate::outcome::Outcome;
use std::io::Read;

/// `svcsim apply -f FILE…`.
pub fn apply(args: Args, stdin: &mut dyn Read) -> Outcome {
    if args.positionals.len() > 1 {
        let extra = args.positionals.get(1..).unwrap_or(&[]).join(" ");
        return Outcome::default()
            .usage_error(&format!("Unexpected args: [{extra}]"), Some("apply"));
    }
    if args.files.is_empty() {
        return Outcome::default().usage_error("must specify one of -f and -k", Some("apply"));
    }
    if args.namespace.is_some()
        || args.all_namespaces
        || args.output.is_some()
        || args.selector.is_some()
    {
        return Outcome::default().usage_error(
            "svcsim apply takes only -f and --seed (set metadata.namespace in the manifest)",
            Some("apply"),
        );
    }
    let (_, results) = match build(&args, stdin) {
        Ok(b) => b,
        Err(o) => return o,
    };
    // kubectl prints each success as it happens and the collected errors at the end. A
    // request for a v1 Endpoints object comes back with the API server's deprecation warning
    // (v1.33+), which kubectl prints once, when the first such response arrives.
    let mut out = Outcome::default();
    let mut warned = false;
    let mut warn = |out: &mut Outcome, r: &svcsim_engine::cluster::ApplyResult| {
        if r.kind == "Endpoints" && !warned {
            out.err(svcsim_engine::printers::ENDPOINTS_DEPRECATION_WARNING);
            warned = true;
        }
    };
    for r in results.iter().filter(|r| r.is_ok()) {
        warn(&mut out, r);
        out.text(format!("{r}\n"));
    }
    for r in results.iter().filter(|r| !r.is_ok()) {
        warn(&mut out, r);
        report_error(&mut out, r);
        out.code = 1;
    }
    out
}
