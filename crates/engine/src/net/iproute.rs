//! `ip addr` and `ip route` of a pod and of a node, as iproute2 prints them in a kind cluster:
//! where addresses really live (issue 12: "the ClusterIP is on no interface").
//!
//! * A pod (CNI `ptp`, which kindnet uses) has `lo` and `eth0`, the pod end of a veth pair,
//!   with its IP in the node's podCIDR prefix; its routes go through the host end of the veth,
//!   the podCIDR's first address (`default via 10.244.1.1 dev eth0`, the podCIDR via it, and
//!   the gateway itself `scope link`).
//! * A node (a docker container on the `kind` network) has `lo`, `eth0` with its InternalIP on
//!   the docker network, and the host end of one veth per pod, each holding the podCIDR's
//!   first address as a /32; its routes are kindnet's (every other node's podCIDR via that
//!   node, a /32 to each local pod's veth) and docker's (default via the gateway, the docker
//!   network on link).
//! * In IPVS mode kube-proxy binds every Service address (ClusterIPs, externalIPs,
//!   LoadBalancer IPs) to the dummy interface `kube-ipvs0` on every node (`proxier.go`,
//!   `syncService` → `netlinkHandle.EnsureAddressBind`), so the node's kernel accepts packets
//!   to them. In iptables and nftables mode no interface has them: they exist only in
//!   kube-proxy's rules.
//!
//! Interface numbers and MAC addresses differ on every real machine; svcsim derives stable
//! ones (MACs from the interface's owner, locally administered) so a class sees the same text.

use crate::api::core::Pod;
use crate::cluster::Cluster;
use crate::ipv4::Cidr;
use crate::net::topology::{veth_name, Topology};
use crate::proxy::ProxyMode;
use sha2::{Digest, Sha256};
use std::fmt::Write as _;
use std::net::Ipv4Addr;

/// The MTU kindnet gives pod interfaces: the node's eth0 MTU (docker's default 1500).
const MTU: u32 = 1500;

/// A stable, locally administered unicast MAC for `owner`.
fn mac(owner: &str) -> [u8; 6] {
    let d = Sha256::digest(owner.as_bytes());
    [(d[0] & 0xfe) | 0x02, d[1], d[2], d[3], d[4], d[5]]
}

fn mac_text(m: [u8; 6]) -> String {
    m.iter()
        .map(|b| format!("{b:02x}"))
        .collect::<Vec<_>>()
        .join(":")
}

/// The IPv6 link-local address the kernel derives from a MAC (modified EUI-64), in its
/// compressed form.
fn link_local(m: [u8; 6]) -> String {
    let words = [
        u16::from_be_bytes([m[0] ^ 0x02, m[1]]),
        u16::from_be_bytes([m[2], 0xff]),
        u16::from_be_bytes([0xfe, m[3]]),
        u16::from_be_bytes([m[4], m[5]]),
    ];
    let ip = std::net::Ipv6Addr::new(0xfe80, 0, 0, 0, words[0], words[1], words[2], words[3]);
    format!("{ip}/64")
}

fn loopback(out: &mut String) {
    out.push_str(
        "1: lo: <LOOPBACK,UP,LOWER_UP> mtu 65536 qdisc noqueue state UNKNOWN group default qlen 1000\n    link/loopback 00:00:00:00:00:00 brd 00:00:00:00:00:00\n    inet 127.0.0.1/8 scope host lo\n       valid_lft forever preferred_lft forever\n    inet6 ::1/128 scope host\n       valid_lft forever preferred_lft forever\n",
    );
}

/// One `inet` line with its lifetime line.
fn inet(out: &mut String, addr: &str, rest: &str) {
    let _ = writeln!(out, "    inet {addr} {rest}");
    out.push_str("       valid_lft forever preferred_lft forever\n");
}

/// An up Ethernet-like interface: header, link line, `inet`s, a dual-stack pod's global
/// `inet6` (`global6`, with its prefix length), the link-local `inet6`.
fn ether(
    out: &mut String,
    index: usize,
    name: &str,
    m: [u8; 6],
    link: &str,
    inets: &[String],
    global6: Option<&str>,
) {
    let _ = writeln!(
        out,
        "{index}: {name}: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu {MTU} qdisc noqueue state UP group default"
    );
    let _ = writeln!(
        out,
        "    link/ether {} brd ff:ff:ff:ff:ff:ff {link}",
        mac_text(m)
    );
    let dev = name.split('@').next().unwrap_or(name);
    for a in inets {
        inet(out, a, &format!("scope global {dev}"));
    }
    if let Some(a) = global6 {
        let _ = writeln!(out, "    inet6 {a} scope global");
        out.push_str("       valid_lft forever preferred_lft forever\n");
    }
    let _ = writeln!(out, "    inet6 {} scope link", link_local(m));
    out.push_str("       valid_lft forever preferred_lft forever\n");
}

/// The pods with their own network namespace on `node`, in a stable order (by IP): each has a
/// veth whose host end is an interface of the node.
fn local_pods<'c>(cluster: &'c Cluster, node: &str) -> Vec<&'c Pod> {
    let mut pods: Vec<&Pod> = cluster
        .store
        .pods
        .values()
        .filter(|p| p.spec.node_name == node && !p.spec.host_network)
        .filter(|p| p.status.pod_ip.parse::<Ipv4Addr>().is_ok())
        .collect();
    pods.sort_by_key(|p| {
        (
            p.status.pod_ip.parse::<Ipv4Addr>().map_or(0, u32::from),
            p.metadata.name.clone(),
        )
    });
    pods
}

/// The node's interface numbers: 1 lo, 2 eth0, 3 kube-ipvs0 in IPVS mode, then the veths.
fn first_veth_index(mode: ProxyMode) -> usize {
    if mode == ProxyMode::Ipvs {
        4
    } else {
        3
    }
}

/// The addresses kube-proxy's IPVS mode binds to `kube-ipvs0`: every Service's ClusterIPs,
/// externalIPs and LoadBalancer ingress IPs (headless and ExternalName Services have none).
fn ipvs_addresses(cluster: &Cluster) -> Vec<Ipv4Addr> {
    let mut ips: Vec<Ipv4Addr> = Vec::new();
    for svc in cluster.store.services.values() {
        let s = &svc.spec;
        let cluster_ips = std::iter::once(&s.cluster_ip).chain(&s.cluster_ips);
        let lb = svc.status.load_balancer.ingress.iter().map(|i| &i.ip);
        for a in cluster_ips.chain(&s.external_ips).chain(lb) {
            if let Ok(ip) = a.trim().parse::<Ipv4Addr>() {
                ips.push(ip);
            }
        }
    }
    ips.sort();
    ips.dedup();
    ips
}

fn cidr_text(c: Cidr) -> String {
    format!("{}/{}", c.network, c.prefix)
}

/// `ip addr` on `node` (None when the cluster has no such node).
pub fn node_addr(cluster: &Cluster, node: &str) -> Option<String> {
    let topo = Topology::from_cluster(cluster);
    let me = topo.node(node)?;
    let mode = cluster.proxy_mode();
    let mut out = String::new();
    loopback(&mut out);
    let prefix = topo.node_network.map_or(16, |c| c.prefix);
    let brd = topo
        .node_network
        .map(|c| c.nth(c.size().saturating_sub(1)))
        .map_or_else(String::new, |b| format!(" brd {b}"));
    let node_index = topo.nodes.iter().position(|n| n.name == node).unwrap_or(0);
    let _ = writeln!(
        out,
        "2: eth0@if{}: <BROADCAST,MULTICAST,UP,LOWER_UP> mtu {MTU} qdisc noqueue state UP group default",
        2 * node_index + 5
    );
    let m = mac(&format!("node/{node}"));
    let _ = writeln!(
        out,
        "    link/ether {} brd ff:ff:ff:ff:ff:ff link-netnsid 0",
        mac_text(m)
    );
    inet(
        &mut out,
        &format!("{}/{prefix}{brd}", me.ip),
        "scope global eth0",
    );
    // A dual-stack cluster's node: its IPv6 address on kind's docker network (docker sets
    // `nodad` on it).
    let v6 = cluster.store.nodes.get(node).and_then(|n| {
        n.status
            .addresses
            .iter()
            .find(|a| a.type_ == "InternalIP" && a.address.contains(':'))
    });
    if let Some(a) = v6 {
        let _ = writeln!(out, "    inet6 {}/64 scope global nodad", a.address);
        out.push_str("       valid_lft forever preferred_lft forever\n");
    }
    let _ = writeln!(out, "    inet6 {} scope link", link_local(m));
    out.push_str("       valid_lft forever preferred_lft forever\n");
    if mode == ProxyMode::Ipvs {
        let _ = writeln!(
            out,
            "3: kube-ipvs0: <BROADCAST,NOARP> mtu 1500 qdisc noop state DOWN group default\n    link/ether {} brd ff:ff:ff:ff:ff:ff",
            mac_text(mac(&format!("kube-ipvs0/{node}")))
        );
        for ip in ipvs_addresses(cluster) {
            inet(&mut out, &format!("{ip}/32"), "scope global kube-ipvs0");
        }
    }
    let gateway = me.pod_gateway();
    for (i, p) in local_pods(cluster, node).into_iter().enumerate() {
        let dev = veth_name(&p.metadata.namespace, &p.metadata.name);
        let inets: Vec<String> = gateway.map(|g| format!("{g}/32")).into_iter().collect();
        ether(
            &mut out,
            first_veth_index(mode) + i,
            &format!("{dev}@if2"),
            mac(&format!("veth/{dev}")),
            &format!("link-netnsid {}", i + 1),
            &inets,
            None,
        );
    }
    Some(out)
}

/// `ip route` on `node` (None when the cluster has no such node).
pub fn node_route(cluster: &Cluster, node: &str) -> Option<String> {
    let topo = Topology::from_cluster(cluster);
    let me = topo.node(node)?;
    // (destination, line): sorted by destination as the kernel lists the main table.
    let mut routes: Vec<(u64, String)> =
        vec![(0, format!("default via {} dev eth0", topo.gateway))];
    let key =
        |ip: Ipv4Addr, prefix: u8| (u64::from(u32::from(ip)) << 6) | u64::from(prefix) | 1 << 40;
    for other in &topo.nodes {
        if other.name == node {
            continue;
        }
        if let Some(c) = other.pod_cidr {
            routes.push((
                key(c.network, c.prefix),
                format!("{} via {} dev eth0", cidr_text(c), other.ip),
            ));
        }
    }
    for p in local_pods(cluster, node) {
        if let Ok(ip) = p.status.pod_ip.parse::<Ipv4Addr>() {
            let dev = veth_name(&p.metadata.namespace, &p.metadata.name);
            routes.push((key(ip, 32), format!("{ip} dev {dev} scope host")));
        }
    }
    if let Some(c) = topo.node_network {
        routes.push((
            key(c.network, c.prefix),
            format!(
                "{} dev eth0 proto kernel scope link src {}",
                cidr_text(c),
                me.ip
            ),
        ));
    }
    routes.sort();
    Some(routes.into_iter().map(|(_, l)| l + "\n").collect())
}

/// The pod's addressing: its IP and its node's podCIDR (None for a pod without an IP yet).
fn pod_net(cluster: &Cluster, pod: &Pod) -> Option<(Ipv4Addr, Cidr, Ipv4Addr)> {
    let ip: Ipv4Addr = pod.status.pod_ip.parse().ok()?;
    let topo = Topology::from_cluster(cluster);
    let node = topo.node(&pod.spec.node_name)?;
    let cidr = node.pod_cidr.filter(|c| c.contains(ip))?;
    Some((ip, cidr, node.pod_gateway()?))
}

/// `ip addr` in `pod`: its node's for a hostNetwork pod, only `lo` before it has an IP.
pub fn pod_addr(cluster: &Cluster, pod: &Pod) -> String {
    if pod.spec.host_network {
        return node_addr(cluster, &pod.spec.node_name).unwrap_or_default();
    }
    let mut out = String::new();
    loopback(&mut out);
    let Some((ip, cidr, _)) = pod_net(cluster, pod) else {
        return out;
    };
    let dev = veth_name(&pod.metadata.namespace, &pod.metadata.name);
    let index = local_pods(cluster, &pod.spec.node_name)
        .iter()
        .position(|p| p.metadata.uid == pod.metadata.uid)
        .map_or(3, |i| first_veth_index(cluster.proxy_mode()) + i);
    let brd = cidr.nth(cidr.size().saturating_sub(1));
    ether(
        &mut out,
        2,
        &format!("eth0@if{index}"),
        mac(&format!("eth0/{dev}")),
        "link-netnsid 0",
        &[format!("{ip}/{} brd {brd}", cidr.prefix)],
        pod_ipv6(pod).as_deref(),
    );
    out
}

/// A dual-stack pod's IPv6 address with the /64 of its node's IPv6 pod CIDR.
fn pod_ipv6(pod: &Pod) -> Option<String> {
    pod.status
        .pod_ips
        .iter()
        .find(|i| i.ip.contains(':'))
        .map(|i| format!("{}/{}", i.ip, crate::config::NODE_CIDR_MASK_V6))
}

/// `ip route` in `pod`: everything through the host end of its veth.
pub fn pod_route(cluster: &Cluster, pod: &Pod) -> String {
    if pod.spec.host_network {
        return node_route(cluster, &pod.spec.node_name).unwrap_or_default();
    }
    let Some((ip, cidr, gw)) = pod_net(cluster, pod) else {
        return String::new();
    };
    format!(
        "default via {gw} dev eth0\n{} via {gw} dev eth0 src {ip}\n{gw} dev eth0 scope link src {ip}\n",
        cidr_text(cidr)
    )
}

/// What an `ip` command line asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IpCommand {
    /// `ip [-4] addr|a|address [show|list]`
    Addr { v4_only: bool },
    /// `ip [-4] route|r|ro [show|list]`
    Route,
}

/// Read `ip`'s arguments; Err is iproute2's message for what svcsim does not simulate.
pub fn parse_ip(args: &[&str]) -> Result<IpCommand, String> {
    let mut v4_only = false;
    let mut rest = args;
    while let Some((first, tail)) = rest.split_first() {
        match *first {
            "-4" => v4_only = true,
            "-o" | "-c" | "-br" | "-6" | "-d" | "-s" => {
                return Err(format!(
                    "svcsim: ip {first} is not simulated; try ip addr or ip route"
                ))
            }
            _ => break,
        }
        rest = tail;
    }
    let Some((object, tail)) = rest.split_first() else {
        return Err("Usage: ip [ OPTIONS ] OBJECT { COMMAND | help }\nsvcsim simulates ip addr and ip route".into());
    };
    let show = match tail {
        [] => true,
        [c] => matches!(*c, "show" | "list" | "sh" | "s" | "ls" | "lst"),
        _ => false,
    };
    let cmd = match *object {
        "a" | "ad" | "add" | "addr" | "addre" | "addres" | "address" => IpCommand::Addr { v4_only },
        "r" | "ro" | "rou" | "rout" | "route" => IpCommand::Route,
        other if !matches!(other, "link" | "l" | "neigh" | "n" | "rule" | "netns") => {
            return Err(format!("Object \"{other}\" is unknown, try \"ip help\"."))
        }
        other => {
            return Err(format!(
                "svcsim: ip {other} is not simulated; try ip addr or ip route"
            ))
        }
    };
    if !show {
        return Err(format!(
            "svcsim: only \"ip {object} show\" is simulated, not \"ip {}\"",
            rest.join(" ")
        ));
    }
    Ok(cmd)
}

/// `ip -4 addr`: the same interfaces without link and inet6 lines.
pub fn only_v4(text: &str) -> String {
    let mut out = String::new();
    let mut skip_lifetime = false;
    for line in text.lines() {
        if skip_lifetime && line.starts_with("       valid_lft") {
            skip_lifetime = false;
            continue;
        }
        skip_lifetime = false;
        if line.starts_with("    link/") {
            continue;
        }
        if line.starts_with("    inet6 ") {
            skip_lifetime = true;
            continue;
        }
        out.push_str(line);
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::ClusterConfig;
    use crate::manifest::Source;

    fn cluster(mode: ProxyMode) -> Cluster {
        let mut c = Cluster::new(ClusterConfig::default(), 7);
        c.set_proxy_mode(mode);
        let text = "apiVersion: v1\nkind: Pod\nmetadata:\n  name: client\nspec:\n  containers:\n  - name: c\n    image: nginx\n---\napiVersion: v1\nkind: Service\nmetadata:\n  name: web\nspec:\n  ports:\n  - port: 80\n";
        c.apply(&Source::new("t.yaml", text));
        c.settle();
        c
    }

    #[test]
    fn a_pod_has_its_ip_on_eth0_and_routes_through_its_veth() {
        let c = cluster(ProxyMode::Iptables);
        let pod = c
            .store
            .pods_in(Some("default"))
            .find(|p| p.metadata.name == "client")
            .unwrap();
        let ip = &pod.status.pod_ip;
        let addr = pod_addr(&c, pod);
        assert!(
            addr.contains("1: lo: <LOOPBACK,UP,LOWER_UP> mtu 65536"),
            "{addr}"
        );
        assert!(addr.contains(&format!("    inet {ip}/24 brd ")), "{addr}");
        assert!(addr.contains("2: eth0@if"), "{addr}");
        let route = pod_route(&c, pod);
        let gw = {
            let mut o: Vec<&str> = ip.split('.').collect();
            o[3] = "1";
            o.join(".")
        };
        assert_eq!(
            route.lines().next(),
            Some(format!("default via {gw} dev eth0").as_str())
        );
        assert!(
            route.contains(&format!("{gw} dev eth0 scope link src {ip}")),
            "{route}"
        );
    }

    #[test]
    fn no_interface_has_a_cluster_ip_except_kube_ipvs0_in_ipvs_mode() {
        for mode in [ProxyMode::Iptables, ProxyMode::Nftables, ProxyMode::Ipvs] {
            let c = cluster(mode);
            let web = c
                .store
                .service("default", "web")
                .unwrap()
                .spec
                .cluster_ip
                .clone();
            let node = c
                .store
                .pods_in(Some("default"))
                .next()
                .unwrap()
                .spec
                .node_name
                .clone();
            let addr = node_addr(&c, &node).unwrap();
            let has = addr.contains(&format!("inet {web}/32 scope global kube-ipvs0"));
            assert_eq!(has, mode == ProxyMode::Ipvs, "{mode:?}\n{addr}");
            if mode != ProxyMode::Ipvs {
                assert!(!addr.contains(&web), "{addr}");
            }
            let route = node_route(&c, &node).unwrap();
            assert!(
                route.starts_with("default via 172.18.0.1 dev eth0\n"),
                "{route}"
            );
            assert!(
                !route.contains(&web),
                "no route leads to a ClusterIP\n{route}"
            );
            assert!(
                route.contains(" scope host\n"),
                "a /32 to the local pod's veth\n{route}"
            );
        }
    }

    #[test]
    fn ip_reads_its_objects_and_refuses_the_rest_as_iproute2_does() {
        assert_eq!(parse_ip(&["a"]), Ok(IpCommand::Addr { v4_only: false }));
        assert_eq!(
            parse_ip(&["-4", "addr", "show"]),
            Ok(IpCommand::Addr { v4_only: true })
        );
        assert_eq!(parse_ip(&["route"]), Ok(IpCommand::Route));
        assert_eq!(parse_ip(&["r", "list"]), Ok(IpCommand::Route));
        assert_eq!(
            parse_ip(&["bogus"]),
            Err("Object \"bogus\" is unknown, try \"ip help\".".to_string())
        );
        assert!(parse_ip(&["route", "add", "x"]).is_err());
        assert!(parse_ip(&[]).is_err());
        let v4 = only_v4(&pod_addr_sample());
        assert!(!v4.contains("inet6") && !v4.contains("link/"), "{v4}");
        assert!(v4.contains("inet 127.0.0.1/8"), "{v4}");
    }

    fn pod_addr_sample() -> String {
        let c = cluster(ProxyMode::Iptables);
        let pod = c.store.pods_in(Some("default")).next().unwrap();
        pod_addr(&c, pod)
    }

    #[test]
    fn link_local_is_the_modified_eui64_of_the_mac() {
        assert_eq!(
            link_local([0x02, 0x42, 0xac, 0x12, 0x00, 0x03]),
            "fe80::42:acff:fe12:3/64"
        );
    }
}
