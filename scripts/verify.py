"""brownie run scripts/verify.py main CERTIFICATE: verify an owner certificate against the registry."""
from brownie import accounts

from luxpass import Certificate, chain_for, open_consortium, verify


def main(certificate):
    cert = Certificate.load(certificate)
    chain = chain_for(accounts[0])
    verdict = verify(open_consortium(chain), cert.collection, cert.passport_id, cert)
    print(("AUTHENTIC: " if verdict.authentic else "NOT AUTHENTIC: ") + verdict.reason)
    return verdict
