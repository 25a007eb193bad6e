// Admin accessibility fixes (issue 13, axe-core): name the select2 comboboxes of autocomplete fields after their
// label and a tabular inline's fields after their column, and give empty table headers (a tabular inline's first and
// delete columns) a text screen readers read.
(function () {
  "use strict";
  var TEXT = {original: "原对象", "delete": "删除", "": "操作"};

  function labelOf(select) {
    var label = select.id && document.querySelector('label[for="' + select.id + '"]');
    return label ? label.textContent.replace(/[:：]\s*$/, "").trim() : "";
  }

  function nameSelect2(root) {
    root.querySelectorAll("select.admin-autocomplete, select[data-select2-id]").forEach(function (select) {
      var name = labelOf(select);
      var container = select.nextElementSibling;
      if (!name || !container || !container.classList.contains("select2")) { return; }
      container.querySelectorAll('[role="combobox"], [role="textbox"], .select2-search__field').forEach(function (el) {
        if (!el.getAttribute("aria-label")) { el.setAttribute("aria-label", name); }
      });
    });
  }

  function fillEmptyHeaders(root) {
    root.querySelectorAll("th").forEach(function (th) {
      if (th.textContent.trim() || th.querySelector("img[alt], input, [aria-label]")) { return; }
      var span = document.createElement("span");
      span.className = "a11y-only";
      span.textContent = TEXT[th.className.trim()] || TEXT[""];
      th.appendChild(span);
    });
  }

  // A tabular inline labels its fields by the column header only: name each unlabelled field after its column.
  function nameInlineFields(root) {
    root.querySelectorAll(".tabular table").forEach(function (table) {
      var headers = Array.prototype.map.call(table.querySelectorAll("thead th"), function (th) {
        return th.textContent.trim();
      });
      table.querySelectorAll("tbody tr").forEach(function (row) {
        Array.prototype.forEach.call(row.children, function (cell, index) {
          cell.querySelectorAll("input:not([type=hidden]), select, textarea").forEach(function (field) {
            var labelled = field.getAttribute("aria-label") ||
              (field.id && document.querySelector('label[for="' + field.id + '"]'));
            if (!labelled && headers[index]) { field.setAttribute("aria-label", headers[index]); }
          });
        });
      });
    });
  }

  // select2 puts its "clear" button (a span) straight into the list of chosen items of a multiple field: a list may
  // hold only list items, so the button goes into one (its click handler is delegated, so it keeps working).
  function wrapClearButtons(root) {
    root.querySelectorAll("ul.select2-selection__rendered > .select2-selection__clear").forEach(function (button) {
      var item = document.createElement("li");
      item.className = "select2-clear-item";
      button.parentNode.insertBefore(item, button);
      item.appendChild(button);
    });
  }

  function fix() {
    wrapClearButtons(document);
    nameSelect2(document);
    fillEmptyHeaders(document);
    nameInlineFields(document);
  }

  document.addEventListener("DOMContentLoaded", fix);
  window.addEventListener("load", function () {
    fix();
    // select2 redraws its widgets (inline rows added, a choice made): name them again.
    new MutationObserver(function () {
      wrapClearButtons(document);
      nameSelect2(document);
    }).observe(document.body, {childList: true, subtree: true});
  });
})();
