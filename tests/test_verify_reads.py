"""What `luxpass verify` asks the node: the reads it needs and nothing twice. Its time is measured
by `make bench` (bench/run.py, `python bench/run.py cli` for the command line alone), not here."""
import json
from collections import Counter

import requests

from luxpass.checks.verify import verify
from luxpass.local import certificates
from luxpass.proofs.certificate import Certificate


def test_verify_asks_the_chain_id_once(as_account, lux, monkeypatch):
    certificate = certificates.mint(as_account(5), {"serial": "AUR-READS-1", "model": "Tote"}).certificate_file
    asked = Counter()
    post = requests.Session.post

    def counted(session, url, *args, **kwargs):
        asked[json.loads(kwargs["data"])["method"]] += 1
        return post(session, url, *args, **kwargs)

    monkeypatch.setattr(requests.Session, "post", counted)
    assert lux("verify", certificate).stdout.startswith("AUTHENTIC")
    # web3's validation would ask eth_chainId before and after each of the eth_calls
    assert asked["eth_chainId"] == 1, asked
    assert set(asked) == {"eth_chainId", "eth_getCode", "eth_call"}, asked


def test_a_second_verify_builds_no_contract_object(consortium, as_account, monkeypatch):
    certificate = Certificate.load(certificates.mint(as_account(5), {"serial": "AUR-READS-2", "model": "Tote"}).certificate_file)
    assert verify(consortium, certificate.collection, certificate.passport_id, certificate).authentic
    eth, built = consortium.chain.w3.eth, []
    build = eth.contract
    monkeypatch.setattr(eth, "contract", lambda *args, **kwargs: built.append(kwargs) or build(*args, **kwargs))
    assert verify(consortium, certificate.collection, certificate.passport_id, certificate).authentic
    assert built == []  # web3 makes an object of each function and event of the ABI: a page verifies many
