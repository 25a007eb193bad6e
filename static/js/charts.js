// Draws every chart container on the page from its JSON data block (see safetyportal/charts.py).
(function () {
  "use strict";
  function draw() {
    if (typeof window.echarts === "undefined") {
      return;
    }
    document.querySelectorAll("[data-echart]").forEach(function (el) {
      var source = document.getElementById(el.getAttribute("data-echart"));
      if (!source) {
        return;
      }
      // Height comes from a data attribute: inline style attributes are refused by the CSP.
      el.style.height = el.getAttribute("data-height") || "320px";
      var chart = window.echarts.init(el, null, { renderer: "svg" });
      chart.setOption(JSON.parse(source.textContent));
      window.addEventListener("resize", function () { chart.resize(); });
    });
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", draw);
  } else {
    draw();
  }
})();
