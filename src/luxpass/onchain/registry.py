"""The consortium registry: deployment, member brands, votes and accreditations."""
from dataclasses import dataclass, field, replace

from web3.logs import DISCARD

from ..chain import rpc
from ..chain.connection import Chain
from ..chain.sender import Action, AlreadyDone, Sender
from ..errors import InputError
from ..names import check_new_brand
from . import safe as safes
from .collection import Collection, tx_hex
from ..spec import Accreditation, BrandStatus, ProposalKind, ProposalState, selector
from ..results import utc
from ..values import ZERO_ADDRESS, parse_address

DEFAULT_QUORUM_BPS = 5000  # yes votes must exceed half of the active members
DEFAULT_VOTING_PERIOD = 7 * 24 * 3600


@dataclass(frozen=True)
class Founder:
    name: str
    symbol: str
    council: str


@dataclass
class Deployment:
    chain_id: int
    registry: str
    implementation: str
    block: int
    founders: list
    earlier_registries: list = field(default_factory=list)  # replaced by a deploy --force, newest last
    forwarder: str | None = None  # the LuxpassForwarder the implementation trusts (none before it existed)
    genesis: str | None = None  # the chain's block 0: another one means the chain was reset

    def to_dict(self) -> dict:
        """The record `luxpass.local.deployments` keeps for the chain."""
        return {"chainId": self.chain_id, "registry": self.registry, "implementation": self.implementation,
                "block": self.block, "founders": self.founders, "earlierRegistries": self.earlier_registries,
                "forwarder": self.forwarder, "genesis": self.genesis}

    @classmethod
    def from_dict(cls, data: dict) -> "Deployment":
        return cls(data["chainId"], data["registry"], data["implementation"], data["block"],
                   data.get("founders", []), data.get("earlierRegistries", []), data.get("forwarder"),
                   data.get("genesis"))


@dataclass
class Brand:
    brand_id: int
    name: str
    council: str
    collection: str
    status: BrandStatus
    replacing_council: str | None = None  # voted by the other members, seated from `replacement_due`
    replacement_due: str | None = None


@dataclass
class CouncilChange:
    brand_id: int
    previous: str
    council: str
    tx: str


@dataclass
class Vote:
    brand_id: int
    support: bool
    tx: str
    safe: str | None = None  # the Safe that cast it, when the brand's council is one
    signers: list | None = None  # the Safe's owners whose signatures carried it


@dataclass
class Proposal:
    proposal_id: int
    kind: ProposalKind
    state: ProposalState
    brand_id: int
    account: str | None
    accreditation: Accreditation | None
    name: str | None
    symbol: str | None
    proposer_brand_id: int
    deadline: int
    yes: int
    no: int
    votes: list = field(default_factory=list)  # every Vote, the proposer's own yes first


@dataclass
class Attested:
    digest: str
    block: int  # the chain's block the report is of
    tx: str


@dataclass
class VoteResult:
    proposal_id: int
    state: ProposalState
    yes: int
    no: int
    tx: str


def deploy_contracts(chain: Chain, founders: list[Founder], quorum_bps: int = DEFAULT_QUORUM_BPS,
                     voting_period: int = DEFAULT_VOTING_PERIOD,
                     replacing: Deployment | None = None) -> tuple[Deployment, dict]:
    """Deploy the forwarder of owners' signed requests, the passport implementation that trusts
    it and the registry with its founding brands; the deployment and the registry's receipt, mined
    but not yet confirmed (`luxpass.local.deployments.deploy` records it, then waits). The live
    deployment it `replacing` is kept in the new one's `earlier_registries`, so its passports
    still verify."""
    if len(founders) < 2:
        raise InputError("a consortium needs at least two founding brands", "pass --founder NAME:SYMBOL:COUNCIL twice or more")
    if not 5_000 <= quorum_bps < 10_000:
        raise InputError(f"quorum {quorum_bps} bps is out of range", "pass a value from 5000 (a majority) to 9999")
    if voting_period <= 0:
        raise InputError("the voting period must be positive", "pass a number of seconds")
    checked: list[tuple[str, str]] = []
    for f in founders:
        checked.append(check_new_brand(f.name, f.symbol, checked))
    founders = [Founder(name, symbol, f.council) for (name, symbol), f in zip(checked, founders)]
    names = [f.name for f in founders]
    if len(set(f.council for f in founders)) != len(founders):
        raise InputError("founding brands need distinct council addresses", "fix the --founder list")
    sender = chain.sender
    forwarder, _ = sender.deploy("LuxpassForwarder", confirmations=1)
    implementation, _ = sender.deploy("BrandPassport", forwarder, confirmations=1)
    registry, receipt = sender.deploy(
        "ConsortiumRegistry", implementation, names, [f.symbol for f in founders],
        [f.council for f in founders], quorum_bps, voting_period, confirmations=1,
    )
    kept = (replacing.earlier_registries + [replacing.registry]) if replacing else []
    deployment = Deployment(chain.chain_id, registry, implementation, receipt["blockNumber"],
                            [f.__dict__ for f in founders], kept, forwarder,
                            chain.w3.eth.get_block(0)["hash"].to_0x_hex())
    return deployment, receipt


class Consortium:
    """The registry of one chain's `deployment`, read through `chain` and voted on through `sender`
    (by default the chain's own key sender); `luxpass.local.deployments.open_consortium` opens the
    one recorded for the chain."""

    def __init__(self, chain: Chain, deployment: Deployment, sender: Sender | None = None):
        self.chain = chain
        self.sender = sender or chain.sender
        self.deployment = deployment
        self.registry = chain.contract("ConsortiumRegistry", deployment.registry)

    def earlier_registry_of(self, collection: str) -> "Consortium | None":
        """The registry, recorded for this chain before a `deploy --force`, that created `collection`."""
        for address in reversed(self.deployment.earlier_registries):
            if not self.chain.w3.eth.get_code(address):
                continue
            earlier = Consortium(self.chain, replace(self.deployment, registry=address, earlier_registries=[]),
                                 self.sender)
            if earlier.brand_id_of(collection):
                return earlier
        return None

    def brand_id_of(self, collection: str, block: int | str = "latest") -> int:
        """The id of the brand whose collection this registry created at `collection`, 0 if none."""
        return self.chain.call(self.registry.functions.brandIdOfCollection(collection), block)

    def collection_status(self, collection: str) -> tuple[int, BrandStatus | None]:
        """The brand whose collection this registry created at `collection` (0 if none) and its
        status: two hand-encoded calls, for screening, which asks it of every collection it reads."""
        word = bytes(12) + bytes.fromhex(parse_address(collection, "collection")[2:])
        brand_id = int.from_bytes(rpc.call(self.chain.w3, self.registry.address, selector("brandIdOfCollection") + word), "big")
        if brand_id == 0:
            return 0, None
        status = rpc.call(self.chain.w3, self.registry.address, selector("brandStatus") + brand_id.to_bytes(32, "big"))
        return brand_id, BrandStatus(int.from_bytes(status, "big"))

    def cases_address(self) -> str:
        """The address of the consortium's CounterfeitCases contract."""
        return self.chain.call(self.registry.functions.cases())

    def brand_count(self) -> int:
        return self.chain.call(self.registry.functions.brandCount())

    def brand(self, ref, block: int | str = "latest") -> Brand:
        """A brand by id, by name (any case), or by its collection's address; its state at `block`."""
        brand_id = self.resolve_brand_id(ref)
        brand = self.chain.call_struct(self.registry.functions.brand(brand_id), block)
        replacing = self.chain.call_struct(self.registry.functions.pendingCouncil(brand_id), block)
        pending = int(replacing["council"], 16) != 0
        return Brand(brand_id, brand["name"], brand["council"], brand["collection"], BrandStatus(brand["status"]),
                     replacing["council"] if pending else None, utc(replacing["effectiveAt"]) if pending else None)

    def brands(self) -> list[Brand]:
        return [self.brand(i) for i in range(1, self.brand_count() + 1)]

    def resolve_brand_id(self, ref) -> int:
        text = str(ref).strip()
        if text.isascii() and text.isdigit():
            brand_id = int(text)
            if 1 <= brand_id <= self.brand_count():
                return brand_id
            raise InputError(f"there is no brand {brand_id}", "list brands with `luxpass brand list`")
        if text.startswith("0x"):
            brand_id = self.brand_id_of(parse_address(text, "collection"))
            if brand_id:
                return brand_id
            raise InputError(f"{text} is not a collection of the consortium", "list brands with `luxpass brand list`")
        for brand_id in range(1, self.brand_count() + 1):
            if self.chain.call_struct(self.registry.functions.brand(brand_id))["name"].lower() == text.lower():
                return brand_id
        raise InputError(f"there is no brand named {text!r}", "list brands with `luxpass brand list`")

    def brand_of_council(self, council: str) -> int:
        return self.chain.call(self.registry.functions.brandIdOfCouncil(council))

    def is_genuine_collection(self, address: str) -> bool:
        return self.chain.call(self.registry.functions.isGenuineCollection(address))

    def is_accredited(self, account: str, accreditation: Accreditation) -> bool:
        return self.chain.call(self.registry.functions.isAccredited(account, int(accreditation)))

    def brand_names(self) -> list[tuple[str, str]]:
        """(name, symbol) of every brand the registry lists, removed ones included."""
        return [(b.name, Collection(self.chain, b.collection).symbol()) for b in self.brands()]

    def propose_admission(self, name: str, symbol: str, council: str) -> Proposal:
        name, symbol = check_new_brand(name, symbol, self.brand_names())
        call = self.registry.functions.proposeAdmission(name, symbol, parse_address(council, "council"))
        return self._propose(call, f"propose admitting {name}", f"admit {name} {symbol} {council}")

    def propose_brand_status(self, ref, kind: ProposalKind) -> Proposal:
        if kind not in (ProposalKind.SUSPEND, ProposalKind.REINSTATE, ProposalKind.REMOVE):
            raise InputError(f"{kind.name.lower()} is not a brand status change", "use suspend, reinstate or remove")
        brand_id = self.resolve_brand_id(ref)
        call = self.registry.functions.proposeBrandStatus(brand_id, int(kind))
        return self._propose(call, f"propose to {kind.name.lower()} brand {brand_id}", f"{kind.name} {brand_id}")

    def propose_accreditation(self, account: str, accreditation: Accreditation, grant: bool) -> Proposal:
        account = parse_address(account, "account")
        call = self.registry.functions.proposeAccreditation(account, int(accreditation), grant)
        verb = "accredit" if grant else "revoke"
        return self._propose(call, f"propose to {verb} {account} as {accreditation.name.lower()}",
                             f"{verb} {account} {accreditation.name}")

    def attestation(self, auditor: str, digest: bytes) -> int:
        """The block an auditor attested an audit report's digest at, 0 if never."""
        return self.chain.call(self.registry.functions.attestation(auditor, digest))

    def attest(self, digest: bytes, block: int):
        """An accredited auditor anchors the digest of its report of the chain at `block`;
        AlreadyDone when this auditor attested this digest before."""
        def prepare():
            attested_at = self.attestation(self.sender.address, digest)
            if attested_at:
                return AlreadyDone("attest audit report", None, {"digest": "0x" + digest.hex(),
                                                                 "attested_at_block": attested_at})
            return self.registry.functions.attest(digest, block)
        return self.sender.submit(Action("attest audit report", prepare,
                                         lambda receipt: Attested("0x" + digest.hex(), block, tx_hex(receipt)),
                                         f"attest {self.registry.address} 0x{digest.hex()}"))

    def rotate_council(self, new_council: str) -> CouncilChange:
        """The signer, an active brand's council, hands the brand's seat and collection to `new_council`."""
        new_council = parse_address(new_council, "new council")
        return self.sender.submit(Action.of(self.registry.functions.rotateCouncil(new_council),
                                            f"hand the council seat to {new_council}", self._council_change,
                                            f"rotate council {self.registry.address} {new_council}"))

    def propose_council_replacement(self, ref, new_council: str) -> Proposal:
        brand_id = self.resolve_brand_id(ref)
        new_council = parse_address(new_council, "new council")
        call = self.registry.functions.proposeCouncilReplacement(brand_id, new_council)
        return self._propose(call, f"propose to replace the council of brand {brand_id}",
                             f"replace council {brand_id} {new_council}")

    def propose_recovery_allowance(self, ref, owner: str) -> Proposal:
        """Propose that the other members let brand `ref` request recoveries of `owner`'s passports
        again, although she cancelled one (or is a contract)."""
        brand_id = self.resolve_brand_id(ref)
        call = self.registry.functions.proposeRecoveryAllowance(brand_id, parse_address(owner, "owner"))
        return self._propose(call, f"propose to let brand {brand_id} request recoveries for {owner}",
                             f"allow recoveries {brand_id} {owner}")

    def complete_council_replacement(self, ref) -> CouncilChange:
        brand_id = self.resolve_brand_id(ref)
        return self.sender.submit(Action.of(self.registry.functions.completeCouncilReplacement(brand_id),
                                            f"seat the new council of brand {brand_id}", self._council_change,
                                            f"seat council {self.registry.address} {brand_id}"))

    def council_history(self, ref) -> list[dict]:
        """The brand's council changes and replacements voted for it, oldest first, from the logs."""
        brand_id = self.resolve_brand_id(ref)
        found, executions = [], self.safe_executions()
        for event in (self.registry.events.CouncilRotated, self.registry.events.CouncilReplacementScheduled):
            for log in self.chain.events(event, self.deployment.block, brandId=brand_id):
                args = log["args"]
                block = self.chain.w3.eth.get_block(log["blockNumber"])
                entry = ({"change": "council rotated", "previous": args["previous"], "council": args["current"]}
                         if "current" in args else
                         {"change": "replacement voted", "council": args["council"], "due": utc(args["effectiveAt"])})
                signed = self._signed_by_safe(log, executions)
                if signed:
                    entry |= {"safe": signed.safe, "signers": signed.signers}
                found.append((log["blockNumber"], log["logIndex"], {**entry, "at": utc(block["timestamp"])}))
        return [entry for *_, entry in sorted(found, key=lambda f: f[:2])]

    def left_on(self, brand_id: int) -> str | None:
        """The UTC day the brand was removed (left the consortium), from the registry's logs."""
        changes = self.chain.events(self.registry.events.BrandStatusChanged, self.deployment.block, brandId=brand_id)
        for log in changes:
            if log["args"]["current"] == BrandStatus.REMOVED:
                return utc(self.chain.w3.eth.get_block(log["blockNumber"])["timestamp"]).split(" ")[0]
        return None

    def _council_change(self, receipt) -> CouncilChange:
        rotated = self.registry.events.CouncilRotated().process_receipt(receipt, errors=DISCARD)[0]["args"]
        return CouncilChange(rotated["brandId"], rotated["previous"], rotated["current"], tx_hex(receipt))

    def vote(self, proposal_id: int, support: bool) -> VoteResult:
        """Cast the acting council's brand's vote. Its brand voted the same already (a rerun): done;
        voted otherwise: the contract's refusal."""
        label = f"vote {'yes' if support else 'no'} on proposal {proposal_id}"

        def prepare():
            brand_id = self.brand_of_council(self.sender.address)
            if brand_id and self.chain.call(self.registry.functions.hasVoted(proposal_id, brand_id)):
                cast = [v for v in self.votes(proposal_id).get(proposal_id, []) if v.brand_id == brand_id]
                if cast and cast[0].support == support:
                    p = self.proposal(proposal_id, cast)
                    return AlreadyDone(label, cast[0].tx, {"proposal_id": proposal_id, "state": p.state})
            return self.registry.functions.vote(proposal_id, support)

        def read(receipt) -> VoteResult:
            p = self.proposal(proposal_id)
            return VoteResult(proposal_id, p.state, p.yes, p.no, tx_hex(receipt))
        return self.sender.submit(Action(label, prepare, read, f"vote {self.registry.address} {proposal_id} {support}"))

    def proposal(self, proposal_id: int, votes: list | None = None) -> Proposal:
        """A proposal with its votes (`votes`, when the caller read every proposal's at once)."""
        raw = self.chain.call_struct(self.registry.functions.proposal(proposal_id))
        state = ProposalState(self.chain.call(self.registry.functions.proposalState(proposal_id)))
        yes, no = self.chain.call(self.registry.functions.tally(proposal_id))
        kind, account = ProposalKind(raw["kind"]), raw["account"]
        is_accreditation = kind in (ProposalKind.ACCREDIT, ProposalKind.REVOKE)
        return Proposal(
            proposal_id, kind, state, raw["brandId"],
            account if account != ZERO_ADDRESS else None,
            Accreditation(raw["accreditation"]) if is_accreditation else None,
            raw["name"] or None, raw["symbol"] or None, raw["proposerBrandId"], raw["deadline"], yes, no,
            self.votes(proposal_id).get(proposal_id, []) if votes is None else votes,
        )

    def proposals(self) -> list[Proposal]:
        count = self.chain.call(self.registry.functions.proposalCount())
        votes = self.votes()
        return [self.proposal(i, votes.get(i, [])) for i in range(1, count + 1)]

    def votes(self, proposal_id: int | None = None) -> dict[int, list[Vote]]:
        """Every vote (or those on `proposal_id`) by proposal, in the order cast, but for those
        withdrawn when their brand's council changed; a vote a Safe cast names the Safe and the
        owners who signed it."""
        found: dict[int, list[Vote]] = {}
        executions = self.safe_executions()
        logs = [*self.chain.events(self.registry.events.VoteCast, self.deployment.block, proposalId=proposal_id),
                *self.chain.events(self.registry.events.VoteWithdrawn, self.deployment.block, proposalId=proposal_id)]
        for log in sorted(logs, key=lambda entry: (entry["blockNumber"], entry["logIndex"])):
            if log["event"] == "VoteWithdrawn":
                cast = found[log["args"]["proposalId"]]
                cast[:] = [v for v in cast if v.brand_id != log["args"]["brandId"]]
                continue
            args, signed = log["args"], self._signed_by_safe(log, executions)
            found.setdefault(args["proposalId"], []).append(Vote(
                args["brandId"], args["support"], tx_hex(log), signed.safe if signed else None,
                signed.signers if signed else None))
        return found

    def councils_ever(self) -> list[str]:
        """Every address that held a brand's council: those admitted and those rotated or seated in."""
        admitted = self.chain.events(self.registry.events.BrandAdmitted, self.deployment.block)
        rotated = self.chain.events(self.registry.events.CouncilRotated, self.deployment.block)
        return sorted({log["args"]["council"] for log in admitted} | {log["args"]["current"] for log in rotated})

    def safe_executions(self) -> list[safes.SafeExecution]:
        """The Safe transactions that councils executed on the registry, with their signers."""
        return safes.executions(self.chain, self.councils_ever(), self.registry.address, self.deployment.block)

    @staticmethod
    def _signed_by_safe(log, executions: list[safes.SafeExecution]) -> "safes.SafeExecution | None":
        """The Safe execution whose call to the registry emitted `log`, if any."""
        return next((e for e in executions if e.made(tx_hex(log), log["logIndex"])), None)

    def _propose(self, call, label: str, purpose: str) -> Proposal:
        def read(receipt) -> Proposal:
            created = self.registry.events.ProposalCreated().process_receipt(receipt, errors=DISCARD)
            return self.proposal(created[0]["args"]["proposalId"])
        return self.sender.submit(Action.of(call, label, read, f"propose {self.registry.address} {purpose}"))
