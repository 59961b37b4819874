"""The `luxpass` command: a thin click layer that parses, calls the library once and prints.

`root` holds the group, which imports a command's module only when the command runs, and the
error edge; `base` the settings and the output; `params` the click types and the option bundles;
each role's commands live in their own module and register on the `cli` group.
"""
from .root import cli, main

__all__ = ["cli", "main"]
