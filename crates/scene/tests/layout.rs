//! Layout: determinism, no overlaps, containment, stability, hit tests, anchors for every
//! place a real journey visits, and the 50 nodes × 500 pods scale.

mod common;

use common::*;
use std::time::Instant;
use svcsim_engine::api::apps::WorkloadKind;
use svcsim_scene::layout::*;

fn pods(scene: &Scene) -> Vec<(ObjectId, Rect)> {
    scene
        .objects()
        .filter(|id| matches!(id, ObjectId::Pod { .. }))
        .filter_map(|id| Some((id.clone(), scene.rect(id)?)))
        .collect()
}

fn nodes(scene: &Scene) -> Vec<(ObjectId, Rect)> {
    scene
        .objects()
        .filter(|id| matches!(id, ObjectId::Node(_) | ObjectId::Unscheduled))
        .filter_map(|id| Some((id.clone(), scene.rect(id)?)))
        .collect()
}

fn assert_no_overlap(rects: &[(ObjectId, Rect)]) {
    for (i, (a, ra)) in rects.iter().enumerate() {
        for (b, rb) in rects.iter().skip(i + 1) {
            assert!(!ra.intersects(rb), "{a} {ra:?} overlaps {b} {rb:?}");
        }
    }
}

/// Every invariant a scene keeps, checked on any cluster.
fn check_invariants(
    cluster: &svcsim_engine::cluster::Cluster,
    scene: &Scene,
    opts: &LayoutOptions,
) {
    let nodes = nodes(scene);
    let pods = pods(scene);
    assert_no_overlap(&nodes);
    assert_no_overlap(&pods);
    let cluster_rect = scene.rect(&ObjectId::Cluster).expect("cluster box");
    for (id, r) in &nodes {
        assert!(cluster_rect.contains_rect(r), "{id} outside the cluster");
    }
    // Every shown pod sits inside its node's box.
    for pod in cluster.store.pods.values() {
        let id = ObjectId::pod(&pod.metadata.namespace, &pod.metadata.name);
        let Some(r) = scene.rect(&id) else {
            let system = ["kube-system", "local-path-storage", "metallb-system"]
                .contains(&pod.metadata.namespace.as_str());
            assert!(
                system && !opts.show_system && !is_coredns(pod),
                "{id} is missing from the scene"
            );
            continue;
        };
        let node = if cluster.store.nodes.contains_key(&pod.spec.node_name) {
            ObjectId::Node(pod.spec.node_name.clone())
        } else {
            ObjectId::Unscheduled
        };
        let nr = scene.rect(&node).expect("node of a shown pod");
        assert!(
            nr.contains_rect(&r),
            "{id} {r:?} is not inside {node} {nr:?}"
        );
    }
    // Services: inside the cluster, clear of nodes and of each other.
    let services: Vec<(ObjectId, Rect)> = scene
        .objects()
        .filter(|id| matches!(id, ObjectId::Service { .. }))
        .filter_map(|id| Some((id.clone(), scene.rect(id)?)))
        .collect();
    assert_no_overlap(&services);
    for (s, sr) in &services {
        assert!(cluster_rect.contains_rect(sr), "{s} outside the cluster");
        for (n, nr) in &nodes {
            assert!(!sr.intersects(nr), "{s} overlaps {n}");
        }
    }
    // EndpointSlice chips hang under their Service, never under another row of Services.
    let slices: Vec<(ObjectId, Rect)> = scene
        .objects()
        .filter(|id| matches!(id, ObjectId::EndpointSlice { .. }))
        .filter_map(|id| Some((id.clone(), scene.rect(id)?)))
        .collect();
    for (e, er) in &slices {
        for (s, sr) in &services {
            assert!(!er.intersects(sr), "{e} is under {s}");
        }
    }
    // Outside things are outside.
    for id in scene.objects() {
        if matches!(
            id,
            ObjectId::LoadBalancer(_)
                | ObjectId::ExternalClient
                | ObjectId::ExternalEndpoint(_)
                | ObjectId::Remote
        ) {
            let r = scene.rect(id).expect("rect");
            assert!(
                !r.intersects(&cluster_rect),
                "{id} is inside the cluster box"
            );
        }
    }
    // Everything within bounds; texts at readable sizes.
    let b = scene.bounds();
    for item in &scene.items {
        assert!(
            b.contains_rect(&item.shape.bbox()),
            "{item:?} outside bounds"
        );
        if let Shape::Text { size, .. } = item.shape {
            assert!(size >= FONT_SMALL);
        }
    }
}

#[test]
fn same_cluster_gives_the_identical_scene() {
    let a = layout(&app_cluster(), &LayoutOptions::default());
    let b = layout(&app_cluster(), &LayoutOptions::default());
    assert_eq!(a, b);
    assert!(!a.items.is_empty());
}

#[test]
fn shows_nodes_pods_services_nodeports_lb_client_and_dns() {
    let cluster = app_cluster();
    let opts = LayoutOptions::default();
    let scene = layout(&cluster, &opts);
    check_invariants(&cluster, &scene, &opts);

    // Three nodes, control plane first (leftmost).
    let n = nodes(&scene);
    assert_eq!(n.len(), 3);
    let cp = scene
        .rect(&ObjectId::Node("kind-control-plane".into()))
        .unwrap();
    let w1 = scene.rect(&ObjectId::Node("kind-worker".into())).unwrap();
    let w2 = scene.rect(&ObjectId::Node("kind-worker2".into())).unwrap();
    assert!(cp.x < w1.x && w1.x < w2.x);

    // Node header texts: name, InternalIP, podCIDR.
    let texts: Vec<&str> = scene
        .items
        .iter()
        .filter_map(|i| match &i.shape {
            Shape::Text { text, .. } => Some(text.as_str()),
            _ => None,
        })
        .collect();
    assert!(texts.contains(&"kind-worker"));
    assert!(texts.contains(&"172.18.0.3"));
    assert!(texts.contains(&"172.18.0.2 · control-plane"));
    assert!(texts.contains(&"podCIDR 10.244.1.0/24"));

    // Services: the three of the fixture plus kubernetes and kube-dns (with its DNS role).
    for s in ["my-service", "my-nodeport", "my-lb", "kubernetes"] {
        assert!(scene.contains(&ObjectId::service("default", s)), "{s}");
    }
    let dns = ObjectId::service("kube-system", "kube-dns");
    let dns_item = scene
        .items
        .iter()
        .find(|i| i.id.as_ref() == Some(&dns) && i.hittable)
        .unwrap();
    assert_eq!(dns_item.style.role, Role::ServiceDns);
    let svc_text = cluster
        .store
        .service("default", "my-service")
        .map(|s| format!("{}:80 → 9376", s.spec.cluster_ip))
        .unwrap();
    assert!(texts.contains(&svc_text.as_str()), "{svc_text}");

    // CoreDNS pods are shown by default; kube-proxy pods are not.
    let coredns: Vec<_> = cluster
        .store
        .pods
        .values()
        .filter(|p| is_coredns(p))
        .collect();
    assert_eq!(coredns.len(), 2);
    for p in &coredns {
        assert!(scene.contains(&ObjectId::pod("kube-system", &p.metadata.name)));
    }
    assert!(!scene
        .objects()
        .any(|id| matches!(id, ObjectId::Pod { name, .. } if name.starts_with("kube-proxy"))));
    assert!(texts
        .iter()
        .any(|t| t.starts_with("+") && t.contains("system pods")));

    // NodePort badges on every node, for both NodePort and LoadBalancer Services.
    for node in ["kind-control-plane", "kind-worker", "kind-worker2"] {
        for (svc, port) in [("my-nodeport", 30007), ("my-lb", 30008)] {
            let id = ObjectId::NodePort {
                node: node.into(),
                namespace: "default".into(),
                service: svc.into(),
                port,
            };
            let r = scene.rect(&id).unwrap_or_else(|| panic!("{id}"));
            let nr = scene.rect(&ObjectId::Node(node.into())).unwrap();
            // On the node's edge: straddling its bottom border.
            assert!(r.y < nr.bottom() && r.bottom() > nr.bottom(), "{id}");
        }
    }

    // The LB address outside, with an edge to its Service; the external client outside.
    let lb_ip = cluster
        .store
        .service("default", "my-lb")
        .unwrap()
        .status
        .load_balancer
        .ingress[0]
        .ip
        .clone();
    assert!(scene.contains(&ObjectId::LoadBalancer(lb_ip.clone())));
    assert!(scene.contains(&ObjectId::ExternalClient));
    assert!(scene.items.iter().any(|i| i.id
        == Some(ObjectId::Edge {
            kind: EdgeKind::LoadBalancer,
            from: Box::new(ObjectId::LoadBalancer(lb_ip.clone())),
            to: Box::new(ObjectId::service("default", "my-lb")),
        })));
}

fn edges_of(scene: &Scene, service: &str, kind: EdgeKind) -> Vec<ObjectId> {
    scene
        .items
        .iter()
        .filter_map(|i| match &i.id {
            Some(ObjectId::Edge { kind: k, from, to })
                if *k == kind && **from == ObjectId::service("default", service) =>
            {
                Some((**to).clone())
            }
            _ => None,
        })
        .collect()
}

#[test]
fn selector_and_endpoint_edges_and_not_ready_dashed() {
    let mut cluster = app_cluster();
    let scene = layout(&cluster, &LayoutOptions::default());
    assert_eq!(edges_of(&scene, "my-service", EdgeKind::Selector).len(), 3);
    assert_eq!(edges_of(&scene, "my-service", EdgeKind::Endpoint).len(), 3);
    assert!(edges_of(&scene, "my-service", EdgeKind::EndpointNotReady).is_empty());
    // The kubernetes Service's endpoint is the control-plane node itself.
    assert_eq!(
        edges_of(&scene, "kubernetes", EdgeKind::Endpoint),
        vec![ObjectId::Node("kind-control-plane".into())]
    );

    let victim = cluster
        .store
        .pods
        .values()
        .find(|p| p.metadata.name.starts_with("my-app"))
        .unwrap()
        .metadata
        .name
        .clone();
    cluster.set_pod_ready("default", &victim, false).unwrap();
    cluster.settle();
    let scene = layout(&cluster, &LayoutOptions::default());
    let not_ready = edges_of(&scene, "my-service", EdgeKind::EndpointNotReady);
    assert_eq!(not_ready, vec![ObjectId::pod("default", &victim)]);
    assert_eq!(edges_of(&scene, "my-service", EdgeKind::Endpoint).len(), 2);
    // Still selected: the selector edge stays.
    assert_eq!(edges_of(&scene, "my-service", EdgeKind::Selector).len(), 3);
    let item = scene
        .items
        .iter()
        .find(|i| {
            matches!(
                &i.id,
                Some(ObjectId::Edge {
                    kind: EdgeKind::EndpointNotReady,
                    ..
                })
            )
        })
        .unwrap();
    assert!(item.style.dashed);
    assert_eq!(item.style.role, Role::EdgeEndpointNotReady);
    let pod = scene
        .items
        .iter()
        .find(|i| i.hittable && i.id == Some(ObjectId::pod("default", &victim)))
        .unwrap();
    assert_eq!(pod.style.role, Role::PodNotReady);
    // Edges are drawn under the pods (hover/hit never lands on an edge).
    let first_pod = scene
        .items
        .iter()
        .position(|i| matches!(i.id, Some(ObjectId::Pod { .. })))
        .unwrap();
    let last_edge = scene
        .items
        .iter()
        .rposition(|i| matches!(i.id, Some(ObjectId::Edge { .. })))
        .unwrap();
    assert!(last_edge < first_pod);
}

/// The lecture's clusters (three kind nodes, a few pods each) are drawn with one pod column
/// per node and the outside row above the cluster, so the scene is narrow enough to be drawn
/// near 1:1 beside the editor and the event list; no node header text is cut.
#[test]
fn a_lecture_cluster_is_narrow_and_its_headers_are_whole() {
    let cluster = app_cluster();
    let scene = layout(&cluster, &LayoutOptions::default());
    let b = scene.bounds();
    assert!(b.w < 1050.0, "{b:?}");
    let widths: Vec<f64> = nodes(&scene).iter().map(|(_, r)| r.w).collect();
    assert!(widths.iter().all(|w| *w <= 280.0), "{widths:?}");
    let client = scene.rect(&ObjectId::ExternalClient).unwrap();
    let cluster_box = scene.rect(&ObjectId::Cluster).unwrap();
    assert!(client.bottom() < cluster_box.y);
    for item in &scene.items {
        if let (Some(ObjectId::Node(_) | ObjectId::KubeProxy(_)), Shape::Text { text, .. }) =
            (&item.id, &item.shape)
        {
            // (The "+N system pods: …" summary may be cut; the inspector lists them.)
            assert!(text.starts_with('+') || !text.contains('…'), "cut: {text}");
        }
        // Pod names (a Deployment's pods: name + 17 characters, up to 25 in the examples).
        if let (Some(ObjectId::Pod { .. }), Shape::Text { text, .. }) = (&item.id, &item.shape) {
            if item.style.role == Role::Title {
                assert!(!text.contains('…'), "cut: {text}");
            }
        }
    }
    // Every example's pod names are whole (frontend-5c45cc6c7b-68rkd is the longest).
    for ex in svcsim_scene::examples::ALL {
        let cluster = cluster_from(ex.yaml);
        let scene = layout(&cluster, &LayoutOptions::default());
        for item in &scene.items {
            if let (Some(ObjectId::Pod { name, .. }), Shape::Text { text, .. }) =
                (&item.id, &item.shape)
            {
                if item.style.role == Role::Title {
                    assert_eq!(text, name, "{}", ex.id);
                }
            }
        }
    }
}

#[test]
fn pod_columns_grow_with_the_busiest_node() {
    let mut cluster = app_cluster();
    let narrow = layout(&cluster, &LayoutOptions::default());
    cluster
        .scale(WorkloadKind::Deployment, "default", "my-app", 100)
        .unwrap();
    cluster.settle();
    let opts = LayoutOptions::default();
    let wide = layout(&cluster, &opts);
    check_invariants(&cluster, &wide, &opts);
    let w = |s: &Scene| s.rect(&ObjectId::Node("kind-worker".into())).unwrap().w;
    assert!(
        w(&wide) > 2.5 * w(&narrow),
        "{} vs {}",
        w(&wide),
        w(&narrow)
    );
    let b = wide.bounds();
    assert!(b.w / b.h < 3.0 && b.h / b.w < 3.0, "{b:?}");
}

#[test]
fn adding_a_pod_moves_no_node_and_no_other_pod() {
    let mut cluster = app_cluster();
    let before = layout(&cluster, &LayoutOptions::default());
    cluster
        .scale(WorkloadKind::Deployment, "default", "my-app", 4)
        .unwrap();
    cluster.settle();
    let after = layout(&cluster, &LayoutOptions::default());
    for (id, r) in nodes(&before) {
        let r2 = after.rect(&id).unwrap();
        assert_eq!((r.x, r.y, r.w), (r2.x, r2.y, r2.w), "{id} moved");
    }
    for (id, r) in pods(&before) {
        assert_eq!(after.rect(&id), Some(r), "{id} moved");
    }
    assert_eq!(pods(&after).len(), pods(&before).len() + 1);
}

#[test]
fn show_system_shows_every_pod() {
    let cluster = app_cluster();
    let opts = LayoutOptions {
        show_system: true,
        ..LayoutOptions::default()
    };
    let scene = layout(&cluster, &opts);
    check_invariants(&cluster, &scene, &opts);
    assert_eq!(pods(&scene).len(), cluster.store.pods.len());
}

#[test]
fn hit_finds_the_topmost_object() {
    let cluster = app_cluster();
    let scene = layout(&cluster, &LayoutOptions::default());
    for (id, r) in pods(&scene) {
        let c = r.center();
        assert_eq!(scene.hit(c.x, c.y), Some(id));
    }
    // A node's empty area hits the node, not the cluster behind it.
    let n = scene.rect(&ObjectId::Node("kind-worker".into())).unwrap();
    assert_eq!(
        scene.hit(n.x + 4.0, n.bottom() - 30.0),
        Some(ObjectId::Node("kind-worker".into()))
    );
    // The kube-proxy chip sits on top of its node.
    let kp = scene
        .anchor(&ObjectId::KubeProxy("kind-worker".into()))
        .unwrap();
    assert_eq!(
        scene.hit(kp.x, kp.y),
        Some(ObjectId::KubeProxy("kind-worker".into()))
    );
    // Between nodes: the cluster; far away: nothing.
    let w2 = scene.rect(&ObjectId::Node("kind-worker2".into())).unwrap();
    assert_eq!(
        scene.hit((n.right() + w2.x) / 2.0, n.center().y),
        Some(ObjectId::Cluster)
    );
    let b = scene.bounds();
    assert_eq!(scene.hit(b.right() + 100.0, b.bottom() + 100.0), None);
    assert_eq!(scene.hit(f64::NAN, 0.0), None);
    let c = scene.anchor(&ObjectId::ExternalClient).unwrap();
    assert_eq!(scene.hit(c.x, c.y), Some(ObjectId::ExternalClient));
    for id in scene.objects() {
        if matches!(id, ObjectId::LoadBalancer(_) | ObjectId::Service { .. }) {
            let p = scene.anchor(id).unwrap();
            assert_eq!(scene.hit(p.x, p.y).as_ref(), Some(id));
        }
    }
}

#[test]
fn every_place_of_real_journeys_has_an_anchor() {
    let cluster = app_cluster();
    let scene = layout(&cluster, &LayoutOptions::default());
    let lb_ip = cluster
        .store
        .service("default", "my-lb")
        .unwrap()
        .status
        .load_balancer
        .ingress[0]
        .ip
        .clone();
    let journeys = [
        journey(&cluster, "pod/client", "my-service"),
        journey(
            &cluster,
            "pod/client",
            "my-nodeport.default.svc.cluster.local",
        ),
        journey(&cluster, "external", &lb_ip),
        journey(&cluster, "external", "172.18.0.3:30007"),
        journey(&cluster, "node/kind-worker", "my-service.default:80"),
    ];
    let b = scene.bounds();
    let mut kinds = std::collections::BTreeSet::new();
    for j in &journeys {
        let hops = j
            .dns_queries
            .iter()
            .flat_map(|q| q.hops.iter().chain(q.reply.iter()))
            .chain(j.hops.iter())
            .chain(j.reply.iter());
        for h in hops {
            let p = scene
                .anchor_for_place(&h.place)
                .unwrap_or_else(|| panic!("no anchor for {:?}", h.place));
            assert!(b.contains(p), "{:?} at {p:?} outside {b:?}", h.place);
            // Every hop names an object the scene drew, so the canvas can outline it.
            let ids = scene.objects_for_place(&h.place);
            assert!(!ids.is_empty(), "nothing drawn for {:?}", h.place);
            kinds.insert(
                format!("{:?}", h.place)
                    .split([' ', '{'])
                    .next()
                    .unwrap()
                    .to_string(),
            );
        }
    }
    for k in [
        "Pod",
        "Veth",
        "Node",
        "KubeProxy",
        "Wire",
        "LoadBalancer",
        "External",
    ] {
        assert!(kinds.contains(k), "no {k} place in the journeys: {kinds:?}");
    }
    // Specific spots: a pod's place is its centre; kube-proxy is its chip; the LB its box;
    // the external client its circle.
    let j = &journeys[2];
    assert_eq!(
        scene.anchor_for_place(&j.hops[0].place),
        scene.anchor(&ObjectId::ExternalClient)
    );
    assert_eq!(
        scene.anchor_for_place(&j.hops[1].place),
        scene.anchor(&ObjectId::LoadBalancer(lb_ip))
    );
    let dst = j.hops.last().unwrap();
    if let svcsim_engine::trace::Place::Pod {
        namespace, name, ..
    } = &dst.place
    {
        assert_eq!(
            scene.anchor_for_place(&dst.place),
            scene.anchor(&ObjectId::pod(namespace, name))
        );
    } else {
        panic!("expected to end in a pod: {:?}", dst.place);
    }
}

#[test]
fn fifty_nodes_five_hundred_pods_fit_in_bounded_size_quickly() {
    let cluster = big_cluster(50, 500);
    assert_eq!(cluster.store.nodes.len(), 50);
    let opts = LayoutOptions::default();
    let started = Instant::now();
    let scene = layout(&cluster, &opts);
    let first = started.elapsed();
    let runs = 10;
    let started = Instant::now();
    for _ in 0..runs {
        std::hint::black_box(layout(&cluster, &opts));
    }
    let avg = started.elapsed() / runs;
    eprintln!(
        "layout of 50 nodes / {} pods: first {first:?}, average {avg:?}; {} items; bounds {:?}",
        cluster.store.pods.len(),
        scene.items.len(),
        scene.bounds()
    );
    check_invariants(&cluster, &scene, &opts);
    assert!(pods(&scene).len() >= 500);
    let b = scene.bounds();
    // A grid, not a 50-wide strip: roughly as wide as tall, and bounded.
    assert!(b.w < 12_000.0 && b.h < 12_000.0, "{b:?}");
    assert!(b.w / b.h < 3.0 && b.h / b.w < 3.0, "{b:?}");
    let cols: std::collections::BTreeSet<i64> =
        nodes(&scene).iter().map(|(_, r)| r.x as i64).collect();
    assert!(cols.len() < 50 && cols.len() > 1, "{} columns", cols.len());
}

#[test]
fn visible_culls_to_the_view() {
    let cluster = big_cluster(50, 500);
    let scene = layout(&cluster, &LayoutOptions::default());
    // A window onto the middle of the node grid (edges that only pass by are culled too).
    let view = View {
        zoom: 1.0,
        pan: Point::new(-2500.0, -2500.0),
    };
    let shown = scene.visible(view.visible_world(800.0, 600.0)).count();
    assert!(
        shown > 0 && shown < scene.items.len() / 4,
        "{shown} of {}",
        scene.items.len()
    );
}

#[test]
fn view_transform_round_trips_and_zooms_about_the_cursor() {
    let v = View {
        zoom: 1.5,
        pan: Point::new(30.0, -20.0),
    };
    let p = Point::new(123.0, 456.0);
    let back = v.screen_to_world(v.world_to_screen(p));
    assert!((back.x - p.x).abs() < 1e-9 && (back.y - p.y).abs() < 1e-9);

    let cursor = Point::new(400.0, 300.0);
    let under = v.screen_to_world(cursor);
    let z = v.zoom_about(cursor, 2.0);
    assert!((z.zoom - 3.0).abs() < 1e-12);
    let still = z.screen_to_world(cursor);
    assert!((still.x - under.x).abs() < 1e-9 && (still.y - under.y).abs() < 1e-9);
    // Clamped, and garbage factors ignored.
    assert_eq!(v.zoom_about(cursor, 1e9).zoom, MAX_ZOOM);
    assert_eq!(v.zoom_about(cursor, 1e-9).zoom, MIN_ZOOM);
    assert_eq!(v.zoom_about(cursor, f64::NAN), v);
    assert_eq!(v.zoom_about(cursor, -1.0), v);
    assert_eq!(v.pan_by(10.0, 5.0).pan, Point::new(40.0, -15.0));

    // Fit puts the whole scene on screen, centred.
    let scene = layout(&app_cluster(), &LayoutOptions::default());
    let f = View::fit(scene.bounds(), 1280.0, 720.0, 20.0);
    let b = scene.bounds();
    let tl = f.world_to_screen(Point::new(b.x, b.y));
    let br = f.world_to_screen(Point::new(b.right(), b.bottom()));
    assert!(tl.x >= 19.9 && tl.y >= 19.9 && br.x <= 1260.1 && br.y <= 700.1);
    assert!(((tl.x + br.x) / 2.0 - 640.0).abs() < 1e-6);
    // Degenerate screens do not produce NaN.
    let d = View::fit(b, 0.0, 0.0, 50.0);
    assert!(d.zoom.is_finite() && d.pan.x.is_finite());
}

#[test]
fn object_ids_round_trip_through_text() {
    let ids = [
        ObjectId::Cluster,
        ObjectId::Node("kind-worker".into()),
        ObjectId::KubeProxy("kind-worker".into()),
        ObjectId::pod("default", "web-1"),
        ObjectId::service("kube-system", "kube-dns"),
        ObjectId::EndpointSlice {
            namespace: "default".into(),
            name: "web-abcde".into(),
        },
        ObjectId::NodePort {
            node: "kind-worker".into(),
            namespace: "default".into(),
            service: "web".into(),
            port: 30007,
        },
        ObjectId::LoadBalancer("172.18.255.200".into()),
        ObjectId::ExternalClient,
        ObjectId::ExternalEndpoint("10.4.5.6".into()),
        ObjectId::Remote,
        ObjectId::Unscheduled,
    ];
    for id in ids {
        assert_eq!(ObjectId::parse(&id.to_string()), Some(id.clone()), "{id}");
    }
    for bad in [
        "",
        "pod",
        "pod/x",
        "pod/a/b/c",
        "svc//x",
        "nodeport/a/b/c/notanumber",
        "zzz/1",
    ] {
        assert_eq!(ObjectId::parse(bad), None, "{bad}");
    }
}

#[test]
fn manual_endpoints_and_unscheduled_pods_have_places() {
    let yaml = "
apiVersion: v1
kind: Service
metadata:
  name: my-db
spec:
  ports:
    - port: 5432
---
apiVersion: discovery.k8s.io/v1
kind: EndpointSlice
metadata:
  name: my-db-1
  labels:
    kubernetes.io/service-name: my-db
addressType: IPv4
ports:
  - port: 5432
endpoints:
  - addresses: [10.4.5.6]
---
apiVersion: v1
kind: Pod
metadata:
  name: stuck
spec:
  nodeSelector:
    disk: ssd
  containers:
    - name: c
      image: nginx
";
    let cluster = cluster_from(yaml);
    let opts = LayoutOptions::default();
    let scene = layout(&cluster, &opts);
    check_invariants(&cluster, &scene, &opts);
    assert!(scene.contains(&ObjectId::ExternalEndpoint("10.4.5.6".into())));
    assert_eq!(
        edges_of(&scene, "my-db", EdgeKind::Endpoint),
        vec![ObjectId::ExternalEndpoint("10.4.5.6".into())]
    );
    let stuck = scene.rect(&ObjectId::pod("default", "stuck")).unwrap();
    assert!(scene
        .rect(&ObjectId::Unscheduled)
        .unwrap()
        .contains_rect(&stuck));
    let role = scene
        .items
        .iter()
        .find(|i| i.hittable && i.id == Some(ObjectId::pod("default", "stuck")))
        .unwrap()
        .style
        .role;
    assert_eq!(role, Role::PodPending);
}

#[test]
fn an_empty_store_still_lays_out() {
    let mut cluster = app_cluster();
    cluster.store = Default::default();
    let scene = layout(&cluster, &LayoutOptions::default());
    assert!(scene.contains(&ObjectId::Cluster));
    assert_eq!(scene.hit(f64::INFINITY, 0.0), None);
    let _ = View::fit(scene.bounds(), 100.0, 100.0, 0.0);
}

/// The canvas a 1280×720 projector gives in presentation mode (CSS px), as measured in
/// Chromium by tests/e2e/screens.test.mjs.
const PROJECTOR: (u32, u32) = (1245, 478);

fn on_screen(screen: (u32, u32)) -> LayoutOptions {
    LayoutOptions {
        screen: Some(screen),
        ..LayoutOptions::default()
    }
}

/// Issue 12: on the projector every example is laid out so that `View::fit` draws it at 1:1
/// or larger (every font ≥ 14 px, body text 16 px), with the invariants of any layout.
#[test]
fn every_example_is_drawn_at_least_1_to_1_on_a_projector() {
    for ex in svcsim_scene::examples::ALL {
        let cluster = cluster_from(ex.yaml);
        let opts = on_screen(PROJECTOR);
        let scene = layout(&cluster, &opts);
        check_invariants(&cluster, &scene, &opts);
        let (w, h) = (f64::from(PROJECTOR.0), f64::from(PROJECTOR.1));
        let zoom = View::fit(scene.bounds(), w, h, 16.0).zoom;
        assert!(zoom >= 1.0, "{}: zoom {zoom:.2} {:?}", ex.id, scene.plan());
        // The same screen gives the same picture.
        assert_eq!(scene, layout(&cluster, &opts), "{}", ex.id);
    }
}

/// A phone's canvas, CSS px wide (371 at 390×844; a little less leaves room for narrower
/// phones): the page lets it grow to the scene's height.
const PHONE_WIDTH: u32 = 366;

/// Issue 12: on a phone the canvas grows with the scene (`screen` height 0) and the layout is
/// planned for its width alone: one column of nodes under the outside row, drawn so that its
/// smallest text is ≥ 12 px (zoom ≥ 12/13 by width), every example.
#[test]
fn on_a_phone_every_example_is_one_column_read_at_12_px_or_more() {
    for ex in svcsim_scene::examples::ALL {
        let cluster = cluster_from(ex.yaml);
        let opts = on_screen((PHONE_WIDTH, 0));
        let scene = layout(&cluster, &opts);
        check_invariants(&cluster, &scene, &opts);
        let plan = scene.plan().unwrap();
        assert_eq!(plan.arrangement, Arrangement::Tall, "{}", ex.id);
        assert_eq!(plan.columns, 1, "{}", ex.id);
        let zoom = View::fit(scene.bounds(), f64::from(PHONE_WIDTH), 100_000.0, 16.0).zoom;
        assert!(zoom >= 12.0 / 13.0, "{}: zoom {zoom:.2} {plan:?}", ex.id);
    }
    // The lecture's cluster keeps its labels: the width is enough for a whole pod card.
    let plan = layout(&app_cluster(), &on_screen((PHONE_WIDTH, 0)))
        .plan()
        .unwrap();
    assert_eq!(plan.detail, Detail::Full);
}

/// Without a screen (the CLI, tests, a link's first frame) the layout is the full picture.
#[test]
fn without_a_screen_the_layout_is_tall_with_every_label() {
    let scene = layout(&app_cluster(), &LayoutOptions::default());
    let plan = scene.plan().unwrap();
    assert_eq!(plan.arrangement, Arrangement::Tall);
    assert_eq!(plan.detail, Detail::Full);
}

/// The plan is the richest that fits: a lecture cluster on a large screen keeps its labels,
/// the same cluster on the projector loses the labels line first, and 250 pods on four nodes
/// group the replicas of their Deployment per node.
#[test]
fn detail_is_given_up_only_as_far_as_the_screen_needs() {
    let app = app_cluster();
    assert_eq!(
        layout(&app, &on_screen((1885, 838))).plan().unwrap().detail,
        Detail::Full
    );
    let plan = layout(&app, &on_screen(PROJECTOR)).plan().unwrap();
    assert_eq!(plan.detail, Detail::Compact);
    assert_eq!(plan.arrangement, Arrangement::Wide);
    let split = svcsim_scene::examples::by_id("endpointslice-split").unwrap();
    let plan = layout(&cluster_from(split.yaml), &on_screen(PROJECTOR))
        .plan()
        .unwrap();
    assert_eq!(plan.detail, Detail::Grouped);
}

/// Grouped replicas: one card per workload and node, named "web × N", and every pod of the
/// group still has a place — its id finds the card (hover, selection, a hop's outline), the
/// hops of a journey to any of them land on it, and the Service's 250 endpoint edges become
/// one per card.
#[test]
fn grouped_replicas_are_one_card_that_every_pod_of_it_finds() {
    let split = svcsim_scene::examples::by_id("endpointslice-split").unwrap();
    let cluster = cluster_from(split.yaml);
    let scene = layout(&cluster, &on_screen(PROJECTOR));
    let texts: Vec<&str> = scene
        .items
        .iter()
        .filter_map(|i| match &i.shape {
            Shape::Text { text, .. } => Some(text.as_str()),
            _ => None,
        })
        .collect();
    let groups: Vec<usize> = texts
        .iter()
        .filter_map(|t| t.strip_prefix("web × ")?.parse().ok())
        .collect();
    assert_eq!(groups.iter().sum::<usize>(), 250, "{texts:?}");
    assert!(groups.len() <= 4, "{groups:?}");
    let web: Vec<_> = cluster
        .store
        .pods
        .values()
        .filter(|p| p.metadata.name.starts_with("web-"))
        .collect();
    assert_eq!(web.len(), 250);
    for p in &web {
        let id = ObjectId::pod(&p.metadata.namespace, &p.metadata.name);
        assert!(scene.contains(&id), "{id}");
        let card = scene.rect(&id).unwrap();
        let node = scene
            .rect(&ObjectId::Node(p.spec.node_name.clone()))
            .unwrap();
        assert!(node.contains_rect(&card), "{id}");
    }
    let endpoint_edges = scene
        .items
        .iter()
        .filter(|i| i.style.role == Role::EdgeEndpoint)
        .count();
    assert!(endpoint_edges < 20, "{endpoint_edges} endpoint edges");
    // A journey to the Service ends on a card, wherever its endpoint is.
    let j = journey(&cluster, "pod/client", "web");
    for h in j.hops.iter().chain(j.reply.iter()) {
        assert!(
            scene.anchor_for_place(&h.place).is_some(),
            "no anchor for {:?}",
            h.place
        );
        assert!(
            !scene.objects_for_place(&h.place).is_empty(),
            "{:?}",
            h.place
        );
    }
}

/// Issue 12, item 4: EndpointSlices are drawn between a Service and its endpoints, each with
/// its count — 100 / 100 / 50 for the 250-pod example — and the endpoint edges leave from
/// them; scaling the Deployment changes the counts.
#[test]
fn endpoint_slices_are_chips_with_their_counts() {
    let split = svcsim_scene::examples::by_id("endpointslice-split").unwrap();
    let mut cluster = cluster_from(split.yaml);
    let counts = |cluster: &svcsim_engine::cluster::Cluster| -> Vec<String> {
        let scene = layout(cluster, &on_screen(PROJECTOR));
        let mut chips: Vec<(f64, String)> = scene
            .items
            .iter()
            .filter(|i| {
                matches!(&i.id, Some(ObjectId::EndpointSlice { name, .. }) if name.starts_with("web-"))
            })
            .filter_map(|i| match &i.shape {
                Shape::Text { pos, text, .. } => Some((pos.x, text.clone())),
                _ => None,
            })
            .collect();
        chips.sort_by(|a, b| a.0.total_cmp(&b.0));
        chips.into_iter().map(|(_, t)| t).collect()
    };
    assert_eq!(counts(&cluster), ["slice 100", "slice 100", "slice 50"]);
    // Every slice of the scene is a hittable object (the inspector shows it on click).
    let scene = layout(&cluster, &on_screen(PROJECTOR));
    let chip = scene
        .objects()
        .find(|id| matches!(id, ObjectId::EndpointSlice { name, .. } if name.starts_with("web-")))
        .cloned()
        .unwrap();
    let c = scene.rect(&chip).unwrap().center();
    assert_eq!(scene.hit(c.x, c.y), Some(chip));
    cluster
        .scale(WorkloadKind::Deployment, "default", "web", 120)
        .unwrap();
    cluster.settle();
    // The controller takes the deleted pods' endpoints out of the slices they were in (it
    // does not repack them), so the counts are whatever is left: 120 in all.
    let after = counts(&cluster);
    let total: usize = after
        .iter()
        .map(|t| t.trim_start_matches("slice ").parse::<usize>().unwrap())
        .sum();
    assert_eq!(total, 120, "{after:?}");
}

/// The text lines of a Service's box, top to bottom.
fn service_lines<'a>(scene: &'a svcsim_scene::layout::Scene, service: &str) -> Vec<&'a str> {
    scene
        .items
        .iter()
        .filter(|i| matches!(&i.id, Some(ObjectId::Service { name, .. }) if name == service))
        .filter_map(|i| match &i.shape {
            Shape::Text { text, .. } => Some(text.as_str()),
            _ => None,
        })
        .collect()
}

/// Issue 12, item 4: the Service box says what kind of address it has and its traffic
/// policies (at the projector's size, whole): a ClusterIP is virtual (on kube-ipvs0 in IPVS
/// mode), a headless Service has none and DNS answers with pods, `externalTrafficPolicy:
/// Local` is shown.
#[test]
fn service_boxes_say_virtual_headless_and_their_traffic_policy() {
    let lines = |id: &str, service: &str| -> Vec<String> {
        let cluster = cluster_from(svcsim_scene::examples::by_id(id).unwrap().yaml);
        let scene = layout(&cluster, &on_screen(PROJECTOR));
        service_lines(&scene, service)
            .into_iter()
            .map(str::to_string)
            .collect()
    };
    let clusterip = lines("clusterip", "my-service");
    assert!(
        clusterip
            .iter()
            .any(|t| t.starts_with("ClusterIP · virtual IP")),
        "{clusterip:?}"
    );
    let headless = lines("headless", "my-service");
    assert!(
        headless
            .iter()
            .any(|t| t == "headless · DNS returns pod IPs"),
        "{headless:?}"
    );
    let local = svcsim_scene::examples::by_id("traffic-policy").unwrap();
    let cluster = cluster_from(local.yaml);
    let name = cluster
        .store
        .services
        .values()
        .find(|s| s.spec.external_traffic_policy == "Local")
        .map(|s| s.metadata.name.clone())
        .expect("the traffic-policy example has a Local Service");
    // In IPVS mode the ClusterIP is also bound to kube-ipvs0 on every node.
    let mut ipvs = cluster_from(svcsim_scene::examples::by_id("clusterip").unwrap().yaml);
    ipvs.set_proxy_mode(svcsim_engine::proxy::ProxyMode::Ipvs);
    let scene = layout(&ipvs, &on_screen(PROJECTOR));
    let ipvs_lines = service_lines(&scene, "my-service");
    assert!(
        ipvs_lines
            .iter()
            .any(|t| t.starts_with("ClusterIP") && t.contains("kube-ipvs0")),
        "{ipvs_lines:?}"
    );
    let policy = lines("traffic-policy", &name);
    assert!(
        policy
            .iter()
            .any(|t| t.contains("external: Local") || t.contains("eTP Local")),
        "{policy:?}"
    );
}

/// Issue 13, item 4: a Service labelled `service.kubernetes.io/service-proxy-name` is another
/// proxy's; its box says kube-proxy has no rules for it instead of calling its ClusterIP a
/// virtual IP in kube-proxy's rules.
#[test]
fn a_service_for_another_proxy_says_kube_proxy_has_no_rules_for_it() {
    let yaml = svcsim_scene::examples::by_id("clusterip").unwrap().yaml.replacen(
        "metadata:\n  name: my-service\n",
        "metadata:\n  name: my-service\n  labels:\n    service.kubernetes.io/service-proxy-name: cilium\n",
        1,
    );
    let cluster = cluster_from(&yaml);
    let scene = layout(&cluster, &on_screen(PROJECTOR));
    let lines = service_lines(&scene, "my-service");
    assert!(
        lines
            .iter()
            .any(|t| t.starts_with("ClusterIP · ") && t.contains("cilium")),
        "{lines:?}"
    );
    assert!(!lines.iter().any(|t| t.contains("virtual IP")), "{lines:?}");
}

/// Issue 13, item 12: a Deployment scaled to 0 whose pods sleep 15 s in `preStop` — the
/// pods stay on the canvas as Terminating cards, their endpoints (serving, terminating, not
/// ready) as dashed edges, until the sleep and the exit on SIGTERM are over.
#[test]
fn terminating_pods_stay_drawn_with_their_endpoints_while_prestop_runs() {
    let mut cluster = cluster_from(include_str!("../../cli/tests/fixtures/prestop-sleep.yaml"));
    cluster
        .scale(WorkloadKind::Deployment, "default", "my-app", 0)
        .unwrap();
    cluster.advance(3_000);
    let scene = layout(&cluster, &LayoutOptions::default());
    let edges = edges_of(&scene, "my-service", EdgeKind::EndpointNotReady);
    assert_eq!(edges.len(), 2, "{edges:?}");
    for pod in &edges {
        let card = scene
            .items
            .iter()
            .find(|i| i.hittable && i.id.as_ref() == Some(pod))
            .unwrap();
        assert_eq!(card.style.role, Role::PodTerminating, "{pod}");
    }
    assert!(edges_of(&scene, "my-service", EdgeKind::Endpoint).is_empty());
    cluster.advance(14_000);
    let scene = layout(&cluster, &LayoutOptions::default());
    assert!(edges_of(&scene, "my-service", EdgeKind::EndpointNotReady).is_empty());
    assert!(!pods(&scene)
        .iter()
        .any(|(id, _)| id.to_string().contains("my-app")));
}

/// Issue 13, item 3: the nodes say their zone and the Service its traffic distribution, on
/// the canvas.
#[test]
fn zones_and_traffic_distribution_are_drawn() {
    let cluster = cluster_from(include_str!(
        "../../cli/tests/fixtures/traffic-distribution.yaml"
    ));
    let scene = layout(&cluster, &LayoutOptions::default());
    let texts: Vec<&str> = scene
        .items
        .iter()
        .filter_map(|i| match &i.shape {
            Shape::Text { text, .. } => Some(text.as_str()),
            _ => None,
        })
        .collect();
    assert!(
        texts.iter().any(|t| t.ends_with(" · zone zone-a")),
        "{texts:?}"
    );
    assert_eq!(
        texts
            .iter()
            .filter(|t| t.ends_with(" · zone zone-b"))
            .count(),
        2
    );
    assert!(
        service_lines(&scene, "web")
            .iter()
            .any(|t| t.contains("PreferClose")),
        "{:?}",
        service_lines(&scene, "web")
    );
}

/// The cluster's title names every Service range: the default ServiceCIDR's first, then each
/// one applied (marked while it is being deleted), and a dual-stack cluster's second family.
#[test]
fn the_cluster_title_names_every_service_cidr() {
    let title = |cluster: &svcsim_engine::cluster::Cluster| {
        let scene = layout(cluster, &LayoutOptions::default());
        scene
            .items
            .iter()
            .find_map(|item| match (&item.id, &item.shape) {
                (Some(ObjectId::Cluster), Shape::Text { text, .. }) => Some(text.clone()),
                _ => None,
            })
            .expect("a cluster title")
    };
    let mut cluster = cluster_from(
        "apiVersion: networking.k8s.io/v1\nkind: ServiceCIDR\nmetadata:\n  name: extra\nspec:\n  cidrs: [10.97.0.0/24]\n",
    );
    let t = title(&cluster);
    assert!(
        t.starts_with(
            "cluster kind · kube-proxy iptables · Services 10.96.0.0/16 + 10.97.0.0/24 · "
        ),
        "{t}"
    );
    cluster.delete_service_cidr("extra").unwrap();
    let t = title(&cluster);
    // (Cut to the cluster box's width at the end: the marker starts in view.)
    assert!(t.contains("10.97.0.0/24 (termina"), "{t}");
    let dual = cluster_from(svcsim_scene::examples::by_id("dual-stack").unwrap().yaml);
    let t = title(&dual);
    assert!(
        // (cut to the width of the example's three nodes)
        t.starts_with(
            "cluster kind · dual-stack · kube-proxy iptables · Services 10.96.0.0/16 + fd00:10:"
        ),
        "{t}"
    );
}
