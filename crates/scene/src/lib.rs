//! # svcsim-scene
//!
//! The page's model and everything it shows that can be computed without a browser, so it is
//! tested natively (design.md: "the canvas draws a Scene computed by a pure layout function"):
//! * [`session`]: the page's state — cluster, editor text, settings, selection, journey and
//!   playhead, console — and the commands the page sends it;
//! * [`layout`]: engine state → a [`layout::Scene`] of positioned shapes with stable ids, and hit tests;
//! * [`animation`]: a packet journey → a timeline of hops with positions over time, and its playhead;
//! * [`playback`]: the journey on screen: timeline, playhead, queue, the canvas overlay;
//! * [`distribution`]: "Send 100" as bars;
//! * [`journey`]: the journey form's sources, destinations and origin encoding;
//! * [`cmdline`]: the pflag-like flag parser kubectl's command lines need (console and CLI);
//! * [`console`]: the terminal's commands (`kubectl …`, `iptables-save`, `nslookup` …) run against a cluster;
//! * [`inspect`]: the inspector's content, and why a Service has no endpoints;
//! * [`highlight`]: the editor's YAML colouring and gutter, as HTML;
//! * [`textedit`]: the small edits a teaching action makes to the manifest text;
//! * [`settings`] and [`share`]: what is saved, and the scenario ⇄ a compressed URL fragment;
//! * [`startup`]: how the page opens without losing work or being locked out by it;
//! * [`examples`]: one scenario per concept of the lecture, with its explanation.
#![forbid(unsafe_code)]

pub mod animation;
pub mod cmdline;
pub mod console;
pub mod distribution;
pub mod examples;
pub mod highlight;
pub mod inspect;
pub mod journey;
pub mod layout;
pub mod playback;
pub mod session;
pub mod settings;
pub mod share;
pub mod startup;
pub mod svg;
pub mod textedit;
