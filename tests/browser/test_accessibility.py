"""Automated accessibility checks with axe-core on the app's main pages (with JavaScript on)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

pytestmark = pytest.mark.browser

AXE = Path(__file__).resolve().parents[2] / "webapp" / "static" / "vendor" / "axe.min.js"
BLOCKING = {"serious", "critical"}

PAGES = {
    "start": ("/", 200),
    "map": ("/map", 200),
    "role": ("/roles/care-worker", 200),
    "qualification": ("/qualifications/sw-apprenticeship", 200),
    "routes": ("/routes?from=care-worker&to=social-worker", 200),
    "reach": ("/reach?from=care-worker", 200),
    "compare": ("/compare?roles=care-worker,social-worker&from=volunteer", 200),
    "routes-error": ("/routes?from=nobody&to=social-worker", 400),
    "passport-verify": ("/passport/verify?credential=not.a.credential", 200),
    "not-found": ("/no-such-page", 404),
}


def describe(violations: list[dict]) -> str:
    lines = []
    for v in violations:
        lines.append(f"- {v['id']} ({v['impact']}): {v['help']} <{v['helpUrl']}>")
        for node in v["nodes"]:
            lines.append(f"    {json.dumps(node['target'])}: {node['html'][:160]}")
    return "\n".join(lines)


@pytest.fixture(scope="module")
def axe_source():
    if not AXE.is_file():
        pytest.fail(f"{AXE} is missing: run `make install` (it copies node_modules/axe-core)")
    return AXE.read_text(encoding="utf-8")


def run_axe(page, source: str) -> list[dict]:
    # The app's CSP (script-src 'self' 'nonce-...') blocks the inline <script> that
    # add_script_tag(path=...) would insert; code evaluated over the DevTools protocol is not
    # subject to the page's CSP, so axe is evaluated directly.
    page.evaluate("source => { (0, eval)(source); }", source)
    return page.evaluate("async () => (await axe.run(document)).violations")


@pytest.mark.parametrize("name", PAGES)
def test_no_serious_accessibility_violations(page, screenshot, axe_source, name):
    path, status = PAGES[name]
    response = page.goto(path)
    assert response.status == status, f"{path} answered {response.status}"
    page.wait_for_load_state()
    screenshot(page, name)
    violations = run_axe(page, axe_source)
    blocking = [v for v in violations if v["impact"] in BLOCKING]
    assert not blocking, (f"axe-core found serious or critical violations on {path}:\n"
                          f"{describe(blocking)}\n\nAll violations:\n{describe(violations)}")
