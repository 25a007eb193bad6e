// Keeps a bulk import's progress bar up to date (admin, 批量导入任务); reloads the page when the job has finished so
// that the errors or the confirm button appear. No inline script: the CSP forbids it.
(function () {
  "use strict";
  function poll(el) {
    fetch(el.getAttribute("data-status-url"), { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) { return response.ok ? response.json() : null; })
      .then(function (data) {
        if (!data) {
          window.setTimeout(function () { poll(el); }, 3000);
          return;
        }
        el.querySelector("progress").value = data.progress;
        el.querySelector(".import-label").textContent = data.status_label + "（" + data.progress + "%）";
        if (data.finished) {
          window.location.reload();
        } else {
          window.setTimeout(function () { poll(el); }, 1000);
        }
      })
      .catch(function () { window.setTimeout(function () { poll(el); }, 3000); });
  }
  function start() {
    document.querySelectorAll(".import-progress[data-finished='0']").forEach(poll);
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
