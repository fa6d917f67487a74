//! # svcsim-web
//!
//! The browser front end of svcsim, a Leptos (CSR) app built by Trunk for `wasm32-unknown-unknown`.
//! The page's model is `svcsim_scene::session::Session` (natively tested); this crate holds only
//! Leptos components and bridges to the browser: [`model`] wraps the session in signals and
//! runs the animation frame loop, [`canvas`] draws the session's scene, [`persist`] talks to
//! localStorage and the address bar. Components read the session through the model in context
//! and send it commands; effects only bridge to the canvas, the URL and localStorage.
//!
//! Every module is compiled for wasm32 only, because the web dependencies are gated to that
//! target in `Cargo.toml`.

/// The lecture's first Service example ("Defining a Service").
pub const LECTURE_SERVICE: &str = include_str!("../assets/examples/service.yaml");

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
pub mod crash;
#[cfg(target_arch = "wasm32")]
pub mod editor;
#[cfg(target_arch = "wasm32")]
pub mod export;
#[cfg(target_arch = "wasm32")]
pub mod inspector;
#[cfg(target_arch = "wasm32")]
pub mod journey;
#[cfg(target_arch = "wasm32")]
pub mod legend;
#[cfg(target_arch = "wasm32")]
pub mod model;
#[cfg(target_arch = "wasm32")]
pub mod persist;
