use super::*;

/// What Go's `strconv.Quote` returns for each input, by its rules (Go 1.21–1.25, Unicode 15.0.0).
const GO_QUOTE: &[(&str, &str)] = &[
    ("", r#""""#),
    ("web", r#""web""#),
    ("say \"hi\" \\o/", r#""say \"hi\" \\o/""#),
    ("tab\there\nnew\rcr", r#""tab\there\nnew\rcr""#),
    ("\u{7}\u{8}\u{c}\u{b}", r#""\a\b\f\v""#),
    ("\u{0}\u{1f}\u{7f}", r#""\x00\x1f\x7f""#),
    ("\u{1b}[31mred\u{1b}[0m", r#""\x1b[31mred\x1b[0m""#),
    // Trojan Source: bidirectional overrides and isolates, zero-width characters, BOM.
    ("adm\u{202e}nim", r#""adm\u202enim""#),
    (
        "a\u{200b}b\u{200c}c\u{200d}d",
        r#""a\u200bb\u200cc\u200dd""#,
    ),
    ("\u{2066}x\u{2069}", r#""\u2066x\u2069""#),
    ("\u{feff}bom", r#""\ufeffbom""#),
    ("soft\u{ad}hyphen", r#""soft\u00adhyphen""#),
    // Separators other than the ASCII space, C1 controls.
    ("nb\u{a0}sp", r#""nb\u00a0sp""#),
    ("\u{2028}\u{2029}\u{3000}", r#""\u2028\u2029\u3000""#),
    ("\u{85}", r#""\u0085""#),
    // Private use, unassigned, tags: beyond the BMP in \U form.
    ("\u{e000}", r#""\ue000""#),
    ("\u{e0001}", r#""\U000e0001""#),
    ("\u{10ffff}", r#""\U0010ffff""#),
    ("\u{378}", r#""\u0378""#),
    // Printable: letters, marks, symbols of every plane stay as they are.
    ("café", "\"café\""),
    ("e\u{301}", "\"e\u{301}\""),
    ("日本語", "\"日本語\""),
    ("😀", "\"😀\""),
    ("\u{fffd}", "\"\u{fffd}\""),
    // Unicode 15.0 additions are printable (Kawi U+11F00, CJK extension H U+31350).
    ("\u{11f00}\u{31350}", "\"\u{11f00}\u{31350}\""),
];

#[test]
fn go_quote_matches_strconv_quote() {
    for (input, want) in GO_QUOTE {
        assert_eq!(go_quote(input), *want, "go_quote({input:?})");
        // Short text is never cut.
        assert_eq!(go_quote_capped(input), *want, "go_quote_capped({input:?})");
    }
}

#[test]
fn printable_table_is_sorted_and_disjoint() {
    let mut prev: Option<u32> = None;
    for &(lo, hi) in printable::PRINTABLE {
        assert!(lo <= hi, "{lo:#x}..{hi:#x}");
        if let Some(p) = prev {
            // Adjacent ranges would have been merged by the generator.
            assert!(lo > p + 1, "{lo:#x} after {p:#x}");
        }
        prev = Some(hi);
    }
    assert!(is_print(' ') && is_print('~') && !is_print('\u{7f}') && !is_print('\u{a0}'));
    assert!(is_print('\u{a1}') && !is_print('\u{ad}') && is_print('\u{ae}'));
}

/// The table-driven size cases of the hostile-input issue: the quoted form stays bounded and
/// says how much was left out.
#[test]
fn long_values_are_capped_with_a_marker() {
    let cases: &[(usize, &str)] = &[
        (MAX_QUOTED, "a"),
        (MAX_QUOTED + 1, "a"),
        (1 << 20, "b"),
        (10_000_000, "c"),
    ];
    for &(len, ch) in cases {
        let value = ch.repeat(len);
        let quoted = go_quote_capped(&value);
        let kept = len.min(MAX_QUOTED);
        let want_head = format!("\"{}\"", ch.repeat(kept));
        assert!(quoted.starts_with(&want_head), "{len}");
        if len > MAX_QUOTED {
            assert_eq!(
                &quoted[want_head.len()..],
                format!("... ({} bytes omitted)", len - MAX_QUOTED),
                "{len}"
            );
        } else {
            assert_eq!(quoted, want_head);
        }
        assert!(quoted.len() <= MAX_QUOTED + 40, "{len}: {}", quoted.len());
    }
}

#[test]
fn cuts_never_split_a_character() {
    // 1 + 2·k bytes: byte MAX_QUOTED falls inside an 'é'.
    let value = format!("a{}", "é".repeat(MAX_QUOTED));
    let kept = head(&value, MAX_QUOTED);
    assert_eq!(kept.len(), MAX_QUOTED - 1);
    let quoted = go_quote_capped(&value);
    assert!(quoted.ends_with(&format!(
        "é\"... ({} bytes omitted)",
        value.len() - kept.len()
    )));
    // Four-byte characters, every cut position.
    let emoji = "😀".repeat(10);
    for max in 0..=emoji.len() {
        let h = head(&emoji, max);
        assert_eq!(h.len(), max / 4 * 4);
        assert!(truncate(&emoji, max).starts_with(h));
    }
    assert_eq!(truncate("short", 10), "short");
    assert_eq!(truncate("abcdef", 3), "abc... (3 bytes omitted)");
}

#[test]
fn invisible_and_terminal_escapes() {
    let cases: &[(&str, &str, &str)] = &[
        // input, escape_invisible, escape_terminal
        ("plain text", "plain text", "plain text"),
        ("quote \" and \\", "quote \" and \\", "quote \" and \\"),
        (
            "\u{1b}[31mRED\u{1b}[0m",
            "\\x1b[31mRED\\x1b[0m",
            "^[[31mRED^[[0m",
        ),
        (
            "line\r\nnext\tcol",
            "line\\r\\nnext\\tcol",
            "line\\r\nnext\tcol",
        ),
        (
            "invoice\u{202e}fdp.exe\u{200b}",
            "invoice\\u202efdp.exe\\u200b",
            "invoice\\u202efdp.exe\\u200b",
        ),
        ("bell\u{7}", "bell\\a", "bell\\a"),
        ("日本 😀", "日本 😀", "日本 😀"),
    ];
    for (input, invisible, terminal) in cases {
        assert_eq!(escape_invisible(input), *invisible, "{input:?}");
        assert_eq!(escape_terminal(input), *terminal, "{input:?}");
    }
    // Nothing to escape: the text is borrowed, not copied.
    assert!(matches!(escape_terminal("kubernetes"), Cow::Borrowed(_)));
    assert!(matches!(escape_invisible("kubernetes"), Cow::Borrowed(_)));
}

mod properties {
    use super::super::*;
    use proptest::prelude::*;

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(256))]

        /// Whatever the text, Go's quoting leaves only printable runes, and the terminal form
        /// only printable runes, line feeds and tabs.
        #[test]
        fn nothing_invisible_survives(s in any::<String>()) {
            prop_assert!(go_quote(&s).chars().all(is_print));
            prop_assert!(escape_invisible(&s).chars().all(is_print));
            prop_assert!(escape_terminal(&s).chars().all(|c| is_print(c) || c == '\n' || c == '\t'));
        }

        /// A cut is a prefix on a character boundary, as long as it may be.
        #[test]
        fn cuts_are_prefixes_on_boundaries(s in any::<String>(), max in 0usize..64) {
            let h = head(&s, max);
            prop_assert!(s.starts_with(h));
            prop_assert!(h.len() <= max);
            if s.len() > max {
                prop_assert!(h.len() + 4 > max);
                prop_assert_eq!(truncate(&s, max), format!("{h}... ({} bytes omitted)", s.len() - h.len()));
            } else {
                prop_assert_eq!(truncate(&s, max), s.as_str());
                prop_assert_eq!(go_quote_capped(&s), go_quote(&s));
            }
        }
    }
}
