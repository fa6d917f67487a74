//! Engine state → a [`Scene`]: positioned shapes with stable ids, in world coordinates.
//!
//! Why a pure function: design.md's "the UI renders, it does not decide". Everything about
//! *where* things are (and what they say) is decided here, natively tested, and the canvas
//! code only maps [`Role`]s to theme colours and draws the [`Item`]s in order. The same
//! cluster always gives the identical scene, so a shared link reproduces the picture.
//!
//! The picture (world units are CSS pixels at zoom 1):
//!
//! ```text
//!  ( external client )  [LB 172.18.255.200]  [host 10.4.5.6]  [other hosts]     ← outside
//!
//!  ┌──────────────── cluster "kind" ──────────────────────┐
//!  │ [svc my-service 10.96.x.y:80]  [svc kube-dns …]       │
//!  │   ╲ selector / endpoint edges ╲                       │
//!  │ ┌ kind-control-plane ─(kp)┐ ┌ kind-worker ─(kp)┐ …    │
//!  │ │ 172.18.0.2 · podCIDR    │ │ [pod]            │      │
//!  │ │ [coredns] [coredns]     │ │ [pod]            │      │
//!  │ └──────────[:30080]───────┘ └─────[:30080]─────┘      │
//!  └───────────────────────────────────────────────────────┘
//! ```
//!
//! The outside row sits above the cluster (not beside it) and a lecture-sized node has one
//! pod column, so the scene is narrow and the canvas, between the editor and the event list,
//! draws it near 1:1.
//!
//! Stability: the node grid's column count depends only on the number of nodes, a node's cell
//! only on its rank (control planes first, then natural name order), and pods are ordered by
//! creation time inside their node, so adding a pod never moves a node sideways nor another
//! pod of the same node — except when the busiest node crosses a pod-column threshold
//! (`pod_columns_for`: 4, 16 pods), where the nodes reflow once. Row heights are rounded up
//! to an even number of pod rows, so most single-pod changes do not move the rows below either.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::net::Ipv4Addr;
use svcsim_engine::api::core::{Pod, Service};
use svcsim_engine::api::discovery::Endpoint;
use svcsim_engine::api::meta::map_selector_matches;
use svcsim_engine::cluster::Cluster;
use svcsim_engine::trace::{Place, DEFAULT_EXTERNAL_CLIENT};

// ---------------------------------------------------------------------------------------------
// Geometry
// ---------------------------------------------------------------------------------------------

/// A point in world (or screen) coordinates.
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Point {
    pub x: f64,
    pub y: f64,
}

impl Point {
    pub const fn new(x: f64, y: f64) -> Point {
        Point { x, y }
    }

    /// Euclidean distance (animation speed is proportional to it).
    pub fn distance(self, other: Point) -> f64 {
        ((self.x - other.x).powi(2) + (self.y - other.y).powi(2)).sqrt()
    }

    /// Linear interpolation: `t = 0` is `self`, `t = 1` is `other` (t is clamped to 0..=1).
    pub fn lerp(self, other: Point, t: f64) -> Point {
        let t = if t.is_finite() {
            t.clamp(0.0, 1.0)
        } else {
            0.0
        };
        Point::new(
            self.x + (other.x - self.x) * t,
            self.y + (other.y - self.y) * t,
        )
    }

    fn midpoint(self, other: Point) -> Point {
        self.lerp(other, 0.5)
    }
}

/// An axis-aligned rectangle (`x`, `y` is the top-left corner; `w`, `h` are never negative).
#[derive(Debug, Clone, Copy, PartialEq, Default)]
pub struct Rect {
    pub x: f64,
    pub y: f64,
    pub w: f64,
    pub h: f64,
}

impl Rect {
    pub const fn new(x: f64, y: f64, w: f64, h: f64) -> Rect {
        Rect { x, y, w, h }
    }

    pub fn right(&self) -> f64 {
        self.x + self.w
    }

    pub fn bottom(&self) -> f64 {
        self.y + self.h
    }

    pub fn center(&self) -> Point {
        Point::new(self.x + self.w / 2.0, self.y + self.h / 2.0)
    }

    /// Inclusive of the border, so a click on the outline still selects.
    pub fn contains(&self, p: Point) -> bool {
        p.x >= self.x && p.x <= self.right() && p.y >= self.y && p.y <= self.bottom()
    }

    /// Whether `other` lies entirely inside `self`.
    pub fn contains_rect(&self, other: &Rect) -> bool {
        other.x >= self.x
            && other.y >= self.y
            && other.right() <= self.right()
            && other.bottom() <= self.bottom()
    }

    /// Whether the interiors overlap (touching edges do not count).
    pub fn intersects(&self, other: &Rect) -> bool {
        self.x < other.right()
            && other.x < self.right()
            && self.y < other.bottom()
            && other.y < self.bottom()
    }

    /// The smallest rectangle containing both.
    pub fn union(&self, other: &Rect) -> Rect {
        let x = self.x.min(other.x);
        let y = self.y.min(other.y);
        Rect::new(
            x,
            y,
            self.right().max(other.right()) - x,
            self.bottom().max(other.bottom()) - y,
        )
    }

    /// Grown by `d` on every side.
    pub fn inflate(&self, d: f64) -> Rect {
        Rect::new(self.x - d, self.y - d, self.w + 2.0 * d, self.h + 2.0 * d)
    }

    fn around(points: &[Point]) -> Rect {
        let mut it = points.iter();
        let Some(first) = it.next() else {
            return Rect::default();
        };
        let (mut x0, mut y0, mut x1, mut y1) = (first.x, first.y, first.x, first.y);
        for p in it {
            x0 = x0.min(p.x);
            y0 = y0.min(p.y);
            x1 = x1.max(p.x);
            y1 = y1.max(p.y);
        }
        Rect::new(x0, y0, x1 - x0, y1 - y0)
    }
}

// ---------------------------------------------------------------------------------------------
// Ids, styles, shapes
// ---------------------------------------------------------------------------------------------

/// What an edge between two objects means.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum EdgeKind {
    /// The Service's selector matches the pod's labels (what the user *asked* for).
    Selector,
    /// The pod is a ready endpoint in one of the Service's EndpointSlices (what kube-proxy *uses*).
    Endpoint,
    /// An endpoint listed as not ready (readiness failing or terminating): kube-proxy skips it.
    EndpointNotReady,
    /// A LoadBalancer address pointing at its Service.
    LoadBalancer,
}

/// A stable identity for everything the page can hover, select or animate towards.
///
/// Its [`Display`](fmt::Display) form (`pod/default/web-1`, `svc/kube-system/kube-dns`,
/// `node/kind-worker`, `lb/172.18.255.200`, …) round-trips through [`ObjectId::parse`], so a
/// selection can live in a share link.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum ObjectId {
    /// The cluster's outline.
    Cluster,
    Node(String),
    /// The kube-proxy chip in a node's header (where a packet sits while rules are evaluated).
    KubeProxy(String),
    Pod {
        namespace: String,
        name: String,
    },
    Service {
        namespace: String,
        name: String,
    },
    /// EndpointSlices are not boxes of their own (their endpoints are the endpoint edges); the
    /// id exists so the inspector can select one.
    EndpointSlice {
        namespace: String,
        name: String,
    },
    /// A NodePort badge on a node's edge: `port` is the nodePort.
    NodePort {
        node: String,
        namespace: String,
        service: String,
        port: i32,
    },
    /// A LoadBalancer address (MetalLB), outside the cluster.
    LoadBalancer(String),
    /// The machine outside the cluster that sends external requests ([`DEFAULT_EXTERNAL_CLIENT`]).
    ExternalClient,
    /// A manual endpoint address that is neither a pod nor a node (a selector-less Service's
    /// EndpointSlice, e.g. `10.4.5.6`): a host outside the cluster.
    ExternalEndpoint(String),
    /// Every other host outside the cluster (ExternalName targets, the upstream DNS, …).
    Remote,
    /// The box of pods no node runs yet (Pending, unschedulable).
    Unscheduled,
    /// An edge; `from` is the Service (or LB), `to` the pod/node/endpoint.
    Edge {
        kind: EdgeKind,
        from: Box<ObjectId>,
        to: Box<ObjectId>,
    },
}

impl ObjectId {
    pub fn pod(namespace: &str, name: &str) -> ObjectId {
        ObjectId::Pod {
            namespace: namespace.to_string(),
            name: name.to_string(),
        }
    }

    pub fn service(namespace: &str, name: &str) -> ObjectId {
        ObjectId::Service {
            namespace: namespace.to_string(),
            name: name.to_string(),
        }
    }

    /// The objects a journey hop happens at, so the canvas can outline them while the packet is
    /// there: the pod, the node (veth, root namespace), the node's kube-proxy, both machines of a
    /// wire, the load balancer, the external client or host.
    pub fn for_place(place: &Place) -> Vec<ObjectId> {
        match place {
            Place::Pod {
                namespace, name, ..
            } => vec![ObjectId::pod(namespace, name)],
            Place::Veth { node, .. } | Place::Node { node } => vec![ObjectId::Node(node.clone())],
            Place::KubeProxy { node, .. } => vec![ObjectId::KubeProxy(node.clone())],
            Place::Wire { from, to, .. } => vec![ObjectId::machine(from), ObjectId::machine(to)],
            Place::LoadBalancer { ip, .. } => vec![ObjectId::LoadBalancer(ip.to_string())],
            Place::External { ip } if *ip == DEFAULT_EXTERNAL_CLIENT => {
                vec![ObjectId::ExternalClient]
            }
            Place::External { ip } => vec![ObjectId::ExternalEndpoint(ip.to_string())],
        }
    }

    /// One end of a wire: a node by name, or a machine outside the cluster by address.
    fn machine(name: &str) -> ObjectId {
        match name.parse::<Ipv4Addr>() {
            Ok(ip) if ip == DEFAULT_EXTERNAL_CLIENT => ObjectId::ExternalClient,
            Ok(ip) => ObjectId::ExternalEndpoint(ip.to_string()),
            Err(_) => ObjectId::Node(name.to_string()),
        }
    }

    /// Parse the [`Display`](fmt::Display) form back (edges are not parseable: they are
    /// never selected on their own). Never panics.
    pub fn parse(s: &str) -> Option<ObjectId> {
        let (kind, rest) = s.split_once('/').unwrap_or((s, ""));
        let two = |rest: &str| {
            rest.split_once('/')
                .filter(|(a, b)| !a.is_empty() && !b.is_empty() && !b.contains('/'))
                .map(|(a, b)| (a.to_string(), b.to_string()))
        };
        let one = |rest: &str| (!rest.is_empty() && !rest.contains('/')).then(|| rest.to_string());
        Some(match kind {
            "cluster" if rest.is_empty() => ObjectId::Cluster,
            "node" => ObjectId::Node(one(rest)?),
            "kube-proxy" => ObjectId::KubeProxy(one(rest)?),
            "pod" => {
                let (namespace, name) = two(rest)?;
                ObjectId::Pod { namespace, name }
            }
            "svc" => {
                let (namespace, name) = two(rest)?;
                ObjectId::Service { namespace, name }
            }
            "endpointslice" => {
                let (namespace, name) = two(rest)?;
                ObjectId::EndpointSlice { namespace, name }
            }
            "nodeport" => {
                let mut parts = rest.split('/');
                let node = parts.next()?.to_string();
                let namespace = parts.next()?.to_string();
                let service = parts.next()?.to_string();
                let port = parts.next()?.parse().ok()?;
                if parts.next().is_some() || node.is_empty() || service.is_empty() {
                    return None;
                }
                ObjectId::NodePort {
                    node,
                    namespace,
                    service,
                    port,
                }
            }
            "lb" => ObjectId::LoadBalancer(one(rest)?),
            "external-client" if rest.is_empty() => ObjectId::ExternalClient,
            "external" => ObjectId::ExternalEndpoint(one(rest)?),
            "remote" if rest.is_empty() => ObjectId::Remote,
            "unscheduled" if rest.is_empty() => ObjectId::Unscheduled,
            _ => return None,
        })
    }

    /// For an edge, whether `other` is one of its ends; for anything else, equality. The
    /// renderer uses it for hover highlight: hovering a pod lights up the edges that reach it.
    pub fn touches(&self, other: &ObjectId) -> bool {
        match self {
            ObjectId::Edge { from, to, .. } => **from == *other || **to == *other || self == other,
            _ => self == other,
        }
    }
}

impl fmt::Display for ObjectId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ObjectId::Cluster => f.write_str("cluster"),
            ObjectId::Node(n) => write!(f, "node/{n}"),
            ObjectId::KubeProxy(n) => write!(f, "kube-proxy/{n}"),
            ObjectId::Pod { namespace, name } => write!(f, "pod/{namespace}/{name}"),
            ObjectId::Service { namespace, name } => write!(f, "svc/{namespace}/{name}"),
            ObjectId::EndpointSlice { namespace, name } => {
                write!(f, "endpointslice/{namespace}/{name}")
            }
            ObjectId::NodePort {
                node,
                namespace,
                service,
                port,
            } => write!(f, "nodeport/{node}/{namespace}/{service}/{port}"),
            ObjectId::LoadBalancer(ip) => write!(f, "lb/{ip}"),
            ObjectId::ExternalClient => f.write_str("external-client"),
            ObjectId::ExternalEndpoint(ip) => write!(f, "external/{ip}"),
            ObjectId::Remote => f.write_str("remote"),
            ObjectId::Unscheduled => f.write_str("unscheduled"),
            ObjectId::Edge { kind, from, to } => write!(f, "edge/{kind:?}/{from}->{to}"),
        }
    }
}

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

    const fn dashed(mut self) -> Style {
        self.dashed = true;
        self
    }

    const fn width(mut self, w: f64) -> Style {
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
    /// an average glyph width of [`CHAR_WIDTH`] × `size`, so layout needs no font metrics.
    Text {
        pos: Point,
        text: String,
        /// Font size in world units (≥ [`FONT_SMALL`], readable on a projector at zoom 1).
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

    /// Whether a click at `p` lands on the shape (only filled shapes can be hit).
    fn hit(&self, p: Point) -> bool {
        match self {
            Shape::Rect { rect, .. } => rect.contains(p),
            Shape::Circle { center, radius } => center.distance(p) <= *radius,
            _ => false,
        }
    }
}

/// Liang–Barsky: whether the segment a→b crosses `r`.
fn segment_meets(a: Point, b: Point, r: &Rect) -> bool {
    let (dx, dy) = (b.x - a.x, b.y - a.y);
    let (mut t0, mut t1) = (0.0f64, 1.0f64);
    for (p, q) in [
        (-dx, a.x - r.x),
        (dx, r.right() - a.x),
        (-dy, a.y - r.y),
        (dy, r.bottom() - a.y),
    ] {
        if p == 0.0 {
            if q < 0.0 {
                return false;
            }
        } else {
            let t = q / p;
            if p < 0.0 {
                t0 = t0.max(t);
            } else {
                t1 = t1.min(t);
            }
            if t0 > t1 {
                return false;
            }
        }
    }
    true
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

// ---------------------------------------------------------------------------------------------
// Options and metrics
// ---------------------------------------------------------------------------------------------

/// Knobs of the layout.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LayoutOptions {
    /// Show every system pod. Off (the default): CoreDNS pods are shown (they answer the DNS
    /// queries the animation follows), static and DaemonSet pods of kube-system,
    /// local-path-storage and metallb-system are summarised as one line per node.
    pub show_system: bool,
    /// Node grid columns; None: chosen from the node count alone (so it never changes when
    /// pods or Services change).
    pub columns: Option<usize>,
    /// How many `key=value` labels a pod card shows (`pod-template-hash` is never shown).
    pub max_labels: usize,
    /// Draw selector edges (service → every pod its selector matches).
    pub selector_edges: bool,
    /// Draw endpoint edges (service → every endpoint of its EndpointSlices).
    pub endpoint_edges: bool,
}

impl Default for LayoutOptions {
    fn default() -> Self {
        LayoutOptions {
            show_system: false,
            columns: None,
            max_labels: 2,
            selector_edges: true,
            endpoint_edges: true,
        }
    }
}

/// Title font size (node and cluster names).
pub const FONT_TITLE: f64 = 18.0;
/// Body text (pod names, service addresses).
pub const FONT_BODY: f64 = 15.0;
/// The smallest text in the scene (labels); still legible on a projector at zoom 1.
pub const FONT_SMALL: f64 = 13.0;
/// Average glyph width as a fraction of the font size (a sans-serif UI font).
pub const CHAR_WIDTH: f64 = 0.58;

const POD_W: f64 = 248.0;
const POD_H: f64 = 70.0;
const POD_GAP: f64 = 10.0;
const NODE_PAD: f64 = 14.0;
/// Name, then the address, then the podCIDR: three lines, so a one-column node stays narrow.
const NODE_HEADER: f64 = 88.0;
const NODE_FOOTER: f64 = 34.0;
const NODE_GAP_X: f64 = 40.0;
const NODE_GAP_Y: f64 = 48.0;
const SVC_W: f64 = 290.0;
const SVC_H: f64 = 78.0;
const SVC_GAP: f64 = 24.0;
/// Vertical room between the Services and the nodes, where the edges fan out.
const EDGE_BAND: f64 = 110.0;
const CLUSTER_PAD: f64 = 28.0;
const CLUSTER_TITLE: f64 = 44.0;
/// One slot of the row above the cluster (client, LBs, manual endpoints, other hosts).
const OUTSIDE_W: f64 = 250.0;
const OUTSIDE_GAP_X: f64 = 20.0;
const OUTSIDE_ROW_H: f64 = 2.0 * CLIENT_R + 30.0;
/// Between the outside row and the cluster box.
const OUTSIDE_GAP: f64 = 56.0;
const OUTSIDE_BOX_H: f64 = 64.0;
const BADGE_W: f64 = 74.0;
const BADGE_H: f64 = 24.0;
const KP_W: f64 = 124.0;
const KP_H: f64 = 26.0;
const CLIENT_R: f64 = 34.0;
const RADIUS: f64 = 10.0;

/// Width of `text` at `size` with the [`CHAR_WIDTH`] estimate.
pub fn text_width(text: &str, size: f64) -> f64 {
    text.chars().count() as f64 * size * CHAR_WIDTH
}

/// Shorten `text` with `…` so it fits `max_width` at `size`.
pub fn fit_text(text: &str, size: f64, max_width: f64) -> String {
    let max_chars = (max_width / (size * CHAR_WIDTH)).floor().max(1.0) as usize;
    if text.chars().count() <= max_chars {
        return text.to_string();
    }
    let mut s: String = text.chars().take(max_chars.saturating_sub(1)).collect();
    s.push('…');
    s
}

// ---------------------------------------------------------------------------------------------
// The scene
// ---------------------------------------------------------------------------------------------

/// Everything the canvas draws, positioned.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Scene {
    /// Back to front.
    pub items: Vec<Item>,
    /// Object → index of its main (hittable) shape in `items`.
    index: BTreeMap<ObjectId, usize>,
    /// (node, pod name) → pod id, for trace places that name a pod by node and name only.
    pods_by_node: BTreeMap<(String, String), ObjectId>,
    /// IP → object, for places that are only an address (LB IPs, external hosts, nodes).
    by_ip: BTreeMap<String, ObjectId>,
    bounds: Rect,
    /// Drawing layer of each item while building (0 back: cluster and nodes; 1: edges;
    /// 2 front: pods, Services, outside boxes); `finish` sorts by it.
    layers: Vec<u8>,
    layer: u8,
}

impl Scene {
    /// The rectangle containing every shape (what "fit to screen" fits).
    pub fn bounds(&self) -> Rect {
        self.bounds
    }

    /// The topmost hittable object at world point (`x`, `y`).
    pub fn hit(&self, x: f64, y: f64) -> Option<ObjectId> {
        let p = Point::new(x, y);
        self.items
            .iter()
            .rev()
            .find(|i| i.hittable && i.shape.hit(p))
            .and_then(|i| i.id.clone())
    }

    /// The main rectangle of an object (a node's, a pod's box), if it is drawn as one.
    pub fn rect(&self, id: &ObjectId) -> Option<Rect> {
        let item = self.items.get(*self.index.get(id)?)?;
        match &item.shape {
            Shape::Rect { rect, .. } => Some(*rect),
            s => Some(s.bbox()),
        }
    }

    /// Where an object is: the centre of its main shape.
    pub fn anchor(&self, id: &ObjectId) -> Option<Point> {
        self.rect(id).map(|r| r.center())
    }

    /// Whether the object is drawn.
    pub fn contains(&self, id: &ObjectId) -> bool {
        self.index.contains_key(id)
    }

    /// Every object that has a main shape, in id order.
    pub fn objects(&self) -> impl Iterator<Item = &ObjectId> {
        self.index.keys()
    }

    /// Items whose bounding box meets `view` (world coordinates): draw only these per frame.
    pub fn visible(&self, view: Rect) -> impl Iterator<Item = &Item> {
        self.items.iter().filter(move |i| i.shape.meets(&view))
    }

    /// The drawn objects a hop happens at ([`ObjectId::for_place`]); an outside address the
    /// scene does not draw on its own is the "other hosts" box.
    pub fn objects_for_place(&self, place: &Place) -> Vec<ObjectId> {
        let mut out: Vec<ObjectId> = Vec::new();
        for id in ObjectId::for_place(place) {
            let id = match id {
                ObjectId::ExternalEndpoint(_) if !self.contains(&id) => ObjectId::Remote,
                other => other,
            };
            if self.contains(&id) && !out.contains(&id) {
                out.push(id);
            }
        }
        out
    }

    /// Where a packet is drawn for a hop at `place`:
    /// * a pod: its centre (a pod hidden as a system pod: its node's header);
    /// * a veth: just under the pod's card, between the pod and its node;
    /// * a node's root namespace: the middle of the node's header;
    /// * kube-proxy: the node's kube-proxy chip;
    /// * the wire: halfway between the two machines;
    /// * a LoadBalancer: its box outside the cluster; an external host: its box or the client.
    pub fn anchor_for_place(&self, place: &Place) -> Option<Point> {
        match place {
            Place::Pod {
                namespace,
                name,
                node,
            } => self
                .anchor(&ObjectId::pod(namespace, name))
                .or_else(|| self.node_spot(node)),
            Place::Veth { node, pod, .. } => {
                match self
                    .pods_by_node
                    .get(&(node.clone(), pod.clone()))
                    .and_then(|id| self.rect(id))
                {
                    Some(r) => Some(Point::new(r.center().x, r.bottom() + POD_GAP / 2.0)),
                    None => self.node_spot(node),
                }
            }
            Place::Node { node } => self.node_spot(node),
            Place::KubeProxy { node, .. } => self
                .anchor(&ObjectId::KubeProxy(node.clone()))
                .or_else(|| self.node_spot(node)),
            Place::Wire { from, to, .. } => {
                let a = self.machine_spot(from)?;
                let b = self.machine_spot(to)?;
                Some(a.midpoint(b))
            }
            Place::LoadBalancer { ip, node } => self
                .anchor(&ObjectId::LoadBalancer(ip.to_string()))
                .or_else(|| self.node_spot(node)),
            Place::External { ip } => self.ip_spot(*ip),
        }
    }

    /// A node's root-namespace spot: the middle of its header.
    fn node_spot(&self, node: &str) -> Option<Point> {
        let r = self.rect(&ObjectId::Node(node.to_string()))?;
        Some(Point::new(r.center().x, r.y + NODE_HEADER * 0.55))
    }

    /// A machine named in a [`Place::Wire`]: a node name, or an address outside.
    fn machine_spot(&self, name: &str) -> Option<Point> {
        if let Some(p) = self.node_spot(name) {
            return Some(p);
        }
        match name.parse::<Ipv4Addr>() {
            Ok(ip) => self.ip_spot(ip),
            Err(_) => self.anchor(&ObjectId::Remote),
        }
    }

    /// An address: a node, an LB, a manual endpoint, the external client, else "remote".
    fn ip_spot(&self, ip: Ipv4Addr) -> Option<Point> {
        match self.by_ip.get(&ip.to_string()) {
            Some(ObjectId::Node(n)) => self.node_spot(n),
            Some(id) => self.anchor(id),
            None => self.anchor(&ObjectId::Remote),
        }
    }

    fn push(&mut self, id: Option<ObjectId>, shape: Shape, style: Style, hittable: bool) {
        if hittable {
            if let Some(id) = &id {
                self.index.insert(id.clone(), self.items.len());
            }
        }
        self.items.push(Item {
            id,
            shape,
            style,
            hittable,
        });
        self.layers.push(self.layer);
    }

    /// Order items by layer (stable, so order within a layer is kept), rebuild the index and
    /// compute the bounds.
    fn finish(&mut self) {
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

    fn rect_item(&mut self, id: ObjectId, rect: Rect, style: Style) {
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
    fn text(
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

// ---------------------------------------------------------------------------------------------
// The layout
// ---------------------------------------------------------------------------------------------

/// Namespaces whose pods are "system pods" (summarised unless [`LayoutOptions::show_system`]).
const SYSTEM_NAMESPACES: &[&str] = &["kube-system", "local-path-storage", "metallb-system"];

/// Whether a pod is a CoreDNS pod (kubeadm labels them `k8s-app=kube-dns`).
pub fn is_coredns(pod: &Pod) -> bool {
    pod.metadata.namespace == "kube-system"
        && pod.metadata.labels.get("k8s-app").map(String::as_str) == Some("kube-dns")
}

fn is_hidden_system_pod(pod: &Pod, opts: &LayoutOptions) -> bool {
    !opts.show_system
        && SYSTEM_NAMESPACES.contains(&pod.metadata.namespace.as_str())
        && !is_coredns(pod)
}

/// The pod's role from its state, in the order kubectl's STATUS column decides it.
pub fn pod_role(pod: &Pod) -> Role {
    if pod.metadata.deletion_timestamp.is_some() {
        Role::PodTerminating
    } else if matches!(pod.status.phase.as_str(), "Failed" | "Succeeded") {
        Role::PodStopped
    } else if pod.status.phase != "Running" || pod.spec.node_name.is_empty() {
        Role::PodPending
    } else if pod.is_ready() {
        Role::PodReady
    } else {
        Role::PodNotReady
    }
}

fn pod_status_text(pod: &Pod) -> &'static str {
    match pod_role(pod) {
        Role::PodTerminating => "Terminating",
        Role::PodStopped => "Completed",
        Role::PodPending => "Pending",
        Role::PodReady => "Ready",
        _ => "NotReady",
    }
}

/// `kind-worker2` sorts after `kind-worker` and before `kind-worker10`.
fn natural_key(s: &str) -> (String, u64, String) {
    let digits = s.len() - s.trim_end_matches(|c: char| c.is_ascii_digit()).len();
    let (head, tail) = s.split_at(s.len() - digits);
    let n = if tail.is_empty() {
        0
    } else {
        tail.parse().unwrap_or(u64::MAX)
    };
    (head.to_string(), n, s.to_string())
}

/// Columns of the node grid for `n` nodes: one row up to 4 nodes, then a roughly 3:2 grid.
fn columns_for(n: usize) -> usize {
    if n <= 4 {
        return n.max(1);
    }
    let mut c = 1usize;
    while c * c * 2 < n * 3 {
        c += 1;
    }
    c
}

/// Pod columns inside every node, from the most pods any node shows: one column for a
/// lecture-sized cluster (narrow nodes, so the scene is drawn large), two up to 16 pods, then
/// enough that the node grid stays roughly 3:2. The nodes reflow only when a node crosses one
/// of these thresholds; below them a new pod lands under the others and nothing moves.
fn pod_columns_for(max_pods: usize, node_cols: usize) -> usize {
    match max_pods {
        0..=4 => 1,
        5..=16 => 2,
        n => {
            // Node height ≈ n / c × row; grid width ≈ node_cols × c × card: solve for 3:2.
            let row = POD_H + POD_GAP;
            let card = POD_W + POD_GAP;
            let c = (n as f64 * row * 1.5 / (node_cols.max(1) as f64 * card)).sqrt();
            (c.ceil() as usize).clamp(2, 24)
        }
    }
}

/// One node's content before positioning.
struct NodeBox<'a> {
    name: String,
    id: ObjectId,
    control_plane: bool,
    ip: String,
    cidr: String,
    pods: Vec<&'a Pod>,
    hidden: Vec<&'a Pod>,
    unscheduled: bool,
}

/// Lay the cluster out. Pure and deterministic: the same cluster and options give the same
/// scene. Runs on every cluster change, so it is linear in objects plus edges.
pub fn layout(cluster: &Cluster, opts: &LayoutOptions) -> Scene {
    let store = &cluster.store;
    let mut scene = Scene::default();

    // ---- nodes and their pods -----------------------------------------------------------
    let mut nodes: Vec<NodeBox> = store
        .nodes
        .values()
        .map(|n| NodeBox {
            name: n.metadata.name.clone(),
            id: ObjectId::Node(n.metadata.name.clone()),
            control_plane: n.is_control_plane(),
            ip: n.internal_ip().unwrap_or_default().to_string(),
            cidr: n.spec.pod_cidr.clone(),
            pods: Vec::new(),
            hidden: Vec::new(),
            unscheduled: false,
        })
        .collect();
    nodes.sort_by_cached_key(|n| (!n.control_plane, natural_key(&n.name)));
    let node_index: BTreeMap<String, usize> = nodes
        .iter()
        .enumerate()
        .map(|(i, n)| (n.name.clone(), i))
        .collect();
    let mut unscheduled = NodeBox {
        name: "not scheduled".to_string(),
        id: ObjectId::Unscheduled,
        control_plane: false,
        ip: String::new(),
        cidr: String::new(),
        pods: Vec::new(),
        hidden: Vec::new(),
        unscheduled: true,
    };
    for pod in store.pods.values() {
        let target = match node_index.get(&pod.spec.node_name) {
            Some(&i) => &mut nodes[i],
            None => &mut unscheduled,
        };
        if is_hidden_system_pod(pod, opts) {
            target.hidden.push(pod);
        } else {
            target.pods.push(pod);
        }
    }
    if !unscheduled.pods.is_empty() || !unscheduled.hidden.is_empty() {
        nodes.push(unscheduled);
    }
    for n in &mut nodes {
        // Creation order: a new pod lands after the others, nobody moves.
        n.pods.sort_by(|a, b| {
            (
                a.metadata.creation_timestamp,
                &a.metadata.namespace,
                &a.metadata.name,
            )
                .cmp(&(
                    b.metadata.creation_timestamp,
                    &b.metadata.namespace,
                    &b.metadata.name,
                ))
        });
    }

    let cols = opts
        .columns
        .unwrap_or_else(|| columns_for(node_index.len()))
        .max(1);

    // ---- Services (sorted: the user's first, then system ones) ---------------------------
    let mut services: Vec<&Service> = store.services.values().collect();
    services.sort_by_key(|s| {
        (
            SYSTEM_NAMESPACES.contains(&s.metadata.namespace.as_str()),
            s.metadata.namespace.clone(),
            s.metadata.name.clone(),
        )
    });

    // ---- outside the cluster: what the row above it holds -------------------------------
    let mut lbs: Vec<(String, &Service)> = Vec::new();
    for s in &services {
        for ing in &s.status.load_balancer.ingress {
            if !ing.ip.is_empty() && !lbs.iter().any(|(ip, _)| *ip == ing.ip) {
                lbs.push((ing.ip.clone(), s));
            }
        }
    }
    // Manual endpoints: slice addresses that are neither pods, nodes nor LBs.
    let pod_by_ip: BTreeMap<&str, ObjectId> = store
        .pods
        .values()
        .filter(|p| !p.status.pod_ip.is_empty() && !p.spec.host_network)
        .map(|p| {
            (
                p.status.pod_ip.as_str(),
                ObjectId::pod(&p.metadata.namespace, &p.metadata.name),
            )
        })
        .collect();
    let inside_ips: BTreeSet<String> = nodes
        .iter()
        .filter(|n| !n.unscheduled)
        .map(|n| n.ip.clone())
        .chain(lbs.iter().map(|(ip, _)| ip.clone()))
        .chain(std::iter::once(DEFAULT_EXTERNAL_CLIENT.to_string()))
        .collect();
    let mut externals: BTreeSet<String> = BTreeSet::new();
    for slice in store.endpoint_slices.values() {
        for ep in &slice.endpoints {
            if ep_pod(ep).is_none() {
                for a in &ep.addresses {
                    if !pod_by_ip.contains_key(a.as_str()) && !inside_ips.contains(a) {
                        externals.insert(a.clone());
                    }
                }
            }
        }
    }

    // ---- geometry ------------------------------------------------------------------------
    let max_pods = nodes.iter().map(|n| n.pods.len()).max().unwrap_or(0);
    let pod_cols = pod_columns_for(max_pods, cols);
    let node_w = NODE_PAD * 2.0 + POD_W * pod_cols as f64 + POD_GAP * (pod_cols as f64 - 1.0);
    let grid_w = cols as f64 * node_w + (cols as f64 - 1.0) * NODE_GAP_X;
    let cluster_w = grid_w.max(SVC_W) + 2.0 * CLUSTER_PAD;
    // The outside row wraps at the cluster's width (at least two slots).
    let slots = 2 + lbs.len() + externals.len();
    let slots_per_row =
        (((cluster_w + OUTSIDE_GAP_X) / (OUTSIDE_W + OUTSIDE_GAP_X)).floor() as usize).max(2);
    let outside_rows = slots.div_ceil(slots_per_row);
    let slot_rect = |i: usize| {
        Rect::new(
            (i % slots_per_row) as f64 * (OUTSIDE_W + OUTSIDE_GAP_X),
            (i / slots_per_row) as f64 * (OUTSIDE_ROW_H + OUTSIDE_GAP_X),
            OUTSIDE_W,
            OUTSIDE_ROW_H,
        )
    };
    let svc_cols = (((grid_w + SVC_GAP) / (SVC_W + SVC_GAP)).floor() as usize).max(1);
    let svc_rows = services.len().div_ceil(svc_cols);
    let cluster_x = 0.0;
    let inner_x = cluster_x + CLUSTER_PAD;
    let cluster_y =
        outside_rows as f64 * (OUTSIDE_ROW_H + OUTSIDE_GAP_X) - OUTSIDE_GAP_X + OUTSIDE_GAP;
    let svc_y = cluster_y + CLUSTER_TITLE;
    let svc_block_h = if svc_rows == 0 {
        0.0
    } else {
        svc_rows as f64 * (SVC_H + SVC_GAP) - SVC_GAP
    };
    let nodes_y = svc_y + svc_block_h + EDGE_BAND;

    // Row heights: tallest node of each grid row, rounded up to an even number of pod rows.
    let pod_rows = |n: &NodeBox| n.pods.len().div_ceil(pod_cols).max(1);
    let grid_rows = nodes.len().div_ceil(cols);
    let mut row_y = Vec::with_capacity(grid_rows);
    let mut row_h = Vec::with_capacity(grid_rows);
    let mut y = nodes_y;
    for r in 0..grid_rows {
        let rows = nodes
            .iter()
            .skip(r * cols)
            .take(cols)
            .map(pod_rows)
            .max()
            .unwrap_or(1);
        let rows = rows.div_ceil(2) * 2;
        let h = NODE_HEADER + rows as f64 * (POD_H + POD_GAP) - POD_GAP + NODE_FOOTER;
        row_y.push(y);
        row_h.push(h);
        y += h + NODE_GAP_Y;
    }
    let nodes_bottom = if grid_rows == 0 {
        nodes_y
    } else {
        y - NODE_GAP_Y
    };
    let cluster_rect = Rect::new(
        cluster_x,
        cluster_y,
        cluster_w,
        (nodes_bottom + CLUSTER_PAD - cluster_y).max(CLUSTER_TITLE + SVC_H),
    );

    // ---- the cluster box -----------------------------------------------------------------
    scene.rect_item(
        ObjectId::Cluster,
        cluster_rect,
        Style::new(Role::Cluster).width(2.5),
    );
    let title = format!(
        "cluster {} · kube-proxy {} · Services {} · pods {}",
        cluster.config.name,
        cluster.proxy_mode(),
        cluster.config.service_subnet,
        cluster.config.pod_subnet
    );
    scene.text(
        Some(&ObjectId::Cluster),
        inner_x,
        cluster_y + 30.0,
        &title,
        FONT_TITLE,
        true,
        Align::Left,
        grid_w.max(SVC_W),
        Role::Title,
    );

    // ---- nodes ---------------------------------------------------------------------------
    let mut pod_rects: BTreeMap<ObjectId, Rect> = BTreeMap::new();
    let mut node_rects: BTreeMap<String, Rect> = BTreeMap::new();
    let node_ports: Vec<(String, String, i32)> = services
        .iter()
        .filter(|s| matches!(s.type_or_default(), "NodePort" | "LoadBalancer"))
        .flat_map(|s| {
            s.spec
                .ports
                .iter()
                .filter(|p| p.node_port != 0)
                .map(|p| {
                    (
                        s.metadata.namespace.clone(),
                        s.metadata.name.clone(),
                        p.node_port,
                    )
                })
                .collect::<Vec<_>>()
        })
        .collect();
    for (i, n) in nodes.iter().enumerate() {
        let (r, c) = (i / cols, i % cols);
        let rect = Rect::new(
            inner_x + c as f64 * (node_w + NODE_GAP_X),
            row_y.get(r).copied().unwrap_or(nodes_y),
            node_w,
            row_h.get(r).copied().unwrap_or(NODE_HEADER + NODE_FOOTER),
        );
        let role = if n.unscheduled {
            Role::Unscheduled
        } else if n.control_plane {
            Role::NodeControlPlane
        } else {
            Role::Node
        };
        let style = if n.unscheduled {
            Style::new(role).dashed().width(2.0)
        } else {
            Style::new(role).width(2.0)
        };
        scene.rect_item(n.id.clone(), rect, style);
        if !n.unscheduled {
            node_rects.insert(n.name.clone(), rect);
            scene.by_ip.insert(n.ip.clone(), n.id.clone());
        }
        // Header: name, then "IP · role", then the podCIDR; kube-proxy sits on the top edge
        // (it is the node's own agent, like the NodePorts on the bottom edge).
        let inner_w = node_w - 2.0 * NODE_PAD;
        scene.text(
            Some(&n.id),
            rect.x + NODE_PAD,
            rect.y + 32.0,
            &n.name,
            FONT_TITLE,
            true,
            Align::Left,
            inner_w,
            Role::Title,
        );
        let lines = if n.unscheduled {
            [
                "Pending: no node".to_string(),
                "runs these pods yet".to_string(),
            ]
        } else {
            let role_txt = if n.control_plane {
                " · control-plane"
            } else {
                ""
            };
            [format!("{}{role_txt}", n.ip), format!("podCIDR {}", n.cidr)]
        };
        for (l, line) in lines.iter().enumerate() {
            scene.text(
                Some(&n.id),
                rect.x + NODE_PAD,
                rect.y + 55.0 + l as f64 * 20.0,
                line,
                FONT_BODY,
                false,
                Align::Left,
                inner_w,
                Role::Text,
            );
        }
        if !n.unscheduled {
            let kp = ObjectId::KubeProxy(n.name.clone());
            let kp_rect = Rect::new(
                rect.right() - NODE_PAD - KP_W,
                rect.y - KP_H / 2.0,
                KP_W,
                KP_H,
            );
            scene.push(
                Some(kp.clone()),
                Shape::Rect {
                    rect: kp_rect,
                    radius: KP_H / 2.0,
                },
                Style::new(Role::KubeProxy),
                true,
            );
            scene.text(
                Some(&kp),
                kp_rect.center().x,
                kp_rect.y + 18.0,
                &format!("kube-proxy {}", short_mode(cluster.proxy_mode().as_str())),
                FONT_SMALL,
                false,
                Align::Center,
                KP_W - 8.0,
                Role::Text,
            );
        }
        // Pods.
        for (k, pod) in n.pods.iter().enumerate() {
            let (pr, pc) = (k / pod_cols, k % pod_cols);
            let prect = Rect::new(
                rect.x + NODE_PAD + pc as f64 * (POD_W + POD_GAP),
                rect.y + NODE_HEADER + pr as f64 * (POD_H + POD_GAP),
                POD_W,
                POD_H,
            );
            let id = ObjectId::pod(&pod.metadata.namespace, &pod.metadata.name);
            scene.layer = 2;
            draw_pod(&mut scene, &id, pod, prect, opts);
            scene.layer = 0;
            if !n.unscheduled {
                scene
                    .pods_by_node
                    .insert((n.name.clone(), pod.metadata.name.clone()), id.clone());
            }
            pod_rects.insert(id, prect);
        }
        // Footer: hidden system pods, then NodePort badges straddling the bottom edge.
        if !n.hidden.is_empty() {
            let mut names: Vec<&str> = n
                .hidden
                .iter()
                .map(|p| short_system_name(&p.metadata.name))
                .collect();
            names.dedup();
            let text = format!("+{} system pods: {}", n.hidden.len(), names.join(", "));
            scene.text(
                Some(&n.id),
                rect.x + NODE_PAD,
                rect.bottom() - 14.0,
                &text,
                FONT_SMALL,
                false,
                Align::Left,
                inner_w,
                Role::TextMuted,
            );
        }
        if !n.unscheduled {
            let per_row = ((inner_w + 6.0) / (BADGE_W + 6.0)).floor() as usize;
            let shown = if node_ports.len() > per_row {
                per_row.saturating_sub(1)
            } else {
                node_ports.len()
            };
            for (b, (ns, svc, port)) in node_ports.iter().take(shown).enumerate() {
                let brect = Rect::new(
                    rect.right() - NODE_PAD - (b + 1) as f64 * (BADGE_W + 6.0) + 6.0,
                    rect.bottom() - BADGE_H / 2.0,
                    BADGE_W,
                    BADGE_H,
                );
                let id = ObjectId::NodePort {
                    node: n.name.clone(),
                    namespace: ns.clone(),
                    service: svc.clone(),
                    port: *port,
                };
                scene.push(
                    Some(id.clone()),
                    Shape::Rect {
                        rect: brect,
                        radius: 6.0,
                    },
                    Style::new(Role::NodePort),
                    true,
                );
                scene.text(
                    Some(&id),
                    brect.center().x,
                    brect.y + 17.0,
                    &format!(":{port}"),
                    FONT_SMALL,
                    true,
                    Align::Center,
                    BADGE_W - 6.0,
                    Role::Text,
                );
            }
            if shown < node_ports.len() {
                let b = shown;
                let x = rect.right() - NODE_PAD - (b + 1) as f64 * (BADGE_W + 6.0) + 6.0;
                scene.text(
                    Some(&n.id),
                    x + BADGE_W / 2.0,
                    rect.bottom() + 5.0,
                    &format!("+{} ports", node_ports.len() - shown),
                    FONT_SMALL,
                    false,
                    Align::Center,
                    BADGE_W,
                    Role::TextMuted,
                );
            }
        }
    }

    // ---- outside the cluster: client, LBs, manual endpoints, other hosts (a row above) -----
    scene.layer = 2;
    let slot = slot_rect(0);
    let client_c = Point::new(slot.center().x, slot.y + CLIENT_R);
    scene.push(
        Some(ObjectId::ExternalClient),
        Shape::Circle {
            center: client_c,
            radius: CLIENT_R,
        },
        Style::new(Role::Client).width(2.0),
        true,
    );
    scene.text(
        Some(&ObjectId::ExternalClient),
        client_c.x,
        client_c.y + CLIENT_R + 22.0,
        &format!("external client {DEFAULT_EXTERNAL_CLIENT}"),
        FONT_BODY,
        true,
        Align::Center,
        OUTSIDE_W,
        Role::Title,
    );
    scene.by_ip.insert(
        DEFAULT_EXTERNAL_CLIENT.to_string(),
        ObjectId::ExternalClient,
    );
    // A box in slot `i`, vertically centred in its row: a bold title and a muted line.
    let outside_box = |scene: &mut Scene,
                       i: usize,
                       id: ObjectId,
                       style: Style,
                       title: &str,
                       sub: &str,
                       sub_role: Role| {
        let s = slot_rect(i);
        let r = Rect::new(
            s.x,
            s.y + (OUTSIDE_ROW_H - OUTSIDE_BOX_H) / 2.0,
            OUTSIDE_W,
            OUTSIDE_BOX_H,
        );
        scene.rect_item(id.clone(), r, style);
        scene.text(
            Some(&id),
            r.x + 12.0,
            r.y + 24.0,
            title,
            FONT_BODY,
            true,
            Align::Left,
            OUTSIDE_W - 24.0,
            Role::Title,
        );
        scene.text(
            Some(&id),
            r.x + 12.0,
            r.y + 48.0,
            sub,
            FONT_SMALL,
            false,
            Align::Left,
            OUTSIDE_W - 24.0,
            sub_role,
        );
    };
    let mut next_slot = 1;
    for (ip, svc) in &lbs {
        let id = ObjectId::LoadBalancer(ip.clone());
        let ports: Vec<String> = svc.spec.ports.iter().map(|p| p.port.to_string()).collect();
        let sub = format!(
            "{} :{}",
            qualified(&svc.metadata.namespace, &svc.metadata.name),
            ports.join(",")
        );
        outside_box(
            &mut scene,
            next_slot,
            id.clone(),
            Style::new(Role::LoadBalancer).width(2.0),
            &format!("LB {ip}"),
            &sub,
            Role::Text,
        );
        scene.by_ip.insert(ip.clone(), id);
        next_slot += 1;
    }
    for ip in &externals {
        let id = ObjectId::ExternalEndpoint(ip.clone());
        outside_box(
            &mut scene,
            next_slot,
            id.clone(),
            Style::new(Role::ExternalHost).width(2.0),
            &format!("host {ip}"),
            "manual endpoint, outside the cluster",
            Role::TextMuted,
        );
        scene.by_ip.insert(ip.clone(), id);
        next_slot += 1;
    }
    outside_box(
        &mut scene,
        next_slot,
        ObjectId::Remote,
        Style::new(Role::ExternalHost).dashed(),
        "other hosts",
        "internet, upstream DNS, ExternalName targets",
        Role::TextMuted,
    );

    // ---- Services --------------------------------------------------------------------------
    let mut svc_rects: BTreeMap<ObjectId, Rect> = BTreeMap::new();
    for (i, s) in services.iter().enumerate() {
        let (r, c) = (i / svc_cols, i % svc_cols);
        let rect = Rect::new(
            inner_x + c as f64 * (SVC_W + SVC_GAP),
            svc_y + r as f64 * (SVC_H + SVC_GAP),
            SVC_W,
            SVC_H,
        );
        let id = ObjectId::service(&s.metadata.namespace, &s.metadata.name);
        draw_service(&mut scene, &id, s, rect);
        svc_rects.insert(id, rect);
    }

    // ---- edges (drawn first among the foreground: inserted before the boxes) --------------
    let mut edges: Vec<Item> = Vec::new();
    for s in &services {
        let sid = ObjectId::service(&s.metadata.namespace, &s.metadata.name);
        let Some(srect) = svc_rects.get(&sid).copied() else {
            continue;
        };
        if opts.selector_edges && !s.spec.selector.is_empty() {
            for p in store.pods_in(Some(&s.metadata.namespace)) {
                if !map_selector_matches(&s.spec.selector, &p.metadata.labels) {
                    continue;
                }
                let pid = ObjectId::pod(&p.metadata.namespace, &p.metadata.name);
                if let Some(prect) = pod_rects.get(&pid) {
                    edges.push(edge(
                        EdgeKind::Selector,
                        &sid,
                        &pid,
                        Point::new(srect.center().x - 12.0, srect.bottom()),
                        Point::new(prect.center().x - 24.0, prect.y),
                    ));
                }
            }
        }
        if opts.endpoint_edges {
            let mut seen: BTreeSet<(ObjectId, EdgeKind)> = BTreeSet::new();
            for slice in store.slices_for_service(&s.metadata.namespace, &s.metadata.name) {
                for ep in &slice.endpoints {
                    let kind = if ep.conditions.ready == Some(false) {
                        EdgeKind::EndpointNotReady
                    } else {
                        EdgeKind::Endpoint
                    };
                    let target = ep_pod(ep)
                        .or_else(|| {
                            ep.addresses.iter().find_map(|a| {
                                pod_by_ip
                                    .get(a.as_str())
                                    .cloned()
                                    .or_else(|| scene.by_ip.get(a).cloned())
                            })
                        })
                        .unwrap_or(ObjectId::Remote);
                    if !seen.insert((target.clone(), kind)) {
                        continue;
                    }
                    let to = match &target {
                        ObjectId::Pod { .. } => pod_rects
                            .get(&target)
                            .map(|r| Point::new(r.center().x + 24.0, r.y)),
                        ObjectId::Node(n) => node_rects
                            .get(n)
                            .map(|r| Point::new(r.center().x + 24.0, r.y)),
                        other => scene.anchor(other),
                    };
                    if let Some(to) = to {
                        edges.push(edge(
                            kind,
                            &sid,
                            &target,
                            Point::new(srect.center().x + 12.0, srect.bottom()),
                            to,
                        ));
                    }
                }
            }
        }
    }
    for (ip, s) in &lbs {
        let lid = ObjectId::LoadBalancer(ip.clone());
        let sid = ObjectId::service(&s.metadata.namespace, &s.metadata.name);
        if let (Some(l), Some(r)) = (scene.rect(&lid), svc_rects.get(&sid)) {
            edges.push(edge(
                EdgeKind::LoadBalancer,
                &lid,
                &sid,
                Point::new(l.center().x, l.bottom()),
                Point::new(r.center().x, r.y),
            ));
        }
    }
    scene.layer = 1;
    for e in edges {
        scene.push(e.id, e.shape, e.style, false);
    }
    scene.finish();
    scene
}

fn edge(kind: EdgeKind, from: &ObjectId, to: &ObjectId, a: Point, b: Point) -> Item {
    let style = match kind {
        EdgeKind::Selector => Style::new(Role::EdgeSelector).width(1.0),
        EdgeKind::Endpoint => Style::new(Role::EdgeEndpoint).width(2.0),
        EdgeKind::EndpointNotReady => Style::new(Role::EdgeEndpointNotReady).dashed().width(2.0),
        EdgeKind::LoadBalancer => Style::new(Role::EdgeLoadBalancer).width(2.0),
    };
    Item {
        id: Some(ObjectId::Edge {
            kind,
            from: Box::new(from.clone()),
            to: Box::new(to.clone()),
        }),
        shape: Shape::Line { from: a, to: b },
        style,
        hittable: false,
    }
}

/// The pod an endpoint's `targetRef` names.
fn ep_pod(ep: &Endpoint) -> Option<ObjectId> {
    let r = ep.target_ref.as_ref()?;
    (r.kind == "Pod" && !r.name.is_empty()).then(|| ObjectId::pod(&r.namespace, &r.name))
}

fn short_mode(mode: &str) -> &str {
    match mode {
        "iptables" => "ipt",
        "nftables" => "nft",
        other => other,
    }
}

/// `kube-proxy-5jg2j` → `kube-proxy`, `etcd-kind-control-plane` → `etcd`.
fn short_system_name(name: &str) -> &str {
    for known in [
        "kube-apiserver",
        "kube-controller-manager",
        "kube-scheduler",
        "kube-proxy",
        "kindnet",
        "etcd",
        "coredns",
        "local-path-provisioner",
        "speaker",
        "controller",
    ] {
        if name.starts_with(known) {
            return known;
        }
    }
    name
}

fn qualified(ns: &str, name: &str) -> String {
    if ns == "default" {
        name.to_string()
    } else {
        format!("{ns}/{name}")
    }
}

fn draw_pod(scene: &mut Scene, id: &ObjectId, pod: &Pod, r: Rect, opts: &LayoutOptions) {
    let role = pod_role(pod);
    let style = match role {
        Role::PodPending | Role::PodTerminating => Style::new(role).dashed(),
        _ => Style::new(role),
    };
    scene.rect_item(id.clone(), r, style);
    let w = POD_W - 20.0;
    scene.text(
        Some(id),
        r.x + 10.0,
        r.y + 20.0,
        &pod.metadata.name,
        FONT_BODY,
        true,
        Align::Left,
        w,
        Role::Title,
    );
    let ip = if pod.status.pod_ip.is_empty() {
        "no IP yet"
    } else {
        pod.status.pod_ip.as_str()
    };
    let mut status = format!("{ip} · {}", pod_status_text(pod));
    if pod.spec.host_network {
        status.push_str(" · hostNetwork");
    }
    scene.text(
        Some(id),
        r.x + 10.0,
        r.y + 41.0,
        &status,
        FONT_BODY,
        false,
        Align::Left,
        w,
        Role::Text,
    );
    let mut parts: Vec<String> = Vec::new();
    if pod.metadata.namespace != "default" {
        parts.push(pod.metadata.namespace.clone());
    }
    parts.extend(
        pod.metadata
            .labels
            .iter()
            .filter(|(k, _)| k.as_str() != "pod-template-hash")
            .take(opts.max_labels)
            .map(|(k, v)| format!("{k}={v}")),
    );
    scene.text(
        Some(id),
        r.x + 10.0,
        r.y + 61.0,
        &parts.join(" · "),
        FONT_SMALL,
        false,
        Align::Left,
        w,
        Role::TextMuted,
    );
}

fn draw_service(scene: &mut Scene, id: &ObjectId, s: &Service, r: Rect) {
    let ty = s.type_or_default();
    let role = if s.metadata.namespace == "kube-system" && s.metadata.name == "kube-dns" {
        Role::ServiceDns
    } else if ty == "ExternalName" {
        Role::ServiceExternalName
    } else if s.is_headless() {
        Role::ServiceHeadless
    } else {
        Role::Service
    };
    scene.rect_item(id.clone(), r, Style::new(role).width(2.0));
    let w = SVC_W - 20.0;
    let mut title = qualified(&s.metadata.namespace, &s.metadata.name);
    if role == Role::ServiceDns {
        title.push_str(" (DNS)");
    }
    scene.text(
        Some(id),
        r.x + 10.0,
        r.y + 22.0,
        &title,
        FONT_BODY,
        true,
        Align::Left,
        w,
        Role::Title,
    );
    let addr = if ty == "ExternalName" {
        format!("CNAME → {}", s.spec.external_name)
    } else {
        let ip = if s.is_headless() {
            "None (headless)".to_string()
        } else {
            s.spec.cluster_ip.clone()
        };
        match s.spec.ports.first() {
            Some(p) => {
                let target = p
                    .target_port
                    .as_ref()
                    .map(|t| format!(" → {t}"))
                    .unwrap_or_default();
                let more = if s.spec.ports.len() > 1 {
                    format!(" +{}", s.spec.ports.len() - 1)
                } else {
                    String::new()
                };
                format!("{ip}:{}{target}{more}", p.port)
            }
            None => ip,
        }
    };
    scene.text(
        Some(id),
        r.x + 10.0,
        r.y + 45.0,
        &addr,
        FONT_BODY,
        false,
        Align::Left,
        w,
        Role::Text,
    );
    // Third line: the type, then what it adds (the LB address, the nodePorts).
    let mut kind = ty.to_string();
    if let Some(ing) = s.status.load_balancer.ingress.first() {
        kind.push_str(&format!(" {}", ing.ip));
    } else if ty == "LoadBalancer" {
        kind.push_str(" <pending>");
    }
    let node_ports: Vec<String> = s
        .spec
        .ports
        .iter()
        .filter(|p| p.node_port != 0)
        .map(|p| format!(":{}", p.node_port))
        .collect();
    if !node_ports.is_empty() {
        kind.push_str(&format!(" · {}", node_ports.join(",")));
    }
    scene.text(
        Some(id),
        r.x + 10.0,
        r.y + 66.0,
        &kind,
        FONT_SMALL,
        false,
        Align::Left,
        w,
        Role::TextMuted,
    );
}

// ---------------------------------------------------------------------------------------------
// View transform
// ---------------------------------------------------------------------------------------------

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

    /// The world rectangle a `width` × `height` screen shows (for [`Scene::visible`]).
    pub fn visible_world(&self, width: f64, height: f64) -> Rect {
        let a = self.screen_to_world(Point::new(0.0, 0.0));
        let b = self.screen_to_world(Point::new(width, height));
        Rect::around(&[a, b])
    }
}
