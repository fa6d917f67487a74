//! Expectations shared by the browser tests: what the engine computes natively for the lecture's
//! first Service example (`assets/examples/service.yaml`). The wasm tests check that the engine
//! compiled to wasm32 gives exactly these values.
//!
//! They were produced by the native engine (`Cluster::from_sources(&[lecture], 0)` then
//! `printers::get_services`); when the engine deliberately changes them, update them here.

/// (apiVersion, kind, metadata.name, document index, line, column) of every object the manifest
/// parser finds in the lecture example.
pub const LECTURE_OBJECTS: &[(&str, &str, &str, usize, u32, u32)] =
    &[("v1", "Service", "my-service", 0, 1, 1)];

/// The seed the page and the tests use.
pub const SEED: u64 = 0;

/// `kubectl apply` lines for the lecture example.
pub const LECTURE_APPLY: &[&str] = &["service/my-service created"];

/// `kubectl get services` row of `my-service` for the lecture example and [`SEED`], split on
/// whitespace: NAME TYPE CLUSTER-IP EXTERNAL-IP PORT(S) AGE.
pub const LECTURE_MY_SERVICE_ROW: &[&str] = &[
    "my-service",
    "ClusterIP",
    "10.96.163.255",
    "<none>",
    "80/TCP",
];
