/* The path-to-resolution funnel: reads the JSON block the page carries and draws a
   horizontal bar per stage with Chart.js (static/vendor/chart.umd.js). The table beside
   it holds the same numbers, each a link to its cases. */
(function () {
  "use strict";
  function draw() {
    var source = document.getElementById("funnel-data");
    var canvas = document.getElementById("funnel-chart");
    if (!source || !canvas || typeof window.Chart === "undefined") { return; }
    var data = JSON.parse(source.textContent);
    new window.Chart(canvas, {
      type: "bar",
      data: { labels: data.labels,
              datasets: [{ label: "Cases", data: data.values, backgroundColor: "#1d4f91" }] },
      options: { indexAxis: "y", maintainAspectRatio: false, animation: false,
                 plugins: { legend: { display: false } },
                 scales: { x: { beginAtZero: true, ticks: { precision: 0 } },
                           y: { ticks: { autoSkip: false } } } }
    });
  }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", draw); }
  else { draw(); }
}());
