//! # svcsim-web
//!
//! The browser front end of svcsim, a Leptos (CSR) app built by Trunk for `wasm32-unknown-unknown`.
//! The UI renders, it does not decide: [`output`] asks the engine for the text to show, [`app`]
//! only wires the editor, the debounce and the view to it.
//!
//! Every module that touches the engine or the DOM is compiled for wasm32 only, because the web
//! dependencies are gated to that target in `Cargo.toml`.

/// The lecture's first Service example ("Defining a Service"): the text the editor starts with.
pub const LECTURE_SERVICE: &str = include_str!("../assets/examples/service.yaml");

#[cfg(target_arch = "wasm32")]
pub mod app;
#[cfg(target_arch = "wasm32")]
pub mod output;
