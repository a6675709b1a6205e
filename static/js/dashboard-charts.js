// Draws a bar chart above each dashboard table that has chart data, and a
// line chart of each monthly trend (data.kind "line"). The table
// stays: it is the chart's alternative for keyboard and screen-reader users,
// so the canvas is hidden from assistive technology. Cells shown as "fewer
// than 5" carry no number and are not drawn.
/* global Chart */
document.querySelectorAll("[data-chart]").forEach((figure) => {
  const data = JSON.parse(document.getElementById(figure.dataset.chart).textContent);
  if (!data.labels.length) {
    return;
  }
  const canvas = document.createElement("canvas");
  canvas.setAttribute("aria-hidden", "true");
  // Sized through the DOM, not a style attribute (the Content-Security-Policy allows none).
  figure.style.position = "relative";
  figure.style.maxWidth = "48em";
  figure.appendChild(canvas);
  if (data.kind === "line") {
    figure.style.height = "220px";
    new Chart(canvas, {
      type: "line",
      data: {
        labels: data.labels,
        datasets: [{ label: "Records a month", data: data.current, borderColor: "#1d70b8", spanGaps: false }],
      },
      options: {
        animation: false,
        responsive: true,
        maintainAspectRatio: false,
        plugins: { legend: { position: "bottom" } },
        scales: { y: { beginAtZero: true } },
      },
    });
    return;
  }
  figure.style.height = `${Math.max(160, 36 * data.labels.length + 60)}px`;
  new Chart(canvas, {
    type: "bar",
    data: {
      labels: data.labels,
      datasets: [
        { label: "This period", data: data.current, backgroundColor: "#1d70b8" },
        { label: "Previous period", data: data.previous, backgroundColor: "#b1b4b6" },
      ],
    },
    options: {
      indexAxis: "y",
      animation: false,
      responsive: true,
      maintainAspectRatio: false,
      plugins: { legend: { position: "bottom" }, title: { display: false } },
      scales: { x: { beginAtZero: true, title: { display: Boolean(data.unit), text: data.unit } } },
    },
  });
});
