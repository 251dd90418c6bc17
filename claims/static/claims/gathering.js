// Follow gathering while it runs: fetch the providers' states every few seconds and
// replace the table. The fragment comes from our own admin and is escaped there.
(function () {
  "use strict";
  const EVERY_MS = 3000;
  function follow() {
    const box = document.getElementById("gathering");
    if (!box || box.dataset.running !== "true") {
      return;
    }
    window.setTimeout(function () {
      fetch(box.dataset.url, { credentials: "same-origin" })
        .then(function (response) { return response.ok ? response.text() : null; })
        .then(function (html) {
          if (html === null) {
            return;
          }
          const fresh = new DOMParser().parseFromString(html, "text/html").getElementById("gathering");
          if (fresh) {
            box.replaceWith(document.adoptNode(fresh));
            follow();
          }
        });
    }, EVERY_MS);
  }
  document.addEventListener("DOMContentLoaded", follow);
})();
