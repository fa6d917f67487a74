//! The tcpdump-like printer: a journey hop by hop, what happened at each hop, and the rules
//! that made it happen.

use super::{Distribution, Hop, Journey, Outcome, Place, Target};
use std::fmt;

/// Width of the "where" column.
const PLACE_WIDTH: usize = 38;

impl fmt::Display for Place {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Place::Pod { name, node, .. } => write!(f, "pod/{name} ({node})"),
            Place::Veth { node, device, .. } => write!(f, "{device} ({node})"),
            Place::Node { node } => write!(f, "node/{node}"),
            Place::KubeProxy { node, mode } => write!(f, "kube-proxy {mode} ({node})"),
            Place::Wire { from, to, .. } => write!(f, "{from} → {to}"),
            Place::LoadBalancer { ip, node } => write!(f, "metallb {ip} ({node})"),
            Place::External { ip } => write!(f, "host {ip}"),
        }
    }
}

impl fmt::Display for Target {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Target::Pod {
                namespace,
                name,
                node,
            } => write!(f, "pod {namespace}/{name} on {node}"),
            Target::Node { name } => write!(f, "node {name}"),
            Target::Remote { ip } => write!(f, "remote host {ip} (outside the cluster)"),
        }
    }
}

fn write_hops(f: &mut fmt::Formatter<'_>, hops: &[Hop], indent: &str) -> fmt::Result {
    for (i, h) in hops.iter().enumerate() {
        let place = h.place.to_string();
        let pad = PLACE_WIDTH.saturating_sub(place.chars().count()).max(1);
        writeln!(f, "{indent}{:>3}  {place}{:pad$}{}", i + 1, "", h.before)?;
        if !h.note.is_empty() {
            writeln!(f, "{indent}       {}", h.note)?;
        }
        for r in &h.rules {
            writeln!(f, "{indent}         {r}")?;
        }
        if h.after != h.before {
            writeln!(f, "{indent}       now {}", h.after)?;
        }
    }
    Ok(())
}

fn write_body(f: &mut fmt::Formatter<'_>, j: &Journey, indent: &str) -> fmt::Result {
    write_hops(f, &j.hops, indent)?;
    if !j.reply.is_empty() {
        writeln!(f, "{indent}reply:")?;
        write_hops(f, &j.reply, indent)?;
    }
    writeln!(f, "{indent}result: {}", j.outcome)
}

impl fmt::Display for Outcome {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Outcome::Connected {
                target,
                endpoint,
                server_sees,
                client_sees,
            } => write!(
                f,
                "connected to {target} at {endpoint}; it sees the client as {server_sees}; the client sees the answer from {client_sees}"
            ),
            Outcome::Refused { by } => write!(f, "connection refused by {by}"),
            Outcome::TimedOut { reason } => write!(f, "timed out: {reason}"),
            Outcome::Unreachable { reason } => write!(f, "unreachable: {reason}"),
            Outcome::DnsFailed { name, error } => {
                write!(f, "could not resolve host {name} ({error})")
            }
            Outcome::NoSourcePort { reason } => write!(f, "no source port: {reason}"),
        }
    }
}

impl fmt::Display for Journey {
    /// Hop by hop, tcpdump-style: where the packet is, its header when it arrives there, what
    /// happened and which rules did it; then the reply, then the result.
    ///
    /// ```
    /// use svcsim_engine::cluster::Cluster;
    /// use svcsim_engine::manifest::Source;
    /// use svcsim_engine::sim::Rng;
    /// use svcsim_engine::trace::{parse_destination, trace, Origin, TraceOptions};
    ///
    /// let yaml = "apiVersion: v1\nkind: Service\nmetadata: {name: web}\nspec:\n  selector: {app: web}\n  ports: [{port: 80, targetPort: 9376}]\n---\napiVersion: v1\nkind: Pod\nmetadata: {name: backend, labels: {app: web}}\nspec:\n  containers: [{name: c, image: agnhost, ports: [{containerPort: 9376}]}]\n---\napiVersion: v1\nkind: Pod\nmetadata: {name: client}\nspec:\n  containers: [{name: c, image: busybox}]\n";
    /// let (cluster, _) = Cluster::from_sources(&[Source::new("web.yaml", yaml)], 0);
    /// let from = Origin::parse("pod/client", "default").unwrap();
    /// let dest = parse_destination("web").unwrap();
    /// let j = trace(&cluster, &from, &dest, TraceOptions::default(), &mut Rng::new(0)).unwrap();
    /// let text = j.to_string();
    /// assert!(text.contains("kube-proxy iptables"));
    /// assert!(text.contains("DNAT →"));
    /// assert!(text.contains(":9376 (KUBE-SEP-"));
    /// assert!(text.contains("result: connected to pod default/backend"));
    /// ```
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(
            f,
            "{} → {} ({})",
            self.from,
            self.destination,
            self.protocol.lower()
        )?;
        if let Some(res) = &self.resolution {
            writeln!(
                f,
                "DNS: resolving {:?} ({}, {} resolver):",
                res.name,
                res.qtype,
                res.flavor.as_str()
            )?;
            let mut sent = self.dns_queries.iter();
            for step in &res.steps {
                match &step.response {
                    Ok(r) => {
                        writeln!(f, "  query {}", r.summary())?;
                        if let Some(q) = sent.next() {
                            write_body(f, q, "    ")?;
                        }
                    }
                    Err(e) => writeln!(f, "  not sent: {e}")?,
                }
            }
            writeln!(f, "  → {}", res.outcome.as_str())?;
        }
        if self.hops.is_empty() {
            return writeln!(f, "result: {}", self.outcome);
        }
        writeln!(f, "hops:")?;
        write_body(f, self, "")
    }
}

impl fmt::Display for Distribution {
    /// One line per endpoint with its count and share, then the failures.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "{} connections:", self.count)?;
        let total = f64::from(self.count.max(1));
        for e in &self.endpoints {
            writeln!(
                f,
                "  {:<22} {:<52} {:>6}  {:>5.1}%",
                e.endpoint,
                e.target.to_string(),
                e.connections,
                f64::from(e.connections) * 100.0 / total
            )?;
        }
        for (what, n) in [
            ("refused", self.refused),
            ("timed out", self.timed_out),
            ("unreachable", self.unreachable),
            ("DNS failed", self.dns_failed),
            ("no source port", self.no_source_port),
        ] {
            if n > 0 {
                writeln!(
                    f,
                    "  {:<22} {:<52} {:>6}  {:>5.1}%",
                    what,
                    "",
                    n,
                    f64::from(n) * 100.0 / total
                )?;
            }
        }
        Ok(())
    }
}
