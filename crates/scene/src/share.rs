//! The whole scenario in a URL fragment, and back.
//!
//! Why the fragment: it never reaches a server (GitHub Pages serves the same file for every
//! link) and it survives copy-paste into chat. Why these layers: JSON keeps the format
//! readable and extensible (unknown fields are ignored, missing ones default), DEFLATE makes a
//! typical manifest 3–5× shorter, base64url without padding uses only characters a URL keeps
//! as they are, and the `v1.` tag lets a later format coexist with old links.
//!
//! Decoding reads untrusted input (anyone can edit a link), so it never panics, and it stops
//! inflating at [`MAX_INFLATED`] bytes so a tiny link cannot expand into gigabytes.

use crate::settings::Settings;
use serde::{Deserialize, Serialize};
use std::fmt;

/// What a shared link carries: the manifests, the seed, the page settings and the selection.
#[derive(Debug, Clone, PartialEq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct Scenario {
    /// The editor's text (all manifests, `---`-separated).
    pub text: String,
    /// The cluster seed (ClusterIPs, nodePorts, pod names follow from it).
    pub seed: u64,
    /// Page settings (on the wire a map of strings: `theme`, `proxyMode`, `speed`, …).
    pub settings: Settings,
    /// The selected object, as [`crate::layout::ObjectId`]'s text form (`svc/default/web`).
    pub selection: Option<String>,
    /// The journey on screen and the hop it is at ("look at hop 3"); absent in links made
    /// before it existed and when no journey was sent.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub journey: Option<SharedJourney>,
}

/// A journey as a link keeps it: sent again from the scenario's source and destination with
/// the same random stream, it takes the same path and load-balancing choices.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(default)]
pub struct SharedJourney {
    /// The journey generator's state before the send, as four hex words (`Rng::state`).
    pub rng: String,
    /// How many connections were sent (1, or Send 100's 100).
    pub count: u32,
    /// The hop the player was at (0-based event index).
    pub hop: usize,
}

impl SharedJourney {
    /// The generator state, if `rng` is four hex words.
    pub fn rng_state(&self) -> Option<[u64; 4]> {
        let words: Vec<u64> = self
            .rng
            .split('.')
            .map(|w| u64::from_str_radix(w, 16).ok())
            .collect::<Option<_>>()?;
        words.try_into().ok()
    }

    pub fn state_text(state: [u64; 4]) -> String {
        state
            .iter()
            .map(|w| format!("{w:x}"))
            .collect::<Vec<_>>()
            .join(".")
    }
}

/// The tag of the current format.
pub const VERSION: &str = "v1";
/// The largest scenario JSON a link may inflate to (2 MiB): far above any lesson, far below
/// what would hang a browser tab.
pub const MAX_INFLATED: usize = 2 * 1024 * 1024;
/// The longest fragment decoded at all (browsers cap URLs around this size anyway).
pub const MAX_FRAGMENT: usize = 4 * 1024 * 1024;

/// Why a link could not be opened; `Display` is the message the page shows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ShareError {
    /// The fragment is empty (no scenario in the link).
    Empty,
    /// A `vN.` tag this version of svcsim does not know.
    UnknownVersion(String),
    /// No `vN.` tag at all.
    NotALink,
    /// A character outside base64url, or a length base64 cannot have.
    NotBase64 { position: usize },
    /// The bytes are not DEFLATE data (the link was cut or edited).
    NotDeflate,
    /// It would inflate beyond [`MAX_INFLATED`].
    TooLarge,
    /// It inflated, but is not a scenario (invalid JSON or wrong shape).
    NotAScenario(String),
}

impl fmt::Display for ShareError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ShareError::Empty => f.write_str("This link does not contain a scenario."),
            ShareError::UnknownVersion(v) => write!(
                f,
                "This link was made by a different version of svcsim (format \"{v}\"); this page reads format \"{VERSION}\"."
            ),
            ShareError::NotALink => f.write_str(
                "This link is not a svcsim scenario link (it should start with #v1.).",
            ),
            ShareError::NotBase64 { position } => write!(
                f,
                "This link is damaged: unexpected character at position {position} of the scenario. Was it cut or edited when it was copied?"
            ),
            ShareError::NotDeflate => f.write_str(
                "This link is damaged: the scenario data is incomplete or corrupted. Was it cut when it was copied?",
            ),
            ShareError::TooLarge => write!(
                f,
                "This link's scenario is larger than {} MiB once unpacked; it was not opened.",
                MAX_INFLATED / (1024 * 1024)
            ),
            ShareError::NotAScenario(e) => {
                write!(f, "This link does not contain a valid scenario: {e}")
            }
        }
    }
}

impl std::error::Error for ShareError {}

/// Scenario → `v1.<base64url(deflate(json))>` (without the `#`), whatever its size: see
/// [`link`] for one that [`decode`] is sure to open.
pub fn encode(scenario: &Scenario) -> String {
    encode_json(&json_of(scenario))
}

/// [`encode`], refused ([`ShareError::TooLarge`]) when [`decode`] would refuse the link: a
/// scenario over [`MAX_INFLATED`] once serialised, or a link over [`MAX_FRAGMENT`]. The
/// page's Share uses it, so it never hands out a link that cannot be opened.
pub fn link(scenario: &Scenario) -> Result<String, ShareError> {
    let json = json_of(scenario);
    if json.len() > MAX_INFLATED {
        return Err(ShareError::TooLarge);
    }
    let link = encode_json(&json);
    if link.len() > MAX_FRAGMENT {
        return Err(ShareError::TooLarge);
    }
    Ok(link)
}

/// The scenario's JSON; serialising plain strings and maps cannot fail (an empty object if
/// it did).
fn json_of(scenario: &Scenario) -> Vec<u8> {
    serde_json::to_vec(scenario).unwrap_or_else(|_| b"{}".to_vec())
}

fn encode_json(json: &[u8]) -> String {
    let packed = miniz_oxide::deflate::compress_to_vec(json, 9);
    format!("{VERSION}.{}", base64url_encode(&packed))
}

/// The fragment (with or without the leading `#`) → the scenario, or why not. Never panics.
pub fn decode(fragment: &str) -> Result<Scenario, ShareError> {
    let s = fragment.trim();
    let s = s.strip_prefix('#').unwrap_or(s).trim();
    if s.is_empty() {
        return Err(ShareError::Empty);
    }
    if s.len() > MAX_FRAGMENT {
        return Err(ShareError::TooLarge);
    }
    let Some((tag, body)) = s.split_once('.') else {
        return Err(ShareError::NotALink);
    };
    let is_version = tag.len() > 1
        && tag.len() <= 8
        && tag.starts_with('v')
        && tag[1..].bytes().all(|b| b.is_ascii_digit());
    if !is_version {
        return Err(ShareError::NotALink);
    }
    if tag != VERSION {
        return Err(ShareError::UnknownVersion(tag.to_string()));
    }
    let packed = base64url_decode(body).map_err(|position| ShareError::NotBase64 {
        position: position + tag.len() + 1,
    })?;
    let json =
        miniz_oxide::inflate::decompress_to_vec_with_limit(&packed, MAX_INFLATED).map_err(|e| {
            match e.status {
                miniz_oxide::inflate::TINFLStatus::HasMoreOutput => ShareError::TooLarge,
                _ => ShareError::NotDeflate,
            }
        })?;
    serde_json::from_slice(&json).map_err(|e| ShareError::NotAScenario(e.to_string()))
}

const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/// RFC 4648 §5 base64url, no padding.
fn base64url_encode(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let b = [
            chunk.first().copied().unwrap_or(0),
            chunk.get(1).copied().unwrap_or(0),
            chunk.get(2).copied().unwrap_or(0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        let chars = chunk.len() + 1;
        for i in 0..chars {
            let idx = ((n >> (18 - 6 * i)) & 63) as usize;
            out.push(char::from(ALPHABET[idx]));
        }
    }
    out
}

fn sextet(c: u8) -> Option<u32> {
    Some(u32::from(match c {
        b'A'..=b'Z' => c - b'A',
        b'a'..=b'z' => c - b'a' + 26,
        b'0'..=b'9' => c - b'0' + 52,
        b'-' => 62,
        b'_' => 63,
        _ => return None,
    }))
}

/// Decode base64url without padding (a trailing `=` padding is tolerated, as some chat apps
/// add it). Err carries the 0-based position of the first bad character; a foreign character
/// is reported where it is even when it also makes the length impossible (4n+1: the last
/// character is then the bad one).
fn base64url_decode(s: &str) -> Result<Vec<u8>, usize> {
    let bytes = s.trim_end_matches('=').as_bytes();
    if let Some(p) = bytes.iter().position(|&c| sextet(c).is_none()) {
        return Err(p);
    }
    if bytes.len() % 4 == 1 {
        return Err(bytes.len().saturating_sub(1));
    }
    let mut out = Vec::with_capacity(bytes.len() / 4 * 3 + 2);
    for (ci, chunk) in bytes.chunks(4).enumerate() {
        let mut n = 0u32;
        for (i, &c) in chunk.iter().enumerate() {
            let v = sextet(c).ok_or(ci * 4 + i)?;
            n |= v << (18 - 6 * i);
        }
        let produced = chunk.len().saturating_sub(1);
        for i in 0..produced {
            out.push(((n >> (16 - 8 * i)) & 0xff) as u8);
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base64_matches_rfc4648_vectors() {
        for (plain, enc) in [
            ("", ""),
            ("f", "Zg"),
            ("fo", "Zm8"),
            ("foo", "Zm9v"),
            ("foob", "Zm9vYg"),
            ("fooba", "Zm9vYmE"),
            ("foobar", "Zm9vYmFy"),
        ] {
            assert_eq!(base64url_encode(plain.as_bytes()), enc);
            assert_eq!(base64url_decode(enc).unwrap(), plain.as_bytes());
        }
        assert_eq!(base64url_encode(&[0xfb, 0xff]), "-_8");
        assert_eq!(base64url_decode("Zg==").unwrap(), b"f");
        assert_eq!(base64url_decode("Z"), Err(0));
        assert_eq!(base64url_decode("Zm9v!"), Err(4));
        // A foreign character in a link of impossible length is still found where it is.
        assert_eq!(base64url_decode("Zm*9v"), Err(2));
        assert_eq!(base64url_decode("Zm9vY"), Err(4));
    }
}
