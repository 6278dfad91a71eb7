// The yearly report's form: a figure's reason and attachment show once it differs from the portal's.
(function () {
  "use strict";
  var form = document.getElementById("report-form");
  if (!form) return;
  function sync(line) {
    var input = line.querySelector(".report-input");
    var correction = line.querySelector("[data-correction]");
    if (!input || !correction) return;
    var portal = line.getAttribute("data-portal");
    var differs = portal !== "" && input.value.trim() !== "" && input.value.trim() !== portal;
    var hasError = line.classList.contains("has-error");
    correction.classList.toggle("is-hidden", !(differs || hasError));
  }
  form.querySelectorAll(".report-line").forEach(function (line) {
    var input = line.querySelector(".report-input");
    if (input) input.addEventListener("input", function () { line.classList.remove("has-error"); sync(line); });
    sync(line);
  });
})();
