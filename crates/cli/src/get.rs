//! `svcsim get`: kubectl's tables, `-o json|yaml|name`, from the engine's printers, which read
//! the arguments as kubectl does (`svc,ep`, `all`, `svc web db`, `svc/web pod/client`, `-l`).

use crate::args::Args;
use crate::input::build_reporting;
use crate::outcome::Outcome;
use std::io::Read;
use svcsim_engine::printers::{self, GetOptions, Output};

/// `svcsim get RESOURCE[,RESOURCE…] [NAME…] [-l SELECTOR]`. kubectl's order on the terminal:
/// API warnings, the output, then "No resources found …" or the errors.
pub fn get(args: Args, stdin: &mut dyn Read) -> Outcome {
    let operands = args.positionals.get(1..).unwrap_or(&[]);
    if operands.is_empty() {
        let mut o = Outcome::default();
        o.err("You must specify the type of resource to get. Use \"svcsim --help\" for the supported resources.");
        o.err("");
        return o.usage_error("Required resource not specified.", Some("get"));
    }
    let (cluster, mut out) = match build_reporting(&args, stdin) {
        Ok(b) => b,
        Err(o) => return o,
    };
    let output = args.output.unwrap_or(Output::Table);
    let opts = GetOptions {
        namespace: args.namespace.clone(),
        all_namespaces: args.all_namespaces,
        wide: output == Output::Wide,
        selector: args.selector.clone(),
        ..GetOptions::default()
    };
    match printers::get_args(&cluster, operands, &opts, output) {
        Ok(g) => {
            for w in &g.warnings {
                out.err(w);
            }
            out.out(&g.stdout);
            if let Some(msg) = &g.no_resources {
                out.err(msg);
            }
            for e in &g.errors {
                out.err(e.to_string());
                out.code = 1;
            }
        }
        Err(e) => {
            out.err(e.to_string());
            out.code = 1;
        }
    }
    out
}
