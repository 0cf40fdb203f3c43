// The SPARQL query page: YASQE (editor) and YASR (results) from the YASGUI bundle, wired to our
// endpoint only. Without the bundle (npm assets not installed) or without JavaScript, the plain
// form stays and the server renders the result table itself.
(function () {
  "use strict";

  var boot = JSON.parse(document.getElementById("sparql-boot").textContent);
  var Yasgui = window.Yasgui;
  if (!Yasgui || !Yasgui.Yasqe || !Yasgui.Yasr) {
    return;
  }
  var Yasqe = Yasgui.Yasqe;
  var Yasr = Yasgui.Yasr;
  var SELECT_ACCEPT = "application/sparql-results+json";
  var GRAPH_ACCEPT = "text/turtle";
  var LOCAL_COMPLETERS = ["prefixes", "variables", "local-class", "local-property"];
  var VOID_PARTITION = /^\S+ <http:\/\/rdfs\.org\/ns\/void#(class|property)> <([^>]+)> \.$/;
  var vocabulary = null;

  var DEFINED_TERMS = "SELECT DISTINCT ?term ?kind WHERE {\n" +
    "  VALUES (?type ?kind) { (<http://www.w3.org/2002/07/owl#Class> \"class\") (<http://www.w3.org/2000/01/rdf-schema#Class> \"class\")\n" +
    "    (<http://www.w3.org/2002/07/owl#ObjectProperty> \"property\") (<http://www.w3.org/2002/07/owl#DatatypeProperty> \"property\")\n" +
    "    (<http://www.w3.org/2002/07/owl#AnnotationProperty> \"property\") (<http://www.w3.org/1999/02/22-rdf-syntax-ns#Property> \"property\") }\n" +
    "  ?term a ?type FILTER(isIRI(?term))\n}";

  // Classes and properties of *this* dataset, instead of the library's look-ups at
  // lov.linkeddata.es: those the vocabulary defines (a query) and those the data uses (the VoID
  // partitions, cached by the server per dataset version). Loaded once per page.
  function loadVocabulary() {
    if (!vocabulary) {
      var found = { "class": {}, "property": {} };
      var used = fetch(boot.void, { headers: { "Accept": "application/n-triples" }, credentials: "same-origin" })
        .then(function (response) { return response.ok ? response.text() : ""; })
        .then(function (text) {
          text.split("\n").forEach(function (line) {
            var match = VOID_PARTITION.exec(line);
            if (match) {
              found[match[1]][match[2]] = true;
            }
          });
        });
      var body = new URLSearchParams();
      body.set("query", DEFINED_TERMS);
      var defined = fetch(boot.endpoint, { method: "POST", body: body, credentials: "same-origin",
        headers: { "Accept": SELECT_ACCEPT, "Content-Type": "application/x-www-form-urlencoded" } })
        .then(function (response) { return response.ok ? response.json() : { results: { bindings: [] } }; })
        .then(function (json) {
          json.results.bindings.forEach(function (row) {
            found[row.kind.value][row.term.value] = true;
          });
        });
      vocabulary = Promise.all([used, defined]).then(function () {
        return { "class": Object.keys(found["class"]).sort(), "property": Object.keys(found.property).sort() };
      }).catch(function () {
        return { "class": [], "property": [] };
      });
    }
    return vocabulary;
  }

  function suggestions(kind, token) {
    var typed = ((token && token.autocompletionString) || "").toLowerCase();
    return loadVocabulary().then(function (found) {
      return found[kind].filter(function (iri) {
        var lower = iri.toLowerCase();
        return typed.indexOf(":") >= 0 ? lower.indexOf(typed) === 0 : lower.indexOf(typed) >= 0;
      });
    });
  }

  function registerLocalCompleters() {
    if (typeof Yasqe.forkAutocompleter !== "function") {
      return;
    }
    ["class", "property"].forEach(function (kind) {
      Yasqe.forkAutocompleter(kind, {
        name: "local-" + kind,
        persistenceId: null,
        get: function (yasqe, token) { return suggestions(kind, token); }
      }, false);
    });
  }

  // IRIs of our resources link to their pages (/id/...), not to the w3id.org redirector.
  function localHref(iri) {
    return iri.indexOf(boot.baseIri) === 0 ? "/id/" + iri.slice(boot.baseIri.length) : null;
  }

  function escapeAttribute(text) {
    return text.replace(/&/g, "&amp;").replace(/'/g, "&#39;").replace(/"/g, "&quot;").replace(/</g, "&lt;");
  }

  function linkLocalIris() {
    var Table = Yasr.plugins && Yasr.plugins.table;
    if (!Table || !Table.prototype.getUriLinkFromBinding) {
      return;
    }
    var original = Table.prototype.getUriLinkFromBinding;
    Table.prototype.getUriLinkFromBinding = function (binding, prefixes) {
      var html = original.call(this, binding, prefixes);
      var href = localHref(binding.value);
      // The library's HTML goes through DOMPurify, which writes attributes in double quotes.
      return href ? html.replace(/href=(["'])[^"']*\1/, 'href="' + escapeAttribute(href) + '"') : html;
    };
  }

  function formatReceipt(response, milliseconds) {
    var rows = response.headers.get("X-Shnor-Rows");
    var version = response.headers.get("X-Shnor-Dataset-Version");
    var parts = [];
    if (rows !== null) {
      parts.push(rows + " " + boot.text.rows);
    }
    parts.push(Math.round(milliseconds) + " " + boot.text.ms);
    if (version !== null) {
      parts.push(boot.text.version + " " + version);
    }
    return parts.join(" · ");
  }

  function showTruncation(response) {
    var note = document.getElementById("truncated");
    var truncated = response.headers.get("X-Shnor-Truncated") === "true";
    note.hidden = !truncated;
    if (truncated) {
      note.textContent = boot.text.truncated.replace("{rows}", response.headers.get("X-Shnor-Rows"));
    }
  }

  function queryKind(yasqe) {
    var type = yasqe.getQueryType ? yasqe.getQueryType() : "SELECT";
    return type === "CONSTRUCT" || type === "DESCRIBE" ? "graph" : "solutions";
  }

  function clearServerResults() {
    ["server-results", "server-error"].forEach(function (id) {
      var element = document.getElementById(id);
      if (element) {
        element.remove();
      }
    });
  }

  function run(yasqe, yasr) {
    var started = performance.now();
    var accept = queryKind(yasqe) === "graph" ? GRAPH_ACCEPT : SELECT_ACCEPT;
    var body = new URLSearchParams();
    body.set("query", yasqe.getValue());
    document.body.classList.add("sparql-running");
    clearServerResults();
    return fetch(boot.endpoint, {
      method: "POST",
      headers: { "Accept": accept, "Content-Type": "application/x-www-form-urlencoded" },
      body: body,
      credentials: "same-origin"
    }).then(function (response) {
      return response.text().then(function (text) {
        var milliseconds = performance.now() - started;
        document.getElementById("receipt").textContent = formatReceipt(response, milliseconds);
        showTruncation(response);
        var summary = { data: text, contentType: response.headers.get("Content-Type"), status: response.status, executionTime: milliseconds };
        if (!response.ok) {
          summary = { error: { status: response.status, statusText: response.statusText, text: errorText(text) }, status: response.status, executionTime: milliseconds };
        }
        yasr.setResponse(summary, milliseconds);
      });
    }).catch(function (error) {
      yasr.setResponse({ error: { status: 0, text: String(error) } });
    }).finally(function () {
      document.body.classList.remove("sparql-running");
    });
  }

  function errorText(text) {
    try {
      return JSON.parse(text).error.message;
    } catch (ignored) {
      return text;
    }
  }

  function foldPrefixes(yasqe) {
    if (typeof yasqe.collapsePrefixes === "function") {
      yasqe.collapsePrefixes(true);
    }
  }

  function wireExamples(yasqe, yasr) {
    document.querySelectorAll("#examples a.example").forEach(function (link) {
      link.addEventListener("click", function (event) {
        event.preventDefault();
        yasqe.setValue(boot.examples[Number(link.dataset.index)].query);
        foldPrefixes(yasqe);
        run(yasqe, yasr);
      });
    });
  }

  function start() {
    linkLocalIris();
    var form = document.getElementById("query-form");
    form.hidden = true;
    // The library's class and property completers ask lov.linkeddata.es: local ones replace them
    // (the library merges arrays, so the defaults themselves are narrowed).
    registerLocalCompleters();
    Yasqe.defaults.autocompleters = LOCAL_COMPLETERS.slice();
    var yasqe = new Yasqe(document.getElementById("yasqe"), {
      value: boot.query,
      persistenceId: null,
      collapsePrefixesOnLoad: true,
      showQueryButton: true,
      resizeable: true,
      requestConfig: { endpoint: boot.endpoint, method: "POST" }
    });
    var yasr = new Yasr(document.getElementById("yasr"), {
      prefixes: boot.prefixes,
      persistenceId: null,
      pluginOrder: ["table", "response"],
      defaultPlugin: "table"
    });
    ["class", "property"].forEach(function (name) {
      if (typeof yasqe.disableCompleter === "function") {
        yasqe.disableCompleter(name);
      }
    });
    // Our own request: the endpoint's receipts and truncation headers are read here.
    yasqe.query = function () {
      return run(yasqe, yasr);
    };
    foldPrefixes(yasqe);
    wireExamples(yasqe, yasr);
    document.body.classList.add("sparql-ready");
    window.shnorSparql = { yasqe: yasqe, yasr: yasr, run: function () { return run(yasqe, yasr); } };
  }

  start();
})();
