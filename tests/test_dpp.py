"""The EU's Digital Product Passport as a W3C Verifiable Credential: the brand's council or a
minter of its collection issues it from what the brand discloses; it verifies against the registry and the chain; a changed field,
another brand's signature or a field the commitment does not hold fails in one line, exit 3."""
import base64
import json

import pytest

from cli_helpers import admit_safe_council, error_line
from luxpass.chain.accounts import dev_account
from luxpass.proofs import credential
from luxpass.proofs.certificate import Certificate
from luxpass.proofs.disclosure import disclose

GTIN = "03760123450003"
RECORD = {"serial": "AUR-DPP-7", "gtin": GTIN, "model": "Sac Seau", "made_in": "Italy",
          "material": "veau Epsom", "supplier": "Tannerie Dupuis", "price": "EUR 4,850"}


@pytest.fixture
def bag(as_account, tmp_path):
    cert = Certificate.from_dict(as_account(5).mint(dict(RECORD)).certificate)
    path = tmp_path / "bag.json"
    cert.save(path)
    return cert, path


def issue(lux, path, folder, *fields, restricted=(), account=1, expect=0):
    args = ["dpp", "issue", path, "--out", folder, "--dev-account", account, "--json"]
    for name in fields:
        args += ["--field", name]
    for name in restricted:
        args += ["--restricted-field", name]
    return lux(*args, expect=expect)


def payload_of(token: str) -> dict:
    body = token.split(".")[1]
    return json.loads(base64.urlsafe_b64decode(body + "=" * (-len(body) % 4)))


def with_payload(token: str, vc: dict) -> str:
    header, _, signature = token.split(".")
    body = base64.urlsafe_b64encode(json.dumps(vc).encode()).rstrip(b"=").decode()
    return f"{header}.{body}.{signature}"


def test_the_council_issues_a_public_and_a_restricted_dpp_that_verify(lux, bag, tmp_path):
    cert, path = bag
    issued = json.loads(issue(lux, path, tmp_path / "dpp", "gtin", "serial", "model", "made_in",
                              restricted=["supplier"]).stdout)
    assert issued["issuer"] == f"did:pkh:eip155:31337:{dev_account(1, 31337).address}"
    public = json.loads(lux("dpp", "verify", issued["public"], "--json").stdout)
    assert public["valid"] and public["audience"] == "public" and public["brand"] == "Maison Aurel"
    assert public["fields"] == {"gtin": GTIN, "serial": "AUR-DPP-7", "model": "Sac Seau", "made_in": "Italy"}
    restricted = json.loads(lux("dpp", "verify", issued["restricted"], "--json").stdout)
    assert restricted["audience"] == "restricted" and restricted["fields"]["supplier"] == "Tannerie Dupuis"
    token = open(issued["public"]).read().strip()
    vc = payload_of(token)
    assert vc["@context"] == [credential.VC_CONTEXT, credential.DPP_CONTEXT]
    assert vc["type"] == ["VerifiableCredential", "DigitalProductPassport"]
    subject = vc["credentialSubject"]
    assert subject["id"] == f"https://id.gs1.org/01/{GTIN}/21/AUR-DPP-7" and subject["countryOfProduction"] == "Italy"
    for hidden in ("Tannerie", "EUR 4,850", "veau Epsom", cert.salt.hex()):
        assert hidden not in json.dumps(vc)
    header = json.loads(base64.urlsafe_b64decode(token.split(".")[0] + "=="))
    assert header["alg"] == "ES256K" and header["typ"] == "vc+jwt"
    assert credential.expand(vc)  # JSON-LD with the shipped contexts only


def test_a_changed_field_fails_in_one_line_with_exit_3(lux, bag, tmp_path):
    cert, path = bag
    issued = json.loads(issue(lux, path, tmp_path / "dpp", "model", "made_in").stdout)
    token = open(issued["public"]).read().strip()
    vc = payload_of(token)
    vc["credentialSubject"]["countryOfProduction"] = "France"
    changed = tmp_path / "changed.jwt"
    changed.write_text(with_payload(token, vc))
    result = lux("dpp", "verify", changed, expect=3)
    assert "the credential's signature does not hold" in error_line(result) and result.stdout == ""


def test_another_brands_signature_fails_in_one_line_with_exit_3(lux, bag, tmp_path):
    cert, _ = bag
    other_council = dev_account(2, 31337)  # Casa Vellutti's
    vc = credential.credential(disclose(cert, ["model"]), "Maison Aurel",
                               credential.did_pkh(31337, other_council.address), credential.PUBLIC)
    forged = tmp_path / "forged.jwt"
    forged.write_text(credential.sign(vc, other_council.key))
    line = error_line(lux("dpp", "verify", forged, expect=3))
    assert f"signed by {other_council.address}, neither Maison Aurel's council" in line


def test_a_minter_of_the_brand_issues_and_its_credentials_end_with_its_role(lux, bag, tmp_path, as_account):
    cert, path = bag
    issued = json.loads(issue(lux, path, tmp_path / "dpp", "model", account=5).stdout)
    assert issued["issuer"] == f"did:pkh:eip155:31337:{dev_account(5, 31337).address}"
    assert json.loads(lux("dpp", "verify", issued["public"], "--json").stdout)["valid"]
    as_account(1).set_role("minter", dev_account(5, 31337).address, False)
    line = error_line(lux("dpp", "verify", issued["public"], expect=3))
    assert f"signed by {dev_account(5, 31337).address}, neither Maison Aurel's council" in line


def test_a_brand_whose_council_is_a_safe_issues_through_the_minter_its_owners_grant(lux, signer, consortium,
                                                                                   tmp_path):
    from luxpass.onchain.collection import Collection

    council = admit_safe_council(signer, consortium, "Atelier Safran", "SAF")
    collection = consortium.brand("Atelier Safran").collection
    issuer = dev_account(9, 31337)
    job = tmp_path / "grant.json"
    lux("role", "grant", "minter", issuer.address, "--collection", collection, "--safe", council, "--safe-out", job)
    for owner in (4, 8):
        lux("safe", "sign", job, "--dev-account", owner)
    lux("safe", "exec", job, "--dev-account", 9)
    cert = Certificate.from_dict(Collection(signer(9), collection).mint({"serial": "SAF-1", "made_in": "France"})
                                 .certificate)
    cert.save(tmp_path / "saf-1.json")
    issued = json.loads(issue(lux, tmp_path / "saf-1.json", tmp_path / "dpp", "made_in", account=9).stdout)
    checked = json.loads(lux("dpp", "verify", issued["public"], "--json").stdout)
    assert checked["valid"] and checked["brand"] == "Atelier Safran" and checked["fields"] == {"made_in": "France"}


def test_another_brands_minter_cannot_sign_this_brands_dpp(lux, bag, tmp_path, signer, consortium):
    from luxpass.onchain.collection import Collection

    cert, path = bag
    rival_minter = dev_account(9, 31337)
    Collection(signer(2), consortium.brand("Casa Vellutti").collection).set_role("minter", rival_minter.address, True)
    assert "or a minter of its collection" in error_line(issue(lux, path, tmp_path / "dpp", "model", account=9,
                                                               expect=2))
    vc = credential.credential(disclose(cert, ["model"]), "Maison Aurel",
                               credential.did_pkh(31337, rival_minter.address), credential.PUBLIC)
    forged = tmp_path / "rival.jwt"
    forged.write_text(credential.sign(vc, rival_minter.key))
    assert "nor a minter of its collection" in error_line(lux("dpp", "verify", forged, expect=3))


def test_the_council_cannot_sign_a_field_the_passport_does_not_commit_to(lux, bag, tmp_path):
    cert, _ = bag
    council = dev_account(1, 31337)
    shown = disclose(cert, ["made_in"]).to_dict()
    shown["fields"]["made_in"]["value"] = "France"
    vc = credential.credential(disclose(cert, ["made_in"]), "Maison Aurel", credential.did_pkh(31337, council.address),
                               credential.PUBLIC)
    vc["credentialSubject"]["passportCommitment"] = shown
    vc["credentialSubject"]["countryOfProduction"] = "France"
    signed = tmp_path / "signed.jwt"
    signed.write_text(credential.sign(vc, council.key))
    assert "is not the one the product's commitment holds" in error_line(lux("dpp", "verify", signed, expect=3))


def test_a_context_luxpass_does_not_ship_is_not_fetched(lux, bag, tmp_path):
    cert, _ = bag
    council = dev_account(1, 31337)
    vc = credential.credential(disclose(cert, ["model"]), "Maison Aurel", credential.did_pkh(31337, council.address),
                               credential.PUBLIC)
    vc["@context"].append("https://example.org/untrusted-context")
    signed = tmp_path / "remote.jwt"
    signed.write_text(credential.sign(vc, council.key))
    assert "is not JSON-LD of the VC 2.0 and DPP contexts" in error_line(lux("dpp", "verify", signed, expect=3))


def test_only_the_council_or_a_minter_issues_and_no_dpp_is_overwritten(lux, bag, tmp_path):
    cert, path = bag
    assert "is signed by its council" in error_line(issue(lux, path, tmp_path / "dpp", "model", account=6, expect=2))
    issue(lux, path, tmp_path / "dpp", "model")
    assert "already exists and would be lost" in error_line(issue(lux, path, tmp_path / "dpp", "model", expect=2))
    not_a_jws = tmp_path / "x.jwt"
    not_a_jws.write_text("hello")
    assert "is not a compact JWS" in error_line(lux("dpp", "verify", not_a_jws, expect=2))


@pytest.fixture
def served(rpc_url, consortium, lux, bag, tmp_path):
    """`luxpass serve`'s app with the bag's public and restricted DPP in its --dpp-dir."""
    from starlette.testclient import TestClient

    from luxpass.web.app import create_app

    cert, path = bag
    issue(lux, path, tmp_path / "served", "model", "made_in", restricted=["supplier"])
    app = create_app(rpc_url)
    app.state.dpp_dir = tmp_path / "served"
    with TestClient(app, raise_server_exceptions=False, follow_redirects=False) as client:
        yield client, cert


def access_request(account, chain_id: int, passport_id: int, at: int) -> dict:
    from eth_account.messages import encode_defunct

    from luxpass.checks.dpp import access_message

    signed = account.sign_message(encode_defunct(text=access_message(chain_id, passport_id, at)))
    return {"issuedAt": at, "signature": "0x" + signed.signature.hex().removeprefix("0x")}


def test_the_gs1_dpp_link_gives_the_public_credential_to_anyone(served, consortium):
    import time
    from urllib.parse import urlsplit

    from luxpass.checks.dpp import verify_dpp
    from luxpass.proofs.link import link_for

    client, cert = served
    uri = urlsplit(link_for(cert, "http://testserver").uri)
    linkset = client.get(f"{uri.path}?{uri.query}&linkType=linkset").json()["linkset"][0]
    (dpp_link,) = linkset["https://ref.gs1.org/voc/dpp"]
    assert dpp_link["type"] == "application/vc+jwt"
    response = client.get(f"{uri.path}?{uri.query}&linkType=gs1:dpp")
    assert response.status_code == 307
    public = client.get(response.headers["location"].removeprefix("http://testserver"))
    assert public.headers["content-type"].startswith("application/vc+jwt")
    checked = verify_dpp(consortium, public.text)
    assert checked.audience == "public" and set(checked.fields) == {"model", "made_in"}
    target = dpp_link["href"].removeprefix("http://testserver")
    stranger = access_request(dev_account(8, 31337), 31337, cert.passport_id, int(time.time()))
    refused = client.post(target, json=stranger)
    assert refused.status_code == 403 and "holds no accreditation" in refused.json()["error"]


def test_an_accredited_party_reads_the_restricted_credential(served, consortium, signer):
    import time

    from luxpass.checks.dpp import verify_dpp
    from luxpass.local.deployments import open_consortium
    from luxpass.proofs.link import link_for
    from luxpass.spec import Accreditation

    client, cert = served
    repairer = dev_account(4, 31337)
    proposal = open_consortium(signer(1)).propose_accreditation(repairer.address, Accreditation.REPAIRER, True)
    open_consortium(signer(3)).vote(proposal.proposal_id, True)
    link = link_for(cert, "http://testserver")
    target = f"/dpp{link.path}?c={link.query['c']}&k={link.query['k']}"
    now = int(time.time())
    granted = client.post(target, json=access_request(repairer, 31337, cert.passport_id, now))
    assert granted.status_code == 200
    checked = verify_dpp(consortium, granted.text)
    assert checked.audience == "restricted" and checked.fields["supplier"] == "Tannerie Dupuis"
    stale = client.post(target, json=access_request(repairer, 31337, cert.passport_id, now - 3600))
    assert stale.status_code == 400 and "sign a new one" in stale.json()["error"]
    other_passport = client.post(target, json=access_request(repairer, 31337, cert.passport_id + 1, now))
    assert other_passport.status_code == 403
