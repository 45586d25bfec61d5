"""SECURITY.md names the tests that show each requirement met: every one must exist."""

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
#: ``tests/.../file.py::test_name``, or ``::test_name`` for another test of the file before it.
REFERENCE = re.compile(r"`(tests/[\w/]+\.py)?::(test_\w+)`")


def named_tests() -> list[tuple[str, str]]:
    """The (file, test) pairs SECURITY.md names, in order."""
    found, current = [], None
    for path, name in REFERENCE.findall((ROOT / "SECURITY.md").read_text(encoding="utf-8")):
        current = path or current
        assert current, f"::{name} names no file before it"
        found.append((current, name))
    return found


def defined_tests(path: str) -> set[str]:
    tree = ast.parse((ROOT / path).read_text(encoding="utf-8"))
    return {node.name for node in ast.walk(tree)
            if isinstance(node, ast.FunctionDef) and node.name.startswith("test_")}


def test_every_test_security_md_names_exists():
    named = named_tests()
    assert len(named) > 30
    missing = [f"{path}::{name}" for path, name in named
               if not (ROOT / path).exists() or name not in defined_tests(path)]
    assert missing == []
