//! Teaching actions on the selected object: delete a pod, scale its Deployment, fail or pass its
//! readiness probe, toggle a Service's externalTrafficPolicy. Each one is a command to the
//! [`crate::sim::Sim`]; simulated time then runs, so the picture goes through the same
//! transitions a cluster does (Terminating, a new Pending pod, the slice following).

use crate::inspector::{deployment_replicas, owner_deployment};
use crate::model::Model;
use leptos::prelude::*;
use svcsim_engine::api::apps::WorkloadKind;
use svcsim_scene::layout::ObjectId;

/// What can be done to the selection, computed from the cluster.
#[derive(Debug, Clone, PartialEq)]
enum Available {
    None,
    Pod {
        namespace: String,
        name: String,
        ready: bool,
        terminating: bool,
        deployment: Option<(String, i32)>,
    },
    Service {
        namespace: String,
        name: String,
        policy: String,
        external: bool,
    },
}

fn report(model: Model, r: Result<(), String>) {
    match r {
        Ok(()) => model.status.set(None),
        Err(e) => model.say(e),
    }
}

/// The action buttons for the current selection.
#[component]
pub fn Actions(model: Model) -> impl IntoView {
    let available = Memo::new(move |_| {
        let Some(sel) = model.selection.get() else {
            return Available::None;
        };
        model.with_sim(|s| match &sel {
            ObjectId::Pod { namespace, name } => match s.cluster.store.pod(namespace, name) {
                Some(p) => Available::Pod {
                    namespace: namespace.clone(),
                    name: name.clone(),
                    ready: p.is_ready(),
                    terminating: p.metadata.deletion_timestamp.is_some(),
                    deployment: owner_deployment(&s.cluster, namespace, name).and_then(|d| {
                        deployment_replicas(&s.cluster, namespace, &d).map(|r| (d, r))
                    }),
                },
                None => Available::None,
            },
            ObjectId::Service { namespace, name } => match s.cluster.store.service(namespace, name)
            {
                Some(svc) => Available::Service {
                    namespace: namespace.clone(),
                    name: name.clone(),
                    policy: if svc.spec.external_traffic_policy.is_empty() {
                        "Cluster".to_string()
                    } else {
                        svc.spec.external_traffic_policy.clone()
                    },
                    external: svc.spec.type_ == "NodePort" || svc.spec.type_ == "LoadBalancer",
                },
                None => Available::None,
            },
            _ => Available::None,
        })
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
            let (ns2, n2) = (namespace.clone(), name.clone());
            let scale = deployment.map(|(d, replicas)| {
                let (ns3, d3) = (namespace.clone(), d.clone());
                let (ns4, d4) = (namespace.clone(), d.clone());
                let scale_to = move |ns: String, d: String, r: i32| {
                    let edited = model
                        .update_sim(|s| s.scale(WorkloadKind::Deployment, &ns, &d, r))
                        .unwrap_or(Ok(None));
                    match edited {
                        Ok(Some(text)) => {
                            model.text.set(text);
                            model.status.set(None);
                        }
                        Ok(None) => model.status.set(None),
                        Err(e) => model.say(e),
                    }
                };
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
                            aria-label=format!("Scale deployment {} up", d4)
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
                        on:click=move |_| {
                            report(model, model.update_sim(|s| s.delete_pod(&ns1, &n1)).unwrap_or(Ok(())))
                        }
                    >
                        "Delete pod"
                    </button>
                    <button
                        type="button"
                        id="toggle-ready"
                        on:click=move |_| {
                            report(
                                model,
                                model
                                    .update_sim(|s| s.set_pod_ready(&ns2, &n2, !ready))
                                    .unwrap_or(Ok(())),
                            )
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
                            match model
                                .update_sim(|s| s.toggle_external_traffic_policy(&namespace, &name))
                            {
                                Some(Ok(text)) => {
                                    model.text.set(text);
                                    model.status.set(None);
                                }
                                Some(Err(e)) => model.say(e),
                                None => {}
                            }
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
