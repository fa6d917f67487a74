//! Layout phase *services*: the Service boxes in rows at the top of the cluster (name, address
//! and ports, type), and the NodePorts every node opens for them, drawn as badges on each
//! node's bottom edge by the nodes phase.

use super::gather::NodeBox;
use super::geometry::Rect;
use super::grid::Grid;
use super::ids::ObjectId;
use super::metrics::{
    text_width, BADGE_H, BADGE_W, FONT_BODY, FONT_SMALL, NODE_PAD, SLICE_GAP, SLICE_H, SLICE_W,
    SLICE_W_MIN,
};
use super::scene::{Align, Role, Scene, Shape, Style};
use std::collections::BTreeMap;
use svcsim_engine::api::core::Service;
use svcsim_engine::api::discovery::EndpointSlice;
use svcsim_engine::proxy::ProxyMode;

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

/// Where the Services and their EndpointSlices were drawn (what the edges join).
pub(super) struct ServicesPlaced {
    pub(super) services: BTreeMap<ObjectId, Rect>,
    /// Each drawn EndpointSlice's chip.
    pub(super) slices: BTreeMap<ObjectId, Rect>,
}

/// Draw the Services in their grid cells, each with its EndpointSlices as chips under it, in
/// front of the edges (layer 2); returns where each landed.
pub(super) fn draw_services(
    scene: &mut Scene,
    grid: &Grid,
    services: &[&Service],
    slices: &BTreeMap<(&str, &str), Vec<&EndpointSlice>>,
    mode: ProxyMode,
) -> ServicesPlaced {
    scene.layer = 2;
    let mut placed = ServicesPlaced {
        services: BTreeMap::new(),
        slices: BTreeMap::new(),
    };
    for (i, s) in services.iter().enumerate() {
        let rect = grid.service_rect(i);
        let id = ObjectId::service(&s.metadata.namespace, &s.metadata.name);
        draw_service(scene, &id, s, rect, mode);
        let own = slices
            .get(&(s.metadata.namespace.as_str(), s.metadata.name.as_str()))
            .map_or(&[][..], Vec::as_slice);
        draw_slices(scene, own, rect, &mut placed.slices);
        placed.services.insert(id, rect);
    }
    placed
}

/// One EndpointSlice chip: its box and its centred count.
fn chip(scene: &mut Scene, id: &ObjectId, r: Rect, text: &str) {
    scene.rect_item(id.clone(), r, Style::new(Role::EndpointSlice));
    scene.text(
        Some(id),
        r.center().x,
        r.y + 16.0,
        text,
        FONT_SMALL,
        false,
        Align::Center,
        r.w - 6.0,
        Role::Text,
    );
}

/// A Service's EndpointSlices, one chip each under its box with the number of endpoints it
/// lists ("100 / 100 / 50": the EndpointSlice controller's 100 per slice), so the slices are
/// objects between the Service and its endpoints and change as pods come and go. When they
/// do not fit side by side, one chip says how many slices and endpoints.
fn draw_slices(
    scene: &mut Scene,
    slices: &[&EndpointSlice],
    svc: Rect,
    placed: &mut BTreeMap<ObjectId, Rect>,
) {
    if slices.is_empty() {
        return;
    }
    let y = svc.bottom() + SLICE_GAP;
    let n = slices.len() as f64;
    let w = ((svc.w - (n - 1.0) * SLICE_GAP) / n).min(SLICE_W);
    let count = |sl: &EndpointSlice| sl.endpoints.len();
    if w < SLICE_W_MIN {
        let total: usize = slices.iter().map(|sl| count(sl)).sum();
        let r = Rect::new(svc.x, y, svc.w.min(2.0 * SLICE_W), SLICE_H);
        let id = ObjectId::endpoint_slice(&slices[0].metadata.namespace, &slices[0].metadata.name);
        chip(scene, &id, r, &format!("{} slices · {total}", slices.len()));
        for sl in slices {
            placed.insert(
                ObjectId::endpoint_slice(&sl.metadata.namespace, &sl.metadata.name),
                r,
            );
        }
        return;
    }
    // Fullest first ("100 / 100 / 50"), then by name.
    let mut slices = slices.to_vec();
    slices.sort_by(|a, b| {
        count(b)
            .cmp(&count(a))
            .then(a.metadata.name.cmp(&b.metadata.name))
    });
    for (k, sl) in slices.iter().enumerate() {
        let r = Rect::new(svc.x + k as f64 * (w + SLICE_GAP), y, w, SLICE_H);
        let id = ObjectId::endpoint_slice(&sl.metadata.namespace, &sl.metadata.name);
        let n = count(sl);
        let text = if text_width(&format!("slice {n}"), FONT_SMALL) + 8.0 <= w {
            format!("slice {n}")
        } else {
            n.to_string()
        };
        chip(scene, &id, r, &text);
        placed.insert(id, r);
    }
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
fn draw_service(scene: &mut Scene, id: &ObjectId, s: &Service, r: Rect, mode: ProxyMode) {
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
        &service_kind(s, w, mode),
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

/// Third line, fitted to `width` at the small font: the type, then what matters most first —
/// a dual-stack Service's second ClusterIP, a traffic policy that is not the default
/// (`externalTrafficPolicy: Local` keeps external traffic on nodes with a local endpoint,
/// `internalTrafficPolicy: Local` does the same for traffic from pods), what kind of address
/// it is (a ClusterIP is virtual: it lives in kube-proxy's rules, and in IPVS mode is also
/// bound to the dummy `kube-ipvs0` on every node so the kernel accepts it; a headless Service has none
/// and DNS answers with the pods; ExternalName is DNS only; one labelled
/// `service.kubernetes.io/service-proxy-name` gets no kube-proxy rules), the LoadBalancer address, and the
/// nodePorts (also drawn as
/// badges on every node, so they are the first to go when the box is narrow).
fn service_kind(s: &Service, width: f64, mode: ProxyMode) -> String {
    let ty = s.type_or_default();
    let mut kind = if s.is_headless() && ty == "ClusterIP" {
        "headless".to_string()
    } else {
        ty.to_string()
    };
    if ty == "LoadBalancer" && s.status.load_balancer.ingress.is_empty() {
        kind.push_str(" <pending>");
    }
    // Each extra with shorter forms to try when the longer does not fit.
    let mut extras: Vec<Vec<String>> = Vec::new();
    let one = |t: &str| vec![t.to_string()];
    // A dual-stack Service's second ClusterIP (the first is on the line above).
    if let Some(second) = s.spec.cluster_ips.get(1) {
        let family = s.spec.ip_families.get(1).cloned().unwrap_or_default();
        extras.push(vec![
            format!("+ {second}"),
            format!("+ {family}"),
            "dual-stack".into(),
        ]);
    }
    if s.spec.external_traffic_policy == "Local" && matches!(ty, "NodePort" | "LoadBalancer") {
        extras.push(vec![
            "externalTrafficPolicy: Local".into(),
            "external: Local".into(),
            "eTP Local".into(),
        ]);
    }
    if let Some(td) = &s.spec.traffic_distribution {
        extras.push(vec![format!("trafficDistribution: {td}"), td.clone()]);
    }
    if s.spec.internal_traffic_policy.as_deref() == Some("Local") {
        extras.push(vec![
            "internalTrafficPolicy: Local".into(),
            "internal: Local".into(),
            "iTP Local".into(),
        ]);
    }
    // The LoadBalancer address is drawn in its own box outside the cluster too.
    if let Some(ing) = s.status.load_balancer.ingress.first() {
        extras.push(one(&ing.ip));
    }
    let proxy_name = s
        .metadata
        .labels
        .get(svcsim_engine::proxy::model::SERVICE_PROXY_NAME_LABEL);
    if ty == "ExternalName" {
        extras.push(one("DNS only"));
    } else if let Some(name) = proxy_name {
        // kube-proxy never lists it: no rules on any node (another proxy's job).
        extras.push(vec![
            format!("not kube-proxy's: service-proxy-name {name}"),
            format!("for proxy {name}"),
            "no kube-proxy rules".into(),
        ]);
    } else if s.is_headless() {
        extras.push(vec!["DNS returns pod IPs".into(), "DNS → pods".into()]);
    } else if ty == "ClusterIP" && mode == ProxyMode::Ipvs {
        extras.push(vec![
            "virtual IP, on kube-ipvs0 of every node".into(),
            "virtual, on kube-ipvs0".into(),
            "on kube-ipvs0".into(),
        ]);
    } else if ty == "ClusterIP" {
        extras.push(vec![
            "virtual IP, only in kube-proxy's rules".into(),
            "virtual IP (rules only)".into(),
            "virtual IP".into(),
        ]);
    }
    let node_ports: Vec<String> = s
        .spec
        .ports
        .iter()
        .filter(|p| p.node_port != 0)
        .map(|p| format!(":{}", p.node_port))
        .collect();
    if !node_ports.is_empty() {
        extras.push(vec![node_ports.join(",")]);
    }
    for (i, forms) in extras.iter().enumerate() {
        let fits = |kind: &str| {
            forms
                .iter()
                .map(|extra| format!("{kind} · {extra}"))
                .find(|longer| text_width(longer, FONT_SMALL) <= width)
        };
        match fits(&kind) {
            Some(longer) => kind = longer,
            // The most important extra (a traffic policy) is kept before the type's long
            // name: "LB · eTP Local" in a narrow box.
            None if i == 0 && kind.starts_with("LoadBalancer") => {
                if let Some(longer) = fits(&kind.replacen("LoadBalancer", "LB", 1)) {
                    kind = longer;
                }
            }
            None => {}
        }
    }
    kind
}
