"""The brownie scripts are thin front ends over the library: run each one on the test network."""
import csv

from scripts import deploy, mint, transfer, verify


def test_scripts_deploy_mint_transfer_verify(accounts, tmp_path, luxpass_home):
    deployment = deploy.main(force=True)  # other test modules left their registry on this chain
    assert deployment.registry
    products = tmp_path / "products.csv"
    with open(products, "w", newline="") as fh:
        csv.writer(fh).writerows([["serial", "model"], ["AUR-1", "Tote"], ["AUR-2", "Sac"]])
    result = mint.main(products)
    assert result.minted_now == 2
    certificate = tmp_path / "products.passports" / "certificates" / "000001-AUR-1.json"
    transfer.main(certificate)
    verdict = verify.main(certificate)
    assert verdict.authentic and verdict.owner == accounts[8].address


def test_the_mint_script_writes_the_samples_results_outside_the_repository(luxpass_home):
    assert mint.results_dir(mint.SAMPLE) == luxpass_home / "jobs" / "sample-products.passports"
