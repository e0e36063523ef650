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
    // A real time axis: each snapshot sits at its day (days since 1970, UTC), so 26 Nov,
    // 28 Nov, 2 Dec and 5 Dec are spaced as the calendar spaces them. A linear axis
    // needs no date adapter; its ticks are written back as dates.
    const DAY = 86400000;
    const points = data.labels.map(function (iso, index) {
      return { x: Math.round(Date.parse(iso + "T00:00:00Z") / DAY), y: data.views[index] };
    });
    const dayLabel = new Intl.DateTimeFormat("en-GB", {
      day: "numeric",
      month: "short",
      timeZone: "UTC",
    });
    const showDay = function (value) {
      return dayLabel.format(new Date(value * DAY));
    };
    new window.Chart(canvas, {
      type: "line",
      data: {
        datasets: [
          {
            label: "Views",
            data: points,
            borderColor: "#0b5ed7",
            backgroundColor: "#0b5ed7",
            pointRadius: 3,
          },
        ],
      },
      options: {
        animation: false,
        maintainAspectRatio: false,
        plugins: {
          legend: { display: false },
          tooltip: {
            callbacks: {
              title: function (items) {
                return items.length ? showDay(items[0].parsed.x) : "";
              },
            },
          },
        },
        scales: {
          x: {
            type: "linear",
            title: { display: true, text: "Snapshot day" },
            ticks: {
              stepSize: 1,
              precision: 0,
              autoSkip: true,
              maxTicksLimit: 8,
              callback: showDay,
            },
          },
          y: { beginAtZero: true, title: { display: true, text: "Total views" } },
        },
      },
    });
  }

  document.addEventListener("DOMContentLoaded", drawVideoViews);
  document.addEventListener("htmx:historyRestore", drawVideoViews);
})();
