//! # svcsim-engine
//!
//! Kubernetes Services networking, simulated: a pure, deterministic library. No clock, no global
//! randomness, no I/O: the caller passes time and a seed, so the same manifests and seed give the
//! same IPs, ports and names on every machine (native and wasm).
//!
//! Layers, each with one job (see ARCHITECTURE.md):
//! * [`manifest`]: text → a tree of values that remember their line and column;
//! * [`api`]: the tree → typed Kubernetes objects, with kube-apiserver's strict decoding;
//! * [`ipv4`]: IPv4 prefix arithmetic (no dependencies; every layer that handles addresses);
//! * [`config`]: what shapes a cluster before any object exists (kind's `Cluster` document);
//! * [`validate`]: defaults and kube-apiserver's validation rules, with its exact messages;
//! * [`labels`]: label selectors as text (`kubectl get -l`), as kube-apiserver parses them;
//! * [`alloc`]: ClusterIP, NodePort, LoadBalancer and pod IP allocators;
//! * [`cluster`]: the object store and `apply`, which runs the API server's create/update flow;
//! * [`limits`]: how much svcsim simulates (pods, nodes, Services, ports, endpoints), checked
//!   at apply and scale time before any controller does the work;
//! * [`controllers`]: scheduler, workload controllers, EndpointSlice controller, LB controller;
//! * [`printers`]: `kubectl get`/`describe` text and `-o json|yaml`;
//! * [`quote`]: user text in messages (Go's `%q`, kubectl's terminal escaping, svcsim's caps);
//! * [`net`]: packets, addressing, routing between nodes, conntrack;
//! * [`trace`]: a packet's journey through routes and kube-proxy's rules, and back;
//! * [`sim`]: simulated time and seeded randomness.
#![forbid(unsafe_code)]

pub mod alloc;
pub mod api;
pub mod cluster;
pub mod config;
pub mod controllers;
pub mod dns;
pub mod generate;
pub mod ipv4;
pub mod ipv6;
pub mod labels;
pub mod limits;
pub mod manifest;
pub mod net;
pub mod printers;
pub mod proxy;
pub mod quote;
pub mod sim;
pub mod trace;
pub mod validate;
