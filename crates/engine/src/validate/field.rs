//! `field.Error` and how kube-apiserver and kubectl print it.
//!
//! Reproduces `k8s.io/apimachinery/pkg/util/validation/field/errors.go` (`<path>: <ErrorBody>`),
//! `api/errors.NewInvalid` (`<Kind> "<name>" is invalid: …`) and kubectl's rendering of an
//! Invalid status (one cause on one line; several causes as a `* ` list under the prefix).
//!
//! User text is quoted as Go's `%q` quotes it ([`go_quote`]: `ErrorBody` prints a string value
//! with `%q`, `NewInvalid` and kubectl print the object's name with `%q`), so invisible and
//! bidirectional characters show as `\u202e`. What Kubernetes prints whole, svcsim caps (see
//! [`crate::quote`]): a quoted value at [`MAX_QUOTED`] bytes, the rest of an error (field path,
//! precomputed value, detail) at [`MAX_RENDERED`] bytes, each cut marked with the number of
//! bytes left out. Errors about ordinary values print exactly as kube-apiserver prints them.

use crate::manifest::Pos;
pub use crate::quote::go_quote;
use crate::quote::{escape_invisible, go_quote_capped, truncate, MAX_QUOTED};
use serde::Serialize;
use std::borrow::Cow;

/// Longest field path, precomputed value or detail an error prints whole. These are built by
/// svcsim (a Go `%#v` form, a detail naming the rule) but can carry user text: a path names
/// a manifest's keys, a `map[string]string{…}` holds its labels.
pub const MAX_RENDERED: usize = 4 * MAX_QUOTED;

/// A part of an error svcsim built around user text: at most [`MAX_RENDERED`] bytes, with
/// non-printable runes shown as Go escapes. Unchanged for ordinary text.
fn rendered(part: &str) -> Cow<'_, str> {
    match truncate(part, MAX_RENDERED) {
        Cow::Borrowed(b) => escape_invisible(b),
        Cow::Owned(o) => Cow::Owned(escape_invisible(&o).into_owned()),
    }
}

/// `field.ErrorType`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
pub enum ErrorType {
    NotFound,
    Required,
    Duplicate,
    Invalid,
    NotSupported,
    Forbidden,
    TooLong,
    TooMany,
    Internal,
}

impl ErrorType {
    /// The words Kubernetes prints for the type.
    pub fn as_str(self) -> &'static str {
        match self {
            ErrorType::NotFound => "Not found",
            ErrorType::Required => "Required value",
            ErrorType::Duplicate => "Duplicate value",
            ErrorType::Invalid => "Invalid value",
            ErrorType::NotSupported => "Unsupported value",
            ErrorType::Forbidden => "Forbidden",
            ErrorType::TooLong => "Too long",
            ErrorType::TooMany => "Too many",
            ErrorType::Internal => "Internal error",
        }
    }
}

/// The offending value, already rendered as Go would print it.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
pub enum BadValue {
    /// No value is printed (`field.Required`, `field.Forbidden`, or `omitValue`).
    Omit,
    /// Integers, booleans: `%v`.
    Plain(String),
    /// Strings: Go-quoted (`"HTTP"`).
    Str(String),
    /// Anything else: Go's `%#v` form, precomputed (`[]string{"10.0.0.10"}`).
    GoSyntax(String),
}

impl BadValue {
    pub fn int(v: impl std::fmt::Display) -> BadValue {
        BadValue::Plain(v.to_string())
    }
    pub fn str(v: impl Into<String>) -> BadValue {
        BadValue::Str(v.into())
    }
    /// Go's `%#v` of a `[]string` (each item capped as [`go_quote_capped`] caps it).
    pub fn string_slice(v: &[String]) -> BadValue {
        let items: Vec<String> = v.iter().map(|s| go_quote_capped(s)).collect();
        BadValue::GoSyntax(format!("[]string{{{}}}", items.join(", ")))
    }
}

/// One validation error (`field.Error`), with where in the manifest it points once resolved.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FieldError {
    #[serde(rename = "type")]
    pub type_: ErrorType,
    /// Field path, e.g. `spec.ports[0].nodePort`.
    pub field: String,
    pub bad_value: BadValue,
    pub detail: String,
    /// Filled by the cluster from the manifest tree (None for objects not from text).
    pub pos: Option<Pos>,
}

impl FieldError {
    fn new(
        type_: ErrorType,
        field: impl Into<String>,
        bad_value: BadValue,
        detail: impl Into<String>,
    ) -> Self {
        FieldError {
            type_,
            field: field.into(),
            bad_value,
            detail: detail.into(),
            pos: None,
        }
    }
    pub fn invalid(field: impl Into<String>, value: BadValue, detail: impl Into<String>) -> Self {
        Self::new(ErrorType::Invalid, field, value, detail)
    }
    pub fn required(field: impl Into<String>, detail: impl Into<String>) -> Self {
        Self::new(ErrorType::Required, field, BadValue::Omit, detail)
    }
    pub fn forbidden(field: impl Into<String>, detail: impl Into<String>) -> Self {
        Self::new(ErrorType::Forbidden, field, BadValue::Omit, detail)
    }
    pub fn duplicate(field: impl Into<String>, value: BadValue) -> Self {
        Self::new(ErrorType::Duplicate, field, value, "")
    }
    pub fn not_found(field: impl Into<String>, value: BadValue) -> Self {
        Self::new(ErrorType::NotFound, field, value, "")
    }
    /// `field.NotSupported`: detail lists the supported values, Go-quoted and comma-joined.
    pub fn not_supported(field: impl Into<String>, value: BadValue, supported: &[&str]) -> Self {
        let detail = if supported.is_empty() {
            String::new()
        } else {
            let quoted: Vec<String> = supported.iter().map(|s| go_quote(s)).collect();
            format!("supported values: {}", quoted.join(", "))
        };
        Self::new(ErrorType::NotSupported, field, value, detail)
    }
    /// `field.TooLong` (value omitted in the message).
    pub fn too_long(field: impl Into<String>, max: usize) -> Self {
        Self::new(
            ErrorType::TooLong,
            field,
            BadValue::Omit,
            format!("may not be more than {max} bytes"),
        )
    }
    /// `field.TooMany`.
    pub fn too_many(field: impl Into<String>, actual: usize, max: usize) -> Self {
        Self::new(
            ErrorType::TooMany,
            field,
            BadValue::int(actual),
            format!("must have at most {max} items"),
        )
    }
    pub fn internal(field: impl Into<String>, detail: impl Into<String>) -> Self {
        Self::new(ErrorType::Internal, field, BadValue::Omit, detail)
    }

    /// `ErrorBody()`: type words, then `: <value>` unless omitted, then `: <detail>`.
    pub fn body(&self) -> String {
        let mut s = self.type_.as_str().to_string();
        let show_value = !matches!(
            self.type_,
            ErrorType::Required | ErrorType::Forbidden | ErrorType::TooLong | ErrorType::Internal
        );
        if show_value {
            match &self.bad_value {
                BadValue::Omit => {}
                BadValue::Plain(v) | BadValue::GoSyntax(v) => {
                    s.push_str(": ");
                    s.push_str(&rendered(v));
                }
                BadValue::Str(v) => {
                    s.push_str(": ");
                    s.push_str(&go_quote_capped(v));
                }
            }
        }
        if !self.detail.is_empty() {
            s.push_str(": ");
            s.push_str(&rendered(&self.detail));
        }
        s
    }
}

impl std::fmt::Display for FieldError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", rendered(&self.field), self.body())
    }
}

/// `field.ErrorList`.
pub type ErrorList = Vec<FieldError>;

/// `field.Invalid` with a string value, the common case of a failed format check.
pub(super) fn invalid_str(
    path: impl Into<String>,
    value: &str,
    detail: impl Into<String>,
) -> FieldError {
    FieldError::invalid(path, BadValue::str(value), detail)
}

/// Each message of a `[]string` check as an `Invalid value: "<v>"` error.
pub(super) fn each_invalid(path: &str, value: &str, msgs: Vec<String>) -> ErrorList {
    msgs.into_iter()
        .map(|m| invalid_str(path, value, m))
        .collect()
}

/// Drop repeated messages, keeping the first of each (`ErrorList.ToAggregate` dedups).
pub fn dedup(errors: &mut ErrorList) {
    let mut seen = std::collections::HashSet::new();
    errors.retain(|e| seen.insert(e.to_string()));
}

/// Most text the causes of one Invalid error print before the rest are counted instead.
/// kubectl prints every cause; but a manifest can repeat one bad item through YAML aliases
/// (`- *port` costs six bytes and yields several causes of up to a few KiB each), so svcsim
/// stops at 256 KiB, far past any real object's errors, and says how many causes it left out.
pub const MAX_CAUSES_TEXT: usize = 256 * 1024;

/// How many of `errors` an Invalid message prints: all of them, unless their text passes
/// [`MAX_CAUSES_TEXT`]; then as many as fit, at least one. Costs O([`MAX_CAUSES_TEXT`]) at
/// most, however many causes there are. A caller that points at each cause's place (the
/// CLI's `--> file:line:col`) points at these.
pub fn causes_shown(errors: &[FieldError]) -> usize {
    let mut total = 0usize;
    for (i, e) in errors.iter().enumerate() {
        total = total.saturating_add(e.to_string().len() + 3);
        if total > MAX_CAUSES_TEXT && i > 0 {
            return i;
        }
    }
    errors.len()
}

/// The marker for causes left out.
fn more_causes(left_out: usize) -> String {
    format!("... ({left_out} more errors omitted)")
}

/// What kubectl prints for an Invalid error of `kind`/`name` with these causes
/// (`cmd/util/helpers.go`: `The %s %q is invalid`, the name Go-quoted; one cause on the line,
/// several as a `* ` list), at most [`causes_shown`] of them.
pub fn kubectl_invalid(kind: &str, name: &str, errors: &[FieldError]) -> String {
    let prefix = format!("The {kind} {} is invalid: ", go_quote_capped(name));
    match errors {
        [one] => format!("{prefix}{one}"),
        many => {
            let shown = causes_shown(many);
            let mut s = prefix;
            for e in many.iter().take(shown) {
                s.push_str(&format!("\n* {e}"));
            }
            if shown < many.len() {
                s.push_str(&format!("\n* {}", more_causes(many.len() - shown)));
            }
            s
        }
    }
}

/// The API Status message (`NewInvalid`: `%s %q is invalid: %v`): `<Kind> "<name>" is
/// invalid: e` or `[e1, e2]`, at most [`causes_shown`] causes.
pub fn status_invalid_message(kind: &str, name: &str, errors: &[FieldError]) -> String {
    let agg = match errors {
        [one] => one.to_string(),
        many => {
            let shown = causes_shown(many);
            let mut parts: Vec<String> = many.iter().take(shown).map(ToString::to_string).collect();
            if shown < many.len() {
                parts.push(more_causes(many.len() - shown));
            }
            format!("[{}]", parts.join(", "))
        }
    };
    format!("{kind} {} is invalid: {agg}", go_quote_capped(name))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bodies_print_like_kubernetes() {
        let e = FieldError::invalid(
            "spec.ports[0].nodePort",
            BadValue::int(80),
            "provided port is not in the valid range. The range of valid ports is 30000-32767",
        );
        assert_eq!(
            kubectl_invalid("Service", "x", &[e]),
            "The Service \"x\" is invalid: spec.ports[0].nodePort: Invalid value: 80: provided port is not in the valid range. The range of valid ports is 30000-32767"
        );
        let r = FieldError::required("spec.ports", "");
        assert_eq!(r.to_string(), "spec.ports: Required value");
        let n = FieldError::not_supported(
            "spec.type",
            BadValue::str("Foo"),
            &["ClusterIP", "ExternalName", "LoadBalancer", "NodePort"],
        );
        assert_eq!(
            n.to_string(),
            "spec.type: Unsupported value: \"Foo\": supported values: \"ClusterIP\", \"ExternalName\", \"LoadBalancer\", \"NodePort\""
        );
        let f = FieldError::forbidden(
            "spec.ports[0].nodePort",
            "may not be used when `type` is 'ClusterIP'",
        );
        assert_eq!(
            f.to_string(),
            "spec.ports[0].nodePort: Forbidden: may not be used when `type` is 'ClusterIP'"
        );
        assert_eq!(
            BadValue::string_slice(&["10.0.0.10".into()]),
            BadValue::GoSyntax("[]string{\"10.0.0.10\"}".into())
        );
    }

    #[test]
    fn many_causes_use_the_list_form() {
        let a = FieldError::required("spec.ports[0].name", "");
        let b = FieldError::required("spec.ports[1].name", "");
        assert_eq!(
            kubectl_invalid("Service", "x", &[a.clone(), b.clone()]),
            "The Service \"x\" is invalid: \n* spec.ports[0].name: Required value\n* spec.ports[1].name: Required value"
        );
        assert_eq!(
            status_invalid_message("Service", "x", &[a, b]),
            "Service \"x\" is invalid: [spec.ports[0].name: Required value, spec.ports[1].name: Required value]"
        );
    }

    /// Hostile values: a 1 MB and a 10 MB value, invisible and bidirectional characters,
    /// ANSI escape sequences. The body stays bounded and shows every rune.
    #[test]
    fn hostile_values_are_capped_and_escaped() {
        let mb = "b".repeat(1 << 20);
        let ten_mb = "c".repeat(10_000_000);
        let cases: Vec<(FieldError, String)> = vec![
            (
                FieldError::not_supported("spec.type", BadValue::str(mb.as_str()), &["ClusterIP"]),
                format!(
                    "spec.type: Unsupported value: \"{}\"... ({} bytes omitted): supported values: \"ClusterIP\"",
                    "b".repeat(MAX_QUOTED),
                    (1 << 20) - MAX_QUOTED
                ),
            ),
            (
                FieldError::invalid("metadata.name", BadValue::str(ten_mb.as_str()), "too long"),
                format!(
                    "metadata.name: Invalid value: \"{}\"... ({} bytes omitted): too long",
                    "c".repeat(MAX_QUOTED),
                    10_000_000 - MAX_QUOTED
                ),
            ),
            (
                FieldError::invalid(
                    "metadata.name",
                    BadValue::str("adm\u{202e}nim\u{200b}"),
                    "a DNS-1123 label",
                ),
                "metadata.name: Invalid value: \"adm\\u202enim\\u200b\": a DNS-1123 label"
                    .to_string(),
            ),
            (
                FieldError::invalid("spec.x", BadValue::str("\u{1b}[31mred\u{1b}[0m"), "bad"),
                "spec.x: Invalid value: \"\\x1b[31mred\\x1b[0m\": bad".to_string(),
            ),
            (
                // A path built from a manifest's key, a precomputed Go value holding user text.
                FieldError::invalid(
                    "metadata.labels[\u{1b}[2J]",
                    BadValue::string_slice(std::slice::from_ref(&mb)),
                    "",
                ),
                format!(
                    "metadata.labels[\\x1b[2J]: Invalid value: []string{{\"{}\"... ({} bytes omitted)}}",
                    "b".repeat(MAX_QUOTED),
                    (1 << 20) - MAX_QUOTED
                ),
            ),
        ];
        for (e, want) in cases {
            assert_eq!(e.to_string(), want);
            assert!(e.to_string().len() < MAX_RENDERED + 200);
        }
        let huge = BadValue::GoSyntax(format!("map[string]string{{\"k\":{}}}", go_quote(&mb)));
        let e = FieldError::invalid("metadata.labels", huge, "");
        let text = e.to_string();
        assert!(text.len() < MAX_RENDERED + 100, "{}", text.len());
        assert!(
            text.ends_with(" bytes omitted)"),
            "{}",
            &text[text.len() - 40..]
        );
    }

    #[test]
    fn names_are_go_quoted_in_invalid_headers() {
        let e = FieldError::required("spec.ports", "");
        assert_eq!(
            kubectl_invalid("Widget", "a\u{202e}b\"c", std::slice::from_ref(&e)),
            "The Widget \"a\\u202eb\\\"c\" is invalid: spec.ports: Required value"
        );
        let long = "n".repeat(5000);
        let text = status_invalid_message("Service", &long, &[e]);
        assert_eq!(
            text,
            format!(
                "Service \"{}\"... ({} bytes omitted) is invalid: spec.ports: Required value",
                "n".repeat(MAX_QUOTED),
                5000 - MAX_QUOTED
            )
        );
    }

    /// Two hundred thousand causes (one bad port repeated through an alias) print as many as
    /// fit in [`MAX_CAUSES_TEXT`], then a count of the rest.
    #[test]
    fn many_causes_are_bounded() {
        let causes: Vec<FieldError> = (0..200_000)
            .map(|i| FieldError::invalid(format!("spec.ports[{i}].port"), BadValue::int(0), "x"))
            .collect();
        let shown = causes_shown(&causes);
        assert!(shown > 1000 && shown < 200_000, "{shown}");
        let text = kubectl_invalid("Service", "web", &causes);
        assert!(text.len() <= MAX_CAUSES_TEXT + 200, "{}", text.len());
        assert!(text.ends_with(&format!(
            "\n* ... ({} more errors omitted)",
            200_000 - shown
        )));
        let status = status_invalid_message("Service", "web", &causes);
        assert!(status.ends_with(&format!(", ... ({} more errors omitted)]", 200_000 - shown)));
        assert_eq!(causes_shown(&causes[..3]), 3);
    }
}
