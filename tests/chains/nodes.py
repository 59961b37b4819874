"""The nodes `make test-chains` runs the suite on, started by the test tooling itself.

`LUXPASS_TEST_NODE=ganache|hardhat|anvil-shanghai pytest …` starts that node on the port brownie
attaches to (8545) before brownie connects, and stops it at the end. Each runs Anvil's development
accounts (the "test … junk" mnemonic) on chain id 31337, the Shanghai EVM and a non-zero base fee,
so that the same tests and the same development keys run on every one.

`python tests/chains/nodes.py NAME COMMAND…` starts node NAME the same way, runs COMMAND against it
(`make test-chains` runs the demo's story so) and stops the node; its exit code is COMMAND's."""
import ctypes
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import requests

from luxpass.chain.accounts import DEV_ACCOUNTS

HERE = Path(__file__).resolve().parent
BIN = HERE.parents[1] / "node_modules" / ".bin"
MNEMONIC = "test test test test test test test test test test test junk"
PORT = 8545
GAS_LIMIT = 30_000_000
ACCOUNTS = DEV_ACCOUNTS  # funded as `luxpass node start` funds them: the demo's story has 22 actors


def _anvil() -> str:
    from luxpass.chain import node

    return node.anvil_binary()


COMMANDS = {
    "ganache": lambda: [str(BIN / "ganache"), "--server.host", "127.0.0.1", "--server.port", str(PORT),
                        "--chain.chainId", "31337", "--chain.hardfork", "shanghai",
                        "--miner.blockGasLimit", str(GAS_LIMIT), "--wallet.mnemonic", MNEMONIC,
                        "--wallet.totalAccounts", str(ACCOUNTS), "--wallet.defaultBalance", "10000",
                        "--logging.quiet"],
    "hardhat": lambda: [str(BIN / "hardhat"), "--config", str(HERE / "hardhat.config.js"), "node",
                        "--hostname", "127.0.0.1", "--port", str(PORT)],
    "anvil-shanghai": lambda: [_anvil(), "--hardfork", "shanghai", "--port", str(PORT), "--gas-limit",
                               str(GAS_LIMIT), "--accounts", str(ACCOUNTS), "--silent"],
}
EVM_ORDER = ("paris", "shanghai", "cancun")
# The EVM target each node runs, for the build: `make test-chains` compiles for it.
EVM = {"ganache": "shanghai", "hardhat": "shanghai", "anvil-shanghai": "shanghai"}


def selected() -> str | None:
    """The node named by LUXPASS_TEST_NODE, or None for brownie's own Anvil (`make test`)."""
    name = os.environ.get("LUXPASS_TEST_NODE") or None
    if name is not None and name not in COMMANDS:
        raise SystemExit(f"LUXPASS_TEST_NODE={name} is not one of {', '.join(COMMANDS)}")
    return name


def answers(url: str) -> bool:
    try:
        return "result" in requests.post(url, json={"jsonrpc": "2.0", "id": 1, "method": "eth_chainId",
                                                    "params": []}, timeout=2).json()
    except (requests.RequestException, ValueError):
        return False


def _die_with_parent() -> None:
    """In the child: SIGTERM when the test process dies, even by SIGKILL (Linux prctl)."""
    ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGTERM)  # PR_SET_PDEATHSIG


def start(name: str, log: Path, timeout: float = 60) -> subprocess.Popen:
    """Start node `name` on PORT, its output in `log`; returns once it answers."""
    url = f"http://127.0.0.1:{PORT}"
    if answers(url):
        raise SystemExit(f"another node already answers on port {PORT}: stop it first")
    env = {**os.environ, "HARDHAT_DISABLE_TELEMETRY_PROMPT": "true", "LUXPASS_DEV_ACCOUNTS": str(ACCOUNTS)}
    process = subprocess.Popen(COMMANDS[name](), stdout=log.open("wb"), stderr=subprocess.STDOUT,
                               stdin=subprocess.DEVNULL, env=env, start_new_session=True,
                               preexec_fn=_die_with_parent)
    deadline = time.monotonic() + timeout
    while not answers(url):
        if process.poll() is not None or time.monotonic() > deadline:
            stop(process)
            raise SystemExit(f"{name} did not start on port {PORT}; see {log}")
        time.sleep(0.2)
    return process


def stop(process: subprocess.Popen) -> None:
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


def adapt_brownie(name: str) -> None:
    """What brownie, attaching to a node it did not start, gets wrong about these nodes.
    - It picks its time-travel and unlock methods by the node's client version and knows no "anvil/…":
      on an attached Anvil it would unlock accounts with Ganache 6's evm_unlockUnknownAccount, which
      Anvil lacks ("No Signer available"); its own Anvil backend is the one brownie uses when it
      starts Anvil itself.
    - Hardhat reports no contractAddress for a creation that reverted, where Anvil and Ganache report
      the address it would have had; brownie's revert decoding of a deployment needs it (else "None is
      not a valid ETH address"), so it is filled in from the sender and nonce, as the node would."""
    from brownie.network.rpc import ATTACH_BACKENDS, anvil

    ATTACH_BACKENDS.setdefault("anvil", anvil)
    if name != "hardhat":
        return
    import rlp
    from brownie.network.transaction import TransactionReceipt
    from eth_utils import keccak, to_canonical_address, to_checksum_address

    original = TransactionReceipt._set_from_receipt

    def _set_from_receipt(self, receipt):
        if self.receiver is None and receipt.get("contractAddress") is None:
            created = keccak(rlp.encode([to_canonical_address(str(self.sender)), self.nonce]))[12:]
            receipt = {**receipt, "contractAddress": to_checksum_address(created)}
        original(self, receipt)

    TransactionReceipt._set_from_receipt = _set_from_receipt


def main(argv: list[str]) -> int:
    if len(argv) < 2 or argv[0] not in COMMANDS:
        raise SystemExit(f"usage: nodes.py {{{'|'.join(COMMANDS)}}} COMMAND...")
    log = HERE.parents[1] / "build" / f"{argv[0]}-node.log"
    log.parent.mkdir(exist_ok=True)
    process = start(argv[0], log)
    try:
        return subprocess.run(argv[1:]).returncode
    finally:
        stop(process)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
