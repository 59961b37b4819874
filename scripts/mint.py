"""brownie run scripts/mint.py main [CSV]: brand 1's admin mints the sample CSV (or CSV) in bulk."""
from pathlib import Path

from brownie import accounts

from luxpass.bulk import mint_csv
from luxpass.consortium import Consortium
from luxpass.passports import Collection
from luxpass.from_brownie import chain_for

SAMPLE = Path(__file__).resolve().parents[1] / "data" / "sample-products.csv"


def main(csv_path=SAMPLE):
    chain = chain_for(accounts[1])
    collection = Collection(chain, Consortium.open(chain).brand(1).collection)
    if not collection.has_role("minter", chain.address):
        collection.set_role("minter", chain.address, True)
    result = mint_csv(collection, Path(csv_path), Path(csv_path).with_suffix(".passports"))
    print(f"{result.minted_now} minted, {result.already_minted} already there; results in {result.result_file}")
    return result
