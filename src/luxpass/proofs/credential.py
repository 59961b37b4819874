"""The EU's Digital Product Passport as a W3C Verifiable Credential (Data Model 2.0), shaped as
UNTP's DigitalProductPassport 0.5.0, secured as a JWS (VC-JOSE, `application/vc+jwt`) with ES256K
by the jwcrypto library.

The issuer is `did:pkh:eip155:<chain>:<address>`, the account of the brand's council or of a
minter: the DID resolves without the internet, and the JWS header carries the public key, whose
address must be the DID's.
The credential holds only the fields the brand discloses (`luxpass.proofs.disclosure`), each with
its field salt and its proof to the passport's commitment, so a verifier checks them against the
chain (`luxpass.checks.dpp`). The JSON-LD contexts ship with the package and a pyld document loader
serves them; nothing is fetched at run time.
"""
import json
from datetime import datetime, timezone
from pathlib import Path

from eth_utils import keccak

from ..errors import InputError, NotAuthentic
from ..values import passport_hex
from .disclosure import Disclosure
from .epcis import epc_of

VC_CONTEXT = "https://www.w3.org/ns/credentials/v2"
DPP_CONTEXT = "urn:luxpass:dpp:context:v1"
CONTEXT_FILES = {VC_CONTEXT: "credentials-v2.jsonld", DPP_CONTEXT: "luxpass-dpp-v1.jsonld"}
STANDARDS = Path(__file__).parent / "standards"
MEDIA_TYPE = "application/vc+jwt"
ALGORITHM = "ES256K"
PUBLIC, RESTRICTED = "public", "restricted"  # who a credential is for: anyone, or accredited parties


def did_pkh(chain_id: int, address: str) -> str:
    return f"did:pkh:eip155:{chain_id}:{address}"


def address_of_did(did: str) -> str:
    parts = str(did).split(":")
    if len(parts) != 5 or parts[:3] != ["did", "pkh", "eip155"]:
        raise NotAuthentic(f"the credential's issuer {did!r} is not a did:pkh of an Ethereum account",
                           "ask the brand for the credential luxpass issued")
    return parts[4]


def document_loader(url: str, options=None) -> dict:
    """pyld's document loader: the contexts shipped with luxpass, and nothing else."""
    from pyld.jsonld import JsonLdError

    if url not in CONTEXT_FILES:
        raise JsonLdError(f"context {url} is not shipped with luxpass", "jsonld.LoadDocumentError",
                          code="loading document failed")
    return {"contentType": "application/ld+json", "contextUrl": None, "documentUrl": url,
            "document": json.loads((STANDARDS / CONTEXT_FILES[url]).read_text())}


def expand(credential: dict) -> list:
    """The credential as JSON-LD expands it with the shipped contexts; NotAuthentic when it is not
    JSON-LD that they define."""
    from pyld import jsonld

    try:
        return jsonld.expand(credential, {"documentLoader": document_loader, "safeMode": True})
    except jsonld.JsonLdError as exc:
        raise NotAuthentic(f"the credential is not JSON-LD of the VC 2.0 and DPP contexts ({exc.args[0]})",
                           "ask the brand for the credential luxpass issued") from None


def credential(disclosure: Disclosure, brand: str, issuer: str, audience: str, now: datetime | None = None) -> dict:
    """The DPP credential of the disclosed fields of one passport."""
    fields = disclosure.fields
    subject = {"type": ["Product"], "name": fields["model"].value if "model" in fields else f"{brand} product",
               "granularityLevel": "item", "producedByParty": {"type": ["Party"], "name": brand}}
    if "gtin" in fields and "serial" in fields:
        subject["id"] = epc_of(fields["gtin"].value, fields["serial"].value)
    else:
        subject["id"] = f"urn:luxpass:passport:{disclosure.chain_id}:{disclosure.collection}:" \
                        f"{passport_hex(disclosure.passport_id)}"
    if "gtin" in fields:
        subject["registeredId"] = fields["gtin"].value
    if "serial" in fields:
        subject["serialNumber"] = fields["serial"].value
    if "made_in" in fields:
        subject["countryOfProduction"] = fields["made_in"].value
    subject["passportCommitment"] = disclosure.to_dict()
    issued = (now or datetime.now(timezone.utc)).strftime("%Y-%m-%dT%H:%M:%SZ")
    return {"@context": [VC_CONTEXT, DPP_CONTEXT], "type": ["VerifiableCredential", "DigitalProductPassport"],
            "id": f"{subject['id']}#dpp-{audience}", "issuer": {"type": ["CredentialIssuer"], "id": issuer,
                                                                "name": brand},
            "validFrom": issued, "audience": audience, "credentialSubject": subject}


def sign(vc: dict, private_key: bytes) -> str:
    """The credential as a compact JWS (ES256K), its header naming the issuer's key."""
    from cryptography.hazmat.primitives.asymmetric import ec
    from jwcrypto import jwk, jws

    key = jwk.JWK.from_pyca(ec.derive_private_key(int.from_bytes(private_key, "big"), ec.SECP256K1()))
    header = {"alg": ALGORITHM, "typ": "vc+jwt", "cty": "vc", "kid": vc["issuer"]["id"] + "#blockchainAccountId",
              "jwk": key.export_public(as_dict=True)}
    token = jws.JWS(json.dumps(vc, separators=(",", ":")).encode())
    token.add_signature(key, alg=ALGORITHM, protected=json.dumps(header))
    return token.serialize(compact=True)


def open_signed(token: str) -> tuple[dict, str]:
    """The credential a JWS holds and the address that signed it; NotAuthentic when the signature
    does not hold or the signing key is not the issuer DID's."""
    from jwcrypto import jwk, jws
    from jwcrypto.common import JWException

    signed = jws.JWS()
    try:
        signed.deserialize(str(token).strip())
        header = signed.jose_header
        key = jwk.JWK(**header["jwk"])
        signed.allowed_algs = [ALGORITHM]
        signed.verify(key, alg=ALGORITHM)
        vc = json.loads(signed.payload)
    except (JWException, ValueError, KeyError, TypeError):
        raise NotAuthentic("the credential's signature does not hold: it was changed after the brand signed it, "
                           "or it is no luxpass credential", "ask the brand for the credential as issued") from None
    if header.get("typ") != "vc+jwt" or not isinstance(vc, dict) or not isinstance(vc.get("issuer"), dict):
        raise NotAuthentic("the JWS holds no Verifiable Credential", "ask the brand for the credential as issued")
    signer = _address(key)
    if address_of_did(vc["issuer"].get("id", "")).lower() != signer.lower():
        raise NotAuthentic(f"the credential is signed by {signer}, not by its issuer {vc['issuer'].get('id')}",
                           "ask the brand for the credential as issued")
    return vc, signer


def _address(public_key) -> str:
    from cryptography.hazmat.primitives import serialization
    from eth_utils import to_checksum_address

    point = public_key.get_op_key("verify").public_bytes(serialization.Encoding.X962,
                                                         serialization.PublicFormat.UncompressedPoint)
    return to_checksum_address(keccak(point[1:])[-20:])


def read_token(path) -> str:
    try:
        text = Path(path).read_text().strip()
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"cannot read the credential {path}: {getattr(exc, 'strerror', None) or exc}",
                         "check the path") from None
    if text.count(".") != 2:
        raise InputError(f"{path} is not a compact JWS (vc+jwt)", "pass the .jwt file `luxpass dpp issue` wrote")
    return text
