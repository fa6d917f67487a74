//! A small pflag-like argument parser: kubectl's flag spellings and its error texts.
//!
//! Flags may appear anywhere (before or after the command, as with kubectl); `--` ends flag
//! parsing. Value flags accept `--flag v`, `--flag=v`, `-f v`, `-fv` and `-f=v`.

use crate::outcome::Outcome;
use svcsim_engine::printers::Output;
use svcsim_engine::proxy::ProxyMode;

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
}

/// A command-line error, printed as kubectl prints pflag errors (`error: …`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ArgError(pub String);

#[derive(Clone, Copy)]
enum Flag {
    Filename,
    Seed,
    Namespace,
    Output,
    AllNamespaces,
    Help,
    From,
    Proto,
    Count,
    Type,
    Node,
    Mode,
    Via,
}

impl Flag {
    fn long(name: &str) -> Option<Flag> {
        Some(match name {
            "filename" => Flag::Filename,
            "seed" => Flag::Seed,
            "namespace" => Flag::Namespace,
            "output" => Flag::Output,
            "all-namespaces" => Flag::AllNamespaces,
            "help" => Flag::Help,
            "from" => Flag::From,
            "proto" | "protocol" => Flag::Proto,
            "count" => Flag::Count,
            "type" => Flag::Type,
            "node" => Flag::Node,
            "mode" => Flag::Mode,
            "via" => Flag::Via,
            _ => return None,
        })
    }

    fn short(c: char) -> Option<Flag> {
        Some(match c {
            'f' => Flag::Filename,
            'n' => Flag::Namespace,
            'o' => Flag::Output,
            'A' => Flag::AllNamespaces,
            'h' => Flag::Help,
            _ => return None,
        })
    }

    fn takes_value(self) -> bool {
        !matches!(self, Flag::AllNamespaces | Flag::Help)
    }

    fn long_name(self) -> &'static str {
        match self {
            Flag::Filename => "filename",
            Flag::Seed => "seed",
            Flag::Namespace => "namespace",
            Flag::Output => "output",
            Flag::AllNamespaces => "all-namespaces",
            Flag::Help => "help",
            Flag::From => "from",
            Flag::Proto => "proto",
            Flag::Count => "count",
            Flag::Type => "type",
            Flag::Node => "node",
            Flag::Mode => "mode",
            Flag::Via => "via",
        }
    }
}

/// The `-o` formats svcsim supports, in kubectl's wording.
pub const ALLOWED_FORMATS: &str = "json,name,wide,yaml";

impl Args {
    /// Parse the arguments after the program name.
    pub fn parse(raw: &[String]) -> Result<Args, ArgError> {
        let mut args = Args::default();
        let mut i = 0;
        let mut flags_done = false;
        while let Some(arg) = raw.get(i) {
            i += 1;
            if flags_done || arg == "-" || !arg.starts_with('-') {
                args.positionals.push(arg.clone());
                continue;
            }
            if arg == "--" {
                flags_done = true;
                continue;
            }
            if let Some(long) = arg.strip_prefix("--") {
                let (name, inline) = match long.split_once('=') {
                    Some((n, v)) => (n, Some(v.to_string())),
                    None => (long, None),
                };
                let flag =
                    Flag::long(name).ok_or_else(|| ArgError(format!("unknown flag: --{name}")))?;
                if flag.takes_value() {
                    let value = match inline {
                        Some(v) => v,
                        None => {
                            let v = raw.get(i).cloned().ok_or_else(|| {
                                ArgError(format!("flag needs an argument: --{name}"))
                            })?;
                            i += 1;
                            v
                        }
                    };
                    args.set(flag, value)?;
                } else {
                    if let Some(v) = inline {
                        args.set_bool(flag, &v)?;
                    } else {
                        args.set_bool(flag, "true")?;
                    }
                }
                continue;
            }
            // Shorthand flags, possibly grouped (`-Ah`) or with an attached value (`-nprod`).
            let body = arg.get(1..).unwrap_or("");
            for (pos, c) in body.char_indices() {
                let flag = Flag::short(c)
                    .ok_or_else(|| ArgError(format!("unknown shorthand flag: '{c}' in {arg}")))?;
                if flag.takes_value() {
                    let rest = body.get(pos + c.len_utf8()..).unwrap_or("");
                    let value = if !rest.is_empty() {
                        rest.strip_prefix('=').unwrap_or(rest).to_string()
                    } else {
                        let v = raw.get(i).cloned().ok_or_else(|| {
                            ArgError(format!("flag needs an argument: '{c}' in {arg}"))
                        })?;
                        i += 1;
                        v
                    };
                    args.set(flag, value)?;
                    break;
                }
                args.set_bool(flag, "true")?;
            }
        }
        Ok(args)
    }

    fn set(&mut self, flag: Flag, value: String) -> Result<(), ArgError> {
        match flag {
            Flag::Filename => self.files.push(value),
            Flag::Seed => {
                self.seed = value.parse::<u64>().map_err(|_| {
                    ArgError(format!(
                        "invalid argument \"{value}\" for \"--seed\" flag: strconv.ParseUint: parsing \"{value}\": invalid syntax"
                    ))
                })?;
            }
            Flag::Namespace => {
                if value.is_empty() {
                    return Err(ArgError(
                        "a namespace must be specified (-n/--namespace)".into(),
                    ));
                }
                self.namespace = Some(value);
            }
            Flag::Output => {
                self.output = Some(Output::parse(&value).ok_or_else(|| {
                    ArgError(format!(
                        "unable to match a printer suitable for the output format \"{value}\", allowed formats are: {ALLOWED_FORMATS}"
                    ))
                })?);
            }
            Flag::AllNamespaces | Flag::Help => self.set_bool(flag, &value)?,
            Flag::From => self.from = Some(value),
            Flag::Proto => self.proto = Some(value),
            Flag::Count => {
                self.count = Some(value.parse::<u32>().map_err(|_| {
                    ArgError(format!(
                        "invalid argument \"{value}\" for \"--count\" flag: strconv.ParseUint: parsing \"{value}\": invalid syntax"
                    ))
                })?);
            }
            Flag::Type => self.qtype = Some(value),
            Flag::Node => self.node = Some(value),
            Flag::Mode => self.mode = Some(value),
            Flag::Via => self.via = Some(value),
        }
        Ok(())
    }

    fn set_bool(&mut self, flag: Flag, value: &str) -> Result<(), ArgError> {
        let b = match value {
            "1" | "t" | "T" | "true" | "TRUE" | "True" => true,
            "0" | "f" | "F" | "false" | "FALSE" | "False" => false,
            _ => {
                return Err(ArgError(format!(
                    "invalid argument \"{value}\" for \"--{}\" flag: strconv.ParseBool: parsing \"{value}\": invalid syntax",
                    flag.long_name()
                )))
            }
        };
        match flag {
            Flag::AllNamespaces => self.all_namespaces = b,
            Flag::Help => self.help = b,
            _ => {}
        }
        Ok(())
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
    pub fn mode(&self, command: &str) -> Result<Option<ProxyMode>, Outcome> {
        match &self.mode {
            None => Ok(None),
            Some(m) => m
                .parse::<ProxyMode>()
                .map(Some)
                .map_err(|e| Outcome::default().usage_error(&e.to_string(), Some(command))),
        }
    }

    /// `RESOURCE NAME`, `RESOURCE/NAME` or `RESOURCE` after the command.
    pub fn resource_and_name(&self, command: &str) -> Result<(String, Option<String>), Outcome> {
        let operands = self.positionals.get(1..).unwrap_or(&[]);
        let Some(first) = operands.first() else {
            let mut o = Outcome::default();
            if command == "get" {
                o.err("You must specify the type of resource to get. Use \"svcsim --help\" for the supported resources.");
                o.err("");
            }
            return Err(o.usage_error("Required resource not specified.", Some(command)));
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
                    &format!("svcsim {command} takes one RESOURCE and at most one NAME"),
                    Some(command),
                ))
            }
        }
        if name.as_deref() == Some("") {
            return Err(Outcome::default().usage_error(
                "arguments in resource/name form must have a single resource and name",
                Some(command),
            ));
        }
        Ok((resource, name))
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
