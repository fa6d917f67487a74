//! Layout phase *outside*: the row above the cluster — the external client, one box per
//! LoadBalancer address, one per manual endpoint, and "other hosts" for everything else —
//! wrapping at the cluster's width.

use super::gather::Outside;
use super::geometry::{Point, Rect};
use super::grid::Grid;
use super::ids::ObjectId;
use super::metrics::{CLIENT_R, FONT_BODY, FONT_SMALL, OUTSIDE_BOX_H, OUTSIDE_W};
use super::scene::{Align, Role, Scene, Shape, Style};
use super::services::qualified;
use svcsim_engine::trace::DEFAULT_EXTERNAL_CLIENT;

/// Draw the outside row, in front of the edges (layer 2); every address drawn here is
/// registered so trace places that are only an address find their box.
pub(super) fn draw_outside(scene: &mut Scene, grid: &Grid, outside: &Outside) {
    scene.layer = 2;
    draw_client(scene, grid.slot_rect(0));
    let mut next_slot = 1;
    for (ip, on) in &outside.lbs {
        let id = ObjectId::LoadBalancer(ip.clone());
        let sub = on
            .iter()
            .map(|svc| {
                let ports: Vec<String> =
                    svc.spec.ports.iter().map(|p| p.port.to_string()).collect();
                format!(
                    "{} :{}",
                    qualified(&svc.metadata.namespace, &svc.metadata.name),
                    ports.join(",")
                )
            })
            .collect::<Vec<_>>()
            .join(" · ");
        outside_box(
            scene,
            grid.slot_rect(next_slot),
            OutsideBox {
                id: id.clone(),
                style: Style::new(Role::LoadBalancer).width(2.0),
                title: &format!("LB {ip}"),
                sub: &sub,
                sub_role: Role::Text,
            },
        );
        scene.by_ip.insert(ip.clone(), id);
        next_slot += 1;
    }
    for ip in &outside.externals {
        let id = ObjectId::ExternalEndpoint(ip.clone());
        outside_box(
            scene,
            grid.slot_rect(next_slot),
            OutsideBox {
                id: id.clone(),
                style: Style::new(Role::ExternalHost).width(2.0),
                title: &format!("host {ip}"),
                sub: "manual endpoint, outside the cluster",
                sub_role: Role::TextMuted,
            },
        );
        scene.by_ip.insert(ip.clone(), id);
        next_slot += 1;
    }
    outside_box(
        scene,
        grid.slot_rect(next_slot),
        OutsideBox {
            id: ObjectId::Remote,
            style: Style::new(Role::ExternalHost).dashed(),
            title: "other hosts",
            sub: "internet, upstream DNS, ExternalName targets",
            sub_role: Role::TextMuted,
        },
    );
}

/// The external client: a circle in the first slot, named with its address.
fn draw_client(scene: &mut Scene, slot: Rect) {
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
    // Two lines, so the address is whole in the narrow outside column.
    let address = DEFAULT_EXTERNAL_CLIENT.to_string();
    for (k, (line, bold)) in [("external client", true), (address.as_str(), false)]
        .into_iter()
        .enumerate()
    {
        scene.text(
            Some(&ObjectId::ExternalClient),
            client_c.x,
            client_c.y + CLIENT_R + 20.0 + k as f64 * 19.0,
            line,
            FONT_BODY,
            bold,
            Align::Center,
            OUTSIDE_W,
            if bold { Role::Title } else { Role::Text },
        );
    }
    scene.by_ip.insert(
        DEFAULT_EXTERNAL_CLIENT.to_string(),
        ObjectId::ExternalClient,
    );
}

/// What one box of the outside row shows.
struct OutsideBox<'a> {
    id: ObjectId,
    style: Style,
    title: &'a str,
    sub: &'a str,
    sub_role: Role,
}

/// A box in slot `s`, vertically centred in its row: a bold title and a muted line.
fn outside_box(scene: &mut Scene, s: Rect, b: OutsideBox) {
    let r = Rect::new(
        s.x,
        s.y + (s.h - OUTSIDE_BOX_H).max(0.0) / 2.0,
        OUTSIDE_W,
        OUTSIDE_BOX_H,
    );
    scene.rect_item(b.id.clone(), r, b.style);
    scene.text(
        Some(&b.id),
        r.x + 12.0,
        r.y + 24.0,
        b.title,
        FONT_BODY,
        true,
        Align::Left,
        OUTSIDE_W - 24.0,
        Role::Title,
    );
    scene.text(
        Some(&b.id),
        r.x + 12.0,
        r.y + 48.0,
        b.sub,
        FONT_SMALL,
        false,
        Align::Left,
        OUTSIDE_W - 24.0,
        b.sub_role,
    );
}
