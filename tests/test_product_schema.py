"""A product's fields are checked by their type before they go into the permanent commitment:
a value written as a date must be a real date whatever the field's name, a CSV header declares
its columns' types (`made_on:date`), and a CSV split by another character says so."""
import json
from pathlib import Path

import pytest
from cli_helpers import error_line

from luxpass.jobs.products import read_products

SAMPLE = Path(__file__).resolve().parents[1] / "data" / "sample-products.csv"


def test_an_impossible_date_is_refused_whatever_the_field_is_called(lux, web3, tmp_path):
    block = web3.eth.block_number
    refused = lux("mint", "--brand", "Maison Aurel", "--serial", "AUR-D1", "--field", "made_on=2026-13-45",
                  "--certificate", tmp_path / "c.json", "--dev-account", 5, expect=2)
    assert "'made_on' is '2026-13-45', not a date YYYY-MM-DD" in error_line(refused)
    record = tmp_path / "record.json"
    record.write_text(json.dumps({"serial": "AUR-D2", "made_on": "2026-02-30"}))
    refused = lux("mint", "--brand", "Maison Aurel", "--record", record, "--dev-account", 5, expect=2)
    assert "'made_on' is '2026-02-30'" in error_line(refused)
    assert web3.eth.block_number == block and not (tmp_path / "c.json").exists()


def test_every_bad_date_of_a_csv_is_listed_and_nothing_is_sent(lux, web3, tmp_path):
    products = tmp_path / "products.csv"
    products.write_text("serial,made_on,checked:date,price_eur:number\n"
                        "AUR-C1,2026-02-30,2026-03-01,3400\n"
                        "AUR-C2,2026-03-14,14/03/2026,3400\n"
                        "AUR-C3,2026-03-14,2026-03-15,3.400,00\n"
                        "AUR-C4,2026-03-14,2026-03-15,EUR 3400\n"
                        "AUR-C5,2026-03-14,2026-03-15,3400.50\n")
    block = web3.eth.block_number
    for command in ("mint", "issue"):
        refused = lux(command, "--brand", "Maison Aurel", "--csv", products, "--out", tmp_path / command,
                      "--dev-account", 5, expect=2)
        line = error_line(refused)
        assert "4 bad line(s), nothing was sent" in line
        assert "line 2: record field 'made_on' is '2026-02-30', not a date" in line
        assert "line 3: record field 'checked' is '14/03/2026', not a date" in line
        assert "line 4: 5 values for 4 columns" in line
        assert "line 5: record field 'price_eur' is 'EUR 3400', not a number" in line
    assert web3.eth.block_number == block


def test_a_declared_column_keeps_its_name_and_an_unknown_type_is_refused(lux, tmp_path):
    products = tmp_path / "products.csv"
    products.write_text("serial,made_on:when\nAUR-T1,2026-03-14\n")
    refused = lux("mint", "--brand", "Maison Aurel", "--csv", products, "--dev-account", 5, expect=2)
    assert "column 'made_on:when' declares the type 'when'" in error_line(refused)
    assert "declare one of text, date, number, gtin" in error_line(refused)
    assert read_products(SAMPLE)[0]["made_on"] == "2026-08-16"  # the sample declares made_on:date


def test_the_sample_declares_its_columns():
    header = SAMPLE.read_text().splitlines()[0].split(",")
    assert "made_on:date" in header and "price_eur:number" in header


@pytest.mark.parametrize("separator, named", [(";", "semicolons"), ("\t", "tabs")])
def test_a_csv_split_by_another_character_says_so(lux, tmp_path, separator, named):
    products = tmp_path / "products.csv"
    products.write_text(separator.join(["serial", "model"]) + "\n" + separator.join(["AUR-S1", "Tote"]) + "\n")
    refused = lux("mint", "--brand", "Maison Aurel", "--csv", products, "--dev-account", 5, expect=2)
    assert f"has no `serial` column; the columns are separated by {named}" in error_line(refused)
