"""The benchmark's screening baselines (bench/screening.py) give `screen`'s verdicts on the same
listings: a smoke test of their correctness; their speed is only printed by `make bench`."""
import sys
from pathlib import Path

import requests
from web3 import Web3

from luxpass.checks.screen import Listing, screen
from luxpass.results import cli_name
from luxpass.spec import Status

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "bench"))
import screening  # noqa: E402

ALICE, BOB = 7, 8


def test_baselines_agree_with_screen(consortium, as_account, signer):
    brand, alice = as_account(5), signer(ALICE).address
    ids = [int(brand.mint({"serial": f"bench-{n}"}).passport_id, 16) for n in range(3)]
    for pid in ids:
        as_account(6).first_sale(pid, alice)
    as_account(ALICE).report(ids[1], Status.STOLEN)
    as_account(ALICE).report(ids[2], Status.LOST)
    sellers = [alice, alice, None, signer(BOB).address]
    listings = [Listing(n, str(n), brand.address, pid, seller)
                for n, (pid, seller) in enumerate(zip([*ids, ids[0]], sellers))]
    missing = Listing(4, "4", brand.address, 12345, alice)
    expected = [r.reason for r in screen(consortium, [*listings, missing])]
    assert expected == ["authentic", "stolen", "lost", "seller-not-owner", "no-such-passport"]

    multicall = screening.deploy_multicall3(signer(0))
    w3 = Web3(Web3.HTTPProvider(signer(0).rpc_url))
    by_multicall = screening.screen_multicall3(w3, multicall, brand.address, [*listings, missing])
    assert [cli_name(v) for v in by_multicall] == expected
    reads = w3.eth.contract(address=brand.address, abi=brand.contract.abi)
    assert [cli_name(v) for v in screening.screen_web3_batch(reads, listings)] == expected[:-1]
    raw = screening.screen_raw_batch(requests.Session(), signer(0).rpc_url, brand.address, [*listings, missing])
    owner_only = {"authentic", "seller-not-owner", "no-such-passport"}
    assert [cli_name(v) if e in owner_only else e for v, e in zip(raw, expected)] == expected
    assert cli_name(raw[1]) == "authentic"  # stolen, but the owner sells it: ownerOf alone cannot tell
