//! The legend: what every colour, line style and badge of the canvas means (issue 12, item 4),
//! drawn with the canvas' own palette and in the exported picture ([`paint`], [`packet_colour`]) so the two cannot
//! disagree. Under the canvas (folded until opened) and in Help.

use crate::canvas::{background, packet_colour, paint};
use crate::model::use_prefs;
use leptos::prelude::*;
use svcsim_scene::layout::Role;
use svcsim_scene::playback::PacketKind;
use svcsim_scene::settings::Theme;

/// How an entry's swatch is drawn.
#[derive(Clone, Copy)]
pub(crate) enum Swatch {
    /// A box in the role's colours (dashed outline when the object is pending or outside).
    Box(Role, bool),
    /// A line in the role's colour (dashed when the canvas dashes it).
    Line(Role, bool),
    /// A packet dot.
    Packet(PacketKind),
    /// The outline the canvas draws around what the packet is at (or the selection).
    Outline,
}

/// Every entry: its swatch and what it means.
pub(crate) const ENTRIES: &[(Swatch, &str)] = &[
    (Swatch::Box(Role::Node, false), "node (its IP and podCIDR)"),
    (Swatch::Box(Role::NodeControlPlane, false), "control-plane node"),
    (Swatch::Box(Role::PodReady, false), "pod, Ready (an endpoint)"),
    (Swatch::Box(Role::PodNotReady, false), "pod, running but not Ready"),
    (Swatch::Box(Role::PodPending, true), "pod Pending or Terminating"),
    (Swatch::Box(Role::PodStopped, false), "pod Completed or Failed"),
    (Swatch::Box(Role::Service, false), "Service with a ClusterIP: a virtual IP that exists only in kube-proxy's rules, on no interface (IPVS mode: also on kube-ipvs0 of every node)"),
    (Swatch::Box(Role::ServiceDns, false), "kube-dns, the cluster's DNS Service (CoreDNS pods behind it)"),
    (Swatch::Box(Role::ServiceHeadless, false), "headless Service: no ClusterIP, DNS returns the pod IPs"),
    (Swatch::Box(Role::ServiceExternalName, false), "ExternalName Service: DNS answers with a CNAME, no proxying"),
    (Swatch::Box(Role::Service, false), "eTP Local / iTP Local on a Service: externalTrafficPolicy / internalTrafficPolicy Local, only endpoints on the node the traffic reached serve it"),
    (Swatch::Box(Role::EndpointSlice, false), "an EndpointSlice of the Service above, with how many endpoints it lists (at most 100 each)"),
    (Swatch::Box(Role::KubeProxy, false), "kube-proxy on the node (ipt = iptables, nft = nftables, ipvs)"),
    (Swatch::Box(Role::NodePort, false), ":port on a node's edge: a NodePort, open on every node"),
    (Swatch::Box(Role::LoadBalancer, false), "LoadBalancer address (MetalLB), outside the cluster"),
    (Swatch::Box(Role::Client, false), "external client, outside the cluster"),
    (Swatch::Box(Role::ExternalHost, true), "other hosts: the internet, upstream DNS, manual endpoints"),
    (Swatch::Line(Role::EdgeSelector, false), "the Service's selector matches this pod"),
    (Swatch::Line(Role::EdgeEndpoint, false), "a ready endpoint in the Service's EndpointSlices (what kube-proxy uses)"),
    (Swatch::Line(Role::EdgeEndpointNotReady, true), "an endpoint listed not ready: kube-proxy skips it"),
    (Swatch::Line(Role::EdgeLoadBalancer, false), "the LoadBalancer address leads to its Service"),
    (Swatch::Packet(PacketKind::Request), "the request packet (its path so far dashed)"),
    (Swatch::Packet(PacketKind::Reply), "the reply on its way back"),
    (Swatch::Packet(PacketKind::Dns), "a DNS query or answer"),
    (Swatch::Packet(PacketKind::Failed), "a packet rejected, dropped or lost here"),
    (Swatch::Outline, "where the packet is now (and what the pointer is on)"),
];

fn swatch_style(s: Swatch, theme: Theme) -> String {
    match s {
        Swatch::Box(role, dashed) => {
            let p = paint(role, theme);
            format!(
                "background:{};border:2px {} {}",
                p.fill,
                if dashed { "dashed" } else { "solid" },
                p.stroke
            )
        }
        Swatch::Line(role, dashed) => format!(
            "border-top:3px {} {}",
            if dashed { "dashed" } else { "solid" },
            paint(role, theme).stroke
        ),
        Swatch::Packet(kind) => format!(
            "background:{};border:2px solid {}",
            packet_colour(kind, theme),
            background(theme)
        ),
        Swatch::Outline => format!("border:3px solid {}", paint(Role::Highlight, theme).fill),
    }
}

fn swatch_class(s: Swatch) -> &'static str {
    match s {
        Swatch::Box(..) | Swatch::Outline => "swatch box",
        Swatch::Line(..) => "swatch line",
        Swatch::Packet(_) => "swatch packet",
    }
}

/// The legend's entries, in the page's current theme.
#[component]
pub fn LegendList() -> impl IntoView {
    let prefs = use_prefs();
    let theme = move || prefs.get().theme.unwrap_or(Theme::Light);
    view! {
        <ul class="legend-list">
            {ENTRIES
                .iter()
                .map(|&(s, text)| {
                    view! {
                        <li>
                            <span class=swatch_class(s) style=move || swatch_style(s, theme()) aria-hidden="true"></span>
                            <span>{text}</span>
                        </li>
                    }
                })
                .collect_view()}
        </ul>
    }
}

/// The legend under the canvas, folded until the lecturer opens it.
#[component]
pub fn Legend() -> impl IntoView {
    view! {
        <details id="legend" class="legend">
            <summary>"Legend: what the colours and lines mean"</summary>
            <LegendList />
        </details>
    }
}
