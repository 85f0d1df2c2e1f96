// Quick exit (templates/includes/quick_exit.html). Without scripts the button posts the form and
// the server sends the browser on. With them, the same POST goes in the background and this page
// is replaced by the neutral one, so Back does not return here. Shift pressed three times in a
// row does the same from anywhere on the page.
(function () {
  "use strict";
  // Leave after this long even if the server has not answered (a phone losing signal): the
  // request goes on without the page (keepalive), and the session has no use once it arrives.
  var WAIT_MS = 1500;
  var leaving = false;

  function leave(form) {
    if (leaving) { return; }
    leaving = true;
    var go = function () { window.location.replace(form.getAttribute("data-exit-url")); };
    var timer = setTimeout(go, WAIT_MS);
    try {
      // Same origin, so the server signs out and sends Clear-Site-Data.
      fetch(form.action, {method: "POST", credentials: "same-origin", keepalive: true}).then(function () { clearTimeout(timer); go(); }, function () { clearTimeout(timer); go(); });
    } catch (error) {
      clearTimeout(timer);
      form.submit();
    }
  }

  document.addEventListener("submit", function (event) {
    var form = event.target.closest("[data-quick-exit]");
    if (!form) { return; }
    event.preventDefault();
    leave(form);
  });
  var presses = 0;
  var timer = null;
  document.addEventListener("keyup", function (event) {
    if (event.key !== "Shift") { presses = 0; return; }
    presses += 1;
    clearTimeout(timer);
    timer = setTimeout(function () { presses = 0; }, 1000);
    if (presses === 3) {
      var form = document.querySelector("[data-quick-exit]");
      if (form) { leave(form); }
    }
  });
}());
