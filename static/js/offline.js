// Work without a connection, on the pages of outreach workers (templates/base.html): installs
// the service worker, shows on every page what waits on this phone, sends it when the connection
// returns, fills in the forms kept for offline use, and lists what waits (the outbox page).
(function () {
  "use strict";
  var status = document.getElementById("offline-status");
  if (!status || !window.OutboxStore || !window.indexedDB || !window.crypto || !window.crypto.subtle) { return; }
  var data = status.dataset;
  OutboxStore.urls.key = data.keyUrl;
  OutboxStore.urls.send = data.sendUrl;
  OutboxStore.urls.open = data.openUrl;
  OutboxStore.urls.referral = data.referralUrl;
  OutboxStore.urls.week = data.weekUrl;
  var WEEK_KEPT_MS = Number(data.weekKeptMs);
  var WARN_MS = Number(data.warnDays) * 24 * 3600 * 1000;
  var lang = document.documentElement.lang;
  var parts = status.querySelector("template[data-offline-parts]").content;

  // A part of the status (saved, follow-ups, waiting), put on the page only when shown.
  function part(name) {
    var selector = "[data-offline-" + name + "]";
    return status.querySelector(selector) || status.appendChild(parts.querySelector(selector).cloneNode(true));
  }

  // The pages' one date format (config/formats): 7 December 2026, 15:07; in English as written
  // in Britain, not the browser's 12/7/26.
  function when(ms) {
    return new Date(ms).toLocaleString(lang === "en" ? "en-GB" : lang, {
      day: "numeric", month: "long", year: "numeric", hour: "2-digit", minute: "2-digit", hourCycle: "h23"
    });
  }

  function show() {
    return OutboxStore.all().then(function (records) {
      var shown = status.querySelector("[data-offline-waiting]");
      if (!records.length) {
        if (shown) { shown.remove(); }
        return records;
      }
      var waiting = part("waiting");
      var oldest = Math.min.apply(null, records.map(function (r) { return r.saved; }));
      var text = records.length === 1 ? data.one : data.many;
      waiting.querySelector("[data-offline-count]").textContent = text.replace("%(count)s", records.length).replace("%(since)s", when(oldest));
      waiting.querySelector("[data-offline-old]").hidden = Date.now() - oldest < WARN_MS;
      return records;
    });
  }

  // Send what waits; after a failure (no signal, the server busy), again a little later while
  // this page stays open: after 2 s, then 6 s, 18 s... at most every 5 minutes.
  var retryMs = 2000;
  var retry = null;
  function sendNow() {
    if (!navigator.onLine) { return Promise.resolve([]); }
    clearTimeout(retry);
    return OutboxStore.ready(data.worker).then(OutboxStore.send).then(function (results) {
      retryMs = 2000;
      return results;
    }, function () {
      retry = setTimeout(sendNow, retryMs);
      retryMs = Math.min(retryMs * 3, 300000);
      return [];
    }).then(function (results) {
      return show().then(function () { listOutbox(); followUps(results); return results; });
    });
  }

  // A contact sent from the phone that reported violence: its follow-up form, as online.
  function followUps(results) {
    results.forEach(function (result) {
      if (!result.next) { return; }
      var box = part("follow-ups");
      var link = document.createElement("a");
      link.href = result.next;
      link.className = "d-block";
      link.textContent = box.dataset.label;
      box.appendChild(link);
    });
  }

  function nameFromWeek(pk, target) {
    target.textContent = target.dataset.unknown;
    if (!window.caches) { return; }
    OutboxStore.keptWeek(WEEK_KEPT_MS).then(function (response) {
      return response ? response.text() : "";
    }).then(function (html) {
      var doc = new DOMParser().parseFromString(html, "text/html");
      var row = doc.querySelector('[data-person="' + pk + '"] [data-person-label]');
      if (row) { target.textContent = row.textContent; }
    }).catch(function () {});
  }

  function choosePerson(form, pk, fromAddress) {
    form.querySelector("input[name=person]").value = pk;
    var code = form.querySelector("[data-offline-code]");
    if (code) {
      code.hidden = true;
      code.querySelectorAll("input").forEach(function (input) { input.disabled = true; });
    }
    var shown = form.querySelector("[data-offline-person]");
    shown.hidden = false;
    form.querySelector("[data-offline-other]").hidden = fromAddress;
    nameFromWeek(pk, form.querySelector("[data-offline-name]"));
  }

  function fill(form, answers) {
    form.querySelectorAll("input[type=checkbox], input[type=radio]").forEach(function (input) { input.checked = false; });
    answers.forEach(function (pair) {
      form.querySelectorAll('[name="' + pair[0] + '"]').forEach(function (input) {
        if (input.type === "checkbox" || input.type === "radio") {
          if (input.value === pair[1]) { input.checked = true; }
        } else if (input.type !== "hidden" || pair[0] === "person") {
          input.value = pair[1];
        }
      });
    });
  }

  function markErrors(form, errors) {
    Object.keys(errors || {}).forEach(function (name) {
      var input = form.querySelector('[name="' + name + '"]');
      errors[name].forEach(function (message) {
        var note = document.createElement("div");
        if (!input) {  // about the form as a whole (a code nobody has): on top of it
          note.className = "alert alert-danger";
          note.setAttribute("role", "alert");
          note.textContent = message;
          form.insertBefore(note, form.firstChild);
          return;
        }
        input.classList.add("is-invalid");
        note.className = "invalid-feedback d-block";
        note.textContent = message;
        (input.closest(".mb-3") || input.parentNode).appendChild(note);
      });
    });
  }

  function allErrors(record) {
    var messages = [];
    Object.keys(record.errors || {}).forEach(function (name) { messages = messages.concat(record.errors[name]); });
    return messages.join(" ");
  }

  // Fixing a record the server refused: its answers come back from the server into this page
  // only; saving seals them again under the same key, in place of the refused record.
  function fix(form, id) {
    return OutboxStore.get(id).then(function (record) {
      if (!record) { return null; }
      return OutboxStore.reopen(record).then(function (opened) {
        form.querySelector("input[name=form_key]").value = opened.form_key;
        fill(form, opened.answers);
        var person = opened.answers.filter(function (p) { return p[0] === "person" && p[1]; })[0];
        if (person) { choosePerson(form, person[1], false); }
        var note = document.querySelector("[data-offline-fixing]");
        note.hidden = false;
        note.querySelector("[data-offline-reason]").textContent = record.reason;
        markErrors(form, record.errors);
        return record;
      });
    });
  }

  function keptForm() {
    var form = document.querySelector("form[data-offline-form]");
    if (!form) { return; }
    var params = new URLSearchParams(location.search);
    // A fresh key for every copy opened: two contacts logged offline are two records.
    form.querySelector("input[name=form_key]").value = crypto.randomUUID();
    var fromAddress = OutboxStore.referralPerson(location.pathname);
    if (fromAddress || params.get("person")) { choosePerson(form, fromAddress || params.get("person"), !!fromAddress); }
    var fixing = params.get("fix") ? fix(form, params.get("fix")) : Promise.resolve(null);
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      if (form.dataset.saving) { return; }
      form.dataset.saving = "1";
      fixing.then(function (record) {
        var key = form.querySelector("input[name=form_key]").value;
        if (record && record.id !== key) { OutboxStore.remove(record.id); }
        return OutboxStore.save(form.dataset.offlineForm, key, OutboxStore.answersOf(new FormData(form)), record && record.saved);
      }).then(function () {
        // Ask the browser to keep what waits, and to send it when the connection returns
        // even with the page closed (Background Sync, where it has it).
        if (navigator.storage && navigator.storage.persist) { navigator.storage.persist(); }
        if (navigator.serviceWorker && navigator.serviceWorker.controller) {
          navigator.serviceWorker.ready.then(function (registration) {
            if (registration.sync) { return registration.sync.register("outbox"); }
            return null;
          }).catch(function () {});
        }
        return sendNow();
      }).then(function () {
        location.assign(data.weekUrl + "?offline=saved");
      }, function () {
        delete form.dataset.saving;
        document.querySelector("[data-offline-unsaved]").hidden = false;
      });
    });
  }

  function button(label, action) {
    var element = document.createElement("button");
    element.type = "button";
    element.className = "btn btn-outline-secondary";
    element.textContent = label;
    element.addEventListener("click", action);
    return element;
  }

  // The outbox page: each record waiting, and what the server said of it.
  function listOutbox() {
    var list = document.querySelector("[data-outbox]");
    if (!list) { return; }
    var texts = list.dataset;
    OutboxStore.all().then(function (records) {
      list.textContent = "";
      document.querySelector("[data-outbox-empty]").hidden = records.length > 0;
      records.sort(function (a, b) { return a.saved - b.saved; }).forEach(function (record) {
        var item = document.createElement("li");
        item.className = "list-group-item";
        var title = document.createElement("p");
        title.className = "fw-semibold mb-1";
        title.textContent = (record.kind === "referral" ? texts.referral : texts.contact) + " · " + when(record.saved);
        item.appendChild(title);
        var state = document.createElement("p");
        state.className = "mb-2";
        state.textContent = record.status === "refused" ? [texts.refused, record.reason, allErrors(record)].join(" ") : texts.waiting + (record.reason ? " " + record.reason : "");
        item.appendChild(state);
        if (record.status === "refused") {
          var actions = document.createElement("div");
          actions.className = "d-flex flex-wrap gap-2";
          var fixLink = document.createElement("a");
          fixLink.className = "btn btn-primary";
          fixLink.href = (record.kind === "referral" ? texts.referralUrl : texts.contactUrl) + "?fix=" + encodeURIComponent(record.id);
          fixLink.textContent = texts.fix;
          actions.appendChild(fixLink);
          actions.appendChild(button(texts.again, function () {
            record.status = "waiting";
            OutboxStore.put(record).then(sendNow);
          }));
          actions.appendChild(button(texts.discard, function () {
            if (window.confirm(texts.confirm)) { OutboxStore.remove(record.id).then(show).then(listOutbox); }
          }));
          item.appendChild(actions);
        }
        list.appendChild(item);
      });
    });
  }

  // Log out deletes everything this site keeps on the phone first (static/js/quick-exit.js).
  document.querySelectorAll("form[data-wipe]").forEach(function (form) {
    form.addEventListener("submit", function (event) {
      if (form.dataset.wiped || !window.wipeThisSite) { return; }
      event.preventDefault();
      window.wipeThisSite().then(function () { form.dataset.wiped = "1"; form.submit(); });
    });
  });

  if ("serviceWorker" in navigator) {
    navigator.serviceWorker.register(data.swUrl, {scope: "/"}).catch(function () {});
    navigator.serviceWorker.addEventListener("message", function () { show(); listOutbox(); });
  }
  var sendButton = document.querySelector("[data-outbox-send]");
  if (sendButton) { sendButton.addEventListener("click", sendNow); }
  if (/[?&]offline=saved/.test(location.search)) { part("saved"); }
  var notKept = document.querySelector("[data-offline-not-kept]");
  if (notKept && location.pathname !== data.outboxUrl) { notKept.hidden = false; }
  // My week is kept for offline use no longer than 12 hours: it names people.
  if (window.caches) { OutboxStore.keptWeek(WEEK_KEPT_MS).catch(function () {}); }
  keptForm();
  show().then(listOutbox).then(sendNow);
  window.addEventListener("online", sendNow);
}());
