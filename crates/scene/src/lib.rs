//! # svcsim-scene
//!
//! Everything the page shows that can be computed without a browser, so it is tested natively
//! (design.md: "the canvas draws a Scene computed by a pure layout function"):
//! * [`layout`]: engine state → a [`layout::Scene`] of positioned shapes with stable ids, and hit tests;
//! * [`animation`]: a packet journey → a timeline of hops with positions over time;
//! * [`cmdline`]: the pflag-like flag parser kubectl's command lines need (console and CLI);
//! * [`console`]: the terminal's commands (`kubectl …`, `iptables-save`, `nslookup` …) run against a cluster;
//! * [`inspect`]: why a Service has no endpoints, and other explanations for the inspector;
//! * [`share`]: the scenario ⇄ a compressed URL fragment;
//! * [`examples`]: one scenario per concept of the lecture, with its explanation.
#![forbid(unsafe_code)]

pub mod animation;
pub mod cmdline;
pub mod console;
pub mod examples;
pub mod inspect;
pub mod layout;
pub mod share;
