"""Issue 12 in a real Chromium: a map people can read, by keyboard too, and pages that fit a phone.

The server holds the seed pathway and the demo partnership (``seed.demo.load_demo``), so the
map is the real one (89 places) and every demo account can sign in.

- At 1280 px every label on the map measures at least 12 px at the starting zoom: the
  default focused view, the whole map, a highlighted route and a filtered map (the rendered
  text boxes are measured).
- The zoom buttons are buttons in the tab order and work from the keyboard.
- A route is planned and opened on the map by keyboard alone; the link's focus is visible,
  and focus on a place on the map is a thick black outline on yellow, unlike the route's
  black border.
- At 375 px no page scrolls sideways: every page the menus lead to, and the pages those
  link to, for someone not signed in and each demo account. The map fits the screen with
  legible labels and pans.
- axe-core finds no serious or critical violation on the map's views and the planner, at
  both widths.
- Without JavaScript the map is legible at its natural size in a box that scrolls, and the
  zoom buttons stay hidden.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import expect

import seed
import seed.demo
from tests.browser import journeys
from tests.browser.journeys import accessible, axe_script, settled
from tests.browser.live import serving

pytestmark = pytest.mark.browser

#: The demo's accounts (seed/demo/accounts.csv).
ACCOUNTS = ("staff@northshire.example", "manager@northshire.example",
            "champion@northshire.example", "lnd@northshire.example",
            "admin@northshire.example")
ROUTE = ("care-worker", "social-work-degree-university", "newly-qualified-social-worker",
         "asye", "social-worker")
MAP_VIEWS = {
    "default": "/map",
    "whole": "/map?view=all",
    "route": "/map?path=" + ",".join(ROUTE),
    "route-on-whole-map": "/map?view=all&path=" + ",".join(ROUTE),
    "family": "/map?family=social_work",
    "three-steps": "/map?focus=senior-care-worker&steps=3",
}
#: Pages a walk does not open: sign-out, downloads and the JSON API.
NOT_WALKED = re.compile(r"^/(logout|api/)|\.(csv|xlsx|json|svg)$|/download")

LABEL_SIZES = """() => [...document.querySelectorAll('#career-map .node text')].map(t => {
  const box = t.getBoundingClientRect();
  return {text: t.textContent, height: box.height};
})"""
SIDEWAYS = """() => ({page: document.documentElement.scrollWidth,
  screen: document.documentElement.clientWidth,
  widest: [...document.querySelectorAll('body *')]
    .filter(e => e.getBoundingClientRect().right > document.documentElement.clientWidth + 1
                 && !e.closest('.app-table-wrapper, .app-map'))
    .slice(0, 3).map(e => e.outerHTML.slice(0, 120))})"""


@pytest.fixture(scope="module")
def demo_server(demo_copy, browser):
    with serving(demo_copy("map")) as (url, _app):
        yield url


@pytest.fixture(scope="module")
def wide(browser, demo_server):
    """One page at 1280 x 900, reused by the module's tests."""
    page = journeys.new_page(browser, demo_server)
    yield page
    page.context.close()


@pytest.fixture(scope="module")
def narrow(browser, demo_server):
    """One page at 375 x 812 (a phone), reused by the module's tests."""
    context = browser.new_context(base_url=demo_server, viewport={"width": 375, "height": 812},
                                  is_mobile=True, has_touch=True)
    context.set_default_timeout(10_000)
    page = context.new_page()
    page.errors = []
    page.on("console", lambda m: page.errors.append(f"{m.type}: {m.text}")
            if m.type == "error" else None)
    page.on("pageerror", lambda e: page.errors.append(f"uncaught: {e}"))
    yield page
    context.close()


@pytest.fixture(scope="module")
def axe_source():
    return axe_script()


def open_page(page, path: str, status: int = 200) -> None:
    response = page.goto(path)
    assert response.status == status, f"{path} answered {response.status}"
    settled(page, path)


def label_heights(page) -> list[dict]:
    labels = page.evaluate(LABEL_SIZES)
    assert labels, "the map shows no labels"
    return labels


def smallest_label(page) -> float:
    return min(label["height"] for label in label_heights(page))


def assert_legible(page, where: str) -> None:
    small = [label for label in label_heights(page) if label["height"] < 12]
    assert not small, f"labels under 12 px on {where}: {small[:5]}"


def assert_no_sideways_scroll(page, where: str, sizes: dict | None = None) -> None:
    """The page (or ``sizes``, ``SIDEWAYS`` measured already) is no wider than the screen."""
    sizes = sizes or page.evaluate(SIDEWAYS)
    assert sizes["page"] <= sizes["screen"], (
        f"{where} scrolls sideways at 375 px ({sizes['page']} > {sizes['screen']} px); "
        f"too wide: {sizes['widest']}")


def focused(page) -> dict:
    return page.evaluate("""() => {
      const e = document.activeElement;
      return {tag: e.tagName.toLowerCase(), text: (e.textContent || e.value || '').trim(),
              id: e.id, inMap: !!e.closest('#career-map')};
    }""")


def drawn(page) -> None:
    """Wait until svg-pan-zoom has drawn a zoom or pan: it draws on the next animation frame,
    so two frames on (a fixed 150 ms was sometimes too short on a loaded machine)."""
    page.evaluate("() => new Promise(done => requestAnimationFrame("
                  "() => requestAnimationFrame(done)))")


def tab_to(page, matches, limit: int = 120) -> dict:
    """Press Tab until the focused element satisfies ``matches``; return it."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        now = focused(page)
        if matches(now):
            return now
    pytest.fail(f"Tab never reached the element on {page.url}")


# At 1280 px -----------------------------------------------------------------------------


@pytest.mark.parametrize("view", MAP_VIEWS)
def test_every_label_is_at_least_12px_at_1280(wide, view):
    open_page(wide, MAP_VIEWS[view])
    assert_legible(wide, MAP_VIEWS[view])
    expect(wide.locator("#map-controls")).to_be_visible()


def test_a_highlighted_route_is_zoomed_to_fit(wide):
    open_page(wide, MAP_VIEWS["route"])
    box = wide.locator("#career-map").bounding_box()
    for node in ROUTE:
        shape = wide.locator(f'#career-map [id="node-{node}"]').bounding_box()
        assert box["x"] <= shape["x"] and shape["x"] + shape["width"] <= box["x"] + box["width"]
        assert box["y"] <= shape["y"] and shape["y"] + shape["height"] <= box["y"] + box["height"]


def test_zoom_buttons_are_in_the_tab_order_and_work(wide):
    open_page(wide, "/map")
    before = smallest_label(wide)
    tab_to(wide, lambda e: e["tag"] == "button" and e["text"] == "Zoom in")
    wide.keyboard.press("Enter")
    drawn(wide)
    bigger = smallest_label(wide)
    assert bigger > before * 1.1
    wide.keyboard.press("Tab")
    assert focused(wide)["text"] == "Zoom out"
    wide.keyboard.press("Space")
    wide.keyboard.press("Space")
    drawn(wide)
    assert smallest_label(wide) < bigger
    wide.keyboard.press("Tab")
    assert focused(wide)["text"] == "Back to the start"
    wide.keyboard.press("Enter")
    drawn(wide)
    assert abs(smallest_label(wide) - before) < 0.5


def test_the_skip_link_jumps_past_the_map(wide):
    open_page(wide, "/map")
    tab_to(wide, lambda e: e["id"] == "skip-map")
    wide.keyboard.press("Enter")
    expect(wide).to_have_url(re.compile(r"#text-version$"))
    assert wide.evaluate("document.getElementById('text-version').getBoundingClientRect().top"
                         ) < 100


def test_the_map_is_a_named_group_of_links(wide):
    open_page(wide, "/map")
    group = wide.get_by_role("group", name=re.compile(r"^Career map"))
    expect(group).to_have_count(1)
    links = group.get_by_role("link")
    assert links.count() > 20
    expect(links.filter(has_text="Care worker").first).to_be_attached()


def test_plan_a_route_and_open_it_on_the_map_by_keyboard(wide):
    open_page(wide, "/routes")
    tab_to(wide, lambda e: e["id"] == "from")
    wide.keyboard.type("Care worker")
    tab_to(wide, lambda e: e["id"] == "to")
    wide.keyboard.type("Social worker")
    with wide.expect_navigation():
        wide.keyboard.press("Enter")  # submits the form
    wide.wait_for_load_state()
    settled(wide)
    expect(wide.locator("#route-1")).to_be_visible()
    link = tab_to(wide, lambda e: e["tag"] == "a" and re.search(r"on the (career )?map", e["text"])
                  is not None)
    assert "1" in link["text"]
    look = wide.evaluate("""() => { const s = getComputedStyle(document.activeElement);
      return {background: s.backgroundColor, shadow: s.boxShadow, outline: s.outlineStyle}; }""")
    assert look["background"] == "rgb(255, 221, 0)" and look["shadow"] != "none", look
    with wide.expect_navigation():
        wide.keyboard.press("Enter")
    wide.wait_for_load_state()
    settled(wide)
    assert urlsplit(wide.url).path == "/map"
    route = [e.get_attribute("id") for e in wide.locator("#career-map .node.highlighted").all()]
    assert len(route) >= 3 and "node-social-worker" in route
    assert_legible(wide, wide.url)
    # Into the map by keyboard: a place's focus is a thick black outline on yellow.
    tab_to(wide, lambda e: e["inMap"])
    ring = wide.evaluate("""() => {
      const shape = document.activeElement.querySelector('path, polygon');
      const s = getComputedStyle(shape);
      const scale = shape.getScreenCTM().a;
      return {fill: s.fill, stroke: s.stroke, width: parseFloat(s.strokeWidth) * scale};
    }""")
    assert ring["fill"] == "rgb(255, 221, 0)" and ring["stroke"] == "rgb(11, 12, 12)", ring
    assert ring["width"] >= 5, ring
    route_border = wide.evaluate("""() => {
      const shape = document.querySelector('#career-map .node.highlighted path, '
        + '#career-map .node.highlighted polygon');
      return parseFloat(shape.getAttribute('stroke-width')) * shape.getScreenCTM().a;
    }""")
    assert ring["width"] > route_border + 1  # thicker than the route's border, and yellow


@pytest.mark.parametrize("path", [
    "/map", MAP_VIEWS["route"], "/routes?from=care-worker&to=social-worker"])
def test_no_accessibility_violations_at_1280(wide, axe_source, path):
    open_page(wide, path)
    accessible(wide, axe_source, path)


# At 375 px ------------------------------------------------------------------------------


@pytest.mark.parametrize("view", ["default", "route", "whole"])
def test_the_map_fits_a_phone_legibly_and_pans(narrow, axe_source, view):
    open_page(narrow, MAP_VIEWS[view])
    assert_no_sideways_scroll(narrow, MAP_VIEWS[view])
    box = narrow.locator("#career-map").bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= 375
    assert_legible(narrow, MAP_VIEWS[view])
    # The filters are folded away: the map starts within the first two screens.
    assert box["y"] < 812 * 1.5
    # Dragging moves the drawing inside its box.
    viewport = narrow.locator("#career-map .svg-pan-zoom_viewport")
    before = viewport.get_attribute("transform")
    narrow.locator("#career-map").scroll_into_view_if_needed()
    box = narrow.locator("#career-map").bounding_box()
    centre = (box["x"] + box["width"] / 2, box["y"] + min(box["height"], 400) / 2)
    narrow.mouse.move(*centre)
    narrow.mouse.down()
    narrow.mouse.move(centre[0] - 120, centre[1] - 60, steps=5)
    narrow.mouse.up()
    drawn(narrow)
    assert viewport.get_attribute("transform") != before
    accessible(narrow, axe_source, MAP_VIEWS[view])


def test_the_planners_small_maps_show_the_whole_route(narrow):
    open_page(narrow, "/routes?from=care-worker&to=social-worker")
    maps = narrow.locator(".app-map--small")
    assert maps.count() >= 1
    for index in range(maps.count()):
        box = maps.nth(index).bounding_box()
        drawing = maps.nth(index).locator("svg").bounding_box()
        assert drawing["width"] <= box["width"] + 1 and drawing["height"] <= box["height"] + 1
        assert box["x"] >= 0 and box["x"] + box["width"] <= 375
    assert_no_sideways_scroll(narrow, narrow.url)


def _links_js(scope: str) -> str:
    """JavaScript giving the same-site links (``/...``) within ``scope``, a CSS selector."""
    return f"""[...document.querySelectorAll({scope!r})]
        .map(a => a.getAttribute('href')).filter(h => h && h.startsWith('/'))"""


def _paths(hrefs: list[str]) -> list[str]:
    """The links' paths without their fragments (a link to a fragment alone is dropped)."""
    return [h.split("#")[0] for h in hrefs if h.split("#")[0]]


def _same_site_links(page, scope: str) -> list[str]:
    return _paths(page.evaluate(f"() => {_links_js(scope)}"))


#: A walked page's sizes (``SIDEWAYS``) and the links of its main content, in one evaluation.
SIDEWAYS_AND_LINKS = f"() => ({{sizes: ({SIDEWAYS})(), links: {_links_js('main a')}}})"


#: Public pages that look the same to everyone but for the header: walked once in all.
PUBLIC = re.compile(r"^/(roles|qualifications|compare|reach|routes|search|stories/\*)")


def _shape(path: str) -> str:
    """A page's kind: its path with ids of records and places made alike (``/roles/*``)."""
    parts = urlsplit(path).path.split("/")
    named = ("roles", "qualifications", "nodes")  # followed by a place's id
    return "/".join("*" if i > 1 and (re.search(r"[\d-]", part) or parts[i - 1] in named)
                    else part for i, part in enumerate(parts))


def walk(page, where: str, seen: set[str], depth: int = 3) -> list[str]:
    """Open every menu page and each kind of page within ``depth`` links of them.

    Pages of one kind (``/cohorts/1``, ``/cohorts/2``) are opened once, and public pages
    once whoever walks (``seen`` holds the public kinds opened already); return the paths.
    """
    menu = list(dict.fromkeys(_same_site_links(page, "nav a")))
    mine: set[str] = set()
    level, opened = menu, []
    for _ in range(depth):
        found: list[str] = []
        for path in level:
            shape = _shape(path)
            if NOT_WALKED.search(urlsplit(path).path) or shape in mine or (
                    PUBLIC.match(shape) and shape in seen and path not in menu):
                continue
            mine.add(shape)
            if PUBLIC.match(shape):
                seen.add(shape)
            response = page.goto(path)  # waits for the load event: styles and scripts ran
            if response is None or response.status >= 400 or "html" not in (
                    response.headers.get("content-type") or ""):
                continue
            page.errors[:] = []
            opened.append(path)
            seen_here = page.evaluate(SIDEWAYS_AND_LINKS)  # one round trip a page
            assert_no_sideways_scroll(page, f"{path} ({where})", seen_here["sizes"])
            found.extend(_paths(seen_here["links"]))
        level = list(dict.fromkeys(found))
    return opened


@pytest.fixture(scope="module")
def public_pages_seen() -> set[str]:
    return set()


@pytest.mark.parametrize("account", [None, *ACCOUNTS])
def test_no_page_scrolls_sideways_at_375(narrow, public_pages_seen, account):
    narrow.context.clear_cookies()
    if account:
        journeys.sign_in(narrow, account, seed.demo.DEMO_PASSWORD)
    else:
        open_page(narrow, "/")
    opened = walk(narrow, account or "not signed in", public_pages_seen)
    print(f"{account}: {len(opened)} pages: {' '.join(opened)}")
    assert len(opened) >= 5, opened


@pytest.mark.parametrize("width", [1280, 375])
def test_without_javascript_the_map_is_legible_in_a_box_that_scrolls(browser, demo_server,
                                                                     width):
    context = browser.new_context(base_url=demo_server, java_script_enabled=False,
                                  viewport={"width": width, "height": 900})
    page = context.new_page()
    try:
        for path in ("/map", MAP_VIEWS["route"]):
            assert page.goto(path).status == 200
            assert_legible(page, f"{path} without JavaScript")
            assert_no_sideways_scroll(page, f"{path} without JavaScript")
            assert page.evaluate("getComputedStyle(document.getElementById('career-map'))"
                                 ".overflowX") == "auto"
            expect(page.locator("#map-controls")).to_be_hidden()  # no buttons that do nothing
    finally:
        context.close()
