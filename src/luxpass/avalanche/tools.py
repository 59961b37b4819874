"""The binaries `make avalanche` builds into .tools/avalanche/: avalanchego, the subnet-evm plugin
named by its VM ID (avalanchego's --plugin-dir wants it so), and luxpass-l1, the small Go program on
avalanchego's own packages that makes the staking keys, the genesis and the P-chain transactions."""
import json
import os
import subprocess
from dataclasses import dataclass
from pathlib import Path

from ..errors import LuxpassError

AVALANCHEGO_VERSION = "1.13.5"
SUBNET_EVM_VERSION = "0.7.9"
SUBNET_EVM_VM_ID = "srEXiWaHuhNyGwPUi444Tu47ZEDwxTWrbQiuD7FmgSAQ6X7Dy"
TOOLS_ENV = "LUXPASS_AVALANCHE"


@dataclass(frozen=True)
class Tools:
    folder: Path

    @property
    def avalanchego(self) -> Path:
        return self.folder / "bin" / "avalanchego"

    @property
    def l1(self) -> Path:
        return self.folder / "bin" / "luxpass-l1"

    @property
    def plugins(self) -> Path:
        return self.folder / "plugins"

    def run(self, *args: str, timeout: float = 360) -> dict:
        """One luxpass-l1 subcommand; its JSON answer, or its own error as a LuxpassError."""
        done = subprocess.run([str(self.l1), *args], capture_output=True, text=True, timeout=timeout)
        if done.returncode != 0:
            raise LuxpassError(f"luxpass-l1 {args[0]} failed: {done.stderr.strip() or done.returncode}",
                               "read the message above; the network folder keeps what was done")
        return json.loads(done.stdout)


def find(configured: str | None = None) -> Tools:
    """`configured` (the --tools option), else $LUXPASS_AVALANCHE, else .tools/avalanche here."""
    folder = Path(configured or os.environ.get(TOOLS_ENV) or Path.cwd() / ".tools" / "avalanche")
    tools = Tools(folder)
    missing = [str(p) for p in (tools.avalanchego, tools.l1, tools.plugins / SUBNET_EVM_VM_ID)
               if not (p.is_file() and os.access(p, os.X_OK))]
    if missing:
        raise LuxpassError(f"the Avalanche binaries are missing ({', '.join(missing)})",
                           f"run `make avalanche` in the luxpass checkout, or set {TOOLS_ENV} to its .tools/avalanche")
    return tools
