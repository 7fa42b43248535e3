/* The import page's progress bar: polls the batch's JSON status and moves the <progress>
   element; when the import is finished it reloads the page to show the per-row report.
   Without JavaScript the page's "Refresh" button does the same, by hand. */
(function () {
  "use strict";
  var box = document.querySelector(".import-progress[data-status-url]");
  if (!box || box.getAttribute("data-finished") === "true") {
    return;
  }
  var bar = box.querySelector("progress");
  var text = box.querySelector(".import-progress__text");
  var url = box.getAttribute("data-status-url");

  function show(data) {
    bar.max = Math.max(data.total, 1);
    bar.value = data.processed;
    bar.textContent = data.processed + " / " + data.total;
    if (text && data.text) {
      // The server words the sentence in the page's language.
      text.textContent = data.text;
    }
  }

  function poll() {
    fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) {
        if (!response.ok) {
          throw new Error(String(response.status));
        }
        return response.json();
      })
      .then(function (data) {
        show(data);
        if (data.finished) {
          window.location.reload();
        } else {
          window.setTimeout(poll, 1500);
        }
      })
      .catch(function () {
        window.setTimeout(poll, 5000);
      });
  }

  window.setTimeout(poll, 1000);
})();
