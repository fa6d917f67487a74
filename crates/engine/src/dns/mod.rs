//! Cluster DNS: what a pod's resolver asks, and what CoreDNS answers.
//!
//! Three layers, each reproducing one real component:
//! * [`resolv`] — the kubelet composing a pod's `/etc/resolv.conf` from its `dnsPolicy` and
//!   `dnsConfig` (`k/k:pkg/kubelet/network/dns/dns.go`), printed as containerd writes it;
//! * [`resolver`] — the C library's stub resolver inside the pod (glibc by default, musl on
//!   Alpine): the search-list expansion driven by `ndots`, and when the walk stops;
//! * [`coredns`] — CoreDNS with kubeadm's Corefile: the `kubernetes` plugin answering from
//!   Services, EndpointSlices and Namespaces in the [`crate::cluster::Store`], `forward` to a
//!   simulated [`Upstream`], `cache 30`'s TTL capping, and `loadbalance`'s shuffling.
//!
//! Plus the data they exchange ([`message`]: queries, records, responses with `dig`-like and
//! one-line renderings) and the one parser of user-typed names ([`name::parse_name`]).
//!
//! Everything is a pure function of the cluster state, the upstream table and (for
//! [`loadbalance`]) a caller-seeded RNG: the same inputs print the same `dig` output anywhere.
//!
//! ```
//! use svcsim_engine::cluster::Cluster;
//! use svcsim_engine::config::ClusterConfig;
//! use svcsim_engine::dns::{answer, Query, RecordType, Upstream};
//!
//! let cluster = Cluster::new(ClusterConfig::default(), 0);
//! let q = Query::parse("example.com", RecordType::A).unwrap();
//! let r = answer(&cluster, &Upstream::default(), &q);
//! assert_eq!(r.summary(), "A example.com → 192.0.2.10 (NOERROR)");
//! ```

pub mod coredns;
pub mod message;
pub mod name;
pub mod resolv;
pub mod resolver;

#[cfg(test)]
mod tests;

pub use coredns::{answer, node_resolver_answer, Upstream, UpstreamAnswer};
pub use message::{
    loadbalance, AnswerSource, DnsResponse, Query, RData, Rcode, Record, RecordType,
};
pub use name::{parse_name, Name, NameError};
pub use resolv::{node_resolv_conf, resolv_conf, PodDnsType, ResolvConf};
pub use resolver::{
    ask, query_sequence, query_sequence_for, resolve, walk, Outcome, Resolution, ResolverFlavor,
    Step,
};
