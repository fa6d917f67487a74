//! `svcsim shell`: the page's terminal, scripted. The `-f` manifests are applied to a fresh
//! cluster (as every command does), then each line of the script runs through the same
//! console as the page's terminal ([`svcsim_scene::console::Console`]: its small bash, kubectl,
//! node tools, programs in pods, and `sleep` to let simulated time run), and the transcript is
//! printed: the prompt and the line, then what the command printed. A lesson's sequence
//! ("scale to 0, wait 5 s, trace again") can so be scripted, tested and graded, and the page
//! and the CLI stay one implementation.

use crate::args::Args;
use crate::input::build_reporting;
use crate::outcome::Outcome;
use std::io::Read;
use svcsim_engine::sim::Rng;
use svcsim_scene::console::Console;

/// `svcsim shell -f FILE… [--seed N] [SCRIPT]`: SCRIPT (or stdin) holds one command a line;
/// blank lines and `#` comments are skipped, `exit [N]` ends the script. The exit code is the
/// last command's, as a shell script's.
pub fn shell(args: Args, stdin: &mut dyn Read) -> Outcome {
    if args.positionals.len() > 2 {
        let extra = args.positionals.get(2..).unwrap_or(&[]).join(" ");
        return Outcome::default()
            .usage_error(&format!("Unexpected args: [{extra}]"), Some("shell"));
    }
    if args.namespace.is_some()
        || args.all_namespaces
        || args.output.is_some()
        || args.selector.is_some()
        || args.from.is_some()
        || args.node.is_some()
        || args.mode.is_some()
    {
        return Outcome::default().usage_error(
            "svcsim shell takes only -f, --seed and a SCRIPT (set the namespace with kubens in the script)",
            Some("shell"),
        );
    }
    let script_path = args.positionals.get(1).filter(|p| p.as_str() != "-");
    if script_path.is_none() && args.files.iter().any(|f| f == "-") {
        return Outcome::default().usage_error(
            "the script and a manifest cannot both be read from stdin: give the script as a file",
            Some("shell"),
        );
    }
    let script = match script_path {
        Some(path) => match std::fs::read(path) {
            Ok(bytes) => String::from_utf8_lossy(&bytes).into_owned(),
            Err(e) => return Outcome::fail(format!("error: open {path}: {e}")),
        },
        None => {
            let mut bytes = Vec::new();
            if let Err(e) = stdin.read_to_end(&mut bytes) {
                return Outcome::fail(format!("error: reading STDIN: {e}"));
            }
            String::from_utf8_lossy(&bytes).into_owned()
        }
    };
    let (mut cluster, mut out) = match build_reporting(&args, stdin) {
        Ok(b) => b,
        Err(o) => return o,
    };
    let mut console = Console::new();
    let mut rng = Rng::new(args.seed);
    let mut status = 0;
    for line in script.lines() {
        let command = line.trim();
        if command.is_empty() || command.starts_with('#') {
            continue;
        }
        // The page's prompt: the console's namespace.
        out.text(format!("{}$ {command}\n", console.namespace()));
        let mut words = command.split_whitespace();
        if words.next() == Some("exit") {
            status = match words.next().map(str::parse::<u8>) {
                None => status,
                Some(Ok(n)) => i32::from(n),
                Some(Err(_)) => {
                    out.err(format!(
                        "bash: exit: {}: numeric argument required",
                        command.split_whitespace().nth(1).unwrap_or_default()
                    ));
                    2
                }
            };
            break;
        }
        let o = console.run(&mut cluster, command, &mut rng);
        out.text(&o.stdout);
        if !o.stderr.is_empty() {
            out.err(&o.stderr);
        }
        status = o.exit_code;
    }
    out.code = status;
    out
}
