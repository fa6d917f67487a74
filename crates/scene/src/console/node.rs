//! Commands on a kind node: `docker exec NODE …` (how one reaches a kind node, a docker
//! container) or bare after `node NAME` / with `--node NAME`.
//!
//! What they print is the engine's rendering of kube-proxy's rules for that node
//! ([`svcsim_engine::proxy`]): `iptables-save` (iptables 1.8's format, limited to kube-proxy's
//! chains), `iptables -t TABLE -S [CHAIN]` (the same rules in `-P`/`-N`/`-A` form, as
//! `iptables -S` lists them), `nft list ruleset` / `nft list table ip kube-proxy`, and
//! `ipvsadm -Ln`, and `ip addr` / `ip route` (where addresses live: `kube-ipvs0` holds the
//! Service addresses in IPVS mode, no interface in the others). A tool that does not match the cluster's kube-proxy mode prints what it
//! would on such a node (nothing, or ipvsadm's empty table) plus a hint on stderr.

use super::{Console, ConsoleOutput};
use svcsim_engine::cluster::Cluster;
use svcsim_engine::dns;
use svcsim_engine::net::iproute;
use svcsim_engine::proxy::{self, ProxyMode};

/// `iptables --version` on kind's node image.
const IPTABLES: &str = "iptables v1.8.9 (nf_tables)";

/// ipvsadm's header, printed even when there is no virtual server.
const IPVSADM_HEADER: &str = "IP Virtual Server version 1.2.1 (size=4096)\nProt LocalAddress:Port Scheduler Flags\n  -> RemoteAddress:Port           Forward Weight ActiveConn InActConn\n";

/// Node names, in order.
pub(crate) fn node_names(cluster: &Cluster) -> Vec<String> {
    cluster.store.nodes.keys().cloned().collect()
}

/// The node bare commands use when none was chosen: the first worker (kind's `kind-worker`),
/// else the first node.
fn default_node(cluster: &Cluster) -> Option<String> {
    let names = node_names(cluster);
    names
        .iter()
        .find(|n| !n.contains("control-plane"))
        .or_else(|| names.first())
        .cloned()
}

impl Console {
    /// `docker exec [-it] NODE COMMAND…`.
    pub(super) fn docker(&mut self, cluster: &Cluster, args: &[String]) -> ConsoleOutput {
        match args.first().map(String::as_str) {
            Some("exec") => {}
            Some(other) => {
                return ConsoleOutput::fail(
                    format!("svcsim: only \"docker exec NODE COMMAND\" is simulated, not \"docker {other}\""),
                    1,
                )
            }
            None => {
                return ConsoleOutput::fail(
                    "svcsim: try docker exec kind-worker iptables-save",
                    1,
                )
            }
        }
        let mut i = 1;
        while let Some(a) = args.get(i) {
            match a.as_str() {
                "-i" | "-t" | "-it" | "-ti" | "--interactive" | "--tty" | "--privileged" => i += 1,
                "-e" | "--env" | "-u" | "--user" | "-w" | "--workdir" => i += 2,
                s if s.starts_with('-') => {
                    return ConsoleOutput::fail(
                        format!(
                            "unknown shorthand flag: '{}' in {s}\nSee 'docker exec --help'.",
                            s.chars().nth(1).unwrap_or('-')
                        ),
                        125,
                    )
                }
                _ => break,
            }
        }
        let rest = args.get(i..).unwrap_or(&[]);
        let Some((node, command)) = rest.split_first().filter(|(_, c)| !c.is_empty()) else {
            return ConsoleOutput::fail(
                "docker: 'docker exec' requires at least 2 arguments.\nSee 'docker exec --help'.\n\nUsage:  docker exec [OPTIONS] CONTAINER COMMAND [ARG...]\n\nExecute a command in a running container",
                1,
            );
        };
        if !cluster.store.nodes.contains_key(node.as_str()) {
            return ConsoleOutput::fail(
                format!("Error response from daemon: No such container: {node}"),
                1,
            );
        }
        run_on_node(cluster, node, command)
    }

    /// `iptables-save`, `iptables`, `nft`, `ipvsadm` typed without `docker exec`: on the node
    /// given with `--node NAME`, else the one chosen with `node NAME`, else the first worker.
    pub(super) fn bare_node_command(
        &mut self,
        cluster: &Cluster,
        words: &[String],
    ) -> ConsoleOutput {
        let mut command: Vec<String> = Vec::new();
        let mut chosen: Option<String> = None;
        let mut it = words.iter();
        while let Some(w) = it.next() {
            if w == "--node" {
                match it.next() {
                    Some(n) => chosen = Some(n.clone()),
                    None => return ConsoleOutput::fail("svcsim: --node needs a node name", 2),
                }
            } else if let Some(n) = w.strip_prefix("--node=") {
                chosen = Some(n.to_string());
            } else {
                command.push(w.clone());
            }
        }
        let node = match chosen
            .or_else(|| self.node.clone())
            .or_else(|| default_node(cluster))
        {
            Some(n) => n,
            None => return ConsoleOutput::fail("svcsim: the cluster has no nodes", 1),
        };
        if !cluster.store.nodes.contains_key(node.as_str()) {
            return ConsoleOutput::fail(
                format!("Error from server (NotFound): nodes \"{node}\" not found"),
                1,
            );
        }
        run_on_node(cluster, &node, &command)
    }

    /// `node [NAME]`: choose (or show) the node bare node commands run on.
    pub(super) fn choose_node(&mut self, cluster: &Cluster, args: &[String]) -> ConsoleOutput {
        let mut o = ConsoleOutput::default();
        match args {
            [] => {
                let current = self
                    .node
                    .clone()
                    .or_else(|| default_node(cluster))
                    .unwrap_or_default();
                o.out(format!(
                    "{current}\n(nodes: {})\n",
                    node_names(cluster).join(", ")
                ));
            }
            [name] => {
                if !cluster.store.nodes.contains_key(name.as_str()) {
                    return ConsoleOutput::fail(
                        format!("Error from server (NotFound): nodes \"{name}\" not found"),
                        1,
                    );
                }
                self.node = Some(name.clone());
                o.out(format!(
                    "Now on node {name}: iptables-save, iptables, nft and ipvsadm run there.\n"
                ));
            }
            _ => return ConsoleOutput::fail("usage: node NAME", 2),
        }
        o
    }
}

/// One `*table … COMMIT` block of `iptables-save` output.
fn table_section<'a>(save: &'a str, table: &str) -> Vec<&'a str> {
    let mut out = Vec::new();
    let mut inside = false;
    for line in save.lines() {
        if let Some(t) = line.strip_prefix('*') {
            inside = t == table;
        }
        if inside {
            out.push(line);
            if line == "COMMIT" {
                inside = false;
            }
        }
    }
    out
}

/// `iptables -S [CHAIN]` from the `iptables-save` block of that table.
fn list_rules(section: &[&str], chain: Option<&str>) -> Option<String> {
    let mut out = String::new();
    let mut found = chain.is_none();
    for line in section {
        if let Some(decl) = line.strip_prefix(':') {
            let mut parts = decl.split_whitespace();
            let name = parts.next().unwrap_or("");
            let policy = parts.next().unwrap_or("-");
            if chain.is_some_and(|c| c != name) {
                continue;
            }
            found = true;
            if policy == "-" {
                out.push_str(&format!("-N {name}\n"));
            } else {
                out.push_str(&format!("-P {name} {policy}\n"));
            }
        } else if line.starts_with("-A ") {
            let this = line.split_whitespace().nth(1).unwrap_or("");
            if chain.is_none_or(|c| c == this) {
                out.push_str(line);
                out.push('\n');
            }
        }
    }
    found.then_some(out)
}

/// Built-in chains of the tables kube-proxy does not write to.
fn builtin_chains(table: &str) -> Option<&'static [&'static str]> {
    Some(match table {
        "filter" => &["INPUT", "FORWARD", "OUTPUT"],
        "nat" => &["PREROUTING", "INPUT", "OUTPUT", "POSTROUTING"],
        "mangle" => &["PREROUTING", "INPUT", "FORWARD", "OUTPUT", "POSTROUTING"],
        "raw" => &["PREROUTING", "OUTPUT"],
        "security" => &["INPUT", "FORWARD", "OUTPUT"],
        _ => return None,
    })
}

fn mode_hint(o: &mut ConsoleOutput, mode: ProxyMode, try_: &str) {
    o.err(format!(
        "# svcsim: kube-proxy runs in {} mode on this cluster; its rules show with: {try_}",
        mode.as_str()
    ));
}

/// What the mode's own tool is.
fn tool_for(mode: ProxyMode) -> &'static str {
    match mode {
        ProxyMode::Iptables => "iptables-save",
        ProxyMode::Nftables => "nft list ruleset",
        ProxyMode::Ipvs => "ipvsadm -Ln",
    }
}

/// Run `command` in the node container `node` (known to exist).
fn run_on_node(cluster: &Cluster, node: &str, command: &[String]) -> ConsoleOutput {
    let Some((prog, args)) = command.split_first() else {
        return ConsoleOutput::default();
    };
    let mode = cluster.proxy_mode();
    let rules = match proxy::node_rules(cluster, node, mode) {
        Ok(r) => r,
        Err(e) => return ConsoleOutput::fail(format!("svcsim: {e}"), 1),
    };
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    let mut o = ConsoleOutput::default();
    match prog.rsplit('/').next().unwrap_or(prog) {
        "iptables-save" => {
            let mut table: Option<&str> = None;
            let mut i = 0;
            while let Some(a) = args.get(i) {
                match *a {
                    "-t" | "--table" => {
                        table = args.get(i + 1).copied();
                        i += 2;
                    }
                    "-c" | "--counters" => i += 1,
                    other => {
                        return ConsoleOutput::fail(
                            format!("Unknown arguments found on commandline\n{other}"),
                            1,
                        )
                    }
                }
            }
            if mode == ProxyMode::Nftables {
                mode_hint(&mut o, mode, tool_for(mode));
                return o;
            }
            let save = proxy::render_iptables_save(&rules);
            match table {
                None => o.out(save),
                Some(t) => {
                    let section = table_section(&save, t);
                    for l in section {
                        o.out(format!("{l}\n"));
                    }
                }
            }
        }
        "iptables" => {
            let mut table = "filter";
            let mut list: Option<Option<String>> = None;
            let mut i = 0;
            while let Some(a) = args.get(i) {
                match *a {
                    "-t" | "--table" => {
                        table = args.get(i + 1).copied().unwrap_or("");
                        i += 2;
                    }
                    "-S" | "--list-rules" => {
                        let chain = args
                            .get(i + 1)
                            .filter(|c| !c.starts_with('-'))
                            .map(|c| c.to_string());
                        if chain.is_some() {
                            i += 1;
                        }
                        list = Some(chain);
                        i += 1;
                    }
                    "-n" | "--numeric" | "-v" | "--verbose" | "-w" | "--wait" => i += 1,
                    s if s.starts_with("-L") || s.starts_with("-nL") || s == "--list" => {
                        return ConsoleOutput::fail(
                            "svcsim: iptables -L is not simulated; the same rules print with iptables -t nat -S (or iptables-save)",
                            2,
                        )
                    }
                    s if s.starts_with("-tnat") || s == "-tfilter" => {
                        table = s.get(2..).unwrap_or("");
                        i += 1;
                    }
                    other => {
                        return ConsoleOutput::fail(
                            format!("{IPTABLES}: unknown option \"{other}\"\nTry `iptables -h' or 'iptables --help' for more information."),
                            2,
                        )
                    }
                }
            }
            let Some(chain) = list else {
                return ConsoleOutput::fail(
                    format!("{IPTABLES}: no command specified\nTry `iptables -h' or 'iptables --help' for more information."),
                    2,
                );
            };
            let Some(builtins) = builtin_chains(table) else {
                return ConsoleOutput::fail(
                    format!("{IPTABLES}: table '{table}' does not exist\nPerhaps iptables or your kernel needs to be upgraded."),
                    3,
                );
            };
            let save = if mode == ProxyMode::Nftables {
                mode_hint(&mut o, mode, tool_for(mode));
                String::new()
            } else {
                proxy::render_iptables_save(&rules)
            };
            let section = table_section(&save, table);
            let text = if section.is_empty() {
                let mut s = String::new();
                for c in builtins {
                    if chain.as_deref().is_none_or(|x| x == *c) {
                        s.push_str(&format!("-P {c} ACCEPT\n"));
                    }
                }
                (chain.is_none() || !s.is_empty()).then_some(s)
            } else {
                list_rules(&section, chain.as_deref())
            };
            match text {
                Some(t) => o.out(t),
                None => {
                    return ConsoleOutput::fail("iptables: No chain/target/match by that name.", 1)
                }
            }
        }
        "nft" => {
            let what = args.join(" ");
            let listing = match what.as_str() {
                "list ruleset" | "list table ip kube-proxy" | "-a list ruleset" => true,
                "list tables" => false,
                _ => {
                    return ConsoleOutput::fail(
                        format!("svcsim: try nft list ruleset (not \"nft {what}\")"),
                        1,
                    )
                }
            };
            if mode != ProxyMode::Nftables {
                mode_hint(&mut o, mode, tool_for(mode));
                return o;
            }
            if listing {
                o.out(proxy::render_nft(&rules));
            } else {
                o.out("table ip kube-proxy\n");
            }
        }
        "ipvsadm" => {
            let joined: String = args.concat();
            if !matches!(
                joined.as_str(),
                "-Ln" | "-L-n" | "-ln" | "-nL" | "-n-L" | "--list--numeric" | "-L" | "--list"
            ) {
                return ConsoleOutput::fail(
                    format!("svcsim: try ipvsadm -Ln (not \"ipvsadm {}\")", args.join(" ")),
                    2,
                );
            }
            if mode != ProxyMode::Ipvs {
                o.out(IPVSADM_HEADER);
                mode_hint(&mut o, mode, tool_for(mode));
                return o;
            }
            o.out(proxy::render_ipvsadm(&rules));
        }
        "cat" => {
            for f in &args {
                if *f == "/etc/resolv.conf" {
                    o.out(dns::node_resolv_conf(cluster, node).to_string());
                } else {
                    o.err(format!("cat: {f}: No such file or directory"));
                    o.exit_code = 1;
                }
            }
        }
        "hostname" => o.out(format!("{node}\n")),
        "ip" => match iproute::parse_ip(&args) {
            Ok(iproute::IpCommand::Addr { v4_only }) => {
                let t = iproute::node_addr(cluster, node).unwrap_or_default();
                o.out(if v4_only { iproute::only_v4(&t) } else { t });
            }
            Ok(iproute::IpCommand::Route) => {
                o.out(iproute::node_route(cluster, node).unwrap_or_default());
            }
            Err(e) => return ConsoleOutput::fail(e, 1),
        },
        "bash" | "sh" => {
            return ConsoleOutput::fail(
                "svcsim: interactive shells are not simulated; run one command, e.g. docker exec kind-worker iptables-save",
                1,
            )
        }
        // The node has them, but svcsim writes kube-proxy's IPv4 rules only (a dual-stack
        // cluster's IPv6 proxier is not simulated yet).
        "ip6tables" | "ip6tables-save" | "ip6tables-legacy-save" | "ip6tables-nft-save" => {
            return ConsoleOutput::fail(
                format!("svcsim: {prog} is not simulated: svcsim writes kube-proxy's IPv4 rules only; try iptables-save"),
                1,
            )
        }
        other => {
            return ConsoleOutput::fail(
                format!("OCI runtime exec failed: exec failed: unable to start container process: exec: \"{other}\": executable file not found in $PATH: unknown"),
                127,
            )
        }
    }
    o
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn save_to_list_rules() {
        let save = "*filter\n:INPUT ACCEPT [0:0]\n-A INPUT -j X\nCOMMIT\n*nat\n:PREROUTING ACCEPT [0:0]\n:KUBE-SERVICES - [0:0]\n-A PREROUTING -j KUBE-SERVICES\n-A KUBE-SERVICES -j RETURN\nCOMMIT\n";
        let nat = table_section(save, "nat");
        assert_eq!(nat.len(), 6);
        assert_eq!(
            list_rules(&nat, None).as_deref(),
            Some("-P PREROUTING ACCEPT\n-N KUBE-SERVICES\n-A PREROUTING -j KUBE-SERVICES\n-A KUBE-SERVICES -j RETURN\n")
        );
        assert_eq!(
            list_rules(&nat, Some("KUBE-SERVICES")).as_deref(),
            Some("-N KUBE-SERVICES\n-A KUBE-SERVICES -j RETURN\n")
        );
        assert_eq!(list_rules(&nat, Some("NOPE")), None);
    }
}
