//! The reactive side of the model: one [`Model`] (Copy, in context) holding the [`Sim`] and the
//! page's settings as signals. Components read through [`Model::with_sim`] (which subscribes
//! them to the revision signal) and change things only through its methods.
//!
//! [`use_frame_loop`] is the one `requestAnimationFrame` loop of the page: it runs while
//! simulated time has work to do or a journey is playing, advances both by the real elapsed time
//! × speed, and stops by itself when idle. It is owned by the component that calls it and is
//! cancelled when that component is cleaned up.

use crate::sim::{Applied, Sim};
use leptos::prelude::*;
use std::cell::Cell;
use std::rc::Rc;
use svcsim_engine::proxy::ProxyMode;
use svcsim_scene::layout::ObjectId;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsCast;

/// Light or dark colours.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Theme {
    Light,
    Dark,
}

impl Theme {
    pub fn as_str(self) -> &'static str {
        match self {
            Theme::Light => "light",
            Theme::Dark => "dark",
        }
    }

    pub fn parse(s: &str) -> Option<Theme> {
        match s {
            "light" => Some(Theme::Light),
            "dark" => Some(Theme::Dark),
            _ => None,
        }
    }
}

/// The page's state. Copy: every field is an arena handle.
#[derive(Clone, Copy)]
pub struct Model {
    sim: StoredValue<Sim, LocalStorage>,
    /// Bumped whenever the sim changed: the one signal engine state is read through.
    pub rev: RwSignal<u64>,
    /// The editor's text, following every keystroke (applied after a pause).
    pub text: RwSignal<String>,
    /// The example the text came from, if any.
    pub example: RwSignal<Option<String>>,
    /// What is selected on the canvas (and shown in the inspector).
    pub selection: RwSignal<Option<ObjectId>>,
    /// Simulation speed: simulated ms per real ms.
    pub speed: RwSignal<f64>,
    pub theme: RwSignal<Theme>,
    pub presentation: RwSignal<bool>,
    /// `prefers-reduced-motion: reduce`: packets jump from hop to hop.
    pub reduced_motion: RwSignal<bool>,
    pub help_open: RwSignal<bool>,
    /// A short message for the status line (copied link, corrupted link, action errors).
    pub status: RwSignal<Option<String>>,
    /// Real milliseconds per animation frame, measured by the frame loop (perf counter).
    pub frame_ms: RwSignal<f64>,
    /// Set while the frame loop runs.
    pub running: RwSignal<bool>,
    /// Animation clock of the current journey: `Timeline` ms at speed 1 (the frame loop adds
    /// wall ms × speed while `playing`).
    pub play_time: RwSignal<f64>,
    pub playing: RwSignal<bool>,
    /// Where the current journey's timeline ends (the loop stops playing there).
    pub play_end: RwSignal<f64>,
    /// Measurement mode (`?perf=1`): this many packets move along the journey, looping.
    pub perf_packets: RwSignal<usize>,
}

impl Model {
    pub fn new(sim: Sim) -> Model {
        let text = sim.text.clone();
        Model {
            sim: StoredValue::new_local(sim),
            rev: RwSignal::new(0),
            text: RwSignal::new(text),
            example: RwSignal::new(None),
            selection: RwSignal::new(None),
            speed: RwSignal::new(1.0),
            theme: RwSignal::new(Theme::Light),
            presentation: RwSignal::new(false),
            reduced_motion: RwSignal::new(false),
            help_open: RwSignal::new(false),
            status: RwSignal::new(None),
            frame_ms: RwSignal::new(0.0),
            running: RwSignal::new(false),
            play_time: RwSignal::new(0.0),
            playing: RwSignal::new(false),
            play_end: RwSignal::new(0.0),
            perf_packets: RwSignal::new(1),
        }
    }

    /// Read the sim, subscribing the caller to its changes.
    pub fn with_sim<R>(&self, f: impl FnOnce(&Sim) -> R) -> R {
        self.rev.track();
        self.sim.with_value(f)
    }

    /// Read the sim without subscribing.
    pub fn with_sim_untracked<R>(&self, f: impl FnOnce(&Sim) -> R) -> R {
        self.sim.with_value(f)
    }

    /// Change the sim; subscribers re-run if its revision moved. None only if the model was
    /// disposed (the page is going away).
    pub fn update_sim<R>(&self, f: impl FnOnce(&mut Sim) -> R) -> Option<R> {
        let (r, rev) = self.sim.try_update_value(|sim| {
            let r = f(sim);
            (r, sim.revision)
        })?;
        if self.rev.try_get_untracked() != Some(rev) {
            self.rev.try_set(rev);
        }
        Some(r)
    }

    /// Apply the editor text now.
    pub fn apply(&self) -> Option<Applied> {
        let text = self.text.get_untracked();
        self.update_sim(|sim| sim.apply_text(&text))
    }

    /// Replace the text and the cluster (an example, a shared link): built from scratch.
    pub fn load(&self, text: &str, live: bool) {
        self.text.set(text.to_string());
        self.update_sim(|sim| {
            sim.rebuild(text);
            if !live {
                sim.settle();
            }
        });
        self.selection.set(None);
    }

    pub fn set_mode(&self, mode: ProxyMode) {
        self.update_sim(|sim| sim.set_mode(mode));
    }

    /// Something to do for the frame loop: time pending or a journey playing.
    pub fn busy_untracked(&self) -> bool {
        self.playing.try_get_untracked().unwrap_or(false)
            || self.sim.try_with_value(Sim::pending).unwrap_or(false)
    }

    /// Show a message in the status line.
    pub fn say(&self, message: impl Into<String>) {
        self.status.set(Some(message.into()));
    }
}

/// Current time in ms from `performance.now()`.
pub fn now_ms() -> f64 {
    web_sys::window()
        .and_then(|w| w.performance())
        .map(|p| p.now())
        .unwrap_or(0.0)
}

/// Called once per frame with the real milliseconds elapsed (the frame loop's work, besides
/// advancing simulated time): the journey player registers itself here.
pub type FrameHook = Rc<dyn Fn(f64)>;

/// The page's one `requestAnimationFrame` loop (see the module docs). `on_frame` runs every frame
/// with the real elapsed ms, after simulated time advanced.
pub fn use_frame_loop(model: Model, on_frame: FrameHook) {
    let slot: Slot = Rc::new(std::cell::RefCell::new(None));
    let handle = StoredValue::new_local(None::<i32>);
    let last = Rc::new(Cell::new(None::<f64>));
    let frames = Rc::new(Cell::new((0u32, 0.0f64)));

    let window = web_sys::window();
    let slot2 = slot.clone();
    let tick = Closure::<dyn FnMut(f64)>::new(move |ts: f64| {
        let dt = match last.get() {
            Some(prev) => (ts - prev).clamp(0.0, 100.0),
            None => 16.0,
        };
        last.set(Some(ts));
        let (n, sum) = frames.get();
        let (n, sum) = (n + 1, sum + dt);
        if n >= 30 {
            model.frame_ms.set(sum / f64::from(n));
            frames.set((0, 0.0));
        } else {
            frames.set((n, sum));
        }
        let speed = model.speed.get_untracked().max(0.0);
        // Whole simulated milliseconds; a fraction is carried by rounding over frames.
        let sim_ms = (dt * speed).round();
        if sim_ms >= 1.0 {
            // The cast is exact: sim_ms is a small positive whole number.
            let ms = sim_ms as u64;
            model.update_sim(|sim| sim.tick(ms));
        }
        on_frame(dt);
        if model.busy_untracked() {
            if let (Some(w), Some(cb)) = (web_sys::window(), slot2.borrow().as_ref()) {
                handle.set_value(w.request_animation_frame(cb.as_ref().unchecked_ref()).ok());
            }
        } else {
            handle.set_value(None);
            last.set(None);
            model.running.set(false);
        }
    });
    *slot.borrow_mut() = Some(tick);

    // Wake the loop when something starts (an apply, an action, play).
    let slot3 = slot.clone();
    Effect::new(move |_| {
        model.rev.track();
        model.playing.track();
        if handle.get_value().is_none() && model.busy_untracked() {
            if let (Some(w), Some(cb)) = (window.as_ref(), slot3.borrow().as_ref()) {
                handle.set_value(w.request_animation_frame(cb.as_ref().unchecked_ref()).ok());
                model.running.set(true);
            }
        }
    });

    let slot4 = send_wrapper_slot(slot);
    on_cleanup(move || {
        if let Some(id) = handle.try_get_value().flatten() {
            if let Some(w) = web_sys::window() {
                let _ = w.cancel_animation_frame(id);
            }
        }
        slot4.drop_closure();
    });
}

/// The frame closure, shared by the loop (which re-arms itself) and the cleanup.
type Slot = Rc<std::cell::RefCell<Option<Closure<dyn FnMut(f64)>>>>;

/// Lets the cleanup (which must be `Send`) drop the frame closure: wasm is single-threaded.
struct SlotHandle(StoredValue<Option<Slot>, LocalStorage>);

impl SlotHandle {
    fn drop_closure(&self) {
        if let Some(Some(slot)) = self.0.try_get_value() {
            slot.borrow_mut().take();
        }
    }
}

fn send_wrapper_slot(slot: Slot) -> SlotHandle {
    SlotHandle(StoredValue::new_local(Some(slot)))
}
