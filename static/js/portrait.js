// The portrait's radar and score history, drawn with the locally served ECharts.
(function () {
  function data(id) {
    var node = document.getElementById(id);
    return node ? JSON.parse(node.textContent) : null;
  }
  var radar = data("portrait-radar-data");
  var radarNode = document.getElementById("portrait-radar");
  if (radar && radarNode && window.echarts) {
    echarts.init(radarNode).setOption({
      radar: { indicator: radar.indicators, radius: "65%" },
      series: [{ type: "radar", data: [{ value: radar.values, areaStyle: { opacity: 0.25 } }] }],
    });
  }
  var history = data("portrait-history-data");
  var historyNode = document.getElementById("portrait-history");
  if (history && historyNode && window.echarts) {
    var dates = history.map(function (row) { return row.date; });
    var series = ["readiness", "sme_score", "capability_estimate", "innovative_sme_score"].map(function (key) {
      return { name: historyNode.dataset[key] || key, type: "line", data: history.map(function (row) { return row[key]; }) };
    });
    echarts.init(historyNode).setOption({
      tooltip: { renderMode: "richText", trigger: "axis" },
      legend: {},
      xAxis: { type: "category", data: dates },
      yAxis: { type: "value", min: 0, max: 100 },
      series: series,
    });
  }
})();

// A source tag beside a figure of the portrait links to that figure's history on the firm page: open it there.
(function () {
  function openTarget(hash) {
    var node = hash && hash.indexOf("#source-") === 0 ? document.getElementById(hash.slice(1)) : null;
    if (node && node.tagName === "DETAILS") { node.open = true; }
  }
  document.querySelectorAll("a.source-link").forEach(function (link) {
    link.addEventListener("click", function () { openTarget(link.getAttribute("href")); });
  });
  openTarget(window.location.hash);
})();
