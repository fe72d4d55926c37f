// The room display: renders the shared record from plain data, follows changes from the
// live page on this computer (BroadcastChannel, no server) and from the server by polling
// a small endpoint with the change counter as ETag (304 while nothing changed). When the
// network drops it keeps the last state and says so. No inline script (strict CSP).
(function () {
  "use strict";
  var POLL_MS = 1000;
  var cfg = JSON.parse(document.getElementById("room-config").textContent);
  var words = JSON.parse(document.getElementById("room-words").textContent);
  var state = JSON.parse(document.getElementById("room-state").textContent);
  var etag = cfg.etag || null;
  var timerBase = { elapsed: 0, running: false, at: Date.now() };
  var stale = false, ended = false, lastFresh = new Date();

  function el(tag, text, cls) {
    var node = document.createElement(tag);
    if (text !== undefined && text !== null) { node.textContent = text; }
    if (cls) { node.className = cls; }
    return node;
  }
  function fill(id, nodes) {
    var box = document.getElementById(id);
    while (box.firstChild) { box.removeChild(box.firstChild); }
    nodes.forEach(function (n) { box.appendChild(n); });
  }
  function fmt(template, values) {
    return template.replace(/\{(\w+)\}/g, function (_, k) { return values[k]; });
  }
  function pad(n) { return (n < 10 ? "0" : "") + n; }
  function clock(seconds) {
    seconds = Math.max(0, Math.floor(seconds));
    var h = Math.floor(seconds / 3600), m = Math.floor((seconds % 3600) / 60), s = seconds % 60;
    return (h ? h + ":" + pad(m) : m) + ":" + pad(s);
  }
  function none() { return el("p", words.none); }

  function renderTimer() {
    var node = document.getElementById("room-timer");
    if (!node) { return; }
    var used = timerBase.elapsed + (timerBase.running ? (Date.now() - timerBase.at) / 1000 : 0);
    var allotted = parseInt(node.getAttribute("data-minutes"), 10) * 60;
    node.textContent = clock(used) + " / " + clock(allotted) + (used > allotted ? " " + words.over : "");
    node.classList.toggle("is-over", used > allotted);
  }

  function setTimer(timer) {
    timerBase = { elapsed: (timer && timer.elapsed) || 0, running: !!(timer && timer.running), at: Date.now() };
  }

  function render(s) {
    state = s;
    document.body.className = "room room--" + (s.preset || "large_room") + (stale ? " room--stale" : "");
    if (s.language) { document.documentElement.lang = s.language; }
    var blank = s.cleared || ended;
    document.getElementById("room-blank").hidden = !blank;
    document.getElementById("room-record").hidden = blank;
    if (blank) {
      document.getElementById("room-blank-text").textContent = ended ? words.ended : words.cleared;
      return;
    }
    document.getElementById("room-title").textContent = s.title || "";
    document.getElementById("room-date").textContent = s.date || "";
    fill("room-agenda", (s.agenda || []).map(function (a) {
      var li = el("li", a.title);
      if (a.id === s.current) {
        li.className = "is-current";
        li.setAttribute("aria-current", "step");
        var t = el("span", "", "room__timer");
        t.id = "room-timer";
        t.setAttribute("data-minutes", a.minutes);
        li.appendChild(t);
      } else {
        li.appendChild(el("span", " · " + fmt(words.minutes, { n: a.minutes }), "room__minutes"));
      }
      return li;
    }));
    setTimer(s.timer);
    renderTimer();
    fill("room-rules", (s.rules || []).map(function (r) { return el("li", r); }));
    var concerns = (s.concerns || []).map(function (c) {
      var art = el("article", null, "room-concern");
      var h = el("h3", c.title + " ");
      h.appendChild(el("span", words["status_" + c.status] || c.status, "room-concern__status"));
      art.appendChild(h);
      var dl = el("dl", null, "room-concern__flow");
      [[words.interests, (c.interests || []).join(" · ")], [words.options, (c.options || []).join(" · ")],
       [words.agreement, c.agreement]].forEach(function (pair) {
        var div = el("div"); div.appendChild(el("dt", pair[0])); div.appendChild(el("dd", pair[1] || "—"));
        dl.appendChild(div);
      });
      art.appendChild(dl);
      return art;
    });
    fill("room-concerns", concerns.length ? concerns : [none()]);
    var decisions = (s.decisions || []).map(function (d) { return el("li", d.text); });
    fill("room-decisions", decisions.length ? decisions : [el("li", words.none)]);
    if ((s.actions || []).length) {
      var table = el("table"), head = el("tr"), body = el("tbody"), thead = el("thead");
      [words.task, words.owner, words.due].forEach(function (w) { var th = el("th", w); th.scope = "col"; head.appendChild(th); });
      thead.appendChild(head); table.appendChild(thead);
      s.actions.forEach(function (a) {
        var tr = el("tr");
        tr.appendChild(el("td", a.task)); tr.appendChild(el("td", a.owner || words.not_decided));
        tr.appendChild(el("td", a.due || words.no_date));
        body.appendChild(tr);
      });
      table.appendChild(body);
      fill("room-actions", [table]);
    } else { fill("room-actions", [none()]); }
    var parking = (s.parking || []).map(function (p) { return el("li", p.resolved ? p.text + " (" + words.dealt + ")" : p.text); });
    fill("room-parking", parking.length ? parking : [el("li", words.none)]);
    var rb = s.readback, box = document.getElementById("room-readback");
    box.hidden = !rb;
    document.getElementById("room-grid").hidden = !!rb;
    if (rb) {
      document.getElementById("room-readback-h").textContent = fmt(words.readback, { step: rb.step, total: rb.total });
      document.getElementById("room-readback-kind").textContent = words["kind_" + rb.kind] || "";
      document.getElementById("room-readback-text").textContent = rb.text;
      document.getElementById("room-readback-who").textContent =
        rb.kind === "action" ? words.owner + ": " + (rb.owner || words.not_decided) + " · " + words.due + ": " + (rb.due || words.no_date) : "";
    }
  }

  function setStale(on) {
    if (on === stale) { return; }
    stale = on;
    document.body.classList.toggle("room--stale", on);
    var t = lastFresh;
    document.getElementById("room-status").textContent = on ?
      fmt(words.stale, { time: pad(t.getHours()) + ":" + pad(t.getMinutes()) + ":" + pad(t.getSeconds()) }) : "";
  }
  function fresh() { lastFresh = new Date(); setStale(false); }

  function apply(s) {
    if (!s || (state && s.version < state.version && s.meeting === state.meeting)) { return; }
    render(s);
  }

  function poll() {
    var headers = {};
    if (etag) { headers["If-None-Match"] = etag; }
    fetch(cfg.stateUrl, { headers: headers, cache: "no-store", credentials: "same-origin" })
      .then(function (response) {
        if (response.status === 304) { fresh(); return null; }
        if (response.status === 410 || response.status === 401 || response.status === 404) {
          ended = true; fresh(); render(state); return null;
        }
        if (!response.ok) { setStale(true); return null; }
        etag = response.headers.get("ETag");
        return response.json().then(function (s) { fresh(); apply(s); });
      })
      .catch(function () { setStale(true); })
      .then(function () { if (!ended) { window.setTimeout(poll, POLL_MS); } });
  }

  if ("BroadcastChannel" in window) {
    var channel = new BroadcastChannel(cfg.channel);
    channel.onmessage = function (event) {
      var msg = event.data || {};
      if (ended) { return; }
      if (msg.type === "state") { fresh(); apply(msg.state); }
      else if (msg.type === "timer" && state && !state.cleared) {
        state.current = msg.current; state.timer = msg.timer; render(state);
      }
    };
    channel.postMessage({ type: "hello" });
  }
  window.addEventListener("offline", function () { setStale(true); });
  window.setInterval(renderTimer, 1000);
  render(state);
  window.setTimeout(poll, POLL_MS);
})();
