/* The program's figures: two bar charts drawn with Chart.js from the page's JSON block.
   Each chart has its data table beside it (screen readers, printing). */
(function () {
  "use strict";
  function bar(id, labels, values, label, color) {
    var canvas = document.getElementById(id);
    if (!canvas) { return; }
    new window.Chart(canvas, {
      type: "bar",
      data: { labels: labels, datasets: [{ label: label, data: values, backgroundColor: color }] },
      options: { maintainAspectRatio: false, animation: false,
        plugins: { legend: { display: false } },
        scales: { y: { beginAtZero: true, ticks: { precision: 0 } } } }
    });
  }
  function draw() {
    var source = document.getElementById("program-figures-data");
    if (!source || typeof window.Chart === "undefined") { return; }
    var data = JSON.parse(source.textContent);
    bar("requests-chart", data.requests.labels, data.requests.values, "Requests", "#1d4f91");
    bar("payments-chart", data.payments.labels, data.payments.values, "Dollars", "#1f6f43");
  }
  if (document.readyState === "loading") { document.addEventListener("DOMContentLoaded", draw); }
  else { draw(); }
}());
