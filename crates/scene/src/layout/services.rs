//! Layout phase *services*: the Service boxes in rows at the top of the cluster (name, address
//! and ports, type), and the NodePorts every node opens for them, drawn as badges on each
//! node's bottom edge by the nodes phase.

use super::gather::NodeBox;
use super::geometry::Rect;
use super::grid::Grid;
use super::ids::ObjectId;
use super::metrics::{text_width, BADGE_H, BADGE_W, FONT_BODY, FONT_SMALL, NODE_PAD};
use super::scene::{Align, Role, Scene, Shape, Style};
use std::collections::BTreeMap;
use svcsim_engine::api::core::Service;

/// A nodePort of a NodePort or LoadBalancer Service: every node opens it.
pub(super) struct ServiceNodePort {
    namespace: String,
    service: String,
    port: i32,
}

/// Every nodePort, in Service display order then port order.
pub(super) fn node_ports(services: &[&Service]) -> Vec<ServiceNodePort> {
    services
        .iter()
        .filter(|s| matches!(s.type_or_default(), "NodePort" | "LoadBalancer"))
        .flat_map(|s| {
            s.spec
                .ports
                .iter()
                .filter(|p| p.node_port != 0)
                .map(|p| ServiceNodePort {
                    namespace: s.metadata.namespace.clone(),
                    service: s.metadata.name.clone(),
                    port: p.node_port,
                })
                .collect::<Vec<_>>()
        })
        .collect()
}

/// The NodePort badges straddling a node's bottom edge, right to left; when they do not fit
/// in one row, the last place says how many more there are.
pub(super) fn draw_node_ports(
    scene: &mut Scene,
    n: &NodeBox,
    rect: Rect,
    inner_w: f64,
    node_ports: &[ServiceNodePort],
) {
    let per_row = ((inner_w + 6.0) / (BADGE_W + 6.0)).floor() as usize;
    let shown = if node_ports.len() > per_row {
        per_row.saturating_sub(1)
    } else {
        node_ports.len()
    };
    for (b, np) in node_ports.iter().take(shown).enumerate() {
        let brect = Rect::new(
            rect.right() - NODE_PAD - (b + 1) as f64 * (BADGE_W + 6.0) + 6.0,
            rect.bottom() - BADGE_H / 2.0,
            BADGE_W,
            BADGE_H,
        );
        let id = ObjectId::NodePort {
            node: n.name.clone(),
            namespace: np.namespace.clone(),
            service: np.service.clone(),
            port: np.port,
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
            &format!(":{}", np.port),
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

/// Draw the Services in their grid cells, in front of the edges (layer 2); returns where each
/// landed.
pub(super) fn draw_services(
    scene: &mut Scene,
    grid: &Grid,
    services: &[&Service],
) -> BTreeMap<ObjectId, Rect> {
    scene.layer = 2;
    let mut svc_rects: BTreeMap<ObjectId, Rect> = BTreeMap::new();
    for (i, s) in services.iter().enumerate() {
        let rect = grid.service_rect(i);
        let id = ObjectId::service(&s.metadata.namespace, &s.metadata.name);
        draw_service(scene, &id, s, rect);
        svc_rects.insert(id, rect);
    }
    svc_rects
}

/// `name` in the default namespace, `namespace/name` elsewhere.
pub(super) fn qualified(ns: &str, name: &str) -> String {
    if ns == "default" {
        name.to_string()
    } else {
        format!("{ns}/{name}")
    }
}

/// A Service's box: its name (kube-dns marked as the cluster DNS), its address, its type.
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
    let w = r.w - 20.0;
    let mut title = qualified(&s.metadata.namespace, &s.metadata.name);
    if role == Role::ServiceDns && text_width(&title, FONT_BODY) + 60.0 < w {
        title.push_str(" (DNS)");
    }
    // The address line says the port mapping, the point of a Service: in a narrow box (four
    // Services in a row) it takes the small font rather than losing its end.
    let address = service_address(s);
    let address_font = if text_width(&address, FONT_BODY) > w {
        FONT_SMALL
    } else {
        FONT_BODY
    };
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
    scene.text(
        Some(id),
        r.x + 10.0,
        r.y + 43.0,
        &address,
        address_font,
        false,
        Align::Left,
        w,
        Role::Text,
    );
    scene.text(
        Some(id),
        r.x + 10.0,
        r.y + 62.0,
        &service_kind(s),
        FONT_SMALL,
        false,
        Align::Left,
        w,
        Role::TextMuted,
    );
}

/// Second line: the address and first port (`10.96.0.10:53 → 53 +2`), or the CNAME target.
fn service_address(s: &Service) -> String {
    if s.type_or_default() == "ExternalName" {
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
    }
}

/// Third line: the type, then what it adds (the LB address, the nodePorts).
fn service_kind(s: &Service) -> String {
    let ty = s.type_or_default();
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
    kind
}
