// Narrow screens show each row of a list table as a card (static/css/site.css): label every cell with its column's
// header, so "状态：已报送" still reads as a pair when the header row is hidden.
(function () {
  "use strict";
  document.querySelectorAll("main table.list").forEach(function (table) {
    var headers = Array.prototype.map.call(table.querySelectorAll("thead th"), function (th) {
      // A header only screen readers read (e.g. the actions column) labels nothing on screen.
      var copy = th.cloneNode(true);
      copy.querySelectorAll(".sr-only").forEach(function (hidden) { hidden.remove(); });
      return copy.textContent.trim();
    });
    if (!headers.length) { return; }
    table.querySelectorAll("tbody tr").forEach(function (row) {
      Array.prototype.forEach.call(row.children, function (cell, index) {
        if (headers[index] && !cell.hasAttribute("data-label")) { cell.setAttribute("data-label", headers[index]); }
      });
    });
  });
})();
