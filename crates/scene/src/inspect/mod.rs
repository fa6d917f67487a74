//! What the inspector shows: why a Service has no endpoints ([`why`]), a Service at a glance
//! ([`summary`]), and the panel for the selected object ([`panel`]: YAML, EndpointSlices, DNS
//! names, the node's rules with the current hop's rules marked).

pub mod panel;
pub mod summary;
pub mod why;

pub use panel::{dns_names, panel, rules_command, rules_node, rules_view, yaml_of, Panel};
pub use summary::*;
pub use why::*;
