"""The `luxpass` group itself, light enough that `--version` and `--help` import neither
web3 nor the library: a command's module is imported when the command runs (as pip's and Flask's
command lines do), and the help lists each command from `COMMANDS`. Also the error edge every
group shares: library errors, lost connections and usage errors become one `error:` line and
their exit code, never a traceback."""
from importlib import import_module

import click

from .. import __version__
from ..errors import LuxpassError

# Each command: the module of luxpass.cli that defines it, and its help's first sentence (what
# `luxpass --help` lists; tests/test_cli_start.py checks both against the commands).
COMMANDS = {
    "account": ("node", "Keystores (v3 JSON, readable by brownie, ape and cast)."),
    "accredit": ("council", "Propose to accredit (or revoke) a reseller, marketplace, auditor, or one of the ESPR's "
                            "repairers, authorities and recyclers (readers of a DPP's restricted part); members vote "
                            "on it."),
    "audit": ("audit", "Re-derive every passport's history head from the logs and compare it with the chain; write a"
                       " signed report (JSON and CSV)."),
    "avalanche-net": ("avalanche", "Four houses as validators of the consortium's Avalanche L1 (subnet-evm, final blocks)."),
    "brand": ("council", "Member brands and the council's votes."),
    "cases": ("market", "Counterfeit cases: marketplaces file, brands rule."),
    "certificate": ("web", "What goes on the product: the QR code of its GS1 Digital Link."),
    "claim-link": ("owners", "One-use, expiring links by which a buyer takes her passport at the first sale, paying "
                             "nothing."),
    "chip": ("brand", "The NFC chip set in a product."),
    "consent": ("owner", "Sign a resale consent or a permit with the owner's key, and check one."),
    "consortium-net": ("node", "One geth node per house, sealing Clique blocks; each house's signer in its own "
                               "keystore."),
    "deploy": ("council", "Deploy the registry with its founding brands and record it for this chain."),
    "disclose": ("owner", 'Prove chosen fields of your product ("made in Italy, calfskin") without revealing the '
                          "rest; anyone checks the file with `luxpass verify`."),
    "dpp": ("dpp", "The product's Digital Product Passport (W3C Verifiable Credential, UNTP DPP)."),
    "event": ("brand", "Record a lifecycle event of a passport, or each event of an EPCIS 2.0 document (--epcis)."),
    "history": ("market", "A passport's whole story, lifecycle and owners, read from the chain."),
    "index": ("audit", "Bring the local index of every collection's records up to date."),
    "issue": ("brand", "Commit a whole production batch from --csv with one transaction, its Merkle root, and write "
                       "each product's certificate with its proof; a retailer claims the passport at the first sale "
                       "(`transfer --first-sale`)."),
    "metadata": ("metadata", "The ERC-721 metadata of a brand's passports, served by `luxpass serve`."),
    "mint": ("brand", "Mint one product's passport, or many from --csv (resumable: run it again after a stop)."),
    "node": ("node", "A local Anvil node whose chain survives restarts."),
    "notice": ("owners", "The brand's notices to the holders of its passports (kept on the brand's server, never on "
                         "chain)."),
    "recovery": ("brand", "Move a passport to a new address for an owner who lost their wallet (with a delay)."),
    "report": ("owner", "Lost, stolen, found, destroyed: the passport's status."),
    "resales": ("brand", "Your collection's second-hand market: resales per period and reseller, time to resale."),
    "role": ("brand", "The brand admin grants and revokes its own roles."),
    "safe": ("safe", "Safe transactions drafted with --safe: owners sign them, then one executes."),
    "screen": ("market", "Screen a marketplace's listings (CSV) against the registry, one verdict per row."),
    "serve": ("web", "Run the verification page that product QR codes lead to, with its JSON API, and the owner's "
                     "API (docs/owner-side.md); with --relayer, the relayer that pays for owners' requests."),
    "transfer": ("owner", "Transfer a passport: a retailer's first sale, the owner's private transfer, a resale with"
                          " the seller's consent, or a move under a permit."),
    "verify": ("market", "Check a passport by owner certificate, by collection and id, or a holder's disclosure of "
                         "chosen fields (showing only those)."),
}


class CommandError(click.ClickException):
    def __init__(self, message: str, exit_code: int):
        super().__init__(message)
        self.exit_code = exit_code

    def show(self, file=None) -> None:
        click.echo(f"error: {self.message}", err=True)


class LuxpassGroup(click.Group):
    """Turns library errors, lost connections and usage errors into one line on stderr and
    their exit code, never a traceback. Its subgroups are LuxpassGroups too."""

    group_class = type

    def invoke(self, ctx):
        try:
            return super().invoke(ctx)
        except LuxpassError as exc:
            raise CommandError(str(exc), exc.exit_code) from None
        except click.UsageError as exc:
            raise CommandError(exc.format_message(), exc.exit_code) from None
        except Exception as exc:
            refusal = _transport_refusal(exc)
            if refusal is None:
                raise
            raise refusal from None


def _transport_refusal(exc: Exception) -> CommandError | None:
    """A lost connection, or a value web3 cannot encode, as one line. Imported only once a command
    failed: by then its module has imported requests and web3."""
    import requests
    from web3.exceptions import MismatchedABI, Web3ValidationError

    if isinstance(exc, requests.exceptions.RequestException):
        return CommandError(f"lost the connection to the node ({type(exc).__name__}); check it and run the "
                            "same command again", 1)
    if isinstance(exc, (MismatchedABI, Web3ValidationError)):
        return CommandError("a value does not fit the contract's argument types (a number above 2**256 - 1?); "
                            "check the values given", 2)
    return None


class LazyGroup(LuxpassGroup):
    """The top group: lists `COMMANDS` without importing them, and imports a command's module
    (which registers the command on this group) the first time the command is asked for."""

    group_class = LuxpassGroup

    def list_commands(self, ctx) -> list[str]:
        return sorted({*COMMANDS, *self.commands})

    def get_command(self, ctx, name: str):
        if name not in self.commands and name in COMMANDS:
            load(COMMANDS[name][0])
        return self.commands.get(name)

    def resolve_command(self, ctx, args):
        if args and args[0] not in COMMANDS:  # click suggests a near name from the commands loaded
            for module in sorted({module for module, _ in COMMANDS.values()}):
                load(module)
        return super().resolve_command(ctx, args)

    def format_commands(self, ctx, formatter) -> None:
        names = self.list_commands(ctx)
        limit = formatter.width - 6 - max(map(len, names))
        shown = {name: self.commands.get(name) or click.Command(name, help=COMMANDS[name][1]) for name in names}
        rows = [(name, command.get_short_help_str(limit)) for name, command in shown.items()]
        with formatter.section("Commands"):
            formatter.write_dl(rows)


def load(module: str) -> None:
    """Import the command module luxpass.cli.MODULE, which registers its commands on `cli`."""
    import_module(f"luxpass.cli.{module}")


@click.group(cls=LazyGroup)
@click.version_option(__version__, prog_name="luxpass")
def cli():
    """Digital product passports for luxury goods, on a consortium chain."""
