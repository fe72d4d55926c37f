// The live page's side of the room display: tells a display window on this computer about
// the current state (BroadcastChannel, no server round trip) and sends the agenda timer
// (kept by meetings.js in this browser) to the server for displays on other devices.
(function () {
  "use strict";
  var node = document.getElementById("room-live-config");
  if (!node) { return; }
  var cfg = JSON.parse(node.textContent);
  // The page keeps the display's data with the record; the timer comes on its own.
  var timerNode = document.getElementById("room-live-timer");
  if (timerNode && cfg.state && "timer" in cfg.state) { cfg.state.timer = JSON.parse(timerNode.textContent); }
  var channel = "BroadcastChannel" in window ? new BroadcastChannel(cfg.channel) : null;
  var csrf = document.querySelector("meta[name=csrf-token]");

  function send(msg) { if (channel) { channel.postMessage(msg); } }
  if (channel) {
    channel.onmessage = function (event) {
      if (event.data && event.data.type === "hello") { send({ type: "state", state: cfg.state }); }
    };
  }
  send({ type: "state", state: cfg.state });

  function timerOf(item) {
    var key = "facilitator:timer:" + item.getAttribute("data-key");
    var saved;
    try { saved = JSON.parse(localStorage.getItem(key)) || {}; } catch (e) { saved = {}; }
    var elapsed = (saved.elapsed || 0) + (saved.startedAt ? (Date.now() - saved.startedAt) / 1000 : 0);
    return { itemId: parseInt(item.getAttribute("data-key").split("-")[1], 10),
             running: !!saved.startedAt, elapsed: Math.floor(elapsed) };
  }

  document.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest("[data-timer-toggle], [data-timer-reset]");
    if (!button) { return; }
    var clicked = button.closest("[data-timer]");
    // meetings.js has handled the click (its listener is on the button): read the result.
    window.setTimeout(function () {
      var items = Array.prototype.slice.call(document.querySelectorAll("[data-timer]"));
      var running = items.map(timerOf).filter(function (t) { return t.running; })[0];
      var t = running || timerOf(clicked);
      var timer = { elapsed: t.elapsed, running: t.running };
      send({ type: "timer", current: t.itemId, timer: timer });
      fetch(cfg.timerUrl, {
        method: "POST", credentials: "same-origin",
        headers: { "Content-Type": "application/json", "X-CSRFToken": csrf ? csrf.content : "" },
        body: JSON.stringify({ item_id: t.itemId, running: t.running, elapsed: t.elapsed })
      }).catch(function () { /* offline: the display on this computer already has it */ });
    }, 0);
  });
})();
