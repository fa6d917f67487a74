//! # svcsim-web
//!
//! The browser front end of svcsim, a Leptos (CSR) app built by Trunk for `wasm32-unknown-unknown`.
//! The UI renders, it does not decide: [`sim`] holds the engine's cluster and is the only place
//! that changes it; the components read it through one revision signal and send it commands; the
//! canvas draws the `Scene` that `svcsim_scene::layout` computes; effects only bridge to the
//! canvas, the URL and localStorage.
//!
//! Every module that touches the engine or the DOM is compiled for wasm32 only, because the web
//! dependencies are gated to that target in `Cargo.toml`; [`highlight`] is pure and tested natively.

/// The lecture's first Service example ("Defining a Service").
pub const LECTURE_SERVICE: &str = include_str!("../assets/examples/service.yaml");

pub mod highlight;

#[cfg(target_arch = "wasm32")]
pub mod actions;
#[cfg(target_arch = "wasm32")]
pub mod app;
#[cfg(target_arch = "wasm32")]
pub mod canvas;
#[cfg(target_arch = "wasm32")]
pub mod chart;
#[cfg(target_arch = "wasm32")]
pub mod console;
#[cfg(target_arch = "wasm32")]
pub mod editor;
#[cfg(target_arch = "wasm32")]
pub mod inspector;
#[cfg(target_arch = "wasm32")]
pub mod journey;
#[cfg(target_arch = "wasm32")]
pub mod model;
#[cfg(target_arch = "wasm32")]
pub mod output;
#[cfg(target_arch = "wasm32")]
pub mod persist;
#[cfg(target_arch = "wasm32")]
pub mod player;
#[cfg(target_arch = "wasm32")]
pub mod sim;
#[cfg(target_arch = "wasm32")]
pub mod textedit;
