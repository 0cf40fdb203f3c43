// The comparison page: fetches /api/compare, draws the stacked bar chart (Chart.js from npm) and
// its table twin, the theme × type heat maps, role holders and completeness, and lists the plan
// items behind any number (/api/compare/items). Every text goes in through textContent.
(function () {
  "use strict";

  var COLOURS = {
    educationAuthority: "#1f77b4", methodologicalCentre: "#ff7f0e", supportCentre: "#17becf",
    regionalInstitute: "#9467bd", school: "#2ca02c", administration: "#8c564b", otherOrganization: "#7f7f7f",
    none: "#d62728"
  };
  var COLLECTIVE_COLOURS = { school: "#98df8a", otherOrganization: "#c7c7c7", educationAuthority: "#aec7e8",
    methodologicalCentre: "#ffbb78", supportCentre: "#9edae5", regionalInstitute: "#c5b0d5", administration: "#c49c94" };

  var app, text, data;

  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (name) {
      if (name === "text") node.textContent = attrs[name];
      else if (name === "dataset") Object.keys(attrs.dataset).forEach(function (k) { node.dataset[k] = attrs.dataset[k]; });
      else node.setAttribute(name, attrs[name]);
    });
    (children || []).forEach(function (child) { if (child) node.appendChild(child); });
    return node;
  }

  function colour(key) {
    if (key.indexOf("collective:") === 0) return COLLECTIVE_COLOURS[key.slice(11)] || "#dbdb8d";
    return COLOURS[key] || "#bcbd22";
  }

  function percent(share) {
    return share === null || share === undefined ? "" : (Math.round(share * 1000) / 10).toLocaleString(app.dataset.lang) + " %";
  }

  function drillButton(count, column, type, theme, label) {
    var button = el("button", { type: "button", "class": "drill", text: String(count),
      title: label, dataset: { column: column, type: type || "all", theme: theme || "" } });
    if (!count) button.disabled = true;
    return button;
  }

  // -- chart ---------------------------------------------------------------------------------------

  function drawChart() {
    var canvas = document.getElementById("compare-chart");
    if (typeof window.Chart === "undefined") {
      document.querySelector(".chart-missing").hidden = false;
      canvas.parentNode.hidden = true;
      return;
    }
    var used = data.categories.filter(function (c) {
      return data.columns.some(function (col) { return col.types[c.key].items > 0; });
    });
    var chart = new window.Chart(canvas, {
      type: "bar",
      data: {
        labels: data.columns.map(function (col) { return col.label; }),
        datasets: used.map(function (c) {
          return { label: c.label, key: c.key, backgroundColor: colour(c.key),
            data: data.columns.map(function (col) { return Math.round(col.types[c.key].share * 1000) / 10; }) };
        })
      },
      options: {
        responsive: true, maintainAspectRatio: false, animation: false,
        scales: { x: { stacked: true }, y: { stacked: true, beginAtZero: true, title: { display: true, text: "%" } } },
        plugins: { tooltip: { callbacks: { label: function (ctx) {
          var col = data.columns[ctx.dataIndex], key = ctx.dataset.key;
          return ctx.dataset.label + ": " + col.types[key].items + " / " + col.items + " (" + percent(col.types[key].share) + ")";
        } } } },
        onClick: function (event, elements) {
          if (!elements.length) return;
          var hit = elements[0];
          drill(data.columns[hit.index].id, chart.data.datasets[hit.datasetIndex].key, null);
        }
      }
    });
    canvas.dataset.rendered = "true";
  }

  // -- tables --------------------------------------------------------------------------------------

  function headerRow(first) {
    return el("tr", {}, [el("th", { text: first })].concat(data.columns.map(function (col) {
      return el("th", { scope: "col", "data-column": col.id }, [col.href ? el("a", { href: col.href, text: col.label }) : document.createTextNode(col.label)]);
    })));
  }

  function typesTable() {
    var table = document.getElementById("compare-types");
    table.appendChild(el("thead", {}, [headerRow(text.type)]));
    var body = el("tbody");
    data.categories.forEach(function (c) {
      body.appendChild(el("tr", { "data-category": c.key }, [el("th", { scope: "row" }, [
        el("span", { "class": "swatch", style: "background:" + colour(c.key) }), document.createTextNode(" " + c.label)])]
        .concat(data.columns.map(function (col) {
          var v = col.types[c.key];
          return el("td", { "class": "num", "data-column": col.id }, [drillButton(v.items, col.id, c.key, null, c.label),
            el("small", { text: " " + percent(v.share) })]);
        }))));
    });
    body.appendChild(el("tr", { "class": "total" }, [el("th", { scope: "row", text: text.total })].concat(data.columns.map(function (col) {
      return el("td", { "class": "num", "data-column": col.id }, [drillButton(col.items, col.id, null, null, text.total)]);
    }))));
    table.appendChild(body);
  }

  function heatmaps() {
    var holder = document.getElementById("compare-heatmaps");
    data.columns.forEach(function (col) {
      var table = el("table", { "class": "heatmap", "data-column": col.id });
      table.appendChild(el("caption", { text: col.label }));
      table.appendChild(el("thead", {}, [el("tr", {}, [el("th", { text: text.theme }), el("th", { text: text.items })]
        .concat(data.categories.map(function (c) { return el("th", { scope: "col", title: c.label, text: c.label }); })))]));
      var body = el("tbody");
      data.themes.forEach(function (theme) {
        var cell = col.themes[theme.key];
        var row = el("tr", { "data-theme": theme.key }, [el("th", { scope: "row", text: theme.label }),
          el("td", { "class": "num" }, [drillButton(cell.items, col.id, null, theme.key, theme.label)])]);
        data.categories.forEach(function (c) {
          var n = cell.types[c.key], share = cell.items ? n / cell.items : 0;
          var td = el("td", { "class": "num heat", "data-category": c.key }, [drillButton(n, col.id, c.key, theme.key, theme.label + " × " + c.label)]);
          td.style.backgroundColor = "rgba(31, 58, 95, " + (0.08 + 0.8 * share).toFixed(3) + ")";
          if (share > 0.5) td.classList.add("dark");
          if (!n) td.style.backgroundColor = "";
          row.appendChild(td);
        });
        body.appendChild(row);
      });
      table.appendChild(body);
      holder.appendChild(el("div", { "class": "table-wrap" }, [table]));
    });
  }

  function holderList(holders, role) {
    if (!holders.length) return document.createTextNode(text.none);
    return el("ul", {}, holders.map(function (h) {
      var item = el("li", {}, [h.href ? el("a", { href: h.href, text: h.label }) : document.createTextNode(h.label)]);
      if (role === "mentors" && h.mentees.length) item.appendChild(el("small", { text: " → " + text.mentees + ": " + h.mentees.join("; ") }));
      return item;
    }));
  }

  function rolesTable() {
    var table = document.getElementById("compare-roles");
    table.appendChild(el("thead", {}, [headerRow("")]));
    var body = el("tbody");
    ["coordinators", "operators", "mentors"].forEach(function (role) {
      body.appendChild(el("tr", { "data-role": role }, [el("th", { scope: "row", text: text["role." + role] })]
        .concat(data.columns.map(function (col) { return el("td", { "data-column": col.id }, [holderList(col.roles[role], role)]); }))));
    });
    table.appendChild(body);
  }

  function completenessTable() {
    var table = document.getElementById("compare-completeness");
    table.appendChild(el("thead", {}, [headerRow(text.metric)]));
    var body = el("tbody");
    data.metrics.forEach(function (metric) {
      body.appendChild(el("tr", { "data-metric": metric }, [el("th", { scope: "row", text: text["metric." + metric] || metric })]
        .concat(data.columns.map(function (col) {
          var s = col.completeness[metric];
          return el("td", { "class": "num", "data-column": col.id }, s ? [document.createTextNode(percent(s.value) + " "),
            el("small", { text: s.numerator + "/" + s.denominator })] : [document.createTextNode(text.none)]);
        }))));
    });
    table.appendChild(body);
  }

  // -- drill-down ------------------------------------------------------------------------------------

  function itemsUrl(column, type, theme, format, offset) {
    var params = new URLSearchParams({ column: column, lang: app.dataset.lang });
    if (type) params.set("type", type);
    if (theme) params.set("theme", theme);
    if (format) params.set("format", format);
    if (offset) params.set("offset", String(offset));
    if (!format && app.dataset.pageSize) params.set("limit", app.dataset.pageSize);
    return app.dataset.itemsApi + "?" + params.toString();
  }

  // List the items behind (column, type, theme); with an offset, append the next page.
  function drill(column, type, theme, offset) {
    var section = document.getElementById("compare-drill");
    var list = document.getElementById("drill-items");
    var caption = document.getElementById("drill-caption");
    var more = document.getElementById("drill-more");
    if (more) more.remove();
    section.hidden = false;
    section.dataset.state = "loading";
    if (!offset) {
      section.dataset.column = column;
      section.dataset.type = type || "all";
      section.dataset.theme = theme || "";
      list.textContent = "";
      caption.textContent = text.loading;
      document.getElementById("drill-csv").setAttribute("href", itemsUrl(column, type, theme, "csv"));
    }
    fetch(itemsUrl(column, type, theme, null, offset), { headers: { Accept: "application/json" } })
      .then(function (response) { return response.json().then(function (body) { return { ok: response.ok, body: body }; }); })
      .then(function (answer) {
        if (!answer.ok) throw new Error(answer.body.error ? answer.body.error.message : text.error);
        showItems(answer.body, list, caption);
        section.dataset.state = "ready";
        if (!offset) section.scrollIntoView({ block: "start" });
      })
      .catch(function (error) { caption.textContent = text.error + ": " + error.message; section.dataset.state = "error"; });
  }

  function showItems(answer, list, caption) {
    var parts = [answer.column.label, answer.type_label];
    if (answer.theme_label) parts.push(answer.theme_label);
    caption.textContent = parts.join(" · ") + " — " + answer.total + " " + text.items.toLowerCase();
    if (!answer.total) list.appendChild(el("li", { text: text.no_items }));
    answer.items.forEach(function (item) { list.appendChild(itemEntry(item)); });
    var shown = answer.offset + answer.items.length;
    if (shown < answer.total) {
      var more = el("button", { type: "button", id: "drill-more",
        text: text.more.replace("{shown}", shown).replace("{total}", answer.total) });
      more.addEventListener("click", function () {
        drill(answer.column.id, answer.type, answer.theme, shown);
      });
      list.parentNode.appendChild(more);
    }
  }

  function itemEntry(item) {
    var head = el("p", { "class": "item-head" }, [
      el("a", { href: item.href || "#", "class": "item-link", text: (item.number ? item.number + " " : "") + (item.title || item.item) })]);
    var meta = el("p", { "class": "item-meta" }, [document.createTextNode(text.act + ": "),
      el("a", { href: item.act.href || "#", text: item.act.label })]);
    if (item.line) {
      meta.appendChild(document.createTextNode(", "));
      meta.appendChild(el("a", { href: (item.act.href || "") + "#L" + item.line, "class": "to-line", text: text.line + " " + item.line }));
    }
    var parties = el("p", { "class": "item-parties" }, [document.createTextNode(text.responsible + ": ")]);
    if (!item.responsible.length) parties.appendChild(document.createTextNode(text.none));
    item.responsible.forEach(function (p, i) {
      if (i) parties.appendChild(document.createTextNode("; "));
      parties.appendChild(p.href ? el("a", { href: p.href, text: p.label }) : document.createTextNode(p.label));
    });
    var entry = el("li", { "data-item": item.item, "data-number": item.number || "" }, [head, meta, parties]);
    if (item.excerpt) entry.appendChild(el("blockquote", { "class": "excerpt", cite: item.act.href || "",
      text: item.excerpt + (item.excerpt_truncated ? " …" : "") }));
    return entry;
  }

  // -- start ------------------------------------------------------------------------------------------

  function render(answer) {
    data = answer;
    document.getElementById("compare-rule").textContent = data.rule;
    typesTable();
    heatmaps();
    rolesTable();
    completenessTable();
    drawChart();
    app.addEventListener("click", function (event) {
      var button = event.target.closest("button.drill");
      if (button && !button.disabled) drill(button.dataset.column, button.dataset.type === "all" ? null : button.dataset.type, button.dataset.theme || null);
    });
    app.dataset.state = "ready";
  }

  function start() {
    app = document.getElementById("compare-app");
    if (!app) return;
    text = JSON.parse(document.getElementById("compare-messages").textContent);
    fetch(app.dataset.api, { headers: { Accept: "application/json" } })
      .then(function (response) { return response.json().then(function (body) { return { ok: response.ok, body: body }; }); })
      .then(function (answer) {
        if (!answer.ok) throw new Error(answer.body.error ? answer.body.error.message : text.error);
        render(answer.body);
      })
      .catch(function (error) {
        app.dataset.state = "error";
        document.getElementById("compare-rule").textContent = text.error + ": " + error.message;
      });
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
