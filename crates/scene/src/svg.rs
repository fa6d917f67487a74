//! The scene as an SVG document (Export SVG, issue 12 item 7): the same items the canvas
//! draws, as vectors a lecturer can scale into slides or print, with the text as text (a
//! screen reader and a search in the slides find it). The colours come from the caller (the
//! page's palette), so the picture and the canvas cannot disagree; the packet on screen, if
//! any, is drawn on top.
//!
//! Coordinates are world units (CSS pixels at zoom 1, where every font is ≥ 13 px): the
//! `viewBox` is the scene's bounds with a margin, and the document is that many pixels wide.

use crate::layout::{Align, Point, Role, Scene, Shape};
use std::fmt::Write as _;

/// Fill and stroke of a role, as CSS colours.
pub type Paint<'a> = &'a dyn Fn(Role) -> (&'static str, &'static str);

/// A packet to draw over the scene: where, its colour, its header label.
#[derive(Debug, Clone, PartialEq)]
pub struct Marker {
    pub at: Point,
    pub colour: &'static str,
    pub label: String,
}

/// Margin around the scene's bounds, in world units.
const MARGIN: f64 = 16.0;

/// `text` escaped for XML text and attribute values.
fn escape(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            // XML 1.0 allows no other control characters, even escaped.
            c if (c as u32) < 0x20 && !matches!(c, '\t' | '\n' | '\r') => out.push('\u{fffd}'),
            c => out.push(c),
        }
    }
    out
}

/// A number as SVG wants it: short, finite.
fn n(x: f64) -> String {
    if !x.is_finite() {
        return "0".into();
    }
    let s = format!("{x:.2}");
    let s = s.trim_end_matches('0').trim_end_matches('.');
    if s.is_empty() || s == "-" || s == "-0" {
        "0".into()
    } else {
        s.to_string()
    }
}

/// The SVG document of `scene` on `background`, coloured by `paint`, with `title` (the
/// document's `<title>`) and `markers` on top.
pub fn render(
    scene: &Scene,
    paint: Paint,
    background: &str,
    title: &str,
    markers: &[Marker],
) -> String {
    let b = scene.bounds();
    let (x0, y0) = (b.x - MARGIN, b.y - MARGIN);
    let (w, h) = ((b.w + 2.0 * MARGIN).max(1.0), (b.h + 2.0 * MARGIN).max(1.0));
    let mut out = String::new();
    let _ = writeln!(
        out,
        r#"<svg xmlns="http://www.w3.org/2000/svg" width="{}" height="{}" viewBox="{} {} {} {}" font-family="system-ui, 'DejaVu Sans', 'Liberation Sans', sans-serif">"#,
        n(w),
        n(h),
        n(x0),
        n(y0),
        n(w),
        n(h)
    );
    let _ = writeln!(out, "<title>{}</title>", escape(title));
    let _ = writeln!(
        out,
        r#"<rect x="{}" y="{}" width="{}" height="{}" fill="{}"/>"#,
        n(x0),
        n(y0),
        n(w),
        n(h),
        escape(background)
    );
    out.push_str("<g stroke-linejoin=\"round\" stroke-linecap=\"round\">\n");
    for item in &scene.items {
        let (fill, stroke) = paint(item.style.role);
        let dash = if item.style.dashed {
            r#" stroke-dasharray="7 5""#
        } else {
            ""
        };
        let lw = n(item.style.line_width);
        match &item.shape {
            Shape::Rect { rect, radius } => {
                let r = radius.min(rect.w / 2.0).min(rect.h / 2.0).max(0.0);
                let _ = writeln!(
                    out,
                    r#"<rect x="{}" y="{}" width="{}" height="{}" rx="{}" fill="{fill}" stroke="{stroke}" stroke-width="{lw}"{dash}/>"#,
                    n(rect.x),
                    n(rect.y),
                    n(rect.w.max(0.0)),
                    n(rect.h.max(0.0)),
                    n(r)
                );
            }
            Shape::Circle { center, radius } => {
                let _ = writeln!(
                    out,
                    r#"<circle cx="{}" cy="{}" r="{}" fill="{fill}" stroke="{stroke}" stroke-width="{lw}"{dash}/>"#,
                    n(center.x),
                    n(center.y),
                    n(radius.max(0.0))
                );
            }
            Shape::Line { from, to } => {
                let _ = writeln!(
                    out,
                    r#"<line x1="{}" y1="{}" x2="{}" y2="{}" stroke="{stroke}" stroke-width="{lw}"{dash}/>"#,
                    n(from.x),
                    n(from.y),
                    n(to.x),
                    n(to.y)
                );
            }
            Shape::Polyline { points } => {
                let pts: Vec<String> = points
                    .iter()
                    .map(|p| format!("{},{}", n(p.x), n(p.y)))
                    .collect();
                let _ = writeln!(
                    out,
                    r#"<polyline points="{}" fill="none" stroke="{stroke}" stroke-width="{lw}"{dash}/>"#,
                    pts.join(" ")
                );
            }
            Shape::Text {
                pos,
                text,
                size,
                bold,
                align,
                ..
            } => {
                let anchor = match align {
                    Align::Left => "start",
                    Align::Center => "middle",
                    Align::Right => "end",
                };
                // Over the edges crossing its box, as on the canvas (`Item::text_halo`).
                let halo = item
                    .text_halo()
                    .map(|role| {
                        let c = paint(role).0;
                        format!(r#" stroke="{c}" stroke-width="4" paint-order="stroke""#)
                    })
                    .unwrap_or_default();
                let _ = writeln!(
                    out,
                    r#"<text x="{}" y="{}" font-size="{}"{} text-anchor="{anchor}" fill="{fill}"{halo}>{}</text>"#,
                    n(pos.x),
                    n(pos.y),
                    n(*size),
                    if *bold { r#" font-weight="bold""# } else { "" },
                    escape(text)
                );
            }
        }
    }
    out.push_str("</g>\n");
    for m in markers {
        let _ = writeln!(
            out,
            r#"<circle cx="{}" cy="{}" r="11" fill="{}" stroke="{}" stroke-width="2.5"/>"#,
            n(m.at.x),
            n(m.at.y),
            escape(m.colour),
            escape(background)
        );
        if !m.label.is_empty() {
            for (i, line) in m.label.lines().enumerate() {
                let _ = writeln!(
                    out,
                    r#"<text x="{}" y="{}" font-size="14" font-weight="bold" fill="{}" stroke="{}" stroke-width="4" paint-order="stroke">{}</text>"#,
                    n(m.at.x + 18.0),
                    n(m.at.y + 5.0 + 18.0 * i as f64),
                    escape(m.colour),
                    escape(background),
                    escape(line)
                );
            }
        }
    }
    out.push_str("</svg>\n");
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::layout::{layout, LayoutOptions};
    use svcsim_engine::cluster::Cluster;
    use svcsim_engine::manifest::Source;

    fn palette(role: Role) -> (&'static str, &'static str) {
        match role {
            Role::Service => ("#dbe7ff", "#0b3d91"),
            _ => ("#ffffff", "#333333"),
        }
    }

    #[test]
    fn every_text_of_the_scene_is_in_the_document_escaped() {
        let ex = crate::examples::by_id("clusterip").unwrap();
        let (mut c, _) = Cluster::from_sources(&[Source::new("ex.yaml", ex.yaml)], 0);
        c.settle();
        let scene = layout(&c, &LayoutOptions::default());
        let marker = Marker {
            at: Point::new(10.0, 10.0),
            colour: "#c2410c",
            label: "10.244.1.2:5000 > 10.96.0.10:53 <UDP>".into(),
        };
        let svg = render(
            &scene,
            &palette,
            "#ffffff",
            "svcsim & <clusterip>",
            &[marker],
        );
        assert!(
            svg.starts_with("<svg xmlns=\"http://www.w3.org/2000/svg\""),
            "{svg}"
        );
        assert!(svg.ends_with("</svg>\n"));
        assert!(svg.contains("<title>svcsim &amp; &lt;clusterip&gt;</title>"));
        assert!(svg.contains("&lt;UDP&gt;"));
        let texts = scene
            .items
            .iter()
            .filter_map(|i| match &i.shape {
                Shape::Text { text, .. } => Some(text.clone()),
                _ => None,
            })
            .collect::<Vec<_>>();
        assert!(texts.iter().any(|t| t == "my-service"));
        for t in &texts {
            assert!(
                svg.contains(&format!(">{}</text>", escape(t))),
                "{t} is missing"
            );
        }
        // Well-formed enough for any XML reader: tags balance.
        assert_eq!(
            svg.matches("<text ").count(),
            svg.matches("</text>").count()
        );
        assert!(
            svg.contains("fill=\"#dbe7ff\" stroke=\"#0b3d91\""),
            "Services in their colours"
        );
    }

    #[test]
    fn odd_numbers_and_control_characters_never_break_the_document() {
        assert_eq!(n(f64::NAN), "0");
        assert_eq!(n(1.5), "1.5");
        assert_eq!(n(-0.001), "0");
        assert_eq!(n(12.0), "12");
        assert_eq!(escape("a\u{1}b\"'"), "a\u{fffd}b&quot;&apos;");
        let svg = render(&Scene::default(), &palette, "#fff", "", &[]);
        assert!(svg.contains("viewBox=\""), "{svg}");
    }
}
