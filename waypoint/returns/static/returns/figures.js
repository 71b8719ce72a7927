// The figures form of a return: once a breakdown is chosen in a row, its category input offers
// that breakdown's codes. The form works without this script (the codes follow after saving).
(function () {
  "use strict";

  document.addEventListener("change", function (event) {
    var select = event.target;
    if (!(select instanceof HTMLSelectElement) || !/-dimension_\d+$/.test(select.name)) { return; }
    var option = select.options[select.selectedIndex];
    var list = option ? option.getAttribute("data-list") : null;
    var input = document.getElementById(select.id.replace(/-dimension_(\d+)$/, "-category_$1"));
    if (input && list) { input.setAttribute("list", list); }
  });
})();
