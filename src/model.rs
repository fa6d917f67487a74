//! The bridge between the page's [`Session`] (natively tested, in `svcsim_scene`) and Leptos:
//! one [`Model`], provided to every component through context ([`use_model`]).
//!
//! The session is the only state that matters; the model keeps one signal per part of it that
//! re-renders on its own (cluster, scene, text, journey, playhead, settings, selection — the session's
//! [`Revisions`]). A component reads a part with the matching `with_…` method, which subscribes
//! it to that part only, and changes anything with [`Model::update`], which re-runs exactly the
//! readers of the parts that changed. [`Ui`] holds what exists only on screen (the help
//! dialog, the status line, the canvas' zoom).
//!
//! [`use_frame_loop`] is the page's one `requestAnimationFrame` loop: it runs while the session
//! is busy (simulated time pending or a journey playing), hands it the real elapsed time, and
//! stops by itself when idle. It is cancelled when its component is cleaned up.

use leptos::prelude::*;
use std::cell::{Cell, RefCell};
use std::rc::Rc;
use svcsim_engine::proxy::ProxyMode;
use svcsim_scene::layout::{ObjectId, Scene, View};
use svcsim_scene::playback::{Overlay, Playback};
use svcsim_scene::session::{JobProgress, Revisions, Session};
use svcsim_scene::settings::{Settings, Theme};
use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;

/// What exists only on screen.
#[derive(Clone, Copy)]
pub struct Ui {
    pub help_open: RwSignal<bool>,
    /// A short message for the status line (copied link, corrupted link, action errors).
    pub status: RwSignal<Option<String>>,
    /// The journey form's error (no source chosen, a destination that cannot be read).
    pub journey_error: RwSignal<Option<String>>,
    /// `prefers-reduced-motion: reduce`: packets jump from hop to hop.
    pub reduced_motion: RwSignal<bool>,
    /// The canvas' zoom and pan; None: fit the scene.
    pub view: RwSignal<Option<View>>,
    /// Real milliseconds per animation frame, measured by the frame loop (perf counter).
    pub frame_ms: RwSignal<f64>,
    /// The canvas' last draw: milliseconds and items drawn (perf counter).
    pub draw: RwSignal<(f64, usize)>,
    /// Set while the frame loop runs.
    pub running: RwSignal<bool>,
    /// A shared link replaced saved work, which can be restored.
    pub can_restore: RwSignal<bool>,
    /// The "applying" mark is in localStorage until the cluster settles (see [`Model::change`]).
    applying: StoredValue<bool>,
}

/// The page's model (Copy: every field is an arena handle). Get it with [`use_model`].
#[derive(Clone, Copy)]
pub struct Model {
    session: StoredValue<Session, LocalStorage>,
    cluster: RwSignal<u64>,
    scene: RwSignal<u64>,
    text: RwSignal<u64>,
    journey: RwSignal<u64>,
    playhead: RwSignal<u64>,
    settings: RwSignal<u64>,
    selection: RwSignal<u64>,
    job: RwSignal<u64>,
    pub ui: Ui,
}

/// The model the page's root provided.
pub fn use_model() -> Model {
    expect_context::<Model>()
}

/// The journey player's handle: the event list, the player controls, the chart and the
/// shortcuts read the journey and drive the playhead through it, and can do nothing else.
#[derive(Clone, Copy)]
pub struct Player(Model);

/// The player the page's root provided.
pub fn use_player() -> Player {
    expect_context::<Player>()
}

impl Player {
    /// The journey, its rows and the distribution; re-runs only when another journey is shown.
    pub fn with_journey<R>(&self, f: impl FnOnce(&Playback) -> R) -> R {
        self.0.read(self.0.journey, |s| f(s.playback()))
    }

    /// Why the journey failed, when its Service cannot reach a pod (`Session::failure_reasons`).
    pub fn failure_reasons(&self) -> Vec<String> {
        self.0.read(self.0.journey, |s| s.failure_reasons())
    }

    /// The hop shown now and whether the journey plays (re-runs on every frame while playing:
    /// read it in a `Memo`).
    pub fn position(&self) -> (usize, bool) {
        self.0.journey.track();
        self.0.read(self.0.playhead, |s| {
            (s.playback().current(), s.playback().is_playing())
        })
    }

    /// Send one request (or 100) with the form's source and destination; the form shows why
    /// not.
    pub fn send(&self, count: u32) {
        let r = self.0.update(|s| s.send(count));
        self.0.ui.journey_error.set(r.and_then(Result::err));
    }

    pub fn toggle(&self) {
        self.0.update(Session::toggle_play);
    }

    pub fn step_forward(&self) {
        self.0.update(Session::step_forward);
    }

    pub fn step_back(&self) {
        self.0.update(Session::step_back);
    }

    pub fn goto(&self, hop: usize) {
        self.0.update(|s| s.goto_hop(hop));
    }

    pub fn replay(&self) {
        self.0.update(Session::replay);
    }
}

/// The settings' handle: theme, presentation, speed, the journey form, kube-proxy's mode.
#[derive(Clone, Copy)]
pub struct Prefs(Model);

/// The settings the page's root provided.
pub fn use_prefs() -> Prefs {
    expect_context::<Prefs>()
}

impl Prefs {
    pub fn get(&self) -> Settings {
        self.0.read(self.0.settings, |s| s.settings().clone())
    }

    /// The settings without subscribing (event handlers).
    pub fn get_untracked(&self) -> Settings {
        self.0
            .untracked(|s| s.settings().clone())
            .unwrap_or_default()
    }

    pub fn set_theme(&self, theme: Theme) {
        self.0.update(|s| s.set_theme(theme));
    }

    pub fn set_presentation(&self, on: bool) {
        self.0.update(|s| s.set_presentation(on));
    }

    pub fn set_speed(&self, speed: f64) {
        self.0.update(|s| s.set_speed(speed));
    }

    pub fn set_fold_dns(&self, fold: bool) {
        self.0.update(|s| s.set_fold_dns(fold));
    }

    pub fn set_source(&self, source: String) {
        self.0.update(|s| s.set_source(source));
    }

    pub fn set_dest(&self, dest: String) {
        self.0.update(|s| s.set_dest(dest));
    }

    pub fn set_proxy_mode(&self, mode: ProxyMode) {
        self.0.update(|s| s.set_proxy_mode(mode));
    }
}

impl Model {
    /// Wrap `session` and provide the model, the [`Player`] and the [`Prefs`] to every
    /// component below the caller.
    pub fn provide(session: Session) -> Model {
        let r = session.revisions();
        let model = Model {
            session: StoredValue::new_local(session),
            cluster: RwSignal::new(r.cluster),
            scene: RwSignal::new(r.scene),
            text: RwSignal::new(r.text),
            journey: RwSignal::new(r.journey),
            playhead: RwSignal::new(r.playhead),
            settings: RwSignal::new(r.settings),
            selection: RwSignal::new(r.selection),
            job: RwSignal::new(r.job),
            ui: Ui {
                help_open: RwSignal::new(false),
                status: RwSignal::new(None),
                journey_error: RwSignal::new(None),
                reduced_motion: RwSignal::new(false),
                view: RwSignal::new(None),
                frame_ms: RwSignal::new(0.0),
                draw: RwSignal::new((0.0, 0)),
                running: RwSignal::new(false),
                can_restore: RwSignal::new(false),
                applying: StoredValue::new(false),
            },
        };
        provide_context(model);
        provide_context(Player(model));
        provide_context(Prefs(model));
        model
    }

    /// Read the session without subscribing (event handlers, the frame loop).
    pub fn untracked<R>(&self, f: impl FnOnce(&Session) -> R) -> Option<R> {
        self.session.try_with_value(f)
    }

    fn read<R>(&self, part: RwSignal<u64>, f: impl FnOnce(&Session) -> R) -> R {
        part.track();
        self.session.with_value(f)
    }

    /// The cluster, the applied text's results and problems.
    pub fn with_cluster<R>(&self, f: impl FnOnce(&Session) -> R) -> R {
        self.read(self.cluster, f)
    }

    /// The scene the canvas draws.
    pub fn with_scene<R>(&self, f: impl FnOnce(&Scene) -> R) -> R {
        self.read(self.scene, |s| f(s.scene()))
    }

    /// How many grouped cards were opened (`Session::expanded_groups`).
    pub fn expanded_groups(&self) -> usize {
        self.read(self.scene, Session::expanded_groups)
    }

    /// The editor's text.
    pub fn with_text<R>(&self, f: impl FnOnce(&str) -> R) -> R {
        self.read(self.text, |s| f(s.draft()))
    }

    /// What the canvas draws over the scene for the journey now.
    pub fn overlay(&self, reduced_motion: bool) -> Overlay {
        self.scene.track();
        self.settings.track();
        self.journey.track();
        self.read(self.playhead, |s| s.overlay(reduced_motion))
    }

    /// How far applying the editor's text has got, while it runs in steps.
    pub fn applying(&self) -> Option<JobProgress> {
        self.read(self.job, Session::applying)
    }

    /// Apply the editor's text (see [`Model::change`]), in steps run by the frame loop: a big
    /// paste never holds the page's thread for long (see [`use_frame_loop`]).
    pub fn apply(&self) {
        self.change(Session::begin_apply);
        // Small texts finish at once, in this task, as before; the task that took a big
        // paste (and its text) leaves the steps to the frames.
        if self.untracked(|s| s.draft().len() <= APPLY_AT_ONCE_BYTES) == Some(true) {
            self.apply_for(APPLY_SLICE_MS);
        }
    }

    /// Stop applying a big paste (the Cancel button, Esc): the editor holds the text.
    pub fn cancel_apply(&self) {
        if self.update(Session::cancel_apply) == Some(true) {
            self.say("Applying was cancelled: the editor holds the text, not applied.");
        }
        self.settled();
    }

    /// Run apply steps for about `ms` milliseconds of wall time.
    fn apply_for(&self, ms: f64) {
        let start = now_ms();
        self.update(|s| {
            while s.applying().is_some() {
                if s.apply_step().is_some() || now_ms() - start >= ms {
                    break;
                }
            }
        });
        self.settled();
    }

    /// Where the hop shown now happens on the scene (`Session::hop_bounds`) and where its
    /// packet is drawn (`Session::hop_position`).
    pub fn hop_place(&self) -> Option<(svcsim_scene::layout::Rect, svcsim_scene::layout::Point)> {
        self.scene.track();
        self.read(self.playhead, |s| {
            Some((s.hop_bounds()?, s.hop_position()?))
        })
    }

    pub fn selection(&self) -> Option<ObjectId> {
        self.read(self.selection, |s| s.selection().cloned())
    }

    /// Change the session; the readers of every part that changed re-run. None only if the
    /// model was disposed (the page is going away).
    pub fn update<R>(&self, f: impl FnOnce(&mut Session) -> R) -> Option<R> {
        let (r, revs) = self.session.try_update_value(|s| {
            let r = f(s);
            (r, s.revisions())
        })?;
        self.publish(revs);
        Some(r)
    }

    /// Change the cluster (apply the text, a teaching action, a console command, another
    /// example): like [`Model::update`], with the saved state marked "applying" until the
    /// cluster settles, so that if this kills the tab the next start opens the text held
    /// instead of applying it again (`svcsim_scene::startup`).
    pub fn change<R>(&self, f: impl FnOnce(&mut Session) -> R) -> Option<R> {
        crate::persist::mark_applying();
        self.ui.applying.set_value(true);
        let r = self.update(f);
        self.settled();
        r
    }

    /// Clear the "applying" mark once the cluster has settled.
    fn settled(&self) {
        if self.ui.applying.try_get_value() == Some(true)
            && !self.untracked(Session::pending).unwrap_or(false)
        {
            crate::persist::clear_applying();
            self.ui.applying.set_value(false);
        }
    }

    fn publish(&self, r: Revisions) {
        for (signal, rev) in [
            (self.cluster, r.cluster),
            (self.scene, r.scene),
            (self.text, r.text),
            (self.journey, r.journey),
            (self.playhead, r.playhead),
            (self.settings, r.settings),
            (self.selection, r.selection),
            (self.job, r.job),
        ] {
            if signal.try_get_untracked().is_some_and(|v| v != rev) {
                signal.set(rev);
            }
        }
    }

    /// Subscribe to everything a saved scenario holds (text, settings, selection).
    pub fn track_saved(&self) {
        self.text.track();
        self.settings.track();
        self.selection.track();
    }

    /// Show a message in the status line.
    pub fn say(&self, message: impl Into<String>) {
        self.ui.status.set(Some(message.into()));
    }

    /// Report an action's result: errors in the status line, success clears it.
    pub fn report(&self, r: Option<Result<(), String>>) {
        match r {
            Some(Err(e)) => self.say(e),
            Some(Ok(())) => self.ui.status.set(None),
            None => {}
        }
    }
}

/// Wall milliseconds of apply steps per animation frame: long enough that a big paste goes
/// fast, short enough that the page still draws and answers (a long task is over 50 ms).
pub const APPLY_SLICE_MS: f64 = 40.0;

/// Texts up to this size start applying in the task that asked (most finish in it).
const APPLY_AT_ONCE_BYTES: usize = 256 * 1024;

/// Current time in ms from `performance.now()`.
pub fn now_ms() -> f64 {
    web_sys::window()
        .and_then(|w| w.performance())
        .map(|p| p.now())
        .unwrap_or(0.0)
}

/// The frame closure, shared by the loop (which re-arms itself), the wake-up effect and the
/// cleanup.
type Slot = Rc<RefCell<Option<Closure<dyn FnMut(f64)>>>>;

/// The page's one `requestAnimationFrame` loop (see the module docs).
pub fn use_frame_loop(model: Model) {
    let slot: Slot = Rc::new(RefCell::new(None));
    let handle = StoredValue::new_local(None::<i32>);
    let last = Rc::new(Cell::new(None::<f64>));
    let frames = Rc::new(Cell::new((0u32, 0.0f64)));
    let busy = move || model.untracked(Session::busy).unwrap_or(false);

    let rearm = slot.clone();
    let tick = Closure::<dyn FnMut(f64)>::new(move |ts: f64| {
        // A tab in the background gets no frames: cap the step so time does not jump.
        let dt = last
            .get()
            .map_or(16.0, |prev| (ts - prev).clamp(0.0, 100.0));
        last.set(Some(ts));
        let (n, sum) = frames.get();
        let (n, sum) = (n + 1, sum + dt);
        if n >= 30 {
            model.ui.frame_ms.set(sum / f64::from(n));
            frames.set((0, 0.0));
        } else {
            frames.set((n, sum));
        }
        if model.untracked(|s| s.applying().is_some()).unwrap_or(false) {
            model.apply_for(APPLY_SLICE_MS);
        } else {
            model.update(|s| s.frame(dt));
        }
        model.settled();
        if busy() {
            if let (Some(w), Some(cb)) = (web_sys::window(), rearm.borrow().as_ref()) {
                handle.set_value(w.request_animation_frame(cb.as_ref().unchecked_ref()).ok());
            }
        } else {
            handle.set_value(None);
            last.set(None);
            model.ui.running.set(false);
        }
    });
    *slot.borrow_mut() = Some(tick);

    // Wake the loop when something starts (an apply, an action, play).
    let wake = slot.clone();
    Effect::new(move |_| {
        model.cluster.track();
        model.playhead.track();
        model.job.track();
        if handle.get_value().is_none() && busy() {
            if let (Some(w), Some(cb)) = (web_sys::window(), wake.borrow().as_ref()) {
                handle.set_value(w.request_animation_frame(cb.as_ref().unchecked_ref()).ok());
                model.ui.running.set(true);
            }
        }
    });

    // The cleanup must be `Send`; wasm is single-threaded, so the closure is kept in a local
    // arena slot and dropped from there.
    let keep = StoredValue::new_local(Some(slot));
    on_cleanup(move || {
        if let Some(id) = handle.try_get_value().flatten() {
            if let Some(w) = web_sys::window() {
                let _ = w.cancel_animation_frame(id);
            }
        }
        if let Some(Some(slot)) = keep.try_get_value() {
            slot.borrow_mut().take();
        }
    });
}
