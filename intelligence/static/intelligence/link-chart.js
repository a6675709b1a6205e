// Draws the link chart (Cytoscape.js, fCoSE layout) from the network's JSON,
// above the table, which stays as the chart's alternative for keyboard and
// screen-reader users (the canvas is hidden from assistive technology).
// Nodes are coloured by kind; edges are labelled with their type and when
// last seen; clicking an entity opens its page. "Download as PNG" first posts
// to the server, which records the export as a disclosure, and only then
// makes the image.
/* global cytoscape, cytoscapeFcose */
(function () {
  const figure = document.querySelector("[data-link-chart]");
  if (!figure || typeof cytoscape === "undefined") {
    return;
  }
  cytoscape.use(cytoscapeFcose);
  const COLOURS = { child: "#d4351c", person: "#1d70b8", location: "#00703c", vehicle: "#f47738" };
  const KINDS = { child: "Child", person: "Person of concern", location: "Location", vehicle: "Vehicle" };
  const SHAPES = { child: "ellipse", person: "ellipse", location: "round-rectangle", vehicle: "diamond" };

  fetch(figure.dataset.linkChart, { credentials: "same-origin", headers: { Accept: "application/json" } })
    .then((response) => (response.ok ? response.json() : Promise.reject(response.status)))
    .then((network) => {
      // The key, then the canvas; sized through the DOM, not a style attribute
      // (the Content-Security-Policy allows none).
      const key = document.createElement("ul");
      key.className = "govuk-list govuk-body-s";
      key.setAttribute("aria-hidden", "true");
      for (const [kind, label] of Object.entries(KINDS)) {
        const item = document.createElement("li");
        const swatch = document.createElement("span");
        swatch.style.display = "inline-block";
        swatch.style.width = "12px";
        swatch.style.height = "12px";
        swatch.style.marginRight = "6px";
        swatch.style.backgroundColor = COLOURS[kind];
        item.append(swatch, label);
        item.style.display = "inline-block";
        item.style.marginRight = "18px";
        key.appendChild(item);
      }
      figure.appendChild(key);
      const canvas = document.createElement("div");
      canvas.setAttribute("aria-hidden", "true");
      canvas.dataset.testid = "link-chart-canvas";
      canvas.style.height = "36rem";
      canvas.style.position = "relative";
      canvas.style.border = "1px solid #b1b4b6";
      canvas.style.marginBottom = "20px";
      figure.appendChild(canvas);
      const elements = [
        ...network.nodes,
        ...network.edges.map((edge) => ({
          data: { ...edge.data, label: edge.data.last_seen ? `${edge.data.type} (last seen ${edge.data.last_seen})` : edge.data.type },
        })),
      ];
      // Cytoscape.js adds a <style> element (position: relative on its
      // container) unless one with its id exists; the Content-Security-Policy
      // blocks inline styles, so the container is positioned above and a
      // marker with that id stands in for the element.
      if (!document.getElementById("__________cytoscape_stylesheet")) {
        const marker = document.createElement("meta");
        marker.id = "__________cytoscape_stylesheet";
        document.head.appendChild(marker);
      }
      const cy = cytoscape({
        container: canvas,
        elements,
        layout: { name: elements.length > 1 ? "fcose" : "grid", animate: false, randomize: true, nodeRepulsion: 8000 },
        style: [
          {
            selector: "node",
            style: {
              label: "data(label)",
              "background-color": (node) => COLOURS[node.data("kind")] || "#505a5f",
              shape: (node) => SHAPES[node.data("kind")] || "ellipse",
              "font-size": 11,
              "text-valign": "bottom",
              "text-margin-y": 4,
              width: 28,
              height: 28,
            },
          },
          { selector: "node[?start]", style: { "border-width": 4, "border-color": "#0b0c0c" } },
          {
            selector: "edge",
            style: {
              label: "data(label)",
              "font-size": 9,
              "text-rotation": "autorotate",
              "text-background-color": "#ffffff",
              "text-background-opacity": 1,
              width: 2,
              "line-color": "#505a5f",
              "curve-style": "bezier",
            },
          },
        ],
      });
      cy.on("tap", "node", (event) => {
        const url = event.target.data("url");
        if (url) {
          window.location.assign(url);
        }
      });
      figure.dataset.drawn = String(network.nodes.length);
      const exportForm = document.querySelector("[data-link-chart-export]");
      if (!exportForm) {
        return;
      }
      exportForm.hidden = false;
      exportForm.addEventListener("submit", (event) => {
        event.preventDefault();
        fetch(exportForm.action, { method: "POST", body: new FormData(exportForm), credentials: "same-origin" })
          .then((response) => (response.ok ? response.json() : Promise.reject(response.status)))
          .then((recorded) => {
            const link = document.createElement("a");
            link.href = URL.createObjectURL(cy.png({ output: "blob", full: true, bg: "#ffffff", scale: 2 }));
            link.download = recorded.filename;
            document.body.appendChild(link);
            link.click();
            link.remove();
          })
          .catch(() => {
            exportForm.querySelector("[data-export-error]").hidden = false;
          });
      });
    })
    .catch(() => {
      figure.hidden = true;
    });
})();
