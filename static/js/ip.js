// Charts of the patent pages, drawn from data the page embeds with json_script (no inline script).
(function () {
  function read(id) {
    var node = document.getElementById(id);
    return node ? JSON.parse(node.textContent) : null;
  }
  function bars(target, years, series) {
    if (!target || !window.echarts || !years.length) { return; }
    var chart = window.echarts.init(target);
    chart.setOption({
      tooltip: { renderMode: "richText", trigger: "axis" },
      legend: { top: 0 },
      grid: { left: 40, right: 16, top: 40, bottom: 24 },
      xAxis: { type: "category", data: years },
      yAxis: { type: "value", minInterval: 1 },
      series: series.map(function (s) { return { name: s.name, type: "bar", data: s.data }; })
    });
    window.addEventListener("resize", function () { chart.resize(); });
  }
  var events = read("ip-events-data");
  if (events) { bars(document.getElementById("ip-events-chart"), events.years, events.series); }
  var overview = read("ip-transfers-data");
  var target = document.getElementById("ip-transfers-chart");
  if (overview && target) {
    bars(target, overview.years, [
      { name: target.dataset.in, data: overview.transfers_in },
      { name: target.dataset.out, data: overview.transfers_out }
    ]);
  }
})();
