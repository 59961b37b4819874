"""The owner's pages: the owner part of the product's page, the first sale's claim link and the
owners' club, and the script they share (static/owner.js, bundled from js/owner by `make build`).

    GET /static/owner.js    the bundled script; nothing is loaded from elsewhere at run time
    GET /claim/<code>       the claim link a boutique gives the buyer: the passport to her own wallet
    GET /club               the owners' club: sign in with the wallet, the brand's content and notices

The chain facts the script needs (chain, registry, the ABIs of what it reads) come from the
packaged contracts. What the owner signs, the owner HTTP API (`web/owner.py`, `/api/...`)
prepares with the library's own code: a resale consent is the typed data `luxpass consent sign`
signs, a relayed action the forwarder's request; the relayer, claim links, sign-in and notices
are that API's too.
"""
from collections.abc import Callable
from functools import cache
from pathlib import Path

from starlette.requests import Request
from starlette.responses import FileResponse, PlainTextResponse, Response
from starlette.routing import Route

from ..chain import artifacts
from ..spec import Accreditation
from . import i18n
from .i18n import N_

STATIC = Path(__file__).parent / "static"
OWNER_SCRIPT = STATIC / "owner.js"
CLAIM_CODE_CHARS = set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")

# What the script reads on a collection, and on the registry.
PASSPORT_READS = ("ownerOf", "passport", "recoveryOf", "chipOf", "chipClaimOpen")
REGISTRY_READS = ("isAccredited",)


@cache
def _abi_of(contract: str, names: tuple[str, ...]) -> list[dict]:
    """The functions `names` of `contract` and every custom error it can raise (to name a refusal)."""
    abi = artifacts.abi(contract)
    return [item for item in abi if item.get("type") == "function" and item["name"] in names] + \
        [item for item in abi if item.get("type") == "error"]


def _chain_config(page: str, lang: str, chain_id: int, wallet_rpc_url: str) -> dict:
    return {"page": page, "api": "/api", "chainId": chain_id, "chainName": i18n.gettext(lang, N_("the consortium's chain")),
            "rpcUrls": [wallet_rpc_url], "strings": i18n.script_strings(lang)}


def owner_config(lang: str, chain_id: int, registry: str, collection: str, passport_id: str,
                 wallet_rpc_url: str) -> dict:
    """The owner script's config for one passport's page, embedded in the page as JSON."""
    return {
        **_chain_config("owner", lang, chain_id, wallet_rpc_url), "registry": registry, "collection": collection,
        "passportId": passport_id, "resellerAccreditation": int(Accreditation.RESELLER),
        "abi": {"passport": _abi_of("BrandPassport", PASSPORT_READS),
                "registry": _abi_of("ConsortiumRegistry", REGISTRY_READS)},
    }


def owner_script(request: Request) -> Response:
    if not OWNER_SCRIPT.exists():
        return PlainTextResponse("// the owner script is not built: run `make build`\n", status_code=404,
                                 media_type="text/javascript")
    return FileResponse(OWNER_SCRIPT, media_type="text/javascript", headers={"Cache-Control": "no-cache"})


def routes(render: Callable[..., Response], lang_of: Callable[[Request], str], chain_id: Callable[[], int],
           wallet_rpc_url: str) -> list[Route]:
    """The pages' routes; `render(request, template, **context)` draws a page in the visitor's language."""

    def claim_page(request: Request) -> Response:
        code = request.path_params["code"]
        if not code or len(code) > 128 or not set(code) <= CLAIM_CODE_CHARS:
            return render(request, "message.html", status_code=404, title=N_("Nothing here"),
                          lead=N_("This is not a claim link: check that it was copied in full."),
                          detail=N_("Ask the boutique for the link or QR code again."))
        return render(request, "claim.html",
                      config={**_chain_config("claim", lang_of(request), chain_id(), wallet_rpc_url), "code": code})

    def club_page(request: Request) -> Response:
        return render(request, "club.html", config=_chain_config("club", lang_of(request), chain_id(), wallet_rpc_url))

    return [Route("/static/owner.js", owner_script), Route("/claim/{code}", claim_page), Route("/club", club_page)]
