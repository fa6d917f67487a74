//! CoreDNS as kubeadm (and so kind) deploys it, answering one query from the cluster's store.
//!
//! Corefile (`k/k:cmd/kubeadm/app/phases/addons/dns/manifests.go`):
//!
//! ```text
//! .:53 {
//!     errors
//!     health { lameduck 5s }
//!     ready
//!     kubernetes cluster.local in-addr.arpa ip6.arpa {
//!        pods insecure
//!        fallthrough in-addr.arpa ip6.arpa
//!        ttl 30
//!     }
//!     prometheus :9153
//!     forward . /etc/resolv.conf { max_concurrent 1000 }
//!     cache 30
//!     loop
//!     reload
//!     loadbalance
//! }
//! ```
//!
//! What each plugin contributes here (sources: `coredns/coredns:plugin/kubernetes/{handler.go,
//! kubernetes.go,parse.go,reverse.go,namespace.go,object/endpoint.go}`, `plugin/backend_lookup.go`,
//! `plugin/cache/cache.go`, `plugin/pkg/dnsutil/{ttl.go,reverse.go}`, `plugin/loadbalance`):
//! * `kubernetes` answers every name under the cluster domain and the reverse zones, with the
//!   `aa` flag and TTL 30. A name error in a reverse zone falls through to `forward`.
//! * `forward` relays everything else to the node's resolver, modelled by [`Upstream`].
//! * `cache 30` rewrites every TTL of a reply to the smallest TTL in it, clamped to 5..=30 s —
//!   so an upstream record with TTL 300 reaches the pod with 30, and `dns-version`'s 28800 too.
//!   svcsim shows the first (uncached) reply; cached replies count down from there.
//! * `loadbalance` shuffles address records per reply: see [`super::loadbalance`], which the
//!   caller applies with its seeded RNG; [`answer`] itself returns the stable store order.

use super::message::{AnswerSource, DnsResponse, Query, RData, Rcode, Record, RecordType};
use super::name::{parse_name, Name};
use crate::api::core::Service;
use crate::cluster::Cluster;
use std::collections::{BTreeMap, BTreeSet};
use std::net::{IpAddr, Ipv4Addr, Ipv6Addr};

/// kubeadm's `ttl 30` in the kubernetes block (the plugin's own default is 5).
pub const KUBERNETES_TTL: u32 = 30;
/// `cache 30`: the largest TTL a reply leaves CoreDNS with.
pub const CACHE_MAX_TTL: u32 = 30;
/// `dnsutil.MinimalDefaultTTL`: the smallest TTL the cache hands out.
pub const CACHE_MIN_TTL: u32 = 5;
/// `kubernetes.DNSSchemaVersion`, served as TXT at `dns-version.<zone>`.
pub const DNS_SCHEMA_VERSION: &str = "1.1.0";
/// The TTL the plugin puts on the `dns-version` TXT record (before `cache` caps it).
const DNS_VERSION_TTL: u32 = 28_800;

/// The resolver CoreDNS forwards to (`forward . /etc/resolv.conf`: on kind, docker's embedded
/// DNS and behind it the host's resolver) — a small, **simulated** slice of the Internet.
///
/// The default contents use the documentation names and ranges (RFC 2606 `example.*`,
/// RFC 5737 TEST-NET, RFC 3849 `2001:db8::/32`), not real addresses:
///
/// | name | records |
/// |---|---|
/// | `example.com.` | A 192.0.2.10, AAAA 2001:db8::10 |
/// | `www.example.com.` | CNAME example.com. |
/// | `my.database.example.com.` | A 192.0.2.50 (the target of the classic ExternalName example) |
/// | `api.example.org.` | A 198.51.100.7 |
///
/// All with TTL 300. Unknown names are NXDOMAIN; names that only exist as a parent of known
/// names (`database.example.com.`) are NODATA, as a real zone's empty non-terminals are.
/// Answers are never authoritative and have `ra` set (a recursor answered).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Upstream {
    /// Records by lower-cased owner name with its trailing dot.
    pub records: BTreeMap<String, Vec<Record>>,
    /// Names (lower-cased, trailing dot) whose lookups fail with SERVFAIL.
    pub failing: BTreeSet<String>,
}

/// What the upstream resolver replied.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UpstreamAnswer {
    pub rcode: Rcode,
    pub answer: Vec<Record>,
}

impl Default for Upstream {
    fn default() -> Self {
        let mut u = Upstream::empty();
        let name = |s: &str| parse_name(s).unwrap_or_else(|_| Name::root());
        let entries = [
            ("example.com.", RData::A(Ipv4Addr::new(192, 0, 2, 10))),
            (
                "example.com.",
                RData::Aaaa(Ipv6Addr::new(0x2001, 0xdb8, 0, 0, 0, 0, 0, 0x10)),
            ),
            ("www.example.com.", RData::Cname(name("example.com."))),
            (
                "my.database.example.com.",
                RData::A(Ipv4Addr::new(192, 0, 2, 50)),
            ),
            ("api.example.org.", RData::A(Ipv4Addr::new(198, 51, 100, 7))),
        ];
        for (owner, data) in entries {
            u.insert(Record::new(name(owner), 300, data));
        }
        u
    }
}

impl Upstream {
    /// An upstream that knows no names at all.
    pub fn empty() -> Upstream {
        Upstream {
            records: BTreeMap::new(),
            failing: BTreeSet::new(),
        }
    }

    /// Add a record (kept under its lower-cased owner name).
    pub fn insert(&mut self, record: Record) {
        self.records
            .entry(record.name.lower().as_str().to_string())
            .or_default()
            .push(record);
    }

    /// Make lookups of `name` fail with SERVFAIL (a broken upstream zone).
    pub fn insert_failure(&mut self, name: &Name) {
        self.failing.insert(name.lower().as_str().to_string());
    }

    /// Answer `name`/`qtype` as a recursive resolver would: matching records, or a CNAME chain
    /// followed (at most 8 links) to its end; NXDOMAIN for unknown names (with the chain so far
    /// when a CNAME target is unknown); NODATA for known names without that type.
    pub fn lookup(&self, name: &Name, qtype: RecordType) -> UpstreamAnswer {
        let mut answer = Vec::new();
        let mut current = name.clone();
        for _ in 0..8 {
            let key = current.lower().as_str().to_string();
            if self.failing.contains(&key) {
                return UpstreamAnswer {
                    rcode: Rcode::ServFail,
                    answer: Vec::new(),
                };
            }
            let Some(records) = self.records.get(&key) else {
                let suffix = format!(".{key}");
                let non_terminal = key != "." && self.records.keys().any(|k| k.ends_with(&suffix));
                let rcode = if non_terminal {
                    Rcode::NoError
                } else {
                    Rcode::NxDomain
                };
                return UpstreamAnswer { rcode, answer };
            };
            let matching: Vec<Record> = records
                .iter()
                .filter(|r| r.record_type() == qtype)
                .cloned()
                .collect();
            if !matching.is_empty() {
                answer.extend(matching);
                break;
            }
            match records
                .iter()
                .find(|r| r.record_type() == RecordType::Cname)
            {
                Some(c) => {
                    answer.push(c.clone());
                    match &c.data {
                        RData::Cname(t) => current = t.clone(),
                        _ => break,
                    }
                }
                None => break,
            }
        }
        UpstreamAnswer {
            rcode: Rcode::NoError,
            answer,
        }
    }
}

/// `cache`: every record of the reply gets the reply's smallest TTL, clamped to 5..=30.
fn apply_cache_ttl(resp: &mut DnsResponse) {
    let min = resp
        .answer
        .iter()
        .chain(&resp.authority)
        .chain(&resp.additional)
        .map(|r| r.ttl)
        .min();
    let Some(min) = min else { return };
    let ttl = min.clamp(CACHE_MIN_TTL, CACHE_MAX_TTL);
    for r in resp
        .answer
        .iter_mut()
        .chain(resp.authority.iter_mut())
        .chain(resp.additional.iter_mut())
    {
        r.ttl = ttl;
    }
}

fn upstream_response(
    upstream: &Upstream,
    server: &str,
    query: &Query,
    source: AnswerSource,
) -> DnsResponse {
    let up = upstream.lookup(&query.name, query.qtype);
    DnsResponse {
        id: query.id(),
        question: query.clone(),
        rcode: up.rcode,
        authoritative: false,
        recursion_available: true,
        answer: up.answer,
        authority: Vec::new(),
        additional: Vec::new(),
        server: server.to_string(),
        source,
    }
}

/// The node's resolver answering directly (a pod whose resolv.conf points at the kind node's
/// nameserver, bypassing CoreDNS): the upstream's reply, TTLs untouched. It knows nothing of
/// `cluster.local`, so Service names are NXDOMAIN there.
pub fn node_resolver_answer(upstream: &Upstream, server: &str, query: &Query) -> DnsResponse {
    upstream_response(upstream, server, query, AnswerSource::NodeResolver)
}

/// CoreDNS's reply to `query`, as a pod using the cluster DNS Service receives it (before
/// `loadbalance`; see the module docs).
pub fn answer(cluster: &Cluster, upstream: &Upstream, query: &Query) -> DnsResponse {
    let server = cluster.config.dns_service_ip();
    let k = Kubernetes::new(cluster, upstream);
    let zone = k
        .zones
        .iter()
        .filter(|z| query.name.is_subdomain_of(z))
        .max_by_key(|z| z.as_str().len())
        .cloned();
    let served = zone.and_then(|z| k.serve(query, &z, &server));
    let mut resp = served
        .unwrap_or_else(|| upstream_response(upstream, &server, query, AnswerSource::Forward));
    apply_cache_ttl(&mut resp);
    resp
}

/// The plugin's name errors (`IsNameError`): all become NXDOMAIN, or fall through.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum NameErr {
    NoItems,
    NsNotExposed,
    InvalidRequest,
}

/// `recordRequest` (`parse.go`), without the multicluster and zonal forms kind does not enable.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
struct Request {
    port: String,
    protocol: String,
    endpoint: String,
    service: String,
    namespace: String,
    pod_or_svc: String,
}

/// `parseRequest`: `[_port._proto.|endpoint.]service.namespace.(svc|pod).zone`; the apex,
/// `svc.<zone>` and `pod.<zone>` parse to an empty request (NODATA); any other last label, or
/// more than two labels left of the service, is an invalid request (NXDOMAIN).
fn parse_request(name: &Name, zone: &Name) -> Result<Request, NameErr> {
    let mut r = Request::default();
    let base = name.trim_zone(zone).unwrap_or_default();
    if base.is_empty() || base == "svc" || base == "pod" {
        return Ok(r);
    }
    let segs: Vec<&str> = base.split('.').collect();
    let mut rest = segs.as_slice();
    let take = |rest: &mut &[&str]| -> Option<String> {
        let (last, init) = rest.split_last()?;
        *rest = init;
        Some((*last).to_string())
    };
    r.pod_or_svc = take(&mut rest).unwrap_or_default();
    if r.pod_or_svc != "pod" && r.pod_or_svc != "svc" {
        return Err(NameErr::InvalidRequest);
    }
    let Some(ns) = take(&mut rest) else {
        return Ok(r);
    };
    r.namespace = ns;
    let Some(svc) = take(&mut rest) else {
        return Ok(r);
    };
    r.service = svc;
    match rest {
        [] => {}
        [endpoint] => r.endpoint = (*endpoint).to_string(),
        [port, proto] => {
            r.protocol = strip_underscore(proto);
            r.port = strip_underscore(port);
        }
        _ => return Err(NameErr::InvalidRequest),
    }
    Ok(r)
}

fn strip_underscore(s: &str) -> String {
    s.strip_prefix('_').unwrap_or(s).to_string()
}

/// `matchPortAndProtocol`: an empty requested port or protocol matches anything.
fn match_port_and_protocol(a_port: &str, b_port: &str, a_proto: &str, b_proto: &str) -> bool {
    (a_port.is_empty() || a_port.eq_ignore_ascii_case(b_port))
        && (a_proto.is_empty() || a_proto.eq_ignore_ascii_case(b_proto))
}

/// `msg.Service.HostType`: an IP is an address record, anything else a CNAME target.
enum HostType {
    A(Ipv4Addr),
    Aaaa(Ipv6Addr),
    Cname(Name),
    Invalid,
}

fn host_type(host: &str) -> HostType {
    match host.parse::<IpAddr>() {
        Ok(IpAddr::V4(ip)) => HostType::A(ip),
        Ok(IpAddr::V6(ip)) => match ip.to_ipv4_mapped() {
            Some(v4) => HostType::A(v4),
            None => HostType::Aaaa(ip),
        },
        Err(_) => match parse_name(host) {
            Ok(n) => HostType::Cname(n),
            Err(_) => HostType::Invalid,
        },
    }
}

/// `msg.Service`: one candidate answer of the backend.
#[derive(Debug, Clone)]
struct Svc {
    host: String,
    /// -1: the "no ports" sentinel of `EndpointSliceToEndpoints`.
    port: i32,
    /// `msg.Domain(Key)`: the name this entry stands for (SRV target).
    key: Name,
}

/// An endpoint address as the plugin's informer keeps it (`object.EndpointAddress`).
struct Address {
    ip: String,
    hostname: String,
}

/// `object.EndpointSliceToEndpoints`: ready addresses (nil `ready` counts as ready) and the
/// slice's ports (the sentinel port -1 when there are none).
struct SliceView {
    service: String,
    namespace: String,
    addresses: Vec<Address>,
    ports: Vec<(String, String, i32)>,
}

/// `endpointHostname`: the endpoint's hostname, else its IP with `.`/`:` replaced by `-`.
fn endpoint_hostname(a: &Address) -> String {
    if !a.hostname.is_empty() {
        a.hostname.clone()
    } else if a.ip.contains('.') {
        a.ip.replace('.', "-")
    } else {
        a.ip.replace(':', "-")
    }
}

struct Kubernetes<'a> {
    cluster: &'a Cluster,
    upstream: &'a Upstream,
    /// The primary zone (cluster domain), then `in-addr.arpa.` and `ip6.arpa.`.
    zones: [Name; 3],
}

impl<'a> Kubernetes<'a> {
    fn new(cluster: &'a Cluster, upstream: &'a Upstream) -> Kubernetes<'a> {
        let primary = parse_name(&cluster.config.cluster_domain)
            .or_else(|_| parse_name("cluster.local"))
            .unwrap_or_else(|_| Name::root());
        let rev4 = parse_name("in-addr.arpa.").unwrap_or_else(|_| Name::root());
        let rev6 = parse_name("ip6.arpa.").unwrap_or_else(|_| Name::root());
        Kubernetes {
            cluster,
            upstream,
            zones: [primary, rev4, rev6],
        }
    }

    fn primary(&self) -> &Name {
        &self.zones[0]
    }

    /// `fallthrough in-addr.arpa ip6.arpa`.
    fn falls_through(&self, name: &Name) -> bool {
        self.zones[1..].iter().any(|z| name.is_subdomain_of(z))
    }

    /// `ServeDNS`: `None` when the query falls through to the next plugin.
    fn serve(&self, query: &Query, zone: &Name, server: &str) -> Option<DnsResponse> {
        let zone_asked = query.name.zone_as_asked(zone);
        let result = match query.qtype {
            RecordType::A | RecordType::Aaaa => self
                .addresses(&query.name, query.qtype, zone, &[])
                .map(|a| (a, Vec::new())),
            RecordType::Txt => Ok((self.txt(&query.name, zone), Vec::new())),
            RecordType::Cname => self.cname(&query.name, zone).map(|a| (a, Vec::new())),
            RecordType::Ptr => self.ptr(&query.name, zone).map(|a| (a, Vec::new())),
            RecordType::Srv => self.srv(&query.name, zone),
            RecordType::Soa => Ok((vec![self.soa(&zone_asked)], Vec::new())),
        };
        let mut resp = DnsResponse {
            id: query.id(),
            question: query.clone(),
            rcode: Rcode::NoError,
            authoritative: true,
            recursion_available: false,
            answer: Vec::new(),
            authority: Vec::new(),
            additional: Vec::new(),
            server: server.to_string(),
            source: AnswerSource::Kubernetes,
        };
        match result {
            Err(_) if self.falls_through(&query.name) => return None,
            // `BackendError`: the zone's SOA in the authority section.
            Err(_) => {
                resp.rcode = Rcode::NxDomain;
                resp.authority.push(self.soa(&zone_asked));
            }
            Ok((answer, _)) if answer.is_empty() => resp.authority.push(self.soa(&zone_asked)),
            Ok((answer, extra)) => {
                resp.answer = answer;
                resp.additional = extra;
            }
        }
        Some(resp)
    }

    /// `plugin.SOA`: TTL min(300, ttl), serial = the informer's last-modified time (svcsim: the
    /// simulated wall clock in seconds), refresh 7200, retry 1800, expire 86400, minimum = ttl.
    fn soa(&self, zone: &Name) -> Record {
        let join = |label: &str| zone.prepend(label).unwrap_or_else(|_| zone.clone());
        let serial = u32::try_from(self.cluster.wall_now().0.div_euclid(1000)).unwrap_or(0);
        Record::new(
            zone.clone(),
            KUBERNETES_TTL.min(300),
            RData::Soa {
                mname: join("ns.dns"),
                rname: join("hostmaster"),
                serial,
                refresh: 7200,
                retry: 1800,
                expire: 86400,
                minimum: KUBERNETES_TTL,
            },
        )
    }

    fn namespace_exists(&self, ns: &str) -> bool {
        self.cluster.store.namespaces.contains_key(ns)
    }

    /// `Services`: the backend entries for a name (TXT is handled separately).
    fn services(&self, name: &Name, qtype: RecordType, zone: &Name) -> Result<Vec<Svc>, NameErr> {
        // `isDefaultNS`: ns.dns.<zone> is CoreDNS itself (the kube-dns ClusterIP).
        if zone.prepend("ns.dns").is_ok_and(|n| n.eq_ignore_case(name)) {
            let ips = self
                .cluster
                .store
                .service("kube-system", "kube-dns")
                .map(cluster_ips)
                .filter(|v| !v.is_empty())
                .unwrap_or_else(|| vec![self.cluster.config.dns_service_ip()]);
            return Ok(ips
                .into_iter()
                .map(|host| Svc {
                    host,
                    port: 53,
                    key: name.clone(),
                })
                .collect());
        }
        let mut s = self.records(name, zone)?;
        // "SRV for external services is not yet implemented": drop CNAME entries.
        if qtype == RecordType::Srv {
            s.retain(|svc| !matches!(host_type(&svc.host), HostType::Cname(_)));
        }
        Ok(s)
    }

    /// `Records`.
    fn records(&self, name: &Name, zone: &Name) -> Result<Vec<Svc>, NameErr> {
        let r = parse_request(name, zone)?;
        if r.pod_or_svc.is_empty() {
            return Ok(Vec::new());
        }
        if is_reverse(name) {
            return Err(NameErr::NoItems);
        }
        if !self.namespace_exists(&r.namespace) {
            return Err(NameErr::NsNotExposed);
        }
        if r.pod_or_svc == "pod" {
            self.find_pods(&r)
        } else {
            self.find_services(&r)
        }
    }

    /// `findPods` with `pods insecure`: any well-formed dashed IP in an existing namespace
    /// resolves to that IP, whether or not such a pod exists.
    fn find_pods(&self, r: &Request) -> Result<Vec<Svc>, NameErr> {
        if !self.namespace_exists(&r.namespace) {
            return Err(NameErr::NoItems);
        }
        if r.service.is_empty() {
            return Ok(Vec::new());
        }
        let podname = &r.service;
        let ip = if podname.matches('-').count() == 3 && !podname.contains("--") {
            podname.replace('-', ".")
        } else {
            podname.replace('-', ":")
        };
        if ip.parse::<IpAddr>().is_err() {
            return Err(NameErr::NoItems);
        }
        let key = self.domain(&[podname, &r.namespace, "pod"]);
        Ok(vec![Svc {
            host: ip,
            port: 0,
            key,
        }])
    }

    /// `<labels…>.<primary zone>`.
    fn domain(&self, labels: &[&str]) -> Name {
        let text = format!("{}.{}", labels.join("."), self.primary().as_str());
        parse_name(&text).unwrap_or_else(|_| self.primary().clone())
    }

    /// The slices of one Service, as the plugin's endpoint index holds them.
    fn slices_of(&self, namespace: &str, service: &str) -> Vec<SliceView> {
        self.cluster
            .store
            .slices_for_service(namespace, service)
            .filter(|s| s.address_type != "FQDN")
            .map(|s| slice_view(s, namespace))
            .collect()
    }

    /// `findServices`.
    fn find_services(&self, r: &Request) -> Result<Vec<Svc>, NameErr> {
        if !self.namespace_exists(&r.namespace) {
            return Err(NameErr::NoItems);
        }
        if r.service.is_empty() {
            return Ok(Vec::new());
        }
        let Some(svc) = self.cluster.store.service(&r.namespace, &r.service) else {
            return Err(NameErr::NoItems);
        };
        let name = svc.metadata.name.as_str();
        let ns = svc.metadata.namespace.as_str();
        let ns = if ns.is_empty() {
            r.namespace.as_str()
        } else {
            ns
        };
        let key = self.domain(&[name, ns, "svc"]);
        let mut found = false;
        let mut out = Vec::new();
        if svc.type_or_default() == "ExternalName" {
            // External services have no endpoints and no ports: a request naming an endpoint
            // or carrying `_port._proto.` labels skips the Service (NXDOMAIN, CoreDNS ≥ 1.11;
            // before, the port labels were ignored and the answer was NOERROR/empty).
            if r.endpoint.is_empty()
                && r.port.is_empty()
                && r.protocol.is_empty()
                && matches!(host_type(&svc.spec.external_name), HostType::Cname(_))
            {
                out.push(Svc {
                    host: svc.spec.external_name.clone(),
                    port: 0,
                    key,
                });
                found = true;
            }
        } else if svc.is_headless() || !r.endpoint.is_empty() {
            for slice in self.slices_of(ns, name) {
                for addr in &slice.addresses {
                    let host = endpoint_hostname(addr);
                    if !r.endpoint.is_empty() && !r.endpoint.eq_ignore_ascii_case(&host) {
                        continue;
                    }
                    for (pname, proto, port) in &slice.ports {
                        if !match_port_and_protocol(&r.port, pname, &r.protocol, proto) {
                            continue;
                        }
                        out.push(Svc {
                            host: addr.ip.clone(),
                            port: *port,
                            key: self.domain(&[&host, name, ns, "svc"]),
                        });
                        found = true;
                    }
                }
            }
        } else {
            for p in &svc.spec.ports {
                let proto = if p.protocol.is_empty() {
                    "TCP"
                } else {
                    &p.protocol
                };
                if !match_port_and_protocol(&r.port, &p.name, &r.protocol, proto) {
                    continue;
                }
                found = true;
                for ip in cluster_ips(svc) {
                    out.push(Svc {
                        host: ip,
                        port: p.port,
                        key: key.clone(),
                    });
                }
            }
        }
        if found {
            Ok(out)
        } else {
            Err(NameErr::NoItems)
        }
    }

    /// `plugin.A` / `plugin.AAAA`: address records, deduplicated, owner = the question; an
    /// ExternalName's CNAME is followed inside the zone (recursively, at most 8 links, no
    /// loops) or through the upstream, and kept only if the internal chain resolves.
    fn addresses(
        &self,
        name: &Name,
        qtype: RecordType,
        zone: &Name,
        previous: &[Record],
    ) -> Result<Vec<Record>, NameErr> {
        // `checkForApex`: the apex resolves to nothing (NODATA).
        let services = if name.eq_ignore_case(zone) {
            Vec::new()
        } else {
            self.services(name, qtype, zone)?
        };
        let mut seen = BTreeSet::new();
        let mut out = Vec::new();
        for s in services {
            match host_type(&s.host) {
                HostType::Cname(target) => {
                    if name.eq_ignore_case(&target) || previous.len() > 7 {
                        continue;
                    }
                    let record =
                        Record::new(name.clone(), KUBERNETES_TTL, RData::Cname(target.clone()));
                    let duplicate = previous.iter().any(|p| {
                        p.name.eq_ignore_case(&record.name)
                            && matches!(&p.data, RData::Cname(t) if t.eq_ignore_case(&target))
                    });
                    if duplicate {
                        continue;
                    }
                    if target.is_subdomain_of(zone) {
                        let mut chain = previous.to_vec();
                        chain.push(record.clone());
                        if let Ok(next) = self.addresses(&target, qtype, zone, &chain) {
                            if !next.is_empty() {
                                out.push(record);
                                out.extend(next);
                            }
                        }
                    } else {
                        let up = self.upstream.lookup(&target, qtype);
                        out.push(record);
                        out.extend(up.answer);
                    }
                }
                HostType::A(ip) if qtype == RecordType::A && seen.insert(s.host.clone()) => {
                    out.push(Record::new(name.clone(), KUBERNETES_TTL, RData::A(ip)));
                }
                HostType::Aaaa(ip) if qtype == RecordType::Aaaa && seen.insert(s.host.clone()) => {
                    out.push(Record::new(name.clone(), KUBERNETES_TTL, RData::Aaaa(ip)));
                }
                _ => {}
            }
        }
        Ok(out)
    }

    /// `Services` for TXT: only `dns-version.<zone>` has one; every other TXT query is NODATA
    /// (never NXDOMAIN — the plugin does not look the name up).
    fn txt(&self, name: &Name, zone: &Name) -> Vec<Record> {
        let base = name.trim_zone(zone).unwrap_or_default();
        if base == "dns-version" {
            vec![Record::new(
                name.clone(),
                DNS_VERSION_TTL,
                RData::Txt(DNS_SCHEMA_VERSION.to_string()),
            )]
        } else {
            Vec::new()
        }
    }

    /// `plugin.CNAME`: the first entry, if it is a name (an ExternalName Service).
    fn cname(&self, name: &Name, zone: &Name) -> Result<Vec<Record>, NameErr> {
        let services = self.services(name, RecordType::Cname, zone)?;
        Ok(services
            .first()
            .and_then(|s| match host_type(&s.host) {
                HostType::Cname(t) => {
                    Some(Record::new(name.clone(), KUBERNETES_TTL, RData::Cname(t)))
                }
                _ => None,
            })
            .into_iter()
            .collect())
    }

    /// `Reverse` + `plugin.PTR`: a ClusterIP maps to its Service's name (the first Service
    /// found); otherwise every ready endpoint with that IP maps to
    /// `<hostname|dashed-ip>.<svc>.<ns>.svc.<zone>`. No match is a name error (which falls
    /// through to `forward` in the reverse zones).
    fn ptr(&self, name: &Name, zone: &Name) -> Result<Vec<Record>, NameErr> {
        let Some(ip) = extract_address_from_reverse(name) else {
            return self.records(name, zone).map(|_| Vec::new());
        };
        let mut targets: Vec<Name> = Vec::new();
        let by_cluster_ip = self.cluster.store.services.values().find(|s| {
            cluster_ips(s)
                .iter()
                .any(|c| c.parse::<IpAddr>().is_ok_and(|c| c == ip))
        });
        if let Some(s) = by_cluster_ip {
            targets.push(self.domain(&[&s.metadata.name, &s.metadata.namespace, "svc"]));
        } else {
            for slice in self.cluster.store.endpoint_slices.values() {
                if slice.address_type == "FQDN" {
                    continue;
                }
                let ns = slice.metadata.namespace.clone();
                let view = slice_view(slice, &ns);
                for addr in &view.addresses {
                    if addr.ip.parse::<IpAddr>().is_ok_and(|a| a == ip) {
                        let host = endpoint_hostname(addr);
                        targets.push(self.domain(&[&host, &view.service, &view.namespace, "svc"]));
                    }
                }
            }
        }
        if targets.is_empty() {
            return Err(NameErr::NoItems);
        }
        let mut seen = BTreeSet::new();
        Ok(targets
            .into_iter()
            .filter(|t| seen.insert(t.lower()))
            .map(|t| Record::new(name.clone(), KUBERNETES_TTL, RData::Ptr(t)))
            .collect())
    }

    /// `plugin.SRV`: one SRV per (entry, port) with priority 0 and weight
    /// ⌊100/(100·N)·100⌋ (at least 1) over the N entries; target = the entry's own name
    /// (the Service for ClusterIP, `<hostname|dashed-ip>.<svc>…` for headless), port = the
    /// Service port or the endpoint port; plus one additional address record per target.
    fn srv(&self, name: &Name, zone: &Name) -> Result<(Vec<Record>, Vec<Record>), NameErr> {
        let services = self.services(name, RecordType::Srv, zone)?;
        let total = 100.0 * services.len() as f64;
        let (mut records, mut extra) = (Vec::new(), Vec::new());
        let mut dup: BTreeSet<(String, u16, String)> = BTreeSet::new();
        for s in &services {
            if s.port == -1 {
                continue;
            }
            let w = (100.0 / total * 100.0).floor();
            let weight = if w < 1.0 { 1 } else { w as u16 };
            let port = u16::try_from(s.port).unwrap_or(0);
            let target = s.key.clone();
            let addr_record = match host_type(&s.host) {
                HostType::A(ip) => RData::A(ip),
                HostType::Aaaa(ip) => RData::Aaaa(ip),
                _ => continue,
            };
            let t = target.lower().as_str().to_string();
            if dup.insert((t.clone(), port, String::new())) {
                records.push(Record::new(
                    name.clone(),
                    KUBERNETES_TTL,
                    RData::Srv {
                        priority: 0,
                        weight,
                        port,
                        target: target.clone(),
                    },
                ));
            }
            if dup.insert((t, 0, s.host.clone())) {
                extra.push(Record::new(target, KUBERNETES_TTL, addr_record));
            }
        }
        Ok((records, extra))
    }
}

/// `object.Service.ClusterIPs`: `spec.clusterIPs`, else `[spec.clusterIP]`; never "None".
fn cluster_ips(svc: &Service) -> Vec<String> {
    let ips = if svc.spec.cluster_ips.is_empty() {
        vec![svc.spec.cluster_ip.clone()]
    } else {
        svc.spec.cluster_ips.clone()
    };
    ips.into_iter()
        .filter(|ip| !ip.is_empty() && ip != "None")
        .collect()
}

fn slice_view(s: &crate::api::discovery::EndpointSlice, namespace: &str) -> SliceView {
    let ports = if s.ports.is_empty() {
        vec![(String::new(), String::new(), -1)]
    } else {
        s.ports
            .iter()
            .map(|p| {
                (
                    p.name.clone().unwrap_or_default(),
                    p.protocol.clone().unwrap_or_default(),
                    p.port.unwrap_or(-1),
                )
            })
            .collect()
    };
    let addresses = s
        .endpoints
        .iter()
        .filter(|e| e.conditions.ready != Some(false))
        .flat_map(|e| {
            e.addresses.iter().map(move |ip| Address {
                ip: ip.clone(),
                hostname: e.hostname.clone().unwrap_or_default(),
            })
        })
        .collect();
    SliceView {
        service: s.service_name().unwrap_or_default().to_string(),
        namespace: namespace.to_string(),
        addresses,
        ports,
    }
}

/// `dnsutil.IsReverse` > 0.
fn is_reverse(name: &Name) -> bool {
    let l = name.lower();
    l.as_str().ends_with(".in-addr.arpa.") || l.as_str().ends_with(".ip6.arpa.")
}

/// `dnsutil.ExtractAddressFromReverse`: `4.3.2.1.in-addr.arpa.` → 1.2.3.4; 32 nibbles under
/// `ip6.arpa.` → the IPv6 address; anything else → `None`.
fn extract_address_from_reverse(name: &Name) -> Option<IpAddr> {
    let l = name.lower();
    let s = l.as_str();
    if let Some(rest) = s.strip_suffix(".in-addr.arpa.") {
        let mut labels: Vec<&str> = rest.split('.').collect();
        labels.reverse();
        return labels.join(".").parse::<Ipv4Addr>().ok().map(IpAddr::V4);
    }
    if let Some(rest) = s.strip_suffix(".ip6.arpa.") {
        let mut labels: Vec<&str> = rest.split('.').collect();
        labels.reverse();
        let groups: Vec<String> = labels.chunks_exact(4).map(|c| c.concat()).collect();
        return groups.join(":").parse::<Ipv6Addr>().ok().map(IpAddr::V6);
    }
    None
}
