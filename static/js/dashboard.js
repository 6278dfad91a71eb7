// The leaders' dashboard: its charts, drawn with the locally served ECharts from the data the page embeds
// (json_script, the same shape as /api/v1/dashboard/). The printable page draws them as SVG, for paper.
(function () {
  var node = document.getElementById("dashboard-data");
  if (!node || !window.echarts) { return; }
  var data = JSON.parse(node.textContent);
  var printing = document.body.dataset.printing === "true";
  var charts = {};
  window.portalCharts = charts;
  if (printing) { fitSheet(); }

  // The print page is one A4 landscape sheet (portal.css: --sheet-height, what a page holds): when the headline and
  // the county table need more room than usual (long labels in English, many counties), the two rows of charts
  // give it up, before they are drawn.
  function fitSheet() {
    var sheet = document.querySelector(".print-sheet");
    if (!sheet) { return; }
    var style = window.getComputedStyle(sheet);
    var used = sheet.getBoundingClientRect().height - parseFloat(style.paddingTop) - parseFloat(style.paddingBottom);
    var excess = used - parseFloat(style.getPropertyValue("--sheet-height"));
    if (!(excess > 0)) { return; }
    document.querySelectorAll("#charts .chart").forEach(function (chart) {
      chart.style.height = Math.max(100, chart.getBoundingClientRect().height - Math.ceil(excess / 2)) + "px";
    });
  }

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

  // On paper (the print page: one A4 sheet) the charts are small: 9 px text, and each legend whole on as many lines
  // as it needs (a paged "scroll" legend would print its first page only), with the plot starting below it.
  var PAPER = { fontSize: 9, itemWidth: 14, itemHeight: 8, itemGap: 6, axisNameHeight: 12 };
  var measure = document.createElement("canvas").getContext("2d");
  function legendHeight(chart, names) {
    // ECharts' box layout of a horizontal legend: item = symbol + 5 px + text, items itemGap apart, wrapping at the
    // chart's width; each line as high as the larger of the symbol and the text.
    measure.font = PAPER.fontSize + "px sans-serif";
    var width = chart.getWidth() - 10, lines = 1, x = 0;
    names.forEach(function (name) {
      var item = PAPER.itemWidth + 5 + measure.measureText(name).width;
      if (x > 0 && x + PAPER.itemGap + item > width) { lines += 1; x = item; } else { x += (x > 0 ? PAPER.itemGap : 0) + item; }
    });
    return lines * Math.max(PAPER.itemHeight, PAPER.fontSize) + (lines - 1) * PAPER.itemGap;
  }
  function forPaper(chart, option) {
    if (!printing) { return option; }
    var text = { fontSize: PAPER.fontSize };
    [option.xAxis, option.yAxis].forEach(function (axis) {
      if (!axis) { return; }
      axis.axisLabel = Object.assign({}, axis.axisLabel, text);
      if (axis.name) { axis.nameTextStyle = text; axis.nameGap = 4; }
    });
    var labels = option.xAxis && option.xAxis.axisLabel;
    if (labels && labels.rotate) {
      // County names under the bars: level and wrapped within their band (rotated, they would fill the small chart).
      var band = (chart.getWidth() - option.grid.left - option.grid.right) / option.xAxis.data.length - 2;
      var longest = Math.max.apply(null, option.xAxis.data.map(function (name) { return name.length; }));
      var lines = Math.ceil(longest / Math.max(1, Math.floor(band / PAPER.fontSize)));
      option.xAxis.axisLabel = Object.assign(labels, { rotate: 0, width: band, overflow: "break", lineHeight: PAPER.fontSize + 1 });
      option.grid = Object.assign({}, option.grid, { bottom: lines * (PAPER.fontSize + 1) + 10 });
    }
    (option.series || []).forEach(function (s) {
      if (s.label) { s.label.fontSize = PAPER.fontSize; }
      if (s.type === "funnel") { s.top = 4; s.bottom = 4; }
    });
    if (option.legend) {
      option.legend = { top: 0, type: "plain", padding: [0, 5], itemWidth: PAPER.itemWidth, itemHeight: PAPER.itemHeight,
        itemGap: PAPER.itemGap, textStyle: text };
      var names = option.series.map(function (s) { return s.name; });
      var top = legendHeight(chart, names) + 8 + (option.yAxis && option.yAxis.name ? PAPER.axisNameHeight : 0);
      option.grid = Object.assign({}, option.grid, { top: top });
    }
    return option;
  }

  var funnel = init("chart-funnel");
  if (funnel) {
    var pool = data.tiers.filter(function (t) { return t.tier !== "outside"; });
    funnel.setOption(forPaper(funnel, {
      animation: animation,
      tooltip: { renderMode: "richText", trigger: "item", formatter: "{b}: {c}" },
      series: [{
        type: "funnel", sort: "descending", left: "5%", width: "90%", minSize: "20%",
        label: { position: "inside", formatter: "{b}\n{c}", color: "#fff" },
        data: pool.map(function (t) { return { name: t.label, value: t.firms, tier: t.tier }; })
      }]
    }));
  }

  var counties = init("chart-counties");
  if (counties) {
    var bars = ["innovative", "tech_sme", "high_tech"];
    counties.setOption(forPaper(counties, {
      animation: animation,
      tooltip: { renderMode: "richText", trigger: "axis" },
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
    }));
    counties.on("click", function (params) {
      var county = data.counties[params.dataIndex];
      if (county && county.url) { window.location.href = county.url; }
    });
  }

  function trend(id, keys, transform, unit) {
    var chart = init(id);
    if (!chart) { return; }
    chart.setOption(forPaper(chart, {
      animation: animation,
      tooltip: { renderMode: "richText", trigger: "axis", valueFormatter: function (v) { return v === null || v === undefined ? "—" : v + unit; } },
      legend: { top: 0, type: "scroll" },
      grid: { left: 48, right: 16, top: 48, bottom: 24 },
      xAxis: { type: "category", data: data.trends.labels },
      yAxis: { type: "value", axisLabel: { formatter: "{value}" + unit } },
      series: keys.map(function (key) {
        var s = series(key);
        return { name: s.label, type: "line", connectNulls: false, data: s.values.map(transform) };
      })
    }));
  }
  trend("chart-trend-counts", ["innovative", "tech_sme", "high_tech", "gazelle", "srdi"], function (v) { return v; }, "");
  trend("chart-trend-shares", ["high_tech_share", "rd_coverage", "officer_coverage", "campaign_pass_rate"], percent, "%");

  var vouchers = init("chart-vouchers");
  if (vouchers && !data.vouchers.counties.length) {
    vouchers.setOption({ graphic: { type: "text", left: "center", top: "middle",
      style: { text: vouchers.getDom().dataset.empty || "—", fill: "#6c757d", fontSize: 14 } } });
  } else if (vouchers) {
    vouchers.setOption(forPaper(vouchers, {
      animation: animation,
      tooltip: { renderMode: "richText", trigger: "axis" },
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
    }));
  }

  var movements = init("chart-movements");
  if (movements) {
    movements.setOption(forPaper(movements, {
      animation: animation,
      tooltip: { renderMode: "richText", trigger: "axis" },
      legend: { top: 0 },
      grid: { left: 48, right: 16, top: 36, bottom: 24 },
      xAxis: { type: "category", data: data.movements.months },
      yAxis: { type: "value", minInterval: 1 },
      series: [
        { name: data.movements.labels.up, type: "bar", stack: "moves", itemStyle: { color: "#198754" }, data: data.movements.up },
        { name: data.movements.labels.down, type: "bar", stack: "moves", itemStyle: { color: "#dc3545" },
          data: data.movements.down.map(function (v) { return -v; }) }
      ]
    }));
  }

  var scores = init("chart-scores");
  if (scores) {
    scores.setOption(forPaper(scores, {
      animation: animation,
      tooltip: { renderMode: "richText", trigger: "axis" },
      legend: { top: 0 },
      grid: { left: 48, right: 16, top: 36, bottom: 24 },
      xAxis: { type: "category", data: data.score_distribution.bins },
      yAxis: { type: "value", minInterval: 1 },
      series: data.score_distribution.tiers.map(function (t) { return { name: t.label, type: "bar", data: t.firms }; })
    }));
  }

  window.addEventListener("resize", function () {
    Object.keys(charts).forEach(function (id) { charts[id].resize(); });
  });
  var printButton = document.getElementById("print-button");
  if (printButton) { printButton.addEventListener("click", function () { window.print(); }); }
})();
