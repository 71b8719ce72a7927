// Incident entry: show each person's parts for the chosen role, and add a filter box to long
// lists of choices. The form works without this script; it only saves scrolling.
(function () {
  "use strict";

  var VICTIM_ROLES = ["victim", "smuggled_migrant"];

  function showParts(select) {
    var match = /^person-(\d+)-role$/.exec(select.name);
    if (!match) { return; }
    var role = select.value;
    var parts = document.querySelectorAll('.role-part[data-person="' + match[1] + '"]');
    parts.forEach(function (part) {
      var kind = part.getAttribute("data-shows");
      var shown;
      if (kind === "victim") { shown = !role || VICTIM_ROLES.indexOf(role) !== -1; }
      else if (kind === "offender") { shown = !role || role === "offender"; }
      else { shown = !!role && VICTIM_ROLES.indexOf(role) === -1 && role !== "offender"; }
      part.hidden = !shown;
      // A part that does not apply is not sent with the form either.
      if (part instanceof HTMLFieldSetElement) { part.disabled = !shown; }
    });
  }

  document.addEventListener("change", function (event) {
    var target = event.target;
    if (target instanceof HTMLSelectElement && target.getAttribute("data-role") === "person") {
      showParts(target);
    }
  });

  var counter = 0;

  function addFilter(picker) {
    if (picker.querySelector(".picker-filter")) { return; }
    counter += 1;
    var id = "picker-filter-" + counter;
    var wrap = document.createElement("div");
    wrap.className = "picker-filter";
    var label = document.createElement("label");
    label.setAttribute("for", id);
    label.textContent = picker.getAttribute("data-filter-label") || "";
    var input = document.createElement("input");
    input.type = "search";
    input.id = id;
    input.autocomplete = "off";
    wrap.appendChild(label);
    wrap.appendChild(input);
    picker.insertBefore(wrap, picker.firstChild);
    input.addEventListener("input", function () {
      var wanted = input.value.trim().toLocaleLowerCase();
      picker.querySelectorAll("label").forEach(function (option) {
        if (option.parentNode === wrap) { return; }
        var row = option.parentNode;
        var text = option.textContent.toLocaleLowerCase();
        var checked = option.querySelector("input:checked");
        row.hidden = wanted !== "" && text.indexOf(wanted) === -1 && !checked;
      });
    });
    // Enter in the filter box filters; it does not submit the form.
    input.addEventListener("keydown", function (event) {
      if (event.key === "Enter") { event.preventDefault(); }
    });
  }

  function enhance(root) {
    root.querySelectorAll(".picker").forEach(addFilter);
  }

  document.addEventListener("DOMContentLoaded", function () { enhance(document); });
  document.addEventListener("htmx:load", function (event) { enhance(event.target); });
})();
