"""A chain that stops making blocks while a command waits (issue #22's first finding): the command
times out saying what it saw, the chain heals, and the same command run again finishes the very
transaction it signed instead of signing new work. A mint leaves one passport for its serial, with
its certificate; a transfer and a vote are each done once. The node is an Anvil of the test's own
whose automatic mining is switched off (`evm_setAutomine false`) to stall it."""
import json
import subprocess
import sys
import time

import pytest
import requests
from click.testing import CliRunner
from eth_account import Account

from cli_helpers import error_line
from fault_proxy import FaultProxy
from luxpass.chain import node
from luxpass.chain.accounts import dev_account
from luxpass.chain.connection import Chain
from luxpass.cli import cli
from luxpass.local.deployments import deploy, open_consortium
from luxpass.local.ledger import serial_ledger
from luxpass.onchain.chip import CHALLENGE_TTL, bind_chip, challenge, sign_challenge, verify_chip, verify_chip_offchain
from luxpass.onchain.collection import Collection
from luxpass.onchain.registry import Founder

PORT = 8861
RPC = f"http://127.0.0.1:{PORT}"
MINTER, RETAILER, ALICE, BOB = 5, 6, 7, 8
CHIP_KEY = "0x" + "c1" * 32


@pytest.fixture
def home(tmp_path, monkeypatch):
    monkeypatch.setenv("LUXPASS_HOME", str(tmp_path / "home"))
    return tmp_path / "home"


@pytest.fixture
def chain(home):
    """A node of the test's own with a consortium of two houses; house 1 has a minter and a retailer."""
    process = subprocess.Popen([node.anvil_binary(), "--port", str(PORT), "--silent"],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 20
    while not node._answers(RPC):
        assert time.monotonic() < deadline, "anvil did not start"
        time.sleep(0.1)
    deploy(signer(0), [Founder("Maison Aurel", "AUR", signer(1).address),
                       Founder("Casa Vellutti", "VEL", signer(2).address)])
    admin = Collection(signer(1), open_consortium(signer(1)).brand(1).collection)
    admin.set_role("minter", signer(MINTER).address, True)
    admin.set_role("retailer", signer(RETAILER).address, True)
    yield signer(0)
    process.kill()
    process.wait(10)


def signer(index: int) -> Chain:
    return Chain(RPC, dev_account(index, 31337), log=lambda _: None)


def stall(chain: Chain) -> None:
    chain.w3.provider.make_request("evm_setAutomine", [False])


def heal(chain: Chain) -> None:
    chain.w3.provider.make_request("evm_mine", [])
    chain.w3.provider.make_request("evm_setAutomine", [True])


def lux(*args, expect=0):
    result = CliRunner().invoke(cli, [str(a) for a in args] + ["--rpc-url", RPC])
    assert not isinstance(result.exception, Exception) or isinstance(result.exception, SystemExit), \
        f"traceback from {args}: {result.exception!r}"
    assert result.exit_code == expect, f"{args} exited {result.exit_code}: {result.output}"
    return result


def sent_by(chain: Chain, index: int) -> int:
    return chain.w3.eth.get_transaction_count(dev_account(index, 31337).address)


def journals(home) -> list:
    return sorted((home / "journals" / "31337").glob("*.json")) if (home / "journals" / "31337").exists() else []


def assert_timed_out_on_a_stalled_chain(result) -> None:
    line = error_line(result)
    assert "was not mined within 1 s: no new block for" in line and "the chain stands at block" in line, line
    assert "run the same command again once the chain moves: it finishes this same transaction" in line, line
    assert "sealers" not in line, line  # Anvil has no Clique sealers to count


def test_a_mint_that_timed_out_on_a_stalled_chain_is_finished_by_the_rerun_with_its_certificate(chain, home, tmp_path):
    certificate = tmp_path / "net4.json"
    command = ["mint", "--brand", "Maison Aurel", "--serial", "NET-4", "--field", "model=Tote",
               "--certificate", certificate, "--dev-account", MINTER, "--timeout", 1, "--json"]
    stall(chain)
    assert_timed_out_on_a_stalled_chain(lux(*command, expect=1))
    assert not certificate.exists()
    (journal,) = journals(home)
    kept = json.loads(journal.read_text())
    assert kept["payload"]["record"]["serial"] == "NET-4" and kept["payload"]["salt"].startswith("0x")

    heal(chain)
    minted = json.loads(lux(*command).stdout)
    assert json.loads(certificate.read_text())["passportId"] == minted["passport_id"]
    assert minted["tx"] == kept["transactions"][0]["hash"]
    aurel = Collection(chain, minted["collection"])
    assert chain.call(aurel.contract.functions.balanceOf(dev_account(MINTER, 31337).address)) == 1
    assert sent_by(chain, MINTER) == 1  # signed once
    assert [e["passportId"] for e in serial_ledger(aurel).serials["NET-4"]] == [minted["passport_id"]]
    assert journals(home) == []
    refused = lux("mint", "--brand", "1", "--serial", "NET-4", "--field", "model=Tote", "--certificate",
                  tmp_path / "again.json", "--dev-account", MINTER, expect=2)
    assert f"serial 'NET-4' already has passport {minted['passport_id']}" in error_line(refused)


def test_a_transfer_that_timed_out_is_finished_by_the_rerun_once(chain, home, tmp_path):
    aurel = Collection(signer(MINTER), open_consortium(chain).brand(1).collection)
    minted = aurel.mint({"serial": "T-1"})
    Collection(signer(RETAILER), aurel.address).first_sale(int(minted.passport_id, 16), signer(ALICE).address)
    command = ["transfer", "--brand", "1", "--id", minted.passport_id, "--to", dev_account(BOB, 31337).address,
               "--dev-account", ALICE, "--timeout", 1, "--json"]
    stall(chain)
    assert_timed_out_on_a_stalled_chain(lux(*command, expect=1))
    heal(chain)
    done = json.loads(lux(*command).stdout)
    assert done["action"] == "transfer" and aurel.owner_of(int(minted.passport_id, 16)) == signer(BOB).address
    assert sent_by(chain, ALICE) == 1
    assert journals(home) == []


def test_a_vote_that_timed_out_is_finished_by_the_rerun_once(chain, home):
    proposal = open_consortium(signer(1)).propose_admission("Atelier Nouveau", "ATN", signer(3).address)
    before = sent_by(chain, 2)
    command = ["brand", "vote", proposal.proposal_id, "--yes", "--dev-account", 2, "--timeout", 1, "--json"]
    stall(chain)
    assert_timed_out_on_a_stalled_chain(lux(*command, expect=1))
    heal(chain)
    voted = json.loads(lux(*command).stdout)
    assert voted["state"] == "executed" and voted["yes"] == 2
    assert sent_by(chain, 2) == before + 1
    assert journals(home) == []
    again = json.loads(lux(*command).stdout)
    assert (again["status"], again["tx"]) == ("already-done", voted["tx"])


def test_a_mint_killed_while_it_waits_is_finished_by_the_rerun(chain, home, tmp_path):
    """The process is killed (SIGKILL: no handler runs) while its transaction waits on a stalled
    chain; the rerun, once the chain moves, finishes that transaction and writes the certificate."""
    certificate = tmp_path / "kill-1.json"
    command = ["mint", "--brand", "1", "--serial", "KILL-1", "--certificate", str(certificate),
               "--dev-account", str(MINTER), "--json"]
    stall(chain)
    process = subprocess.Popen([sys.executable, "-m", "luxpass", *command, "--rpc-url", RPC],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 60
    while not (journals(home) and chain.w3.eth.get_transaction_count(signer(MINTER).address, "pending")):
        assert time.monotonic() < deadline and process.poll() is None, "the mint sent nothing"
        time.sleep(0.1)
    process.kill()
    process.wait(10)
    heal(chain)
    minted = json.loads(lux(*command).stdout)
    assert json.loads(certificate.read_text())["passportId"] == minted["passport_id"]
    assert sent_by(chain, MINTER) == 1 and journals(home) == []


@pytest.mark.parametrize("peers, said", [
    (1, "; this node is linked to 1 other node: Clique's 4 sealers need 3 up to seal a block "
        "(see `luxpass consortium-net status`)"),
    (0, "; this node is linked to 0 other nodes: Clique's 4 sealers need 3 up to seal a block "
        "(see `luxpass consortium-net status`)"),
    (2, ""),  # three nodes up: a majority, so the stop has another cause (`status` names it)
])
def test_a_clique_node_says_how_few_sealers_it_sees(chain, peers, said):
    """What a time-out on a stalled Clique chain adds to "no new block": a node of four sealers
    that is linked to fewer than two others, answering as geth 1.13 does (clique_getSigners,
    net_peerCount; the test's Anvil answers the rest)."""
    answers = {"clique_getSigners": [f"0x{n:040x}" for n in range(1, 5)], "net_peerCount": hex(peers)}
    with FaultProxy(RPC, lambda number, method: None, answer=lambda request: answers.get(request["method"])) as geth:
        assert Chain(geth.url).sealing_shortfall() == said


def test_a_node_without_clique_adds_nothing(chain):
    assert Chain(RPC).sealing_shortfall() == ""


def test_a_chip_challenge_on_a_chain_idle_for_an_hour_still_has_its_ten_minutes(chain):
    """A chain that makes blocks only for transactions (subnet-evm, Anvil's automine) may have made
    none for an hour. A challenge's deadline counts from the next block's time, not from that old
    block: issued through a node whose latest block is an hour old, its answer still passes the
    contract's own check (the deadline taken from the old block had passed before it was issued)."""
    aurel = Collection(signer(MINTER), open_consortium(chain).brand(1).collection)
    minted = aurel.mint({"serial": "IDLE-1"})
    passport_id = int(minted.passport_id, 16)
    bind_chip(aurel, passport_id, Account.from_key(CHIP_KEY).address)

    def an_hour_old(request):
        if request["method"] != "eth_getBlockByNumber" or request["params"][0] != "latest":
            return None
        block = requests.post(RPC, json=request, timeout=10).json()["result"]
        return {**block, "timestamp": hex(int(block["timestamp"], 16) - 3600)}
    with FaultProxy(RPC, lambda number, method: None, answer=an_hour_old) as idle:
        issued = challenge(Chain(idle.url), minted.collection, passport_id)
        assert issued.deadline >= int(time.time()) + CHALLENGE_TTL
    signature = sign_challenge(issued, CHIP_KEY)
    assert verify_chip(chain, issued, signature) and verify_chip_offchain(chain, issued, signature)
