// Meetings: checklist ticks, agenda timers, the prompts panel, printing.
// No framework and no inline script (strict CSP).
(function () {
  "use strict";

  function ready(fn) {
    if (document.readyState !== "loading") { fn(); } else { document.addEventListener("DOMContentLoaded", fn); }
  }

  ready(function () {
    autosubmit(document);
    loadChecklistWhenOpened();

    document.querySelectorAll("[data-print]").forEach(function (button) {
      button.hidden = false;
      button.addEventListener("click", function () { window.print(); });
    });

    document.querySelectorAll("[data-js-hide]").forEach(function (el) { el.hidden = true; });

    // After ticking an item the page comes back at that item: give it the focus again,
    // so a keyboard user carries on where they were.
    if (/^#item-/.test(window.location.hash)) {
      var target = document.getElementById(decodeURIComponent(window.location.hash.slice(1)));
      var box = target && target.querySelector("input[type=checkbox]");
      // After load: the browser's own jump to the #fragment would otherwise reset the focus.
      if (box) {
        window.addEventListener("load", function () { window.setTimeout(function () { box.focus(); }, 0); });
      }
    }

    setUpTimers();
    loadPrompts(setUpPrompts);
  });

  // Ticking a checklist box saves at once (the Save button still works without JS).
  function autosubmit(root) {
    root.querySelectorAll("form[data-autosubmit] input[type=checkbox]").forEach(function (box) {
      box.addEventListener("change", function () {
        var form = box.form;
        if (form.requestSubmit) { form.requestSubmit(); } else { form.submit(); }
      });
    });
  }

  // The live page's checklist is folded away: its items are fetched when it is first opened.
  function loadChecklistWhenOpened() {
    var details = document.querySelector("details[data-checklist-src]");
    if (!details) { return; }
    var loaded = false;
    function load() {
      if (!details.open || loaded) { return; }
      loaded = true;
      var fallback = details.querySelector("[data-checklist-fallback]");
      fetch(details.getAttribute("data-checklist-src"), { credentials: "same-origin" }).then(function (response) {
        if (!response.ok) { throw new Error("checklist " + response.status); }
        return response.text();
      }).then(function (html) {
        var box = document.createElement("div");
        box.innerHTML = html;
        details.replaceChild(box, fallback);
        autosubmit(box);
      }).catch(function () {
        loaded = false;
        fallback.insertAdjacentText("afterbegin", "The checklist could not be loaded. ");
      });
    }
    details.addEventListener("toggle", load);
    // Opened before this script ran (a slow connection): its toggle event is gone already.
    load();
  }

  // --- the prompt list comes once per browser as a fragment the browser caches (its
  // address names its version); a copy kept in localStorage serves a reload offline.
  var PROMPTS_KEY = "facilitator:prompts";
  function loadPrompts(then) {
    var holder = document.querySelector("[data-prompts-src]");
    if (!holder) { then(); return; }
    var src = holder.getAttribute("data-prompts-src");
    function put(html) {
      holder.innerHTML = html;
      then();
    }
    function fromCopy() {
      var copy = null;
      try { copy = JSON.parse(localStorage.getItem(PROMPTS_KEY)); } catch (e) { copy = null; }
      if (copy && typeof copy.html === "string") { put(copy.html); return; }
      var fallback = holder.querySelector("[data-prompts-fallback]");
      if (fallback) { fallback.insertAdjacentText("afterbegin", "The prompts could not be loaded. "); }
    }
    fetch(src, { credentials: "same-origin", headers: { "Accept": "text/html" } }).then(function (response) {
      if (!response.ok) { throw new Error("prompts " + response.status); }
      return response.text();
    }).then(function (html) {
      try { localStorage.setItem(PROMPTS_KEY, JSON.stringify({ src: src, html: html })); } catch (e) { /* storage full */ }
      put(html);
    }).catch(fromCopy);
  }

  // --- agenda timers: one per item, kept in this browser so a reload does not lose them
  function pad(n) { return (n < 10 ? "0" : "") + n; }
  function clock(seconds) {
    seconds = Math.max(0, Math.floor(seconds));
    var h = Math.floor(seconds / 3600), m = Math.floor((seconds % 3600) / 60), s = seconds % 60;
    return (h ? h + ":" + pad(m) : m) + ":" + pad(s);
  }

  function setUpTimers() {
    var items = document.querySelectorAll("[data-timer]");
    if (!items.length) { return; }
    var timers = [];
    items.forEach(function (item) {
      var key = "facilitator:timer:" + item.getAttribute("data-key");
      var allotted = parseInt(item.getAttribute("data-minutes"), 10) * 60;
      var display = item.querySelector("[data-timer-display]");
      // The buttons only work with this script, so it makes them (the page stays small).
      var title = (item.querySelector(".agenda-live__title") || item).textContent;
      function button(cls, attr, label) {
        var b = document.createElement("button");
        b.type = "button"; b.className = cls; b.setAttribute(attr, "");
        var text = document.createElement("span"); text.textContent = label;
        var hint = document.createElement("span"); hint.className = "visually-hidden";
        hint.textContent = " timer for " + title;
        b.appendChild(text); b.appendChild(hint);
        return { button: b, label: text };
      }
      var made = button("button button--small", "data-timer-toggle", "Start");
      var toggle = made.button, toggleLabel = made.label;
      toggleLabel.setAttribute("data-timer-label", "");
      var reset = button("button button--small button--secondary", "data-timer-reset", "Reset").button;
      var buttons = document.createElement("span");
      buttons.className = "agenda-live__buttons";
      buttons.appendChild(toggle); buttons.appendChild(document.createTextNode(" "));
      buttons.appendChild(reset);
      item.appendChild(buttons);
      var state;
      try { state = JSON.parse(localStorage.getItem(key)) || {}; } catch (e) { state = {}; }
      var timer = {
        elapsed: state.elapsed || 0, startedAt: state.startedAt || null,
        now: function () { return this.elapsed + (this.startedAt ? (Date.now() - this.startedAt) / 1000 : 0); },
        save: function () {
          try { localStorage.setItem(key, JSON.stringify({ elapsed: this.elapsed, startedAt: this.startedAt })); } catch (e) { /* storage full: the timer still runs */ }
        },
        render: function () {
          var used = this.now();
          display.textContent = clock(used) + " / " + clock(allotted) + (used > allotted ? " over time" : "");
          item.classList.toggle("is-running", !!this.startedAt);
          item.classList.toggle("is-over", used > allotted);
          toggleLabel.textContent = this.startedAt ? "Pause" : (used > 0 ? "Resume" : "Start");
        }
      };
      toggle.addEventListener("click", function () {
        if (timer.startedAt) {
          timer.elapsed = timer.now(); timer.startedAt = null;
        } else {
          // Only one item runs at a time: starting one pauses the others.
          timers.forEach(function (other) {
            if (other !== timer && other.startedAt) { other.elapsed = other.now(); other.startedAt = null; other.save(); other.render(); }
          });
          timer.startedAt = Date.now();
        }
        timer.save(); timer.render();
      });
      reset.addEventListener("click", function () {
        timer.elapsed = 0; timer.startedAt = null; timer.save(); timer.render();
      });
      timers.push(timer);
      timer.render();
    });
    window.setInterval(function () {
      timers.forEach(function (t) { if (t.startedAt) { t.render(); } });
    }, 1000);
  }

  // --- prompts: filter by stage and situation, search, and "Use" into the notes
  function setUpPrompts() {
    var form = document.getElementById("prompt-filters");
    if (!form) { return; }
    var stage = document.getElementById("prompt-stage");
    var situation = document.getElementById("prompt-situation");
    var search = document.getElementById("prompt-q");
    var count = document.getElementById("prompt-count");
    var empty = document.getElementById("prompt-empty");
    var prompts = Array.prototype.slice.call(document.querySelectorAll("[data-prompt]"));

    function apply() {
      var s = stage.value, sit = situation.value, q = search.value.trim().toLowerCase();
      var shown = 0;
      prompts.forEach(function (p) {
        var ok = (!s || p.getAttribute("data-stage") === s) &&
          (!sit || (" " + p.getAttribute("data-situations") + " ").indexOf(" " + sit + " ") >= 0) &&
          (!q || p.querySelector(".prompt__text").textContent.toLowerCase().indexOf(q) >= 0);
        p.hidden = !ok;
        if (ok) { shown += 1; }
      });
      count.textContent = shown + " of " + prompts.length + " prompts";
      empty.hidden = shown > 0;
      rove(null);
    }

    // One Tab stop for the whole list (93 prompts would be 93 stops): the arrow keys,
    // Home and End move between the "Use" buttons of the prompts shown.
    function visibleButtons() {
      return Array.prototype.slice.call(
        document.querySelectorAll("[data-prompt]:not([hidden]) [data-use-prompt]"));
    }
    function rove(target) {
      var list = visibleButtons();
      if (!target || list.indexOf(target) < 0) {
        target = list.filter(function (b) { return b.tabIndex === 0; })[0] || list[0];
      }
      document.querySelectorAll("[data-use-prompt]").forEach(function (b) {
        b.tabIndex = b === target ? 0 : -1;
      });
      return target;
    }
    var promptList = document.querySelector(".prompt-list");
    if (promptList) {
      promptList.addEventListener("keydown", function (e) {
        var button = e.target.closest ? e.target.closest("[data-use-prompt]") : null;
        if (!button) { return; }
        var list = visibleButtons(), i = list.indexOf(button), next = null;
        if (e.key === "ArrowDown" || e.key === "ArrowRight") { next = list[Math.min(i + 1, list.length - 1)]; }
        else if (e.key === "ArrowUp" || e.key === "ArrowLeft") { next = list[Math.max(i - 1, 0)]; }
        else if (e.key === "Home") { next = list[0]; }
        else if (e.key === "End") { next = list[list.length - 1]; }
        if (next) { e.preventDefault(); rove(next); next.focus(); }
      });
    }
    var keysHint = document.getElementById("prompt-keys");
    if (keysHint) { keysHint.hidden = false; }
    form.addEventListener("submit", function (e) { e.preventDefault(); apply(); });
    stage.addEventListener("change", apply);
    situation.addEventListener("change", apply);
    search.addEventListener("input", apply);

    // "Use" puts a prompt into the notes: only where the notes can be edited.
    var canUse = !!document.getElementById("notes-body");
    document.querySelectorAll("[data-use-prompt]").forEach(function (button) {
      if (!canUse) { button.remove(); return; }
      button.hidden = false;
      button.addEventListener("click", function () {
        var text = button.closest("[data-prompt]").querySelector(".prompt__text").textContent.trim();
        document.dispatchEvent(new CustomEvent("facilitator:insert-note", { detail: { text: text } }));
      });
    });
    rove(null);
  }
})();
