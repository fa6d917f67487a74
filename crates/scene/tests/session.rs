//! The page's model: how the editor text reaches the cluster (apply with prune, syntax errors
//! keep the cluster), time running frame by frame, the teaching actions that edit the text, the
//! journey player, the console, and what is saved.

use svcsim_engine::api::apps::WorkloadKind;
use svcsim_engine::proxy::ProxyMode;
use svcsim_engine::trace::Action;
use svcsim_scene::examples;
use svcsim_scene::highlight::{gutter_html, line_offset_utf16};
use svcsim_scene::layout::{Arrangement, ObjectId};
use svcsim_scene::playback::PacketKind;
use svcsim_scene::session::{Applied, Available, Problem, Session, DEFAULT_SEED};
use svcsim_scene::settings::{Settings, Theme};
use svcsim_scene::share::Scenario;
use svcsim_scene::textedit::set_field;

fn session(text: &str) -> Session {
    Session::new(&Scenario {
        text: text.to_string(),
        seed: DEFAULT_SEED,
        ..Scenario::default()
    })
}

fn example(id: &str) -> &'static str {
    examples::by_id(id).unwrap().yaml
}

/// The name of one of the default example's `my-app` pods.
fn my_app_pod(s: &Session) -> String {
    s.cluster()
        .store
        .pods_in(Some("default"))
        .find(|p| p.metadata.name.starts_with("my-app"))
        .map(|p| p.metadata.name.clone())
        .expect("a my-app pod")
}

/// Frames of 16 ms until nothing is pending or playing (at most `frames`).
fn run_frames(s: &mut Session, frames: usize) -> bool {
    let mut changed = false;
    for _ in 0..frames {
        if !s.busy() {
            break;
        }
        changed |= s.frame(16.0);
    }
    changed
}

#[test]
fn syntax_error_keeps_the_cluster_and_points_at_the_line() {
    let mut s = session(examples::default_example().yaml);
    let services = s.cluster().store.services.len();
    let before = s.revisions();
    s.set_draft("kind: Service\napiVersion: v1\nmetadata:\n  name: [x\n");
    assert_eq!(s.revisions().text, before.text + 1);
    assert_eq!(s.apply(), Applied::KeptPrevious);
    assert_eq!(s.cluster().store.services.len(), services);
    assert_eq!(s.problems().len(), 1);
    assert_eq!(s.problems()[0].line, 5);
    assert!(s.problems()[0]
        .message
        .starts_with("error: error parsing editor: error converting YAML to JSON"));
}

#[test]
fn objects_leaving_the_text_are_deleted_and_invalid_new_ones_are_missing() {
    let text = examples::default_example().yaml;
    let mut s = session(text);
    assert!(s.cluster().store.service("default", "my-service").is_some());
    // Remove the Service: pruned.
    let without: String = text
        .split("\n---\n")
        .filter(|d| !d.contains("kind: Service"))
        .collect::<Vec<_>>()
        .join("\n---\n");
    s.set_draft(without.clone());
    assert_eq!(s.apply(), Applied::Applied);
    assert!(s.cluster().store.service("default", "my-service").is_none());
    // An invalid new Service is missing; the error points into its document.
    let bad = format!("{without}\n---\napiVersion: v1\nkind: Service\nmetadata:\n  name: bad\nspec:\n  ports:\n  - port: 70000\n");
    s.set_draft(bad.clone());
    s.apply();
    assert!(s.cluster().store.service("default", "bad").is_none());
    assert_eq!(s.problems().len(), 1, "{:?}", s.problems());
    assert!(s.problems()[0].message.contains("70000"));
    let line = s.problems()[0].line as usize;
    assert!(
        bad.lines().nth(line - 1).unwrap().contains("port: 70000"),
        "line {line}"
    );
    assert_eq!(s.applied_text(), bad);
}

#[test]
fn a_changed_kind_config_rebuilds_and_keeps_the_pages_proxy_mode() {
    let mut s = session(examples::default_example().yaml);
    s.set_proxy_mode(ProxyMode::Ipvs);
    assert_eq!(s.proxy_mode(), ProxyMode::Ipvs);
    let with_kind = format!(
        "kind: Cluster\napiVersion: kind.x-k8s.io/v1alpha4\nnodes:\n- role: control-plane\n- role: worker\n---\n{}",
        examples::default_example().yaml
    );
    s.set_draft(with_kind);
    assert_eq!(s.apply(), Applied::Rebuilt);
    assert_eq!(s.cluster().store.nodes.len(), 2);
    assert_eq!(s.proxy_mode(), ProxyMode::Ipvs, "the page's choice wins");
    assert_eq!(s.scenario().settings.proxy_mode, Some(ProxyMode::Ipvs));
}

#[test]
fn time_runs_frame_by_frame_until_the_cluster_settles() {
    let mut s = session(examples::default_example().yaml);
    assert!(!s.pending());
    assert!(!s.frame(16.0), "nothing to do on a settled cluster");
    let pod = my_app_pod(&s);
    let rev = s.revisions();
    s.delete_pod("default", &pod).unwrap();
    assert!(s.revisions().cluster > rev.cluster);
    assert!(s.pending());
    assert!(run_frames(&mut s, 400));
    assert!(!s.pending());
    assert!(s.cluster().store.pod("default", &pod).is_none());
    // Speed 4×: the same work takes a quarter of the frames.
    let mut fast = session(examples::default_example().yaml);
    fast.set_speed(4.0);
    fast.delete_pod("default", &pod).unwrap();
    let mut frames = 0;
    while fast.pending() && frames < 400 {
        fast.frame(16.0);
        frames += 1;
    }
    let mut slow = session(examples::default_example().yaml);
    slow.delete_pod("default", &pod).unwrap();
    let mut slow_frames = 0;
    while slow.pending() && slow_frames < 2000 {
        slow.frame(16.0);
        slow_frames += 1;
    }
    assert!(frames * 3 < slow_frames, "{frames} vs {slow_frames}");
    // Frames shorter than a millisecond still add up.
    let mut tiny = session(examples::default_example().yaml);
    tiny.delete_pod("default", &pod).unwrap();
    let t0 = tiny.cluster().now;
    for _ in 0..100 {
        tiny.frame(0.4);
    }
    assert_eq!(tiny.cluster().now.as_ms() - t0.as_ms(), 40);
    assert!(!tiny.frame(f64::NAN) && !tiny.frame(-5.0));
}

/// Loading an example (what the examples menu does) leaves work for the controllers and no timer
/// yet: the session must say so, or the frame loop never starts and the Deployment has no pods.
#[test]
fn a_loaded_example_runs_until_its_pods_are_ready() {
    let mut s = Session::first_visit();
    s.select(Some(ObjectId::pod("default", "client")));
    s.set_source("pod:default:client");
    s.send(1).unwrap();
    s.load_example("traffic-policy");
    assert!(s.pending());
    assert_eq!(
        s.selection(),
        None,
        "the old cluster's selection is dropped"
    );
    assert!(s.playback().journey().is_none(), "and its journey");
    run_frames(&mut s, 400);
    assert!(!s.pending());
    let ready = s
        .cluster()
        .store
        .pods_in(Some("default"))
        .filter(|p| p.metadata.name.starts_with("web-") && !p.status.pod_ip.is_empty())
        .count();
    assert_eq!(ready, 2);
    let lb = s.cluster().store.service("default", "web-local").unwrap();
    assert!(!lb.status.load_balancer.ingress.is_empty());
    // The journey form points at the example's suggested request.
    assert_eq!(s.settings().source.as_deref(), Some("external"));
    assert_eq!(s.settings().dest.as_deref(), Some("172.18.0.4:30081"));
    assert_eq!(s.settings().example.as_deref(), Some("traffic-policy"));
}

/// An example whose suggested source is a Deployment's pod (`deploy/frontend`) has no such pod
/// right after loading: the source is taken once the pod exists, unless the user chose first.
#[test]
fn a_suggested_source_waits_for_its_pod_and_the_users_choice_wins() {
    let with_deploy = examples::ALL
        .iter()
        .find(|e| {
            e.suggested_trace
                .is_some_and(|(f, _)| f.starts_with("deploy/"))
        })
        .expect("an example that starts from a Deployment");
    let name = with_deploy
        .suggested_trace
        .unwrap()
        .0
        .rsplit('/')
        .next()
        .unwrap();
    let of_deploy = |s: &Session| {
        s.settings()
            .source
            .as_deref()
            .is_some_and(|v| v.starts_with(&format!("pod:default:{name}-")))
    };
    let mut s = Session::first_visit();
    s.load_example(with_deploy.id);
    assert!(!of_deploy(&s), "no pod yet right after the load");
    run_frames(&mut s, 600);
    assert!(of_deploy(&s), "{:?}", s.settings().source);
    let source = s.settings().source.clone().unwrap();
    assert!(
        source.starts_with(&format!("pod:default:{name}-")),
        "{source}"
    );

    let mut s = Session::first_visit();
    s.load_example(with_deploy.id);
    s.set_source("node:kind-worker");
    run_frames(&mut s, 600);
    assert_eq!(s.settings().source.as_deref(), Some("node:kind-worker"));
}

#[test]
fn scale_and_external_traffic_policy_edit_the_text() {
    let mut s = session(example("nodeport"));
    let (ns, svc) = s
        .cluster()
        .store
        .services
        .values()
        .find(|s| s.spec.type_ == "NodePort")
        .map(|s| (s.metadata.namespace.clone(), s.metadata.name.clone()))
        .unwrap();
    s.toggle_external_traffic_policy(&ns, &svc).unwrap();
    assert!(
        s.draft().contains("externalTrafficPolicy: Local"),
        "{}",
        s.draft()
    );
    assert_eq!(s.draft(), s.applied_text());
    assert_eq!(
        s.cluster()
            .store
            .service(&ns, &svc)
            .unwrap()
            .spec
            .external_traffic_policy,
        "Local"
    );
    s.toggle_external_traffic_policy(&ns, &svc).unwrap();
    assert!(s.draft().contains("externalTrafficPolicy: Cluster"));
    assert!(s.toggle_external_traffic_policy(&ns, "nope").is_err());

    let (dns, dname) = s
        .cluster()
        .store
        .workloads
        .keys()
        .find(|(k, key)| *k == WorkloadKind::Deployment && key.namespace == "default")
        .map(|(_, key)| (key.namespace.clone(), key.name.clone()))
        .unwrap();
    let before = s.replicas(WorkloadKind::Deployment, &dns, &dname).unwrap();
    s.scale(WorkloadKind::Deployment, &dns, &dname, before + 1)
        .unwrap();
    assert!(
        s.draft().contains(&format!("replicas: {}", before + 1)),
        "{}",
        s.draft()
    );
    s.settle();
    assert_eq!(
        s.replicas(WorkloadKind::Deployment, &dns, &dname),
        Some(before + 1)
    );
    // A later apply of the text keeps the new size.
    s.apply();
    s.settle();
    assert_eq!(
        s.replicas(WorkloadKind::Deployment, &dns, &dname),
        Some(before + 1)
    );
}

#[test]
fn what_can_be_done_to_the_selection() {
    let mut s = session(examples::default_example().yaml);
    assert_eq!(s.available(), Available::None);
    let pod = my_app_pod(&s);
    s.select(Some(ObjectId::pod("default", &pod)));
    match s.available() {
        Available::Pod {
            ready,
            terminating,
            deployment,
            ..
        } => {
            assert!(ready && !terminating);
            assert_eq!(deployment, Some(("my-app".to_string(), 3)));
        }
        other => panic!("{other:?}"),
    }
    s.set_pod_ready("default", &pod, false).unwrap();
    assert!(matches!(s.available(), Available::Pod { ready: false, .. }));
    s.select(Some(ObjectId::service("default", "my-service")));
    assert_eq!(
        s.available(),
        Available::Service {
            namespace: "default".into(),
            name: "my-service".into(),
            policy: "Cluster".into(),
            external: false,
        }
    );
}

#[test]
fn a_journey_plays_hop_by_hop_and_the_views_follow_the_playhead() {
    let mut s = session(examples::default_example().yaml);
    s.set_source("pod:default:client");
    s.set_dest("my-service:80");
    s.send(1).unwrap();
    let p = s.playback();
    let n = p.events().len();
    assert!(n > 10);
    assert!(p.is_playing());
    assert_eq!(p.current(), 0);
    assert!(p
        .outcome()
        .unwrap()
        .contains("connected to pod default/my-app"));
    // The page shows the outcome only once the journey reaches its last hop.
    let status = p.status().unwrap();
    assert!(status.ends_with(&format!("hop 1 of {n}…")), "{status}");
    assert!(!status.contains("connected"), "{status}");
    // The overlay: one packet at the first hop, the client pod outlined.
    let o = s.overlay(false);
    assert_eq!(o.packets.len(), 1);
    assert_eq!(o.packets[0].kind, PacketKind::Dns);
    assert_eq!(o.focus, vec![ObjectId::pod("default", "client")]);
    assert_eq!(o.label_px, 15.0);
    s.set_presentation(true);
    assert_eq!(s.overlay(false).label_px, 21.0);
    // Step to the request's DNAT: the inspector shows that node's rules, the hit lines marked.
    let dnat = s
        .playback()
        .events()
        .iter()
        .position(|e| {
            e.action == Action::Dnat && e.phase == svcsim_scene::animation::Phase::Request
        })
        .unwrap();
    s.goto_hop(dnat);
    assert!(!s.playback().is_playing());
    assert_eq!(s.playback().current(), dnat);
    let panel = s.inspector();
    let rules = panel.rules.expect("rules of the DNAT's node");
    let node = s
        .playback()
        .current_event()
        .unwrap()
        .rules_node()
        .unwrap()
        .to_string();
    assert_eq!(rules.prompt, format!("{node}$ iptables-save"));
    let hits: Vec<&str> = rules
        .lines
        .iter()
        .filter(|l| l.hit)
        .map(|l| l.text.as_str())
        .collect();
    assert!(hits.iter().any(|l| l.contains("KUBE-SVC-")), "{hits:?}");
    assert!(hits.iter().any(|l| l.contains("DNAT")), "{hits:?}");
    // Frames move the playhead to the end, where it stops.
    s.step_back();
    assert_eq!(s.playback().current(), dnat - 1);
    s.replay();
    let mut frames = 0;
    while s.playback().is_playing() && frames < 10_000 {
        assert!(s.frame(16.0));
        frames += 1;
    }
    assert_eq!(s.playback().current(), n - 1);
    assert!(!s.frame(16.0));
    // Reduced motion: the packet is drawn at a hop, never between two.
    s.replay();
    s.frame(500.0);
    let at = s.overlay(true).packets[0].at;
    let i = s.playback().current();
    assert_eq!(Some(at), s.playback().timeline().hop_position(i));
}

#[test]
fn send_100_keeps_the_distribution_and_errors_say_what_is_wrong() {
    let mut s = session(examples::default_example().yaml);
    assert_eq!(
        s.send(1).unwrap_err(),
        "choose where the packet starts",
        "no source chosen"
    );
    s.set_source("pod:default:client");
    s.set_dest("my-service:80");
    s.send(100).unwrap();
    let d = s.playback().distribution().unwrap();
    assert_eq!(d.endpoints.len(), 3);
    assert_eq!(d.endpoints.iter().map(|e| e.connections).sum::<u32>(), 100);
    // The chart's bars: one per endpoint, named after its pod, none failed.
    let bars = svcsim_scene::distribution::bars(d);
    assert_eq!(bars.len(), 3);
    assert!(bars
        .iter()
        .all(|b| b.label.starts_with("my-app-") && !b.failed));
    assert_eq!(bars.iter().map(|b| b.count).sum::<u32>(), 100);
    assert!(s.playback().journey().is_some());
    // A name nobody serves is a journey too: the DNS lookup fails.
    s.set_dest("nope:80");
    s.send(1).unwrap();
    assert!(
        s.playback().outcome().unwrap().contains("nope"),
        "{:?}",
        s.playback().outcome()
    );
    // A destination that cannot be read is an error for the form.
    s.set_dest("my-service:http:80");
    let e = s.send(1).unwrap_err();
    assert!(e.contains("my-service:http:80"), "{e}");
}

#[test]
fn console_commands_change_the_cluster_and_their_packets_play_in_turn() {
    let mut s = session(examples::default_example().yaml);
    let out = s.run_console("kubectl get svc my-service");
    assert!(out.stdout.contains("my-service"), "{}", out.stdout);
    assert!(!s.busy());
    let pod = my_app_pod(&s);
    let rev = s.revisions().cluster;
    let out = s.run_console(&format!("kubectl delete pod {pod}"));
    assert_eq!(out.stdout, format!("pod \"{pod}\" deleted\n"));
    assert!(s.revisions().cluster > rev);
    assert!(s.pending());
    // Two curls: the first plays, then the second.
    let out = s.run_console(
        "kubectl exec client -- curl -s my-service; kubectl exec client -- curl -s my-service",
    );
    assert!(out.journeys.is_empty(), "handed to the player");
    let first = s.playback().journey().unwrap().clone();
    let mut switched = false;
    for _ in 0..20_000 {
        s.frame(16.0);
        if s.playback().journey() != Some(&first) {
            switched = true;
            break;
        }
    }
    assert!(switched, "the queued journey played next");
    assert_eq!(
        s.history_prev().as_deref(),
        Some(
            "kubectl exec client -- curl -s my-service; kubectl exec client -- curl -s my-service"
        )
    );
    // Tab: one candidate completes the word and adds a space; several extend to their common
    // prefix; none leave the line alone.
    let done = s.complete("kubectl desc", 12);
    assert_eq!(done.apply_to("kubectl desc"), "kubectl describe ");
    let done = s.complete("kubectl get pods my-", 20);
    assert!(done.candidates.len() > 1, "{:?}", done.candidates);
    let line = done.apply_to("kubectl get pods my-");
    let word = line.strip_prefix("kubectl get pods ").unwrap();
    assert!(word.len() > "my-app-".len(), "{line}");
    assert!(
        done.candidates.iter().all(|c| c.starts_with(word)),
        "{line}"
    );
    let done = s.complete("kubectl get pods zz", 19);
    assert_eq!(done.apply_to("kubectl get pods zz"), "kubectl get pods zz");
}

#[test]
fn the_scenario_round_trips_what_the_page_saves() {
    let mut s = Session::first_visit();
    s.set_theme(Theme::Dark);
    s.set_speed(2.0);
    s.set_presentation(true);
    s.set_proxy_mode(ProxyMode::Nftables);
    s.set_fold_dns(true);
    s.set_source("pod:default:client");
    s.set_dest("my-service:80");
    s.select(Some(ObjectId::service("default", "my-service")));
    s.set_draft(format!("{}\n# edited\n", s.draft()));
    let saved = s.scenario();
    assert_eq!(
        saved.settings,
        Settings {
            theme: Some(Theme::Dark),
            speed: Some(2.0),
            presentation: true,
            proxy_mode: Some(ProxyMode::Nftables),
            source: Some("pod:default:client".into()),
            dest: Some("my-service:80".into()),
            example: Some(examples::default_example().id.into()),
            fold_dns: true,
        }
    );
    assert_eq!(saved.selection.as_deref(), Some("svc/default/my-service"));
    let mut back = Session::new(&saved);
    assert_eq!(back.scenario(), saved);
    assert_eq!(back.proxy_mode(), ProxyMode::Nftables);
    assert!(!back.pending(), "a restored scenario is shown settled");
    assert_eq!(
        back.selection(),
        Some(&ObjectId::service("default", "my-service"))
    );
    // Restored folded: the next journey's lookup is one step.
    back.send(1).unwrap();
    assert_eq!(back.playback().events()[0].leg, "DNS lookup 1");
}

#[test]
fn the_inspector_shows_yaml_slices_and_dns_names() {
    let mut s = session(examples::default_example().yaml);
    assert!(s.inspector().title.starts_with("Nothing selected"));
    assert!(s.inspector().rules.is_none());
    s.select(Some(ObjectId::service("default", "my-service")));
    let p = s.inspector();
    assert_eq!(p.title, "svc/default/my-service");
    assert!(p.yaml.unwrap().contains("kind: Service"));
    let slices = p.slices.unwrap();
    assert!(slices.yaml.contains("kind: EndpointSlice"));
    assert!(slices.why_not_ready.is_empty());
    assert_eq!(
        p.dns_names,
        vec![
            "my-service.default.svc.cluster.local",
            "my-service.default.svc",
            "my-service.default",
            "my-service (from pods in default)"
        ]
    );
    assert!(p.rules.unwrap().prompt.starts_with("kind-worker$ "));
}

#[test]
fn set_field_inserts_or_replaces() {
    let text = "apiVersion: v1\nkind: Service\nmetadata:\n  name: s\nspec:\n  type: NodePort # t\n";
    let t = set_field(
        text,
        "Service",
        "default",
        "s",
        "spec",
        "type",
        "LoadBalancer",
    )
    .unwrap();
    assert_eq!(t, text.replace("type: NodePort", "type: LoadBalancer"));
    let t = set_field(
        text,
        "Service",
        "default",
        "s",
        "spec",
        "externalTrafficPolicy",
        "Local",
    )
    .unwrap();
    assert!(
        t.contains("spec:\n  externalTrafficPolicy: Local\n  type: NodePort"),
        "{t}"
    );
    assert!(set_field(text, "Service", "default", "nope", "spec", "x", "y").is_none());
    assert!(set_field("[", "Service", "default", "s", "spec", "x", "y").is_none());
}

#[test]
fn gutter_marks_error_lines_and_offsets_count_utf16() {
    let p = Problem {
        line: 2,
        col: 1,
        message: "bad".into(),
        causes: vec![(2, "spec: <x>".into())],
    };
    assert_eq!(
        gutter_html(3, &[p]),
        "1\n<span class=\"gutter-err\" title=\"spec: &lt;x&gt;\">2</span>\n3\n"
    );
    assert_eq!(line_offset_utf16("a\nb\nc", 3), 4);
    assert_eq!(line_offset_utf16("\u{1f600}\nb", 2), 3);
    assert_eq!(line_offset_utf16("a", 9), 1);
}

/// Saved text that may have killed the page is opened held: in the editor and in what is saved,
/// but not applied until the user asks.
#[test]
fn held_text_is_not_applied_until_asked() {
    let scenario = Scenario {
        text: examples::default_example().yaml.to_string(),
        seed: 3,
        settings: Settings {
            theme: Some(Theme::Dark),
            ..Settings::default()
        },
        selection: Some("svc/default/my-service".to_string()),
        journey: None,
    };
    let mut s = Session::held(&scenario);
    assert!(s.is_held());
    assert_eq!(s.draft(), scenario.text);
    assert!(s.cluster().store.service("default", "my-service").is_none());
    assert_eq!(s.selection(), None, "its objects do not exist");
    assert_eq!(s.settings().theme, Some(Theme::Dark));
    assert_eq!(s.scenario().text, scenario.text, "the text is still saved");
    assert_eq!(s.apply(), Applied::Applied);
    assert!(!s.is_held());
    assert!(s.cluster().store.service("default", "my-service").is_some());
}

/// Restoring other work replaces the whole session, and every view sees a change.
#[test]
fn opening_another_scenario_moves_every_revision() {
    let mut s = Session::first_visit();
    s.set_source("pod:default:client");
    s.set_dest("my-service:80");
    s.send(1).unwrap();
    let before = s.revisions();
    let other = Scenario {
        text: example("nodeport").to_string(),
        ..Scenario::default()
    };
    s.open(&other);
    let after = s.revisions();
    assert!(after.cluster > before.cluster && after.scene > before.scene);
    assert!(after.text > before.text && after.journey > before.journey);
    assert!(after.playhead > before.playhead && after.settings > before.settings);
    assert!(after.selection > before.selection);
    assert_eq!(s.draft(), other.text);
    assert!(s.playback().journey().is_none());
    assert!(s
        .cluster()
        .store
        .service("default", "myapp-service")
        .is_some());
}

/// A big scene is not laid out again on the frame its cluster changes while time runs (laying
/// out thousands of Services on every frame froze the page), but within BIG_SCENE_RELAYOUT_MS,
/// and at once when the cluster settles.
#[test]
fn a_big_scene_is_laid_out_at_a_bounded_rate_while_time_runs() {
    use svcsim_engine::generate::{cluster_manifest, Scale};
    use svcsim_scene::layout::{layout, LayoutOptions};
    use svcsim_scene::session::{BIG_SCENE_ITEMS, BIG_SCENE_RELAYOUT_MS};
    let text = cluster_manifest(Scale {
        nodes: 10,
        services: 400,
        pods_per_service: 2,
    });
    let mut s = session(&text);
    assert!(
        s.scene().items.len() > BIG_SCENE_ITEMS,
        "{}",
        s.scene().items.len()
    );
    // Scale every Deployment up by editing the text: pods start over many frames.
    s.set_draft(text.replace("replicas: 2", "replicas: 3"));
    s.apply();
    assert!(s.pending());
    let frame_ms = 16.0;
    let due_frames = (BIG_SCENE_RELAYOUT_MS / frame_ms).ceil() as u32 + 1;
    let mut deferred = 0;
    let mut frames = 0u32;
    while s.pending() && frames < 2_000 {
        let cluster = s.revisions().cluster;
        let scene = s.revisions().scene;
        s.frame(frame_ms);
        frames += 1;
        if s.revisions().cluster == cluster || !s.pending() {
            continue;
        }
        // Changed while time still runs: drawn again within the interval, not necessarily now.
        if s.revisions().scene == scene {
            deferred += 1;
        }
        let mut waited = 0;
        while s.revisions().scene == scene && s.pending() {
            s.frame(frame_ms);
            frames += 1;
            waited += 1;
            assert!(
                waited <= due_frames,
                "not laid out {waited} frames after a change"
            );
        }
    }
    assert!(!s.pending());
    assert!(deferred > 0, "every change was laid out on its own frame");
    // Settled: the drawing is the cluster as it is now.
    assert_eq!(*s.scene(), layout(s.cluster(), &LayoutOptions::default()));
}

/// Text from a manifest cannot reorder or hide what the page shows: an RTL override, a
/// zero-width space and an ESC in an annotation or a bad name are shown as kubectl escapes
/// them, in the inspector, the error list and the console; a console output is capped.
#[test]
fn the_page_shows_invisible_characters_escaped_and_long_output_capped() {
    use svcsim_scene::session::CONSOLE_OUTPUT_BYTES;
    let text = "apiVersion: v1\nkind: Service\nmetadata:\n  name: web\n  annotations:\n    note: \"a\\u202eb\\u200bc\\x1b[31m\"\nspec:\n  ports:\n  - port: 80\n---\napiVersion: v1\nkind: Service\nmetadata:\n  name: \"bad\\u202ename\"\nspec:\n  ports:\n  - port: 80\n";
    let mut s = session(text);
    let raw = ['\u{202e}', '\u{200b}', '\u{1b}'];
    s.select(Some(ObjectId::service("default", "web")));
    let yaml = s.inspector().yaml.unwrap();
    assert!(yaml.contains(r"a\u202eb\u200bc\e[31m"), "{yaml}");
    assert!(!yaml.contains(raw), "{yaml}");
    let problems = s.problems();
    assert_eq!(problems.len(), 1, "{problems:?}");
    assert!(
        problems[0].message.contains(r"bad\u202ename"),
        "{problems:?}"
    );
    assert!(!problems[0].message.contains(raw));
    assert!(problems[0].causes.iter().all(|(_, c)| !c.contains(raw)));
    let out = s.run_console("kubectl get svc web -o yaml");
    assert!(
        out.stdout.contains(r"a\u202eb\u200bc\e[31m"),
        "{}",
        out.stdout
    );
    assert!(!out.stdout.contains(raw));
    let out = s.run_console("kubectl get svc web -o yaml | grep note");
    assert!(out.stdout.contains("note:"), "{}", out.stdout);

    // 3,000 Services: `kubectl get svc -o yaml` is megabytes; the console shows its head.
    let many: String = (0..3_000)
        .map(|i| format!("apiVersion: v1\nkind: Service\nmetadata:\n  name: s{i}\nspec:\n  ports:\n  - port: 80\n---\n"))
        .collect();
    let mut s = session(&many);
    let out = s.run_console("kubectl get svc -o yaml");
    assert!(
        out.stdout.len() < CONSOLE_OUTPUT_BYTES + 64,
        "{}",
        out.stdout.len()
    );
    assert!(
        out.stdout.ends_with("bytes omitted)"),
        "{}",
        &out.stdout[out.stdout.len() - 80..]
    );
}

/// A text of `n` Services behind one Deployment (~180 bytes each).
fn services_text(n: usize) -> String {
    let mut text = String::from("apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  replicas: 2\n  selector:\n    matchLabels:\n      app: web\n  template:\n    metadata:\n      labels:\n        app: web\n    spec:\n      containers:\n      - name: web\n        image: nginx\n");
    for i in 0..n {
        text.push_str(&format!("---\napiVersion: v1\nkind: Service\nmetadata:\n  name: svc-{i}\nspec:\n  selector:\n    app: web\n  ports:\n  - port: 80\n    targetPort: 8080\n"));
    }
    text
}

/// The page applies a big paste in steps between frames: while it runs, simulated time waits
/// and the console refuses commands; at the end the cluster, the results and the drawing are
/// what applying at once gives, for an apply to the running cluster and for a rebuild.
#[test]
fn applying_in_steps_gives_what_applying_at_once_gives() {
    use svcsim_scene::session::JobProgress;
    let kind = "kind: Cluster\napiVersion: kind.x-k8s.io/v1alpha4\nnodes:\n- role: control-plane\n- role: worker\n---\n";
    for text in [
        services_text(1_000),
        format!("{kind}{}", services_text(600)),
    ] {
        let mut once = session(examples::default_example().yaml);
        once.set_draft(text.clone());
        let expected = once.apply();

        let mut stepped = session(examples::default_example().yaml);
        stepped.set_draft(text.clone());
        let before = stepped.cluster().generation();
        stepped.begin_apply();
        let mut reading = 0;
        let mut applying = 0;
        let applied = loop {
            match stepped.applying() {
                Some(JobProgress::Reading { .. }) => reading += 1,
                Some(JobProgress::Applying { .. }) => applying += 1,
                None => panic!("no job"),
            }
            let f = stepped.applying().unwrap().fraction();
            assert!((0.0..=1.0).contains(&f));
            assert!(stepped.pending() && stepped.busy());
            stepped.frame(16.0);
            let out = stepped.run_console("kubectl get svc");
            assert_eq!(out.exit_code, 1);
            assert!(out.stderr.contains("still being applied"), "{}", out.stderr);
            if let Some(a) = stepped.apply_step() {
                break a;
            }
            if reading > 0 && applying == 0 {
                // Reading touches nothing; a rebuild is built aside until it is finished.
                assert_eq!(stepped.cluster().generation(), before);
            }
        };
        assert!(reading >= 2, "{reading} reading steps");
        assert!(applying >= 2, "{applying} applying steps");
        assert_eq!(applied, expected);
        assert!(stepped.applying().is_none());
        assert_eq!(stepped.results(), once.results());
        assert_eq!(stepped.problems(), once.problems());
        assert_eq!(stepped.cluster().generation(), once.cluster().generation());
        assert_eq!(stepped.scene(), once.scene());
        run_frames(&mut once, 5_000);
        run_frames(&mut stepped, 5_000);
        assert_eq!(stepped.scene(), once.scene());
    }
}

/// Cancelling a big paste while it is read leaves the cluster as it was and the editor holding
/// the text, not applied; cancelling once objects are applied keeps those (as Ctrl+C in kubectl
/// apply would), prunes nothing, and holds the text too.
#[test]
fn cancelling_an_apply_keeps_the_cluster_and_holds_the_text() {
    let mut s = session(examples::default_example().yaml);
    run_frames(&mut s, 5_000);
    let before = s.cluster().generation();
    let pods = s.cluster().store.pods.len();
    let text = services_text(1_000);
    s.set_draft(text.clone());
    s.begin_apply();
    assert!(s.apply_step().is_none());
    assert!(s.cancel_apply());
    assert!(!s.cancel_apply(), "nothing left to cancel");
    assert!(s.is_held());
    assert_eq!(s.draft(), text);
    assert_eq!(s.cluster().generation(), before);
    assert!(!s.pending());

    // Into the applying phase: the objects applied so far stay, the example's are not pruned.
    s.begin_apply();
    while matches!(
        s.applying(),
        Some(svcsim_scene::session::JobProgress::Reading { .. })
    ) {
        assert!(s.apply_step().is_none());
    }
    assert!(s.apply_step().is_none());
    assert!(s.cancel_apply());
    assert!(s.is_held());
    let created = s.results().iter().filter(|r| r.is_ok()).count();
    assert!(created > 0 && created < 1_001, "{created}");
    assert!(s.cluster().store.pods.len() >= pods, "nothing pruned");
    assert!(s.cluster().store.service("default", "my-service").is_some());

    // Too late: every object is applied and only what was read is being freed. Nothing is
    // cancelled (the page then says nothing of a cancel); the apply just ends.
    s.begin_apply();
    loop {
        assert!(s.apply_step().is_none());
        if let Some(svcsim_scene::session::JobProgress::Applying { done, total }) = s.applying() {
            if done == total {
                break;
            }
        }
    }
    assert!(!s.cancel_apply());
    assert!(s.applying().is_none());
    assert!(!s.is_held());
    assert_eq!(s.problem_count(), 0);
    assert!(s.cluster().store.service("default", "svc-999").is_some());
}

/// The issue's 10-line brick: a Deployment asking for 2147483647 replicas is refused at its
/// `replicas` line with the page's limit, the rest of the text is applied, time settles; the
/// console's `kubectl scale` to that many is refused too, and the Deployment keeps its pods.
#[test]
fn a_huge_replica_count_is_refused_by_the_pages_limits() {
    let text = format!(
        "{}---\n{}",
        services_text(1).replace("replicas: 2", "replicas: 2147483647"),
        "apiVersion: v1\nkind: Service\nmetadata:\n  name: other\nspec:\n  ports:\n  - port: 80\n"
    );
    let mut s = session(&text);
    run_frames(&mut s, 5_000);
    assert!(!s.pending(), "settles");
    let problems = s.problems();
    assert_eq!(problems.len(), 1, "{problems:?}");
    assert!(
        problems[0]
            .message
            .contains("svcsim simulates at most 10000 pods; Deployment web asks for 2147483647"),
        "{problems:?}"
    );
    assert_eq!(problems[0].line, 6, "points at replicas");
    assert!(s.cluster().store.service("default", "other").is_some());
    assert!(s.cluster().store.service("default", "svc-0").is_some());

    let mut s = session(&services_text(1));
    run_frames(&mut s, 5_000);
    let pods = s.cluster().store.pods.len();
    let out = s.run_console("kubectl scale deployment web --replicas=2147483647");
    assert_ne!(out.exit_code, 0);
    assert!(
        out.stderr.contains("svcsim simulates at most 10000 pods"),
        "{}",
        out.stderr
    );
    run_frames(&mut s, 5_000);
    assert!(!s.pending());
    assert_eq!(s.cluster().store.pods.len(), pods);
}

/// After a big apply, the controllers catch up with the new Services a share per frame
/// (`CATCH_UP_SERVICES`) while simulated time waits, and a big scene is not laid out in a
/// frame that did such a share: each frame stays short. The end is what catching up at once
/// gives.
#[test]
fn a_big_apply_is_caught_up_a_share_per_frame_while_time_waits() {
    use svcsim_engine::controllers::services_queued;
    use svcsim_scene::session::CATCH_UP_SERVICES;
    let text = services_text(CATCH_UP_SERVICES + 500);
    let mut stepped = session(examples::default_example().yaml);
    stepped.set_draft(text.clone());
    stepped.apply();
    let now = stepped.cluster().now;
    assert_eq!(
        services_queued(stepped.cluster()),
        0,
        "queued by the first look"
    );
    let old_scene = stepped.scene().clone();
    let mut frames = 0;
    loop {
        stepped.frame(16.0);
        frames += 1;
        assert_eq!(stepped.cluster().now, now, "time waits while catching up");
        assert_eq!(
            stepped.scene(),
            &old_scene,
            "no layout in a frame that caught up"
        );
        if services_queued(stepped.cluster()) == 0 {
            break;
        }
    }
    // A first frame observes the new objects, then {CATCH_UP_SERVICES} Services a frame.
    assert_eq!(frames, 3);
    run_frames(&mut stepped, 5_000);
    assert_ne!(stepped.scene(), &old_scene);
    assert!(!stepped.busy());

    let mut once = session(examples::default_example().yaml);
    once.set_draft(text);
    once.apply();
    once.settle();
    run_frames(&mut once, 5_000);
    assert_eq!(
        stepped.cluster().store.endpoint_slices.len(),
        once.cluster().store.endpoint_slices.len()
    );
    assert_eq!(stepped.scene(), once.scene());
}

/// A paste of thousands of refused objects keeps the first `MAX_PROBLEMS` problems with their
/// messages and counts the rest (the page lists 100 and says "… and N more errors").
#[test]
fn problems_beyond_the_first_thousand_are_counted_not_kept() {
    use svcsim_scene::session::MAX_PROBLEMS;
    let mut text = String::new();
    for i in 0..MAX_PROBLEMS + 200 {
        text.push_str(&format!("---\napiVersion: v1\nkind: Service\nmetadata:\n  name: bad-{i}\nspec:\n  ports:\n  - port: 70000\n"));
    }
    let mut s = session(examples::default_example().yaml);
    s.set_draft(text);
    s.apply();
    assert_eq!(s.problems().len(), MAX_PROBLEMS);
    assert_eq!(s.problem_count(), MAX_PROBLEMS + 200);
    assert!(
        s.problems()[0].message.contains("bad-0"),
        "{}",
        s.problems()[0].message
    );
    assert!(s.problems().iter().all(|p| p.message.contains("70000")));
}

/// The same brick as a shared link of a couple of hundred characters: opening it builds the
/// cluster within the page's limits, with the refusal at the `replicas` line.
#[test]
fn a_link_asking_for_2147483647_replicas_opens_with_the_limit_said() {
    let text = services_text(0).replace("replicas: 2", "replicas: 2147483647");
    let link = svcsim_scene::share::encode(&Scenario {
        text,
        seed: DEFAULT_SEED,
        ..Scenario::default()
    });
    assert!(link.len() < 400, "{} characters", link.len());
    let scenario = svcsim_scene::share::decode(&link).unwrap();
    let mut s = Session::new(&scenario);
    run_frames(&mut s, 5_000);
    assert!(!s.pending(), "settles");
    assert_eq!(s.problem_count(), 1);
    assert!(
        s.problems()[0]
            .message
            .contains("svcsim simulates at most 10000 pods; Deployment web asks for 2147483647"),
        "{:?}",
        s.problems()
    );
    assert_eq!(s.problems()[0].line, 6);
}

/// The console's `kubectl scale` writes the new count into the editor's text (issue 12: the
/// next edit used to bring the old replica count back silently); applying again keeps it.
#[test]
fn console_scale_is_written_into_the_editor_text_and_survives_the_next_apply() {
    let mut s = session(&services_text(1));
    run_frames(&mut s, 5_000);
    let out = s.run_console("kubectl scale deployment web --replicas=4");
    assert_eq!(out.exit_code, 0, "{}", out.stderr);
    assert!(s.draft().contains("replicas: 4"), "{}", s.draft());
    assert!(!s.draft().contains("replicas: 2"));
    // An edit elsewhere, applied: the Deployment keeps its four pods.
    let edited = s.draft().replace("name: svc-0", "name: svc-zero");
    s.set_draft(edited);
    s.apply();
    run_frames(&mut s, 5_000);
    let web = |s: &Session| {
        s.cluster()
            .store
            .pods
            .values()
            .filter(|p| {
                p.metadata.name.starts_with("web-") && p.metadata.deletion_timestamp.is_none()
            })
            .count()
    };
    assert_eq!(web(&s), 4);
    // A workload the text does not define is scaled in the cluster only.
    let out = s.run_console("kubectl scale deployment coredns -n kube-system --replicas=3");
    assert_eq!(out.exit_code, 0, "{}", out.stderr);
    assert!(!s.draft().contains("coredns"));
}

/// The console's `kubectl delete` takes the object's document out of the editor's text
/// (issue 12, item 6): the next apply used to create the deleted Service again, silently. A
/// Deployment's pod is not in the text: deleting it leaves the text alone (it is replaced).
#[test]
fn console_delete_takes_the_object_out_of_the_editor_text() {
    let mut s = session(example("clusterip"));
    run_frames(&mut s, 5_000);
    assert!(s.draft().contains("name: my-service"));
    let out = s.run_console("kubectl delete service my-service");
    assert_eq!(out.exit_code, 0, "{}", out.stderr);
    assert!(!s.draft().contains("name: my-service"), "{}", s.draft());
    assert_eq!(s.draft(), s.applied_text());
    // The rest of the text is intact and applies as before; the Service stays deleted.
    let edited = s.draft().to_string() + "\n";
    s.set_draft(edited);
    s.apply();
    run_frames(&mut s, 5_000);
    assert!(s.cluster().store.service("default", "my-service").is_none());
    assert!(s
        .cluster()
        .store
        .pods_in(Some("default"))
        .any(|p| p.metadata.name == "client"));

    let before = s.draft().to_string();
    let pod = my_app_pod(&s);
    let out = s.run_console(&format!("kubectl delete pod {pod}"));
    assert_eq!(out.exit_code, 0, "{}", out.stderr);
    assert_eq!(s.draft(), before, "a Deployment's pod is not in the text");

    // The delete-pod button on a pod the text defines takes its document out too.
    s.delete_pod("default", "client").unwrap();
    assert!(!s.draft().contains("name: client"), "{}", s.draft());
}

/// The page says how large its canvas is and the scene is laid out for it (issue 12): the
/// projector's wide canvas gets the outside column beside the cluster; the same size again
/// changes nothing (no relayout, no new scene revision).
#[test]
fn the_scene_is_laid_out_for_the_canvas_the_page_reports() {
    let mut s = session(example("clusterip"));
    run_frames(&mut s, 2000);
    assert_eq!(s.scene().plan().unwrap().arrangement, Arrangement::Tall);
    s.set_screen(1245.0, 478.0);
    assert_eq!(s.screen(), Some((1245, 478)));
    assert_eq!(s.scene().plan().unwrap().arrangement, Arrangement::Wide);
    let rev = s.revisions().scene;
    s.set_screen(1245.4, 478.2);
    assert_eq!(s.revisions().scene, rev);
    // Nonsense sizes are taken as nothing, never a panic.
    s.set_screen(f64::NAN, f64::INFINITY);
    assert!(s.scene().plan().is_some());
}

/// Issue 12, item 7: a link keeps the journey and its hop. Opened, the same journey is on
/// screen (same rows: the same endpoints chosen, though the first session sent others
/// before it), paused at hop 3; links without a journey open without one.
#[test]
fn a_link_restores_the_journey_and_its_hop() {
    let mut s = Session::first_visit();
    for _ in 0..3 {
        s.send(1).unwrap();
    }
    s.goto_hop(2);
    let link = s.scenario();
    let j = link
        .journey
        .clone()
        .expect("the journey is in the scenario");
    assert_eq!(j.hop, 2);
    assert_eq!(j.count, 1);
    let rows = |s: &Session| -> Vec<String> {
        s.playback()
            .events()
            .iter()
            .map(|e| format!("{} {} {}", e.leg, e.place_text, e.after))
            .collect()
    };
    let decoded = svcsim_scene::share::decode(&svcsim_scene::share::encode(&link)).unwrap();
    let back = Session::new(&decoded);
    assert_eq!(rows(&back), rows(&s));
    assert_eq!(back.playback().current(), 2);
    assert!(!back.playback().is_playing());
    assert_eq!(back.scenario(), link);
    // A hop past the end is the last hop; nonsense state is no journey, never a panic.
    let mut far = link.clone();
    far.journey.as_mut().unwrap().hop = usize::MAX;
    let back = Session::new(&far);
    assert_eq!(
        back.playback().current(),
        back.playback().events().len() - 1
    );
    let mut bad = link.clone();
    bad.journey.as_mut().unwrap().rng = "zz".into();
    assert!(Session::new(&bad).playback().journey().is_none());
    // Without one: nothing sent.
    assert!(Session::first_visit().scenario().journey.is_none());
}

/// Issue 12, item 6: a journey refused because the Service's named targetPort is on no
/// container port says so, not only "no endpoints".
#[test]
fn a_refused_journey_says_why_the_service_has_no_endpoints() {
    let text = "apiVersion: v1\nkind: Service\nmetadata:\n  name: web\nspec:\n  selector:\n    app: web\n  ports:\n  - port: 80\n    targetPort: http\n---\napiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  replicas: 2\n  selector:\n    matchLabels:\n      app: web\n  template:\n    metadata:\n      labels:\n        app: web\n    spec:\n      containers:\n      - name: web\n        image: nginx\n        ports:\n        - containerPort: 8080\n---\napiVersion: v1\nkind: Pod\nmetadata:\n  name: client\nspec:\n  containers:\n  - name: c\n    image: busybox\n";
    let mut s = session(text);
    run_frames(&mut s, 2000);
    s.set_source("pod:default:client");
    s.set_dest("web:80");
    s.send(1).unwrap();
    let reasons = s.failure_reasons();
    assert_eq!(reasons.len(), 1, "{reasons:?}");
    assert!(
        reasons[0].contains("named targetPort \"http\""),
        "{}",
        reasons[0]
    );
    // A journey that connects has no reasons.
    let mut ok = Session::first_visit();
    ok.send(1).unwrap();
    assert!(ok.failure_reasons().is_empty());
}

/// Issue 12, item 5: the example's explanation follows what is loaded. Editing the example
/// (scaling it) keeps it; pasting manifests that have none of its Services forgets it.
#[test]
fn the_example_is_forgotten_when_the_users_own_manifests_replace_it() {
    let mut s = session("");
    s.load_example("clusterip");
    run_frames(&mut s, 2_000);
    assert_eq!(s.settings().example.as_deref(), Some("clusterip"));

    let edited = example("clusterip").replace("replicas: 3", "replicas: 2");
    assert_ne!(edited, example("clusterip"), "the example has replicas: 3");
    s.set_draft(edited);
    s.apply();
    assert_eq!(s.settings().example.as_deref(), Some("clusterip"));

    s.set_draft(example("nodeport"));
    s.apply();
    assert_eq!(
        s.settings().example,
        None,
        "nodeport's manifest is not the ClusterIP example"
    );
}

/// Issue 12, item 1: a grouped card ("web × 84") opens on a click: its workload's pods are
/// drawn one card each, the first stays selected; Group again folds them back.
#[test]
fn a_grouped_card_opens_on_a_click_and_groups_again() {
    let mut s = session(example("endpointslice-split"));
    run_frames(&mut s, 5_000);
    s.set_screen(1245.0, 478.0);
    let web = |s: &Session| -> Vec<ObjectId> {
        s.cluster()
            .store
            .pods
            .values()
            .filter(|p| p.metadata.name.starts_with("web-"))
            .map(|p| ObjectId::pod(&p.metadata.namespace, &p.metadata.name))
            .collect()
    };
    let pods = web(&s);
    assert_eq!(pods.len(), 250);
    let card = pods
        .iter()
        .find(|p| s.scene().group_of(p).is_some())
        .cloned()
        .expect("the 250 web pods are grouped on a projector");
    assert_eq!(s.scene().group_of(&card), Some("default/web"));
    let grouped = pods.iter().filter(|p| s.scene().resolve(p) != *p).count();
    assert!(grouped > 200, "{grouped} pods inside cards");

    s.select(Some(card.clone()));
    assert_eq!(s.expanded_groups(), 1);
    assert_eq!(s.selection(), Some(&card));
    for p in &pods {
        assert_eq!(s.scene().resolve(p), p, "{p} is still inside a card");
        assert!(s.scene().contains(p), "{p} is not drawn");
        assert_eq!(s.scene().group_of(p), None);
    }

    s.regroup();
    assert_eq!(s.expanded_groups(), 0);
    assert!(pods.iter().any(|p| s.scene().group_of(p).is_some()));
}

/// Issue 12, item 1: "focus the journey" zooms to what the packet passes: its bounds hold
/// every hop and the Service it was sent to, and are smaller than the whole scene (the
/// outside column is not passed).
#[test]
fn the_journey_bounds_hold_every_hop_and_not_the_whole_cluster() {
    let mut s = session(example("clusterip"));
    run_frames(&mut s, 5_000);
    assert_eq!(s.journey_bounds(), None);
    s.set_screen(1245.0, 478.0);
    s.set_source("pod:default:client");
    s.set_dest("my-service:80");
    s.send(1).unwrap();
    let b = s
        .playback()
        .journey_bounds(s.scene())
        .expect("a journey has bounds");
    let scene = s.scene().bounds();
    assert!(
        b.w * b.h < scene.w * scene.h,
        "{b:?} is not smaller than {scene:?}"
    );
    let tl = s.playback().timeline();
    for i in 0..tl.events().len() {
        let p = tl.hop_position(i).unwrap();
        assert!(b.contains(p), "hop {} at {p:?} is outside {b:?}", i + 1);
    }
}

/// Issue 12: a phone scrolls the page to where the hop shown now happens: its bounds hold the
/// packet's position at that hop (`hop_position`), move with the playhead, and are within the
/// journey's.
#[test]
fn the_hop_bounds_follow_the_playhead() {
    let mut s = session(example("clusterip"));
    run_frames(&mut s, 5_000);
    assert_eq!(s.hop_bounds(), None);
    s.set_screen(366.0, 0.0);
    s.set_source("pod:default:client");
    s.set_dest("my-service:80");
    s.send(1).unwrap();
    let journey = s.journey_bounds().unwrap();
    let mut seen = Vec::new();
    let n = s.playback().timeline().events().len();
    for i in 0..n {
        s.goto_hop(i);
        let b = s.hop_bounds().expect("a hop has bounds");
        let p = s.hop_position().unwrap();
        assert_eq!(Some(p), s.playback().timeline().hop_position(i));
        assert!(b.contains(p), "hop {} at {p:?} is outside {b:?}", i + 1);
        assert!(
            journey.contains_rect(&b),
            "hop {}: {b:?} outside {journey:?}",
            i + 1
        );
        seen.push((b.x.round() as i64, b.y.round() as i64));
    }
    seen.dedup();
    assert!(seen.len() > 2, "the bounds do not move: {seen:?}");
}

/// Issue 13, item 2: hand-written v1 Endpoints for a selector-less Service are mirrored into
/// an EndpointSlice (so the page's packets reach them), and the page says what kubectl says
/// on stderr since v1.33: v1 Endpoints are deprecated.
#[test]
fn v1_endpoints_are_mirrored_and_the_page_warns_they_are_deprecated() {
    let text = "apiVersion: v1\nkind: Service\nmetadata:\n  name: db\nspec:\n  ports:\n  - port: 5432\n---\napiVersion: v1\nkind: Endpoints\nmetadata:\n  name: db\nsubsets:\n- addresses:\n  - ip: 10.4.5.6\n  ports:\n  - port: 5432\n";
    let mut s = session(text);
    s.settle();
    assert_eq!(
        s.apply_warnings(),
        vec![
            "Warning: v1 Endpoints is deprecated in v1.33+; use discovery.k8s.io/v1 EndpointSlice"
        ]
    );
    let mirrored: Vec<_> = s
        .cluster()
        .store
        .endpoint_slices
        .values()
        .filter(|e| e.service_name() == Some("db"))
        .map(|e| e.endpoints[0].addresses.clone())
        .collect();
    assert_eq!(mirrored, vec![vec!["10.4.5.6".to_string()]]);
    assert!(session(example("clusterip")).apply_warnings().is_empty());
}
