"""Print the fold tables of contracts/libraries/BrandNames.sol from luxpass.names, the one source.

    python tools/brand_names_tables.py     # paste its lines over the three constants

tests/contracts/test_registry_names.py checks that the library holds exactly these bytes.
"""
from luxpass import names

for constant, (first, last, _) in (("_LATIN", names.LATIN_RANGE), ("_GREEK", names.GREEK_RANGE),
                                  ("_CYRILLIC", names.CYRILLIC_RANGE)):
    print(f'    bytes private constant {constant} = hex"{names.table(first, last).hex()}";')
