//! Animation: DNS first, then the request, then the reply; monotonic times; interpolation;
//! stepping hop by hop; the event list; many packets at once.

mod common;

use common::*;
use svcsim_engine::trace::Action;
use svcsim_scene::animation::*;
use svcsim_scene::layout::{layout, LayoutOptions, ObjectId, Scene};

fn fixture() -> (Scene, Timeline) {
    let cluster = app_cluster();
    let scene = layout(&cluster, &LayoutOptions::default());
    let j = journey(&cluster, "pod/client", "my-service");
    assert!(!j.dns_queries.is_empty(), "a name is resolved first");
    let tl = Timeline::new(&j, &scene);
    (scene, tl)
}

#[test]
fn dns_first_then_request_then_reply() {
    let (_, tl) = fixture();
    let phases: Vec<Phase> = tl.events().iter().map(|e| e.phase).collect();
    assert_eq!(phases.first(), Some(&Phase::Dns));
    assert_eq!(phases.last(), Some(&Phase::Reply));
    assert!(phases.windows(2).all(|w| w[0] <= w[1]), "{phases:?}");
    let req = tl.first_hop_of(Phase::Request).unwrap();
    let rep = tl.first_hop_of(Phase::Reply).unwrap();
    assert!(0 < req && req < rep);
    // Each DNS query goes out and its answer comes back before the next leg.
    let legs: Vec<&str> = tl.events().iter().map(|e| e.leg.as_str()).collect();
    assert_eq!(legs[0], "DNS query 1");
    assert_eq!(
        tl.events()[0].query.as_deref(),
        Some("my-service.default.svc.cluster.local")
    );
    assert!(legs.contains(&"DNS answer 1"));
    let answer = tl
        .events()
        .iter()
        .find(|e| e.leg == "DNS answer 1")
        .unwrap();
    assert_eq!(
        answer.query,
        tl.events()[0].query,
        "the answer is to that name"
    );
    assert_eq!(tl.events()[req].query, None);
    assert_eq!(legs[req], "request");
    assert_eq!(legs[rep], "reply");
    for (i, e) in tl.events().iter().enumerate() {
        assert_eq!(e.index, i);
    }
}

#[test]
fn times_are_monotonic_and_positions_interpolate() {
    let (scene, tl) = fixture();
    let n = tl.events().len();
    let starts: Vec<f64> = (0..n).map(|i| tl.start_of_hop(i).unwrap()).collect();
    assert_eq!(starts[0], 0.0);
    assert!(starts
        .windows(2)
        .all(|w| w[1] - w[0] >= MIN_TRAVEL_MS + DWELL_MS - 1e-9));
    assert!(tl.total_ms() > *starts.last().unwrap());
    assert_eq!(tl.start_of_hop(n), None);

    for (i, &start) in starts.iter().enumerate() {
        let s = tl.position_at(start).unwrap();
        assert_eq!(s.hop_index, i);
        assert!(s.at_stop);
        assert_eq!(Some(s.pos), tl.hop_position(i));
        assert_eq!(tl.hop_at(start), Some(i));
    }
    // Halfway through the travel from hop i to i+1 the packet is halfway between them.
    for i in 0..n - 1 {
        let a = tl.hop_position(i).unwrap();
        let b = tl.hop_position(i + 1).unwrap();
        let dwell = if tl.events()[i].nat {
            NAT_DWELL_MS
        } else {
            DWELL_MS
        };
        let depart = starts[i] + dwell;
        let mid = (depart + starts[i + 1]) / 2.0;
        let s = tl.position_at(mid).unwrap();
        assert!(!s.at_stop);
        assert_eq!(s.hop_index, i);
        assert!((s.pos.x - (a.x + b.x) / 2.0).abs() < 1e-6);
        assert!((s.pos.y - (a.y + b.y) / 2.0).abs() < 1e-6);
        // Travel time grows with distance, never under the minimum.
        let travel = starts[i + 1] - depart;
        let want = (a.distance(b) / SPEED_PX_PER_MS).max(MIN_TRAVEL_MS);
        assert!((travel - want).abs() < 1e-6);
    }
    assert!(tl.position_at(-1.0).is_none());
    assert!(tl.position_at(tl.total_ms() + 1.0).is_none());
    assert!(tl.position_at(f64::NAN).is_none());
    // The first stop is the client pod.
    let client = scene.anchor(&ObjectId::pod("default", "client")).unwrap();
    assert_eq!(tl.position_at(0.0).unwrap().pos, client);
}

#[test]
fn stepping_forward_and_back_visits_every_hop() {
    let (_, tl) = fixture();
    let n = tl.events().len();
    let mut t = 0.0;
    let mut seen = vec![0];
    loop {
        let next = tl.next_hop_time(t);
        assert!(next > t || next == tl.total_ms());
        if next >= tl.total_ms() {
            break;
        }
        t = next;
        seen.push(tl.hop_at(t).unwrap());
    }
    assert_eq!(seen, (0..n).collect::<Vec<_>>());
    let mut back = vec![tl.hop_at(t).unwrap()];
    while t > 0.0 {
        t = tl.prev_hop_time(t);
        back.push(tl.hop_at(t).unwrap());
    }
    back.reverse();
    assert_eq!(back, (0..n).collect::<Vec<_>>());
    // Mid-travel, "back" returns to the hop just left.
    let mid = (tl.start_of_hop(2).unwrap() + tl.start_of_hop(3).unwrap()) / 2.0 + 200.0;
    assert_eq!(tl.prev_hop_time(mid), tl.start_of_hop(2).unwrap());
    assert_eq!(tl.next_hop_time(mid), tl.start_of_hop(3).unwrap());

    let mut head = Playhead::start(&tl);
    assert!(head.playing);
    head.step_forward(&tl);
    assert!(!head.playing);
    assert_eq!(head.t, tl.start_of_hop(1).unwrap());
    assert_eq!(head.current(&tl), 1);
    head.step_back(&tl);
    assert_eq!(head.t, 0.0);
    head.replay(&tl);
    assert!(head.tick(200.0, &tl));
    assert_eq!(head.t, 200.0);
    assert!(head.tick(1e12, &tl));
    assert_eq!(head.t, tl.total_ms());
    assert!(!head.playing, "stops at the end");
    assert!(!head.tick(16.0, &tl));
    assert_eq!(head.current(&tl), n - 1);
    // Play after the end starts over; pause always works.
    head.toggle(&tl);
    assert!(head.playing && head.t == 0.0);
    head.toggle(&tl);
    assert!(!head.playing);
    // A click in the event list pauses at that hop; past the end, at the last one.
    head.goto(3, &tl);
    assert_eq!((head.t, head.playing), (tl.start_of_hop(3).unwrap(), false));
    head.goto(10_000, &tl);
    assert_eq!(head.current(&tl), n - 1);
    // Nothing to play without a journey.
    let empty = Timeline::default();
    let mut idle = Playhead::start(&empty);
    assert!(!idle.playing);
    idle.toggle(&empty);
    idle.replay(&empty);
    assert!(!idle.playing);
    assert_eq!(idle.current(&empty), 0);
}

#[test]
fn the_event_list_shows_nat_before_and_after_and_the_rules() {
    let (_, tl) = fixture();
    let svc_ip = app_cluster()
        .store
        .service("default", "my-service")
        .unwrap()
        .spec
        .cluster_ip
        .clone();
    let dnat = tl
        .events()
        .iter()
        .find(|e| e.phase == Phase::Request && e.action == Action::Dnat)
        .expect("a DNAT hop");
    assert!(dnat.nat);
    assert!(
        dnat.before.contains(&format!("> {svc_ip}:80")),
        "{}",
        dnat.before
    );
    assert!(dnat.before.ends_with("TCP SYN"), "{}", dnat.before);
    assert!(dnat.after.contains(":9376"), "{}", dnat.after);
    assert_eq!(dnat.action_text, "DNAT");
    assert!(dnat.place_text.starts_with("kube-proxy iptables"));
    assert!(!dnat.failed);
    // The rules view shows the node whose kube-proxy matched; hops elsewhere have none.
    let node = dnat.rules_node().expect("DNAT happens in kube-proxy");
    assert!(
        dnat.place_text.contains(node),
        "{} / {node}",
        dnat.place_text
    );
    assert_eq!(tl.events()[0].rules_node(), None);
    assert!(
        dnat.rules
            .iter()
            .any(|r| r.to_string().contains("KUBE-SERVICES")),
        "{:?}",
        dnat.rules
    );
    assert!(
        dnat.lb
            .as_ref()
            .is_some_and(|lb| lb.to_string().contains("of 3")),
        "{:?}",
        dnat.lb
    );
    // Pausing at the NAT hop the sprite shows before → after, and pauses longer.
    let i = dnat.index;
    let at = tl.position_at(tl.start_of_hop(i).unwrap() + 10.0).unwrap();
    assert!(at.nat);
    assert_eq!(at.label, format!("{} → {}", dnat.before, dnat.after));
    // The DNS query's DNAT goes to a CoreDNS pod on port 53.
    let dns_dnat = tl
        .events()
        .iter()
        .find(|e| e.phase == Phase::Dns && e.action == Action::Dnat)
        .unwrap();
    assert!(dns_dnat.before.contains(":53"), "{}", dns_dnat.before);
    // The reply is un-NATed back to the Service address.
    let unnat = tl
        .events()
        .iter()
        .find(|e| e.phase == Phase::Reply && e.action == Action::UnNat)
        .expect("un-NAT in the reply");
    assert!(
        unnat.after.starts_with(&format!("{svc_ip}:80 >")),
        "{}",
        unnat.after
    );
}

#[test]
fn a_journey_without_dns_starts_with_the_request() {
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
    let j = journey(&cluster, "external", &lb_ip);
    let tl = Timeline::new(&j, &scene);
    assert_eq!(tl.events()[0].phase, Phase::Request);
    assert_eq!(
        tl.position_at(0.0).unwrap().pos,
        scene.anchor(&ObjectId::ExternalClient).unwrap()
    );
    assert!(tl.events().iter().any(|e| e.action == Action::Arp));
}

#[test]
fn an_empty_journey_and_a_foreign_scene_never_panic() {
    let cluster = app_cluster();
    let j = journey(&cluster, "pod/client", "my-service");
    // A scene of another cluster: most places are unknown, the timeline still works.
    let other = layout(&big_cluster(2, 1), &LayoutOptions::default());
    let tl = Timeline::new(&j, &other);
    assert_eq!(
        tl.events().len(),
        Timeline::new(&j, &layout(&cluster, &LayoutOptions::default()))
            .events()
            .len()
    );
    let mut t = 0.0;
    while t <= tl.total_ms() {
        assert!(tl.position_at(t).is_some());
        t += 97.0;
    }
    let empty = Timeline::default();
    assert_eq!(empty.total_ms(), 0.0);
    assert!(empty.position_at(0.0).is_none());
    assert_eq!(empty.next_hop_time(0.0), 0.0);
    assert_eq!(empty.prev_hop_time(5.0), 0.0);
}

#[test]
fn a_hundred_looping_packets_are_spread_over_the_journey() {
    let (_, tl) = fixture();
    let total = tl.total_ms();
    let sprites = looping_sprites(&tl, 0.0, 100);
    assert_eq!(sprites.len(), 100);
    // Packet k is k hundredths of the journey ahead of packet 0, wrapping around.
    for (k, s) in sprites.iter().enumerate() {
        assert_eq!(Some(*s), tl.position_at(k as f64 * total / 100.0));
    }
    let later = looping_sprites(&tl, total * 2.5, 100);
    assert_eq!(later.first().copied(), tl.position_at(total * 0.5));
    assert!(looping_sprites(&tl, f64::NAN, 100).is_empty());
    assert!(looping_sprites(&tl, 0.0, 0).is_empty());
    assert!(looping_sprites(&Timeline::default(), 0.0, 100).is_empty());
}

mod label_placement {
    use svcsim_scene::animation::place_label;
    use svcsim_scene::layout::{Point, Rect};

    const NAT: &str = "10.244.1.2:44615 > 10.96.0.10:53 UDP → 10.244.1.2:44615 > 10.244.0.3:53 UDP";
    /// 7 units a character, as a monospace-ish stand-in for the canvas' measureText.
    fn measure(s: &str) -> f64 {
        s.chars().count() as f64 * 7.0
    }
    fn inside(r: Rect, v: Rect) -> bool {
        r.x >= v.x - 1e-9
            && r.right() <= v.right() + 1e-9
            && r.y >= v.y - 1e-9
            && r.bottom() <= v.bottom() + 1e-9
    }
    fn place(at: Point, v: Rect) -> svcsim_scene::animation::LabelBox<'static> {
        place_label(NAT, at, 12.0, 18.0, v, 8.0, measure)
    }

    #[test]
    fn a_label_that_fits_goes_right_of_the_packet_on_one_line() {
        let b = place(Point::new(10.0, 100.0), Rect::new(0.0, 0.0, 1000.0, 400.0));
        assert_eq!(b.lines, vec![NAT]);
        assert_eq!((b.rect.x, b.scale), (22.0, 1.0));
        assert!(
            (b.rect.y + b.rect.h / 2.0 - 100.0).abs() < 1e-9,
            "centred on the packet"
        );
    }

    #[test]
    fn at_the_right_edge_it_goes_left() {
        let b = place(Point::new(980.0, 100.0), Rect::new(0.0, 0.0, 1000.0, 400.0));
        assert_eq!(b.lines.len(), 1);
        assert!((b.rect.right() - 968.0).abs() < 1e-9);
    }

    #[test]
    fn a_nat_label_too_long_for_either_side_is_split_before_the_arrow() {
        let b = place(Point::new(20.0, 100.0), Rect::new(0.0, 0.0, 400.0, 400.0));
        assert_eq!(
            b.lines,
            vec![
                "10.244.1.2:44615 > 10.96.0.10:53 UDP",
                "→ 10.244.1.2:44615 > 10.244.0.3:53 UDP"
            ]
        );
        assert_eq!(b.rect.x, 32.0);
        assert_eq!(b.rect.h, 36.0);
    }

    #[test]
    fn in_a_narrow_view_it_goes_above_or_below_shrunk_to_fit() {
        let v = Rect::new(0.0, 0.0, 200.0, 300.0);
        let above = place(Point::new(100.0, 200.0), v);
        assert!(above.scale < 1.0 && inside(above.rect, v), "{above:?}");
        assert!(
            above.rect.bottom() <= 200.0 - 12.0 + 1e-9,
            "above the packet"
        );
        let below = place(Point::new(100.0, 10.0), v);
        assert!(
            below.rect.y >= 10.0 + 12.0 - 1e-9,
            "below when there is no room above"
        );
    }

    /// Wherever the packet is in the view, its label is whole inside the view (one or two lines,
    /// nothing cut) and does not cover the packet's centre.
    #[test]
    fn everywhere_in_the_view_the_label_is_whole_and_clear_of_the_packet() {
        for (vw, vh) in [(1200.0, 700.0), (600.0, 400.0), (300.0, 500.0)] {
            let v = Rect::new(-50.0, 30.0, vw, vh);
            let mut y = v.y + 20.0;
            while y < v.bottom() - 20.0 {
                let mut x = v.x + 5.0;
                while x < v.right() - 5.0 {
                    let at = Point::new(x, y);
                    let b = place(at, v);
                    assert!(inside(b.rect, v), "{vw}×{vh} at {at:?}: {b:?}");
                    assert!(!b.rect.contains(at), "{vw}×{vh} at {at:?}: {b:?}");
                    assert_eq!(b.lines.join(" "), NAT, "nothing cut");
                    x += 17.0;
                }
                y += 23.0;
            }
        }
    }
}

/// The DNS legs of an example's suggested journey: (question, answer) of each query's last
/// answer hop.
fn dns_of(example: &str) -> Vec<(String, Option<String>)> {
    let ex = svcsim_scene::examples::by_id(example).unwrap();
    let cluster = cluster_from(ex.yaml);
    let (from, to) = ex.suggested_trace.unwrap();
    let j = journey(&cluster, from, to);
    let scene = layout(&cluster, &LayoutOptions::default());
    let tl = Timeline::new(&j, &scene);
    let mut out: Vec<(String, Option<String>)> = Vec::new();
    for e in tl.events() {
        if e.phase != Phase::Dns {
            assert_eq!(e.dns, None);
            break;
        }
        let d = e.dns.as_ref().expect("a DNS hop says its question");
        if e.leg.starts_with("DNS query") {
            assert_eq!(
                d.answer, None,
                "{}: the question's way out has no answer yet",
                e.leg
            );
        }
        if e.leg.starts_with("DNS answer") && e.number == 1 {
            out.push((d.question.clone(), d.answer.clone()));
        }
    }
    out
}

/// Issue 12, item 3: each DNS hop carries its question, and the answer's hops what CoreDNS
/// answered — the ClusterIP's A record, a headless Service's pod IPs, ExternalName's CNAME
/// after the search list's NXDOMAINs.
#[test]
fn dns_hops_say_the_question_and_the_answer() {
    let clusterip = dns_of("clusterip");
    assert_eq!(clusterip.len(), 1, "{clusterip:?}");
    assert_eq!(clusterip[0].0, "my-service.default.svc.cluster.local A");
    let a = clusterip[0].1.as_deref().unwrap();
    assert!(a.starts_with("A 10.96."), "{a}");

    let headless = dns_of("headless");
    let last = headless.last().unwrap().1.as_deref().unwrap();
    assert!(last.starts_with("A 10.244."), "{last}");
    assert_eq!(last.matches("10.244.").count(), 3, "three pods: {last}");

    let external = dns_of("externalname");
    assert!(
        external.len() > 1,
        "the search list is walked: {external:?}"
    );
    let (walk, answer) = external.split_at(external.len() - 1);
    for (q, a) in walk {
        assert!(
            a.as_deref()
                .is_some_and(|a| a.starts_with("NXDOMAIN") || a.starts_with("NODATA")),
            "{q}: {a:?}"
        );
    }
    let cname = answer[0].1.as_deref().unwrap();
    assert!(cname.starts_with("CNAME "), "{cname}");
}

/// "Fold DNS": each lookup is one step at the client carrying its question and answer; the
/// connection's hops are the same rows as unfolded, and a lookup that failed stays failed.
#[test]
fn folded_dns_is_one_step_per_lookup() {
    let ex = svcsim_scene::examples::by_id("externalname").unwrap();
    let cluster = cluster_from(ex.yaml);
    let (from, to) = ex.suggested_trace.unwrap();
    let j = journey(&cluster, from, to);
    let scene = layout(&cluster, &LayoutOptions::default());
    let open = Timeline::new(&j, &scene);
    let folded = Timeline::build(&j, &scene, true);
    let dns: Vec<&HopEvent> = folded
        .events()
        .iter()
        .filter(|e| e.phase == Phase::Dns)
        .collect();
    assert_eq!(dns.len(), j.dns_queries.len());
    for (k, e) in dns.iter().enumerate() {
        assert_eq!(e.leg, format!("DNS lookup {}", k + 1));
        assert_eq!(e.index, k);
        let d = e.dns.as_ref().unwrap();
        assert!(d.answer.is_some(), "{d:?}");
        assert_eq!(e.place, j.dns_queries[k].hops[0].place);
    }
    assert!(dns[0]
        .dns
        .as_ref()
        .unwrap()
        .answer
        .as_deref()
        .unwrap()
        .starts_with("NXDOMAIN"));
    let rest = |t: &Timeline| -> Vec<String> {
        t.events()
            .iter()
            .filter(|e| e.phase != Phase::Dns)
            .map(|e| format!("{} {} {}", e.leg, e.place_text, e.after))
            .collect()
    };
    assert_eq!(rest(&open), rest(&folded));
    assert!(folded.events().len() + 10 < open.events().len());
}

/// A hop says what happens once: `DNAT → 10.244.1.3:9376 (…)`, not `DNAT: DNAT → …`
/// (the caption under the canvas read the action twice).
#[test]
fn a_hop_says_its_action_once() {
    let ex = svcsim_scene::examples::by_id("clusterip").unwrap();
    let cluster = cluster_from(ex.yaml);
    let (from, to) = ex.suggested_trace.unwrap();
    let j = journey(&cluster, from, to);
    let scene = layout(&cluster, &LayoutOptions::default());
    let tl = Timeline::new(&j, &scene);
    let dnat = tl
        .events()
        .iter()
        .find(|e| e.action_text == "DNAT")
        .expect("the ClusterIP journey is DNATed");
    let what = dnat.what();
    assert!(what.starts_with("DNAT"), "{what}");
    assert!(!what.contains("DNAT: DNAT"), "{what}");
    for e in tl.events() {
        let w = e.what();
        assert!(w.contains(&e.note), "{w} lost the note {}", e.note);
        assert!(
            w.to_lowercase().contains(&e.action_text.to_lowercase()),
            "{w} lost the action {}",
            e.action_text
        );
    }
}

/// Issue 13, item 11: the first lookup's legs say which resolver walks the search list — the
/// client image's C library (glibc; musl on an Alpine image).
#[test]
fn the_first_lookup_names_the_client_resolver() {
    use svcsim_engine::dns::ResolverFlavor;
    let resolver_of = |image: &str| {
        let yaml = format!(
            "{APP}---\napiVersion: v1\nkind: Pod\nmetadata:\n  name: shell\nspec:\n  containers:\n  - name: shell\n    image: {image}\n"
        );
        let cluster = cluster_from(&yaml);
        let scene = layout(&cluster, &LayoutOptions::default());
        let tl = Timeline::new(&journey(&cluster, "pod/shell", "my-service"), &scene);
        let first = tl.events()[0].dns.as_ref().and_then(|d| d.resolver);
        // Only the first lookup says it (the later queries are the same resolver's).
        assert!(tl
            .events()
            .iter()
            .filter(|e| e.leg != "DNS query 1" && e.leg != "DNS answer 1")
            .all(|e| e.dns.as_ref().is_none_or(|d| d.resolver.is_none())));
        first
    };
    assert_eq!(resolver_of("alpine:3.20"), Some(ResolverFlavor::Musl));
    assert_eq!(resolver_of("nginx:1.27-alpine"), Some(ResolverFlavor::Musl));
    assert_eq!(resolver_of("busybox:1.36"), Some(ResolverFlavor::Glibc));
}
