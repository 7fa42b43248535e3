/* The Django admin's autocomplete fields (select2) render a role="combobox" box with no name;
   give each the label of the <select> it stands for (axe: aria-input-field-name). Runs after
   the admin's own scripts have built the boxes (window "load"), and again for inline rows
   added later (Django's "formset:added" event). */
(function () {
  "use strict";
  function name(root) {
    var boxes = (root || document).querySelectorAll("select.admin-autocomplete");
    for (var i = 0; i < boxes.length; i++) {
      var select = boxes[i];
      var label = select.id ? document.querySelector("label[for='" + select.id + "']") : null;
      var container = select.nextElementSibling;
      if (!label || !container) continue;
      if (!label.id) label.id = select.id + "-label";
      var parts = container.querySelectorAll("[role='combobox'], .select2-selection__rendered");
      for (var j = 0; j < parts.length; j++) {
        if (parts[j].getAttribute("role") === "combobox" || parts[j].getAttribute("role") === "textbox") {
          parts[j].setAttribute("aria-labelledby", label.id + " " + (parts[j].id || ""));
        }
      }
      var rendered = container.querySelector(".select2-selection__rendered");
      var combo = container.querySelector("[role='combobox']");
      if (combo) combo.setAttribute("aria-labelledby", label.id + (rendered && rendered.id ? " " + rendered.id : ""));
      if (rendered && rendered.getAttribute("role") === "textbox") rendered.setAttribute("aria-label", label.textContent.trim());
    }
  }
  // SelectFilter2 (filter_horizontal) puts aria-label on a bare <span> icon: give it a role.
  function icons() {
    var spans = document.querySelectorAll("span.search-label-icon[aria-label]");
    for (var i = 0; i < spans.length; i++) spans[i].setAttribute("role", "img");
  }
  window.addEventListener("load", function () { name(document); icons(); });
  document.addEventListener("formset:added", function (event) { name(event.target); });
})();
