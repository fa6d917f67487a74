//! Ages as kubectl prints them: `k8s.io/apimachinery/pkg/util/duration.HumanDuration`.

use crate::api::meta::Time;
use crate::cluster::Cluster;

/// `duration.HumanDuration` for a duration in milliseconds: about two significant figures
/// (`45s`, `119s`, `2m30s`, `10m`, `3h`, `7h59m`, `47h`, `5d`, `7d23h`, `729d`, `2y5d`, `8y`).
/// A small negative skew (down to −1.999 s) prints `0s`; more negative prints `<invalid>`.
pub fn human_duration(ms: i64) -> String {
    // Go: int(d.Seconds()) truncates toward zero, as Rust's integer division does.
    let seconds = ms / 1000;
    if seconds < -1 {
        return "<invalid>".to_string();
    }
    if seconds < 0 {
        return "0s".to_string();
    }
    if seconds < 60 * 2 {
        return format!("{seconds}s");
    }
    let minutes = seconds / 60;
    if minutes < 10 {
        let s = seconds % 60;
        if s == 0 {
            return format!("{minutes}m");
        }
        return format!("{minutes}m{s}s");
    }
    if minutes < 60 * 3 {
        return format!("{minutes}m");
    }
    let hours = minutes / 60;
    if hours < 8 {
        let m = minutes % 60;
        if m == 0 {
            return format!("{hours}h");
        }
        return format!("{hours}h{m}m");
    }
    if hours < 48 {
        return format!("{hours}h");
    }
    if hours < 24 * 8 {
        let h = hours % 24;
        if h == 0 {
            return format!("{}d", hours / 24);
        }
        return format!("{}d{}h", hours / 24, h);
    }
    if hours < 24 * 365 * 2 {
        return format!("{}d", hours / 24);
    }
    if hours < 24 * 365 * 8 {
        let dy = (hours / 24) % 365;
        if dy == 0 {
            return format!("{}y", hours / 24 / 365);
        }
        return format!("{}y{}d", hours / 24 / 365, dy);
    }
    format!("{}y", hours / 24 / 365)
}

/// kubectl's `translateTimestampSince`: the age of `t` at the cluster's current simulated
/// wall time, or `<unknown>` when the timestamp is unset.
pub fn age(cluster: &Cluster, t: Option<Time>) -> String {
    match t {
        None => "<unknown>".to_string(),
        Some(t) => human_duration(cluster.wall_now().0.saturating_sub(t.0)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn human_duration_matches_apimachinery() {
        let s = 1000;
        let m = 60 * s;
        let h = 60 * m;
        let d = 24 * h;
        let cases = [
            (-3 * s, "<invalid>"),
            (-1999, "0s"),
            (0, "0s"),
            (5 * s, "5s"),
            (119 * s, "119s"),
            (2 * m, "2m"),
            (2 * m + 30 * s, "2m30s"),
            (9 * m + 59 * s, "9m59s"),
            (10 * m + 30 * s, "10m"),
            (179 * m, "179m"),
            (3 * h, "3h"),
            (7 * h + 59 * m, "7h59m"),
            (8 * h + 30 * m, "8h"),
            (47 * h, "47h"),
            (5 * d, "5d"),
            (7 * d + 23 * h, "7d23h"),
            (8 * d, "8d"),
            (729 * d, "729d"),
            (730 * d, "2y"),
            (735 * d, "2y5d"),
            (365 * 8 * d, "8y"),
        ];
        for (ms, want) in cases {
            assert_eq!(human_duration(ms), want, "{ms} ms");
        }
    }
}
