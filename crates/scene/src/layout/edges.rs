//! Layout phase *edges*: the lines from each Service to the pods its selector matches (what
//! the user asked for) and to the endpoints of its EndpointSlices (what kube-proxy uses), and
//! from each LoadBalancer address to its Service. Runs last: it joins boxes already placed.

use super::gather::{ep_pod, Gathered};
use super::geometry::{Point, Rect};
use super::ids::{EdgeKind, ObjectId};
use super::nodes::NodesPlaced;
use super::scene::{Item, Role, Scene, Shape, Style};
use super::services::ServicesPlaced;
use super::LayoutOptions;
use std::collections::{BTreeMap, BTreeSet};
use svcsim_engine::api::core::{Pod, Service};
use svcsim_engine::api::discovery::{Endpoint, EndpointSlice};
use svcsim_engine::api::meta::map_selector_matches;
use svcsim_engine::cluster::Store;

/// Draw the edges in layer 1: in front of the cluster and node boxes, behind the pods,
/// Services and outside boxes they join.
pub(super) fn draw_edges(
    scene: &mut Scene,
    store: &Store,
    opts: &LayoutOptions,
    what: &Gathered,
    nodes: &NodesPlaced,
    placed: &ServicesPlaced,
) {
    let services = &placed.services;
    // Indexes built once, so each Service finds its pods and slices without scanning all of
    // them: with thousands of Services that scan made the layout quadratic (seconds per frame).
    let mut pods_by_label: BTreeMap<(&str, &str, &str), Vec<&Pod>> = BTreeMap::new();
    for p in store.pods.values() {
        for (k, v) in &p.metadata.labels {
            pods_by_label
                .entry((&p.metadata.namespace, k, v))
                .or_default()
                .push(p);
        }
    }
    let ends = Ends {
        scene,
        nodes,
        services,
        pod_by_ip: &what.pod_by_ip,
        pods_by_label,
        slices_by_service: &what.slices,
        slice_rects: &placed.slices,
    };
    let mut edges: Vec<Item> = Vec::new();
    for s in &what.services {
        let sid = ObjectId::service(&s.metadata.namespace, &s.metadata.name);
        let Some(srect) = services.get(&sid).copied() else {
            continue;
        };
        if opts.selector_edges && !s.spec.selector.is_empty() {
            ends.selector_edges(s, &sid, srect, &mut edges);
        }
        if opts.endpoint_edges {
            ends.endpoint_edges(s, &sid, srect, &mut edges);
        }
    }
    ends.lb_edges(&what.outside.lbs, &mut edges);
    scene.layer = 1;
    for e in edges {
        scene.push(e.id, e.shape, e.style, false);
    }
}

/// What the edges join: the objects they come from and where their ends were drawn.
struct Ends<'a> {
    /// The scene so far (read only): addresses and the outside boxes.
    scene: &'a Scene,
    nodes: &'a NodesPlaced,
    services: &'a BTreeMap<ObjectId, Rect>,
    pod_by_ip: &'a BTreeMap<&'a str, ObjectId>,
    /// `(namespace, label key, label value)` → pods carrying it.
    pods_by_label: BTreeMap<(&'a str, &'a str, &'a str), Vec<&'a Pod>>,
    /// `(namespace, Service)` → its EndpointSlices (label `kubernetes.io/service-name`).
    slices_by_service: &'a BTreeMap<(&'a str, &'a str), Vec<&'a EndpointSlice>>,
    /// Each EndpointSlice's chip under its Service: its endpoints' edges leave from it.
    slice_rects: &'a BTreeMap<ObjectId, Rect>,
}

impl Ends<'_> {
    /// Service → every shown pod of its namespace its selector matches.
    fn selector_edges(&self, s: &Service, sid: &ObjectId, srect: Rect, edges: &mut Vec<Item>) {
        let ns = s.metadata.namespace.as_str();
        // The pods carrying the selector's rarest pair are the only candidates.
        let Some(candidates) = s
            .spec
            .selector
            .iter()
            .map(|(k, v)| {
                self.pods_by_label
                    .get(&(ns, k.as_str(), v.as_str()))
                    .map_or(&[][..], Vec::as_slice)
            })
            .min_by_key(|c| c.len())
        else {
            return;
        };
        // Grouped replicas: one edge per card.
        let mut seen: BTreeSet<ObjectId> = BTreeSet::new();
        for p in candidates {
            if !map_selector_matches(&s.spec.selector, &p.metadata.labels) {
                continue;
            }
            let pid = ObjectId::pod(&p.metadata.namespace, &p.metadata.name);
            let pid = self.scene.resolve(&pid).clone();
            if !seen.insert(pid.clone()) {
                continue;
            }
            if let Some(prect) = self.nodes.pods.get(&pid) {
                edges.push(edge(
                    EdgeKind::Selector,
                    sid,
                    &pid,
                    Point::new(srect.center().x - 12.0, srect.bottom()),
                    Point::new(prect.center().x - 24.0, prect.y),
                ));
            }
        }
    }

    /// Service → every endpoint of its EndpointSlices, once per target and readiness.
    fn endpoint_edges(&self, s: &Service, sid: &ObjectId, srect: Rect, edges: &mut Vec<Item>) {
        let mut seen: BTreeSet<(ObjectId, EdgeKind)> = BTreeSet::new();
        let slices = self
            .slices_by_service
            .get(&(s.metadata.namespace.as_str(), s.metadata.name.as_str()))
            .map_or(&[][..], Vec::as_slice);
        for slice in slices {
            let from = self
                .slice_rects
                .get(&ObjectId::endpoint_slice(
                    &slice.metadata.namespace,
                    &slice.metadata.name,
                ))
                .map_or(Point::new(srect.center().x + 12.0, srect.bottom()), |r| {
                    Point::new(r.center().x, r.bottom())
                });
            for ep in &slice.endpoints {
                let kind = if ep.conditions.ready == Some(false) {
                    EdgeKind::EndpointNotReady
                } else {
                    EdgeKind::Endpoint
                };
                let target = self.scene.resolve(&self.endpoint_target(ep)).clone();
                if !seen.insert((target.clone(), kind)) {
                    continue;
                }
                if let Some(to) = self.endpoint_point(&target) {
                    edges.push(edge(kind, sid, &target, from, to));
                }
            }
        }
    }

    /// What an endpoint is: the pod its `targetRef` names, else whatever owns one of its
    /// addresses (a pod, a node, an outside box), else "other hosts".
    fn endpoint_target(&self, ep: &Endpoint) -> ObjectId {
        ep_pod(ep)
            .or_else(|| {
                ep.addresses.iter().find_map(|a| {
                    self.pod_by_ip
                        .get(a.as_str())
                        .cloned()
                        .or_else(|| self.scene.by_ip.get(a).cloned())
                })
            })
            .unwrap_or(ObjectId::Remote)
    }

    /// Where an endpoint edge ends: the top of a pod's card or a node's box, else the centre
    /// of the target's shape.
    fn endpoint_point(&self, target: &ObjectId) -> Option<Point> {
        match target {
            ObjectId::Pod { .. } => self
                .nodes
                .pods
                .get(target)
                .map(|r| Point::new(r.center().x + 24.0, r.y)),
            ObjectId::Node(n) => self
                .nodes
                .nodes
                .get(n)
                .map(|r| Point::new(r.center().x + 24.0, r.y)),
            other => self.scene.anchor(other),
        }
    }

    /// LoadBalancer address → its Service.
    fn lb_edges(&self, lbs: &[(String, Vec<&Service>)], edges: &mut Vec<Item>) {
        for (ip, s) in lbs
            .iter()
            .flat_map(|(ip, on)| on.iter().map(move |s| (ip, s)))
        {
            let lid = ObjectId::LoadBalancer(ip.clone());
            let sid = ObjectId::service(&s.metadata.namespace, &s.metadata.name);
            if let (Some(l), Some(r)) = (self.scene.rect(&lid), self.services.get(&sid)) {
                edges.push(edge(
                    EdgeKind::LoadBalancer,
                    &lid,
                    &sid,
                    Point::new(l.center().x, l.bottom()),
                    Point::new(r.center().x, r.y),
                ));
            }
        }
    }
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
