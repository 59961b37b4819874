"""What every command shares: the settings collected once per invocation and the output (results
on stdout as text or `--json`, progress on stderr); the group and its error edge are `root`'s."""
import json
import sys
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

import click

from ..chain import accounts
from ..chain.connection import DEFAULT_RPC_URL, Chain
from ..chain.journal import JournalFolder
from ..chain.sender import Sender
from ..errors import InputError, NotAuthentic
from ..local.deployments import open_consortium
from ..local.safe_jobs import SafeSender
from ..onchain.collection import Collection
from ..onchain.registry import Consortium
from ..results import to_jsonable
from .root import CommandError, LuxpassGroup, cli  # noqa: F401 (the group every command module registers on)

DEFAULT_TIMEOUT = 120  # seconds a transaction may take to be mined, and again to be confirmed


@dataclass
class Settings:
    """Options shared by the commands, collected once per invocation."""

    rpc_url: str = DEFAULT_RPC_URL
    json: bool = False
    confirmations: int | None = None
    account: str | None = None
    keystore: str | None = None
    password_file: str | None = None
    dev_account: int | None = None
    timeout: float = DEFAULT_TIMEOUT
    safe: str | None = None
    safe_out: str | None = None
    extra: dict = field(default_factory=dict)

    @cached_property
    def chain(self) -> Chain:
        """The node, and the account's key sender, which journals each transaction under the
        luxpass home before sending it."""
        return Chain(self.rpc_url, account=self._signer, confirmations=self.confirmations, timeout=self.timeout,
                     journals=JournalFolder(accounts.home() / "journals"))

    @cached_property
    def sender(self) -> Sender:
        """Who acts, chosen once from the options: the Safe of --safe, which drafts, or the account's key."""
        if self.safe_out and not self.safe:
            raise InputError("--safe-out is given without --safe", "pass --safe ADDRESS, the Safe that holds the council")
        if self.safe:
            return SafeSender(self.chain, self.safe, self.safe_out)
        return self.chain.sender

    @cached_property
    def consortium(self) -> Consortium:
        return open_consortium(self.chain, self.sender)

    def collection(self, brand: str | None, collection: str | None) -> Collection:
        """The collection given by --collection ADDRESS, or that of --brand NAME|ID|ADDRESS."""
        if collection:
            return Collection(self.chain, collection, self.sender)
        if not brand:
            raise InputError("no collection given", "pass --brand NAME|ID or --collection ADDRESS")
        return Collection(self.chain, self.consortium.brand(brand).collection, self.sender)

    def _signer(self, chain_id: int):
        chosen = [o for o in (self.account, self.keystore, self.dev_account) if o is not None]
        if len(chosen) > 1:
            raise InputError("more than one account given", "pass only one of --account, --keystore, --dev-account")
        if self.dev_account is not None:
            return accounts.dev_account(self.dev_account, chain_id)
        if self.account or self.keystore:
            path = Path(self.keystore) if self.keystore else accounts.find_keystore(self.account)
            prompt = (lambda: click.prompt(f"Password for {path.name}", hide_input=True, err=True)) \
                if sys.stdin.isatty() else None
            return accounts.unlock(path, self.password_file, prompt)
        return None

    def emit(self, result, text: str | None = None) -> None:
        """Print a result: as JSON with --json, else as `text` or the result's fields."""
        if self.json:
            click.echo(json.dumps(to_jsonable(result), indent=2))
        else:
            click.echo(text if text is not None else _as_text(to_jsonable(result)))

    def emit_check(self, result, holds: bool, problem: str, text: str | None = None) -> None:
        """Print the result of a check; one that does not hold ends in NotAuthentic (exit 3)."""
        self.emit(result, text)
        if not holds:
            raise NotAuthentic(problem)


pass_settings = click.make_pass_decorator(Settings, ensure=True)


def _as_text(data, indent: str = "") -> str:
    if isinstance(data, dict):
        lines = []
        for key, value in data.items():
            if value is None:
                continue
            if isinstance(value, (dict, list)) and value:
                lines.append(f"{indent}{key}:")
                lines.append(_as_text(value, indent + "  "))
            else:
                lines.append(f"{indent}{key}: {value}")
        return "\n".join(lines)
    if isinstance(data, list):
        return "\n".join(_as_text(item, indent) if not isinstance(item, dict) else
                         _as_text(item, indent + "  ").replace(indent + "  ", indent + "- ", 1) for item in data)
    return f"{indent}{data}"


class ProgressBar:
    """A progress bar on stderr, silent with --json."""

    def __init__(self, settings: Settings, what: str = "minting"):
        self.settings, self.what = settings, what

    def __enter__(self):
        from rich.console import Console
        from rich.progress import Progress

        self.bar = Progress(console=Console(stderr=True), disable=self.settings.json or not sys.stderr.isatty())
        self.bar.start()
        self.task = None
        return self

    def __call__(self, advance: int, total: int):
        if self.task is None:
            self.task = self.bar.add_task(self.what, total=total)
        self.bar.update(self.task, advance=advance)

    def __exit__(self, *exc):
        self.bar.stop()
