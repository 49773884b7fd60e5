// Copy buttons: <button data-copy-target="input-id" data-copy-status="status-id" data-copied-text="…" hidden>.
// The button stays hidden without JavaScript; the address can then be selected and copied by hand.
(function () {
  "use strict";

  function announce(button, text) {
    var status = document.getElementById(button.dataset.copyStatus);
    if (status) {
      status.textContent = "";
      window.setTimeout(function () { status.textContent = text; }, 50);
    }
  }

  function copy(button) {
    var input = document.getElementById(button.dataset.copyTarget);
    if (!input) {
      return;
    }
    var done = function () { announce(button, button.dataset.copiedText || ""); };
    if (navigator.clipboard && window.isSecureContext) {
      navigator.clipboard.writeText(input.value).then(done, function () {
        input.focus();
        input.select();
      });
    } else {
      input.focus();
      input.select();
      try {
        if (document.execCommand("copy")) {
          done();
        }
      } catch (error) {
        // The address stays selected for the user to copy.
      }
    }
  }

  document.querySelectorAll("[data-copy-target]").forEach(function (button) {
    button.hidden = false;
    button.addEventListener("click", function () { copy(button); });
  });
})();
