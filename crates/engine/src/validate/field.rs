//! `field.Error` and how kube-apiserver and kubectl print it.
//!
//! Reproduces `k8s.io/apimachinery/pkg/util/validation/field/errors.go` (`<path>: <ErrorBody>`),
//! `api/errors.NewInvalid` (`<Kind> "<name>" is invalid: …`) and kubectl's rendering of an
//! Invalid status (one cause on one line; several causes as a `* ` list under the prefix).

use crate::manifest::Pos;
use serde::Serialize;

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
    /// Go's `%#v` of a `[]string`.
    pub fn string_slice(v: &[String]) -> BadValue {
        let items: Vec<String> = v.iter().map(|s| go_quote(s)).collect();
        BadValue::GoSyntax(format!("[]string{{{}}}", items.join(", ")))
    }
}

/// Go's `strconv.Quote` for the strings we meet (ASCII escapes, `\u` for other controls).
pub fn go_quote(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            '\u{7}' => out.push_str("\\a"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            '\u{b}' => out.push_str("\\v"),
            c if (c as u32) < 0x20 || c as u32 == 0x7f => {
                out.push_str(&format!("\\x{:02x}", c as u32));
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
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
                    s.push_str(v);
                }
                BadValue::Str(v) => {
                    s.push_str(": ");
                    s.push_str(&go_quote(v));
                }
            }
        }
        if !self.detail.is_empty() {
            s.push_str(": ");
            s.push_str(&self.detail);
        }
        s
    }
}

impl std::fmt::Display for FieldError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}: {}", self.field, self.body())
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

/// What kubectl prints for an Invalid error of `kind`/`name` with these causes.
pub fn kubectl_invalid(kind: &str, name: &str, errors: &[FieldError]) -> String {
    let prefix = format!("The {kind} \"{name}\" is invalid: ");
    match errors {
        [one] => format!("{prefix}{one}"),
        many => {
            let mut s = prefix;
            for e in many {
                s.push_str(&format!("\n* {e}"));
            }
            s
        }
    }
}

/// The API Status message (`NewInvalid`): `<Kind> "<name>" is invalid: e` or `[e1, e2]`.
pub fn status_invalid_message(kind: &str, name: &str, errors: &[FieldError]) -> String {
    let agg = match errors {
        [one] => one.to_string(),
        many => format!(
            "[{}]",
            many.iter()
                .map(ToString::to_string)
                .collect::<Vec<_>>()
                .join(", ")
        ),
    };
    format!("{kind} \"{name}\" is invalid: {agg}")
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
}
