// Records saved on this phone without a connection (outreach/views/offline.py), for the pages
// (static/js/offline.js) and the service worker (templates/outreach/offline/sw.js) alike.
//
// Each record is sealed before it is stored: a fresh AES-GCM key encrypts it and the server's
// RSA-OAEP public key wraps that key, so only the server can read it. What stays readable on
// the phone: what kind of record it is, when it was saved, and the server's reason when it
// refused it. The store's format is versioned; a new version of the site never drops records.
(function (scope) {
  "use strict";
  var DB = "outbox";
  var RECORDS = "records";
  var META = "meta";
  var FORMAT = 1;
  var BATCH = 50;
  // The addresses, given by the page or the service worker; `referral` is a person's referral
  // address with 0 for their id, `week` My week's.
  var urls = {key: "", send: "", open: "", referral: "", week: ""};
  var WEEK_CACHE = "week";

  function open() {
    // After quick exit or log out began, nothing may write the store again, not even empty.
    if (scope.siteWiped) { return Promise.reject(new Error("wiped")); }
    return new Promise(function (resolve, reject) {
      var request = scope.indexedDB.open(DB, 1);
      request.onupgradeneeded = function () {
        var db = request.result;
        if (!db.objectStoreNames.contains(RECORDS)) { db.createObjectStore(RECORDS, {keyPath: "id"}); }
        if (!db.objectStoreNames.contains(META)) { db.createObjectStore(META); }
      };
      request.onsuccess = function () {
        // A wipe (quick exit, log out) is never kept waiting by this connection.
        request.result.onversionchange = function () { request.result.close(); };
        resolve(request.result);
      };
      request.onerror = function () { reject(request.error); };
    });
  }

  // One transaction; the database is closed after it, so that a wipe is never kept waiting.
  function run(store, mode, work) {
    return open().then(function (db) {
      return new Promise(function (resolve, reject) {
        var tx = db.transaction(store, mode);
        var request = work(tx.objectStore(store));
        var result;
        if (request) { request.onsuccess = function () { result = request.result; }; }
        tx.oncomplete = function () { db.close(); resolve(result); };
        tx.onerror = tx.onabort = function () { db.close(); reject(tx.error); };
      });
    });
  }

  function all() { return run(RECORDS, "readonly", function (s) { return s.getAll(); }); }
  function get(id) { return run(RECORDS, "readonly", function (s) { return s.get(id); }); }
  function put(record) { return run(RECORDS, "readwrite", function (s) { return s.put(record); }); }
  function remove(id) { return run(RECORDS, "readwrite", function (s) { return s.delete(id); }); }

  function base64(buffer) {
    var bytes = new Uint8Array(buffer);
    var text = "";
    for (var i = 0; i < bytes.length; i += 1) { text += String.fromCharCode(bytes[i]); }
    return scope.btoa(text);
  }

  function bytes(text) {
    var raw = scope.atob(text);
    var out = new Uint8Array(raw.length);
    for (var i = 0; i < raw.length; i += 1) { out[i] = raw.charCodeAt(i); }
    return out;
  }

  function getJson(url) {
    return scope.fetch(url, {credentials: "same-origin", cache: "no-store"}).then(function (response) {
      var type = response.headers.get("Content-Type") || "";
      if (!response.ok || type.indexOf("application/json") !== 0) { throw new Error("not signed in"); }
      return response.json();
    });
  }

  // The server's public key, whose records these are, and a token for sending. Fetched when
  // online and kept (none of it is secret); the token is always fetched afresh before sending.
  function key() {
    return getJson(urls.key).then(function (fresh) {
      fresh.fetched = Date.now();
      return run(META, "readwrite", function (s) { return s.put(fresh, "key"); }).then(function () { return fresh; });
    }, function () {
      return run(META, "readonly", function (s) { return s.get("key"); });
    });
  }

  // Before going offline: the key kept on the phone is this login's and less than a day old.
  var KEY_KEPT_MS = 24 * 3600 * 1000;
  function ready(worker) {
    return run(META, "readonly", function (s) { return s.get("key"); }).then(function (kept) {
      if (kept && String(kept.worker) === String(worker) && Date.now() - kept.fetched < KEY_KEPT_MS) { return kept; }
      return key();
    });
  }

  function seal(content, server) {
    var subtle = scope.crypto.subtle;
    return Promise.all([
      subtle.importKey("spki", bytes(server.public_key), {name: "RSA-OAEP", hash: "SHA-256"}, false, ["wrapKey"]),
      subtle.generateKey({name: "AES-GCM", length: 256}, true, ["encrypt"])
    ]).then(function (keys) {
      var iv = scope.crypto.getRandomValues(new Uint8Array(12));
      var plain = new TextEncoder().encode(JSON.stringify(content));
      return Promise.all([
        subtle.wrapKey("raw", keys[1], keys[0], {name: "RSA-OAEP"}),
        subtle.encrypt({name: "AES-GCM", iv: iv}, keys[1], plain)
      ]).then(function (parts) {
        return {key: server.key, wrapped: base64(parts[0]), iv: base64(iv), data: base64(parts[1])};
      });
    });
  }

  // Save a form's answers, sealed. The form's key is the record's id: the same form saved
  // twice is one record, and the server saves it once however often it is sent.
  function save(kind, formKey, answers, saved) {
    return key().then(function (server) {
      if (!server) { throw new Error("no key"); }
      var content = {v: FORMAT, kind: kind, worker: server.worker, form_key: formKey, answers: answers};
      return seal(content, server).then(function (sealed) {
        var record = {id: formKey, v: FORMAT, kind: kind, saved: saved || Date.now(), status: "waiting", reason: "", errors: {}, sealed: sealed};
        return put(record).then(function () { return record; });
      });
    });
  }

  function post(url, records) {
    return key().then(function (server) {
      return scope.fetch(url, {
        method: "POST",
        credentials: "same-origin",
        headers: {"Content-Type": "application/json", "X-CSRFToken": server.csrf},
        body: JSON.stringify({records: records})
      });
    });
  }

  function settle(results) {
    return Promise.all((results || []).map(function (result) {
      if (result.status === "stored") { return remove(result.id); }
      return get(result.id).then(function (record) {
        if (!record) { return null; }
        record.status = result.status === "refused" ? "refused" : "waiting";
        record.reason = result.reason || "";
        record.errors = result.errors || {};
        return put(record);
      });
    })).then(function () { return results || []; });
  }

  // One sending at a time across this site's pages and its service worker (Web Locks, where
  // the browser has them): a record is never in two sendings at once.
  function alone(work) {
    var locks = scope.navigator && scope.navigator.locks;
    return locks ? locks.request("outbox-send", work) : work();
  }

  // Send what waits (not what the server refused: the worker fixes it first). Answers which
  // records were stored; anything unanswered stays for the next time.
  var sending = null;
  function send() {
    if (sending) { return sending; }
    sending = alone(function () { return all().then(sendSome); });
    var done = function () { sending = null; };
    sending.then(done, done);
    return sending;
  }

  function sendSome(records) {
    var waiting = records.filter(function (r) { return r.status !== "refused"; }).slice(0, BATCH);
    if (!waiting.length) { return []; }
    return post(urls.send, waiting.map(function (r) { return {id: r.id, sealed: r.sealed}; })).then(function (response) {
      if (!response.ok) { throw new Error("not sent"); }
      return response.json();
    }).then(function (body) { return settle(body.results); });
  }

  // A refused record's answers, from the server, to fix on the form (kept in the page only).
  function reopen(record) {
    return post(urls.open, [{id: record.id, sealed: record.sealed}]).then(function (response) {
      return response.json();
    });
  }

  // A form's answers as sent, without the token and the key (the record carries its key).
  function answersOf(formData) {
    var answers = [];
    formData.forEach(function (value, name) {
      if (typeof value === "string" && name !== "csrfmiddlewaretoken" && name !== "form_key") { answers.push([name, value]); }
    });
    return answers;
  }

  // The id of the person a referral address names (/outreach/people/<id>/refer/), or null.
  function referralPerson(path) {
    var parts = urls.referral.split("/0/");
    var before = parts[0] + "/";
    var after = "/" + parts[1];
    if (path.indexOf(before) !== 0 || path.slice(-after.length) !== after) { return null; }
    var middle = path.slice(before.length, path.length - after.length);
    return /^[0-9]+$/.test(middle) ? middle : null;
  }

  // My week as kept on the phone, or null; a copy kept longer than `keptMs` is deleted (it
  // names people).
  function keptWeek(keptMs) {
    return scope.caches.open(WEEK_CACHE).then(function (cache) {
      return cache.match(urls.week).then(function (response) {
        if (response && Date.now() - Number(response.headers.get("X-Kept-At")) > keptMs) {
          return cache.delete(urls.week).then(function () { return null; });
        }
        return response || null;
      });
    });
  }

  scope.OutboxStore = {
    answersOf: answersOf, referralPerson: referralPerson, keptWeek: keptWeek, weekCache: WEEK_CACHE,
    urls: urls, ready: ready, all: all, get: get, put: put, remove: remove, save: save, send: send, reopen: reopen
  };
}(self));
