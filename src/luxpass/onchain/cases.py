"""Counterfeit cases: an accredited marketplace files, the brand's council rules."""
from dataclasses import dataclass

from eth_utils import keccak
from web3.logs import DISCARD

from ..chain.sender import Action
from ..errors import InputError
from ..results import cli_name, from_cli_name
from ..spec import Ruling
from ..values import ZERO_ADDRESS, parse_address, passport_hex
from .registry import Consortium

RULINGS = [cli_name(r) for r in Ruling if r is not Ruling.PENDING]  # what a council rules; a case is pending till then


@dataclass
class Case:
    case_id: int
    brand_id: int
    marketplace: str
    listing_ref: str
    collection: str | None
    passport_id: str | None
    evidence_hash: str
    ruling: str
    filed_at: int
    ruled_at: int | None
    reason_hash: str | None


def reference(text: str) -> bytes:
    """The hash stored for a listing reference or a piece of evidence: the chain never sees either."""
    return keccak(text=text)


class CaseBook:
    def __init__(self, consortium: Consortium):
        self.consortium = consortium
        self.chain = consortium.chain
        self.sender = consortium.sender
        self.contract = self.chain.contract("CounterfeitCases", consortium.cases_address())

    def file(self, brand_ref, listing: str, evidence: str, collection: str | None = None,
             passport_id: int | None = None) -> Case:
        """File a case, once per listing and brand: a listing already filed is refused with its case."""
        brand_id = self.consortium.resolve_brand_id(brand_ref)
        filed_before = [c for c in self.cases(brand_id) if c.listing_ref == "0x" + reference(listing).hex()]
        if filed_before:
            raise InputError(f"listing {listing!r} is already case {filed_before[0].case_id} "
                             f"({filed_before[0].ruling})", "see `luxpass cases list`; file each listing once")
        if passport_id is not None and collection is None:
            collection = self.consortium.brand(brand_id).collection
        call = self.contract.functions.fileCase(brand_id, reference(listing),
                                                parse_address(collection, "collection") if collection else
                                                ZERO_ADDRESS, passport_id or 0, reference(evidence))
        def read(receipt) -> Case:
            filed = self.contract.events.CaseFiled().process_receipt(receipt, errors=DISCARD)
            return self.case(filed[0]["args"]["caseId"])
        return self.sender.submit(Action.of(call, f"file a case against listing {listing!r}", read,
                                            f"file case {self.contract.address} {brand_id} 0x{reference(listing).hex()}"))

    def rule(self, case_id: int, ruling: str, reason: str) -> Case:
        if ruling not in RULINGS:
            raise InputError(f"unknown ruling {ruling!r}", f"use one of {', '.join(RULINGS)}")
        call = self.contract.functions.ruleCase(case_id, from_cli_name(Ruling, ruling), reference(reason))
        return self.sender.submit(Action.of(call, f"rule case {case_id} {ruling}", lambda _: self.case(case_id),
                                            f"rule case {self.contract.address} {case_id} {ruling}"))

    def case(self, case_id: int) -> Case:
        (marketplace, filed_at, ruled_at, ruling, brand_id, collection, token_id, listing_ref, evidence,
         reason) = self.chain.call(self.contract.functions.caseOf(case_id))
        named = int(collection, 16) != 0
        return Case(case_id, brand_id, marketplace, "0x" + bytes(listing_ref).hex(), collection if named else None,
                    passport_hex(token_id) if named and token_id else None, "0x" + bytes(evidence).hex(),
                    cli_name(Ruling(ruling)), filed_at, ruled_at or None, "0x" + bytes(reason).hex() if ruled_at else None)

    def cases(self, brand_ref=None, marketplace: str | None = None) -> list[Case]:
        count = self.chain.call(self.contract.functions.caseCount())
        found = [self.case(i) for i in range(1, count + 1)]
        if brand_ref is not None:
            brand_id = self.consortium.resolve_brand_id(brand_ref)
            found = [c for c in found if c.brand_id == brand_id]
        if marketplace is not None:
            marketplace = parse_address(marketplace, "marketplace")
            found = [c for c in found if c.marketplace == marketplace]
        return found


