//! A node's connection tracking table (`nf_conntrack`), reduced to what NAT needs.
//!
//! Netfilter runs the `nat` table only for the first packet of a connection; it then stores
//! the *original* tuple (as the client sent it) and the *reply* tuple (what the server's
//! answer will look like after DNAT/SNAT). A reply that matches the reply tuple is rewritten
//! back to the original addresses — which is why a client that connected to a ClusterIP sees
//! the answer come from the ClusterIP, never from the pod. Each node has its own table: the
//! entry lives on the node that did the NAT, so replies must come back through it.

use super::packet::{ser_protocol, Packet, Segment};
use crate::proxy::Protocol;
use serde::Serialize;
use std::collections::BTreeMap;
use std::fmt;
use std::net::Ipv4Addr;

/// One direction of a connection: `src:sport → dst:dport`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Tuple {
    pub src: Ipv4Addr,
    pub src_port: u16,
    pub dst: Ipv4Addr,
    pub dst_port: u16,
}

impl Tuple {
    /// The tuple of a packet header.
    pub fn of(p: &Packet) -> Tuple {
        Tuple {
            src: p.src,
            src_port: p.src_port,
            dst: p.dst,
            dst_port: p.dst_port,
        }
    }

    /// The same flow seen from the other end.
    pub fn inverted(&self) -> Tuple {
        Tuple {
            src: self.dst,
            src_port: self.dst_port,
            dst: self.src,
            dst_port: self.src_port,
        }
    }
}

/// One `conntrack -L` line.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct ConntrackEntry {
    #[serde(serialize_with = "ser_protocol")]
    pub protocol: Protocol,
    /// As the client sent it.
    pub original: Tuple,
    /// As the server will answer (after DNAT and SNAT).
    pub reply: Tuple,
    /// The destination was rewritten (kube-proxy DNAT / IPVS).
    pub dnat: bool,
    /// The source was rewritten (MASQUERADE).
    pub snat: bool,
    /// A reply has been seen.
    pub replied: bool,
}

impl ConntrackEntry {
    /// Build the entry for `original` after NAT turned it into `translated`.
    pub fn new(original: &Packet, translated: &Packet) -> ConntrackEntry {
        let o = Tuple::of(original);
        let t = Tuple::of(translated);
        ConntrackEntry {
            protocol: original.protocol,
            original: o,
            reply: t.inverted(),
            dnat: (o.dst, o.dst_port) != (t.dst, t.dst_port),
            snat: (o.src, o.src_port) != (t.src, t.src_port),
            replied: false,
        }
    }

    /// The connection-tracking state name `conntrack -L` shows after the packets seen so far.
    pub fn state(&self) -> &'static str {
        match (self.protocol, self.replied) {
            (Protocol::Tcp, false) => "SYN_SENT",
            (Protocol::Tcp, true) => "SYN_RECV",
            (Protocol::Sctp, false) => "COOKIE_WAIT",
            (Protocol::Sctp, true) => "COOKIE_ECHOED",
            (Protocol::Udp, _) => "",
        }
    }
}

impl fmt::Display for ConntrackEntry {
    /// `tcp      6 120 SYN_SENT src=… dst=… sport=… dport=… [UNREPLIED] src=… …`, as
    /// `conntrack -L` prints it (timeouts are the kernel defaults for the state).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let timeout = match (self.protocol, self.replied) {
            (Protocol::Tcp, false) => 120,
            (Protocol::Tcp, true) => 60,
            (Protocol::Udp, false) => 30,
            (Protocol::Udp, true) => 120,
            (Protocol::Sctp, _) => 3,
        };
        write!(
            f,
            "{:<8} {} {timeout} ",
            self.protocol.lower(),
            self.protocol.number()
        )?;
        let state = self.state();
        if !state.is_empty() {
            write!(f, "{state} ")?;
        }
        write!(
            f,
            "src={} dst={} sport={} dport={} ",
            self.original.src, self.original.dst, self.original.src_port, self.original.dst_port
        )?;
        if !self.replied {
            write!(f, "[UNREPLIED] ")?;
        }
        write!(
            f,
            "src={} dst={} sport={} dport={} mark=0 use=1",
            self.reply.src, self.reply.dst, self.reply.src_port, self.reply.dst_port
        )
    }
}

/// One node's table.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct ConntrackTable {
    pub entries: Vec<ConntrackEntry>,
    /// Reply tuple → entry (the kernel's hash of the reply direction).
    #[serde(skip)]
    by_reply: BTreeMap<(Protocol, Tuple), usize>,
}

impl ConntrackTable {
    /// Record a new connection (a later entry with the same reply tuple replaces the index
    /// of an earlier one, as a new connection reusing a closed one's tuple does).
    pub fn insert(&mut self, entry: ConntrackEntry) {
        self.by_reply
            .insert((entry.protocol, entry.reply), self.entries.len());
        self.entries.push(entry);
    }

    /// The entry a reply packet belongs to (matched on its reply tuple; an ICMP error is
    /// matched through the packet it quotes, as conntrack's `RELATED` handling does), marked
    /// as replied.
    pub fn reply(&mut self, p: &Packet) -> Option<ConntrackEntry> {
        let t = match p.segment {
            Segment::PortUnreachable {
                quoted_src_port,
                quoted_dst,
                quoted_port,
            } => Tuple {
                src: p.dst,
                src_port: quoted_src_port,
                dst: quoted_dst,
                dst_port: quoted_port,
            }
            .inverted(),
            _ => Tuple::of(p),
        };
        let i = *self.by_reply.get(&(p.protocol, t))?;
        let e = self.entries.get_mut(i)?;
        if !p.is_icmp() {
            e.replied = true;
        }
        Some(e.clone())
    }

    /// Whether a connection already uses `tuple` as its reply tuple (so a new SNAT must not
    /// pick it: `nf_nat_used_tuple`).
    pub fn reply_tuple_taken(&self, protocol: Protocol, tuple: &Tuple) -> bool {
        self.by_reply.contains_key(&(protocol, *tuple))
    }
}

/// Rewrite a reply packet per its conntrack entry: the source goes back to what the client
/// dialled (un-DNAT), the destination back to the client's own address (un-SNAT). For an ICMP
/// error the outer addresses and the quoted header are both restored
/// (`nf_nat_icmp_reply_translation`), so the client recognises its own connection.
pub fn untranslate(entry: &ConntrackEntry, reply: &Packet) -> Packet {
    let mut out = *reply;
    if let Segment::PortUnreachable { .. } = reply.segment {
        out.dst = entry.original.src;
        if entry.dnat {
            out.src = entry.original.dst;
        }
        out.segment = Segment::PortUnreachable {
            quoted_src_port: entry.original.src_port,
            quoted_dst: entry.original.dst,
            quoted_port: entry.original.dst_port,
        };
        return out;
    }
    out.src = entry.original.dst;
    out.src_port = entry.original.dst_port;
    out.dst = entry.original.src;
    out.dst_port = entry.original.src_port;
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dnat_entry_reverses_the_reply() {
        let orig = Packet::opening(
            Protocol::Tcp,
            Ipv4Addr::new(10, 244, 1, 5),
            43210,
            Ipv4Addr::new(10, 96, 0, 20),
            80,
        );
        let mut natted = orig;
        natted.dst = Ipv4Addr::new(10, 244, 2, 3);
        natted.dst_port = 9376;
        let mut table = ConntrackTable::default();
        table.insert(ConntrackEntry::new(&orig, &natted));
        assert_eq!(
            table.entries[0].to_string(),
            "tcp      6 120 SYN_SENT src=10.244.1.5 dst=10.96.0.20 sport=43210 dport=80 [UNREPLIED] src=10.244.2.3 dst=10.244.1.5 sport=9376 dport=43210 mark=0 use=1"
        );
        let reply = natted.accepted();
        let e = table.reply(&reply).unwrap();
        assert!(e.dnat && !e.snat);
        let back = untranslate(&e, &reply);
        assert_eq!(back.src, Ipv4Addr::new(10, 96, 0, 20));
        assert_eq!(back.src_port, 80);
        assert!(table.entries[0].replied);
        assert!(table.reply_tuple_taken(Protocol::Tcp, &Tuple::of(&reply)));
    }
}
