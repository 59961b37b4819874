"""luxpass as a user installs it: the package carries the contracts it needs (the same as build/,
and the Safe contracts the same as node_modules), and its wheel, installed into a fresh virtualenv
outside the repository, verifies a certificate, serves the verification page and the owner pages'
script (bundled from npm at `make build`), and creates a Safe and signs for it, against the test chain."""
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
from luxpass.chain.artifacts import (
    PACKAGED, SAFE_PACKAGED, package_dir, packaged_form, safe_package_dir, safe_packaged_form,
)

ROOT = Path(__file__).resolve().parents[1]
SAFE_NPM = ROOT / "node_modules" / "@safe-global" / "safe-contracts" / "build" / "artifacts" / "contracts"
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


def test_the_packaged_safe_contracts_are_those_of_the_npm_package():
    for name, npm_path in SAFE_PACKAGED.items():
        path = safe_package_dir() / f"{name}.json"
        assert path.exists(), f"{path} is missing; run `python tools/package_contracts.py` (make build does)"
        assert json.loads(path.read_text()) == safe_packaged_form(json.loads((SAFE_NPM / npm_path).read_text())), \
            f"{path} is stale beside node_modules; run `python tools/package_contracts.py` (make build does)"
    assert sorted(p.stem for p in safe_package_dir().glob("*.json")) == sorted(SAFE_PACKAGED)


def test_the_packaged_owner_script_is_the_bundle_of_js_owner(tmp_path):
    """The script the owner pages load is js/owner bundled with the pinned viem and mipd, not a stale copy."""
    from luxpass.web.owner_pages import OWNER_SCRIPT

    assert OWNER_SCRIPT.exists(), f"{OWNER_SCRIPT} is missing; run `node tools/build_js.mjs` (make build does)"
    fresh = tmp_path / "owner.js"
    run("node", ROOT / "tools" / "build_js.mjs", ROOT / "js" / "owner" / "main.js", fresh)
    assert fresh.read_bytes() == OWNER_SCRIPT.read_bytes(), \
        f"{OWNER_SCRIPT} is stale beside js/owner; run `node tools/build_js.mjs` (make build does)"


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
    assert {f"luxpass/contracts/safe/{name}.json" for name in SAFE_PACKAGED} <= set(contents)
    templates = {p.relative_to(ROOT / "src").as_posix() for p in (ROOT / "src" / "luxpass").rglob("templates/*.html")}
    assert templates and templates <= set(contents)
    assert "luxpass/web/static/owner.js" in contents
    catalogues = {p.relative_to(ROOT / "src").as_posix() for p in (ROOT / "src" / "luxpass").rglob("locale/*/*/*.po")}
    assert catalogues <= set(contents)

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
        assert '<section id="owner"' in page and '<script src="/static/owner.js"' in page
        from luxpass.web.owner_pages import OWNER_SCRIPT  # the owner pages' script, from the wheel, no CDN

        assert _get(f"http://127.0.0.1:{port}/static/owner.js", server) == OWNER_SCRIPT.read_text()
        assert "https://" not in page.split("<footer>")[0]
    finally:
        server.terminate()
        server.wait(timeout=10)


def test_the_installed_wheel_creates_a_safe_and_signs_for_it(venv, consortium, signer, rpc_url, tmp_path):
    """Safe contracts deployed from the wheel's own bytecode (none recorded in a fresh home), a Safe
    made through them, and an owner's signature added to a Safe transaction drafted for it."""
    from luxpass.chain.accounts import dev_address
    from luxpass.local import safe_jobs
    from luxpass.onchain import safe as safes

    env = {**outside_env(venv, rpc_url), "LUXPASS_HOME": str(tmp_path / "home")}
    owners = [a for i in (7, 8) for a in ("--owner", dev_address(i))]
    made = json.loads(run(venv / "bin" / "luxpass", "safe", "create", *owners, "--threshold", 2, "--dev-account", 7,
                          "--json", cwd=tmp_path, env=env).stdout)
    assert made["contracts_deployed"] is True
    job = tmp_path / "job.json"
    safe = safes.Safe(signer(7), made["safe"])
    safe_jobs.save_new_job(safe.draft(consortium.registry.functions.brandCount(), "count the brands"), job)
    run(venv / "bin" / "luxpass", "safe", "sign", job, "--dev-account", 8, cwd=tmp_path, env=env)
    shown = json.loads(run(venv / "bin" / "luxpass", "safe", "show", job, "--json", cwd=tmp_path, env=env).stdout)
    assert (shown["safe"], shown["signers"], shown["missing"]) == (made["safe"], [dev_address(8)], 1)


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
