"""A passport's records as its collection logs them, decoded by hand (fast enough for an
audit of every passport), and the fold of the history head they prove."""
from dataclasses import dataclass

from eth_utils import keccak, to_checksum_address

from ..chain import rpc
from ..spec import RecordType, TransferKind, topic
from ..values import ZERO_ADDRESS

OWNERSHIP, LIFECYCLE, STATUS = RecordType.OWNERSHIP, RecordType.LIFECYCLE, RecordType.STATUS
TOPICS = {topic("OwnershipRecorded"): OWNERSHIP, topic("LifecycleRecorded"): LIFECYCLE, topic("StatusChanged"): STATUS}
TOPIC_HEXES = ["0x" + t.hex() for t in TOPICS]
TRANSFER = "0x" + topic("Transfer").hex()
ZERO32 = bytes(32)
ZERO_TOPIC = "0x" + "00" * 32
MINT = TransferKind.MINT


@dataclass(frozen=True)
class Record:
    """One ownership change, lifecycle event or status change; `actor` is the agent or `by`."""

    collection: str
    token_id: int
    block: int
    log_index: int
    tx: str
    block_hash: str
    type: int
    kind: int
    actor: str
    head: bytes  # the head after this record, as its event logged it; b"" for a plain mint (implied)
    source: str = ""  # from (ownership)
    target: str = ""  # to (ownership)
    details: bytes = ZERO32  # details hash (lifecycle)
    previous: int = 0  # previous status (status)

    def encoded(self) -> bytes:
        """`abi.encode` of the record, as the contract folds it: a mint's record, a plain mint's
        or a claim's, names no agent (its event may: the claim's retailer)."""
        words = [self.type.to_bytes(32, "big")]
        actor = self.actor
        if self.type == OWNERSHIP:
            words += [_address_word(self.source), _address_word(self.target), self.kind.to_bytes(32, "big")]
            actor = ZERO_ADDRESS if self.source == ZERO_ADDRESS else actor
        elif self.type == LIFECYCLE:
            words += [self.kind.to_bytes(32, "big"), self.details]
        else:
            words += [self.kind.to_bytes(32, "big")]
        return b"".join(words) + _address_word(actor)


def fold(head: bytes, record: Record) -> bytes:
    return keccak(head + record.encoded())


def decode_log(log: dict) -> Record:
    """A raw `eth_getLogs` entry (hex strings, as the node sends it) of one of the three record
    events, or the Transfer of a plain mint, whose record is implied (see IBrandPassport)."""
    topics = [bytes.fromhex(t[2:]) for t in log["topics"]]
    data = bytes.fromhex(log["data"][2:])
    if log["topics"][0] == TRANSFER:
        return Record(_checksum_cache(log["address"]), int.from_bytes(topics[3], "big"), int(log["blockNumber"], 16),
                      int(log["logIndex"], 16), log["transactionHash"], log["blockHash"], OWNERSHIP, MINT,
                      ZERO_ADDRESS, b"", ZERO_ADDRESS, _addr(topics[2]))
    kind_of = TOPICS[topics[0]]
    common = dict(collection=_checksum_cache(log["address"]), token_id=int.from_bytes(topics[1], "big"),
                  block=int(log["blockNumber"], 16), log_index=int(log["logIndex"], 16), tx=log["transactionHash"],
                  block_hash=log["blockHash"], type=kind_of)
    if kind_of == OWNERSHIP:
        return Record(**common, kind=data[31], actor=_addr(data[32:64]), head=data[64:96],
                      source=_addr(topics[2]), target=_addr(topics[3]))
    if kind_of == LIFECYCLE:
        return Record(**common, kind=topics[2][31], actor=_addr(topics[3]), head=data[32:64], details=data[0:32])
    return Record(**common, kind=data[63], actor=_addr(topics[2]), head=data[64:96], previous=data[31])


def fetch_records(chain, addresses: list[str], from_block: int, to_block: int, token_id: int | None = None,
                  chunk: int = 10_000) -> list[Record]:
    """The records of `addresses` (of one passport if `token_id`), in order, from the node's logs:
    the three record events, and the Transfer of each plain mint."""
    one = None if token_id is None else "0x%064x" % token_id
    queries = [[TOPIC_HEXES + [TRANSFER]]] if one is None else [[TOPIC_HEXES, one], [TRANSFER, ZERO_TOPIC, None, one]]
    raw = []
    for start in range(from_block, to_block + 1, chunk):
        for topics in queries:
            raw += _get_logs(chain, {"address": addresses, "fromBlock": hex(start),
                                     "toBlock": hex(min(start + chunk - 1, to_block)), "topics": topics})
    records = [decode_log(log) for log in raw
               if log["topics"][0] != TRANSFER or log["topics"][1] == ZERO_TOPIC]
    claims = {(r.tx, r.token_id) for r in records if r.type == OWNERSHIP and r.head and r.source == ZERO_ADDRESS}
    records = [r for r in records if r.head or (r.tx, r.token_id) not in claims]
    return sorted(records, key=lambda r: (r.block, r.log_index))


def block_timestamps(chain):
    """`timestamp(block)`: the time of a block, asked of the node once per block."""
    seen: dict[int, int] = {}

    def timestamp(block: int) -> int:
        if block not in seen:
            seen[block] = chain.w3.eth.get_block(block)["timestamp"]
        return seen[block]
    return timestamp


def _get_logs(chain, query: dict) -> list[dict]:
    return rpc.get_logs(chain.w3, query, fix="try again, or point --rpc-url at a node that serves logs")


def _addr(word: bytes) -> str:
    return _checksum_cache("0x" + word[-20:].hex())


def _address_word(address: str) -> bytes:
    return bytes(12) + bytes.fromhex(address[2:])


_checksums: dict[str, str] = {}


def _checksum_cache(address: str) -> str:
    key = address.lower()
    if key not in _checksums:
        _checksums[key] = to_checksum_address(key)
    return _checksums[key]
