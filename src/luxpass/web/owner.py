"""The owner's part of the product's page: what its script (static/owner.js, bundled from js/owner
by `make build`) needs to connect a wallet and act on a passport by signatures only.

    GET /static/owner.js    the bundled script; nothing is loaded from elsewhere at run time

The chain facts the script needs (chain, registry, the ABIs of the calls it makes, the EIP-712
types of the consent it asks the wallet to sign) come from the packaged contracts and `spec`, so
that the page and the CLI sign the same typed data. The relayer, claim links, sign-in and notices
are the owner HTTP API's (`/api/...`), which the script calls.
"""
from functools import cache
from pathlib import Path

from starlette.responses import FileResponse, PlainTextResponse, Response
from starlette.routing import Route

from ..chain import artifacts
from ..spec import EIP712_DOMAIN_FIELDS, Accreditation, eip712_fields

STATIC = Path(__file__).parent / "static"
OWNER_SCRIPT = STATIC / "owner.js"

# What the script calls or reads on a collection, and on the registry.
PASSPORT_CALLS = ("ownerOf", "passport", "nonces", "recoveryOf", "chipOf", "chipClaimOpen", "eip712Domain",
                  "reportStatus", "reportFound", "cancelRecovery", "revokeSignatures", "setChipClaim",
                  "safeTransferFrom")
REGISTRY_CALLS = ("isAccredited",)


@cache
def _abi_of(contract: str, names: tuple[str, ...]) -> list[dict]:
    """The functions `names` of `contract` and every custom error it can raise (to name a refusal)."""
    abi = artifacts.abi(contract)
    functions = [item for item in abi if item.get("type") == "function" and item["name"] in names
                 and not (item["name"] == "safeTransferFrom" and len(item["inputs"]) != 3)]
    return functions + [item for item in abi if item.get("type") == "error"]


def owner_config(chain_id: int, registry: str, collection: str, passport_id: str, chain_name: str,
                 wallet_rpc_url: str, strings: dict[str, str]) -> dict:
    """The owner script's config for one passport's page, embedded in the page as JSON."""
    return {
        "page": "owner", "api": "/api", "chainId": chain_id, "chainName": chain_name,
        "rpcUrls": [wallet_rpc_url], "registry": registry, "collection": collection, "passportId": passport_id,
        "resellerAccreditation": int(Accreditation.RESELLER),
        "consentType": eip712_fields("ResaleConsent"),
        "domainFields": [{"name": name, "type": type_} for name, type_ in EIP712_DOMAIN_FIELDS],
        "abi": {"passport": _abi_of("BrandPassport", PASSPORT_CALLS),
                "registry": _abi_of("ConsortiumRegistry", REGISTRY_CALLS)},
        "strings": strings,
    }


def owner_script(request) -> Response:
    if not OWNER_SCRIPT.exists():
        return PlainTextResponse("// the owner script is not built: run `make build`\n", status_code=404,
                                 media_type="text/javascript")
    return FileResponse(OWNER_SCRIPT, media_type="text/javascript", headers={"Cache-Control": "no-cache"})


routes = [Route("/static/owner.js", owner_script)]
