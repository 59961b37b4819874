"""`make bench-net-crash`: which geth v1.13.15 storage settings keep every confirmed block through a
power loss. For each setting: four Clique nodes (a house each, sealing from start), transfers to new
accounts in flight, then every node SIGKILLed at once and its local transaction journal removed
(geth rewrites it hourly without the mined ones), restarted with the same command line; twice.
Prints, per setting, the confirmed blocks whose hash changed, the confirmed transactions gone or
moved to another block, the disk the four data dirs take, the geth CPU seconds the load took, and
the seconds from restart to the first new block. Asserts nothing.

    python bench/net_crash.py [SETTING ...]         (default: every setting below)
    python bench/net_crash.py --cost [SETTING ...]  what a setting costs, with no crash: disk and CPU
"""
import json
import os
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import requests
from eth_account import Account
from eth_keys import keys

from luxpass.chain.accounts import encrypt_key

GETH = os.environ.get("LUXPASS_GETH", str(Path(__file__).resolve().parents[1] / ".tools/geth/bin/geth"))
HOUSES = 4
CHAIN_ID = 7599
HTTP, P2P, AUTH = 8680, 30480, 8780
LOAD_SECONDS = float(os.environ.get("LUXPASS_BENCH_CRASH_LOAD", "15"))
KILLS = int(os.environ.get("LUXPASS_BENCH_CRASH_KILLS", "2"))
TX_PER_SECOND = 20
COST_SECONDS = float(os.environ.get("LUXPASS_BENCH_CRASH_COST", "90"))
CONFIRMATIONS = HOUSES // 2 + 1

SETTINGS = {
    "default (hash, gcmode full)": [],
    "--state.scheme=path": ["--state.scheme", "path"],
    "--gcmode=archive": ["--gcmode", "archive"],
    "--gcmode=archive --snapshot=false": ["--gcmode", "archive", "--snapshot=false"],
    "--cache.trie.journal (rejournal 1s)": ["--cache.trie.journal", "{data}/triecache", "--cache.trie.rejournal", "1s"],
    "--cache.noprefetch": ["--cache.noprefetch"],
    "--snapshot=false": ["--snapshot=false"],
    "TrieTimeout 1 ms (config file)": ["{trie_timeout}"],
}


def rpc(port, method, *params, timeout=5):
    body = requests.post(f"http://127.0.0.1:{port}", json={"jsonrpc": "2.0", "id": 1, "method": method,
                                                           "params": list(params)}, timeout=timeout).json()
    if "error" in body:
        raise RuntimeError(f"{method}: {body['error']}")
    return body["result"]


def head(port):
    return int(rpc(port, "eth_blockNumber"), 16)


class Network:
    def __init__(self, root: Path, flags: list[str]):
        self.root, self.procs = root, {}
        self.signers = [Account.create() for _ in range(HOUSES)]
        self.nodekeys = [secrets.token_bytes(32) for _ in range(HOUSES)]
        enodes = [f"enode://{keys.PrivateKey(k).public_key.to_hex()[2:]}@127.0.0.1:{P2P + i}"
                  for i, k in enumerate(self.nodekeys)]
        sealers = "".join(a.address[2:].lower() for a in sorted(self.signers, key=lambda a: a.address.lower()))
        forks = {f"{n}Block": 0 for n in ("homestead", "eip150", "eip155", "eip158", "byzantium", "constantinople",
                                          "petersburg", "istanbul", "berlin", "london")}
        genesis = {"config": {"chainId": CHAIN_ID, **forks, "clique": {"period": 1, "epoch": 30000}},
                   "difficulty": "0x1", "gasLimit": hex(30_000_000), "timestamp": hex(int(time.time()) + 8),
                   "extradata": "0x" + "00" * 32 + sealers + "00" * 65,
                   "alloc": {a.address[2:].lower(): {"balance": hex(10**24)} for a in self.signers}}
        (root / "genesis.json").write_text(json.dumps(genesis))
        self.cmds = []
        for i, signer in enumerate(self.signers):
            data = root / f"n{i}"
            scheme = flags[flags.index("--state.scheme"):][:2] if "--state.scheme" in flags else []
            subprocess.run([GETH, "init", *scheme, "--datadir", str(data), str(root / "genesis.json")], check=True,
                           capture_output=True)
            (data / "geth" / "nodekey").write_text(self.nodekeys[i].hex())
            (data / "keystore").mkdir(exist_ok=True)
            (data / "keystore" / "key.json").write_text(json.dumps(encrypt_key(signer.key, "pw")))
            (data / "password").write_text("pw")
            config = data / "config.toml"
            peers = json.dumps([e for j, e in enumerate(enodes) if j != i])
            lines = ["[Node.P2P]", f"StaticNodes = {peers}", f"TrustedNodes = {peers}"]
            node_flags = []
            for flag in flags:
                if flag == "{trie_timeout}":
                    lines = ["[Eth]", "TrieTimeout = 1000000"] + lines
                else:
                    node_flags.append(flag.replace("{data}", str(data)))
            config.write_text("\n".join(lines) + "\n")
            self.cmds.append([GETH, "--config", str(config), "--datadir", str(data), "--networkid", str(CHAIN_ID),
                              "--syncmode", "full", "--port", str(P2P + i), "--nodiscover", "--ipcdisable",
                              "--http", "--http.port", str(HTTP + i), "--http.api", "eth,admin,debug,clique,miner",
                              "--authrpc.port", str(AUTH + i), "--unlock", signer.address, "--password",
                              str(data / "password"), "--allow-insecure-unlock", "--mine",
                              "--miner.etherbase", signer.address, "--verbosity", "3", *node_flags])

    def start(self):
        for i, cmd in enumerate(self.cmds):
            with open(self.root / f"n{i}" / "geth.log", "ab") as log:
                self.procs[i] = subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT, start_new_session=True)
        deadline = time.monotonic() + 60
        for i in range(HOUSES):
            while True:
                try:
                    head(HTTP + i)
                    break
                except requests.RequestException:
                    if time.monotonic() > deadline:
                        raise
                    time.sleep(0.2)
            while not rpc(HTTP + i, "eth_mining"):  # the signer unlocked (scrypt), sealing from start
                time.sleep(0.2)

    def kill(self):
        for proc in self.procs.values():
            proc.send_signal(signal.SIGKILL)
        for proc in self.procs.values():
            proc.wait()
        for i in range(HOUSES):
            (self.root / f"n{i}" / "geth" / "transactions.rlp").unlink(missing_ok=True)

    def stop(self):
        for proc in self.procs.values():
            proc.send_signal(signal.SIGTERM)
        for proc in self.procs.values():
            proc.wait(30)

    def cpu_seconds(self) -> float:
        tick = os.sysconf("SC_CLK_TCK")
        total = 0.0
        for proc in self.procs.values():
            fields = Path(f"/proc/{proc.pid}/stat").read_text().rsplit(")", 1)[1].split()
            total += (int(fields[11]) + int(fields[12])) / tick
        return total

    def disk_mb(self) -> float:
        size = sum(f.stat().st_size for i in range(HOUSES) for f in (self.root / f"n{i}" / "geth").rglob("*")
                   if f.is_file())
        return size / 1e6


def load(net: Network, seconds: float, sent: list):
    """Transfers from each house's signer to fresh addresses, round-robin over the nodes."""
    nonces = [int(rpc(HTTP, "eth_getTransactionCount", a.address, "pending"), 16) for a in net.signers]
    until = time.monotonic() + seconds
    n = 0
    while time.monotonic() < until:
        i = n % HOUSES
        tx = net.signers[i].sign_transaction({"to": Account.create().address, "value": 1, "gas": 21000,
                                              "nonce": nonces[i], "chainId": CHAIN_ID, "gasPrice": 10**9})
        try:
            sent.append(rpc(HTTP + i, "eth_sendRawTransaction", "0x" + tx.raw_transaction.hex().removeprefix("0x")))
            nonces[i] += 1
        except (requests.RequestException, RuntimeError):
            pass
        n += 1
        time.sleep(1 / TX_PER_SECOND)


def measure(name: str, flags: list[str]) -> dict:
    root = Path(tempfile.mkdtemp(prefix="luxpass-crash-"))
    net = Network(root, flags)
    net.start()
    rewritten = lost = moved = confirmed_blocks = confirmed_txs = 0
    restart_seconds, cpu = [], 0.0
    try:
        for _ in range(KILLS):
            sent: list[str] = []
            start_cpu = net.cpu_seconds()
            loader = threading.Thread(target=load, args=(net, LOAD_SECONDS, sent))
            loader.start()
            loader.join()
            time.sleep(0.5)  # transactions still in flight: sent, not yet sealed
            cpu += net.cpu_seconds() - start_cpu
            top = min(head(HTTP + i) for i in range(HOUSES))
            confirmed = top - CONFIRMATIONS + 1
            hashes = {n: rpc(HTTP, "eth_getBlockByNumber", hex(n), False)["hash"] for n in range(1, confirmed + 1)}
            placed = {}
            for tx in sent:
                receipt = rpc(HTTP, "eth_getTransactionReceipt", tx)
                if receipt and int(receipt["blockNumber"], 16) <= confirmed:
                    placed[tx] = receipt["blockHash"]
            net.kill()
            began = time.monotonic()
            net.start()
            try:
                deadline = time.monotonic() + 60
                while min(head(HTTP + i) for i in range(HOUSES)) < top + 1 and time.monotonic() < deadline:
                    time.sleep(0.2)
                restart_seconds.append(time.monotonic() - began)
            except requests.RequestException:
                restart_seconds.append(float("nan"))
            time.sleep(2)
            for i in range(HOUSES):
                for number, block_hash in hashes.items():
                    now = rpc(HTTP + i, "eth_getBlockByNumber", hex(number), False)
                    rewritten += (now or {}).get("hash") != block_hash
                for tx, block_hash in placed.items():
                    receipt = rpc(HTTP + i, "eth_getTransactionReceipt", tx)
                    lost += receipt is None
                    moved += receipt is not None and receipt["blockHash"] != block_hash
            confirmed_blocks += len(hashes) * HOUSES
            confirmed_txs += len(placed) * HOUSES
        disk = net.disk_mb()
        blocks = head(HTTP)
    finally:
        net.stop()
        shutil.rmtree(root, ignore_errors=True)
    return {"setting": name, "blocks_rewritten": f"{rewritten}/{confirmed_blocks}",
            "txs_lost": f"{lost}/{confirmed_txs}", "txs_moved": moved, "disk_mb_4_nodes": round(disk, 1),
            "blocks": blocks, "cpu_s_per_1000_tx": round(1000 * cpu / max(1, confirmed_txs / HOUSES), 1),
            "restart_s": [round(s, 1) for s in restart_seconds]}


def cost(name: str, flags: list[str]) -> dict:
    """No crash: COST_SECONDS of load, then a clean stop (geth writes its state); the disk the data
    dirs take and the CPU the four nodes spent."""
    root = Path(tempfile.mkdtemp(prefix="luxpass-cost-"))
    net = Network(root, flags)
    net.start()
    try:
        sent: list[str] = []
        start_cpu = net.cpu_seconds()
        load(net, COST_SECONDS, sent)
        time.sleep(3)
        cpu = net.cpu_seconds() - start_cpu
        blocks = head(HTTP)
        mined = sum(rpc(HTTP, "eth_getTransactionReceipt", tx) is not None for tx in sent)
        net.stop()
        disk = net.disk_mb()
    finally:
        shutil.rmtree(root, ignore_errors=True)
    return {"setting": name, "blocks": blocks, "txs": mined, "disk_mb_4_nodes": round(disk, 2),
            "disk_kb_per_1000_tx_per_node": round(1000 * disk * 1000 / max(1, mined) / HOUSES, 1),
            "cpu_s_per_1000_tx_4_nodes": round(1000 * cpu / max(1, mined), 1)}


def main(args: list[str]) -> None:
    run = cost if args[:1] == ["--cost"] else measure
    names = args[1:] if run is cost else args
    for name in names or SETTINGS:
        try:
            print(json.dumps(run(name, SETTINGS[name])), flush=True)
        except (requests.RequestException, RuntimeError, subprocess.SubprocessError) as exc:
            print(json.dumps({"setting": name, "failed": str(exc)[:200]}), flush=True)


if __name__ == "__main__":
    main(sys.argv[1:])
