//! A shared link's fragment is untrusted text (anyone can edit a link) and the page decodes it
//! on load: it must never panic, hang or inflate without bound.
//!
//! The first byte picks what the rest is: the fragment as typed (base64url, the `v1.` tag,
//! truncation), or the JSON inside a link, which the target packs as the page does (DEFLATE,
//! base64url, `v1.`) so that mutations reach the scenario and settings decoding behind the
//! packing. A link that decodes must encode to a link that decodes to the same link again.
//!
//! What decodes is then read as `Session::new` reads it when the page opens the link: the
//! selection, the speed, the journey's source and destination. The text is the manifest
//! targets' job (`apply_manifest` reads and applies any text, as the session does): reading it
//! here too halved this target's rate, and building a cluster per link would cost a hundredfold.
#![no_main]

mod budget;

#[global_allocator]
static ALLOC: budget::Budget = budget::Budget;

use libfuzzer_sys::fuzz_target;
use svcsim_engine::trace::parse_destination;
use svcsim_scene::journey::parse_origin;
use svcsim_scene::layout::ObjectId;
use svcsim_scene::share::{decode, link, ShareError, VERSION};

const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

/// base64url without padding, as links carry it.
fn base64url(bytes: &[u8]) -> String {
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let mut n = 0u32;
        for (i, b) in chunk.iter().enumerate() {
            n |= u32::from(*b) << (16 - 8 * i);
        }
        for i in 0..=chunk.len() {
            out.push(char::from(ALPHABET[((n >> (18 - 6 * i)) & 63) as usize]));
        }
    }
    out
}

fuzz_target!(|data: &[u8]| {
    let Some((mode, rest)) = data.split_first() else {
        return;
    };
    let fragment = if mode % 2 == 0 {
        String::from_utf8_lossy(rest).into_owned()
    } else {
        let packed = miniz_oxide::deflate::compress_to_vec(rest, 1);
        format!("#{VERSION}.{}", base64url(&packed))
    };
    let scenario = match decode(&fragment) {
        Ok(s) => s,
        Err(e) => {
            // The message the page shows.
            let _ = e.to_string();
            return;
        }
    };
    let _ = scenario.settings.speed();
    if let Some(selection) = scenario.selection.as_deref() {
        if let Some(id) = ObjectId::parse(selection) {
            assert_eq!(ObjectId::parse(&id.to_string()), Some(id));
        }
    }
    if let Some(source) = scenario.settings.source.as_deref() {
        let _ = parse_origin(source);
    }
    if let Some(dest) = scenario.settings.dest.as_deref() {
        let _ = parse_destination(dest);
    }
    // The page's Share makes links with `link`: each one opens, and gives the same link again.
    // (`encode` writes the fields a link may omit, `"seed":0`, `"presentation"`, …, so a
    // scenario inflated from just under MAX_INFLATED re-encodes past it: `link` refuses it.)
    match link(&scenario) {
        Ok(l) => match decode(&l) {
            Ok(again) => assert_eq!(link(&again), Ok(l), "a link re-encoded differs"),
            Err(e) => panic!("svcsim's own link does not open: {e}"),
        },
        Err(ShareError::TooLarge) => {}
        Err(e) => panic!("link refused for another reason: {e}"),
    }
});
