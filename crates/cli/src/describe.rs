//! `svcsim describe service`: kubectl's `describeService`, from the engine's printers.

use crate::args::Args;
use crate::input::build_reporting;
use crate::outcome::Outcome;
use std::io::Read;
use svcsim_engine::printers::{self, Resource};

/// `svcsim describe service [NAME]`.
pub fn describe(args: Args, stdin: &mut dyn Read) -> Outcome {
    let (resource, name) = match args.resource_and_name("describe") {
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
            return Outcome::fail(format!(
                "error: the server doesn't have a resource type \"{resource}\""
            ))
        }
    }
    if args.output.is_some() {
        return Outcome::default()
            .usage_error("unknown shorthand flag: 'o' in -o", Some("describe"));
    }
    let (cluster, mut out) = match build_reporting(&args, stdin) {
        Ok(b) => b,
        Err(o) => return o,
    };
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
        out.err(printers::no_resources_found(
            (!args.all_namespaces).then_some(ns.as_str()),
        ));
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
