//! What the CLI's integration tests share: running the built `svcsim` in tests/fixtures, so
//! file names in messages are the bare names, and checking both streams and the exit code.

// Each test crate compiles this module and uses only part of it.
#![allow(dead_code)]

use std::io::Write;
use std::path::PathBuf;
use std::process::{Command, Stdio};

/// What one run printed and its exit code.
pub struct Run {
    pub stdout: String,
    pub stderr: String,
    pub code: i32,
}

pub fn fixtures() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures")
}

/// Run svcsim in the fixtures directory with `stdin` on its standard input.
pub fn svcsim_with_stdin(args: &[&str], stdin: &str) -> Run {
    let mut child = Command::new(env!("CARGO_BIN_EXE_svcsim"))
        .args(args)
        .current_dir(fixtures())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("svcsim runs");
    if let Some(mut pipe) = child.stdin.take() {
        pipe.write_all(stdin.as_bytes()).expect("stdin written");
    }
    let out = child.wait_with_output().expect("svcsim finishes");
    Run {
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
        code: out.status.code().unwrap_or(-1),
    }
}

pub fn svcsim(args: &[&str]) -> Run {
    svcsim_with_stdin(args, "")
}

/// A successful run with nothing on stderr; its stdout.
#[track_caller]
pub fn ok(args: &[&str]) -> String {
    let r = svcsim(args);
    assert_eq!(r.stderr, "", "stderr of {args:?}");
    assert_eq!(r.code, 0, "exit code of {args:?}");
    r.stdout
}

/// A run that exits with 1, prints nothing on stdout and exactly `stderr`.
#[track_caller]
pub fn fails(args: &[&str], stderr: &str) {
    fails_after(args, "", stderr);
}

/// A run that prints `stdout` (what succeeded), then `stderr`, and exits with 1.
#[track_caller]
pub fn fails_after(args: &[&str], stdout: &str, stderr: &str) {
    let r = svcsim(args);
    assert_eq!(r.stderr, stderr, "stderr of {args:?}");
    assert_eq!(r.stdout, stdout, "stdout of {args:?}");
    assert_eq!(r.code, 1, "exit code of {args:?}");
}
