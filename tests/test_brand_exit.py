"""A brand that leaves the consortium (is removed): its customers' passports were genuine when
issued and still show so, with the date it left; what it can no longer do is refused."""
import json
from datetime import datetime, timezone
from urllib.parse import urlsplit

import pytest
from starlette.testclient import TestClient

from luxpass.chain.accounts import dev_address
from luxpass.errors import ContractRevert
from luxpass.local.deployments import open_consortium
from luxpass.proofs.certificate import Certificate
from luxpass.proofs.link import link_for
from luxpass.spec import ProposalKind
from luxpass.web.app import create_app

ALICE = 7


@pytest.fixture
def sold_then_left(as_account, signer, tmp_path):
    """Alice bought a Maison Aurel bag; then the other houses removed Maison Aurel."""
    minted = as_account(5).mint({"serial": "AUR-EXIT-1", "gtin": "3760123450003", "model": "Sac Seau"})
    cert = Certificate.from_dict(minted.certificate)
    as_account(6).first_sale(cert.passport_id, dev_address(ALICE))
    path = tmp_path / "cert.json"
    path.write_text(json.dumps(minted.certificate))
    proposal = open_consortium(signer(2)).propose_brand_status(1, ProposalKind.REMOVE)
    open_consortium(signer(3)).vote(proposal.proposal_id, True)
    return cert, path


def today(web3) -> str:
    return datetime.fromtimestamp(web3.eth.get_block("latest")["timestamp"], timezone.utc).strftime("%Y-%m-%d")


def test_verify_says_issued_while_a_member_and_when_it_left(lux, sold_then_left, web3):
    _, path = sold_then_left
    verdict = json.loads(lux("verify", path, "--json").stdout)  # exit 0: genuine
    assert verdict["authentic"] and verdict["brand_status"] == "removed"
    assert verdict["reason"].startswith(f"issued by Maison Aurel while a member; Maison Aurel left the consortium "
                                        f"on {today(web3)}")
    assert verdict["brand_left_on"] == today(web3)
    assert any("can no longer issue passports" in w for w in verdict["warnings"])


def test_the_page_does_not_call_the_bag_a_fake(rpc_url, sold_then_left, web3):
    cert, _ = sold_then_left
    parts = urlsplit(link_for(cert, "http://testserver").uri)
    with TestClient(create_app(rpc_url), raise_server_exceptions=False) as client:
        page = client.get(f"{parts.path}?{parts.query}").text
    assert 'data-verdict="authentic"' in page
    assert f"issued by Maison Aurel while a member of the luxury consortium; Maison Aurel left the consortium on " \
           f"{today(web3)}" in page


def test_a_brand_that_left_can_no_longer_act(as_account, sold_then_left):
    with pytest.raises(ContractRevert, match=r"PassportBrandNotActive\(1\)"):
        as_account(5).mint({"serial": "AUR-EXIT-2", "model": "Pochette"})
    with pytest.raises(ContractRevert, match=r"PassportBrandNotActive\(1\)"):
        as_account(1).set_base_uri("https://elsewhere.example/")
