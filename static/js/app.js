// Small behaviours shared by every page. No framework, no inline script (strict CSP).
(function () {
  "use strict";

  // Ask before a destructive POST: <form data-confirm="Delete this?">.
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (form.matches && form.matches("form[data-confirm]")) {
      if (!window.confirm(form.getAttribute("data-confirm"))) {
        event.preventDefault();
      }
    }
  }, true);

  // Move focus to an error summary so screen readers hear it first.
  document.addEventListener("DOMContentLoaded", function () {
    var summary = document.querySelector("[data-focus]");
    if (summary) { summary.focus(); }
  });

  // Let other scripts drop what the browser keeps before signing out.
  document.addEventListener("submit", function (event) {
    if (event.target.matches && event.target.matches("form[data-logout]")) {
      document.dispatchEvent(new CustomEvent("facilitator:logout"));
    }
  });
})();
