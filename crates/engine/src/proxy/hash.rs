//! Chain-name hashes exactly as kube-proxy computes them.
//!
//! kube-proxy names per-service and per-endpoint chains after a hash so that names fit the
//! 28-character iptables limit and stay stable across restarts:
//! `base32.StdEncoding(sha256(input))`, truncated (16 characters for iptables, 8 for nftables).

use sha2::{Digest, Sha256};

/// RFC 4648 base32 alphabet (Go's `base32.StdEncoding`).
const ALPHABET: &[u8; 32] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";

/// `base32.StdEncoding.EncodeToString(sha256(input))` (with `=` padding, as Go prints it).
pub fn base32_sha256(input: &str) -> String {
    let digest = Sha256::digest(input.as_bytes());
    base32(&digest)
}

fn base32(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len().div_ceil(5) * 8);
    for chunk in bytes.chunks(5) {
        let mut buf = [0u8; 5];
        for (dst, src) in buf.iter_mut().zip(chunk) {
            *dst = *src;
        }
        let v = buf.iter().fold(0u64, |acc, b| (acc << 8) | u64::from(*b));
        // Number of output characters carrying data for this chunk (RFC 4648 §6).
        let chars = match chunk.len() {
            1 => 2,
            2 => 4,
            3 => 5,
            4 => 7,
            _ => 8,
        };
        for i in 0..8 {
            if i < chars {
                let idx = ((v >> (35 - 5 * i)) & 0x1f) as usize;
                out.push(char::from(ALPHABET.get(idx).copied().unwrap_or(b'A')));
            } else {
                out.push('=');
            }
        }
    }
    out
}

fn prefix(s: &str, n: usize) -> String {
    s.chars().take(n).collect()
}

/// iptables `portProtoHash`: the 16-character hash shared by KUBE-SVC/SVL/EXT/FW of one
/// service port; input is `servicePortName + protocol` (e.g. `ns1/svc1:p80` + `tcp`).
pub fn port_proto_hash(service_port_name: &str, protocol: &str) -> String {
    prefix(
        &base32_sha256(&format!("{service_port_name}{protocol}")),
        16,
    )
}

/// iptables `servicePortEndpointChainName` hash: `servicePortName + protocol + "IP:port"`.
pub fn endpoint_hash(service_port_name: &str, protocol: &str, endpoint: &str) -> String {
    prefix(
        &base32_sha256(&format!("{service_port_name}{protocol}{endpoint}")),
        16,
    )
}

/// nftables `hashAndTruncate`: `<first 8 chars of base32(sha256(name))>-<name>` (names are
/// at most 205 characters from valid API names, so kube-proxy never truncates them).
pub fn nft_hash_and_truncate(name: &str) -> String {
    format!("{}-{}", prefix(&base32_sha256(name), 8), name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base32_rfc4648_vectors() {
        assert_eq!(base32(b""), "");
        assert_eq!(base32(b"f"), "MY======");
        assert_eq!(base32(b"fo"), "MZXQ====");
        assert_eq!(base32(b"foo"), "MZXW6===");
        assert_eq!(base32(b"foob"), "MZXW6YQ=");
        assert_eq!(base32(b"fooba"), "MZXW6YTB");
        assert_eq!(base32(b"foobar"), "MZXW6YTBOI======");
    }

    /// Values from k/k pkg/proxy/iptables/proxier_test.go (via k8s-facts §4.1).
    #[test]
    fn iptables_hashes_match_kube_proxy() {
        assert_eq!(port_proto_hash("ns1/svc1:p80", "tcp"), "XPGD46QRK7WJZT7O");
        assert_eq!(
            endpoint_hash("ns1/svc1:p80", "tcp", "10.180.0.1:80"),
            "SXIVWICOYRO3J4NJ"
        );
        assert_eq!(
            endpoint_hash("ns1/svc1:p80", "tcp", "10.180.0.2:80"),
            "LXVODXWDISEETFEF"
        );
        assert_eq!(
            endpoint_hash("ns1/svc1:p80", "tcp", "10.180.2.1:80"),
            "ZX7GRIZKSNUQ3LAJ"
        );
        assert_eq!(
            port_proto_hash("kube-system/kube-dns:dns", "udp"),
            "TCOU7JCQXEZGVUNU"
        );
        assert_eq!(
            port_proto_hash("kube-system/kube-dns:dns-tcp", "tcp"),
            "ERIFXISQEP7F7OF4"
        );
        assert_eq!(
            port_proto_hash("default/kubernetes:https", "tcp"),
            "NPX46M4PTMTKRN6Y"
        );
        assert_eq!(port_proto_hash("ns2/svc2:p80", "tcp"), "GNZBNJ2PO5MGZ6GT");
    }

    /// Values from k/k pkg/proxy/nftables/proxier_test.go.
    #[test]
    fn nft_hashes_match_kube_proxy() {
        assert_eq!(
            nft_hash_and_truncate("ns1/svc1/tcp/p80"),
            "ULMVA6XW-ns1/svc1/tcp/p80"
        );
        assert_eq!(
            nft_hash_and_truncate("ns1/svc1/tcp/p80__10.180.0.1/80"),
            "5OJB2KTY-ns1/svc1/tcp/p80__10.180.0.1/80"
        );
        assert_eq!(
            nft_hash_and_truncate("ns5/svc5/tcp/p80__10.180.0.3/80"),
            "GTK6MW7G-ns5/svc5/tcp/p80__10.180.0.3/80"
        );
    }
}
