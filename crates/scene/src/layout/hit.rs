//! Hit tests and anchors: which object is under the pointer, and where a packet is drawn for
//! each place a journey visits.

use super::geometry::{Point, Rect};
use super::ids::ObjectId;
use super::metrics::{NODE_HEADER, POD_GAP};
use super::scene::{Scene, Shape};
use std::net::Ipv4Addr;
use svcsim_engine::trace::Place;

impl Scene {
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
        let item = self.items.get(*self.index.get(self.resolve(id))?)?;
        match &item.shape {
            Shape::Rect { rect, .. } => Some(*rect),
            s => Some(s.bbox()),
        }
    }

    /// Where an object is: the centre of its main shape.
    pub fn anchor(&self, id: &ObjectId) -> Option<Point> {
        self.rect(id).map(|r| r.center())
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
}

impl Shape {
    /// Whether a click at `p` lands on the shape (only filled shapes can be hit).
    fn hit(&self, p: Point) -> bool {
        match self {
            Shape::Rect { rect, .. } => rect.contains(p),
            Shape::Circle { center, radius } => center.distance(p) <= *radius,
            _ => false,
        }
    }
}
