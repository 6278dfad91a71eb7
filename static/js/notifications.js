// The header bell: its unread count is fetched after the page loads (and each minute), so no page pays a query
// for it. A plain fetch rather than htmx attributes, so that pages that poll nothing carry no hx-get.
(function () {
  const badge = document.getElementById("notification-badge");
  if (!badge || !badge.dataset.badgeUrl) return;
  const refresh = () =>
    fetch(badge.dataset.badgeUrl, { credentials: "same-origin", headers: { "X-Portal-Background": "1" } })
      .then((response) => (response.ok ? response.text() : null))
      .then((html) => {
        if (html !== null) badge.innerHTML = html;
      })
      .catch(() => {});
  refresh();
  setInterval(refresh, 60000);
})();
