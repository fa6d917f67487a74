//! The DNS legs: the client's resolv.conf, its stub resolver's walk through the search list,
//! and every query carried as a UDP packet of its own to the nameserver (through kube-proxy to
//! a CoreDNS pod for the cluster DNS Service) and back.

use super::session::Client;
use super::{Journey, Outcome, TraceSession};
use crate::api::core::Pod;
use crate::dns::{
    self, AnswerSource, DnsResponse, PodDnsType, Query, RecordType, Resolution, ResolvConf,
    ResolverFlavor,
};
use crate::net::{Packet, EPHEMERAL_PORTS};
use crate::proxy::Protocol;
use crate::sim::Rng;
use std::net::Ipv4Addr;

impl TraceSession<'_> {
    /// The client's `/etc/resolv.conf` as the kubelet wrote it (a node's own for a node
    /// process); a client without one (outside the cluster) asks docker's gateway.
    fn resolv_conf_of(&self, client: &Client) -> ResolvConf {
        let pod_conf = |ns: &str, name: &str| -> Option<ResolvConf> {
            let pod: &Pod = self.cluster.store.pod(ns, name)?;
            Some(dns::resolv_conf(self.cluster, pod))
        };
        match client {
            Client::Pod {
                namespace, name, ..
            } => pod_conf(namespace, name),
            Client::Node {
                pod: Some((ns, p)), ..
            } => pod_conf(ns, p),
            Client::Node { name, .. } => Some(dns::node_resolv_conf(self.cluster, name)),
            Client::External { .. } => None,
        }
        .unwrap_or_else(|| ResolvConf {
            nameservers: vec![self.topology.gateway.to_string()],
            searches: Vec::new(),
            options: Vec::new(),
            dns_type: PodDnsType::Host,
            events: Vec::new(),
        })
    }

    /// Resolve `name` as the client's stub resolver does, carrying every query as a UDP
    /// packet to the nameserver (through kube-proxy to a CoreDNS pod for 10.96.0.10).
    pub(super) fn resolve(
        &mut self,
        client: &Client,
        name: &str,
        rng: &mut Rng,
    ) -> (Resolution, Vec<Journey>) {
        let conf = self.resolv_conf_of(client);
        let server = conf
            .nameservers
            .first()
            .cloned()
            .unwrap_or_else(|| "127.0.0.1".to_string());
        let server_ip = server
            .parse::<Ipv4Addr>()
            .ok()
            .filter(|ip| !ip.is_loopback());
        let cluster = self.cluster;
        let upstream = self.upstream.clone();
        let flavor = self.options.flavor.unwrap_or_else(|| match client {
            Client::Pod {
                namespace, name, ..
            } => self
                .cluster
                .store
                .pod(namespace, name)
                .map_or(ResolverFlavor::Glibc, |p| ResolverFlavor::of_pod(p, None)),
            _ => ResolverFlavor::Glibc,
        });
        let mut queries: Vec<Journey> = Vec::new();
        let resolution = dns::walk(&conf, name, RecordType::A, flavor, |q: &Query| {
            let response = dns::ask(cluster, &upstream, &server, q);
            let Some(sip) = server_ip else {
                return response;
            };
            let sport = self
                .pick_client_port(client.ip(), Protocol::Udp, (sip, 53), rng)
                .unwrap_or(EPHEMERAL_PORTS.0);
            let flow = self.connect(
                client,
                Packet::opening(Protocol::Udp, client.ip(), sport, sip, 53),
                rng,
            );
            let answered = matches!(flow.outcome, Outcome::Connected { .. });
            queries.push(Journey {
                from: client.label(),
                destination: format!("{server}:53 ({} {})", q.qtype, q.name),
                protocol: Protocol::Udp,
                resolution: None,
                dns_queries: Vec::new(),
                hops: flow.hops,
                reply: flow.reply,
                outcome: flow.outcome,
            });
            if !answered {
                // Nobody answered (refused or dropped): glibc reports `TRY_AGAIN`.
                return DnsResponse::servfail(q, &server, AnswerSource::NodeResolver);
            }
            let mut r = response;
            // CoreDNS's `loadbalance` plugin shuffles A records in every answer it sends.
            if r.source != AnswerSource::NodeResolver {
                dns::loadbalance(&mut r, rng);
            }
            r
        });
        (resolution, queries)
    }
}
