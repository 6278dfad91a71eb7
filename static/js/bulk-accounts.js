// Bulk account creation: the header box ticks or unticks every firm on the page that has no account yet.
document.getElementById("picker-toggle")?.addEventListener("change", (event) => {
  for (const box of document.querySelectorAll("#picker-table tbody input[type=checkbox]:not(:disabled)")) {
    box.checked = event.target.checked;
  }
});
