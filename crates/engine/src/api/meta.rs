//! `metav1` types: ObjectMeta, label selectors, owner references, timestamps.

use super::decode::{Cx, Fields};
use serde::Serialize;
use std::collections::BTreeMap;

/// Milliseconds since the Unix epoch; prints as RFC 3339 (`2026-01-01T00:00:00Z`) like `metav1.Time`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct Time(pub i64);

impl Time {
    /// Parse the RFC 3339 forms Kubernetes writes (`2024-05-01T10:00:00Z`, with an optional
    /// fraction or numeric offset).
    pub fn parse(s: &str) -> Option<Time> {
        let b = s.as_bytes();
        if b.len() < 20 || b.get(4) != Some(&b'-') || b.get(7) != Some(&b'-') {
            return None;
        }
        let num = |r: std::ops::Range<usize>| -> Option<i64> { s.get(r)?.parse::<i64>().ok() };
        let (y, mo, d) = (num(0..4)?, num(5..7)?, num(8..10)?);
        if !matches!(b.get(10), Some(b'T' | b't' | b' ')) {
            return None;
        }
        let (h, mi, se) = (num(11..13)?, num(14..16)?, num(17..19)?);
        if !(1..=12).contains(&mo) || !(1..=31).contains(&d) || h > 23 || mi > 59 || se > 60 {
            return None;
        }
        let mut rest = s.get(19..)?;
        let mut millis = 0i64;
        if let Some(frac) = rest.strip_prefix('.') {
            let digits: String = frac.chars().take_while(char::is_ascii_digit).collect();
            if digits.is_empty() {
                return None;
            }
            let ms: String = digits.chars().chain("000".chars()).take(3).collect();
            millis = ms.parse().ok()?;
            rest = frac.get(digits.len()..)?;
        }
        let offset_min = match rest {
            "Z" | "z" => 0,
            _ => {
                let sign = match rest.as_bytes().first() {
                    Some(b'+') => 1,
                    Some(b'-') => -1,
                    _ => return None,
                };
                let oh: i64 = rest.get(1..3)?.parse().ok()?;
                let om: i64 = rest.get(4..6)?.parse().ok()?;
                sign * (oh * 60 + om)
            }
        };
        let days = days_from_civil(y, mo, d);
        let secs = days * 86_400 + h * 3600 + mi * 60 + se - offset_min * 60;
        Some(Time(secs * 1000 + millis))
    }

    /// RFC 3339 in UTC with second precision, as `metav1.Time` marshals.
    pub fn to_rfc3339(self) -> String {
        let secs = self.0.div_euclid(1000);
        let days = secs.div_euclid(86_400);
        let sod = secs.rem_euclid(86_400);
        let (y, m, d) = civil_from_days(days);
        format!(
            "{y:04}-{m:02}-{d:02}T{:02}:{:02}:{:02}Z",
            sod / 3600,
            (sod % 3600) / 60,
            sod % 60
        )
    }
}

impl Serialize for Time {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.to_rfc3339())
    }
}

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

fn civil_from_days(z: i64) -> (i64, i64, i64) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z - era * 146_097;
    let yoe = (doe - doe / 1460 + doe / 36524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = doy - (153 * mp + 2) / 5 + 1;
    let m = if mp < 10 { mp + 3 } else { mp - 9 };
    (if m <= 2 { y + 1 } else { y }, m, d)
}

/// `metav1.OwnerReference`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Default)]
#[serde(rename_all = "camelCase")]
pub struct OwnerReference {
    pub api_version: String,
    pub kind: String,
    pub name: String,
    pub uid: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub controller: Option<bool>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub block_owner_deletion: Option<bool>,
}

/// `metav1.ObjectMeta` (the fields svcsim keeps; managedFields and the like are accepted and dropped).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Default)]
#[serde(rename_all = "camelCase")]
pub struct ObjectMeta {
    #[serde(skip_serializing_if = "String::is_empty")]
    pub name: String,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub generate_name: String,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub namespace: String,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub uid: String,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub resource_version: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub generation: Option<i64>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub creation_timestamp: Option<Time>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub deletion_timestamp: Option<Time>,
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub labels: BTreeMap<String, String>,
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub annotations: BTreeMap<String, String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub owner_references: Vec<OwnerReference>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub finalizers: Vec<String>,
}

impl ObjectMeta {
    pub(crate) fn decode(cx: &mut Cx, mut f: Fields<'_>) -> ObjectMeta {
        let time =
            |cx: &mut Cx, f: &mut Fields<'_>, key| f.string(cx, key).and_then(|s| Time::parse(&s));
        let m = ObjectMeta {
            name: f.string(cx, "name").unwrap_or_default(),
            generate_name: f.string(cx, "generateName").unwrap_or_default(),
            namespace: f.string(cx, "namespace").unwrap_or_default(),
            uid: f.string(cx, "uid").unwrap_or_default(),
            resource_version: f.string(cx, "resourceVersion").unwrap_or_default(),
            generation: f.i64(cx, "generation"),
            creation_timestamp: time(cx, &mut f, "creationTimestamp"),
            deletion_timestamp: time(cx, &mut f, "deletionTimestamp"),
            labels: f.string_map(cx, "labels").unwrap_or_default(),
            annotations: f.string_map(cx, "annotations").unwrap_or_default(),
            owner_references: f
                .objects(cx, "ownerReferences", "OwnerReference", |cx, mut o| {
                    let r = OwnerReference {
                        api_version: o.string(cx, "apiVersion").unwrap_or_default(),
                        kind: o.string(cx, "kind").unwrap_or_default(),
                        name: o.string(cx, "name").unwrap_or_default(),
                        uid: o.string(cx, "uid").unwrap_or_default(),
                        controller: o.bool(cx, "controller"),
                        block_owner_deletion: o.bool(cx, "blockOwnerDeletion"),
                    };
                    o.finish(cx);
                    r
                })
                .unwrap_or_default(),
            finalizers: f.strings(cx, "finalizers").unwrap_or_default(),
        };
        f.ignore(&["managedFields", "selfLink", "deletionGracePeriodSeconds"]);
        f.finish(cx);
        m
    }

    /// The controller owner, if any (`metav1.GetControllerOf`).
    pub fn controller_of(&self) -> Option<&OwnerReference> {
        self.owner_references
            .iter()
            .find(|o| o.controller == Some(true))
    }
}

/// `metav1.LabelSelectorRequirement`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Default)]
#[serde(rename_all = "camelCase")]
pub struct LabelSelectorRequirement {
    pub key: String,
    pub operator: String,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub values: Vec<String>,
}

/// `metav1.LabelSelector` as data with a `matches` method (the habit of kube-rs' `labels.rs`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Default)]
#[serde(rename_all = "camelCase")]
pub struct LabelSelector {
    #[serde(skip_serializing_if = "BTreeMap::is_empty")]
    pub match_labels: BTreeMap<String, String>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub match_expressions: Vec<LabelSelectorRequirement>,
}

impl LabelSelector {
    pub(crate) fn decode(cx: &mut Cx, mut f: Fields<'_>) -> LabelSelector {
        let s = LabelSelector {
            match_labels: f.string_map(cx, "matchLabels").unwrap_or_default(),
            match_expressions: f
                .objects(
                    cx,
                    "matchExpressions",
                    "LabelSelectorRequirement",
                    |cx, mut r| {
                        let req = LabelSelectorRequirement {
                            key: r.string(cx, "key").unwrap_or_default(),
                            operator: r.string(cx, "operator").unwrap_or_default(),
                            values: r.strings(cx, "values").unwrap_or_default(),
                        };
                        r.finish(cx);
                        req
                    },
                )
                .unwrap_or_default(),
        };
        f.finish(cx);
        s
    }

    /// Whether `labels` satisfy the selector. An empty selector matches everything, as
    /// `metav1.LabelSelectorAsSelector` makes it.
    pub fn matches(&self, labels: &BTreeMap<String, String>) -> bool {
        self.match_labels
            .iter()
            .all(|(k, v)| labels.get(k) == Some(v))
            && self.match_expressions.iter().all(|r| {
                let v = labels.get(&r.key);
                match r.operator.as_str() {
                    "In" => v.is_some_and(|v| r.values.contains(v)),
                    "NotIn" => v.is_none_or(|v| !r.values.contains(v)),
                    "Exists" => v.is_some(),
                    "DoesNotExist" => v.is_none(),
                    _ => false,
                }
            })
    }

    /// `kubectl`'s printed form: `app=web,tier in (a,b)`.
    pub fn to_selector_string(&self) -> String {
        let mut parts: Vec<String> = self
            .match_labels
            .iter()
            .map(|(k, v)| format!("{k}={v}"))
            .collect();
        for r in &self.match_expressions {
            parts.push(match r.operator.as_str() {
                "In" => format!("{} in ({})", r.key, r.values.join(",")),
                "NotIn" => format!("{} notin ({})", r.key, r.values.join(",")),
                "Exists" => r.key.clone(),
                "DoesNotExist" => format!("!{}", r.key),
                op => format!("{} {op} ({})", r.key, r.values.join(",")),
            });
        }
        parts.join(",")
    }
}

/// A Service-style selector (`map[string]string`, every pair must match; empty matches nothing
/// because an empty Service selector means "no selector").
pub fn map_selector_matches(
    selector: &BTreeMap<String, String>,
    labels: &BTreeMap<String, String>,
) -> bool {
    !selector.is_empty() && selector.iter().all(|(k, v)| labels.get(k) == Some(v))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn time_round_trips() {
        let t = Time::parse("2026-01-01T00:00:00Z").unwrap();
        assert_eq!(t.0, 1_767_225_600_000);
        assert_eq!(t.to_rfc3339(), "2026-01-01T00:00:00Z");
        assert_eq!(
            Time::parse("2024-02-29T23:59:59.5+01:00")
                .unwrap()
                .to_rfc3339(),
            "2024-02-29T22:59:59Z"
        );
        assert!(Time::parse("2024-13-01T00:00:00Z").is_none());
        assert!(Time::parse("garbage").is_none());
    }

    #[test]
    fn selector_matches() {
        let labels: BTreeMap<String, String> = [("app".to_string(), "web".to_string())]
            .into_iter()
            .collect();
        let mut s = LabelSelector::default();
        assert!(s.matches(&labels));
        s.match_expressions.push(LabelSelectorRequirement {
            key: "app".into(),
            operator: "In".into(),
            values: vec!["web".into(), "api".into()],
        });
        assert!(s.matches(&labels));
        s.match_labels.insert("tier".into(), "x".into());
        assert!(!s.matches(&labels));
        assert!(!map_selector_matches(&BTreeMap::new(), &labels));
    }
}
