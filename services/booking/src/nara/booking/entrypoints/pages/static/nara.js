/* Nära webbtidbok: small enhancements. Every page works without this file. */
(function () {
  'use strict';

  // An error summary takes focus, so a screen reader reads the problems at once.
  var summary = document.querySelector('[data-error-summary]');
  if (summary) {
    summary.focus();
    summary.addEventListener('click', function (event) {
      var link = event.target.closest('a[href^="#"]');
      var field = link && document.getElementById(link.getAttribute('href').slice(1));
      if (!field) return;
      event.preventDefault();
      var group = field.closest('fieldset') || field.closest('.form-group');
      var label = group && (group.querySelector('legend') || group.querySelector('label'));
      (label || field).scrollIntoView();
      field.focus({ preventScroll: true });
    });
  }

  // A form is sent once: a second click while the first is on its way does nothing.
  document.addEventListener('submit', function (event) {
    var form = event.target;
    if (form.getAttribute('data-sent') === 'true') {
      event.preventDefault();
      return;
    }
    form.setAttribute('data-sent', 'true');
    var button = form.querySelector('[data-prevent-double-click]');
    if (button) button.setAttribute('aria-disabled', 'true');
  });
  window.addEventListener('pageshow', function () {
    document.querySelectorAll('form[data-sent]').forEach(function (form) {
      form.removeAttribute('data-sent');
      var button = form.querySelector('[aria-disabled]');
      if (button) button.removeAttribute('aria-disabled');
    });
  });

  // While the times are being fetched, ask each second and show them as soon as they are there.
  var waiting = document.querySelector('[data-wait-for]');
  if (waiting && window.fetch) {
    var tries = 0;
    var ask = function () {
      tries += 1;
      fetch(waiting.getAttribute('data-wait-for'), { credentials: 'same-origin', headers: { Accept: 'application/json' } })
        .then(function (response) { return response.ok ? response.json() : { ready: false }; })
        .then(function (answer) {
          if (answer.ready) window.location.assign(waiting.getAttribute('data-wait-then'));
          else if (tries < 15) window.setTimeout(ask, 1000);
        })
        .catch(function () { if (tries < 15) window.setTimeout(ask, 1000); });
    };
    window.setTimeout(ask, 1000);
  }
})();
