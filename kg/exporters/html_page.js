// kg: tooltips built as text, search, a type filter, and physics that stops once laid out.
(function () {
  "use strict";
  // Text only: innerText never parses markup. Links only to http(s) pages.
  function tipElement(tip, links) {
    var box = document.createElement("div");
    box.style.whiteSpace = "pre-line";
    box.style.maxWidth = "480px";
    box.innerText = tip || "";
    (links || []).forEach(function (pair) {
      var line = document.createElement("div");
      if (/^https?:\/\//.test(pair[1])) {
        var a = document.createElement("a");
        a.href = pair[1];
        a.target = "_blank";
        a.rel = "noopener noreferrer";
        a.innerText = pair[0];
        line.appendChild(a);
      } else {
        line.innerText = pair[0];
      }
      box.appendChild(line);
    });
    return box;
  }
  nodes.update(nodes.get().map(function (n) {
    return { id: n.id, title: tipElement(n.tip, n.links) };
  }));

  window.kgStable = false;
  function stop() {
    if (window.kgStable) { return; }
    network.setOptions({ physics: false });
    var bar = document.getElementById("loadingBar");
    if (bar) { bar.style.display = "none"; }
    network.fit({ animation: false });
    window.kgStable = true;
  }
  network.once("stabilizationIterationsDone", stop);
  network.once("stabilized", stop);

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
      filter: function (n) { return !n.hidden && String(n.names || fold(n.label)).indexOf(text) >= 0; }
    });
    // an exact name first, then the shortest name that contains the text
    hits.sort(function (a, b) {
      var ea = fold(a.label) === text ? 0 : 1;
      var eb = fold(b.label) === text ? 0 : 1;
      return ea - eb || String(a.label).length - String(b.label).length;
    });
    var hit = hits[0];
    if (hit) {
      window.kgFound = hit.id;
      network.selectNodes([hit.id]);
      network.focus(hit.id, { scale: 1.2, animation: false });
    }
  });

  var boxes = document.querySelectorAll("input.kg-type");
  boxes.forEach(function (box) {
    box.addEventListener("change", function () {
      var shown = {};
      boxes.forEach(function (b) { shown[b.value] = b.checked; });
      nodes.update(nodes.get().map(function (n) {
        return { id: n.id, hidden: shown[n.kind] === false };
      }));
    });
  });
})();
