"""The `luxpass` command: a thin click layer that parses, calls the library once and prints.

`root` holds the group, which imports a command's module only when the command runs, and the
error edge; `base` the settings and the output; `params` the click types and the option bundles;
each role's commands live in their own module and register on the `cli` group. `luxpass
--version` alone is answered here, before click is imported.
"""
import sys

from .. import __version__

__all__ = ["cli", "main"]


def main() -> None:
    if sys.argv[1:] == ["--version"]:
        print(f"luxpass, version {__version__}")
        return
    from .root import cli

    cli(prog_name="luxpass")


def __getattr__(name: str):
    if name == "cli":
        from .root import cli

        return cli
    raise AttributeError(f"module 'luxpass.cli' has no attribute {name!r}")
