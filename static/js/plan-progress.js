/* A capacity plan's measured progress: one line chart per bound target, drawn with
   Chart.js (static/vendor/chart.umd.js) from the JSON block the page carries. Each
   chart has its data table beside it (screen readers, printing). */
(function () {
  "use strict";
  var colors = ["#1d4f91", "#8a4b00", "#555555"];
  function draw() {
    var source = document.getElementById("plan-progress-data");
    if (!source || typeof window.Chart === "undefined") { return; }
    JSON.parse(source.textContent).forEach(function (target) {
      var canvas = document.getElementById(target.id);
      if (!canvas) { return; }
      var names = Object.keys(target.series);
      new window.Chart(canvas, {
        type: "line",
        data: {
          labels: target.years,
          datasets: names.map(function (name, i) {
            var line = name === "On-track line";
            return { label: name, data: target.series[name], spanGaps: true, tension: 0,
                     borderColor: line ? colors[2] : colors[i % 2],
                     backgroundColor: line ? colors[2] : colors[i % 2],
                     borderDash: line ? [6, 4] : [], pointStyle: i === 1 ? "rect" : "circle" };
          })
        },
        options: { maintainAspectRatio: false, animation: false,
          scales: { y: target.unit === "%" ? { beginAtZero: true, suggestedMax: 100 }
                                           : { beginAtZero: true } } }
      });
    });
  }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", draw); }
  else { draw(); }
}());
