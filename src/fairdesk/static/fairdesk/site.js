// Marks the page as scripted (<html class="js">): `.js-only` elements (what is true only with JavaScript, such
// as "this page updates itself") show then, and stay shown across htmx swaps. No inline script (CSP).
document.documentElement.classList.add("js");

// A form marked data-once is sent once: its button is disabled as it goes (a double tap books once; the
// server also recognises a second submission of the same form and shows the booking it made). Coming back
// with the browser's back button finds it enabled again.
document.addEventListener("submit", function (event) {
  var form = event.target;
  if (!form.matches || !form.matches("form[data-once]")) { return; }
  var button = event.submitter;
  if (button && button.formAction && button.formAction !== form.action) { return; } // another day, a code
  if (form.dataset.sending) { event.preventDefault(); return; }
  form.dataset.sending = "1";
  window.setTimeout(function () {
    form.querySelectorAll("[data-testid=confirm-booking], button[type=submit]:not([formaction])").forEach(
      function (b) { b.disabled = true; b.classList.add("sending"); });
  }, 0);
});
window.addEventListener("pageshow", function () {
  document.querySelectorAll("form[data-once]").forEach(function (form) {
    delete form.dataset.sending;
    form.querySelectorAll("button.sending").forEach(function (b) { b.disabled = false; b.classList.remove("sending"); });
  });
});
