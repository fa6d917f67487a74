//! The page's settings, as they are saved in the browser and carried by a share link.
//!
//! On the wire they are a flat map of strings (`{"theme":"dark","speed":"2","presentation":
//! "true","proxyMode":"ipvs",…}`): that is how every link made so far stores them, so the typed
//! struct reads and writes exactly that shape. A value this version cannot read (a speed of
//! `"fast"`, a theme of `"sepia"`) falls back to its default instead of refusing the whole link,
//! and keys it does not know (`showSystem`) are ignored, as before.

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use svcsim_engine::proxy::ProxyMode;

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

    /// The other theme (the Dark button).
    pub fn toggled(self) -> Theme {
        match self {
            Theme::Light => Theme::Dark,
            Theme::Dark => Theme::Light,
        }
    }
}

/// The slowest and fastest speeds a setting may ask for (simulated ms per real ms).
pub const SPEED_RANGE: (f64, f64) = (0.0625, 16.0);

/// What the page remembers besides the manifests.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(from = "BTreeMap<String, String>", into = "BTreeMap<String, String>")]
pub struct Settings {
    /// None: follow the system (`prefers-color-scheme`).
    pub theme: Option<Theme>,
    /// Simulated ms per real ms, for both the cluster's clock and the packet's travel.
    /// None: 1×.
    pub speed: Option<f64>,
    pub presentation: bool,
    /// kube-proxy's mode chosen on the page (None: the manifests' kind config, else iptables).
    pub proxy_mode: Option<ProxyMode>,
    /// The journey form: where the packet starts ([`crate::journey::origin_value`]'s form) …
    pub source: Option<String>,
    /// … and where it goes (`my-service:80`).
    pub dest: Option<String>,
    /// The example the manifests came from.
    pub example: Option<String>,
    /// Each DNS lookup of a journey is one step (the player's "Fold DNS").
    pub fold_dns: bool,
}

impl Settings {
    /// The speed to run at: the setting when it is sane, else 1×.
    pub fn speed(&self) -> f64 {
        self.speed
            .filter(|s| s.is_finite() && (SPEED_RANGE.0..=SPEED_RANGE.1).contains(s))
            .unwrap_or(1.0)
    }
}

impl From<BTreeMap<String, String>> for Settings {
    fn from(m: BTreeMap<String, String>) -> Settings {
        let get = |k: &str| m.get(k).cloned();
        Settings {
            theme: get("theme").and_then(|t| Theme::parse(&t)),
            speed: get("speed")
                .and_then(|s| s.parse::<f64>().ok())
                .filter(|s| s.is_finite() && (SPEED_RANGE.0..=SPEED_RANGE.1).contains(s)),
            presentation: get("presentation").as_deref() == Some("true"),
            proxy_mode: get("proxyMode").and_then(|m| ProxyMode::parse(&m)),
            source: get("source"),
            dest: get("dest"),
            example: get("example"),
            fold_dns: get("foldDns").as_deref() == Some("true"),
        }
    }
}

impl From<Settings> for BTreeMap<String, String> {
    fn from(s: Settings) -> BTreeMap<String, String> {
        let mut m = BTreeMap::new();
        let mut put = |k: &str, v: Option<String>| {
            if let Some(v) = v {
                m.insert(k.to_string(), v);
            }
        };
        put("theme", s.theme.map(|t| t.as_str().to_string()));
        put("speed", s.speed.map(|v| v.to_string()));
        put("presentation", Some(s.presentation.to_string()));
        put("proxyMode", s.proxy_mode.map(|p| p.as_str().to_string()));
        put("source", s.source);
        put("dest", s.dest);
        put("example", s.example);
        // Only when on: the links made before it stay byte for byte what they were.
        put("foldDns", s.fold_dns.then(|| "true".to_string()));
        m
    }
}
