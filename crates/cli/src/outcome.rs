//! What one invocation prints and its exit code, kept in the order kubectl writes it.

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
    /// A line on stderr.
    pub fn err(&mut self, line: impl AsRef<str>) {
        let mut text = line.as_ref().to_string();
        if !text.ends_with('\n') {
            text.push('\n');
        }
        self.stderr.push_str(&text);
        self.log.push((Stream::Stderr, text));
    }

    /// Text on stdout.
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
