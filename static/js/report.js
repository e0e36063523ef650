// Reports: the Print button prints the page (it stays hidden without JavaScript, where
// the browser's own Print prints the same thing through the print stylesheet).
"use strict";

document.querySelectorAll("[data-print]").forEach((button) => {
  button.hidden = false;
  button.addEventListener("click", () => window.print());
});
