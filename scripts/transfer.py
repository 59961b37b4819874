"""brownie run scripts/transfer.py main CERTIFICATE: brand 1's admin, as retailer, sells the
passport to Anvil account 7 (first sale), who then transfers it to account 8."""
from brownie import accounts

from luxpass import Certificate, Collection, chain_for


def main(certificate):
    cert = Certificate.load(certificate)
    seller = Collection(chain_for(accounts[1]), cert.collection)
    if not seller.has_role("retailer", accounts[1].address):
        seller.set_role("retailer", accounts[1].address, True)
    seller.first_sale(cert.passport_id, accounts[7].address)
    Collection(chain_for(accounts[7]), cert.collection).transfer(cert.passport_id, accounts[8].address)
    print(f"passport {cert.passport_id:#066x} now owned by {accounts[8].address}")
