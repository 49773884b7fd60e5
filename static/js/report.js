/* "Use my position" on the EST report form: fills the hidden latitude/longitude from the phone's location. */
(function () {
  "use strict";
  document.addEventListener("DOMContentLoaded", function () {
    var button = document.querySelector("[data-geolocate]");
    if (!button || !navigator.geolocation) { if (button) { button.hidden = true; } return; }
    var status = document.querySelector("[data-geolocate-status]");
    var form = button.closest("form");
    button.addEventListener("click", function () {
      navigator.geolocation.getCurrentPosition(function (position) {
        form.querySelector("[name=latitude]").value = position.coords.latitude.toFixed(6);
        form.querySelector("[name=longitude]").value = position.coords.longitude.toFixed(6);
        status.textContent = button.dataset.found;
      }, function () {
        status.textContent = button.dataset.failed;
      }, { enableHighAccuracy: true, timeout: 10000 });
    });
  });
})();
