"""Signing accounts: v3 keystores (brownie, ape and cast read the same files) and, on a
development chain only, Anvil's public development keys."""
import json
import os
import re
from pathlib import Path
from typing import Callable

from eth_account import Account
from eth_account.signers.local import LocalAccount

from ..errors import InputError

DEV_CHAIN_ID = 31337
ANVIL_MNEMONIC = "test test test test test test test test test test test junk"
PASSWORD_ENV = "LUXPASS_PASSWORD"
DEV_ACCOUNTS = 24  # funded by `luxpass node start`
_ACCOUNT_NAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,63}")

Account.enable_unaudited_hdwallet_features()


def home() -> Path:
    return Path(os.environ.get("LUXPASS_HOME") or Path.home() / ".luxpass")


def keystore_dirs() -> list[Path]:
    return [home() / "keystores", Path.home() / ".brownie" / "accounts", Path.home() / ".foundry" / "keystores"]


def dev_account(index: int, chain_id: int) -> LocalAccount:
    """Anvil's public development key `index`; refused on any chain but 31337."""
    if chain_id != DEV_CHAIN_ID:
        raise InputError(
            f"--dev-account uses Anvil's public keys and is refused on chain {chain_id}",
            "use --account or --keystore with your own keystore",
        )
    if not 0 <= index < DEV_ACCOUNTS:
        raise InputError(f"--dev-account {index} is out of range", f"choose 0 to {DEV_ACCOUNTS - 1}")
    return Account.from_mnemonic(ANVIL_MNEMONIC, account_path=f"m/44'/60'/0'/0/{index}")


def dev_address(index: int) -> str:
    return Account.from_mnemonic(ANVIL_MNEMONIC, account_path=f"m/44'/60'/0'/0/{index}").address


def check_account_name(name: str) -> str:
    """A keystore name is a file name inside the keystore folder, never a path out of it."""
    if not _ACCOUNT_NAME.fullmatch(name) or ".." in name:
        raise InputError(f"account name {name!r} is not a plain name",
                         "use 1 to 64 letters, digits, '.', '_' or '-', starting with a letter or digit")
    return name


def find_keystore(name: str) -> Path:
    check_account_name(name)
    for folder in keystore_dirs():
        for candidate in (folder / f"{name}.json", folder / name):
            if candidate.is_file():
                return candidate
    searched = ", ".join(str(d) for d in keystore_dirs())
    raise InputError(f"no keystore named {name!r} in {searched}", "create one with `luxpass account new`")


def read_password(password_file: str | None, prompt: Callable[[], str] | None) -> str:
    if password_file:
        try:
            return Path(password_file).read_text().rstrip("\r\n")
        except OSError as exc:
            raise InputError(f"cannot read password file {password_file}: {exc.strerror}", "check the path") from None
    if PASSWORD_ENV in os.environ:
        return os.environ[PASSWORD_ENV]
    if prompt is None:
        raise InputError(
            "the keystore needs a password and there is no terminal to ask",
            f"pass --password-file or set {PASSWORD_ENV}",
        )
    return prompt()


PASSWORD_ATTEMPTS = 3


def unlock(path: Path, password_file: str | None, prompt: Callable[[], str] | None) -> LocalAccount:
    """The keystore's account; a wrong password typed at the prompt gets another try (three in
    all), one from a file or the environment fails at once."""
    prompted = not password_file and PASSWORD_ENV not in os.environ
    attempt = 1
    while True:
        try:
            return load_keystore(path, read_password(password_file, prompt))
        except WrongPassword:
            if not prompted or attempt == PASSWORD_ATTEMPTS:
                raise
            attempt += 1


class WrongPassword(InputError):
    pass


def load_keystore(path: Path, password: str) -> LocalAccount:
    try:
        keyfile = json.loads(Path(path).read_text())
    except (OSError, ValueError) as exc:
        raise InputError(f"{path} is not a readable keystore file ({exc})", "pass a v3 JSON keystore") from None
    try:
        return Account.from_key(Account.decrypt(keyfile, password))
    except ValueError:
        raise WrongPassword(f"wrong password for keystore {path}", "check the password and try again") from None
    except Exception as exc:  # malformed keystore content
        raise InputError(f"{path} is not a valid v3 keystore ({exc})", "pass a v3 JSON keystore") from None


def create_keystore(name: str, password: str, folder: Path | None = None) -> tuple[str, Path]:
    """A new random key, saved as a v3 keystore `name`.json; returns its address and path."""
    folder = folder or home() / "keystores"
    path = folder / f"{check_account_name(name)}.json"
    if path.exists():
        raise InputError(f"keystore {path} already exists", "choose another name")
    if not password:
        raise InputError("an empty password would leave the key unprotected", "choose a password")
    folder.mkdir(parents=True, exist_ok=True)
    account = Account.create()
    keyfile = encrypt_key(account.key, password)
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(keyfile))
    os.chmod(tmp, 0o600)
    tmp.replace(path)
    return account.address, path


def encrypt_key(key: bytes, password: str, scrypt_n: int | None = None) -> dict:
    """The v3 keystore of `key` (scrypt with `scrypt_n`, else eth-account's default). Its AES IV written
    as all 16 bytes: eth-keyfile drops a leading zero byte (one key in 16), and geth built with Go 1.24
    or later panics on a 15-byte IV ("bad IV length")."""
    keyfile = Account.encrypt(key, password, kdf="scrypt", iterations=scrypt_n)
    keyfile["crypto"]["cipherparams"]["iv"] = keyfile["crypto"]["cipherparams"]["iv"].rjust(32, "0")
    return keyfile


def list_keystores() -> list[tuple[str, str, Path]]:
    found = []
    for folder in keystore_dirs():
        if not folder.is_dir():
            continue
        for path in sorted(folder.iterdir()):
            try:
                address = json.loads(path.read_text()).get("address")
            except (OSError, ValueError, AttributeError):
                continue
            if address:
                found.append((path.stem, "0x" + address.removeprefix("0x"), path))
    return found


def require_signer(account: LocalAccount | None) -> LocalAccount:
    if account is None:
        raise InputError("this command sends a transaction and needs an account", "pass --account, --keystore or --dev-account")
    return account
