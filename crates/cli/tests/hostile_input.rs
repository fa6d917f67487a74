//! The hostile-input cases on the real binary: a 10 MB line, a 1 MB value, names with a
//! right-to-left override (U+202E) and a zero-width space (U+200B), ANSI escape sequences.
//! Whatever a manifest holds, `svcsim apply` and `get` print a bounded amount, every rune
//! that could reorder or hide text shows as its Go escape, and nothing reaches the terminal
//! as an escape sequence.

mod common;

use common::{svcsim_with_stdin, Run};

/// Runes that must never reach the terminal raw.
const INVISIBLE: &[char] = &['\u{1b}', '\u{202e}', '\u{200b}', '\u{7}'];

#[track_caller]
fn assert_clean(r: &Run) {
    for stream in [&r.stdout, &r.stderr] {
        if let Some(c) = stream.chars().find(|c| INVISIBLE.contains(c)) {
            panic!("{c:?} printed raw in {stream:?}");
        }
    }
}

fn apply(manifest: &str) -> Run {
    svcsim_with_stdin(&["apply", "-f", "-"], manifest)
}

#[test]
fn a_ten_megabyte_line_gives_a_bounded_error() {
    let line = "a".repeat(10_000_000);
    let r = apply(&format!("{line}\n"));
    assert_eq!(r.code, 1);
    assert_eq!(r.stdout, "");
    assert!(
        r.stderr.len() < 17 * 1024,
        "{} bytes on stderr",
        r.stderr.len()
    );
    assert!(r.stderr.starts_with(
        "error: error parsing STDIN: error unmarshaling JSON: while decoding JSON: Object 'Kind' is missing in '\"aaaa"
    ));
    assert!(
        r.stderr
            .ends_with("aaaa... (9983618 bytes omitted)'\n  --> STDIN:1:1\n"),
        "{}",
        &r.stderr[r.stderr.len() - 80..]
    );
}

#[test]
fn a_megabyte_value_is_quoted_capped() {
    let value = "b".repeat(1 << 20);
    let r = apply(&format!(
        "apiVersion: v1\nkind: Service\nmetadata:\n  name: web\nspec:\n  type: \"{value}\"\n  ports:\n  - port: 80\n"
    ));
    assert_eq!(r.code, 1);
    assert_eq!(r.stdout, "");
    assert_eq!(
        r.stderr,
        format!(
            "The Service \"web\" is invalid: spec.type: Unsupported value: \"{}\"... ({} bytes omitted): supported values: \"ClusterIP\", \"ExternalName\", \"LoadBalancer\", \"NodePort\"\n  --> STDIN:6:3\n",
            "b".repeat(1024),
            (1 << 20) - 1024
        )
    );
}

/// Text that reaches a message unquoted (here a namespace nothing has validated yet) is
/// still bounded by the CLI.
#[test]
fn a_megabyte_namespace_is_bounded_by_the_cli() {
    let ns = "n".repeat(1 << 20);
    let r = apply(&format!(
        "apiVersion: v1\nkind: Service\nmetadata:\n  name: web\n  namespace: {ns}\nspec:\n  ports:\n  - port: 80\n"
    ));
    assert_eq!(r.code, 1);
    assert!(
        r.stderr.len() < 65 * 1024,
        "{} bytes on stderr",
        r.stderr.len()
    );
    assert!(r.stderr.contains(" bytes omitted)"), "{}", &r.stderr[..200]);
}

#[test]
fn invisible_and_bidirectional_names_are_escaped() {
    let r = apply(
        "apiVersion: v1\nkind: Service\nmetadata:\n  name: \"adm\\u202enim\\u200b\"\nspec:\n  ports:\n  - port: 80\n---\napiVersion: example.com/v1\nkind: Widget\nmetadata:\n  name: \"invoice\\u202efdp.exe\\u200b\"\n---\napiVersion: example.com/v1\nkind: Widget\nmetadata:\n  name: \"\\e[31mred\\e[0m\\a\"\n",
    );
    assert_clean(&r);
    assert_eq!(r.code, 1);
    assert_eq!(
        r.stdout,
        "widget/invoice\\u202efdp.exe\\u200b created (kept, not simulated)\nwidget/^[[31mred^[[0m\\a created (kept, not simulated)\n"
    );
    assert!(
        r.stderr.starts_with(
            "The Service \"adm\\u202enim\\u200b\" is invalid: metadata.name: Invalid value: \"adm\\u202enim\\u200b\": "
        ),
        "{}",
        r.stderr
    );
}

#[test]
fn ansi_sequences_never_reach_the_terminal() {
    let manifest = "\
apiVersion: v1
kind: Service
metadata:
  name: web
  annotations:
    color: \"\\e[31mRED\\e[0m\"
    note: \"safe\\u202eevil\\u200b\"
spec:
  selector: {app: d}
  ports:
  - port: 80
---
apiVersion: v1
kind: Service
metadata:
  name: typo
spec:
  ports:
  - port: 80
    \"\\e[2Jprot\": TCP
---
apiVersion: apps/v1
kind: Deployment
metadata:
  name: d
spec:
  selector:
    matchLabels: {app: d}
  template:
    metadata:
      labels: {app: d}
    spec:
      containers:
      - name: c
        image: \"nginx\\e[2J\\u202e\"
";
    let r = apply(manifest);
    assert_clean(&r);
    assert_eq!(r.stdout, "service/web created\ndeployment.apps/d created\n");
    assert_eq!(
        r.stderr,
        "Error from server (BadRequest): error when creating \"STDIN\": Service in version \"v1\" cannot be handled as a Service: strict decoding error: unknown field \"spec.ports[0].\\x1b[2Jprot\"\n  --> STDIN:20:5\n"
    );

    let r = svcsim_with_stdin(&["get", "deploy", "-o", "wide", "-f", "-"], manifest);
    assert_clean(&r);
    assert!(
        r.stdout.contains("   nginx^[[2J\\u202e   app=d\n"),
        "{}",
        r.stdout
    );

    let r = svcsim_with_stdin(&["describe", "svc", "web", "-f", "-"], manifest);
    assert_clean(&r);
    assert!(
        r.stdout
            .contains("Annotations:              color: ^[[31mRED^[[0m\n                          note: safe\\u202eevil\\u200b\n"),
        "{}",
        r.stdout
    );

    let r = svcsim_with_stdin(&["get", "svc", "we\u{202e}b", "-f", "-"], manifest);
    assert_clean(&r);
    assert!(
        r.stderr
            .ends_with("Error from server (NotFound): services \"we\\u202eb\" not found\n"),
        "{}",
        r.stderr
    );
}

/// One bad port repeated fifty thousand times through an alias (six bytes each): the Invalid
/// message prints the causes that fit in 256 KiB, points at those, and counts the rest.
#[test]
fn an_alias_repeated_bad_item_gives_a_bounded_error() {
    let mut manifest = String::from(
        "apiVersion: v1\nkind: Service\nmetadata:\n  name: web\nspec:\n  ports:\n  - &p {port: 0, name: \"\\u202e\"}\n",
    );
    for _ in 0..50_000 {
        manifest.push_str("  - *p\n");
    }
    let r = apply(&manifest);
    assert_clean(&r);
    assert_eq!(r.code, 1);
    assert!(
        r.stderr.len() < 512 * 1024,
        "{} bytes on stderr",
        r.stderr.len()
    );
    assert!(r.stderr.starts_with(
        "The Service \"web\" is invalid: \n* spec.ports[0].name: Invalid value: \"\\u202e\": "
    ));
    assert!(
        r.stderr.contains(" more errors omitted)\n  --> STDIN:"),
        "{}",
        &r.stderr[..300]
    );
    assert!(
        r.stderr.ends_with(" more locations omitted)\n"),
        "{}",
        &r.stderr[r.stderr.len() - 100..]
    );
}
