/* Forms that help (no library; works with the Content-Security-Policy: a file under /static/).
   1. After a failed submit the error summary (#error-summary) receives focus, so keyboard and
      screen-reader users start at the list of problems.
   2. A link in the summary moves focus to its field and scrolls the field's label (or legend)
      into view — the browser's own jump would hide the label above the top edge. */
(function () {
  "use strict";
  function labelFor(field) {
    var id = field.id;
    var labels = document.querySelectorAll("label[for]");
    for (var i = 0; i < labels.length; i++) {
      if (labels[i].getAttribute("for") === id) return labels[i];
    }
    var fieldset = field.closest("fieldset");
    return fieldset ? fieldset.querySelector("legend") : null;
  }
  function ready() {
    var summary = document.getElementById("error-summary");
    if (summary) summary.focus();
    document.addEventListener("click", function (event) {
      var link = event.target.closest ? event.target.closest(".error-summary a[href^='#']") : null;
      if (!link) return;
      var field = document.getElementById(decodeURIComponent(link.getAttribute("href").slice(1)));
      if (!field) return;
      event.preventDefault();
      var label = labelFor(field);
      (label || field).scrollIntoView({ block: "start" });
      field.focus({ preventScroll: true });
    });
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", ready);
  else ready();
})();
