// The public report form: hide the name and phone fields while "匿名举报" is ticked, and refuse more than five
// photos before uploading (the server checks again). No inline script: the CSP forbids it.
(function () {
  "use strict";
  var form = document.querySelector("form[data-report-form]");
  if (!form) { return; }
  var anonymous = form.querySelector("#id_anonymous");
  var identity = form.querySelector(".identity-fields");
  function sync() {
    if (!anonymous || !identity) { return; }
    identity.classList.toggle("is-hidden", anonymous.checked);
  }
  if (anonymous) { anonymous.addEventListener("change", sync); sync(); }
  var photos = form.querySelector("#id_photos");
  var max = photos ? parseInt(photos.getAttribute("data-max-files") || "5", 10) : 5;
  if (photos) {
    photos.addEventListener("change", function () {
      if (photos.files && photos.files.length > max) {
        photos.setCustomValidity("最多上传" + max + "张照片。");
      } else {
        photos.setCustomValidity("");
      }
      photos.reportValidity();
    });
  }
  form.addEventListener("submit", function () {
    var button = form.querySelector("button[type=submit]");
    if (button) { button.disabled = true; button.textContent = "正在提交…"; }
  });
})();
