//! Expectations shared by the browser tests: what the engine computes natively for the lecture's
//! first Service example (`assets/examples/service.yaml`). The wasm tests check that the engine
//! compiled to wasm32 gives exactly these values.
//!
//! They were produced by the native engine (`Cluster::from_sources(&[lecture], 0)` then
//! `printers::get_services`); when the engine deliberately changes them, update them here.
// Each test binary uses its own part of these.
#![allow(dead_code)]

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

/// The first visit's suggested journey (`Session::first_visit`, pod/client → my-service:80):
/// its hop count, outcome, the FNV-1a of its event rows, and its length in ms.
/// Produced natively; when the engine, the layout or the timeline deliberately change, update
/// them here.
pub const FIRST_JOURNEY_HOPS: usize = 23;
pub const FIRST_JOURNEY_OUTCOME: &str = "pod/client (default, kind-worker, 10.244.1.2) → my-service:80: connected to pod default/my-app-859ff7cd86-qd49l on kind-worker at 10.244.1.3:9376; it sees the client as 10.244.1.2:45082; the client sees the answer from 10.96.163.255:80";
pub const FIRST_JOURNEY_FNV: u64 = 670_170_784_745_373_648;
pub const FIRST_JOURNEY_MS: f64 = 19_029.749_761_651_56;
