//! `svcsim describe service`: kubectl's `describeService`, from the engine's printers.

use crate::args::Args;
use crate::input::build_reporting;
use crate::outcome::Outcome;
use std::io::Read;
use svcsim_engine::printers::{self, GetError, GetOptions, Resource};
use svcsim_engine::quote::go_quote_capped;

/// `RESOURCE NAME`, `RESOURCE/NAME` or `RESOURCE` after `describe`.
fn resource_and_name(args: &Args) -> Result<(String, Option<String>), Outcome> {
    let operands = args.positionals.get(1..).unwrap_or(&[]);
    let Some(first) = operands.first() else {
        return Err(
            Outcome::default().usage_error("Required resource not specified.", Some("describe"))
        );
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
                "svcsim describe takes one RESOURCE and at most one NAME",
                Some("describe"),
            ))
        }
    }
    if name.as_deref() == Some("") {
        return Err(Outcome::default().usage_error(
            "arguments in resource/name form must have a single resource and name",
            Some("describe"),
        ));
    }
    Ok((resource, name))
}

/// `svcsim describe service [NAME | -l SELECTOR]`.
pub fn describe(args: Args, stdin: &mut dyn Read) -> Outcome {
    let (resource, name) = match resource_and_name(&args) {
        Ok(x) => x,
        Err(o) => return o,
    };
    match Resource::parse(&resource) {
        Some(Resource::Services) => {}
        Some(_) => {
            return Outcome::default().usage_error(
                &format!(
                    "svcsim describe supports services only, not {}",
                    go_quote_capped(&resource)
                ),
                Some("describe"),
            )
        }
        None => {
            return Outcome::fail(format!(
                "error: the server doesn't have a resource type {}",
                go_quote_capped(&resource)
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
    let opts = GetOptions {
        namespace: args.namespace.clone(),
        all_namespaces: args.all_namespaces,
        selector: args.selector.clone(),
        ..GetOptions::default()
    };
    let has_selector = args
        .selector
        .as_deref()
        .is_some_and(|s| !s.trim().is_empty());
    let failure = |mut out: Outcome, e: GetError| {
        out.err(e.to_string());
        out.code = 1;
        out
    };
    let ns = opts.namespace_or_default().to_string();
    let targets: Vec<(String, String)> = match &name {
        Some(_) if has_selector => return failure(out, GetError::NameWithSelector),
        Some(_) if args.all_namespaces => return failure(out, GetError::NameAcrossNamespaces),
        Some(n) => vec![(ns.clone(), n.clone())],
        None => match printers::list_objects(&cluster, Resource::Services, &opts) {
            Ok(found) => found.into_iter().map(|o| (o.namespace, o.name)).collect(),
            Err(e) => return failure(out, e),
        },
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
