/* Searchable pickers: progressive enhancement of web/tracker/widgets.py's PickerWidget into the
   ARIA 1.2 combobox pattern (an <input role="combobox"> that controls a popup role="listbox";
   aria-activedescendant for the active option). Without this file the form works the same:
   the "Find" button reloads it with the matches to tick.
   Keys: type ≥ 2 characters (or a number) to search; ↓/↑ move through the matches; Enter adds
   the active one (as a ticked box in the "Chosen" list, or the chosen radio button for a single
   choice); Escape closes the list, a second Escape clears the text. Results come from the
   picker's data-lookup URL (JSON: {results: [{value, label, lang}], has_next}). */
(function () {
  "use strict";
  var counter = 0;

  function el(tag, attrs, text) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (key) { node.setAttribute(key, attrs[key]); });
    if (text) node.textContent = text;
    return node;
  }

  function enhance(picker) {
    var input = picker.querySelector("input[type='search']");
    var find = picker.querySelector(".picker-find");
    var chosen = picker.querySelector(".picker-chosen");
    if (!input || !chosen) return;
    var name = picker.getAttribute("data-name");
    var multiple = picker.getAttribute("data-multiple") === "true";
    var url = picker.getAttribute("data-lookup");
    var listId = input.id + "-listbox";
    var label = document.querySelector("label[for='" + input.id + "']");
    // The default button of the form must stay the form's own submit button.
    if (find) find.parentNode.removeChild(find);
    var list = el("ul", { role: "listbox", id: listId, hidden: "" });
    if (label) {
      if (!label.id) label.id = input.id + "-label";
      list.setAttribute("aria-labelledby", label.id);
    }
    var status = el("div", { role: "status", class: "visually-hidden" });
    input.parentNode.appendChild(list);
    picker.appendChild(status);
    input.parentNode.classList.add("combobox");
    input.setAttribute("role", "combobox");
    input.setAttribute("aria-autocomplete", "list");
    input.setAttribute("aria-expanded", "false");
    input.setAttribute("aria-controls", listId);
    var timer = null, active = -1, request = 0;

    function options() { return list.querySelectorAll("[role='option']"); }
    function close() {
      list.hidden = true; active = -1;
      input.setAttribute("aria-expanded", "false");
      input.removeAttribute("aria-activedescendant");
    }
    function setActive(index) {
      var opts = options();
      if (!opts.length) return;
      active = (index + opts.length) % opts.length;
      for (var i = 0; i < opts.length; i++) {
        opts[i].setAttribute("aria-selected", i === active ? "true" : "false");
      }
      input.setAttribute("aria-activedescendant", opts[active].id);
      opts[active].scrollIntoView({ block: "nearest" });
    }
    function show(data) {
      list.textContent = "";
      (data.results || []).forEach(function (row, i) {
        var option = el("li", { role: "option", id: listId + "-" + i, "aria-selected": "false",
                                "data-value": String(row.value) }, row.label);
        if (row.lang) option.setAttribute("lang", row.lang);
        list.appendChild(option);
      });
      var count = options().length;
      status.textContent = count ? picker.getAttribute("data-found").replace("%s", count)
                                 : picker.getAttribute("data-none");
      if (!count) { close(); return; }
      list.hidden = false; active = -1;
      input.setAttribute("aria-expanded", "true");
    }
    function search() {
      var text = input.value.trim();
      if (text.length < 2 && !/^\d+$/.test(text)) { close(); return; }
      var mine = ++request;
      fetch(url + "?q=" + encodeURIComponent(text), {
        credentials: "same-origin", headers: { Accept: "application/json" }
      }).then(function (response) {
        if (!response.ok) throw new Error(response.status);
        return response.json();
      }).then(function (data) {
        if (mine === request) show(data);
      }).catch(function () {
        status.textContent = picker.getAttribute("data-failed");
      });
    }
    function choose(option) {
      var value = option.getAttribute("data-value");
      var existing = chosen.querySelector("input[value='" + value + "']");
      if (!existing) {
        counter += 1;
        var id = input.id + "_js" + counter;
        var item = el("li");
        existing = el("input", { type: multiple ? "checkbox" : "radio", name: name,
                                 value: value, id: id });
        var text = el("label", { for: id }, option.textContent);
        if (option.getAttribute("lang")) text.setAttribute("lang", option.getAttribute("lang"));
        item.appendChild(existing); item.appendChild(text);
        chosen.appendChild(item);
      }
      existing.checked = true;
      status.textContent = picker.getAttribute("data-added").replace("%s", option.textContent);
      input.value = "";
      close();
    }

    input.addEventListener("input", function () {
      clearTimeout(timer);
      timer = setTimeout(search, 250);
    });
    input.addEventListener("keydown", function (event) {
      var open = !list.hidden;
      if (event.key === "ArrowDown") {
        event.preventDefault();
        if (open) setActive(active + 1); else search();
      } else if (event.key === "ArrowUp") {
        if (open) { event.preventDefault(); setActive(active - 1); }
      } else if (event.key === "Enter") {
        event.preventDefault();  // never submits the whole form from the search field
        if (open && active >= 0) choose(options()[active]);
        else { clearTimeout(timer); search(); }
      } else if (event.key === "Escape") {
        if (open) { event.preventDefault(); close(); } else input.value = "";
      }
    });
    input.addEventListener("blur", function () { setTimeout(close, 150); });
    list.addEventListener("mousedown", function (event) { event.preventDefault(); });
    list.addEventListener("click", function (event) {
      var option = event.target.closest("[role='option']");
      if (option) choose(option);
    });
  }

  function ready() {
    var pickers = document.querySelectorAll(".picker[data-lookup]");
    for (var i = 0; i < pickers.length; i++) enhance(pickers[i]);
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", ready);
  else ready();
})();
