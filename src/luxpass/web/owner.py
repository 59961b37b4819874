"""The owner's JSON API under `luxpass serve` (its `--relayer` pays): the passport as its owner
sees it, requests to sign, the relayer that pays for them, claim links of first sales, the
owners' club (Sign-In with Ethereum) and the brand's notices (docs/owner-side.md); each refusal
is a 4xx with {"error": one line}."""
import json
import logging
import threading
from dataclasses import dataclass, field
from pathlib import Path

from eth_account.signers.local import LocalAccount
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from ..chain.connection import Chain
from ..chain.journal import JournalFolder
from ..errors import ContractRevert, InputError, Unfunded
from ..onchain.forwarder import MAX_DEADLINE, Forwarder
from ..onchain.registry import Consortium
from ..owners import claims, club, passports, safe_relay
from ..owners.relay import Caps, Refused, Relayer, parse_signature
from ..owners.store import OwnerStore
from ..spec import RELAYED_ACTIONS, Status, eip712_fields
from ..values import parse_address

log = logging.getLogger("luxpass.web")
SESSION_COOKIE = "luxpass_session"
LOOPBACK = ("127.0.0.1", "localhost", "::1")


@dataclass
class OwnerOptions:
    """How `serve` runs the owner side: where its database lives, the relayer's key (none: no
    relaying), the brand it serves (none: every active brand), the club's content file, and its
    site: the public host[:port] that a sign-in (EIP-4361) must name (none: a loopback host, asked
    from this machine, only; never the Host header a request brings, which its sender chooses)."""

    rpc_url: str
    data_dir: Path | None = None
    relayer: LocalAccount | None = None
    brand: str | None = None
    club_content: Path | None = None
    caps: Caps = field(default_factory=Caps)
    site: str | None = None


class OwnerSide:
    """The store, opened at start, and the relayer, built on first use (it needs the node)."""

    def __init__(self, options: OwnerOptions):
        self.options = options
        self.store = OwnerStore(options.data_dir)
        self._relayer: Relayer | None = None
        self._lock = threading.Lock()

    def brand(self, consortium: Consortium):
        """The brand this server serves (--serve-brand); Refused 503 without one."""
        if not self.options.brand:
            raise Refused(503, "this server serves no brand's club", "start it with `luxpass serve --serve-brand NAME`")
        return consortium.brand(self.options.brand)

    def site(self, request: Request) -> str:
        """The EIP-4361 domain of this server's sign-ins; Refused 503 when it has none to check against."""
        if self.options.site:
            return self.options.site
        if request.url.hostname in LOOPBACK and request.client is not None and request.client.host in LOOPBACK:
            return request.url.netloc  # a loopback Host from elsewhere is as chosen as any other
        raise Refused(503, "this server does not know its public site name, so it cannot check a sign-in's domain",
                      "start it with `luxpass serve --site HOST` (the host the owner pages are reached at)")

    def relayer(self, consortium: Consortium) -> Relayer:
        if self.options.relayer is None:
            raise Refused(503, "this server runs no relayer", "start it with `luxpass serve --relayer ACCOUNT`")
        with self._lock:
            if self._relayer is None:
                chain = Chain(self.options.rpc_url, account=self.options.relayer, log=lambda _: None,
                              journals=JournalFolder(self.store.path.parent / "journals"))
                brand_id = consortium.resolve_brand_id(self.options.brand) if self.options.brand else None
                self._relayer = Relayer(chain, Consortium(chain, consortium.deployment),
                                        passports.forwarder_of(consortium), self.store, self.options.caps, brand_id)
            return self._relayer


def error(status: int, exc: Exception) -> JSONResponse:
    return JSONResponse({"error": str(exc)}, status_code=status)


def answer(work) -> Response:
    """Run `work()`; a refusal of the library becomes one JSON line with its status."""
    try:
        return JSONResponse(work())
    except Refused as exc:
        return error(exc.status, exc)
    except InputError as exc:
        return error(400, exc)
    except LookupError as exc:
        return error(404, exc)
    except ContractRevert as exc:
        return error(409, exc)
    except Unfunded as exc:
        log.warning("the relayer cannot pay: %s", exc)
        return JSONResponse({"error": "the brand's relayer cannot pay the fee right now; nothing was sent; "
                                      "try again later"}, status_code=503)


async def json_body(request: Request):
    try:
        return await request.json()
    except ValueError:
        return None


def owner_routes(on_chain, options: OwnerOptions | None) -> list[Route]:
    """The routes, each reading the chain through `on_chain(work)` (web/app.py's: a lost node is
    a 503). No routes without `options`."""
    if options is None:
        return []
    side = OwnerSide(options)

    def run(work):
        return run_in_threadpool(lambda: answer(lambda: on_chain(work)))

    async def config(request: Request) -> Response:
        def work(consortium: Consortium):
            consortium_forwarder = forwarder(consortium)
            domain = consortium_forwarder.domain()
            relayer = options.relayer.address if options.relayer else None
            return {"chainId": consortium.chain.chain_id, "registry": consortium.registry.address,
                    "forwarder": {"address": consortium_forwarder.address, "domain": domain,
                                  "types": {"ForwardRequest": eip712_fields("ForwardRequest")}},
                    "relayer": {"enabled": relayer is not None, "address": relayer, "maxValidity": MAX_DEADLINE},
                    "actions": {name: signature for name, (signature, _) in RELAYED_ACTIONS.items()},
                    "statuses": [s.name.lower() for s in Status]}
        return await run(work)

    async def passport(request: Request) -> Response:
        params = request.path_params
        return await run(lambda consortium: passports.passport_state(consortium, params["collection"],
                                                                     params["token_id"]))

    async def forwarder_nonce(request: Request) -> Response:
        def work(consortium: Consortium):
            address = parse_address(request.path_params["address"], "address")
            return {"address": address, "nonce": forwarder(consortium).nonce(address)}
        return await run(work)

    def posted(act, expected: str):
        """An endpoint answering `act(consortium, body, request)` for a JSON object body."""
        async def endpoint(request: Request) -> Response:
            body = await json_body(request)

            def work(consortium: Consortium):
                if not isinstance(body, dict):
                    raise InputError("the body is not a JSON object", f"send {expected}")
                return act(consortium, body, request)
            return await run(work)
        return endpoint

    def forwarder(consortium: Consortium) -> Forwarder:
        return Forwarder(consortium.chain, passports.forwarder_of(consortium))

    relay_prepare = posted(lambda consortium, body, _: passports.prepare_request(consortium, forwarder(consortium),
                                                                                   body),
                           "{from, collection, action, args}")
    relay = posted(lambda consortium, body, _: side.relayer(consortium).relay(body.get("request"),
                                                                                body.get("signature")).__dict__,
                   "{request, signature}")
    safe_prepare = posted(lambda consortium, body, _: safe_relay.prepare(side.relayer(consortium), body),
                          "{safe, collection, action, args}")
    safe_submit = posted(lambda consortium, body, _: safe_relay.submit(side.relayer(consortium), body),
                         "{safe, safeTx, signatures}")
    consent_prepare = posted(lambda consortium, body, _: passports.prepare_consent(consortium, body),
                             "{collection, tokenId, reseller, terms}")
    claim_redeem = posted(lambda consortium, body, request: claims.redeem(
        side.store, side.relayer(consortium), request.path_params["code"], body.get("buyer"),
        parse_signature(body.get("signature"), ecdsa=False)), "{buyer, signature}")

    async def claim_show(request: Request) -> Response:
        code = request.path_params["code"]
        return await run(lambda consortium: claims.show_link(side.store, consortium.chain, code))

    async def siwe_nonce(request: Request) -> Response:
        def work(consortium: Consortium):
            brand, domain = side.brand(consortium), side.site(request)
            nonce = club.issue_nonce(side.store)
            uri = f"{request.url.scheme}://{domain}/"
            shown = {"nonce": nonce, "domain": domain, "uri": uri, "chainId": consortium.chain.chain_id,
                     "version": "1", "statement": club.statement(brand)}
            if request.query_params.get("address"):
                shown["message"] = club.sign_in_message(domain, uri, request.query_params["address"],
                                                        consortium.chain.chain_id, nonce, brand)
            return shown
        return await run(work)

    verify_sign_in = posted(lambda consortium, body, request: club.sign_in(
        side.store, consortium, side.brand(consortium), side.site(request), body.get("message"), body.get("signature")),
        "{message, signature}")

    async def siwe_verify(request: Request) -> Response:
        response = await verify_sign_in(request)
        if response.status_code == 200:
            signed_in = json.loads(response.body)
            response = JSONResponse({k: v for k, v in signed_in.items() if k != "token"})
            response.set_cookie(SESSION_COOKIE, signed_in["token"], max_age=club.SESSION_TTL, httponly=True,
                                samesite="lax", secure=request.url.scheme == "https")
        return response

    def holder(request: Request, consortium: Consortium):
        brand = side.brand(consortium)
        address = club.session_address(side.store, request.cookies.get(SESSION_COOKIE))
        return brand, address, club.current_holdings(consortium, brand, address)

    async def club_page(request: Request) -> Response:
        def work(consortium: Consortium):
            brand, address, _ = holder(request, consortium)
            return {"address": address, "brand": brand.name, "content": club.club_content(options.club_content, brand)}
        return await run(work)

    async def notices(request: Request) -> Response:
        def work(consortium: Consortium):
            brand, address, held = holder(request, consortium)
            return {"address": address, **club.notices_for(side.store, brand.collection, address, held)}
        return await run(work)

    def opt(out: bool):
        async def endpoint(request: Request) -> Response:
            def work(consortium: Consortium):
                brand = side.brand(consortium)
                address = club.session_address(side.store, request.cookies.get(SESSION_COOKIE))
                return club.set_opt_out(side.store, brand.collection, address, out)
            return await run(work)
        return endpoint

    return [
        Route("/api/claim/{code}", claim_show),
        Route("/api/claim/{code}", claim_redeem, methods=["POST"]),
        Route("/api/siwe/nonce", siwe_nonce),
        Route("/api/siwe/verify", siwe_verify, methods=["POST"]),
        Route("/api/club", club_page),
        Route("/api/notices", notices),
        Route("/api/notices/opt-out", opt(True), methods=["POST"]),
        Route("/api/notices/opt-in", opt(False), methods=["POST"]),
        Route("/api/config", config),
        Route("/api/passport/{collection}/{token_id}", passport),
        Route("/api/forwarder/nonce/{address}", forwarder_nonce),
        Route("/api/relay/prepare", relay_prepare, methods=["POST"]),
        Route("/api/relay", relay, methods=["POST"]),
        Route("/api/relay/safe/prepare", safe_prepare, methods=["POST"]),
        Route("/api/relay/safe", safe_submit, methods=["POST"]),
        Route("/api/consent/prepare", consent_prepare, methods=["POST"]),
    ]
