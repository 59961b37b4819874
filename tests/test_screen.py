"""Marketplace screening: a verdict for every reason, from one batched view per chunk."""
import csv
import json

import pytest
from click.testing import CliRunner

from luxpass.checks.screen import read_listings, screen
from luxpass.cli import cli
from luxpass.errors import InputError
from luxpass.local.deployments import open_consortium
from luxpass.spec import ProposalKind, Status

ALICE, BOB = 7, 8


@pytest.fixture
def market(as_account, signer, tmp_path, consortium):
    """Listings of every kind; returns the CSV path and the expected reason per listing."""
    brand, sell = as_account(5), as_account(6)
    items = {name: int(brand.mint({"serial": name}).passport_id, 16)
             for name in ("genuine", "stolen", "lost", "destroyed", "other-seller", "by-cert", "forged")}
    for name in ("genuine", "stolen", "lost", "destroyed", "other-seller"):
        sell.first_sale(items[name], signer(ALICE).address)
    as_account(ALICE).report(items["stolen"], Status.STOLEN)
    as_account(ALICE).report(items["lost"], Status.LOST)
    as_account(ALICE).report(items["destroyed"], Status.DESTROYED)
    lookalike, _ = signer(9).sender.deploy("BrandPassport", "0x" + "00" * 20)  # trusts no forwarder
    cert = brand.mint({"serial": "cert-1", "model": "Tote"}).certificate
    (tmp_path / "cert.json").write_text(json.dumps(cert))
    forged = {**cert, "record": {**cert["record"], "model": "Birkin"}}
    (tmp_path / "forged.json").write_text(json.dumps(forged))
    alice, bob = signer(ALICE).address, signer(BOB).address
    rows = [
        ("genuine", brand.address, items["genuine"], alice, "", "authentic"),
        ("stolen", brand.address, items["stolen"], alice, "", "stolen"),
        ("lost", brand.address, items["lost"], alice, "", "lost"),
        ("destroyed", brand.address, items["destroyed"], alice, "", "destroyed"),
        ("other-seller", brand.address, items["other-seller"], bob, "", "seller-not-owner"),
        ("unknown-id", brand.address, 12345, alice, "", "no-such-passport"),
        ("look-alike", lookalike, 1, alice, "", "unknown-collection"),
        ("by-cert", "", "", signer(5).address, "cert.json", "authentic"),
        ("forged-cert", "", "", signer(5).address, "forged.json", "certificate-mismatch"),
    ]
    path = tmp_path / "listings.csv"
    with open(path, "w", newline="") as fh:
        writer = csv.writer(fh)
        writer.writerow(["listing", "collection", "passport_id", "seller", "certificate"])
        for name, coll, pid, seller, cert_file, _ in rows:
            writer.writerow([name, coll, hex(pid) if isinstance(pid, int) else pid, seller, cert_file])
    return path, {name: reason for name, *_, reason in rows}


def test_a_verdict_for_every_reason(consortium, market):
    path, expected = market
    results = screen(consortium, read_listings(path))
    assert {r.listing: r.reason for r in results} == expected
    assert [r.listing for r in results if r.authentic] == ["genuine", "by-cert"]


def test_suspended_and_removed_brands(consortium, market, signer):
    path, _ = market
    proposal = open_consortium(signer(2)).propose_brand_status(1, ProposalKind.SUSPEND)
    open_consortium(signer(3)).vote(proposal.proposal_id, True)
    reasons = {r.listing: r.reason for r in screen(consortium, read_listings(path))}
    assert reasons["genuine"] == "brand-suspended" and reasons["look-alike"] == "unknown-collection"


def test_small_chunks_give_the_same_verdicts(consortium, market):
    path, expected = market
    assert {r.listing: r.reason for r in screen(consortium, read_listings(path), chunk=2)} == expected


def test_cli_writes_csv_and_json(rpc_url, market, tmp_path):
    path, expected = market
    out = tmp_path / "verdicts.csv"
    result = CliRunner().invoke(cli, ["screen", str(path), "--out", str(out)], env={"ETH_RPC_URL": rpc_url})
    assert result.exit_code == 0, result.output
    rows = list(csv.DictReader(open(out)))
    assert {r["listing"]: r["reason"] for r in rows} == expected
    as_json = CliRunner().invoke(cli, ["screen", str(path), "--json"], env={"ETH_RPC_URL": rpc_url})
    assert len(json.loads(as_json.stdout)) == len(expected)


@pytest.mark.parametrize("content, problem", [
    ("listing,seller\nx,0x" + "11" * 20 + "\n", "needs a `certificate` column"),
    ("collection,passport_id\n", "no listings"),
])
def test_malformed_listing_files_are_refused(tmp_path, content, problem):
    path = tmp_path / "bad.csv"
    path.write_text(content)
    with pytest.raises(InputError, match=problem.replace("(", r"\(")):
        read_listings(path)


@pytest.mark.parametrize("row, problem", [
    ("0x1234,1", "line 3): collection '0x1234' is not an address"),
    ("0x" + "ab" * 20 + ",zz", "line 3): passport id 'zz' is not a number"),
    ("0x" + "ab" * 20 + ",1,extra", "line 3): the number of values"),
])
def test_a_malformed_row_is_a_verdict_and_the_file_goes_on(tmp_path, consortium, row, problem):
    path = tmp_path / "bad.csv"
    path.write_text(f"collection,passport_id\n{consortium.brand(1).collection},1\n{row}\n")
    results = screen(consortium, read_listings(path))
    assert results[0].reason == "no-such-passport"
    assert not results[1].authentic and results[1].reason.startswith("malformed row") and problem in results[1].reason


def test_a_buyer_sees_a_pending_recovery_until_the_request_dies(rpc_url, as_account, signer, tmp_path):
    """`luxpass screen` says recovery-pending while the brand's recovery request is live, for a
    listing that names its seller and for one beside it that names none; the verdict goes once
    the request dies (the owner cancels it, or the passport moves)."""
    ids = [int(as_account(5).mint({"serial": f"recovery-{n}"}).passport_id, 16) for n in range(2)]
    alice, bob, new_wallet = (signer(n).address for n in (ALICE, BOB, 9))
    for passport_id in ids:
        as_account(6).first_sale(passport_id, alice)
        as_account(1).request_recovery(passport_id, new_wallet)
    collection = as_account(1).address
    path = tmp_path / "listings.csv"
    path.write_text(f"listing,collection,passport_id,seller\nnamed,{collection},{hex(ids[0])},{alice}\n"
                    f"unnamed,{collection},{hex(ids[1])},\n")

    def verdicts(name):
        out = tmp_path / name
        result = CliRunner().invoke(cli, ["screen", str(path), "--out", str(out)], env={"ETH_RPC_URL": rpc_url})
        assert result.exit_code == 0, result.output
        return {row["listing"]: row["reason"] for row in csv.DictReader(open(out))}

    assert verdicts("pending.csv") == {"named": "recovery-pending", "unnamed": "recovery-pending"}
    as_account(ALICE).cancel_recovery(ids[0])
    as_account(ALICE).transfer(ids[1], bob)
    path.write_text(f"listing,collection,passport_id,seller\nnamed,{collection},{hex(ids[0])},{alice}\n"
                    f"unnamed,{collection},{hex(ids[1])},{bob}\n")
    assert verdicts("after.csv") == {"named": "authentic", "unnamed": "authentic"}
