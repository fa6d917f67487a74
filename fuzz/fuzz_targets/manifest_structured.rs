//! Manifests built from structure rather than bytes: Kubernetes objects whose fields hold
//! anchors, aliases (fanned out, billion-laughs style), merge keys (`<<: *a`, `<<: [*a, *b]`,
//! `!!merge`, a quoted `"<<"`), tags, YAML 1.1 scalars and numbers at the edges of int32/int64.
//! Byte mutation rarely spells these; here every execution does, so the manifest layer's
//! bounds (alias ratio, copy budget, depth, merges) and strict decoding see them all the time.
//!
//! Each input is read (`Manifests::parse`: parse, then decode), the cluster it asks for is built
//! and every object applied, as the page does, but time does not run: a huge `replicas` is
//! stored, not reconciled (the controllers are `apply_manifest`'s job), which keeps executions
//! fast.
#![no_main]

mod applying;
mod budget;
mod scale;

#[global_allocator]
static ALLOC: budget::Budget = budget::Budget;

use libfuzzer_sys::arbitrary::{Result, Unstructured};
use libfuzzer_sys::fuzz_target;
use std::sync::OnceLock;
use svcsim_engine::cluster::Manifests;
use svcsim_engine::manifest::Source;

const KINDS: &[(&str, &str)] = &[
    ("v1", "Service"),
    ("apps/v1", "Deployment"),
    ("apps/v1", "ReplicaSet"),
    ("apps/v1", "StatefulSet"),
    ("apps/v1", "DaemonSet"),
    ("v1", "Pod"),
    ("v1", "Namespace"),
    ("v1", "Node"),
    ("discovery.k8s.io/v1", "EndpointSlice"),
    ("v1", "Endpoints"),
    ("metallb.io/v1beta1", "IPAddressPool"),
    ("kind.x-k8s.io/v1alpha4", "Cluster"),
    ("v1", "ConfigMap"),
];

/// Keys: the fields svcsim decodes, the merge key, and YAML 1.1 surprises (`y`, `on` and
/// `null` are not strings).
const KEYS: &[&str] = &[
    "<<",
    "name",
    "namespace",
    "labels",
    "annotations",
    "selector",
    "matchLabels",
    "ports",
    "port",
    "targetPort",
    "nodePort",
    "containerPort",
    "protocol",
    "type",
    "clusterIP",
    "clusterIPs",
    "replicas",
    "template",
    "metadata",
    "spec",
    "status",
    "containers",
    "app",
    "externalTrafficPolicy",
    "internalTrafficPolicy",
    "sessionAffinity",
    "externalName",
    "addresses",
    "endpoints",
    "nodeName",
    "podIP",
    "nodes",
    "role",
    "y",
    "on",
    "null",
    "1",
];

const SCALARS: &[&str] = &[
    "0",
    "1",
    "-1",
    "80",
    "9376",
    "65535",
    "65536",
    "30007",
    "32768",
    "2147483647",
    "2147483648",
    "-2147483648",
    "4294967296",
    "9223372036854775807",
    "9223372036854775808",
    "-9223372036854775808",
    "99999999999999999999",
    "0x7fffffff",
    "0777",
    "0b101",
    "1_000",
    "1e309",
    "1.5",
    ".inf",
    "-.inf",
    ".nan",
    "yes",
    "off",
    "~",
    "null",
    "true",
    "\"\"",
    "'80'",
    "\"80\"",
    "!!str 80",
    "!!int \"80\"",
    "!!float 1",
    "!!bool yes",
    "!!null x",
    "!!binary aGk=",
    "TCP",
    "UDP",
    "SCTP",
    "ClusterIP",
    "NodePort",
    "LoadBalancer",
    "ExternalName",
    "None",
    "Local",
    "Cluster",
    "ClientIP",
    "10.96.0.1",
    "10.96.0.10",
    "10.244.1.5",
    "172.18.0.2",
    "172.18.255.200-172.18.255.250",
    "10.0.0.0/8",
    "web",
    "MyApp",
    "my-service",
    "default",
    "kube-system",
    "worker",
    "nginx",
];

/// A node before printing: inline text (a scalar, an alias or a flow collection) or a block
/// collection with its anchor.
enum Item {
    Inline(String),
    Map(Option<String>, Vec<(String, Item)>),
    Seq(Option<String>, Vec<Item>),
}

/// Deepest nesting generated (MAX_DEPTH is 100; aliases and merges reach past it anyway).
const MAX_GEN_DEPTH: u32 = 8;

struct Gen<'a, 'b> {
    u: &'a mut Unstructured<'b>,
    /// Anchors defined so far in this document (`&a0`, `&a1`, …).
    anchors: u32,
}

impl Gen<'_, '_> {
    fn pick<'s>(&mut self, list: &[&'s str]) -> Result<&'s str> {
        Ok(self.u.choose(list)?)
    }

    fn scalar(&mut self) -> Result<String> {
        Ok(match self.u.int_in_range(0..=63u8)? {
            // A long scalar, now and then: aliased through fan-outs it reaches the bytes aliases
            // may copy (issue 11's 1 MB scalar aliased 20,000 times, scaled down).
            0 => "x".repeat(self.u.int_in_range(256..=32_768usize)?),
            1..=31 => self.pick(SCALARS)?.to_string(),
            32..=39 => self.u.arbitrary::<i64>()?.to_string(),
            40..=47 => self.u.arbitrary::<u128>()?.to_string(),
            48..=55 => quoted(&self.u.arbitrary::<String>()?),
            // Raw text: may break the syntax, which is a case too.
            _ => self.u.arbitrary::<String>()?.replace('\n', " "),
        })
    }

    fn key(&mut self) -> Result<String> {
        Ok(match self.u.int_in_range(0..=9u8)? {
            0..=6 => self.pick(KEYS)?.to_string(),
            7 => "!!merge <<".to_string(),
            8 => "\"<<\"".to_string(),
            _ => quoted(&self.u.arbitrary::<String>()?),
        })
    }

    fn alias(&mut self) -> Result<String> {
        if self.anchors == 0 || self.u.ratio(1, 16)? {
            return Ok("*undefined".to_string());
        }
        Ok(format!("*a{}", self.u.int_in_range(0..=self.anchors - 1)?))
    }

    fn anchor(&mut self) -> String {
        let name = format!("a{}", self.anchors);
        self.anchors += 1;
        name
    }

    /// Any node; `flow` once inside a flow collection (block syntax cannot appear there).
    fn item(&mut self, depth: u32, flow: bool) -> Result<Item> {
        let last = if depth >= MAX_GEN_DEPTH { 2 } else { 8 };
        Ok(match self.u.int_in_range(0..=last)? {
            0 | 1 => Item::Inline(self.scalar()?),
            2 => Item::Inline(self.alias()?),
            3 | 4 => self.map(depth, flow, None)?,
            5 => self.seq(depth, flow, None)?,
            6 => {
                // An anchored node (never an alias: `&a *b` is a syntax error).
                let name = self.anchor();
                match self.u.int_in_range(0..=2u8)? {
                    0 => Item::Inline(format!("&{name} {}", self.scalar()?)),
                    1 => self.map(depth, flow, Some(name))?,
                    _ => self.seq(depth, flow, Some(name))?,
                }
            }
            7 => {
                // Fan-out: the same alias many times (the billion-laughs shape).
                let alias = self.alias()?;
                let n = self.u.int_in_range(1..=64usize)?;
                let name = self.anchor();
                Item::Inline(format!("&{name} [{}]", vec![alias; n].join(", ")))
            }
            _ => {
                // A mapping that merges, then writes keys of its own.
                let value = match self.u.int_in_range(0..=3u8)? {
                    0 | 1 => self.alias()?,
                    2 => {
                        let n = self.u.int_in_range(0..=4usize)?;
                        let mut aliases = Vec::with_capacity(n);
                        for _ in 0..n {
                            aliases.push(self.alias()?);
                        }
                        format!("[{}]", aliases.join(", "))
                    }
                    _ => self.scalar()?,
                };
                let mut entries = vec![("<<".to_string(), Item::Inline(value))];
                let flow = flow || self.u.ratio(1, 3)?;
                for _ in 0..self.u.int_in_range(0..=4usize)? {
                    self.entry(&mut entries, depth, flow)?;
                }
                if flow {
                    Item::Inline(print_inline(&Item::Map(None, entries)))
                } else {
                    Item::Map(None, entries)
                }
            }
        })
    }

    /// One more entry of a mapping; a key already there only now and then (a duplicate key ends
    /// the document's reading, so it must not hide everything else).
    fn entry(&mut self, entries: &mut Vec<(String, Item)>, depth: u32, flow: bool) -> Result<()> {
        let key = self.key()?;
        if entries.iter().any(|(k, _)| *k == key) && !self.u.ratio(1, 8)? {
            return Ok(());
        }
        entries.push((key, self.item(depth + 1, flow)?));
        Ok(())
    }

    fn map(&mut self, depth: u32, flow: bool, anchor: Option<String>) -> Result<Item> {
        let n = self.u.int_in_range(0..=6usize)?;
        let flow = flow || n == 0 || self.u.ratio(1, 3)?;
        let mut entries = Vec::with_capacity(n);
        for _ in 0..n {
            self.entry(&mut entries, depth, flow)?;
        }
        Ok(if flow {
            let body: Vec<String> = entries
                .iter()
                .map(|(k, v)| format!("{k}: {}", print_inline(v)))
                .collect();
            Item::Inline(format!("{}{{{}}}", prefix(&anchor), body.join(", ")))
        } else {
            Item::Map(anchor, entries)
        })
    }

    fn seq(&mut self, depth: u32, flow: bool, anchor: Option<String>) -> Result<Item> {
        let n = self.u.int_in_range(0..=6usize)?;
        let flow = flow || n == 0 || self.u.ratio(1, 3)?;
        let mut items = Vec::with_capacity(n);
        for _ in 0..n {
            items.push(self.item(depth + 1, flow)?);
        }
        Ok(if flow {
            let body: Vec<String> = items.iter().map(print_inline).collect();
            Item::Inline(format!("{}[{}]", prefix(&anchor), body.join(", ")))
        } else {
            Item::Seq(anchor, items)
        })
    }

    /// One document: usually an object of a known kind with generated fields.
    fn document(&mut self) -> Result<String> {
        self.anchors = 0;
        let mut out = String::new();
        if self.u.ratio(1, 10)? {
            print_item(&mut out, 0, &self.item(0, false)?);
            return Ok(out);
        }
        let (api_version, kind) = *self.u.choose(KINDS)?;
        let name = match self.u.int_in_range(0..=3u8)? {
            0 => "web".to_string(),
            1 => "my-service".to_string(),
            2 => format!("&{} n{}", self.anchor(), self.u.int_in_range(0..=3u8)?),
            _ => self.scalar()?,
        };
        out.push_str(&format!(
            "apiVersion: {api_version}\nkind: {kind}\nmetadata:\n  name: {name}\n"
        ));
        // Usually a `spec`, and other keys; a key twice only now and then (see `entry`).
        let mut entries: Vec<(String, Item)> = Vec::new();
        for i in 0..self.u.int_in_range(0..=4usize)? {
            let key = if i == 0 && self.u.ratio(3, 4)? {
                "spec".to_string()
            } else {
                self.key()?
            };
            if entries.iter().any(|(k, _)| *k == key) && !self.u.ratio(1, 8)? {
                continue;
            }
            entries.push((key, self.item(1, false)?));
        }
        print_map(&mut out, 0, &entries);
        Ok(out)
    }
}

fn prefix(anchor: &Option<String>) -> String {
    anchor
        .as_ref()
        .map(|a| format!("&{a} "))
        .unwrap_or_default()
}

/// A double-quoted YAML scalar of any text.
fn quoted(text: &str) -> String {
    let mut out = String::from("\"");
    for c in text.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            c if (c as u32) < 0x20 || c == '\u{7f}' => {
                out.push_str(&format!("\\x{:02x}", c as u32))
            }
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

fn print_inline(item: &Item) -> String {
    match item {
        Item::Inline(text) => text.clone(),
        Item::Map(anchor, entries) => {
            let body: Vec<String> = entries
                .iter()
                .map(|(k, v)| format!("{k}: {}", print_inline(v)))
                .collect();
            format!("{}{{{}}}", prefix(anchor), body.join(", "))
        }
        Item::Seq(anchor, items) => {
            let body: Vec<String> = items.iter().map(print_inline).collect();
            format!("{}[{}]", prefix(anchor), body.join(", "))
        }
    }
}

/// A block item after `key:` or `-`: inline text on the same line, a collection below.
fn print_after(out: &mut String, indent: usize, item: &Item) {
    match item {
        Item::Inline(text) => {
            out.push(' ');
            out.push_str(text);
            out.push('\n');
        }
        Item::Map(anchor, entries) => {
            if let Some(a) = anchor {
                out.push_str(&format!(" &{a}"));
            }
            out.push('\n');
            print_map(out, indent + 2, entries);
        }
        Item::Seq(anchor, items) => {
            if let Some(a) = anchor {
                out.push_str(&format!(" &{a}"));
            }
            out.push('\n');
            print_seq(out, indent + 2, items);
        }
    }
}

fn print_map(out: &mut String, indent: usize, entries: &[(String, Item)]) {
    for (key, value) in entries {
        out.push_str(&" ".repeat(indent));
        out.push_str(key);
        out.push(':');
        print_after(out, indent, value);
    }
}

fn print_seq(out: &mut String, indent: usize, items: &[Item]) {
    for item in items {
        out.push_str(&" ".repeat(indent));
        out.push('-');
        print_after(out, indent, item);
    }
}

fn print_item(out: &mut String, indent: usize, item: &Item) {
    match item {
        Item::Inline(text) => {
            out.push_str(text);
            out.push('\n');
        }
        Item::Map(_, entries) => print_map(out, indent, entries),
        Item::Seq(_, items) => print_seq(out, indent, items),
    }
}

fn stream(data: &[u8]) -> Result<String> {
    let mut u = Unstructured::new(data);
    let mut gen = Gen {
        u: &mut u,
        anchors: 0,
    };
    let mut docs = Vec::new();
    for _ in 0..gen.u.int_in_range(1..=4u8)? {
        docs.push(gen.document()?);
    }
    Ok(docs.join("---\n"))
}

/// `SVCSIM_FUZZ_PRINT=1`: print each generated stream (to read an artifact:
/// `SVCSIM_FUZZ_PRINT=1 fuzz/target/x86_64-unknown-linux-gnu/release/manifest_structured FILE`).
static PRINT: OnceLock<bool> = OnceLock::new();

fuzz_target!(|data: &[u8]| {
    let Ok(text) = stream(data) else {
        return;
    };
    if *PRINT.get_or_init(|| std::env::var_os("SVCSIM_FUZZ_PRINT").is_some()) {
        eprintln!("{text}\n# ----");
    }
    // Read once, as the page does (parse, then decode each object).
    let manifests = Manifests::parse(&Source::new("fuzz.yaml", text));
    for (_, e) in manifests.errors() {
        let _ = (e.to_string(), e.pos());
    }
    for d in manifests.objects() {
        let _ = d.raw.node.to_json_compact();
        let _ = d.raw.node.pos_for_path("spec.ports[0].port");
        if let Err(e) = &d.object {
            let _ = (e.to_string(), e.pos());
        }
    }
    // More nodes than an execution can build are not built (see scale.rs).
    let _ = applying::apply(&manifests);
});
