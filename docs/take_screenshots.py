"""Take the README's screenshots of the demo partnership (run by hand after UI changes).

    PATHWAYS_BROWSER_TESTS=1 make install   # once: Chromium
    .venv/bin/python docs/take_screenshots.py [--map-only]

Serves the app on a new SQLite database holding the pathway and the demo, takes the career
map (1280 pixels wide, and 375 like a phone), signs in as the demo's L&D lead and saves
1280-pixel-wide shots into ``docs/screenshots/``.
"""

from __future__ import annotations

import re
import sys
import tempfile
from pathlib import Path

from playwright.sync_api import sync_playwright

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from seed import demo, load_pathway  # noqa: E402
from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS  # noqa: E402
from tests.browser.live import serving  # noqa: E402

SHOTS = ROOT / "docs" / "screenshots"
#: (file name, page height in pixels, what to open after signing in)
#: (a height of 0 takes the whole page)
PAGES = [("cohort-dashboard.png", 0, "cohort"), ("apprenticeship.png", 1500, "apprentice"),
         ("champions.png", 1100, "champions")]


#: (file name, viewport width and height, address): the map, before signing in.
MAP_SHOTS = [
    ("map.png", 1280, 1250, "/map"),
    ("map-route.png", 1280, 1250, "/map?path=care-worker,social-work-degree-university,"
     "newly-qualified-social-worker,asye,social-worker"),
    ("map-phone.png", 375, 1400, "/map"),
]


def map_shots(browser, url: str) -> None:
    """Save the map's shots (the default view, a route, the default view on a phone) and the
    planner's."""
    for name, width, height, address in MAP_SHOTS:
        page = browser.new_page(base_url=url, viewport={"width": width, "height": height},
                                is_mobile=width < 400, has_touch=width < 400)
        page.goto(address)
        page.wait_for_load_state("networkidle")
        page.screenshot(path=str(SHOTS / name))
        print(f"saved {SHOTS / name}")
        page.close()
    # The planner: care worker to social worker, the first route's first step opened.
    page = browser.new_page(base_url=url, viewport={"width": 1280, "height": 1700})
    page.goto("/routes?from=Care+worker&to=Social+worker")
    page.locator("#route-1 details summary").first.click()
    page.wait_for_load_state("networkidle")
    page.screenshot(path=str(SHOTS / "route.png"))
    print(f"saved {SHOTS / 'route.png'}")
    page.close()


def populate(session) -> None:
    load_pathway(session)
    demo.load_demo(session)


def main() -> None:
    with tempfile.TemporaryDirectory() as folder, \
            serving(Path(folder) / "demo.sqlite3", populate) as (url, _app), \
            sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        map_shots(browser, url)
        if "--map-only" in sys.argv:
            browser.close()
            return
        page = browser.new_page(base_url=url, viewport={"width": 1280, "height": 900})
        page.goto("/login")
        page.locator('input[name="email"]').fill("lnd@northshire.example")
        page.locator('input[name="password"]').fill(demo.DEMO_PASSWORD)
        page.locator('form:has(input[name="password"]) [type="submit"]').click()
        page.wait_for_load_state("networkidle")
        page.goto("/cohorts")
        page.get_by_role("link", name=re.compile("^Social work degree apprenticeship 2025")
                         ).first.click()
        cohort_url = page.url
        for name, height, what in PAGES:
            if what == "cohort":
                page.goto(cohort_url)
            elif what == "apprentice":
                page.goto(cohort_url)
                page.locator("#apprentice-table a").first.click()
            else:
                page.goto("/logout")
                page.goto("/login")
                page.locator('input[name="email"]').fill("staff@northshire.example")
                page.locator('input[name="password"]').fill(demo.DEMO_PASSWORD)
                page.locator('form:has(input[name="password"]) [type="submit"]').click()
                page.wait_for_load_state("networkidle")
                if page.goto("/champions").status != 200:
                    continue
            page.wait_for_load_state("networkidle")
            page.set_viewport_size({"width": 1280, "height": height or 900})
            page.screenshot(path=str(SHOTS / name), full_page=height == 0)
            print(f"saved {SHOTS / name}")
        browser.close()


if __name__ == "__main__":
    main()
