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

// A ticket's page: tells the console every 15 s that this user has the ticket open (and is writing an answer, while
// typing), shows who else has it open or is answering, and warns when the ticket changed since the page was made.
(function () {
  var box = document.getElementById("presence");
  var csrf = document.querySelector("input[name=csrf]");
  if (!box || !csrf) return;
  var typedAt = 0, sentAt = 0;
  function report() {
    sentAt = Date.now();
    var body = new URLSearchParams();
    body.set("csrf", csrf.value);
    body.set("version", box.dataset.version || "");
    body.set("answering", Date.now() - typedAt < 60000 ? "1" : "0");
    fetch("/tickets/" + box.dataset.ticket + "/presence", { method: "POST", body: body, credentials: "same-origin" })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (a) {
        if (!a) return;
        box.textContent = "";
        a.others.forEach(function (o) {
          var s = document.createElement("span");
          s.className = o.answering ? "other answering" : "other";
          s.textContent = o.name + (o.answering ? " sedang menulis jawaban" : " juga membuka tiket ini");
          box.appendChild(s);
        });
        document.getElementById("changed").hidden = !a.changed;
      })
      .catch(function () {});
  }
  var answer = document.getElementById("body");
  if (answer) answer.addEventListener("input", function () {
    var first = Date.now() - typedAt > 60000;
    typedAt = Date.now();
    if (first || Date.now() - sentAt > 10000) report();
  });
  setInterval(report, 15000);
})();

// A blast's page while it is scheduled or sending: its figures from /blasts/ID/progress every 2 s, in place; when
// its status changes (it starts, ends, is paused elsewhere) the page is loaded again for the actions that now apply.
(function () {
  var box = document.getElementById("blast-progress");
  if (!box || !box.dataset.live) return;
  var bar = document.getElementById("bar");
  function refresh() {
    fetch(box.dataset.url, { credentials: "same-origin", cache: "no-store" })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (p) {
        if (!p) return;
        box.querySelectorAll("[data-field]").forEach(function (e) {
          var v = p[e.dataset.field];
          if (v !== undefined) e.textContent = String(v);
        });
        bar.max = p.total;
        bar.value = p.settled;
        if (p.status !== box.dataset.status) location.reload();
      })
      .catch(function () {});
  }
  setInterval(refresh, 2000);
})();
