// The leaders' dashboard: its charts, drawn with the locally served ECharts from the data the page embeds
// (json_script, the same shape as /api/v1/dashboard/). The printable page draws them as SVG, for paper.
(function () {
  var node = document.getElementById("dashboard-data");
  if (!node || !window.echarts) { return; }
  var data = JSON.parse(node.textContent);
  var printing = document.body.dataset.printing === "true";
  var charts = {};
  window.portalCharts = charts;

  function init(id) {
    var target = document.getElementById(id);
    if (!target) { return null; }
    var chart = window.echarts.init(target, null, { renderer: printing ? "svg" : "canvas" });
    charts[id] = chart;
    return chart;
  }
  function series(key) {
    return data.trends.series.filter(function (s) { return s.key === key; })[0];
  }
  function wan(amount) { return amount === null ? null : Math.round(Number(amount) / 100) / 100; }
  function percent(value) { return value === null ? null : Math.round(value * 1000) / 10; }
  var animation = !printing;

  var funnel = init("chart-funnel");
  if (funnel) {
    var pool = data.tiers.filter(function (t) { return t.tier !== "outside"; });
    funnel.setOption({
      animation: animation,
      tooltip: { trigger: "item", formatter: "{b}: {c}" },
      series: [{
        type: "funnel", sort: "descending", left: "5%", width: "90%", minSize: "20%",
        label: { position: "inside", formatter: "{b}\n{c}", color: "#fff" },
        data: pool.map(function (t) { return { name: t.label, value: t.firms, tier: t.tier }; })
      }]
    });
  }

  var counties = init("chart-counties");
  if (counties) {
    var bars = ["innovative", "tech_sme", "high_tech"];
    counties.setOption({
      animation: animation,
      tooltip: { trigger: "axis" },
      legend: { top: 0 },
      grid: { left: 48, right: 16, top: 36, bottom: 48 },
      xAxis: { type: "category", data: data.counties.map(function (c) { return c.name; }), axisLabel: { interval: 0, rotate: 30 } },
      yAxis: { type: "value", minInterval: 1 },
      series: bars.map(function (key) {
        return {
          name: series(key).label, type: "bar", cursor: "pointer",
          data: data.counties.map(function (c) { return c.values[key]; })
        };
      })
    });
    counties.on("click", function (params) {
      var county = data.counties[params.dataIndex];
      if (county && county.url) { window.location.href = county.url; }
    });
  }

  function trend(id, keys, transform, unit) {
    var chart = init(id);
    if (!chart) { return; }
    chart.setOption({
      animation: animation,
      tooltip: { trigger: "axis", valueFormatter: function (v) { return v === null || v === undefined ? "—" : v + unit; } },
      legend: { top: 0, type: "scroll" },
      grid: { left: 48, right: 16, top: 48, bottom: 24 },
      xAxis: { type: "category", data: data.trends.labels },
      yAxis: { type: "value", axisLabel: { formatter: "{value}" + unit } },
      series: keys.map(function (key) {
        var s = series(key);
        return { name: s.label, type: "line", connectNulls: false, data: s.values.map(transform) };
      })
    });
  }
  trend("chart-trend-counts", ["innovative", "tech_sme", "high_tech", "gazelle", "srdi"], function (v) { return v; }, "");
  trend("chart-trend-shares", ["high_tech_share", "rd_coverage", "officer_coverage", "campaign_pass_rate"], percent, "%");

  var vouchers = init("chart-vouchers");
  if (vouchers && !data.vouchers.counties.length) {
    vouchers.setOption({ graphic: { type: "text", left: "center", top: "middle",
      style: { text: vouchers.getDom().dataset.empty || "—", fill: "#6c757d", fontSize: 14 } } });
  } else if (vouchers) {
    vouchers.setOption({
      animation: animation,
      tooltip: { trigger: "axis" },
      legend: { top: 0 },
      grid: { left: 56, right: 16, top: 36, bottom: 48 },
      xAxis: { type: "category", data: data.vouchers.counties.map(function (c) { return c.name; }), axisLabel: { interval: 0, rotate: 30 } },
      yAxis: { type: "value", name: vouchers.getDom().dataset.unit || "" },
      series: data.vouchers.kinds.map(function (kind) {
        return {
          name: kind.name, type: "bar", stack: "granted",
          data: data.vouchers.counties.map(function (c) { return wan(c.granted[kind.code] || null); })
        };
      })
    });
  }

  var movements = init("chart-movements");
  if (movements) {
    movements.setOption({
      animation: animation,
      tooltip: { trigger: "axis" },
      legend: { top: 0 },
      grid: { left: 48, right: 16, top: 36, bottom: 24 },
      xAxis: { type: "category", data: data.movements.months },
      yAxis: { type: "value", minInterval: 1 },
      series: [
        { name: data.movements.labels.up, type: "bar", stack: "moves", itemStyle: { color: "#198754" }, data: data.movements.up },
        { name: data.movements.labels.down, type: "bar", stack: "moves", itemStyle: { color: "#dc3545" },
          data: data.movements.down.map(function (v) { return -v; }) }
      ]
    });
  }

  var scores = init("chart-scores");
  if (scores) {
    scores.setOption({
      animation: animation,
      tooltip: { trigger: "axis" },
      legend: { top: 0 },
      grid: { left: 48, right: 16, top: 36, bottom: 24 },
      xAxis: { type: "category", data: data.score_distribution.bins },
      yAxis: { type: "value", minInterval: 1 },
      series: data.score_distribution.tiers.map(function (t) { return { name: t.label, type: "bar", data: t.firms }; })
    });
  }

  window.addEventListener("resize", function () {
    Object.keys(charts).forEach(function (id) { charts[id].resize(); });
  });
  var printButton = document.getElementById("print-button");
  if (printButton) { printButton.addEventListener("click", function () { window.print(); }); }
})();
