// Progressive enhancement only: every page works without this script.
import { initAll } from "/static/govuk/govuk-frontend.min.js";

initAll();

// The smallest text the map may show at its starting zoom, in CSS pixels.
const LEGIBLE_PX = 12.5;

// Pan and zoom on the career map (svg-pan-zoom, loaded by the map page), with our own
// buttons (svg-pan-zoom's built-in controls are not reachable by keyboard).
const box = document.querySelector("[data-module='app-map']");
const map = box && box.querySelector("svg");
if (map && window.svgPanZoom) {
  box.classList.add("app-map--interactive");
  map.style.overflow = "hidden"; // set here, so svg-pan-zoom need not write a style attribute
  map.setAttribute("tabindex", "-1"); // the links inside are the tab stops, not the picture
  const panZoom = window.svgPanZoom(map, {
    controlIconsEnabled: false, fit: true, center: true, minZoom: 0.5, maxZoom: 60,
    zoomScaleSensitivity: 0.3,
  });

  // Sizes are worked out in the drawing's own units (svg-pan-zoom writes its transform on
  // the next animation frame, so what the screen shows now may be stale).
  const viewport = map.querySelector(".svg-pan-zoom_viewport");
  const labels = [...map.querySelectorAll(".node text")];
  const smallestFont = Math.min(...labels.map((t) => parseFloat(t.getAttribute("font-size")) || 14));
  const legible = LEGIBLE_PX / smallestFont; // screen pixels per unit of the drawing
  const boxOf = (elements) => {
    const toViewport = viewport.getCTM().inverse();
    let left = Infinity; let top = Infinity; let right = -Infinity; let bottom = -Infinity;
    for (const element of elements) {
      const b = element.getBBox();
      const m = toViewport.multiply(element.getCTM());
      for (const [x, y] of [[b.x, b.y], [b.x + b.width, b.y + b.height]]) {
        const px = m.a * x + m.c * y + m.e; const py = m.b * x + m.d * y + m.f;
        left = Math.min(left, px); right = Math.max(right, px);
        top = Math.min(top, py); bottom = Math.max(bottom, py);
      }
    }
    return { left, top, right, bottom, width: right - left, height: bottom - top };
  };
  // Show the drawing at `scale` screen pixels per unit with (x, y) at the middle of the box,
  // moved so that no empty space shows beyond an edge of a drawing bigger than the box.
  const within = (middle, low, high, half) => (
    high - low <= 2 * half ? (low + high) / 2 : Math.min(Math.max(middle, low + half), high - half));
  const show = (scale, x, y) => {
    panZoom.zoom((scale / panZoom.getSizes().realZoom) * panZoom.getZoom());
    const sizes = panZoom.getSizes();
    const all = boxOf([map.querySelector("g.graph")]);
    const cx = within(x, all.left, all.right, sizes.width / (2 * scale));
    const cy = within(y, all.top, all.bottom, sizes.height / (2 * scale));
    panZoom.pan({ x: sizes.width / 2 - cx * scale, y: sizes.height / 2 - cy * scale });
  };
  const centreOn = (elements, scale = panZoom.getSizes().realZoom) => {
    const b = boxOf(elements);
    show(scale, b.left + b.width / 2, b.top + b.height / 2);
  };

  // The starting view: the highlighted route fitted to the box, else the whole drawing,
  // but never so small that a label is under LEGIBLE_PX. When that holds it back, the view
  // starts at the route's beginning, on the focused place, or at the top left.
  const start = () => {
    panZoom.resize();
    const { width, height } = panZoom.getSizes();
    const graph = map.querySelector("g.graph");
    const all = boxOf([graph]);
    const route = [...map.querySelectorAll(".node.highlighted")];
    const focus = box.dataset.focus && map.querySelector(`[id="${box.dataset.focus}"]`);
    const fits = (b) => 0.95 * Math.min(width / b.width, height / b.height);
    if (route.length) {
      const r = boxOf(route);
      const scale = Math.max(legible, Math.min(fits(r), 2 * legible));
      if (r.width * scale <= width && r.height * scale <= height) {
        show(scale, r.left + r.width / 2, r.top + r.height / 2);
      } else { // too big to show legibly: start at the route's first place
        centreOn([route.find((n) => n.id === box.dataset.routeStart) || route[0]], scale);
      }
    } else if (fits(all) >= legible) {
      show(fits(all), all.left + all.width / 2, all.top + all.height / 2);
    } else if (focus) {
      centreOn([focus], legible);
    } else {
      show(legible, all.left + width / (2 * legible), all.top + height / (2 * legible));
    }
  };
  start();

  const controls = document.getElementById("map-controls");
  if (controls) {
    controls.hidden = false;
    controls.addEventListener("click", (event) => {
      const button = event.target.closest("button[data-map-zoom]");
      if (!button) return;
      const action = button.dataset.mapZoom;
      if (action === "in") panZoom.zoomIn();
      else if (action === "out") panZoom.zoomOut();
      else if (action === "fit") { panZoom.resize(); panZoom.fit(); panZoom.center(); }
      else start();
    });
  }

  // A link reached by keyboard is brought into view when it is outside the box.
  map.addEventListener("focusin", (event) => {
    const link = event.target.closest("a");
    if (!link) return;
    const view = box.getBoundingClientRect();
    const r = link.getBoundingClientRect();
    if (r.left < view.left || r.right > view.right || r.top < view.top || r.bottom > view.bottom) {
      centreOn([link]);
    }
  });
  window.addEventListener("resize", () => panZoom.resize());
}
