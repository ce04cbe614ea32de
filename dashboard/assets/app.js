// Precedent dashboard: draws every chart from the option JSON the server put
// in its data-option attribute. No inline script runs anywhere; the page's
// Content-Security-Policy allows scripts from this server only.
"use strict";
(function () {
  const charts = [];
  // Units: the server marks axes and series with precedentUnit ("usd",
  // "pct", "pts", "days", "count", or a list [x, y] for scatter points);
  // formatters are functions, which JSON cannot carry, so they are set here.
  function short(v) {
    return String(Math.round(v * 10) / 10);
  }
  function money(v) {
    const a = Math.abs(v), s = v < 0 ? "-" : "";
    if (a >= 1e9) { return s + "$" + short(a / 1e9) + "B"; }
    if (a >= 1e6) { return s + "$" + short(a / 1e6) + "M"; }
    if (a >= 1e3) { return s + "$" + short(a / 1e3) + "k"; }
    return s + "$" + Math.round(a);
  }
  const formats = {
    usd: money,
    pct: function (v) { return short(v) + "%"; },
    pts: function (v) { return (v > 0 ? "+" : "") + short(v) + " pts"; },
    days: function (v) { return Math.round(v).toLocaleString("en-US") + " days"; },
    count: function (v) { return Math.round(v).toLocaleString("en-US"); }
  };
  function formatter(unit) {
    if (Array.isArray(unit)) {
      const parts = unit.map(formatter);
      return function (v) {
        if (!Array.isArray(v)) { return parts[parts.length - 1](v); }
        return "(" + v.map(function (x, i) { return (parts[i] || String)(x); }).join(", ") + ")";
      };
    }
    const f = formats[unit];
    return f ? function (v) { return typeof v === "number" ? f(v) : v; } : String;
  }
  function applyUnits(option) {
    ["xAxis", "yAxis"].forEach(function (k) {
      [].concat(option[k] || []).forEach(function (a) {
        if (a.precedentUnit) {
          a.axisLabel = Object.assign({}, a.axisLabel, { formatter: formatter(a.precedentUnit) });
        }
      });
    });
    [].concat(option.series || []).forEach(function (s) {
      if (s.precedentUnit) {
        s.tooltip = Object.assign({}, s.tooltip, { valueFormatter: formatter(s.precedentUnit) });
      }
    });
  }
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
    applyUnits(option);
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
