//! Issue 11's silent wrong answers at scale, through the binary: with 10,100 Services, or one
//! Service of 10,000 ports, every iptables-mode trace used to fail ("no kube-proxy rule
//! captured it") because the rule walk stopped after a fixed 10,000 steps. Both are within the
//! CLI's limits and must connect. (Time is claimed in the engine's benches, not here.)

mod common;

use common::svcsim_with_stdin;

/// A Deployment `web` of one pod declaring `container_ports` ports (80, 81, …), a client pod,
/// and `text` after them.
fn cluster(container_ports: u32, text: &str) -> String {
    let mut s = String::from("apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web\nspec:\n  replicas: 1\n  selector:\n    matchLabels:\n      app: web\n  template:\n    metadata:\n      labels:\n        app: web\n    spec:\n      containers:\n      - name: web\n        image: nginx\n        ports:\n");
    for i in 0..container_ports {
        s.push_str(&format!("        - containerPort: {}\n", 80 + i));
    }
    s.push_str("---\napiVersion: v1\nkind: Pod\nmetadata:\n  name: client\nspec:\n  containers:\n  - name: c\n    image: busybox\n");
    s.push_str(text);
    s
}

fn connected(stdout: &str) -> bool {
    stdout
        .lines()
        .any(|l| l.starts_with("result: connected to pod default/web-"))
}

#[test]
fn a_trace_to_the_last_of_10100_services_connects_in_iptables_mode() {
    let mut services = String::new();
    for i in 0..10_100 {
        services.push_str(&format!("---\napiVersion: v1\nkind: Service\nmetadata:\n  name: s{i}\nspec:\n  selector:\n    app: web\n  ports:\n  - port: 80\n"));
    }
    // kube-proxy writes Service ports sorted by name: default/s9999 is KUBE-SERVICES' last.
    let r = svcsim_with_stdin(
        &[
            "trace",
            "-f",
            "-",
            "--from",
            "pod/client",
            "--mode",
            "iptables",
            "s9999",
        ],
        &cluster(1, &services),
    );
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    assert!(connected(&r.stdout), "{}", r.stdout);
    assert!(
        r.stdout.contains("\"default/s9999 cluster IP\""),
        "{}",
        r.stdout
    );
}

#[test]
fn a_trace_to_the_last_of_10000_ports_connects_in_iptables_mode() {
    let mut service = String::from("---\napiVersion: v1\nkind: Service\nmetadata:\n  name: web\nspec:\n  selector:\n    app: web\n  ports:\n");
    for i in 0..10_000 {
        service.push_str(&format!("  - name: p{i}\n    port: {}\n", 80 + i));
    }
    // p9999 (port 10079) is the last by name.
    let r = svcsim_with_stdin(
        &[
            "trace",
            "-f",
            "-",
            "--from",
            "pod/client",
            "--mode",
            "iptables",
            "web:10079",
        ],
        &cluster(10_000, &service),
    );
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    assert!(connected(&r.stdout), "{}", r.stdout);
    assert!(
        r.stdout.contains(":10079; it sees the client"),
        "{}",
        r.stdout
    );
}
