//! A pflag-like command-line parser: kubectl's flag spellings and its error texts
//! (`github.com/spf13/pflag`, `flag.go`), shared by the page's console and the `svcsim` CLI so
//! both read a command line exactly as kubectl does.
//!
//! What it reproduces:
//! * flags may appear anywhere among the operands; `--` ends flag parsing, and what follows it
//!   is kept apart ([`Parsed::rest`], as `kubectl exec POD -- CMD` needs); a lone `-` is an
//!   operand;
//! * value flags accept `--flag v`, `--flag=v`, `-f v`, `-fv` and `-f=v`; boolean flags take
//!   `--flag`, `--flag=false` and `-f=false`, and boolean shorthands group (`-it`);
//! * values are checked while parsing, in command-line order, as pflag's `Value.Set` does:
//!   the first bad value or unknown flag is the error;
//! * the messages: `unknown flag: --x`, `unknown shorthand flag: 'x' in -x`, `flag needs an
//!   argument: --x` / `'x' in -x`, `bad flag syntax: ---x`, and `invalid argument "v" for
//!   "-s, --long" flag: strconv.ParseBool: parsing "v": invalid syntax` (the flag named with its
//!   shorthand when it has one).
//!
//! Numbers are read in base 10 only (pflag's integer flags also take `0x…` and `0o…`).

use std::fmt;

/// What a flag's value is; pflag checks it while parsing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Kind {
    /// A boolean (`--all-namespaces`): no value needed, `=false` allowed.
    Bool,
    /// Any text (`--namespace prod`).
    String,
    /// A signed integer of this many bits (`--replicas`: pflag's `IntVar`).
    Int(u32),
    /// An unsigned integer of this many bits (`--seed`).
    Uint(u32),
}

/// One flag a command accepts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Spec {
    /// The long name, without `--`.
    pub long: &'static str,
    /// The one-letter shorthand, if any.
    pub short: Option<char>,
    pub kind: Kind,
}

impl Spec {
    /// Whether the flag takes a value (everything but booleans).
    pub fn takes_value(&self) -> bool {
        self.kind != Kind::Bool
    }

    /// How pflag names the flag in `invalid argument` errors: `-n, --namespace` or `--seed`.
    fn display_name(&self) -> String {
        match self.short {
            Some(c) => format!("-{c}, --{}", self.long),
            None => format!("--{}", self.long),
        }
    }
}

/// A text flag.
pub const fn string(long: &'static str, short: Option<char>) -> Spec {
    Spec {
        long,
        short,
        kind: Kind::String,
    }
}

/// A boolean flag.
pub const fn boolean(long: &'static str, short: Option<char>) -> Spec {
    Spec {
        long,
        short,
        kind: Kind::Bool,
    }
}

/// A signed integer flag of `bits` bits.
pub const fn int(long: &'static str, short: Option<char>, bits: u32) -> Spec {
    Spec {
        long,
        short,
        kind: Kind::Int(bits),
    }
}

/// An unsigned integer flag of `bits` bits.
pub const fn uint(long: &'static str, short: Option<char>, bits: u32) -> Spec {
    Spec {
        long,
        short,
        kind: Kind::Uint(bits),
    }
}

/// A command line pflag refused; `Display` is pflag's message (kubectl prints it after
/// `error: `).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FlagError(pub String);

impl fmt::Display for FlagError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for FlagError {}

/// What a command line said.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Parsed {
    /// The operands, in order (`-` included).
    pub positionals: Vec<String>,
    /// Everything after `--`, when `--` was given.
    pub rest: Option<Vec<String>>,
    /// Every flag given, in command-line order, by long name; booleans as `true`/`false`.
    set: Vec<(&'static str, String)>,
}

impl Parsed {
    /// The last value given for `long` (pflag's string flags: the last one wins).
    pub fn value(&self, long: &str) -> Option<&str> {
        self.set
            .iter()
            .rev()
            .find(|(l, _)| *l == long)
            .map(|(_, v)| v.as_str())
    }

    /// Every value given for `long`, in order (repeatable flags such as `-f`).
    pub fn values<'a>(&'a self, long: &'a str) -> impl Iterator<Item = &'a str> + 'a {
        self.set
            .iter()
            .filter(move |(l, _)| *l == long)
            .map(|(_, v)| v.as_str())
    }

    /// A boolean flag's value (false when not given).
    pub fn flag(&self, long: &str) -> bool {
        self.value(long) == Some("true")
    }

    /// An integer flag's value (checked while parsing).
    pub fn int(&self, long: &str) -> Option<i64> {
        self.value(long).and_then(|v| v.parse().ok())
    }

    /// An unsigned integer flag's value (checked while parsing).
    pub fn uint(&self, long: &str) -> Option<u64> {
        self.value(long).and_then(|v| v.parse().ok())
    }

    /// Every flag given, in command-line order, as (long name, value).
    pub fn flags(&self) -> impl Iterator<Item = (&'static str, &str)> + '_ {
        self.set.iter().map(|(l, v)| (*l, v.as_str()))
    }
}

/// `strconv.ParseBool`.
fn parse_bool(v: &str) -> Option<bool> {
    match v {
        "1" | "t" | "T" | "true" | "TRUE" | "True" => Some(true),
        "0" | "f" | "F" | "false" | "FALSE" | "False" => Some(false),
        _ => None,
    }
}

/// Go's `strconv` error for `v` (`parsing "v": invalid syntax` or `value out of range`).
fn numeric_error(func: &str, v: &str, out_of_range: bool) -> String {
    let why = if out_of_range {
        "value out of range"
    } else {
        "invalid syntax"
    };
    format!("strconv.{func}: parsing \"{v}\": {why}")
}

/// `strconv.ParseInt(v, 10, bits)` / `ParseUint`: Ok, or the error's text.
fn check_number(v: &str, signed: bool, bits: u32) -> Result<(), String> {
    let func = if signed { "ParseInt" } else { "ParseUint" };
    let digits = if signed {
        v.strip_prefix(['+', '-']).unwrap_or(v)
    } else {
        v
    };
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return Err(numeric_error(func, v, false));
    }
    let bits = bits.clamp(1, 64);
    let fits = if signed {
        let half = 1i128 << (bits - 1);
        v.parse::<i128>().is_ok_and(|n| (-half..half).contains(&n))
    } else {
        v.parse::<u128>().is_ok_and(|n| n < (1u128 << bits))
    };
    if fits {
        Ok(())
    } else {
        Err(numeric_error(func, v, true))
    }
}

/// pflag's `Set`: store the value, or `invalid argument "v" for "-s, --long" flag: …`.
fn set(p: &mut Parsed, spec: &Spec, value: &str) -> Result<(), FlagError> {
    let checked = match spec.kind {
        Kind::String => Ok(value.to_string()),
        Kind::Bool => parse_bool(value)
            .map(|b| b.to_string())
            .ok_or_else(|| numeric_error("ParseBool", value, false)),
        Kind::Int(bits) => check_number(value, true, bits).map(|()| value.to_string()),
        Kind::Uint(bits) => check_number(value, false, bits).map(|()| value.to_string()),
    };
    match checked {
        Ok(v) => {
            p.set.push((spec.long, v));
            Ok(())
        }
        Err(why) => Err(FlagError(format!(
            "invalid argument \"{value}\" for \"{}\" flag: {why}",
            spec.display_name()
        ))),
    }
}

/// Parse `args` (the words after the command) against `specs`.
pub fn parse(args: &[String], specs: &[Spec]) -> Result<Parsed, FlagError> {
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
            if long.starts_with(['-', '=']) {
                return Err(FlagError(format!("bad flag syntax: {arg}")));
            }
            let (name, inline) = match long.split_once('=') {
                Some((n, v)) => (n, Some(v)),
                None => (long, None),
            };
            let spec = specs
                .iter()
                .find(|s| s.long == name)
                .ok_or_else(|| FlagError(format!("unknown flag: --{name}")))?;
            let value = match inline {
                Some(v) => v.to_string(),
                None if !spec.takes_value() => "true".to_string(),
                None => {
                    let v = args
                        .get(i)
                        .ok_or_else(|| FlagError(format!("flag needs an argument: {arg}")))?;
                    i += 1;
                    v.clone()
                }
            };
            set(&mut p, spec, &value)?;
            continue;
        }
        // Shorthands, possibly grouped (`-it`) or with their value attached (`-nprod`).
        // pflag names what is left of the group in its messages.
        let mut rest = arg.get(1..).unwrap_or("");
        while let Some(c) = rest.chars().next() {
            let after = rest.get(c.len_utf8()..).unwrap_or("");
            let spec = specs
                .iter()
                .find(|s| s.short == Some(c))
                .ok_or_else(|| FlagError(format!("unknown shorthand flag: '{c}' in -{rest}")))?;
            let value = if let Some(v) = after.strip_prefix('=').filter(|v| !v.is_empty()) {
                // `-n=prod`, `-A=false`.
                let v = v.to_string();
                rest = "";
                v
            } else if !spec.takes_value() {
                rest = after;
                "true".to_string()
            } else if !after.is_empty() {
                let v = after.to_string();
                rest = "";
                v
            } else {
                let v = args.get(i).ok_or_else(|| {
                    FlagError(format!("flag needs an argument: '{c}' in -{rest}"))
                })?;
                i += 1;
                rest = "";
                v.clone()
            };
            set(&mut p, spec, &value)?;
        }
    }
    Ok(p)
}

#[cfg(test)]
mod tests {
    use super::*;

    const SPECS: &[Spec] = &[
        string("namespace", Some('n')),
        string("filename", Some('f')),
        boolean("all-namespaces", Some('A')),
        boolean("stdin", Some('i')),
        boolean("tty", Some('t')),
        int("replicas", None, 64),
        uint("count", None, 32),
    ];

    fn p(args: &[&str]) -> Result<Parsed, String> {
        parse(
            &args.iter().map(|s| s.to_string()).collect::<Vec<_>>(),
            SPECS,
        )
        .map_err(|e| e.to_string())
    }

    #[test]
    fn spellings() {
        let x = p(&["a", "-nprod", "-it", "--replicas=3", "b", "--", "c", "-n"]).unwrap();
        assert_eq!(x.positionals, ["a", "b"]);
        assert_eq!(x.value("namespace"), Some("prod"));
        assert!(x.flag("stdin") && x.flag("tty"));
        assert_eq!(x.int("replicas"), Some(3));
        assert_eq!(x.rest, Some(vec!["c".to_string(), "-n".to_string()]));
        assert_eq!(p(&["--replicas", "-2"]).unwrap().int("replicas"), Some(-2));
        assert_eq!(p(&["-n=x"]).unwrap().value("namespace"), Some("x"));
        assert_eq!(p(&["-n", "-"]).unwrap().value("namespace"), Some("-"));
        assert_eq!(p(&["-", "x"]).unwrap().positionals, ["-", "x"]);
        let files = p(&["-f", "a", "--filename=b", "-fc", "-f=d"]).unwrap();
        assert_eq!(
            files.values("filename").collect::<Vec<_>>(),
            ["a", "b", "c", "d"]
        );
        assert_eq!(files.value("filename"), Some("d"));
        let b = p(&["-A", "--all-namespaces=false"]).unwrap();
        assert!(!b.flag("all-namespaces"));
        assert!(!p(&["-A=false"]).unwrap().flag("all-namespaces"));
        assert_eq!(
            p(&["-A", "-n", "x"]).unwrap().flags().collect::<Vec<_>>(),
            [("all-namespaces", "true"), ("namespace", "x")]
        );
        assert_eq!(
            p(&["--count=4294967295"]).unwrap().uint("count"),
            Some(4_294_967_295)
        );
    }

    #[test]
    fn errors_are_pflags() {
        assert_eq!(p(&["--x"]).unwrap_err(), "unknown flag: --x");
        assert_eq!(p(&["-x"]).unwrap_err(), "unknown shorthand flag: 'x' in -x");
        assert_eq!(
            p(&["-Ax"]).unwrap_err(),
            "unknown shorthand flag: 'x' in -x"
        );
        assert_eq!(p(&["-n"]).unwrap_err(), "flag needs an argument: 'n' in -n");
        assert_eq!(
            p(&["-An"]).unwrap_err(),
            "flag needs an argument: 'n' in -n"
        );
        assert_eq!(
            p(&["--namespace"]).unwrap_err(),
            "flag needs an argument: --namespace"
        );
        assert_eq!(p(&["---x"]).unwrap_err(), "bad flag syntax: ---x");
        assert_eq!(p(&["--=x"]).unwrap_err(), "bad flag syntax: --=x");
        assert_eq!(
            p(&["-A=maybe"]).unwrap_err(),
            "invalid argument \"maybe\" for \"-A, --all-namespaces\" flag: strconv.ParseBool: parsing \"maybe\": invalid syntax"
        );
        assert_eq!(
            p(&["--replicas=x"]).unwrap_err(),
            "invalid argument \"x\" for \"--replicas\" flag: strconv.ParseInt: parsing \"x\": invalid syntax"
        );
        assert_eq!(
            p(&["--count", "-1"]).unwrap_err(),
            "invalid argument \"-1\" for \"--count\" flag: strconv.ParseUint: parsing \"-1\": invalid syntax"
        );
        assert_eq!(
            p(&["--count", "4294967296"]).unwrap_err(),
            "invalid argument \"4294967296\" for \"--count\" flag: strconv.ParseUint: parsing \"4294967296\": value out of range"
        );
        // Values are checked in order: the first problem wins.
        assert_eq!(
            p(&["--count=x", "--bogus"]).unwrap_err(),
            "invalid argument \"x\" for \"--count\" flag: strconv.ParseUint: parsing \"x\": invalid syntax"
        );
        assert!(p(&["-é"]).is_err());
        assert!(p(&["-nä"]).is_ok());
    }
}
