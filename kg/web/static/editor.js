/* kg query editor: runs the textarea's query with fetch() against the SPARQL endpoint and
   shows a results table, a boolean, a graph (Turtle) or the endpoint's error message inline.
   The query is kept in the page URL (/editor?query=…) so a link reproduces it. */
(function () {
  "use strict";

  var ACCEPT = "application/sparql-results+json, text/turtle;q=0.9, */*;q=0.1";
  var NUMERIC = /#(integer|decimal|double|float|int|long|nonNegativeInteger|positiveInteger)$/;

  function $(id) { return document.getElementById(id); }

  function linkFor(iri, form) {
    var bases = [
      [form.getAttribute("data-id-base"), "/id/"],
      [form.getAttribute("data-topic-base"), "/topic/"],
      [form.getAttribute("data-graph-base"), "/id/article/"]
    ];
    for (var i = 0; i < bases.length; i++) {
      if (bases[i][0] && iri.indexOf(bases[i][0]) === 0) return bases[i][1] + iri.slice(bases[i][0].length);
    }
    if (iri.indexOf("http://www.wikidata.org/entity/") === 0) {
      return "https://www.wikidata.org/wiki/" + iri.slice("http://www.wikidata.org/entity/".length);
    }
    if (iri.indexOf("https://w3id.org/kg-news/") === 0) return null;
    return /^https?:\/\//.test(iri) ? iri : null;
  }

  function shortName(iri, prefixes) {
    for (var prefix in prefixes) {
      var ns = prefixes[prefix];
      if (iri.indexOf(ns) === 0 && iri.length > ns.length) return prefix + ":" + iri.slice(ns.length);
    }
    return iri;
  }

  function termCell(term, form, prefixes) {
    var td = document.createElement("td");
    if (!term) return td;
    if (term.type === "uri") {
      var href = linkFor(term.value, form);
      var text = shortName(term.value, prefixes);
      if (href) {
        var a = document.createElement("a");
        a.href = href;
        a.textContent = text;
        a.title = term.value;
        if (/^https?:/.test(href)) { a.className = "ext"; a.rel = "noopener noreferrer"; }
        td.appendChild(a);
      } else {
        td.textContent = text;
        td.title = term.value;
      }
      td.className = "iri";
      td.setAttribute("data-sort", text.toLowerCase());
    } else if (term.type === "bnode") {
      td.textContent = "_:" + term.value;
    } else {
      td.textContent = term.value;
      if (term.datatype && NUMERIC.test(term.datatype)) td.className = "num";
      else if (term.value.length > 80) td.className = "long";
    }
    return td;
  }

  function renderTable(data, form, prefixes) {
    var vars = data.head.vars || [];
    var rows = data.results.bindings || [];
    var wrap = document.createElement("div");
    wrap.className = "table-wrap";
    wrap.tabIndex = 0;
    wrap.setAttribute("role", "region");
    wrap.setAttribute("aria-label", "Query results");
    var table = document.createElement("table");
    table.className = "data sortable";
    table.id = "results-table";
    var head = table.createTHead().insertRow();
    vars.forEach(function (v) {
      var th = document.createElement("th");
      th.scope = "col";
      var button = document.createElement("button");
      button.type = "button";
      button.className = "sort";
      button.textContent = v;
      th.appendChild(button);
      head.appendChild(th);
    });
    var body = table.createTBody();
    rows.forEach(function (binding) {
      var tr = body.insertRow();
      vars.forEach(function (v) { tr.appendChild(termCell(binding[v], form, prefixes)); });
    });
    wrap.appendChild(table);
    if (window.kg) window.kg.initSortable(wrap);
    return {node: wrap, count: rows.length};
  }

  function showError(box, message, query) {
    /* the message, with the spot in the query pointed at when the endpoint names it */
    box.textContent = "";
    var cut = message.indexOf(" expected ");
    var summary = document.createElement("p");
    summary.className = "error-text";
    summary.textContent = cut > 0 ? message.slice(0, cut) : message;
    box.appendChild(summary);
    var where = /error at (\d+):(\d+)/.exec(message);
    var lines = query.split("\n");
    var line = where ? parseInt(where[1], 10) : 0, column = where ? parseInt(where[2], 10) : 0;
    if (line >= 1 && line <= lines.length) {
      var pre = document.createElement("pre");
      pre.className = "error-at";
      var label = "line " + line + ": ";
      pre.textContent = label + lines[line - 1] + "\n" + " ".repeat(label.length + Math.max(0, column - 1)) + "^";
      box.appendChild(pre);
    }
    if (cut > 0) {
      var rest = document.createElement("p");
      rest.className = "error-detail";
      rest.textContent = message.slice(cut + 1);
      box.appendChild(rest);
    }
    box.hidden = false;
  }

  function setDownloads(query, show, endpoint) {
    var box = $("downloads");
    if (!box) return;
    box.hidden = !show;
    ["csv", "json", "tsv"].forEach(function (fmt) {
      var a = $("dl-" + fmt);
      if (a) a.href = endpoint + "?" + new URLSearchParams({query: query, format: fmt}).toString();
    });
  }

  function run(form, prefixes) {
    var query = $("query").value;
    var url = "/editor?" + new URLSearchParams({query: query}).toString();
    window.history.replaceState(null, "", url);
    $("share").href = url;
    var status = $("status"), error = $("error"), results = $("results");
    error.hidden = true;
    error.textContent = "";
    results.textContent = "";
    setDownloads(query, false, form.getAttribute("data-endpoint"));
    status.textContent = "Running…";
    var started = performance.now();
    fetch(form.getAttribute("data-endpoint"), {
      method: "POST",
      headers: {"Content-Type": "application/x-www-form-urlencoded", "Accept": ACCEPT},
      body: new URLSearchParams({query: query}).toString()
    }).then(function (response) {
      var type = response.headers.get("Content-Type") || "";
      return response.text().then(function (text) { return {response: response, type: type, text: text}; });
    }).then(function (r) {
      var ms = Math.round(performance.now() - started);
      if (!r.response.ok) {
        status.textContent = "The endpoint answered " + r.response.status + " after " + ms + " ms.";
        showError(error, r.text.trim() || r.response.statusText, query);
        return;
      }
      if (r.type.indexOf("json") >= 0) {
        var data = JSON.parse(r.text);
        if (typeof data.boolean === "boolean") {
          status.textContent = "ASK answered in " + ms + " ms.";
          var p = document.createElement("p");
          p.className = "ask-result";
          p.textContent = "Answer: " + (data.boolean ? "yes (true)" : "no (false)");
          results.appendChild(p);
          return;
        }
        var table = renderTable(data, form, prefixes);
        status.textContent = table.count + " row" + (table.count === 1 ? "" : "s") + " in " + ms + " ms.";
        results.appendChild(table.node);
        setDownloads(query, true, form.getAttribute("data-endpoint"));
        return;
      }
      status.textContent = "Graph result (" + (r.type.split(";")[0] || "text") + ") in " + ms + " ms.";
      var pre = document.createElement("pre");
      pre.className = "graph-result card";
      pre.textContent = r.text;
      results.appendChild(pre);
    }).catch(function (err) {
      status.textContent = "";
      error.textContent = "The query could not be sent: " + err;
      error.hidden = false;
    });
  }

  document.addEventListener("DOMContentLoaded", function () {
    var form = $("editor-form");
    if (!form) return;
    var prefixes = {};
    try { prefixes = JSON.parse(form.getAttribute("data-prefixes") || "{}"); } catch (e) { prefixes = {}; }
    form.addEventListener("submit", function (event) {
      event.preventDefault();
      run(form, prefixes);
    });
    var area = $("query");
    var fit = function () {  /* grow with the query, up to most of the window */
      area.style.height = "auto";
      area.style.height = Math.min(area.scrollHeight + 4, Math.max(240, window.innerHeight * 0.6)) + "px";
    };
    area.addEventListener("input", fit);
    fit();
    area.addEventListener("keydown", function (event) {
      if ((event.ctrlKey || event.metaKey) && event.key === "Enter") {
        event.preventDefault();
        run(form, prefixes);
      }
    });
    if (new URLSearchParams(window.location.search).has("query")) run(form, prefixes);
  });
})();
