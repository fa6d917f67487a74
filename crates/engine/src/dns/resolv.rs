//! A pod's `/etc/resolv.conf`, as the kubelet composes it (`k/k:pkg/kubelet/network/dns/dns.go`,
//! `GetPodDNS`) and containerd writes it (`parseDNSOptions`: `search`, then one `nameserver`
//! line per server, then `options`).
//!
//! The node's own resolv.conf is the base for every policy but `None`. svcsim models a kind
//! node's: kind runs nodes on a user-defined docker network, whose embedded DNS server writes
//! `nameserver 127.0.0.11` + `options ndots:0` (libnetwork's resolver options); kind's
//! entrypoint then swaps 127.0.0.11 for the docker network gateway so pods can reach it, which
//! is 172.18.0.1 on kind's default `kind` network. Docker also copies the host's `search` line;
//! svcsim assumes a host without one, so a kind node's file is:
//!
//! ```text
//! nameserver 172.18.0.1
//! options ndots:0
//! ```

use crate::api::core::{Pod, PodDnsConfig};
use crate::cluster::Cluster;
use serde::Serialize;
use std::fmt;

/// `validation.MaxDNSNameservers`.
pub const MAX_DNS_NAMESERVERS: usize = 3;
/// `validation.MaxDNSSearchPathsExpanded` (ExpandedDNSConfig, GA in 1.28 and always on since).
pub const MAX_DNS_SEARCH_PATHS: usize = 32;
/// `validation.MaxDNSSearchListCharsExpanded`.
pub const MAX_DNS_SEARCH_LIST_CHARS: usize = 2048;
/// `utilvalidation.DNS1123SubdomainMaxLength`: longer search paths crash some glibc versions,
/// so the kubelet drops them.
pub const DNS1123_SUBDOMAIN_MAX_LENGTH: usize = 253;
/// glibc's `RES_MAXNDOTS`: larger `ndots:` values are clamped.
pub const RES_MAXNDOTS: u32 = 15;

/// Which base the kubelet started from (`podDNSType`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum PodDnsType {
    /// `ClusterFirst` (not hostNetwork) or `ClusterFirstWithHostNet`: CoreDNS + search list.
    Cluster,
    /// `Default`, or `ClusterFirst` on a hostNetwork pod: the node's resolv.conf.
    Host,
    /// `None`: only `dnsConfig`.
    None,
}

/// The resolver configuration of one pod.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ResolvConf {
    pub nameservers: Vec<String>,
    pub searches: Vec<String>,
    /// `name` or `name:value`, in file order.
    pub options: Vec<String>,
    pub dns_type: PodDnsType,
    /// The kubelet's `DNSConfigForming` warning events when limits cut the configuration
    /// (exact kubelet wording); empty normally.
    pub events: Vec<String>,
}

impl ResolvConf {
    /// The effective `ndots` (glibc `res_init`): the last `ndots:n` option wins, `n` clamped to
    /// 0..=15; 1 when absent.
    pub fn ndots(&self) -> u32 {
        let mut ndots = 1;
        for opt in &self.options {
            if let Some(v) = opt.strip_prefix("ndots:") {
                ndots = atoi(v).clamp(0, i64::from(RES_MAXNDOTS)) as u32;
            }
        }
        ndots
    }

    /// Parse a resolv.conf text the way the kubelet's `parseResolvConf` does: `nameserver`
    /// lines accumulate, the last `search` line wins (trailing dots trimmed), the last
    /// `options` line wins, `#` comments are skipped. Never fails.
    pub fn parse(text: &str) -> ResolvConf {
        let mut conf = ResolvConf {
            nameservers: Vec::new(),
            searches: Vec::new(),
            options: Vec::new(),
            dns_type: PodDnsType::Host,
            events: Vec::new(),
        };
        for line in text.lines() {
            let line = line.trim();
            if line.starts_with('#') {
                continue;
            }
            let fields: Vec<&str> = line.split_whitespace().collect();
            match fields.first().copied() {
                Some("nameserver") => {
                    if let Some(ns) = fields.get(1) {
                        conf.nameservers.push((*ns).to_string());
                    }
                }
                Some("search") => {
                    conf.searches = fields[1..]
                        .iter()
                        .map(|s| s.strip_suffix('.').unwrap_or(s).to_string())
                        .collect();
                }
                Some("options") => {
                    conf.options = fields[1..].iter().map(|s| s.to_string()).collect();
                }
                _ => {}
            }
        }
        conf
    }
}

/// C `atoi`: optional sign, leading digits, 0 when none; saturating.
fn atoi(s: &str) -> i64 {
    let s = s.trim_start();
    let (neg, digits) = match s.as_bytes().first() {
        Some(b'-') => (true, &s[1..]),
        Some(b'+') => (false, &s[1..]),
        _ => (false, s),
    };
    let mut v: i64 = 0;
    for b in digits.bytes().take_while(u8::is_ascii_digit) {
        v = v.saturating_mul(10).saturating_add(i64::from(b - b'0'));
    }
    if neg {
        -v
    } else {
        v
    }
}

impl fmt::Display for ResolvConf {
    /// The file as containerd writes it for the kubelet's `DNSConfig`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if !self.searches.is_empty() {
            writeln!(f, "search {}", self.searches.join(" "))?;
        }
        for ns in &self.nameservers {
            writeln!(f, "nameserver {ns}")?;
        }
        if !self.options.is_empty() {
            writeln!(f, "options {}", self.options.join(" "))?;
        }
        Ok(())
    }
}

/// The docker-network gateway a kind node's resolv.conf points at: the `.0.1` of the node's
/// /16 (172.18.0.1 on kind's default network).
fn kind_gateway(node_ip: &str) -> String {
    match node_ip.parse::<std::net::Ipv4Addr>() {
        Ok(ip) => {
            let o = ip.octets();
            std::net::Ipv4Addr::new(o[0], o[1], 0, 1).to_string()
        }
        Err(_) => "172.18.0.1".to_string(),
    }
}

/// `/etc/resolv.conf` of a kind node (see the module docs for why it looks like this). Unknown
/// nodes get the first node's file.
pub fn node_resolv_conf(cluster: &Cluster, node_name: &str) -> ResolvConf {
    let ip = cluster
        .config
        .nodes
        .iter()
        .find(|n| n.name == node_name)
        .map(|n| n.internal_ip.clone())
        .or_else(|| {
            cluster
                .store
                .nodes
                .get(node_name)
                .and_then(|n| n.internal_ip().map(str::to_string))
        })
        .or_else(|| cluster.config.nodes.first().map(|n| n.internal_ip.clone()))
        .unwrap_or_default();
    ResolvConf {
        nameservers: vec![kind_gateway(&ip)],
        searches: Vec::new(),
        options: vec!["ndots:0".to_string()],
        dns_type: PodDnsType::Host,
        events: Vec::new(),
    }
}

/// kubelet `getPodDNSType`. An empty policy is the API default, `ClusterFirst`; an unknown one
/// (which the API server rejects) falls back to ClusterFirst as the kubelet does.
fn pod_dns_type(pod: &Pod) -> PodDnsType {
    match pod.spec.dns_policy.as_str() {
        "None" => PodDnsType::None,
        "ClusterFirstWithHostNet" => PodDnsType::Cluster,
        "Default" => PodDnsType::Host,
        "ClusterFirst" | "" if pod.spec.host_network => PodDnsType::Host,
        _ => PodDnsType::Cluster,
    }
}

/// Keep the first occurrence of each entry (`omitDuplicates`).
fn omit_duplicates(v: Vec<String>) -> Vec<String> {
    let mut seen = std::collections::BTreeSet::new();
    v.into_iter().filter(|s| seen.insert(s.clone())).collect()
}

/// `mergeDNSOptions`: options keyed by name, `dnsConfig` values overriding the base ones.
/// The kubelet rebuilds the list from a Go map, so its order is random on a real node; svcsim
/// keeps first-seen order (base options, then new names) so the file is reproducible.
fn merge_options(
    existing: &[String],
    extra: &[crate::api::core::PodDnsConfigOption],
) -> Vec<String> {
    let mut merged: Vec<(String, String)> = Vec::new();
    let mut set = |name: &str, value: &str| {
        if let Some(e) = merged.iter_mut().find(|(n, _)| n == name) {
            e.1 = value.to_string();
        } else {
            merged.push((name.to_string(), value.to_string()));
        }
    };
    for op in existing {
        match op.split_once(':') {
            Some((n, v)) => set(n, v),
            None => set(op, ""),
        }
    }
    for op in extra {
        set(&op.name, op.value.as_deref().unwrap_or(""));
    }
    merged
        .into_iter()
        .map(|(n, v)| if v.is_empty() { n } else { format!("{n}:{v}") })
        .collect()
}

/// `appendDNSConfig`: servers and searches appended with duplicates removed, options merged.
fn append_dns_config(conf: &mut ResolvConf, extra: &PodDnsConfig) {
    let mut servers = std::mem::take(&mut conf.nameservers);
    servers.extend(extra.nameservers.iter().cloned());
    conf.nameservers = omit_duplicates(servers);
    let mut searches = std::mem::take(&mut conf.searches);
    searches.extend(extra.searches.iter().cloned());
    conf.searches = omit_duplicates(searches);
    conf.options = merge_options(&conf.options, &extra.options);
}

/// `formDNSConfigFitsLimits`: at most 3 nameservers; at most 32 search paths, none longer than
/// 253 characters, the joined line at most 2048 characters (dropping from the end). Each cut
/// records the kubelet's warning event text.
fn fit_limits(conf: &mut ResolvConf) {
    if conf.nameservers.len() > MAX_DNS_NAMESERVERS {
        conf.nameservers.truncate(MAX_DNS_NAMESERVERS);
        conf.events.push(format!(
            "Nameserver limits were exceeded, some nameservers have been omitted, the applied nameserver line is: {}",
            conf.nameservers.join(" ")
        ));
    }
    let mut exceeded = false;
    if conf.searches.len() > MAX_DNS_SEARCH_PATHS {
        conf.searches.truncate(MAX_DNS_SEARCH_PATHS);
        exceeded = true;
    }
    let before = conf.searches.len();
    conf.searches
        .retain(|s| s.len() <= DNS1123_SUBDOMAIN_MAX_LENGTH);
    exceeded |= conf.searches.len() != before;
    let line_len = conf.searches.join(" ").len();
    if line_len > MAX_DNS_SEARCH_LIST_CHARS {
        let mut cut_len = 0;
        let mut cut = 0;
        for s in conf.searches.iter().rev() {
            cut_len += s.len() + 1;
            cut += 1;
            if line_len.saturating_sub(cut_len) <= MAX_DNS_SEARCH_LIST_CHARS {
                break;
            }
        }
        let keep = conf.searches.len().saturating_sub(cut);
        conf.searches.truncate(keep);
        exceeded = true;
    }
    if exceeded {
        conf.events.push(format!(
            "Search Line limits were exceeded, some search paths have been omitted, the applied search line is: {}",
            conf.searches.join(" ")
        ));
    }
}

/// The resolv.conf the kubelet gives `pod` on a kind node (`GetPodDNS`).
///
/// * `ClusterFirst` / `ClusterFirstWithHostNet`: `nameserver` = the kubelet's `clusterDNS`
///   (kube-dns' ClusterIP, 10.96.0.10 by default); `search <ns>.svc.<domain> svc.<domain>
///   <domain>` followed by the node's search domains (none on kind), duplicates removed;
///   `options ndots:5` (the node's options are replaced, not merged).
/// * `Default`, and `ClusterFirst` on a hostNetwork pod: the node's file unchanged — so such a
///   pod cannot resolve Service names, a classic surprise.
/// * `None`: empty, then `dnsConfig`.
/// * Then `dnsConfig` (any policy) is appended, and the limits applied.
pub fn resolv_conf(cluster: &Cluster, pod: &Pod) -> ResolvConf {
    let dns_type = pod_dns_type(pod);
    let mut conf = match dns_type {
        PodDnsType::None => ResolvConf {
            nameservers: Vec::new(),
            searches: Vec::new(),
            options: Vec::new(),
            dns_type,
            events: Vec::new(),
        },
        PodDnsType::Host => node_resolv_conf(cluster, &pod.spec.node_name),
        PodDnsType::Cluster => {
            let host = node_resolv_conf(cluster, &pod.spec.node_name);
            let domain = &cluster.config.cluster_domain;
            let ns = if pod.metadata.namespace.is_empty() {
                "default"
            } else {
                pod.metadata.namespace.as_str()
            };
            let mut searches = if domain.is_empty() {
                Vec::new()
            } else {
                vec![
                    format!("{ns}.svc.{domain}"),
                    format!("svc.{domain}"),
                    domain.clone(),
                ]
            };
            searches.extend(host.searches);
            ResolvConf {
                nameservers: vec![cluster.config.dns_service_ip()],
                searches: omit_duplicates(searches),
                options: vec!["ndots:5".to_string()],
                dns_type,
                events: Vec::new(),
            }
        }
    };
    conf.dns_type = dns_type;
    if let Some(extra) = &pod.spec.dns_config {
        append_dns_config(&mut conf, extra);
    }
    fit_limits(&mut conf);
    conf
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::api::core::PodDnsConfigOption;
    use crate::config::ClusterConfig;

    fn pod(ns: &str) -> Pod {
        let mut p = Pod::default();
        p.metadata.name = "client".into();
        p.metadata.namespace = ns.into();
        p.spec.node_name = "kind-worker".into();
        p
    }

    fn cluster() -> Cluster {
        Cluster::new(ClusterConfig::default(), 0)
    }

    #[test]
    fn cluster_first_in_default_namespace() {
        let conf = resolv_conf(&cluster(), &pod("default"));
        assert_eq!(
            conf.to_string(),
            "search default.svc.cluster.local svc.cluster.local cluster.local\n\
             nameserver 10.96.0.10\n\
             options ndots:5\n"
        );
        assert_eq!(conf.ndots(), 5);
        assert_eq!(conf.dns_type, PodDnsType::Cluster);
        assert!(conf.events.is_empty());
    }

    #[test]
    fn cluster_first_in_prod_namespace() {
        let mut p = pod("prod");
        p.spec.dns_policy = "ClusterFirst".into();
        let conf = resolv_conf(&cluster(), &p);
        assert_eq!(
            conf.searches,
            [
                "prod.svc.cluster.local",
                "svc.cluster.local",
                "cluster.local"
            ]
        );
        assert_eq!(conf.nameservers, ["10.96.0.10"]);
    }

    #[test]
    fn host_network_falls_back_to_the_node_file() {
        let mut p = pod("default");
        p.spec.host_network = true;
        let conf = resolv_conf(&cluster(), &p);
        assert_eq!(conf.dns_type, PodDnsType::Host);
        assert_eq!(conf.to_string(), "nameserver 172.18.0.1\noptions ndots:0\n");
        assert_eq!(conf.ndots(), 0);

        p.spec.dns_policy = "ClusterFirstWithHostNet".into();
        let conf = resolv_conf(&cluster(), &p);
        assert_eq!(conf.dns_type, PodDnsType::Cluster);
        assert_eq!(conf.nameservers, ["10.96.0.10"]);

        let mut d = pod("default");
        d.spec.dns_policy = "Default".into();
        assert_eq!(
            resolv_conf(&cluster(), &d).to_string(),
            "nameserver 172.18.0.1\noptions ndots:0\n"
        );
    }

    #[test]
    fn dns_policy_none_uses_only_dns_config() {
        let mut p = pod("default");
        p.spec.dns_policy = "None".into();
        p.spec.dns_config = Some(PodDnsConfig {
            nameservers: vec!["1.2.3.4".into()],
            searches: vec![
                "ns1.svc.cluster-domain.example".into(),
                "my.dns.search.suffix".into(),
            ],
            options: vec![
                PodDnsConfigOption {
                    name: "ndots".into(),
                    value: Some("2".into()),
                },
                PodDnsConfigOption {
                    name: "edns0".into(),
                    value: None,
                },
            ],
        });
        // The example from the Kubernetes "DNS for Services and Pods" page.
        assert_eq!(
            resolv_conf(&cluster(), &p).to_string(),
            "search ns1.svc.cluster-domain.example my.dns.search.suffix\n\
             nameserver 1.2.3.4\n\
             options ndots:2 edns0\n"
        );
    }

    #[test]
    fn dns_config_merges_into_cluster_first() {
        let mut p = pod("default");
        p.spec.dns_config = Some(PodDnsConfig {
            nameservers: vec![
                "10.96.0.10".into(),
                "8.8.8.8".into(),
                "1.1.1.1".into(),
                "9.9.9.9".into(),
            ],
            searches: vec!["svc.cluster.local".into(), "corp.example".into()],
            options: vec![PodDnsConfigOption {
                name: "ndots".into(),
                value: Some("1".into()),
            }],
        });
        let conf = resolv_conf(&cluster(), &p);
        assert_eq!(conf.nameservers, ["10.96.0.10", "8.8.8.8", "1.1.1.1"]);
        assert_eq!(
            conf.searches,
            [
                "default.svc.cluster.local",
                "svc.cluster.local",
                "cluster.local",
                "corp.example"
            ]
        );
        assert_eq!(conf.options, ["ndots:1"]);
        assert_eq!(
            conf.events,
            ["Nameserver limits were exceeded, some nameservers have been omitted, the applied nameserver line is: 10.96.0.10 8.8.8.8 1.1.1.1"]
        );
    }

    #[test]
    fn search_limits() {
        let mut p = pod("default");
        p.spec.dns_config = Some(PodDnsConfig {
            searches: (0..40).map(|i| format!("s{i}.example")).collect(),
            ..Default::default()
        });
        let conf = resolv_conf(&cluster(), &p);
        assert_eq!(conf.searches.len(), 32);
        assert_eq!(conf.events.len(), 1);
        assert!(conf.events[0].starts_with("Search Line limits were exceeded"));
    }

    #[test]
    fn parse_round_trip_and_ndots_clamp() {
        let c = ResolvConf::parse(
            "# comment\nsearch a.example. b.example\nnameserver 10.0.0.1\nnameserver 10.0.0.2\noptions ndots:99 edns0\n",
        );
        assert_eq!(c.searches, ["a.example", "b.example"]);
        assert_eq!(c.nameservers, ["10.0.0.1", "10.0.0.2"]);
        assert_eq!(c.ndots(), 15);
        assert_eq!(ResolvConf::parse("options ndots:x").ndots(), 0);
        assert_eq!(ResolvConf::parse("").ndots(), 1);
    }
}
