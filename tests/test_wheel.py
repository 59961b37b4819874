"""luxpass as a user installs it: the package carries the contracts it needs (the same as build/),
and its wheel, installed into a fresh virtualenv outside the repository, verifies a certificate
and serves the verification page against the test chain."""
import json
import os
import shutil
import socket
import subprocess
import sys
import sysconfig
import time
import urllib.request
import zipfile
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from luxpass import Certificate, link_for
from luxpass.chain.artifacts import PACKAGED, package_dir, packaged_form

ROOT = Path(__file__).resolve().parents[1]
GTIN = "3760123450003"


def test_the_packaged_contracts_are_the_build():
    """A contract changed and compiled without `make build` leaves a stale copy in the package."""
    for name in PACKAGED:
        built = json.loads((ROOT / "build" / "contracts" / f"{name}.json").read_text())
        path = package_dir() / f"{name}.json"
        assert path.exists(), f"{path} is missing; run `python tools/package_contracts.py` (make build does)"
        assert json.loads(path.read_text()) == packaged_form(built), \
            f"{path} is stale beside build/contracts; run `python tools/package_contracts.py` (make build does)"
    assert sorted(p.stem for p in package_dir().glob("*.json")) == sorted(PACKAGED)


def run(*args, **kwargs) -> subprocess.CompletedProcess:
    result = subprocess.run([str(a) for a in args], capture_output=True, text=True, timeout=300, **kwargs)
    assert result.returncode == 0, f"{args} exited {result.returncode}: {result.stdout}{result.stderr}"
    return result


@pytest.fixture(scope="module")
def venv(tmp_path_factory) -> Path:
    """A virtualenv outside the repository with the wheel installed. Its dependencies come from
    this test run's site-packages, added as a path without its .pth files, so without this
    checkout's editable luxpass: `import luxpass` finds the wheel or nothing."""
    work = tmp_path_factory.mktemp("wheel")
    tree = work / "tree"  # built from a copy: setuptools' own build/ folder stays out of brownie's
    shutil.copytree(ROOT / "src", tree / "src", ignore=shutil.ignore_patterns("__pycache__", "*.egg-info"))
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(ROOT / name, tree / name)
    run(sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "--no-build-isolation", "--no-index",
        "-w", work / "dist", tree)
    (wheel,) = (work / "dist").glob("luxpass-*.whl")
    contents = zipfile.ZipFile(wheel).namelist()
    assert {f"luxpass/contracts/{name}.json" for name in PACKAGED} <= set(contents)
    templates = {p.relative_to(ROOT / "src").as_posix() for p in (ROOT / "src" / "luxpass").rglob("templates/*.html")}
    assert templates and templates <= set(contents)

    env = work / "venv"
    run(getattr(sys, "_base_executable", sys.executable), "-m", "venv", "--without-pip", env)
    python = env / "bin" / "python"
    site = Path(run(python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])").stdout.strip())
    (site / "dependencies.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    run(sys.executable, "-m", "pip", "--python", python, "install", "-q", "--no-deps", "--no-index",
        "--force-reinstall", wheel)
    return env


def outside_env(env: Path, rpc_url: str) -> dict:
    return {"PATH": f"{env / 'bin'}:/usr/bin:/bin", "HOME": os.environ.get("HOME", "/tmp"),
            "LUXPASS_HOME": os.environ["LUXPASS_HOME"], "ETH_RPC_URL": rpc_url}


@pytest.fixture(scope="module")
def certificate(consortium, signer, tmp_path_factory) -> Path:
    from luxpass import Collection

    minted = Collection(signer(5), consortium.brand(1).collection).mint({"serial": "AUR-WHEEL-1", "gtin": GTIN, "model": "Tote"})
    path = tmp_path_factory.mktemp("certificate") / "cert.json"
    path.write_text(json.dumps(minted.certificate))
    return path


def test_the_installed_wheel_is_not_this_checkout(venv, rpc_url, tmp_path):
    where = run(venv / "bin" / "python", "-c", "import luxpass.chain.artifacts as a; print(a.__file__, a.package_dir())",
                cwd=tmp_path, env=outside_env(venv, rpc_url)).stdout.split()
    assert all(Path(p).is_relative_to(venv) for p in where), where


def test_the_installed_wheel_verifies_a_certificate(venv, certificate, rpc_url, tmp_path):
    result = run(venv / "bin" / "luxpass", "verify", certificate, "--json", cwd=tmp_path,
                 env=outside_env(venv, rpc_url))
    verdict = json.loads(result.stdout)
    assert verdict["authentic"] and verdict["brand"] == "Maison Aurel", verdict


def test_the_installed_wheel_serves_the_verification_page(venv, certificate, rpc_url, tmp_path):
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    server = subprocess.Popen([venv / "bin" / "luxpass", "serve", "--port", str(port)], cwd=tmp_path,
                              env=outside_env(venv, rpc_url), stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                              text=True)
    try:
        link = urlsplit(link_for(Certificate.load(certificate), f"http://127.0.0.1:{port}").uri)
        page = _get(f"http://127.0.0.1:{port}{link.path}?{link.query}", server)
        assert 'data-verdict="authentic"' in page and 'id="serial">AUR-WHEEL-1<' in page
    finally:
        server.terminate()
        server.wait(timeout=10)


def _get(url: str, server: subprocess.Popen, timeout: float = 30) -> str:
    deadline = time.monotonic() + timeout
    while True:
        try:
            with urllib.request.urlopen(url, timeout=5) as response:
                return response.read().decode()
        except OSError:
            if server.poll() is not None or time.monotonic() > deadline:
                server.kill()
                pytest.fail(f"luxpass serve did not answer at {url}: {server.communicate()[0]}")
            time.sleep(0.2)
