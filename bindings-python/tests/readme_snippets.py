"""The ```python blocks of bindings-python/README.md, in order, as one program.

`python readme_snippets.py OUT [README]` writes them to OUT (for `mypy
--strict`; README: another file's blocks, e.g. the repository's README.md);
test_readme.py executes this package's.
"""

from __future__ import annotations

import re
import sys
from pathlib import Path
from typing import List

README = Path(__file__).resolve().parents[1] / "README.md"
FENCE = re.compile(r"^```python\n(.*?)^```$", re.M | re.S)


def snippets(readme: Path = README) -> List[str]:
    blocks = FENCE.findall(readme.read_text())
    if not blocks:
        raise SystemExit(f"no python blocks in {readme}")
    return blocks


def program(readme: Path = README) -> str:
    return "\n".join(f"# ---- README block {i + 1}\n{block}" for i, block in enumerate(snippets(readme)))


if __name__ == "__main__":
    Path(sys.argv[1]).write_text(program(Path(sys.argv[2])) if len(sys.argv) > 2 else program())
