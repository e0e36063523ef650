// Chart.js wiring for the scorecard pages. Data comes from json_script elements; the
// same figures are always in a table on the page, so the charts are an addition only.
"use strict";

(function () {
  const KIND_COLOURS = { official: "#0b5ed7", marketing: "#c2410c" };
  const KIND_LABELS = { official: "Official", marketing: "Marketing" };
  // Different point shapes, so colour is not the only thing telling the kinds apart.
  const KIND_SHAPES = { official: "circle", marketing: "triangle" };
  const QUADRANT_LINE = 70;
  let scatter = null;

  function readData(id) {
    const element = document.getElementById(id);
    return element ? JSON.parse(element.textContent) : null;
  }

  // Dashed lines at 70 on both axes: the quadrant borders of the scoring rules.
  const quadrantLines = {
    id: "quadrantLines",
    afterDatasetsDraw(chart) {
      const { ctx, chartArea, scales } = chart;
      const x = scales.x.getPixelForValue(QUADRANT_LINE);
      const y = scales.y.getPixelForValue(QUADRANT_LINE);
      ctx.save();
      ctx.strokeStyle = "#6c757d";
      ctx.lineWidth = 1;
      ctx.setLineDash([6, 4]);
      ctx.beginPath();
      ctx.moveTo(x, chartArea.top);
      ctx.lineTo(x, chartArea.bottom);
      ctx.moveTo(chartArea.left, y);
      ctx.lineTo(chartArea.right, y);
      ctx.stroke();
      ctx.restore();
    },
  };

  // The review page's data: each point as [handle, kind, engagement, ROI], and the link
  // of every point's scorecard around its handle (url_head + handle + url_tail).
  function scatterDatasets(chart) {
    const url = (handle) => chart.url_head + handle + chart.url_tail;
    return Object.keys(KIND_COLOURS).map((kind) => ({
      label: KIND_LABELS[kind],
      data: chart.points
        .filter((point) => point[1] === kind)
        .map(([handle, , x, y]) => ({ x, y, handle, url: url(handle) })),
      backgroundColor: KIND_COLOURS[kind],
      borderColor: KIND_COLOURS[kind],
      pointStyle: KIND_SHAPES[kind],
      pointRadius: 6,
      pointHoverRadius: 8,
      // Points on the axes (a missing score is drawn at 0) stay whole.
      clip: 8,
    }));
  }

  function drawScatter() {
    const canvas = document.querySelector("canvas[data-chart=scatter]");
    const data = readData("scatter-data");
    if (!canvas || !data || !window.Chart) {
      return;
    }
    const datasets = scatterDatasets(data);
    if (scatter && scatter.canvas === canvas) {
      scatter.data.datasets = datasets;
      scatter.update();
      return;
    }
    scatter = new window.Chart(canvas, {
      type: "scatter",
      data: { datasets },
      options: {
        animation: false,
        maintainAspectRatio: false,
        scales: {
          x: { min: 0, max: 100, title: { display: true, text: "Engagement score" } },
          y: { min: 0, max: 100, title: { display: true, text: "ROI score" } },
        },
        plugins: {
          legend: { labels: { usePointStyle: true } },
          tooltip: {
            callbacks: {
              label: (item) => `@${item.raw.handle}: engagement ${item.raw.x}, ROI ${item.raw.y}`,
            },
          },
        },
        onClick: (event, elements, chart) => {
          if (!elements.length) {
            return;
          }
          const hit = elements[0];
          const point = chart.data.datasets[hit.datasetIndex].data[hit.index];
          if (point && point.url) {
            window.location.assign(point.url);
          }
        },
        onHover: (event, elements, chart) => {
          chart.canvas.classList.toggle("pb-clickable", elements.length > 0);
        },
      },
      plugins: [quadrantLines],
    });
  }

  function drawDaily() {
    const data = readData("daily-data");
    if (!data || !window.Chart) {
      return;
    }
    document.querySelectorAll("canvas[data-series]").forEach((canvas) => {
      if (window.Chart.getChart(canvas)) {
        return;
      }
      const series = canvas.dataset.series;
      new window.Chart(canvas, {
        type: "line",
        data: {
          labels: data.labels,
          datasets: [
            {
              label: canvas.dataset.label,
              data: data[series],
              borderColor: "#0b5ed7",
              backgroundColor: "#0b5ed7",
              pointRadius: 2,
              // A day without a figure is a gap in the line, never a zero.
              spanGaps: false,
            },
          ],
        },
        options: {
          animation: false,
          maintainAspectRatio: false,
          plugins: { legend: { display: false } },
          scales: { y: { beginAtZero: true } },
        },
      });
    });
  }

  // Checklist done (bars, left axis) beside the week's outcome (line, right axis), in %.
  function drawPracticeOutcome() {
    const canvas = document.querySelector("canvas[data-chart=practice-outcome]");
    const data = readData("practice-outcome-data");
    if (!canvas || !data || !window.Chart || window.Chart.getChart(canvas)) {
      return;
    }
    new window.Chart(canvas, {
      data: {
        labels: data.labels,
        datasets: [
          {
            type: "line",
            label: data.outcome_label,
            data: data.outcome,
            yAxisID: "outcome",
            borderColor: "#0b5ed7",
            backgroundColor: "#0b5ed7",
            pointStyle: "rectRot",
            pointRadius: 4,
            // A week without a figure is a gap in the line, never a zero.
            spanGaps: false,
            order: 0,
          },
          {
            type: "bar",
            label: "Checklist done (%)",
            data: data.completion,
            yAxisID: "completion",
            backgroundColor: "rgba(20, 108, 67, 0.35)",
            borderColor: "#146c43",
            borderWidth: 1,
            order: 1,
          },
        ],
      },
      options: {
        animation: false,
        maintainAspectRatio: false,
        interaction: { mode: "index", intersect: false },
        scales: {
          completion: {
            type: "linear",
            position: "left",
            min: 0,
            max: 100,
            title: { display: true, text: "Checklist done (%)" },
          },
          outcome: {
            type: "linear",
            position: "right",
            // From zero, so that a small difference does not look like a big one.
            beginAtZero: true,
            title: { display: true, text: data.outcome_label },
            grid: { drawOnChartArea: false },
          },
        },
        plugins: {
          legend: { labels: { usePointStyle: true } },
          tooltip: {
            callbacks: {
              title: (items) => (items.length ? `Week of ${items[0].label}` : ""),
              label: (item) =>
                `${item.dataset.label}: ${item.raw === null ? "no figure" : item.raw + "%"}`,
            },
          },
        },
      },
    });
  }

  function drawAll() {
    drawScatter();
    drawDaily();
    drawPracticeOutcome();
  }

  document.addEventListener("DOMContentLoaded", drawAll);
  // The review table (with the scatter data) is swapped by htmx on every filter change. The
  // answers to its sort and page links carry no data: the chart stays as it is.
  document.addEventListener("htmx:afterSettle", drawScatter);
  // Going back in history puts a new page body (and canvas) in place.
  document.addEventListener("htmx:historyRestore", drawAll);
})();
