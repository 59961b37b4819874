"""The contracts' invariants as one stateful property: random sequences of votes, admissions,
suspensions, council rotations and replacements, role grants, mints, lifecycle events, transfers
(by owners, approved operators and operators of all an owner's passports), consented resales,
status reports, recoveries, chip bindings and rebinds and chip claims by many actors, and owners'
transfers, reports, revocations and recovery cancels signed for the forwarder and submitted by
anyone, now or replayed later, against the Python model in invariant_model.py.

Every step must be accepted by the contract exactly when the model accepts it; after every
step the chain must equal the model, and:
- each passport has exactly one owner and the balances add up;
- a lost, stolen or destroyed passport did not move, except by a recovery of a lost or stolen one;
- no account wrote a brand record (mint, first sale, lifecycle event, role, recovery request)
  in a collection of a brand in which it held no role for it;
- a passport's chip and chip-claim flag are the model's (the flag closes on every move and bind);
- the owner rule, asked of the chain's events and not of the model's predictions: every change
  of a sold passport's owner, and every chip bound to it, is explained by an authorisation its
  current owner gave during the current ownership (the figures count who authorised each; for
  a relayed move, the agent is the request's signer, never its submitter);
- every passport's history head is the fold of its records (model each step; logs each run);
- a member's vote counted once;
- membership and accreditations changed only in the vote that carried a proposal;
- each brand's council, its pending replacement, and its collection's admin are the model's: a
  council changes only by its own rotation or a replacement the other members carried, and the
  admin role moves with it in the same transaction, by the registry alone.

LUXPASS_FUZZ_STEPS sets how many steps run in all (default 240; `make fuzz` runs thousands)."""
import math
import os
import time
from dataclasses import dataclass, field

import brownie
from brownie.exceptions import VirtualMachineError
from contract_helpers import (
    ACCREDIT,
    ALLOW_RECOVERY,
    ADMIT,
    DEFAULT_ADMIN_ROLE,
    MINTER_ROLE,
    REINSTATE,
    REMOVE,
    REPLACE_COUNCIL,
    RESELLER,
    RETAILER_ROLE,
    REVOKE,
    S_ACTIVE,
    S_DESTROYED,
    S_LOST,
    S_STOLEN,
    SERVICE_ROLE,
    SUSPEND,
    WEEK,
    History,
    commitment,
)
from eth_account import Account
from eth_utils import keccak
from hypothesis import HealthCheck, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)
from invariant_model import (
    ADMIN,
    MINTER,
    RETAILER,
    SERVICE,
    T_CHIP_CLAIM,
    T_FIRST_SALE,
    T_MINT,
    T_PRIVATE,
    T_RECOVERY,
    T_RESALE,
    ZERO,
    Collections,
    Proposal,
    Registry,
)
from test_passport_owner_rule import chip_signature, rebind_signature
from test_passport_resale import CONSENT_TYPES, sign
from web3 import HTTPProvider, Web3

from luxpass.chain.accounts import dev_account
from luxpass.onchain.forwarder import ForwardRequest, owner_action
from luxpass.onchain.forwarder import sign as sign_request

STEPS = int(os.environ.get("LUXPASS_FUZZ_STEPS", "240"))
STEPS_PER_RUN = 40
SHORT_RUNS = 10
FOCUS_PICKS = 16  # of the 64 values of a passport pick
ROLE_IDS = {ADMIN: DEFAULT_ADMIN_ROLE, MINTER: MINTER_ROLE, RETAILER: RETAILER_ROLE, SERVICE: SERVICE_ROLE}
STATUS = {"lost": S_LOST, "stolen": S_STOLEN, "found": S_ACTIVE, "destroyed": S_DESTROYED}

# Who may try each kind of action; role holders are listed more than once so that most
# attempts of a brand action come from someone who may make it.
EVERYONE = ["council1", "council2", "council3", "minter", "retailer", "servicer", "rival_staff", "alice", "bob",
            "stranger", "newcomer", "heir1", "heir2"]
VOTERS = ["council1", "council2", "council3"] * 2 + ["newcomer", "stranger", "heir1", "heir2"]
MINTERS = [("minter", 0)] * 4 + [("rival_staff", 1)] * 3 + [("rival_staff", 0), ("minter", 1), ("retailer", 0),
                                                             ("council1", 0), ("stranger", 1)]  # (sender, collection)
CUSTODIANS = ["self"] * 4 + ["minter", "retailer", "servicer", "rival_staff", "council1", "council2", "alice"]
RECORDERS = ["minter", "retailer", "servicer", "rival_staff", "council1", "alice"]
RETAILERS = ["retailer", "retailer", "rival_staff", "minter", "bob"]
BUYERS = ["alice", "bob", "stranger", "retailer", "newcomer"]
ADMINS = ["council1", "council2", "council1", "council2", "minter", "stranger", "heir1"]
RESELLERS = ["stranger", "bob"]
SENDERS = ["owner"] * 8 + ["approved", "operator"] + EVERYONE  # "owner": whoever owns the passport now
OPERATORS = ["stranger", "bob", "newcomer", "servicer"]  # accounts an owner makes operators of all their passports
CHIP_SIGNERS = ["bound"] * 3 + ["bob"]  # "bound": the chip bound to the passport; else a key of no chip
# Genuine chips: keys that only sign challenges (no account, no role), bound by a rebind.
CHIPS = {f"chip{i}": Account.from_key(keccak(text=f"luxpass invariant chip {i}")) for i in (1, 2)}
CHIP_STAFF = ["minter", "servicer", "rival_staff", "retailer", "stranger"]
REBIND_SIGNERS = ["owner"] * 4 + ["alice", "bob"]
RELAY_SIGNERS = ["owner"] * 6 + ["approved", "operator", "alice", "bob", "retailer", "council1", "rival_staff"]
RELAYED = {  # what an owner signs for the forwarder: (function, arguments) from (owner, target, token)
    "transfer": lambda owner, target, token: ("transferFrom", (owner, target, token)),
    "stolen": lambda owner, target, token: ("reportStatus", (token, S_STOLEN)),
    "found": lambda owner, target, token: ("reportFound", (token,)),
    "revoke": lambda owner, target, token: ("revokeSignatures", (token,)),
    "cancel": lambda owner, target, token: ("cancelRecovery", (token,)),
}
# Names a member may send straight to the registry, the library's refusals among them: a look-alike in
# Cyrillic, a no-break space, a zero-width space, mixed scripts, another case.
NAMES = ["Atelier Nouveau", "ATELIER NOUVEAU", "Maison aurel", "Orfèvrerie Lune", "Casa Vellutti",
         "M\u0430ison Aurel", "Maison\u00a0Aurel", "Atelier\u200bNouveau", "Orf\u00e8vrerie L\u0443ne",
         "Atelier Nouveau\u00a0Bis", "Atelier-Nouveau"]
NEW_COUNCILS = ["newcomer", "stranger", "council1"]
NEW_SEATS = ["heir1", "heir2", "heir1", "heir2", "newcomer", "council3"]  # councils a seat is handed to

WRITES = {  # brand record events, the role they need, and the argument naming who wrote them
    "LifecycleRecorded": ((MINTER, RETAILER, SERVICE), "by"),
    "RoleGranted": ((ADMIN,), "sender"),
    "RoleRevoked": ((ADMIN,), "sender"),
    "RecoveryRequested": ((ADMIN,), "by"),
}
MEMBERSHIP_EVENTS = ("BrandAdmitted", "BrandStatusChanged", "AccreditationChanged", "CouncilReplacementScheduled",
                     "RecoveryAllowed")


@dataclass
class Figures:
    runs: int = 0
    steps: int = 0  # random steps; the few that seed each run are `seeded`
    seeded: int = 0
    accepted: int = 0
    refused: int = 0
    invariant_checks: int = 0
    passports_minted: int = 0
    passport_checks: int = 0
    proposals: int = 0
    council_changes: int = 0  # rotations and completed replacements
    chip_claims: int = 0  # accepted
    rebinds: int = 0  # accepted rebindChip calls
    relayed: int = 0  # accepted requests relayed by the forwarder
    by_rule: dict = field(default_factory=dict)
    by_authority: dict = field(default_factory=dict)  # accepted owner changes, by who authorised them
    governance: dict = field(default_factory=dict)  # registry changes and recovery requests, by who authorised them
    started: float = field(default_factory=time.monotonic)
    first_failure: str = ""  # where the machine first failed, before hypothesis shrinks it

    def failed(self, message):
        """Note the first failure, with the random steps and time it took to find."""
        if not self.first_failure:
            self.first_failure = (f"invariants: first failure after {self.steps} random steps in {self.runs} runs, "
                                  f"{time.monotonic() - self.started:.0f} s: {message}")
            print(self.first_failure, flush=True)


FIGURES = Figures()


def _authorised(change, count=1):
    if count:
        FIGURES.governance[change] = FIGURES.governance.get(change, 0) + count


class Consortium(RuleBasedStateMachine):
    """Founders 1-3 with brand 1's collection (minter, retailer, servicer) and brand 2's (rival_staff)."""

    env: dict = {}  # accounts and contracts, set by the test before running

    def __init__(self):
        super().__init__()
        brownie.chain.revert()
        env = self.env
        self.a = env["actors"]
        self.name_of = {account.address: name for name, account in self.a.items()}
        self.registry, self.collections = env["registry"], env["collections"]
        self.w3 = Web3(HTTPProvider(brownie.web3.provider.endpoint_uri))
        self.reads = [self.w3.eth.contract(address=c.address, abi=c.abi) for c in self.collections]
        self.read_registry = self.w3.eth.contract(address=self.registry.address, abi=self.registry.abi)
        self.index_of = {c.address: i for i, c in enumerate(self.collections)}
        self.start_block = brownie.web3.eth.block_number + 1
        councils = [self.a[f"council{i}"].address for i in (1, 2, 3)]
        self.model = Registry(councils, env["founders"], self.registry.quorumBps())
        roles = [{ADMIN: {councils[0]}, MINTER: {self.a["minter"].address}, RETAILER: {self.a["retailer"].address},
                  SERVICE: {self.a["servicer"].address}},
                 {ADMIN: {councils[1]}, **{r: {self.a["rival_staff"].address} for r in (MINTER, RETAILER, SERVICE)}}]
        self.passports = Collections(self.model, [1, 2], roles)
        self.tokens: list[int] = []
        self.frozen: dict[int, str] = {}
        self.touched_proposal = 0
        self.signed = []  # every consent signed in this run, for front-runners to resubmit
        self.chip_answers = []  # every chip answer of this run, for front-runners to resubmit
        self.rebinds = []  # every ChipRebind signed in this run, for staff to resubmit
        self.fwd_nonces = {}  # each signer's next forwarder nonce
        self.kept_requests = []  # relayed requests signed and kept, for later replays
        self.forwarder_domain = dict(zip(("name", "version", "chainId", "verifyingContract"),
                                         env["forwarder"].eip712Domain()[1:5]))
        self.focus = None
        FIGURES.runs += 1
        steps = FIGURES.steps
        self._seed()
        FIGURES.seeded += FIGURES.steps - steps
        FIGURES.steps = steps

    def _seed(self):
        """Each run starts with passports in both collections, one of them chipped and sold to alice
        and one reported lost, an accredited reseller, and an open proposal to suspend brand 3."""
        self.mint(("minter", 0), "self", 2)
        self.mint(("rival_staff", 1), "self", 1)
        self.bind_chip("servicer", 0)
        self.first_sale("retailer", 0, "alice")
        self.focus = self.tokens[1]
        self.report("owner", 0, "lost")
        self.propose("council1", "accreditation", 0, 0, "", "stranger", True)
        self.vote("council2", 0, True)
        self.propose("council1", "status", 3, SUSPEND, "", "stranger", False)

    # --- governance ------------------------------------------------------------------------

    @rule(proposer=st.sampled_from(VOTERS), what=st.sampled_from(["status", "status", "admission", "accreditation"]),
          brand_id=st.integers(1, 4), kind=st.sampled_from([SUSPEND, SUSPEND, REINSTATE, REINSTATE, REMOVE]),
          name=st.sampled_from(NAMES), account=st.sampled_from(NEW_COUNCILS + RESELLERS), grant=st.booleans())
    def propose(self, proposer, what, brand_id, kind, name, account, grant):
        """A brand status change, an admission or an accreditation; the proposer's yes counts."""
        sender, target, epoch = self._from(proposer), self.a[account], self.model.epoch
        if what == "status":
            p = Proposal(kind, brand_id, None, "", 0, epoch)
            send = lambda: self.registry.proposeBrandStatus(brand_id, kind, sender)  # noqa: E731
        elif what == "admission":
            p = Proposal(ADMIT, 0, target.address, name, 0, epoch, symbol=name.upper())
            send = lambda: self.registry.proposeAdmission(name, name.upper(), target, sender)  # noqa: E731
        else:
            p = Proposal(ACCREDIT if grant else REVOKE, 0, target.address, "", RESELLER, epoch)
            send = lambda: self.registry.proposeAccreditation(target, RESELLER, grant, sender)  # noqa: E731
        address = self.a[proposer].address
        refused = self.model.check_proposal(address, p)
        tx = self._act("propose", refused, send)
        if tx:
            self._check_membership_events(tx, self.model.passes(1, p))
            self.touched_proposal = self.model.apply_proposal(address, p)
            FIGURES.proposals += 1

    @precondition(lambda self: self.model.proposals)
    @rule(voter=st.sampled_from(VOTERS), pick=st.integers(0, 63), support=st.booleans())
    def vote(self, voter, pick, support):
        count = len(self.model.proposals)  # half the votes go to the newest proposal; count + 1 is unknown
        proposal_id = count if pick < 32 else pick % (count + 1) + 1
        brand = self.model.active_member(self.a[voter].address)
        refused = self.model.check_vote(self.a[voter].address, proposal_id, support)
        carries = not refused and support and self.model.passes(
            self.model.active_among(self.model.proposals[proposal_id].yes + [brand]), self.model.proposals[proposal_id])
        tx = self._act("vote", refused, lambda: self.registry.vote(proposal_id, support, self._from(voter)))
        if tx:
            self._check_membership_events(tx, carries)
            self.model.apply_vote(proposal_id, brand, support)
            self.touched_proposal = proposal_id

    @rule(proposer=st.sampled_from(VOTERS), brand_id=st.integers(1, 4), seat=st.sampled_from(NEW_SEATS))
    def propose_replacement(self, proposer, brand_id, seat):
        """Other members propose to replace a brand's council (the brand itself may not)."""
        address, council = self.a[proposer].address, self.a[seat].address
        p = Proposal(REPLACE_COUNCIL, brand_id, council, "", 0, self.model.epoch)
        tx = self._act("propose_replacement", self.model.check_proposal(address, p),
                       lambda: self.registry.proposeCouncilReplacement(brand_id, council, self._from(proposer)))
        if tx:
            self._check_membership_events(tx, False)  # two yes votes are needed: a proposal never carries alone
            self.touched_proposal = self.model.apply_proposal(address, p)
            FIGURES.proposals += 1

    @rule(sender=st.sampled_from(VOTERS), seat=st.sampled_from(NEW_SEATS))
    def rotate_council(self, sender, seat):
        address, council = self.a[sender].address, self.a[seat].address
        tx = self._act("rotate_council", self.model.check_rotation(address, council),
                       lambda: self.registry.rotateCouncil(council, self._from(sender)))
        if tx:
            self._seat(self.model.brand_of(address), council, tx)

    @rule(sender=st.sampled_from(EVERYONE), brand_id=st.integers(1, 4))
    def complete_replacement(self, sender, brand_id):
        tx = self._act("complete_replacement", self.model.check_completion(brand_id),
                       lambda: self.registry.completeCouncilReplacement(brand_id, self._from(sender)))
        if tx:
            council, _ = self.model.pending.pop(brand_id)
            self._seat(brand_id, council, tx)

    @rule(brand_id=st.integers(1, 3), seat=st.sampled_from(NEW_SEATS), how=st.sampled_from(["rotation", "replacement"]),
          support=st.booleans())
    def seat_moves_with_proposals_open(self, brand_id, seat, how, support):
        """A council (or the thief of its key) opens a proposal and votes on another's, then its seat
        moves, by its own rotation or by the others' replacement: its proposals close and its votes
        are withdrawn, so the new council has a free quota and votes afresh."""
        holder = self.name_of[self.model.council[brand_id]]
        others = [self.name_of[c] for b, c in sorted(self.model.council.items()) if b != brand_id]
        self.propose(others[0], "accreditation", 0, 0, "", "bob", True)
        self.vote(holder, 0, support)
        self.propose(holder, "accreditation", 0, 0, "", "stranger", True)
        if how == "rotation":
            self.rotate_council(holder, seat)
        else:
            self.propose_replacement(others[0], brand_id, seat)
            self.vote(others[1], 0, True)
            self.time_passes()
            self.complete_replacement("stranger", brand_id)

    def _seat(self, brand_id, council, tx):
        old, closed, withdrawn = self.model.apply_rotation(brand_id, council)
        assert tx.events["CouncilRotated"].values() == [brand_id, old, council]
        assert len(tx.events["ProposalWithdrawn"]) == closed if closed else "ProposalWithdrawn" not in tx.events
        assert len(tx.events["VoteWithdrawn"]) == withdrawn if withdrawn else "VoteWithdrawn" not in tx.events
        how = "its own rotation" if tx.fn_name == "rotateCouncil" else "the replacement the other members carried"
        _authorised(f"a council seat, by {how}")
        _authorised(f"a proposal closed with its council's seat, by {how}", closed)
        _authorised(f"a vote withdrawn with its council's seat, by {how}", withdrawn)
        assert not any(name in tx.events for name in MEMBERSHIP_EVENTS)
        if brand_id - 1 < len(self.passports.roles):  # the collections under test are brands 1 and 2
            roles = self.passports.roles[brand_id - 1]
            for role in (MINTER, RETAILER, SERVICE):  # the old key keeps none of the roles it gave itself
                if old in roles[role]:
                    roles[role].discard(old)
                    _authorised(f"a {role} role ended with its holder's council seat, by {how}")
            roles[ADMIN].discard(old)
            roles[ADMIN].add(council)
        FIGURES.council_changes += 1

    # --- brand roles and records -----------------------------------------------------------

    @rule(sender=st.sampled_from(ADMINS), collection=st.integers(0, 1),
          role=st.sampled_from([MINTER, RETAILER, SERVICE] * 2 + [ADMIN]), account=st.sampled_from(EVERYONE),
          grant=st.booleans())
    def set_role(self, sender, collection, role, account, grant):
        """The brand admin grants and revokes staff roles; the admin role itself (a spare admin key
        that would outlive a council replacement) moves only with the council, by the registry."""
        c = self.collections[collection]
        fn = c.grantRole if grant else c.revokeRole
        if self._act("set_role", self.passports.check_role_change(collection, self.a[sender].address, role),
                     lambda: fn(ROLE_IDS[role], self.a[account], self._from(sender))):
            self.passports.apply_role_change(collection, role, self.a[account].address, grant)

    @rule(minter=st.sampled_from(MINTERS), to=st.sampled_from(CUSTODIANS), batch=st.integers(1, 2))
    def mint(self, minter, to, batch):
        (sender, collection), to = minter, minter[0] if to == "self" else to
        c, minter, owner = self.collections[collection], self.a[sender].address, self.a[to].address
        commits = [commitment(f"invariant-{FIGURES.passports_minted}-{i}") for i in range(batch)]
        send = (lambda: c.mint(owner, commits[0], self._from(sender))) if batch == 1 else \
            (lambda: c.mintBatch(owner, commits, self._from(sender)))
        if self._act("mint", self.passports.check_mint(collection, minter, owner), send):
            for commit in commits:
                token = int(commit, 16)
                self.passports.apply_mint(collection, owner, token)
                self.tokens.append(token)
                FIGURES.passports_minted += 1

    @precondition(lambda self: self.tokens)
    @rule(sender=st.sampled_from(RECORDERS), pick=st.integers(0, 63), kind=st.integers(0, 7))
    def record_event(self, sender, pick, kind):
        token, c, p = self._passport(pick)
        details = keccak(text=f"details {FIGURES.steps}")
        by = self.a[sender].address
        if self._act("record_event", self.passports.check_event(token, by, kind),
                     lambda: c.recordEvent(token, kind, details, self._from(sender))):
            p.history.lifecycle(kind, details, by)

    @precondition(lambda self: self.tokens)
    @rule(sender=st.sampled_from(RETAILERS), pick=st.integers(0, 63), buyer=st.sampled_from(BUYERS))
    def first_sale(self, sender, pick, buyer):
        token, c, _ = self._passport(pick)
        seller, to = self.a[sender].address, self.a[buyer].address
        if self._act("first_sale", self.passports.check_first_sale(token, seller, to),
                     lambda: c.firstSale(token, to, self._from(sender))):
            self.passports.apply_move(token, to, T_FIRST_SALE, seller)

    # --- owners ------------------------------------------------------------------------------

    @precondition(lambda self: self.tokens)
    @rule(sender=st.sampled_from(SENDERS), pick=st.integers(0, 63), to=st.sampled_from(EVERYONE),
          safe=st.booleans())
    def transfer(self, sender, pick, to, safe):
        token, c, p = self._passport(pick)
        account = self._who(sender, p)
        target = self.a[to].address
        fn = c.safeTransferFrom if safe else c.transferFrom
        kind = self.passports.move_kind(token, target)
        if self._act("transfer", self.passports.check_transfer(token, account.address, target),
                     lambda: fn(p.owner, target, token, {"from": account})):
            self.passports.apply_move(token, target, kind, account.address)

    @precondition(lambda self: self.tokens)
    @rule(sender=st.sampled_from(SENDERS), pick=st.integers(0, 63), operator=st.sampled_from(EVERYONE))
    def approve(self, sender, pick, operator):
        token, c, p = self._passport(pick)
        account = self._who(sender, p)
        if self._act("approve", self.passports.check_approve(token, account.address),
                     lambda: c.approve(self.a[operator], token, {"from": account})):
            p.approved = self.a[operator].address
            self.passports.grant(token, "operator", p.approved)

    @rule(sender=st.sampled_from(["alice", "bob", "stranger", "retailer"]), collection=st.integers(0, 1),
          operator=st.sampled_from(OPERATORS), approved=st.sampled_from([True, True, False]))
    def set_approval_for_all(self, sender, collection, operator, approved):
        """An owner makes an account the operator of all their passports in a collection (a
        marketplace), or stops: the operator then moves and approves any of them, held now or later."""
        owner, target = self.a[sender].address, self.a[operator].address
        if self._act("set_approval_for_all", None, lambda: self.collections[collection].setApprovalForAll(
                target, approved, self._from(sender))):
            self.passports.apply_approval_for_all(collection, owner, target, approved)

    @precondition(lambda self: self.tokens)
    @rule(sender=st.sampled_from(SENDERS + ["council1", "council2"]), pick=st.integers(0, 63),
          what=st.sampled_from(list(STATUS)))
    def report(self, sender, pick, what):
        token, c, p = self._passport(pick)
        account = self._who(sender, p)
        status = STATUS[what]
        send = {"found": lambda: c.reportFound(token, {"from": account}),
                "destroyed": lambda: c.markDestroyed(token, {"from": account})}.get(
            what, lambda: c.reportStatus(token, status, {"from": account}))
        if self._act("report", self.passports.check_report(token, account.address, status), send):
            self.passports.apply_report(token, account.address, status)

    @precondition(lambda self: self.tokens)
    @rule(reseller=st.sampled_from(RESELLERS), pick=st.integers(0, 63), buyer=st.sampled_from(BUYERS),
          signer=st.sampled_from(["owner", "owner", "owner", "alice", "bob"]),
          named=st.sampled_from(["anyone", "buyer", "buyer", "alice"]),
          via=st.sampled_from(["self", "self", "anyone", "other"]))
    def resell(self, reseller, pick, buyer, signer, named, via="self"):
        token, c, p = self._passport(pick)
        signing = self._who(signer, p)
        named_buyer = None if named == "anyone" else self.a[buyer if named == "buyer" else named].address
        other = next(r for r in RESELLERS if r != reseller)
        named_reseller = {"self": self.a[reseller].address, "anyone": ZERO, "other": self.a[other].address}[via]
        message = {"chainId": brownie.chain.id, "collection": c.address, "tokenId": token,
                   "reseller": named_reseller, "buyer": named_buyer or ZERO, "termsHash": keccak(text="EUR 4,800"),
                   "nonce": p.nonce, "deadline": brownie.chain.time() + 3600}
        consent = tuple(message[n] for n, _ in CONSENT_TYPES)
        signature = sign(c, "ResaleConsent", message, self.env["keys"][signing.address])
        if signing.address == p.owner:
            self.passports.grant(token, "consent", named_reseller)
        self.signed.append((c, consent, signature, signing.address, named_buyer, named_reseller, self.model.epoch))
        self._submit_consent(*self.signed[-1], reseller, buyer)

    @precondition(lambda self: self.signed)
    @rule(pick=st.integers(0, 63), reseller=st.sampled_from(RESELLERS), buyer=st.sampled_from(BUYERS))
    def resubmit_consent(self, pick, reseller, buyer):
        """A front-runner (or the seller's reseller, again) submits a consent signed earlier, by
        whichever reseller and for whichever buyer it likes: after its use, after the passport
        moved, after the owner revoked signatures, or past its deadline (an hour: signed in an earlier
        epoch), it must not move anything."""
        self._submit_consent(*self.signed[pick % len(self.signed)], reseller, buyer)

    def _submit_consent(self, c, consent, signature, signer, named_buyer, named_reseller, epoch, reseller, buyer):
        token = consent[2]
        # no record of used consents: the model refuses a used one by the nonce it names alone
        expired = epoch != self.model.epoch
        refused = "the consent expired" if expired else self.passports.check_resale(
            token, self.a[reseller].address, signer, named_buyer, self.a[buyer].address, RESELLER, named_reseller,
            consent[6])
        if self._act("resell", refused, lambda: c.resell(consent, self.a[buyer], signature, self._from(reseller))):
            self.passports.apply_move(token, self.a[buyer].address, T_RESALE, self.a[reseller].address)

    @precondition(lambda self: self.tokens)
    @rule(sender=st.sampled_from(SENDERS), pick=st.integers(0, 63))
    def revoke_signatures(self, sender, pick):
        token, c, p = self._passport(pick)
        account = self._who(sender, p)
        if self._act("revoke_signatures", None if account.address == p.owner else "not the owner",
                     lambda: c.revokeSignatures(token, {"from": account})):
            self.passports.apply_revoke_signatures(token)

    @precondition(lambda self: self.tokens)
    @rule(signer=st.sampled_from(RELAY_SIGNERS), pick=st.integers(0, 63), to=st.sampled_from(EVERYONE),
          relayer=st.sampled_from(EVERYONE), keep=st.sampled_from([False, False, True]))
    def relayed_gift(self, signer, pick, to, relayer, keep):
        """A transfer signed for the forwarder and submitted by anyone (see `relayed`)."""
        self.relayed(signer, pick, "transfer", to, relayer, keep)

    @precondition(lambda self: self.tokens)
    @rule(signer=st.sampled_from(RELAY_SIGNERS), pick=st.integers(0, 63), what=st.sampled_from(list(RELAYED)),
          to=st.sampled_from(EVERYONE), relayer=st.sampled_from(EVERYONE), keep=st.sampled_from([False, False, True]))
    def relayed_action(self, signer, pick, what, to, relayer, keep):
        """An owner's action signed for the forwarder and submitted by anyone (see `relayed`)."""
        self.relayed(signer, pick, what, to, relayer, keep)

    def relayed(self, signer, pick, what, to, relayer, keep):
        """An owner's action signed for the forwarder and submitted by anyone; a kept request is
        not sent now, for a later replay (`replay_relayed`)."""
        token, c, p = self._passport(pick)
        account = self._who(signer, p)
        target = self.a[to].address
        name, args = RELAYED[what](p.owner, target, token)
        sender = account.address
        request = ForwardRequest(sender, c.address, 0, 400_000, self.fwd_nonces.get(sender, 0),
                                 brownie.chain.time() + 3600, owner_action(name, args, p.nonce).data)
        signed = (request, sign_request(self.forwarder_domain, request, self.env["keys"][sender]), token, what, target)
        if keep:
            self.kept_requests.append(signed)
        else:
            self._submit_relayed(signed, relayer)

    @precondition(lambda self: self.kept_requests)
    @rule(pick=st.integers(0, 63), relayer=st.sampled_from(EVERYONE))
    def replay_relayed(self, pick, relayer):
        """A request signed earlier, sent now by anyone: used already, signed at another forwarder
        nonce, or for a passport that moved, was reported or had its signatures revoked since."""
        signed = self.kept_requests[pick % len(self.kept_requests)]
        if signed[0].deadline <= brownie.chain.time() + 60:
            return  # expired, or about to: too close to call
        self._submit_relayed(signed, relayer)

    def _submit_relayed(self, signed, relayer):
        request, signature, token, what, target = signed
        p = self.passports.passports[token]
        sender, named_nonce = request.sender, int.from_bytes(request.data[-32:], "big")
        refused = None
        if request.nonce != self.fwd_nonces.get(sender, 0):
            refused = "signed at another forwarder nonce"
        elif named_nonce != p.nonce:
            refused = "signed at another passport nonce"
        elif what == "transfer":
            refused = self.passports.check_transfer(token, sender, target)
        elif what == "revoke":
            refused = None if sender == p.owner else "not the owner"
        elif what == "cancel":
            refused = self.passports.check_cancel_recovery(token, sender)
        else:
            refused = self.passports.check_report(token, sender, S_STOLEN if what == "stolen" else S_ACTIVE)
        kind = self.passports.move_kind(token, target)
        if self._act(f"relayed {what}", refused,
                     lambda: self.env["forwarder"].execute(request.execute_args(signature), self._from(relayer))):
            self.fwd_nonces[sender] = self.fwd_nonces.get(sender, 0) + 1
            FIGURES.relayed += 1
            if what == "transfer":
                self.passports.apply_move(token, target, kind, sender)
            elif what == "revoke":
                self.passports.apply_revoke_signatures(token)
            elif what == "cancel":
                self._recovery_cancelled(p, sender)
            else:
                self.passports.apply_report(token, sender, S_STOLEN if what == "stolen" else S_ACTIVE)

    @precondition(lambda self: any(p.status != S_ACTIVE for p in self.passports.passports.values()))
    @rule(pick=st.integers(0, 63), path=st.sampled_from(["transfer", "first_sale", "resell"]),
          to=st.sampled_from(BUYERS))
    def move_a_reported_passport(self, pick, path, to):
        """The ways a passport moves, tried by whoever could move it, on one reported lost, stolen
        or destroyed."""
        reported = [t for t, p in self.passports.passports.items() if p.status != S_ACTIVE]
        self.focus = reported[pick % len(reported)]
        if path == "transfer":
            self.transfer("owner", 0, to, False)
        elif path == "first_sale":
            self.first_sale("retailer", 0, to)
        else:
            self.resell("stranger", 0, to, "owner", "buyer", "self")

    @precondition(lambda self: self.tokens)
    @rule(sender=st.sampled_from(["minter", "servicer", "rival_staff", "retailer", "stranger"]),
          pick=st.integers(0, 63))
    def bind_chip(self, sender, pick):
        """Brand staff bind a chip of their own: before the first sale only, never on a customer's
        passport (after it a rebind needs the owner's signature)."""
        token, c, p = self._passport(pick)
        account = self.a[sender].address
        roles = (MINTER, SERVICE)
        refused = self.passports.check_bind_chip(token, account, roles)
        if self._act("bind_chip", refused, lambda: c.bindChip(token, account, self._from(sender))):
            self.passports.apply_bind_chip(token, account)

    @precondition(lambda self: self.tokens)
    @rule(sender=st.sampled_from(SENDERS), pick=st.integers(0, 63), is_open=st.sampled_from([True, True, False]))
    def set_chip_claim(self, sender, pick, is_open):
        """The owner opens (or closes) a claim by whoever holds the chip: in custody that owner is
        brand staff, after the first sale the customer."""
        token, c, p = self._passport(pick)
        account = self._who(sender, p)
        if tx := self._act("set_chip_claim", self.passports.check_set_chip_claim(token, account.address),
                           lambda: c.setChipClaim(token, is_open, {"from": account})):
            self.passports.apply_set_chip_claim(token, is_open, tx.block_number)

    @precondition(lambda self: self.tokens)
    @rule(pick=st.integers(0, 63), chip=st.sampled_from(CHIP_SIGNERS), to=st.sampled_from(BUYERS + ["servicer"]),
          sender=st.sampled_from(EVERYONE))
    def claim_with_chip(self, pick, chip, to, sender):
        """A holder of the chip answers a fresh challenge naming `to`, and anyone submits it; half
        the picks go to a passport with an open claim."""
        open_claims = [t for t, p in self.passports.passports.items() if p.claim_open]
        if open_claims and pick >= 32:
            self.focus, pick = open_claims[pick % len(open_claims)], 0
        token, c, p = self._passport(pick)
        signer = p.chip if chip == "bound" and p.chip else self.a["bob" if chip == "bound" else chip].address
        target = self.a[to].address
        deadline = brownie.chain.time() + 600
        block, nonce, signature = chip_signature(c, token, Account.from_key(self.env["keys"][signer]), target,
                                                 deadline, keccak(text=f"chip challenge {FIGURES.steps}"))
        answer = (token, signer, target, deadline, block, nonce, signature, self.model.epoch)
        self.chip_answers.append(answer)
        self._submit_chip_answer(answer, target, sender)

    @precondition(lambda self: self.chip_answers)
    @rule(pick=st.integers(0, 63), thief=st.sampled_from(EVERYONE))
    def front_run_chip_claim(self, pick, thief):
        """A front-runner resubmits a chip answer it saw, with `to` set to itself (the answer's own
        recipient replays it): the chip signed for someone else, so nothing may move."""
        self._submit_chip_answer(self.chip_answers[pick % len(self.chip_answers)], self.a[thief].address, thief)

    def _submit_chip_answer(self, answer, to, sender):
        token, signer, signed_to, deadline, block, nonce, signature, epoch = answer
        c = self.collections[self.passports.passports[token].collection]
        self.focus = token
        stale = brownie.chain.height + 1 - block > 256  # blockhash() reaches back 256 blocks
        refused = self.passports.check_chip_claim(token, signer, signed_to, to, nonce, epoch != self.model.epoch,
                                                  stale, block)
        if self._act("claim_with_chip", refused,
                     lambda: c.claimWithChip(token, to, deadline, block, nonce, signature, self._from(sender))):
            self.passports.chip_nonces_used.add((token, nonce))
            FIGURES.chip_claims += 1
            self.passports.apply_move(token, to, T_CHIP_CLAIM, self.a[sender].address)

    @precondition(lambda self: self.tokens)
    @rule(sender=st.sampled_from(["service"] * 4 + CHIP_STAFF), pick=st.integers(0, 63),
          chip=st.sampled_from(["chip1", "chip2", "own"]), signer=st.sampled_from(REBIND_SIGNERS),
          when=st.sampled_from(["now"] * 4 + ["stale", "expired"]))
    def rebind_chip(self, sender, pick, chip, signer, when):
        """Brand staff ("service": the service centre of the passport's brand) rebind a chip (a
        genuine one, or their own key) with a ChipRebind signed by the owner, by someone else, at
        an earlier nonce or expired: before and after the first sale, only the current owner's
        signature at the current nonce binds it."""
        token, c, p = self._passport(pick)
        if sender == "service":
            sender = ("servicer", "rival_staff")[p.collection]
        chip_address = self.a[sender].address if chip == "own" else CHIPS[chip].address
        signing = self._who(signer, p)
        nonce = p.nonce - 1 if when == "stale" and p.nonce else p.nonce
        deadline = brownie.chain.time() + (-60 if when == "expired" else 600)
        signature = rebind_signature(c, token, chip_address, self.env["keys"][signing.address], deadline, nonce)
        if signing.address == p.owner and nonce == p.nonce:
            self.passports.grant(token, "rebind", chip_address)
        fresh_in = -1 if when == "expired" else self.model.epoch  # the epoch in which it has not expired
        self.rebinds.append((token, chip_address, signing.address, nonce, deadline, signature, fresh_in))
        self._submit_rebind(self.rebinds[-1], sender)

    @precondition(lambda self: self.rebinds)
    @rule(pick=st.integers(0, 63), sender=st.sampled_from(CHIP_STAFF))
    def resubmit_rebind(self, pick, sender):
        """Staff submit a ChipRebind signed earlier: after its use, after the passport moved or after
        the owner revoked signatures, it binds nothing."""
        self._submit_rebind(self.rebinds[pick % len(self.rebinds)], sender)

    def _submit_rebind(self, request, sender):
        token, chip, signer, nonce, deadline, signature, fresh_in = request
        c = self.collections[self.passports.passports[token].collection]
        self.focus = token
        refused = self.passports.check_rebind_chip(token, self.a[sender].address, chip, signer, nonce,
                                                   fresh_in != self.model.epoch)
        if self._act("rebind_chip", refused, lambda: c.rebindChip(token, chip, deadline, signature,
                                                                  self._from(sender))):
            FIGURES.rebinds += 1
            self.passports.apply_rebind_chip(token, chip)

    @precondition(lambda self: any(p.sold and p.chip and p.status == S_ACTIVE for p in self.passports.passports.values()))
    @rule(pick=st.integers(0, 63), to=st.sampled_from(BUYERS), sender=st.sampled_from(EVERYONE))
    def claim_by_chip_holder(self, pick, to, sender):
        """The owner of a chipped passport opens a claim, and whoever holds the item answers a fresh
        challenge with its chip for the recipient it names (the buyer of a bag sold hand to hand);
        anyone submits the answer: the passport moves to that recipient, unless it is the owner."""
        chipped = [t for t, p in self.passports.passports.items() if p.sold and p.chip and p.status == S_ACTIVE]
        self.focus = chipped[pick % len(chipped)]
        self.set_chip_claim("owner", 0, True)
        self.claim_with_chip(0, "bound", to, sender)

    @precondition(lambda self: any(not p.sold for p in self.passports.passports.values()))
    @rule(pick=st.integers(0, 63), staff=st.sampled_from(["minter", "servicer"]), buyer=st.sampled_from(BUYERS))
    def claim_across_first_sale(self, pick, staff, buyer):
        """Brand staff bind their own key as the chip of a passport in custody, its custodian opens
        a claim, a retailer sells it, and the staff claim it with the chip: the claim died with
        the sale."""
        unsold = [t for t, p in self.passports.passports.items() if not p.sold]
        self.focus = unsold[pick % len(unsold)]
        rival = self.passports.passports[self.focus].collection == 1
        staff = "rival_staff" if rival else staff
        self.bind_chip(staff, 0)
        self.set_chip_claim("owner", 0, True)
        self.first_sale("rival_staff" if rival else "retailer", 0, buyer)
        self.claim_with_chip(0, "bound", staff, staff)

    @precondition(lambda self: any(p.sold and p.chip for p in self.passports.passports.values()))
    @rule(pick=st.integers(0, 63), to=st.sampled_from(BUYERS), path=st.sampled_from(["transfer", "resell"]))
    def claim_across_sale(self, pick, to, path):
        """An owner opens a chip claim and sells the passport; the earlier owner, who kept the chip,
        claims it back: the claim died with the move."""
        chipped = [t for t, p in self.passports.passports.items() if p.sold and p.chip]
        self.focus = chipped[pick % len(chipped)]
        earlier = self.name_of[self.passports.passports[self.focus].owner]
        self.set_chip_claim("owner", 0, True)
        if path == "transfer":
            self.transfer("owner", 0, to, False)
        else:
            self.resell("stranger", 0, to, "owner", "buyer", "self")
        self.claim_with_chip(0, "bound", earlier, earlier)

    # --- recovery and time -----------------------------------------------------------------

    @precondition(lambda self: self.tokens)
    @rule(sender=st.sampled_from(ADMINS), pick=st.integers(0, 63), new_owner=st.sampled_from(EVERYONE))
    def request_recovery(self, sender, pick, new_owner):
        token, c, p = self._passport(pick)
        target = self.a[new_owner].address
        if self._act("request_recovery", self.passports.check_request_recovery(token, self.a[sender].address, target),
                     lambda: c.requestRecovery(token, self.a[new_owner], self._from(sender))):
            p.recovery = (target, self.model.epoch)
            self.passports.grant(token, "recovery", target)
            allowed = p.hold == p.owner  # only a vote of the other members lets the admin ask after her cancel
            _authorised("a recovery request, by the brand admin" + (" and the other members' vote" if allowed else ""))

    @precondition(lambda self: self.tokens)
    @rule(sender=st.sampled_from(SENDERS + ADMINS), pick=st.integers(0, 63))
    def cancel_recovery(self, sender, pick):
        token, c, p = self._passport(pick)
        account = self._who(sender, p)
        if self._act("cancel_recovery", self.passports.check_cancel_recovery(token, account.address),
                     lambda: c.cancelRecovery(token, {"from": account})):
            self._recovery_cancelled(p, account.address)

    def _recovery_cancelled(self, p, by):
        """An owner's cancel holds for her ownership and ends any allowance her brand's members voted."""
        p.recovery, p.grants = None, {g for g in p.grants if g[0] != "recovery"}
        if by == p.owner:
            p.hold = p.owner
            self.model.recovery_allowed.discard((self.passports.brand_ids[p.collection], p.owner))

    @precondition(lambda self: self.tokens)
    @rule(sender=st.sampled_from(EVERYONE), pick=st.integers(0, 63))
    def complete_recovery(self, sender, pick):
        token, c, p = self._passport(pick)
        if self._act("complete_recovery", self.passports.check_complete_recovery(token),
                     lambda: c.completeRecovery(token, self._from(sender))):
            self.passports.apply_move(token, p.recovery[0], T_RECOVERY, self.a[sender].address)
            p.recovery = None
            self.frozen.pop(token, None)  # a recovery carries a lost or stolen report to the new owner

    @precondition(lambda self: any(p.sold and p.status != S_DESTROYED for p in self.passports.passports.values()))
    @rule(pick=st.integers(0, 63), new_owner=st.sampled_from(BUYERS + ["servicer"]), to=st.sampled_from(BUYERS),
          meanwhile=st.sampled_from(["transfer", "resell", "owner cancels", "admin cancels", "revoke", "report",
                                     "staff", "nothing"]))
    def recovery_across_a_move(self, pick, new_owner, to, meanwhile):
        """The brand admin requests a recovery of a sold passport; within the delay the owner sells
        it, cancels the request, revokes signatures or reports it lost, or the admin makes the new
        owner one of its staff (or nothing happens); after
        the delay anyone completes it: only an uncancelled request of the current ownership moves
        the passport, and after an owner's cancel the admin's new request waits."""
        sold = [t for t, p in self.passports.passports.items() if p.sold and p.status != S_DESTROYED]
        self.focus = sold[pick % len(sold)]
        admin = ("council1", "council2")[self.passports.passports[self.focus].collection]
        self.request_recovery(admin, 0, new_owner)
        if meanwhile == "transfer":
            self.transfer("owner", 0, to, False)
        elif meanwhile == "resell":
            self.resell("stranger", 0, to, "owner", "buyer", "self")
        elif meanwhile in ("owner cancels", "admin cancels"):
            self.cancel_recovery("owner" if meanwhile == "owner cancels" else admin, 0)
            self.request_recovery(admin, 0, new_owner)
        elif meanwhile == "revoke":
            self.revoke_signatures("owner", 0)
        elif meanwhile == "report":
            self.report("owner", 0, "lost")
        elif meanwhile == "staff":
            self.set_role(admin, self.passports.passports[self.focus].collection, SERVICE, new_owner, True)
        self.time_passes()
        self.complete_recovery("stranger", 0)

    @precondition(lambda self: any(p.sold and p.status != S_DESTROYED for p in self.passports.passports.values()))
    @rule(pick=st.integers(0, 63), new_owner=st.sampled_from(BUYERS), then=st.sampled_from(
        ["time passes", "the others allow", "the brand allows", "a move"]), proposer=st.sampled_from(VOTERS))
    def recovery_after_a_cancel(self, pick, new_owner, then, proposer):
        """The owner cancels the admin's request; the admin (or the thief of its key) asks again after
        the old 30-day cool-down, after the other members' vote to allow it (or the brand's own
        attempt at one), or after the passport moved: only the vote or the move lets it ask."""
        sold = [t for t, p in self.passports.passports.items() if p.sold and p.status != S_DESTROYED]
        self.focus = sold[pick % len(sold)]
        p = self.passports.passports[self.focus]
        brand_id, admin = self.passports.brand_ids[p.collection], ("council1", "council2")[p.collection]
        self.request_recovery(admin, 0, new_owner)
        self.cancel_recovery("owner", 0)
        if then == "time passes":
            for _ in range(5):
                self.time_passes()
        elif then in ("the others allow", "the brand allows"):
            others = [self.name_of[c] for b, c in sorted(self.model.council.items()) if b != brand_id]
            first = self.name_of[self.model.council[brand_id]] if then == "the brand allows" else others[0]
            self.propose_recovery_allowance(first, brand_id, "owner")
            self.vote(others[-1], 0, True)
        else:
            self.transfer("owner", 0, new_owner, False)
        self.request_recovery(admin, 0, "stranger")

    @rule(proposer=st.sampled_from(VOTERS), brand_id=st.integers(1, 4), owner=st.sampled_from(BUYERS + ["owner"]))
    def propose_recovery_allowance(self, proposer, brand_id, owner):
        """Other members propose to let a brand ask again for an owner who cancelled (the brand may not)."""
        account = self.a[self.name_of[self.passports.passports[self.focus].owner]] if owner == "owner" and self.focus \
            else self.a["alice" if owner == "owner" else owner]
        address = self.a[proposer].address
        p = Proposal(ALLOW_RECOVERY, brand_id, account.address, "", 0, self.model.epoch)
        tx = self._act("propose_recovery_allowance", self.model.check_proposal(address, p),
                       lambda: self.registry.proposeRecoveryAllowance(brand_id, account, self._from(proposer)))
        if tx:
            self._check_membership_events(tx, False)  # two yes votes of the others are needed
            self.touched_proposal = self.model.apply_proposal(address, p)
            FIGURES.proposals += 1

    @precondition(lambda self: any(p.sold and p.status == S_ACTIVE for p in self.passports.passports.values()))
    @rule(pick=st.integers(0, 63), operator=st.sampled_from(["stranger", "bob", "newcomer"]),
          what=st.sampled_from(["lost", "stolen"]), to=st.sampled_from(BUYERS))
    def approval_across_a_report(self, pick, operator, what, to):
        """The owner approves an operator (a marketplace), reports the passport lost or stolen and
        then found, and the operator moves it: the approval is the owner's, of this ownership, and
        outlives the report (approvals die on every move and with revokeSignatures)."""
        sold = [t for t, p in self.passports.passports.items() if p.sold and p.status == S_ACTIVE]
        self.focus = sold[pick % len(sold)]
        self.approve("owner", 0, operator)
        self.report("owner", 0, what)
        self.transfer("approved", 0, to, False)
        self.report("owner", 0, "found")
        self.transfer("approved", 0, to, False)

    @rule()
    def time_passes(self):
        """Open proposals expire; recoveries requested before become ready."""
        FIGURES.steps += 1
        FIGURES.by_rule["time_passes"] = FIGURES.by_rule.get("time_passes", 0) + 1
        self.frozen = {}
        brownie.chain.sleep(WEEK + 3600)
        brownie.chain.mine()
        self.model.epoch += 1

    # --- invariants --------------------------------------------------------------------------

    @invariant()
    def chain_equals_model(self):
        FIGURES.invariant_checks += 1
        try:
            self._compare_chain_with_model()
        except AssertionError as exc:
            FIGURES.failed(f"chain and model differ: {exc}")
            raise

    def _compare_chain_with_model(self):
        registry, m = self.read_registry, self.model
        calls = [registry.functions.brandCount(), registry.functions.activeMemberCount(),
                 registry.functions.proposalCount()]
        calls += [registry.functions.brandStatus(b) for b in m.status]
        calls += [registry.functions.brand(b) for b in m.status]
        calls += [registry.functions.pendingCouncil(b) for b in m.status]
        seats = [self.a[n].address for n in ("council1", "council2", "council3", "newcomer", "heir1", "heir2")]
        calls += [read.functions.hasRole("0x" + "00" * 32, seat) for read in self.reads for seat in seats]
        calls += [registry.functions.isAccredited(self.a[n].address, RESELLER) for n in RESELLERS]
        calls += [registry.functions.proposal(i) for i in m.proposals]
        calls += [registry.functions.proposalState(i) for i in m.proposals]
        ids = [[t for t in self.tokens if self.passports.passports[t].collection == i] for i in range(2)]
        for read, tokens in zip(self.reads, ids):
            calls += [read.functions.passportsState(tokens), read.functions.heads(tokens)]
            calls += [read.functions.balanceOf(account.address) for account in self.a.values()]
        chipped = [t for t in self.tokens if self.passports.passports[t].chip or t == self.focus]
        for token in chipped:
            read = self.reads[self.passports.passports[token].collection].functions
            calls += [read.chipOf(token), read.chipClaimOpen(token)]
        results = iter(self._read(calls))

        assert [next(results) for _ in range(3)] == [len(m.status), m.active_count(), len(m.proposals)]
        assert [next(results) for _ in m.status] == list(m.status.values()), "brand statuses"
        assert [next(results)[1] for _ in m.status] == [m.council[b] for b in m.status], "councils"
        assert [tuple(next(results))[0] for _ in m.status] == [m.pending.get(b, (ZERO,))[0] for b in m.status], \
            "pending council replacements"
        for index in range(len(self.reads)):
            admins = [seat for seat in seats if next(results)]
            assert admins == [seat for seat in seats if seat in self.passports.roles[index][ADMIN]], \
                f"admins of collection {index}"
        for name in RESELLERS:
            assert next(results) == ((self.a[name].address, RESELLER) in m.accredited), f"accreditation of {name}"
        for proposal_id, p in m.proposals.items():
            chain_p = next(results)
            assert (chain_p[8], chain_p[9]) == (len(p.yes), len(p.no)), f"votes of proposal {proposal_id}"
            assert (chain_p[10], chain_p[11]) == (p.executed, p.defeated), f"flags of proposal {proposal_id}"
        for proposal_id in m.proposals:
            assert next(results) == m.state(proposal_id), f"state of proposal {proposal_id}"
        for index, tokens in enumerate(ids):
            self._check_passports(index, tokens, next(results), next(results), [next(results) for _ in self.a])
        for token in chipped:
            p = self.passports.passports[token]
            assert (next(results), next(results)) == (p.chip or ZERO, p.claim_open), f"chip of passport {token:#x}"
        if self.touched_proposal:
            self._check_votes_of(self.touched_proposal)

    def teardown(self):
        try:
            self._check_every_vote()
            self._check_heads_against_logs()
        except AssertionError as exc:
            FIGURES.failed(f"at the end of a run: {exc}")
            raise

    def _check_passports(self, collection, tokens, state, heads, balances):
        for token, there, owner, status, head, count in zip(tokens, *state, *heads):
            p = self.passports.passports[token]
            assert there and owner == p.owner, f"passport {token:#x}: owner {owner}, model {p.owner}"
            assert status == p.status, f"passport {token:#x}: status {status}, model {p.status}"
            assert (head, count) == (p.history.head, p.history.records), f"passport {token:#x}: history head"
            if token in self.frozen:
                assert owner == self.frozen[token], f"passport {token:#x} moved while lost, stolen or destroyed"
        FIGURES.passport_checks += len(tokens)
        for (name, account), balance in zip(self.a.items(), balances):
            assert balance == self.passports.owned_by(collection, account.address), f"balance of {name}"
        assert sum(balances) == len(tokens), "passports held outside the known accounts"

    def _check_votes_of(self, proposal_id):
        p = self.model.proposals[proposal_id]
        registry = self.read_registry.functions
        results = self._read([registry.hasVoted(proposal_id, b) for b in self.model.status]
                             + [registry.tally(proposal_id)])
        voted = [b for b, has in zip(self.model.status, results) if has]
        assert sorted(voted) == sorted(p.yes + p.no), f"voters of proposal {proposal_id}"
        assert len(set(p.yes + p.no)) == len(p.yes + p.no), f"a member voted twice on proposal {proposal_id}"
        assert tuple(results[-1]) == self.model.tally(proposal_id), f"tally of proposal {proposal_id}"

    def _read(self, calls):
        """Every call in one JSON-RPC batch."""
        with self.w3.batch_requests() as batch:
            for call in calls:
                batch.add(call)
            return batch.execute()

    def _check_every_vote(self):
        for proposal_id in self.model.proposals:
            self._check_votes_of(proposal_id)

    def _check_heads_against_logs(self):
        """Re-derive every head from the logs alone, and check each logged head on the way; a plain
        mint is logged by ERC-721's Transfer alone, its record (Ownership, 0, to, Mint, 0)."""
        folds: dict[int, History] = {}
        for read in self.reads:
            logs = [log for log in read.events.Transfer().get_logs(from_block=self.start_block)
                    if log["args"]["from"] == ZERO]
            for event in (read.events.OwnershipRecorded, read.events.LifecycleRecorded, read.events.StatusChanged):
                logs += event().get_logs(from_block=self.start_block)
            for log in sorted(logs, key=lambda entry: (entry["blockNumber"], entry["logIndex"])):
                args, fold = log["args"], folds.setdefault(log["args"]["tokenId"], History())
                if log["event"] == "Transfer":
                    fold.ownership(ZERO, args["to"], T_MINT, ZERO)
                    continue
                if log["event"] == "OwnershipRecorded":  # a claim's record, a mint's, names no agent
                    fold.ownership(args["from"], args["to"], args["kind"], ZERO if args["from"] == ZERO else args["agent"])
                elif log["event"] == "LifecycleRecorded":
                    fold.lifecycle(args["kind"], args["detailsHash"], args["by"])
                else:
                    fold.status(args["current"], args["by"])
                assert fold.head == args["head"], f"logged head of {args['tokenId']:#x} is not the fold"
        for index, read in enumerate(self.reads):
            ids = [t for t in self.tokens if self.passports.passports[t].collection == index]
            heads, _ = read.functions.heads(ids).call()
            assert [folds[t].head for t in ids] == list(heads), "a head differs from the fold of its logs"

    # --- helpers -----------------------------------------------------------------------------

    def _act(self, what, refused, send):
        """Send one action; the contract must accept it exactly when the model does."""
        FIGURES.steps += 1
        FIGURES.by_rule[what] = FIGURES.by_rule.get(what, 0) + 1
        self.frozen = {t: p.owner for t, p in self.passports.passports.items() if p.status != S_ACTIVE}
        self.touched_proposal = 0
        try:
            tx = send()
        except VirtualMachineError as exc:
            self._expect(refused, f"{what}: the contract refused ({exc.revert_msg}) what the model accepts")
            FIGURES.refused += 1
            return None
        # The owner rule is asked first, independently of the model's prediction: its verdict
        # names who took a passport without authority.
        self._expect(not (taken := self._unauthorised(tx)), "; ".join(taken))
        self._expect(not refused, f"{what}: the contract accepted what the model refuses ({refused})")
        FIGURES.accepted += 1
        self._check_writers(tx)
        return tx

    @staticmethod
    def _expect(holds, message):
        if not holds:
            FIGURES.failed(message)
            raise AssertionError(message)

    def _unauthorised(self, tx):
        """Every change of a sold passport's owner is explained by an authorisation its current
        owner gave during the current ownership (the BrandPassport header's rule), and so is every
        chip bound to it: the changes that are not, each with who took the passport (or bound the
        chip) and why the rule does not explain it. The authorities found are counted."""
        taken = []
        for name in ("OwnershipRecorded", "ChipBound"):
            for event in tx.events[name] if name in tx.events else []:
                if event.address not in self.index_of:
                    continue
                if name == "ChipBound":
                    authority, why_not = self.passports.chip_authority(event["tokenId"], event["chip"])
                    who = event["by"]
                else:
                    # who acted: the agent the event names, the signer of a relayed request
                    authority, why_not = self.passports.authority(event["tokenId"], event["from"], event["kind"],
                                                                  event["agent"], event["to"])
                    who = event["to"]
                if why_not:
                    did = "bound a chip" if name == "ChipBound" else "took a passport"
                    taken.append(f"{self.name_of.get(who, who)} {did}: {why_not}")
                else:
                    if name == "OwnershipRecorded" and event["agent"] != tx.sender.address:
                        authority += ", signed and relayed"
                    FIGURES.by_authority[authority] = FIGURES.by_authority.get(authority, 0) + 1
        return taken

    def _check_writers(self, tx):
        """Brand records come only from holders of the brand's role, as held before this step; a
        mint (a Transfer from 0) from a minter, who sent the transaction."""
        for name, (roles, actor) in {**WRITES, "OwnershipRecorded": (None, "agent"), "Transfer": (None, None)}.items():
            for event in tx.events[name] if name in tx.events else []:
                collection = self.index_of.get(event.address)
                if collection is None:
                    continue
                if name == "OwnershipRecorded":
                    roles = {T_FIRST_SALE: (RETAILER,)}.get(event["kind"])
                elif name == "Transfer":
                    roles = (MINTER,) if event["from"] == ZERO else None
                if roles is None:
                    continue
                writer = tx.sender.address if name == "Transfer" else event[actor]
                if name in ("RoleGranted", "RoleRevoked") and writer == self.registry.address:
                    assert "CouncilRotated" in tx.events, "the registry moved a role outside a council change"
                    continue
                assert any(self.passports.has(collection, role, writer) for role in roles), \
                    f"{self.name_of.get(writer, writer)} wrote {name} in collection {collection} without a role"

    def _check_membership_events(self, tx, carries):
        changed = any(name in tx.events for name in MEMBERSHIP_EVENTS)
        assert changed == carries, "membership or accreditation changed outside a carried vote"
        assert ("ProposalExecuted" in tx.events) == carries
        for name in MEMBERSHIP_EVENTS:
            _authorised(f"{name}, by the vote that carried it", len(tx.events[name]) if name in tx.events else 0)

    def _passport(self, pick):
        """A quarter of the picks return to the passport of the last passport action, so that
        sequences (sell, report stolen, try to move it) happen on one passport."""
        token = self.focus if pick < FOCUS_PICKS and self.focus else self.tokens[pick % len(self.tokens)]
        self.focus = token
        p = self.passports.passports[token]
        return token, self.collections[p.collection], p

    def _who(self, name, passport):
        if name == "owner":
            return self.a[self.name_of[passport.owner]]
        if name == "approved" and passport.approved:
            return self.a[self.name_of[passport.approved]]
        if name == "operator":
            operators = sorted(o for c, owner, o in self.passports.operators
                               if c == passport.collection and owner == passport.owner)
            return self.a[self.name_of[operators[0]] if operators else "stranger"]
        return self.a["stranger" if name in ("approved", "operator") else name]

    def _from(self, name):
        return {"from": self.a[name]}


def test_invariants_hold_under_random_sequences(BrandPassport, registry, brand, collections, forwarder, accounts,
                                                councils, deployer, report_figure):
    newcomer, rival_staff, heir1, heir2 = (_unlocked_dev_account(index, deployer) for index in (10, 11, 12, 13))
    for role in (MINTER_ROLE, RETAILER_ROLE, SERVICE_ROLE):
        collections[1].grantRole(role, rival_staff, {"from": councils[1]})
    actors = {"council1": councils[0], "council2": councils[1], "council3": councils[2], "minter": accounts[4],
              "retailer": accounts[5], "servicer": accounts[6], "rival_staff": rival_staff, "alice": accounts[7],
              "bob": accounts[8], "stranger": accounts[9], "newcomer": newcomer, "heir1": heir1, "heir2": heir2}
    keys = {dev_account(i, 31337).address: dev_account(i, 31337).key for i in range(14)}
    keys.update({chip.address: chip.key for chip in CHIPS.values()})
    Consortium.env = {"actors": actors, "registry": registry, "collections": [brand, collections[1]], "keys": keys,
                      "forwarder": forwarder,
                      "founders": [(registry.brand(b)[0], BrandPassport.at(registry.brand(b)[2]).symbol())
                                   for b in (1, 2, 3)]}
    brownie.chain.snapshot()
    started = FIGURES.started = time.monotonic()
    while FIGURES.steps < STEPS:  # hypothesis starts each search with about ten short runs
        runs = SHORT_RUNS + math.ceil((STEPS - FIGURES.steps) / STEPS_PER_RUN)
        run_state_machine_as_test(Consortium, settings=settings(
            max_examples=runs, stateful_step_count=STEPS_PER_RUN, deadline=None, database=None,
            suppress_health_check=list(HealthCheck)))
    figures = (f"invariants: {FIGURES.steps} random steps (and {FIGURES.seeded} seeding) in {FIGURES.runs} runs "
               f"({FIGURES.accepted} accepted, "
               f"{FIGURES.refused} refused as the model predicted), {FIGURES.invariant_checks} invariant checks, "
               f"{FIGURES.passports_minted} passports minted, {FIGURES.passport_checks} passport checks, "
               f"{FIGURES.proposals} proposals, {FIGURES.council_changes} council changes, "
               f"{FIGURES.chip_claims} chip claims, {FIGURES.rebinds} rebinds, {FIGURES.relayed} relayed requests, "
               f"{time.monotonic() - started:.0f} s")
    print(figures)
    print("invariants: steps by rule: " + ", ".join(f"{k} {v}" for k, v in sorted(FIGURES.by_rule.items())))
    print("invariants: owner changes and chip bindings by who authorised them: "
          + ", ".join(f"{k} {v}" for k, v in sorted(FIGURES.by_authority.items())))
    print("invariants: governance changes by who authorised them: "
          + ", ".join(f"{k} {v}" for k, v in sorted(FIGURES.governance.items())))
    report_figure(figures)
    assert FIGURES.steps >= STEPS and FIGURES.passports_minted > 0 and FIGURES.accepted > FIGURES.steps // 4


def test_the_model_explains_an_approval_that_outlived_a_report():
    """An operator the owner approved before reporting the passport lost, and who moves it after
    "found", acts on the owner's authorisation (the contract lets it, as the BrandPassport header
    says); the model once keyed approvals to the nonce, which a report advances, and called that
    move unauthorised. A revoke ends the approval."""
    council, minter, retailer, alice, bob, market = (f"0x{i:040x}" for i in range(1, 7))
    passports = Collections(Registry([council], [("Maison", "MAI")], 6000), [1],
                            [{ADMIN: {council}, MINTER: {minter}, RETAILER: {retailer}, SERVICE: set()}])
    passports.apply_mint(0, minter, 1)
    passports.apply_move(1, alice, T_FIRST_SALE, retailer)
    passports.grant(1, "operator", market)
    passports.apply_report(1, alice, S_LOST)
    passports.apply_report(1, alice, S_ACTIVE)
    assert passports.authority(1, alice, T_PRIVATE, market, bob) == ("an operator the owner approved", None)
    passports.apply_revoke_signatures(1)
    assert passports.authority(1, alice, T_PRIVATE, market, bob)[0] is None


def _unlocked_dev_account(index, funder):
    """Anvil's development key `index` beyond the ten brownie starts with, unlocked on the node
    (brownie's local signing loses track of nonces across the snapshots each run reverts to)."""
    account = brownie.accounts.at(dev_account(index, 31337).address, force=True)
    funder.transfer(account, "10 ether")
    return account
