// Keeps document progress bars in the admin up to date without reloading (see safetyportal/documents/admin.py).
(function () {
  "use strict";
  function poll(el) {
    if (el.getAttribute("data-finished") === "1") {
      return;
    }
    fetch(el.getAttribute("data-status-url"), { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (data) {
        if (!data) {
          return;
        }
        el.querySelector("progress").value = data.progress;
        el.querySelector(".doc-label").textContent = data.status_label;
        el.querySelector(".doc-error").textContent = data.error || "";
        if (data.done) {
          el.querySelector(".doc-download").hidden = false;
        }
        if (data.finished) {
          el.setAttribute("data-finished", "1");
        } else {
          window.setTimeout(function () { poll(el); }, 1000);
        }
      })
      .catch(function () { window.setTimeout(function () { poll(el); }, 3000); });
  }
  function start() {
    document.querySelectorAll(".doc-status").forEach(poll);
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
