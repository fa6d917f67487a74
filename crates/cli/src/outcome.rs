//! What one invocation prints and its exit code, kept in the order kubectl writes it.
//!
//! Messages reach the terminal through [`Outcome::err`] and [`Outcome::text`], which escape
//! them as kubectl escapes what it prints (cli-runtime `EscapeTerminal`: ESC → `^[`, CR →
//! `\r`) and, beyond kubectl, show every other non-printable rune as its Go escape (a
//! right-to-left override as `\u202e`) and cut a line past [`MAX_LINE`] bytes with a marker.
//! The engine already quotes user text in its messages; this is the last guard for text that
//! reaches a message unquoted (a namespace, an unsimulated kind's name). `-o json|yaml`
//! output is data and goes out unchanged through [`Outcome::out`].

use svcsim_engine::quote::{escape_terminal, truncate};

/// Longest line of a message printed whole. The engine caps each quoted value at 1 KiB and
/// each strict-decoding list at 100 entries, so only hostile input comes near this.
pub const MAX_LINE: usize = 64 * 1024;

/// `text` with each line escaped for the terminal and capped at [`MAX_LINE`] bytes.
fn terminal_text(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for line in text.split_inclusive('\n') {
        let (body, newline) = match line.strip_suffix('\n') {
            Some(b) => (b, "\n"),
            None => (line, ""),
        };
        out.push_str(&escape_terminal(&truncate(body, MAX_LINE)));
        out.push_str(newline);
    }
    out
}

/// Which stream a piece of output goes to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stream {
    Stdout,
    Stderr,
}

/// What one invocation prints, and its exit code.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Outcome {
    /// Everything written to stdout.
    pub stdout: String,
    /// Everything written to stderr.
    pub stderr: String,
    /// Both streams' pieces in the order kubectl would write them (for a terminal).
    pub log: Vec<(Stream, String)>,
    pub code: i32,
}

impl Outcome {
    /// A message on stderr (its lines escaped and capped, see the module documentation).
    pub fn err(&mut self, line: impl AsRef<str>) {
        let mut text = terminal_text(line.as_ref());
        if !text.ends_with('\n') {
            text.push('\n');
        }
        self.stderr.push_str(&text);
        self.log.push((Stream::Stderr, text));
    }

    /// Text for a person on stdout, such as `apply`'s `service/web created` or a trace:
    /// escaped and capped like [`Outcome::err`].
    pub fn text(&mut self, text: impl AsRef<str>) {
        self.out(terminal_text(text.as_ref()));
    }

    /// Text on stdout as the engine printed it (tables and descriptions come escaped; JSON and
    /// YAML are data).
    pub fn out(&mut self, text: impl AsRef<str>) {
        let text = text.as_ref();
        if text.is_empty() {
            return;
        }
        self.stdout.push_str(text);
        self.log.push((Stream::Stdout, text.to_string()));
    }

    /// A failed command: `line` on stderr, exit status 1.
    pub fn fail(line: impl AsRef<str>) -> Outcome {
        let mut o = Outcome::default();
        o.err(line);
        o.code = 1;
        o
    }

    /// kubectl's usage error: `error: …` then a pointer to the help.
    pub fn usage_error(mut self, message: &str, command: Option<&str>) -> Outcome {
        self.err(format!("error: {message}"));
        match command {
            Some(c) => self.err(format!("See 'svcsim {c} --help' for usage.")),
            None => self.err("See 'svcsim --help' for usage."),
        }
        self.code = 1;
        self
    }

    /// `value` as indented JSON on stdout (the `-o json` of trace, dns and rules).
    pub fn json(&mut self, value: &impl serde::Serialize) {
        match serde_json::to_string_pretty(value) {
            Ok(text) => self.out(format!("{text}\n")),
            Err(e) => {
                self.err(format!("error: {e}"));
                self.code = 1;
            }
        }
    }
}
