// Marks the page as scripted (<html class="js">): `.js-only` elements (what is true only with JavaScript, such
// as "this page updates itself") show then, and stay shown across htmx swaps. No inline script (CSP).
document.documentElement.classList.add("js");
