// Draws each figure of the analytics page with Chart.js (vendored: chart.umd.min.js), from
// the same numbers the page prints as a table under it. The chart is decoration for sighted
// readers (aria-hidden); the table is the figure.
"use strict";

const COLOURS = ["#417690", "#e8a33d", "#79aec8", "#b24a4a", "#5b8a3c"];

function drawFigure(canvas) {
  const data = JSON.parse(document.getElementById(`figure-data-${canvas.dataset.figure}`).textContent);
  const stacked = data.chart === "stacked";
  new Chart(canvas, {
    type: data.chart === "line" ? "line" : "bar",
    data: {
      labels: data.labels,
      datasets: data.series.map((series, index) => ({
        label: series.label,
        data: series.values,
        backgroundColor: COLOURS[index % COLOURS.length],
        borderColor: COLOURS[index % COLOURS.length],
        maxBarThickness: 40,
      })),
    },
    options: {
      maintainAspectRatio: false,
      animation: false,
      indexAxis: data.labels.length > 8 && data.chart !== "line" ? "y" : "x",
      scales: { x: { stacked }, y: { stacked, beginAtZero: true } },
    },
  });
}

document.addEventListener("DOMContentLoaded", () => {
  document.querySelectorAll("canvas[data-figure]").forEach(drawFigure);
});
