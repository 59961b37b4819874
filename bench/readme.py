"""The generated sections of docs/results.md: the text between `<!-- NAME:start -->` and `<!-- NAME:end -->`."""
import re
from pathlib import Path

RESULTS = Path(__file__).resolve().parents[1] / "docs" / "results.md"


def replace_section(name: str, body: str, heading: str) -> None:
    """Put `body` between the section's markers, or append it under `heading` when they are missing."""
    section = f"<!-- {name}:start -->\n{body.rstrip()}\n<!-- {name}:end -->"
    text = RESULTS.read_text()
    pattern = rf"<!-- {name}:start -->.*<!-- {name}:end -->"
    if re.search(pattern, text, flags=re.S):
        text = re.sub(pattern, lambda _: section, text, flags=re.S)
    else:
        text = text.rstrip() + f"\n\n## {heading}\n\n{section}\n"
    RESULTS.write_text(text)
