/* Autosave for follow-up rows: htmx posts each change; this keeps what was typed in localStorage until the
   server has it, retries when the connection returns, and restores unsent text after a reload. */
(function () {
  "use strict";
  var PREFIX = "bra-autosave:";

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

  document.addEventListener("htmx:afterRequest", function (event) {
    var form = event.detail.elt.closest && event.detail.elt.closest("form[data-autosave]");
    if (form && event.detail.xhr && event.detail.xhr.status === 200) { forget(form); }
  });

  document.addEventListener("htmx:sendError", function (event) {
    var form = event.detail.elt.closest && event.detail.elt.closest("form[data-autosave]");
    if (!form) { return; }
    remember(form);
    var status = statusOf(form);
    if (status) { status.textContent = form.dataset.offlineText; status.classList.add("text-danger"); }
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
