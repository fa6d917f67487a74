//! The scene model: what the canvas draws ([`Item`]s of [`Shape`]s with a [`Style`] and a
//! [`Role`]), and the [`Scene`] that holds them, built back to front by the layout phases.

use super::geometry::{segment_meets, Point, Rect};
use super::ids::ObjectId;
use super::metrics::{fit_text, text_width, RADIUS};
use super::plan::Plan;
use std::collections::BTreeMap;

/// The semantic role of a shape. The renderer maps roles to theme colours (light, dark,
/// projector), so no colour is decided here.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Role {
    Cluster,
    Node,
    /// A control-plane node (drawn like a node, with a distinct tint).
    NodeControlPlane,
    KubeProxy,
    PodReady,
    PodNotReady,
    PodTerminating,
    PodPending,
    /// Phase Failed or Succeeded: it no longer runs.
    PodStopped,
    Service,
    /// `kube-system/kube-dns`: the cluster DNS Service.
    ServiceDns,
    ServiceHeadless,
    ServiceExternalName,
    /// An EndpointSlice of a Service: a chip under it with its endpoint count.
    EndpointSlice,
    NodePort,
    LoadBalancer,
    Client,
    /// A manual endpoint or a remote host outside the cluster.
    ExternalHost,
    /// The "pods not scheduled yet" box.
    Unscheduled,
    EdgeSelector,
    EdgeEndpoint,
    EdgeEndpointNotReady,
    EdgeLoadBalancer,
    /// A title (cluster, node, pod or service name).
    Title,
    /// Ordinary text (addresses, ports, status).
    Text,
    /// Secondary text (labels, namespaces, hidden system pods).
    TextMuted,
    /// Drawn by the renderer around the hovered / selected object.
    Highlight,
}

impl Role {
    /// A CSS-like name (`pod-ready`, `edge-endpoint-notready`) for theme tables.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Cluster => "cluster",
            Role::Node => "node",
            Role::NodeControlPlane => "node-control-plane",
            Role::KubeProxy => "kube-proxy",
            Role::PodReady => "pod-ready",
            Role::PodNotReady => "pod-not-ready",
            Role::PodTerminating => "pod-terminating",
            Role::PodPending => "pod-pending",
            Role::PodStopped => "pod-stopped",
            Role::Service => "service",
            Role::ServiceDns => "service-dns",
            Role::ServiceHeadless => "service-headless",
            Role::ServiceExternalName => "service-externalname",
            Role::EndpointSlice => "endpointslice",
            Role::NodePort => "nodeport",
            Role::LoadBalancer => "lb",
            Role::Client => "client",
            Role::ExternalHost => "external-host",
            Role::Unscheduled => "unscheduled",
            Role::EdgeSelector => "edge-selector",
            Role::EdgeEndpoint => "edge-endpoint",
            Role::EdgeEndpointNotReady => "edge-endpoint-notready",
            Role::EdgeLoadBalancer => "edge-lb",
            Role::Title => "title",
            Role::Text => "text",
            Role::TextMuted => "text-muted",
            Role::Highlight => "highlight",
        }
    }
}

/// How a shape is drawn: its role, plus the few things that are not colour.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Style {
    pub role: Role,
    /// Dashed outline/line (not-ready endpoint edges, pending pods, terminating pods).
    pub dashed: bool,
    /// Stroke width in world units.
    pub line_width: f64,
}

impl Style {
    pub const fn new(role: Role) -> Style {
        Style {
            role,
            dashed: false,
            line_width: 1.5,
        }
    }

    pub(super) const fn dashed(mut self) -> Style {
        self.dashed = true;
        self
    }

    pub(super) const fn width(mut self, w: f64) -> Style {
        self.line_width = w;
        self
    }
}

/// Horizontal text alignment relative to the text's `pos`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Align {
    Left,
    Center,
    Right,
}

/// One drawable shape, in world coordinates.
#[derive(Debug, Clone, PartialEq)]
pub enum Shape {
    /// A rounded rectangle (`radius` is the corner radius).
    Rect {
        rect: Rect,
        radius: f64,
    },
    Circle {
        center: Point,
        radius: f64,
    },
    Line {
        from: Point,
        to: Point,
    },
    Polyline {
        points: Vec<Point>,
    },
    /// Text with its baseline at `pos.y`. Already shortened (with `…`) to fit `max_width` at
    /// an average glyph width of [`CHAR_WIDTH`](super::CHAR_WIDTH) × `size`, so layout needs no font metrics.
    Text {
        pos: Point,
        text: String,
        /// Font size in world units (≥ [`FONT_SMALL`](super::FONT_SMALL), readable on a projector at zoom 1).
        size: f64,
        bold: bool,
        align: Align,
        max_width: f64,
    },
}

impl Shape {
    /// The shape's bounding box (used for culling and bounds).
    pub fn bbox(&self) -> Rect {
        match self {
            Shape::Rect { rect, .. } => *rect,
            Shape::Circle { center, radius } => Rect::new(
                center.x - radius,
                center.y - radius,
                2.0 * radius,
                2.0 * radius,
            ),
            Shape::Line { from, to } => Rect::around(&[*from, *to]),
            Shape::Polyline { points } => Rect::around(points),
            Shape::Text {
                pos,
                text,
                size,
                align,
                ..
            } => {
                let w = text_width(text, *size);
                let x = match align {
                    Align::Left => pos.x,
                    Align::Center => pos.x - w / 2.0,
                    Align::Right => pos.x - w,
                };
                Rect::new(x, pos.y - size, w, size * 1.25)
            }
        }
    }

    /// Whether any part of the shape may be inside `view` (exact for lines, so the hundreds
    /// of edges fanning out of a Service are culled too; bounding box otherwise).
    pub fn meets(&self, view: &Rect) -> bool {
        let view = view.inflate(2.0);
        match self {
            Shape::Line { from, to } => segment_meets(*from, *to, &view),
            Shape::Polyline { points } => {
                points.windows(2).any(|w| segment_meets(w[0], w[1], &view))
            }
            s => s.bbox().intersects(&view),
        }
    }
}

/// A shape with its identity and style. Items are drawn in order (later on top).
#[derive(Debug, Clone, PartialEq)]
pub struct Item {
    /// The object this shape belongs to (labels carry their object's id so hover highlight can
    /// find them; None for decoration).
    pub id: Option<ObjectId>,
    pub shape: Shape,
    pub style: Style,
    /// Whether [`Scene::hit`] considers it (box outlines yes; text and edges no).
    pub hittable: bool,
}

impl Item {
    /// A node's and the cluster's text is drawn over the edges that cross its box: a halo in
    /// the box's own fill keeps it readable where a line passes (the canvas and the SVG).
    pub fn text_halo(&self) -> Option<Role> {
        match (&self.shape, &self.id) {
            (Shape::Text { .. }, Some(ObjectId::Node(_))) => Some(Role::Node),
            (Shape::Text { .. }, Some(ObjectId::Cluster)) => Some(Role::Cluster),
            _ => None,
        }
    }
}

/// The layer of the text of layer-0 boxes (nodes, the cluster): after the edges (1), before
/// the pods, Services and outside boxes (2), whose own text is drawn with them.
const TEXT_OVER_EDGES: u8 = 2;

/// Everything the canvas draws, positioned.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Scene {
    /// Back to front.
    pub items: Vec<Item>,
    /// Object → index of its main (hittable) shape in `items`.
    pub(super) index: BTreeMap<ObjectId, usize>,
    /// (node, pod name) → pod id, for trace places that name a pod by node and name only.
    pub(super) pods_by_node: BTreeMap<(String, String), ObjectId>,
    /// IP → object, for places that are only an address (LB IPs, external hosts, nodes).
    pub(super) by_ip: BTreeMap<String, ObjectId>,
    /// A pod drawn inside another's card (replicas grouped, `Detail::Grouped`) → that card's
    /// pod: hops, selections and highlights of the one find the other.
    pub(super) aliases: BTreeMap<ObjectId, ObjectId>,
    /// A grouped card ("web × 84", its first pod's id) → its workload (`namespace/name`):
    /// what opening the card expands.
    pub(super) groups: BTreeMap<ObjectId, String>,
    /// How the layout arranged the scene for its screen.
    pub(super) plan: Option<Plan>,
    bounds: Rect,
    /// Drawing layer of each item while building (0 back: cluster and nodes; 1: edges;
    /// 2 front: pods, Services, outside boxes); `finish` sorts by it.
    layers: Vec<u8>,
    pub(super) layer: u8,
}

impl Scene {
    /// The rectangle containing every shape (what "fit to screen" fits).
    pub fn bounds(&self) -> Rect {
        self.bounds
    }

    /// Whether the object is drawn (on its own, or inside a grouped card).
    pub fn contains(&self, id: &ObjectId) -> bool {
        self.index.contains_key(self.resolve(id))
    }

    /// The object whose shape stands for `id`: itself, or the card it is grouped into.
    pub fn resolve<'a>(&'a self, id: &'a ObjectId) -> &'a ObjectId {
        self.aliases.get(id).unwrap_or(id)
    }

    /// The workload (`namespace/name`) whose replicas the card `id` groups, if it is a
    /// grouped card (or a pod inside one).
    pub fn group_of(&self, id: &ObjectId) -> Option<&str> {
        self.groups.get(self.resolve(id)).map(String::as_str)
    }

    /// The arrangement and level of detail the layout chose (None for an empty scene).
    pub fn plan(&self) -> Option<Plan> {
        self.plan
    }

    /// Every object that has a main shape, in id order.
    pub fn objects(&self) -> impl Iterator<Item = &ObjectId> {
        self.index.keys()
    }

    /// Items whose bounding box meets `view` (world coordinates): draw only these per frame.
    pub fn visible(&self, view: Rect) -> impl Iterator<Item = &Item> {
        self.items.iter().filter(move |i| i.shape.meets(&view))
    }

    pub(super) fn push(
        &mut self,
        id: Option<ObjectId>,
        shape: Shape,
        style: Style,
        hittable: bool,
    ) {
        if hittable {
            if let Some(id) = &id {
                self.index.insert(id.clone(), self.items.len());
            }
        }
        // A node's or the cluster's text goes over the edges that cross its box (layer 0 is
        // drawn before them), so a Service's lines never hide a node's name.
        let layer = if self.layer == 0 && matches!(shape, Shape::Text { .. }) {
            TEXT_OVER_EDGES
        } else {
            self.layer
        };
        self.items.push(Item {
            id,
            shape,
            style,
            hittable,
        });
        self.layers.push(layer);
    }

    /// Order items by layer (stable, so order within a layer is kept), rebuild the index and
    /// compute the bounds.
    pub(super) fn finish(&mut self) {
        let mut items: Vec<(u8, Item)> = std::mem::take(&mut self.layers)
            .into_iter()
            .zip(std::mem::take(&mut self.items))
            .collect();
        items.sort_by_key(|(l, _)| *l);
        self.items = items.into_iter().map(|(_, i)| i).collect();
        self.index.clear();
        let mut bounds: Option<Rect> = None;
        for (k, i) in self.items.iter().enumerate() {
            if i.hittable {
                if let Some(id) = &i.id {
                    self.index.insert(id.clone(), k);
                }
            }
            let b = i.shape.bbox();
            bounds = Some(bounds.map_or(b, |a| a.union(&b)));
        }
        self.bounds = bounds.unwrap_or_default().inflate(16.0);
    }

    pub(super) fn rect_item(&mut self, id: ObjectId, rect: Rect, style: Style) {
        self.push(
            Some(id),
            Shape::Rect {
                rect,
                radius: RADIUS,
            },
            style,
            true,
        );
    }

    #[allow(clippy::too_many_arguments)]
    pub(super) fn text(
        &mut self,
        id: Option<&ObjectId>,
        x: f64,
        y: f64,
        text: &str,
        size: f64,
        bold: bool,
        align: Align,
        max_width: f64,
        role: Role,
    ) {
        if text.is_empty() {
            return;
        }
        self.push(
            id.cloned(),
            Shape::Text {
                pos: Point::new(x, y),
                text: fit_text(text, size, max_width),
                size,
                bold,
                align,
                max_width,
            },
            Style::new(role),
            false,
        );
    }
}
