//! `svcsim`: a kubectl-like shell over the svcsim engine.
//!
//! Every invocation builds a fresh simulated cluster from the `-f` manifests (and `--seed`),
//! lets simulated time settle, and then prints what kubectl would print. Same input, same
//! output, on every machine.
#![forbid(unsafe_code)]

mod args;
mod netcmds;
mod run;

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
            run::Stream::Stdout => {
                let mut o = std::io::stdout().lock();
                o.write_all(text.as_bytes()).and_then(|()| o.flush())
            }
            run::Stream::Stderr => std::io::stderr().lock().write_all(text.as_bytes()),
        };
    }
    std::process::exit(out.code);
}
