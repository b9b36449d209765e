/* Nära drift: enhancements only. Every page works without this file. */
(function () {
  "use strict";
  document.documentElement.classList.remove("no-js");
  var POLL_MS = 60000; // hours left tick down; the stream brings alerts and clock changes in between

  // An error summary or a banner takes focus, so screen readers read it first (GOV.UK pattern).
  var summary = document.querySelector("[data-error-summary]") || document.querySelector("[data-banner]");
  if (summary) { summary.focus(); }

  // An error summary link moves focus to its field, not just scrolls to it.
  document.addEventListener("click", function (event) {
    var link = event.target.closest && event.target.closest(".error-summary-list a");
    if (!link) { return; }
    var target = document.getElementById(link.getAttribute("href").slice(1));
    if (target) { event.preventDefault(); target.focus(); target.scrollIntoView({ block: "center" }); }
  });

  var live = document.querySelector("[data-live]");
  if (!live) { return; }
  var status = live.querySelector("[data-live-status]");
  var streamState = live.querySelector("[data-stream-state]");
  var refreshLink = live.querySelector("[data-refresh]");
  var heading = document.getElementById("risk-rubrik");

  function rows(root) {
    var found = {};
    Array.prototype.forEach.call(root.querySelectorAll("tr[data-contact-id]"), function (row) {
      found[row.getAttribute("data-contact-id")] = row.getAttribute("data-status");
    });
    return found;
  }

  function plural(count, one, many) { return count === 1 ? "1 " + one : count + " " + many; }

  function describe(before, after) {
    var added = 0, removed = 0, breached = 0;
    Object.keys(after).forEach(function (id) {
      if (!(id in before)) { added += 1; } else if (before[id] !== "breached" && after[id] === "breached") { breached += 1; }
    });
    Object.keys(before).forEach(function (id) { if (!(id in after)) { removed += 1; } });
    var parts = [];
    if (added) { parts.push(plural(added, "ny kontakt", "nya kontakter")); }
    if (breached) { parts.push(plural(breached, "kontakt har passerat gränsen", "kontakter har passerat gränsen")); }
    if (removed) { parts.push(plural(removed, "kontakt har lämnat listan", "kontakter har lämnat listan")); }
    return parts.length ? "Listan är uppdaterad: " + parts.join(", ") + "." : "";
  }

  function announce(text) {
    if (!status) { return; }
    status.textContent = "";
    setTimeout(function () { status.textContent = text; }, 50);
  }

  function showState(text) {
    if (!streamState) { return; }
    streamState.textContent = text;
    streamState.hidden = false;
  }

  var busy = false, again = false, stopped = false;
  function refresh(byPerson) {
    if (stopped) { return; }
    if (busy) { again = true; return; }
    busy = true;
    var active = document.activeElement;
    var focusedId = active && active.id && live.contains(active) ? active.id : null;
    fetch(live.getAttribute("data-list-url"), { credentials: "same-origin", headers: { "Accept": "text/html" } })
      .then(function (response) {
        if (response.redirected || !response.ok) { throw new Error("logged out or failing"); }
        return response.text();
      })
      .then(function (html) {
        var template = document.createElement("template");
        template.innerHTML = html;
        var list = document.querySelector("[data-part='list']");
        var before = rows(list);
        Array.prototype.forEach.call(template.content.querySelectorAll("[data-part]"), function (part) {
          var target = document.querySelector("[data-part='" + part.getAttribute("data-part") + "']");
          if (target) { target.replaceChildren.apply(target, Array.prototype.slice.call(part.childNodes)); }
        });
        var change = describe(before, rows(list));
        if (focusedId && document.activeElement !== document.getElementById(focusedId)) {
          (document.getElementById(focusedId) || heading).focus(); // the row may have left the list
        }
        if (change) { announce(change); } else if (byPerson) { announce("Listan är uppdaterad. Inga ändringar."); }
      })
      .catch(function () {
        announce("Listan kunde inte uppdateras. Ladda om sidan, eller logga in igen.");
        stopped = true;
      })
      .then(function () {
        busy = false;
        if (again) { again = false; refresh(false); }
      });
  }

  if (refreshLink) {
    refreshLink.addEventListener("click", function (event) { event.preventDefault(); refresh(true); });
  }
  setInterval(function () { if (document.visibilityState === "visible") { refresh(false); } }, POLL_MS);

  // Each alert the monitor raises comes over the stream, and so does every change to a clock of the units
  // (an assessment raises no alert, yet changes the counts); a burst of them gives one refresh.
  if (window.EventSource) {
    var source = new EventSource(live.getAttribute("data-stream-url"));
    var pending = null;
    var onAlert = function () {
      clearTimeout(pending);
      pending = setTimeout(function () { refresh(false); }, 300);
    };
    ["at_risk", "breached", "resolved", "clocks", "message"].forEach(function (kind) { source.addEventListener(kind, onAlert); });
    source.addEventListener("open", function () {
      showState("Listan och antalen uppdateras direkt när något ändras.");
    });
    source.addEventListener("error", function () {
      showState(source.readyState === EventSource.CLOSED
        ? "Direktuppdateringen har stannat. Ladda om sidan, eller logga in igen."
        : "Direktuppdateringen är avbruten. Sidan försöker ansluta igen.");
    });
    window.addEventListener("pagehide", function () { source.close(); });
  }
})();
