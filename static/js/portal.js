// Small behaviours every page may use, attached here because the Content-Security-Policy allows no inline script
// or event attribute: a select that submits its form on change (data-autosubmit), a print button (data-print),
// a box that ticks every box of its table's body (data-tick-all).
(function () {
  document.addEventListener("change", function (event) {
    const target = event.target;
    if (target.matches("select[data-autosubmit]") && target.form) {
      target.form.submit();
    }
    if (target.matches("input[type=checkbox][data-tick-all]")) {
      const table = target.closest("table");
      if (table) {
        table.querySelectorAll("tbody input[type=checkbox]").forEach(function (box) {
          box.checked = target.checked;
        });
      }
    }
  });
  document.addEventListener("click", function (event) {
    if (event.target.closest("[data-print]")) window.print();
  });
})();
