// Listen (templates/includes/listen.html): reads the page's main text aloud with the phone's own
// speech, in the page's language. Never a voice that sends the text elsewhere: only the phone's
// local voices are used, and where it has none for the language, the button says so.
(function () {
  "use strict";
  var box = document.querySelector("[data-listen]");
  if (!box || !window.speechSynthesis || !window.SpeechSynthesisUtterance) { return; }
  var button = box.querySelector("button");
  var label = button.querySelector("[data-listen-label]");
  var note = box.querySelector("[data-listen-none]");
  var lang = document.documentElement.lang || "en";
  var labels = {listen: label.textContent, stop: button.getAttribute("data-stop-label")};
  var READ = "h1, h2, h3, p, li, label, legend, th, td, dt, dd";

  function text() {
    var main = document.querySelector("main") || document.body;
    var parts = [];
    main.querySelectorAll(READ).forEach(function (element) {
      // Once each (a label inside a list item is read with it), only what is on screen.
      if (box.contains(element) || element.parentElement.closest(READ) || !element.getClientRects().length) { return; }
      var words = element.innerText.replace(/\s+/g, " ").trim();
      if (words) { parts.push(words); }
    });
    return parts.join(". ").replace(/\.\s*\./g, ".");
  }

  // A local voice for the page's language; null when the phone has voices but none fits;
  // undefined when it lists none (its default voice is its own).
  function voice() {
    var voices = window.speechSynthesis.getVoices();
    if (!voices.length) { return undefined; }
    var base = lang.split("-")[0].toLowerCase();
    var fitting = voices.filter(function (v) { return v.localService && v.lang.toLowerCase().split(/[-_]/)[0] === base; });
    return fitting.length ? fitting[0] : null;
  }

  function stop() {
    window.speechSynthesis.cancel();
    label.textContent = labels.listen;
    button.setAttribute("aria-pressed", "false");
  }

  button.addEventListener("click", function () {
    if (button.getAttribute("aria-pressed") === "true") { stop(); return; }
    var chosen = voice();
    if (chosen === null) { note.hidden = false; return; }
    var utterance = new window.SpeechSynthesisUtterance(text());
    utterance.lang = lang;
    if (chosen) { utterance.voice = chosen; }
    utterance.onend = utterance.onerror = stop;
    window.speechSynthesis.cancel();
    window.speechSynthesis.speak(utterance);
    label.textContent = labels.stop;
    button.setAttribute("aria-pressed", "true");
  });
  box.hidden = false;
}());
