/* 综治一张图: fetches /api/v1/screen/ every minute and /api/v1/screen/feed/ every ten seconds; draws the charts
   (ECharts), the map of the region's children and the heat cells (Leaflet, our own outlines, tiles only when the
   deployment names a tile server); rotates the map's views; pops up what turned red. Text from the data is always
   set as text, never as HTML. */
(function () {
  "use strict";
  var json = function (id) { return JSON.parse(document.getElementById(id).textContent); };
  var region = json("screen-region"), rotateSeconds = json("screen-rotate"), tiles = json("screen-tiles");
  var urls = json("screen-urls");
  var $ = function (id) { return document.getElementById(id); };
  var pct = function (v) { return v === null || v === undefined ? "-" : (v * 100).toFixed(1) + "%"; };
  var text = function (id, v) { $(id).textContent = v === null || v === undefined ? "-" : v; };
  var el = function (tag, cls, content) {
    var e = document.createElement(tag);
    if (cls) { e.className = cls; }
    if (content !== undefined) { e.textContent = content; }
    return e;
  };
  var AXIS = {axisLine: {lineStyle: {color: "#4d6d9c"}}, axisLabel: {color: "#9fb6db"}, splitLine: {lineStyle: {color: "rgba(77,109,156,.25)"}}};
  var charts = {};
  function chart(id) {
    if (!charts[id]) { charts[id] = echarts.init($(id), null, {renderer: "canvas"}); }
    return charts[id];
  }
  window.addEventListener("resize", function () { Object.keys(charts).forEach(function (k) { charts[k].resize(); }); });

  function clock() {
    var d = new Date();
    var two = function (n) { return (n < 10 ? "0" : "") + n; };
    $("clock").textContent = d.getFullYear() + "年" + (d.getMonth() + 1) + "月" + d.getDate() + "日 " +
      two(d.getHours()) + ":" + two(d.getMinutes()) + ":" + two(d.getSeconds());
  }
  setInterval(clock, 1000); clock();

  // ---- the map: children outlines coloured by their red lights, or the heat cells
  var map = L.map("map", {zoomControl: false, attributionControl: true, preferCanvas: true, zoomSnap: 0.1});
  map.attributionControl.setPrefix("gridgov 网格数据");
  if (tiles) { L.tileLayer(tiles, {maxZoom: 19, opacity: 0.5}).addTo(map); }
  var outlines = null, heatLayer = null, view = "regions", last = null, shapes = null;

  function regionColour(c) {
    if (!c) { return "#1f4f9a"; }
    if (c.red > 0) { return "#d9363e"; }
    if (c.open > 0) { return "#c98a12"; }
    return "#1f8f5f";
  }
  function drawRegions() {
    if (outlines) { map.removeLayer(outlines); outlines = null; }
    if (!shapes) { return; }
    var byCode = {};
    (last ? last.children : []).forEach(function (c) { byCode[c.code] = c; });
    outlines = L.geoJSON(shapes, {
      style: function (f) {
        var c = byCode[f.properties.code];
        return {color: "#6fb6ff", weight: 1.5, fillColor: regionColour(c), fillOpacity: view === "regions" ? 0.45 : 0.05};
      },
      onEachFeature: function (f, layer) {
        var c = byCode[f.properties.code];
        var label = f.properties.name + (c ? "  在办 " + c.open + (c.red ? " / 红灯 " + c.red : "") : "");
        layer.bindTooltip(label, {permanent: view === "regions", direction: "center", className: "region-label"});
        if (c && c.drill) {
          layer.on("click", function () { window.location = urls.page + "?region=" + encodeURIComponent(c.code); });
        }
      }
    }).addTo(map);
  }
  var dots = null;
  function drawEvents() {
    if (dots) { map.removeLayer(dots); dots = null; }
    if (view !== "regions" || !last) { return; }
    dots = L.layerGroup(last.events.map(function (e) {
      return L.circleMarker([e.lat, e.lon], {radius: e.light === "red" ? 6 : 5, weight: 1, color: "#fff",
        fillColor: e.light === "red" ? "#ff3b3b" : "#ffc53d", fillOpacity: 0.95})
        .bindTooltip(e.title + (e.light === "red" ? "(红灯)" : "(黄灯)"));
    })).addTo(map);
  }
  function drawHeat() {
    if (heatLayer) { map.removeLayer(heatLayer); heatLayer = null; }
    if (view !== "heat" || !last) { return; }
    var max = Math.max.apply(null, [1].concat(last.heat.map(function (h) { return h.n; })));
    heatLayer = L.layerGroup(last.heat.map(function (h) {
      var t = h.n / max;
      var colour = t > 0.66 ? "#ff3b3b" : t > 0.33 ? "#ff9b2b" : t > 0.1 ? "#ffd43b" : "#3bc4ff";
      return L.polygon(h.polygon, {stroke: false, fillColor: colour, fillOpacity: 0.35 + 0.5 * t})
        .bindTooltip("本月及上月上报 " + h.n + " 件");
    })).addTo(map);
  }
  function legend() {
    var box = $("legend");
    box.textContent = "";
    var items = view === "regions"
      ? [["#d9363e", "有红灯"], ["#c98a12", "有在办"], ["#1f8f5f", "无在办"], ["#ff3b3b", "红灯事件"], ["#ffc53d", "黄灯事件"]]
      : [["#3bc4ff", "少"], ["#ffd43b", ""], ["#ff9b2b", ""], ["#ff3b3b", "多"]];
    items.forEach(function (i) {
      var swatch = el("i"); swatch.style.background = i[0];
      box.appendChild(swatch); box.appendChild(document.createTextNode(i[1]));
    });
  }
  function setView(v) {
    view = v;
    Array.prototype.forEach.call($("tabs").children, function (b) { b.classList.toggle("on", b.dataset.view === v); });
    drawRegions(); drawEvents(); drawHeat(); legend();
  }
  var paused = 0;
  $("tabs").addEventListener("click", function (e) {
    if (e.target.dataset.view) { paused = Date.now() + 120000; setView(e.target.dataset.view); }
  });
  var rotating = rotateSeconds > 0;
  $("rotate").textContent = rotating ? "轮播:开" : "轮播:关";
  $("rotate").addEventListener("click", function () {
    rotating = !rotating; this.textContent = rotating ? "轮播:开" : "轮播:关";
  });
  if (rotateSeconds > 0) {
    setInterval(function () {
      if (rotating && Date.now() > paused) { setView(view === "regions" ? "heat" : "regions"); }
    }, rotateSeconds * 1000);
  }

  // ---- the figures
  function crumbs(list) {
    var nav = $("crumbs");
    nav.textContent = "";
    list.forEach(function (c, i) {
      if (i) { nav.appendChild(el("span", "sep", "›")); }
      if (i < list.length - 1) {
        var a = el("a", "", c.name); a.href = urls.page + "?region=" + encodeURIComponent(c.code); nav.appendChild(a);
      } else { nav.appendChild(el("span", "", c.name)); }
    });
  }
  function children(d) {
    $("children-title").textContent = "下级区域(本月)";
    var body = $("children").tBodies[0];
    body.textContent = "";
    if (!d.children.length) {
      var row = body.insertRow(); var cell = row.insertCell(); cell.colSpan = 6; cell.textContent = "没有下级区域";
    }
    d.children.forEach(function (c) {
      var row = body.insertRow();
      var name = row.insertCell();
      if (c.drill) {
        var a = el("a", "", c.name); a.href = urls.page + "?region=" + encodeURIComponent(c.code); name.appendChild(a);
      } else { name.textContent = c.name; }
      [c.received, c.closed, pct(c.on_time_rate), c.open, c.red].forEach(function (v, i) {
        var td = row.insertCell(); td.textContent = v;
        if (i === 4 && v > 0) { td.className = "red"; }
      });
    });
  }
  function list(id, items, render, empty) {
    var box = $(id);
    box.textContent = "";
    if (!items.length) { box.appendChild(el("li", "empty", empty)); return; }
    items.forEach(function (i) { box.appendChild(render(i)); });
  }
  function risks(d) {
    var box = $("risk-list");
    box.textContent = "";
    d.disputes.open_by_risk.forEach(function (r) {
      var span = el("span"); var em = el("em", "", r.name.replace(/[(（].*[)）]/, "") + "纠纷");
      em.style.color = r.color; var strong = el("strong", "", r.count); strong.style.color = r.color;
      span.appendChild(em); span.appendChild(strong); box.appendChild(span);
    });
  }
  function draw(d) {
    last = d;
    crumbs(d.crumbs);
    text("k-today-received", d.today.received); text("k-today-accepted", d.today.accepted); text("k-today-closed", d.today.closed);
    text("k-month-received", d.month.received); text("k-month-accepted", d.month.accepted); text("k-month-closed", d.month.closed);
    text("k-on-time", pct(d.month.on_time_rate)); text("k-satisfaction", pct(d.month.satisfaction_rate));
    text("k-resolution", pct(d.disputes.resolution_rate));
    text("k-open", d.open.total + " 件");
    ["red", "yellow", "green", "none"].forEach(function (l) { text("k-" + l, d.open.lights[l] || 0); });
    text("k-care-red", d.care.red); text("k-care-yellow", d.care.yellow); text("k-alarms", d.care.alarms_24h);
    text("k-duty", d.duty.on_duty + "/" + d.duty.units); text("k-callouts", d.duty.open_callouts); text("k-plans", d.care.plans);
    risks(d);
    children(d);
    list("hot", d.hot, function (h) {
      var li = el("li", "", h.title); li.appendChild(el("span", "", h.category + " · " + h.reports + "件")); return li;
    }, "近7天没有集中反映的问题");
    chart("c-24h").setOption({
      grid: {left: 36, right: 10, top: 26, bottom: 22}, tooltip: {trigger: "axis"},
      legend: {data: ["受理", "结案"], textStyle: {color: "#9fb6db"}, top: 0},
      xAxis: Object.assign({type: "category", data: d.trend24.map(function (h) { return h.hour; })}, AXIS),
      yAxis: Object.assign({type: "value", minInterval: 1}, AXIS),
      series: [{name: "受理", type: "line", smooth: true, areaStyle: {opacity: 0.2}, data: d.trend24.map(function (h) { return h.received; }), color: "#35e0ff"},
               {name: "结案", type: "line", smooth: true, data: d.trend24.map(function (h) { return h.closed; }), color: "#52e08a"}]
    });
    chart("c-30d").setOption({
      grid: {left: 36, right: 10, top: 26, bottom: 22}, tooltip: {trigger: "axis"},
      legend: {data: ["受理", "立案", "结案"], textStyle: {color: "#9fb6db"}, top: 0},
      xAxis: Object.assign({type: "category", data: d.trend30.map(function (x) { return x.day; })}, AXIS),
      yAxis: Object.assign({type: "value", minInterval: 1}, AXIS),
      series: [{name: "受理", type: "bar", data: d.trend30.map(function (x) { return x.received; }), color: "#2f8cff"},
               {name: "立案", type: "line", data: d.trend30.map(function (x) { return x.accepted; }), color: "#ffc53d"},
               {name: "结案", type: "line", data: d.trend30.map(function (x) { return x.closed; }), color: "#52e08a"}]
    });
    var pie = function (id, rows, empty) {
      var data = rows.length ? rows.map(function (c) { return {name: c.name, value: c.count}; }) : [{name: empty, value: 0}];
      chart(id).setOption({
        tooltip: {trigger: "item", formatter: "{b}:{c} 件({d}%)"},
        legend: {type: "scroll", orient: "vertical", right: 0, top: "middle", textStyle: {color: "#9fb6db"}},
        series: [{type: "pie", radius: ["45%", "75%"], center: ["32%", "50%"], label: {show: false}, data: data}]
      }, true);
    };
    pie("c-categories", d.categories, "暂无数据");
    pie("c-channels", d.channels, "暂无数据");
    var deps = d.departments.slice().reverse();
    chart("c-departments").setOption({
      grid: {left: 112, right: 44, top: 6, bottom: 20}, tooltip: {trigger: "axis", formatter: function (p) {
        var x = deps[p[0].dataIndex]; return x.unit + "<br>结案 " + x.closed + " 件,按期办结率 " + pct(x.on_time_rate); }},
      xAxis: Object.assign({type: "value", max: 100, axisLabel: {color: "#9fb6db", formatter: "{value}%"}}, {splitLine: AXIS.splitLine}),
      yAxis: {type: "category", data: deps.map(function (x) { return x.unit; }), axisLine: AXIS.axisLine,
              axisLabel: {color: "#9fb6db", interval: 0, fontSize: 12, width: 100, overflow: "truncate"}},
      series: [{type: "bar", data: deps.map(function (x) { return x.on_time_rate === null ? 0 : Math.round(x.on_time_rate * 1000) / 10; }),
                color: "#35e0ff", label: {show: true, position: "right", color: "#d7e6ff", formatter: "{c}%"}}]
    }, true);
    drawRegions(); drawEvents(); drawHeat(); legend();
    text("updated", "数据更新于 " + new Date(d.at).toLocaleTimeString("zh-CN", {hour12: false}));
  }

  // ---- the feed and its pop-ups
  var since = null, queue = [], showing = false;
  function popNext() {
    if (showing || !queue.length) { return; }
    var i = queue.shift(); showing = true;
    text("popup-label", i.label); text("popup-title", i.title);
    text("popup-at", new Date(i.at).toLocaleString("zh-CN", {hour12: false}));
    $("popup").hidden = false;
    setTimeout(function () { $("popup").hidden = true; showing = false; popNext(); }, 8000);
  }
  $("popup").addEventListener("click", function () { $("popup").hidden = true; });
  function feed() {
    var q = "?region=" + encodeURIComponent(region) + (since ? "&since=" + encodeURIComponent(since) : "");
    fetch(urls.feed + q, {credentials: "same-origin"}).then(function (r) { return r.json(); }).then(function (d) {
      if (!d.items) { return; }
      var first = since === null;
      since = d.at;
      var box = $("feed");
      if (first) { box.textContent = ""; }
      d.items.slice().reverse().forEach(function (i) {
        var li = el("li", i.red ? "red" : "");
        var t = el("time", "", new Date(i.at).toLocaleTimeString("zh-CN", {hour12: false, hour: "2-digit", minute: "2-digit"}));
        li.appendChild(t); li.appendChild(el("b", "", i.label + " ")); li.appendChild(document.createTextNode(i.title));
        box.insertBefore(li, box.firstChild);
        if (!first && i.red) { queue.push(i); }
      });
      while (box.children.length > 50) { box.removeChild(box.lastChild); }
      if (!box.children.length) { box.appendChild(el("li", "empty", "近24小时没有红色预警")); }
      popNext();
      window.screenFeedReady = true;
    }).catch(function () { text("updated", "网络中断,稍后自动重试"); });
  }

  function load() {
    fetch(urls.data + "?region=" + encodeURIComponent(region), {credentials: "same-origin"})
      .then(function (r) { return r.json(); })
      .then(function (d) { if (d.error) { text("updated", d.error.message); return; } draw(d); window.screenReady = true; })
      .catch(function () { text("updated", "网络中断,稍后自动重试"); });
  }
  fetch(urls.map + "?region=" + encodeURIComponent(region), {credentials: "same-origin"})
    .then(function (r) { return r.json(); })
    .then(function (g) {
      shapes = g; map.invalidateSize(); drawRegions();
      if (outlines && outlines.getBounds().isValid()) { map.fitBounds(outlines.getBounds(), {padding: [30, 30]}); }
      load();
    });
  setInterval(load, 60000);
  feed();
  setInterval(feed, 10000);
})();
