"""The import contracts (``[tool.importlinter]`` in pyproject.toml) cover every module.

``lint-imports`` (``make lint``) checks the contracts themselves; this checks that no code sits
outside them: every top-level package of the repository is a root package and is named by a
contract, and every layers contract is exhaustive, so a new module inside ``pathways`` or
``webapp/views`` has to be given a layer.
"""

from __future__ import annotations

import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
#: Top-level Python that is not a package the code imports, and why no contract names it.
NOT_PACKAGES = {
    "docs": "take_screenshots.py, a script run by hand",
    "conftest": "pytest's set-up for the doctests in pathways",
}
#: Top-level folders never holding the project's own code.
SKIPPED = {"node_modules", "build", "dist", "instance"}


def _config() -> dict:
    with (ROOT / "pyproject.toml").open("rb") as file:
        return tomllib.load(file)["tool"]["importlinter"]


def _top_level_code() -> set[str]:
    """Return the import names of the repository's top-level packages and modules."""
    found = set()
    for path in ROOT.iterdir():
        if path.name.startswith(".") or path.name in SKIPPED or path.name.endswith(".egg-info"):
            continue
        if path.is_dir() and any(path.glob("*.py")):
            found.add(path.name)
        elif path.suffix == ".py" and path.stem.isidentifier():  # not gunicorn.conf.py
            found.add(path.stem)
    return found - set(NOT_PACKAGES)


def _named(contract: dict) -> set[str]:
    """Return every module a contract names (sources, forbidden, containers, layers...)."""
    names = set()
    for key in ("source_modules", "forbidden_modules", "modules", "containers"):
        names.update(contract.get(key, []))
    for container in contract.get("containers", [""]):
        for layer in contract.get("layers", []):
            for tail in layer.replace("|", " ").replace(":", " ").split():
                tail = tail.strip("()")  # "(name)": an optional layer
                names.add(f"{container}.{tail}" if container else tail)
    return names


def test_every_top_level_package_is_a_root_package_of_the_contracts():
    assert _top_level_code() == set(_config()["root_packages"])


def test_every_root_package_is_named_by_a_contract():
    config = _config()
    named = set().union(*(_named(contract) for contract in config["contracts"]))
    for package in config["root_packages"]:
        assert any(name == package or name.startswith(package + ".") for name in named), package


def test_every_layers_contract_is_exhaustive():
    layered = [c for c in _config()["contracts"] if c["type"] == "layers"]
    assert layered
    for contract in layered:
        assert contract.get("containers") and contract.get("exhaustive") is True, contract["name"]
