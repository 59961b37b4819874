"""tokenURI gives ERC-721 metadata that wallets and marketplaces display, served by `luxpass
serve` at the base URI the brand admin sets, and holding no private field."""
import json
from urllib.parse import urlsplit

import pytest
from starlette.testclient import TestClient

from cli_helpers import admit_safe_council, error_line
from luxpass.onchain.collection import Collection
from luxpass.proofs.certificate import Certificate
from luxpass.web.app import create_app

RESOLVER = "http://testserver"
RECORD = {"serial": "AUR-META-1", "gtin": "03760123450003", "model": "Sac Seau", "price": "EUR 4,850"}


@pytest.fixture
def client(rpc_url, consortium):
    with TestClient(create_app(rpc_url), raise_server_exceptions=False) as client:
        yield client


def test_token_uri_leads_to_metadata_with_no_private_field(lux, as_account, client):
    cert = Certificate.from_dict(as_account(5).mint(dict(RECORD)).certificate)
    set_uri = json.loads(lux("metadata", "set-base-uri", "--brand", "Maison Aurel", "--resolver", RESOLVER,
                             "--dev-account", 1, "--json").stdout)
    token_uri = as_account(0).contract.functions.tokenURI(cert.passport_id).call()
    assert token_uri == f"{set_uri['base_uri']}{cert.passport_id}"
    response = client.get(urlsplit(token_uri).path)
    assert response.status_code == 200 and response.headers["access-control-allow-origin"] == "*"
    shown = response.json()
    assert shown["name"].startswith("Maison Aurel product passport 0x")
    assert shown["attributes"] == [{"trait_type": "Brand", "value": "Maison Aurel"},
                                   {"trait_type": "Status", "value": "active"}]
    assert shown["hasDigitalProductPassport"] == f"{RESOLVER}/dpp/01/{{gtin}}/21/{{serial}}{{?c,k}}"
    assert client.get(urlsplit(shown["gs1:resolver"]).path).json()["supportedPrimaryKeys"] == ["01"]
    image = client.get(urlsplit(shown["image"]).path)
    assert image.headers["content-type"] == "image/svg+xml" and "Maison Aurel" in image.text
    verdict = client.get(urlsplit(shown["gs1:verificationService"]).path).json()
    assert verdict["authentic"] and verdict["brand"] == "Maison Aurel"
    for private in (*RECORD.values(), "3760123450003", cert.salt.hex()):
        assert private not in response.text + image.text + json.dumps(verdict)


def test_metadata_of_what_is_no_passport_is_a_404(lux, client, consortium):
    collection = consortium.brand(1).collection
    assert client.get(f"/metadata/{collection}/12345").status_code == 404
    assert client.get(f"/metadata/0x{'12' * 20}/1").status_code == 404
    assert client.get(f"/metadata/{collection}/not-a-number").status_code == 400
    assert client.get(f"/metadata/0x{'12' * 20}/passport.svg").status_code == 404


def test_only_the_brand_admin_sets_the_base_uri(lux):
    result = lux("metadata", "set-base-uri", "--brand", "Maison Aurel", "--resolver", RESOLVER, "--dev-account", 5,
                 expect=1)
    assert "AccessControlUnauthorizedAccount" in error_line(result)
    assert "is not an http(s) URL" in error_line(lux("metadata", "set-base-uri", "--brand", "Maison Aurel",
                                                     "--resolver", "ftp://x", "--dev-account", 1, expect=2))


def test_a_brand_whose_admin_is_a_safe_drafts_the_base_uri_for_its_owners(lux, signer, consortium, tmp_path):
    council = admit_safe_council(signer, consortium, "Atelier Safran", "SAF")
    job = tmp_path / "base-uri.json"
    drafted = json.loads(lux("metadata", "set-base-uri", "--brand", "Atelier Safran", "--resolver", RESOLVER,
                             "--safe", council, "--safe-out", job, "--json").stdout)
    assert drafted["file"] == str(job) and drafted["threshold"] == 2
    for owner in (4, 7):
        lux("safe", "sign", job, "--dev-account", owner)
    lux("safe", "exec", job, "--dev-account", 9)
    chain = signer(0)
    passports = Collection(chain, consortium.brand("Atelier Safran").collection)
    (changed,) = chain.events(passports.contract.events.BaseURIChanged, 0)
    assert changed["args"]["baseURI"] == f"{RESOLVER}/metadata/{passports.address}/"
