// The verify page (templates/documents/verify.html): hashes the PDF the reader chooses with SubtleCrypto, in the
// browser (nothing is uploaded), and says in words whether it is the issued original. Where the browser cannot
// hash (no SubtleCrypto outside HTTPS, an old browser), the form is sent and the server compares the file.
(function () {
  "use strict";
  var form = document.getElementById("compare-form");
  var result = document.getElementById("compare-result");
  if (!form || !result || !window.crypto || !window.crypto.subtle || !window.Blob || !Blob.prototype.arrayBuffer) {
    return; // the form posts to the server
  }
  var input = form.querySelector("input[type=file]");
  var expected = (form.getAttribute("data-sha256") || "").toLowerCase();
  var expectedSize = parseInt(form.getAttribute("data-size") || "", 10);
  var busy = false;

  function text(key, name) {
    return (result.getAttribute("data-" + key) || "").replace("{name}", name || "");
  }

  function show(kind, verdict, detail) {
    result.className = "compare-result" + (kind ? " " + kind : "");
    result.textContent = "";
    var p = document.createElement("p");
    p.className = "verdict";
    p.textContent = verdict;
    result.appendChild(p);
    if (detail) {
      var more = document.createElement("p");
      more.textContent = detail;
      result.appendChild(more);
    }
  }

  function hex(buffer) {
    var bytes = new Uint8Array(buffer);
    var out = "";
    for (var i = 0; i < bytes.length; i++) {
      out += (bytes[i] < 16 ? "0" : "") + bytes[i].toString(16);
    }
    return out;
  }

  function isPdf(buffer) {
    var head = new Uint8Array(buffer, 0, Math.min(5, buffer.byteLength));
    return String.fromCharCode.apply(null, head) === "%PDF-";
  }

  function mismatch(file) {
    show("not-original", text("mismatch"), text("mismatch-detail", file.name));
  }

  function check(file) {
    if (busy) {
      return;
    }
    if (file.size === 0) {
      show("not-original", text("empty"));
      return;
    }
    busy = true;
    show("", text("working"));
    file.slice(0, 5).arrayBuffer()
      .then(function (head) {
        if (!isPdf(head)) {
          show("not-original", text("not-pdf"));
          return null;
        }
        if (!isNaN(expectedSize) && file.size !== expectedSize) {
          mismatch(file); // a different length is a different file: no need to read it all
          return null;
        }
        return file.arrayBuffer()
          .then(function (data) { return window.crypto.subtle.digest("SHA-256", data); })
          .then(function (digest) {
            var actual = hex(digest);
            form.setAttribute("data-computed-sha256", actual);
            if (expected && actual === expected) {
              show("is-original", text("match"), text("match-detail", file.name));
            } else {
              mismatch(file);
            }
          });
      })
      .catch(function () { show("not-original", text("failed")); })
      .then(function () { busy = false; });
  }

  form.addEventListener("submit", function (event) {
    if (input.files && input.files.length) {
      event.preventDefault();
      check(input.files[0]);
    }
  });
  input.addEventListener("change", function () {
    if (input.files && input.files.length) {
      check(input.files[0]);
    }
  });
}());
