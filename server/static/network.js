/* The network browser: sigma.js (WebGL) over a graphology graph, positions precomputed by the
 * server and refined by ForceAtlas2 in a web worker (graphology-library's FA2Layout).
 * State for tests and tools: #network-app[data-state|data-nodes|data-edges|data-query|data-layout]
 * and window.shnorNetwork. */
(function () {
  "use strict";

  const TYPE_COLOURS = { school: "#2b7bba", organization: "#e8833a", collective: "#9b59b6", person: "#3aa655", act: "#c0392b" };
  const COMMUNITY_COLOURS = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2",
    "#17becf", "#bcbd22", "#7f7f7f", "#393b79", "#637939", "#8c6d31", "#843c39", "#7b4173", "#3182bd"];
  const FADED = "#e3e6ea";
  const AUTO_LAYOUT_NODES = 1500;
  const AUTO_LAYOUT_EDGES = 6000;

  const app = document.getElementById("network-app");
  const boot = JSON.parse(document.getElementById("network-boot").textContent);
  const T = boot.text;
  const $ = (id) => document.getElementById(id);

  const state = { graph: null, renderer: null, layout: null, layoutTimer: null, selected: null,
    matches: null, colour: "type", size: "degree", data: null, request: 0 };

  /* -- small helpers ------------------------------------------------------------------------ */

  function el(tag, attrs, children) {
    const node = document.createElement(tag);
    Object.entries(attrs || {}).forEach(([k, v]) => { if (v !== null && v !== undefined) node.setAttribute(k, v); });
    (children || []).forEach((c) => node.append(c instanceof Node ? c : document.createTextNode(String(c))));
    return node;
  }

  function option(value, label, selected) {
    const o = el("option", { value: value }, [label]);
    if (selected) o.selected = true;
    return o;
  }

  function fillSelect(select, items, current) {
    select.replaceChildren(option("", T.any, !current));
    items.forEach((it) => select.append(option(it.id, it.label, String(it.id) === String(current))));
  }

  function formatNumber(v) {
    return typeof v === "number" && !Number.isInteger(v) ? v.toFixed(4) : String(v);
  }

  /* -- filters and the URL ------------------------------------------------------------------ */

  function currentFilters() {
    const f = {};
    boot.filterNames.forEach((name) => { const v = $("net-" + name).value; if (v) f[name] = v; });
    return f;
  }

  function queryString(extra) {
    const params = new URLSearchParams(Object.assign({}, currentFilters(), extra || {}));
    return params.toString();
  }

  function fillFilters() {
    const f = boot.filters;
    const facets = boot.facets;
    fillSelect($("net-region"), facets.regions, f.region);
    fillMunicipalities(f.region, f.municipality);
    fillSelect($("net-year"), facets.years.map((y) => ({ id: y, label: String(y) })), f.year);
    fillSelect($("net-theme"), facets.themes, f.theme);
  }

  function fillMunicipalities(region, current) {
    const all = boot.facets.municipalities;
    fillSelect($("net-municipality"), region ? all.filter((m) => m.region === region) : all, current);
  }

  function syncUrl() {
    const q = queryString({ kind: $("net-kind").value, lang: boot.lang });
    history.replaceState(null, "", "/network?" + q);
    $("lang-switch").href = "/network?" + queryString({ kind: $("net-kind").value, lang: boot.lang === "ru" ? "en" : "ru" });
    const kind = $("net-kind").value;
    $("export-graphml").href = `/api/network/${kind}?` + queryString({ format: "graphml" });
    $("export-gexf").href = `/api/network/${kind}?` + queryString({ format: "gexf" });
  }

  /* -- loading a network -------------------------------------------------------------------- */

  function setStatus(kind, text) {
    app.dataset.state = kind;
    $("net-status").textContent = text || "";
    $("net-status").hidden = !text;
  }

  async function load() {
    const kind = $("net-kind").value;
    const query = queryString();
    const ticket = ++state.request;
    syncUrl();
    stopLayout();
    setStatus("loading", T.loading);
    app.dataset.query = query;
    let data;
    const started = performance.now();
    app.dataset.requested = String(Math.round(started));
    try {
      // Same URL as the page's <link rel=preload>, so the first answer is already on its way.
      const response = await fetch(`/api/network/${kind}?` + queryString({ provenance: "none" }), { credentials: "same-origin", mode: "cors" });
      data = await response.json();
      if (!response.ok) throw new Error((data.error && data.error.message) || response.statusText);
    } catch (err) {
      if (ticket === state.request) setStatus("error", String(err.message || err));
      return;
    }
    if (ticket !== state.request) return;
    app.dataset.fetched = String(Math.round(performance.now()));
    show(data);
  }

  function buildGraph(data) {
    const graph = new graphology.Graph({ type: data.directed ? "directed" : "undirected", multi: false });
    data.nodes.forEach((n) => graph.addNode(n.id, {
      x: n.x, y: n.y, label: n.label, nodeType: n.type, community: n.community, metrics: n.metrics,
      href: n.href, municipality: n.municipality, size: 4, color: TYPE_COLOURS[n.type] || "#999",
    }));
    data.edges.forEach((e) => graph.addEdge(e.source, e.target, {
      weight: e.weight, edgeType: e.type, provenance: e.provenance, roles: e.roles, years: e.years,
      size: Math.min(8, (data.edges.length > 2000 ? 1 : 2) + Math.log2(e.weight || 1)), type: data.directed ? "arrow" : "line",
    }));
    return graph;
  }

  function show(data) {
    state.data = data;
    state.selected = null;
    state.matches = null;
    closePanel();
    const t0 = performance.now();
    const graph = buildGraph(data);
    state.graph = graph;
    applyAppearance();
    app.dataset.buildMs = String(Math.round(performance.now() - t0));
    if (state.renderer) state.renderer.kill();
    state.renderer = null;
    app.dataset.nodes = String(graph.order);
    app.dataset.edges = String(graph.size);
    $("net-labels").replaceChildren();
    renderSummary(data);
    renderLegend();
    if (!graph.order) {
      setStatus("empty", T.empty);
      return;
    }
    const t1 = performance.now();
    state.renderer = createRenderer(graph);
    app.dataset.sigmaMs = String(Math.round(performance.now() - t1));
    setStatus("ready", "");
    app.dataset.firstRender = String(Math.round(performance.now()));
    autoLayout();
  }

  function createRenderer(graph) {
    const large = graph.size > 5000;
    const renderer = new Sigma(graph, $("net-canvas"), {
      hideEdgesOnMove: large, renderEdgeLabels: false, labelRenderedSizeThreshold: large ? 10 : 5,
      defaultEdgeColor: "#b8c0cc", zIndex: true, minCameraRatio: 0.02, maxCameraRatio: 20,
      nodeReducer: nodeReducer, edgeReducer: edgeReducer,
    });
    renderer.on("clickNode", (e) => select(e.node, false));
    renderer.on("clickStage", () => { state.selected = null; closePanel(); renderer.refresh({ skipIndexation: true }); });
    return renderer;
  }

  /* -- appearance: colour, size, highlighting ----------------------------------------------- */

  function colourOf(attrs) {
    if (state.colour === "community") return COMMUNITY_COLOURS[attrs.community % COMMUNITY_COLOURS.length];
    return TYPE_COLOURS[attrs.nodeType] || "#999";
  }

  function applyAppearance() {
    const graph = state.graph;
    let max = 0;
    graph.forEachNode((_, a) => { max = Math.max(max, a.metrics[state.size] || 0); });
    const big = graph.order > 1000 ? 10 : 16;
    graph.updateEachNodeAttributes((_, a) => Object.assign(a, {
      color: colourOf(a), size: 3 + (max ? big * Math.sqrt((a.metrics[state.size] || 0) / max) : 0),
    }), { attributes: ["color", "size"] });
  }

  function focusSet() {
    if (state.selected && state.graph.hasNode(state.selected)) {
      return new Set([state.selected, ...state.graph.neighbors(state.selected)]);
    }
    return state.matches;
  }

  function nodeReducer(node, attrs) {
    const focus = focusSet();
    if (!focus) return attrs;
    if (focus.has(node)) return Object.assign({}, attrs, { zIndex: 1, forceLabel: node === state.selected || (state.matches && state.matches.has(node)), highlighted: node === state.selected });
    return Object.assign({}, attrs, { color: FADED, label: "", zIndex: 0 });
  }

  function edgeReducer(edge, attrs) {
    const focus = focusSet();
    if (!focus) return attrs;
    const [s, t] = state.graph.extremities(edge);
    return focus.has(s) && focus.has(t) ? attrs : Object.assign({}, attrs, { hidden: true });
  }

  function refresh() {
    if (state.renderer) state.renderer.refresh();
  }

  function renderLegend() {
    const legend = $("net-legend");
    legend.replaceChildren();
    if (state.colour !== "type" || !state.graph) return;
    const types = new Set();
    state.graph.forEachNode((_, a) => types.add(a.nodeType));
    types.forEach((t) => legend.append(el("li", {}, [el("span", { class: "swatch", style: `background:${TYPE_COLOURS[t]}` }), T[t] || t])));
  }

  /* -- layout: ForceAtlas2 in a worker, bounded in time ------------------------------------- */

  function startLayout(millis) {
    if (!state.graph || state.graph.order < 2 || !window.graphologyLibrary) return;
    stopLayout();
    const lib = window.graphologyLibrary;
    const settings = Object.assign(lib.layoutForceAtlas2.inferSettings(state.graph), { adjustSizes: false });
    state.layout = new lib.FA2Layout(state.graph, { settings: settings });
    state.layout.start();
    app.dataset.layout = "running";
    $("net-layout").textContent = T.layout_stop;
    if (millis) state.layoutTimer = setTimeout(stopLayout, millis);
  }

  function stopLayout() {
    clearTimeout(state.layoutTimer);
    if (state.layout) { state.layout.kill(); state.layout = null; }
    app.dataset.layout = "stopped";
    $("net-layout").textContent = T.layout_run;
  }

  /** Refine small networks at once; large ones keep the server's layout until asked (each
   *  worker iteration makes sigma re-index every node and edge, which costs frames). */
  function autoLayout() {
    if (!state.graph.size || state.graph.order > AUTO_LAYOUT_NODES || state.graph.size > AUTO_LAYOUT_EDGES) {
      app.dataset.layout = "stopped";
      return;
    }
    startLayout(Math.min(4000, 600 + 3 * state.graph.order));
  }

  /* -- search ------------------------------------------------------------------------------- */

  /** The search suggestions, filled when the search box is first focused (thousands of
   *  options would otherwise delay the first render). */
  function fillLabels() {
    const list = $("net-labels");
    if (!state.graph || list.childElementCount) return;
    const labels = new Set();
    state.graph.forEachNode((_, a) => labels.add(a.label));
    list.replaceChildren(...[...labels].sort().slice(0, 5000).map((l) => el("option", { value: l })));
  }

  function search(text) {
    const needle = text.trim().toLowerCase();
    if (!state.graph) return;
    if (!needle) { state.matches = null; refresh(); return; }
    const matches = new Set();
    let exact = null;
    state.graph.forEachNode((n, a) => {
      const label = (a.label || "").toLowerCase();
      if (label.includes(needle)) matches.add(n);
      if (label === needle) exact = n;
    });
    state.matches = matches;
    app.dataset.matches = String(matches.size);
    const target = exact || (matches.size === 1 ? [...matches][0] : null);
    if (target) select(target); else refresh();
  }

  /* -- the side panel ----------------------------------------------------------------------- */

  function closePanel() {
    const panel = $("net-panel");
    panel.hidden = true;
    panel.replaceChildren();
    delete panel.dataset.node;
  }

  function centreOn(node) {
    const display = state.renderer && state.renderer.getNodeDisplayData(node);
    if (display) state.renderer.getCamera().animate({ x: display.x, y: display.y, ratio: 0.5 }, { duration: 300 });
  }

  /** Select a node: highlight it and its neighbours, open its panel; ``centre`` moves the
   *  camera to it (for search; a clicked node is already in view). */
  async function select(node, centre = true) {
    state.selected = node;
    refresh();
    if (centre) centreOn(node);
    const attrs = state.graph.getNodeAttributes(node);
    const panel = $("net-panel");
    panel.hidden = false;
    panel.dataset.node = node;
    panel.dataset.state = "loading";
    panel.replaceChildren(panelHeader(attrs), metricsTable(attrs.metrics, attrs.community));
    let details;
    try {
      const response = await fetch(`/api/network/node?` + new URLSearchParams({ id: node, lang: boot.lang }));
      details = await response.json();
      if (!response.ok) throw new Error(details.error ? details.error.message : response.statusText);
    } catch (err) {
      panel.append(el("p", { class: "error-message" }, [String(err.message || err)]));
      panel.dataset.state = "error";
      return;
    }
    if (state.selected !== node) return;
    panel.append(...panelDetails(details));
    panel.dataset.state = "ready";
  }

  function panelHeader(attrs) {
    const close = el("button", { type: "button", class: "net-close", "aria-label": T.close }, ["×"]);
    close.addEventListener("click", () => { state.selected = null; closePanel(); refresh(); });
    const head = el("header", {}, [close, el("h2", { class: "net-node-label" }, [attrs.label]),
      el("p", { class: "net-node-type" }, [T[attrs.nodeType] || attrs.nodeType])]);
    if (attrs.href) head.append(el("p", {}, [el("a", { href: attrs.href, class: "net-resource" }, [T.resource])]));
    return head;
  }

  function metricsTable(metrics, community) {
    const rows = Object.entries(metrics).map(([k, v]) => el("tr", {}, [el("th", {}, [T[k] || k]), el("td", {}, [formatNumber(v)])]));
    rows.push(el("tr", {}, [el("th", {}, [T.community]), el("td", {}, [String(community)])]));
    return el("section", {}, [el("h3", {}, [T.metrics]), el("table", { class: "net-metrics" }, rows)]);
  }

  function panelDetails(d) {
    const parts = [];
    if (d.municipality) parts.push(el("p", {}, [`${T.municipality_of}: ${d.municipality.label || d.municipality.id}`]));
    if (d.heads.length) {
      parts.push(el("section", { class: "net-heads" }, [el("h3", {}, [T.heads]),
        el("ul", {}, d.heads.map((h) => el("li", {}, [el("span", { class: "net-head-name" }, [h.name]), ` — ${h.role_label}`])))]));
    }
    if (d.acts.length) {
      parts.push(el("section", { class: "net-acts" }, [el("h3", {}, [T.acts]), el("ul", {}, d.acts.map(actItem))]));
    }
    return parts;
  }

  function actItem(act) {
    const title = act.href ? el("a", { href: act.href }, [act.label]) : el("span", {}, [act.label]);
    const roles = act.roles.map((r) => (r.count > 1 ? `${r.label} (${r.count})` : r.label)).join(", ");
    return el("li", {}, [title, el("br"), el("small", {}, [roles])]);
  }

  /* -- the summary -------------------------------------------------------------------------- */

  function renderSummary(data) {
    const s = data.summary;
    const box = $("net-summary");
    box.replaceChildren(el("p", { class: "net-counts" }, [
      `${s.nodes} ${T.nodes} · ${s.edges} ${T.edges} · ${s.components} ${T.components} · ${s.communities} ${T.communities}`]));
    if (s.mentor_load && s.mentor_load.top.length) {
      box.append(el("h3", {}, [T.mentor_load]), el("ol", {}, s.mentor_load.top.map((m) => el("li", {}, [`${m.label} — ${T.mentees}: ${m.mentees}`]))));
    }
    if (s.schools_without_mentor && s.schools_without_mentor.length) {
      box.append(el("h3", {}, [`${T.unmentored} (${s.schools_without_mentor.length})`]),
        el("ul", { class: "net-unmentored" }, s.schools_without_mentor.slice(0, 50).map((u) => el("li", {}, [u.label]))));
    }
  }

  /* -- wiring ------------------------------------------------------------------------------- */

  function wire() {
    ["net-kind", "net-year", "net-theme", "net-municipality"].forEach((id) => $(id).addEventListener("change", load));
    $("net-region").addEventListener("change", () => { fillMunicipalities($("net-region").value, ""); load(); });
    $("net-colour").addEventListener("change", (e) => { state.colour = e.target.value; recolour(); });
    $("net-size").addEventListener("change", (e) => { state.size = e.target.value; recolour(); });
    $("net-layout").addEventListener("click", () => (state.layout ? stopLayout() : startLayout(0)));
    $("net-search").addEventListener("focus", fillLabels);
    $("net-search").addEventListener("change", (e) => search(e.target.value));
    $("net-search").addEventListener("keydown", (e) => { if (e.key === "Enter") { e.preventDefault(); search(e.target.value); } });
    $("net-form").addEventListener("submit", (e) => { e.preventDefault(); load(); });
  }

  function recolour() {
    if (!state.graph) return;
    applyAppearance();
    renderLegend();
    refresh();
  }

  /** Viewport position of a node inside the canvas container (for tests and tools). */
  function nodePosition(node) {
    const display = state.renderer.getNodeDisplayData(node);
    return display ? state.renderer.framedGraphToViewport(display) : null;
  }

  window.shnorNetwork = { state: state, nodePosition: nodePosition, select: select, load: load };

  if (typeof Sigma === "undefined" || typeof graphology === "undefined") {
    setStatus("error", "sigma.js / graphology are missing: run `make assets`");
    return;
  }
  fillFilters();
  wire();
  load();
})();
