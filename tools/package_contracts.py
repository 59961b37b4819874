"""Copy the ABIs and bytecode the library needs from brownie's build into the package
(src/luxpass/contracts/*.json), and those of the Safe 1.4.1 contracts from the npm package
@safe-global/safe-contracts (src/luxpass/contracts/safe/*.json), so that an installed luxpass
carries its contracts and can act for, and create, Safes.

`make build` runs it after `brownie compile`; run it yourself after a plain `brownie compile`.
The copies are generated, never committed: tests/test_wheel.py fails when they differ from build/
or from node_modules."""
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from luxpass.chain.artifacts import (  # noqa: E402
    PACKAGED, SAFE_PACKAGED, package_dir, packaged_form, safe_packaged_form,
)

SAFE_NPM_ARTIFACTS = ROOT / "node_modules" / "@safe-global" / "safe-contracts" / "build" / "artifacts" / "contracts"


def main(build: Path = ROOT / "build" / "contracts", into: Path = package_dir(),
         safe_npm: Path = SAFE_NPM_ARTIFACTS) -> None:
    _copy({name: build / f"{name}.json" for name in PACKAGED}, packaged_form, into,
          "run `brownie compile` first")
    _copy({name: safe_npm / path for name, path in SAFE_PACKAGED.items()}, safe_packaged_form, into / "safe",
          "run `npm ci` first (package.json pins @safe-global/safe-contracts)")
    print(f"packaged {', '.join([*PACKAGED, *SAFE_PACKAGED])} into "
          f"{into.relative_to(ROOT) if into.is_relative_to(ROOT) else into}")


def _copy(sources: dict[str, Path], form, into: Path, fix: str) -> None:
    """Write each source artifact's packaged form into `into`, and remove what is no longer packaged."""
    into.mkdir(parents=True, exist_ok=True)
    for name, source in sources.items():
        if not source.exists():
            sys.exit(f"error: {source} not found; {fix}")
        target = into / f"{name}.json"
        text = json.dumps(form(json.loads(source.read_text())), indent=1, sort_keys=True) + "\n"
        if not target.exists() or target.read_text() != text:
            tmp = target.with_name(target.name + ".tmp")
            tmp.write_text(text)
            tmp.replace(target)
    for stale in sorted(p for p in into.glob("*.json") if p.stem not in sources):
        stale.unlink()


if __name__ == "__main__":
    main()
