"""Owner certificates written where a mint puts them, never over an existing file."""
from dataclasses import replace
from pathlib import Path

from ..chain.accounts import home
from ..errors import InputError
from ..onchain.collection import Collection, Minted
from ..values import passport_hex
from .ledger import serial_ledger


def default_certificate_path(chain_id: int, passport_id: str) -> Path:
    """Where a single mint writes its owner certificate when no --certificate is given."""
    return home() / "certificates" / str(chain_id) / f"{passport_id}.json"


def mint(collection: Collection, record: dict, to: str | None = None, certificate_path: Path | None = None,
         reissue: str | None = None):
    """Mint one product's passport (`Collection.prepare_mint`) and write its owner certificate to a
    new file, by default under the luxpass home. A serial this brand already issued is refused
    unless `reissue` says why. The certificate and the ledger entry are written once the mint is
    mined, before its journal is closed: a rerun after a crash finishes the same mint and writes
    the same certificate. A drafted mint (--safe) writes nothing."""
    prepared = collection.prepare_mint(record, to)
    cert = prepared.certificate
    pid = passport_hex(cert.passport_id)
    path = Path(certificate_path) if certificate_path else default_certificate_path(collection.chain.chain_id, pid)
    if path.exists():
        raise InputError(f"certificate {path} already exists and would be lost", "pass another --certificate path")
    ledger = serial_ledger(collection)
    ledger.check([cert.record["serial"]], reissue, own={pid} if prepared.resumed else frozenset(),
                 still_exists=collection.still_issued)

    def read(receipt) -> Minted:
        minted = prepared.action.read(receipt)
        ledger.record([(cert.record["serial"], pid)], reissue)
        cert.save(path)
        return replace(minted, certificate_file=str(path))
    return collection.sender.submit(replace(prepared.action, read=read))
