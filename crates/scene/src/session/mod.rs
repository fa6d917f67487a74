//! The page's model without a browser: one [`Session`] owns the simulated cluster, the
//! editor's text, the settings, the selection, the scene drawn from the cluster, the journey
//! being played and its playhead, and the console. The web app holds one session, forwards
//! clicks, keys and animation frames to it as method calls, and renders what it reads back;
//! everything that decides something is here, tested natively.
//!
//! Each method that changes something bumps the matching counter in [`Revisions`], so the page
//! re-renders only what changed (the services table on a cluster change, the canvas overlay on
//! a playhead move) and never has to guess.
//!
//! Time is passed in: [`Session::frame`] takes the real milliseconds elapsed since the last
//! animation frame and runs the cluster's clock and the journey's playhead by that × the speed
//! setting. Randomness (which endpoint a connection picks) comes from a seeded stream, so the
//! same scenario plays the same way everywhere.

mod actions;
mod editing;

pub use actions::{available, owner_deployment, replicas, Available};
pub use editing::{
    Applied, ApplyJob, JobProgress, Problem, MAX_PROBLEMS, OBJECTS_PER_STEP, READ_BYTES_PER_STEP,
    SOURCE_NAME,
};

use crate::console::{Completion, Console, ConsoleOutput};
use crate::examples;
use crate::journey::{origin_value, parse_origin};
use crate::layout::{layout, LayoutOptions, ObjectId, Scene};
use crate::playback::{Overlay, OverlayStyle, Playback};
use crate::settings::{Settings, Theme};
use crate::share::{Scenario, SharedJourney};
use editing::Editing;
use std::collections::BTreeSet;
use svcsim_engine::api::apps::WorkloadKind;
use svcsim_engine::cluster::{ApplyResult, Cluster};
use svcsim_engine::proxy::ProxyMode;
use svcsim_engine::sim::Rng;
use svcsim_engine::trace::{parse_destination, trace, trace_many, TraceOptions};

/// The default seed: the same text and seed give the same IPs and ports everywhere.
pub const DEFAULT_SEED: u64 = 0;

/// Change counters, one per part of the page that re-renders on its own.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Revisions {
    /// The cluster, the applied text's results and problems.
    pub cluster: u64,
    /// The drawing of the cluster (bumped only when the laid-out scene differs).
    pub scene: u64,
    /// The editor's text.
    pub text: u64,
    /// The journey, its timeline (its places on the scene), the distribution.
    pub journey: u64,
    /// Where the playhead is, and whether it plays (every animation frame while playing).
    pub playhead: u64,
    /// Theme, speed, presentation, proxy mode, the journey form.
    pub settings: u64,
    /// The editor's text being applied in steps: started, moved on, finished or cancelled.
    pub job: u64,
    pub selection: u64,
}

/// The page's whole state (see the module docs).
#[derive(Debug, Clone)]
pub struct Session {
    editing: Editing,
    /// The editor's text, following every keystroke (applied by [`Session::apply`]).
    draft: String,
    settings: Settings,
    selection: Option<ObjectId>,
    scene: Scene,
    playback: Playback,
    console: Console,
    /// Randomness for journeys (which endpoint a connection picks), seeded.
    rng: Rng,
    /// An example's suggested source (`deploy/frontend`) the cluster has no pod for yet: taken
    /// as soon as it has one, unless the user chose another source first.
    pending_source: Option<String>,
    /// Simulated milliseconds owed to the cluster's clock (frames are not whole ms).
    carry_ms: f64,
    revisions: Revisions,
    /// [`Playback::serial`] when `revisions.journey` was last bumped.
    journey_serial: u64,
    /// The editor holds text that was not applied on purpose (see [`Session::held`]).
    held: bool,
    /// The editor's text being applied in steps ([`Session::begin_apply`]).
    job: Option<ApplyJob>,
    /// The cluster changed while time ran and the scene has not been laid out again yet.
    scene_stale: bool,
    /// Wall milliseconds since the scene was last laid out.
    since_layout_ms: f64,
    /// The canvas' size in CSS pixels, which the layout arranges the scene for
    /// ([`LayoutOptions::screen`]); None until the page says.
    screen: Option<(u32, u32)>,
    /// The journey on screen came from [`Session::send`]: the journey generator's state
    /// before it and the number of connections, what a link needs to show it again.
    sent: Option<([u64; 4], u32)>,
    /// Workloads whose grouped card ("web × 84") was opened: their replicas are drawn one
    /// card each ([`LayoutOptions::expanded`]) until [`Session::regroup`] or another load.
    expanded: BTreeSet<String>,
}

/// The most of one command's stdout (and of its stderr) the console shows: `kubectl get pods`
/// of a 100,000-pod cluster is megabytes of DOM text; the rest is counted, not shown.
pub const CONSOLE_OUTPUT_BYTES: usize = 256 * 1024;

/// User text as the page shows it: escaped as kubectl escapes for a terminal (ESC as `^[`, an
/// RTL override or a zero-width space as `\u202e`, `\u200b`, so a name cannot reorder or hide
/// the text around it), and cut to `max` bytes with a `... (N bytes omitted)` marker.
pub fn shown(text: &str, max: usize) -> String {
    let escaped = svcsim_engine::quote::escape_terminal(text);
    svcsim_engine::quote::truncate(&escaped, max).into_owned()
}

/// Scenes with more items than this are laid out again at most every
/// [`BIG_SCENE_RELAYOUT_MS`] while simulated time runs (and at once when it stops, or when the
/// user does something): laying out thousands of Services on every animation frame while their
/// slices appear froze the page for seconds.
pub const BIG_SCENE_ITEMS: usize = 2_000;
/// See [`BIG_SCENE_ITEMS`].
pub const BIG_SCENE_RELAYOUT_MS: f64 = 500.0;
/// Services and pods from which a cluster counts as big before its scene is laid out (about
/// four scene items each, [`BIG_SCENE_ITEMS`]).
const BIG_CLUSTER_OBJECTS: usize = BIG_SCENE_ITEMS / 4;
/// Services whose EndpointSlices, Endpoints and load balancer the controllers work per
/// animation frame while simulated time waits ([`Cluster::catch_up`]): ten thousand new
/// The most connections a shared link's journey sends again (Send 100 sends 100).
pub const MAX_SHARED_SENDS: u32 = 100;

/// Services at once cost ~275 ms in wasm, a frame's share of them stays under ~60 ms.
pub const CATCH_UP_SERVICES: usize = 2_000;

impl Session {
    /// The session a scenario describes (a saved state, a shared link), its cluster settled:
    /// the picture the link shows, without waiting.
    pub fn new(scenario: &Scenario) -> Session {
        let mut s = Session {
            editing: Editing::new(&scenario.text, scenario.seed),
            draft: scenario.text.clone(),
            settings: scenario.settings.clone(),
            selection: scenario.selection.as_deref().and_then(ObjectId::parse),
            scene: Scene::default(),
            playback: Playback::default(),
            console: Console::new(),
            rng: journey_rng(scenario.seed),
            pending_source: None,
            carry_ms: 0.0,
            revisions: Revisions::default(),
            journey_serial: 0,
            held: false,
            job: None,
            scene_stale: false,
            since_layout_ms: 0.0,
            screen: None,
            sent: None,
            expanded: BTreeSet::new(),
        };
        s.apply_proxy_mode();
        s.playback.set_fold_dns(s.settings.fold_dns, &s.scene);
        s.editing.cluster.settle();
        s.relayout();
        let (source, dest) = (s.settings.source.take(), s.settings.dest.take());
        s.suggest();
        if source.is_some() {
            s.settings.source = source;
            s.pending_source = None;
        }
        if dest.is_some() {
            s.settings.dest = dest;
        }
        if let Some(j) = &scenario.journey {
            s.restore_journey(j);
        }
        s
    }

    /// Send the journey a link was showing again, with the same random stream (so the same
    /// endpoints are chosen), and pause at its hop. A journey that cannot be sent (a link
    /// edited by hand) is left out: the rest of the link still opens.
    fn restore_journey(&mut self, j: &SharedJourney) {
        let Some(state) = j.rng_state() else {
            return;
        };
        let saved = self.rng.clone();
        self.rng = Rng::from_state(state);
        if self.send(j.count.clamp(1, MAX_SHARED_SENDS)).is_ok() {
            self.playback.goto(j.hop);
            self.played();
        } else {
            self.rng = saved;
        }
    }

    /// A scenario opened *held*: its text is in the editor but not applied, over the default
    /// cluster (the text may be what made the page die last time; see `crate::startup`).
    /// [`Session::apply`] applies it when the user asks.
    pub fn held(scenario: &Scenario) -> Session {
        let mut s = Session::new(&Scenario {
            text: String::new(),
            selection: None,
            ..scenario.clone()
        });
        s.draft.clone_from(&scenario.text);
        s.held = true;
        s
    }

    /// Replace everything with `scenario` (the "restore previous work" button), as
    /// [`Session::new`] builds it; every view re-renders.
    pub fn open(&mut self, scenario: &Scenario) {
        let old = self.revisions;
        *self = Session::new(scenario);
        // Counters only grow, so every view sees a change.
        let new = self.revisions;
        self.revisions = Revisions {
            cluster: old.cluster.max(new.cluster) + 1,
            scene: old.scene.max(new.scene) + 1,
            text: old.text.max(new.text) + 1,
            journey: old.journey.max(new.journey) + 1,
            playhead: old.playhead.max(new.playhead) + 1,
            settings: old.settings.max(new.settings) + 1,
            job: old.job.max(new.job) + 1,
            selection: old.selection.max(new.selection) + 1,
        };
    }

    /// The lecture's first example, as a first visit shows it.
    pub fn first_visit() -> Session {
        let ex = examples::default_example();
        Session::new(&Scenario {
            text: ex.yaml.to_string(),
            seed: DEFAULT_SEED,
            settings: Settings {
                example: Some(ex.id.to_string()),
                ..Settings::default()
            },
            ..Scenario::default()
        })
    }

    /// What to save and share: the editor's text, the seed, the settings, the selection.
    pub fn scenario(&self) -> Scenario {
        Scenario {
            text: self.draft.clone(),
            seed: self.editing.seed,
            settings: self.settings.clone(),
            selection: self.selection.as_ref().map(ToString::to_string),
            journey: self.sent.filter(|_| self.playback.journey().is_some()).map(
                |(state, count)| SharedJourney {
                    rng: SharedJourney::state_text(state),
                    count,
                    hop: self.playback.current(),
                },
            ),
        }
    }

    // -----------------------------------------------------------------------------------------
    // Reading

    pub fn cluster(&self) -> &Cluster {
        &self.editing.cluster
    }

    pub fn seed(&self) -> u64 {
        self.editing.seed
    }

    /// The editor's text (maybe not applied yet).
    pub fn draft(&self) -> &str {
        &self.draft
    }

    /// The editor's text was opened without being applied ([`Session::held`]).
    pub fn is_held(&self) -> bool {
        self.held
    }

    /// The text the cluster was last built or updated from.
    pub fn applied_text(&self) -> &str {
        &self.editing.text
    }

    /// `kubectl apply`'s result for each object of the applied text.
    pub fn results(&self) -> &[ApplyResult] {
        &self.editing.results
    }

    /// The warnings the API server sent back while the text was applied, each once, as
    /// kubectl prints them on stderr: since v1.33 any request for a v1 `Endpoints` object says
    /// it is deprecated (the page's Endpoints are still mirrored into EndpointSlices).
    pub fn apply_warnings(&self) -> Vec<&'static str> {
        let endpoints = self.editing.results.iter().any(|r| r.kind == "Endpoints");
        endpoints
            .then_some(svcsim_engine::printers::ENDPOINTS_DEPRECATION_WARNING)
            .into_iter()
            .collect()
    }

    pub fn problems(&self) -> &[Problem] {
        &self.editing.problems
    }

    /// How many problems the applied text has ([`Session::problems`] keeps the first
    /// [`MAX_PROBLEMS`]).
    pub fn problem_count(&self) -> usize {
        self.editing.problem_count
    }

    pub fn settings(&self) -> &Settings {
        &self.settings
    }

    pub fn selection(&self) -> Option<&ObjectId> {
        self.selection.as_ref()
    }

    /// The cluster laid out for the canvas.
    pub fn scene(&self) -> &Scene {
        &self.scene
    }

    pub fn playback(&self) -> &Playback {
        &self.playback
    }

    pub fn console(&self) -> &Console {
        &self.console
    }

    pub fn revisions(&self) -> Revisions {
        self.revisions
    }

    /// The kube-proxy mode in use.
    pub fn proxy_mode(&self) -> ProxyMode {
        self.editing.cluster.proxy_mode()
    }

    /// Whether simulated time still has work to do (pods starting, terminating, LB pending).
    pub fn pending(&self) -> bool {
        self.job.is_some() || !self.editing.cluster.is_settled()
    }

    /// Whether the scene is, or is about to be, big ([`BIG_SCENE_ITEMS`]): laid out on
    /// its own frames, at most every [`BIG_SCENE_RELAYOUT_MS`] while time runs.
    fn big(&self) -> bool {
        let store = &self.editing.cluster.store;
        self.scene.items.len() > BIG_SCENE_ITEMS
            || store.services.len() + store.pods.len() > BIG_CLUSTER_OBJECTS
    }

    /// Something for the animation frame to do: time pending or a journey playing.
    pub fn busy(&self) -> bool {
        self.pending() || self.playback.is_playing()
    }

    /// What the canvas draws over the scene for the current journey.
    pub fn overlay(&self, reduced_motion: bool) -> Overlay {
        self.playback.overlay(
            &self.scene,
            OverlayStyle {
                reduced_motion,
                presenting: self.settings.presentation,
            },
        )
    }

    /// The inspector for the selection, with the current hop's rules marked.
    /// Why the journey on screen failed, when the Service it was sent to cannot reach a pod
    /// (issue 12, item 6): the Service whose address or NodePort the packet had where it
    /// stopped, and the inspector's reasons for it (a selector matching nothing, pods not
    /// ready, a named `targetPort` no container port carries…). Empty when it did not fail or
    /// the reason is not a Service's.
    pub fn failure_reasons(&self) -> Vec<String> {
        let Some(j) = self.playback.journey() else {
            return Vec::new();
        };
        let failing = j
            .dns_queries
            .iter()
            .flat_map(|q| q.hops.iter())
            .chain(&j.hops);
        let Some(hop) = failing.into_iter().find(|h| {
            matches!(
                h.action,
                svcsim_engine::trace::Action::Reject | svcsim_engine::trace::Action::Drop
            )
        }) else {
            return Vec::new();
        };
        let (dst, port) = (hop.before.dst.to_string(), hop.before.dst_port);
        let store = &self.editing.cluster.store;
        let node_ip = store
            .nodes
            .values()
            .any(|n| n.internal_ip().is_some_and(|ip| ip == dst));
        let service = store.services.values().find(|s| {
            let ports = &s.spec.ports;
            let on_port = |p: i32| ports.iter().any(|sp| sp.port == p);
            (s.spec.cluster_ips.contains(&dst) && on_port(i32::from(port)))
                || (s.status.load_balancer.ingress.iter().any(|i| i.ip == dst)
                    && on_port(i32::from(port)))
                || (node_ip && ports.iter().any(|sp| sp.node_port == i32::from(port)))
        });
        let Some(s) = service else {
            return Vec::new();
        };
        crate::inspect::why_no_endpoints(
            &self.editing.cluster,
            &s.metadata.namespace,
            &s.metadata.name,
        )
        .into_iter()
        .filter(|r| !r.is_note())
        .map(|r| r.to_string())
        .collect()
    }

    pub fn inspector(&self) -> crate::inspect::Panel {
        crate::inspect::panel(
            self.cluster(),
            self.selection.as_ref(),
            self.proxy_mode(),
            self.playback.current_event(),
        )
    }

    // -----------------------------------------------------------------------------------------
    // The editor

    /// The editor's text changed (every keystroke; applied later by [`Session::apply`]).
    pub fn set_draft(&mut self, text: impl Into<String>) {
        let text = text.into();
        if text != self.draft {
            self.draft = text;
            self.revisions.text += 1;
        }
    }

    /// Apply the editor's text to the cluster (`kubectl apply --prune`; see [`editing`]).
    pub fn apply(&mut self) -> Applied {
        self.begin_apply();
        loop {
            if let Some(applied) = self.apply_step() {
                return applied;
            }
        }
    }

    /// Start applying the editor's text in steps ([`Session::apply_step`]): the page runs steps
    /// until its frame's budget is spent, so a multi-megabyte paste never freezes it. A job
    /// already running is replaced (its text is older).
    pub fn begin_apply(&mut self) {
        self.held = false;
        if let Some(old) = self.job.take() {
            if self.editing.cancel(old) {
                self.note_cluster_change();
            }
        }
        self.job = Some(ApplyJob::new(&self.draft));
        self.revisions.job += 1;
    }

    /// One step of the running apply; `Some` with what it did when it has finished (None also
    /// when there is no apply running).
    pub fn apply_step(&mut self) -> Option<Applied> {
        let mut job = self.job.take()?;
        let Some(applied) = self.editing.step(&mut job) else {
            self.job = Some(job);
            self.revisions.job += 1;
            return None;
        };
        self.job_done(applied);
        Some(applied)
    }

    /// The job ended with `applied`: the cluster it left is shown.
    fn job_done(&mut self, applied: Applied) {
        self.revisions.job += 1;
        if applied == Applied::Rebuilt {
            self.apply_proxy_mode();
            self.rng = journey_rng(self.editing.seed);
        }
        self.forget_stale_example();
        if self.big() {
            // Laid out by a later frame: this step already did a share of the work.
            self.note_cluster_change();
        } else {
            self.cluster_changed();
        }
    }

    /// How far the running apply has got (None when none runs).
    pub fn applying(&self) -> Option<JobProgress> {
        self.job.as_ref().map(ApplyJob::progress)
    }

    /// Stop the running apply (see [`Editing::cancel`]); the editor then holds its text, not
    /// applied. True when one was stopped; false when none ran, or when it had already applied
    /// everything (it only had what it read left to free: it simply ends, applied).
    pub fn cancel_apply(&mut self) -> bool {
        let Some(job) = self.job.take() else {
            return false;
        };
        if let Some(applied) = job.applied() {
            self.job_done(applied);
            return false;
        }
        if self.editing.cancel(job) {
            self.cluster_changed();
        }
        self.held = true;
        self.revisions.job += 1;
        self.revisions.text += 1;
        // The editor's held banner reads with the cluster's results.
        self.revisions.cluster += 1;
        true
    }

    /// Replace the text and the cluster (an example, a shared link): built from scratch, and
    /// settled at once unless `live` (then time runs on screen). The selection and the journey
    /// belonged to the old cluster and are dropped.
    pub fn load(&mut self, text: &str, live: bool) {
        self.held = false;
        self.set_draft(text);
        self.editing = Editing::new(text, self.editing.seed);
        self.rng = journey_rng(self.editing.seed);
        self.apply_proxy_mode();
        if !live {
            self.editing.cluster.settle();
        }
        self.select(None);
        self.expanded.clear();
        self.playback.clear();
        self.sent = None;
        self.played();
        self.cluster_changed();
    }

    /// After an apply: the loaded example is forgotten once the cluster has none of its
    /// Services (the user pasted their own manifests), so its explanation is not shown over
    /// something else and the menu says "(your own)". Edits to the example keep it.
    fn forget_stale_example(&mut self) {
        let Some(ex) = self.settings.example.as_deref().and_then(examples::by_id) else {
            return;
        };
        let store = &self.cluster().store;
        let kept = examples::services(ex)
            .iter()
            .any(|(ns, name)| store.service(ns, name).is_some());
        if !kept {
            self.settings.example = None;
            self.revisions.settings += 1;
        }
    }

    /// Load an example from the menu (time runs on screen) and point the journey form at the
    /// request worth sending first. Unknown ids are ignored.
    pub fn load_example(&mut self, id: &str) {
        let Some(ex) = examples::by_id(id) else {
            return;
        };
        self.settings.example = Some(ex.id.to_string());
        self.load(ex.yaml, true);
        self.suggest();
        self.revisions.settings += 1;
    }

    // -----------------------------------------------------------------------------------------
    // Settings and selection

    pub fn set_theme(&mut self, theme: Theme) {
        self.settings.theme = Some(theme);
        self.revisions.settings += 1;
    }

    pub fn set_presentation(&mut self, on: bool) {
        self.settings.presentation = on;
        self.revisions.settings += 1;
    }

    /// Fold each DNS lookup of the journey into one step (the player's "Fold DNS"); the
    /// choice is a setting, so it is saved and shared.
    pub fn set_fold_dns(&mut self, fold: bool) {
        self.settings.fold_dns = fold;
        self.playback.set_fold_dns(fold, &self.scene);
        self.revisions.settings += 1;
        self.played();
    }

    /// The canvas size the scene is laid out for.
    pub fn screen(&self) -> Option<(u32, u32)> {
        self.screen
    }

    /// The canvas is `width` × `height` CSS pixels: lay the scene out for it (its arrangement
    /// and level of detail, so that the text is read from the back row). A `height` of 0: the
    /// canvas will grow to the scene's height (a phone: the page scrolls), so the layout plans
    /// for the width alone. A big scene is laid out by the next [`Session::frame`].
    pub fn set_screen(&mut self, width: f64, height: f64) {
        let size = |v: f64| {
            if v.is_finite() {
                v.clamp(0.0, 100_000.0) as u32
            } else {
                0
            }
        };
        let screen = Some((size(width), size(height)));
        if screen == self.screen {
            return;
        }
        self.screen = screen;
        self.scene_stale = true;
        if !self.big() {
            self.relayout();
        }
    }

    /// Simulated ms per real ms (values outside [`crate::settings::SPEED_RANGE`] mean 1×).
    pub fn set_speed(&mut self, speed: f64) {
        self.settings.speed = Some(speed);
        self.revisions.settings += 1;
    }

    /// Switch kube-proxy's mode (the rules are rebuilt from the same Services and slices).
    pub fn set_proxy_mode(&mut self, mode: ProxyMode) {
        self.settings.proxy_mode = Some(mode);
        self.apply_proxy_mode();
        self.revisions.settings += 1;
        self.cluster_changed();
    }

    /// The journey form's "From" (an encoded origin). The user's choice wins over an example's
    /// suggestion still waiting for its pod.
    pub fn set_source(&mut self, source: impl Into<String>) {
        self.settings.source = Some(source.into());
        self.pending_source = None;
        self.revisions.settings += 1;
    }

    /// The journey form's "To".
    pub fn set_dest(&mut self, dest: impl Into<String>) {
        self.settings.dest = Some(dest.into());
        self.revisions.settings += 1;
    }

    /// Select an object (None: nothing). Selecting a grouped card ("web × 84", a click on
    /// the canvas) opens it: its workload's replicas are drawn one card each, and the first
    /// pod stays selected.
    pub fn select(&mut self, id: Option<ObjectId>) {
        if let Some(workload) = id.as_ref().and_then(|i| self.scene.group_of(i)) {
            if self.expanded.insert(workload.to_string()) {
                self.relayout();
            }
        }
        if id != self.selection {
            self.selection = id;
            self.revisions.selection += 1;
        }
    }

    /// What the journey on screen passes through (`Playback::journey_bounds`), and the
    /// Services its packets are addressed to (a ClusterIP, a LoadBalancer IP: the packet is
    /// rewritten on a node, but the class looks for the Service), with a margin. None
    /// without a journey. "Focus the journey" zooms the canvas to it.
    pub fn journey_bounds(&self) -> Option<crate::layout::Rect> {
        use svcsim_engine::net::{Owner, Topology};
        let mut bounds = self.playback.journey_bounds(&self.scene)?;
        let journey = self.playback.journey()?;
        let topo = Topology::from_cluster(self.cluster());
        let hops = journey
            .dns_queries
            .iter()
            .chain(std::iter::once(journey))
            .flat_map(|j| j.hops.iter());
        let mut seen = BTreeSet::new();
        for hop in hops {
            if !seen.insert(hop.before.dst) {
                continue;
            }
            let service = match topo.owner(self.cluster(), hop.before.dst) {
                Owner::ClusterIp { namespace, name }
                | Owner::LoadBalancerIp { namespace, name }
                | Owner::ExternalIp { namespace, name } => ObjectId::service(&namespace, &name),
                _ => continue,
            };
            if let Some(r) = self.scene.rect(&service) {
                bounds = bounds.union(&r.inflate(24.0));
            }
        }
        Some(bounds)
    }

    /// Where the hop shown now happens (`Playback::hop_bounds`); None without a journey.
    pub fn hop_bounds(&self) -> Option<crate::layout::Rect> {
        self.playback.hop_bounds(&self.scene)
    }

    /// Where the packet is drawn at the hop shown now; None without a journey.
    pub fn hop_position(&self) -> Option<crate::layout::Point> {
        self.playback.hop_position()
    }

    /// How many grouped cards were opened (the page offers to group them again).
    pub fn expanded_groups(&self) -> usize {
        self.expanded.len()
    }

    /// Group every opened card's replicas again.
    pub fn regroup(&mut self) {
        if !self.expanded.is_empty() {
            self.expanded.clear();
            self.relayout();
        }
    }

    // -----------------------------------------------------------------------------------------
    // Journeys

    /// Send one request (`count` 1) or many ("Send 100": the distribution is kept, and the
    /// first journey played) from the form's source to its destination.
    pub fn send(&mut self, count: u32) -> Result<(), String> {
        let origin = parse_origin(self.settings.source.as_deref().unwrap_or(""))?;
        let dest = parse_destination(self.settings.dest.as_deref().unwrap_or(""))
            .map_err(|e| e.to_string())?;
        let opts = TraceOptions {
            mode: Some(self.proxy_mode()),
            ..TraceOptions::default()
        };
        let cluster = &self.editing.cluster;
        let state = self.rng.state();
        self.sent = Some((state, count.max(1)));
        if count <= 1 {
            let j =
                trace(cluster, &origin, &dest, opts, &mut self.rng).map_err(|e| e.to_string())?;
            self.playback.play(vec![j], &self.scene);
        } else {
            let d = trace_many(cluster, &origin, &dest, count, opts, &mut self.rng)
                .map_err(|e| e.to_string())?;
            if let Some(j) = d.first.clone() {
                self.playback.play(vec![j], &self.scene);
            }
            self.playback.set_distribution(d);
        }
        self.played();
        Ok(())
    }

    /// Play / pause.
    pub fn toggle_play(&mut self) {
        self.playback.toggle();
        self.played();
    }

    /// Pause at the next hop.
    pub fn step_forward(&mut self) {
        self.playback.step_forward();
        self.played();
    }

    /// Pause at the previous hop.
    pub fn step_back(&mut self) {
        self.playback.step_back();
        self.played();
    }

    /// Pause at hop `i` (a click in the event list).
    pub fn goto_hop(&mut self, i: usize) {
        self.playback.goto(i);
        self.played();
    }

    /// Play the journey again from its first hop.
    pub fn replay(&mut self) {
        self.playback.replay();
        self.played();
    }

    /// Keep `packets` packets moving along the journey at once, looping (the `?perf=1` scene).
    pub fn set_packets(&mut self, packets: usize) {
        self.playback.set_packets(packets);
        self.played();
    }

    // -----------------------------------------------------------------------------------------
    // The console

    /// Run one console line against the cluster. Commands that changed the cluster let time
    /// run; packets they sent are played one after the other.
    pub fn run_console(&mut self, line: &str) -> ConsoleOutput {
        if let Some(progress) = self.applying() {
            // The cluster is mid-apply; a command now would see half of the text.
            return ConsoleOutput {
                stderr: format!(
                    "svcsim: the editor's text is still being applied ({}); try again when it is done, or cancel it\n",
                    progress
                ),
                exit_code: 1,
                ..ConsoleOutput::default()
            };
        }
        let mut out = self
            .console
            .run(&mut self.editing.cluster, line, &mut self.rng);
        if out.changed {
            self.cluster_changed();
        }
        for scaled in std::mem::take(&mut out.scaled) {
            self.write_replicas(
                scaled.kind,
                &scaled.namespace,
                &scaled.name,
                scaled.replicas,
            );
        }
        let deleted = std::mem::take(&mut out.deleted);
        let deleted: Vec<(&str, &str, &str)> = deleted
            .iter()
            .map(|(kind, ns, name)| (*kind, ns.as_str(), name.as_str()))
            .collect();
        self.remove_all_from_text(&deleted);
        let journeys = std::mem::take(&mut out.journeys);
        if !journeys.is_empty() {
            // A console packet is not a Send: a link does not replay it.
            self.sent = None;
            self.playback.play(journeys, &self.scene);
            self.played();
        }
        out.stdout = shown(&out.stdout, CONSOLE_OUTPUT_BYTES);
        out.stderr = shown(&out.stderr, CONSOLE_OUTPUT_BYTES);
        out
    }

    /// Tab completion of a console line at byte `cursor`.
    pub fn complete(&self, line: &str, cursor: usize) -> Completion {
        self.console.complete(self.cluster(), line, cursor)
    }

    /// Up: the previous console line.
    pub fn history_prev(&mut self) -> Option<String> {
        self.console.history_prev()
    }

    /// Down: the next console line (`Some("")` past the newest).
    pub fn history_next(&mut self) -> Option<String> {
        self.console.history_next()
    }

    // -----------------------------------------------------------------------------------------
    // Time

    /// One animation frame: `dt_wall_ms` real milliseconds passed. The cluster's clock runs by
    /// that × speed while something is pending, and the journey's playhead moves by the same
    /// amount. Returns whether anything on screen changed.
    pub fn frame(&mut self, dt_wall_ms: f64) -> bool {
        if !dt_wall_ms.is_finite() || dt_wall_ms <= 0.0 {
            return false;
        }
        let dt = dt_wall_ms * self.settings.speed();
        let mut changed = false;
        // While the text is applied in steps the cluster is mid-apply: its clock waits. So it
        // does while the controllers catch up with thousands of new Services, a share of them
        // each frame; a big scene is then not also laid out in the same frame (one heavy piece
        // of work per frame keeps every frame short).
        let big = self.big();
        let mut heavy = false;
        if self.job.is_none() && self.pending() {
            let before = self.editing.cluster.generation();
            let caught_up = self.editing.cluster.catch_up(CATCH_UP_SERVICES);
            let worked = self.editing.cluster.generation() != before;
            if worked {
                self.note_cluster_change();
                changed = true;
            }
            if !caught_up || (worked && big) {
                heavy = true;
                self.carry_ms = 0.0;
            } else {
                self.carry_ms += dt;
                let whole = self.carry_ms.floor();
                if whole >= 1.0 {
                    self.carry_ms -= whole;
                    // A frame is at most a few hundred ms: the cast cannot truncate.
                    if self.editing.cluster.advance(whole as u64) {
                        self.note_cluster_change();
                        changed = true;
                    }
                }
            }
        } else {
            self.carry_ms = 0.0;
        }
        self.since_layout_ms += dt_wall_ms;
        if self.scene_stale
            && !heavy
            && (!big || !self.pending() || self.since_layout_ms >= BIG_SCENE_RELAYOUT_MS)
        {
            self.relayout();
        }
        if self.playback.tick(dt, &self.scene) {
            self.played();
            changed = true;
        }
        changed
    }

    /// Let `ms` of simulated time pass if anything is pending. Returns whether the cluster
    /// changed (so the page redraws only then).
    pub fn tick(&mut self, ms: u64) -> bool {
        if !self.pending() {
            return false;
        }
        let changed = self.editing.cluster.advance(ms.max(1));
        if changed {
            self.cluster_changed();
        }
        changed
    }

    /// Run time until the cluster settles ("skip ahead", tests).
    pub fn settle(&mut self) {
        self.editing.cluster.settle();
        self.cluster_changed();
    }

    // -----------------------------------------------------------------------------------------

    /// The playback was touched: its playhead moved, and maybe the journey changed.
    fn played(&mut self) {
        self.revisions.playhead += 1;
        if self.playback.serial() != self.journey_serial {
            self.journey_serial = self.playback.serial();
            self.revisions.journey += 1;
        }
    }

    /// The cluster may have changed: lay it out again, follow the journey's places, and take
    /// an example's suggested source once its pod exists.
    fn cluster_changed(&mut self) {
        self.note_cluster_change();
        self.relayout();
    }

    /// The cluster changed; its drawing is laid out again by the caller (at once, or by
    /// [`Session::frame`] when a big scene is due).
    fn note_cluster_change(&mut self) {
        self.revisions.cluster += 1;
        self.scene_stale = true;
        if let Some(from) = self.pending_source.clone() {
            if let Ok(o) = examples::origin(self.cluster(), &from, "default") {
                self.settings.source = Some(origin_value(&o));
                self.pending_source = None;
                self.revisions.settings += 1;
            }
        }
    }

    fn relayout(&mut self) {
        self.scene_stale = false;
        self.since_layout_ms = 0.0;
        let opts = LayoutOptions {
            screen: self.screen,
            expanded: self.expanded.clone(),
            ..LayoutOptions::default()
        };
        let scene = layout(self.cluster(), &opts);
        if scene != self.scene {
            self.scene = scene;
            self.playback.relayout(&self.scene);
            self.revisions.scene += 1;
            self.played();
        }
    }

    /// The page's proxy-mode choice wins over the text's kind config.
    fn apply_proxy_mode(&mut self) {
        if let Some(mode) = self.settings.proxy_mode {
            self.editing.cluster.set_proxy_mode(mode);
        }
    }

    /// Point the journey form at the example's suggested request: its source when the cluster
    /// has it (else once it does), and its destination.
    fn suggest(&mut self) {
        let Some(ex) = self.settings.example.as_deref().and_then(examples::by_id) else {
            return;
        };
        let Some((from, to)) = ex.suggested_trace else {
            return;
        };
        match examples::origin(self.cluster(), from, "default") {
            Ok(o) => {
                self.settings.source = Some(origin_value(&o));
                self.pending_source = None;
            }
            // `deploy/frontend` right after the load: the Deployment has no pod yet.
            Err(_) => self.pending_source = Some(from.to_string()),
        }
        self.settings.dest = Some(to.to_string());
        self.revisions.settings += 1;
    }

    /// The replicas a workload asks for.
    pub fn replicas(&self, kind: WorkloadKind, namespace: &str, name: &str) -> Option<i32> {
        replicas(self.cluster(), kind, namespace, name)
    }
}

/// Journeys draw from their own stream, so sending packets never changes the cluster's own
/// random picks (ClusterIPs, pod names) and the same scenario plays the same way.
fn journey_rng(seed: u64) -> Rng {
    Rng::new(seed ^ 0x5eed_7ace)
}
