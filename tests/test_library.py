"""The luxpass library against the test chain: what every front end relies on."""
import pytest

from luxpass.chain.accounts import create_keystore, dev_account, load_keystore
from luxpass.checks.history import history
from luxpass.checks.verify import verify
from luxpass.errors import ContractRevert, InputError, LuxpassError
from luxpass.local import deployments
from luxpass.local.deployments import open_consortium
from luxpass.proofs.certificate import Certificate
from luxpass.spec import BrandStatus, EventKind, ProposalKind, ProposalState, Status
from luxpass.values import new_salt, normalize_record

ALICE, BOB = 7, 8


def mint(as_account, serial="AUR-1"):
    return as_account(5).mint({"serial": serial, "model": "Tote", "material": "calfskin"})


def test_deployment_is_recorded_per_chain(consortium):
    recorded = deployments.load(consortium.chain)
    assert recorded.registry == consortium.registry.address
    assert [b.name for b in consortium.brands()] == ["Maison Aurel", "Casa Vellutti", "Horlogerie Brandt"]
    assert all(b.status == BrandStatus.ACTIVE for b in consortium.brands())


def test_brands_resolve_by_id_name_and_collection(consortium):
    first = consortium.brand(1)
    assert consortium.brand("maison aurel") == first == consortium.brand(first.collection)
    with pytest.raises(InputError, match="no brand named"):
        consortium.brand("Maison Fake")
    with pytest.raises(InputError, match="no brand 9"):
        consortium.brand(9)


def test_admission_by_vote(consortium, signer):
    proposal = open_consortium(signer(1)).propose_admission("Atelier Nouveau", "ATN", signer(4).address)
    assert proposal.state == ProposalState.OPEN and proposal.yes == 1
    result = open_consortium(signer(2)).vote(proposal.proposal_id, True)
    assert result.state == ProposalState.EXECUTED
    admitted = consortium.brand("Atelier Nouveau")
    assert admitted.council == signer(4).address and consortium.is_genuine_collection(admitted.collection)


def test_second_vote_is_refused_decoded(consortium, signer):
    proposal = open_consortium(signer(1)).propose_brand_status(3, ProposalKind.SUSPEND)
    with pytest.raises(ContractRevert) as refused:
        open_consortium(signer(1)).vote(proposal.proposal_id, False)
    assert refused.value.name == "RegistryAlreadyVoted"
    assert refused.value.args_decoded == (proposal.proposal_id, 1)


def test_mint_event_sale_transfer_and_history(as_account, signer):
    minted = mint(as_account)
    pid = int(minted.passport_id, 16)
    as_account(5).record_event(pid, EventKind.MANUFACTURED, "workshop 4")
    as_account(6).first_sale(pid, signer(ALICE).address)
    as_account(ALICE).transfer(pid, signer(BOB).address)
    story = history(open_consortium(signer(0)), minted.collection, pid)
    assert [(e.record, e.kind) for e in story.entries] == [
        ("ownership", "mint"), ("lifecycle", "manufactured"), ("ownership", "first-sale"),
        ("ownership", "private-transfer")]
    assert story.head_verified and story.owner == signer(BOB).address and story.owners == 2


def test_history_notices_a_head_that_does_not_match(as_account, signer, monkeypatch):
    minted = mint(as_account)
    pid = int(minted.passport_id, 16)
    as_account(5).record_event(pid, EventKind.MANUFACTURED, "workshop 4")
    from luxpass.checks import history as history_module

    real = history_module.fetch_records
    monkeypatch.setattr(history_module, "fetch_records", lambda *a, **k: real(*a, **k)[:-1])  # a dropped log
    assert not history(open_consortium(signer(0)), minted.collection, pid).head_verified


def test_verify_with_certificate(consortium, as_account):
    minted = mint(as_account)
    cert = Certificate.from_dict(minted.certificate)
    verdict = verify(consortium, cert.collection, cert.passport_id, cert)
    assert verdict.authentic and verdict.certificate_matches and verdict.brand == "Maison Aurel"


def test_verify_refuses_a_forged_certificate(consortium, as_account):
    data = mint(as_account).certificate
    data["record"]["model"] = "Birkin"
    verdict = verify(consortium, data["collection"], None, Certificate.from_dict(data))
    assert not verdict.authentic and verdict.certificate_matches is False


def test_verify_refuses_an_unknown_passport_and_a_look_alike(consortium, as_account, signer):
    assert verify(consortium, as_account(0).address, 12345).reason == "no such passport in this collection"
    outsider, _ = signer(9).sender.deploy("BrandPassport", "0x" + "00" * 20)  # trusts no forwarder
    verdict = verify(consortium, outsider, 1)
    assert not verdict.authentic and not verdict.genuine_collection


def test_stolen_passport_cannot_move_and_does_not_verify(consortium, as_account, signer):
    pid = int(mint(as_account).passport_id, 16)
    as_account(6).first_sale(pid, signer(ALICE).address)
    as_account(ALICE).report(pid, Status.STOLEN)
    with pytest.raises(ContractRevert, match="PassportNotTransferable"):
        as_account(ALICE).transfer(pid, signer(BOB).address)
    assert verify(consortium, as_account(0).address, pid).reason == "the passport is reported stolen"
    as_account(ALICE).report(pid, Status.ACTIVE)
    assert verify(consortium, as_account(0).address, pid).authentic


def test_suspended_brand_cannot_mint_but_its_passports_verify(consortium, as_account, signer):
    pid = int(mint(as_account).passport_id, 16)
    proposal = open_consortium(signer(2)).propose_brand_status(1, ProposalKind.SUSPEND)
    open_consortium(signer(3)).vote(proposal.proposal_id, True)
    with pytest.raises(ContractRevert, match="PassportBrandNotActive"):
        mint(as_account, "AUR-2")
    verdict = verify(consortium, as_account(0).address, pid)
    assert verdict.authentic and verdict.brand_status == "suspended" and "suspended" in verdict.warnings[0]


def test_removed_brand_passports_verify_as_issued_while_a_member(consortium, as_account, signer):
    pid = int(mint(as_account).passport_id, 16)
    proposal = open_consortium(signer(2)).propose_brand_status(1, ProposalKind.REMOVE)
    open_consortium(signer(3)).vote(proposal.proposal_id, True)
    verdict = verify(consortium, as_account(0).address, pid)
    assert verdict.authentic and verdict.brand_status == "removed"
    assert verdict.reason.startswith("issued by Maison Aurel while a member; Maison Aurel left the consortium on ")


def test_refusals_change_nothing_on_chain(as_account, signer, web3):
    block = web3.eth.block_number
    with pytest.raises(ContractRevert, match="AccessControlUnauthorizedAccount"):
        as_account(ALICE).mint({"serial": "X"})
    assert web3.eth.block_number == block
    assert web3.eth.get_transaction_count(signer(ALICE).address) == 0


def test_certificate_for_another_chain_is_refused(consortium, as_account):
    data = mint(as_account).certificate
    data["chainId"] = 1
    with pytest.raises(InputError, match="chain 1"):
        verify(consortium, data["collection"], None, Certificate.from_dict(data))


def test_dev_accounts_only_on_the_development_chain():
    assert dev_account(0, 31337).address == "0xf39Fd6e51aad88F6F4ce6aB8827279cffFb92266"
    with pytest.raises(InputError, match="refused on chain 1"):
        dev_account(0, 1)


def test_keystore_round_trip(tmp_path):
    address, path = create_keystore("brand-hq", "s3cret", tmp_path)
    account = load_keystore(path, "s3cret")
    assert account.address == address
    assert account.key.hex().removeprefix("0x") not in path.read_text()
    with pytest.raises(InputError, match="wrong password"):
        load_keystore(path, "wrong")


def test_unreachable_node_is_a_clear_error():
    from luxpass.chain.connection import Chain

    with pytest.raises(LuxpassError, match="cannot reach a node"):
        Chain("http://127.0.0.1:9")


def test_confirmations_are_awaited_for_a_bounded_time(rpc_url, web3):
    """A chain that stops growing (here: Anvil mines only on demand) never makes a command wait
    forever for its confirmations: it names the block and the way on."""
    from luxpass.chain.connection import Chain

    chain = Chain(rpc_url, dev_account(9, 31337), confirmations=3, timeout=1, log=lambda _: None)
    payment = type("Payment", (), {"build_transaction": lambda self, tx: {**tx, "to": dev_account(8, 31337).address,
                                                                          "value": 1}})()
    with pytest.raises(LuxpassError, match="had not 3 confirmations within 1 s"):
        chain.sender.transact(payment, gas=21_000)


def test_confirmations_follow_a_reorganisation(rpc_url, web3):
    """A payment's block is dropped by a reorganisation (Anvil's snapshot and revert). Sent again
    and mined in another block, its confirmations count from that block; gone from the node, the
    wait says it is not done instead of counting the old block's successors."""
    from luxpass.chain.connection import Chain

    payer = dev_account(9, 31337)
    chain = Chain(rpc_url, payer, confirmations=3, timeout=2, log=lambda _: None)

    def pay():
        signed = payer.sign_transaction({"to": dev_account(8, 31337).address, "value": 1, "gas": 21_000,
                                         "gasPrice": 2 * web3.eth.gas_price, "chainId": 31337,
                                         "nonce": web3.eth.get_transaction_count(payer.address)})
        return signed, web3.eth.wait_for_transaction_receipt(web3.eth.send_raw_transaction(signed.raw_transaction))

    def mine(blocks):
        for _ in range(blocks):
            web3.provider.make_request("evm_mine", [])

    fork = web3.provider.make_request("evm_snapshot", [])["result"]
    signed, receipt = pay()
    web3.provider.make_request("evm_revert", [fork])
    mine(3)
    with pytest.raises(LuxpassError, match="a reorganisation of the chain dropped, and the node no longer holds it"):
        chain.sender.await_confirmations(receipt)

    fork = web3.provider.make_request("evm_snapshot", [])["result"]
    signed, receipt = pay()
    web3.provider.make_request("evm_revert", [fork])
    mine(1)
    again = web3.eth.wait_for_transaction_receipt(web3.eth.send_raw_transaction(signed.raw_transaction))
    mine(2)
    assert again["blockNumber"] == receipt["blockNumber"] + 1
    assert chain.sender.await_confirmations(receipt)["blockNumber"] == again["blockNumber"]


def test_record_commitments_never_reach_the_chain_in_clear(as_account, web3):
    record = normalize_record({"serial": "SECRET-SERIAL-42", "model": "Secret Model"})
    cert = Certificate(31337, as_account(5).address, record, new_salt())
    tx = as_account(5).chain.sender.transact(as_account(5).contract.functions.mint(as_account(5).chain.address, cert.commitment))
    raw = bytes(web3.eth.get_transaction(tx["transactionHash"])["input"])
    logs = b"".join(bytes(log["data"]) + b"".join(bytes(t) for t in log["topics"]) for log in tx["logs"])
    for secret in (b"SECRET-SERIAL-42", b"Secret Model"):
        assert secret not in raw and secret not in logs


def test_fees_are_eip1559_with_a_base_fee_and_legacy_without(signer, monkeypatch):
    chain = signer(0)
    assert set(chain.sender._fees()) == {"maxFeePerGas", "maxPriorityFeePerGas"}
    real_get_block = chain.w3.eth.get_block
    monkeypatch.setattr(chain.w3.eth, "get_block",
                        lambda *a, **k: {k2: v for k2, v in real_get_block(*a, **k).items() if k2 != "baseFeePerGas"})
    assert set(chain.sender._fees()) == {"gasPrice"}
