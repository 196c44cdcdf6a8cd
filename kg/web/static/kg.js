/* kg web interface: sortable tables, chart tooltips, evidence highlighting, copy buttons.
   Vanilla JS, no dependencies; text is always inserted with textContent. */
(function () {
  "use strict";

  /* ---- sortable tables: click a header button to sort by that column ---- */
  function cellKey(cell) {
    if (!cell) return "";
    var key = cell.getAttribute("data-sort");
    return key !== null ? key : cell.textContent.trim().toLowerCase();
  }

  function compare(a, b) {
    var x = parseFloat(a), y = parseFloat(b);
    var numeric = a !== "" && b !== "" && !isNaN(x) && !isNaN(y) && /^-?[\d.]+(e-?\d+)?$/i.test(a) && /^-?[\d.]+(e-?\d+)?$/i.test(b);
    if (numeric) return x - y;
    if (a === "" && b !== "") return 1;
    if (b === "" && a !== "") return -1;
    return a < b ? -1 : a > b ? 1 : 0;
  }

  function sortTable(table, index, th) {
    var body = table.tBodies[0];
    if (!body) return;
    var ascending = th.getAttribute("aria-sort") !== "ascending";
    var rows = Array.prototype.slice.call(body.rows);
    rows.sort(function (r1, r2) {
      var c = compare(cellKey(r1.cells[index]), cellKey(r2.cells[index]));
      return ascending ? c : -c;
    });
    rows.forEach(function (row) { body.appendChild(row); });
    Array.prototype.forEach.call(table.tHead.rows[0].cells, function (cell) { cell.removeAttribute("aria-sort"); });
    th.setAttribute("aria-sort", ascending ? "ascending" : "descending");
  }

  function initSortable(root) {
    Array.prototype.forEach.call(root.querySelectorAll("table.sortable"), function (table) {
      if (!table.tHead || table.getAttribute("data-sortable-ready")) return;
      table.setAttribute("data-sortable-ready", "1");
      Array.prototype.forEach.call(table.tHead.rows[0].cells, function (th, index) {
        var button = th.querySelector("button.sort");
        if (button) button.addEventListener("click", function () { sortTable(table, index, th); });
      });
    });
  }

  /* ---- chart tooltips: richer than the SVG <title>, also on keyboard focus ---- */
  var tip = null;

  function showTip(mark, x, y) {
    if (!tip) {
      tip = document.createElement("div");
      tip.className = "chart-tip";
      tip.setAttribute("role", "tooltip");
      document.body.appendChild(tip);
    }
    tip.textContent = "";
    var head = document.createElement("span");
    head.className = "tip-head";
    var parts = [mark.getAttribute("data-date"), mark.getAttribute("data-row"), mark.getAttribute("data-detail")];
    head.textContent = parts.filter(Boolean).join(" · ");
    var stance = document.createElement("span");
    stance.className = "tip-stance";
    stance.textContent = mark.getAttribute("data-stance") || "";
    tip.appendChild(head);
    tip.appendChild(stance);
    var quote = mark.getAttribute("data-quote");
    if (quote) tip.appendChild(document.createTextNode(": “" + quote + "”"));
    if (mark.getAttribute("href")) {
      var hint = document.createElement("span");
      hint.className = "tip-hint";
      hint.textContent = "Click to read it in the article";
      tip.appendChild(hint);
    }
    tip.hidden = false;
    var width = tip.offsetWidth, height = tip.offsetHeight;
    var left = Math.min(x + 14, window.scrollX + document.documentElement.clientWidth - width - 8);
    var top = y + 16;
    if (top + height > window.scrollY + window.innerHeight - 8) top = y - height - 12;
    tip.style.left = Math.max(window.scrollX + 8, left) + "px";
    tip.style.top = Math.max(window.scrollY + 8, top) + "px";
  }

  function hideTip() { if (tip) tip.hidden = true; }

  function initCharts(root) {
    Array.prototype.forEach.call(root.querySelectorAll(".chart-svg .mark"), function (mark) {
      var title = mark.querySelector("title");
      if (title) {  /* one tooltip, not two: keep the text for assistive technology */
        mark.setAttribute("aria-label", title.textContent);
        title.parentNode.removeChild(title);
      }
      mark.addEventListener("mouseenter", function (event) {
        mark.classList.add("active");
        showTip(mark, event.pageX, event.pageY);
      });
      mark.addEventListener("mousemove", function (event) { showTip(mark, event.pageX, event.pageY); });
      mark.addEventListener("mouseleave", function () { mark.classList.remove("active"); hideTip(); });
      mark.addEventListener("focus", function () {
        var box = mark.getBoundingClientRect();
        showTip(mark, box.right + window.scrollX, box.bottom + window.scrollY);
      });
      mark.addEventListener("blur", hideTip);
    });
  }

  /* ---- evidence view: highlight the span named by the URL fragment; layer toggles ---- */
  function highlightTarget() {
    var text = document.getElementById("article-text");
    if (!text) return;
    Array.prototype.forEach.call(text.querySelectorAll(".is-target"), function (el) { el.classList.remove("is-target"); });
    var anchor = decodeURIComponent(window.location.hash.slice(1));
    if (!anchor) return;
    var first = null;
    Array.prototype.forEach.call(text.querySelectorAll("[data-anchors]"), function (el) {
      if (el.getAttribute("data-anchors").split(" ").indexOf(anchor) >= 0) {
        el.classList.add("is-target");
        if (!first) first = el;
      }
    });
    var target = document.getElementById(anchor);
    if (target && first) target.scrollIntoView({block: "center"});
  }

  function initLayers() {
    var layers = document.getElementById("layers");
    var text = document.getElementById("article-text");
    if (!layers || !text) return;
    Array.prototype.forEach.call(layers.querySelectorAll("input[type=checkbox]"), function (box) {
      box.addEventListener("change", function () { text.classList.toggle("hide-" + box.value, !box.checked); });
    });
  }

  /* ---- copy buttons for code snippets ---- */
  function initCopy(root) {
    Array.prototype.forEach.call(root.querySelectorAll("button.copy"), function (button) {
      button.addEventListener("click", function () {
        var source = document.getElementById(button.getAttribute("data-copy"));
        if (!source || !navigator.clipboard) return;
        navigator.clipboard.writeText(source.textContent).then(function () {
          button.textContent = "Copied";
          window.setTimeout(function () { button.textContent = "Copy"; }, 1500);
        }, function () { button.textContent = "Select and copy"; });
      });
    });
  }

  window.kg = {initSortable: initSortable};

  document.addEventListener("DOMContentLoaded", function () {
    initSortable(document);
    initCharts(document);
    initLayers();
    initCopy(document);
    highlightTarget();
    window.addEventListener("hashchange", highlightTarget);
  });
})();
