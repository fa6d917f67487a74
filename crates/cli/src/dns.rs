//! `svcsim dns`: what a pod's or node's resolver asks and CoreDNS answers, over the engine's
//! `dns` module. Its JSON shape is documented in docs/cli-json.md.

use crate::args::Args;
use crate::input::build_reporting;
use crate::outcome::Outcome;
use std::io::Read;
use std::net::Ipv4Addr;
use svcsim_engine::dns::{self, RecordType, ResolverFlavor, Upstream};
use svcsim_engine::quote::go_quote_capped;
use svcsim_engine::trace::Origin;

/// `d.c.b.a.in-addr.arpa.` for an IPv4 address (what `dig -x` asks).
fn reverse_name(ip: Ipv4Addr) -> String {
    let o = ip.octets();
    format!("{}.{}.{}.{}.in-addr.arpa.", o[3], o[2], o[1], o[0])
}

/// `svcsim dns`.
pub fn dns(args: Args, stdin: &mut dyn Read) -> Outcome {
    let json = match args.json_only("dns") {
        Ok(j) => j,
        Err(o) => return o,
    };
    let flavor = match args.resolver("dns") {
        Ok(f) => f,
        Err(o) => return o,
    };
    let name = match args.one_operand("dns", "a NAME") {
        Ok(n) => n,
        Err(o) => return o,
    };
    let qtype = match args.qtype.as_deref() {
        None => RecordType::A,
        Some(t) => match RecordType::parse(t) {
            Some(t) => t,
            None => {
                return Outcome::default().usage_error(
                    &format!(
                        "--type {}: want A, AAAA, SRV, PTR, CNAME, TXT or SOA",
                        go_quote_capped(t)
                    ),
                    Some("dns"),
                )
            }
        },
    };
    let Some(from) = args.from.as_deref() else {
        return Outcome::default()
            .usage_error("--from is required (pod/NAME or node/NAME)", Some("dns"));
    };
    let namespace = args.namespace.as_deref().unwrap_or("default");
    let origin = match Origin::parse(from, namespace) {
        Ok(o) => o,
        Err(e) => return Outcome::default().usage_error(&e, Some("dns")),
    };
    let (cluster, mut out) = match build_reporting(&args, stdin) {
        Ok(b) => b,
        Err(o) => return o,
    };
    let (label, conf, image_flavor) = match &origin {
        Origin::Pod { namespace, name } => match cluster.store.pod(namespace, name) {
            Some(p) => (
                format!("pod/{name} ({namespace})"),
                dns::resolv_conf(&cluster, p),
                ResolverFlavor::of_pod(p, None),
            ),
            None => {
                out.err(format!(
                    "Error from server (NotFound): pods {} not found",
                    go_quote_capped(name)
                ));
                out.code = 1;
                return out;
            }
        },
        Origin::Node { name } => {
            if !cluster.store.nodes.contains_key(name) {
                out.err(format!(
                    "Error from server (NotFound): nodes {} not found",
                    go_quote_capped(name)
                ));
                out.code = 1;
                return out;
            }
            (
                format!("node/{name}"),
                dns::node_resolv_conf(&cluster, name),
                // kind's node image is Debian.
                ResolverFlavor::Glibc,
            )
        }
        Origin::External { .. } => {
            return Outcome::default()
                .usage_error("svcsim dns asks from pod/NAME or node/NAME", Some("dns"))
        }
    };
    // `dig -x`: a PTR question about an address is asked as its in-addr.arpa name.
    let asked = match (qtype, name.parse::<Ipv4Addr>()) {
        (RecordType::Ptr, Ok(ip)) => reverse_name(ip),
        _ => name.clone(),
    };
    let resolution = dns::resolve(
        &cluster,
        &Upstream::default(),
        &conf,
        &asked,
        qtype,
        flavor.unwrap_or(image_flavor),
    );
    if json {
        out.json(&serde_json::json!({
                "from": label,
                "resolvConf": conf,
                "resolution": resolution,
        }));
        return out;
    }
    let mut text = format!(";; /etc/resolv.conf of {label}\n");
    for line in conf.to_string().lines() {
        text.push_str(&format!(";;   {line}\n"));
    }
    // Which C library walks the search list (they differ: musl stops at the first answer
    // that is not NXDOMAIN, glibc goes on after NODATA and SERVFAIL).
    let why = if flavor.is_some() {
        "--resolver"
    } else {
        "the image's"
    };
    text.push_str(&format!(
        ";; resolver: {} ({why})\n\n",
        resolution.flavor.as_str()
    ));
    for (i, step) in resolution.steps.iter().enumerate() {
        match &step.response {
            Ok(r) => {
                text.push_str(&format!(
                    ";; query {}: {} {}\n",
                    i + 1,
                    r.question.name,
                    r.question.qtype
                ));
                text.push_str(&r.to_string());
                text.push('\n');
            }
            Err(e) => text.push_str(&format!(
                ";; query {}: {} not sent: {e}\n\n",
                i + 1,
                step.candidate
            )),
        }
    }
    match resolution.answer() {
        Some(r) => text.push_str(&format!(";; => {}\n", r.summary())),
        None => text.push_str(&format!(
            ";; => {} {}: {}\n",
            resolution.qtype,
            resolution.name,
            resolution.outcome.as_str()
        )),
    }
    out.text(text);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reverse_names() {
        assert_eq!(
            reverse_name(Ipv4Addr::new(10, 96, 0, 10)),
            "10.0.96.10.in-addr.arpa."
        );
    }
}
