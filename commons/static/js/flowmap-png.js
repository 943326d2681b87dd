// The flow map as a PNG, for reports: draws the map's SVG download (map, styles and
// citation) on a canvas at twice its size and saves it. Links marked data-png-from stay
// hidden without JavaScript; the SVG, CSV and GeoJSON downloads work without it.
(function () {
  "use strict";

  function reveal(root) {
    root.querySelectorAll("a[data-png-from][hidden]").forEach(function (link) {
      link.hidden = false;
    });
  }

  async function save(link) {
    const response = await fetch(link.dataset.pngFrom, { credentials: "same-origin" });
    const svg = await response.text();
    const url = URL.createObjectURL(new Blob([svg], { type: "image/svg+xml" }));
    const image = new Image();
    image.onload = function () {
      const scale = 2;
      const canvas = document.createElement("canvas");
      canvas.width = image.naturalWidth * scale;
      canvas.height = image.naturalHeight * scale;
      const context = canvas.getContext("2d");
      context.fillStyle = "#ffffff";
      context.fillRect(0, 0, canvas.width, canvas.height);
      context.drawImage(image, 0, 0, canvas.width, canvas.height);
      URL.revokeObjectURL(url);
      canvas.toBlob(function (png) {
        const download = document.createElement("a");
        download.href = URL.createObjectURL(png);
        download.download = link.dataset.filename || "map.png";
        document.body.appendChild(download);
        download.click();
        download.remove();
      }, "image/png");
    };
    image.src = url;
  }

  document.addEventListener("click", function (event) {
    const link = event.target.closest("a[data-png-from]");
    if (link) {
      event.preventDefault();
      save(link);
    }
  });
  document.addEventListener("DOMContentLoaded", function () { reveal(document); });
  document.addEventListener("htmx:afterSwap", function (event) { reveal(event.target); });
})();
