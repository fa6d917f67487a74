//! Label selectors as text, as `kubectl get -l` / `--selector` sends them and kube-apiserver
//! parses them (apimachinery's `labels` package, `k8s.io/apimachinery/pkg/labels/selector.go`).
//!
//! The structured form objects carry (`matchLabels`/`matchExpressions`) is
//! [`crate::api::meta::LabelSelector`]; this is the query language. It sits above `validate`
//! because a requirement's key and values are checked with the same rules as object labels.

use std::collections::BTreeMap;

/// `selection.Operator`: how a [`Requirement`] relates a label key to its values.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Operator {
    /// `k=v`.
    Equals,
    /// `k==v` (the same test as `=`; kept apart so the selector prints as it was written).
    DoubleEquals,
    /// `k!=v`: also true when the label is missing.
    NotEquals,
    /// `k in (a,b)`.
    In,
    /// `k notin (a,b)`: also true when the label is missing.
    NotIn,
    /// `k`: the label is set, to anything.
    Exists,
    /// `!k`: the label is not set.
    DoesNotExist,
    /// `k>1`: the label's value is an integer greater than the one given.
    GreaterThan,
    /// `k<1`.
    LessThan,
}

impl Operator {
    /// The operator's name in apimachinery's `selection` package (what parse errors list).
    pub fn as_str(self) -> &'static str {
        match self {
            Operator::Equals => "=",
            Operator::DoubleEquals => "==",
            Operator::NotEquals => "!=",
            Operator::In => "in",
            Operator::NotIn => "notin",
            Operator::Exists => "exists",
            Operator::DoesNotExist => "!",
            Operator::GreaterThan => "gt",
            Operator::LessThan => "lt",
        }
    }
}

/// `labels.Requirement`: one comma-separated term of a selector. `values` are sorted and
/// without repeats, as the parser collects them in a `sets.String`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Requirement {
    pub key: String,
    pub operator: Operator,
    pub values: Vec<String>,
}

impl Requirement {
    /// `Requirement.Matches`: `!=` and `notin` also match objects without the label; `>` and `<`
    /// compare base-10 integers and never match a value that is not one.
    pub fn matches(&self, labels: &BTreeMap<String, String>) -> bool {
        let value = labels.get(&self.key);
        let has = |v: &String| self.values.contains(v);
        match self.operator {
            Operator::Equals | Operator::DoubleEquals | Operator::In => value.is_some_and(has),
            Operator::NotEquals | Operator::NotIn => !value.is_some_and(has),
            Operator::Exists => value.is_some(),
            Operator::DoesNotExist => value.is_none(),
            Operator::GreaterThan | Operator::LessThan => {
                let (Some(have), [want]) = (value, self.values.as_slice()) else {
                    return false;
                };
                match (have.parse::<i64>(), want.parse::<i64>()) {
                    (Ok(have), Ok(want)) if self.operator == Operator::GreaterThan => have > want,
                    (Ok(have), Ok(want)) => have < want,
                    _ => false,
                }
            }
        }
    }
}

/// `Requirement.String`: `!k`, `k`, `k=v`, `k in (a,b)` (values sorted).
impl std::fmt::Display for Requirement {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        if self.operator == Operator::DoesNotExist {
            f.write_str("!")?;
        }
        f.write_str(&self.key)?;
        let op = match self.operator {
            Operator::Exists | Operator::DoesNotExist => return Ok(()),
            Operator::Equals => "=",
            Operator::DoubleEquals => "==",
            Operator::NotEquals => "!=",
            Operator::In => " in ",
            Operator::NotIn => " notin ",
            Operator::GreaterThan => ">",
            Operator::LessThan => "<",
        };
        let set = matches!(self.operator, Operator::In | Operator::NotIn);
        f.write_str(op)?;
        if set {
            f.write_str("(")?;
        }
        f.write_str(&self.values.join(","))?;
        if set {
            f.write_str(")")?;
        }
        Ok(())
    }
}

/// A label selector parsed from text, as `kubectl get -l` / `--selector` sends it and
/// kube-apiserver parses it (`labels.Parse`, `k8s.io/apimachinery/pkg/labels/selector.go`):
/// comma-separated requirements that must all hold — equality (`k=v`, `k==v`, `k!=v`),
/// existence (`k`, `!k`), sets (`k in (a,b)`, `k notin (a)`) and integer comparisons
/// (`k>1`, `k<1`). The empty selector matches everything.
///
/// [`LabelSelector`](crate::api::meta::LabelSelector) is the structured form objects carry (`matchLabels`/`matchExpressions`);
/// this is the query language. Following kube-rs' `labels.rs`, it is data with a `matches`
/// method.
#[derive(Debug, Clone, Default, PartialEq, Eq, Hash)]
pub struct Selector {
    /// Sorted by key (apimachinery sorts them "to grant deterministic parsing").
    pub requirements: Vec<Requirement>,
}

/// Why a selector's text does not parse; `Display` is apimachinery's message, e.g.
/// `unable to parse requirement: found '', expected: in, notin, =, ==, !=, gt, lt`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct SelectorError(pub String);

impl Selector {
    /// `labels.Parse`, with its error texts. Nothing is trimmed here: kubectl trims `-l`
    /// before sending it.
    pub fn parse(text: &str) -> Result<Selector, SelectorError> {
        let mut parser = Parser {
            items: lex(text.as_bytes()),
            position: 0,
        };
        let mut requirements = parser.parse().map_err(SelectorError)?;
        // A stable sort: equal keys keep the order they were written in.
        requirements.sort_by(|a, b| a.key.cmp(&b.key));
        Ok(Selector { requirements })
    }

    /// Whether the selector selects everything (no requirements).
    pub fn is_empty(&self) -> bool {
        self.requirements.is_empty()
    }

    /// Every requirement holds for `labels`.
    pub fn matches(&self, labels: &BTreeMap<String, String>) -> bool {
        self.requirements.iter().all(|r| r.matches(labels))
    }
}

/// `internalSelector.String`: the requirements, comma-joined.
impl std::fmt::Display for Selector {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        for (i, r) in self.requirements.iter().enumerate() {
            if i > 0 {
                f.write_str(",")?;
            }
            write!(f, "{r}")?;
        }
        Ok(())
    }
}

/// The selector lexer's tokens (`labels.Token`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Token {
    Error,
    EndOfString,
    ClosedPar,
    Comma,
    DoesNotExist,
    DoubleEquals,
    Equals,
    GreaterThan,
    Identifier,
    In,
    LessThan,
    NotEquals,
    NotIn,
    OpenPar,
}

/// `string2token`: the literals that are tokens rather than identifiers.
fn literal_token(s: &[u8]) -> Option<Token> {
    Some(match s {
        b")" => Token::ClosedPar,
        b"," => Token::Comma,
        b"!" => Token::DoesNotExist,
        b"==" => Token::DoubleEquals,
        b"=" => Token::Equals,
        b">" => Token::GreaterThan,
        b"in" => Token::In,
        b"<" => Token::LessThan,
        b"!=" => Token::NotEquals,
        b"notin" => Token::NotIn,
        b"(" => Token::OpenPar,
        _ => return None,
    })
}

fn is_whitespace(c: u8) -> bool {
    matches!(c, b' ' | b'\t' | b'\r' | b'\n')
}

fn is_special(c: u8) -> bool {
    matches!(c, b'=' | b'!' | b'(' | b')' | b',' | b'>' | b'<')
}

/// The lexer works on bytes as Go's does: a NUL byte reads like the end of the text (a quirk
/// kept so odd input lexes the same), and identifiers end only at ASCII bytes, so every
/// literal is valid UTF-8.
struct Lexer<'a> {
    s: &'a [u8],
    pos: usize,
}

impl Lexer<'_> {
    fn read(&mut self) -> u8 {
        match self.s.get(self.pos) {
            Some(&b) => {
                self.pos += 1;
                b
            }
            None => 0,
        }
    }

    fn unread(&mut self) {
        self.pos = self.pos.saturating_sub(1);
    }

    fn literal(bytes: &[u8]) -> String {
        String::from_utf8_lossy(bytes).into_owned()
    }

    /// An identifier, or the keywords `in` / `notin`.
    fn id_or_keyword(&mut self) -> (Token, String) {
        let mut buffer = Vec::new();
        loop {
            let c = self.read();
            if c == 0 {
                break;
            }
            if is_special(c) || is_whitespace(c) {
                self.unread();
                break;
            }
            buffer.push(c);
        }
        let tok = match literal_token(&buffer) {
            Some(t) => t,
            None => Token::Identifier,
        };
        (tok, Self::literal(&buffer))
    }

    /// The longest run of special characters that is still a token (`!=`, `==`, `=`, …).
    fn special(&mut self) -> (Token, String) {
        let mut buffer = Vec::new();
        let mut last: Option<(Token, String)> = None;
        loop {
            let c = self.read();
            if c == 0 {
                break;
            }
            if !is_special(c) {
                self.unread();
                break;
            }
            buffer.push(c);
            match literal_token(&buffer) {
                Some(t) => last = Some((t, Self::literal(&buffer))),
                None if last.is_some() => {
                    self.unread();
                    break;
                }
                None => {}
            }
        }
        last.unwrap_or_else(|| {
            (
                Token::Error,
                format!("error expected: keyword found '{}'", Self::literal(&buffer)),
            )
        })
    }

    fn lex(&mut self) -> (Token, String) {
        let mut c = self.read();
        while is_whitespace(c) {
            c = self.read();
        }
        if c == 0 {
            return (Token::EndOfString, String::new());
        }
        self.unread();
        if is_special(c) {
            self.special()
        } else {
            self.id_or_keyword()
        }
    }
}

/// Every token of `s`, ending with [`Token::EndOfString`].
fn lex(s: &[u8]) -> Vec<(Token, String)> {
    let mut lexer = Lexer { s, pos: 0 };
    let mut items = Vec::new();
    loop {
        let item = lexer.lex();
        let end = item.0 == Token::EndOfString;
        items.push(item);
        if end {
            return items;
        }
    }
}

/// Where the parser is: after a key `in`/`notin` are operators; among values they are plain
/// identifiers (`x in (in)` is valid).
#[derive(Clone, Copy, PartialEq, Eq)]
enum Context {
    KeyAndOperator,
    Values,
}

/// `binaryOperators`, as the "expected:" part of an unknown-operator error lists them.
const BINARY_OPERATORS: &str = "in, notin, =, ==, !=, gt, lt";

struct Parser {
    items: Vec<(Token, String)>,
    position: usize,
}

impl Parser {
    fn lookahead(&self, context: Context) -> (Token, String) {
        let (tok, lit) = self
            .items
            .get(self.position)
            .cloned()
            .unwrap_or((Token::EndOfString, String::new()));
        match tok {
            Token::In | Token::NotIn if context == Context::Values => (Token::Identifier, lit),
            _ => (tok, lit),
        }
    }

    fn consume(&mut self, context: Context) -> (Token, String) {
        let item = self.lookahead(context);
        self.position += 1;
        item
    }

    fn parse(&mut self) -> Result<Vec<Requirement>, String> {
        let mut requirements = Vec::new();
        loop {
            let (tok, lit) = self.lookahead(Context::Values);
            match tok {
                Token::Identifier | Token::DoesNotExist => {
                    let r = self
                        .requirement()
                        .map_err(|e| format!("unable to parse requirement: {e}"))?;
                    requirements.push(r);
                    let (t, l) = self.consume(Context::Values);
                    match t {
                        Token::EndOfString => return Ok(requirements),
                        Token::Comma => {
                            let (t2, l2) = self.lookahead(Context::Values);
                            if t2 != Token::Identifier && t2 != Token::DoesNotExist {
                                return Err(format!(
                                    "found '{l2}', expected: identifier after ','"
                                ));
                            }
                        }
                        _ => return Err(format!("found '{l}', expected: ',' or 'end of string'")),
                    }
                }
                Token::EndOfString => return Ok(requirements),
                _ => {
                    return Err(format!(
                        "found '{lit}', expected: !, identifier, or 'end of string'"
                    ))
                }
            }
        }
    }

    fn requirement(&mut self) -> Result<Requirement, String> {
        let (key, inferred) = self.key_and_inferred_operator()?;
        if let Some(op) = inferred {
            return new_requirement(key, op, Vec::new());
        }
        let operator = self.operator()?;
        let values = match operator {
            Operator::In | Operator::NotIn => self.values()?,
            _ => self.exact_value()?,
        };
        new_requirement(key, operator, values.into_iter().collect())
    }

    /// `[!]KEY`; with nothing after the key the operator is `exists` (or `!`).
    fn key_and_inferred_operator(&mut self) -> Result<(String, Option<Operator>), String> {
        let mut operator = None;
        let (mut tok, mut lit) = self.consume(Context::Values);
        if tok == Token::DoesNotExist {
            operator = Some(Operator::DoesNotExist);
            (tok, lit) = self.consume(Context::Values);
        }
        if tok != Token::Identifier {
            return Err(format!("found '{lit}', expected: identifier"));
        }
        let errs = crate::validate::names::is_qualified_name(&lit);
        if !errs.is_empty() {
            // kube-apiserver parses without a field path: Go prints the nil path as `<nil>`.
            return Err(invalid("<nil>", &lit, &errs));
        }
        let (next, _) = self.lookahead(Context::Values);
        if matches!(next, Token::EndOfString | Token::Comma) && operator.is_none() {
            operator = Some(Operator::Exists);
        }
        Ok((lit, operator))
    }

    fn operator(&mut self) -> Result<Operator, String> {
        let (tok, lit) = self.consume(Context::KeyAndOperator);
        Ok(match tok {
            Token::In => Operator::In,
            Token::Equals => Operator::Equals,
            Token::DoubleEquals => Operator::DoubleEquals,
            Token::GreaterThan => Operator::GreaterThan,
            Token::LessThan => Operator::LessThan,
            Token::NotIn => Operator::NotIn,
            Token::NotEquals => Operator::NotEquals,
            _ => return Err(format!("found '{lit}', expected: {BINARY_OPERATORS}")),
        })
    }

    /// `(a,b,…)`: empty members are the empty string (`()`, `(,a)`).
    fn values(&mut self) -> Result<std::collections::BTreeSet<String>, String> {
        let (tok, lit) = self.consume(Context::Values);
        if tok != Token::OpenPar {
            return Err(format!("found '{lit}' expected: '('"));
        }
        let (tok, lit) = self.lookahead(Context::Values);
        match tok {
            Token::Identifier | Token::Comma => {
                let set = self.identifiers()?;
                let (closing, _) = self.consume(Context::Values);
                if closing != Token::ClosedPar {
                    // apimachinery names the token after `(` here, not the one it found.
                    return Err(format!("found '{lit}', expected: ')'"));
                }
                Ok(set)
            }
            Token::ClosedPar => {
                self.consume(Context::Values);
                Ok([String::new()].into())
            }
            _ => Err(format!("found '{lit}', expected: ',', ')' or identifier")),
        }
    }

    fn identifiers(&mut self) -> Result<std::collections::BTreeSet<String>, String> {
        let mut set = std::collections::BTreeSet::new();
        loop {
            let (tok, lit) = self.consume(Context::Values);
            match tok {
                Token::Identifier => {
                    set.insert(lit);
                    let (next, next_lit) = self.lookahead(Context::Values);
                    match next {
                        Token::Comma => continue,
                        Token::ClosedPar => return Ok(set),
                        _ => return Err(format!("found '{next_lit}', expected: ',' or ')'")),
                    }
                }
                Token::Comma => {
                    if set.is_empty() {
                        set.insert(String::new());
                    }
                    let (next, _) = self.lookahead(Context::Values);
                    if next == Token::ClosedPar {
                        set.insert(String::new());
                        return Ok(set);
                    }
                    if next == Token::Comma {
                        set.insert(String::new());
                    }
                }
                _ => return Err(format!("found '{lit}', expected: ',', or identifier")),
            }
        }
    }

    /// The one value after `=`, `==`, `!=`, `>` or `<` (empty when the term ends there).
    fn exact_value(&mut self) -> Result<std::collections::BTreeSet<String>, String> {
        let (tok, _) = self.lookahead(Context::Values);
        if matches!(tok, Token::EndOfString | Token::Comma) {
            return Ok([String::new()].into());
        }
        let (tok, lit) = self.consume(Context::Values);
        if tok == Token::Identifier {
            Ok([lit].into())
        } else {
            Err(format!("found '{lit}', expected: identifier"))
        }
    }
}

/// `field.Invalid(path, value, strings.Join(errs, "; "))` as Go prints it.
fn invalid(path: &str, value: &str, errs: &[String]) -> String {
    use crate::validate::field::{BadValue, FieldError};
    FieldError::invalid(path, BadValue::str(value), errs.join("; ")).to_string()
}

/// `labels.NewRequirement`'s checks on what the parser built: `>`/`<` need an integer, and
/// every value must be a valid label value; several errors print as an aggregate
/// (`[e1, e2]`, repeats dropped).
fn new_requirement(
    key: String,
    operator: Operator,
    values: Vec<String>,
) -> Result<Requirement, String> {
    let mut errors: Vec<String> = Vec::new();
    if matches!(operator, Operator::GreaterThan | Operator::LessThan) {
        for (i, v) in values.iter().enumerate() {
            if v.parse::<i64>().is_err() {
                errors.push(invalid(
                    &format!("values[{i}]"),
                    v,
                    &["for 'Gt', 'Lt' operators, the value must be an integer".to_string()],
                ));
            }
        }
    }
    for (i, v) in values.iter().enumerate() {
        let errs = crate::validate::names::is_valid_label_value(v);
        if !errs.is_empty() {
            errors.push(invalid(&format!("values[{i}][{key}]"), v, &errs));
        }
    }
    let mut seen = std::collections::HashSet::new();
    errors.retain(|e| seen.insert(e.clone()));
    match errors.as_slice() {
        [] => Ok(Requirement {
            key,
            operator,
            values,
        }),
        [one] => Err(one.clone()),
        many => Err(format!("[{}]", many.join(", "))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;

    fn labels(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
        pairs
            .iter()
            .map(|(k, v)| ((*k).to_string(), (*v).to_string()))
            .collect()
    }

    #[test]
    fn selector_text_matches_like_apimachinery() {
        let web = labels(&[("app", "web"), ("tier", "front"), ("replicas", "3")]);
        let bare = labels(&[]);
        for (text, on_web, on_bare) in [
            ("", true, true),
            ("app=web", true, false),
            ("app==web", true, false),
            ("app = web", true, false),
            ("app!=web", false, true),
            ("app!=db", true, true),
            ("app", true, false),
            ("!app", false, true),
            ("app in (web,db)", true, false),
            ("app in (db)", false, false),
            ("app notin (db)", true, true),
            ("app notin (web)", false, true),
            ("app=web,!tier", false, false),
            ("app=web,tier=front", true, false),
            ("replicas>2", true, false),
            ("replicas<2", false, false),
            ("app>2", false, false),
            ("app=", false, false),
            ("app in ()", false, false),
            ("x in (in)", false, false),
        ] {
            let s = Selector::parse(text).unwrap_or_else(|e| panic!("{text:?}: {e}"));
            assert_eq!(s.matches(&web), on_web, "{text:?} on web");
            assert_eq!(s.matches(&bare), on_bare, "{text:?} on no labels");
        }
        let empty_value = labels(&[("app", "")]);
        assert!(Selector::parse("app=").unwrap().matches(&empty_value));
        assert!(Selector::parse("app in (,x)")
            .unwrap()
            .matches(&empty_value));
    }

    #[test]
    fn selector_prints_sorted_like_string() {
        let s = Selector::parse("tier notin (b,a),!x,app==web,k,n>1").unwrap();
        assert_eq!(s.to_string(), "app==web,k,n>1,tier notin (a,b),!x");
        assert!(Selector::parse("  ").unwrap().is_empty());
    }

    #[test]
    fn selector_parse_errors_are_apimachinerys() {
        let err = |text: &str| Selector::parse(text).unwrap_err().to_string();
        assert_eq!(
            err("app in"),
            "unable to parse requirement: found '' expected: '('"
        );
        assert_eq!(
            err("app in (a"),
            "unable to parse requirement: found '', expected: ',' or ')'"
        );
        assert_eq!(
            err("app in a"),
            "unable to parse requirement: found 'a' expected: '('"
        );
        assert_eq!(
            err("app web"),
            "unable to parse requirement: found 'web', expected: in, notin, =, ==, !=, gt, lt"
        );
        assert_eq!(err("app=web,"), "found '', expected: identifier after ','");
        assert_eq!(err("a=b c"), "found 'c', expected: ',' or 'end of string'");
        assert_eq!(
            err("=web"),
            "found '=', expected: !, identifier, or 'end of string'"
        );
        assert_eq!(
            err("!"),
            "unable to parse requirement: found '', expected: identifier"
        );
        assert_eq!(err("!a=b"), "found '=', expected: ',' or 'end of string'");
        assert_eq!(
            err("app=(x)"),
            "unable to parse requirement: found '(', expected: identifier"
        );
        assert_eq!(
            err("app:web"),
            "unable to parse requirement: <nil>: Invalid value: \"app:web\": name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')"
        );
        assert_eq!(
            err("app=b@d"),
            "unable to parse requirement: values[0][app]: Invalid value: \"b@d\": a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')"
        );
        assert_eq!(
            err("n>x"),
            "unable to parse requirement: values[0]: Invalid value: \"x\": for 'Gt', 'Lt' operators, the value must be an integer"
        );
        assert!(err("n>-x").starts_with(
            "unable to parse requirement: [values[0]: Invalid value: \"-x\": for 'Gt', 'Lt' operators, the value must be an integer, values[0][n]: Invalid value: \"-x\": a valid label must"
        ));
    }

    #[test]
    fn selector_parsing_is_total() {
        for text in [
            "\u{0}",
            "a\u{0}=b",
            "é=ü",
            "((",
            "))",
            "a in ((",
            "a notin",
            "a,,b",
            "!!a",
            "a!==b",
            "a in (b,,c)",
            "<",
            "a<",
            "a<=1",
            ",",
            "in",
            "notin in (in)",
        ] {
            let _ = Selector::parse(text);
        }
        assert!(Selector::parse("a in (b,,c)")
            .unwrap()
            .matches(&labels(&[("a", "")])));
        assert_eq!(
            Selector::parse("notin in (in)").unwrap().to_string(),
            "notin in (in)"
        );
    }
}
