"""Copy the ABIs and bytecode the library needs from brownie's build into the package
(src/luxpass/contracts/*.json), so that an installed luxpass carries its contracts.

`make build` runs it after `brownie compile`; run it yourself after a plain `brownie compile`.
The copies are generated, never committed: tests/test_wheel.py fails when they differ from build/."""
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from luxpass.chain.artifacts import PACKAGED, package_dir, packaged_form  # noqa: E402


def main(build: Path = ROOT / "build" / "contracts", into: Path = package_dir()) -> None:
    into.mkdir(parents=True, exist_ok=True)
    for name in PACKAGED:
        source = build / f"{name}.json"
        if not source.exists():
            sys.exit(f"error: {source} not found; run `brownie compile` first")
        target = into / f"{name}.json"
        text = json.dumps(packaged_form(json.loads(source.read_text())), indent=1, sort_keys=True) + "\n"
        if not target.exists() or target.read_text() != text:
            tmp = target.with_name(target.name + ".tmp")
            tmp.write_text(text)
            tmp.replace(target)
    stale = sorted(p.name for p in into.glob("*.json") if p.stem not in PACKAGED)
    for name in stale:
        (into / name).unlink()
    print(f"packaged {', '.join(PACKAGED)} into {into.relative_to(ROOT) if into.is_relative_to(ROOT) else into}")


if __name__ == "__main__":
    main()
