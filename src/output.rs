//! Engine text the page shows as is: `kubectl get` tables for the cluster.

use svcsim_engine::cluster::Cluster;
use svcsim_engine::printers::{get_services, GetOptions};

/// What kubectl prints (on stderr) when `get` finds nothing in the default namespace.
pub const NO_RESOURCES: &str = "No resources found in default namespace.";

/// `kubectl get services` for the default namespace.
pub fn services_table(cluster: &Cluster) -> String {
    let table = get_services(cluster, &GetOptions::default());
    if table.is_empty() {
        NO_RESOURCES.to_string()
    } else {
        table
    }
}
