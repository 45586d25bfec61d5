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
  const panZoom = window.svgPanZoom(map, {
    controlIconsEnabled: false, fit: true, center: true, minZoom: 0.1, maxZoom: 10,
    zoomScaleSensitivity: 0.3,
  });

  // The smallest label's height on screen now, in CSS pixels.
  const smallestLabel = () => {
    let smallest = Infinity;
    for (const text of map.querySelectorAll(".node text")) {
      const size = parseFloat(text.getAttribute("font-size") || "14");
      const ctm = text.getScreenCTM();
      if (ctm) smallest = Math.min(smallest, size * Math.hypot(ctm.a, ctm.b));
    }
    return smallest;
  };
  // The box on screen around these elements.
  const around = (elements) => {
    const rects = [...elements].map((e) => e.getBoundingClientRect());
    const left = Math.min(...rects.map((r) => r.left));
    const top = Math.min(...rects.map((r) => r.top));
    const right = Math.max(...rects.map((r) => r.right));
    const bottom = Math.max(...rects.map((r) => r.bottom));
    return { left, top, width: right - left, height: bottom - top };
  };
  const centreOn = (elements) => {
    const view = map.getBoundingClientRect();
    const target = around(elements);
    panZoom.panBy({
      x: view.left + view.width / 2 - (target.left + target.width / 2),
      y: view.top + view.height / 2 - (target.top + target.height / 2),
    });
  };

  // The starting view: the highlighted route fitted to the box, else the whole picture,
  // but never so small that a label is under LEGIBLE_PX; when that holds it back, centre
  // on the route or the focused place, else start at the top left.
  const start = () => {
    panZoom.resize();
    panZoom.fit();
    panZoom.center();
    const route = map.querySelectorAll(".node.highlighted");
    const focus = box.dataset.focus && map.querySelector(`[id="${box.dataset.focus}"]`);
    if (route.length) {
      const view = map.getBoundingClientRect();
      const target = around(route);
      const scale = 0.9 * Math.min(view.width / target.width, view.height / target.height);
      panZoom.zoomBy(Math.min(scale, 2));
    }
    const smallest = smallestLabel();
    if (smallest < LEGIBLE_PX) panZoom.zoomBy(LEGIBLE_PX / smallest);
    if (route.length) centreOn(route);
    else if (focus && smallest < LEGIBLE_PX) centreOn([focus]);
    else if (smallest < LEGIBLE_PX) {
      const view = map.getBoundingClientRect();
      const all = map.querySelector("g").getBoundingClientRect();
      panZoom.panBy({ x: view.left - all.left + 8, y: view.top - all.top + 8 });
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
      else if (action === "fit") { panZoom.fit(); panZoom.center(); }
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
