//! Defaults and validation, as kube-apiserver applies them (`pkg/apis/core/v1/defaults.go`,
//! `pkg/apis/core/validation/validation.go`), with the exact messages.
//!
//! One file per thing a reader looks for, after where Kubernetes keeps the rules:
//! * [`defaults`]: the v1 defaults, applied before validation;
//! * [`field`]: `field.Error` and how kube-apiserver and kubectl print it;
//! * [`names`], [`ip`]: the format checks (DNS names, label keys and values, port names; IP
//!   addresses and CIDRs) with apimachinery's messages;
//! * [`meta`]: `ObjectMeta`, labels, annotations and label selectors, which every kind shares;
//! * [`service`], [`pod`], [`workloads`], [`cluster_scoped`] (Node, Namespace),
//!   [`endpointslice`], [`networking`] (ServiceCIDR, IPAddress): each kind's rules, in kube-apiserver's order.

pub mod cluster_scoped;
pub mod defaults;
pub mod endpoints;
pub mod endpointslice;
pub mod field;
pub mod ip;
pub mod meta;
pub mod names;
pub mod networking;
pub mod pod;
pub mod service;
pub mod workloads;

#[cfg(test)]
mod testing;

/// `supportedPortProtocols` (core validation), as `sets.List` sorts it: what a container's,
/// a Service's and an EndpointSlice's ports may say.
pub(crate) const SUPPORTED_PORT_PROTOCOLS: &[&str] = &["SCTP", "TCP", "UDP"];

pub use cluster_scoped::{validate_namespace, validate_node};
pub use defaults::{
    default_endpoint_slice, default_endpoints, default_pod, default_service, default_workload,
};
pub use endpoints::validate_endpoints;
pub use endpointslice::validate_endpoint_slice;
pub use field::{BadValue, ErrorList, ErrorType, FieldError};
pub use networking::{
    validate_ip_address, validate_ip_address_update, validate_service_cidr,
    validate_service_cidr_update,
};
pub use pod::validate_pod;
pub use service::{validate_service, validate_service_update};
pub use workloads::validate_workload;
