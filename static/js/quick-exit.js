// Quick exit (templates/includes/quick_exit.html). Without scripts the button posts the form and
// the server sends the browser on. With them, the same POST goes in the background and this page
// is replaced by the neutral one, so Back does not return here. Shift pressed three times in a
// row does the same from anywhere on the page. Before leaving, everything the site keeps on the
// phone is deleted here too (records waiting to be sent, kept pages, the service worker): without
// a connection the server's Clear-Site-Data never arrives. Log out does the same (offline.js).
(function () {
  "use strict";

  function settled(promise) { return promise.then(function () {}, function () {}); }

  function deleteOutbox() {
    // Done when deleted, not when merely asked: a page closing too early could keep it.
    return new Promise(function (resolve) {
      var request = window.indexedDB.deleteDatabase("outbox");
      request.onsuccess = request.onerror = resolve;
      setTimeout(resolve, 3000);
    });
  }

  // The service worker first, so that nothing of it writes again what is deleted next.
  window.wipeThisSite = function () {
    window.siteWiped = true;  // static/js/outbox-store.js opens nothing from now on
    var workers = navigator.serviceWorker ? settled(navigator.serviceWorker.getRegistrations().then(function (registrations) {
      return Promise.all(registrations.map(function (registration) { return registration.unregister(); }));
    })) : Promise.resolve();
    return workers.then(function () {
      var jobs = [];
      if (window.indexedDB) { jobs.push(deleteOutbox()); }
      if (window.caches) {
        jobs.push(settled(caches.keys().then(function (names) {
          return Promise.all(names.map(function (name) { return caches.delete(name); }));
        })));
      }
      return Promise.all(jobs);
    });
  };

  // Leave after this long even if the server has not answered (a phone losing signal): the
  // request goes on without the page (keepalive), and the session has no use once it arrives.
  var WAIT_MS = 1500;
  var leaving = false;

  function leave(form) {
    if (leaving) { return; }
    leaving = true;
    var wiped = settled(window.wipeThisSite());
    var gone = false;
    var go = function () {
      if (gone) { return; }
      gone = true;
      wiped.then(function () { window.location.replace(form.getAttribute("data-exit-url")); });
    };
    var timer = setTimeout(go, WAIT_MS);
    try {
      // Same origin, so the server signs out and sends Clear-Site-Data.
      fetch(form.action, {method: "POST", credentials: "same-origin", keepalive: true}).then(function () { clearTimeout(timer); go(); }, function () { clearTimeout(timer); go(); });
    } catch (error) {
      clearTimeout(timer);
      wiped.then(function () { form.submit(); });
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
