"""Property: whatever sequence of calls anyone makes, a passport reported lost or stolen does
not move until its reporter reports it found (or the brand clears it on the reporter's
signed request), except by a recovery, which carries the report to the recovered owner, who
alone can then report it found. Every transfer path is tried: transferFrom, both safeTransferFrom, an
approved operator, a consented resale, a permit, recovery, a chip claim, and first sale."""
import brownie
from brownie.exceptions import VirtualMachineError
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from contract_helpers import S_LOST, S_STOLEN, sign
from test_passport_resale import consent_for, key_of, permit_for, reseller  # noqa: F401 (a fixture)

ACTIONS = ["transfer", "safe_transfer", "safe_transfer_data", "operator", "resale", "permit", "recovery",
           "chip_claim", "first_sale", "report_found_by_other", "report_found", "report_stolen", "report_lost"]


@settings(max_examples=25, deadline=None, suppress_health_check=list(HealthCheck))
@given(steps=st.lists(st.tuples(st.sampled_from(ACTIONS), st.integers(0, 2)), min_size=1, max_size=12))
def test_a_stolen_passport_never_moves(brand, sold, alice, bob, accounts, admin, retailer, reseller, minter, steps):  # noqa: F811
    brownie.chain.snapshot()
    try:
        _run(brand, sold, alice, bob, accounts, admin, retailer, reseller, minter, steps)
    finally:
        brownie.chain.revert()


def _run(brand, token, alice, bob, accounts, admin, retailer, reseller, minter, steps):  # noqa: F811
    operator, chip = accounts[3], accounts[6]
    deadline = brownie.chain.time() + 600
    rebind = {"tokenId": token, "chip": chip.address, "nonce": brand.nonces(token), "deadline": deadline}
    signature = sign(brand, "ChipRebind", rebind, key_of(alice))
    brand.rebindChip(token, chip, deadline, signature, {"from": minter})
    brand.reportStatus(token, S_STOLEN, {"from": alice})
    reported_by = alice
    for action, who in steps:
        owner = brand.ownerOf(token)
        holder = brownie.accounts.at(owner, force=True)
        status = brand.passport(token).dict()["status"]
        others = [a for a in (alice, bob, operator) if a != owner]
        target = others[who % len(others)]
        try:
            if action == "transfer":
                brand.transferFrom(owner, target, token, {"from": holder})
            elif action == "safe_transfer":
                brand.safeTransferFrom(owner, target, token, {"from": holder})
            elif action == "safe_transfer_data":
                brand.safeTransferFrom(owner, target, token, b"luxpass", {"from": holder})
            elif action == "operator":
                brand.approve(operator, token, {"from": holder})
                brand.transferFrom(owner, target, token, {"from": operator})
            elif action == "resale":
                consent, signature = consent_for(brand, token, holder)
                brand.resell(consent, target, signature, {"from": reseller})
            elif action == "permit":
                deadline, signature = permit_for(brand, token, holder, operator)
                brand.permit(operator, token, deadline, signature, {"from": operator})
                brand.transferFrom(owner, target, token, {"from": operator})
            elif action == "recovery":
                brand.requestRecovery(token, target, {"from": admin})
                brownie.chain.sleep(7 * 24 * 3600 + 1)
                brand.completeRecovery(token, {"from": target})
                if status in (S_LOST, S_STOLEN):
                    assert brand.passport(token).dict()["owner"] == target  # the report is the new owner's
                    reported_by = target
            elif action == "chip_claim":
                brand.setChipClaim(token, True, {"from": holder})
                _claim_with_chip(brand, token, chip, target)
            elif action == "first_sale":
                brand.firstSale(token, target, {"from": retailer})
            elif action == "report_found_by_other":
                brand.reportFound(token, {"from": target})
            elif action == "report_found":
                brand.reportFound(token, {"from": reported_by or holder})
            elif action in ("report_stolen", "report_lost"):
                brand.reportStatus(token, S_STOLEN if action == "report_stolen" else S_LOST, {"from": holder})
                reported_by = holder
        except VirtualMachineError:
            pass
        if status in (S_LOST, S_STOLEN) and action not in ("report_found", "recovery"):
            assert brand.ownerOf(token) == owner, f"{action} moved a passport with status {status}"


def _claim_with_chip(brand, token, chip, target):
    from eth_account import Account
    from eth_account.messages import encode_typed_data

    block = brownie.chain.height - 1
    deadline = brownie.chain.time() + 600
    _, name, version, chain_id, verifying, _, _ = brand.eip712Domain()
    typed = {"types": {"EIP712Domain": [{"name": "name", "type": "string"}, {"name": "version", "type": "string"},
                                        {"name": "chainId", "type": "uint256"},
                                        {"name": "verifyingContract", "type": "address"}],
                       "ChipChallenge": [{"name": "tokenId", "type": "uint256"}, {"name": "to", "type": "address"},
                                         {"name": "deadline", "type": "uint256"},
                                         {"name": "blockHash", "type": "bytes32"},
                                         {"name": "nonce", "type": "bytes32"}]},
             "primaryType": "ChipChallenge",
             "domain": {"name": name, "version": version, "chainId": chain_id, "verifyingContract": verifying},
             "message": {"tokenId": token, "to": target.address, "deadline": deadline,
                         "blockHash": brownie.web3.eth.get_block(block)["hash"], "nonce": b"\x01" * 32}}
    signature = Account.sign_message(encode_typed_data(full_message=typed), key_of(chip)).signature
    brand.claimWithChip(token, target, deadline, block, b"\x01" * 32, signature, {"from": target})
