// Bar chart of a stored query's result (data embedded as JSON by the page; Chart.js from npm).
(function () {
  "use strict";
  function draw() {
    var data = document.getElementById("chart-data");
    var canvas = document.getElementById("query-chart");
    if (!data || !canvas) return;
    if (typeof window.Chart === "undefined") {
      var note = document.querySelector(".chart-missing");
      if (note) note.hidden = false;
      canvas.parentNode.hidden = true;
      return;
    }
    var chart = JSON.parse(data.textContent);
    new window.Chart(canvas, {
      type: "bar",
      data: chart,
      options: {
        responsive: true,
        maintainAspectRatio: false,
        plugins: { legend: { display: chart.datasets.length > 1 } },
        scales: { x: { ticks: { autoSkip: false, maxRotation: 60 } }, y: { beginAtZero: true } }
      }
    });
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", draw);
  else draw();
})();
