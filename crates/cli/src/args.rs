//! The command line, typed: [`svcsim_scene::cmdline`] (the pflag-like parser the page's
//! console uses too) reads it with kubectl's spellings and error texts, and [`Args`] holds what
//! each flag means to svcsim.
//!
//! Flags may appear anywhere (before or after the command, as with kubectl); `--` ends flag
//! parsing (what follows are operands). Value flags accept `--flag v`, `--flag=v`, `-f v`,
//! `-fv` and `-f=v`.

use crate::outcome::Outcome;
use svcsim_engine::dns::ResolverFlavor;
use svcsim_engine::printers::Output;
use svcsim_engine::proxy::ProxyMode;
use svcsim_scene::cmdline::{self, boolean, string, uint, Spec};

/// Everything the command line said.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Args {
    /// Positional arguments: the command and its operands.
    pub positionals: Vec<String>,
    /// `-f` / `--filename`, in order (`-` is stdin).
    pub files: Vec<String>,
    /// `--seed`.
    pub seed: u64,
    /// `-n` / `--namespace`.
    pub namespace: Option<String>,
    /// `-A` / `--all-namespaces`.
    pub all_namespaces: bool,
    /// `-o` / `--output`.
    pub output: Option<Output>,
    /// `-h` / `--help`.
    pub help: bool,
    /// `--from` (trace, dns): `pod/NAME`, `node/NAME`, `external[/IP]`.
    pub from: Option<String>,
    /// `--proto` (trace): `tcp`, `udp` or `sctp`.
    pub proto: Option<String>,
    /// `--count` (trace): connections to make.
    pub count: Option<u32>,
    /// `--type` (dns): the record type.
    pub qtype: Option<String>,
    /// `--node` (rules).
    pub node: Option<String>,
    /// `--mode` (rules, trace): kube-proxy mode.
    pub mode: Option<String>,
    /// `--via` (trace): the node externally-routed traffic enters.
    pub via: Option<String>,
    /// `-l` / `--selector` (get, describe): a label selector, as typed.
    pub selector: Option<String>,
    /// `--resolver` (trace, dns): `glibc` or `musl` instead of the one the pod's image has.
    pub resolver: Option<String>,
}

/// A command-line error, printed as kubectl prints pflag errors (`error: …`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ArgError(pub String);

/// Every flag of every command (svcsim's commands share one flag set).
const FLAGS: &[Spec] = &[
    string("filename", Some('f')),
    uint("seed", None, 64),
    string("namespace", Some('n')),
    string("output", Some('o')),
    boolean("all-namespaces", Some('A')),
    boolean("help", Some('h')),
    string("from", None),
    string("proto", None),
    string("protocol", None),
    uint("count", None, 32),
    string("type", None),
    string("node", None),
    string("mode", None),
    string("via", None),
    string("selector", Some('l')),
    string("resolver", None),
];

/// The `-o` formats svcsim supports, in kubectl's wording.
pub const ALLOWED_FORMATS: &str = "json,name,wide,yaml";

impl Args {
    /// Parse the arguments after the program name.
    pub fn parse(raw: &[String]) -> Result<Args, ArgError> {
        let parsed = cmdline::parse(raw, FLAGS).map_err(|e| ArgError(e.to_string()))?;
        let mut args = Args {
            positionals: parsed.positionals.clone(),
            ..Args::default()
        };
        args.positionals
            .extend(parsed.rest.iter().flatten().cloned());
        // In command-line order, so the first bad value is the one reported.
        for (flag, value) in parsed.flags() {
            let text = || Some(value.to_string());
            match flag {
                "filename" => args.files.push(value.to_string()),
                "seed" => args.seed = value.parse().unwrap_or_default(),
                "namespace" => {
                    if value.is_empty() {
                        return Err(ArgError(
                            "a namespace must be specified (-n/--namespace)".into(),
                        ));
                    }
                    args.namespace = text();
                }
                "output" => {
                    args.output = Some(Output::parse(value).ok_or_else(|| {
                        ArgError(format!(
                            "unable to match a printer suitable for the output format \"{value}\", allowed formats are: {ALLOWED_FORMATS}"
                        ))
                    })?);
                }
                "all-namespaces" => args.all_namespaces = value == "true",
                "help" => args.help = value == "true",
                "from" => args.from = text(),
                "proto" | "protocol" => args.proto = text(),
                "count" => args.count = value.parse().ok(),
                "type" => args.qtype = text(),
                "node" => args.node = text(),
                "mode" => args.mode = text(),
                "via" => args.via = text(),
                "selector" => args.selector = text(),
                "resolver" => args.resolver = text(),
                _ => {}
            }
        }
        Ok(args)
    }
}

/// What the commands check about their operands and output formats.
impl Args {
    /// trace, dns and rules print text, or JSON with `-o json`.
    pub fn json_only(&self, command: &str) -> Result<bool, Outcome> {
        match self.output {
            None => Ok(false),
            Some(Output::Json) => Ok(true),
            Some(_) => Err(Outcome::default().usage_error(
                &format!("svcsim {command} prints text or -o json"),
                Some(command),
            )),
        }
    }

    /// The one operand after the command (`what` names it in the error).
    pub fn one_operand(&self, command: &str, what: &str) -> Result<String, Outcome> {
        match self.positionals.get(1..).unwrap_or(&[]) {
            [one] => Ok(one.clone()),
            [] => {
                Err(Outcome::default().usage_error(&format!("{what} is required"), Some(command)))
            }
            more => Err(Outcome::default().usage_error(
                &format!("svcsim {command} takes one {what}, got {}", more.len()),
                Some(command),
            )),
        }
    }

    /// `--mode`, parsed.
    /// `--resolver`: None to use the client image's C library.
    pub fn resolver(&self, command: &str) -> Result<Option<ResolverFlavor>, Outcome> {
        match self.resolver.as_deref() {
            None => Ok(None),
            Some("glibc") => Ok(Some(ResolverFlavor::Glibc)),
            Some("musl") => Ok(Some(ResolverFlavor::Musl)),
            Some(other) => Err(Outcome::default().usage_error(
                &format!(
                    "--resolver {}: want glibc or musl",
                    svcsim_engine::quote::go_quote_capped(other)
                ),
                Some(command),
            )),
        }
    }

    pub fn mode(&self, command: &str) -> Result<Option<ProxyMode>, Outcome> {
        match &self.mode {
            None => Ok(None),
            Some(m) => m
                .parse::<ProxyMode>()
                .map(Some)
                .map_err(|e| Outcome::default().usage_error(&e.to_string(), Some(command))),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(s: &[&str]) -> Result<Args, ArgError> {
        Args::parse(&s.iter().map(|x| x.to_string()).collect::<Vec<_>>())
    }

    #[test]
    fn flags_anywhere_and_all_spellings() {
        let a = parse(&[
            "-n",
            "prod",
            "get",
            "svc",
            "-f",
            "a.yaml",
            "--filename=b.yaml",
            "-fc.yaml",
            "-o",
            "wide",
            "--seed",
            "7",
            "x",
        ])
        .unwrap();
        assert_eq!(a.positionals, vec!["get", "svc", "x"]);
        assert_eq!(a.files, vec!["a.yaml", "b.yaml", "c.yaml"]);
        assert_eq!(a.namespace.as_deref(), Some("prod"));
        assert_eq!(a.output, Some(Output::Wide));
        assert_eq!(a.seed, 7);
        let a = parse(&["get", "svc", "-A", "-oyaml", "-n=dev", "-f", "-"]).unwrap();
        assert!(a.all_namespaces);
        assert_eq!(a.output, Some(Output::Yaml));
        assert_eq!(a.namespace.as_deref(), Some("dev"));
        assert_eq!(a.files, vec!["-"]);
        let a = parse(&["--", "-x"]).unwrap();
        assert_eq!(a.positionals, vec!["-x"]);
    }

    #[test]
    fn errors_read_like_kubectl() {
        let e = |s: &[&str]| parse(s).unwrap_err().0;
        assert_eq!(e(&["get", "--bogus"]), "unknown flag: --bogus");
        assert_eq!(e(&["get", "-x"]), "unknown shorthand flag: 'x' in -x");
        assert_eq!(e(&["get", "-n"]), "flag needs an argument: 'n' in -n");
        assert_eq!(
            e(&["get", "--namespace"]),
            "flag needs an argument: --namespace"
        );
        assert_eq!(
            e(&["--seed", "x"]),
            "invalid argument \"x\" for \"--seed\" flag: strconv.ParseUint: parsing \"x\": invalid syntax"
        );
        assert_eq!(
            e(&["-o", "table"]),
            "unable to match a printer suitable for the output format \"table\", allowed formats are: json,name,wide,yaml"
        );
        assert!(parse(&["-Aé"]).is_err());
    }
}
