"""The Digital Product Passport a brand issues for a product (`luxpass dpp issue`) and its check
(`luxpass dpp verify`, and the page server's `gs1:dpp` link).

ESPR asks for role-based access: a brand issues two credentials of one passport, the public one,
which anyone may read, and a restricted one holding more fields, which `luxpass serve` hands only
to a party that proves an accreditation of the consortium's registry (see `access_message`). Both
are signed by a key of the brand and bound to the passport's commitment: a verifier checks the
signature, that the signer is the council the registry lists for the collection's brand or holds
the collection's minter role today, and each field's proof against the passport on chain.

The minter role is how a brand whose council is a Safe issues DPPs: a Safe signs no JWS, but its
owners grant the role to an issuing key by a Safe transaction
(`luxpass role grant minter ADDRESS --brand BRAND --safe ADDRESS`), and revoking it ends every
credential that key signed.
"""
import os
from dataclasses import dataclass
from pathlib import Path

from eth_account import Account
from eth_account.messages import encode_defunct

from ..chain.accounts import home
from ..errors import InputError, NotAuthentic
from ..onchain.collection import Collection
from ..proofs import credential
from ..proofs.certificate import Certificate
from ..proofs.disclosure import Disclosure, disclose
from ..spec import Accreditation
from ..values import passport_hex
from .verify import check_disclosure

ACCESS_WINDOW = 300  # seconds an accredited party's signed access request stays good
# the UNTP fields of a credential's subject and the record field each shows
SHOWN_FIELDS = {"serialNumber": "serial", "registeredId": "gtin", "countryOfProduction": "made_in"}


@dataclass
class DppIssued:
    passport_id: str
    issuer: str
    public: str  # the files written
    restricted: str | None
    public_fields: list
    restricted_fields: list


@dataclass
class DppCheck:
    valid: bool
    reason: str
    audience: str
    issuer: str
    brand: str
    collection: str
    passport_id: str
    fields: dict


def default_folder() -> Path:
    return home() / "dpp"


def file_stem(collection: str, passport_id: int) -> str:
    return f"{collection}-{passport_hex(passport_id)}"


def issue_dpp(consortium, signer, certificate: Certificate, public: list[str], restricted: list[str],
              folder: Path | None = None) -> DppIssued:
    """Sign the public credential of the `public` fields and, if `restricted` names more, the
    restricted one of both; written as new files `<collection>-<passport>.<audience>.jwt`."""
    folder = Path(folder or default_folder())
    brand = consortium.brand(certificate.collection)
    if signer is None or not issues_for(consortium, brand, signer.address):
        who = signer.address if signer is not None else "no account"
        raise InputError(f"a DPP of {brand.name} is signed by its council {brand.council} or a minter of its "
                         f"collection, not by {who}", "pass the council's or a minter's account with --account")
    if not public:
        raise InputError("no field for the public DPP", "name the public fields with --field, e.g. --field made_in")
    issuer = credential.did_pkh(consortium.chain.chain_id, signer.address)
    tokens = {credential.PUBLIC: credential.sign(credential.credential(
        disclose(certificate, public), brand.name, issuer, credential.PUBLIC), signer.key)}
    if restricted:
        tokens[credential.RESTRICTED] = credential.sign(credential.credential(
            disclose(certificate, list(dict.fromkeys(public + restricted))), brand.name, issuer,
            credential.RESTRICTED), signer.key)
    stem = file_stem(certificate.collection, certificate.passport_id)
    paths = {audience: folder / f"{stem}.{audience}.jwt" for audience in tokens}
    for path in paths.values():
        if path.exists():
            raise InputError(f"DPP {path} already exists and would be lost", "pass another --out folder, or move it")
    folder.mkdir(parents=True, exist_ok=True)
    for audience, path in paths.items():
        with os.fdopen(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644), "w") as fh:
            fh.write(tokens[audience] + "\n")
    return DppIssued(passport_hex(certificate.passport_id), issuer, str(paths[credential.PUBLIC]),
                     str(paths[credential.RESTRICTED]) if restricted else None, public, restricted)


def verify_dpp(consortium, token: str) -> DppCheck:
    """Check a DPP credential; NotAuthentic (one line) when anything in it does not hold."""
    vc, signer = credential.open_signed(token)
    credential.expand(vc)
    try:
        shown = Disclosure.from_dict(vc["credentialSubject"]["passportCommitment"])
    except (KeyError, TypeError, InputError):
        raise NotAuthentic("the credential holds no proof of its fields against a passport",
                           "ask the brand for the credential luxpass issued") from None
    did_chain = vc["issuer"]["id"].split(":")[3]
    if did_chain != str(shown.chain_id):
        raise NotAuthentic(f"the issuer's DID is of chain {did_chain}, the passport of chain {shown.chain_id}",
                           "ask the brand for the credential luxpass issued")
    brand_id = consortium.brand_id_of(shown.collection)
    if not brand_id:
        raise NotAuthentic(f"{shown.collection} is not a collection of the consortium", "do not trust this passport")
    brand = consortium.brand(brand_id)
    if not issues_for(consortium, brand, signer):
        raise NotAuthentic(f"the credential is signed by {signer}, neither {brand.name}'s council {brand.council} "
                           "nor a minter of its collection", "do not trust it: only the brand issues its passports' DPP")
    subject = vc["credentialSubject"]
    for term, field in SHOWN_FIELDS.items():
        if term in subject and (field not in shown.fields or shown.fields[field].value != subject[term]):
            raise NotAuthentic(f"the credential's {term} {subject[term]!r} is not a disclosed field of the passport",
                               "do not trust this credential")
    checked = check_disclosure(consortium, shown)
    if not checked.authentic:
        raise NotAuthentic(checked.reason, "do not trust this credential")
    return DppCheck(True, checked.reason, str(vc.get("audience")), vc["issuer"]["id"], brand.name, shown.collection,
                    passport_hex(shown.passport_id), checked.fields)


def issues_for(consortium, brand, account: str) -> bool:
    """Whether `account` signs the brand's DPPs today: its council, or a minter of its collection."""
    return account.lower() == brand.council.lower() or Collection(consortium.chain, brand.collection).has_role(
        "minter", account)


def access_message(chain_id: int, passport_id: int, issued_at: int) -> str:
    """What an accredited party signs (EIP-191) to read a passport's restricted DPP."""
    return f"luxpass DPP access\nchain {chain_id}\npassport {passport_hex(passport_id)}\nat {issued_at}"


def accredited_reader(consortium, passport_id: int, issued_at: int, signature: str, now: int) -> str:
    """The accredited account that signed an access request to the restricted DPP; InputError when
    the request is stale or malformed, NotAuthentic when its signer holds no accreditation."""
    if abs(now - int(issued_at)) > ACCESS_WINDOW:
        raise InputError(f"the access request was signed at {issued_at}, more than {ACCESS_WINDOW} s from now",
                         "sign a new one")
    try:
        message = encode_defunct(text=access_message(consortium.chain.chain_id, passport_id, int(issued_at)))
        reader = Account.recover_message(message, signature=signature)
    except (ValueError, TypeError):
        raise InputError("the access request's signature is malformed", "sign the access message with EIP-191") from None
    if not any(consortium.is_accredited(reader, kind) for kind in Accreditation):
        raise NotAuthentic(f"{reader} holds no accreditation of the consortium's registry",
                           "the restricted DPP is for accredited repairers, authorities, recyclers, resellers, "
                           "marketplaces and auditors")
    return reader
