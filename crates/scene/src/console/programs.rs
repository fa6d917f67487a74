//! Programs run inside a pod with `kubectl exec POD -- …`, printing what the real ones print.
//!
//! * `nslookup` — BIND 9's (Debian's `dnsutils`, the image Kubernetes' DNS debugging guide
//!   uses): `Server:`/`Address: IP#53`, `Name:`/`Address:` pairs, `canonical name =` for
//!   CNAMEs, `** server can't find NAME: NXDOMAIN`; it walks the pod's search list (BIND's
//!   `dighost.c`, which like glibc tries the name as-is first when it has `ndots` dots, last
//!   otherwise) and asks AAAA after a successful A, as BIND's nslookup does.
//! * `dig` — BIND 9's: the engine's [`DnsResponse`] `Display` in dig's frame. Plain `dig`
//!   asks the name as typed, absolute: the search list is used only with `+search`.
//! * `curl` — resolves through the pod's C library (glibc; musl for Alpine images), then the
//!   engine traces the connection; curl 8's messages and exit codes: `(6)` could not resolve,
//!   `(7)` refused/unreachable, `(28)` timed out. The "server" answers with its hostname (as
//!   agnhost's `serve-hostname` does), so a student sees which pod got the request.
//! * `ip addr` / `ip route` (iproute2): the pod's `eth0` with its IP, routes through its veth
//!   ([`iproute`]); no interface has a ClusterIP.
//! * busybox `wget`, glibc `getent hosts`, `cat` of the files the kubelet writes
//!   (`/etc/resolv.conf`, `/etc/hosts`, `/etc/hostname`), `hostname`, and `sh -c 'CMD'`.
//!
//! Every pod is assumed to carry all of these tools (as a netshoot/dnsutils image would).
//! Every DNS query and connection is a [`Journey`] computed by the engine's trace, returned
//! for the page to animate.

use super::ConsoleOutput;
use std::net::Ipv4Addr;
use svcsim_engine::api::core::Pod;
use svcsim_engine::cluster::Cluster;
use svcsim_engine::dns::{
    self, AnswerSource, DnsResponse, Query, RData, Rcode, RecordType, Resolution, ResolvConf,
    ResolverFlavor, Upstream,
};
use svcsim_engine::net::iproute;
use svcsim_engine::proxy::Protocol;
use svcsim_engine::sim::Rng;
use svcsim_engine::trace::{
    self, parse_destination, DestError, Destination, Journey, Origin, Outcome, Target,
    TraceOptions, TraceSession,
};

/// The `dig` version line (Debian 12's bind9-dnsutils).
const DIG_VERSION: &str = "DiG 9.18.33-1~deb12u2-Debian";

/// Run `command` in `container` of `pod` (already checked to be Running).
pub(crate) fn run_in_pod(
    cluster: &Cluster,
    pod: &Pod,
    container: &str,
    command: &[String],
    rng: &mut Rng,
) -> ConsoleOutput {
    let Some((prog, args)) = command.split_first() else {
        return ConsoleOutput::default();
    };
    let base = prog.rsplit('/').next().unwrap_or(prog);
    let cx = Context {
        cluster,
        pod,
        container,
    };
    match base {
        "nslookup" => cx.nslookup(args, rng),
        "dig" => cx.dig(args, rng),
        "curl" => cx.curl(args, rng),
        "wget" => cx.wget(args, rng),
        "getent" => cx.getent(args, rng),
        "cat" => cx.cat(args),
        "ip" => {
            let args: Vec<&str> = args.iter().map(String::as_str).collect();
            let text = match iproute::parse_ip(&args) {
                Ok(iproute::IpCommand::Addr { v4_only }) => {
                    let t = iproute::pod_addr(cluster, pod);
                    if v4_only {
                        iproute::only_v4(&t)
                    } else {
                        t
                    }
                }
                Ok(iproute::IpCommand::Route) => iproute::pod_route(cluster, pod),
                Err(e) => return ConsoleOutput::fail(e, 1),
            };
            let mut o = ConsoleOutput::default();
            o.out(text);
            o
        }
        "hostname" => {
            let mut o = ConsoleOutput::default();
            if args.iter().any(|a| a == "-i" || a == "-I") {
                o.out(format!("{}\n", pod.status.pod_ip));
            } else {
                o.out(format!("{}\n", cx.hostname()));
            }
            o
        }
        "sh" | "bash" | "ash" => match args {
            [c, script] if c == "-c" => {
                let lexed = super::shell::lex(script);
                if lexed.open_quote.is_some() || lexed.words.iter().any(|w| w.op) {
                    return ConsoleOutput::fail(
                        format!("svcsim: {base} -c runs one simple command here"),
                        2,
                    );
                }
                let words: Vec<String> = lexed.words.into_iter().map(|w| w.text).collect();
                if words.is_empty() {
                    return ConsoleOutput::default();
                }
                run_in_pod(cluster, pod, container, &words, rng)
            }
            _ => ConsoleOutput::fail(
                "svcsim: interactive shells are not simulated; run one command, e.g. kubectl exec POD -- nslookup web",
                1,
            ),
        },
        "true" => ConsoleOutput::default(),
        _ => {
            let mut o = ConsoleOutput::fail(
                format!(
                    "error: Internal error occurred: error executing command in container: failed to exec in container: OCI runtime exec failed: exec failed: unable to start container process: exec: \"{prog}\": executable file not found in $PATH: unknown"
                ),
                1,
            );
            o.exit_code = 1;
            o
        }
    }
}

struct Context<'c> {
    cluster: &'c Cluster,
    pod: &'c Pod,
    container: &'c str,
}

/// A name as nslookup/dig print owner names (no trailing dot).
fn bare(name: &str) -> &str {
    if name.len() > 1 {
        name.strip_suffix('.').unwrap_or(name)
    } else {
        name
    }
}

/// `d.c.b.a.in-addr.arpa.` for an address (what a reverse lookup asks).
fn reverse_name(ip: Ipv4Addr) -> String {
    let o = ip.octets();
    format!("{}.{}.{}.{}.in-addr.arpa.", o[3], o[2], o[1], o[0])
}

/// `dig -x` of an IPv6 address: its 32 nibbles, last first, under `ip6.arpa.`.
fn reverse_name6(ip: std::net::Ipv6Addr) -> String {
    let mut out = String::with_capacity(73);
    for b in ip.octets().iter().rev() {
        out.push_str(&format!("{:x}.{:x}.", b & 0xf, b >> 4));
    }
    out.push_str("ip6.arpa.");
    out
}

/// The DNS side of a pod: its resolv.conf and the queries it sends (each one traced).
struct Resolver<'c> {
    cluster: &'c Cluster,
    session: TraceSession<'c>,
    origin: Origin,
    upstream: Upstream,
    journeys: Vec<Journey>,
    /// A query got no answer (dropped or refused on the way): how it failed.
    lost: Option<String>,
}

impl<'c> Resolver<'c> {
    fn new(cluster: &'c Cluster, pod: &Pod) -> Resolver<'c> {
        let options = TraceOptions {
            protocol: Protocol::Udp,
            default_port: 53,
            ..TraceOptions::default()
        };
        Resolver {
            cluster,
            session: TraceSession::with_options(cluster, options),
            origin: Origin::Pod {
                namespace: pod.metadata.namespace.clone(),
                name: pod.metadata.name.clone(),
            },
            upstream: Upstream::default(),
            journeys: Vec::new(),
            lost: None,
        }
    }

    /// Send `q` to `server`:53 (traced), and return the answer; after a lost query nothing more
    /// is sent and SERVFAIL stands in.
    fn ask(&mut self, server: &str, q: &Query, rng: &mut Rng) -> DnsResponse {
        if self.lost.is_some() {
            return DnsResponse::servfail(q, server, AnswerSource::Kubernetes);
        }
        if let Ok(ip) = server.parse::<Ipv4Addr>() {
            if !ip.is_loopback() {
                let dest = Destination::Ip { ip, port: Some(53) };
                if let Ok(mut j) = self.session.trace(&self.origin, &dest, rng) {
                    j.destination = format!("{server}:53 ({} {})", q.qtype, q.name);
                    let failure = match &j.outcome {
                        Outcome::Connected { .. } => None,
                        Outcome::Refused { .. } => Some("connection refused"),
                        _ => Some("timed out"),
                    };
                    self.journeys.push(j);
                    if let Some(f) = failure {
                        self.lost = Some(f.to_string());
                        return DnsResponse::servfail(q, server, AnswerSource::Kubernetes);
                    }
                }
            }
        }
        let mut r = dns::ask(self.cluster, &self.upstream, server, q);
        // CoreDNS's `loadbalance` plugin shuffles the A records of every answer it sends.
        if r.source != AnswerSource::NodeResolver {
            dns::loadbalance(&mut r, rng);
        }
        r
    }

    /// Walk `name` through `conf` as a resolver of `flavor` does, each query traced.
    fn walk(
        &mut self,
        conf: &ResolvConf,
        server: &str,
        name: &str,
        qtype: RecordType,
        flavor: ResolverFlavor,
        rng: &mut Rng,
    ) -> Resolution {
        dns::walk(conf, name, qtype, flavor, |q| self.ask(server, q, rng))
    }
}

/// One record as BIND's nslookup prints it.
fn nslookup_record(out: &mut String, r: &dns::Record) {
    let owner = bare(r.name.as_str());
    match &r.data {
        RData::A(ip) => out.push_str(&format!("Name:\t{owner}\nAddress: {ip}\n")),
        RData::Aaaa(ip) => out.push_str(&format!("Name:\t{owner}\nAddress: {ip}\n")),
        RData::Cname(t) => out.push_str(&format!("{owner}\tcanonical name = {t}\n")),
        RData::Ptr(t) => out.push_str(&format!("{owner}\tname = {t}\n")),
        RData::Srv {
            priority,
            weight,
            port,
            target,
        } => out.push_str(&format!(
            "{owner}\tservice = {priority} {weight} {port} {target}\n"
        )),
        RData::Txt(t) => out.push_str(&format!("{owner}\ttext = \"{t}\"\n")),
        RData::Soa {
            mname,
            rname,
            serial,
            refresh,
            retry,
            expire,
            minimum,
        } => out.push_str(&format!(
            "{owner}\n\torigin = {mname}\n\tmail addr = {rname}\n\tserial = {serial}\n\trefresh = {refresh}\n\tretry = {retry}\n\texpire = {expire}\n\tminimum = {minimum}\n"
        )),
    }
}

/// `Thu Jan 01 00:00:00 UTC 2026`, as dig's `;; WHEN:` line prints the time.
fn dig_when(ms: i64) -> String {
    let secs = ms.div_euclid(1000);
    let days = secs.div_euclid(86_400);
    let sod = secs.rem_euclid(86_400);
    let weekday = ["Thu", "Fri", "Sat", "Sun", "Mon", "Tue", "Wed"]
        .get(usize::try_from(days.rem_euclid(7)).unwrap_or(0))
        .copied()
        .unwrap_or("Thu");
    // Civil date from days since 1970-01-01 (Howard Hinnant's algorithm).
    let z = days + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    let y = yoe + era * 400 + i64::from(m <= 2);
    let month = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ]
    .get(usize::try_from(m - 1).unwrap_or(0))
    .copied()
    .unwrap_or("Jan");
    format!(
        "{weekday} {month} {d:02} {:02}:{:02}:{:02} UTC {y}",
        sod / 3600,
        (sod % 3600) / 60,
        sod % 60
    )
}

/// A parsed `curl`/`wget` URL: host as typed, port, and the destination to trace.
struct Url {
    host: String,
    port: u16,
    dest: Destination,
}

/// Parse `[http://|https://]HOST[:PORT][/PATH]`; `Err` is curl's `(N) message` and code.
fn parse_url(url: &str) -> Result<Url, (i32, String)> {
    let (scheme, rest) = match url.split_once("://") {
        Some((s, r)) => (s.to_ascii_lowercase(), r),
        None => ("http".to_string(), url),
    };
    let default_port = match scheme.as_str() {
        "http" => 80,
        "https" => 443,
        other => {
            return Err((1, format!("Protocol \"{other}\" not supported")));
        }
    };
    let authority = rest.split(['/', '?', '#']).next().unwrap_or("");
    let hostport = authority.rsplit('@').next().unwrap_or("");
    if hostport.is_empty() {
        return Err((3, "URL rejected: No host part in the URL".to_string()));
    }
    let dest = parse_destination(hostport).map_err(|e| match e {
        DestError::BadPort(_) => (
            3,
            "URL rejected: Port number was not a decimal number between 0 and 65535".to_string(),
        ),
        _ => (3, "URL rejected: Bad hostname".to_string()),
    })?;
    let host = match &dest {
        Destination::Ip { ip, .. } => ip.to_string(),
        Destination::Name { name, .. } => name.clone(),
    };
    let port = dest.port().unwrap_or(default_port);
    Ok(Url { host, port, dest })
}

/// What answered an HTTP request: its hostname (agnhost `serve-hostname` style).
fn http_body(target: &Target) -> String {
    match target {
        Target::Pod { name, .. } => format!("{name}\n"),
        Target::Node { name } => format!("{name}\n"),
        Target::Remote { ip } => format!("{ip}\n"),
    }
}

/// The C library a container's resolver is (`ResolverFlavor::of_image`: musl on Alpine-based
/// images, glibc otherwise).
fn flavor_of(pod: &Pod, container: &str) -> ResolverFlavor {
    ResolverFlavor::of_pod(pod, Some(container))
}

/// Parse a timeout in seconds (`5`, `0.5`) into milliseconds.
fn seconds_ms(s: &str) -> Option<u64> {
    let v: f64 = s.parse().ok()?;
    if !v.is_finite() || !(0.0..=1e9).contains(&v) {
        return None;
    }
    Some((v * 1000.0).round() as u64)
}

impl Context<'_> {
    fn hostname(&self) -> String {
        let h = if self.pod.spec.hostname.is_empty() {
            &self.pod.metadata.name
        } else {
            &self.pod.spec.hostname
        };
        h.chars().take(63).collect()
    }

    fn conf(&self) -> ResolvConf {
        dns::resolv_conf(self.cluster, self.pod)
    }

    /// BIND 9 `nslookup [-type=T] NAME [SERVER]`.
    fn nslookup(&self, args: &[String], rng: &mut Rng) -> ConsoleOutput {
        let mut qtype = RecordType::A;
        let mut typed = false;
        let mut operands: Vec<&str> = Vec::new();
        for a in args {
            if let Some(opt) = a.strip_prefix('-') {
                let (k, v) = opt.split_once('=').unwrap_or((opt, ""));
                match k {
                    "type" | "query" | "q" | "t" | "querytype" => match RecordType::parse(v) {
                        Some(t) => {
                            qtype = t;
                            typed = true;
                        }
                        None => return ConsoleOutput::fail(format!("unknown query type: {v}"), 1),
                    },
                    "debug" | "nodebug" | "search" | "nosearch" | "recurse" | "norecurse" => {}
                    _ => return ConsoleOutput::fail(format!("*** Invalid option: {opt}"), 1),
                }
            } else {
                operands.push(a);
            }
        }
        let Some(&name) = operands.first() else {
            return ConsoleOutput::fail(
                "svcsim: interactive nslookup is not simulated; give a NAME: nslookup web",
                1,
            );
        };
        let conf = self.conf();
        let server = operands
            .get(1)
            .map(|s| s.to_string())
            .or_else(|| conf.nameservers.first().cloned())
            .unwrap_or_else(|| "127.0.0.1".to_string());
        let mut res = Resolver::new(self.cluster, self.pod);
        let mut o = ConsoleOutput::default();
        let header = format!("Server:\t\t{server}\nAddress:\t{server}#53\n\n");
        // An address is looked up in reverse (PTR), as BIND's nslookup does by itself.
        if let Ok(ip) = name.parse::<Ipv4Addr>() {
            let rev = reverse_name(ip);
            let q = match Query::parse(&rev, RecordType::Ptr) {
                Ok(q) => q,
                Err(e) => return ConsoleOutput::fail(format!("nslookup: {e}"), 1),
            };
            let r = res.ask(&server, &q, rng);
            o.journeys = res.journeys;
            if let Some(why) = res.lost {
                return timed_out_nslookup(o, &server, &why);
            }
            let mut text = header;
            if r.is_positive() {
                for rec in &r.answer {
                    nslookup_record(&mut text, rec);
                }
                text.push('\n');
            } else {
                text.push_str(&format!(
                    "** server can't find {}: {}\n\n",
                    bare(&rev),
                    r.rcode
                ));
                o.exit_code = 1;
            }
            o.out(text);
            return o;
        }
        let resolution = res.walk(&conf, &server, name, qtype, ResolverFlavor::Glibc, rng);
        if resolution.steps.iter().all(|s| s.response.is_err()) {
            let why = resolution
                .steps
                .first()
                .and_then(|s| s.response.as_ref().err().cloned())
                .unwrap_or_else(|| "bad name".to_string());
            return ConsoleOutput::fail(
                format!("nslookup: '{name}' is not a legal name ({why})"),
                1,
            );
        }
        let mut text = header;
        match resolution.answer().cloned() {
            Some(answer) => {
                if !answer.authoritative {
                    text.push_str("Non-authoritative answer:\n");
                }
                for rec in &answer.answer {
                    nslookup_record(&mut text, rec);
                }
                // BIND's nslookup asks AAAA after an A lookup succeeds.
                if qtype == RecordType::A && !typed {
                    let q6 = Query::new(answer.question.name.clone(), RecordType::Aaaa);
                    let r6 = res.ask(&server, &q6, rng);
                    if r6
                        .answer
                        .iter()
                        .any(|r| r.record_type() == RecordType::Aaaa)
                    {
                        for rec in &r6.answer {
                            nslookup_record(&mut text, rec);
                        }
                    }
                }
                text.push('\n');
            }
            None => {
                if let Some(why) = res.lost.clone() {
                    o.journeys = res.journeys;
                    return timed_out_nslookup(o, &server, &why);
                }
                let last = resolution
                    .steps
                    .iter()
                    .rev()
                    .find_map(|s| s.response.as_ref().ok());
                let shown = resolution
                    .steps
                    .last()
                    .map(|s| bare(&s.candidate).to_string())
                    .unwrap_or_else(|| name.to_string());
                match last {
                    Some(r) if r.rcode == Rcode::NoError => {
                        text.push_str(&format!("*** Can't find {name}: No answer\n\n"));
                    }
                    Some(r) => {
                        text.push_str(&format!("** server can't find {shown}: {}\n\n", r.rcode));
                        o.exit_code = 1;
                    }
                    None => {
                        text.push_str(&format!("** server can't find {shown}: NXDOMAIN\n\n"));
                        o.exit_code = 1;
                    }
                }
            }
        }
        o.journeys = res.journeys;
        o.out(text);
        o
    }

    /// BIND 9 `dig [@SERVER] [+search] [+short] [-t TYPE] [-x ADDR] NAME [TYPE]`.
    fn dig(&self, args: &[String], rng: &mut Rng) -> ConsoleOutput {
        let conf = self.conf();
        let mut server: Option<String> = None;
        let mut search = false;
        let mut short = false;
        let mut name: Option<String> = None;
        let mut qtype: Option<RecordType> = None;
        let mut it = args.iter();
        while let Some(a) = it.next() {
            if let Some(s) = a.strip_prefix('@') {
                server = Some(s.to_string());
            } else if let Some(opt) = a.strip_prefix('+') {
                match opt {
                    "search" => search = true,
                    "nosearch" => search = false,
                    "short" => short = true,
                    "noshort" => short = false,
                    "cmd" | "nocmd" | "stats" | "nostats" | "comments" | "nocomments" | "tcp"
                    | "notcp" | "recurse" | "norecurse" => {}
                    _ => {
                        return ConsoleOutput::fail(
                            format!("Invalid option: +{opt}\nUsage:  dig [@global-server] [domain] [q-type] [q-class] {{q-opt}}\n            {{global-d-opt}} host [@local-server] {{local-d-opt}}\n            [ host [@local-server] {{local-d-opt}} [...]]\n\nUse \"dig -h\" (or \"dig -h | more\") for complete list of options"),
                            1,
                        )
                    }
                }
            } else if a == "-t" {
                match it.next().and_then(|t| RecordType::parse(t)) {
                    Some(t) => qtype = Some(t),
                    None => return ConsoleOutput::fail(";; Warning, ignoring invalid type", 1),
                }
            } else if a == "-x" {
                let ip = it.next().and_then(|ip| ip.parse::<std::net::IpAddr>().ok());
                match ip {
                    Some(std::net::IpAddr::V4(ip)) => name = Some(reverse_name(ip)),
                    Some(std::net::IpAddr::V6(ip)) => name = Some(reverse_name6(ip)),
                    None => return ConsoleOutput::fail("Invalid IP address", 10),
                }
                qtype = Some(RecordType::Ptr);
            } else if a.eq_ignore_ascii_case("IN") {
            } else if let Some(t) = RecordType::parse(a) {
                // dig reads a type word as the type wherever it stands (`dig AAAA web`).
                qtype = Some(t);
            } else if name.is_none() {
                name = Some(a.clone());
            } else {
                // dig treats more names as more lookups; svcsim does one.
                return ConsoleOutput::fail("svcsim: one name per dig, please", 1);
            }
        }
        let name = name.unwrap_or_else(|| ".".to_string());
        let qtype = qtype.unwrap_or(RecordType::A);
        let server = server
            .or_else(|| conf.nameservers.first().cloned())
            .unwrap_or_else(|| "127.0.0.1".to_string());
        let mut res = Resolver::new(self.cluster, self.pod);
        let response: Option<DnsResponse> = if search {
            let r = res.walk(&conf, &server, &name, qtype, ResolverFlavor::Glibc, rng);
            r.answer()
                .cloned()
                .or_else(|| r.steps.iter().rev().find_map(|s| s.response.clone().ok()))
        } else {
            let absolute = if name.ends_with('.') {
                name.clone()
            } else {
                format!("{name}.")
            };
            match Query::parse(&absolute, qtype) {
                Ok(q) => Some(res.ask(&server, &q, rng)),
                Err(e) => {
                    return ConsoleOutput::fail(
                        format!("dig: '{name}' is not a legal name ({e})"),
                        10,
                    )
                }
            }
        };
        let mut o = ConsoleOutput {
            journeys: std::mem::take(&mut res.journeys),
            ..ConsoleOutput::default()
        };
        let echo = args.join(" ");
        if let Some(why) = &res.lost {
            let mut text = String::new();
            for _ in 0..3 {
                text.push_str(&format!(";; communications error to {server}#53: {why}\n"));
            }
            if !short {
                text.push_str(&format!(
                    "\n; <<>> {DIG_VERSION} <<>> {echo}\n;; global options: +cmd\n"
                ));
            }
            text.push_str(";; no servers could be reached\n");
            o.out(text);
            o.exit_code = 9;
            return o;
        }
        let Some(r) = response else {
            return ConsoleOutput::fail(format!("dig: '{name}' is not a legal name"), 10);
        };
        if short {
            for rec in &r.answer {
                o.out(format!("{}\n", rec.data));
            }
            return o;
        }
        let body = r.to_string();
        let body = match body.rfind(";; SERVER:") {
            Some(i) => format!(
                "{};; Query time: 0 msec\n{}",
                body.get(..i).unwrap_or(""),
                body.get(i..).unwrap_or("")
            ),
            None => body,
        };
        o.out(format!(
            "\n; <<>> {DIG_VERSION} <<>> {echo}\n;; global options: +cmd\n;; Got answer:\n{body};; WHEN: {}\n\n",
            dig_when(self.cluster.wall_now().0)
        ));
        o
    }

    /// Trace one HTTP connection from this pod (name resolved by the pod's C library).
    fn connect(&self, url: &Url, rng: &mut Rng) -> Option<Journey> {
        let options = TraceOptions {
            default_port: url.port,
            flavor: Some(flavor_of(self.pod, self.container)),
            ..TraceOptions::default()
        };
        let dest = match &url.dest {
            Destination::Ip { ip, .. } => Destination::Ip {
                ip: *ip,
                port: Some(url.port),
            },
            Destination::Name { name, .. } => Destination::Name {
                name: name.clone(),
                port: Some(url.port),
            },
        };
        let origin = Origin::Pod {
            namespace: self.pod.metadata.namespace.clone(),
            name: self.pod.metadata.name.clone(),
        };
        trace::trace(self.cluster, &origin, &dest, options, rng).ok()
    }

    /// curl 8: `curl [-s] [-S] [-m SECS] [--connect-timeout SECS] [-o FILE] URL`.
    fn curl(&self, args: &[String], rng: &mut Rng) -> ConsoleOutput {
        let mut silent = false;
        let mut show_error = false;
        let mut max_ms: Option<u64> = None;
        let mut discard = false;
        let mut url: Option<&str> = None;
        let mut it = args.iter();
        let unknown = |opt: &str| {
            ConsoleOutput::fail(
                format!("curl: option {opt}: is unknown\ncurl: try 'curl --help' or 'curl --manual' for more information"),
                2,
            )
        };
        while let Some(a) = it.next() {
            let a = a.as_str();
            match a {
                "-s" | "--silent" => silent = true,
                "-S" | "--show-error" => show_error = true,
                "-sS" | "-Ss" => {
                    silent = true;
                    show_error = true;
                }
                "-v" | "--verbose" | "-L" | "--location" | "-k" | "--insecure" | "-f"
                | "--fail" | "-4" | "--ipv4" | "-sL" | "-Ls" => {
                    if a.contains('s') {
                        silent = true;
                    }
                }
                "-m" | "--max-time" | "--connect-timeout" => {
                    let v = it.next().map(String::as_str).unwrap_or("");
                    match seconds_ms(v) {
                        Some(ms) => max_ms = Some(ms),
                        None => {
                            return ConsoleOutput::fail(
                                format!("curl: option {a}: expected a proper numerical parameter\ncurl: try 'curl --help' or 'curl --manual' for more information"),
                                2,
                            )
                        }
                    }
                }
                "-o" | "--output" => {
                    discard = it.next().is_some_and(|f| f == "/dev/null");
                }
                "-w" | "--write-out" | "-H" | "--header" | "-X" | "--request" => {
                    it.next();
                }
                _ if a.starts_with("--max-time=") || a.starts_with("--connect-timeout=") => {
                    match a.split_once('=').and_then(|(_, v)| seconds_ms(v)) {
                        Some(ms) => max_ms = Some(ms),
                        None => return unknown(a),
                    }
                }
                _ if a.starts_with('-') && a.len() > 1 => return unknown(a),
                _ => {
                    if url.is_none() {
                        url = Some(a);
                    }
                }
            }
        }
        let Some(url) = url else {
            return ConsoleOutput::fail(
                "curl: no URL specified\ncurl: try 'curl --help' or 'curl --manual' for more information",
                2,
            );
        };
        let mut o = ConsoleOutput::default();
        let show = !silent || show_error;
        let fail = |o: &mut ConsoleOutput, code: i32, msg: String| {
            if show {
                o.err(format!("curl: ({code}) {msg}"));
            }
            o.exit_code = code;
        };
        let u = match parse_url(url) {
            Ok(u) => u,
            Err((code, msg)) => {
                fail(&mut o, code, msg);
                return o;
            }
        };
        let Some(j) = self.connect(&u, rng) else {
            fail(
                &mut o,
                7,
                format!(
                    "Failed to connect to {} port {} after 0 ms: Couldn't connect to server",
                    u.host, u.port
                ),
            );
            return o;
        };
        let elapsed = j.dns_queries.len() + 2;
        match &j.outcome {
            Outcome::Connected { target, .. } => {
                if !discard {
                    o.out(http_body(target));
                }
            }
            Outcome::Refused { .. }
            | Outcome::Unreachable { .. }
            | Outcome::NoSourcePort { .. } => fail(
                &mut o,
                7,
                format!(
                    "Failed to connect to {} port {} after {elapsed} ms: Couldn't connect to server",
                    u.host, u.port
                ),
            ),
            Outcome::TimedOut { .. } => match max_ms {
                Some(ms) => fail(
                    &mut o,
                    28,
                    format!("Connection timed out after {} milliseconds", ms + 1),
                ),
                None => fail(
                    &mut o,
                    28,
                    format!(
                        "Failed to connect to {} port {} after 130000 ms: Couldn't connect to server",
                        u.host, u.port
                    ),
                ),
            },
            Outcome::DnsFailed { .. } => {
                fail(&mut o, 6, format!("Could not resolve host: {}", u.host))
            }
        }
        o.journeys.push(j);
        o
    }

    /// busybox `wget [-q] [-O FILE|-O-] [-T SECS] URL`.
    fn wget(&self, args: &[String], rng: &mut Rng) -> ConsoleOutput {
        let mut quiet = false;
        let mut to_stdout = false;
        let mut url: Option<&str> = None;
        let mut it = args.iter();
        while let Some(a) = it.next() {
            match a.as_str() {
                "-q" => quiet = true,
                "-O-" | "-qO-" | "-Oq-" => {
                    to_stdout = true;
                    quiet |= a.contains('q');
                }
                "-O" => to_stdout = it.next().is_some_and(|f| f == "-"),
                "-T" | "--timeout" => {
                    it.next();
                }
                "--spider" | "-S" => {}
                s if s.starts_with('-') && s.len() > 1 => {
                    return ConsoleOutput::fail(
                        format!("wget: unrecognized option '{s}'\nBusyBox v1.36.1 (2023-05-18 22:34:17 UTC) multi-call binary.\n\nUsage: wget [-cqS] [--spider] [-O FILE] [-o LOGFILE] [--header STR]\n\t[--post-data STR | --post-file FILE] [-Y on/off]\n\t[-P DIR] [-U AGENT] [-T SEC] URL..."),
                        1,
                    )
                }
                s => url = url.or(Some(s)),
            }
        }
        let Some(url) = url else {
            return ConsoleOutput::fail("BusyBox v1.36.1 (2023-05-18 22:34:17 UTC) multi-call binary.\n\nUsage: wget [-cqS] [--spider] [-O FILE] [-o LOGFILE] [--header STR]\n\t[--post-data STR | --post-file FILE] [-Y on/off]\n\t[-P DIR] [-U AGENT] [-T SEC] URL...", 1);
        };
        let u = match parse_url(url) {
            Ok(u) => u,
            Err(_) => return ConsoleOutput::fail(format!("wget: bad address '{url}'"), 1),
        };
        let Some(j) = self.connect(&u, rng) else {
            return ConsoleOutput::fail(format!("wget: bad address '{}'", u.host), 1);
        };
        let ip = match &u.dest {
            Destination::Ip { ip, .. } => Some(ip.to_string()),
            Destination::Name { .. } => j
                .resolution
                .as_ref()
                .and_then(|r| r.answer())
                .and_then(|a| a.addresses().into_iter().next()),
        };
        let ip = ip.unwrap_or_default();
        let mut o = ConsoleOutput::default();
        match &j.outcome {
            Outcome::Connected { target, .. } => {
                let body = http_body(target);
                if !quiet {
                    o.err(format!("Connecting to {} ({ip}:{})", u.host, u.port));
                }
                if to_stdout {
                    if !quiet {
                        o.err("writing to stdout");
                    }
                    o.out(&body);
                    if !quiet {
                        o.err(format!(
                            "-                    100% |********************************|    {} B  0:00:00 ETA\nwritten to stdout",
                            body.len()
                        ));
                    }
                } else if !quiet {
                    o.err(format!(
                        "saving to 'index.html'\nindex.html           100% |********************************|    {} B  0:00:00 ETA\n'index.html' saved",
                        body.len()
                    ));
                }
            }
            Outcome::Refused { .. } => {
                if !quiet {
                    o.err(format!("Connecting to {} ({ip}:{})", u.host, u.port));
                }
                o.err(format!(
                    "wget: can't connect to remote host ({ip}): Connection refused"
                ));
                o.exit_code = 1;
            }
            Outcome::Unreachable { .. } => {
                if !quiet {
                    o.err(format!("Connecting to {} ({ip}:{})", u.host, u.port));
                }
                o.err(format!(
                    "wget: can't connect to remote host ({ip}): No route to host"
                ));
                o.exit_code = 1;
            }
            Outcome::NoSourcePort { .. } => {
                if !quiet {
                    o.err(format!("Connecting to {} ({ip}:{})", u.host, u.port));
                }
                o.err(format!(
                    "wget: can't connect to remote host ({ip}): Cannot assign requested address"
                ));
                o.exit_code = 1;
            }
            Outcome::TimedOut { .. } => {
                if !quiet {
                    o.err(format!("Connecting to {} ({ip}:{})", u.host, u.port));
                }
                o.err("wget: download timed out");
                o.exit_code = 1;
            }
            Outcome::DnsFailed { .. } => {
                o.err(format!("wget: bad address '{}'", u.host));
                o.exit_code = 1;
            }
        }
        o.journeys.push(j);
        o
    }

    /// glibc `getent hosts NAME` (`gethostbyname2`: one `IP NAME ALIASES` line per address).
    fn getent(&self, args: &[String], rng: &mut Rng) -> ConsoleOutput {
        match args.first().map(String::as_str) {
            Some("hosts" | "ahosts" | "ahostsv4") => {}
            Some(db) => return ConsoleOutput::fail(format!("Unknown database: {db}\nTry `getent --help' or `getent --usage' for more information."), 1),
            None => return ConsoleOutput::fail("getent: wrong number of arguments\nTry `getent --help' or `getent --usage' for more information.", 1),
        }
        let Some(name) = args.get(1) else {
            return ConsoleOutput::fail("svcsim: getent hosts NAME", 1);
        };
        let conf = self.conf();
        let server = conf
            .nameservers
            .first()
            .cloned()
            .unwrap_or_else(|| "127.0.0.1".to_string());
        let mut res = Resolver::new(self.cluster, self.pod);
        let r = res.walk(
            &conf,
            &server,
            name,
            RecordType::A,
            flavor_of(self.pod, self.container),
            rng,
        );
        let mut o = ConsoleOutput {
            journeys: std::mem::take(&mut res.journeys),
            ..ConsoleOutput::default()
        };
        let Some(answer) = r.answer() else {
            o.exit_code = 2;
            return o;
        };
        // The canonical name is the end of the CNAME chain; the asked name becomes an alias.
        let asked = bare(answer.question.name.as_str()).to_string();
        let mut canonical = asked.clone();
        for rec in &answer.answer {
            if let RData::Cname(t) = &rec.data {
                canonical = bare(t.as_str()).to_string();
            }
        }
        let alias = if canonical != asked {
            format!(" {asked}")
        } else {
            String::new()
        };
        for a in answer.addresses() {
            o.out(format!("{a:<15} {canonical}{alias}\n"));
        }
        o
    }

    /// `cat FILE…` of the files the kubelet writes into every pod.
    fn cat(&self, args: &[String]) -> ConsoleOutput {
        let mut o = ConsoleOutput::default();
        for f in args {
            match f.as_str() {
                "/etc/resolv.conf" => o.out(self.conf().to_string()),
                "/etc/hostname" => o.out(format!("{}\n", self.hostname())),
                "/etc/hosts" => o.out(self.hosts_file()),
                other => {
                    o.err(format!("cat: {other}: No such file or directory"));
                    o.exit_code = 1;
                }
            }
        }
        o
    }

    /// The kubelet-managed `/etc/hosts` (`k/k:pkg/kubelet/kubelet_pods.go`).
    fn hosts_file(&self) -> String {
        let mut s = String::from(
            "# Kubernetes-managed hosts file.\n127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\nfe00::0\tip6-localnet\nfe00::0\tip6-mcastprefix\nfe00::1\tip6-allnodes\nfe00::2\tip6-allrouters\n",
        );
        if self.pod.spec.host_network {
            return s;
        }
        let host = self.hostname();
        let ip = &self.pod.status.pod_ip;
        if self.pod.spec.subdomain.is_empty() {
            s.push_str(&format!("{ip}\t{host}\n"));
        } else {
            s.push_str(&format!(
                "{ip}\t{host}.{}.{}.svc.{}\t{host}\n",
                self.pod.spec.subdomain,
                self.pod.metadata.namespace,
                if self.cluster.config.cluster_domain.is_empty() {
                    "cluster.local"
                } else {
                    &self.cluster.config.cluster_domain
                }
            ));
        }
        s
    }
}

fn timed_out_nslookup(mut o: ConsoleOutput, server: &str, why: &str) -> ConsoleOutput {
    let mut text = String::new();
    for _ in 0..3 {
        text.push_str(&format!(";; communications error to {server}#53: {why}\n"));
    }
    text.push_str(";; no servers could be reached\n\n");
    o.out(text);
    o.exit_code = 1;
    o
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urls() {
        let u = parse_url("http://web:8080/x").unwrap_or_else(|_| unreachable!());
        assert_eq!((u.host.as_str(), u.port), ("web", 8080));
        let u = parse_url("https://10.96.0.1").unwrap_or_else(|_| unreachable!());
        assert_eq!(u.port, 443);
        assert_eq!(parse_url("http://").err().map(|e| e.0), Some(3));
        assert_eq!(parse_url("ftp://x").err().map(|e| e.0), Some(1));
        assert!(parse_url("web:99999").is_err());
    }

    #[test]
    fn dates() {
        assert_eq!(dig_when(1_767_225_600_000), "Thu Jan 01 00:00:00 UTC 2026");
        assert_eq!(dig_when(0), "Thu Jan 01 00:00:00 UTC 1970");
    }

    #[test]
    fn timeouts() {
        assert_eq!(seconds_ms("5"), Some(5000));
        assert_eq!(seconds_ms("0.5"), Some(500));
        assert_eq!(seconds_ms("x"), None);
        assert_eq!(seconds_ms("-1"), None);
    }
}
