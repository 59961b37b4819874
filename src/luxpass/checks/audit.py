"""The auditor's proof that no history was dropped, reordered or altered: every passport's head
re-derived from its records and compared with the chain, pinned to one block, in a report whose
canonical digest the auditor signs and may anchor on chain."""
import csv
import json
from dataclasses import dataclass, field
from pathlib import Path

from eth_account import Account
from eth_account.messages import encode_defunct
from eth_utils import keccak

from ..errors import InputError
from ..files import read_json
from ..writes import write_json_new
from ..onchain.collection import Collection, heads_of, screen_codes
from ..onchain.records import ZERO32, Record, fold
from ..onchain.registry import Consortium
from ..results import cli_name
from ..spec import SCREENING_STATUS, Accreditation, Screening, Status
from ..values import passport_hex
from .chunks import ChunkedCalls
from .index import PinnedBlock, pin, read_synced

REPORT_FORMAT = "luxpass-audit/1"
AUDIT = "the audit"
# A passport's status by the code `screen` gives it, "missing" for one the chain does not have.
STATUS_NAMES = tuple(cli_name(SCREENING_STATUS[Screening(code)]) if Screening(code) in SCREENING_STATUS
                     else "missing" for code in range(len(Screening)))


@dataclass
class Discrepancy:
    collection: str
    passport_id: str
    record: int  # 1-based position of the first bad record
    block: int | None
    tx: str | None
    problem: str


@dataclass
class PassportAudit:
    collection: str
    passport_id: str
    status: str
    records_on_chain: int
    records_in_logs: int
    head_on_chain: str
    head_from_logs: str
    ok: bool
    first_bad_record: int | None = None


@dataclass
class AuditResult:
    report: dict
    passports: list = field(default_factory=list)


def check_passport(collection: str, token_id: int, records: list[Record], chain_head: bytes,
                   chain_records: int) -> tuple[bytes, Discrepancy | None]:
    """Fold the records and compare each step with the head the event carried, then the end
    with the chain. Returns the folded head and the first discrepancy, if any."""
    head = ZERO32
    for position, record in enumerate(records, start=1):
        head = fold(head, record)
        if record.head and head != record.head:
            return head, Discrepancy(collection, passport_hex(token_id), position, record.block, record.tx,
                                     "the record does not follow from the ones before it (dropped, reordered or "
                                     "altered)")
    if head != chain_head or len(records) != chain_records:
        missing = chain_records - len(records)
        problem = (f"{missing} record(s) missing after record {len(records)}" if missing > 0
                   else "the records do not fold to the head on chain")
        return head, Discrepancy(collection, passport_hex(token_id), len(records) + 1, None, None, problem)
    return head, None


def audit_synced(consortium: Consortium, index, brand_refs: list | None = None, progress=None,
                 attempts: int = 3, calls: ChunkedCalls | None = None) -> AuditResult:
    """Bring `index` up to date, then audit at its block; if a reorganisation takes that block away
    meanwhile, sync again (the index rolls back and re-reads) and audit again, `attempts` times."""
    calls = calls or ChunkedCalls(consortium.chain)
    return read_synced(index, lambda pinned: _audit_at(consortium, index, brand_refs, pinned, calls), AUDIT,
                       progress, attempts)


def audit(consortium: Consortium, source, brand_refs: list | None = None,
          calls: ChunkedCalls | None = None) -> AuditResult:
    """Audit the collections of `brand_refs` (all brands if None) against `source`, anything
    with `all_records(collection)` (the Index, or a log source under test), at one block: the one
    the source is synced to. Raises Reorganised if that block is not the chain's, before or
    after the reading (the records and the heads would then come from two chains). `calls` (a new
    one by default) keeps the chunk sizes and counts the eth_calls."""
    return _audit_at(consortium, source, brand_refs, pin(consortium.chain, source, AUDIT),
                     calls or ChunkedCalls(consortium.chain))


def _audit_at(consortium: Consortium, source, brand_refs: list | None, pinned: PinnedBlock,
              calls: ChunkedCalls) -> AuditResult:
    chain, number = consortium.chain, pinned.number
    brands = [consortium.brand(ref) for ref in brand_refs] if brand_refs else consortium.brands()
    collections, discrepancies, passports = [], [], []
    for brand in brands:
        by_passport = source.all_records(brand.collection)
        ids = sorted(by_passport)
        target = Collection(chain, brand.collection)
        chain_heads = calls.run("heads", ids, target.heads_call, heads_of, number)
        codes = calls.run("screening (no sellers)", ids, lambda part: target.screen_call(part, []), screen_codes,
                          number)
        by_status = {cli_name(s): 0 for s in Status}
        bad = 0
        for token_id, (chain_head, chain_count), code in zip(ids, chain_heads, codes):
            status = STATUS_NAMES[code]
            if status in by_status:
                by_status[status] += 1
            head, problem = check_passport(brand.collection, token_id, by_passport[token_id], chain_head, chain_count)
            if problem:
                discrepancies.append(problem)
                bad += 1
            passports.append(PassportAudit(brand.collection, passport_hex(token_id), status, chain_count,
                                           len(by_passport[token_id]), "0x" + chain_head.hex(), "0x" + head.hex(),
                                           problem is None, problem.record if problem else None))
        collections.append({
            "brandId": brand.brand_id, "brand": brand.name, "brandStatus": cli_name(brand.status),
            "address": brand.collection, "codeHash": _code_hash(chain, brand.collection, number),
            "passports": len(ids), "byStatus": by_status, "discrepancies": bad,
        })
    deployment = consortium.deployment
    report = {
        "format": REPORT_FORMAT,
        "chainId": chain.chain_id,
        "block": {"number": number, "hash": "0x" + pinned.hash, "timestamp": pinned.timestamp},
        "registry": {"address": deployment.registry, "codeHash": _code_hash(chain, deployment.registry, number)},
        "implementation": {"address": deployment.implementation,
                           "codeHash": _code_hash(chain, deployment.implementation, number)},
        "collections": collections,
        "totals": {"passports": len(passports), "discrepancies": len(discrepancies)},
        "discrepancies": [d.__dict__ for d in discrepancies],
    }
    pinned.check(chain)
    return AuditResult(report, passports)


def _code_hash(chain, address: str, block: int) -> str:
    return "0x" + keccak(bytes(chain.w3.eth.get_code(address, block))).hex()


def canonical_digest(report: dict) -> bytes:
    body = {k: v for k, v in report.items() if k not in ("auditor", "digest", "signature")}
    return keccak(json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode())


def sign_report(report: dict, account) -> dict:
    digest = canonical_digest(report)
    signature = Account.sign_message(encode_defunct(primitive=digest), account.key).signature
    return {**report, "auditor": account.address, "digest": "0x" + digest.hex(), "signature": "0x" + bytes(signature).hex()}


def write_report(result: AuditResult, out_stem: Path) -> tuple[Path, Path]:
    json_path, csv_path = Path(f"{out_stem}.json"), Path(f"{out_stem}.csv")
    if csv_path.exists():
        raise InputError(f"report {csv_path} already exists and would be lost", "pass another --out")
    write_json_new(json_path, result.report, "report")
    tmp = csv_path.with_name(csv_path.name + ".tmp")
    with open(tmp, "w", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(["collection", "passport_id", "status", "records_on_chain", "records_in_logs",
                         "head_on_chain", "head_from_logs", "ok", "first_bad_record"])
        for p in result.passports:
            writer.writerow([p.collection, p.passport_id, p.status, p.records_on_chain, p.records_in_logs,
                             p.head_on_chain, p.head_from_logs, p.ok, p.first_bad_record or ""])
    tmp.replace(csv_path)
    return json_path, csv_path


@dataclass
class ReportCheck:
    valid: bool  # the verdict: signature valid and, checked online, signed by an accredited auditor
    reason: str
    auditor: str | None
    digest: str | None
    accredited_auditor: bool | None = None
    attested: bool | None = None
    signature_valid: bool = False  # shown apart from the verdict


def check_report(path: Path, consortium: Consortium | None = None) -> ReportCheck:
    """Verify a report's digest and signature; with a chain, also the auditor's accreditation
    and whether the digest is anchored."""
    report = read_json(path, "audit report")
    if not isinstance(report, dict) or report.get("format") != REPORT_FORMAT:
        raise InputError(f"{path} is not a luxpass audit report", "pass the JSON file `luxpass audit` wrote")
    auditor, digest, signature = report.get("auditor"), report.get("digest"), report.get("signature")
    if not (auditor and digest and signature):
        return ReportCheck(False, "the report is not signed", auditor, digest)
    computed = canonical_digest(report)
    if "0x" + computed.hex() != digest:
        return ReportCheck(False, "the report's content does not match its digest (altered after signing)",
                           auditor, digest)
    try:
        signer = Account.recover_message(encode_defunct(primitive=computed),
                                         signature=bytes.fromhex(signature.removeprefix("0x")))
    except Exception:
        return ReportCheck(False, "the signature is malformed", auditor, digest)
    if signer != auditor:
        return ReportCheck(False, f"signed by {signer}, not by the auditor named ({auditor})", auditor, digest)
    check = ReportCheck(True, f"digest and signature valid, signed by {signer}", auditor, digest,
                        signature_valid=True)
    if consortium is not None:
        check.accredited_auditor = consortium.is_accredited(auditor, Accreditation.AUDITOR)
        check.attested = consortium.attestation(auditor, computed) != 0
        if not check.accredited_auditor:
            check.valid = False
            check.reason = f"not accredited: {signer} is not an accredited auditor of the consortium " \
                           "(the signature itself is valid)"
    return check


def attest(consortium: Consortium, path: Path):
    report = read_json(path, "audit report")
    check = check_report(path)
    if not check.valid:
        raise InputError(f"{path}: {check.reason}", "attest only a report you signed")
    return consortium.attest(bytes.fromhex(check.digest[2:]), report["block"]["number"])
