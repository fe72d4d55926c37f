// Packet page: while a build runs, poll its status and show the progress; reload when done.
(function () {
  "use strict";
  document.addEventListener("DOMContentLoaded", function () {
    var panel = document.querySelector("[data-status-url]");
    var box = document.getElementById("build-status");
    if (!panel || !box || !box.querySelector("progress")) { return; }
    var url = panel.getAttribute("data-status-url");
    var bar = box.querySelector("progress");
    var message = box.querySelector("[data-build-message]");
    function poll() {
      fetch(url, { headers: { "Accept": "application/json" }, credentials: "same-origin" })
        .then(function (r) { return r.ok ? r.json() : Promise.reject(r.status); })
        .then(function (s) {
          if (s.building) {
            bar.value = s.percent;
            bar.textContent = s.percent + "%";
            if (message) { message.textContent = s.message + " (" + s.done + " of " + s.total + ")"; }
            window.setTimeout(poll, 1500);
          } else {
            window.location.reload();
          }
        })
        .catch(function () { window.setTimeout(poll, 5000); });
    }
    window.setTimeout(poll, 1000);
  });
})();
