//! The stub resolver inside a pod: which names it asks for, in which order, and when it stops.
//!
//! glibc (`resolv/res_query.c`, `__res_context_search`) — Debian/Ubuntu/RHEL-based images:
//! * a name ending in a dot is absolute: only that name is asked, whatever the answer;
//! * if the name has at least `ndots` dots it is asked as-is **first**, then the search list;
//!   otherwise each search suffix is tried **first**, in order, and the name as-is **last**
//!   (with the kubelet's `ndots:5`, even `my-svc.prod.svc.cluster.local` — 4 dots — walks the
//!   whole search list before being asked as-is);
//! * the first NOERROR response with at least one answer record stops everything;
//! * NXDOMAIN (`HOST_NOT_FOUND`), NODATA (`NO_DATA`: NOERROR without answers) and SERVFAIL
//!   (`TRY_AGAIN`) all **continue** with the next suffix ("a wildcard entry of another type
//!   could keep us from finding this entry higher in the domain"); any other failure
//!   (FORMERR/NOTIMP/REFUSED, or a candidate that cannot be encoded — `NO_RECOVERY`) ends the
//!   search list, though the as-is name is still tried if it was not yet;
//! * when everything fails the error reported is the as-is attempt's if it went first, else
//!   `NO_DATA` if any candidate returned NODATA, else `TRY_AGAIN` after a SERVFAIL, else the last.
//!
//! musl (`src/network/lookup_name.c`, `name_from_dns_search`) — Alpine images — differs:
//! the search list is used only when the name has fewer than `ndots` dots (otherwise only the
//! name itself is asked), and only NXDOMAIN continues the walk: a NODATA or SERVFAIL answer for
//! a search candidate ends the lookup with that error.
//!
//! Real resolvers send A and AAAA for each candidate (in parallel with glibc, unless
//! `single-request`); svcsim walks one query type at a time.

use super::coredns::{answer, node_resolver_answer, Upstream};
use super::message::{DnsResponse, Query, Rcode, RecordType};
use super::name::{parse_name, NameError};
use super::resolv::ResolvConf;
use crate::cluster::Cluster;
use serde::Serialize;

/// Which C library's resolver the client container uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum ResolverFlavor {
    #[default]
    Glibc,
    Musl,
}

impl ResolverFlavor {
    /// The C library of a container image: musl for Alpine-based images (`alpine:3.20`,
    /// `nginx:1.27-alpine`, `python:3.12-alpine3.20`) and busybox's musl build, glibc for
    /// everything else (Debian, Ubuntu, UBI, distroless and busybox's default glibc build).
    pub fn of_image(image: &str) -> ResolverFlavor {
        let image = image.to_ascii_lowercase();
        // The repository's last path segment and the tag: `docker.io/library/alpine:3.20`.
        let last = image.rsplit('/').next().unwrap_or("");
        let (repo, tag) = last.split_once(':').unwrap_or((last, ""));
        let tag = tag.split('@').next().unwrap_or("");
        if repo == "alpine" || tag.contains("alpine") || (repo == "busybox" && tag.contains("musl"))
        {
            ResolverFlavor::Musl
        } else {
            ResolverFlavor::Glibc
        }
    }

    /// The resolver of a pod's container (by name; the first container when None).
    pub fn of_pod(pod: &crate::api::core::Pod, container: Option<&str>) -> ResolverFlavor {
        let c = match container {
            Some(name) => pod.spec.containers.iter().find(|c| c.name == name),
            None => pod.spec.containers.first(),
        };
        c.map_or(ResolverFlavor::Glibc, |c| {
            ResolverFlavor::of_image(&c.image)
        })
    }

    /// How the page and the CLI name it.
    pub fn as_str(self) -> &'static str {
        match self {
            ResolverFlavor::Glibc => "glibc",
            ResolverFlavor::Musl => "musl",
        }
    }
}

/// How a lookup ended (glibc's `h_errno` names).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum Outcome {
    /// `steps[step]` was a NOERROR response with answers.
    Answered { step: usize },
    /// `HOST_NOT_FOUND`: NXDOMAIN everywhere.
    HostNotFound,
    /// `NO_DATA`: the name exists, without records of this type.
    NoData,
    /// `TRY_AGAIN`: SERVFAIL.
    TryAgain,
    /// `NO_RECOVERY`: REFUSED/FORMERR/NOTIMP, or nothing could be asked.
    NoRecovery,
}

impl Outcome {
    pub fn as_str(self) -> &'static str {
        match self {
            Outcome::Answered { .. } => "ANSWERED",
            Outcome::HostNotFound => "HOST_NOT_FOUND",
            Outcome::NoData => "NO_DATA",
            Outcome::TryAgain => "TRY_AGAIN",
            Outcome::NoRecovery => "NO_RECOVERY",
        }
    }
}

/// One candidate the resolver formed: the response, or why it could not be asked.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Step {
    /// The candidate name as formed (`name.suffix` or the name itself).
    pub candidate: String,
    /// `Err` when the candidate is not a legal name and was never sent.
    pub response: Result<DnsResponse, String>,
}

/// A whole lookup: every candidate asked, and how it ended.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Resolution {
    pub name: String,
    pub qtype: RecordType,
    pub flavor: ResolverFlavor,
    pub steps: Vec<Step>,
    pub outcome: Outcome,
}

impl Resolution {
    /// The response that answered, if any.
    pub fn answer(&self) -> Option<&DnsResponse> {
        match self.outcome {
            Outcome::Answered { step } => self.steps.get(step)?.response.as_ref().ok(),
            _ => None,
        }
    }
}

/// glibc's classification of one attempt (`__res_context_query` → `h_errno`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Herr {
    Success,
    HostNotFound,
    NoData,
    TryAgain,
    NoRecovery,
}

fn classify(r: &DnsResponse) -> Herr {
    match r.rcode {
        Rcode::NoError if !r.answer.is_empty() => Herr::Success,
        Rcode::NoError => Herr::NoData,
        Rcode::NxDomain => Herr::HostNotFound,
        Rcode::ServFail => Herr::TryAgain,
        Rcode::FormErr | Rcode::NotImp | Rcode::Refused => Herr::NoRecovery,
    }
}

fn outcome_of(h: Herr, step: usize) -> Outcome {
    match h {
        Herr::Success => Outcome::Answered { step },
        Herr::HostNotFound => Outcome::HostNotFound,
        Herr::NoData => Outcome::NoData,
        Herr::TryAgain => Outcome::TryAgain,
        Herr::NoRecovery => Outcome::NoRecovery,
    }
}

struct Walker<'a, F: FnMut(&Query) -> DnsResponse> {
    qtype: RecordType,
    send: &'a mut F,
    steps: Vec<Step>,
}

impl<F: FnMut(&Query) -> DnsResponse> Walker<'_, F> {
    /// Form, validate and (if legal) send one candidate.
    fn attempt(&mut self, candidate: String) -> Herr {
        let parsed: Result<_, NameError> = parse_name(&candidate);
        match parsed {
            Ok(name) => {
                let q = Query::new(name, self.qtype);
                let r = (self.send)(&q);
                let h = classify(&r);
                self.steps.push(Step {
                    candidate,
                    response: Ok(r),
                });
                h
            }
            Err(e) => {
                self.steps.push(Step {
                    candidate,
                    response: Err(e.to_string()),
                });
                Herr::NoRecovery
            }
        }
    }

    fn last(&self) -> usize {
        self.steps.len().saturating_sub(1)
    }
}

/// Join a search suffix as glibc does: one leading dot stripped; an empty suffix is the root.
fn with_suffix(name: &str, domain: &str) -> (String, bool) {
    let d = domain.strip_prefix('.').unwrap_or(domain);
    if d.is_empty() {
        (format!("{name}."), true)
    } else {
        (format!("{name}.{d}"), false)
    }
}

fn walk_glibc<F: FnMut(&Query) -> DnsResponse>(
    conf: &ResolvConf,
    name: &str,
    w: &mut Walker<'_, F>,
) -> Outcome {
    if name.is_empty() {
        return Outcome::HostNotFound;
    }
    let dots = u32::try_from(name.matches('.').count()).unwrap_or(u32::MAX);
    let trailing = name.ends_with('.');
    let mut saved: Option<Herr> = None;
    let mut last = Herr::HostNotFound;
    let (mut got_nodata, mut got_servfail, mut root_on_list) = (false, false, false);
    if dots >= conf.ndots() || trailing {
        let h = w.attempt(name.to_string());
        if h == Herr::Success || trailing {
            return outcome_of(h, w.last());
        }
        saved = Some(h);
        last = h;
    }
    let tried_as_is = saved.is_some();
    // RES_DEFNAMES and RES_DNSRCH are on by default: search unless the name is absolute.
    if !trailing {
        for domain in &conf.searches {
            let (candidate, root) = with_suffix(name, domain);
            root_on_list |= root;
            let h = w.attempt(candidate);
            last = h;
            match h {
                Herr::Success => return outcome_of(h, w.last()),
                Herr::NoData => got_nodata = true,
                Herr::HostNotFound => {}
                Herr::TryAgain => got_servfail = true,
                Herr::NoRecovery => break,
            }
        }
    }
    if !(tried_as_is || root_on_list) {
        let h = w.attempt(name.to_string());
        if h == Herr::Success {
            return outcome_of(h, w.last());
        }
        last = h;
    }
    let h = saved
        .or(got_nodata.then_some(Herr::NoData))
        .or(got_servfail.then_some(Herr::TryAgain))
        .unwrap_or(last);
    outcome_of(h, w.last())
}

fn walk_musl<F: FnMut(&Query) -> DnsResponse>(
    conf: &ResolvConf,
    name: &str,
    w: &mut Walker<'_, F>,
) -> Outcome {
    if name.is_empty() || name.ends_with("..") {
        return Outcome::HostNotFound;
    }
    let dots = u32::try_from(name.matches('.').count()).unwrap_or(u32::MAX);
    let trailing = name.ends_with('.');
    let canon = name.strip_suffix('.').unwrap_or(name);
    if dots < conf.ndots() && !trailing {
        for domain in &conf.searches {
            // musl skips (rather than fails on) candidates that would not fit 255 bytes.
            if canon.len() + domain.len() + 1 >= 255 {
                continue;
            }
            let (candidate, _) = with_suffix(canon, domain);
            match w.attempt(candidate) {
                Herr::HostNotFound => {}
                // An unencodable candidate: musl's mkquery fails and it moves on.
                Herr::NoRecovery if matches!(w.steps.last(), Some(s) if s.response.is_err()) => {}
                h => return outcome_of(h, w.last()),
            }
        }
    }
    let h = w.attempt(canon.to_string());
    outcome_of(h, w.last())
}

/// Walk `name` through `conf` the way `flavor`'s resolver does, asking `send` for each
/// candidate, and stop where that resolver stops.
pub fn walk(
    conf: &ResolvConf,
    name: &str,
    qtype: RecordType,
    flavor: ResolverFlavor,
    mut send: impl FnMut(&Query) -> DnsResponse,
) -> Resolution {
    let mut w = Walker {
        qtype,
        send: &mut send,
        steps: Vec::new(),
    };
    let outcome = match flavor {
        ResolverFlavor::Glibc => walk_glibc(conf, name, &mut w),
        ResolverFlavor::Musl => walk_musl(conf, name, &mut w),
    };
    Resolution {
        name: name.to_string(),
        qtype,
        flavor,
        steps: w.steps,
        outcome,
    }
}

fn nxdomain_for(q: &Query) -> DnsResponse {
    DnsResponse {
        id: q.id(),
        question: q.clone(),
        rcode: Rcode::NxDomain,
        authoritative: false,
        recursion_available: true,
        answer: Vec::new(),
        authority: Vec::new(),
        additional: Vec::new(),
        server: String::new(),
        source: super::message::AnswerSource::NodeResolver,
    }
}

/// Every query glibc would send for `name` if no candidate succeeded, in order (see the module
/// docs for the rules). Candidates that are not legal names are never sent, and — as glibc's
/// `NO_RECOVERY` does — such a candidate ends the search-list phase.
pub fn query_sequence(conf: &ResolvConf, name: &str, qtype: RecordType) -> Vec<Query> {
    query_sequence_for(conf, name, qtype, ResolverFlavor::Glibc)
}

/// [`query_sequence`] for a chosen resolver flavour.
pub fn query_sequence_for(
    conf: &ResolvConf,
    name: &str,
    qtype: RecordType,
    flavor: ResolverFlavor,
) -> Vec<Query> {
    walk(conf, name, qtype, flavor, nxdomain_for)
        .steps
        .into_iter()
        .filter_map(|s| s.response.ok().map(|r| r.question))
        .collect()
}

/// Whether `server` is CoreDNS: kubelet's clusterDNS address or a ClusterIP of
/// `kube-system/kube-dns`.
fn is_cluster_dns(cluster: &Cluster, server: &str) -> bool {
    if server == cluster.config.dns_service_ip() {
        return true;
    }
    cluster
        .store
        .service("kube-system", "kube-dns")
        .is_some_and(|s| {
            s.spec.cluster_ip == server || s.spec.cluster_ips.iter().any(|ip| ip == server)
        })
}

/// Send one query to `server`: CoreDNS when it is the cluster DNS address, otherwise the node's
/// resolver (docker's embedded DNS on kind), which knows nothing of cluster.local.
pub fn ask(cluster: &Cluster, upstream: &Upstream, server: &str, query: &Query) -> DnsResponse {
    if is_cluster_dns(cluster, server) {
        let mut r = answer(cluster, upstream, query);
        r.server = server.to_string();
        r
    } else {
        node_resolver_answer(upstream, server, query)
    }
}

/// Resolve `name` from a pod with `conf`, as `getent ahostsv4` / `ping` would: walk the
/// candidates, asking the first nameserver (glibc only moves to the next one on timeouts,
/// which svcsim does not simulate), and stop per `flavor`'s rules.
pub fn resolve(
    cluster: &Cluster,
    upstream: &Upstream,
    conf: &ResolvConf,
    name: &str,
    qtype: RecordType,
    flavor: ResolverFlavor,
) -> Resolution {
    // No nameserver line: glibc uses the loopback address.
    let server = conf
        .nameservers
        .first()
        .cloned()
        .unwrap_or_else(|| "127.0.0.1".to_string());
    walk(conf, name, qtype, flavor, |q| {
        ask(cluster, upstream, &server, q)
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::dns::resolv::PodDnsType;

    fn pod_conf(ns: &str) -> ResolvConf {
        ResolvConf {
            nameservers: vec!["10.96.0.10".into()],
            searches: vec![
                format!("{ns}.svc.cluster.local"),
                "svc.cluster.local".into(),
                "cluster.local".into(),
            ],
            options: vec!["ndots:5".into()],
            dns_type: PodDnsType::Cluster,
            events: vec![],
        }
    }

    fn names(qs: &[Query]) -> Vec<&str> {
        qs.iter().map(|q| q.name.as_str()).collect()
    }

    #[test]
    fn short_name_tries_search_list_first() {
        let qs = query_sequence(&pod_conf("default"), "my-service", RecordType::A);
        assert_eq!(
            names(&qs),
            [
                "my-service.default.svc.cluster.local.",
                "my-service.svc.cluster.local.",
                "my-service.cluster.local.",
                "my-service.",
            ]
        );
    }

    #[test]
    fn service_dot_namespace() {
        let qs = query_sequence(&pod_conf("default"), "my-service.prod", RecordType::A);
        assert_eq!(
            names(&qs),
            [
                "my-service.prod.default.svc.cluster.local.",
                "my-service.prod.svc.cluster.local.",
                "my-service.prod.cluster.local.",
                "my-service.prod.",
            ]
        );
    }

    #[test]
    fn four_dots_is_still_below_ndots_5() {
        let qs = query_sequence(
            &pod_conf("default"),
            "my-service.prod.svc.cluster.local",
            RecordType::A,
        );
        assert_eq!(
            names(&qs),
            [
                "my-service.prod.svc.cluster.local.default.svc.cluster.local.",
                "my-service.prod.svc.cluster.local.svc.cluster.local.",
                "my-service.prod.svc.cluster.local.cluster.local.",
                "my-service.prod.svc.cluster.local.",
            ]
        );
    }

    #[test]
    fn trailing_dot_is_absolute() {
        let qs = query_sequence(&pod_conf("default"), "example.com.", RecordType::A);
        assert_eq!(names(&qs), ["example.com."]);
    }

    #[test]
    fn enough_dots_goes_as_is_first() {
        let mut conf = pod_conf("default");
        conf.options = vec!["ndots:1".into()];
        let qs = query_sequence(&conf, "example.com", RecordType::Aaaa);
        assert_eq!(
            names(&qs),
            [
                "example.com.",
                "example.com.default.svc.cluster.local.",
                "example.com.svc.cluster.local.",
                "example.com.cluster.local.",
            ]
        );
        assert!(qs.iter().all(|q| q.qtype == RecordType::Aaaa));
        // musl: with dots >= ndots, no search list at all.
        let qs = query_sequence_for(&conf, "example.com", RecordType::A, ResolverFlavor::Musl);
        assert_eq!(names(&qs), ["example.com."]);
    }

    #[test]
    fn invalid_candidates_are_not_sent_and_end_the_search_list() {
        // 4 labels of 60 = 244 chars: the name fits, name + any suffix does not.
        let long = vec!["a".repeat(60); 4].join(".");
        let qs = query_sequence(&pod_conf("default"), &long, RecordType::A);
        assert_eq!(qs.len(), 1);
        assert_eq!(qs[0].name.as_str(), format!("{long}."));
        assert!(query_sequence(&pod_conf("default"), "", RecordType::A).is_empty());
        assert!(query_sequence(&pod_conf("default"), "a..b", RecordType::A).is_empty());
    }

    fn respond(rcodes: Vec<(&'static str, Rcode, bool)>) -> impl FnMut(&Query) -> DnsResponse {
        move |q: &Query| {
            let mut r = nxdomain_for(q);
            if let Some((_, rc, has_answer)) = rcodes.iter().find(|(n, _, _)| q.name.as_str() == *n)
            {
                r.rcode = *rc;
                if *has_answer {
                    r.answer.push(super::super::message::Record::new(
                        q.name.clone(),
                        30,
                        super::super::message::RData::A(std::net::Ipv4Addr::new(10, 96, 0, 1)),
                    ));
                }
            }
            r
        }
    }

    #[test]
    fn glibc_stop_rules() {
        let conf = pod_conf("default");
        // First positive answer stops.
        let r = walk(
            &conf,
            "my-service",
            RecordType::A,
            ResolverFlavor::Glibc,
            respond(vec![(
                "my-service.svc.cluster.local.",
                Rcode::NoError,
                true,
            )]),
        );
        assert_eq!(r.steps.len(), 2);
        assert_eq!(r.outcome, Outcome::Answered { step: 1 });
        // NODATA continues; the final error is NO_DATA.
        let r = walk(
            &conf,
            "my-service",
            RecordType::Aaaa,
            ResolverFlavor::Glibc,
            respond(vec![(
                "my-service.default.svc.cluster.local.",
                Rcode::NoError,
                false,
            )]),
        );
        assert_eq!(r.steps.len(), 4);
        assert_eq!(r.outcome, Outcome::NoData);
        // SERVFAIL continues too.
        let r = walk(
            &conf,
            "db",
            RecordType::A,
            ResolverFlavor::Glibc,
            respond(vec![
                ("db.default.svc.cluster.local.", Rcode::ServFail, false),
                ("db.cluster.local.", Rcode::NoError, true),
            ]),
        );
        assert_eq!(r.outcome, Outcome::Answered { step: 2 });
        // REFUSED ends the search list but the as-is name is still asked.
        let r = walk(
            &conf,
            "db",
            RecordType::A,
            ResolverFlavor::Glibc,
            respond(vec![(
                "db.default.svc.cluster.local.",
                Rcode::Refused,
                false,
            )]),
        );
        assert_eq!(
            r.steps
                .iter()
                .map(|s| s.candidate.as_str())
                .collect::<Vec<_>>(),
            ["db.default.svc.cluster.local", "db"]
        );
        assert_eq!(r.outcome, Outcome::HostNotFound);
    }

    #[test]
    fn musl_stops_on_nodata() {
        let r = walk(
            &pod_conf("default"),
            "my-service",
            RecordType::Aaaa,
            ResolverFlavor::Musl,
            respond(vec![(
                "my-service.default.svc.cluster.local.",
                Rcode::NoError,
                false,
            )]),
        );
        assert_eq!(r.steps.len(), 1);
        assert_eq!(r.outcome, Outcome::NoData);
    }
}
