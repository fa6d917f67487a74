//! The view transform: the renderer's zoom and pan, and fitting the scene to a screen.

use super::geometry::{Point, Rect};

/// Smallest and largest zoom the page allows (a 50-node cluster fits; a label can fill the
/// projector).
pub const MIN_ZOOM: f64 = 0.02;
pub const MAX_ZOOM: f64 = 8.0;

/// The renderer's zoom and pan: `screen = world × zoom + pan`.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct View {
    pub zoom: f64,
    pub pan: Point,
}

impl Default for View {
    fn default() -> Self {
        View {
            zoom: 1.0,
            pan: Point::default(),
        }
    }
}

impl View {
    pub fn world_to_screen(&self, p: Point) -> Point {
        Point::new(p.x * self.zoom + self.pan.x, p.y * self.zoom + self.pan.y)
    }

    pub fn screen_to_world(&self, p: Point) -> Point {
        let z = if self.zoom.is_finite() && self.zoom > 0.0 {
            self.zoom
        } else {
            1.0
        };
        Point::new((p.x - self.pan.x) / z, (p.y - self.pan.y) / z)
    }

    /// Zoom by `factor` keeping the world point under `screen` fixed (mouse-wheel zoom).
    /// The result is clamped to [`MIN_ZOOM`]..=[`MAX_ZOOM`]; non-finite factors are ignored.
    pub fn zoom_about(&self, screen: Point, factor: f64) -> View {
        if !factor.is_finite() || factor <= 0.0 {
            return *self;
        }
        let world = self.screen_to_world(screen);
        let zoom = (self.zoom * factor).clamp(MIN_ZOOM, MAX_ZOOM);
        View {
            zoom,
            pan: Point::new(screen.x - world.x * zoom, screen.y - world.y * zoom),
        }
    }

    /// Move by a screen-space drag.
    pub fn pan_by(&self, dx: f64, dy: f64) -> View {
        if !dx.is_finite() || !dy.is_finite() {
            return *self;
        }
        View {
            zoom: self.zoom,
            pan: Point::new(self.pan.x + dx, self.pan.y + dy),
        }
    }

    /// The view showing all of `bounds`, centred, in a `width` × `height` screen with
    /// `margin` pixels around (zoom clamped as in [`View::zoom_about`]).
    pub fn fit(bounds: Rect, width: f64, height: f64, margin: f64) -> View {
        let avail_w = (width - 2.0 * margin).max(1.0);
        let avail_h = (height - 2.0 * margin).max(1.0);
        let zoom = if bounds.w > 0.0 && bounds.h > 0.0 {
            (avail_w / bounds.w).min(avail_h / bounds.h)
        } else {
            1.0
        };
        let zoom = if zoom.is_finite() {
            zoom.clamp(MIN_ZOOM, MAX_ZOOM)
        } else {
            1.0
        };
        let c = bounds.center();
        View {
            zoom,
            pan: Point::new(width / 2.0 - c.x * zoom, height / 2.0 - c.y * zoom),
        }
    }

    /// The world rectangle a `width` × `height` screen shows (for [`Scene::visible`](super::Scene::visible)).
    pub fn visible_world(&self, width: f64, height: f64) -> Rect {
        let a = self.screen_to_world(Point::new(0.0, 0.0));
        let b = self.screen_to_world(Point::new(width, height));
        Rect::around(&[a, b])
    }
}
