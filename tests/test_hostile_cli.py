"""Hostile and malformed input to every kind of CLI argument: addresses, passport ids, brand
names, CSV files, certificates, records, signed consents and reports, empty and huge files.
Each must end in exit 1 or 2 (3 where a check says "not authentic"), with exactly one `error:`
line and no traceback, and leave the chain as it was: no block mined, no nonce used."""
import json
import os

import pytest
from click.testing import CliRunner
from eth_utils import to_checksum_address
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from luxpass.chain.accounts import dev_address
from luxpass.cli import cli
from luxpass.errors import InputError
from luxpass.local import signed_files
from luxpass.proofs.certificate import Certificate
from luxpass.values import parse_address, parse_passport_id

INPUTS = {"tried": 0}
HOSTILE = settings(max_examples=int(os.environ.get("LUXPASS_HOSTILE_EXAMPLES", "30")), deadline=None,
                   suppress_health_check=list(HealthCheck), database=None)
NOBODY = "9"  # a dev account with no role, no passport and no vote: even a valid input changes nothing
READ_ONLY = {"verify", "history", "disclose", "certificate", "consent"}
ID = "0x" + "ab" * 32


def invalid(parser):
    def check(text):
        try:
            parser(text)
        except InputError:
            return True
        return False
    return check


bad_addresses = st.one_of(
    st.text(max_size=60),
    st.text("0123456789abcdefABCDEF", max_size=60).map(lambda h: "0x" + h),
    st.text(min_size=40, max_size=40).map(lambda t: "0x" + t),
    st.binary(min_size=20, max_size=20).map(lambda b: to_checksum_address(b)).flatmap(
        lambda a: st.integers(2, 41).map(lambda i: a[:i] + a[i].swapcase() + a[i + 1:])),
).filter(invalid(parse_address))
bad_ids = st.one_of(
    st.text(max_size=80),
    st.integers(max_value=0).map(str),
    st.integers(min_value=2**256).map(str),
    st.text("0123456789abcdefxX-+ _", max_size=80).map(lambda h: "0x" + h),
    st.just("9" * 5000),
).filter(invalid(parse_passport_id))
unknown_ids = st.integers(1, 2**256 - 1).map(lambda n: "0x%064x" % n)
names = st.text(max_size=80)

# (arguments with {} where the hostile value goes, the exit codes allowed)
ADDRESS_SLOTS = [
    (["transfer", "--brand", "1", "--id", ID, "--to", "{}", "--dev-account", NOBODY], {2}),
    (["role", "grant", "minter", "{}", "--brand", "1", "--dev-account", "1"], {2}),
    (["role", "revoke", "retailer", "{}", "--brand", "1", "--dev-account", "1"], {2}),
    (["accredit", "{}", "--as", "reseller", "--dev-account", "1"], {2}),
    (["brand", "propose", "admit", "Nouveau", "--symbol", "NV", "--council", "{}", "--dev-account", "1"], {2}),
    (["deploy", "--founder", "Nouveau:NV:{}", "--dev-account", "0"], {2}),
    (["verify", "--collection", "{}", "--id", ID], {2}),
    (["mint", "--collection", "{}", "--serial", "S-1", "--dev-account", "5"], {2}),
    (["mint", "--brand", "1", "--serial", "S-1", "--to", "{}", "--dev-account", "5"], {2}),
    (["recovery", "request", "--brand", "1", "--id", ID, "--to", "{}", "--dev-account", "1"], {2}),
    (["chip", "bind", "--brand", "1", "--id", ID, "--chip", "{}", "--dev-account", "5"], {1, 2}),
    (["cases", "list", "--brand", "1", "--marketplace", "{}"], {2}),
]
ID_SLOTS = [
    (["verify", "--brand", "1", "--id", "{}"], {2, 3}),
    (["history", "--brand", "1", "--id", "{}"], {1, 2, 3}),
    (["event", "--brand", "1", "--id", "{}", "--kind", "shipped", "--details", "x", "--dev-account", NOBODY], {1, 2}),
    (["report", "stolen", "--brand", "1", "--id", "{}", "--dev-account", NOBODY], {1, 2}),
    (["report", "destroyed", "--brand", "1", "--id", "{}", "--dev-account", NOBODY], {1, 2}),
    (["transfer", "--brand", "1", "--id", "{}", "--to", dev_address(8), "--dev-account", NOBODY], {1, 2}),
    (["recovery", "complete", "--brand", "1", "--id", "{}", "--dev-account", NOBODY], {1, 2}),
    (["recovery", "show", "--brand", "1", "--id", "{}"], {1, 2}),  # an unknown passport has no recovery: 0
    (["brand", "vote", "{}", "--yes", "--dev-account", "1"], {1, 2}),
    (["cases", "rule", "{}", "counterfeit", "--dev-account", "1"], {1, 2}),
]
NAME_SLOTS = [
    (["brand", "show", "{}"], {2}),
    (["mint", "--brand", "{}", "--serial", "S-1", "--dev-account", "5"], {2}),
    (["resales", "--brand", "{}"], {2}),
    (["verify", "--brand", "{}", "--id", ID], {2}),
]
CERTIFICATE_SLOTS = [  # commands that read an owner certificate
    (["verify", "{}"], {2, 3}),
    (["history", "{}"], {1, 2, 3}),
    (["event", "{}", "--kind", "shipped", "--details", "x", "--dev-account", NOBODY], {1, 2}),
    (["transfer", "{}", "--to", dev_address(8), "--dev-account", NOBODY], {1, 2}),
    (["report", "lost", "{}", "--dev-account", NOBODY], {1, 2}),
    (["disclose", "{}", "--field", "serial", "--out", "{out}"], {2}),
    (["certificate", "qr", "{}", "--out", "{out}"], {2}),
]
CSV_SLOTS = [
    (["mint", "--brand", "1", "--csv", "{}", "--out", "{out}", "--dev-account", NOBODY], {1, 2}),
    (["issue", "--brand", "1", "--csv", "{}", "--out", "{out}", "--dev-account", NOBODY], {1, 2}),
    (["screen", "{}"], {2}),
]
SIGNED_SLOTS = [  # commands that read a signed consent, permit or clear-report request
    (["transfer", "--consent", "{}", "--to", dev_address(8), "--dev-account", NOBODY], {1, 2}),
    (["transfer", "--permit", "{}", "--to", dev_address(8), "--dev-account", NOBODY], {1, 2}),
    (["consent", "check", "{}"], {2, 3}),
    (["report", "clear", "{}", "--dev-account", NOBODY], {1, 2}),
]
FILE_SLOTS = CERTIFICATE_SLOTS + CSV_SLOTS + SIGNED_SLOTS + [
    (["mint", "--brand", "1", "--record", "{}", "--dev-account", NOBODY], {1, 2}),
    (["audit", "check", "{}"], {2, 3}),
    (["audit", "attest", "{}", "--dev-account", NOBODY], {1, 2, 3}),
    (["event", "--brand", "1", "--id", ID, "--kind", "shipped", "--details-file", "{}", "--dev-account", NOBODY],
     {1, 2}),
    (["event", "--epcis", "{}", "--brand", "1", "--dev-account", NOBODY], {1, 2}),
    (["dpp", "verify", "{}"], {2, 3}),
]

json_values = st.recursive(st.none() | st.booleans() | st.integers() | st.floats() | st.text(max_size=20),
                           lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=10), inner,
                                                                                       max_size=4), max_leaves=12)
CERTIFICATE_KEYS = ["format", "chainId", "collection", "passportId", "record", "salt"]


def certificate_like(valid: dict):
    """A certificate with one field removed or replaced by a value of any JSON type."""
    return st.one_of(
        st.sampled_from(CERTIFICATE_KEYS).map(lambda k: {key: v for key, v in valid.items() if key != k}),
        st.tuples(st.sampled_from(CERTIFICATE_KEYS), json_values).map(lambda kv: {**valid, kv[0]: kv[1]}),
        st.tuples(st.sampled_from(CERTIFICATE_KEYS), st.floats(allow_nan=True, allow_infinity=True)).map(
            lambda kv: {**valid, kv[0]: kv[1]}),
        st.dictionaries(st.text(max_size=10), json_values, max_size=3).map(lambda extra: {**valid, "record": extra}),
    )


IMPOSSIBLE_DATES = st.sampled_from(["2026-02-30", "2026-13-45", "2026-00-10", "2025-02-29", "2026-04-31"])
NOT_DATES = st.sampled_from(["14/03/2026", "2026-3-14", "20260314", "March 14", "2026-03-14T10:00"])


def csv_text():
    """A product CSV with at least one defect: ragged, repeated or empty serial, no serial column, a
    huge field, an impossible date (in a column of any name), a value that is not the date its column
    declares, columns split by semicolons or tabs. Every defect is bad input: exit 2, nothing sent."""
    rows = st.lists(st.tuples(st.text(max_size=12), st.text(max_size=12)), max_size=6)
    defects = st.one_of(
        st.sampled_from(["ragged", "repeat", "empty serial", "no serial column", "huge field", "header only"]),
        st.tuples(st.just("impossible date"), IMPOSSIBLE_DATES), st.tuples(st.just("not the declared date"), NOT_DATES),
        st.tuples(st.just("delimiter"), st.sampled_from([";", "\t"])))

    def build(args):
        rows, defect = args
        if isinstance(defect, tuple) and defect[0] == "delimiter":
            return "".join(defect[1].join(line) + "\n" for line in [["serial", "model"], ["S-1", "Tote"]])
        lines = [["serial", "model"]] + [[f"S-{i}-{a}", b] for i, (a, b) in enumerate(rows)] + [["S-last", "Tote"]]
        if isinstance(defect, tuple):
            kind, value = defect
            lines[0] = ["serial", "made_on:date" if kind == "not the declared date" else "made_on"]
            lines = [lines[0]] + [[serial, "2026-03-14"] for serial, _ in lines[1:]] + [["S-date", value]]
            return "\n".join(",".join(json.dumps(v) for v in line) for line in lines) + "\n"
        if defect == "ragged":
            lines.append(["S-ragged", "Tote", "extra"])
        elif defect == "repeat":
            lines.append(list(lines[-1]))
        elif defect == "empty serial":
            lines.append(["", "Tote"])
        elif defect == "no serial column":
            lines[0] = ["reference", "model"]
        elif defect == "huge field":
            lines.append(["S-huge", "x" * 2000])
        else:
            lines = lines[:1]
        return "\n".join(",".join(json.dumps(v) for v in line) for line in lines) + "\n"
    return st.tuples(rows, defects).map(build)


garbage = st.one_of(st.just(b""), st.just(b"\n"), st.binary(max_size=200), st.just(b"[" * 100_000),
                    st.just(b"\xff\xfe" + b"\x00" * 64), st.text(max_size=200).map(str.encode),
                    json_values.map(lambda v: json.dumps(v).encode()))


def signed_like(valid: dict):
    """A signed file with one field, or one field of its typed data, removed or replaced."""
    typed = valid["typedData"]
    return st.one_of(
        st.sampled_from(list(valid)).map(lambda k: {key: v for key, v in valid.items() if key != k}),
        st.tuples(st.sampled_from(list(valid)), json_values).map(lambda kv: {**valid, kv[0]: kv[1]}),
        st.tuples(st.sampled_from(list(typed)), json_values).map(
            lambda kv: {**valid, "typedData": {**typed, kv[0]: kv[1]}}),
        st.tuples(st.sampled_from(list(typed["message"])), json_values).map(
            lambda kv: {**valid, "typedData": {**typed, "message": {**typed["message"], kv[0]: kv[1]}}}),
        st.text("0123456789abcdef", max_size=200).map(lambda sig: {**valid, "signature": "0x" + sig}),
    )


@pytest.fixture(scope="module", autouse=True)
def figures(report_figure):
    yield
    forms = len(ADDRESS_SLOTS + ID_SLOTS + NAME_SLOTS + FILE_SLOTS)
    report_figure(f"hostile input: {INPUTS['tried']} malformed inputs to {forms} command forms; "
                  "none left a traceback or changed the chain")


@pytest.fixture(scope="module")
def valid_certificate(rpc_url, consortium, tmp_path_factory):
    path = tmp_path_factory.mktemp("hostile") / "cert.json"
    result = CliRunner().invoke(cli, ["mint", "--brand", "1", "--serial", "HOSTILE-1", "--certificate", str(path),
                                      "--dev-account", "5", "--rpc-url", rpc_url])
    assert result.exit_code == 0, result.output
    return json.loads(path.read_text())


@pytest.fixture(scope="module")
def valid_consent(rpc_url, valid_certificate, tmp_path_factory):
    """The owner's (dev account 5's) consent to a resale of the certificate's passport."""
    certificate = tmp_path_factory.mktemp("consent") / "cert.json"
    certificate.write_text(json.dumps(valid_certificate))
    path = certificate.with_name("consent.json")
    result = CliRunner().invoke(cli, ["consent", "sign", str(certificate), "--any-reseller", "--terms", "EUR 4,800", "--out", str(path),
                                      "--dev-account", "5", "--rpc-url", rpc_url])
    assert result.exit_code == 0, result.output
    return json.loads(path.read_text())


@pytest.fixture
def hostile(rpc_url, web3, tmp_path_factory):
    runner = CliRunner()
    watched = [web3.eth.accounts[i] for i in range(10)]

    def run(template, allowed, value):
        INPUTS["tried"] += 1
        out = str(tmp_path_factory.mktemp("out") / "out")
        args = [a.replace("{}", value).replace("{out}", out) if a != "{}" else value for a in template]
        before = (web3.eth.block_number, [web3.eth.get_transaction_count(a, "pending") for a in watched])
        result = runner.invoke(cli, args, env={"ETH_RPC_URL": rpc_url})
        assert result.exception is None or isinstance(result.exception, SystemExit), \
            f"traceback from {args!r}: {result.exception!r}"
        assert result.exit_code in allowed, f"{args!r} exited {result.exit_code}: {result.output}"
        if result.exit_code in (1, 2):
            errors = [line for line in result.stderr.splitlines() if line.lower().startswith("error:")]
            assert len(errors) == 1, f"{args!r}: {result.stderr!r}"
        after = (web3.eth.block_number, [web3.eth.get_transaction_count(a, "pending") for a in watched])
        assert after == before, f"{args!r} changed the chain"
    return run


@HOSTILE
@given(slot=st.sampled_from(ADDRESS_SLOTS), value=bad_addresses)
def test_malformed_addresses(hostile, consortium, slot, value):
    hostile(*slot, value)


@HOSTILE
@given(slot=st.sampled_from(ID_SLOTS), value=bad_ids)
def test_malformed_ids(hostile, consortium, slot, value):
    hostile(*slot, value)


@HOSTILE
@given(slot=st.sampled_from(ID_SLOTS), value=unknown_ids)
def test_unknown_ids(hostile, consortium, slot, value):
    template, allowed = slot
    hostile(template, allowed | ({0} if template[:2] == ["recovery", "show"] else set()), value)


@HOSTILE
@given(slot=st.sampled_from(NAME_SLOTS), value=names.filter(lambda n: not _names_a_founder(n)))
@example(slot=NAME_SLOTS[0], value="²")  # a digit to str.isdigit, not to int(): it was a traceback
@example(slot=NAME_SLOTS[0], value="١")  # ARABIC-INDIC DIGIT ONE, which int() reads as 1: it named brand 1
def test_unknown_brand_names(hostile, consortium, slot, value):
    hostile(*slot, value)


def _names_a_founder(text: str) -> bool:
    if text.strip().isascii() and text.strip().isdigit():
        return int(text) in (1, 2, 3)
    return text.strip().lower() in ("maison aurel", "casa vellutti", "horlogerie brandt")


def _still_readable(slot, parse, value):
    """A change that leaves the file well formed (an extra field, another signer's name) may pass
    a command that only reads: exit 0 is then allowed for those."""
    template, allowed = slot
    try:
        parse(value)
    except InputError:
        return template, allowed
    return template, allowed | ({0} if template[0] in READ_ONLY else set())


def _file(tmp_path_factory, content: bytes) -> str:
    path = tmp_path_factory.mktemp("file") / "input"
    path.write_bytes(content)
    return str(path)


@HOSTILE
@given(slot=st.sampled_from(FILE_SLOTS), content=garbage)
def test_garbage_files(hostile, consortium, tmp_path_factory, slot, content):
    hostile(*slot, _file(tmp_path_factory, content))


@HOSTILE
@given(data=st.data(), slot=st.sampled_from(CERTIFICATE_SLOTS))
def test_malformed_certificates(hostile, valid_certificate, tmp_path_factory, data, slot):
    certificate = data.draw(certificate_like(valid_certificate))
    hostile(*_still_readable(slot, Certificate.from_dict, certificate),
            _file(tmp_path_factory, json.dumps(certificate).encode()))


@HOSTILE
@given(slot=st.sampled_from(CSV_SLOTS), text=csv_text())
def test_malformed_csv(hostile, consortium, tmp_path_factory, slot, text):
    template, _ = slot
    hostile(template, {2}, _file(tmp_path_factory, text.encode()))


@HOSTILE
@given(data=st.data(), slot=st.sampled_from(SIGNED_SLOTS))
def test_malformed_signed_files(hostile, valid_consent, tmp_path_factory, data, slot):
    signed = data.draw(signed_like(valid_consent))
    path = _file(tmp_path_factory, json.dumps(signed).encode())
    hostile(*_still_readable(slot, lambda _: signed_files.load(path), signed), path)


@HOSTILE
@given(record=json_values)
def test_malformed_records(hostile, consortium, tmp_path_factory, record):
    hostile(["mint", "--brand", "1", "--record", "{}", "--dev-account", NOBODY], {1, 2},
            _file(tmp_path_factory, json.dumps(record).encode()))


@pytest.mark.parametrize("template, allowed", FILE_SLOTS)
def test_huge_and_missing_files(hostile, valid_certificate, tmp_path, template, allowed):
    huge = tmp_path / "huge"
    with open(huge, "w") as fh:  # 200,000 products, the last one ragged
        fh.write("serial,model\n")
        fh.writelines(f"S-{n},Tote\n" for n in range(200_000))
        fh.write("S-ragged,Tote,extra\n")
    hostile(template, allowed, str(huge))
    hostile(template, allowed | {2}, str(tmp_path / "missing.json"))


def test_consortium_net_funds_addresses_only_and_only_a_new_network(tmp_path):
    """`consortium-net up --fund` takes addresses, and only when it creates the network's genesis."""
    folder = tmp_path / "net"
    bad = CliRunner().invoke(cli, ["consortium-net", "up", "--dir", str(folder), "--fund", "0x1234"])
    assert bad.exit_code == 2 and "'0x1234' is not an address" in bad.output and "Traceback" not in bad.output
    assert not folder.exists()
    folder.mkdir()
    (folder / "net.json").write_text(json.dumps({"chain_id": 7531, "period": 1, "nodes": [], "funded": []}))
    late = CliRunner().invoke(cli, ["consortium-net", "up", "--dir", str(folder), "--fund", dev_address(3)])
    assert late.exit_code == 2 and "--fund applies when a network is created" in late.output
