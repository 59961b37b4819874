"""`luxpass serve` as a GS1-Conformant Resolver (Resolver Standard 1.2), one test per requirement
of its conformance statement that applies (section numbers in the names), in process against the
test chain. The Digital Link parser is biip's."""
import json
from urllib.parse import parse_qsl, urlsplit

import pytest
from biip.gs1_digital_link_uris import GS1DigitalLinkURI
from jsonschema import Draft7Validator, FormatChecker
from starlette.testclient import TestClient

from luxpass.proofs import epcis
from luxpass.proofs.certificate import Certificate
from luxpass.proofs.link import link_for
from luxpass.spec import EventKind
from luxpass.web.app import create_app
from luxpass.web.resolver import GS1_VOC

GTIN = "3760123450003"
RESOLVER = "http://testserver"
LINKSET = "application/linkset+json"
LINK_TYPES = ["pip", "verificationService", "serviceInfo", "certificationInfo"]


@pytest.fixture
def client(rpc_url, consortium):
    with TestClient(create_app(rpc_url), raise_server_exceptions=False, follow_redirects=False) as client:
        yield client


@pytest.fixture
def bag(as_account) -> Certificate:
    minted = as_account(5).mint({"serial": "AUR-R/0042", "gtin": GTIN, "model": "Sac Seau"})
    cert = Certificate.from_dict(minted.certificate)
    as_account(5).record_event(cert.passport_id, EventKind.MANUFACTURED, "Scandicci")
    return cert


def path_of(uri: str, **extra) -> str:
    parts = urlsplit(uri)
    query = dict(parse_qsl(parts.query)) | extra
    return parts.path + ("?" + "&".join(f"{k}={v}" for k, v in query.items()) if query else "")


def links_of(response) -> dict:
    (item,) = response.json()["linkset"]
    return {rel.removeprefix(GS1_VOC): targets for rel, targets in item.items() if rel != "anchor"}


def test_5_2_get_head_and_options_are_answered(client, bag):
    path = path_of(link_for(bag, RESOLVER).uri)
    assert client.get(path).status_code == 200
    assert client.head(path).status_code == 200
    assert client.head(path_of(link_for(bag, RESOLVER).uri, linkType="gs1:pip")).status_code == 307
    options = client.options(path)
    assert options.status_code == 204 and options.headers["allow"] == "GET, HEAD, OPTIONS"


def test_5_4_cors_lets_a_web_page_of_another_origin_read_the_answers(client, bag):
    path = path_of(link_for(bag, RESOLVER).uri)
    for response in (client.get(path), client.get(path, headers={"Accept": LINKSET}), client.options(path),
                     client.get("/.well-known/gs1resolver")):
        assert response.headers["access-control-allow-origin"] == "*"
    assert "Link" in client.get(path).headers["access-control-expose-headers"]
    assert "OPTIONS" in client.options(path).headers["access-control-allow-methods"]


@pytest.mark.parametrize("bad", ["/01/03760123450004/21/AUR-1", "/01/03760123450003/21/AUR-1/foo",
                                 "/01/376012345000/21/AUR-1"])
def test_5_7_and_5_9_a_uri_that_is_no_digital_link_is_a_400_never_a_200(client, bad):
    assert GS1DigitalLinkURI  # the parser the resolver relies on
    for response in (client.get(bad + "?linkType=linkset"), client.get(bad, headers={"Accept": LINKSET}),
                     client.get(bad + "?linkType=gs1:pip")):
        assert response.status_code == 400 and "not a valid GS1 Digital Link URI" in response.json()["error"]


def test_5_8_a_valid_identifier_the_resolver_knows_nothing_of_is_a_404(client, bag):
    link = link_for(bag, RESOLVER)
    assert client.get(f"/01/{link.gtin}?linkType=linkset").status_code == 404  # no links at the GTIN's level
    assert client.get(link.path + "?linkType=linkset").status_code == 404  # no proof, no product
    assert client.get(link.path, headers={"Accept": LINKSET}).status_code == 404


@pytest.mark.parametrize("keyword", ["linkset", "all"])
def test_2_9_link_type_linkset_lists_every_link_with_target_type_and_title(client, bag, keyword):
    link = link_for(bag, RESOLVER)
    response = client.get(path_of(link.uri, linkType=keyword))
    assert response.status_code == 200 and response.headers["content-type"] == LINKSET
    (item,) = response.json()["linkset"]
    assert item["anchor"] == link.uri
    links = links_of(response)
    assert set(links) == set(LINK_TYPES) | {"defaultLink"}
    for name, targets in links.items():  # 5.11: target, link type (the key) and a title, media type
        assert all(t["href"].startswith(RESOLVER + "/") and t["title"] and "/" in t["type"] for t in targets), name
    # 5.14 and 5.12: one default link, which is also listed under its own link type
    assert len(links["defaultLink"]) == 1 and links["defaultLink"][0] in links["pip"]


def test_2_9_asking_for_a_linkset_by_media_type_gets_it_without_a_redirect(client, bag):
    response = client.get(path_of(link_for(bag, RESOLVER).uri), headers={"Accept": LINKSET})
    assert response.status_code == 200 and response.headers["content-type"] == LINKSET
    assert set(links_of(response)) == set(LINK_TYPES) | {"defaultLink"}


def test_2_10_content_negotiation_of_the_linkset(client, bag):
    path = path_of(link_for(bag, RESOLVER).uri, linkType="linkset")
    as_json = client.get(path, headers={"Accept": "application/json"})
    assert as_json.headers["content-type"] == "application/json" and "linkset" in as_json.json()
    as_ld = client.get(path, headers={"Accept": "application/ld+json"})
    assert as_ld.headers["content-type"] == "application/ld+json"
    assert as_ld.json()["@context"] == "https://ref.gs1.org/standards/resolver/linkset-context"
    as_html = client.get(path, headers={"Accept": "text/html"})
    assert as_html.headers["content-type"].startswith("text/html") and "Product page" in as_html.text
    assert "Accept" in as_json.headers["vary"]
    # 5.13: the JSON-LD context of a JSON linkset is named in a Link header
    assert 'rel="http://www.w3.org/ns/json-ld#context"' in as_json.headers["link"]


@pytest.mark.parametrize("name", LINK_TYPES)
def test_5_17_a_requested_link_type_redirects_to_its_target(client, bag, name):
    link = link_for(bag, RESOLVER)
    targets = links_of(client.get(path_of(link.uri, linkType="linkset")))
    for spelling in (f"gs1:{name}", f"https://ref.gs1.org/voc/{name}", f"https://gs1.org/voc/{name}"):  # 5.24
        response = client.get(path_of(link.uri, linkType=spelling))
        assert response.status_code == 307
        location, href = urlsplit(response.headers["location"]), urlsplit(targets[name][0]["href"])
        assert location.path == href.path  # the query is the target's and the request's (5.19)
        link_query = dict(parse_qsl(urlsplit(link.uri).query))
        assert dict(parse_qsl(location.query)) == dict(parse_qsl(href.query)) | link_query


def test_5_18_a_link_type_the_item_has_not_is_a_404_naming_those_it_has(client, bag):
    response = client.get(path_of(link_for(bag, RESOLVER).uri, linkType="gs1:recipeInfo"))
    assert response.status_code == 404 and "gs1:pip" in response.json()["error"]


def test_5_19_the_query_string_is_passed_on_when_redirecting(client, bag):
    response = client.get(path_of(link_for(bag, RESOLVER).uri, linkType="gs1:verificationService", foo="bar"))
    location = urlsplit(response.headers["location"])
    query = dict(parse_qsl(location.query))
    assert query["foo"] == "bar" and query["c"] == bag.collection and "linkType" not in query


def test_the_link_to_the_linkset_is_exposed_even_when_redirecting(client, bag):
    uri = link_for(bag, RESOLVER).uri
    for response in (client.get(path_of(uri, linkType="gs1:pip")), client.get(path_of(uri))):
        assert 'rel="linkset"' in response.headers["link"]
        assert f'rel="{GS1_VOC}verificationService"' in response.headers["link"]


def test_5_21_and_5_22_the_resolver_description_file(client):
    response = client.get("/.well-known/gs1resolver")
    assert response.status_code == 200 and response.headers["content-type"] == "application/json"
    described = response.json()
    assert described["resolverRoot"] == RESOLVER and described["supportedPrimaryKeys"] == ["01"]
    assert described["supportedLinkType"] == [{"namespace": GS1_VOC, "prefix": "gs1:"}]
    assert described["linkTypeDefaultCanBeLinkset"] is False


def test_5_25_a_trailing_slash_is_tolerated(client, bag):
    link = link_for(bag, RESOLVER)
    without = client.get(path_of(link.uri, linkType="gs1:pip"))
    parts = urlsplit(link.uri)
    with_slash = client.get(f"{parts.path}/?{parts.query}&linkType=gs1:pip")
    assert (with_slash.status_code, with_slash.headers["location"]) == (without.status_code, without.headers["location"])
    assert client.get(f"{parts.path}/?{parts.query}").status_code == 200


def test_a_browser_without_a_link_type_gets_the_page_the_default_link_names(client, bag):
    uri = link_for(bag, RESOLVER).uri
    page = client.get(path_of(uri))
    assert page.status_code == 200 and 'data-verdict="authentic"' in page.text
    default = links_of(client.get(path_of(uri, linkType="linkset")))["defaultLink"][0]["href"]
    assert urlsplit(default).path == urlsplit(uri).path


def test_each_link_leads_to_what_it_says(client, bag):
    targets = {name: entry[0]["href"] for name, entry in
               links_of(client.get(path_of(link_for(bag, RESOLVER).uri, linkType="linkset"))).items()}
    check = client.get(targets["verificationService"].removeprefix(RESOLVER)).json()
    assert check["state"] == "authentic"
    history = client.get(targets["serviceInfo"].removeprefix(RESOLVER))
    assert history.headers["content-type"] == "application/ld+json"
    document = history.json()
    schema = Draft7Validator(json.loads(epcis.SCHEMA_FILE.read_text()), format_checker=FormatChecker())
    assert list(schema.iter_errors(document)) == []
    events = document["epcisBody"]["eventList"]
    assert [e["bizStep"] for e in events] == ["encoding", "commissioning"]
    assert events[0]["epcList"] == [f"https://id.gs1.org/01/0{GTIN}/21/AUR-R%2F0042"]
    certified = client.get(targets["certificationInfo"].removeprefix(RESOLVER)).json()
    assert certified["listed"] and certified["brand"] == "Maison Aurel" and certified["brandStatus"] == "active"


def test_an_altered_link_gets_no_history_and_a_look_alike_collection_no_certification(client, bag):
    link = link_for(bag, RESOLVER)
    altered = path_of(link.uri).replace("AUR-R%2F0042", "AUR-R%2F0043")
    assert client.get("/epcis" + altered).status_code == 404
    assert client.get("/api/v1/certification/0x" + "12" * 20).status_code == 404
    assert client.get("/api/v1/certification/nonsense").status_code == 400
