"""The README's generated sections: the text between `<!-- NAME:start -->` and `<!-- NAME:end -->`."""
import re
from pathlib import Path

README = Path(__file__).resolve().parents[1] / "README.md"


def replace_section(name: str, body: str, heading: str) -> None:
    """Put `body` between the section's markers, or append it under `heading` when they are missing."""
    section = f"<!-- {name}:start -->\n{body.rstrip()}\n<!-- {name}:end -->"
    text = README.read_text()
    pattern = rf"<!-- {name}:start -->.*<!-- {name}:end -->"
    if re.search(pattern, text, flags=re.S):
        text = re.sub(pattern, lambda _: section, text, flags=re.S)
    else:
        text = text.rstrip() + f"\n\n## {heading}\n\n{section}\n"
    README.write_text(text)
