// The timeline of exchanges on the home page, drawn from the curated query exchanges-by-date.
"use strict";

(function () {
  const chart = document.getElementById("timeline-chart");
  const section = document.getElementById("editor");
  if (!chart) return;
  const base = (section && section.dataset.base) || "";

  function localHref(iri) {
    return base && iri.startsWith(base) ? "/" + iri.slice(base.length) : iri;
  }

  function value(row, name) { return row[name] ? row[name].value : ""; }

  function yearOf(row) {
    const date = row.date;
    if (!date) return "Undated";
    if (date.datatype && date.datatype.endsWith("#date")) return date.value.slice(0, 4);
    return "Year not stated";
  }

  function numbers(text) {
    return text.split("/").map(function (part) { return parseInt(part.trim(), 10); })
      .filter(function (n) { return !isNaN(n); });
  }

  function draw(rows) {
    chart.replaceChildren();
    if (!rows.length) {
      chart.textContent = "No exchange in the graph yet.";
      return;
    }
    const max = Math.max(1, ...rows.flatMap(function (r) { return numbers(value(r, "returned")); }));
    let list = null;
    let year = null;
    for (const row of rows) {
      const y = yearOf(row);
      if (y !== year) {
        year = y;
        const h = document.createElement("h3");
        h.textContent = y;
        list = document.createElement("ol");
        list.className = "timeline";
        chart.append(h, list);
      }
      const counts = numbers(value(row, "returned"));
      const item = document.createElement("li");
      item.className = "exchange" + (counts.length > 1 ? " disputed" : "");
      const link = document.createElement("a");
      link.href = localHref(value(row, "exchange"));
      link.textContent = value(row, "date") || value(row, "dateAsWritten") || "date unknown";
      const bar = document.createElement("span");
      bar.className = "bar";
      bar.style.width = (counts.length ? Math.max(...counts) / max * 100 : 0) + "%";
      const returned = document.createElement("span");
      returned.className = "returned";
      returned.textContent = value(row, "returned") || "?";
      if (counts.length > 1) returned.title = "the sources disagree";
      const track = document.createElement("span");
      track.append(bar, returned);
      const sources = document.createElement("span");
      sources.className = "sources";
      const n = value(row, "sources").split(",").filter(Boolean).length;
      sources.textContent = n + (n === 1 ? " source" : " sources");
      item.append(link, track, sources);
      list.appendChild(item);
    }
  }

  fetch(chart.dataset.source, {headers: {"Accept": "application/sparql-results+json"}})
    .then(function (response) {
      if (!response.ok) throw new Error("HTTP " + response.status);
      return response.json();
    })
    .then(function (data) { draw(data.results.bindings); })
    .catch(function (error) { chart.textContent = "The timeline could not be loaded: " + error.message; });
})();
