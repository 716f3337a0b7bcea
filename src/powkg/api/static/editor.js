// The query editor of the home page: runs the query against /sparql and draws the answer.
// Plain JavaScript, served by powkg itself; it talks to this server only.
"use strict";

(function () {
  const section = document.getElementById("editor");
  const form = document.getElementById("query-form");
  if (!section || !form) return;
  const base = section.dataset.base || "";
  const textarea = document.getElementById("query");
  const format = document.getElementById("format");
  const examples = document.getElementById("examples");
  const result = document.getElementById("result");

  function localHref(iri) {
    if (base && iri.startsWith(base)) {
      const rest = iri.slice(base.length);
      if (rest.startsWith("id/") || rest.startsWith("graph/") || rest.startsWith("ontology")) return "/" + rest;
    }
    return iri;
  }

  function cell(term) {
    const td = document.createElement("td");
    if (!term) return td;
    if (term.type === "uri") {
      const a = document.createElement("a");
      a.href = localHref(term.value);
      a.textContent = term.value;
      td.appendChild(a);
    } else {
      td.textContent = term.type === "bnode" ? "_:" + term.value : term.value;
      if (term["xml:lang"]) td.title = "@" + term["xml:lang"];
      else if (term.datatype) td.title = term.datatype;
    }
    return td;
  }

  function showTable(data) {
    result.replaceChildren();
    if (typeof data.boolean === "boolean") {
      const p = document.createElement("p");
      p.className = "boolean";
      p.textContent = data.boolean ? "yes (true)" : "no (false)";
      result.appendChild(p);
      return;
    }
    const vars = data.head.vars;
    const rows = data.results.bindings;
    const count = document.createElement("p");
    count.className = "count";
    count.textContent = rows.length + (rows.length === 1 ? " row" : " rows");
    const table = document.createElement("table");
    table.className = "results";
    const head = table.createTHead().insertRow();
    for (const v of vars) {
      const th = document.createElement("th");
      th.textContent = v;
      head.appendChild(th);
    }
    const body = table.createTBody();
    for (const row of rows) {
      const tr = body.insertRow();
      for (const v of vars) tr.appendChild(cell(row[v]));
    }
    result.append(count, table);
  }

  function showText(text) {
    const pre = document.createElement("pre");
    pre.textContent = text;
    result.replaceChildren(pre);
  }

  function showProblem(status, text) {
    let detail = text;
    try { detail = JSON.parse(text).detail || text; } catch (e) { /* plain text */ }
    const p = document.createElement("p");
    p.className = "problem";
    p.textContent = status + ": " + detail;
    result.replaceChildren(p);
  }

  async function run() {
    result.replaceChildren(Object.assign(document.createElement("p"), {className: "loading", textContent: "Running…"}));
    const body = new URLSearchParams({query: textarea.value});
    if (format.value) body.set("format", format.value);
    const accept = "application/sparql-results+json, text/turtle;q=0.9, */*;q=0.1";
    try {
      const response = await fetch("/sparql", {method: "POST", body: body,
        headers: {"Accept": accept, "Content-Type": "application/x-www-form-urlencoded"}});
      const type = response.headers.get("content-type") || "";
      const text = await response.text();
      if (!response.ok) showProblem(response.status, text);
      else if (!format.value && type.startsWith("application/sparql-results+json")) showTable(JSON.parse(text));
      else showText(text);
    } catch (error) {
      showProblem("network", String(error));
    }
  }

  form.addEventListener("submit", function (event) { event.preventDefault(); run(); });
  textarea.addEventListener("keydown", function (event) {
    if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) { event.preventDefault(); run(); }
  });
  examples.addEventListener("change", function () {
    const option = examples.selectedOptions[0];
    if (option && option.dataset.sparql) textarea.value = option.dataset.sparql;
  });
})();
