"""A view over many passports (`screen`, `heads`) in as few eth_calls as the node allows, and none
refused in a steady run. A chunk is sized from the node's call gas cap (`Chain.call_gas`) and the
gas a passport, measured by `eth_estimateGas` on the first few; the size is kept for the rest of
the run. A chunk the node refuses all the same (out of gas, too large) is sent again in halves,
and the half is kept. Once the size has been answered, PIPELINED calls are in flight at a time,
over the provider's one session (as many pooled connections): a node with two cores runs two while
the third waits its turn, and Python encodes the next chunk meanwhile."""
from collections import deque
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from typing import Callable, Sequence

from ..chain import rpc
from ..chain.connection import Chain
from ..chain.sender import RawCall
from ..errors import ContractRevert

PROBE = 16  # passports whose gas is measured, the first of the run's first chunk of a kind
HEADROOM = 0.9  # of the call gas cap a chunk is sized to: the passports after the probe may cost more
INTRINSIC_GAS = 21_000  # what eth_estimateGas counts besides the call's own work
PIPELINED = 3  # calls in flight at a time, once a chunk of the kind's size has been answered (50,000 listings
# on a two-core machine: 0.147 s one at a time, 0.108 s two, 0.098 s three, 0.097 s four)
GUESS_GAS = 20_000  # a passport's gas when the node gives no estimate (the halving corrects it)
FIX = "check that --rpc-url is a node of this consortium's chain"


@dataclass
class CallCounts:
    calls: int = 0  # eth_calls sent
    refused: int = 0  # of them, refused by the node; their passports were sent again in halves
    estimates: int = 0  # eth_estimateGas requests that sized the chunks


class ChunkedCalls:
    """The chunk sizes and the counts of one run (a screening, an audit), by kind of call, for
    every collection it reads: all are clones of one implementation, so a passport costs the same
    gas in each. `most` caps a chunk (the CLI's `--chunk`)."""

    def __init__(self, chain: Chain, most: int | None = None):
        self.chain, self.most = chain, most
        self.sizes: dict[str, int] = {}
        self.steady: set[str] = set()  # the kinds whose size a chunk has been answered at
        self.counts = CallCounts()
        self._connections = ThreadPoolExecutor(PIPELINED, thread_name_prefix="luxpass-call")

    def run(self, kind: str, items: Sequence, encode: Callable[[Sequence], RawCall],
            decode: Callable[[bytes], Sequence], block: int | str = "latest") -> list:
        """`decode` of the answers to `encode(chunk)`, chunk by chunk, in the order of `items`. Once a
        chunk of the kind's size has been answered, PIPELINED chunks are in flight at a time, each
        encoded while the node runs the ones before it; until then, one at a time."""
        if kind not in self.sizes and items:
            self.sizes[kind] = self._fitting(kind, encode(items[:PROBE]), len(items[:PROBE]))
        answers: list = []
        sent: deque = deque()  # (start, end, the call's future), in the order of items
        start = 0
        while start < len(items) or sent:
            while start < len(items) and len(sent) < (PIPELINED if kind in self.steady else 1):
                end = min(start + self.sizes[kind], len(items))
                sent.append((start, end, self._send(kind, encode(items[start:end]), block)))
                start = end
            first, end, future = sent.popleft()
            try:
                raw = future.result()
            except (rpc.NodeRefused, ContractRevert):
                self.counts.refused += 1
                if end - first == 1:
                    raise
                self.steady.discard(kind)
                self.sizes[kind] = min(self.sizes[kind], (end - first) // 2)
                self._drop(sent)
                start = first
                continue
            if end - first == self.sizes[kind]:
                self.steady.add(kind)
            answers += decode(raw)
        return answers

    def _drop(self, sent: deque) -> None:
        """The calls sent after a refused one: their passports are sent again at the new size."""
        while sent:
            try:
                sent.popleft()[2].result()
            except (rpc.NodeRefused, ContractRevert):
                self.counts.refused += 1

    def _send(self, kind: str, call: RawCall, block: int | str) -> Future:
        self.counts.calls += 1
        return self._connections.submit(rpc.call, self.chain.w3, call.to, call.data, block, gas=self.chain.call_gas,
                                        what=f"the {kind} call", fix=FIX)

    def _fitting(self, kind: str, probe: RawCall, passports: int) -> int:
        """How many passports fit in one call, at the gas a passport of the probe costs."""
        self.counts.estimates += 1
        try:
            gas = int(rpc.request(self.chain.w3, "eth_estimateGas", [{"to": probe.to, "data": "0x" + probe.data.hex()}],
                                  f"the gas estimate of the {kind} call", FIX), 16)
        except (rpc.NodeRefused, ContractRevert):
            gas = INTRINSIC_GAS + GUESS_GAS * passports
        each = max(gas - INTRINSIC_GAS, 1) / passports
        size = max(int((self.chain.call_gas * HEADROOM - INTRINSIC_GAS) // each), 1)
        return min(size, self.most) if self.most else size
