//! The cluster an invocation answers from: the `-f` manifests read (files, directories,
//! stdin) and applied to a fresh simulated cluster with `--seed`.

use crate::args::Args;
use crate::outcome::Outcome;
use std::io::Read;
use std::path::Path;
use svcsim_engine::cluster::{ApplyError, ApplyResult, Cluster};
use svcsim_engine::manifest::Source;
use svcsim_engine::quote::go_quote_capped;
use svcsim_engine::validate::field;

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
        let path = Path::new(f);
        if !path.exists() {
            // cli-runtime's FileVisitor: `the path %q does not exist`.
            return Err(format!(
                "error: the path {} does not exist",
                go_quote_capped(f)
            ));
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

fn read_file(path: &Path, name: &str) -> Result<String, String> {
    let bytes = std::fs::read(path).map_err(|e| format!("error: open {name}: {e}"))?;
    Ok(String::from_utf8_lossy(&bytes).into_owned())
}

/// Build the cluster and every object's apply result; unreadable files are the error outcome.
pub fn build(args: &Args, stdin: &mut dyn Read) -> Result<(Cluster, Vec<ApplyResult>), Outcome> {
    let sources = read_sources(&args.files, stdin).map_err(Outcome::fail)?;
    Ok(Cluster::from_sources(&sources, args.seed))
}

/// Build the cluster for a command that reads it: apply errors go to stderr first and do not
/// stop the command (kubectl would already have failed to create those objects).
pub fn build_reporting(args: &Args, stdin: &mut dyn Read) -> Result<(Cluster, Outcome), Outcome> {
    let (cluster, results) = build(args, stdin)?;
    let mut out = Outcome::default();
    for r in results.iter().filter(|r| !r.is_ok()) {
        report_error(&mut out, r);
    }
    Ok((cluster, out))
}

/// kubectl's error text, then one `  --> file:line:col` per place it points at: one per
/// cause the message prints (an Invalid error with more causes than fit in
/// [`field::MAX_CAUSES_TEXT`] prints the first ones and counts the rest, see
/// [`field::causes_shown`]).
pub fn report_error(out: &mut Outcome, r: &ApplyResult) {
    out.err(r.to_string());
    let locations = r.error_locations();
    let shown = match &r.outcome {
        Err(ApplyError::Invalid { causes, .. }) if causes.len() > 1 => field::causes_shown(causes),
        _ => locations.len(),
    };
    for (_, loc) in locations.iter().take(shown) {
        out.err(format!("  --> {loc}"));
    }
    if shown < locations.len() {
        out.err(format!(
            "  --> ... ({} more locations omitted)",
            locations.len() - shown
        ));
    }
}
