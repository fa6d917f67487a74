//! DNS messages as data: questions, resource records, responses, and the two ways svcsim prints
//! them (a `dig`-like block and a one-line summary for the UI).
//!
//! The shapes follow miekg/dns (which CoreDNS is built on): a response has a header (id, rcode,
//! the `aa`/`ra` flags), one question, and answer / authority / additional sections.

use super::name::{parse_name, Name, NameError};
use crate::sim::Rng;
use serde::Serialize;
use std::fmt;
use std::net::{Ipv4Addr, Ipv6Addr};

/// The record types svcsim answers (what the kubernetes plugin's `ServeDNS` switches on, minus
/// zone transfers, MX and NS, which Services networking never needs).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
pub enum RecordType {
    A,
    #[serde(rename = "AAAA")]
    Aaaa,
    #[serde(rename = "CNAME")]
    Cname,
    #[serde(rename = "SRV")]
    Srv,
    #[serde(rename = "PTR")]
    Ptr,
    #[serde(rename = "TXT")]
    Txt,
    #[serde(rename = "SOA")]
    Soa,
}

impl RecordType {
    /// Every type, in the order the UI offers them.
    pub const ALL: [RecordType; 7] = [
        RecordType::A,
        RecordType::Aaaa,
        RecordType::Cname,
        RecordType::Srv,
        RecordType::Ptr,
        RecordType::Txt,
        RecordType::Soa,
    ];

    /// The mnemonic `dig` prints (`A`, `AAAA`, …).
    pub fn as_str(self) -> &'static str {
        match self {
            RecordType::A => "A",
            RecordType::Aaaa => "AAAA",
            RecordType::Cname => "CNAME",
            RecordType::Srv => "SRV",
            RecordType::Ptr => "PTR",
            RecordType::Txt => "TXT",
            RecordType::Soa => "SOA",
        }
    }

    /// Parse a mnemonic case-insensitively, as `dig` accepts `aaaa` or `AAAA`.
    pub fn parse(s: &str) -> Option<RecordType> {
        RecordType::ALL
            .into_iter()
            .find(|t| t.as_str().eq_ignore_ascii_case(s.trim()))
    }

    fn code(self) -> u16 {
        match self {
            RecordType::A => 1,
            RecordType::Cname => 5,
            RecordType::Soa => 6,
            RecordType::Ptr => 12,
            RecordType::Txt => 16,
            RecordType::Aaaa => 28,
            RecordType::Srv => 33,
        }
    }
}

impl fmt::Display for RecordType {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Response codes (RFC 1035 §4.1.1), printed as `dig` prints `status:`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "UPPERCASE")]
pub enum Rcode {
    NoError,
    FormErr,
    ServFail,
    NxDomain,
    NotImp,
    Refused,
}

impl Rcode {
    pub fn as_str(self) -> &'static str {
        match self {
            Rcode::NoError => "NOERROR",
            Rcode::FormErr => "FORMERR",
            Rcode::ServFail => "SERVFAIL",
            Rcode::NxDomain => "NXDOMAIN",
            Rcode::NotImp => "NOTIMP",
            Rcode::Refused => "REFUSED",
        }
    }
}

impl fmt::Display for Rcode {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Record data.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "type", content = "data", rename_all = "UPPERCASE")]
pub enum RData {
    A(Ipv4Addr),
    Aaaa(Ipv6Addr),
    Cname(Name),
    Srv {
        priority: u16,
        weight: u16,
        port: u16,
        target: Name,
    },
    Ptr(Name),
    Txt(String),
    Soa {
        mname: Name,
        rname: Name,
        serial: u32,
        refresh: u32,
        retry: u32,
        expire: u32,
        minimum: u32,
    },
}

impl RData {
    pub fn record_type(&self) -> RecordType {
        match self {
            RData::A(_) => RecordType::A,
            RData::Aaaa(_) => RecordType::Aaaa,
            RData::Cname(_) => RecordType::Cname,
            RData::Srv { .. } => RecordType::Srv,
            RData::Ptr(_) => RecordType::Ptr,
            RData::Txt(_) => RecordType::Txt,
            RData::Soa { .. } => RecordType::Soa,
        }
    }
}

impl fmt::Display for RData {
    /// Presentation format, as `dig` prints the RDATA column.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            RData::A(ip) => write!(f, "{ip}"),
            RData::Aaaa(ip) => write!(f, "{ip}"),
            RData::Cname(n) | RData::Ptr(n) => write!(f, "{n}"),
            RData::Srv {
                priority,
                weight,
                port,
                target,
            } => write!(f, "{priority} {weight} {port} {target}"),
            RData::Txt(t) => write!(f, "{t:?}"),
            RData::Soa {
                mname,
                rname,
                serial,
                refresh,
                retry,
                expire,
                minimum,
            } => write!(
                f,
                "{mname} {rname} {serial} {refresh} {retry} {expire} {minimum}"
            ),
        }
    }
}

/// A resource record (class IN only: the kubernetes plugin never answers another class).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Record {
    /// Owner name, as the question spelled it.
    pub name: Name,
    pub ttl: u32,
    pub data: RData,
}

impl Record {
    pub fn new(name: Name, ttl: u32, data: RData) -> Record {
        Record { name, ttl, data }
    }

    pub fn record_type(&self) -> RecordType {
        self.data.record_type()
    }
}

impl fmt::Display for Record {
    /// One line of a `dig` section: `owner TTL IN TYPE RDATA` (dig aligns columns with tabs;
    /// svcsim separates them with single spaces so lines are stable to compare and to read).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} {} IN {} {}",
            self.name,
            self.ttl,
            self.record_type(),
            self.data
        )
    }
}

/// One question: a name and a type (class IN).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
pub struct Query {
    pub name: Name,
    pub qtype: RecordType,
}

impl Query {
    pub fn new(name: Name, qtype: RecordType) -> Query {
        Query { name, qtype }
    }

    /// Parse the name (trailing dot optional, as `dig` treats it) into a query.
    pub fn parse(name: &str, qtype: RecordType) -> Result<Query, NameError> {
        Ok(Query::new(parse_name(name)?, qtype))
    }

    /// A deterministic stand-in for the random 16-bit message id a resolver picks: FNV-1a of
    /// the lower-cased name and the type, so the same question prints the same `id:` everywhere.
    pub fn id(&self) -> u16 {
        let mut h: u32 = 0x811c_9dc5;
        let lower = self.name.as_str().to_ascii_lowercase();
        for b in lower.bytes().chain(self.qtype.code().to_be_bytes()) {
            h ^= u32::from(b);
            h = h.wrapping_mul(0x0100_0193);
        }
        (h ^ (h >> 16)) as u16
    }
}

/// Which server produced an answer; the UI colours hops with it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub enum AnswerSource {
    /// CoreDNS's `kubernetes` plugin answered from the Services / EndpointSlices / Namespaces.
    Kubernetes,
    /// CoreDNS's `forward` plugin relayed the upstream resolver's answer.
    Forward,
    /// The node's own resolver (pods with `dnsPolicy: Default` or hostNetwork + `ClusterFirst`)
    /// answered without CoreDNS.
    NodeResolver,
}

/// A complete response as the client receives it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct DnsResponse {
    pub id: u16,
    pub question: Query,
    pub rcode: Rcode,
    /// `aa`: set by the kubernetes plugin (it is authoritative for cluster.local and the reverse
    /// zones), clear on forwarded answers.
    pub authoritative: bool,
    /// `ra`: CoreDNS's kubernetes handler never sets it (dig warns "recursion requested but not
    /// available"); forwarded answers carry the upstream recursor's `ra`.
    pub recursion_available: bool,
    pub answer: Vec<Record>,
    pub authority: Vec<Record>,
    pub additional: Vec<Record>,
    /// The nameserver that answered (the pod's first `nameserver`).
    pub server: String,
    pub source: AnswerSource,
}

impl DnsResponse {
    /// An empty SERVFAIL to `question` from `server` (no `aa`, no `ra`, no records).
    ///
    /// SERVFAIL is the answer when the name could not be looked up at all, as opposed to
    /// NXDOMAIN (it does not exist): CoreDNS sends it when it cannot answer (its upstream
    /// failed); and a stub resolver whose query got no answer — refused, or dropped on the way
    /// to the nameserver — gives up with `TRY_AGAIN` (glibc's `h_errno`), which svcsim shows as
    /// this SERVFAIL standing in for the missing reply, so the search walk stops as glibc's
    /// does. `source` says who stands behind it.
    pub fn servfail(question: &Query, server: &str, source: AnswerSource) -> DnsResponse {
        DnsResponse {
            id: question.id(),
            question: question.clone(),
            rcode: Rcode::ServFail,
            authoritative: false,
            recursion_available: false,
            answer: Vec::new(),
            authority: Vec::new(),
            additional: Vec::new(),
            server: server.to_string(),
            source,
        }
    }

    /// glibc's notion of success (`__res_context_query`): NOERROR with at least one answer.
    pub fn is_positive(&self) -> bool {
        self.rcode == Rcode::NoError && !self.answer.is_empty()
    }

    /// NOERROR without answers ("NODATA": the name exists, not with that type).
    pub fn is_nodata(&self) -> bool {
        self.rcode == Rcode::NoError && self.answer.is_empty()
    }

    /// The addresses in the answer section (after CNAMEs are followed), in order.
    pub fn addresses(&self) -> Vec<String> {
        self.answer
            .iter()
            .filter_map(|r| match &r.data {
                RData::A(ip) => Some(ip.to_string()),
                RData::Aaaa(ip) => Some(ip.to_string()),
                _ => None,
            })
            .collect()
    }

    /// One line for the UI: `A my-service.default.svc.cluster.local → 10.96.12.34 (NOERROR)`.
    pub fn summary(&self) -> String {
        let data: Vec<String> = self
            .answer
            .iter()
            .map(|r| match &r.data {
                RData::Cname(t) => format!("CNAME {t}"),
                d => d.to_string(),
            })
            .collect();
        let rhs = if data.is_empty() {
            "no records".to_string()
        } else {
            data.join(", ")
        };
        format!(
            "{} {} → {} ({})",
            self.question.qtype,
            self.question.name.without_dot(),
            rhs,
            self.rcode
        )
    }
}

impl fmt::Display for DnsResponse {
    /// The body of `dig` output: header, flags, sections (empty ones omitted, as dig does) and
    /// the `SERVER:` line. svcsim does not model EDNS, so there is no OPT pseudosection and the
    /// ADDITIONAL count is the number of additional records only.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(
            f,
            ";; ->>HEADER<<- opcode: QUERY, status: {}, id: {}",
            self.rcode, self.id
        )?;
        let mut flags = vec!["qr"];
        if self.authoritative {
            flags.push("aa");
        }
        flags.push("rd");
        if self.recursion_available {
            flags.push("ra");
        }
        writeln!(
            f,
            ";; flags: {}; QUERY: 1, ANSWER: {}, AUTHORITY: {}, ADDITIONAL: {}",
            flags.join(" "),
            self.answer.len(),
            self.authority.len(),
            self.additional.len()
        )?;
        if !self.recursion_available {
            writeln!(f, ";; WARNING: recursion requested but not available")?;
        }
        writeln!(f)?;
        writeln!(f, ";; QUESTION SECTION:")?;
        writeln!(f, ";{} IN {}", self.question.name, self.question.qtype)?;
        for (title, records) in [
            ("ANSWER", &self.answer),
            ("AUTHORITY", &self.authority),
            ("ADDITIONAL", &self.additional),
        ] {
            if records.is_empty() {
                continue;
            }
            writeln!(f)?;
            writeln!(f, ";; {title} SECTION:")?;
            for r in records {
                writeln!(f, "{r}")?;
            }
        }
        writeln!(f)?;
        writeln!(f, ";; SERVER: {0}#53({0}) (UDP)", self.server)
    }
}

/// CoreDNS's `loadbalance` plugin (`plugin/loadbalance/loadbalance.go`, policy `round_robin`),
/// made deterministic by drawing from the caller's seeded [`Rng`] where CoreDNS calls `dns.Id()`.
///
/// Only NOERROR responses are touched. In each section: a list of only A or only AAAA records
/// is shuffled in place; a mixed list is regrouped as CNAMEs, then other types, then the
/// (shuffled) addresses — which is why a CNAME chain always comes first. Two records swap on an
/// even draw; longer lists get the plugin's swap-with-a-later-index pass.
pub fn loadbalance(resp: &mut DnsResponse, rng: &mut Rng) {
    if resp.rcode != Rcode::NoError {
        return;
    }
    for section in [&mut resp.answer, &mut resp.authority, &mut resp.additional] {
        let taken = std::mem::take(section);
        *section = round_robin(taken, rng);
    }
}

fn round_robin(mut records: Vec<Record>, rng: &mut Rng) -> Vec<Record> {
    if records.len() <= 1 {
        return records;
    }
    let first = records[0].record_type();
    let all_same = records.iter().all(|r| r.record_type() == first);
    if all_same && matches!(first, RecordType::A | RecordType::Aaaa) {
        shuffle(&mut records, rng);
        return records;
    }
    let (mut cname, mut rest, mut address) = (Vec::new(), Vec::new(), Vec::new());
    for r in records {
        match r.record_type() {
            RecordType::Cname => cname.push(r),
            RecordType::A | RecordType::Aaaa => address.push(r),
            _ => rest.push(r),
        }
    }
    shuffle(&mut address, rng);
    cname.extend(rest);
    cname.extend(address);
    cname
}

fn shuffle(records: &mut [Record], rng: &mut Rng) {
    let l = records.len();
    let mut id = || (rng.next_u64() & 0xffff) as usize;
    match l {
        0 | 1 => {}
        2 => {
            if id() % 2 == 0 {
                records.swap(0, 1);
            }
        }
        _ => {
            for j in 0..l {
                let p = j + id() % (l - j);
                if p != j {
                    records.swap(j, p);
                }
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn a(name: &str, ip: [u8; 4]) -> Record {
        Record::new(parse_name(name).unwrap(), 30, RData::A(Ipv4Addr::from(ip)))
    }

    fn response(answer: Vec<Record>) -> DnsResponse {
        DnsResponse {
            id: 4242,
            question: Query::parse("my-service.default.svc.cluster.local", RecordType::A).unwrap(),
            rcode: Rcode::NoError,
            authoritative: true,
            recursion_available: false,
            answer,
            authority: vec![],
            additional: vec![],
            server: "10.96.0.10".into(),
            source: AnswerSource::Kubernetes,
        }
    }

    #[test]
    fn dig_rendering() {
        let r = response(vec![a(
            "my-service.default.svc.cluster.local",
            [10, 96, 12, 34],
        )]);
        let text = r.to_string();
        assert_eq!(
            text,
            ";; ->>HEADER<<- opcode: QUERY, status: NOERROR, id: 4242\n\
             ;; flags: qr aa rd; QUERY: 1, ANSWER: 1, AUTHORITY: 0, ADDITIONAL: 0\n\
             ;; WARNING: recursion requested but not available\n\
             \n\
             ;; QUESTION SECTION:\n\
             ;my-service.default.svc.cluster.local. IN A\n\
             \n\
             ;; ANSWER SECTION:\n\
             my-service.default.svc.cluster.local. 30 IN A 10.96.12.34\n\
             \n\
             ;; SERVER: 10.96.0.10#53(10.96.0.10) (UDP)\n"
        );
        assert_eq!(
            r.summary(),
            "A my-service.default.svc.cluster.local → 10.96.12.34 (NOERROR)"
        );
    }

    #[test]
    fn record_presentation() {
        let n = parse_name("x.cluster.local").unwrap();
        let srv = Record::new(
            n.clone(),
            30,
            RData::Srv {
                priority: 0,
                weight: 100,
                port: 80,
                target: n.clone(),
            },
        );
        assert_eq!(
            srv.to_string(),
            "x.cluster.local. 30 IN SRV 0 100 80 x.cluster.local."
        );
        let txt = Record::new(n, 30, RData::Txt("1.1.0".into()));
        assert_eq!(txt.to_string(), "x.cluster.local. 30 IN TXT \"1.1.0\"");
        assert_eq!(RecordType::parse("aaaa"), Some(RecordType::Aaaa));
        assert_eq!(RecordType::parse("MX"), None);
    }

    #[test]
    fn query_ids_are_deterministic() {
        let q = Query::parse("example.com", RecordType::A).unwrap();
        assert_eq!(
            q.id(),
            Query::parse("EXAMPLE.com.", RecordType::A).unwrap().id()
        );
        assert_ne!(
            q.id(),
            Query::parse("example.com", RecordType::Aaaa).unwrap().id()
        );
    }

    #[test]
    fn loadbalance_keeps_the_set_and_puts_cnames_first() {
        let mut rng = Rng::new(7);
        let n = parse_name("ext.default.svc.cluster.local").unwrap();
        let mut r = response(vec![
            a("t.example.com", [192, 0, 2, 1]),
            Record::new(n, 30, RData::Cname(parse_name("t.example.com").unwrap())),
            a("t.example.com", [192, 0, 2, 2]),
            a("t.example.com", [192, 0, 2, 3]),
        ]);
        loadbalance(&mut r, &mut rng);
        assert_eq!(r.answer[0].record_type(), RecordType::Cname);
        let mut ips = r.addresses();
        ips.sort();
        assert_eq!(ips, ["192.0.2.1", "192.0.2.2", "192.0.2.3"]);
        // Some seed rotates a two-record answer; the same seed always does the same.
        let two = || {
            response(vec![
                a("h.cluster.local", [10, 0, 0, 1]),
                a("h.cluster.local", [10, 0, 0, 2]),
            ])
        };
        let orders: Vec<Vec<String>> = (0..8)
            .map(|seed| {
                let mut r = two();
                loadbalance(&mut r, &mut Rng::new(seed));
                r.addresses()
            })
            .collect();
        assert!(orders.iter().any(|o| o[0] == "10.0.0.2"));
        assert!(orders.iter().any(|o| o[0] == "10.0.0.1"));
        let mut again = two();
        loadbalance(&mut again, &mut Rng::new(3));
        assert_eq!(again.addresses(), orders[3]);
    }

    #[test]
    fn servfail_is_an_empty_answer() {
        let q = Query::parse("my-service", RecordType::A).unwrap();
        let r = DnsResponse::servfail(&q, "10.96.0.10", AnswerSource::NodeResolver);
        assert_eq!((r.id, r.rcode), (q.id(), Rcode::ServFail));
        assert_eq!(r.question, q);
        assert!(!r.authoritative && !r.recursion_available);
        assert!(r.answer.is_empty() && r.authority.is_empty() && r.additional.is_empty());
        assert_eq!(
            (r.server.as_str(), r.source),
            ("10.96.0.10", AnswerSource::NodeResolver)
        );
        assert!(!r.is_positive() && !r.is_nodata());
        assert_eq!(r.summary(), "A my-service → no records (SERVFAIL)");
    }
}
