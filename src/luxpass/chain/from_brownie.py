"""For brownie scripts: a luxpass Chain on brownie's active network, signing as a brownie account."""
from eth_account import Account

from .accounts import dev_account
from .connection import Chain


def chain_for(account) -> Chain:
    """`account` is a brownie account: a loaded keystore (it holds its key) or, on a
    development network, one of Anvil's unlocked accounts."""
    from brownie import web3

    key = getattr(account, "private_key", None)
    if key:
        signer = Account.from_key(key)
        return Chain(web3.provider.endpoint_uri, signer)

    def unlocked(chain_id: int):
        for index in range(10):
            signer = dev_account(index, chain_id)
            if signer.address == account.address:
                return signer
        raise ValueError(f"{account.address} has no key here: load it with accounts.load(NAME)")

    return Chain(web3.provider.endpoint_uri, unlocked)
