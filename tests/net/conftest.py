import os
from pathlib import Path

# `make test-net` names the geth it built; run by hand, the tests take the same one.
os.environ.setdefault("LUXPASS_GETH", str(Path(__file__).resolve().parents[2] / ".tools" / "geth" / "bin" / "geth"))
