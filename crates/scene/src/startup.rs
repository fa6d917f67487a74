//! How the page opens: from a shared link, from the work saved in the browser, or fresh — and
//! never in a way that loses work or locks the page out.
//!
//! * A link never silently destroys saved work: when the saved text differs from the link's,
//!   the saved scenario is kept aside so the page can offer to restore it.
//! * The fragment is cleared once read, so later edits are not reverted to the link on reload.
//! * The page marks the saved state "applying" while the cluster is being built from it and
//!   until it settles. If that mark is still there at start-up, the last attempt never
//!   finished (the tab froze or died): the saved text is opened *held* — in the editor, not
//!   applied — so a manifest that kills the page cannot do it again on every reload. `?safe=1`
//!   (the link the crash panel offers) does the same on purpose.
//!
//! Pure: the page passes in what the browser has (fragment, saved scenario, the mark) and does
//! what the returned [`Opening`] says.

use crate::share::{self, Scenario};

/// What the browser has at start-up.
#[derive(Debug, Clone, Default)]
pub struct Startup<'a> {
    /// The URL fragment without `#`, if any.
    pub fragment: Option<&'a str>,
    /// The scenario saved in this browser.
    pub saved: Option<Scenario>,
    /// The "applying" mark was left behind: the last build from the saved state never ended.
    pub interrupted: bool,
    /// `?safe=1`: open the saved work without applying it.
    pub safe: bool,
}

/// What the page does.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Opening {
    /// The scenario to open; None: the lecture's first example (a first visit).
    pub scenario: Option<Scenario>,
    /// Open the scenario's text in the editor without applying it.
    pub hold: bool,
    /// Saved work a link replaced: keep it so the page can restore it.
    pub keep_previous: Option<Scenario>,
    /// Take the fragment out of the address bar.
    pub clear_fragment: bool,
    /// What to tell the user.
    pub message: Option<String>,
}

/// Text of the message shown when the saved work is opened held.
pub const HELD_AFTER_CRASH: &str = "svcsim stopped while it was applying your saved manifests last time, so they were opened without being applied. Fix them, or apply them anyway.";
/// Text of the message shown for `?safe=1`.
pub const HELD_ON_REQUEST: &str =
    "Your saved manifests were opened without being applied. Apply them when you are ready.";
/// Text of the message shown when a link replaced different saved work.
pub const PREVIOUS_KEPT: &str =
    "Opened the shared link. Your previous work is kept: Restore brings it back.";

/// Decide how to open (see the module docs).
pub fn open(s: Startup<'_>) -> Opening {
    if let Some(fragment) = s.fragment.filter(|f| !f.trim().is_empty()) {
        return match share::decode(fragment) {
            Ok(link) => {
                let differs = s
                    .saved
                    .as_ref()
                    .is_some_and(|saved| !saved.text.trim().is_empty() && saved.text != link.text);
                Opening {
                    keep_previous: if differs { s.saved } else { None },
                    message: differs.then(|| PREVIOUS_KEPT.to_string()),
                    scenario: Some(link),
                    hold: false,
                    clear_fragment: true,
                }
            }
            Err(e) => Opening {
                hold: s.interrupted,
                scenario: s.saved,
                keep_previous: None,
                clear_fragment: true,
                message: Some(format!(
                    "This link could not be opened: {e} Your saved work was opened instead."
                )),
            },
        };
    }
    let hold = s.saved.is_some() && (s.interrupted || s.safe);
    Opening {
        message: hold.then(|| {
            if s.interrupted {
                HELD_AFTER_CRASH.to_string()
            } else {
                HELD_ON_REQUEST.to_string()
            }
        }),
        scenario: s.saved,
        hold,
        keep_previous: None,
        clear_fragment: false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scenario(text: &str) -> Scenario {
        Scenario {
            text: text.to_string(),
            ..Scenario::default()
        }
    }

    #[test]
    fn a_link_keeps_different_saved_work_and_clears_the_fragment() {
        let link = share::encode(&scenario("kind: Service\n"));
        let o = open(Startup {
            fragment: Some(&link),
            saved: Some(scenario("my work\n")),
            ..Startup::default()
        });
        assert_eq!(
            o.scenario.as_ref().map(|s| s.text.as_str()),
            Some("kind: Service\n")
        );
        assert_eq!(o.keep_previous, Some(scenario("my work\n")));
        assert!(o.clear_fragment && !o.hold);
        assert_eq!(o.message.as_deref(), Some(PREVIOUS_KEPT));
        // The same text, or nothing saved: nothing to keep, nothing to say.
        for saved in [
            Some(scenario("kind: Service\n")),
            Some(scenario("  \n")),
            None,
        ] {
            let o = open(Startup {
                fragment: Some(&link),
                saved,
                ..Startup::default()
            });
            assert_eq!(o.keep_previous, None);
            assert_eq!(o.message, None);
        }
    }

    #[test]
    fn a_damaged_link_opens_the_saved_work_and_says_why() {
        let o = open(Startup {
            fragment: Some("v1.%%%"),
            saved: Some(scenario("my work\n")),
            ..Startup::default()
        });
        assert_eq!(o.scenario, Some(scenario("my work\n")));
        assert!(o.clear_fragment);
        let m = o.message.unwrap();
        assert!(
            m.starts_with("This link could not be opened: This link is damaged"),
            "{m}"
        );
        assert!(m.ends_with("Your saved work was opened instead."), "{m}");
    }

    #[test]
    fn an_interrupted_build_or_safe_mode_holds_the_saved_text() {
        let o = open(Startup {
            saved: Some(scenario("replicas: 2147483647\n")),
            interrupted: true,
            ..Startup::default()
        });
        assert!(o.hold);
        assert_eq!(o.message.as_deref(), Some(HELD_AFTER_CRASH));
        let o = open(Startup {
            saved: Some(scenario("x\n")),
            safe: true,
            ..Startup::default()
        });
        assert!(o.hold);
        assert_eq!(o.message.as_deref(), Some(HELD_ON_REQUEST));
        // Nothing saved: a first visit, nothing to hold.
        let o = open(Startup {
            interrupted: true,
            ..Startup::default()
        });
        assert_eq!(o, Opening::default());
        // The usual start: the saved work, applied.
        let o = open(Startup {
            saved: Some(scenario("x\n")),
            ..Startup::default()
        });
        assert!(!o.hold && o.message.is_none() && !o.clear_fragment);
    }
}
