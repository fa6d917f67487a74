//! "Send 100": how many connections each endpoint got, as a bar chart drawn by plotters on a
//! `<canvas>` (plotters-canvas), with the same numbers as a list beside it (the text
//! alternative, and what tests read).

use crate::model::{use_model, use_player, use_prefs};
use leptos::html;
use leptos::prelude::*;
use plotters::prelude::*;
use plotters_canvas::CanvasBackend;
use svcsim_scene::distribution::{bars, short, Bar};
use svcsim_scene::settings::Theme;

/// Draw `bars` on `canvas` (already sized in device pixels; `dpr` scales text and lines).
pub fn draw(
    canvas: web_sys::HtmlCanvasElement,
    bars: &[Bar],
    total: u32,
    theme: Theme,
    dpr: f64,
) -> Result<(), String> {
    let backend = CanvasBackend::with_canvas_object(canvas).ok_or("no 2d context")?;
    let root = backend.into_drawing_area();
    let (bg, fg, bar, bad) = match theme {
        Theme::Light => (
            WHITE,
            RGBColor(17, 17, 17),
            RGBColor(11, 61, 145),
            RGBColor(155, 0, 0),
        ),
        Theme::Dark => (
            RGBColor(20, 24, 28),
            RGBColor(240, 240, 240),
            RGBColor(110, 170, 255),
            RGBColor(255, 120, 120),
        ),
    };
    root.fill(&bg).map_err(|e| e.to_string())?;
    if bars.is_empty() {
        return root.present().map_err(|e| e.to_string());
    }
    let px = |v: f64| -> u32 {
        // Font and margin sizes: small positive numbers.
        (v * dpr).round().max(1.0) as u32
    };
    let font = ("sans-serif", px(16.0)).into_font().color(&fg);
    let n = u32::try_from(bars.len()).unwrap_or(u32::MAX);
    let max = bars.iter().map(|b| b.count).max().unwrap_or(1).max(1);
    let labels: Vec<String> = bars.iter().map(|b| short(&b.label, 12)).collect();
    let mut chart = ChartBuilder::on(&root)
        .margin(px(10.0))
        .x_label_area_size(px(34.0))
        .y_label_area_size(px(46.0))
        .caption(
            format!("{total} connections: which endpoint answered"),
            ("sans-serif", px(18.0)).into_font().color(&fg),
        )
        .build_cartesian_2d((0..n).into_segmented(), 0..(max + max / 5 + 1))
        .map_err(|e| e.to_string())?;
    chart
        .configure_mesh()
        .disable_x_mesh()
        .bold_line_style(fg.mix(0.15))
        .light_line_style(TRANSPARENT)
        .axis_style(fg)
        .label_style(font.clone())
        .x_labels(bars.len())
        .x_label_formatter(&|v| match v {
            SegmentValue::CenterOf(i) => usize::try_from(*i)
                .ok()
                .and_then(|i| labels.get(i))
                .cloned()
                .unwrap_or_default(),
            _ => String::new(),
        })
        .y_desc("connections")
        .draw()
        .map_err(|e| e.to_string())?;
    chart
        .draw_series(bars.iter().enumerate().map(|(i, b)| {
            let i = u32::try_from(i).unwrap_or(0);
            let color = if b.failed { bad } else { bar };
            let mut r = Rectangle::new(
                [
                    (SegmentValue::Exact(i), 0),
                    (SegmentValue::Exact(i + 1), b.count),
                ],
                color.filled(),
            );
            r.set_margin(0, 0, px(12.0), px(12.0));
            r
        }))
        .map_err(|e| e.to_string())?;
    chart
        .draw_series(bars.iter().enumerate().map(|(i, b)| {
            let i = u32::try_from(i).unwrap_or(0);
            Text::new(
                b.count.to_string(),
                (SegmentValue::CenterOf(i), b.count),
                font.clone(),
            )
        }))
        .map_err(|e| e.to_string())?;
    root.present().map_err(|e| e.to_string())
}

/// The chart panel for the last "Send 100".
#[component]
pub fn DistributionChart() -> impl IntoView {
    let model = use_model();
    let player = use_player();
    let prefs = use_prefs();
    let canvas: NodeRef<html::Canvas> = NodeRef::new();
    Effect::new(move |_| {
        let theme = prefs.get().theme.unwrap_or(Theme::Light);
        let Some(el) = canvas.get() else { return };
        player.with_journey(|p| {
            let d = p.distribution();
            let Some(d) = d else { return };
            let dpr = web_sys::window()
                .map_or(1.0, |w| w.device_pixel_ratio())
                .max(1.0);
            let css_w = f64::from(el.client_width().max(300));
            let css_h = f64::from(el.client_height().max(200));
            {
                el.set_width((css_w * dpr) as u32);
                el.set_height((css_h * dpr) as u32);
            }
            if let Err(e) = draw(el.clone(), &bars(d), d.count, theme, dpr) {
                model.say(format!("chart: {e}"));
            }
        });
    });
    let items = move || {
        player.with_journey(|p| {
            p.distribution()
                .map(|d| {
                    bars(d)
                        .into_iter()
                        .map(|b| {
                            let detail = if b.detail.is_empty() {
                                String::new()
                            } else {
                                format!(" ({})", b.detail)
                            };
                            view! {
                                <li>
                                    <span class="bar-label">{b.label}</span>
                                    {detail}
                                    ": "
                                    <strong>{b.count}</strong>
                                </li>
                            }
                        })
                        .collect_view()
                })
                .unwrap_or_default()
        })
    };
    view! {
        <div class="chart" class:hidden=move || player.with_journey(|p| p.distribution().is_none())>
            <canvas
                id="chart"
                node_ref=canvas
                role="img"
                aria-label="Connections per endpoint (the list beside it has the numbers)"
            ></canvas>
            <ul id="distribution" class="distribution" aria-live="polite">
                {items}
            </ul>
        </div>
    }
}
