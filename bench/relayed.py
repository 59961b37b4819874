"""Gas of each owner action relayed by the consortium's forwarder (ERC-2771: the relayer pays),
beside the same action sent by the owner herself, on a node of its own; and the gas of a first
sale by claim link (the retailer's `firstSale`, which the brand's relayer sends). Prints one
table; measured and reported, never asserted.

    python bench/relayed.py
"""
import os
import shutil
import sys
import tempfile
from pathlib import Path

from founded import ALICE, RETAILER, founded_brand

PORT = 8663
RELAYER = 4


def measure(signer) -> list[tuple[str, int, int]]:
    """(action, gas sent by the owner, gas relayed) for each owner action, on a fresh deployment."""
    from eth_account import Account

    from luxpass import Collection, open_consortium
    from luxpass.onchain.forwarder import Forwarder, owner_action, sign
    from luxpass.spec import Status

    address, minter, retailer = founded_brand(signer)
    forwarder = Forwarder(signer(RELAYER), open_consortium(signer(0)).deployment.forwarder)
    domain = forwarder.domain()
    alice, alice_key = Collection(signer(ALICE), address), signer(ALICE).account.key
    a = signer(ALICE).address

    def passport(n):
        token = int(minter.mint({"serial": f"RELAYED-{n}"}).passport_id, 16)
        minter.transfer(token, signer(RETAILER).address)
        retailer.first_sale(token, a)
        return token

    def direct(name, args):
        return alice.chain.sender.transact(getattr(alice.contract.functions, name)(*args))["gasUsed"]

    def relayed(name, args, token):
        request = forwarder.request(a, address, owner_action(name, args, alice.nonce(token)))
        receipt = forwarder.chain.sender.transact(forwarder.execute(request, sign(domain, request, alice_key)))
        return receipt["gasUsed"]

    rows = []
    own, relay = passport("own"), passport("relay")
    for name, args_of in (("reportStatus", lambda t: (t, Status.STOLEN)), ("reportFound", lambda t: (t,)),
                          ("revokeSignatures", lambda t: (t,))):
        rows.append((name, direct(name, args_of(own)), relayed(name, args_of(relay), relay)))
    admin = Collection(signer(1), address)
    for token in (own, relay):
        admin.request_recovery(token, signer(3).address)
    rows.append(("cancelRecovery", direct("cancelRecovery", (own,)), relayed("cancelRecovery", (relay,), relay)))
    # Each gift to a new address of its own: the same fresh-balance write on both sides.
    rows.append(("safeTransferFrom (a gift)", direct("safeTransferFrom", (a, Account.create().address, own)),
                 relayed("safeTransferFrom", (a, Account.create().address, relay), relay)))
    in_store = int(minter.mint({"serial": "RELAYED-claim"}).passport_id, 16)
    minter.transfer(in_store, signer(RETAILER).address)
    sale = retailer.chain.sender.transact(retailer.contract.functions.firstSale(in_store, a))["gasUsed"]
    rows.append(("firstSale (by claim link)", sale, sale))
    return rows


def main() -> int:
    work = Path(tempfile.mkdtemp(prefix="luxpass-relayed-"))
    os.environ["LUXPASS_HOME"] = str(work / "home")
    from luxpass import Chain, dev_account
    from luxpass.chain import node

    node.start(work / "node", PORT)
    try:
        rows = measure(lambda i: Chain(f"http://127.0.0.1:{PORT}", dev_account(i, 31337), log=lambda _: None,
                                       confirmations=0))
    finally:
        node.stop(work / "node")
        shutil.rmtree(work, ignore_errors=True)
    print(f"  {'owner action':<30} {'by the owner':>13} {'relayed':>10} {'relaying costs':>15}")
    for name, own, relay in rows:
        print(f"  {name:<30} {own:>13,} {relay:>10,} {relay - own:>+15,}")
    print("  (relayed: LuxpassForwarder.execute, paid by the relayer; the first line is the owner's first relayed"
          " request, which writes her forwarder nonce from zero (about 20,000 gas once); the claim link's sale is"
          " the retailer's own firstSale, sent by the brand's relayer)")
    return 0


if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    sys.exit(main())
