//! Packet headers as the trace sees them: addresses, ports, protocol and what the segment is.
//!
//! Only the fields Services networking changes or looks at are modelled (no TTL, no checksum,
//! no payload): kube-proxy's rules match on addresses, protocol and ports, conntrack keys on
//! the same five-tuple, and NAT rewrites exactly these fields.

use crate::proxy::Protocol;
use serde::{Serialize, Serializer};
use std::fmt;
use std::net::Ipv4Addr;

/// What a packet is, at the level `tcpdump` prints it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(
    rename_all = "camelCase",
    rename_all_fields = "camelCase",
    tag = "kind"
)]
pub enum Segment {
    /// TCP SYN: the first packet of a connection (the only one kube-proxy's NAT rules see;
    /// later packets follow the conntrack entry).
    Syn,
    /// TCP SYN-ACK: the server accepted the connection.
    SynAck,
    /// TCP RST-ACK: nothing listens on that port ("connection refused").
    RstAck,
    /// A UDP datagram (a request, or its answer).
    Datagram,
    /// SCTP INIT (SCTP's SYN).
    Init,
    /// SCTP INIT-ACK.
    InitAck,
    /// SCTP ABORT (SCTP's RST).
    Abort,
    /// ICMP destination unreachable, port unreachable (type 3 code 3): what iptables `REJECT`
    /// and nft `reject` send, and what a host sends for a closed UDP port. It quotes the
    /// offending packet's destination.
    PortUnreachable {
        quoted_src_port: u16,
        quoted_dst: Ipv4Addr,
        quoted_port: u16,
    },
}

/// One IPv4 packet header (plus the transport ports).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Packet {
    pub src: Ipv4Addr,
    pub src_port: u16,
    pub dst: Ipv4Addr,
    pub dst_port: u16,
    /// `tcp`, `udp` or `sctp` (for ICMP errors: the protocol of the quoted packet).
    #[serde(serialize_with = "ser_protocol")]
    pub protocol: Protocol,
    pub segment: Segment,
}

/// Protocols serialise lower-case, as kube-proxy writes them (`-p tcp`).
pub fn ser_protocol<S: Serializer>(p: &Protocol, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(p.lower())
}

impl Packet {
    /// The first packet a client sends for `protocol`: SYN, a datagram, or SCTP INIT.
    pub fn opening(
        protocol: Protocol,
        src: Ipv4Addr,
        src_port: u16,
        dst: Ipv4Addr,
        dst_port: u16,
    ) -> Packet {
        let segment = match protocol {
            Protocol::Tcp => Segment::Syn,
            Protocol::Udp => Segment::Datagram,
            Protocol::Sctp => Segment::Init,
        };
        Packet {
            src,
            src_port,
            dst,
            dst_port,
            protocol,
            segment,
        }
    }

    /// The server's positive answer to this packet (addresses and ports swapped).
    pub fn accepted(&self) -> Packet {
        let segment = match self.protocol {
            Protocol::Tcp => Segment::SynAck,
            Protocol::Udp => Segment::Datagram,
            Protocol::Sctp => Segment::InitAck,
        };
        self.answer(segment)
    }

    /// The host's refusal: TCP RST-ACK, SCTP ABORT, or ICMP port unreachable for UDP (as the
    /// Linux stack answers a closed port).
    pub fn refused(&self) -> Packet {
        match self.protocol {
            Protocol::Tcp => self.answer(Segment::RstAck),
            Protocol::Sctp => self.answer(Segment::Abort),
            Protocol::Udp => self.port_unreachable(self.dst),
        }
    }

    /// An ICMP port unreachable from `from` back to this packet's source, quoting its
    /// destination (what `REJECT --reject-with icmp-port-unreachable` emits).
    pub fn port_unreachable(&self, from: Ipv4Addr) -> Packet {
        Packet {
            src: from,
            src_port: 0,
            dst: self.src,
            dst_port: 0,
            protocol: self.protocol,
            segment: Segment::PortUnreachable {
                quoted_src_port: self.src_port,
                quoted_dst: self.dst,
                quoted_port: self.dst_port,
            },
        }
    }

    fn answer(&self, segment: Segment) -> Packet {
        Packet {
            src: self.dst,
            src_port: self.dst_port,
            dst: self.src,
            dst_port: self.src_port,
            protocol: self.protocol,
            segment,
        }
    }

    /// `true` for ICMP errors.
    pub fn is_icmp(&self) -> bool {
        matches!(self.segment, Segment::PortUnreachable { .. })
    }
}

impl fmt::Display for Packet {
    /// `10.244.1.5:43210 > 10.96.97.12:80  TCP SYN`, or for ICMP
    /// `10.244.1.1 > 10.244.1.5  ICMP 10.96.97.12 tcp port 80 unreachable` (tcpdump's wording).
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.segment {
            Segment::PortUnreachable {
                quoted_dst,
                quoted_port,
                ..
            } => write!(
                f,
                "{} > {}  ICMP {} {} port {} unreachable",
                self.src,
                self.dst,
                quoted_dst,
                self.protocol.lower(),
                quoted_port
            ),
            seg => {
                let what = match seg {
                    Segment::Syn => "TCP SYN",
                    Segment::SynAck => "TCP SYN-ACK",
                    Segment::RstAck => "TCP RST-ACK",
                    Segment::Datagram => "UDP",
                    Segment::Init => "SCTP INIT",
                    Segment::InitAck => "SCTP INIT-ACK",
                    Segment::Abort => "SCTP ABORT",
                    Segment::PortUnreachable { .. } => "ICMP",
                };
                write!(
                    f,
                    "{}:{} > {}:{}  {what}",
                    self.src, self.src_port, self.dst, self.dst_port
                )
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prints_like_the_trace() {
        let p = Packet::opening(
            Protocol::Tcp,
            Ipv4Addr::new(10, 244, 1, 5),
            43210,
            Ipv4Addr::new(10, 96, 97, 12),
            80,
        );
        assert_eq!(p.to_string(), "10.244.1.5:43210 > 10.96.97.12:80  TCP SYN");
        assert_eq!(
            p.accepted().to_string(),
            "10.96.97.12:80 > 10.244.1.5:43210  TCP SYN-ACK"
        );
        assert_eq!(
            p.port_unreachable(Ipv4Addr::new(10, 244, 1, 1)).to_string(),
            "10.244.1.1 > 10.244.1.5  ICMP 10.96.97.12 tcp port 80 unreachable"
        );
        let u = Packet::opening(
            Protocol::Udp,
            Ipv4Addr::new(10, 244, 1, 5),
            5353,
            Ipv4Addr::new(10, 96, 0, 10),
            53,
        );
        assert_eq!(u.to_string(), "10.244.1.5:5353 > 10.96.0.10:53  UDP");
        assert!(u.refused().is_icmp());
    }
}
