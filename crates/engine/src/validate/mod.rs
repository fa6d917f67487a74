//! Defaults and validation, as kube-apiserver applies them (`pkg/apis/core/v1/defaults.go`,
//! `pkg/apis/core/validation/validation.go`), with the exact messages.

pub mod field;

pub use field::{BadValue, ErrorList, ErrorType, FieldError};
