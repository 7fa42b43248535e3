/* Starts Swagger UI (vendored by drf-spectacular-sidecar) on /api/docs/ with the schema named in
   the page: a file of its own so that the page needs no inline script. */
window.addEventListener("load", function () {
  "use strict";
  var node = document.getElementById("swagger-ui");
  window.ui = window.SwaggerUIBundle({
    url: node.getAttribute("data-schema-url"),
    dom_id: "#swagger-ui",
    deepLinking: true,
    persistAuthorization: false,
    presets: [window.SwaggerUIBundle.presets.apis],
    layout: "BaseLayout"
  });
});
