//! The page's terminal: the commands a student types while learning Services, run against the
//! simulated [`Cluster`], answering with the real tools' texts.
//!
//! The console is a tiny bash ([`shell`]: quoting, `|`, `;`, `&&`, `||`) in front of:
//! * `kubectl` ([`kubectl`]): `get` (comma lists, `all`, `TYPE/NAME`, `-l`), `describe
//!   service`, `delete`, `scale`, `exec`, `events`, `config set-context --current
//!   --namespace`; tables, selectors and errors come from the engine's printers, so they are
//!   kubectl's texts;
//! * programs inside a pod, reached with `kubectl exec POD -- …` ([`programs`]): BIND's
//!   `nslookup` and `dig` (Debian's dnsutils), `curl`, busybox `wget`, `getent hosts`, `cat`
//!   of `/etc/resolv.conf`, `/etc/hosts`, `/etc/hostname`, and `hostname`;
//! * programs on a kind node, reached with `docker exec NODE …` or bare after `node NAME`
//!   ([`node`]): `iptables-save`, `iptables -t nat -S`, `nft list ruleset`, `ipvsadm -Ln`;
//! * the console's own `help`, `clear`, `history`, `node`, `kubens`, `echo`, and the filters
//!   `grep`, `head`, `tail`, `wc -l` for pipelines.
//!
//! Commands that change the cluster (`delete`, `scale`) only record the change (as the API
//! server does) and set [`ConsoleOutput::changed`]: the page then lets simulated time run so
//! the controllers' reaction (Terminating → a new pod Pending → Ready) is seen. Commands that
//! send packets return every journey (each DNS query, each connection) in
//! [`ConsoleOutput::journeys`] for the page to animate.
//!
//! Everything is deterministic (randomness comes from the caller's [`Rng`]) and total: no
//! input panics.

mod complete;
mod kubectl;
mod node;
mod programs;
mod shell;

pub use complete::Completion;

use svcsim_engine::cluster::Cluster;
use svcsim_engine::sim::Rng;
use svcsim_engine::trace::Journey;

/// What one command line printed and did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ConsoleOutput {
    /// Text for the terminal's standard output.
    pub stdout: String,
    /// Text for standard error (kubectl's errors and warnings, `command terminated …`).
    pub stderr: String,
    /// The exit status `$?` would show (0 success, 1 kubectl errors, 127 command not found, …).
    pub exit_code: i32,
    /// The cluster was mutated: the page must redraw and let simulated time run.
    pub changed: bool,
    /// Packets and DNS lookups to animate, in the order they were sent.
    pub journeys: Vec<Journey>,
    /// `clear` was run: the page empties the terminal.
    pub clear: bool,
    /// Workloads `kubectl scale` changed: the session writes their `replicas:` into the
    /// editor's text too, so the next apply keeps them (one source of truth).
    pub scaled: Vec<Scaled>,
    /// Objects `kubectl delete` removed, as (kind, namespace, name): the session takes the
    /// documents that define them out of the editor's text too, or the next apply would create
    /// them again without a word.
    pub deleted: Vec<(&'static str, String, String)>,
}

/// One workload `kubectl scale` set to `replicas`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Scaled {
    pub kind: svcsim_engine::api::apps::WorkloadKind,
    pub namespace: String,
    pub name: String,
    pub replicas: i32,
}

impl ConsoleOutput {
    /// Append text to stdout.
    pub(crate) fn out(&mut self, text: impl AsRef<str>) {
        self.stdout.push_str(text.as_ref());
    }

    /// Append a line (newline added if missing) to stderr.
    pub(crate) fn err(&mut self, line: impl AsRef<str>) {
        let line = line.as_ref();
        self.stderr.push_str(line);
        if !line.ends_with('\n') {
            self.stderr.push('\n');
        }
    }

    /// A failed command: `line` on stderr and exit status `code`.
    pub(crate) fn fail(line: impl AsRef<str>, code: i32) -> ConsoleOutput {
        let mut o = ConsoleOutput::default();
        o.err(line);
        o.exit_code = code;
        o
    }

    /// Fold a later command's output into this one (its exit status wins).
    fn append(&mut self, other: ConsoleOutput) {
        self.stdout.push_str(&other.stdout);
        self.stderr.push_str(&other.stderr);
        self.exit_code = other.exit_code;
        self.changed |= other.changed;
        self.journeys.extend(other.journeys);
        self.clear |= other.clear;
        self.scaled.extend(other.scaled);
        self.deleted.extend(other.deleted);
    }
}

/// The terminal's state: the history, the namespace of the current kubectl context, the node
/// bare `iptables-save` & co. run on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Console {
    history: Vec<String>,
    /// Where Up/Down browsing is (None: on the fresh line).
    browse: Option<usize>,
    namespace: String,
    node: Option<String>,
}

impl Default for Console {
    fn default() -> Self {
        Console::new()
    }
}

/// What `help` prints.
const HELP: &str = "\
Commands (run against the simulated kind cluster):

  kubectl get TYPE[,TYPE...] [NAME...] [-n NS | -A] [-l SELECTOR] [-o wide|yaml|json|name]
              [--show-labels] [--no-headers]          also: kubectl get TYPE/NAME..., kubectl get all
      types: pods (po), services (svc), endpointslices, endpoints (ep), deployments (deploy),
             replicasets (rs), daemonsets (ds), statefulsets (sts), nodes (no), namespaces (ns),
             events (ev); all = pods, services, daemonsets, deployments, replicasets, statefulsets
      SELECTOR: app=web  app!=web  app  '!app'  'app in (web,api)'  'tier notin (db)'  a=b,c=d
  kubectl describe svc [NAME... | -l SELECTOR] [-n NS | -A]
  kubectl delete TYPE NAME... | TYPE -l SELECTOR | TYPE --all  [-n NS]
  kubectl scale deployment/NAME --replicas=N
  kubectl events [-n NS | -A]
  kubectl config set-context --current --namespace=NS        (or: kubens NS)
  kubectl exec POD [-n NS] -- COMMAND     where COMMAND is one of
      nslookup NAME [SERVER]        dig [+search] [+short] [@SERVER] NAME [TYPE]
      curl [-s] [-m SECS] http://NAME[:PORT][/PATH]         wget -qO- http://NAME[:PORT]
      getent hosts NAME             cat /etc/resolv.conf | /etc/hosts | /etc/hostname
      hostname

  docker exec NODE iptables-save | iptables -t nat -S [CHAIN] | nft list ruleset | ipvsadm -Ln
  node NAME                         choose the node for bare iptables-save, iptables, nft, ipvsadm
  iptables-save [--node NAME]       (and iptables, nft, ipvsadm) on the chosen node

  sleep DURATION                    let simulated time run: 5, 1.5s, 2m, 1h (at most 1h at once)
  help, clear, history, echo        Tab completes, Up/Down walk the history
  CMD | grep [-i] [-v] TEXT, | head [-n N], | tail [-n N], | wc -l
";

impl Console {
    /// A fresh terminal: empty history, namespace `default`, no node chosen.
    pub fn new() -> Console {
        Console {
            history: Vec::new(),
            browse: None,
            namespace: "default".to_string(),
            node: None,
        }
    }

    /// The namespace of the current kubectl context (what `-n` defaults to).
    pub fn namespace(&self) -> &str {
        &self.namespace
    }

    /// The node chosen with `node NAME` (bare `iptables-save` & co. run there).
    pub fn node(&self) -> Option<&str> {
        self.node.as_deref()
    }

    /// Every line run so far, oldest first (bash's `history`: consecutive duplicates kept once).
    pub fn history(&self) -> &[String] {
        &self.history
    }

    /// Up: the previous history entry (stays on the oldest); None when the history is empty.
    pub fn history_prev(&mut self) -> Option<String> {
        let last = self.history.len().checked_sub(1)?;
        let i = match self.browse {
            None => last,
            Some(i) => i.saturating_sub(1),
        };
        self.browse = Some(i);
        self.history.get(i).cloned()
    }

    /// Down: the next history entry; past the newest, `Some("")` (the fresh, empty line);
    /// None when not browsing.
    pub fn history_next(&mut self) -> Option<String> {
        let i = self.browse?;
        if i + 1 < self.history.len() {
            self.browse = Some(i + 1);
            self.history.get(i + 1).cloned()
        } else {
            self.browse = None;
            Some(String::new())
        }
    }

    fn record(&mut self, line: &str) {
        self.browse = None;
        let line = line.trim_end_matches(['\n', '\r']);
        if line.trim().is_empty() {
            return;
        }
        if self.history.last().map(String::as_str) != Some(line) {
            self.history.push(line.to_string());
        }
    }

    /// Run one command line against `cluster`, as the terminal's bash would. Packets are sent
    /// with randomness from `rng` (which endpoint, DNS answer order, source ports).
    pub fn run(&mut self, cluster: &mut Cluster, line: &str, rng: &mut Rng) -> ConsoleOutput {
        self.record(line);
        let lexed = shell::lex(line);
        if let Some(q) = lexed.open_quote {
            return ConsoleOutput::fail(
                format!("bash: unexpected EOF while looking for matching `{q}'"),
                2,
            );
        }
        let list = match shell::parse(&lexed.words) {
            Ok(l) => l,
            Err(e) => return ConsoleOutput::fail(e, 2),
        };
        let mut total = ConsoleOutput::default();
        let mut status = 0;
        for p in list {
            match p.connector {
                shell::Connector::And if status != 0 => continue,
                shell::Connector::Or if status == 0 => continue,
                _ => {}
            }
            let o = self.pipeline(cluster, &p.commands, rng);
            status = o.exit_code;
            total.append(o);
        }
        total.exit_code = status;
        total
    }

    /// `a | b | c`: each later command reads the previous one's stdout.
    fn pipeline(
        &mut self,
        cluster: &mut Cluster,
        commands: &[Vec<String>],
        rng: &mut Rng,
    ) -> ConsoleOutput {
        let mut total = ConsoleOutput::default();
        let mut input: Option<String> = None;
        for (i, words) in commands.iter().enumerate() {
            let mut o = self.command(cluster, words, input.as_deref(), rng);
            let last = i + 1 == commands.len();
            if !last {
                input = Some(std::mem::take(&mut o.stdout));
            }
            total.append(o);
        }
        total
    }

    fn command(
        &mut self,
        cluster: &mut Cluster,
        words: &[String],
        input: Option<&str>,
        rng: &mut Rng,
    ) -> ConsoleOutput {
        let Some((name, args)) = words.split_first() else {
            return ConsoleOutput::default();
        };
        match name.as_str() {
            "kubectl" | "k" => self.kubectl(cluster, args, rng),
            "docker" => self.docker(cluster, args),
            "iptables-save" | "iptables" | "nft" | "ipvsadm" => {
                self.bare_node_command(cluster, words)
            }
            "node" => self.choose_node(cluster, args),
            "kubens" => self.kubens(cluster, args),
            "help" => {
                let mut o = ConsoleOutput::default();
                o.out(HELP);
                o
            }
            "clear" => ConsoleOutput {
                clear: true,
                ..ConsoleOutput::default()
            },
            "history" => {
                let mut o = ConsoleOutput::default();
                for (i, h) in self.history.iter().enumerate() {
                    o.out(format!("{:>5}  {h}\n", i + 1));
                }
                o
            }
            "echo" => {
                let mut o = ConsoleOutput::default();
                o.out(format!("{}\n", args.join(" ")));
                o
            }
            "sleep" => sleep(cluster, args),
            "true" | "exit" | "logout" => ConsoleOutput::default(),
            "false" => ConsoleOutput {
                exit_code: 1,
                ..ConsoleOutput::default()
            },
            "grep" | "head" | "tail" | "wc" => filter(name, args, input.unwrap_or("")),
            "nslookup" | "dig" | "curl" | "wget" | "getent" => {
                let mut o = ConsoleOutput::fail(format!("bash: {name}: command not found"), 127);
                o.err(format!(
                    "hint: this terminal is outside the cluster; run it inside a pod: kubectl exec POD -- {name} …"
                ));
                o
            }
            _ => ConsoleOutput::fail(format!("bash: {name}: command not found"), 127),
        }
    }

    /// `kubens NS` (kubectx's companion): switch the current context's namespace.
    fn kubens(&mut self, cluster: &Cluster, args: &[String]) -> ConsoleOutput {
        let mut o = ConsoleOutput::default();
        match args {
            [] => o.out(format!("{}\n", self.namespace)),
            [ns] if ns == "-" || !ns.starts_with('-') => {
                if !cluster.store.namespaces.contains_key(ns.as_str()) {
                    return ConsoleOutput::fail(
                        format!("error: no namespace exists with name \"{ns}\""),
                        1,
                    );
                }
                self.namespace = ns.clone();
                o.out(format!(
                    "Context \"kind-kind\" modified.\nActive namespace is \"{ns}\".\n"
                ));
            }
            _ => return ConsoleOutput::fail("error: too many arguments", 1),
        }
        o
    }
}

/// The longest `sleep` runs simulated time for at once: a lesson waits seconds or minutes
/// (a grace period, a pod starting); hours of a crash-looping pod would only cost time.
pub const MAX_SLEEP_MS: u64 = 3_600_000;

/// `sleep NUMBER[SUFFIX]...` (coreutils: seconds, or `s`, `m`, `h`, `d`; fractions allowed;
/// the arguments add up). The terminal does not block: the cluster's clock moves on by that
/// much, as if the lecturer had waited, so pods start, terminate and their slices change.
fn sleep(cluster: &mut Cluster, args: &[String]) -> ConsoleOutput {
    let usage = |m: String| {
        let mut o = ConsoleOutput::fail(m, 1);
        o.err("Try 'sleep --help' for more information.");
        o
    };
    if args.iter().any(|a| a == "--help") {
        let mut o = ConsoleOutput::default();
        o.out(
            "Usage: sleep NUMBER[SUFFIX]...\n\
             Pause for NUMBER seconds (in svcsim: let NUMBER seconds of simulated time pass).\n\
             SUFFIX may be 's' for seconds (the default), 'm' for minutes, 'h' for hours or\n\
             'd' for days. NUMBER may be a fraction; several arguments add up.\n",
        );
        return o;
    }
    // getopt: a word starting with '-' is an option, and sleep has none but --help.
    if let Some(opt) = args.iter().find(|a| a.len() > 1 && a.starts_with('-')) {
        return match opt.strip_prefix("--") {
            Some(_) => usage(format!("sleep: unrecognized option '{opt}'")),
            None => usage(format!(
                "sleep: invalid option -- '{}'",
                opt.chars().nth(1).unwrap_or('-')
            )),
        };
    }
    if args.is_empty() {
        return usage("sleep: missing operand".into());
    }
    let mut total_ms = 0.0f64;
    for a in args {
        let (number, unit) = match a.char_indices().last() {
            Some((i, c @ ('s' | 'm' | 'h' | 'd'))) => (&a[..i], c),
            _ => (a.as_str(), 's'),
        };
        let factor = match unit {
            'm' => 60_000.0,
            'h' => 3_600_000.0,
            'd' => 86_400_000.0,
            _ => 1_000.0,
        };
        let valid = !number.is_empty()
            && number.chars().all(|c| c.is_ascii_digit() || c == '.')
            && number.chars().filter(|&c| c == '.').count() <= 1
            && number != ".";
        let Some(value) = number.parse::<f64>().ok().filter(|_| valid) else {
            return usage(format!("sleep: invalid time interval ‘{a}’"));
        };
        total_ms += value * factor;
    }
    let mut o = ConsoleOutput::default();
    let ms = if total_ms > MAX_SLEEP_MS as f64 {
        o.err(format!(
            "sleep: svcsim lets at most {}s of simulated time pass at once; it did",
            MAX_SLEEP_MS / 1_000
        ));
        MAX_SLEEP_MS
    } else {
        total_ms.ceil() as u64
    };
    o.changed = cluster.advance(ms);
    o
}

/// The coreutils/grep filters a pipeline may end with (simplified: `grep` matches fixed text,
/// as `grep -F`).
fn filter(name: &str, args: &[String], input: &str) -> ConsoleOutput {
    let mut o = ConsoleOutput::default();
    let lines: Vec<&str> = input.lines().collect();
    match name {
        "grep" => {
            let mut invert = false;
            let mut icase = false;
            let mut count = false;
            let mut pattern: Option<&str> = None;
            for a in args {
                match a.as_str() {
                    s if s.starts_with('-') && s.len() > 1 && pattern.is_none() => {
                        for c in s.chars().skip(1) {
                            match c {
                                'v' => invert = true,
                                'i' => icase = true,
                                'c' => count = true,
                                'E' | 'F' | 'w' => {}
                                _ => {
                                    return ConsoleOutput::fail(
                                        format!("grep: invalid option -- '{c}'\nUsage: grep [OPTION]... PATTERNS [FILE]...\nTry 'grep --help' for more information."),
                                        2,
                                    )
                                }
                            }
                        }
                    }
                    s if pattern.is_none() => pattern = Some(s),
                    s => {
                        return ConsoleOutput::fail(
                            format!("grep: {s}: No such file or directory"),
                            2,
                        )
                    }
                }
            }
            let Some(pattern) = pattern else {
                return ConsoleOutput::fail(
                    "Usage: grep [OPTION]... PATTERNS [FILE]...\nTry 'grep --help' for more information.",
                    2,
                );
            };
            let needle = if icase {
                pattern.to_lowercase()
            } else {
                pattern.to_string()
            };
            let hits: Vec<&str> = lines
                .iter()
                .copied()
                .filter(|l| {
                    let hay = if icase {
                        l.to_lowercase()
                    } else {
                        l.to_string()
                    };
                    hay.contains(&needle) != invert
                })
                .collect();
            if count {
                o.out(format!("{}\n", hits.len()));
            } else {
                for l in &hits {
                    o.out(format!("{l}\n"));
                }
            }
            o.exit_code = if hits.is_empty() { 1 } else { 0 };
        }
        "head" | "tail" => {
            let mut n: usize = 10;
            let mut it = args.iter();
            while let Some(a) = it.next() {
                let v = if a == "-n" {
                    it.next().map(String::as_str).unwrap_or("")
                } else if let Some(v) = a.strip_prefix("-n") {
                    v
                } else if let Some(v) = a.strip_prefix('-') {
                    v
                } else {
                    return ConsoleOutput::fail(
                        format!("{name}: cannot open '{a}' for reading: No such file or directory"),
                        1,
                    );
                };
                n = match v.parse() {
                    Ok(n) => n,
                    Err(_) => {
                        return ConsoleOutput::fail(
                            format!("{name}: invalid number of lines: ‘{v}’"),
                            1,
                        )
                    }
                };
            }
            let picked: &[&str] = if name == "head" {
                lines.get(..n.min(lines.len())).unwrap_or(&[])
            } else {
                lines.get(lines.len().saturating_sub(n)..).unwrap_or(&[])
            };
            for l in picked {
                o.out(format!("{l}\n"));
            }
        }
        _ => {
            // wc
            let chars = input.chars().count();
            let words = input.split_whitespace().count();
            let n = input.matches('\n').count();
            match args
                .iter()
                .map(String::as_str)
                .collect::<Vec<_>>()
                .as_slice()
            {
                ["-l"] => o.out(format!("{n}\n")),
                ["-w"] => o.out(format!("{words}\n")),
                ["-c"] => o.out(format!("{}\n", input.len())),
                ["-m"] => o.out(format!("{chars}\n")),
                [] => o.out(format!("{n:>7} {words:>7} {:>7}\n", input.len())),
                _ => return ConsoleOutput::fail("wc: unsupported arguments (try wc -l)", 1),
            }
        }
    }
    o
}
