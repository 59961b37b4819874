"""The `luxpass` command: click groups that parse, call the library, and print."""
from .app import cli, main

__all__ = ["cli", "main"]
