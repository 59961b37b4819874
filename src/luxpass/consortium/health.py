"""What the nodes say together: whether the chain grows, and since which block it stands still;
which nodes are behind or on another head; whether each sealer seals; why the chain stopped (fewer
than a majority of sealers up, or an equal-weight fork deadlock). And the watcher, which heals a
deadlock and peers again a node that lacks a block its peers hold, saying what it did.

A stall is read from the newest block's timestamp, so a status run once sees it: no history is
kept between runs."""
import time
from dataclasses import dataclass, field
from typing import Callable

from . import node as geth_node
from .config import NetworkConfig, NodeConfig, consortium_confirmations
from .network import RPC_FAILURES, Head, descends, repeer, settle, tips

WIGGLE = 0.5  # Clique delays an out-of-turn seal by up to this many seconds per two signers, and one


def stall_after(period: int, signers: int) -> float:
    """Seconds without a block after which the chain has stopped: a period, Clique's largest
    out-of-turn delay, and two seconds for the block to travel."""
    return period + consortium_confirmations(signers) * WIGGLE + 2


@dataclass
class NodeHealth:
    house: str
    rpc_url: str
    signer: str
    answers: bool
    block: int | None = None
    hash: str | None = None
    peers: int | None = None
    sealing: bool | None = None  # geth's miner on, the signer unlocked
    last_sealed: int | None = None  # the newest block of the best chain this house sealed, of the last few
    place: str = "down"  # "head", "behind", "other head" (a fork) or "down"


@dataclass
class Health:
    nodes: list[NodeHealth]
    head: int | None  # the best chain's newest block
    head_age: float | None  # seconds since it was sealed
    growing: bool | None  # None: not a Clique chain (a development node mines on demand)
    stalled_since: int | None  # the block the chain stands still at
    sealers: int
    sealers_up: int  # answering and sealing
    forks: list[list[str]] = field(default_factory=list)  # the houses on each head, when there are several
    reason: str | None = None

    def summary(self) -> str:
        if self.head is None:
            return "no node answers"
        if self.growing is None:
            return f"newest block {self.head}, {self.head_age:.0f} s ago (no Clique sealers: its growth is not judged)"
        if self.growing:
            line = f"the chain grows: block {self.head}, {self.head_age:.0f} s ago"
        else:
            line = f"the chain stopped growing at block {self.stalled_since}, {self.head_age:.0f} s ago"
        if self.reason:
            line += f": {self.reason}"
        return line


@dataclass
class Member:
    """A node known only by its RPC URL (`node status --rpc-url`): its signer is its etherbase."""

    house: str
    slug: str
    rpc_url: str
    signer: str


def members(rpc_urls: list[str]) -> tuple[list[Member], int]:
    """The nodes at `rpc_urls`, named by their URLs, and the chain's block period as the newest
    blocks show it (the shortest gap between two of the last five, at least one second)."""
    found = []
    for url in rpc_urls:
        try:
            signer = geth_node.call(url, "eth_coinbase")
        except RPC_FAILURES:
            signer = "0x" + "00" * 20
        found.append(Member(url, url, url, signer))
    period = 1
    for member in found:
        try:
            top = geth_node.head(member.rpc_url)[0]
            stamps = [int(geth_node.call(member.rpc_url, "eth_getBlockByNumber", hex(n), False)["timestamp"], 16)
                      for n in range(max(0, top - 5), top + 1)]
            period = max(1, min((b - a for a, b in zip(stamps, stamps[1:])), default=1))
            break
        except RPC_FAILURES:
            continue
    return found, period


def assess(nodes: list[NodeConfig] | list[Member], period: int, now: float | None = None) -> Health:
    states = {node.slug: _ask(node) for node in nodes}
    answering = [node for node in nodes if states[node.slug].answers]
    if not answering:
        return Health(list(states.values()), None, None, False, None, len(nodes), 0,
                      reason=f"fewer than a majority of sealers up: no node of {len(nodes)} answers")
    heads: dict[str, Head] = {node.slug: (states[node.slug].block, states[node.slug].hash) for node in answering}
    found = tips(answering, heads)
    on = {tip: [node for node in answering if descends(holder, tip, heads[node.slug])] for tip, holder in found.items()}
    weights = {tip: _weight(holder, tip) for tip, holder in found.items()}
    best = max(found, key=lambda tip: (weights[tip], len(on[tip]), tip[0]))
    holder = found[best]
    for node in answering:
        state = states[node.slug]
        state.place = "head" if heads[node.slug] == best else "behind" if node in on[best] else "other head"
    signers = _signers(holder)
    block = geth_node.call(holder.rpc_url, "eth_getBlockByNumber", hex(best[0]), False)
    age = (now or time.time()) - int(block["timestamp"], 16)
    forks = [[node.house for node in on[tip]] for tip in sorted(found)] if len(found) > 1 else []
    if not signers:
        return Health(list(states.values()), best[0], age, None, None, 0, 0, forks)
    growing = age <= stall_after(period, len(signers))
    _mark_sealed(holder, best[0], nodes, states, len(signers))
    up = [node for node in answering if states[node.slug].sealing and node.signer.lower() in signers]
    health = Health(list(states.values()), best[0], age, growing, None if growing else best[0], len(signers), len(up),
                    forks)
    if not growing:
        health.reason = _why(len(signers), best, found, on, weights, states, up)
    return health


def _signers(holder) -> list[str]:
    try:
        return [signer.lower() for signer in geth_node.call(holder.rpc_url, "clique_getSigners")]
    except RPC_FAILURES:
        return []


def _why(signers: int, best, found, on, weights, states, up) -> str:
    majority = consortium_confirmations(signers)
    if len(up) < majority:
        return f"fewer than a majority of sealers up: {len(up)} of {signers} seal (a majority is {majority})"
    equal = [tip for tip in found if weights[tip] == weights[best]]
    if len(equal) > 1:
        sides = "; ".join(f"#{tip[0]} {tip[1][:10]}… held by {', '.join(n.house for n in on[tip])}"
                          for tip in sorted(equal))
        return (f"an equal-weight fork deadlock ({sides}): each fork's next sealers are on the other, and "
                "geth does not reorganise to a fork of the same weight (`luxpass consortium-net watch` heals it)")
    lacking = [s.house for s in states.values() if s.place in ("behind", "other head")]
    if lacking:
        return (f"{', '.join(lacking)} lack(s) block {best[0]} that the others hold, and the sealers allowed to seal "
                "the next block are among them (`luxpass consortium-net watch` peers them again)")
    return "the sealers allowed to seal the next block do not seal (see their geth.log)"


def _ask(node) -> NodeHealth:
    seen = geth_node.view(node.rpc_url)
    if seen is None:
        return NodeHealth(node.house, node.rpc_url, node.signer, False)
    return NodeHealth(node.house, node.rpc_url, node.signer, True, seen.block, seen.hash, seen.peers, seen.sealing)


def _weight(holder: NodeConfig, tip: Head) -> int:
    block = geth_node.call(holder.rpc_url, "eth_getBlockByNumber", hex(tip[0]), False)
    return int(block.get("totalDifficulty") or "0x0", 16)


def _mark_sealed(holder, top: int, nodes, states: dict[str, NodeHealth], signers: int) -> None:
    """Which of the last 2N blocks of the best chain each house sealed, the newest."""
    by_signer = {node.signer.lower(): states[node.slug] for node in nodes}
    for number in range(top, max(0, top - 2 * signers), -1):
        signer = geth_node.call(holder.rpc_url, "clique_getSigner", hex(number)).lower()
        state = by_signer.get(signer)
        if state is not None and state.last_sealed is None:
            state.last_sealed = number


class Watcher:
    """One look at a time (`look`), from a loop (`watch`): a deadlock is settled at once; a node
    that lacks the best chain's head `LAG_GRACE` seconds after the others got it is peered again
    with a node that holds it."""

    LAG_GRACE = 6.0

    def __init__(self, config: NetworkConfig, log: Callable[[str], None]):
        self.config, self.log = config, log
        self.lagging: dict[str, tuple[Head, float]] = {}

    def look(self) -> list[str]:
        health = assess(self.config.nodes, self.config.period)
        done: list[str] = []
        if health.head is None:
            return done
        if health.growing is False and health.reason and health.reason.startswith("an equal-weight fork deadlock"):
            self.log(f"watch: {health.summary()}")
            done += settle(self.config, self.log, time.monotonic() + 60, still=True)
            return done
        holder = next(n for n, s in zip(self.config.nodes, health.nodes) if s.place == "head")
        now = time.monotonic()
        for node, state in zip(self.config.nodes, health.nodes):
            if state.place not in ("behind", "other head"):
                self.lagging.pop(node.slug, None)
                continue
            seen = (state.block, state.hash)
            since = self.lagging.setdefault(node.slug, (seen, now))
            if since[0] != seen:
                self.lagging[node.slug] = (seen, now)
            elif now - since[1] > self.LAG_GRACE and (health.head - state.block >= 2 or not health.growing):
                line = (f"{node.house}'s node lacks block {health.head} that {holder.house}'s holds (its head "
                        f"#{state.block} for {now - since[1]:.0f} s): peered with it again")
                try:
                    repeer(node, holder)
                except RPC_FAILURES:
                    continue
                self.log(line)
                done.append(line)
                self.lagging[node.slug] = (seen, now)
        return done

    def watch(self, interval: float = 1.0, until: float | None = None) -> None:
        while until is None or time.monotonic() < until:
            try:
                self.look()
            except RPC_FAILURES as exc:  # a node went down while looked at: the next look sees it
                self.log(f"watch: {exc}")
            time.sleep(interval)
