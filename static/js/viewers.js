// New and returning viewers on the account's scorecard: stacked bars per day. The same
// figures are in a table below the chart, so the chart is an addition only.
"use strict";

(function () {
  function drawViewers() {
    const canvas = document.querySelector("canvas[data-chart=viewers]");
    const element = document.getElementById("viewer-data");
    if (!canvas || !element || !window.Chart || window.Chart.getChart(canvas)) {
      return;
    }
    const data = JSON.parse(element.textContent);
    new window.Chart(canvas, {
      type: "bar",
      data: {
        labels: data.labels,
        datasets: [
          {
            label: "Returning viewers",
            data: data.returning,
            backgroundColor: "#0b5ed7",
            borderColor: "#0b5ed7",
            borderWidth: 1,
          },
          {
            label: "New viewers",
            data: data.new,
            // A lighter fill with a border: the two series differ in more than hue.
            backgroundColor: "rgba(194, 65, 12, 0.35)",
            borderColor: "#c2410c",
            borderWidth: 1,
          },
        ],
      },
      options: {
        animation: false,
        maintainAspectRatio: false,
        interaction: { mode: "index", intersect: false },
        scales: { x: { stacked: true }, y: { stacked: true, beginAtZero: true } },
        plugins: {
          tooltip: {
            callbacks: {
              label: (item) =>
                `${item.dataset.label}: ${item.raw === null ? "no figure" : item.raw}`,
            },
          },
        },
      },
    });
  }

  document.addEventListener("DOMContentLoaded", drawViewers);
  // Going back in history puts a new page body (and canvas) in place.
  document.addEventListener("htmx:historyRestore", drawViewers);
})();
