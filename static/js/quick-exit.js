// Quick exit: leave without keeping this page in the tab's history. Works as a plain link when
// scripts are off; Shift pressed three times in a row does the same from anywhere on the page.
(function () {
  "use strict";
  function leave(href) { window.location.replace(href); }
  document.addEventListener("click", function (event) {
    var link = event.target.closest("[data-quick-exit]");
    if (!link) { return; }
    event.preventDefault();
    leave(link.href);
  });
  var presses = 0;
  var timer = null;
  document.addEventListener("keyup", function (event) {
    if (event.key !== "Shift") { presses = 0; return; }
    presses += 1;
    clearTimeout(timer);
    timer = setTimeout(function () { presses = 0; }, 1000);
    if (presses === 3) {
      var link = document.querySelector("[data-quick-exit]");
      if (link) { leave(link.href); }
    }
  });
}());
