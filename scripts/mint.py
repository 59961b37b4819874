"""brownie run scripts/mint.py main [CSV]: brand 1's admin mints the sample CSV (or CSV) in bulk."""
from pathlib import Path

from brownie import accounts

from luxpass import Collection, chain_for, mint_csv, open_consortium
from luxpass.chain.accounts import home

REPO = Path(__file__).resolve().parents[1]
SAMPLE = REPO / "data" / "sample-products.csv"


def results_dir(csv_path: Path) -> Path:
    """Next to the CSV, except for a CSV in the repository (the sample): then under the luxpass
    home, so that a run leaves the repository's tree as it was."""
    csv_path = Path(csv_path).resolve()
    if csv_path.is_relative_to(REPO):
        return home() / "jobs" / csv_path.with_suffix(".passports").name
    return csv_path.with_suffix(".passports")


def main(csv_path=SAMPLE):
    chain = chain_for(accounts[1])
    collection = Collection(chain, open_consortium(chain).brand(1).collection)
    if not collection.has_role("minter", chain.address):
        collection.set_role("minter", chain.address, True)
    result = mint_csv(collection, Path(csv_path), results_dir(csv_path))
    print(f"{result.minted_now} minted, {result.already_minted} already there; results in {result.result_file}")
    return result
