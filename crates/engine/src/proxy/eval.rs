//! Packet evaluation: the single source of truth for packet paths.
//!
//! A packet is moved through the very rule tables `proxy` renders (iptables chains, the
//! nftables table, IPVS virtual servers), in netfilter's hook order, so the path the UI
//! animates, the CLI traces and the rules view highlights can never disagree. Randomness is
//! injected by the caller (`choose(n)` returns a uniform index in `0..n`), so a seeded run is
//! reproducible.

use super::iptables::{
    rule_save_line, save_probability, IptMatch, IptTable, IptTarget, IptablesRules,
};
use super::ipvs::{real_server_line, IpvsRules};
use super::model::Protocol;
use super::nftables::{
    rule_text, NftAction, NftExpr, NftKey, NftTable, NftVerdict, CLUSTER_IPS, NODEPORT_IPS,
};
use super::{NodeRules, ProxyMode};
use serde::Serialize;
use std::collections::BTreeMap;
use std::fmt;
use std::net::Ipv4Addr;

/// How many rule visits walking a table's base chains can take, computed from the rules when
/// the table is built ([`super::iptables::IptTable::walk_bound`],
/// [`super::nftables::NftTable::walk_bound`]) and used as the evaluation's budget.
///
/// Netfilter itself has no step limit: the kernel refuses a ruleset whose jumps loop
/// (`mark_source_chains` in `net/ipv4/netfilter/ip_tables.c`: iptables-restore fails with
/// ELOOP, "Too many levels of symbolic links"; nft's `nft_chain_validate` likewise), so a walk
/// always ends. The bound reproduces that argument instead of guessing a number: in a
/// loop-free table, a walk entering chain C visits each of C's rules at most once and, from a
/// rule that jumps (or goes to, or dispatches through a verdict map to) chain T, at most
/// `bound(T)` rules below it, so `bound(C) = Σ over C's rules of (1 + the largest bound(T) of
/// the chains it can transfer to)`. One evaluation walks each base chain of a table at most
/// once (iptables: PREROUTING or OUTPUT, then INPUT, FORWARD or OUTPUT, then POSTROUTING;
/// nft: the base chains of those hooks), so the sum over the base chains bounds it and a real
/// ruleset never reaches it. A table whose chains loop is [`WalkBound::Loop`]: evaluation
/// refuses it at once, as the kernel refuses to load it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum WalkBound {
    /// The most rules all walks of one evaluation through the table can visit.
    Steps(usize),
    /// The chain found jumping back into itself (directly or through others).
    Loop(String),
}

impl Default for WalkBound {
    /// An empty table: no rule to visit.
    fn default() -> WalkBound {
        WalkBound::Steps(0)
    }
}

impl WalkBound {
    /// The bound of a table whose chain `i` has the rules `chains[i]`, each listing the chains
    /// (indices) it can transfer control to, walked from the chains `bases`.
    pub(crate) fn of(names: &[&str], chains: &[Vec<Vec<usize>>], bases: &[usize]) -> WalkBound {
        // Iterative depth-first search (no recursion, whatever the nesting), post-order.
        const NEW: u8 = 0;
        const OPEN: u8 = 1;
        const DONE: u8 = 2;
        let mut state = vec![NEW; chains.len()];
        let mut bound = vec![0usize; chains.len()];
        for &root in bases {
            if state.get(root) != Some(&NEW) {
                continue;
            }
            // (chain, next rule, next target of that rule)
            let mut stack: Vec<(usize, usize, usize)> = vec![(root, 0, 0)];
            state[root] = OPEN;
            while let Some(top) = stack.last_mut() {
                let (c, r, t) = *top;
                let rules = &chains[c];
                match rules.get(r).map(|targets| targets.get(t)) {
                    Some(Some(&next)) => {
                        top.2 += 1;
                        match state.get(next) {
                            Some(&NEW) => {
                                state[next] = OPEN;
                                stack.push((next, 0, 0));
                            }
                            Some(&OPEN) => {
                                let name = names.get(next).copied().unwrap_or_default();
                                return WalkBound::Loop(name.to_string());
                            }
                            _ => {}
                        }
                    }
                    Some(None) => {
                        top.1 += 1;
                        top.2 = 0;
                    }
                    None => {
                        // Every rule's targets are done: 1 per rule + its largest target.
                        let total = rules.iter().fold(0usize, |acc, targets| {
                            let deepest = targets
                                .iter()
                                .map(|&t| bound.get(t).copied().unwrap_or(0))
                                .max()
                                .unwrap_or(0);
                            acc.saturating_add(1).saturating_add(deepest)
                        });
                        bound[c] = total;
                        state[c] = DONE;
                        stack.pop();
                    }
                }
            }
        }
        WalkBound::Steps(
            bases
                .iter()
                .map(|&b| bound.get(b).copied().unwrap_or(0))
                .fold(0, usize::saturating_add),
        )
    }
}

/// The parts of a packet kube-proxy's rules look at.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct PacketView {
    pub src: Ipv4Addr,
    pub dst: Ipv4Addr,
    pub protocol: Protocol,
    pub src_port: u16,
    pub dst_port: u16,
    /// The source is one of this node's addresses (`-m addrtype --src-type LOCAL`,
    /// nft `fib saddr type local`).
    pub src_local: bool,
    /// The destination is one of this node's addresses (`--dst-type LOCAL`). In IPVS mode
    /// the `kube-ipvs0` addresses count as local even if the caller does not say so.
    pub dst_local: bool,
    /// Packet mark (`0x4000` = needs masquerade).
    pub mark: u32,
}

/// Where the packet enters the node's netfilter hooks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum Hook {
    /// Arriving on an interface: from a pod on this node or from outside.
    PreRouting,
    /// Sent by the node itself (host-network process).
    Output,
}

/// One rule that matched (or, for IPVS, the virtual/real server used).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Step {
    /// `nat`/`filter` (iptables), `ip kube-proxy` (nftables), `ipvs`.
    pub table: String,
    pub chain: String,
    /// 0-based rule index inside the chain.
    pub index: usize,
    /// The rule exactly as rendered (the `iptables-save` line, the nft rule, the ipvsadm
    /// lines), so the UI can highlight it.
    pub text: String,
}

/// A load-balancing decision.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct LbDecision {
    pub chain: String,
    /// Number of candidate endpoints.
    pub candidates: u32,
    /// 0-based index of the chosen one.
    pub chosen: u32,
    /// The probability printed on the rule that matched (`0.33333333349`), or `1/n` for
    /// nft numgen / IPVS rr, or `1` for the unconditional last iptables rule.
    pub probability: String,
}

impl fmt::Display for Step {
    /// One line per matched rule, as the trace and the page list them: `nat: -A KUBE-SVC-… -j
    /// KUBE-SEP-…`. An `iptables-save` line (`-A CHAIN …`) and an IPVS virtual server (whose
    /// line is its own chain) already say where they are, so only the table goes in front;
    /// an nft rule does not name its chain, so it gets `ip kube-proxy service-…: …`.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.text.starts_with("-A ") || self.chain == self.text {
            write!(f, "{}: {}", self.table, self.text)
        } else {
            write!(f, "{} {}: {}", self.table, self.chain, self.text)
        }
    }
}

impl fmt::Display for LbDecision {
    /// `KUBE-SVC-…: endpoint 2 of 3 (p=0.50000000000)`: the chain (or IPVS virtual server)
    /// that chose, which candidate (1-based, in kube-proxy's endpoint order) and the
    /// probability printed on the rule that matched.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}: endpoint {} of {} (p={})",
            self.chain,
            u64::from(self.chosen) + 1,
            self.candidates,
            self.probability
        )
    }
}

/// What finally happens to the packet.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase", tag = "kind")]
pub enum Outcome {
    /// Destination rewritten; `masquerade`: the source is SNATed to the node in POSTROUTING.
    Dnat {
        ip: Ipv4Addr,
        port: u16,
        masquerade: bool,
    },
    /// ICMP port unreachable: the client sees "connection refused".
    Reject,
    /// Silently dropped: the client times out.
    Drop,
    /// Not a Service packet (or not changed by kube-proxy).
    Accept { masquerade: bool },
    /// svcsim did not finish walking the rules, so it does not know the packet's fate: the
    /// table's chains jump in a loop (the kernel would have refused to load it), or the walk
    /// used up the budget computed from the table ([`WalkBound`], which a loop-free table
    /// never reaches). Netfilter has no such outcome; it is reported, never guessed.
    Stopped { reason: String },
}

/// The full record of one packet's evaluation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
pub struct Verdict {
    pub steps: Vec<Step>,
    pub lb: Vec<LbDecision>,
    /// Affinity entries that matched (`recent` names / nft affinity sets / IPVS templates).
    pub affinity_hits: Vec<String>,
    /// Affinity entries the packet (re)sets; the caller records them for later packets.
    pub affinity_updates: Vec<String>,
    /// The packet mark when it left POSTROUTING.
    pub mark: u32,
    pub outcome: Outcome,
}

/// IPVS round-robin pointers and persistence templates, kept by the caller between packets.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct IpvsState {
    /// Next real-server index per virtual server (`ipvsadm` line).
    pub rr: BTreeMap<String, u32>,
    /// Persistence: (virtual server, client IP) → real server `IP:port`.
    pub persistence: BTreeMap<(String, Ipv4Addr), String>,
}

struct Ctx<'a> {
    steps: Vec<Step>,
    lb: Vec<LbDecision>,
    affinity_hits: Vec<String>,
    affinity_updates: Vec<String>,
    choose: &'a mut dyn FnMut(u32) -> u32,
    affinity: &'a dyn Fn(&str, Ipv4Addr) -> bool,
    /// Rule visits left ([`WalkBound`]); never reaches 0 on a loop-free table.
    budget: usize,
    /// Set when the budget ran out: the chain being walked, and how many rules were visited.
    stopped: Option<(String, usize)>,
    /// The budget the evaluation started with.
    initial_budget: usize,
}

impl Ctx<'_> {
    /// Count one rule visit in `chain`; false (and the walk must stop) when the budget is spent.
    fn step(&mut self, chain: &str) -> bool {
        if self.budget == 0 {
            if self.stopped.is_none() {
                self.stopped = Some((chain.to_string(), self.initial_budget));
            }
            return false;
        }
        self.budget -= 1;
        true
    }
}

impl Ctx<'_> {
    fn pick(&mut self, n: u32) -> u32 {
        if n == 0 {
            return 0;
        }
        (self.choose)(n) % n
    }
}

#[derive(Debug, Clone)]
struct Pkt {
    src: Ipv4Addr,
    dst: Ipv4Addr,
    protocol: Protocol,
    dst_port: u16,
    src_local: bool,
    dst_local: bool,
    mark: u32,
}

enum TableEnd {
    /// Fell off the base chain or ACCEPTed: continue with the next hook.
    Continue,
    Dnat(Ipv4Addr, u16),
    Masquerade,
    Reject,
    Drop,
    /// The budget ran out ([`Ctx::stopped`] says where).
    Stopped,
}

/// Evaluate `packet` against `rules`. For IPVS the round-robin pointer is replaced by
/// `choose` (use [`evaluate_stateful`] for real rr and persistence).
pub fn evaluate(
    rules: &NodeRules,
    packet: &PacketView,
    hook: Hook,
    choose: &mut dyn FnMut(u32) -> u32,
    affinity: &dyn Fn(&str, Ipv4Addr) -> bool,
) -> Verdict {
    evaluate_inner(rules, packet, hook, choose, affinity, None)
}

/// Like [`evaluate`], but IPVS uses `state`'s per-virtual-server round-robin counter and
/// persistence templates (ClientIP affinity), as the kernel does.
pub fn evaluate_stateful(
    rules: &NodeRules,
    packet: &PacketView,
    hook: Hook,
    choose: &mut dyn FnMut(u32) -> u32,
    affinity: &dyn Fn(&str, Ipv4Addr) -> bool,
    state: &mut IpvsState,
) -> Verdict {
    evaluate_inner(rules, packet, hook, choose, affinity, Some(state))
}

/// What a walk that stopped returns; [`evaluate_inner`] replaces it with
/// [`Outcome::Stopped`] and the reason.
const STOPPED: Outcome = Outcome::Accept { masquerade: false };

fn evaluate_inner(
    rules: &NodeRules,
    packet: &PacketView,
    hook: Hook,
    choose: &mut dyn FnMut(u32) -> u32,
    affinity: &dyn Fn(&str, Ipv4Addr) -> bool,
    state: Option<&mut IpvsState>,
) -> Verdict {
    let budget = match walk_budget(rules) {
        Ok(b) => b,
        Err(chain) => {
            return Verdict {
                steps: Vec::new(),
                lb: Vec::new(),
                affinity_hits: Vec::new(),
                affinity_updates: Vec::new(),
                mark: packet.mark,
                outcome: Outcome::Stopped {
                    reason: format!(
                        "{}'s {} rules were not walked: chain {chain} jumps back into itself (the kernel refuses to load such rules: ELOOP)",
                        rules.node,
                        rules.mode.as_str()
                    ),
                },
            }
        }
    };
    let mut ctx = Ctx {
        steps: Vec::new(),
        lb: Vec::new(),
        affinity_hits: Vec::new(),
        affinity_updates: Vec::new(),
        choose,
        affinity,
        budget,
        stopped: None,
        initial_budget: budget,
    };
    let mut pkt = Pkt {
        src: packet.src,
        dst: packet.dst,
        protocol: packet.protocol,
        dst_port: packet.dst_port,
        src_local: packet.src_local,
        dst_local: packet.dst_local,
        mark: packet.mark,
    };
    let outcome = match rules.mode {
        ProxyMode::Iptables => match &rules.iptables {
            Some(ipt) => eval_iptables(ipt, None, rules.node_ip, &mut pkt, hook, &mut ctx),
            None => Outcome::Accept { masquerade: false },
        },
        ProxyMode::Nftables => match &rules.nftables {
            Some(t) => eval_nft(t, rules.node_ip, &mut pkt, hook, &mut ctx),
            None => Outcome::Accept { masquerade: false },
        },
        ProxyMode::Ipvs => match &rules.ipvs {
            Some(r) => eval_ipvs(r, rules.node_ip, &mut pkt, hook, &mut ctx, state),
            None => Outcome::Accept { masquerade: false },
        },
    };
    let outcome = match ctx.stopped.take() {
        Some((chain, visited)) => Outcome::Stopped {
            reason: format!(
                "rule walk stopped after {visited} steps in chain {chain} on {}: the most this {} ruleset allows by its own jumps, so svcsim's walk is wrong; the packet's fate is unknown",
                rules.node,
                rules.mode.as_str()
            ),
        },
        None => outcome,
    };
    Verdict {
        steps: ctx.steps,
        lb: ctx.lb,
        affinity_hits: ctx.affinity_hits,
        affinity_updates: ctx.affinity_updates,
        mark: pkt.mark,
        outcome,
    }
}

/// The evaluation's budget: the walk bounds of the tables the mode walks, or the chain of a
/// loop ([`WalkBound`]).
fn walk_budget(rules: &NodeRules) -> Result<usize, String> {
    let tables: Vec<&WalkBound> = match rules.mode {
        ProxyMode::Iptables => rules
            .iptables
            .iter()
            .flat_map(|t| [&t.nat.walk_bound, &t.filter.walk_bound])
            .collect(),
        ProxyMode::Nftables => rules.nftables.iter().map(|t| &t.walk_bound).collect(),
        ProxyMode::Ipvs => rules
            .ipvs
            .iter()
            .flat_map(|r| [&r.iptables.nat.walk_bound, &r.iptables.filter.walk_bound])
            .collect(),
    };
    tables.into_iter().try_fold(0usize, |acc, b| match b {
        WalkBound::Steps(n) => Ok(acc.saturating_add(*n)),
        WalkBound::Loop(chain) => Err(chain.clone()),
    })
}

// ---------------------------------------------------------------------------------------
// iptables
// ---------------------------------------------------------------------------------------

/// Whether the destination after NAT is this node (hostNetwork endpoints such as the API
/// server) or the original local destination kept.
fn local_after(pkt: &Pkt, node_ip: Ipv4Addr, dnat: bool) -> bool {
    if dnat {
        pkt.dst == node_ip
    } else {
        pkt.dst_local
    }
}

fn eval_iptables(
    ipt: &IptablesRules,
    ipvs: Option<&IpvsRules>,
    node_ip: Ipv4Addr,
    pkt: &mut Pkt,
    hook: Hook,
    ctx: &mut Ctx<'_>,
) -> Outcome {
    let (nat_chain, mut filter_chain) = match hook {
        Hook::PreRouting => ("PREROUTING", "FORWARD"),
        Hook::Output => ("OUTPUT", "OUTPUT"),
    };
    let mut dnat = None;
    match walk_ipt(&ipt.nat, nat_chain, pkt, ctx, ipvs) {
        TableEnd::Dnat(ip, port) => {
            pkt.dst = ip;
            pkt.dst_port = port;
            dnat = Some((ip, port));
        }
        TableEnd::Reject => return Outcome::Reject,
        TableEnd::Drop => return Outcome::Drop,
        TableEnd::Stopped => return STOPPED,
        TableEnd::Continue | TableEnd::Masquerade => {}
    }
    let local = local_after(pkt, node_ip, dnat.is_some());
    if hook == Hook::PreRouting && local {
        filter_chain = "INPUT";
    }
    match walk_ipt(&ipt.filter, filter_chain, pkt, ctx, ipvs) {
        TableEnd::Reject => return Outcome::Reject,
        TableEnd::Drop => return Outcome::Drop,
        TableEnd::Stopped => return STOPPED,
        _ => {}
    }
    finish_postrouting(ipt, ipvs, pkt, ctx, dnat, hook == Hook::PreRouting && local)
}

fn finish_postrouting(
    ipt: &IptablesRules,
    ipvs: Option<&IpvsRules>,
    pkt: &mut Pkt,
    ctx: &mut Ctx<'_>,
    dnat: Option<(Ipv4Addr, u16)>,
    delivered_locally: bool,
) -> Outcome {
    // Locally delivered packets never traverse POSTROUTING.
    let masquerade = !delivered_locally
        && matches!(
            walk_ipt(&ipt.nat, "POSTROUTING", pkt, ctx, ipvs),
            TableEnd::Masquerade
        );
    match dnat {
        Some((ip, port)) => Outcome::Dnat {
            ip,
            port,
            masquerade,
        },
        None => Outcome::Accept { masquerade },
    }
}

fn ipt_match(
    m: &IptMatch,
    pkt: &Pkt,
    ctx: &mut Ctx<'_>,
    stat_ok: bool,
    ipvs: Option<&IpvsRules>,
) -> bool {
    match m {
        IptMatch::Comment { .. } => true,
        IptMatch::Proto { protocol } | IptMatch::L3Proto { protocol } => pkt.protocol == *protocol,
        IptMatch::Src { cidr, negate } => cidr.contains(pkt.src) != *negate,
        IptMatch::Dst { cidr, negate } => cidr.contains(pkt.dst) != *negate,
        IptMatch::DPort { port } => pkt.dst_port == *port,
        IptMatch::AddrTypeLocal { source, negate } => {
            let local = if *source {
                pkt.src_local
            } else {
                pkt.dst_local
            };
            local != *negate
        }
        IptMatch::Mark {
            value,
            mask,
            negate,
        } => ((pkt.mark & mask) == *value) != *negate,
        IptMatch::Statistic { .. } => stat_ok,
        IptMatch::RecentCheck { name, .. } => {
            let hit = (ctx.affinity)(name, pkt.src);
            if hit {
                ctx.affinity_hits.push(name.clone());
            }
            hit
        }
        IptMatch::RecentSet { .. } => true,
        // Every evaluated packet opens a new connection (conntrack state NEW).
        IptMatch::Conntrack { states, negate } => states.split(',').any(|s| s == "NEW") != *negate,
        // kind's pods hang off point-to-point veths: no packet comes in through a bridge.
        IptMatch::PhysdevIsIn { negate } => *negate,
        // The filter rules are walked with the packet as it was addressed (svcsim does not
        // model the order of IPVS and the OUTPUT filter hook): a connection to that virtual
        // server.
        IptMatch::IpvsVirtual {
            vaddr,
            vproto,
            vport,
        } => pkt.dst == *vaddr && pkt.dst_port == *vport && pkt.protocol == *vproto,
        IptMatch::Set { name, flags } => ipvs
            .and_then(|r| r.ipset(name))
            .is_some_and(|s| set_contains(s, flags, pkt)),
    }
}

/// `-m set --match-set NAME FLAGS`: the packet's fields the flags name, looked up as the set's
/// type stores them (`hash:ip` an address, `bitmap:port` a port, `hash:ip,port[,ip|,net]`
/// `ip,proto:port[,…]`, a `net` part containing the source).
fn set_contains(s: &super::ipvs::IpSet, flags: &str, pkt: &Pkt) -> bool {
    let p = pkt.protocol.lower();
    let ip_port = format!("{},{p}:{}", pkt.dst, pkt.dst_port);
    match (s.type_.as_str(), flags) {
        ("hash:ip", "dst") => s.entries.contains(&pkt.dst.to_string()),
        ("bitmap:port", "dst") => s.entries.contains(&pkt.dst_port.to_string()),
        ("hash:ip,port", "dst,dst") => s.entries.contains(&ip_port),
        ("hash:ip,port,ip", "dst,dst,src") => s.entries.contains(&format!("{ip_port},{}", pkt.src)),
        ("hash:ip,port,net", "dst,dst,src") => s.entries.iter().any(|e| {
            e.rsplit_once(',').is_some_and(|(head, net)| {
                head == ip_port
                    && crate::ipv4::Cidr::parse(net).is_some_and(|c| c.contains(pkt.src))
            })
        }),
        _ => false,
    }
}

/// Walk one table from a built-in chain with jump/RETURN semantics.
fn walk_ipt(
    table: &IptTable,
    base: &str,
    pkt: &mut Pkt,
    ctx: &mut Ctx<'_>,
    ipvs: Option<&IpvsRules>,
) -> TableEnd {
    let mut stack: Vec<(String, usize)> = vec![(base.to_string(), 0)];
    // statistic cascade decision per chain: (first rule index, chosen offset)
    let mut cascades: BTreeMap<String, (usize, usize)> = BTreeMap::new();
    'frames: while let Some((chain_name, start)) = stack.pop() {
        let Some(chain) = table.chain(&chain_name) else {
            continue;
        };
        let mut i = start;
        while let Some(rule) = chain.rules.get(i) {
            if !ctx.step(&chain_name) {
                return TableEnd::Stopped;
            }
            let stat_ok = match rule
                .matches
                .iter()
                .any(|m| matches!(m, IptMatch::Statistic { .. }))
            {
                false => true,
                true => {
                    let (first, chosen) = match cascades.get(&chain_name) {
                        Some(v) => *v,
                        None => {
                            // Statistic rules from here, plus the unconditional last rule.
                            let k = chain
                                .rules
                                .iter()
                                .skip(i)
                                .take_while(|r| {
                                    r.matches
                                        .iter()
                                        .any(|m| matches!(m, IptMatch::Statistic { .. }))
                                })
                                .count();
                            let n = u32::try_from(k.saturating_add(1)).unwrap_or(u32::MAX);
                            let chosen = ctx.pick(n) as usize;
                            cascades.insert(chain_name.clone(), (i, chosen));
                            (i, chosen)
                        }
                    };
                    i.checked_sub(first) == Some(chosen)
                }
            };
            let mut all = true;
            for m in &rule.matches {
                if !ipt_match(m, pkt, ctx, stat_ok, ipvs) {
                    all = false;
                    break;
                }
            }
            if !all {
                i += 1;
                continue;
            }
            ctx.steps.push(Step {
                table: table.name.clone(),
                chain: chain_name.clone(),
                index: i,
                text: rule_save_line(&chain_name, rule),
            });
            if let Some((first, chosen)) = cascades.get(&chain_name).copied() {
                if i.checked_sub(first) == Some(chosen) {
                    let n = chain
                        .rules
                        .iter()
                        .skip(first)
                        .take_while(|r| {
                            r.matches
                                .iter()
                                .any(|m| matches!(m, IptMatch::Statistic { .. }))
                        })
                        .count();
                    let probability = rule
                        .matches
                        .iter()
                        .find_map(|m| match m {
                            IptMatch::Statistic { n } => Some(save_probability(*n)),
                            _ => None,
                        })
                        .unwrap_or_else(|| "1".to_string());
                    ctx.lb.push(LbDecision {
                        chain: chain_name.clone(),
                        candidates: u32::try_from(n.saturating_add(1)).unwrap_or(u32::MAX),
                        chosen: u32::try_from(chosen).unwrap_or(u32::MAX),
                        probability,
                    });
                    cascades.insert(chain_name.clone(), (usize::MAX, usize::MAX));
                }
            }
            for m in &rule.matches {
                if let IptMatch::RecentSet { name } = m {
                    ctx.affinity_updates.push(name.clone());
                }
            }
            match &rule.target {
                IptTarget::Jump { chain } => {
                    stack.push((chain_name.clone(), i + 1));
                    stack.push((chain.clone(), 0));
                    continue 'frames;
                }
                IptTarget::Dnat { ip, port } => return TableEnd::Dnat(*ip, *port),
                IptTarget::MarkOr { mark } => pkt.mark |= mark,
                IptTarget::MarkXor { mark } => pkt.mark ^= mark,
                IptTarget::Masquerade { .. } => return TableEnd::Masquerade,
                IptTarget::Return => continue 'frames,
                IptTarget::Reject => return TableEnd::Reject,
                IptTarget::Drop => return TableEnd::Drop,
                IptTarget::Accept => return TableEnd::Continue,
                IptTarget::None => {}
            }
            i += 1;
        }
    }
    TableEnd::Continue
}

// ---------------------------------------------------------------------------------------
// nftables
// ---------------------------------------------------------------------------------------

fn nft_key_matches(k: &NftKey, pkt: &Pkt, with_addr: bool) -> bool {
    match k {
        NftKey::AddrProtoPort { ip, protocol, port } => {
            with_addr && *ip == pkt.dst && *protocol == pkt.protocol && *port == pkt.dst_port
        }
        NftKey::ProtoPort { protocol, port } => {
            !with_addr && *protocol == pkt.protocol && *port == pkt.dst_port
        }
    }
}

fn nft_expr(
    t: &NftTable,
    e: &NftExpr,
    pkt: &mut Pkt,
    ctx: &mut Ctx<'_>,
    node_ip: Ipv4Addr,
) -> bool {
    match e {
        NftExpr::CtStateNew => true,
        NftExpr::Daddr { ip } => pkt.dst == *ip,
        NftExpr::DaddrInSet { set } => {
            if set == NODEPORT_IPS || set == CLUSTER_IPS {
                t.set(set).is_some_and(|s| s.elements.contains(&pkt.dst))
                    || (set == NODEPORT_IPS && t.set(set).is_none() && pkt.dst == node_ip)
            } else {
                t.set(set).is_some_and(|s| s.elements.contains(&pkt.dst))
            }
        }
        NftExpr::DaddrInCidrs { cidrs } => cidrs.iter().any(|c| c.contains(pkt.dst)),
        NftExpr::Saddr { ip } => pkt.src == *ip,
        NftExpr::SaddrCidr { cidr, negate } => cidr.contains(pkt.src) != *negate,
        NftExpr::SaddrNotIn { cidrs } => !cidrs.iter().any(|c| c.contains(pkt.src)),
        NftExpr::SaddrInSet { set } => {
            let hit = (ctx.affinity)(set, pkt.src);
            if hit {
                ctx.affinity_hits.push(set.clone());
            }
            hit
        }
        NftExpr::FibSaddrLocal => pkt.src_local,
        NftExpr::MarkAndZero { mark } => pkt.mark & mark == 0,
        NftExpr::L4Proto { protocol } => pkt.protocol == *protocol,
        NftExpr::UpdateSet { set } => {
            ctx.affinity_updates.push(set.clone());
            true
        }
        NftExpr::MarkSetOr { mark } => {
            pkt.mark |= mark;
            true
        }
        NftExpr::MarkSetXor { mark } => {
            pkt.mark ^= mark;
            true
        }
    }
}

/// Walk nft chains from a base chain: `jump` returns to the caller, `goto` does not.
fn walk_nft(
    t: &NftTable,
    base: &str,
    pkt: &mut Pkt,
    ctx: &mut Ctx<'_>,
    node_ip: Ipv4Addr,
) -> TableEnd {
    let mut stack: Vec<(String, usize)> = vec![(base.to_string(), 0)];
    'frames: while let Some((chain_name, start)) = stack.pop() {
        let Some(chain) = t.chain(&chain_name) else {
            continue;
        };
        let mut i = start;
        while let Some(rule) = chain.rules.get(i) {
            if !ctx.step(&chain_name) {
                return TableEnd::Stopped;
            }
            // Pure matches first (statements only run when the rule matches).
            let mut all = true;
            let mut snapshot = pkt.clone();
            let updates_before = ctx.affinity_updates.len();
            for e in &rule.exprs {
                if !nft_expr(t, e, &mut snapshot, ctx, node_ip) {
                    all = false;
                    break;
                }
            }
            if !all {
                ctx.affinity_updates.truncate(updates_before);
                i += 1;
                continue;
            }
            // Resolve the action.
            let verdict: Option<NftVerdict> = match &rule.action {
                NftAction::Verdict { verdict } => Some(verdict.clone()),
                NftAction::VmapAddrProtoPort { map } | NftAction::VmapProtoPort { map } => {
                    let with_addr = matches!(rule.action, NftAction::VmapAddrProtoPort { .. });
                    match t.map(map).and_then(|m| {
                        m.elements
                            .iter()
                            .find(|el| nft_key_matches(&el.key, pkt, with_addr))
                    }) {
                        Some(el) => Some(el.verdict.clone()),
                        None => {
                            i += 1;
                            continue;
                        }
                    }
                }
                NftAction::Numgen { chains } => {
                    let n = u32::try_from(chains.len()).unwrap_or(u32::MAX);
                    if n == 0 {
                        i += 1;
                        continue;
                    }
                    let k = ctx.pick(n);
                    ctx.lb.push(LbDecision {
                        chain: chain_name.clone(),
                        candidates: n,
                        chosen: k,
                        probability: format!("1/{n}"),
                    });
                    chains
                        .get(k as usize)
                        .map(|c| NftVerdict::Goto { chain: c.clone() })
                }
                NftAction::Dnat { .. } | NftAction::Masquerade | NftAction::None => None,
            };
            *pkt = snapshot;
            ctx.steps.push(Step {
                table: "ip kube-proxy".into(),
                chain: chain_name.clone(),
                index: i,
                text: rule_text(rule, true),
            });
            match &rule.action {
                NftAction::Dnat { ip, port } => return TableEnd::Dnat(*ip, *port),
                NftAction::Masquerade => return TableEnd::Masquerade,
                _ => {}
            }
            match verdict {
                Some(NftVerdict::Jump { chain }) => {
                    stack.push((chain_name.clone(), i + 1));
                    stack.push((chain, 0));
                    continue 'frames;
                }
                Some(NftVerdict::Goto { chain }) => {
                    stack.push((chain, 0));
                    continue 'frames;
                }
                Some(NftVerdict::Return) => continue 'frames,
                Some(NftVerdict::Drop) => return TableEnd::Drop,
                Some(NftVerdict::Reject) => return TableEnd::Reject,
                None => {}
            }
            i += 1;
        }
    }
    TableEnd::Continue
}

/// Base chains attached to `hook`, in priority order.
fn nft_hook_chains<'a>(t: &'a NftTable, hook: &str) -> Vec<&'a str> {
    let mut v: Vec<(i32, &str)> = t
        .chains
        .iter()
        .filter_map(|c| {
            c.base
                .as_ref()
                .filter(|b| b.hook == hook)
                .map(|b| (b.priority, c.name.as_str()))
        })
        .collect();
    v.sort();
    v.into_iter().map(|(_, n)| n).collect()
}

fn eval_nft(
    t: &NftTable,
    node_ip: Ipv4Addr,
    pkt: &mut Pkt,
    hook: Hook,
    ctx: &mut Ctx<'_>,
) -> Outcome {
    let first = match hook {
        Hook::PreRouting => "prerouting",
        Hook::Output => "output",
    };
    let mut dnat = None;
    // The first hook's chains (pre-DNAT filter, NAT, and for output the post-DNAT filter).
    for chain in nft_hook_chains(t, first) {
        match walk_nft(t, chain, pkt, ctx, node_ip) {
            TableEnd::Dnat(ip, port) => {
                pkt.dst = ip;
                pkt.dst_port = port;
                dnat = Some((ip, port));
            }
            TableEnd::Reject => return Outcome::Reject,
            TableEnd::Drop => return Outcome::Drop,
            TableEnd::Stopped => return STOPPED,
            TableEnd::Continue | TableEnd::Masquerade => {}
        }
    }
    let local = local_after(pkt, node_ip, dnat.is_some());
    if hook == Hook::PreRouting {
        let next = if local { "input" } else { "forward" };
        for chain in nft_hook_chains(t, next) {
            match walk_nft(t, chain, pkt, ctx, node_ip) {
                TableEnd::Reject => return Outcome::Reject,
                TableEnd::Drop => return Outcome::Drop,
                TableEnd::Stopped => return STOPPED,
                _ => {}
            }
        }
    }
    let mut masquerade = false;
    if !(hook == Hook::PreRouting && local) {
        for chain in nft_hook_chains(t, "postrouting") {
            if let TableEnd::Masquerade = walk_nft(t, chain, pkt, ctx, node_ip) {
                masquerade = true;
            }
        }
    }
    match dnat {
        Some((ip, port)) => Outcome::Dnat {
            ip,
            port,
            masquerade,
        },
        None => Outcome::Accept { masquerade },
    }
}

// ---------------------------------------------------------------------------------------
// IPVS
// ---------------------------------------------------------------------------------------

fn eval_ipvs(
    r: &IpvsRules,
    node_ip: Ipv4Addr,
    pkt: &mut Pkt,
    hook: Hook,
    ctx: &mut Ctx<'_>,
    state: Option<&mut IpvsState>,
) -> Outcome {
    // kube-ipvs0 makes every Service IP a local address.
    pkt.dst_local = pkt.dst_local || r.dummy_addresses.contains(&pkt.dst);
    let nat_chain = match hook {
        Hook::PreRouting => "PREROUTING",
        Hook::Output => "OUTPUT",
    };
    match walk_ipt(&r.iptables.nat, nat_chain, pkt, ctx, Some(r)) {
        TableEnd::Reject => return Outcome::Reject,
        TableEnd::Drop => return Outcome::Drop,
        TableEnd::Stopped => return STOPPED,
        _ => {}
    }
    let filter_chain = match (hook, pkt.dst_local) {
        (Hook::Output, _) => "OUTPUT",
        (Hook::PreRouting, true) => "INPUT",
        (Hook::PreRouting, false) => "FORWARD",
    };
    match walk_ipt(&r.iptables.filter, filter_chain, pkt, ctx, Some(r)) {
        TableEnd::Reject => return Outcome::Reject,
        TableEnd::Drop => return Outcome::Drop,
        TableEnd::Stopped => return STOPPED,
        _ => {}
    }
    // IPVS hooks LOCAL_IN / LOCAL_OUT: look the destination up among virtual servers.
    let vs = r
        .virtual_servers
        .iter()
        .enumerate()
        .find(|(_, v)| v.ip == pkt.dst && v.port == pkt.dst_port && v.protocol == pkt.protocol);
    let Some((vs_index, vs)) = vs else {
        return finish_postrouting(
            &r.iptables,
            Some(r),
            pkt,
            ctx,
            None,
            pkt.dst_local && hook == Hook::PreRouting,
        );
    };
    let vs_line = vs.line();
    ctx.steps.push(Step {
        table: "ipvs".into(),
        chain: vs_line.clone(),
        index: vs_index,
        text: vs_line.clone(),
    });
    let n = u32::try_from(vs.reals.len()).unwrap_or(u32::MAX);
    if n == 0 {
        // No real server: the packet is delivered to the node, where nothing listens.
        return Outcome::Reject;
    }
    let mut chosen: Option<u32> = None;
    let mut state = state;
    if let (Some(st), Some(_)) = (state.as_deref_mut(), vs.persistent) {
        if let Some(key) = st.persistence.get(&(vs_line.clone(), pkt.src)) {
            chosen = vs
                .reals
                .iter()
                .position(|rs| format!("{}:{}", rs.ip, rs.port) == *key)
                .and_then(|p| u32::try_from(p).ok());
            if chosen.is_some() {
                ctx.affinity_hits.push(format!("{vs_line} {}", pkt.src));
            }
        }
    }
    let chosen = match chosen {
        Some(c) => c,
        None => {
            let c = match state.as_deref_mut() {
                Some(st) => {
                    let ptr = st.rr.entry(vs_line.clone()).or_insert(0);
                    let c = *ptr % n;
                    *ptr = (c + 1) % n;
                    c
                }
                None => ctx.pick(n),
            };
            ctx.lb.push(LbDecision {
                chain: vs_line.clone(),
                candidates: n,
                chosen: c,
                probability: format!("1/{n}"),
            });
            c
        }
    };
    let Some(rs) = vs.reals.get(chosen as usize) else {
        return Outcome::Reject;
    };
    if let (Some(st), Some(_)) = (state, vs.persistent) {
        st.persistence
            .insert((vs_line.clone(), pkt.src), format!("{}:{}", rs.ip, rs.port));
        ctx.affinity_updates.push(format!("{vs_line} {}", pkt.src));
    }
    ctx.steps.push(Step {
        table: "ipvs".into(),
        chain: vs_line,
        index: chosen as usize,
        text: real_server_line(rs),
    });
    pkt.dst = rs.ip;
    pkt.dst_port = rs.port;
    let local = pkt.dst == node_ip;
    finish_postrouting(
        &r.iptables,
        Some(r),
        pkt,
        ctx,
        Some((rs.ip, rs.port)),
        local && hook == Hook::PreRouting,
    )
}
