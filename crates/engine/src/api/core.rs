//! `core/v1` types: Service, Pod, Node, Namespace, Endpoints.
//!
//! Field shapes follow the Go structs: a Go `string`/`int32` without a pointer is a plain value
//! whose zero means "unset" (and is omitted when printed, like `omitempty`); a Go pointer is an
//! `Option`.

use super::decode::{self, Cx, Fields};
use super::meta::{ObjectMeta, Time};
use crate::manifest::Value;
use serde::Serialize;
use std::collections::BTreeMap;

fn is_zero(v: &i32) -> bool {
    *v == 0
}
fn is_false(v: &bool) -> bool {
    !*v
}

/// `intstr.IntOrString` (a Service's `targetPort`).
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
#[serde(untagged)]
pub enum IntOrString {
    Int(i32),
    String(String),
}

impl IntOrString {
    fn decode(cx: &mut Cx, f: &mut Fields<'_>, key: &'static str) -> Option<IntOrString> {
        let (node, at) = f.raw(key)?;
        match &node.value {
            Value::Str(s) => Some(IntOrString::String(s.clone())),
            Value::Int(_) | Value::Float(_) => {
                decode::int::<i32>(cx, node, &at, "int32").map(IntOrString::Int)
            }
            _ => {
                // Go: IntOrString's UnmarshalJSON falls back to json.Unmarshal into an int32.
                decode::int::<i32>(cx, node, &at, "int32").map(IntOrString::Int)
            }
        }
    }

    /// Zero value: `0` or `""` (defaulting replaces it with the port).
    pub fn is_zero(&self) -> bool {
        matches!(self, IntOrString::Int(0))
            || matches!(self, IntOrString::String(s) if s.is_empty())
    }
}

impl std::fmt::Display for IntOrString {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            IntOrString::Int(i) => write!(f, "{i}"),
            IntOrString::String(s) => f.write_str(s),
        }
    }
}

/// `v1.ServicePort`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Default)]
#[serde(rename_all = "camelCase")]
pub struct ServicePort {
    #[serde(skip_serializing_if = "String::is_empty")]
    pub name: String,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub protocol: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub app_protocol: Option<String>,
    pub port: i32,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub target_port: Option<IntOrString>,
    #[serde(skip_serializing_if = "is_zero")]
    pub node_port: i32,
}

/// `v1.ClientIPConfig` inside `v1.SessionAffinityConfig`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Default)]
#[serde(rename_all = "camelCase")]
pub struct SessionAffinityConfig {
    #[serde(rename = "clientIP", skip_serializing_if = "Option::is_none")]
    pub client_ip: Option<ClientIpConfig>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Default)]
#[serde(rename_all = "camelCase")]
pub struct ClientIpConfig {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub timeout_seconds: Option<i32>,
}

/// `v1.ServiceSpec`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Default)]
#[serde(rename_all = "camelCase")]
pub struct ServiceSpec {
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub ports: Vec<ServicePort>,
    /// Empty means "no selector" (an empty map does not survive storage in Kubernetes either).
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub selector: BTreeMap<String, String>,
    #[serde(rename = "clusterIP", skip_serializing_if = "String::is_empty")]
    pub cluster_ip: String,
    #[serde(rename = "clusterIPs", skip_serializing_if = "Vec::is_empty")]
    pub cluster_ips: Vec<String>,
    #[serde(rename = "type", skip_serializing_if = "String::is_empty")]
    pub type_: String,
    #[serde(rename = "externalIPs", skip_serializing_if = "Vec::is_empty")]
    pub external_ips: Vec<String>,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub session_affinity: String,
    #[serde(rename = "loadBalancerIP", skip_serializing_if = "String::is_empty")]
    pub load_balancer_ip: String,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub load_balancer_source_ranges: Vec<String>,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub external_name: String,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub external_traffic_policy: String,
    #[serde(skip_serializing_if = "is_zero")]
    pub health_check_node_port: i32,
    #[serde(skip_serializing_if = "is_false")]
    pub publish_not_ready_addresses: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub session_affinity_config: Option<SessionAffinityConfig>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub ip_families: Vec<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ip_family_policy: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub allocate_load_balancer_node_ports: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub load_balancer_class: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub internal_traffic_policy: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub traffic_distribution: Option<String>,
}

/// `v1.PortStatus` of a load-balancer ingress.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Default)]
#[serde(rename_all = "camelCase")]
pub struct PortStatus {
    pub port: i32,
    pub protocol: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub error: Option<String>,
}

/// `v1.LoadBalancerIngress`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Default)]
#[serde(rename_all = "camelCase")]
pub struct LoadBalancerIngress {
    #[serde(skip_serializing_if = "String::is_empty")]
    pub ip: String,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub hostname: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub ip_mode: Option<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub ports: Vec<PortStatus>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Default)]
#[serde(rename_all = "camelCase")]
pub struct LoadBalancerStatus {
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub ingress: Vec<LoadBalancerIngress>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Default)]
#[serde(rename_all = "camelCase")]
pub struct ServiceStatus {
    pub load_balancer: LoadBalancerStatus,
}

/// `v1.Service`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Default)]
#[serde(rename_all = "camelCase")]
pub struct Service {
    pub metadata: ObjectMeta,
    pub spec: ServiceSpec,
    pub status: ServiceStatus,
}

/// The Service helpers kube-apiserver, the allocator and kube-proxy all ask
/// (`pkg/api/v1/service/util.go`), here once.
impl Service {
    /// `RequestsOnlyLocalTraffic`: NodePort or LoadBalancer with `externalTrafficPolicy: Local`
    /// (external traffic stays on the node it entered and keeps the client's address).
    pub fn requests_only_local_traffic(&self) -> bool {
        matches!(self.spec.type_.as_str(), "LoadBalancer" | "NodePort")
            && self.spec.external_traffic_policy == "Local"
    }

    /// `NeedsHealthCheck`: a LoadBalancer with `externalTrafficPolicy: Local` gets a
    /// `healthCheckNodePort` the cloud load balancer probes.
    pub fn needs_health_check(&self) -> bool {
        self.spec.type_ == "LoadBalancer" && self.requests_only_local_traffic()
    }
}

impl Service {
    pub(crate) fn decode(cx: &mut Cx, f: &mut Fields<'_>) -> Service {
        let metadata = meta(cx, f);
        let spec = f
            .object(cx, "spec", "ServiceSpec", |cx, mut s| {
                let spec = ServiceSpec {
                    ports: s
                        .objects(cx, "ports", "ServicePort", |cx, mut p| {
                            let port = ServicePort {
                                name: p.string(cx, "name").unwrap_or_default(),
                                protocol: p.string(cx, "protocol").unwrap_or_default(),
                                app_protocol: p.string(cx, "appProtocol"),
                                port: p.i32(cx, "port").unwrap_or_default(),
                                target_port: IntOrString::decode(cx, &mut p, "targetPort"),
                                node_port: p.i32(cx, "nodePort").unwrap_or_default(),
                            };
                            p.finish(cx);
                            port
                        })
                        .unwrap_or_default(),
                    selector: s.string_map(cx, "selector").unwrap_or_default(),
                    cluster_ip: s.string(cx, "clusterIP").unwrap_or_default(),
                    cluster_ips: s.strings(cx, "clusterIPs").unwrap_or_default(),
                    type_: s.string(cx, "type").unwrap_or_default(),
                    external_ips: s.strings(cx, "externalIPs").unwrap_or_default(),
                    session_affinity: s.string(cx, "sessionAffinity").unwrap_or_default(),
                    load_balancer_ip: s.string(cx, "loadBalancerIP").unwrap_or_default(),
                    load_balancer_source_ranges: s
                        .strings(cx, "loadBalancerSourceRanges")
                        .unwrap_or_default(),
                    external_name: s.string(cx, "externalName").unwrap_or_default(),
                    external_traffic_policy: s
                        .string(cx, "externalTrafficPolicy")
                        .unwrap_or_default(),
                    health_check_node_port: s.i32(cx, "healthCheckNodePort").unwrap_or_default(),
                    publish_not_ready_addresses: s
                        .bool(cx, "publishNotReadyAddresses")
                        .unwrap_or_default(),
                    session_affinity_config: s.object(
                        cx,
                        "sessionAffinityConfig",
                        "SessionAffinityConfig",
                        |cx, mut c| {
                            let cfg = SessionAffinityConfig {
                                client_ip: c.object(
                                    cx,
                                    "clientIP",
                                    "ClientIPConfig",
                                    |cx, mut ci| {
                                        let v = ClientIpConfig {
                                            timeout_seconds: ci.i32(cx, "timeoutSeconds"),
                                        };
                                        ci.finish(cx);
                                        v
                                    },
                                ),
                            };
                            c.finish(cx);
                            cfg
                        },
                    ),
                    ip_families: s.strings(cx, "ipFamilies").unwrap_or_default(),
                    ip_family_policy: s.string(cx, "ipFamilyPolicy"),
                    allocate_load_balancer_node_ports: s.bool(cx, "allocateLoadBalancerNodePorts"),
                    load_balancer_class: s.string(cx, "loadBalancerClass"),
                    internal_traffic_policy: s.string(cx, "internalTrafficPolicy"),
                    traffic_distribution: s.string(cx, "trafficDistribution"),
                };
                s.finish(cx);
                spec
            })
            .unwrap_or_default();
        let status = f
            .object(cx, "status", "ServiceStatus", |cx, mut st| {
                let status = ServiceStatus {
                    load_balancer: st
                        .object(cx, "loadBalancer", "LoadBalancerStatus", |cx, mut lb| {
                            let s = LoadBalancerStatus {
                                ingress: lb
                                    .objects(cx, "ingress", "LoadBalancerIngress", |cx, mut i| {
                                        let ing = LoadBalancerIngress {
                                            ip: i.string(cx, "ip").unwrap_or_default(),
                                            hostname: i.string(cx, "hostname").unwrap_or_default(),
                                            ip_mode: i.string(cx, "ipMode"),
                                            ports: i
                                                .objects(cx, "ports", "PortStatus", |cx, mut p| {
                                                    let ps = PortStatus {
                                                        port: p.i32(cx, "port").unwrap_or_default(),
                                                        protocol: p
                                                            .string(cx, "protocol")
                                                            .unwrap_or_default(),
                                                        error: p.string(cx, "error"),
                                                    };
                                                    p.finish(cx);
                                                    ps
                                                })
                                                .unwrap_or_default(),
                                        };
                                        i.finish(cx);
                                        ing
                                    })
                                    .unwrap_or_default(),
                            };
                            lb.finish(cx);
                            s
                        })
                        .unwrap_or_default(),
                };
                st.ignore(&["conditions"]);
                st.finish(cx);
                status
            })
            .unwrap_or_default();
        Service {
            metadata,
            spec,
            status,
        }
    }

    /// `clusterIP: None` (or `clusterIPs: [None]`).
    pub fn is_headless(&self) -> bool {
        self.spec.cluster_ip == "None" || self.spec.cluster_ips.first().is_some_and(|c| c == "None")
    }

    /// The effective type (`ClusterIP` when unset, as defaulting makes it).
    pub fn type_or_default(&self) -> &str {
        if self.spec.type_.is_empty() {
            "ClusterIP"
        } else {
            &self.spec.type_
        }
    }
}

/// Decode `metadata` (shared by every kind).
pub(crate) fn meta(cx: &mut Cx, f: &mut Fields<'_>) -> ObjectMeta {
    f.object(cx, "metadata", "ObjectMeta", ObjectMeta::decode)
        .unwrap_or_default()
}

/// `v1.ContainerPort`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Default)]
#[serde(rename_all = "camelCase")]
pub struct ContainerPort {
    #[serde(skip_serializing_if = "String::is_empty")]
    pub name: String,
    #[serde(skip_serializing_if = "is_zero")]
    pub host_port: i32,
    pub container_port: i32,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub protocol: String,
    #[serde(rename = "hostIP", skip_serializing_if = "String::is_empty")]
    pub host_ip: String,
}

/// `v1.Container` (name, image and ports are simulated; the rest is accepted and dropped).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Default)]
#[serde(rename_all = "camelCase")]
pub struct Container {
    pub name: String,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub image: String,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub ports: Vec<ContainerPort>,
    /// Only for init containers: `Always` makes a sidecar, whose ports count for named targetPorts.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub restart_policy: Option<String>,
    /// Its hooks: a `preStop` that sleeps keeps a deleted pod serving (its endpoint
    /// `serving`/`terminating`) for that long.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub lifecycle: Option<Lifecycle>,
}

/// `v1.Lifecycle`: the `preStop` hook is simulated (how long a deleted pod keeps serving),
/// `postStart` and `stopSignal` are accepted.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Default)]
#[serde(rename_all = "camelCase")]
pub struct Lifecycle {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pre_stop: Option<LifecycleHandler>,
}

/// `v1.LifecycleHandler`: `sleep` (KEP-3960) and `exec`; `httpGet` and `tcpSocket` are
/// accepted and take no simulated time.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Default)]
#[serde(rename_all = "camelCase")]
pub struct LifecycleHandler {
    #[serde(skip_serializing_if = "Option::is_none")]
    pub exec: Option<ExecAction>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub sleep: Option<SleepAction>,
    /// The handlers given that svcsim does not run (`httpGet`, `tcpSocket`), for the API
    /// server's one-handler rule.
    #[serde(skip)]
    pub other: Vec<&'static str>,
}

/// `v1.ExecAction`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Default)]
pub struct ExecAction {
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub command: Vec<String>,
}

/// `v1.SleepAction`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Default)]
pub struct SleepAction {
    pub seconds: i64,
}

impl LifecycleHandler {
    /// How long the hook runs, in ms: a `sleep` action's seconds, or an `exec` of `sleep N`
    /// (also through `sh -c`); any other hook returns at once.
    pub fn duration_ms(&self) -> u64 {
        if let Some(s) = &self.sleep {
            return u64::try_from(s.seconds).unwrap_or(0).saturating_mul(1000);
        }
        let Some(exec) = &self.exec else { return 0 };
        let words: Vec<&str> = match exec.command.as_slice() {
            [sh, flag, script] if sh.ends_with("sh") && flag == "-c" => {
                script.split_whitespace().collect()
            }
            cmd => cmd.iter().map(String::as_str).collect(),
        };
        match words.as_slice() {
            [sleep, n, ..] if sleep.rsplit('/').next() == Some("sleep") => n
                .trim_end_matches('s')
                .parse::<f64>()
                .ok()
                // `sleep infinity` runs until the grace period ends (NaN is no duration).
                .filter(|s| *s > 0.0)
                .map_or(0, |s| (s.min(1e9) * 1000.0) as u64),
            _ => 0,
        }
    }
}

impl Lifecycle {
    fn decode(cx: &mut Cx, mut l: Fields<'_>) -> Lifecycle {
        let v = Lifecycle {
            pre_stop: l.object(cx, "preStop", "LifecycleHandler", |cx, mut h| {
                let v = LifecycleHandler {
                    exec: h.object(cx, "exec", "ExecAction", |cx, mut e| {
                        let v = ExecAction {
                            command: e.strings(cx, "command").unwrap_or_default(),
                        };
                        e.finish(cx);
                        v
                    }),
                    sleep: h.object(cx, "sleep", "SleepAction", |cx, mut s| {
                        let v = SleepAction {
                            seconds: s.i64(cx, "seconds").unwrap_or_default(),
                        };
                        s.finish(cx);
                        v
                    }),
                    other: Vec::new(),
                };
                let mut v = v;
                for other in ["httpGet", "tcpSocket"] {
                    if h.raw(other).is_some() {
                        v.other.push(other);
                    }
                }
                h.finish(cx);
                v
            }),
        };
        l.ignore(&["postStart", "stopSignal"]);
        l.finish(cx);
        v
    }
}

/// Every other `v1.Container` field: accepted, not simulated.
const CONTAINER_IGNORED: &[&str] = &[
    "command",
    "args",
    "workingDir",
    "envFrom",
    "env",
    "resources",
    "resizePolicy",
    "volumeMounts",
    "volumeDevices",
    "livenessProbe",
    "readinessProbe",
    "startupProbe",
    "terminationMessagePath",
    "terminationMessagePolicy",
    "imagePullPolicy",
    "securityContext",
    "stdin",
    "stdinOnce",
    "tty",
    "restartPolicyRules",
];

impl Container {
    fn decode(cx: &mut Cx, mut c: Fields<'_>) -> Container {
        let v = Container {
            name: c.string(cx, "name").unwrap_or_default(),
            image: c.string(cx, "image").unwrap_or_default(),
            ports: c
                .objects(cx, "ports", "ContainerPort", |cx, mut p| {
                    let port = ContainerPort {
                        name: p.string(cx, "name").unwrap_or_default(),
                        host_port: p.i32(cx, "hostPort").unwrap_or_default(),
                        container_port: p.i32(cx, "containerPort").unwrap_or_default(),
                        protocol: p.string(cx, "protocol").unwrap_or_default(),
                        host_ip: p.string(cx, "hostIP").unwrap_or_default(),
                    };
                    p.finish(cx);
                    port
                })
                .unwrap_or_default(),
            restart_policy: c.string(cx, "restartPolicy"),
            lifecycle: c.object(cx, "lifecycle", "Lifecycle", Lifecycle::decode),
        };
        c.ignore(CONTAINER_IGNORED);
        c.finish(cx);
        v
    }
}

/// `v1.PodDNSConfig`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Default)]
#[serde(rename_all = "camelCase")]
pub struct PodDnsConfig {
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub nameservers: Vec<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub searches: Vec<String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub options: Vec<PodDnsConfigOption>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Default)]
#[serde(rename_all = "camelCase")]
pub struct PodDnsConfigOption {
    pub name: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub value: Option<String>,
}

/// `v1.PodSpec`: what Services networking needs (placement, hostname, DNS, ports).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Default)]
#[serde(rename_all = "camelCase")]
pub struct PodSpec {
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub init_containers: Vec<Container>,
    pub containers: Vec<Container>,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub node_name: String,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub hostname: String,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub subdomain: String,
    #[serde(skip_serializing_if = "is_false")]
    pub host_network: bool,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub dns_policy: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub dns_config: Option<PodDnsConfig>,
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub node_selector: BTreeMap<String, String>,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub restart_policy: String,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub tolerations: Vec<Toleration>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub termination_grace_period_seconds: Option<i64>,
}

const POD_SPEC_IGNORED: &[&str] = &[
    "volumes",
    "ephemeralContainers",
    "activeDeadlineSeconds",
    "serviceAccountName",
    "serviceAccount",
    "automountServiceAccountToken",
    "hostPID",
    "hostIPC",
    "shareProcessNamespace",
    "securityContext",
    "imagePullSecrets",
    "affinity",
    "schedulerName",
    "hostAliases",
    "priorityClassName",
    "priority",
    "readinessGates",
    "runtimeClassName",
    "enableServiceLinks",
    "preemptionPolicy",
    "overhead",
    "topologySpreadConstraints",
    "setHostnameAsFQDN",
    "os",
    "hostUsers",
    "schedulingGates",
    "resourceClaims",
    "resources",
    "deprecatedServiceAccount",
    "hostnameOverride",
];

impl PodSpec {
    pub(crate) fn decode(cx: &mut Cx, mut s: Fields<'_>) -> PodSpec {
        let spec = PodSpec {
            init_containers: s
                .objects(cx, "initContainers", "Container", Container::decode)
                .unwrap_or_default(),
            containers: s
                .objects(cx, "containers", "Container", Container::decode)
                .unwrap_or_default(),
            node_name: s.string(cx, "nodeName").unwrap_or_default(),
            hostname: s.string(cx, "hostname").unwrap_or_default(),
            subdomain: s.string(cx, "subdomain").unwrap_or_default(),
            host_network: s.bool(cx, "hostNetwork").unwrap_or_default(),
            dns_policy: s.string(cx, "dnsPolicy").unwrap_or_default(),
            dns_config: s.object(cx, "dnsConfig", "PodDNSConfig", |cx, mut d| {
                let c = PodDnsConfig {
                    nameservers: d.strings(cx, "nameservers").unwrap_or_default(),
                    searches: d.strings(cx, "searches").unwrap_or_default(),
                    options: d
                        .objects(cx, "options", "PodDNSConfigOption", |cx, mut o| {
                            let v = PodDnsConfigOption {
                                name: o.string(cx, "name").unwrap_or_default(),
                                value: o.string(cx, "value"),
                            };
                            o.finish(cx);
                            v
                        })
                        .unwrap_or_default(),
                };
                d.finish(cx);
                c
            }),
            node_selector: s.string_map(cx, "nodeSelector").unwrap_or_default(),
            restart_policy: s.string(cx, "restartPolicy").unwrap_or_default(),
            tolerations: s
                .objects(cx, "tolerations", "Toleration", |cx, mut t| {
                    let v = Toleration {
                        key: t.string(cx, "key").unwrap_or_default(),
                        operator: t.string(cx, "operator").unwrap_or_default(),
                        value: t.string(cx, "value").unwrap_or_default(),
                        effect: t.string(cx, "effect").unwrap_or_default(),
                    };
                    t.ignore(&["tolerationSeconds"]);
                    t.finish(cx);
                    v
                })
                .unwrap_or_default(),
            termination_grace_period_seconds: s.i64(cx, "terminationGracePeriodSeconds"),
        };
        s.ignore(POD_SPEC_IGNORED);
        s.finish(cx);
        spec
    }
}

/// `v1.PodCondition`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Default)]
#[serde(rename_all = "camelCase")]
pub struct PodCondition {
    #[serde(rename = "type")]
    pub type_: String,
    pub status: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub last_transition_time: Option<Time>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Default)]
pub struct PodIp {
    pub ip: String,
}

/// `v1.PodStatus` (observed state, honoured when pasted from a real cluster).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Default)]
#[serde(rename_all = "camelCase")]
pub struct PodStatus {
    #[serde(skip_serializing_if = "String::is_empty")]
    pub phase: String,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub conditions: Vec<PodCondition>,
    #[serde(rename = "hostIP", skip_serializing_if = "String::is_empty")]
    pub host_ip: String,
    #[serde(rename = "podIP", skip_serializing_if = "String::is_empty")]
    pub pod_ip: String,
    #[serde(rename = "podIPs", skip_serializing_if = "Vec::is_empty")]
    pub pod_ips: Vec<PodIp>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub start_time: Option<Time>,
}

/// `v1.Pod`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Default)]
#[serde(rename_all = "camelCase")]
pub struct Pod {
    pub metadata: ObjectMeta,
    pub spec: PodSpec,
    pub status: PodStatus,
}

impl Pod {
    pub(crate) fn decode(cx: &mut Cx, f: &mut Fields<'_>) -> Pod {
        let metadata = meta(cx, f);
        let spec = f
            .object(cx, "spec", "PodSpec", PodSpec::decode)
            .unwrap_or_default();
        let status = f
            .object(cx, "status", "PodStatus", PodStatus::decode)
            .unwrap_or_default();
        Pod {
            metadata,
            spec,
            status,
        }
    }

    /// Whether the Ready condition is True (`podutil.IsPodReady`).
    pub fn is_ready(&self) -> bool {
        self.status
            .conditions
            .iter()
            .any(|c| c.type_ == "Ready" && c.status == "True")
    }
}

impl PodStatus {
    fn decode(cx: &mut Cx, mut s: Fields<'_>) -> PodStatus {
        let st = PodStatus {
            phase: s.string(cx, "phase").unwrap_or_default(),
            conditions: s
                .objects(cx, "conditions", "PodCondition", |cx, mut c| {
                    let v = PodCondition {
                        type_: c.string(cx, "type").unwrap_or_default(),
                        status: c.string(cx, "status").unwrap_or_default(),
                        last_transition_time: c
                            .string(cx, "lastTransitionTime")
                            .and_then(|t| Time::parse(&t)),
                    };
                    c.ignore(&["lastProbeTime", "reason", "message", "observedGeneration"]);
                    c.finish(cx);
                    v
                })
                .unwrap_or_default(),
            host_ip: s.string(cx, "hostIP").unwrap_or_default(),
            pod_ip: s.string(cx, "podIP").unwrap_or_default(),
            pod_ips: s
                .objects(cx, "podIPs", "PodIP", |cx, mut p| {
                    let v = PodIp {
                        ip: p.string(cx, "ip").unwrap_or_default(),
                    };
                    p.finish(cx);
                    v
                })
                .unwrap_or_default(),
            start_time: s.string(cx, "startTime").and_then(|t| Time::parse(&t)),
        };
        s.ignore(&[
            "hostIPs",
            "message",
            "reason",
            "nominatedNodeName",
            "initContainerStatuses",
            "containerStatuses",
            "ephemeralContainerStatuses",
            "qosClass",
            "resize",
            "resourceClaimStatuses",
            "observedGeneration",
        ]);
        s.finish(cx);
        st
    }
}

/// `v1.NodeAddress`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Default)]
#[serde(rename_all = "camelCase")]
pub struct NodeAddress {
    #[serde(rename = "type")]
    pub type_: String,
    pub address: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Default)]
#[serde(rename_all = "camelCase")]
pub struct NodeSpec {
    #[serde(rename = "podCIDR", skip_serializing_if = "String::is_empty")]
    pub pod_cidr: String,
    #[serde(rename = "podCIDRs", skip_serializing_if = "Vec::is_empty")]
    pub pod_cidrs: Vec<String>,
    #[serde(skip_serializing_if = "is_false")]
    pub unschedulable: bool,
    #[serde(rename = "providerID", skip_serializing_if = "String::is_empty")]
    pub provider_id: String,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub taints: Vec<Taint>,
}

/// `v1.Taint` (kind's control-plane node carries `node-role.kubernetes.io/control-plane:NoSchedule`
/// when the cluster has workers).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Default)]
#[serde(rename_all = "camelCase")]
pub struct Taint {
    pub key: String,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub value: String,
    pub effect: String,
}

/// `v1.Toleration`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Default)]
#[serde(rename_all = "camelCase")]
pub struct Toleration {
    #[serde(skip_serializing_if = "String::is_empty")]
    pub key: String,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub operator: String,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub value: String,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub effect: String,
}

impl Toleration {
    /// `v1.Toleration.ToleratesTaint`.
    pub fn tolerates(&self, taint: &Taint) -> bool {
        if !self.effect.is_empty() && self.effect != taint.effect {
            return false;
        }
        if !self.key.is_empty() && self.key != taint.key {
            return false;
        }
        match self.operator.as_str() {
            "Exists" => true,
            "" | "Equal" => self.value == taint.value,
            _ => false,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Default)]
#[serde(rename_all = "camelCase")]
pub struct NodeCondition {
    #[serde(rename = "type")]
    pub type_: String,
    pub status: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Default)]
#[serde(rename_all = "camelCase")]
pub struct NodeStatus {
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub addresses: Vec<NodeAddress>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub conditions: Vec<NodeCondition>,
}

/// `v1.Node`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Default)]
#[serde(rename_all = "camelCase")]
pub struct Node {
    pub metadata: ObjectMeta,
    pub spec: NodeSpec,
    pub status: NodeStatus,
}

impl Node {
    pub(crate) fn decode(cx: &mut Cx, f: &mut Fields<'_>) -> Node {
        let metadata = meta(cx, f);
        let spec = f
            .object(cx, "spec", "NodeSpec", |cx, mut s| {
                let v = NodeSpec {
                    pod_cidr: s.string(cx, "podCIDR").unwrap_or_default(),
                    pod_cidrs: s.strings(cx, "podCIDRs").unwrap_or_default(),
                    unschedulable: s.bool(cx, "unschedulable").unwrap_or_default(),
                    provider_id: s.string(cx, "providerID").unwrap_or_default(),
                    taints: s
                        .objects(cx, "taints", "Taint", |cx, mut t| {
                            let v = Taint {
                                key: t.string(cx, "key").unwrap_or_default(),
                                value: t.string(cx, "value").unwrap_or_default(),
                                effect: t.string(cx, "effect").unwrap_or_default(),
                            };
                            t.ignore(&["timeAdded"]);
                            t.finish(cx);
                            v
                        })
                        .unwrap_or_default(),
                };
                s.ignore(&["configSource", "externalID"]);
                s.finish(cx);
                v
            })
            .unwrap_or_default();
        let status = f
            .object(cx, "status", "NodeStatus", |cx, mut s| {
                let v = NodeStatus {
                    addresses: s
                        .objects(cx, "addresses", "NodeAddress", |cx, mut a| {
                            let v = NodeAddress {
                                type_: a.string(cx, "type").unwrap_or_default(),
                                address: a.string(cx, "address").unwrap_or_default(),
                            };
                            a.finish(cx);
                            v
                        })
                        .unwrap_or_default(),
                    conditions: s
                        .objects(cx, "conditions", "NodeCondition", |cx, mut c| {
                            let v = NodeCondition {
                                type_: c.string(cx, "type").unwrap_or_default(),
                                status: c.string(cx, "status").unwrap_or_default(),
                            };
                            c.ignore(&[
                                "lastHeartbeatTime",
                                "lastTransitionTime",
                                "reason",
                                "message",
                            ]);
                            c.finish(cx);
                            v
                        })
                        .unwrap_or_default(),
                };
                s.ignore(&[
                    "capacity",
                    "allocatable",
                    "phase",
                    "daemonEndpoints",
                    "nodeInfo",
                    "images",
                    "volumesInUse",
                    "volumesAttached",
                    "config",
                    "runtimeHandlers",
                    "features",
                    "declaredFeatures",
                ]);
                s.finish(cx);
                v
            })
            .unwrap_or_default();
        Node {
            metadata,
            spec,
            status,
        }
    }

    /// The node's `InternalIP` address, if any.
    pub fn internal_ip(&self) -> Option<&str> {
        self.status
            .addresses
            .iter()
            .find(|a| a.type_ == "InternalIP")
            .map(|a| a.address.as_str())
    }

    /// Whether the node carries the control-plane role label.
    pub fn is_control_plane(&self) -> bool {
        self.metadata
            .labels
            .contains_key("node-role.kubernetes.io/control-plane")
    }
}

/// `v1.Namespace`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Default)]
#[serde(rename_all = "camelCase")]
pub struct Namespace {
    pub metadata: ObjectMeta,
}

impl Namespace {
    pub(crate) fn decode(cx: &mut Cx, f: &mut Fields<'_>) -> Namespace {
        let metadata = meta(cx, f);
        f.ignore(&["spec", "status"]);
        Namespace { metadata }
    }
}

/// `v1.ObjectReference` (as used by endpoints' `targetRef`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Default)]
#[serde(rename_all = "camelCase")]
pub struct ObjectReference {
    #[serde(skip_serializing_if = "String::is_empty")]
    pub kind: String,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub namespace: String,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub name: String,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub uid: String,
}

impl ObjectReference {
    pub(crate) fn decode(cx: &mut Cx, mut r: Fields<'_>) -> ObjectReference {
        let v = ObjectReference {
            kind: r.string(cx, "kind").unwrap_or_default(),
            namespace: r.string(cx, "namespace").unwrap_or_default(),
            name: r.string(cx, "name").unwrap_or_default(),
            uid: r.string(cx, "uid").unwrap_or_default(),
        };
        r.ignore(&["apiVersion", "resourceVersion", "fieldPath"]);
        r.finish(cx);
        v
    }
}

/// `v1.EndpointAddress`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Default)]
#[serde(rename_all = "camelCase")]
pub struct EndpointAddress {
    pub ip: String,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub hostname: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub node_name: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub target_ref: Option<ObjectReference>,
}

/// `v1.EndpointPort` (legacy Endpoints).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Default)]
#[serde(rename_all = "camelCase")]
pub struct EndpointsPort {
    #[serde(skip_serializing_if = "String::is_empty")]
    pub name: String,
    pub port: i32,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub protocol: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub app_protocol: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Default)]
#[serde(rename_all = "camelCase")]
pub struct EndpointSubset {
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub addresses: Vec<EndpointAddress>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub not_ready_addresses: Vec<EndpointAddress>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub ports: Vec<EndpointsPort>,
}

/// `v1.Endpoints` (deprecated since 1.33; shown as the legacy view).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Default)]
#[serde(rename_all = "camelCase")]
pub struct Endpoints {
    pub metadata: ObjectMeta,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub subsets: Vec<EndpointSubset>,
}

impl Endpoints {
    pub(crate) fn decode(cx: &mut Cx, f: &mut Fields<'_>) -> Endpoints {
        let metadata = meta(cx, f);
        let address = |cx: &mut Cx, mut a: Fields<'_>| {
            let v = EndpointAddress {
                ip: a.string(cx, "ip").unwrap_or_default(),
                hostname: a.string(cx, "hostname").unwrap_or_default(),
                node_name: a.string(cx, "nodeName"),
                target_ref: a.object(cx, "targetRef", "ObjectReference", ObjectReference::decode),
            };
            a.finish(cx);
            v
        };
        let subsets = f
            .objects(cx, "subsets", "EndpointSubset", |cx, mut s| {
                let v = EndpointSubset {
                    addresses: s
                        .objects(cx, "addresses", "EndpointAddress", address)
                        .unwrap_or_default(),
                    not_ready_addresses: s
                        .objects(cx, "notReadyAddresses", "EndpointAddress", address)
                        .unwrap_or_default(),
                    ports: s
                        .objects(cx, "ports", "EndpointPort", |cx, mut p| {
                            let v = EndpointsPort {
                                name: p.string(cx, "name").unwrap_or_default(),
                                port: p.i32(cx, "port").unwrap_or_default(),
                                protocol: p.string(cx, "protocol").unwrap_or_default(),
                                app_protocol: p.string(cx, "appProtocol"),
                            };
                            p.finish(cx);
                            v
                        })
                        .unwrap_or_default(),
                };
                s.finish(cx);
                v
            })
            .unwrap_or_default();
        Endpoints { metadata, subsets }
    }
}
