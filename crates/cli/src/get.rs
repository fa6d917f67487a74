//! `svcsim get`: kubectl's tables, `-o json|yaml|name`, from the engine's printers.

use crate::args::Args;
use crate::input::build_reporting;
use crate::outcome::Outcome;
use std::io::Read;
use svcsim_engine::printers::{self, GetOptions, Output};

/// `svcsim get RESOURCE [NAME]`.
pub fn get(args: Args, stdin: &mut dyn Read) -> Outcome {
    let (resource, name) = match args.resource_and_name("get") {
        Ok(x) => x,
        Err(o) => return o,
    };
    let (cluster, mut out) = match build_reporting(&args, stdin) {
        Ok(b) => b,
        Err(o) => return o,
    };
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
