{% load static %}// The site's service worker (outreach/views/offline.py), version {{ version }}.
// Keeps the site's files and the two forms for work without a connection; keeps My week as last
// loaded for 12 hours; when sending a contact or a referral fails for want of a connection, saves
// it sealed on the phone (static/js/outbox-store.js) and leads back to My week. Nothing else is
// kept. A new version never touches the records waiting: they live in IndexedDB, not here.
"use strict";
importScripts("{% static 'js/outbox-store.js' %}");

var VERSION = "{{ version|escapejs }}";
var FILES = "site-" + VERSION;
var WEEK_CACHE = OutboxStore.weekCache;
var STATIC_KEPT = [{% for url in static_kept %}"{{ url|escapejs }}"{% if not forloop.last %}, {% endif %}{% endfor %}];
var PAGES_KEPT = [{% for url in pages_kept %}"{{ url|escapejs }}"{% if not forloop.last %}, {% endif %}{% endfor %}];
var CONTACT_FORM = PAGES_KEPT[0];
var REFERRAL_FORM = PAGES_KEPT[1];
var OUTBOX = PAGES_KEPT[2];
var WEEK = "{{ week|escapejs }}";
var WEEK_KEPT_MS = {{ week_kept_ms }};
var CONTACT = "{{ contact|escapejs }}";
// Past this, a form's sending counts as failed and is kept on the phone; if it did arrive, its
// key makes the second sending save nothing new.
var SEND_WAIT_MS = 30000;
OutboxStore.urls.key = "{{ urls.key|escapejs }}";
OutboxStore.urls.send = "{{ urls.send|escapejs }}";
OutboxStore.urls.open = "{{ urls.open|escapejs }}";
OutboxStore.urls.referral = "{{ referral|escapejs }}";
OutboxStore.urls.week = WEEK;
var referralPerson = OutboxStore.referralPerson;

function forgetOldWeek() { return OutboxStore.keptWeek(WEEK_KEPT_MS); }

// A copy to keep: read whole first (a copy half-written is never served), stamped with when it
// was kept, without the headers of its trip (it is stored decoded, and matched by address only).
function copyOf(response) {
  return response.blob().then(function (body) {
    var headers = new Headers(response.headers);
    ["Content-Encoding", "Content-Length", "Vary", "Date", "Set-Cookie"].forEach(function (name) { headers.delete(name); });
    headers.set("X-Kept-At", String(Date.now()));
    return new Response(body, {status: 200, headers: headers});
  });
}

// A page kept only if it came from the site itself, signed in (not the login page).
function keep(cache, url) {
  return fetch(url, {credentials: "same-origin", cache: "no-store"}).then(function (response) {
    if (!response.ok || response.redirected) { return null; }
    return copyOf(response).then(function (copy) { return cache.put(url, copy); });
  }).catch(function () { return null; });
}

function keepPages() {
  return caches.open(FILES).then(function (cache) {
    return Promise.all(PAGES_KEPT.map(function (url) { return keep(cache, url); }));
  });
}

self.addEventListener("install", function (event) {
  // A file that fails to come is fetched again on the next visit: it never stops the install.
  event.waitUntil(caches.open(FILES).then(function (cache) {
    return Promise.all(STATIC_KEPT.map(function (url) { return cache.add(url).catch(function () {}); }));
  }).then(keepPages).then(function () { return self.skipWaiting(); }));
});

self.addEventListener("activate", function (event) {
  event.waitUntil(caches.keys().then(function (names) {
    return Promise.all(names.filter(function (name) {
      return name !== FILES && name !== WEEK_CACHE;
    }).map(function (name) { return caches.delete(name); }));
  }).then(forgetOldWeek).then(function () { return self.clients.claim(); }));
});

function keepWeek(response) {
  return copyOf(response).then(function (copy) {
    return caches.open(WEEK_CACHE).then(function (cache) { return cache.put(WEEK, copy); });
  });
}

// Offline: the kept copy of a page, or the list of what waits (it says the page is not kept).
function kept(path) {
  if (path === WEEK) {
    return forgetOldWeek().then(function (week) { return week || caches.match(OUTBOX); });
  }
  var copy = path === CONTACT ? CONTACT_FORM : referralPerson(path) ? REFERRAL_FORM : path;
  return caches.match(copy).then(function (hit) {
    return hit || caches.match(OUTBOX);
  }).then(function (hit) {
    return hit || new Response("Offline", {status: 503, headers: {"Content-Type": "text/plain"}});
  });
}

var refreshed = 0;
function page(request, url) {
  return fetch(request).then(function (response) {
    if (url.pathname === WEEK && !url.search && response.ok && !response.redirected) {
      keepWeek(response.clone());
    }
    // The kept forms follow the site (new partners, a new language) at most every 10 minutes.
    if (Date.now() - refreshed > 600000) { refreshed = Date.now(); keepPages(); }
    return response;
  }, function () { return kept(url.pathname); });
}

function fetchWithin(request, ms) {
  var controller = new AbortController();
  var timer = setTimeout(function () { controller.abort(); }, ms);
  return fetch(request, {signal: controller.signal}).then(function (response) {
    clearTimeout(timer);
    return response;
  }, function (error) { clearTimeout(timer); throw error; });
}

// A contact or referral form sent while the connection fails: kept sealed, sent later.
function sendOrKeep(request, url) {
  var copy = request.clone();
  return fetchWithin(request, SEND_WAIT_MS).catch(function () {
    return copy.formData().then(function (data) {
      var person = referralPerson(url.pathname);
      if (person && data.get("action") !== "refer") { throw new Error("not a referral"); }
      var answers = OutboxStore.answersOf(data);
      if (person) { answers.push(["person", person]); }
      var formKey = String(data.get("form_key") || self.crypto.randomUUID());
      return OutboxStore.save(person ? "referral" : "contact", formKey, answers);
    }).then(function () {
      if (self.registration.sync) { self.registration.sync.register("outbox").catch(function () {}); }
      return Response.redirect(WEEK + "?offline=saved", 303);
    }, function () {
      // Not kept (no key yet on this phone, or not a saving): the browser's own "no connection"
      // page, from which Back returns to the form as it was typed.
      return Response.error();
    });
  });
}

self.addEventListener("fetch", function (event) {
  var request = event.request;
  var url = new URL(request.url);
  if (url.origin !== self.location.origin) { return; }
  if (request.mode === "navigate" && request.method === "GET") {
    event.respondWith(page(request, url));
  } else if (request.mode === "navigate" && request.method === "POST" && (url.pathname === CONTACT || referralPerson(url.pathname))) {
    event.respondWith(sendOrKeep(request, url));
  } else if (request.method === "GET" && STATIC_KEPT.indexOf(url.pathname) !== -1) {
    event.respondWith(caches.match(url.pathname).then(function (hit) { return hit || fetch(request); }));
  }
});

function tellPages(results) {
  return self.clients.matchAll().then(function (pages) {
    pages.forEach(function (client) { client.postMessage({outbox: results.length}); });
  });
}

// Where the browser has Background Sync: send when the connection returns, page open or not.
self.addEventListener("sync", function (event) {
  if (event.tag === "outbox") { event.waitUntil(OutboxStore.send().then(tellPages)); }
});
