// Small behaviours that need a browser. The pages work without this file.
"use strict";

// A form button with data-confirm asks once before a destructive action.
document.addEventListener("submit", (event) => {
  const button = event.submitter;
  const question = button && button.dataset.confirm;
  if (question && !window.confirm(question)) {
    event.preventDefault();
  }
});
