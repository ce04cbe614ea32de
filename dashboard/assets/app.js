// Precedent dashboard: draws every chart from the option JSON the server put
// in its data-option attribute. No inline script runs anywhere; the page's
// Content-Security-Policy allows scripts from this server only.
"use strict";
(function () {
  const charts = [];
  function draw(el) {
    let option;
    try {
      option = JSON.parse(el.dataset.option);
    } catch (e) {
      el.textContent = "This chart could not be read.";
      return;
    }
    const links = option.precedentLinks || {};
    delete option.precedentLinks;
    const chart = echarts.init(el, null, { renderer: "canvas" });
    chart.setOption(option);
    chart.on("click", function (p) {
      const target = links[p.name] || (p.data && links[p.data.name]);
      if (typeof target === "string" && target.charAt(0) === "/" && target.charAt(1) !== "/") {
        window.location.assign(target);
      }
    });
    charts.push(chart);
  }
  // stack lets a table collapse to one card per row on a narrow screen
  // (app.css): each cell is labelled with its column's heading, and cells
  // of long text span the card.
  function stack(table) {
    const heads = [...table.querySelectorAll("thead th")].map(function (th) { return th.textContent.trim(); });
    if (heads.length === 0) { return; }
    table.querySelectorAll("tbody tr").forEach(function (tr) {
      [...tr.children].forEach(function (td, i) {
        if (td.hasAttribute("colspan")) { return; }
        if (heads[i]) { td.dataset.label = heads[i]; }
        if (td.textContent.trim().length > 32) { td.classList.add("wide"); }
      });
    });
    table.classList.add("stack");
  }
  function init() {
    document.querySelectorAll("main table:not(.result)").forEach(stack);
    document.querySelectorAll(".chart[data-option]").forEach(draw);
    document.querySelectorAll("form.filters select").forEach(function (s) {
      s.addEventListener("change", function () { s.form.submit(); });
    });
    document.querySelectorAll("[data-confirm]").forEach(function (f) {
      f.addEventListener("submit", function (e) {
        if (!window.confirm(f.dataset.confirm)) { e.preventDefault(); }
      });
    });
  }
  window.addEventListener("resize", function () { charts.forEach(function (c) { c.resize(); }); });
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
