"""History that proves itself: the index (resumable, reorg-aware), the audit that catches a
dropped, reordered or altered record, and the signed report."""
import dataclasses
import json

import pytest
from click.testing import CliRunner

from luxpass.chain.accounts import dev_account
from luxpass.checks.audit import audit, audit_synced, check_report, sign_report, write_report
from luxpass.checks.history import history
from luxpass.checks.index import Index, Reorganised
from luxpass.cli import cli
from luxpass.local.deployments import open_consortium
from luxpass.onchain.records import LIFECYCLE
from luxpass.results import cli_name
from luxpass.spec import Accreditation, EventKind, Status

ALICE, BOB, AUDITOR = 7, 8, 9


@pytest.fixture
def story(as_account, signer):
    """Three passports with a few records each; returns their ids."""
    brand, boutique = as_account(5), as_account(6)
    ids = [int(brand.mint({"serial": f"AUD-{n}"}).passport_id, 16) for n in range(3)]
    for pid in ids:
        brand.record_event(pid, EventKind.MANUFACTURED, "bench 4")
        boutique.first_sale(pid, signer(ALICE).address)
    as_account(ALICE).transfer(ids[0], signer(BOB).address)
    as_account(BOB).report(ids[0], Status.STOLEN)
    return ids


class Tampered:
    """A log source that hands the audit an altered copy of the index's records."""

    def __init__(self, index, change):
        self.index, self.change, self.synced_to = index, change, index.synced_to

    def all_records(self, collection):
        records = self.index.all_records(collection)
        return {pid: self.change(pid, list(rs)) for pid, rs in records.items()}


def test_audit_of_an_honest_index_finds_nothing(consortium, story):
    index = Index(consortium)
    index.sync()
    report = audit(consortium, index).report
    assert report["totals"] == {"passports": 3, "discrepancies": 0}
    assert report["collections"][0]["byStatus"] == {"active": 2, "lost": 0, "stolen": 1, "destroyed": 0}
    assert report["block"]["number"] == index.synced_to


def test_a_passport_awaiting_recovery_is_audited_as_active(consortium, story, as_account, signer):
    """`screen` answers RecoveryPending for it, a verdict that is no status: counted active."""
    as_account(1).request_recovery(story[1], signer(BOB).address)
    index = Index(consortium)
    index.sync()
    report = audit(consortium, index).report
    assert report["collections"][0]["byStatus"] == {"active": 2, "lost": 0, "stolen": 1, "destroyed": 0}
    assert report["totals"]["discrepancies"] == 0


@pytest.mark.parametrize("change, first_bad", [
    (lambda rs: rs[:1] + rs[2:], 2),  # a dropped record
    (lambda rs: [rs[0], rs[2], rs[1]] + rs[3:], 2),  # two records swapped
    (lambda rs: rs[:2] + [dataclasses.replace(rs[2], target=rs[2].source)] + rs[3:], 3),  # an altered record
    (lambda rs: rs[:-1], None),  # the newest record dropped
])
def test_a_tampered_log_source_is_caught(consortium, story, change, first_bad):
    index = Index(consortium)
    index.sync()
    target = story[0]
    tampered = Tampered(index, lambda pid, rs: change(rs) if pid == target else rs)
    report = audit(consortium, tampered).report
    assert report["totals"]["discrepancies"] == 1
    problem = report["discrepancies"][0]
    assert problem["passport_id"] == "0x%064x" % target
    expected = first_bad or len(index.records(consortium.brand(1).collection, target))
    assert problem["record"] == expected


def test_index_resumes_after_an_interruption(consortium, story, tmp_path):
    partial = Index(consortium, tmp_path / "partial.sqlite")

    def stop(done, total):
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        partial.sync(chunk=3, progress=stop)
    assert partial.synced_to < consortium.chain.w3.eth.block_number
    partial.sync(chunk=3)
    full = Index(consortium, tmp_path / "full.sqlite")
    full.sync()
    collection = consortium.brand(1).collection
    assert partial.all_records(collection) == full.all_records(collection)


def test_index_follows_a_reorg(consortium, story, web3, as_account, signer):
    collection = consortium.brand(1).collection
    index = Index(consortium)
    index.sync()
    fork_point = web3.provider.make_request("evm_snapshot", [])["result"]
    as_account(5).record_event(story[1], EventKind.SHIPPED, "first branch")
    index.sync()
    web3.provider.make_request("evm_revert", [fork_point])
    as_account(5).record_event(story[2], EventKind.QUALITY_CHECKED, "second branch")
    as_account(5).record_event(story[2], EventKind.SHIPPED, "second branch")
    with pytest.raises(Reorganised):  # the index's block left the chain: no audit of two chains' data
        audit(consortium, index)
    synced, sync = [], index.sync
    index.sync = lambda **kw: synced.append(sync(**kw)) or synced[-1]
    assert audit_synced(consortium, index).report["totals"]["discrepancies"] == 0
    result = synced[0]
    assert result.rolled_back_to is not None
    assert (LIFECYCLE, EventKind.SHIPPED) not in [(r.type, r.kind) for r in index.records(collection, story[1])]
    assert [(r.type, r.kind) for r in index.records(collection, story[2])][-2:] == [
        (LIFECYCLE, EventKind.QUALITY_CHECKED), (LIFECYCLE, EventKind.SHIPPED)]


def test_history_from_the_index_matches_the_logs(consortium, story):
    collection = consortium.brand(1).collection
    from_index = history(consortium, collection, story[0], Index(consortium))
    from_logs = history(consortium, collection, story[0])
    assert from_index == from_logs and from_index.head_verified


def reorganise_once(web3, fork_point, as_account, passport_id):
    """Drop the blocks after `fork_point` and seal two others, each with an event of `passport_id`."""
    web3.provider.make_request("evm_revert", [fork_point])
    as_account(5).record_event(passport_id, EventKind.QUALITY_CHECKED, "second branch")
    as_account(5).record_event(passport_id, EventKind.SHIPPED, "second branch")


@pytest.mark.parametrize("moment", ["after the index's sync", "between two reads"])
def test_history_from_the_index_is_read_at_one_block_through_a_reorg(consortium, story, web3, as_account,
                                                                      moment, monkeypatch):
    """The index holds a branch with one event more; a reorganisation replaces it with a branch of two
    other events, right after the sync or between the history's reads of the passport. Mixed, the old
    branch's records and the new branch's state would not fold to the head (a false MISMATCH); pinned,
    the history sees its block leave the chain, syncs again and reads the new branch whole."""
    collection, passport_id = consortium.brand(1).collection, story[1]
    index = Index(consortium)
    fork_point = web3.provider.make_request("evm_snapshot", [])["result"]
    as_account(5).record_event(passport_id, EventKind.SHIPPED, "first branch")
    syncs, reads, index_sync, read_brand_id = [], [], index.sync, consortium.brand_id_of

    def sync(**kwargs):
        syncs.append(index_sync(**kwargs))
        if moment == "after the index's sync" and len(syncs) == 1:
            reorganise_once(web3, fork_point, as_account, passport_id)
        return syncs[-1]

    def brand_id_of(*args):
        reads.append(read_brand_id(*args))
        if moment == "between two reads" and len(reads) == 1:
            reorganise_once(web3, fork_point, as_account, passport_id)
        return reads[-1]
    monkeypatch.setattr(index, "sync", sync)
    monkeypatch.setattr(consortium, "brand_id_of", brand_id_of)
    story_ = history(consortium, collection, passport_id, index)
    assert len(syncs) == 2 and syncs[1].rolled_back_to is not None
    assert story_.head_verified and story_.block == web3.eth.block_number
    assert [(e.record, e.kind) for e in story_.entries][-2:] == [("lifecycle", cli_name(EventKind.QUALITY_CHECKED)),
                                                                  ("lifecycle", cli_name(EventKind.SHIPPED))]
    assert story_ == history(consortium, collection, passport_id)  # the same, read straight from the logs


def test_report_signature_round_trip(consortium, story, tmp_path):
    index = Index(consortium)
    index.sync()
    result = audit(consortium, index)
    result.report = sign_report(result.report, dev_account(AUDITOR, 31337))
    json_path, csv_path = write_report(result, tmp_path / "report")
    check = check_report(json_path, consortium)
    assert check.signature_valid and check.auditor == dev_account(AUDITOR, 31337).address
    assert check.accredited_auditor is False and check.attested is False
    assert not check.valid and "not accredited" in check.reason
    assert len(csv_path.read_text().splitlines()) == 4
    altered = json.loads(json_path.read_text())
    altered["totals"]["discrepancies"] = 0 if altered["totals"]["discrepancies"] else 1
    json_path.write_text(json.dumps(altered))
    assert "altered after signing" in check_report(json_path).reason


def test_cli_audit_check_and_attest(consortium, story, signer, rpc_url, tmp_path):
    proposal = open_consortium(signer(1)).propose_accreditation(signer(AUDITOR).address, Accreditation.AUDITOR, True)
    open_consortium(signer(2)).vote(proposal.proposal_id, True)
    runner, env = CliRunner(), {"ETH_RPC_URL": rpc_url}
    stem = tmp_path / "audit"
    done = runner.invoke(cli, ["audit", "--all", "--out", str(stem), "--dev-account", str(AUDITOR), "--json"], env=env)
    assert done.exit_code == 0, done.output
    assert json.loads(done.stdout)["discrepancies"] == 0
    report = f"{stem}.json"
    attested = runner.invoke(cli, ["audit", "attest", report, "--dev-account", str(AUDITOR)], env=env)
    assert attested.exit_code == 0, attested.output
    checked = runner.invoke(cli, ["audit", "check", report, "--json"], env=env)
    assert checked.exit_code == 0 and json.loads(checked.stdout)["attested"] is True
    data = json.loads(open(report).read())
    data["collections"][0]["passports"] += 1
    open(report, "w").write(json.dumps(data))
    assert runner.invoke(cli, ["audit", "check", report, "--offline"], env=env).exit_code == 3
