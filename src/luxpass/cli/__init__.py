"""The `luxpass` command: a thin click layer that parses, calls the library once and prints.

`base` holds the settings, the error edge and the output; `params` the click types and the
option bundles; each role's commands live in their own module and register on the `cli` group.
"""
from . import audit, avalanche, brand, council, market, node, owner, safe, web  # noqa: F401 (each adds its commands to `cli`)
from .base import cli, main

__all__ = ["cli", "main"]
