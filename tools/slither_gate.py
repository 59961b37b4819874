"""Run Slither on the project's own contracts and fail unless every finding is dealt with.

Fails when it analysed no contract of contracts/, on any high or medium finding, and on any
lower finding that slither.triage.md does not justify. A triage row names the detector, where the
finding starts (file:line) and what it is about (contract.function or contract.function.variable):
rows match on detector, file and that element, so that an edit elsewhere in the file, which moves
the line, does not reopen them; the gate then prints the new line to write. Contracts come from
one standard-JSON compilation through the solc shim; OpenZeppelin (node_modules) and the test
doubles (contracts/test) are compiled but not reported on.

    python tools/slither_gate.py [--triage slither.triage.md]
"""
import argparse
import os
import re
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SOLC_VERSION = "0.8.28"
BLOCKING = {"High", "Medium"}
# `| detector | path/File.sol:LINE | Contract.element | why |`
TRIAGE_ROW = re.compile(r"^\|\s*`?([a-z0-9-]+)`?\s*\|\s*`?([\w./-]+\.sol):(\d+)`?\s*\|\s*`?([^|`]+?)`?\s*\|"
                        r"\s*(.+?)\s*\|\s*$")


def build_target() -> str:
    """The EVM target brownie-config.yaml sets (LUXPASS_EVM may choose it), the one brownie builds."""
    import yaml
    from brownie._expansion import expand_posix_vars

    config = yaml.safe_load((ROOT / "brownie-config.yaml").read_text())
    return expand_posix_vars(config, dict(os.environ))["compiler"]["evm_version"]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--triage", default=str(ROOT / "slither.triage.md"))
    args = parser.parse_args()
    os.chdir(ROOT)

    from crytic_compile import compile_all
    from slither import Slither
    from slither.detectors import all_detectors
    from slither.detectors.abstract_detector import AbstractDetector

    solc = Path(os.environ.get("SOLCX_BINARY_PATH", ROOT / ".solcx")) / f"solc-v{SOLC_VERSION}"
    [compilation] = compile_all("contracts", solc=str(solc), solc_standard_json=True,
                                solc_remaps="@openzeppelin/contracts=node_modules/@openzeppelin/contracts",
                                solc_args="--optimize --optimize-runs 200 --evm-version " + build_target())
    slither = Slither(compilation, filter_paths=["node_modules", "contracts/test"])
    own = sorted({c.name for c in slither.contracts
                  if c.source_mapping.filename.relative.startswith("contracts/")
                  and not c.source_mapping.filename.relative.startswith("contracts/test/")})
    if not own:
        print("slither: analysed no contract of contracts/; is the compilation empty?", file=sys.stderr)
        return 1
    detectors = [d for d in vars(all_detectors).values()
                 if isinstance(d, type) and issubclass(d, AbstractDetector)]
    for detector in detectors:
        slither.register_detector(detector)
    findings = [f for results in slither.run_detectors() for f in results]

    triaged = read_triage(Path(args.triage))
    blocking, untriaged, justified, moved = [], [], set(), []
    for finding in findings:
        key, where = finding_key(finding)
        if finding["impact"] in BLOCKING:
            blocking.append(finding)
        elif key in triaged:
            justified.add(key)
            if triaged[key] != where:
                moved.append((key, where))
        else:
            untriaged.append(finding)
    stale = sorted(set(triaged) - justified)

    print(f"slither: {len(own)} contracts analysed ({', '.join(own)}) with {len(detectors)} detectors; "
          f"{len(findings)} findings: {len(blocking)} high/medium, {len(justified)} justified in "
          f"{Path(args.triage).name}, {len(untriaged)} not triaged")
    for finding in blocking + untriaged:
        (detector, _, element), where = finding_key(finding)
        print(f"  [{finding['impact'].lower()}] | {detector} | {where} | {element} |: "
              f"{finding['description'].strip().splitlines()[0]}", file=sys.stderr)
    for (detector, _, element), where in moved:
        print(f"  note: the {detector} finding in {element} now starts at {where}; update its row", file=sys.stderr)
    for detector, _, element in stale:
        print(f"  note: the triage row {detector} {element} matches no finding any more; remove it", file=sys.stderr)
    if blocking:
        print("slither: fix every high and medium finding", file=sys.stderr)
    if untriaged:
        print(f"slither: fix each finding above, or justify it in {args.triage} as "
              "| detector | file:line | element | why |", file=sys.stderr)
    return 1 if blocking or untriaged else 0


def finding_key(finding: dict) -> tuple[tuple[str, str, str], str]:
    """(detector, file, element) and where the finding starts: its first element's file:line."""
    first = finding["elements"][0] if finding["elements"] else {}
    mapping = first.get("source_mapping", {})
    path = mapping.get("filename_relative", "?")
    return (finding["check"], path, element_name(first)), f"{path}:{(mapping.get('lines') or [0])[0]}"


def element_name(element: dict) -> str:
    """Contract.function(signature) or Contract.function(signature).variable."""
    fields = element.get("type_specific_fields", {})
    own = fields.get("signature") or element.get("name", "?")
    parent = fields.get("parent")
    return f"{element_name(parent)}.{own}" if parent else own


def read_triage(path: Path) -> dict[tuple[str, str, str], str]:
    """(detector, file, element) -> file:line, for each row."""
    try:
        text = path.read_text()
    except OSError:
        return {}
    rows = (TRIAGE_ROW.match(line) for line in text.splitlines())
    return {(m[1], m[2], m[4]): f"{m[2]}:{m[3]}" for m in rows if m}


if __name__ == "__main__":
    sys.exit(main())
