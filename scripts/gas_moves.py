"""brownie run scripts/gas_moves.py: gas of the moves that fold a record into a passport's head
(mint, lifecycle event, first sale, private transfer, resale with consent, claim at first sale,
lost report), from the receipts on brownie's development chain. Prints numbers; asserts nothing."""
from brownie import BrandPassport, ConsortiumRegistry, LuxpassForwarder, accounts, chain, web3
from eth_account import Account
from eth_account.messages import encode_typed_data
from eth_utils import keccak

from luxpass.chain.accounts import dev_account

WEEK = 7 * 24 * 3600
ZERO = "0x" + "00" * 20
MINTER_ROLE = keccak(text="MINTER_ROLE")
RETAILER_ROLE = keccak(text="RETAILER_ROLE")
RESELLER, SHIPPED, LOST = 0, 2, 1  # Accreditation.Reseller, EventKind.Shipped, Status.Lost
CONSENT = [("chainId", "uint256"), ("collection", "address"), ("tokenId", "uint256"), ("reseller", "address"),
           ("buyer", "address"), ("termsHash", "bytes32"), ("nonce", "uint256"), ("deadline", "uint256")]


def commitment(label: str) -> bytes:
    return keccak(text=f"luxpass-gas-salt:{label}")


def consent_signature(collection, message: dict, seller_index: int) -> bytes:
    _, name, version, chain_id, verifying, _, _ = collection.eip712Domain()
    typed = {
        "types": {"EIP712Domain": [{"name": "name", "type": "string"}, {"name": "version", "type": "string"},
                                   {"name": "chainId", "type": "uint256"},
                                   {"name": "verifyingContract", "type": "address"}],
                  "ResaleConsent": [{"name": n, "type": t} for n, t in CONSENT]},
        "primaryType": "ResaleConsent",
        "domain": {"name": name, "version": version, "chainId": chain_id, "verifyingContract": verifying},
        "message": message,
    }
    key = dev_account(seller_index, chain.id).key
    return Account.sign_message(encode_typed_data(full_message=typed), key).signature


def main():
    deployer, council, council2, minter, retailer, alice, bob, reseller = (accounts[i] for i in (0, 1, 2, 4, 5, 7, 8, 9))
    implementation = BrandPassport.deploy(LuxpassForwarder.deploy({"from": deployer}), {"from": deployer})
    registry = ConsortiumRegistry.deploy(implementation, ["Maison Aurel", "Casa Vellutti"], ["AUR", "VEL"],
                                         [council, council2], 5000, WEEK, {"from": deployer})
    brand = BrandPassport.at(registry.brand(1)[2])
    brand.grantRole(MINTER_ROLE, minter, {"from": council})
    brand.grantRole(RETAILER_ROLE, retailer, {"from": council})
    proposal = registry.proposeAccreditation(reseller, RESELLER, True, {"from": council}).return_value
    registry.vote(proposal, True, {"from": council2})

    figures = {}
    token = int.from_bytes(commitment("AUR-1"), "big")
    figures["mint"] = brand.mint(minter, commitment("AUR-1"), {"from": minter}).gas_used
    figures["custody transfer (minter to retailer)"] = brand.transferFrom(minter, retailer, token,
                                                                          {"from": minter}).gas_used
    figures["lifecycle event"] = brand.recordEvent(token, SHIPPED, b"\x11" * 32, {"from": minter}).gas_used
    figures["first sale"] = brand.firstSale(token, alice, {"from": retailer}).gas_used
    figures["private transfer"] = brand.transferFrom(alice, bob, token, {"from": alice}).gas_used
    message = {"chainId": chain.id, "collection": brand.address, "tokenId": token, "reseller": reseller.address,
               "buyer": alice.address, "termsHash": keccak(text="EUR 4,800"), "nonce": brand.nonces(token),
               "deadline": chain.time() + 3600}
    consent = tuple(message[n] for n, _ in CONSENT)
    figures["resale with consent"] = brand.resell(consent, alice, consent_signature(brand, message, 8),
                                                  {"from": reseller}).gas_used
    figures["lost report"] = brand.reportStatus(token, LOST, {"from": alice}).gas_used

    leaf = commitment("AUR-2")
    root = keccak(keccak(leaf))  # a batch of one: the root is its leaf
    brand.commitBatch(root, {"from": minter})
    figures["claim at first sale"] = brand.claim(root, leaf, [], bob, {"from": retailer}).gas_used

    size = len(web3.eth.get_code(implementation.address))
    for name, value in figures.items():
        print(f"gas  {name:<40} {value:>8,}")
    print(f"size BrandPassport deployed bytecode         {size:>8,} bytes (limit 24,576)")
