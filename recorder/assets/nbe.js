/* Mounts the asciinema players of example pages. A player is created only
   when it becomes visible (its language tab is shown and it is scrolled
   into view), so a page with many languages stays light. */
(function () {
  "use strict";
  window.nbePlayers = window.nbePlayers || [];

  function mount(el) {
    if (el.dataset.mounted || typeof AsciinemaPlayer === "undefined") return;
    el.dataset.mounted = "1";
    var duration = parseFloat(el.dataset.duration || "0");
    var player = AsciinemaPlayer.create(el.dataset.cast, el, {
      speed: parseFloat(el.dataset.speed || "0.5"),
      idleTimeLimit: parseFloat(el.dataset.idle || "1"),
      cols: parseInt(el.dataset.cols || "80", 10),
      rows: parseInt(el.dataset.rows || "24", 10),
      fit: "width",
      preload: true,
      poster: "npt:" + duration.toFixed(3),
    });
    el.nbePlayer = player;
    window.nbePlayers.push({ element: el, player: player, cast: el.dataset.cast,
                             speed: parseFloat(el.dataset.speed || "0.5") });
  }

  var observer = "IntersectionObserver" in window
    ? new IntersectionObserver(function (entries) {
        entries.forEach(function (entry) {
          if (entry.isIntersecting && entry.target.offsetParent !== null) mount(entry.target);
        });
      }, { rootMargin: "200px" })
    : null;

  function scan() {
    document.querySelectorAll(".nbe-player").forEach(function (el) {
      if (el.dataset.mounted) return;
      if (observer) {
        observer.unobserve(el);
        observer.observe(el);
      } else {
        mount(el);
      }
    });
  }

  // A tab switch changes what is visible without scrolling: look again.
  document.addEventListener("change", function (event) {
    if (event.target && event.target.matches && event.target.matches(".tabbed-set > input")) {
      setTimeout(scan, 0);
    }
  });

  if (typeof document$ !== "undefined" && document$.subscribe) {
    document$.subscribe(scan);  // Material's instant navigation
  } else if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", scan);
  } else {
    scan();
  }
})();
