//! The buttons for the teaching actions on the selection (delete a pod, fail or pass its
//! readiness, scale its Deployment, toggle a Service's externalTrafficPolicy). What is available
//! and what each action does is the session's (`svcsim_scene::session::actions`).

use crate::model::use_model;
use leptos::prelude::*;
use svcsim_engine::api::apps::WorkloadKind;
use svcsim_scene::session::Available;

/// The action buttons for the current selection.
#[component]
pub fn Actions() -> impl IntoView {
    let model = use_model();
    let available = Memo::new(move |_| {
        model.selection();
        model.with_cluster(|s| s.available())
    });

    move || match available.get() {
        Available::None => {
            view! { <div class="actions" role="group" aria-label="Actions"></div> }.into_any()
        }
        Available::Pod {
            namespace,
            name,
            ready,
            terminating,
            deployment,
        } => {
            let (ns1, n1) = (namespace.clone(), name.clone());
            let (ns2, n2) = (namespace.clone(), name);
            let scale = deployment.map(|(d, replicas)| {
                let scale_to = move |ns: String, d: String, r: i32| {
                    model.report(
                        model.change(|s| s.scale(WorkloadKind::Deployment, &ns, &d, r)),
                    );
                };
                let (ns3, d3) = (namespace.clone(), d.clone());
                let (ns4, d4) = (namespace.clone(), d.clone());
                view! {
                    <span class="scale">
                        <button
                            type="button"
                            id="scale-down"
                            aria-label=format!("Scale deployment {d} down")
                            disabled=replicas <= 0
                            on:click=move |_| scale_to(ns3.clone(), d3.clone(), replicas - 1)
                        >
                            "−"
                        </button>
                        <span class="replicas">{format!("deployment/{d}: {replicas} replicas")}</span>
                        <button
                            type="button"
                            id="scale-up"
                            aria-label=format!("Scale deployment {d4} up")
                            on:click=move |_| scale_to(ns4.clone(), d4.clone(), replicas + 1)
                        >
                            "+"
                        </button>
                    </span>
                }
            });
            view! {
                <div class="actions" role="group" aria-label="Actions on the pod">
                    <button
                        type="button"
                        id="delete-pod"
                        disabled=terminating
                        on:click=move |_| model.report(model.change(|s| s.delete_pod(&ns1, &n1)))
                    >
                        "Delete pod"
                    </button>
                    <button
                        type="button"
                        id="toggle-ready"
                        on:click=move |_| {
                            model.report(model.change(|s| s.set_pod_ready(&ns2, &n2, !ready)))
                        }
                    >
                        {if ready { "Fail readiness" } else { "Pass readiness" }}
                    </button>
                    {scale}
                </div>
            }
            .into_any()
        }
        Available::Service {
            namespace,
            name,
            policy,
            external,
        } => {
            let label = format!(
                "externalTrafficPolicy: {policy} → {}",
                if policy == "Local" {
                    "Cluster"
                } else {
                    "Local"
                }
            );
            view! {
                <div class="actions" role="group" aria-label="Actions on the Service">
                    <button
                        type="button"
                        id="toggle-etp"
                        disabled=!external
                        title="Only NodePort and LoadBalancer Services have an external traffic policy"
                        on:click=move |_| {
                            model.report(
                                model.change(|s| s.toggle_external_traffic_policy(&namespace, &name)),
                            )
                        }
                    >
                        {label}
                    </button>
                </div>
            }
            .into_any()
        }
    }
}
