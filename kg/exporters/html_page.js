// kg: the page's behaviour. The layout and labels come from Python (html_layout.py), so the
// network opens still; this adds tooltips, a side panel on click, search, type and date filters,
// and a physics switch. Strings from papers are data: every one is set with textContent or
// createTextNode, never parsed as markup.
(function () {
  "use strict";
  // The panel's data is parsed when first needed (or once the picture is up): on a big view it
  // is megabytes, and the first picture should not wait for it.
  var DATA = null, details, papers, names, sentences;
  function load() {
    if (DATA === null) {
      DATA = JSON.parse(document.getElementById("kg-data").textContent);
      details = DATA.d; papers = DATA.p; names = DATA.n; sentences = DATA.s;
    }
  }

  function el(tag, text, cls) {
    var e = document.createElement(tag);
    if (text !== undefined && text !== null) { e.textContent = String(text); }
    if (cls) { e.className = cls; }
    return e;
  }
  function safeUrl(url) { return /^https?:\/\//.test(url || "") ? url : ""; }

  // Tooltips: name, type, date or number of papers, as text (innerText never parses markup).
  // Each is made when the mouse first reaches its node: making thousands up front is slow.
  function tipElement(n) {
    var lines = [n.name, n.kind];
    if (n.date) { lines.push(n.date); }
    if (n.papers) { lines.push(n.papers + " paper(s)"); }
    lines.push("click for details");
    var box = document.createElement("div");
    box.style.whiteSpace = "pre-line";
    box.style.maxWidth = "420px";
    box.innerText = lines.join("\n");
    return box;
  }
  network.on("hoverNode", function (params) {
    var n = nodes.get(params.node);
    if (n && !n.title) { nodes.update({ id: n.id, title: tipElement(n) }); }
  });

  // --- the panel ------------------------------------------------------------------------------
  var panel = document.getElementById("kg-panel");

  // a link that moves the view to a node of the page, or plain text for one the page leaves out
  function nodeLink(id, text) {
    if (nodes.get(id) === null) { return el("span", text); }
    var a = el("a", text, "kg-go");
    a.href = "#";
    a.addEventListener("click", function (ev) { ev.preventDefault(); go(id); });
    return a;
  }
  function nameOf(id) { return (names[id] || papers[id] || [id])[0]; }

  // an evidence sentence with the name highlighted: text nodes around a <mark> element
  function quote(ref) {
    var q = el("div", null, "kg-quote");
    if (!ref || ref.length === 0) { return q; }
    var text = sentences[ref[0]] || "", s = ref[1], e = ref[2];
    q.appendChild(document.createTextNode("“"));
    if (s >= 0 && e > s) {
      q.appendChild(document.createTextNode(text.slice(0, s)));
      q.appendChild(el("mark", text.slice(s, e)));
      q.appendChild(document.createTextNode(text.slice(e)));
    } else {
      q.appendChild(document.createTextNode(text));
    }
    q.appendChild(document.createTextNode("”"));
    return q;
  }
  function paperLine(pid, withoutTitle) {
    var p = papers[pid] || [pid, "", ""];
    var line = el("div");
    if (!withoutTitle) { line.appendChild(nodeLink(pid, p[0])); }
    if (p[2]) { line.appendChild(el("span", (withoutTitle ? "" : " · ") + p[2], "kg-date")); }
    var url = safeUrl(p[1]);
    if (url) {
      line.appendChild(document.createTextNode(" "));
      var a = el("a", "arXiv ↗");
      a.href = url; a.target = "_blank"; a.rel = "noopener noreferrer";
      line.appendChild(a);
    }
    return line;
  }
  var ROLE_TITLE = {
    PROPOSES: "proposes", USES: "uses", COMPARES_WITH: "compares with", EVALUATED_ON: "evaluated on",
    MEASURES: "measures", ADDRESSES: "addresses", RUNS_ON: "runs on", MENTIONS: "mentions",
    HAS_CODE: "code"
  };
  var ROLE_OF_PAPER = {
    PROPOSES: "proposed in", USES: "used in", COMPARES_WITH: "compared with in",
    EVALUATED_ON: "evaluated on in", MEASURES: "measured in", ADDRESSES: "addressed in",
    RUNS_ON: "run on in", MENTIONS: "mentioned in", HAS_CODE: "code of"
  };
  function section(title) { panel.appendChild(el("h3", title)); }
  function idList(title, ids) {
    if (!ids || ids.length === 0) { return; }
    section(title);
    var line = el("div", null, "kg-item");
    ids.forEach(function (id, i) {
      if (i) { line.appendChild(document.createTextNode(", ")); }
      line.appendChild(nodeLink(id, nameOf(id)));
    });
    panel.appendChild(line);
  }
  function cell(row, content) {
    var td = el("td");
    if (content instanceof Node) { td.appendChild(content); } else { td.textContent = content || ""; }
    row.appendChild(td);
  }
  function resultTable(rows, columns) {
    var table = el("table");
    rows.forEach(function (r) {
      var tr = el("tr");
      columns.forEach(function (c) {
        if (c === "t") { cell(tr, r.t); }
        else if (c === "m" && !r.m) { cell(tr, r.mt || ""); }
        else if (c === "p") { cell(tr, r.p ? nodeLink(r.p, (papers[r.p] || [r.p])[0].slice(0, 40)) : ""); }
        else { cell(tr, r[c] ? nodeLink(r[c], nameOf(r[c])) : ""); }
      });
      table.appendChild(tr);
    });
    panel.appendChild(table);
  }

  function show(id) {
    load();
    var n = nodes.get(id), d = details[id];
    if (!n || !(d || broughtBy[id])) { return; }
    panel.replaceChildren();
    var close = el("button", "×", "kg-close");
    close.title = "close";
    close.addEventListener("click", unfocus);
    panel.appendChild(close);
    panel.appendChild(el("h2", n.kind === "Paper" ? (papers[id] || [n.name])[0] : n.name));
    var kind = el("div", n.kind, "kg-kind");
    panel.appendChild(kind);
    if (!d) {
      // a paper brought back by focusing an entity: what the entity's panel says of it
      var ref = broughtBy[id];
      panel.appendChild(paperLine(id, true));
      section(ROLE_TITLE[ref[1]] || ref[1]);
      var about = el("div", null, "kg-item");
      about.appendChild(nodeLink(focused, nameOf(focused)));
      about.appendChild(quote(ref.slice(2)));
      panel.appendChild(about);
    } else if (n.kind === "Paper") {
      panel.appendChild(paperLine(id, true));  // the heading shows the title
      var byRole = {};
      d.r.forEach(function (link) { (byRole[link[1]] = byRole[link[1]] || []).push(link); });
      Object.keys(ROLE_TITLE).forEach(function (role) {
        if (!byRole[role]) { return; }
        section(ROLE_TITLE[role]);
        byRole[role].forEach(function (link) {
          var item = el("div", null, "kg-item");
          item.appendChild(nodeLink(link[0], nameOf(link[0])));
          item.appendChild(el("span", " · " + ((names[link[0]] || [])[1] || ""), "kg-date"));
          item.appendChild(quote(link.slice(2)));
          panel.appendChild(item);
        });
      });
      if (d.res) { section("reports"); resultTable(d.res, ["s", "t", "m", "d"]); }
      if (d.cmp) {
        section("comparisons");
        d.cmp.forEach(function (text) { panel.appendChild(el("div", text, "kg-item")); });
      }
    } else {
      if (d.a) { panel.appendChild(el("div", "also: " + d.a.join(", "), "kg-item")); }
      var url = safeUrl(d.u);
      if (url) {
        var a = el("a", url);
        a.href = url; a.target = "_blank"; a.rel = "noopener noreferrer";
        panel.appendChild(a);
      }
      idList("family", d.f);
      idList("versions", d.v);
      if (d.lb && d.lb.length) {
        section("results");
        resultTable(d.lb, n.kind === "Dataset" ? ["s", "t", "m", "p"] : ["s", "t", "d", "p"]);
      }
      section(d.c + " paper(s)" + (d.c > d.p.length ? ", the first " + d.p.length : ""));
      var last = null;
      d.p.forEach(function (ref) {
        if (ref[1] !== last) { panel.appendChild(el("div", ROLE_OF_PAPER[ref[1]] || ref[1], "kg-kind")); }
        last = ref[1];
        var item = el("div", null, "kg-item");
        item.appendChild(paperLine(ref[0]));
        item.appendChild(quote(ref.slice(2)));
        panel.appendChild(item);
      });
    }
    panel.hidden = false;
    panel.scrollTop = 0;
    window.kgShown = id;
  }

  // --- an entity-centred view: focusing an entity brings its papers back --------------------
  // The page shows entities linked by the papers they share (DATA.fp says so); an entity's
  // papers are the ones its panel lists, drawn as paper nodes on a ring around it and linked to
  // it by their role. Focusing another entity takes them away again, and so does clearing it.
  var focused = null, brought = [], broughtBy = {};
  window.kgBrought = [];
  function takeBack() {
    if (brought.length) {
      edges.remove(brought.map(function (pid) { return "kg-brought:" + pid; }));
      nodes.remove(brought);
    }
    brought = []; broughtBy = {}; focused = null;
    window.kgBrought = [];
  }
  function bringPapers(id) {
    load();
    var n = nodes.get(id);
    if (!DATA.fp || !n || n.kind === "Paper" || focused === id) { return; }
    takeBack();
    var refs = (details[id] ? details[id].p : []).filter(function (ref) { return nodes.get(ref[0]) === null; });
    focused = id;
    if (refs.length === 0) { return; }
    // a ring a little wider than the node at the zoom they are seen at, with room for each paper
    var scale = network.getScale(), at = network.getPositions([id])[id];
    var size = 5 / scale, radius = n.size + Math.max(60, refs.length * 3 * size * scale / Math.PI) / scale;
    var newNodes = [], newEdges = [];
    refs.forEach(function (ref, i) {
      var pid = ref[0], p = papers[pid] || [pid, "", ""], angle = 2 * Math.PI * i / refs.length - Math.PI / 2;
      broughtBy[pid] = ref;
      brought.push(pid);
      newNodes.push({
        id: pid, name: p[0], kind: "Paper", date: p[2], names: fold(p[0]),
        color: DATA.fp.color, shape: DATA.fp.shape, size: size,
        x: at.x + radius * Math.cos(angle), y: at.y + radius * Math.sin(angle)
      });
      newEdges.push({
        id: "kg-brought:" + pid, from: pid, to: id, title: ROLE_TITLE[ref[1]] || ref[1],
        color: DATA.fp.edges[ref[1]] || "#bbbbbb", width: 1.2 / scale, arrows: { to: { enabled: true, scaleFactor: 0.4 } }
      });
    });
    nodes.add(newNodes);
    edges.add(newEdges);
    window.kgBrought = brought.slice();
  }
  // clear the focus: the panel closes, the selection goes, and the papers brought back with it
  function unfocus() {
    panel.hidden = true;
    network.unselectAll();
    takeBack();
    window.kgShown = null;
  }
  window.kgUnfocus = unfocus;
  // a click on an entity focuses it; on a paper it brought back, it keeps them; on nothing, clears
  function focusOn(id) {
    if (!broughtBy[id]) { bringPapers(id); }
    show(id);
  }

  // move the view to a node, select it and show its panel
  function go(id) {
    if (nodes.get(id) === null) { return; }
    if (nodes.get(id).hidden) { nodes.update({ id: id, hidden: false }); }
    network.selectNodes([id]);
    network.focus(id, { scale: Math.max(network.getScale(), focusScale(id)), animation: false });
    capLabels();
    focusOn(id);
  }
  // zoom in until a node's neighbours stand apart (1.5 times the fitted zoom for a few hundred
  // nodes, 4 times for 10,000), or more if its label needs it to be read; never past twice that
  // (nodes are sized for the fitted zoom, and grow with it)
  var fitted = null;
  var spread = Math.min(4, Math.max(1.5, Math.sqrt(nodes.length) / 25));
  function focusScale(id) {
    var n = nodes.get(id);
    var size = (n.font && n.font.size) || n.size || 10;
    return Math.min(2 * spread * fitted, Math.max(14 / size, spread * fitted));
  }
  window.kgGo = go;
  network.on("click", function (params) {
    if (params.nodes.length) { focusOn(params.nodes[0]); }
    else if (params.edges.length === 0 && (focused !== null || !panel.hidden)) { unfocus(); }
  });

  // --- open still: the positions are fixed, so the first picture is the final one -------------
  window.kgStable = false;
  network.fit({ animation: false });
  fitted = network.getScale();
  network.once("afterDrawing", function () {
    window.kgStable = true;
    setTimeout(load, 0);
  });
  network.redraw();

  // Labels are sized in canvas units (so that two labels that do not overlap at one zoom overlap
  // at none); zoomed far in, the biggest would fill the screen, so their size on screen is capped
  // at LABEL_CAP pixels. Shrinking a label cannot make it overlap another.
  var LABEL_CAP = 22;
  var labelled = nodes.get({ filter: function (n) { return n.label !== undefined; } });
  var fontSize = {};
  labelled.forEach(function (n) { fontSize[n.id] = n.font.size; });
  var capped = {};
  function capLabels() {
    var scale = network.getScale(), changes = [];
    labelled.forEach(function (n) {
      var size = Math.min(fontSize[n.id], LABEL_CAP / scale);
      if (size !== (capped[n.id] || fontSize[n.id])) {
        capped[n.id] = size;
        changes.push({ id: n.id, font: { size: size } });
      }
    });
    if (changes.length) { nodes.update(changes); }
  }
  var capTimer = null;
  network.on("zoom", function () {
    clearTimeout(capTimer);
    capTimer = setTimeout(capLabels, 80);
  });
  window.kgCapLabels = capLabels;

  var physics = document.getElementById("kg-physics");
  physics.addEventListener("change", function () {
    network.setOptions({ physics: { enabled: physics.checked } });
  });

  // --- search ---------------------------------------------------------------------------------
  function fold(text) {
    return String(text || "").toLowerCase().replace(/[^0-9a-z\u0370-\u03ff]+/g, "");
  }
  var search = document.getElementById("kg-search");
  search.addEventListener("input", function () {
    // names fold as in kg query: case, spaces, hyphens and dots do not count ("llama 3" = "LLaMA-3")
    var text = fold(search.value);
    window.kgFound = null;
    if (!text) { network.unselectAll(); return; }
    var hits = nodes.get({
      filter: function (n) { return !n.hidden && String(n.names || fold(n.name)).indexOf(text) >= 0; }
    });
    // an exact name first, then the shortest name that contains the text
    hits.sort(function (a, b) {
      var ea = fold(a.name) === text ? 0 : 1;
      var eb = fold(b.name) === text ? 0 : 1;
      return ea - eb || String(a.name).length - String(b.name).length;
    });
    var hit = hits[0];
    if (hit) {
      window.kgFound = hit.id;
      go(hit.id);
    }
  });

  // --- type and date filters ----------------------------------------------------------------
  // a paper shows when its type is ticked and its date (where known) is within the range; the
  // entities stay (they are what the papers are about)
  var boxes = document.querySelectorAll("input.kg-type");
  var from = document.getElementById("kg-from"), to = document.getElementById("kg-to");
  function applyFilters() {
    var shown = {};
    boxes.forEach(function (b) { shown[b.value] = b.checked; });
    var lo = from ? from.value : "", hi = to ? to.value : "";
    var changes = [];
    nodes.get().forEach(function (n) {
      var hidden = shown[n.kind] === false;
      if (!hidden && n.kind === "Paper" && /^\d{4}-\d\d-\d\d$/.test(n.date || "")) {
        hidden = (lo && n.date < lo) || (hi && n.date > hi) ? true : false;
      }
      if (hidden !== (n.hidden === true)) { changes.push({ id: n.id, hidden: hidden }); }
    });
    if (changes.length) { nodes.update(changes); }
  }
  boxes.forEach(function (box) { box.addEventListener("change", applyFilters); });
  if (from) { from.addEventListener("change", applyFilters); }
  if (to) { to.addEventListener("change", applyFilters); }
})();
