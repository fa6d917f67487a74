//! Defaults and validation, as kube-apiserver applies them (`pkg/apis/core/v1/defaults.go`,
//! `pkg/apis/core/validation/validation.go`), with the exact messages.

pub mod defaults;
pub mod field;
pub mod ip;
pub mod meta;
pub mod names;
pub mod objects;
pub mod pod;
pub mod service;
pub mod workloads;

#[cfg(test)]
mod testing;

pub use defaults::{default_endpoint_slice, default_pod, default_service, default_workload};
pub use field::{BadValue, ErrorList, ErrorType, FieldError};
pub use objects::{validate_endpoint_slice, validate_namespace, validate_node};
pub use pod::validate_pod;
pub use service::{validate_service, validate_service_update};
pub use workloads::validate_workload;
