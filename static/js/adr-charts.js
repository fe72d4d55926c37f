/* Dashboard charts: reads the JSON block the page carries and draws with Chart.js
   (static/vendor/chart.umd.js). Each chart has its data table beside it. */
(function () {
  "use strict";
  function draw() {
    var source = document.getElementById("adr-chart-data");
    if (!source || typeof window.Chart === "undefined") { return; }
    var data = JSON.parse(source.textContent);
    var colors = ["#1d4f91", "#8a4b00", "#a4161a", "#1f6f43"];
    var fiep = document.getElementById("fiep-chart");
    if (fiep) {
      new window.Chart(fiep, {
        type: "bar",
        data: {
          labels: data.years,
          datasets: [
            { label: "Full agreement", data: data.fiep.full, backgroundColor: colors[0] },
            { label: "Partial agreement", data: data.fiep.partial, backgroundColor: colors[1] },
            { label: "No agreement", data: data.fiep.none, backgroundColor: colors[2] }
          ]
        },
        options: { maintainAspectRatio: false, animation: false,
          scales: { x: { stacked: true }, y: { stacked: true, beginAtZero: true, ticks: { precision: 0 } } } }
      });
    }
    var rates = document.getElementById("rates-chart");
    if (rates) {
      var sets = Object.keys(data.rates).map(function (name, i) {
        return { label: name, data: data.rates[name], borderColor: colors[i === 0 ? 0 : 3],
                 backgroundColor: colors[i === 0 ? 0 : 3], spanGaps: true, tension: 0 };
      });
      new window.Chart(rates, {
        type: "line",
        data: { labels: data.years, datasets: sets },
        options: { maintainAspectRatio: false, animation: false,
          scales: { y: { beginAtZero: true, suggestedMax: 100 } } }
      });
    }
  }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", draw); }
  else { draw(); }
}());
