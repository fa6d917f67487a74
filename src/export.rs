//! Export PNG (issue 12, item 7): the picture a lecturer puts on a slide or a handout, not the
//! bare canvas. At twice the canvas' CSS size it holds a title (the example, kube-proxy's
//! mode), the scene as it is on screen (view, selection, the packet at its hop), the hop's
//! caption as the strip under the canvas says it, and the legend — drawn with the canvas' own
//! `render` and palette, so the exported picture cannot disagree with the page. Export SVG
//! saves the whole scene as vectors (`svcsim_scene::svg`), in the same palette.

use crate::canvas::{background, canvas_size, font, packet_colour, paint, render};
use crate::legend::{Swatch, ENTRIES};
use crate::model::{Model, Prefs};
use leptos::prelude::*;
use svcsim_scene::examples;
use svcsim_scene::layout::{Role, View};
use svcsim_scene::settings::Theme;
use svcsim_scene::svg::{self, Marker};
use wasm_bindgen::JsCast;
use web_sys::CanvasRenderingContext2d as Ctx;

/// Device pixels per CSS pixel of the exported picture: sharp on a slide or in print.
pub const EXPORT_SCALE: f64 = 2.0;
/// The exported picture is at least this wide (CSS px), so a phone's narrow canvas still
/// gives a legible legend.
const MIN_WIDTH: f64 = 640.0;
const MARGIN: f64 = 16.0;
const TITLE_PX: f64 = 22.0;
const CAPTION_PX: f64 = 16.0;
const LEGEND_PX: f64 = 13.0;
/// A legend column's least width; the picture holds as many columns as fit (at most 3).
const LEGEND_COLUMN: f64 = 300.0;
const SWATCH_W: f64 = 26.0;

/// What the picture says besides the scene.
struct Texts {
    title: String,
    caption: Vec<String>,
}

/// The title: which example (or the user's own manifests) with which kube-proxy.
fn title(model: Model, prefs: Prefs) -> String {
    let what = prefs
        .get_untracked()
        .example
        .and_then(|id| examples::by_id(&id))
        .map_or_else(|| "your manifests".to_string(), |e| e.title.to_string());
    let mode = model
        .untracked(|s| s.proxy_mode().as_str().to_string())
        .unwrap_or_default();
    format!("svcsim · {what} · kube-proxy {mode}")
}

/// The caption strip's lines as the page shows them (its paragraphs, in order): the same
/// words the class read under the canvas, including the outcome and "Why" at the end.
fn caption_lines(doc: &web_sys::Document) -> Vec<String> {
    let mut lines = Vec::new();
    let mut child = doc
        .get_element_by_id("caption")
        .and_then(|c| c.first_element_child());
    while let Some(el) = child {
        if el.tag_name().eq_ignore_ascii_case("p") {
            let t = el.text_content().unwrap_or_default();
            let t = t.split_whitespace().collect::<Vec<_>>().join(" ");
            if !t.is_empty() {
                lines.push(t);
            }
        }
        child = el.next_element_sibling();
    }
    lines
}

/// `text` broken into lines no wider than `max_w` at the context's current font (a word
/// longer than a line gets a line of its own).
fn wrap(ctx: &Ctx, text: &str, max_w: f64) -> Vec<String> {
    let width = |t: &str| ctx.measure_text(t).map(|m| m.width()).unwrap_or(0.0);
    let mut lines = Vec::new();
    let mut line = String::new();
    for word in text.split_whitespace() {
        let candidate = if line.is_empty() {
            word.to_string()
        } else {
            format!("{line} {word}")
        };
        if width(&candidate) > max_w && !line.is_empty() {
            lines.push(std::mem::replace(&mut line, word.to_string()));
        } else {
            line = candidate;
        }
    }
    if !line.is_empty() {
        lines.push(line);
    }
    lines
}

/// A 2D context of a new canvas of `w` × `h` CSS pixels at [`EXPORT_SCALE`].
fn new_canvas(
    doc: &web_sys::Document,
    w: f64,
    h: f64,
) -> Option<(web_sys::HtmlCanvasElement, Ctx)> {
    let c = doc
        .create_element("canvas")
        .ok()?
        .dyn_into::<web_sys::HtmlCanvasElement>()
        .ok()?;
    c.set_width((w * EXPORT_SCALE).round() as u32);
    c.set_height((h * EXPORT_SCALE).round() as u32);
    let ctx = c.get_context("2d").ok()??.dyn_into::<Ctx>().ok()?;
    Some((c, ctx))
}

/// The legend's layout: entries in columns, each entry's wrapped lines. Returns the height.
fn legend_layout(ctx: &Ctx, width: f64) -> (usize, f64, Vec<Vec<String>>, f64) {
    ctx.set_font(&font(LEGEND_PX, false));
    let cols = (((width - 2.0 * MARGIN) / LEGEND_COLUMN).floor() as usize).clamp(1, 3);
    let col_w = (width - 2.0 * MARGIN) / cols as f64;
    let text_w = col_w - SWATCH_W - 18.0;
    let wrapped: Vec<Vec<String>> = ENTRIES.iter().map(|(_, t)| wrap(ctx, t, text_w)).collect();
    let line_h = LEGEND_PX * 1.35;
    // Column by column, in order, each column as tall as its share of the lines.
    let total: usize = wrapped.iter().map(|l| l.len().max(1)).sum();
    let per_col = total.div_ceil(cols);
    // The tallest column's height: its lines and the gap after each entry.
    let (mut col, mut in_col, mut height_of_col, mut tallest) = (0usize, 0usize, 0.0f64, 0.0f64);
    for l in &wrapped {
        let n = l.len().max(1);
        if in_col > 0 && in_col + n > per_col && col + 1 < cols {
            col += 1;
            in_col = 0;
            height_of_col = 0.0;
        }
        in_col += n;
        height_of_col += n as f64 * line_h + 3.0;
        tallest = tallest.max(height_of_col);
    }
    let height = LEGEND_PX * 2.2 + tallest;
    (cols, col_w, wrapped, height)
}

fn draw_swatch(ctx: &Ctx, s: Swatch, x: f64, y: f64, theme: Theme) {
    let (w, h) = (SWATCH_W, LEGEND_PX);
    let none = js_sys::Array::new();
    let dashed = js_sys::Array::of2(&4.0.into(), &3.0.into());
    match s {
        Swatch::Box(role, d) => {
            let p = paint(role, theme);
            let _ = ctx.set_line_dash(if d { &dashed } else { &none });
            ctx.set_fill_style_str(p.fill);
            ctx.fill_rect(x, y, w, h);
            ctx.set_stroke_style_str(p.stroke);
            ctx.set_line_width(2.0);
            ctx.stroke_rect(x, y, w, h);
        }
        Swatch::Line(role, d) => {
            let _ = ctx.set_line_dash(if d { &dashed } else { &none });
            ctx.set_stroke_style_str(paint(role, theme).stroke);
            ctx.set_line_width(3.0);
            ctx.begin_path();
            ctx.move_to(x, y + h / 2.0);
            ctx.line_to(x + w, y + h / 2.0);
            ctx.stroke();
        }
        Swatch::Packet(kind) => {
            let _ = ctx.set_line_dash(&none);
            ctx.begin_path();
            let _ = ctx.arc(
                x + w / 2.0,
                y + h / 2.0,
                h / 2.0,
                0.0,
                std::f64::consts::TAU,
            );
            ctx.set_fill_style_str(packet_colour(kind, theme));
            ctx.fill();
        }
        Swatch::Outline => {
            let _ = ctx.set_line_dash(&none);
            ctx.set_stroke_style_str(paint(Role::Highlight, theme).fill);
            ctx.set_line_width(3.0);
            ctx.stroke_rect(x, y, w, h);
        }
    }
    let _ = ctx.set_line_dash(&none);
}

/// Compose the picture; `None` when the page has no canvas (or the browser no 2D context).
fn compose(model: Model, prefs: Prefs) -> Option<web_sys::HtmlCanvasElement> {
    let doc = web_sys::window()?.document()?;
    let (css_w, css_h) = canvas_size(&doc)?;
    let theme = prefs.get_untracked().theme.unwrap_or(Theme::Light);
    let texts = Texts {
        title: title(model, prefs),
        caption: caption_lines(&doc),
    };
    let width = css_w.max(MIN_WIDTH);
    let inner = width - 2.0 * MARGIN;

    // Measure first (wrapping needs a context), then draw on a canvas of the final height.
    let (_, probe) = new_canvas(&doc, 1.0, 1.0)?;
    probe.set_font(&font(CAPTION_PX, false));
    let caption: Vec<(bool, String)> = texts
        .caption
        .iter()
        .enumerate()
        .flat_map(|(i, t)| wrap(&probe, t, inner).into_iter().map(move |l| (i == 0, l)))
        .collect();
    let (cols, col_w, legend, legend_h) = legend_layout(&probe, width);
    let title_h = TITLE_PX * 2.0;
    let caption_h = if caption.is_empty() {
        0.0
    } else {
        caption.len() as f64 * CAPTION_PX * 1.4 + MARGIN
    };
    let height = title_h + css_h + caption_h + legend_h + MARGIN;

    // The scene exactly as on screen, at twice the pixels.
    let (scene_canvas, sctx) = new_canvas(&doc, css_w, css_h)?;
    let view = model.ui.view.get_untracked().unwrap_or_else(|| {
        let b = model.untracked(|s| s.scene().bounds()).unwrap_or_default();
        View::fit(b, css_w.max(100.0), css_h.max(100.0), 16.0)
    });
    let reduced = model.ui.reduced_motion.get_untracked();
    let selected = model.untracked(|s| s.selection().cloned()).flatten();
    let overlay = model.untracked(|s| s.overlay(reduced)).unwrap_or_default();
    model.untracked(|s| {
        render(
            &sctx,
            s.scene(),
            view,
            css_w,
            css_h,
            EXPORT_SCALE,
            theme,
            None,
            selected.as_ref(),
            &overlay,
        )
    });

    let (out, ctx) = new_canvas(&doc, width, height)?;
    let _ = ctx.set_transform(EXPORT_SCALE, 0.0, 0.0, EXPORT_SCALE, 0.0, 0.0);
    ctx.set_fill_style_str(background(theme));
    ctx.fill_rect(0.0, 0.0, width, height);
    let text = paint(Role::Text, theme).fill;
    let muted = paint(Role::TextMuted, theme).fill;
    ctx.set_text_baseline("middle");
    ctx.set_text_align("left");

    ctx.set_font(&font(TITLE_PX, true));
    ctx.set_fill_style_str(paint(Role::Title, theme).fill);
    let _ = ctx.fill_text(&texts.title, MARGIN, title_h / 2.0);

    // The scene, in device pixels (it was drawn at the same scale).
    let _ = ctx.set_transform(1.0, 0.0, 0.0, 1.0, 0.0, 0.0);
    let _ = ctx.draw_image_with_html_canvas_element(
        &scene_canvas,
        ((width - css_w) / 2.0 * EXPORT_SCALE).round(),
        (title_h * EXPORT_SCALE).round(),
    );
    let _ = ctx.set_transform(EXPORT_SCALE, 0.0, 0.0, EXPORT_SCALE, 0.0, 0.0);
    ctx.set_stroke_style_str(paint(Role::TextMuted, theme).stroke);
    ctx.set_line_width(1.0);
    ctx.stroke_rect((width - css_w) / 2.0, title_h, css_w, css_h);

    let mut y = title_h + css_h + MARGIN / 2.0;
    for (first, line) in &caption {
        ctx.set_font(&font(CAPTION_PX, *first));
        ctx.set_fill_style_str(text);
        y += CAPTION_PX * 1.4;
        let _ = ctx.fill_text(line, MARGIN, y - CAPTION_PX * 0.7);
    }
    if !caption.is_empty() {
        y += MARGIN / 2.0;
    }

    ctx.set_font(&font(LEGEND_PX, true));
    ctx.set_fill_style_str(muted);
    let _ = ctx.fill_text("Legend", MARGIN, y + LEGEND_PX);
    let top = y + LEGEND_PX * 2.2;
    let line_h = LEGEND_PX * 1.35;
    let total: usize = legend.iter().map(|l| l.len().max(1)).sum();
    let per_col = total.div_ceil(cols);
    let (mut col, mut in_col) = (0usize, 0usize);
    let mut ly = top;
    ctx.set_font(&font(LEGEND_PX, false));
    for ((swatch, _), lines) in ENTRIES.iter().zip(&legend) {
        let n = lines.len().max(1);
        if in_col > 0 && in_col + n > per_col && col + 1 < cols {
            col += 1;
            in_col = 0;
            ly = top;
        }
        let x = MARGIN + col as f64 * col_w;
        draw_swatch(&ctx, *swatch, x, ly, theme);
        ctx.set_fill_style_str(text);
        for (i, l) in lines.iter().enumerate() {
            let _ = ctx.fill_text(l, x + SWATCH_W + 10.0, ly + line_h * (i as f64 + 0.5));
        }
        in_col += n;
        ly += n as f64 * line_h + 3.0;
    }
    Some(out)
}

/// The file's name: the example (or "svcsim") and the hop, so a set of slides sorts by hop.
fn file_name(prefs: Prefs, model: Model, ext: &str) -> String {
    let base = prefs
        .get_untracked()
        .example
        .filter(|id| examples::by_id(id).is_some())
        .map_or_else(|| "svcsim".to_string(), |id| format!("svcsim-{id}"));
    let hop = model
        .untracked(|s| {
            let p = s.playback();
            (!p.events().is_empty()).then(|| p.current() + 1)
        })
        .flatten();
    match hop {
        Some(h) => format!("{base}-hop-{h:02}.{ext}"),
        None => format!("{base}.{ext}"),
    }
}

/// Save the picture (the Export PNG button).
pub fn export_png(model: Model, prefs: Prefs) {
    let Some(out) = compose(model, prefs) else {
        model.say("Export PNG: this browser gave no canvas to draw the picture on.");
        return;
    };
    let Ok(url) = out.to_data_url_with_type("image/png") else {
        model.say("Export PNG: the browser refused to encode the picture.");
        return;
    };
    download(&url, &file_name(prefs, model, "png"));
}

/// Save `url` as `name` (a click on a download link).
fn download(url: &str, name: &str) {
    let Some(doc) = web_sys::window().and_then(|w| w.document()) else {
        return;
    };
    if let Ok(a) = doc.create_element("a") {
        let _ = a.set_attribute("href", url);
        let _ = a.set_attribute("download", name);
        if let Ok(a) = a.dyn_into::<web_sys::HtmlElement>() {
            a.click();
        }
    }
}

/// Save the whole scene as vectors (the Export SVG button): every object at 1:1 with its
/// text as text, in the page's theme, and the packet where it is now (`svcsim_scene::svg`).
pub fn export_svg(model: Model, prefs: Prefs) {
    let theme = prefs.get_untracked().theme.unwrap_or(Theme::Light);
    let reduced = model.ui.reduced_motion.get_untracked();
    let palette = move |role: Role| {
        let p = paint(role, theme);
        (p.fill, p.stroke)
    };
    let title = title(model, prefs);
    let Some(svg) = model.untracked(|s| {
        let markers: Vec<Marker> = s
            .overlay(reduced)
            .packets
            .iter()
            .map(|m| Marker {
                at: m.at,
                colour: packet_colour(m.kind, theme),
                label: m.label.clone(),
            })
            .collect();
        svg::render(s.scene(), &palette, background(theme), &title, &markers)
    }) else {
        return;
    };
    let url = format!(
        "data:image/svg+xml;charset=utf-8,{}",
        String::from(js_sys::encode_uri_component(&svg))
    );
    download(&url, &file_name(prefs, model, "svg"));
}
