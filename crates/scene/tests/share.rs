//! Share links: round trips, and every kind of damaged link gives its clear message.

use proptest::prelude::*;
use std::collections::BTreeMap;
use svcsim_scene::share::*;

fn lesson() -> Scenario {
    let mut settings = BTreeMap::new();
    settings.insert("theme".to_string(), "projector".to_string());
    settings.insert("proxyMode".to_string(), "nftables".to_string());
    Scenario {
        text: include_str!("common/mod.rs").to_string() + "\n# ünïcødé → ✓\n",
        seed: 42,
        settings,
        selection: Some("svc/default/my-service".to_string()),
    }
}

/// Encode arbitrary bytes the way `encode` does (DEFLATE, base64url without padding), to
/// build links whose content is not a scenario.
fn link_of(json: &[u8]) -> String {
    let packed = miniz_oxide::deflate::compress_to_vec(json, 9);
    let alphabet = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    let mut out = String::from("v1.");
    for chunk in packed.chunks(3) {
        let b = [
            chunk[0],
            *chunk.get(1).unwrap_or(&0),
            *chunk.get(2).unwrap_or(&0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..=chunk.len() {
            out.push(alphabet[((n >> (18 - 6 * i)) & 63) as usize] as char);
        }
    }
    out
}

#[test]
fn a_lesson_round_trips_exactly() {
    let s = lesson();
    let link = encode(&s);
    assert!(link.starts_with("v1."));
    assert!(link
        .bytes()
        .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_' || b == b'.'));
    assert_eq!(decode(&link), Ok(s.clone()));
    assert_eq!(decode(&format!("#{link}")), Ok(s.clone()));
    assert_eq!(decode(&format!("  #{link}\n")), Ok(s.clone()));
    // Compressed: shorter than the text itself.
    assert!(
        link.len() < s.text.len(),
        "{} vs {}",
        link.len(),
        s.text.len()
    );
    // Deterministic: the same scenario gives the same link.
    assert_eq!(encode(&s), link);
}

#[test]
fn damaged_links_say_what_is_wrong() {
    let link = encode(&lesson());
    assert_eq!(decode(""), Err(ShareError::Empty));
    assert_eq!(decode("#"), Err(ShareError::Empty));
    assert_eq!(decode("hello"), Err(ShareError::NotALink));
    assert_eq!(decode("x1.abc"), Err(ShareError::NotALink));
    assert_eq!(
        decode(&link.replacen("v1.", "v2.", 1)),
        Err(ShareError::UnknownVersion("v2".into()))
    );
    // A character outside base64url, with its position in the fragment.
    let mut bad = link.clone();
    bad.insert(10, '*');
    assert_eq!(decode(&bad), Err(ShareError::NotBase64 { position: 10 }));
    // Cut short (as a chat app might): not valid DEFLATE any more.
    let cut = &link[..link.len() / 2];
    let e = decode(cut).unwrap_err();
    assert!(
        matches!(e, ShareError::NotDeflate | ShareError::NotBase64 { .. }),
        "{e:?}"
    );
    // Valid base64 of bytes that are not DEFLATE.
    assert_eq!(
        decode("v1.AAAAAAAAAAAA__________"),
        Err(ShareError::NotDeflate)
    );
    // DEFLATE of something that is not a scenario.
    let e = decode(&link_of(b"hello")).unwrap_err();
    assert!(matches!(e, ShareError::NotAScenario(_)), "{e:?}");
    let e = decode(&link_of(br#"{"seed": "not a number"}"#)).unwrap_err();
    assert!(matches!(e, ShareError::NotAScenario(_)), "{e:?}");
    // A zip bomb: 3 MiB of spaces compress to a few KiB but are refused.
    let bomb = vec![b' '; 3 * 1024 * 1024];
    let bomb_link = link_of(&bomb);
    assert!(bomb_link.len() < 20_000);
    assert_eq!(decode(&bomb_link), Err(ShareError::TooLarge));
    // Every message is a sentence for the page.
    for e in [
        ShareError::Empty,
        ShareError::NotALink,
        ShareError::UnknownVersion("v9".into()),
        ShareError::NotBase64 { position: 3 },
        ShareError::NotDeflate,
        ShareError::TooLarge,
        ShareError::NotAScenario("expected value".into()),
    ] {
        let m = e.to_string();
        assert!(m.starts_with("This link"), "{m}");
        assert!(
            m.ends_with(['.', '?']) || m.ends_with("expected value"),
            "{m}"
        );
    }
}

#[test]
fn missing_fields_take_defaults_and_unknown_ones_are_ignored() {
    let s = decode(&link_of(br#"{"text": "a: b", "future": [1, 2]}"#)).unwrap();
    assert_eq!(s.text, "a: b");
    assert_eq!(s.seed, 0);
    assert!(s.settings.is_empty());
    assert_eq!(s.selection, None);
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn any_scenario_round_trips(
        text in ".{0,400}",
        seed in any::<u64>(),
        settings in proptest::collection::btree_map(".{0,12}", ".{0,12}", 0..6),
        selection in proptest::option::of(".{0,30}"),
    ) {
        let s = Scenario { text, seed, settings, selection };
        prop_assert_eq!(decode(&encode(&s)), Ok(s));
    }

    #[test]
    fn decode_never_panics_on_any_text(s in ".{0,300}") {
        let _ = decode(&s);
    }

    #[test]
    fn decode_never_panics_on_base64_noise(s in "[A-Za-z0-9_-]{0,300}") {
        let _ = decode(&format!("v1.{s}"));
    }

    #[test]
    fn flipping_one_character_never_panics(i in 0usize..400, c in "[A-Za-z0-9_=*.-]") {
        let link = encode(&lesson());
        let i = 3 + i % (link.len() - 3);
        let mut damaged = link.clone();
        damaged.replace_range(i..i + 1, &c);
        let _ = decode(&damaged);
    }
}
