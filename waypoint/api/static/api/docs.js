// Starts Swagger UI on the API's OpenAPI document, from a file: the strict CSP allows no inline
// script.
"use strict";
window.addEventListener("DOMContentLoaded", function () {
  window.ui = SwaggerUIBundle({
    url: document.body.dataset.openapiUrl,
    dom_id: "#swagger-ui",
    deepLinking: true,
    layout: "BaseLayout",
    presets: [SwaggerUIBundle.presets.apis],
    // A token given under "Authorize" lives as long as the page, never in local storage.
    persistAuthorization: false,
  });
});
