//! `svcsim`: a kubectl-like shell over the svcsim engine.
//!
//! Every invocation builds a fresh simulated cluster from the `-f` manifests (and `--seed`),
//! lets simulated time settle, and then prints what kubectl would print. Same input, same
//! output, on every machine.
#![forbid(unsafe_code)]

// Imports only go down: main → run (dispatch) → the commands → args, input, outcome.
mod apply;
mod args;
mod describe;
mod dns;
mod get;
mod input;
mod outcome;
mod rules;
mod run;
mod shell;
mod trace;

use std::io::Write;

fn main() {
    let raw: Vec<String> = std::env::args_os()
        .skip(1)
        .map(|a| a.to_string_lossy().into_owned())
        .collect();
    let mut stdin = std::io::stdin().lock();
    let out = run::run(&raw, &mut stdin);
    // Write errors (a closed pipe) are not worth a panic.
    for (stream, text) in &out.log {
        let _ = match stream {
            outcome::Stream::Stdout => {
                let mut o = std::io::stdout().lock();
                o.write_all(text.as_bytes()).and_then(|()| o.flush())
            }
            outcome::Stream::Stderr => std::io::stderr().lock().write_all(text.as_bytes()),
        };
    }
    std::process::exit(out.code);
}
