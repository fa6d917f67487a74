//! Every line typed into the page's terminal runs through the console's small bash (quotes,
//! `&&`, `||`, pipes) and then kubectl, docker, node tools or in-pod programs against the live
//! cluster. None of it may panic, hang or exhaust memory: a panic in wasm kills the page.
//!
//! The page's own path is driven: a `Session` (the lecture's MyApp Deployment and client pod,
//! and a Service of each type in front of them) is built and settled once, then cloned per
//! input. Each line of the input (at most 8) is completed with Tab (at its end and its middle), then run by
//! `Session::run_console` (which lays the scene out again and plays the packets it sent), then
//! a second of simulated time passes if the cluster has work pending (as animation frames
//! would let it; not for clusters larger than an execution can build, `scale.rs`), so `kubectl scale …` followed by `kubectl get …` and the like are reached.
#![no_main]

mod budget;
mod scale;

#[global_allocator]
static ALLOC: budget::Budget = budget::Budget;

use libfuzzer_sys::fuzz_target;
use std::sync::OnceLock;
use svcsim_scene::session::Session;
use svcsim_scene::share::Scenario;

/// Services of each type in front of the MyApp pods, and a Service without a selector.
const SERVICES: &str = "\
apiVersion: v1
kind: Service
metadata:
  name: my-service
spec:
  selector:
    app.kubernetes.io/name: MyApp
  ports:
    - protocol: TCP
      port: 80
      targetPort: 9376
---
apiVersion: v1
kind: Service
metadata:
  name: my-nodeport
spec:
  type: NodePort
  selector:
    app.kubernetes.io/name: MyApp
  ports:
    - port: 80
      targetPort: 9376
      nodePort: 30007
---
apiVersion: v1
kind: Service
metadata:
  name: my-lb
spec:
  type: LoadBalancer
  externalTrafficPolicy: Local
  selector:
    app.kubernetes.io/name: MyApp
  ports:
    - port: 80
      targetPort: 9376
---
apiVersion: v1
kind: Service
metadata:
  name: my-headless
spec:
  clusterIP: None
  selector:
    app: my-app
  ports:
    - port: 80
      targetPort: 9376
---
apiVersion: v1
kind: Service
metadata:
  name: my-db
spec:
  type: ExternalName
  externalName: my.database.example.com
";

fn base() -> &'static Session {
    static BASE: OnceLock<Session> = OnceLock::new();
    BASE.get_or_init(|| {
        let text = format!(
            "{}---\n{SERVICES}",
            include_str!("../../crates/engine/tests/fixtures/myapp.yaml")
        );
        Session::new(&Scenario {
            text,
            seed: 7,
            ..Scenario::default()
        })
    })
}

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let mut session = base().clone();
    // Whether the cluster is small enough to build, as of a generation: counting its usage is
    // linear in the store, so it is counted again only once something was written.
    let mut small = (session.cluster().generation(), true);
    for line in text.lines().take(8) {
        // Tab at the end and in the middle (a cursor inside a character is allowed).
        let _ = session.complete(line, line.len());
        let _ = session.complete(line, line.len() / 2);
        let _ = session.run_console(line);
        if !session.pending() {
            continue;
        }
        // `kubectl scale --replicas=150000` is within svcsim's limits but beyond a quick
        // execution: run, not built (see scale.rs).
        let generation = session.cluster().generation();
        if generation != small.0 {
            small = (generation, scale::small(&session.cluster().usage()));
        }
        if small.1 {
            session.tick(1_000);
        }
    }
    let _ = session.history_prev();
    let _ = session.history_next();
});
