"""luxpass: digital product passports for luxury goods.

`from luxpass import Chain, Consortium, Collection, Certificate, verify` is the stable way in; the
names load on first use, so importing one layer does not import them all. ARCHITECTURE.md maps the
layers.
"""
from importlib import import_module

__version__ = "0.1.0"  # the package's one version: pyproject.toml reads it, `luxpass --version` prints it

_PUBLIC = {
    "errors": ["LuxpassError", "InputError", "NotAuthentic", "ContractRevert", "Unfunded"],
    "spec": ["Accreditation", "BrandStatus", "EventKind", "ProposalKind", "ProposalState", "RecordType", "Ruling",
             "Screening", "Status", "TransferKind"],
    "values": ["new_salt", "parse_address", "parse_passport_id", "passport_hex"],
    "chain.accounts": ["dev_account", "dev_address", "load_keystore"],
    "chain.connection": ["Chain"],
    "chain.sender": ["Action", "AlreadyDone", "KeySender", "RawCall"],
    "chain.rpc": ["NodeRefused", "NodeUnavailable"],
    "chain.from_brownie": ["chain_for"],
    "onchain.registry": ["Consortium", "Founder"],
    "onchain.collection": ["Collection"],
    "onchain.cases": ["CaseBook"],
    "onchain.chip": ["bind_chip", "chip_of"],
    "onchain.consent": ["Signed", "sign_resale_consent", "submit_resale"],
    "local.certificates": ["mint"],
    "local.deployments": ["deploy", "open_consortium"],
    "local.safe_jobs": ["Drafted", "SafeSender"],
    "proofs.certificate": ["Certificate"],
    "proofs.disclosure": ["Disclosure", "disclose"],
    "proofs.link": ["link_for", "read_link"],
    "jobs.bulk": ["mint_csv"],
    "jobs.batch_issue": ["issue_csv"],
    "jobs.epcis_import": ["import_epcis"],
    "checks.verify": ["Verdict", "verify", "check_disclosure"],
    "checks.history": ["History", "history"],
    "checks.link": ["LinkCheck", "check_link"],
    "checks.index": ["Index"],
    "checks.audit": ["audit"],
    "checks.screen": ["Listing", "read_listings", "screen"],
    "checks.resales": ["resale_figures"],
    "checks.epcis": ["epcis_history"],
    "checks.dpp": ["issue_dpp", "verify_dpp"],
}
_HOME = {name: module for module, names in _PUBLIC.items() for name in names}
__all__ = sorted(_HOME)


def __getattr__(name: str):
    if name not in _HOME:
        raise AttributeError(f"module 'luxpass' has no attribute {name!r}")
    value = getattr(import_module(f".{_HOME[name]}", __name__), name)
    globals()[name] = value
    return value


def __dir__():
    return sorted(set(globals()) | set(__all__))
