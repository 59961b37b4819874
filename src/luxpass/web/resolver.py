"""A GS1-Conformant Resolver (GS1-Conformant Resolver Standard 1.2) for the Digital Link a
product's QR code carries, in front of the verification page:

    GET /01/<GTIN>/21/<serial>?c=…&k=…                    the page (the default link, served in place)
        …&linkType=gs1:pip|gs1:verificationService|…       307 to that link, the query passed on
        …&linkType=linkset (or all), or Accept: application/linkset+json
                                                          the item's links, an RFC 9264 linkset
    GET /.well-known/gs1resolver                           the resolver description file
    GET /epcis/01/<GTIN>/21/<serial>?c=…&k=…              gs1:serviceInfo: the item's history in EPCIS 2.0
    GET /api/v1/certification/<collection>                 gs1:certificationInfo: the registry's word on it
    GET /dpp/01/<GTIN>/21/<serial>?c=…&k=…                gs1:dpp: the public DPP credential (vc+jwt)
    POST the same, {issuedAt, signature}                   the restricted DPP, for an accredited party

The links of an item are the luxpass pages and APIs of its link: the resolver reads the link's own
proof (offline), never the chain, so that it answers at once and the same for every item. A link
that is not a valid Digital Link of a serialised item is a 400; one without a luxpass proof has no
links (404). Every answer carries CORS headers and a Link header to the item's linkset.
"""
import html
import time
from pathlib import Path
from urllib.parse import parse_qsl, urlencode, urlsplit

from biip import ParseError
from biip.gs1_digital_link_uris import GS1DigitalLinkURI
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import HTMLResponse, JSONResponse, Response
from starlette.routing import Route

from ..checks.dpp import accredited_reader, file_stem
from ..checks.dpp import default_folder as default_dpp_folder
from ..errors import InputError, NotAuthentic
from ..gs1 import DigitalLink, parse_link
from ..proofs.credential import PUBLIC, RESTRICTED
from ..proofs.link import read_link

GS1_VOC = "https://ref.gs1.org/voc/"
LEGACY_VOCS = ("https://gs1.org/voc/", "http://gs1.org/voc/", "gs1:")
LINKSET_CONTEXT = "https://ref.gs1.org/standards/resolver/linkset-context"
WELL_KNOWN = "/.well-known/gs1resolver"
LINKSET, JSON_LD, JSON = "application/linkset+json", "application/ld+json", "application/json"
LINKSET_KEYWORDS = ("linkset", "all")  # `all` is the keyword of versions 1.0 and 1.1
CORS = {"Access-Control-Allow-Origin": "*", "Access-Control-Allow-Methods": "GET, HEAD, OPTIONS",
        "Access-Control-Allow-Headers": "Accept, Accept-Language", "Access-Control-Expose-Headers": "Link, Location",
        "Vary": "Accept, Accept-Language"}

# link type -> (path of its target beside the resolver, title, media type); the item's query (c, k) follows
ITEM_LINKS = {
    "pip": ("", "Product page: is this item genuine?", "text/html"),
    "verificationService": ("/api/v1", "Verification service: the same check as JSON", JSON),
    "serviceInfo": ("/epcis", "Service and lifecycle history (EPCIS 2.0)", JSON_LD),
}
DEFAULT_LINK = "pip"
DPP_LINK = ("/dpp", "Digital product passport (W3C Verifiable Credential)", "application/vc+jwt")


def install(app) -> None:
    """Serve the resolver in `app` (the verification page's Starlette app)."""
    app.router.routes.extend(ROUTES)
    app.add_middleware(GS1Resolver)


class GS1Resolver:
    """ASGI middleware answering the resolver's part of each Digital Link request, and passing
    the page's part (a person's browser, no link type asked) to the page with the Link header."""

    def __init__(self, app):
        self.app = app

    async def __call__(self, scope, receive, send):
        if scope["type"] != "http":
            return await self.app(scope, receive, send)
        path = scope["path"]
        if path == WELL_KNOWN:
            return await _with_cors(JSONResponse(description(Request(scope))))(scope, receive, send)
        if not path.startswith("/01/"):
            return await self.app(scope, receive, send)
        if path.endswith("/"):  # tolerated: the same answer as without the trailing slash
            raw = scope.get("raw_path") or path.encode()
            scope = dict(scope, path=path.rstrip("/"), raw_path=raw.rstrip(b"/"))
        answer, headers = resolve(Request(scope))
        if answer is not None:
            return await answer(scope, receive, send)
        await self.app(scope, receive, _adding(send, headers))


def resolve(request: Request) -> tuple[Response | None, dict]:
    """The resolver's answer to a Digital Link request, or None for the page to answer, with the
    headers to add to the page's answer."""
    if request.method == "OPTIONS":
        return _with_cors(Response(status_code=204, headers={"Allow": "GET, HEAD, OPTIONS"})), {}
    link_type = request.query_params.get("linkType")
    accept = request.headers.get("accept", "")
    wants_linkset = link_type in LINKSET_KEYWORDS or (link_type is None and LINKSET in accept)
    asked = link_type is not None or wants_linkset
    base = str(request.base_url).rstrip("/")
    raw_path = (request.scope.get("raw_path") or request.url.path.encode()).decode()
    uri = base + raw_path + (f"?{request.url.query}" if request.url.query else "")
    problem = syntax_problem(uri)
    if problem:
        return (_error(400, f"not a valid GS1 Digital Link URI: {problem}", accept) if asked else None), CORS
    links = item_links(uri, base, dpp_folder(request))
    if links is None:
        return (_error(404, "no links are known for this identifier: it is not the link of a luxpass product "
                            "(its proof, the c and k of its query, is missing or broken)", accept) if asked else None), CORS
    anchor, entries = links
    headers = dict(CORS, Link=link_header(anchor, entries))
    if wants_linkset:
        return _linkset_response(anchor, entries, accept, headers), {}
    if link_type is not None:
        wanted = link_type_name(link_type)
        if wanted not in entries:
            return _error(404, f"no link of type {link_type!r} for this item; it has "
                               f"{', '.join('gs1:' + name for name in entries)}", accept, headers), {}
        return Response(status_code=307, headers=dict(headers, Location=forward_query(entries[wanted]["href"], request))), {}
    return None, headers


def syntax_problem(uri: str) -> str | None:
    """What makes `uri` no valid GS1 Digital Link URI (biip's parser and the key's check digit),
    or None."""
    try:
        parsed = GS1DigitalLinkURI.parse(uri)
    except ParseError as exc:
        return str(exc)
    for element in parsed.element_strings:
        if element.gtin_error:
            return element.gtin_error
    return None


def item_links(uri: str, base: str, dpp_dir: Path | None = None) -> tuple[str, dict] | None:
    """The anchor and the links (by GS1 link type) of the luxpass product `uri` names, or None when
    it names none: not a serialised item, or no readable luxpass proof. `gs1:dpp` is among them
    when the brand issued the product's DPP into `dpp_dir`."""
    try:
        link = parse_link(uri)
        proven = read_link(link)
    except InputError:
        return None
    item = DigitalLink(base, link.gtin, link.serial, {k: v for k, v in link.query.items() if k in ("c", "k")})
    targets = dict(ITEM_LINKS)
    if dpp_dir is not None and _dpp_file(dpp_dir, proven, PUBLIC).is_file():
        targets["dpp"] = DPP_LINK
    entries = {name: {"href": f"{base}{prefix}{item.path}?{urlencode(item.query)}", "title": title, "type": media,
                      "hreflang": ["en"]} for name, (prefix, title, media) in targets.items()}
    entries["certificationInfo"] = {"href": f"{base}/api/v1/certification/{item.query['c']}",
                                    "title": "Certification: the consortium registry's word on this brand's "
                                             "collection", "type": JSON, "hreflang": ["en"]}
    return item.uri, entries


def link_type_name(text: str) -> str:
    """`gs1:pip`, `https://gs1.org/voc/pip` and `https://ref.gs1.org/voc/pip` are one link type."""
    for prefix in (GS1_VOC, *LEGACY_VOCS):
        if text.startswith(prefix):
            return text[len(prefix):]
    return text


def forward_query(href: str, request: Request) -> str:
    """The target with the request's query passed on (but the resolver's own `linkType`)."""
    target = urlsplit(href)
    query = dict(parse_qsl(target.query, keep_blank_values=True))
    query.update((k, v) for k, v in request.query_params.multi_items() if k != "linkType")
    return target._replace(query=urlencode(query)).geturl()


def linkset(anchor: str, entries: dict) -> dict:
    """The RFC 9264 linkset of one item, with GS1's default link."""
    context = {GS1_VOC + name: [entry] for name, entry in entries.items()}
    context[GS1_VOC + "defaultLink"] = [entries[DEFAULT_LINK]]
    return {"linkset": [{"anchor": anchor, **context}]}


def link_header(anchor: str, entries: dict) -> str:
    parts = [f'<{e["href"]}>; rel="{GS1_VOC}{name}"; title="{e["title"]}"; type="{e["type"]}"; hreflang="en"'
             for name, e in entries.items()]
    linkset_uri = f"{anchor}{'&' if '?' in anchor else '?'}linkType=linkset"
    return ", ".join(parts + [f'<{linkset_uri}>; rel="linkset"; type="{LINKSET}"'])


def description(request: Request) -> dict:
    """The resolver description file (section 3 of the standard)."""
    return {"name": "luxpass product passport resolver", "resolverRoot": str(request.base_url).rstrip("/"),
            "supportedPrimaryKeys": ["01"],
            "supportedLinkType": [{"namespace": GS1_VOC, "prefix": "gs1:"}],
            "linkTypeDefaultCanBeLinkset": False, "jsonLdContextLocation": LINKSET_CONTEXT,
            "contact": {"fn": "the brand that issued the product's passport"}}


def _linkset_response(anchor: str, entries: dict, accept: str, headers: dict) -> Response:
    body = linkset(anchor, entries)
    if "text/html" in accept and LINKSET not in accept:
        items = "".join(f'<li><a href="{html.escape(e["href"])}" rel="{GS1_VOC}{name}">{html.escape(e["title"])}</a>'
                        f' (gs1:{name})</li>' for name, e in entries.items())
        return HTMLResponse(f"<!doctype html><title>Links of this product</title><h1>Links of this product</h1>"
                            f"<ul>{items}</ul>", headers=headers)
    context_link = f'<{LINKSET_CONTEXT}>; rel="http://www.w3.org/ns/json-ld#context"; type="{JSON_LD}"'
    headers = dict(headers, Link=headers["Link"] + ", " + context_link)
    if JSON_LD in accept:
        return JSONResponse({"@context": LINKSET_CONTEXT, **body}, media_type=JSON_LD, headers=headers)
    media = JSON if JSON in accept and LINKSET not in accept else LINKSET
    return JSONResponse(body, media_type=media, headers=headers)


def _error(status: int, message: str, accept: str, headers: dict | None = None) -> Response:
    headers = headers or CORS
    if "text/html" in accept:
        return HTMLResponse(f"<!doctype html><title>{status}</title><h1>{html.escape(message)}</h1>", status,
                            headers=headers)
    return JSONResponse({"error": message}, status, headers=headers)


def _with_cors(response: Response) -> Response:
    response.headers.update(CORS)
    return response


def _adding(send, headers: dict):
    """`send` that adds `headers` to the response's start."""
    async def wrapped(message):
        if message["type"] == "http.response.start" and headers:
            message = dict(message, headers=list(message.get("headers", [])) +
                           [(k.lower().encode(), v.encode()) for k, v in headers.items()])
        await send(message)
    return wrapped


# --- the targets that are not the page's ---------------------------------------------------

async def epcis_history(request: Request) -> Response:
    from ..checks.epcis import epcis_for_link

    link = DigitalLink(str(request.base_url).rstrip("/"), request.path_params["gtin"], request.path_params["serial"],
                       dict(request.query_params))
    try:
        document = await run_in_threadpool(on_chain, request, lambda consortium: epcis_for_link(consortium, link))
    except NotAuthentic as exc:
        return JSONResponse({"error": str(exc)}, 404, headers=CORS)
    except InputError as exc:
        return JSONResponse({"error": str(exc)}, 400, headers=CORS)
    return JSONResponse(document, media_type=JSON_LD, headers=CORS)


async def certification(request: Request) -> Response:
    from ..values import parse_address

    try:
        collection = parse_address(request.path_params["collection"], "collection")
    except InputError as exc:
        return JSONResponse({"error": str(exc)}, 400, headers=CORS)

    def read(consortium):
        brand_id = consortium.brand_id_of(collection)
        brand = consortium.brand(brand_id) if brand_id else None
        return {"collection": collection, "registry": consortium.registry.address,
                "chainId": consortium.chain.chain_id, "listed": brand is not None,
                "brand": brand.name if brand else None,
                "brandStatus": brand.status.name.lower() if brand else None}

    answer = await run_in_threadpool(on_chain, request, read)
    return JSONResponse(answer, 200 if answer["listed"] else 404, headers=CORS)


def dpp_folder(request: Request) -> Path:
    """Where the brand's DPP credentials are (`luxpass serve`'s `--dpp-dir`)."""
    return getattr(request.app.state, "dpp_dir", None) or default_dpp_folder()


def _dpp_file(folder: Path, proven, audience: str) -> Path:
    return Path(folder) / f"{file_stem(proven.collection, proven.passport_id)}.{audience}.jwt"


async def dpp_credential(request: Request) -> Response:
    """The public DPP of the item to anyone (GET); the restricted one (POST) to a party that signs
    `luxpass.checks.dpp.access_message` with an account the registry accredits."""
    link = DigitalLink(str(request.base_url).rstrip("/"), request.path_params["gtin"], request.path_params["serial"],
                       dict(request.query_params))
    try:
        proven = read_link(link)
    except InputError as exc:
        return JSONResponse({"error": str(exc)}, 400, headers=CORS)
    audience = PUBLIC if request.method == "GET" else RESTRICTED
    path = _dpp_file(dpp_folder(request), proven, audience)
    if not path.is_file():
        return JSONResponse({"error": f"the brand issued no {audience} DPP for this product"}, 404, headers=CORS)
    if audience == RESTRICTED:
        try:
            body = await request.json()
            issued_at, signature = int(body["issuedAt"]), str(body["signature"])
        except (ValueError, KeyError, TypeError):
            return JSONResponse({"error": "an access request is JSON with issuedAt (Unix time) and the EIP-191 "
                                          "signature of the access message"}, 400, headers=CORS)
        try:
            await run_in_threadpool(on_chain, request, lambda consortium: accredited_reader(
                consortium, proven.passport_id, issued_at, signature, int(time.time())))
        except NotAuthentic as exc:
            return JSONResponse({"error": str(exc)}, 403, headers=CORS)
        except InputError as exc:
            return JSONResponse({"error": str(exc)}, 400, headers=CORS)
    return Response(path.read_text().strip(), media_type=DPP_LINK[2], headers=CORS)


def on_chain(request: Request, work):
    """`work(consortium)` with the page's registry; a lost node is the page's Unavailable."""
    import requests

    from ..chain.rpc import NodeUnavailable
    from .app import Unavailable

    registry = request.app.state.registry
    try:
        return work(registry.consortium())
    except (requests.exceptions.RequestException, NodeUnavailable) as exc:
        registry.forget()
        raise Unavailable(f"lost the node ({type(exc).__name__})") from None


ROUTES = [
    Route("/dpp/01/{gtin}/21/{serial:path}", dpp_credential, methods=["GET", "POST"]),
    Route("/epcis/01/{gtin}/21/{serial:path}", epcis_history),
    Route("/api/v1/certification/{collection}", certification),
]
