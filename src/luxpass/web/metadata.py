"""ERC-721 metadata that wallets and marketplaces display, at a collection's base URI
(`luxpass metadata set-base-uri` points it here):

    GET /metadata/<collection>/<token id>        the passport's metadata JSON
    GET /metadata/<collection>/passport.svg      its image
    GET /api/v1/passports/<collection>/<id>      gs1:verificationService of the token: the verdict

Anyone can ask for every token id, so the metadata says only what the chain says to everyone: the
brand, that it is a passport of the consortium, its status. Never a serial, GTIN, model, price or
customer: those are in the product's own code, which is why `hasDigitalProductPassport` is the
template of the DPP's address (RFC 6570), which only whoever holds the product's code can fill.
"""
import html

from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse, Response
from starlette.routing import Route

from ..errors import InputError
from ..results import to_jsonable
from ..values import parse_address, parse_passport_id, passport_hex

CORS = {"Access-Control-Allow-Origin": "*"}


def install(app) -> None:
    app.router.routes.extend(ROUTES)


def metadata(base: str, collection: str, passport_id: int, brand: str, status: str) -> dict:
    """The ERC-721 metadata JSON of one passport."""
    short = passport_hex(passport_id)
    return {
        "name": f"{brand} product passport {short[:8]}…{short[-4:]}",
        "description": f"A product passport of {brand}, recorded in the luxury consortium's registry. The product's "
                       "serial, model and owner stay private: scan the QR code on the product for its page and "
                       "its Digital Product Passport.",
        "image": f"{base}/metadata/{collection}/passport.svg",
        "external_url": f"{base}/",
        "attributes": [{"trait_type": "Brand", "value": brand}, {"trait_type": "Status", "value": status}],
        "gs1:verificationService": f"{base}/api/v1/passports/{collection}/{short}",
        "gs1:resolver": f"{base}/.well-known/gs1resolver",
        "hasDigitalProductPassport": f"{base}/dpp/01/{{gtin}}/21/{{serial}}{{?c,k}}",
    }


async def _verdict(request: Request):
    """The token named by the path and the registry's verdict on it, or the 400 of a bad path."""
    from ..checks.verify import verify
    from .resolver import on_chain

    try:
        collection = parse_address(request.path_params["collection"], "collection")
        passport_id = parse_passport_id(request.path_params["token"])
    except InputError as exc:
        return None, JSONResponse({"error": str(exc)}, 400, headers=CORS)
    verdict = await run_in_threadpool(on_chain, request, lambda consortium: verify(consortium, collection,
                                                                                    passport_id))
    return (collection, passport_id, verdict), None


async def token_metadata(request: Request) -> Response:
    token, refused = await _verdict(request)
    if refused:
        return refused
    collection, passport_id, verdict = token
    if not verdict.exists or not verdict.genuine_collection:
        return JSONResponse({"error": f"no passport {passport_hex(passport_id)} in a collection of the consortium"},
                            404, headers=CORS)
    base = str(request.base_url).rstrip("/")
    return JSONResponse(metadata(base, collection, passport_id, verdict.brand, verdict.status), headers=CORS)


async def passport_verdict(request: Request) -> Response:
    token, refused = await _verdict(request)
    if refused:
        return refused
    verdict = token[2]
    return JSONResponse(to_jsonable(verdict), 200 if verdict.authentic else 404, headers=CORS)


async def passport_image(request: Request) -> Response:
    try:
        collection = parse_address(request.path_params["collection"], "collection")
    except InputError as exc:
        return JSONResponse({"error": str(exc)}, 400, headers=CORS)
    brand = await run_in_threadpool(_brand_name, request, collection)
    if brand is None:
        return JSONResponse({"error": f"{collection} is not a collection of the consortium"}, 404, headers=CORS)
    name = html.escape(brand)
    svg = ('<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 400 400"><rect width="400" height="400" '
           'fill="#1b2a22"/><text x="200" y="180" font-family="serif" font-size="30" fill="#f5efe3" '
           f'text-anchor="middle">{name}</text><text x="200" y="230" font-family="sans-serif" font-size="16" '
           'fill="#c9b98f" text-anchor="middle" letter-spacing="3">PRODUCT PASSPORT</text></svg>')
    return Response(svg, media_type="image/svg+xml", headers=CORS)


def _brand_name(request: Request, collection: str) -> str | None:
    from .resolver import on_chain

    def read(consortium):
        brand_id = consortium.brand_id_of(collection)
        return consortium.brand(brand_id).name if brand_id else None
    return on_chain(request, read)


ROUTES = [
    Route("/metadata/{collection}/passport.svg", passport_image),
    Route("/metadata/{collection}/{token}", token_metadata),
    Route("/api/v1/passports/{collection}/{token}", passport_verdict),
]
