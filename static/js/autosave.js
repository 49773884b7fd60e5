/* Autosave for follow-up rows: htmx posts each change; this keeps what was typed in localStorage until the
   server has it, retries when the connection returns, and restores unsent text after a reload. */
(function () {
  "use strict";
  var PREFIX = "bra-autosave:";
  var sent = new WeakMap(); // form -> the values its request under way sent (JSON)
  var underWay = 0; // autosave requests sent and not yet answered
  var waiting = new WeakSet(); // other forms whose submission waits for the autosaves
  var flushed = new WeakSet(); // other forms whose submission has waited and may go ahead

  function key(form) { return PREFIX + location.pathname + ":" + form.dataset.autosave; }

  function values(form) {
    var data = {};
    form.querySelectorAll("input[name], select[name], textarea[name]").forEach(function (el) {
      if (el.name !== "csrfmiddlewaretoken" && !el.name.endsWith("-version")) { data[el.name] = el.value; }
    });
    return data;
  }

  function remember(form) {
    try { localStorage.setItem(key(form), JSON.stringify({ at: Date.now(), values: values(form) })); } catch (e) { /* storage full or off */ }
  }

  function forget(form) { try { localStorage.removeItem(key(form)); } catch (e) { /* ignore */ } }

  function statusOf(form) { return form.querySelector(".row-status"); }

  function resend(form) { if (window.htmx) { htmx.trigger(form, "change"); } }

  function pending() {
    return Array.prototype.filter.call(document.querySelectorAll("form[data-autosave]"), function (form) {
      return localStorage.getItem(key(form)) !== null;
    });
  }

  document.addEventListener("input", function (event) {
    var form = event.target.closest && event.target.closest("form[data-autosave]");
    if (form) { remember(form); }
  });

  // What a request sent, to tell whether the form changed while it was under way.
  document.addEventListener("htmx:beforeRequest", function (event) {
    var form = event.detail.elt.closest && event.detail.elt.closest("form[data-autosave]");
    if (form) { sent.set(form, JSON.stringify(values(form))); underWay += 1; }
  });

  document.addEventListener("htmx:afterRequest", function (event) {
    var form = event.detail.elt.closest && event.detail.elt.closest("form[data-autosave]");
    if (!form) { return; }
    underWay = Math.max(0, underWay - 1);
    if (!event.detail.xhr) { return; }
    var status = event.detail.xhr.status;
    if (status === 200) {
      // Keep the draft if more was typed meanwhile: the next request (or a reload) still has it.
      if (sent.get(form) === JSON.stringify(values(form))) { forget(form); }
      // Lets other parts of the page (the summary of rows left to fill in) refresh themselves.
      document.body.dispatchEvent(new CustomEvent("autosaved", { bubbles: true }));
    } else if (status === 409) {
      // Someone else saved the row. The status says to reload to continue from their version: a stored
      // draft must not be restored and sent over theirs after that reload. The text stays in the form.
      forget(form);
    }
  });

  document.addEventListener("htmx:sendError", function (event) {
    var form = event.detail.elt.closest && event.detail.elt.closest("form[data-autosave]");
    if (!form) { return; }
    remember(form);
    var status = statusOf(form);
    if (status) { status.textContent = form.dataset.offlineText; status.classList.add("text-danger"); }
  });

  // Another form of the page (send for approval, approve, log out) must not overtake what was just typed:
  // leaving the field sends it, but the approval would reach the server first and find the row without its
  // text. Its submission waits until every row's unsent text has been sent and answered (saved or not).
  // Without JavaScript none of this runs and the forms post as usual.
  document.addEventListener("submit", function (event) {
    var form = event.target;
    if (form.matches("form[data-autosave]") || flushed.has(form)) { return; }
    if (waiting.has(form)) { event.preventDefault(); return; } // a second click while it waits
    var unsent = pending();
    if (!unsent.length && underWay === 0) { return; }
    event.preventDefault();
    waiting.add(form);
    var submitter = event.submitter;
    var giveUpAt = Date.now() + 10000; // a server that does not answer must not block the button for good
    unsent.forEach(resend);
    (function submitWhenAnswered() {
      if (underWay > 0 && Date.now() < giveUpAt) { setTimeout(submitWhenAnswered, 50); return; }
      waiting.delete(form);
      flushed.add(form);
      if (submitter) { form.requestSubmit(submitter); } else { form.requestSubmit(); }
      flushed.delete(form);
    })();
  });

  window.addEventListener("online", function () { pending().forEach(resend); });
  setInterval(function () { if (navigator.onLine) { pending().forEach(resend); } }, 15000);

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll("form[data-autosave]").forEach(function (form) {
      var stored;
      try { stored = JSON.parse(localStorage.getItem(key(form)) || "null"); } catch (e) { stored = null; }
      if (!stored) { return; }
      var serverTime = parseInt(form.dataset.updated || "0", 10) * 1000;
      if (stored.at <= serverTime) { forget(form); return; }
      Object.keys(stored.values).forEach(function (name) {
        var field = form.querySelector('[name="' + name + '"]');
        if (field) { field.value = stored.values[name]; }
      });
      resend(form);
    });
  });
})();
