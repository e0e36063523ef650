// Checklist pages: with JavaScript, ticks save on change through htmx, so the
// "Save" buttons that a page without JavaScript needs are hidden.
"use strict";

document.documentElement.classList.add("pb-js");
