"""A Python model of the registry and the brand collections, for the invariant state machine.

Each `check_*` returns None when the contract must accept the action and a short reason when
it must refuse it; each `apply_*` makes the accepted action's change. Nothing here reads the
chain: the state machine compares the two after every step."""
from dataclasses import dataclass, field

from luxpass import names

from contract_helpers import (
    ACCREDIT,
    ALLOW_RECOVERY,
    ACTIVE,
    ADMIT,
    BRAND_DEFINED,
    MANUFACTURED,
    QUALITY_CHECKED,
    RECEIVED_IN_STORE,
    REPAIRED,
    SERVICED,
    SHIPPED,
    SOLD,
    NONE,
    P_DEFEATED,
    P_EXECUTED,
    P_EXPIRED,
    P_NONE,
    P_OPEN,
    REINSTATE,
    REMOVE,
    REMOVED,
    REPLACE_COUNCIL,
    REVOKE,
    S_ACTIVE,
    S_DESTROYED,
    S_LOST,
    S_STOLEN,
    SUSPEND,
    SUSPENDED,
    T_CHIP_CLAIM,
    T_CUSTODY,
    T_FIRST_SALE,
    T_MINT,
    T_PRIVATE,
    T_RECOVERY,
    T_RESALE,
    History,
)

BPS = 10_000
OTHERS_DECIDE = (REPLACE_COUNCIL, ALLOW_RECOVERY)  # kinds the target brand has no vote on
MAX_OPEN_PROPOSALS = 8  # per proposing brand (ConsortiumRegistry.MAX_OPEN_PROPOSALS)
ZERO = "0x" + "00" * 20
ADMIN, MINTER, RETAILER, SERVICE = "admin", "minter", "retailer", "service"
BRAND_ROLES = (ADMIN, MINTER, RETAILER, SERVICE)
EVENT_ROLES = {  # the roles that may record each kind of event
    MANUFACTURED: {MINTER}, QUALITY_CHECKED: {MINTER}, SHIPPED: {MINTER}, RECEIVED_IN_STORE: {RETAILER},
    SOLD: {RETAILER}, SERVICED: {SERVICE}, REPAIRED: {SERVICE}, BRAND_DEFINED: {MINTER, RETAILER, SERVICE},
}



# A council replacement is due 3 days after its vote (the next epoch) and held for 3 + 30 days:
# after four epochs (676 h) it is still held, after five (845 h) it is not.
REPLACEMENT_DUE_EPOCHS, REPLACEMENT_HELD_EPOCHS = 1, 5


@dataclass
class Proposal:
    kind: int
    brand_id: int
    account: str | None
    name: str
    accreditation: int
    epoch: int
    proposer: int = 0
    symbol: str = ""
    yes: list = field(default_factory=list)
    no: list = field(default_factory=list)
    executed: bool = False
    defeated: bool = False


@dataclass
class Passport:
    collection: int
    owner: str
    sold: bool = False
    status: int = S_ACTIVE
    reporter: str | None = None
    approved: str | None = None
    nonce: int = 0
    recovery: tuple | None = None  # (new owner, epoch requested) of the current ownership
    hold: str | None = None  # the owner who last cancelled a recovery of it: no request during her ownership
    chip: str | None = None  # the bound chip's address
    claim_open: bool = False  # the chip-claim flag, which every move and every bind closes
    claim_opened_at: int = 0  # the block that last opened a claim: the chip's answers must be from after it
    # What the current owner authorised during the current ownership, as (what, for whom, nonce
    # or None): the rule of the BrandPassport header, asked of every ownership change
    # (`authority`) and every chip bound after the first sale (`chip_authority`).
    grants: set = field(default_factory=set)
    history: History = field(default_factory=History)


class Registry:
    """Members, votes and accreditations, as IConsortiumRegistry specifies them."""

    def __init__(self, councils: list[str], brands: list[tuple[str, str]], quorum_bps: int):
        self.quorum_bps = quorum_bps
        self.status = {i: ACTIVE for i in range(1, len(councils) + 1)}
        self.council = dict(zip(self.status, councils))
        self.brands = list(brands)  # (name, symbol) of every admitted brand
        self.accredited: set[tuple[str, int]] = set()
        self.proposals: dict[int, Proposal] = {}
        self.epoch = 0  # voting periods gone by; a proposal of an earlier epoch has expired
        self.unavailable: set[str] = set()  # councils replaced, or waiting for their seat
        self.pending: dict[int, tuple[str, int]] = {}  # brand -> (council, epoch from which it is due)
        self.held_until: dict[int, int] = {}  # brand -> first epoch a new replacement may be carried
        self.recovery_allowed: set[tuple[int, str]] = set()  # (brand, owner) the other members let the brand ask again

    def brand_of(self, council: str) -> int:
        return next((b for b, c in self.council.items() if c == council), 0)

    def active_member(self, account: str) -> int:
        brand = self.brand_of(account)
        return brand if brand and self.status[brand] == ACTIVE else 0

    def active_count(self) -> int:
        return sum(s == ACTIVE for s in self.status.values())

    def active_among(self, brands: list[int]) -> int:
        return sum(self.status[b] == ACTIVE for b in brands)

    def electorate(self, p: Proposal | None) -> int:
        """Who decides: the active members, but for the brand a council replacement targets."""
        replaced = p is not None and p.kind in OTHERS_DECIDE and self.status.get(p.brand_id) == ACTIVE
        return self.active_count() - replaced

    def passes(self, yes: int, p: Proposal | None = None) -> bool:
        if p is not None and p.kind in OTHERS_DECIDE and yes < 2:
            return False
        return yes * BPS > self.electorate(p) * self.quorum_bps

    def cannot_pass(self, p: Proposal) -> bool:
        return not self.passes(max(self.electorate(p) - self.active_among(p.no), 0), p)

    def state(self, proposal_id: int) -> int:
        p = self.proposals.get(proposal_id)
        if p is None:
            return P_NONE
        if p.executed:
            return P_EXECUTED
        if p.defeated:
            return P_DEFEATED
        if p.epoch < self.epoch:
            return P_EXPIRED
        return P_DEFEATED if self.cannot_pass(p) else P_OPEN

    def tally(self, proposal_id: int) -> tuple[int, int]:
        p = self.proposals[proposal_id]
        return self.active_among(p.yes), self.active_among(p.no)

    # --- proposals and votes: check, then apply ----------------------------------------

    def check_new_brand(self, name: str, symbol: str, council: str) -> str | None:
        """luxpass.names' rule, the registry's own (BrandNames): a direct call with a name the
        library would refuse is refused by the contract too."""
        refused = names.refusal(name, symbol, self.brands)
        return refused.error if refused else self.check_new_council(council)

    def check_new_council(self, council: str) -> str | None:
        return "council taken" if self.brand_of(council) or council in self.unavailable else None

    def check_replacement(self, brand_id: int, council: str) -> str | None:
        status = self.status.get(brand_id, NONE)
        if status in (NONE, REMOVED):
            return "unknown or removed brand"
        if self.epoch < self.held_until.get(brand_id, 0):
            return "replacement held"
        return self.check_new_council(council)

    def check_rotation(self, sender: str, council: str) -> str | None:
        brand = self.active_member(sender)
        if not brand:
            return "not an active member"
        if brand in self.pending:
            return "a replacement is pending"
        return self.check_new_council(council)

    def apply_rotation(self, brand_id: int, council: str) -> tuple[str, int, int]:
        """The brand's new council: what the old key did ends with its seat. Returns the old council,
        the number of the brand's proposals closed and of its votes withdrawn."""
        old = self.council[brand_id]
        self.council[brand_id] = council
        self.unavailable.add(old)
        for proposal_id, p in self.proposals.items():  # what reads defeated now stays defeated
            if self.state(proposal_id) == P_DEFEATED:
                p.defeated = True
        closed = withdrawn = 0
        for proposal_id, p in self.proposals.items():
            if self.state(proposal_id) != P_OPEN:
                continue
            if p.proposer == brand_id:
                p.defeated, closed = True, closed + 1
            elif brand_id in p.yes + p.no:
                (p.yes if brand_id in p.yes else p.no).remove(brand_id)
                withdrawn += 1
        return old, closed, withdrawn

    def check_completion(self, brand_id: int) -> str | None:
        if brand_id not in self.pending:
            return "no replacement pending"
        if self.epoch < self.pending[brand_id][1]:
            return "not due"
        return "removed brand" if self.status[brand_id] == REMOVED else None

    def check_status_change(self, brand_id: int, kind: int) -> str | None:
        status = self.status.get(brand_id, NONE)
        if status == NONE:
            return "unknown brand"
        valid = (kind == SUSPEND and status == ACTIVE) or (kind == REINSTATE and status == SUSPENDED) \
            or (kind == REMOVE and status != REMOVED)
        return None if valid else "invalid status change"

    def check_proposal(self, proposer: str, p: Proposal) -> str | None:
        if p.kind == ADMIT:
            refused = self.check_new_brand(p.name, p.symbol, p.account)
        elif p.kind in (ACCREDIT, REVOKE):
            refused = "unchanged" if ((p.account, p.accreditation) in self.accredited) == (p.kind == ACCREDIT) else None
        elif p.kind == REPLACE_COUNCIL:
            refused = self.check_replacement(p.brand_id, p.account) or (
                "too few other members" if self.electorate(p) < 2 else None)
        elif p.kind == ALLOW_RECOVERY:
            refused = "unknown or removed brand" if self.status.get(p.brand_id, NONE) in (NONE, REMOVED) else (
                "too few other members" if self.electorate(p) < 2 else None)
        else:
            refused = self.check_status_change(p.brand_id, p.kind)
        if refused:
            return refused
        if not self.active_member(proposer):
            return "not an active member"
        if len(self.open_of(self.active_member(proposer))) >= MAX_OPEN_PROPOSALS:
            return "too many open proposals"
        if p.kind in OTHERS_DECIDE and self.active_member(proposer) == p.brand_id:
            return "the target cannot vote"
        return self.check_execution(p, [self.active_member(proposer)])

    def open_of(self, brand: int) -> list[int]:
        return [i for i, p in self.proposals.items() if p.proposer == brand and self.state(i) == P_OPEN]

    def apply_proposal(self, proposer: str, p: Proposal) -> int:
        """A proposal settles the proposer's earlier ones: those that read defeated stay defeated."""
        p.proposer = self.active_member(proposer)
        for other_id, other in self.proposals.items():
            if other.proposer == p.proposer and self.state(other_id) == P_DEFEATED:
                other.defeated = True
        proposal_id = len(self.proposals) + 1
        self.proposals[proposal_id] = p
        self.apply_vote(proposal_id, self.active_member(proposer), True)
        return proposal_id

    def check_vote(self, voter: str, proposal_id: int, support: bool) -> str | None:
        brand = self.active_member(voter)
        if not brand:
            return "not an active member"
        state = self.state(proposal_id)
        if state != P_OPEN:
            return "unknown proposal" if state == P_NONE else "closed"
        p = self.proposals[proposal_id]
        if brand in p.yes or brand in p.no:
            return "already voted"
        if p.kind in OTHERS_DECIDE and brand == p.brand_id:
            return "the target cannot vote"
        return self.check_execution(p, p.yes + [brand]) if support else None

    def check_execution(self, p: Proposal, yes: list[int]) -> str | None:
        """A vote that carries a proposal executes it, and reverts whole if the execution does."""
        if not self.passes(self.active_among(yes), p):
            return None
        if p.kind == ADMIT:
            return self.check_new_brand(p.name, p.symbol, p.account)
        if p.kind == REPLACE_COUNCIL:
            return self.check_replacement(p.brand_id, p.account)
        if p.kind == ALLOW_RECOVERY:
            return None
        if p.kind in (ACCREDIT, REVOKE):
            return "unchanged" if ((p.account, p.accreditation) in self.accredited) == (p.kind == ACCREDIT) else None
        return self.check_status_change(p.brand_id, p.kind)

    def apply_vote(self, proposal_id: int, brand: int, support: bool) -> bool:
        """Record the vote; True when it executed the proposal."""
        p = self.proposals[proposal_id]
        (p.yes if support else p.no).append(brand)
        if support and self.passes(self.active_among(p.yes), p):
            p.executed = True
            self._execute(p)
            return True
        if not support and self.cannot_pass(p):
            p.defeated = True
        return False

    def _execute(self, p: Proposal) -> None:
        for other in self.proposals:  # a proposal that reads defeated before a change stays defeated
            if self.state(other) == P_DEFEATED:
                self.proposals[other].defeated = True
        if p.kind == ADMIT:
            brand_id = len(self.status) + 1
            self.status[brand_id] = ACTIVE
            self.council[brand_id] = p.account
            self.brands.append((p.name, p.symbol))
        elif p.kind == ACCREDIT:
            self.accredited.add((p.account, p.accreditation))
        elif p.kind == REVOKE:
            self.accredited.discard((p.account, p.accreditation))
        elif p.kind == REPLACE_COUNCIL:
            self.pending[p.brand_id] = (p.account, self.epoch + REPLACEMENT_DUE_EPOCHS)
            self.held_until[p.brand_id] = self.epoch + REPLACEMENT_HELD_EPOCHS
            self.unavailable.add(p.account)
        elif p.kind == ALLOW_RECOVERY:
            self.recovery_allowed.add((p.brand_id, p.account))
        else:
            self.status[p.brand_id] = {SUSPEND: SUSPENDED, REINSTATE: ACTIVE, REMOVE: REMOVED}[p.kind]


class Collections:
    """The passports and roles of the brand collections under test, as IBrandPassport specifies them."""

    def __init__(self, registry: Registry, brand_ids: list[int], roles: list[dict[str, set]]):
        self.registry = registry
        self.brand_ids = brand_ids  # collection index -> brand id
        self.roles = roles  # collection index -> role -> holders
        self.passports: dict[int, Passport] = {}
        self.chip_nonces_used: set[tuple[int, bytes]] = set()  # (token, challenge nonce) of chip claims made
        # (collection, owner, operator) of ERC-721 setApprovalForAll: the owner's standing authorisation
        # for every passport they hold in that collection, now or later; no move ends it
        self.operators: set[tuple[int, str, str]] = set()

    def has(self, collection: int, role: str, account: str) -> bool:
        return account in self.roles[collection][role]

    def custodian(self, collection: int, account: str) -> bool:
        return any(self.has(collection, role, account) for role in BRAND_ROLES)

    def brand_active(self, collection: int) -> bool:
        return self.registry.status[self.brand_ids[collection]] == ACTIVE

    def owned_by(self, collection: int, account: str) -> int:
        return sum(p.collection == collection and p.owner == account for p in self.passports.values())

    # --- brand records -----------------------------------------------------------------

    def check_role_change(self, collection: int, sender: str, role: str) -> str | None:
        if role == ADMIN:
            return "the admin role moves only with the council"
        return None if self.has(collection, ADMIN, sender) else "not the brand admin"

    def apply_role_change(self, collection: int, role: str, account: str, grant: bool) -> None:
        holders = self.roles[collection][role]
        holders.add(account) if grant else holders.discard(account)

    def check_mint(self, collection: int, sender: str, to: str) -> str | None:
        if not self.has(collection, MINTER, sender):
            return "not a minter"
        if not self.brand_active(collection):
            return "brand not active"
        return None if self.custodian(collection, to) else "recipient not a custodian"

    def apply_mint(self, collection: int, to: str, token: int) -> None:
        """A plain mint's record names no agent (IBrandPassport): (Ownership, 0, to, Mint, 0)."""
        passport = Passport(collection, to)
        passport.history.ownership(ZERO, to, T_MINT, ZERO)
        self.passports[token] = passport

    def check_event(self, token: int, sender: str, kind: int) -> str | None:
        p = self.passports[token]
        if not any(self.has(p.collection, role, sender) for role in EVENT_ROLES[kind]):
            return "missing role"
        return None if self.brand_active(p.collection) else "brand not active"

    def check_first_sale(self, token: int, sender: str, buyer: str) -> str | None:
        p = self.passports[token]
        if not self.has(p.collection, RETAILER, sender):
            return "not a retailer"
        if not self.brand_active(p.collection):
            return "brand not active"
        if p.sold:
            return "already sold"
        if not self.custodian(p.collection, p.owner):
            return "not in brand custody"
        return self.check_move(token, T_FIRST_SALE, buyer)

    # --- moves: every one passes the contract's `_update` ------------------------------

    def move_kind(self, token: int, to: str) -> int | None:
        """The kind `_update` derives for a plain transfer, or None when it refuses it."""
        p = self.passports[token]
        if p.sold:
            return T_PRIVATE
        return T_CUSTODY if self.custodian(p.collection, to) else None

    def check_move(self, token: int, kind: int | None, to: str | None = None) -> str | None:
        p = self.passports[token]
        if to == p.owner:
            return "a move to oneself"
        if p.status != S_ACTIVE and not (kind == T_RECOVERY and p.status in (S_LOST, S_STOLEN)):
            return "not transferable"
        if kind is None:
            return "first sale only by a retailer"
        if not p.sold and kind not in (T_FIRST_SALE, T_CUSTODY):
            return "not sold"
        return None

    def check_transfer(self, token: int, sender: str, to: str) -> str | None:
        p = self.passports[token]
        refused = self.check_move(token, self.move_kind(token, to), to)
        if refused:
            return refused
        return None if sender in (p.owner, p.approved) or self.operates(token, sender) else "not owner nor approved"

    def operates(self, token: int, sender: str) -> bool:
        """`sender` is an operator of all the passports the owner holds in this collection."""
        p = self.passports[token]
        return (p.collection, p.owner, sender) in self.operators

    def apply_approval_for_all(self, collection: int, owner: str, operator: str, approved: bool) -> None:
        entry = (collection, owner, operator)
        self.operators.add(entry) if approved else self.operators.discard(entry)

    def apply_move(self, token: int, to: str, kind: int, agent: str) -> None:
        """Everything granted during the ownership that ends dies with it."""
        p = self.passports[token]
        p.history.ownership(p.owner, to, kind, agent)
        p.owner, p.approved, p.nonce, p.recovery, p.grants = to, None, p.nonce + 1, None, set()
        p.claim_open = False
        if p.status != S_ACTIVE:
            p.reporter = to  # a recovery carries the report
        if kind == T_FIRST_SALE:
            p.sold = True

    # What a grant is bound to: a signature to the nonce it was signed at (a report, a rebind
    # and `revokeSignatures` advance it); an approval and a chip claim to the ownership (nonce
    # None): both outlive a report, which signs nothing away, and die with the next move.
    OWNERSHIP_GRANTS = ("operator", "chip claim")

    def grant(self, token: int, what: str, who: str) -> None:
        """The current owner authorised `what` for `who`: an operator (ERC-721 keeps one per
        passport, so a new approval replaces the last), a reseller's consent, a recovery to `who`,
        a claim by chip `who`, a rebind to chip `who`."""
        p = self.passports[token]
        if what == "operator":
            p.grants = {g for g in p.grants if g[0] != "operator"}
        p.grants.add((what, who, None if what in self.OWNERSHIP_GRANTS else p.nonce))

    def authority(self, token: int, frm: str, kind: int, sender: str, to: str) -> tuple[str | None, str | None]:
        """Who authorised this change of owner: (the authority, None) when the rule explains it,
        else (None, why not). Asked of the chain's OwnershipRecorded events against the owner's
        grants as they stood before the step, independently of the check_* functions."""
        p = self.passports[token]
        if kind == T_FIRST_SALE and not p.sold:
            return "the first sale, by a retailer", None
        if kind == T_CUSTODY and not p.sold:
            return "the brand, in custody", None
        if not p.sold:
            return None, f"kind {kind} before the first sale"
        if frm != p.owner:
            return None, f"moved from {frm}, who is not the current owner"
        if kind == T_PRIVATE:
            if sender == frm:
                return "the owner's own transaction", None
            if ("operator", sender, None) in p.grants:
                return "an operator the owner approved", None
            return ("an operator of all the owner's passports", None) if self.operates(token, sender) else \
                (None, f"{sender} moved it without the owner's approval")
        if kind == T_RESALE:
            return ("the owner's consent for this reseller", None) \
                if ("consent", sender, p.nonce) in p.grants or ("consent", ZERO, p.nonce) in p.grants else \
                (None, f"reseller {sender} had no consent of the owner at nonce {p.nonce}")
        if kind == T_RECOVERY:
            return ("a recovery the owner did not cancel", None) \
                if ("recovery", to, p.nonce) in p.grants and self.brand_active(p.collection) \
                and not self.custodian(p.collection, to) else \
                (None, f"no recovery to {to}, an account of no role, requested during this ownership by an "
                       "active brand")
        if kind == T_CHIP_CLAIM:
            return ("a chip claim the owner opened", None) if ("chip claim", p.chip, None) in p.grants else \
                (None, f"the owner opened no claim for chip {p.chip} during this ownership")
        return None, f"an unexpected kind {kind} after the first sale"

    def chip_authority(self, token: int, chip: str) -> tuple[str | None, str | None]:
        """Who authorised binding `chip` (a ChipBound event): the brand before the first sale, after
        it only the current owner's rebind signed at the current nonce."""
        p = self.passports[token]
        if not p.sold:
            return "a chip bound by the brand before the first sale", None
        return ("a chip rebound with the owner's signed rebind", None) if ("rebind", chip, p.nonce) in p.grants else \
            (None, f"chip {chip} bound to a sold passport without the owner's rebind at nonce {p.nonce}")

    def check_approve(self, token: int, sender: str) -> str | None:
        return None if sender == self.passports[token].owner or self.operates(token, sender) else \
            "not the owner nor an operator of theirs"

    # --- status ------------------------------------------------------------------------

    def check_report(self, token: int, sender: str, status: int) -> str | None:
        p = self.passports[token]
        if status in (S_LOST, S_STOLEN):
            return None if sender == p.owner and p.status == S_ACTIVE else "not owner or not active"
        if status == S_ACTIVE:
            return None if p.status in (S_LOST, S_STOLEN) and sender == p.reporter else "not the reporter"
        if p.status == S_DESTROYED:
            return "already destroyed"
        brand_custody = not p.sold and self.has(p.collection, ADMIN, sender) and self.custodian(p.collection, p.owner)
        if sender != p.owner and not brand_custody:
            return "not the owner"
        return None if p.sold or self.brand_active(p.collection) else "brand not active"

    def apply_report(self, token: int, sender: str, status: int) -> None:
        p = self.passports[token]
        if status in (S_LOST, S_STOLEN):  # a report advances the nonce: what was signed before dies
            self._advance_nonce(p)
        p.reporter = sender if status in (S_LOST, S_STOLEN) else None
        p.status = status
        p.history.status(status, sender)

    # --- resale and recovery -------------------------------------------------------------

    def check_resale(self, token: int, reseller: str, signer: str, named_buyer: str | None, buyer: str,
                     reseller_kind: int, named_reseller: str = ZERO, nonce: int | None = None) -> str | None:
        p = self.passports[token]
        if (reseller, reseller_kind) not in self.registry.accredited:
            return "reseller not accredited"
        if nonce is not None and nonce != p.nonce:
            return "consent signed at another nonce"
        if named_reseller != ZERO and named_reseller != reseller:
            return "consent names another reseller"
        if named_buyer is not None and named_buyer != buyer:
            return "wrong buyer"
        if signer != p.owner:
            return "not signed by the owner"
        return self.check_move(token, T_RESALE, buyer)

    def check_bind_chip(self, token: int, sender: str, roles: tuple) -> str | None:
        p = self.passports[token]
        if not any(self.has(p.collection, role, sender) for role in roles):
            return "not a minter nor a service centre"
        if not self.brand_active(p.collection):
            return "brand not active"
        return "a sold passport's chip is rebound only with the owner's signature" if p.sold else None

    def apply_bind_chip(self, token: int, chip: str) -> None:
        """A claim opened for the previous chip does not carry over, nor one for the same chip."""
        p = self.passports[token]
        p.chip, p.claim_open = chip, False
        p.grants = {g for g in p.grants if g[0] != "chip claim"}

    def check_rebind_chip(self, token: int, sender: str, chip: str, signer: str, nonce: int, expired: bool,
                          roles: tuple = (MINTER, SERVICE)) -> str | None:
        """rebindChip by `sender`, with a ChipRebind that `signer` signed at `nonce`, before the first
        sale and after it."""
        p = self.passports[token]
        if not any(self.has(p.collection, role, sender) for role in roles):
            return "not a minter nor a service centre"
        if not self.brand_active(p.collection):
            return "brand not active"
        if expired:
            return "the rebind request expired"
        return None if signer == p.owner and nonce == p.nonce else "not the current owner's rebind at this nonce"

    def apply_rebind_chip(self, token: int, chip: str) -> None:
        """A rebind uses the nonce: the owner's other signatures die with it; the approval stays."""
        self._advance_nonce(self.passports[token])
        self.apply_bind_chip(token, chip)

    def apply_revoke_signatures(self, token: int) -> None:
        """Every signature of the owner dies, and the approval; an open chip claim is no signature."""
        p = self.passports[token]
        self._advance_nonce(p)
        p.approved = None
        p.grants = {g for g in p.grants if g[0] != "operator"}

    @staticmethod
    def _advance_nonce(p: Passport) -> None:
        """Every signature of the owner dies (a pending recovery is keyed to the nonce too)."""
        p.nonce, p.recovery = p.nonce + 1, None
        p.grants = {g for g in p.grants if g[2] is None}

    def check_set_chip_claim(self, token: int, sender: str) -> str | None:
        p = self.passports[token]
        if sender != p.owner:
            return "not the owner"
        return None if p.chip else "no chip bound"

    def apply_set_chip_claim(self, token: int, is_open: bool, block: int) -> None:
        p = self.passports[token]
        p.claim_open = is_open
        if is_open:
            p.claim_opened_at = block
            self.grant(token, "chip claim", p.chip)
        else:
            p.grants.discard(("chip claim", p.chip, None))

    def check_chip_claim(self, token: int, signer: str, signed_to: str, to: str, nonce: bytes, expired: bool,
                         stale: bool, answered_at: int) -> str | None:
        """claimWithChip with the answer `signer` gave to a challenge for `signed_to`, sent for `to`, over
        block `answered_at`: an answer from before the claim opened (the block before it aside) is none."""
        p = self.passports[token]
        if not p.claim_open:
            return "no chip claim open"
        if expired:
            return "the challenge expired"
        if stale or answered_at + 1 < p.claim_opened_at or signer != p.chip or signed_to != to:
            return "not the bound chip's answer for this recipient"
        if (token, nonce) in self.chip_nonces_used:
            return "the challenge was used"
        return self.check_move(token, T_CHIP_CLAIM, to)

    def check_request_recovery(self, token: int, sender: str, new_owner: str) -> str | None:
        p = self.passports[token]
        if not self.has(p.collection, ADMIN, sender):
            return "not the brand admin"
        if not self.brand_active(p.collection):
            return "brand not active"
        if not p.sold:
            return "not sold"
        if p.status == S_DESTROYED:
            return "destroyed"
        if new_owner == p.owner:
            return "a recovery to the owner"
        if self.custodian(p.collection, new_owner):
            return "a recovery to the brand's own account"
        if p.recovery is not None:
            return "a recovery is pending"
        if p.hold == p.owner and (self.brand_ids[p.collection], p.owner) not in self.registry.recovery_allowed:
            return "the owner cancelled a recovery during her ownership, and no vote allowed one since"
        return None

    def check_cancel_recovery(self, token: int, sender: str) -> str | None:
        p = self.passports[token]
        if p.recovery is None:
            return "no recovery"
        return None if sender == p.owner or self.has(p.collection, ADMIN, sender) else "not owner nor admin"

    def check_complete_recovery(self, token: int) -> str | None:
        p = self.passports[token]
        if p.recovery is None:
            return "no recovery of this ownership"
        if p.recovery[1] >= self.registry.epoch:
            return "not ready"
        if not self.brand_active(p.collection):
            return "brand not active"
        if self.custodian(p.collection, p.recovery[0]):
            return "the new owner holds a role of the brand now"
        return self.check_move(token, T_RECOVERY, p.recovery[0])
