//! Share links: round trips, and every kind of damaged link gives its clear message.

use proptest::prelude::*;
use svcsim_engine::proxy::ProxyMode;
use svcsim_scene::settings::{Settings, Theme};
use svcsim_scene::share::*;

fn lesson() -> Scenario {
    let settings = Settings {
        theme: Some(Theme::Dark),
        proxy_mode: Some(ProxyMode::Nftables),
        speed: Some(0.5),
        source: Some("pod:default:client".to_string()),
        ..Settings::default()
    };
    Scenario {
        text: include_str!("common/mod.rs").to_string() + "\n# ünïcødé → ✓\n",
        seed: 42,
        settings,
        selection: Some("svc/default/my-service".to_string()),
        journey: None,
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
    assert_eq!(s.settings, Settings::default());
    assert_eq!(s.selection, None);
}

/// Links made by the release before the settings became a typed struct (produced by that
/// release's `share::encode` from what its page saved: every setting a string) open with the
/// same meaning.
#[test]
fn links_made_by_the_previous_release_still_open() {
    const FULL: &str = "v1.RVDNasMwDH4V4_P6sw3Wzrexc6GwsVMunq11Jo4tJCUklL577aSlN31_9iedtcAo2miL4QeIQ05GDc9NakPyRn0BDcFBkzoQ661Y0ySlku3AqG5a8V1mBDdLDBGcZJqBUhZx3fa_QAkEeB3yZskepg_EasFMwjfzSiFlyS5Ho74_jwu5WIzab-9YLJ1AjjP7_rp7a5J-0gzgtdnVQSSkE2tz1h64rvYoavbb4oXRdhihKC72LEABC4sEDEmslBMUSaiHmc3jdMi-ugMOXL_KPbmKMXvj4c_2UYyLoYSrinMT_VJm-YeuGr2lVl9qt3qc5X0e3OYW3jwK6ssV";
    const PLAIN: &str = "v1.JY1RCsIwEESvIvstIamKJWfxJ7ZjG1i3JdmCUHp3s_o3Mzze7KT4KEVK8fR8CJ2pAiNFb0E1y1Qp7jSiGhTunQu98-4aL973oeFrQYVo0rxII16JK8yybGVAG5odRRLbtv7U5F13a1VnvI3gPM1Khx0yhr9HNubjCw";
    let full = decode(FULL).unwrap();
    assert_eq!(full.seed, 7);
    assert!(full.text.contains("name: my-service"));
    assert_eq!(full.selection.as_deref(), Some("svc/default/my-service"));
    assert_eq!(
        full.settings,
        Settings {
            theme: Some(Theme::Dark),
            speed: Some(2.0),
            presentation: true,
            proxy_mode: Some(ProxyMode::Ipvs),
            source: Some("pod:default:client".into()),
            dest: Some("my-service:80".into()),
            example: Some("clusterip".into()),
            fold_dns: false,
        }
    );
    let plain = decode(PLAIN).unwrap();
    assert_eq!(
        plain.settings,
        Settings {
            theme: Some(Theme::Light),
            speed: Some(0.25),
            presentation: false,
            proxy_mode: None,
            source: Some("external".into()),
            dest: Some("172.18.0.4:30081".into()),
            example: None,
            fold_dns: false,
        }
    );
    // Re-encoded, the settings are the same strings the old page wrote.
    let json = serde_json::to_value(&full).unwrap();
    assert_eq!(json["settings"]["speed"], "2");
    assert_eq!(json["settings"]["presentation"], "true");
    assert_eq!(json["settings"]["proxyMode"], "ipvs");
    // A setting added since is written only when on: old links re-encode as they were.
    assert!(json["settings"].get("foldDns").is_none());
    let folded = Settings {
        fold_dns: true,
        ..Settings::default()
    };
    let m: std::collections::BTreeMap<String, String> = folded.clone().into();
    assert_eq!(m["foldDns"], "true");
    assert_eq!(Settings::from(m), folded);
}

/// A setting this version cannot read falls back to its default instead of refusing the link;
/// unknown settings are ignored, as before.
#[test]
fn unreadable_settings_fall_back_to_defaults() {
    let s = decode(&link_of(
        br#"{"text":"a: b","settings":{"theme":"projector","speed":"fast","presentation":"yes","proxyMode":"ebpf","showSystem":"true","dest":"web:80"}}"#,
    ))
    .unwrap();
    assert_eq!(
        s.settings,
        Settings {
            dest: Some("web:80".into()),
            ..Settings::default()
        }
    );
    // Absurd speeds are not taken either.
    for speed in ["0", "-1", "1e9", "NaN", "inf"] {
        let json = format!(r#"{{"settings":{{"speed":"{speed}"}}}}"#);
        let s = decode(&link_of(json.as_bytes())).unwrap();
        assert_eq!(s.settings.speed, None, "{speed}");
        assert_eq!(s.settings.speed(), 1.0);
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    #[test]
    fn any_scenario_round_trips(
        text in ".{0,400}",
        seed in any::<u64>(),
        source in proptest::option::of(".{0,12}"),
        dest in proptest::option::of(".{0,12}"),
        speed in proptest::option::of(1u32..=64),
        presentation in any::<bool>(),
        selection in proptest::option::of(".{0,30}"),
        journey in proptest::option::of((any::<[u64; 4]>(), 1u32..=100, 0usize..200)),
    ) {
        let settings = Settings {
            source,
            dest,
            speed: speed.map(|s| f64::from(s) / 4.0),
            presentation,
            ..Settings::default()
        };
        let journey = journey.map(|(state, count, hop)| SharedJourney {
            rng: SharedJourney::state_text(state),
            count,
            hop,
        });
        if let Some(j) = &journey {
            prop_assert!(j.rng_state().is_some());
        }
        let s = Scenario { text, seed, settings, selection, journey };
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

/// The page's Share never hands out a link its own page refuses to open: work over
/// `MAX_INFLATED` once serialised is refused by `link` (the page says so), and every link
/// `link` makes opens to the same scenario.
#[test]
fn share_refuses_work_too_large_for_a_link_and_every_link_it_makes_opens() {
    use svcsim_scene::share::{link, MAX_INFLATED};
    let big = |bytes: usize| Scenario {
        text: "abcd".repeat(bytes / 4),
        ..Scenario::default()
    };
    assert_eq!(link(&big(MAX_INFLATED + 1024)), Err(ShareError::TooLarge));
    // Just under: the JSON adds its fields, so the largest text that fits is a little smaller.
    let fits = big(MAX_INFLATED - 4096);
    let l = link(&fits).expect("fits");
    assert_eq!(decode(&l), Ok(fits));
    // `encode` alone would have made a link that does not open.
    assert_eq!(
        decode(&encode(&big(MAX_INFLATED + 1024))),
        Err(ShareError::TooLarge)
    );
}
