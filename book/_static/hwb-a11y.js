// Keyboard access to scroll boxes (WCAG 2.1.1; axe "scrollable-region-focusable"): any
// element in a page's content that scrolls sideways or down gets a tab stop, and a name
// if it has none, so keyboard users can scroll wide tables. The theme does the same for
// its own table containers; this covers HTML tables written by the packs.
(function () {
  function addTabStops() {
    document.querySelectorAll("article.bd-article *").forEach(function (el) {
      if (el.hasAttribute("tabindex")) return;
      var style = window.getComputedStyle(el);
      var scrolls = /(auto|scroll)/.test(style.overflowX + " " + style.overflowY);
      if (!scrolls) return;
      if (el.scrollWidth <= el.clientWidth && el.scrollHeight <= el.clientHeight) return;
      el.setAttribute("tabindex", "0");
      if (!el.hasAttribute("role")) el.setAttribute("role", "region");
      if (!el.hasAttribute("aria-label") && !el.hasAttribute("aria-labelledby")) {
        var caption = el.querySelector("caption, th");
        el.setAttribute("aria-label", caption ? "Scrollable table: " + caption.textContent.trim() : "Scrollable content");
      }
    });
  }
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", addTabStops);
  } else {
    addTabStops();
  }
  window.addEventListener("resize", addTabStops);
})();

// Printing from the browser: the numbers behind each chart print open, not as a collapsed
// "Show the numbers" control (the print stylesheet hides the control itself).
(function () {
  var opened = [];
  window.addEventListener("beforeprint", function () {
    document.querySelectorAll("details.hwb-details:not([open])").forEach(function (d) {
      d.open = true;
      opened.push(d);
    });
  });
  window.addEventListener("afterprint", function () {
    opened.forEach(function (d) { d.open = false; });
    opened = [];
  });
})();
