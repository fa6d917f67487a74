//! "Send 100" as bars: how many connections each endpoint got (in kube-proxy's order), then
//! the failures. The page draws them as a chart with the same numbers as a list beside it.

use svcsim_engine::trace::{Distribution, Target};

/// One bar: its label and count.
#[derive(Debug, Clone, PartialEq)]
pub struct Bar {
    pub label: String,
    /// The endpoint (`10.244.1.5:9376`), empty for a failure.
    pub detail: String,
    pub count: u32,
    /// Connections that failed (refused, timed out, unreachable, DNS failed).
    pub failed: bool,
}

/// The bars of a distribution: one per endpoint (in kube-proxy's order), then failures.
pub fn bars(d: &Distribution) -> Vec<Bar> {
    let mut out: Vec<Bar> = d
        .endpoints
        .iter()
        .map(|e| Bar {
            label: match &e.target {
                Target::Pod { name, .. } => name.clone(),
                Target::Node { name } => name.clone(),
                Target::Remote { ip } => ip.to_string(),
            },
            detail: e.endpoint.clone(),
            count: e.connections,
            failed: false,
        })
        .collect();
    for (label, count) in [
        ("refused", d.refused),
        ("timed out", d.timed_out),
        ("unreachable", d.unreachable),
        ("DNS failed", d.dns_failed),
        ("no source port", d.no_source_port),
    ] {
        if count > 0 {
            out.push(Bar {
                label: label.to_string(),
                detail: String::new(),
                count,
                failed: true,
            });
        }
    }
    out
}

/// Shorten a pod name for an axis label (`web-7d9c5b6f4d-x2k8p` → `…4d-x2k8p`).
pub fn short(label: &str, max: usize) -> String {
    let n = label.chars().count();
    if n <= max {
        label.to_string()
    } else {
        let tail: String = label.chars().skip(n - max.saturating_sub(1)).collect();
        format!("…{tail}")
    }
}

#[cfg(test)]
mod tests {
    use super::short;

    #[test]
    fn long_pod_names_keep_their_distinct_tail() {
        assert_eq!(short("web-7d9c5b6f4d-x2k8p", 12), "…b6f4d-x2k8p");
        assert_eq!(short("client", 12), "client");
        assert_eq!(short("client", 0), "…");
    }
}
