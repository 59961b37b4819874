"""The houses as hosts, for the network tests (tests/net/test_hosts.py on Clique,
tests/avalanche/test_avalanche_hosts.py on Avalanche): this process moves into a network namespace
of its own, so nothing of the machine's network is touched, and makes there the bridge lxbr0 with the
operator's address (the hub, .254 of the subnet); each house gets a namespace of its own with its
own address, joined by a veth link (lxhN) to the bridge. A partition is a cut link: the house's link
moved to a bridge of its own, which the hub still reaches but the other houses do not."""
import ctypes
import os
import subprocess
import time
from contextlib import contextmanager
from pathlib import Path

CLONE_NEWNET = 0x40000000
_libc = ctypes.CDLL(None, use_errno=True)


def ip(*args, netns_of: int | None = None):
    command = ["ip", *map(str, args)]
    if netns_of is not None:
        command = ["nsenter", f"--net=/proc/{netns_of}/ns/net", *command]
    subprocess.run(command, check=True, capture_output=True)


def _own_netns(pid: int) -> bool:
    try:
        return os.readlink(f"/proc/{pid}/ns/net") != os.readlink("/proc/thread-self/ns/net")
    except OSError:
        return False


class Hosts:
    def __init__(self, subnet: str, count: int, work: Path):
        self.subnet = subnet
        self.hub = f"{subnet}.254"
        self.addresses = [f"{subnet}.{i + 1}" for i in range(count)]
        self.ns_dir = work / "ns"  # one file an address, holding the pid whose namespace has it
        self.holders: list[subprocess.Popen] = []

    def make(self):
        ip("link", "set", "lo", "up")
        ip("link", "add", "lxbr0", "type", "bridge")
        ip("addr", "add", f"{self.hub}/24", "dev", "lxbr0")
        ip("link", "set", "lxbr0", "up")
        self.ns_dir.mkdir()
        for i, address in enumerate(self.addresses):
            holder = subprocess.Popen(["unshare", "--net", "sleep", "infinity"])
            self.holders.append(holder)
            deadline = time.monotonic() + 10
            while not _own_netns(holder.pid):
                assert time.monotonic() < deadline, "the house's namespace within 10 s"
                time.sleep(0.05)
            ip("link", "add", f"lxh{i}", "type", "veth", "peer", "name", "eth0", "netns", holder.pid)
            ip("link", "set", f"lxh{i}", "master", "lxbr0", "up")
            ip("link", "set", "lo", "up", netns_of=holder.pid)
            ip("addr", "add", f"{address}/24", "dev", "eth0", netns_of=holder.pid)
            ip("link", "set", "eth0", "up", netns_of=holder.pid)
            (self.ns_dir / address).write_text(str(holder.pid))

    def wrapper(self, path: Path, binary: str | Path, address_option: str) -> Path:
        """A script at `path` that runs `binary` in the namespace of the address its option
        `address_option` names (`--opt ADDR` or `--opt=ADDR`), and here when it names none."""
        path.write_text(f"""#!/bin/sh
addr=; prev=
for arg; do
    case "$arg" in {address_option}=*) addr=${{arg#{address_option}=}};; esac
    [ "$prev" = {address_option} ] && addr=$arg
    prev=$arg
done
if [ -n "$addr" ] && [ -f "{self.ns_dir}/$addr" ]; then
    exec nsenter --net=/proc/$(cat "{self.ns_dir}/$addr")/ns/net "{binary}" "$@"
fi
exec "{binary}" "$@"
""")
        path.chmod(0o755)
        return path

    def cut(self, *indices: int):
        """The houses' links moved to the bridge lxbr1: the hub still reaches them, by routes of
        their own; the houses on the other bridge do not (the hub forwards nothing)."""
        ip("link", "add", "lxbr1", "type", "bridge")
        ip("link", "set", "lxbr1", "up")
        for index in indices:
            ip("link", "set", f"lxh{index}", "master", "lxbr1")
            ip("route", "add", f"{self.subnet}.{index + 1}/32", "dev", "lxbr1", "src", self.hub)

    def heal(self, *indices: int):
        for index in indices:
            ip("route", "del", f"{self.subnet}.{index + 1}/32")
            ip("link", "set", f"lxh{index}", "master", "lxbr0")
        ip("link", "del", "lxbr1")


@contextmanager
def house_hosts(subnet: str, count: int, work: Path):
    """`count` house namespaces on the hub's bridge, this process in a namespace of its own while the
    block runs, and back in its original namespace after (the houses' namespaces gone)."""
    original = os.open("/proc/thread-self/ns/net", os.O_RDONLY)
    if _libc.unshare(CLONE_NEWNET) != 0:
        raise OSError(ctypes.get_errno(), "unshare(CLONE_NEWNET): the host tests need root (they run in a namespace)")
    hosts = Hosts(subnet, count, work)
    try:
        hosts.make()
        yield hosts
    finally:
        for holder in hosts.holders:
            holder.kill()
            holder.wait()
        _libc.setns(original, CLONE_NEWNET)
        os.close(original)
