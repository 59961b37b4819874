"""The competitor's view. Maison Aurel (brand A) issues batches, mints, records its products'
story and sells them, with real serials, models, materials, suppliers, prices and customers in
its records and lifecycle details. Casa Vellutti (brand B), with full read access to the chain —
every block, transaction input, log and storage slot — searches it all for those secrets and
for the size of A's batches, and finds nothing. B's own roles give it no power over A's
collection: each attempt is refused with its exact error, and nothing changes.

Reading needs no role on a public ledger; what B can read is what anyone can, which is why the
first test searches everything there is to read."""
import csv
import gzip
import json

import pytest
from eth_abi import encode
from eth_utils import keccak
from web3 import HTTPProvider, Web3

from luxpass.chain.accounts import dev_address
from luxpass.errors import ContractRevert
from luxpass.jobs.batch_issue import issue_csv
from luxpass.jobs.epcis_import import import_epcis
from luxpass.local.certificates import mint as certified_mint
from luxpass.local.deployments import open_consortium
from luxpass.onchain import consent
from luxpass.onchain.chip import bind_chip
from luxpass.onchain.collection import Collection
from luxpass.proofs import epcis
from luxpass.proofs.certificate import Certificate
from luxpass.spec import Accreditation, EventKind, Status

RESELLER, ALICE, B_MINTER, B_RETAILER = 4, 7, 8, 9
MODELS = ["Sac Aurore Grand Modele", "Pochette Lune Minuit", "Cabas Riviera Edition Noire"]
MATERIALS = ["veau Epsom calfskin", "crocodile niloticus mat", "toile Aurelienne enduite"]
SUPPLIERS = ["Tannerie Dupuis Annonay", "Conceria Bellandi Santa Croce"]
PRICES = ["EUR 12,450", "EUR 4,850", "EUR 38,900"]
CUSTOMER = {"customer": "Giulia Benedetti", "phone": "+39 333 418 2290", "email": "giulia.benedetti@example.it"}
BUYER_NAME = "Marco Vitali-Serra"
LARGE, SMALL = 10_000, 3


def product(n: int, prefix: str) -> dict:
    return {"serial": f"{prefix}-{n:05d}-QX", "model": MODELS[n % 3], "material": MATERIALS[n % 3],
            "supplier": SUPPLIERS[n % 2], "price": PRICES[n % 3], "made_in": "Italy"}


def write_products(path, rows: list[dict]):
    with open(path, "w", newline="") as fh:
        writer = csv.DictWriter(fh, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    return path


def certificates(result) -> list[Certificate]:
    folder = result.result_file.rsplit("/", 1)[0]
    return [Certificate.load(f"{folder}/{row['certificate']}") for row in csv.DictReader(open(result.result_file))]


@pytest.fixture(scope="module")
def brand_b_roles(consortium, signer):
    own = Collection(signer(2), consortium.brand(2).collection)
    own.set_role("minter", dev_address(B_MINTER), True)
    own.set_role("retailer", dev_address(B_RETAILER), True)


def customer_address(name: str) -> str:
    return Web3.to_checksum_address(keccak(text=name)[:20])


@pytest.fixture(scope="module")
def story(consortium, signer, brand_b_roles, tmp_path_factory) -> dict:
    """Everything brand A does on chain, with its secrets in the records and details."""
    tmp_path = tmp_path_factory.mktemp("brand-a")
    factory, boutique = (Collection(signer(n), consortium.brand(1).collection) for n in (5, 6))
    large_rows = [product(n, "AUR-L") for n in range(LARGE)]
    small_rows = [product(n, "AUR-S") for n in range(SMALL)]
    large = issue_csv(factory, write_products(tmp_path / "large.csv", large_rows), tmp_path / "large")
    small = issue_csv(factory, write_products(tmp_path / "small.csv", small_rows), tmp_path / "small")
    # two first customers alike (no passport yet), so that only the batch could tell their claims apart
    boutique.claim(certificates(large)[4711], customer_address("first customer of the large batch"))
    boutique.claim(certificates(small)[1], customer_address("first customer of the small batch"))

    minted = int(certified_mint(factory, {**product(1, "AUR-M"), **CUSTOMER}).passport_id, 16)  # in the serial ledger
    factory.record_event(minted, EventKind.MANUFACTURED, f"{SUPPLIERS[0]}, lot 88-B, cost EUR 1,240")
    import_epcis(factory, consortium.deployment.block, epcis_export(tmp_path, product(1, "AUR-M")["serial"]))
    boutique.record_event(minted, EventKind.SOLD, f"sold to {CUSTOMER['customer']}, {CUSTOMER['phone']}, {PRICES[0]}")
    boutique.first_sale(minted, dev_address(ALICE))

    proposal = open_consortium(signer(1)).propose_accreditation(dev_address(RESELLER), Accreditation.RESELLER, True)
    open_consortium(signer(3)).vote(proposal.proposal_id, True)
    seller = Collection(signer(ALICE), factory.address)
    signed = consent.sign_resale_consent(seller, minted, dev_address(B_RETAILER),
                                         f"{PRICES[2]} to {BUYER_NAME}, escrow 5521", consent.parse_deadline("1d"),
                                         dev_address(RESELLER))
    consent.submit_resale(Collection(signer(RESELLER), factory.address), signed, None)
    secrets = ([r["serial"] for r in large_rows[:50] + large_rows[-50:] + small_rows] + [product(1, "AUR-M")["serial"]]
               + MODELS + MATERIALS + SUPPLIERS + PRICES + list(CUSTOMER.values()) + [BUYER_NAME, "Italy"]
               + [f"{LARGE}", f"{LARGE:,}", "EUR 1,240", "lot 88-B", "escrow 5521"])
    return {"large": large, "small": small, "secrets": secrets}


def epcis_export(folder, serial: str):
    """The brand's traceability system's EPCIS export of the product's shipping, with secrets in it."""
    shipped = {"type": "ObjectEvent", "eventTime": "2026-03-02T07:00:00.000+01:00", "eventTimeZoneOffset": "+01:00",
               "epcList": [f"https://id.maison-aurel.example/01/03760123450003/21/{serial}"], "action": "OBSERVE",
               "bizStep": "shipping", "readPoint": {"id": "https://id.gs1.org/414/3760123450002"},
               "luxpass:supplier": SUPPLIERS[1], "luxpass:lot": "lot 88-B", "luxpass:cost": "EUR 1,240"}
    path = folder / "export.jsonld"
    path.write_text(json.dumps(epcis.document([shipped], "2026-03-02T08:00:00Z")))
    return path


@pytest.fixture(scope="module")
def published(story, rpc_url) -> tuple[bytes, list[dict]]:
    return everything_published(rpc_url)


@pytest.fixture(scope="module")
def stored(story, rpc_url) -> bytes:
    return everything_stored(rpc_url)


def forms(secret: str) -> dict[str, bytes]:
    """The shapes a secret could take on chain, including unsalted hashes a dictionary would find."""
    raw = secret.encode()
    abi = encode(["string"], [secret])
    return {"UTF-8": raw, "hex text": raw.hex().encode(), "HEX text": raw.hex().upper().encode(),
            "ABI string": abi[32:], "keccak": keccak(raw), "keccak of ABI string": keccak(abi),
            "UTF-16": secret.encode("utf-16-le")}


def everything_published(rpc_url: str) -> tuple[bytes, list[dict]]:
    """Every block's extra data, transaction input, log topic and data, as one searchable blob, through
    standard methods only (receipts one by one: Ganache has no eth_getBlockReceipts); and the
    transactions, for their shape."""
    w3 = Web3(HTTPProvider(rpc_url))
    parts, transactions = [], []
    for number in range(w3.eth.block_number + 1):
        block = w3.eth.get_block(number, full_transactions=True)
        parts.append(bytes(block["extraData"]))
        for tx in block["transactions"]:
            parts.append(bytes(tx["input"]))
            transactions.append(tx)
            for log in w3.eth.get_transaction_receipt(tx["hash"])["logs"]:
                parts += [bytes(topic) for topic in log["topics"]] + [bytes(log["data"])]
    return b"\n\x00\n".join(parts), transactions


def everything_stored(rpc_url: str) -> bytes:
    """Every storage slot of every account, listed by Anvil's state dump (no standard method lists
    a contract's slots) and each read again by eth_getStorageAt, with the dump's own copy of every
    block and transaction, as one searchable blob."""
    w3 = Web3(HTTPProvider(rpc_url))
    parts = []
    dump = bytes.fromhex(w3.provider.make_request("anvil_dumpState", [])["result"][2:])
    state = json.loads(gzip.decompress(dump) if dump[:2] == b"\x1f\x8b" else dump)
    for address, account in state["accounts"].items():
        for slot, value in account["storage"].items():
            live = w3.eth.get_storage_at(Web3.to_checksum_address(address), int(slot, 16))
            assert int.from_bytes(live, "big") == int(value, 16)
            parts += [bytes(live), int(slot, 16).to_bytes(32, "big")]
    parts += list(_strings_in(state))
    return b"\n\x00\n".join(parts)


def secrets_in(blob: bytes, secrets: list[str]) -> list[tuple[str, str]]:
    return [(secret, shape) for secret in secrets for shape, data in forms(secret).items() if data in blob]


def _strings_in(value):
    if isinstance(value, dict):
        for key, item in value.items():
            yield from _strings_in(key)
            yield from _strings_in(item)
    elif isinstance(value, list):
        for item in value:
            yield from _strings_in(item)
    elif isinstance(value, str):
        body = value.removeprefix("0x")
        is_hex = value.startswith("0x") and all(c in "0123456789abcdefABCDEF" for c in body)
        # JSON-RPC quantities (balances, nonces) drop leading zeros: "0x21e19df6b33e7510000" is a
        # number, not the text "10000" a secret could be
        yield bytes.fromhex(body.zfill(len(body) + len(body) % 2)) if is_hex else value.encode()


def test_a_competitor_reading_every_block_input_and_log_finds_none_of_a_brands_secrets(story, published):
    blob, _ = published
    assert secrets_in(blob, story["secrets"]) == []
    assert encode(["uint256"], [LARGE]) not in blob
    # the search would have found a secret that was there: a brand's public name is
    assert forms("Maison Aurel")["UTF-8"] in blob and forms("Casa Vellutti")["UTF-8"] in blob


@pytest.mark.anvil_only("lists every storage slot by anvil_dumpState: no standard method lists a contract's "
                        "slots, and what the contracts store is the same on every node")
def test_a_competitor_reading_every_storage_slot_finds_none_of_a_brands_secrets(story, published, stored):
    blob = published[0] + stored
    assert len(blob) > 100_000  # the search does cover the contracts' code and state
    assert secrets_in(blob, story["secrets"]) == []
    assert encode(["uint256"], [LARGE]) not in blob
    assert forms("Maison Aurel")["UTF-8"] in stored and forms("Casa Vellutti")["UTF-8"] in stored


def test_a_competitor_cannot_tell_ten_thousand_products_from_three(story, published, as_account, rpc_url):
    _, transactions = published
    contract = as_account(0).contract
    w3 = Web3(HTTPProvider(rpc_url))
    calls = {"commitBatch": [], "claim": []}
    for tx in transactions:
        if tx["to"] == contract.address:
            fn, args = contract.decode_function_input(tx["input"])
            if fn.fn_name in calls:
                calls[fn.fn_name].append((tx, args, w3.eth.get_transaction_receipt(tx["hash"])))
    (commit_large, _, commit_large_receipt), (commit_small, _, commit_small_receipt) = calls["commitBatch"]
    assert len(commit_large["input"]) == len(commit_small["input"]) == 36
    assert abs(commit_large_receipt["gasUsed"] - commit_small_receipt["gasUsed"]) <= 12 * 36  # zero bytes only
    (claim_large, args_large, claim_large_receipt), (claim_small, args_small, claim_small_receipt) = calls["claim"]
    assert args_large["root"] == bytes.fromhex(story["large"].root[2:])
    assert args_small["root"] == bytes.fromhex(story["small"].root[2:])
    assert len(args_large["proof"]) == len(args_small["proof"]) == 16
    assert len(claim_large["input"]) == len(claim_small["input"])
    assert abs(claim_large_receipt["gasUsed"] - claim_small_receipt["gasUsed"]) <= 12 * len(claim_large["input"])
    def shape(receipt):
        return [(len(log["topics"]), len(log["data"])) for log in receipt["logs"]]

    assert shape(commit_large_receipt) == shape(commit_small_receipt)
    assert shape(claim_large_receipt) == shape(claim_small_receipt)


def test_a_competitor_reading_every_passports_metadata_finds_none_of_a_brands_secrets(story, published, consortium,
                                                                                     signer, rpc_url):
    """What wallets and marketplaces read (tokenURI's metadata, its image and verification) is open to
    anyone for every token id: brand B reads it all."""
    from starlette.testclient import TestClient

    from luxpass.web.app import create_app

    a = Collection(signer(1), consortium.brand(1).collection)
    a.set_base_uri(f"http://testserver/metadata/{a.address}/")
    transfers = [tx for tx in published[1] if tx["to"] == a.address]
    token_ids = {int.from_bytes(log["topics"][3], "big") for tx in transfers
                 for log in Web3(HTTPProvider(rpc_url)).eth.get_transaction_receipt(tx["hash"])["logs"]
                 if log["topics"][0] == keccak(text="Transfer(address,address,uint256)")}
    assert len(token_ids) == 3  # the two claimed products and the one minted
    served = []
    with TestClient(create_app(rpc_url)) as client:
        for token_id in token_ids:
            shown = client.get(a.contract.functions.tokenURI(token_id).call().removeprefix("http://testserver"))
            assert shown.status_code == 200
            served += [shown.content] + [client.get(shown.json()[key].removeprefix("http://testserver")).content
                                         for key in ("image", "gs1:verificationService", "gs1:resolver")]
    blob = b"\n\x00\n".join(served)
    assert secrets_in(blob, story["secrets"]) == []
    assert forms("Maison Aurel")["UTF-8"] in blob  # the search would have found a secret that was there


def test_a_brands_roles_have_no_power_over_another_brands_collection(consortium, signer, as_account, brand_b_roles,
                                                                     tmp_path, web3):
    factory = as_account(5)
    in_custody = int(factory.mint(product(7, "AUR-C")).passport_id, 16)
    issued = issue_csv(factory, write_products(tmp_path / "p.csv", [product(n, "AUR-P") for n in range(2)]),
                       tmp_path / "p", depth=4)
    unclaimed, claimed = certificates(issued)
    as_account(6).claim(claimed, dev_address(ALICE))
    council, minter, retailer = (Collection(signer(n), factory.address) for n in (2, B_MINTER, B_RETAILER))
    b = {n: dev_address(n) for n in (2, B_MINTER, B_RETAILER)}
    before = (web3.eth.block_number, factory.exists([in_custody, unclaimed.passport_id, claimed.passport_id]))
    attempts = [
        (lambda: minter.mint(product(8, "AUR-X"), dev_address(B_MINTER)),
         "AccessControlUnauthorizedAccount", (b[B_MINTER], "minter role")),
        (lambda: minter.commit_batch(b"\x01" * 32), "AccessControlUnauthorizedAccount", (b[B_MINTER], "minter role")),
        (lambda: minter.record_event(in_custody, EventKind.MANUFACTURED, "fake"),
         "PassportMissingRole", (b[B_MINTER], "manufactured")),
        (lambda: retailer.record_event(in_custody, EventKind.SOLD, "fake"),
         "PassportMissingRole", (b[B_RETAILER], "sold")),
        (lambda: bind_chip(minter, in_custody, dev_address(B_MINTER)),
         "AccessControlUnauthorizedAccount", (b[B_MINTER], "minter role")),
        (lambda: retailer.claim(unclaimed, dev_address(B_RETAILER)),
         "AccessControlUnauthorizedAccount", (b[B_RETAILER], "retailer role")),
        (lambda: retailer.first_sale(in_custody, dev_address(B_RETAILER)),
         "AccessControlUnauthorizedAccount", (b[B_RETAILER], "retailer role")),
        (lambda: council.set_base_uri("https://vellutti.example/aurel/"),
         "AccessControlUnauthorizedAccount", (b[2], "admin role")),
        (lambda: council.set_role("minter", b[2], True), "AccessControlUnauthorizedAccount", (b[2], "admin role")),
        (lambda: council.request_recovery(claimed.passport_id, b[2]),
         "AccessControlUnauthorizedAccount", (b[2], "admin role")),
        (lambda: council.report(in_custody, Status.DESTROYED),
         "ERC721IncorrectOwner", (b[2], "0x" + in_custody.to_bytes(32, "big").hex(), dev_address(5))),
    ]
    for attempt, error, args in attempts:
        with pytest.raises(ContractRevert) as refused:
            attempt()
        assert (refused.value.name, refused.value.args_decoded) == (error, args)
    assert (web3.eth.block_number, factory.exists([in_custody, unclaimed.passport_id, claimed.passport_id])) == before
    assert not any(factory.has_role(role, account) for role in ("admin", "minter", "retailer", "service")
                   for account in b.values())
