// Progressive enhancement only: every page works without this script.
import { initAll } from "/static/govuk/govuk-frontend.min.js";

initAll();

// Pan and zoom on the career map (svg-pan-zoom, loaded by the map page).
const map = document.querySelector("[data-module='app-map'] svg");
if (map && window.svgPanZoom) {
  map.closest("[data-module='app-map']").classList.add("app-map--interactive");
  map.style.overflow = "hidden"; // set here, so svg-pan-zoom need not write a style attribute
  window.svgPanZoom(map, { controlIconsEnabled: true, fit: true, center: true, minZoom: 0.3, maxZoom: 8 });
}
