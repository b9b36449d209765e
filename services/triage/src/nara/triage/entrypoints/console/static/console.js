/* Nära triagekonsol: enhancements only. Every page works without this file. */
(function () {
  "use strict";
  document.documentElement.classList.remove("no-js");
  var REFRESH_MS = 10000;

  // An error summary or a "done" banner takes focus, so screen readers read it first (GOV.UK pattern).
  var summary = document.querySelector("[data-error-summary]") || document.querySelector("[data-banner]");
  if (summary) { summary.focus(); }

  // An error summary link moves focus to its field, not just scrolls to it.
  document.addEventListener("click", function (event) {
    var link = event.target.closest && event.target.closest(".error-summary-list a");
    if (!link) { return; }
    var target = document.getElementById(link.getAttribute("href").slice(1));
    if (target) { event.preventDefault(); target.focus(); target.scrollIntoView({ block: "center" }); }
  });

  // Links that look like buttons also answer the space bar, as buttons do (GOV.UK button.js).
  document.addEventListener("keydown", function (event) {
    var target = event.target;
    if ((event.key === " " || event.key === "Spacebar") && target.matches && target.matches("a[role='button']")) {
      event.preventDefault();
      target.click();
    }
  });

  // A second press of a submit button does not send the form twice.
  document.addEventListener("submit", function (event) {
    var button = event.target.querySelector("[data-prevent-double-click]");
    if (!button) { return; }
    if (button.dataset.submitted) { event.preventDefault(); return; }
    button.dataset.submitted = "true";
    setTimeout(function () { delete button.dataset.submitted; }, 3000);
  });

  // Shortcuts with Alt+Shift, so typing never triggers them (WCAG 2.1.4).
  document.addEventListener("keydown", function (event) {
    if (!event.altKey || !event.shiftKey || event.ctrlKey || event.metaKey) { return; }
    var key = (event.code || "").replace("Key", "").toLowerCase();
    if (key === "k") { event.preventDefault(); window.location.href = "/console"; }
    if (key === "n") { event.preventDefault(); window.location.href = "/console/kontakter/ny"; }
    if (key === "u" && queue) { event.preventDefault(); refresh(true); }
  });

  // The live queue: fetch the list every 10 s while the tab is visible, keep focus, announce changes politely.
  var queue = document.querySelector("[data-queue]");
  var status = document.querySelector("[data-queue-status]");
  var refreshLink = document.querySelector("[data-queue-refresh]");
  if (!queue) { return; }

  function ids(root) {
    var holder = root.querySelector("[data-queue-ids]");
    var value = holder ? holder.getAttribute("data-queue-ids") : "";
    return value ? value.split(" ") : [];
  }

  function announce(text) {
    if (!status) { return; }
    status.textContent = "";
    setTimeout(function () { status.textContent = text; }, 50);
  }

  function describe(before, after) {
    var added = after.filter(function (id) { return before.indexOf(id) < 0; }).length;
    var removed = before.filter(function (id) { return after.indexOf(id) < 0; }).length;
    var parts = [];
    if (added) { parts.push(added === 1 ? "1 ny kontakt" : added + " nya kontakter"); }
    if (removed) { parts.push(removed === 1 ? "1 kontakt har lämnat kön" : removed + " kontakter har lämnat kön"); }
    return parts.length ? "Kön är uppdaterad: " + parts.join(", ") + "." : "";
  }

  var busy = false;
  function refresh(byPerson) {
    if (busy) { return; }
    busy = true;
    var focusedId = queue.contains(document.activeElement) ? document.activeElement.id : null;
    fetch(queue.getAttribute("data-queue-url"), { credentials: "same-origin", headers: { "Accept": "text/html" } })
      .then(function (response) {
        if (response.redirected || !response.ok) { throw new Error("logged out or failing"); }
        return response.text();
      })
      .then(function (html) {
        var before = ids(queue);
        var template = document.createElement("template");
        template.innerHTML = html;
        var change = describe(before, ids(template.content));
        queue.replaceChildren(template.content);
        if (focusedId) {
          var again = document.getElementById(focusedId);
          (again || document.getElementById("ko-rubrik")).focus();
        }
        if (change) { announce(change); } else if (byPerson) { announce("Kön är uppdaterad. Inga ändringar."); }
      })
      .catch(function () {
        announce("Kön kunde inte uppdateras. Ladda om sidan, eller logga in igen.");
        stop();
      })
      .then(function () { busy = false; });
  }

  var timer = setInterval(function () { if (document.visibilityState === "visible") { refresh(false); } }, REFRESH_MS);
  function stop() { clearInterval(timer); }
  if (refreshLink) {
    refreshLink.addEventListener("click", function (event) { event.preventDefault(); refresh(true); });
  }
})();
