"""Signed consents, permits and clear requests as files: written once to a new file, read back
with every part of their form checked (`Signed.from_dict`)."""
from pathlib import Path

from ..files import read_json
from ..onchain.consent import Signed
from ..writes import write_json_new


def load(path) -> Signed:
    return Signed.from_dict(read_json(path, "signed consent"), path)


def save(signed: Signed, path) -> None:
    write_json_new(Path(path), signed.to_dict(), "signed file")
