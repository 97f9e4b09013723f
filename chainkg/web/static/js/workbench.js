/* 产业链招商工作台: the little behaviour the pages need. No inline scripts anywhere: data reaches this
 * file through <script type="application/json"> blocks and data-* attributes. */
(function () {
  "use strict";

  var charts = {};
  window.chainkg = { charts: charts };

  function readJSON(id) {
    var node = document.getElementById(id);
    return node ? JSON.parse(node.textContent) : null;
  }

  /* --- scope selector and other auto-submitting selects --------------------------------------- */
  function autosubmit(root) {
    root.querySelectorAll("select[data-autosubmit]").forEach(function (select) {
      select.addEventListener("change", function () { select.form.submit(); });
    });
  }

  /* --- type-ahead search: arrow keys, Enter, Escape, click outside ---------------------------- */
  function typeahead() {
    var input = document.getElementById("search-text");
    var box = document.getElementById("suggest");
    if (!input || !box) return;
    var index = -1;
    function items() { return Array.prototype.slice.call(box.querySelectorAll("a")); }
    function mark() {
      items().forEach(function (a, i) { a.classList.toggle("active", i === index); });
    }
    input.addEventListener("keydown", function (event) {
      var list = items();
      if (event.key === "ArrowDown" && list.length) { index = (index + 1) % list.length; mark(); event.preventDefault(); }
      else if (event.key === "ArrowUp" && list.length) { index = (index - 1 + list.length) % list.length; mark(); event.preventDefault(); }
      else if (event.key === "Enter" && index >= 0 && list[index]) { window.location.href = list[index].href; event.preventDefault(); }
      else if (event.key === "Escape") { box.innerHTML = ""; index = -1; }
    });
    document.addEventListener("htmx:afterSwap", function (event) { if (event.target === box) { index = -1; } });
    document.addEventListener("click", function (event) {
      if (!box.contains(event.target) && event.target !== input) { box.innerHTML = ""; index = -1; }
    });
  }

  /* --- charts (ECharts, vendored) -------------------------------------------------------------- */
  var builders = {};

  /* The attraction map: county polygons (GeoJSON served with the package) shaded by the measure,
   * parks and functional zones as points; clicking either opens its page. */
  builders.map = function (data, el, chart) {
    var max = Math.max.apply(null, data.areas.map(function (a) { return a.value; }).concat([1]));
    var pointMax = Math.max.apply(null, data.points.map(function (p) { return p.value; }).concat([1]));
    function tip(d) {
      if (!d) return "";
      var lines = ["<b>" + escapeHTML(d.name) + "</b>" + (d.kind ? "（" + d.kind + "）" : "")];
      if (d.missing) { lines.push("图谱中无此区县"); return lines.join("<br>"); }
      lines.push("本地企业：" + d.enterprises + " 家", "项目：" + d.projects + " 个", "总投资：" + escapeHTML(d.investment));
      if (d.approximate) lines.push("<span style='color:#999'>位置为近似值</span>");
      return lines.join("<br>");
    }
    return {
      animation: false,
      tooltip: { trigger: "item", formatter: function (p) { return tip(p.data); } },
      visualMap: { type: "continuous", min: 0, max: max, seriesIndex: 0, left: 12, bottom: 12, calculable: false,
        text: [data.label + " 高", "低"], inRange: { color: ["#eef3f9", "#9cc0e6", "#2f6db5", "#12325a"] } },
      geo: { map: "city", roam: true, selectedMode: false, layoutCenter: ["52%", "50%"], layoutSize: "96%",
        label: { show: true, fontSize: 12, color: "#1f2933", textBorderColor: "#ffffff", textBorderWidth: 2 },
        itemStyle: { areaColor: "#eef3f9", borderColor: "#ffffff", borderWidth: 1.2 },
        emphasis: { label: { show: true, fontWeight: "bold" }, itemStyle: { areaColor: "#f6c667" } } },
      series: [
        { type: "map", name: data.label, geoIndex: 0,
          data: data.areas.map(function (a) { return Object.assign({}, a, { value: a.value }); }) },
        { type: "scatter", name: "园区与功能区", coordinateSystem: "geo", zlevel: 1,
          symbolSize: function (v) { return 8 + 14 * Math.sqrt((v[2] || 0) / pointMax); },
          itemStyle: { color: function (p) { return p.data.kind === "功能区" ? "#c0392b" : "#e67e22"; }, borderColor: "#fff", borderWidth: 1, opacity: 0.9 },
          label: { show: false },
          emphasis: { label: { show: true, formatter: "{b}", position: "right", backgroundColor: "#fff", padding: 2 } },
          data: data.points.map(function (p) { return Object.assign({}, p, { value: [p.lon, p.lat, p.value] }); }) }
      ]
    };
  };
  builders.map.needs = function (data) {
    return fetch(data.geojson).then(function (r) { return r.json(); }).then(function (geo) { window.echarts.registerMap("city", geo); });
  };
  builders.map.after = function (chart, data, el) {
    chart.on("click", function (p) { if (p.data && p.data.url) window.location.href = p.data.url; });
    if (data.selected) chart.dispatchAction({ type: "highlight", seriesIndex: 0, name: data.selected });
  };

  function escapeHTML(text) {
    return String(text).replace(/[&<>"']/g, function (c) { return { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&#39;" }[c]; });
  }

  function initCharts(root) {
    if (typeof window.echarts === "undefined") return;
    root.querySelectorAll("[data-chart]").forEach(function (el) {
      var kind = el.getAttribute("data-chart");
      if (!builders[kind] || charts[el.id]) return;
      if (el.dataset.height) el.style.height = el.dataset.height + "px";
      var data = readJSON(el.getAttribute("data-source"));
      charts[el.id] = "pending";
      var ready = builders[kind].needs ? builders[kind].needs(data) : Promise.resolve();
      ready.then(function () {
        var chart = window.echarts.init(el, null, { renderer: "canvas" });
        chart.on("finished", function () { el.setAttribute("data-drawn", "1"); });
        chart.setOption(builders[kind](data, el, chart));
        charts[el.id] = chart;
        if (builders[kind].after) builders[kind].after(chart, data, el);
      });
    });
  }
  window.chainkg.builders = builders;
  window.chainkg.readJSON = readJSON;

  window.addEventListener("resize", function () {
    Object.keys(charts).forEach(function (id) { if (charts[id].resize) charts[id].resize(); });
    drawPanorama();
  });

  /* --- chain panorama: FEEDS links between segment cards, highlighted on hover ------------------ */
  var panorama = null;

  function drawPanorama() {
    if (!panorama) return;
    var svg = panorama.svg, box = panorama.el.getBoundingClientRect();
    while (svg.firstChild) svg.removeChild(svg.firstChild);
    panorama.paths = [];
    panorama.feeds.forEach(function (pair) {
      var a = panorama.cards[pair[0]], b = panorama.cards[pair[1]];
      if (!a || !b) return;
      var ra = a.getBoundingClientRect(), rb = b.getBoundingClientRect();
      var x1, x2, y1 = ra.top + ra.height / 2 - box.top, y2 = rb.top + rb.height / 2 - box.top;
      if (rb.left > ra.right) { x1 = ra.right - box.left; x2 = rb.left - box.left; }
      else if (ra.left > rb.right) { x1 = ra.left - box.left; x2 = rb.right - box.left; }
      else { x1 = ra.left - box.left + 4; x2 = rb.left - box.left + 4; }
      var bend = Math.max(24, Math.abs(x2 - x1) / 2);
      if (x1 === x2 - 0 || Math.abs(x2 - x1) < 10) { bend = 28; }
      var d = ["M", x1, y1, "C", x1 + (x2 >= x1 ? bend : -bend), y1, x2 - (x2 >= x1 ? bend : -bend), y2, x2, y2].join(" ");
      if (Math.abs(x2 - x1) < 10) { d = ["M", x1, y1, "C", x1 - bend, y1, x2 - bend, y2, x2, y2].join(" "); }
      var path = document.createElementNS("http://www.w3.org/2000/svg", "path");
      path.setAttribute("d", d);
      path.setAttribute("data-from", pair[0]);
      path.setAttribute("data-to", pair[1]);
      svg.appendChild(path);
      panorama.paths.push(path);
    });
  }

  function highlight(segment) {
    var el = panorama.el;
    el.classList.toggle("hovering", !!segment);
    Object.keys(panorama.cards).forEach(function (id) {
      panorama.cards[id].classList.remove("lit", "supplier", "customer", "focus");
    });
    panorama.paths.forEach(function (path) { path.classList.remove("hot", "cold"); });
    if (!segment) return;
    panorama.cards[segment].classList.add("lit", "focus");
    panorama.paths.forEach(function (path) {
      var from = path.getAttribute("data-from"), to = path.getAttribute("data-to");
      if (from === segment) { path.classList.add("hot"); panorama.cards[to].classList.add("lit", "customer"); }
      else if (to === segment) { path.classList.add("hot"); panorama.cards[from].classList.add("lit", "supplier"); }
      else { path.classList.add("cold"); }
    });
  }

  function initPanorama() {
    var el = document.getElementById("panorama");
    if (!el) return;
    var cards = {};
    el.querySelectorAll("[data-seg]").forEach(function (card) { cards[card.getAttribute("data-seg")] = card; });
    panorama = { el: el, svg: el.querySelector("svg.links"), cards: cards, feeds: readJSON(el.getAttribute("data-feeds")) || [], paths: [] };
    drawPanorama();
    Object.keys(cards).forEach(function (id) {
      cards[id].addEventListener("mouseenter", function () { highlight(id); });
      cards[id].addEventListener("focus", function () { highlight(id); });
      cards[id].addEventListener("mouseleave", function () { highlight(null); });
      cards[id].addEventListener("blur", function () { highlight(null); });
    });
    el.setAttribute("data-drawn", String(panorama.paths.length));
  }

  function init(root) {
    autosubmit(root);
    initCharts(root);
  }

  document.addEventListener("DOMContentLoaded", function () {
    init(document);
    typeahead();
    initPanorama();
    document.body.setAttribute("data-ready", "1");
  });
  document.addEventListener("htmx:afterSettle", function (event) { init(event.target); });
})();
