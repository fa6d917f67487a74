//! The cluster on a `<canvas>`: draws the [`Scene`] that `svcsim_scene::layout` computed, in
//! theme colours, crisp at any `devicePixelRatio`; zoom (wheel, `+`/`-`), pan (drag or arrow
//! keys with Shift), hover highlight, click to select. Only the visible items are drawn, and
//! only when something changed (the draw effect re-runs on its inputs; the frame loop moves the
//! packet overlay).

use crate::model::{now_ms, use_model, use_prefs};
use leptos::html;
use leptos::prelude::*;
use std::cell::Cell;
use std::rc::Rc;
use svcsim_scene::animation::place_label;
use svcsim_scene::layout::{Align, Item, ObjectId, Point, Rect, Role, Scene, Shape, View};
use svcsim_scene::playback::{Overlay, PacketKind};
use svcsim_scene::session::Session;
use svcsim_scene::settings::Theme;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::{JsCast, JsValue};
use web_sys::CanvasRenderingContext2d as Ctx;

/// CSS pixels kept under the canvas for the caption strip (two lines, three at the end).
const CAPTION_RESERVE: f64 = 96.0;
/// A canvas narrower than this is a phone's: it is as tall as the scene needs at the zoom its
/// width allows, and the page scrolls (a phone's own gesture) instead of the text shrinking to
/// fit one screen (issue 12). Matches the phone rules of style/main.css (`max-width: 640px`
/// less the page's padding).
const PHONE_CANVAS: f64 = 600.0;
/// On a phone, a small scene is not blown up past this zoom.
const PHONE_MAX_ZOOM: f64 = 1.25;
/// On a phone, the canvas is at most this many screens tall (a 50-node cluster is then shown
/// smaller; the finger scrolls two screens, not twenty).
const PHONE_MAX_SCREENS: f64 = 4.0;
/// Backing pixels the canvas may hold (a tall phone canvas at 3× would otherwise hold tens of
/// millions): beyond it the device pixel ratio used is lowered.
const MAX_BACKING_PIXELS: f64 = 16.0e6;
/// `View::fit`'s margin on each side.
const FIT_MARGIN: f64 = 16.0;

/// Fill and stroke colours of a role.
#[derive(Debug, Clone, Copy)]
pub struct Paint {
    pub fill: &'static str,
    pub stroke: &'static str,
}

const fn p(fill: &'static str, stroke: &'static str) -> Paint {
    Paint { fill, stroke }
}

/// The palette: every colour the canvas uses, per theme (contrast ≥ 4.5:1 for text).
pub fn paint(role: Role, theme: Theme) -> Paint {
    use Role::*;
    match theme {
        Theme::Light => match role {
            Cluster => p("#f3f5f9", "#5b6b82"),
            Node => p("#ffffff", "#3d4b5f"),
            NodeControlPlane => p("#eef1fb", "#3d4b5f"),
            KubeProxy => p("#fff3cf", "#7a5c00"),
            PodReady => p("#dcf2e2", "#17692f"),
            PodNotReady => p("#fde4c4", "#a04a00"),
            PodTerminating => p("#e9e9e9", "#555555"),
            PodPending => p("#f4f4f4", "#666666"),
            PodStopped => p("#f6e2e2", "#9b0000"),
            Service => p("#dbe7ff", "#0b3d91"),
            ServiceDns => p("#ece0ff", "#5b21b6"),
            ServiceHeadless => p("#dff3fb", "#075985"),
            ServiceExternalName => p("#eeeeee", "#444444"),
            EndpointSlice => p("#e6f4ea", "#17692f"),
            NodePort => p("#fff0b8", "#7a5c00"),
            LoadBalancer => p("#ffe0ee", "#8f1450"),
            Client => p("#d9f2ef", "#0f5f58"),
            ExternalHost => p("#f1f1f1", "#444444"),
            Unscheduled => p("#fafafa", "#777777"),
            EdgeSelector => p("#8a94a6", "#8a94a6"),
            EdgeEndpoint => p("#17692f", "#17692f"),
            EdgeEndpointNotReady => p("#b45309", "#b45309"),
            EdgeLoadBalancer => p("#8f1450", "#8f1450"),
            Title => p("#111111", "#111111"),
            Text => p("#1f1f1f", "#1f1f1f"),
            TextMuted => p("#4a4a4a", "#4a4a4a"),
            Highlight => p("#ffbf47", "#d97706"),
        },
        Theme::Dark => match role {
            Cluster => p("#161b22", "#8b98ab"),
            Node => p("#1e252e", "#a7b3c4"),
            NodeControlPlane => p("#232a3a", "#a7b3c4"),
            KubeProxy => p("#3a3112", "#e9c46a"),
            PodReady => p("#143822", "#5fd68a"),
            PodNotReady => p("#44290c", "#ffab5c"),
            PodTerminating => p("#2b2b2b", "#aaaaaa"),
            PodPending => p("#262626", "#9a9a9a"),
            PodStopped => p("#401616", "#ff8080"),
            Service => p("#15284d", "#7fb0ff"),
            ServiceDns => p("#2c1d4d", "#c4a5ff"),
            ServiceHeadless => p("#0f3040", "#7dd3fc"),
            ServiceExternalName => p("#2a2a2a", "#cccccc"),
            EndpointSlice => p("#143822", "#5fd68a"),
            NodePort => p("#3d3310", "#f5d76e"),
            LoadBalancer => p("#44162b", "#ff8fc0"),
            Client => p("#0f3531", "#5eead4"),
            ExternalHost => p("#2a2a2a", "#cccccc"),
            Unscheduled => p("#1c1c1c", "#999999"),
            EdgeSelector => p("#7d889a", "#7d889a"),
            EdgeEndpoint => p("#5fd68a", "#5fd68a"),
            EdgeEndpointNotReady => p("#ffab5c", "#ffab5c"),
            EdgeLoadBalancer => p("#ff8fc0", "#ff8fc0"),
            Title => p("#f5f5f5", "#f5f5f5"),
            Text => p("#e6e6e6", "#e6e6e6"),
            TextMuted => p("#b8b8b8", "#b8b8b8"),
            Highlight => p("#ffbf47", "#ffbf47"),
        },
    }
}

/// Background of the canvas.
pub fn background(theme: Theme) -> &'static str {
    match theme {
        Theme::Light => "#ffffff",
        Theme::Dark => "#0d1117",
    }
}

fn dash(ctx: &Ctx, on: bool, zoom: f64) {
    let arr = js_sys::Array::new();
    if on {
        arr.push(&JsValue::from_f64(7.0 / zoom.max(0.2)));
        arr.push(&JsValue::from_f64(5.0 / zoom.max(0.2)));
    }
    let _ = ctx.set_line_dash(&arr);
}

fn round_rect(ctx: &Ctx, x: f64, y: f64, w: f64, h: f64, r: f64) {
    let r = r.min(w / 2.0).min(h / 2.0).max(0.0);
    ctx.begin_path();
    ctx.move_to(x + r, y);
    let _ = ctx.arc_to(x + w, y, x + w, y + h, r);
    let _ = ctx.arc_to(x + w, y + h, x, y + h, r);
    let _ = ctx.arc_to(x, y + h, x, y, r);
    let _ = ctx.arc_to(x, y, x + w, y, r);
    ctx.close_path();
}

pub(crate) fn font(size: f64, bold: bool) -> String {
    format!(
        "{}{size:.1}px system-ui, 'DejaVu Sans', 'Liberation Sans', sans-serif",
        if bold { "bold " } else { "" }
    )
}

fn draw_item(ctx: &Ctx, item: &Item, theme: Theme, zoom: f64, emphasis: bool) {
    let paint = paint(item.style.role, theme);
    let lw = item.style.line_width * if emphasis { 2.0 } else { 1.0 };
    ctx.set_line_width(lw);
    dash(ctx, item.style.dashed, zoom);
    match &item.shape {
        Shape::Rect { rect, radius } => {
            round_rect(ctx, rect.x, rect.y, rect.w, rect.h, *radius);
            ctx.set_fill_style_str(paint.fill);
            ctx.fill();
            ctx.set_stroke_style_str(paint.stroke);
            ctx.stroke();
        }
        Shape::Circle { center, radius } => {
            ctx.begin_path();
            let _ = ctx.arc(center.x, center.y, *radius, 0.0, std::f64::consts::TAU);
            ctx.set_fill_style_str(paint.fill);
            ctx.fill();
            ctx.set_stroke_style_str(paint.stroke);
            ctx.stroke();
        }
        Shape::Line { from, to } => {
            ctx.begin_path();
            ctx.move_to(from.x, from.y);
            ctx.line_to(to.x, to.y);
            ctx.set_stroke_style_str(paint.stroke);
            ctx.stroke();
        }
        Shape::Polyline { points } => {
            let mut it = points.iter();
            if let Some(first) = it.next() {
                ctx.begin_path();
                ctx.move_to(first.x, first.y);
                for pt in it {
                    ctx.line_to(pt.x, pt.y);
                }
                ctx.set_stroke_style_str(paint.stroke);
                ctx.stroke();
            }
        }
        Shape::Text {
            pos,
            text,
            size,
            bold,
            align,
            ..
        } => {
            // Text too small to read on screen is skipped (a 500-pod overview).
            if size * zoom < 4.0 {
                return;
            }
            ctx.set_font(&font(*size, *bold));
            ctx.set_text_align(match align {
                Align::Left => "left",
                Align::Center => "center",
                Align::Right => "right",
            });
            ctx.set_text_baseline("alphabetic");
            if let Some(role) = item.text_halo() {
                ctx.set_line_dash(&js_sys::Array::new()).ok();
                ctx.set_line_width(4.0);
                ctx.set_stroke_style_str(self::paint(role, theme).fill);
                let _ = ctx.stroke_text(text, pos.x, pos.y);
            }
            ctx.set_fill_style_str(paint.fill);
            let _ = ctx.fill_text(text, pos.x, pos.y);
        }
    }
}

/// Draw `scene` with `view` on a canvas of `css_w` × `css_h` CSS pixels at `dpr`.
#[allow(clippy::too_many_arguments)]
pub fn render(
    ctx: &Ctx,
    scene: &Scene,
    view: View,
    css_w: f64,
    css_h: f64,
    dpr: f64,
    theme: Theme,
    hover: Option<&ObjectId>,
    selected: Option<&ObjectId>,
    overlay: &Overlay,
) -> usize {
    let _ = ctx.set_transform(dpr, 0.0, 0.0, dpr, 0.0, 0.0);
    ctx.set_fill_style_str(background(theme));
    ctx.fill_rect(0.0, 0.0, css_w, css_h);
    let _ = ctx.set_transform(
        dpr * view.zoom,
        0.0,
        0.0,
        dpr * view.zoom,
        dpr * view.pan.x,
        dpr * view.pan.y,
    );
    ctx.set_line_join("round");
    ctx.set_line_cap("round");
    let visible = view.visible_world(css_w, css_h);
    let lit = |id: &Option<ObjectId>| -> bool {
        id.as_ref().is_some_and(|id| {
            hover.is_some_and(|h| id.touches(h))
                || selected.is_some_and(|s| id.touches(s))
                || overlay.focus.iter().any(|f| id == f)
        })
    };
    let mut drawn = 0;
    for item in scene.visible(visible) {
        let emphasis = !matches!(item.shape, Shape::Text { .. }) && lit(&item.id);
        draw_item(ctx, item, theme, view.zoom, emphasis);
        drawn += 1;
    }
    // Selection / hover / focus outlines on top.
    let hl = paint(Role::Highlight, theme);
    dash(ctx, false, view.zoom);
    for (id, width, color) in [(hover, 3.0, hl.fill), (selected, 5.0, hl.stroke)]
        .into_iter()
        .chain(overlay.focus.iter().map(|f| (Some(f), 4.0, hl.fill)))
    {
        if let Some(r) = id.and_then(|id| scene.rect(id)) {
            ctx.set_line_width(width / view.zoom.max(0.05));
            ctx.set_stroke_style_str(color);
            let pad = 4.0 / view.zoom.max(0.05);
            round_rect(
                ctx,
                r.x - pad,
                r.y - pad,
                r.w + 2.0 * pad,
                r.h + 2.0 * pad,
                12.0,
            );
            ctx.stroke();
        }
    }
    draw_overlay(ctx, scene, overlay, theme, view.zoom, visible);
    drawn
}

pub fn packet_colour(kind: PacketKind, theme: Theme) -> &'static str {
    match (kind, theme) {
        (PacketKind::Request, Theme::Light) => "#c2410c",
        (PacketKind::Request, Theme::Dark) => "#fb923c",
        (PacketKind::Reply, Theme::Light) => "#1d4ed8",
        (PacketKind::Reply, Theme::Dark) => "#60a5fa",
        (PacketKind::Dns, Theme::Light) => "#7e22ce",
        (PacketKind::Dns, Theme::Dark) => "#d8b4fe",
        (PacketKind::Failed, Theme::Light) => "#b91c1c",
        (PacketKind::Failed, Theme::Dark) => "#f87171",
    }
}

/// Packets, their trail and their header labels; a label that would leave the visible part
/// of the world (`visible`) goes on the packet's left instead, and one that would cover a
/// name or another label of the scene is not drawn (the caption strip under the canvas says
/// the same header, readable).
fn draw_overlay(
    ctx: &Ctx,
    scene: &Scene,
    overlay: &Overlay,
    theme: Theme,
    zoom: f64,
    visible: Rect,
) {
    let z = zoom.max(0.05);
    if overlay.trail.len() > 1 {
        ctx.begin_path();
        for (i, pt) in overlay.trail.iter().enumerate() {
            if i == 0 {
                ctx.move_to(pt.x, pt.y);
            } else {
                ctx.line_to(pt.x, pt.y);
            }
        }
        ctx.set_line_width(4.0 / z);
        ctx.set_stroke_style_str(packet_colour(PacketKind::Request, theme));
        ctx.set_global_alpha(0.45);
        dash(ctx, true, zoom);
        ctx.stroke();
        ctx.set_global_alpha(1.0);
        dash(ctx, false, zoom);
    }
    let many = overlay.packets.len() > 3;
    for m in &overlay.packets {
        let r = if many { 6.0 / z } else { 11.0 / z };
        ctx.begin_path();
        let _ = ctx.arc(m.at.x, m.at.y, r, 0.0, std::f64::consts::TAU);
        ctx.set_fill_style_str(packet_colour(m.kind, theme));
        ctx.fill();
        ctx.set_line_width(2.5 / z);
        ctx.set_stroke_style_str(background(theme));
        ctx.stroke();
        if !many && !m.label.is_empty() {
            let size = overlay.label_px.max(10.0) / z;
            ctx.set_font(&font(size, true));
            let measure = |t: &str| ctx.measure_text(t).map(|t| t.width()).unwrap_or(0.0);
            let b = place_label(
                &m.label,
                m.at,
                r + 6.0 / z,
                size * 1.3,
                visible,
                8.0 / z,
                measure,
            );
            let pad = 4.0 / z;
            let covers = scene
                .visible(b.rect.inflate(pad))
                .any(|i| matches!(i.shape, Shape::Text { .. }));
            if covers {
                continue;
            }
            ctx.set_fill_style_str(background(theme));
            ctx.set_global_alpha(0.88);
            round_rect(
                ctx,
                b.rect.x - pad,
                b.rect.y - pad / 2.0,
                b.rect.w + 2.0 * pad,
                b.rect.h + pad,
                5.0 / z,
            );
            ctx.fill();
            ctx.set_global_alpha(1.0);
            if b.scale < 1.0 {
                ctx.set_font(&font(size * b.scale, true));
            }
            ctx.set_text_align("left");
            ctx.set_text_baseline("middle");
            ctx.set_fill_style_str(packet_colour(m.kind, theme));
            let line_h = b.rect.h / b.lines.len().max(1) as f64;
            for (i, line) in b.lines.iter().enumerate() {
                let _ = ctx.fill_text(line, b.rect.x, b.rect.y + line_h * (i as f64 + 0.5));
            }
        }
    }
}

/// The canvas's size in CSS pixels, kept up to date on window resizes.
fn css_size(el: &web_sys::HtmlCanvasElement) -> (f64, f64) {
    let r = el.get_bounding_client_rect();
    (r.width().max(50.0), r.height().max(50.0))
}

/// On a phone, scroll the page so that `hop` (world) is on screen between the top and the
/// caption and player stuck to the bottom, or when it is taller than that, the `packet`;
/// nothing when it already is, or off a phone.
fn follow_hop(hop: Rect, packet: Point, view: View, reduced_motion: bool) {
    let Some(win) = web_sys::window() else { return };
    let Some(doc) = win.document() else { return };
    let Some(canvas) = doc.get_element_by_id("cluster") else {
        return;
    };
    let r = canvas.get_bounding_client_rect();
    if r.width() >= PHONE_CANVAS {
        return;
    }
    let vh = win
        .inner_height()
        .ok()
        .and_then(|h| h.as_f64())
        .unwrap_or(800.0);
    let height = |sel: &str| {
        doc.query_selector(sel)
            .ok()
            .flatten()
            .map_or(0.0, |e| e.get_bounding_client_rect().height())
    };
    // The band of the window the picture is seen in.
    let (band_top, band_bottom) = (
        8.0,
        vh - height("#caption") - height(".stage > .player") - 8.0,
    );
    let room = band_bottom - band_top;
    let y = |world_y: f64| r.top() + view.world_to_screen(Point::new(0.0, world_y)).y;
    let (mut top, mut bottom) = (y(hop.y), y(hop.bottom()));
    if bottom - top > room {
        // The hop spans more than the band (a wire from the client to a node): its packet.
        let at = y(packet.y);
        (top, bottom) = (at - 40.0, at + 40.0);
    }
    if room <= 0.0 || (top >= band_top && bottom <= band_bottom) {
        return;
    }
    // Centre what is followed in the band. An absolute target, computed from where the page
    // is now: a relative scroll issued while the last smooth scroll still runs is added to
    // that scroll's target by Chromium, and the page overshot past the stage.
    let delta = top - band_top - (room - (bottom - top)) / 2.0;
    let now = win.scroll_y().unwrap_or(0.0);
    let opts = web_sys::ScrollToOptions::new();
    opts.set_top((now + delta).max(0.0));
    opts.set_behavior(if reduced_motion {
        web_sys::ScrollBehavior::Instant
    } else {
        web_sys::ScrollBehavior::Smooth
    });
    win.scroll_to_with_scroll_to_options(&opts);
}

/// "Focus the journey": zoom the canvas to what the journey passes (Focus, or `f` on the
/// canvas); Fit shows the whole cluster again. False when there is no journey.
pub(crate) fn focus_journey(model: crate::model::Model) -> bool {
    let Some(doc) = web_sys::window().and_then(|w| w.document()) else {
        return false;
    };
    let Some((w, h)) = canvas_size(&doc) else {
        return false;
    };
    let Some(b) = model.untracked(Session::journey_bounds).flatten() else {
        return false;
    };
    model.ui.view.set(Some(View::fit(b, w, h, 16.0)));
    true
}

/// The wheel listener, kept alive until the component is cleaned up.
type WheelSlot = Rc<Cell<Option<Closure<dyn FnMut(web_sys::WheelEvent)>>>>;

/// The page's canvas size in CSS pixels (for Export PNG, which draws the scene as shown).
pub(crate) fn canvas_size(doc: &web_sys::Document) -> Option<(f64, f64)> {
    let c = doc
        .get_element_by_id("cluster")?
        .dyn_into::<web_sys::HtmlCanvasElement>()
        .ok()?;
    Some(css_size(&c))
}

/// The canvas component: the session's scene, and its journey overlay on top.
#[component]
pub fn ClusterCanvas() -> impl IntoView {
    let model = use_model();
    let prefs = use_prefs();
    let view = model.ui.view;
    let canvas: NodeRef<html::Canvas> = NodeRef::new();
    let hover: RwSignal<Option<ObjectId>> = RwSignal::new(None);
    let size = RwSignal::new((0.0f64, 0.0f64));
    let drag = StoredValue::new_local(None::<(f64, f64, bool)>);

    // Keep `size` in step with the element (window resizes, presentation mode).
    let resize = window_event_listener(leptos::ev::resize, move |_| {
        if let Some(el) = canvas.get_untracked() {
            size.set(css_size(&el));
        }
    });
    on_cleanup(move || resize.remove());

    // Fit the scene when there is no view yet (first draw, or "fit" pressed).
    let current_view = move || -> View {
        let (w, h) = size.get();
        view.get().unwrap_or_else(|| {
            let b = model.with_scene(Scene::bounds);
            View::fit(b, w.max(100.0), h.max(100.0), FIT_MARGIN)
        })
    };

    // On a phone the canvas is taller than the screen and the page scrolls: it follows the
    // hop, so the packet is on screen above the caption at every step.
    Effect::new(move |_| {
        let Some((hop, packet)) = model.hop_place() else {
            return;
        };
        let reduced = model.ui.reduced_motion.get_untracked();
        request_animation_frame(move || {
            let v = leptos::prelude::untrack(current_view);
            follow_hop(hop, packet, v, reduced);
        });
    });

    // Draw whenever an input changes.
    Effect::new(move |_| {
        let Some(el) = canvas.get() else { return };
        // Layout changes (presentation mode, the aspect below) resize the element.
        let settings = prefs.get();
        // The room below the canvas' top in the window, less the caption strip under it: on a
        // projector the whole cluster and its caption are on the first screen, under the
        // controls, without scrolling (at least 55% of the window). The layout then arranges
        // the scene for this size (`Session::set_screen`), not the other way round.
        let r = el.get_bounding_client_rect();
        let vh = web_sys::window()
            .and_then(|w| w.inner_height().ok())
            .and_then(|h| h.as_f64())
            .unwrap_or(900.0);
        let phone = r.width() < PHONE_CANVAS;
        let want = if phone {
            // Laid out for the width alone (`Session::set_screen` with height 0), then as tall
            // as that picture is at the width's zoom.
            let w = r.width().max(100.0);
            if model.untracked(|s| s.screen()).flatten() != Some((w as u32, 0)) {
                model.update(|s| s.set_screen(w, 0.0));
            }
            let b = model.with_scene(Scene::bounds);
            let zoom = ((w - 2.0 * FIT_MARGIN) / b.w.max(1.0)).min(PHONE_MAX_ZOOM);
            (b.h * zoom + 2.0 * FIT_MARGIN).clamp(280.0, PHONE_MAX_SCREENS * vh)
        } else {
            let top = r.top() + web_sys::window().map_or(0.0, |w| w.scroll_y().unwrap_or(0.0));
            (vh - top - CAPTION_RESERVE)
                .max(0.55 * vh)
                .clamp(280.0, 900.0)
        };
        let _ = web_sys::HtmlElement::style(&el).set_property("height", &format!("{want:.0}px"));
        let fresh = css_size(&el);
        if size.get_untracked() != fresh {
            size.set(fresh);
        }
        let (w, h) = size.get();
        if !phone && model.untracked(|s| s.screen()).flatten() != Some((w as u32, h as u32)) {
            model.update(|s| s.set_screen(w, h));
        }
        let dpr = web_sys::window()
            .map_or(1.0, |w| w.device_pixel_ratio())
            .max(0.5)
            .min((MAX_BACKING_PIXELS / (w * h).max(1.0)).sqrt());
        let (pw, ph) = ((w * dpr).round() as u32, (h * dpr).round() as u32);
        if el.width() != pw || el.height() != ph {
            el.set_width(pw);
            el.set_height(ph);
        }
        let Ok(Some(ctx)) = el.get_context("2d") else {
            return;
        };
        let Ok(ctx) = ctx.dyn_into::<Ctx>() else {
            return;
        };
        let v = current_view();
        let theme = settings.theme.unwrap_or(Theme::Light);
        let sel = model.selection();
        let hov = hover.get();
        let reduced = model.ui.reduced_motion.get();
        let overlay = model.overlay(reduced);
        let start = now_ms();
        let drawn = model.with_scene(|s| {
            render(
                &ctx,
                s,
                v,
                w,
                h,
                dpr,
                theme,
                hov.as_ref(),
                sel.as_ref(),
                &overlay,
            )
        });
        model.ui.draw.set((now_ms() - start, drawn));
    });

    // Wheel zoom needs a non-passive listener to keep the page from scrolling.
    let wheel_cb: WheelSlot = Rc::new(Cell::new(None));
    {
        let wheel_cb = wheel_cb.clone();
        Effect::new(move |done: Option<bool>| {
            if done == Some(true) {
                return true;
            }
            let Some(el) = canvas.get() else { return false };
            let cb =
                Closure::<dyn FnMut(web_sys::WheelEvent)>::new(move |ev: web_sys::WheelEvent| {
                    ev.prevent_default();
                    let factor = (-ev.delta_y() * 0.0015).exp();
                    let at = Point::new(f64::from(ev.offset_x()), f64::from(ev.offset_y()));
                    view.set(Some(current_view().zoom_about(at, factor)));
                });
            let opts = web_sys::AddEventListenerOptions::new();
            opts.set_passive(false);
            let _ = el.add_event_listener_with_callback_and_add_event_listener_options(
                "wheel",
                cb.as_ref().unchecked_ref(),
                &opts,
            );
            wheel_cb.set(Some(cb));
            true
        });
    }
    let wheel_keep = StoredValue::new_local(Some(wheel_cb));
    on_cleanup(move || {
        if let Some(Some(cb)) = wheel_keep.try_get_value() {
            drop(cb.take());
        }
    });

    let world_at = move |x: f64, y: f64| current_view().screen_to_world(Point::new(x, y));
    let on_down = move |ev: web_sys::PointerEvent| {
        drag.set_value(Some((
            f64::from(ev.offset_x()),
            f64::from(ev.offset_y()),
            false,
        )));
        if let Some(el) = canvas.get_untracked() {
            let _ = el.set_pointer_capture(ev.pointer_id());
        }
    };
    let on_move = move |ev: web_sys::PointerEvent| {
        let (x, y) = (f64::from(ev.offset_x()), f64::from(ev.offset_y()));
        if let Some((px, py, moved)) = drag.get_value() {
            let (dx, dy) = (x - px, y - py);
            if moved || dx.abs() + dy.abs() > 4.0 {
                view.set(Some(current_view().pan_by(dx, dy)));
                drag.set_value(Some((x, y, true)));
            }
            return;
        }
        let w = world_at(x, y);
        let hit = model.untracked(|s| s.scene().hit(w.x, w.y)).flatten();
        if hover.get_untracked() != hit {
            hover.set(hit);
        }
    };
    let on_up = move |ev: web_sys::PointerEvent| {
        let was = drag.get_value();
        drag.set_value(None);
        if let Some((_, _, false)) = was {
            let w = world_at(f64::from(ev.offset_x()), f64::from(ev.offset_y()));
            let hit = model
                .untracked(|s| s.scene().hit(w.x, w.y))
                .flatten()
                .filter(|h| !matches!(h, ObjectId::Cluster));
            // A grouped card opens into its pods: the scene grows, so fit it again.
            let opened = model
                .update(|s| {
                    let before = s.expanded_groups();
                    s.select(hit);
                    s.expanded_groups() > before
                })
                .unwrap_or(false);
            if opened {
                view.set(None);
            }
        }
    };
    let on_leave = move |_| hover.set(None);
    // On a phone a vertical swipe scrolls the page (`touch-action: pan-y`): the browser takes
    // the pointer, and the drag it began is over.
    let on_cancel = move |_| drag.set_value(None);
    let on_key = move |ev: web_sys::KeyboardEvent| {
        let (w, h) = size.get_untracked();
        let centre = Point::new(w / 2.0, h / 2.0);
        let v = current_view();
        let next = match ev.key().as_str() {
            "+" | "=" => Some(v.zoom_about(centre, 1.25)),
            "-" | "_" => Some(v.zoom_about(centre, 0.8)),
            "0" => None,
            "f" | "F" => {
                if focus_journey(model) {
                    ev.prevent_default();
                    ev.stop_propagation();
                }
                return;
            }
            "ArrowUp" if ev.shift_key() => Some(v.pan_by(0.0, 60.0)),
            "ArrowDown" if ev.shift_key() => Some(v.pan_by(0.0, -60.0)),
            "ArrowLeft" if ev.shift_key() => Some(v.pan_by(60.0, 0.0)),
            "ArrowRight" if ev.shift_key() => Some(v.pan_by(-60.0, 0.0)),
            _ => return,
        };
        ev.prevent_default();
        ev.stop_propagation();
        view.set(next);
    };
    let cursor = move || {
        if hover.get().is_some() {
            "pointer"
        } else {
            "grab"
        }
    };
    let hover_label = move || hover.get().map(|h| h.to_string()).unwrap_or_default();

    view! {
        <div class="canvas-wrap">
            <canvas
                id="cluster"
                node_ref=canvas
                tabindex="0"
                role="img"
                aria-label="The cluster: nodes, pods and Services. Zoom with + and -, pan with Shift+arrows, 0 fits. The event list is the text version of what moves here."
                style:cursor=cursor
                on:pointerdown=on_down
                on:pointermove=on_move
                on:pointerup=on_up
                on:pointerleave=on_leave
                on:pointercancel=on_cancel
                on:keydown=on_key
            ></canvas>
            <div class="canvas-hover" aria-hidden="true">{hover_label}</div>
        </div>
    }
}
