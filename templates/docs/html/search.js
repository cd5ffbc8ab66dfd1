(function () {
  "use strict";
  var box = document.getElementById("search");
  var list = document.getElementById("search-results");
  var index = window.protopactSearchIndex || [];
  function show(query) {
    var terms = query.toLowerCase().split(/\s+/).filter(Boolean);
    list.replaceChildren();
    if (!terms.length) { list.hidden = true; return; }
    var hits = [];
    for (var i = 0; i < index.length && hits.length < 50; i++) {
      var e = index[i], name = e.name.toLowerCase(), text = e.text.toLowerCase();
      if (terms.every(function (t) { return name.indexOf(t) >= 0 || text.indexOf(t) >= 0; })) {
        hits.push(e);
      }
    }
    hits.sort(function (a, b) {
      var qa = terms.every(function (t) { return a.name.toLowerCase().indexOf(t) >= 0; });
      var qb = terms.every(function (t) { return b.name.toLowerCase().indexOf(t) >= 0; });
      return (qb - qa) || (a.name < b.name ? -1 : a.name > b.name ? 1 : 0);
    });
    hits.forEach(function (e) {
      var item = document.createElement("li");
      var link = document.createElement("a");
      link.href = e.page + ".html" + (e.anchor ? "#" + e.anchor : "");
      link.textContent = e.name;
      var kind = document.createElement("span");
      kind.className = "kind";
      kind.textContent = e.kind;
      item.append(kind, " ", link);
      list.append(item);
    });
    if (!hits.length) {
      var none = document.createElement("li");
      none.textContent = "No matches";
      list.append(none);
    }
    list.hidden = false;
  }
  box.addEventListener("input", function () { show(box.value); });
  show(box.value);
})();
