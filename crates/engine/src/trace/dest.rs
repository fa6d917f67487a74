//! What the user typed after `svcsim trace`: the destination, and where the packet starts.
//!
//! Both parsers are total — every string gives a value or an error that says what to type
//! instead — because they read raw user input (the CLI's DEST, the UI's "send request" box).

use crate::dns::parse_name;
use serde::Serialize;
use std::fmt;
use std::net::{Ipv4Addr, Ipv6Addr};

/// Where a packet is sent.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase", tag = "kind")]
pub enum Destination {
    /// An IPv4 address: a pod IP, a ClusterIP, a node IP (NodePort), a LoadBalancer IP, an
    /// externalIP or anything outside.
    Ip { ip: Ipv4Addr, port: Option<u16> },
    /// A DNS name, resolved first through the source's resolver (search list, ndots).
    Name { name: String, port: Option<u16> },
}

impl Destination {
    pub fn port(&self) -> Option<u16> {
        match self {
            Destination::Ip { port, .. } | Destination::Name { port, .. } => *port,
        }
    }
}

impl fmt::Display for Destination {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let (host, port) = match self {
            Destination::Ip { ip, port } => (ip.to_string(), port),
            Destination::Name { name, port } => (name.clone(), port),
        };
        match port {
            Some(p) => write!(f, "{host}:{p}"),
            None => f.write_str(&host),
        }
    }
}

/// Why a destination could not be parsed.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DestError {
    #[error("empty destination: give an IP, IP:port, name or name:port")]
    Empty,
    #[error("{0:?}: IPv6 packets are not simulated yet (a dual-stack cluster has IPv6 addresses, Services and DNS answers; packets travel over IPv4)")]
    Ipv6(String),
    #[error("{0:?}: the port must be a number from 1 to 65535")]
    BadPort(String),
    #[error("{0:?}: not a valid IPv4 address")]
    BadIp(String),
    #[error("{input:?}: {reason}")]
    BadName { input: String, reason: String },
}

/// Parse `IP`, `IP:port`, `name` or `name:port` (e.g. `10.96.0.10:53`, `my-service`,
/// `my-service.prod`, `web.default.svc.cluster.local:80`). IPv6 (`[::1]:80`, `fd00::1`) is
/// refused with a message saying why. Never panics.
///
/// ```
/// use svcsim_engine::trace::{parse_destination, Destination};
/// assert_eq!(
///     parse_destination("my-service.prod:8080"),
///     Ok(Destination::Name { name: "my-service.prod".into(), port: Some(8080) })
/// );
/// assert!(parse_destination("[fd00::1]:80").is_err());
/// ```
pub fn parse_destination(s: &str) -> Result<Destination, DestError> {
    let s = s.trim();
    if s.is_empty() {
        return Err(DestError::Empty);
    }
    if s.starts_with('[') || s.parse::<Ipv6Addr>().is_ok() {
        return Err(DestError::Ipv6(s.to_string()));
    }
    if s.matches(':').count() > 1 {
        return Err(DestError::Ipv6(s.to_string()));
    }
    let (host, port) = match s.rsplit_once(':') {
        Some((h, p)) => (h, Some(parse_port(p)?)),
        None => (s, None),
    };
    if host.is_empty() {
        return Err(DestError::Empty);
    }
    if let Ok(ip) = host.parse::<Ipv4Addr>() {
        return Ok(Destination::Ip { ip, port });
    }
    // All digits and dots but not an address (`10.0.0.256`, `1.2.3`): a typo, not a name.
    if host.bytes().all(|b| b.is_ascii_digit() || b == b'.') {
        return Err(DestError::BadIp(host.to_string()));
    }
    if host.contains('/') {
        return Err(DestError::BadName {
            input: host.to_string(),
            reason: "a destination is an address or a DNS name, not kind/name".to_string(),
        });
    }
    parse_name(host).map_err(|e| DestError::BadName {
        input: host.to_string(),
        reason: e.to_string(),
    })?;
    Ok(Destination::Name {
        name: host.to_string(),
        port,
    })
}

fn parse_port(p: &str) -> Result<u16, DestError> {
    if p.is_empty() || p.len() > 5 || !p.bytes().all(|b| b.is_ascii_digit()) {
        return Err(DestError::BadPort(p.to_string()));
    }
    match p.parse::<u16>() {
        Ok(0) | Err(_) => Err(DestError::BadPort(p.to_string())),
        Ok(n) => Ok(n),
    }
}

/// Where a packet starts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase", tag = "kind")]
pub enum Origin {
    /// A pod: its packets leave through its veth and enter its node's PREROUTING hook.
    Pod { namespace: String, name: String },
    /// A process in a node's root network namespace (hostNetwork): the OUTPUT hook.
    Node { name: String },
    /// A client outside the cluster. The default, 172.18.0.100, is another container on kind's
    /// docker network: it reaches node IPs directly and LoadBalancer IPs through MetalLB's ARP
    /// answers, but has no route to pod or Service IPs.
    External { ip: Ipv4Addr },
}

/// The default external client: a container on kind's docker network.
pub const DEFAULT_EXTERNAL_CLIENT: Ipv4Addr = Ipv4Addr::new(172, 18, 0, 100);

impl Origin {
    /// Parse `pod/NAME` (`po/`, `pods/`), `node/NAME` (`no/`, `nodes/`), `external` or
    /// `external/IP`; pods are looked up in `namespace`.
    pub fn parse(s: &str, namespace: &str) -> Result<Origin, String> {
        let s = s.trim();
        if s == "external" {
            return Ok(Origin::External {
                ip: DEFAULT_EXTERNAL_CLIENT,
            });
        }
        let Some((kind, name)) = s.split_once('/') else {
            return Err(format!(
                "--from {s:?}: want pod/NAME, node/NAME, external or external/IP"
            ));
        };
        if name.is_empty() {
            return Err(format!("--from {s:?}: the name is missing"));
        }
        match kind {
            "pod" | "po" | "pods" => Ok(Origin::Pod {
                namespace: namespace.to_string(),
                name: name.to_string(),
            }),
            "node" | "no" | "nodes" => Ok(Origin::Node {
                name: name.to_string(),
            }),
            "external" => name
                .parse::<Ipv4Addr>()
                .map(|ip| Origin::External { ip })
                .map_err(|_| format!("--from {s:?}: {name:?} is not an IPv4 address")),
            _ => Err(format!(
                "--from {s:?}: want pod/NAME, node/NAME, external or external/IP"
            )),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn destinations() {
        let ip = |s: &str| parse_destination(s).unwrap();
        assert_eq!(
            ip("10.96.0.10:53"),
            Destination::Ip {
                ip: Ipv4Addr::new(10, 96, 0, 10),
                port: Some(53)
            }
        );
        assert_eq!(
            ip(" 10.4.5.6 "),
            Destination::Ip {
                ip: Ipv4Addr::new(10, 4, 5, 6),
                port: None
            }
        );
        assert_eq!(
            ip("web.default.svc.cluster.local:80"),
            Destination::Name {
                name: "web.default.svc.cluster.local".into(),
                port: Some(80)
            }
        );
        assert_eq!(ip("my-service").to_string(), "my-service");
        for bad in [
            "",
            ":80",
            "a:",
            "a:0",
            "a:65536",
            "a:-1",
            "a:+1",
            "[::1]:80",
            "fd00::1",
            "a:b:c",
            "10.0.0.256",
            "1.2.3",
            "a..b",
            "pod/x",
            "a b",
        ] {
            assert!(parse_destination(bad).is_err(), "{bad:?}");
        }
        assert_eq!(
            parse_destination("[fd00::1]:80").unwrap_err().to_string(),
            "\"[fd00::1]:80\": IPv6 packets are not simulated yet (a dual-stack cluster has IPv6 addresses, Services and DNS answers; packets travel over IPv4)"
        );
    }

    #[test]
    fn origins() {
        assert_eq!(
            Origin::parse("pod/client", "prod"),
            Ok(Origin::Pod {
                namespace: "prod".into(),
                name: "client".into()
            })
        );
        assert_eq!(
            Origin::parse("external", "default"),
            Ok(Origin::External {
                ip: DEFAULT_EXTERNAL_CLIENT
            })
        );
        assert_eq!(
            Origin::parse("external/203.0.113.7", "default"),
            Ok(Origin::External {
                ip: Ipv4Addr::new(203, 0, 113, 7)
            })
        );
        assert!(Origin::parse("svc/x", "default").is_err());
        assert!(Origin::parse("pod/", "default").is_err());
        assert!(Origin::parse("external/x", "default").is_err());
    }
}
