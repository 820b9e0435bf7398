// Keyboard shortcuts of the review queue (the page works without them): j/k move, a accepts the current row's
// category, x selects it for the bulk actions, Enter opens its ticket, ? shows the help.
(function () {
  var rows = Array.prototype.slice.call(document.querySelectorAll("#queue tbody tr"));
  if (!rows.length) return;
  var current = 0;
  function show() {
    rows.forEach(function (r, i) { r.classList.toggle("current", i === current); });
    rows[current].scrollIntoView({ block: "nearest" });
  }
  document.addEventListener("keydown", function (e) {
    var t = e.target.tagName;
    if (t === "INPUT" || t === "TEXTAREA" || t === "SELECT" || e.ctrlKey || e.metaKey || e.altKey) return;
    var row = rows[current];
    if (e.key === "j") { current = Math.min(current + 1, rows.length - 1); show(); }
    else if (e.key === "k") { current = Math.max(current - 1, 0); show(); }
    else if (e.key === "a") { var b = row.querySelector(".row-accept button"); if (b) b.click(); }
    else if (e.key === "x") { var c = row.querySelector("input[type=checkbox]"); if (c) c.checked = !c.checked; }
    else if (e.key === "Enter") { var l = row.querySelector("a"); if (l) l.click(); }
    else if (e.key === "?") { var h = document.getElementById("help"); h.hidden = !h.hidden; }
    else return;
    e.preventDefault();
  });
  show();
})();
