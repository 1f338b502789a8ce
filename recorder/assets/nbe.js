/* Mounts the asciinema players of example pages. A player is created only
   when it becomes visible (its language tab is shown and it is scrolled
   into view), so a page with many languages stays light. */
(function () {
  "use strict";
  window.nbePlayers = window.nbePlayers || [];

  // The player's files sit next to this script in the site.
  var base = document.currentScript
    ? document.currentScript.src.replace(/[^/]*$/, "")
    : "";
  var playerLoaded = null;

  function loadPlayer() {
    if (typeof AsciinemaPlayer !== "undefined") return Promise.resolve();
    if (!playerLoaded) {
      playerLoaded = new Promise(function (resolve, reject) {
        var css = document.createElement("link");
        css.rel = "stylesheet";
        css.href = base + "asciinema-player.css";
        document.head.appendChild(css);
        var js = document.createElement("script");
        js.src = base + "asciinema-player.min.js";
        js.onload = resolve;
        js.onerror = reject;
        document.head.appendChild(js);
      });
    }
    return playerLoaded;
  }

  function mount(el) {
    if (el.dataset.mounted) return;
    el.dataset.mounted = "1";
    loadPlayer().then(function () { create(el); });
  }

  function create(el) {
    var duration = parseFloat(el.dataset.duration || "0");
    var player = AsciinemaPlayer.create(el.dataset.cast, el, {
      speed: parseFloat(el.dataset.speed || "0.5"),
      idleTimeLimit: parseFloat(el.dataset.idle || "1"),
      cols: parseInt(el.dataset.cols || "80", 10),
      rows: parseInt(el.dataset.rows || "24", 10),
      fit: "width",
      preload: true,
      // The final screen before it plays. Poster time is player time (after
      // idle pauses are shortened), so aim past the end: the player stops there.
      poster: "npt:" + (duration + 3600).toFixed(0),
    });
    el.nbePlayer = player;
    // Reachable with the Tab key; the player itself answers space, arrows, f.
    function focusable() {
      var wrapper = el.querySelector(".ap-wrapper");
      if (wrapper) wrapper.setAttribute("tabindex", "0");
      return !!wrapper;
    }
    if (!focusable()) setTimeout(focusable, 0);
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

  // The language tab holding an implementation, as [input, label].
  function tabOf(impl) {
    var block = impl.closest(".tabbed-block");
    var set = impl.closest(".tabbed-set");
    if (!block || !set) return null;
    var index = Array.prototype.indexOf.call(block.parentElement.children, block);
    var inputs = set.querySelectorAll(":scope > input");
    var labels = set.querySelectorAll(":scope > .tabbed-labels > label");
    return inputs[index] && labels[index] ? [inputs[index], labels[index]] : null;
  }

  // ?lang=go in the URL selects that language's tab (and so, through
  // Material's linked tabs, makes it the reader's choice on other pages).
  function selectFromUrl() {
    var lang = new URLSearchParams(window.location.search).get("lang");
    if (!lang) return;
    var impl = document.querySelector('.nbe-implementation[data-language="' +
                                      CSS.escape(lang) + '"]');
    var tab = impl && tabOf(impl);
    if (tab && !tab[0].checked) tab[1].click();
  }

  // A tab switch changes what is visible without scrolling: look again, and
  // let the URL say which language is shown.
  document.addEventListener("change", function (event) {
    var input = event.target;
    if (!input || !input.matches || !input.matches(".tabbed-set > input")) return;
    setTimeout(scan, 0);
    document.querySelectorAll(".nbe-implementation").forEach(function (impl) {
      var tab = tabOf(impl);
      if (tab && tab[0] === input && window.history.replaceState) {
        var url = new URL(window.location.href);
        url.searchParams.set("lang", impl.dataset.language);
        window.history.replaceState(null, "", url);
      }
    });
  });

  function start() {
    selectFromUrl();
    scan();
  }

  if (typeof document$ !== "undefined" && document$.subscribe) {
    document$.subscribe(start);  // Material's instant navigation
  } else if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
