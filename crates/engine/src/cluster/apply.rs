//! `apply`: kube-apiserver's create/update flow for each object of a manifest.

/// What happened to one object (`service/web created`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub enum ApplyOutcome {
    Created,
    Configured,
    Unchanged,
}

/// Why an object was refused.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum ApplyError {
    #[error("x")]
    X,
}

/// The result of applying one object.
#[derive(Debug, Clone, PartialEq)]
pub struct ApplyResult {}
