//! A pflag-like flag parser with kubectl's (spf13/pflag's) error texts.
//!
//! Flags may appear anywhere among the operands; `--` ends flag parsing (what follows is kept
//! apart, as `kubectl exec POD -- CMD` needs). Value flags accept `--flag v`, `--flag=v`,
//! `-f v`, `-fv` and `-f=v`; boolean shorthands group (`-it`).

use std::collections::BTreeMap;

/// One flag a command accepts.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Spec {
    pub long: &'static str,
    pub short: Option<char>,
    /// Takes a value (`--namespace prod`) rather than being a boolean (`--all-namespaces`).
    pub value: bool,
}

pub(crate) const fn value(long: &'static str, short: Option<char>) -> Spec {
    Spec {
        long,
        short,
        value: true,
    }
}

pub(crate) const fn boolean(long: &'static str, short: Option<char>) -> Spec {
    Spec {
        long,
        short,
        value: false,
    }
}

/// What a command line said.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Parsed {
    pub positionals: Vec<String>,
    /// Value flags by long name (the last occurrence wins, as pflag's string flags).
    pub values: BTreeMap<&'static str, String>,
    /// Boolean flags by long name.
    pub bools: BTreeMap<&'static str, bool>,
    /// Everything after `--`, when `--` was given.
    pub rest: Option<Vec<String>>,
}

impl Parsed {
    pub fn value(&self, long: &str) -> Option<&str> {
        self.values.get(long).map(String::as_str)
    }

    pub fn flag(&self, long: &str) -> bool {
        self.bools.get(long).copied().unwrap_or(false)
    }
}

fn parse_bool(long: &str, v: &str) -> Result<bool, String> {
    match v {
        "1" | "t" | "T" | "true" | "TRUE" | "True" => Ok(true),
        "0" | "f" | "F" | "false" | "FALSE" | "False" => Ok(false),
        _ => Err(format!(
            "invalid argument \"{v}\" for \"--{long}\" flag: strconv.ParseBool: parsing \"{v}\": invalid syntax"
        )),
    }
}

/// Parse `args` against `specs`. `Err` is pflag's message (without kubectl's `error: `).
pub(crate) fn parse(args: &[String], specs: &[Spec]) -> Result<Parsed, String> {
    let mut p = Parsed::default();
    let mut i = 0;
    while let Some(arg) = args.get(i) {
        i += 1;
        if arg == "--" {
            p.rest = Some(args.get(i..).unwrap_or(&[]).to_vec());
            break;
        }
        if arg == "-" || !arg.starts_with('-') {
            p.positionals.push(arg.clone());
            continue;
        }
        if let Some(long) = arg.strip_prefix("--") {
            let (name, inline) = match long.split_once('=') {
                Some((n, v)) => (n, Some(v)),
                None => (long, None),
            };
            let spec = specs
                .iter()
                .find(|s| s.long == name)
                .ok_or_else(|| format!("unknown flag: --{name}"))?;
            if spec.value {
                let v = match inline {
                    Some(v) => v.to_string(),
                    None => {
                        let v = args
                            .get(i)
                            .ok_or_else(|| format!("flag needs an argument: --{name}"))?;
                        i += 1;
                        v.clone()
                    }
                };
                p.values.insert(spec.long, v);
            } else {
                let b = parse_bool(spec.long, inline.unwrap_or("true"))?;
                p.bools.insert(spec.long, b);
            }
            continue;
        }
        let body = arg.get(1..).unwrap_or("");
        for (pos, c) in body.char_indices() {
            let spec = specs
                .iter()
                .find(|s| s.short == Some(c))
                .ok_or_else(|| format!("unknown shorthand flag: '{c}' in {arg}"))?;
            let rest = body.get(pos + c.len_utf8()..).unwrap_or("");
            if spec.value {
                let v = if !rest.is_empty() {
                    rest.strip_prefix('=').unwrap_or(rest).to_string()
                } else {
                    let v = args
                        .get(i)
                        .ok_or_else(|| format!("flag needs an argument: '{c}' in {arg}"))?;
                    i += 1;
                    v.clone()
                };
                p.values.insert(spec.long, v);
                break;
            }
            if let Some(v) = rest.strip_prefix('=') {
                p.bools.insert(spec.long, parse_bool(spec.long, v)?);
                break;
            }
            p.bools.insert(spec.long, true);
        }
    }
    Ok(p)
}

#[cfg(test)]
mod tests {
    use super::*;

    const SPECS: &[Spec] = &[
        value("namespace", Some('n')),
        boolean("all-namespaces", Some('A')),
        boolean("stdin", Some('i')),
        boolean("tty", Some('t')),
        value("replicas", None),
    ];

    fn p(args: &[&str]) -> Result<Parsed, String> {
        parse(
            &args.iter().map(|s| s.to_string()).collect::<Vec<_>>(),
            SPECS,
        )
    }

    #[test]
    fn spellings() {
        let x = p(&["a", "-nprod", "-it", "--replicas=3", "b", "--", "c", "-n"]).unwrap();
        assert_eq!(x.positionals, ["a", "b"]);
        assert_eq!(x.value("namespace"), Some("prod"));
        assert!(x.flag("stdin") && x.flag("tty"));
        assert_eq!(x.value("replicas"), Some("3"));
        assert_eq!(x.rest, Some(vec!["c".to_string(), "-n".to_string()]));
        assert_eq!(
            p(&["--replicas", "2"]).unwrap().value("replicas"),
            Some("2")
        );
        assert_eq!(p(&["-n=x"]).unwrap().value("namespace"), Some("x"));
    }

    #[test]
    fn errors() {
        assert_eq!(p(&["--x"]).unwrap_err(), "unknown flag: --x");
        assert_eq!(p(&["-x"]).unwrap_err(), "unknown shorthand flag: 'x' in -x");
        assert_eq!(p(&["-n"]).unwrap_err(), "flag needs an argument: 'n' in -n");
        assert_eq!(
            p(&["--replicas"]).unwrap_err(),
            "flag needs an argument: --replicas"
        );
        assert!(p(&["-A=maybe"]).is_err());
        assert!(p(&["-é"]).is_err());
    }
}
