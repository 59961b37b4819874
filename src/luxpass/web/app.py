"""The verification page a consumer reaches by scanning a product's QR code, and its JSON API.

    GET  /01/<GTIN>/21/<serial>?c=…&k=…          the page: verdict, brand, story, owners, chip
    GET  /api/v1/01/<GTIN>/21/<serial>?c=…&k=…   the same check as JSON
    POST /api/v1/chip/challenge                  {collection, passportId} -> a challenge to sign
    POST /api/v1/chip/check                      {nonce, signature} -> whether the chip answered

Each check reads the registry and the one passport from the node; none scans the chain. No
wallet is needed. A node that cannot be reached gets a 503 page, anything unforeseen a 500 page;
the details go to the server's log, never to the visitor.
"""
import logging
import threading
import time
from collections import OrderedDict
from datetime import datetime, timezone

import requests
from babel.dates import format_date
from starlette.applications import Starlette
from starlette.concurrency import run_in_threadpool
from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response
from starlette.routing import Route

from ..chain.connection import Chain
from ..chain.rpc import NodeUnavailable
from ..errors import InputError, LuxpassError
from ..gs1 import DigitalLink
from ..local.deployments import open_consortium
from ..onchain import chip
from ..onchain.registry import Consortium
from ..checks.link import AUTHENTIC, NO_MATCH, NOT_AUTHENTIC, UNREADABLE, LinkCheck, check_link
from ..results import to_jsonable
from ..values import parse_address, parse_passport_id
from . import i18n, metadata, owner_pages, resolver
from .i18n import N_
from .owner import OwnerOptions, owner_routes

log = logging.getLogger("luxpass.web")

MAX_OPEN_CHALLENGES = 10_000

HEADLINES = {
    AUTHENTIC: (N_("Authentic"), N_("A genuine {brand} product, recorded in the luxury consortium's registry.")),
    NOT_AUTHENTIC: (N_("Not authentic"), N_("This code does not lead to a genuine product passport. Do not buy on its "
                                     "strength.")),
    UNREADABLE: (N_("Cannot be read, try again"), N_("This code could not be read in full: it may be smudged, damaged or "
                                              "cut short. Scan the QR code or the chip on the product again. "
                                              "Nothing is known yet about the product.")),
    NO_MATCH: (N_("Matches no passport"), N_("This code leads to no {brand} product passport. If you typed the "
                                             "address, scan the QR code or the chip on the product instead; if a "
                                             "fresh scan shows this page again, the code does not belong to a "
                                             "genuine product: do not buy on its strength.")),
    "stolen": (N_("Reported stolen"), N_("A genuine {brand} product that its owner reported stolen. Do not buy it; "
                                  "tell {brand}.")),
    "lost": (N_("Reported lost"), N_("A genuine {brand} product that its owner reported lost. Do not buy it; tell {brand}.")),
    "destroyed": (N_("Destroyed"), N_("{brand} recorded this product as destroyed: whatever carries this code is not a "
                               "product to buy.")),
}
# The footer of a page that checked nothing (the base template's says the page was checked live).
NOT_CHECKED = N_("Nothing was checked on this page. luxpass checks products against the luxury consortium's "
                 "registry; no app or wallet needed.")
# What the page says of a link it cannot read; the reader's own problem goes to the technical details.
UNREADABLE_REASON = N_("part of the code is missing or damaged, so it cannot be checked")
STAGES = {
    ("ownership", "mint"): N_("Passport issued by {brand}"),
    ("ownership", "custody"): N_("Moved within {brand}"),
    ("ownership", "first-sale"): N_("Sold new"),
    ("ownership", "private-transfer"): N_("Changed owner"),
    ("ownership", "resale"): N_("Resold through an accredited reseller"),
    ("ownership", "recovery"): N_("Returned to its owner by {brand}"),
    ("ownership", "chip-claim"): N_("Claimed with its chip"),
    ("lifecycle", "manufactured"): N_("Made"),
    ("lifecycle", "quality-checked"): N_("Quality checked"),
    ("lifecycle", "shipped"): N_("Shipped"),
    ("lifecycle", "received-in-store"): N_("Received in store"),
    ("lifecycle", "sold"): N_("Sold"),
    ("lifecycle", "serviced"): N_("Serviced"),
    ("lifecycle", "repaired"): N_("Repaired"),
    ("lifecycle", "brand-defined"): N_("Recorded by {brand}"),
    ("status", "lost"): N_("Reported lost"),
    ("status", "stolen"): N_("Reported stolen"),
    ("status", "active"): N_("Reported found"),
    ("status", "destroyed"): N_("Recorded as destroyed"),
}


class Unavailable(Exception):
    """The node or the deployment cannot be reached now."""


class Registry:
    """The consortium, opened on first use and opened again after the node was lost."""

    def __init__(self, rpc_url: str):
        self.rpc_url = rpc_url
        self._consortium: Consortium | None = None
        self._lock = threading.Lock()

    def consortium(self) -> Consortium:
        with self._lock:
            if self._consortium is None:
                try:
                    self._consortium = open_consortium(Chain(self.rpc_url, log=log.info))
                except (LuxpassError, requests.exceptions.RequestException) as exc:
                    raise Unavailable(str(exc)) from None
            return self._consortium

    def forget(self) -> None:
        with self._lock:
            self._consortium = None


class Challenges:
    """Chip challenges handed out and not yet answered; each nonce is good for one answer."""

    def __init__(self):
        self._open: OrderedDict[bytes, tuple[float, str, int, int]] = OrderedDict()
        self._lock = threading.Lock()

    def add(self, issued: "chip.Challenge") -> None:
        with self._lock:
            self._open[issued.nonce] = (time.monotonic(), issued)
            while len(self._open) > MAX_OPEN_CHALLENGES:
                self._open.popitem(last=False)

    def take(self, nonce: bytes) -> "chip.Challenge | None":
        with self._lock:
            issued = self._open.pop(nonce, None)
        if issued is None or time.monotonic() - issued[0] > chip.CHALLENGE_TTL:
            return None
        return issued[1]


def create_app(rpc_url: str, chip_reader_script: str | None = None, owners: OwnerOptions | None = None,
               wallet_rpc_url: str | None = None) -> Starlette:
    registry, challenges = Registry(rpc_url), Challenges()

    def on_chain(work):
        """Run `work(consortium)`; a lost node is Unavailable, and is opened afresh next time."""
        consortium = registry.consortium()
        try:
            return work(consortium)
        except (requests.exceptions.RequestException, NodeUnavailable) as exc:
            registry.forget()
            raise Unavailable(f"lost the node at {rpc_url} ({getattr(exc, 'reason', type(exc).__name__)})") from None

    def link_of(request: Request) -> DigitalLink:
        params = request.path_params
        return DigitalLink(str(request.base_url).rstrip("/"), params["gtin"], params["serial"],
                           dict(request.query_params))

    def passport_page(request: Request) -> Response:
        lang = i18n_lang(request)
        consortium, check = on_chain(lambda consortium: (consortium, check_link(consortium, link_of(request).uri)))
        owner_config = None
        if check.verdict and check.verdict.exists:
            owner_config = owner_pages.owner_config(lang, consortium.chain.chain_id, consortium.registry.address,
                                                    check.collection, check.passport_id, wallet_rpc_url or rpc_url)
        return render(request, "passport.html", page=_view(check, lang), check=check,
                      chip_reader_script=chip_reader_script, owner_config=owner_config,
                      api_base=request.base_url.path.rstrip("/") + "/api/v1",
                      footer=NOT_CHECKED if check.state == UNREADABLE else None,
                      status_code=400 if check.passport_id is None else 200)

    def passport_json(request: Request) -> Response:
        check = on_chain(lambda consortium: check_link(consortium, link_of(request).uri))
        return JSONResponse(to_jsonable(check), status_code=400 if check.passport_id is None else 200)

    async def chip_challenge(request: Request) -> Response:
        body = await _json_body(request)
        try:
            collection = parse_address(str(body.get("collection", "")), "collection")
            passport_id = parse_passport_id(str(body.get("passportId", "")))
        except InputError as exc:
            return JSONResponse({"error": str(exc)}, status_code=400)

        def issue(consortium: Consortium):
            if not consortium.brand_id_of(collection):
                return None
            if chip.chip_of(consortium.chain, collection, passport_id) is None:
                return None
            return chip.challenge(consortium.chain, collection, passport_id)

        issued = await run_in_threadpool(on_chain, issue)
        if issued is None:
            return JSONResponse({"error": "this passport has no chip in a collection of the consortium"},
                                status_code=404)
        challenges.add(issued)
        return JSONResponse({"nonce": "0x" + issued.nonce.hex(), "blockNumber": issued.block_number,
                             "typedData": issued.typed_data(), "expiresIn": chip.CHALLENGE_TTL})

    async def chip_check(request: Request) -> Response:
        body = await _json_body(request)
        try:
            nonce = bytes.fromhex(str(body.get("nonce", "")).removeprefix("0x"))
            signature = chip.parse_signature(str(body.get("signature", "")))
        except (ValueError, InputError) as exc:
            return JSONResponse({"error": f"a challenge answer needs the nonce and the chip's signature ({exc})"},
                                status_code=400)
        issued = challenges.take(nonce)
        if issued is None:
            return JSONResponse({"valid": False, "reason": "this challenge is unknown, expired or already "
                                 "answered: start the chip check again"}, status_code=409)

        def answer(consortium: Consortium) -> tuple[bool, bool]:
            chain = consortium.chain
            valid = chip.verify_chip(chain, issued, signature)
            return valid, chain.w3.eth.block_number - issued.block_number > chip.FRESH_BLOCKS

        valid, stale = await run_in_threadpool(on_chain, answer)
        if valid:
            reason = "the chip in this item is the one bound to its passport"
        elif stale:
            reason = "the chip answered too late for this challenge: start the chip check again"
        else:
            reason = "the chip did not answer as the chip bound to this passport: this item may not be the original"
        return JSONResponse({"valid": valid, "reason": reason})

    def home(request: Request) -> Response:
        return render(request, "message.html", title=N_("Check a luxury product"),
                      lead=N_("Scan the QR code on a product or its certificate card to see whether it is genuine."),
                      detail=N_("No app and no wallet needed: each check reads the consortium's registry directly."),
                      footer=NOT_CHECKED)

    def not_found(request: Request, exc: HTTPException) -> Response:
        if request.url.path.startswith("/api/"):
            return JSONResponse({"error": exc.detail}, status_code=exc.status_code)
        return render(request, "message.html", status_code=exc.status_code, title=N_("Nothing here"),
                      lead=N_("This address is not a product's verification page."),
                      detail=N_("Scan the QR code or the chip on the product again."), footer=NOT_CHECKED)

    def unavailable(request: Request, exc: Unavailable) -> Response:
        log.warning("registry unavailable: %s", exc)
        if request.url.path.startswith("/api/"):
            return JSONResponse({"error": "the registry cannot be reached; try again in a few minutes"},
                                status_code=503)
        return render(request, "message.html", status_code=503, title=N_("The registry cannot be reached"),
                      lead=N_("We cannot check this product right now: the consortium's registry does not answer."),
                      detail=N_("Nothing is known yet about whether it is genuine. Try again in a few minutes."),
                      footer=NOT_CHECKED)

    def failed(request: Request, exc: Exception) -> Response:
        log.exception("failed to answer %s", request.url.path, exc_info=exc)
        if request.url.path.startswith("/api/"):
            return JSONResponse({"error": "the check failed on our side; try again"}, status_code=500)
        return render(request, "message.html", status_code=500, title=N_("The check failed"),
                      lead=N_("Something went wrong on our side while checking this product."),
                      detail=N_("Nothing is known yet about whether it is genuine. Try again in a moment."),
                      footer=NOT_CHECKED)

    routes = [
        Route("/", home),
        Route("/01/{gtin}/21/{serial:path}", passport_page),
        Route("/api/v1/01/{gtin}/21/{serial:path}", passport_json),
        Route("/api/v1/chip/challenge", chip_challenge, methods=["POST"]),
        Route("/api/v1/chip/check", chip_check, methods=["POST"]),
        *owner_routes(on_chain, owners),
        *owner_pages.routes(render, i18n_lang, lambda: on_chain(lambda consortium: consortium.chain.chain_id),
                            wallet_rpc_url or rpc_url),
    ]
    app = Starlette(routes=routes, exception_handlers={HTTPException: not_found, Unavailable: unavailable,
                                                       Exception: failed})
    app.state.registry = registry
    resolver.install(app)  # the GS1-Conformant Resolver in front of the page (web/resolver.py)
    metadata.install(app)  # ERC-721 metadata at the collections' base URI (web/metadata.py)
    return app


def i18n_lang(request: Request) -> str:
    return i18n.choose(request.query_params.get("lang"), request.cookies.get(i18n.COOKIE),
                       request.headers.get("accept-language"))


def render(request: Request, template: str, status_code: int = 200, **context) -> HTMLResponse:
    """The page in the visitor's language, with links to the same page in the others; a language
    chosen in the address is kept in a cookie."""
    lang = i18n_lang(request)
    switch = {code: str(request.url.include_query_params(lang=code)) for code in i18n.available()}
    response = HTMLResponse(i18n.environment(lang).get_template(template).render(switch_links=switch, **context),
                            status_code=status_code)
    if request.query_params.get("lang") in i18n.available():
        response.set_cookie(i18n.COOKIE, lang, max_age=365 * 86400, samesite="lax")
    return response


async def _json_body(request: Request) -> dict:
    try:
        body = await request.json()
    except ValueError:
        return {}
    return body if isinstance(body, dict) else {}


def _view(check: LinkCheck, lang: str = i18n.DEFAULT) -> dict:
    """What the page shows of a check, in words, in `lang`."""
    _ = i18n.catalogue(lang, "messages")
    verdict, story = check.verdict, check.story
    brand = (verdict.brand if verdict else None) or _.gettext("the brand")
    title, lead = HEADLINES[check.state]
    view = {"state": check.state, "title": _.gettext(title), "lead": _.gettext(lead).format(brand=brand),
            "brand": verdict and verdict.brand, "warnings": list(verdict.warnings) if verdict else [], "stages": [],
            "owners": None,
            "reason": _.gettext(UNREADABLE_REASON) if check.state == UNREADABLE else check.reason}
    if verdict and verdict.authentic and verdict.brand_left_on:
        view["lead"] = _.gettext("A genuine product, issued by {brand} while a member of the luxury consortium; "
                                 "{brand} left the consortium on {date}.").format(brand=brand,
                                                                                   date=verdict.brand_left_on)
    if story is not None:
        view["stages"] = [{"label": _.gettext(STAGES[(e.record, e.kind)]).format(brand=brand)
                           if (e.record, e.kind) in STAGES else e.kind.replace("-", " ").capitalize(),
                           "date": _date(e.timestamp, lang), "block": e.block}
                          for e in story.entries]
        view["owners"] = _.gettext("Not sold yet: still with {brand}").format(brand=brand) if story.owners == 0 else \
            _.ngettext("{count} owner since it was sold new", "{count} owners since it was sold new",
                       story.owners).format(count=story.owners)
        if not story.head_verified:
            view["warnings"].append(_.gettext("the story shown could not be matched in full against the passport's "
                                              "record on chain"))
    return view


def _date(timestamp: int, lang: str = i18n.DEFAULT) -> str:
    return format_date(datetime.fromtimestamp(timestamp, timezone.utc), format="long",
                       locale="en_GB" if lang == i18n.DEFAULT else lang)
