// The views-over-time line of one video. The same figures are in a table on the page.
"use strict";

(function () {
  function drawVideoViews() {
    const canvas = document.querySelector("canvas[data-chart=video-views]");
    const element = document.getElementById("video-views-data");
    if (!canvas || !element || !window.Chart || window.Chart.getChart(canvas)) {
      return;
    }
    const data = JSON.parse(element.textContent);
    new window.Chart(canvas, {
      type: "line",
      data: {
        labels: data.labels,
        datasets: [
          {
            label: "Views",
            data: data.views,
            borderColor: "#0b5ed7",
            backgroundColor: "#0b5ed7",
            pointRadius: 3,
          },
        ],
      },
      options: {
        animation: false,
        maintainAspectRatio: false,
        plugins: { legend: { display: false } },
        scales: { y: { beginAtZero: true, title: { display: true, text: "Total views" } } },
      },
    });
  }

  document.addEventListener("DOMContentLoaded", drawVideoViews);
  document.addEventListener("htmx:historyRestore", drawVideoViews);
})();
