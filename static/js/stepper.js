// Large − and + buttons beside number inputs marked data-stepper, and the live condom suggestion
// of the contact form. Progressive enhancement only: without scripts the inputs work alone and
// the server shows the suggestion.
(function () {
  "use strict";

  function readNumber(input) {
    var value = parseInt(input.value, 10);
    return isNaN(value) ? null : value;
  }

  function step(input, delta) {
    var value = (readNumber(input) || 0) + delta;
    var min = input.min === "" ? 0 : parseInt(input.min, 10);
    value = Math.max(min, value);
    if (input.max !== "") { value = Math.min(parseInt(input.max, 10), value); }
    input.value = String(value);
    input.dispatchEvent(new Event("input", { bubbles: true }));
    input.dispatchEvent(new Event("change", { bubbles: true }));
  }

  function makeButton(text, label, delta, input) {
    var button = document.createElement("button");
    button.type = "button";
    button.className = "btn btn-outline-secondary stepper-button";
    button.setAttribute("aria-label", label);
    button.setAttribute("aria-controls", input.id);
    button.textContent = text;
    button.addEventListener("click", function () { step(input, delta); });
    return button;
  }

  document.querySelectorAll("input[data-stepper]").forEach(function (input) {
    var group = document.createElement("div");
    group.className = "input-group stepper";
    input.parentNode.insertBefore(group, input);
    group.appendChild(makeButton("\u2212", input.dataset.stepperLess, -1, input));
    group.appendChild(input);
    group.appendChild(makeButton("+", input.dataset.stepperMore, 1, input));
  });

  // The server's rule (outreach.rules: monthly_need, condoms_to_give), with the weeks in a month
  // read from the page: monthly need = max(stated need, clients a week x weeks); a priority
  // person, seen weekly, is given a week's worth, rounded up.
  var box = document.querySelector("[data-condom-suggestion]");
  var stated = document.getElementById("id_stated_monthly_need");
  var acts = document.getElementById("id_weekly_acts");
  if (!box || !stated || !acts) { return; }
  var weeks = parseInt(box.dataset.weeksPerMonth, 10);
  var priority = box.dataset.priority === "1";
  var shown = box.querySelector("[data-suggested-number]");

  function update() {
    var known = [];
    var need = readNumber(stated);
    var clients = readNumber(acts);
    if (need !== null && need >= 0) { known.push(need); }
    if (clients !== null && clients >= 0) { known.push(clients * weeks); }
    if (known.length === 0) { shown.textContent = "\u2014"; return; }
    var monthly = Math.max.apply(null, known);
    shown.textContent = String(priority ? Math.ceil(monthly / weeks) : monthly);
  }

  stated.addEventListener("input", update);
  acts.addEventListener("input", update);
}());
