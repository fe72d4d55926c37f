// Meeting notes that are never lost.
//
// - Every keystroke is kept in localStorage at once (a draft), and sent to the server a
//   few seconds after typing stops.
// - Each save names the version it started from; if someone else saved in between, the
//   server merges both when they changed different places (the answer carries the
//   merged text, shown here), and otherwise answers 409 with their text, and both are
//   shown to merge by hand.
// - Offline (or the server unreachable), the draft stays in this browser, survives a
//   reload, and is sent when the network comes back.
// - The draft is removed once the server has acknowledged exactly that text, and on
//   sign-out (app.js fires "facilitator:logout").
(function () {
  "use strict";

  var PREFIX = "facilitator:notes:";
  var SAVE_DELAY_MS = 2500;
  var RETRY_MS = 15000;

  // Sign-out removes every notes draft kept by this browser, whatever the page.
  document.addEventListener("facilitator:logout", function () {
    removeAllDrafts();
  });

  function removeAllDrafts(exceptKey) {
    try {
      for (var i = localStorage.length - 1; i >= 0; i -= 1) {
        var k = localStorage.key(i);
        if (k && k.indexOf(PREFIX) === 0 && k !== exceptKey) { localStorage.removeItem(k); }
      }
    } catch (e) { /* storage unavailable */ }
  }

  function ready(fn) {
    if (document.readyState !== "loading") { fn(); } else { document.addEventListener("DOMContentLoaded", fn); }
  }

  ready(function () {
    var configEl = document.getElementById("notes-config");
    var textarea = document.getElementById("notes-body");
    if (!configEl || !textarea) { return; }
    var config = JSON.parse(configEl.textContent);
    var form = document.getElementById("notes-form");
    var statusEl = document.getElementById("notes-status");
    var baseInput = document.getElementById("notes-base");
    var conflictBox = document.getElementById("notes-conflict");
    var theirsEl = document.getElementById("conflict-theirs");
    var csrf = document.querySelector("meta[name=csrf-token]").getAttribute("content");
    var key = PREFIX + config.userId + ":" + config.meetingId;

    // Another person's drafts never stay on a shared tablet.
    try {
      for (var i = localStorage.length - 1; i >= 0; i -= 1) {
        var k = localStorage.key(i);
        if (k && k.indexOf(PREFIX) === 0 && k.indexOf(PREFIX + config.userId + ":") !== 0) { localStorage.removeItem(k); }
      }
    } catch (e) { /* ignore */ }

    var version = config.version;      // the server version our text is based on
    var lastSaved = textarea.value;    // the text the server has at `version`
    var timer = null, retry = null, inFlight = false, again = false, conflict = null;

    function status(text, cls) {
      statusEl.textContent = text;
      statusEl.className = "notes-status" + (cls ? " " + cls : "");
    }
    function timeNow() {
      var d = new Date();
      return (d.getHours() < 10 ? "0" : "") + d.getHours() + ":" + (d.getMinutes() < 10 ? "0" : "") + d.getMinutes();
    }

    function readDraft() {
      try { return JSON.parse(localStorage.getItem(key)); } catch (e) { return null; }
    }
    function writeDraft() {
      try {
        localStorage.setItem(key, JSON.stringify({ body: textarea.value, base: version, at: Date.now() }));
      } catch (e) { status("This browser cannot keep a copy (storage full). Save now.", "is-error"); }
    }
    function dropDraft() { try { localStorage.removeItem(key); } catch (e) { /* ignore */ } }

    function schedule(delay) {
      window.clearTimeout(timer);
      timer = window.setTimeout(save, delay === undefined ? SAVE_DELAY_MS : delay);
    }
    function scheduleRetry() {
      window.clearTimeout(retry);
      retry = window.setTimeout(function () { if (textarea.value !== lastSaved) { save(); } }, RETRY_MS);
    }

    function save() {
      window.clearTimeout(timer);
      if (conflict) { return; }                 // waiting for a hand merge
      if (inFlight) { again = true; return; }
      var body = textarea.value;
      if (body === lastSaved) { dropDraft(); return; }
      if (navigator.onLine === false) {
        status("Offline — your notes are kept in this browser and will be sent when the network is back.", "is-offline");
        return;
      }
      inFlight = true;
      status("Saving…");
      fetch(config.saveUrl, {
        method: "POST", credentials: "same-origin", redirect: "manual",
        headers: { "Content-Type": "application/json", "X-CSRFToken": csrf, "Accept": "application/json" },
        body: JSON.stringify({ body: body, base_version: version })
      }).then(function (response) {
        if (response.status === 200) {
          return response.json().then(function (data) {
            if (data.merged) { return merged(body, data); }
            version = data.version; lastSaved = body; baseInput.value = version;
            if (textarea.value === body) { dropDraft(); } else { writeDraft(); schedule(); }
            status("Saved at " + timeNow() + " (version " + version + ").", "is-saved");
          });
        }
        if (response.status === 409) {
          return response.json().then(function (data) { showConflict(data); });
        }
        if (response.status === 401 || response.type === "opaqueredirect") {
          status("You are signed out. Your notes are kept in this browser: sign in again in another tab, then reload this page to send them.", "is-error");
          return;
        }
        return response.json().catch(function () { return {}; }).then(function (data) {
          status((data && data.message) || "The notes could not be saved (error " + response.status + "). They are kept in this browser; reload the page to try again.", "is-error");
        });
      }).catch(function () {
        status("The server cannot be reached — your notes are kept in this browser and will be sent when it answers.", "is-offline");
        scheduleRetry();
      }).then(function () {
        inFlight = false;
        if (again) { again = false; save(); }
      });
    }

    // Someone saved while this save was under way, in another part of the notes: the
    // server merged both. Show the merged text, keeping the caret where the person was.
    // If they typed on meanwhile, keep their text and re-base it on the version holding
    // exactly what was sent: the next save merges again.
    function merged(body, data) {
      if (textarea.value === body) {
        var caret = textarea.selectionStart, end = textarea.selectionEnd;
        var same = 0, max = Math.min(body.length, data.body.length);
        while (same < max && body.charAt(same) === data.body.charAt(same)) { same += 1; }
        var shift = data.body.length - body.length;
        textarea.value = data.body;
        if (document.activeElement === textarea) {
          textarea.setSelectionRange(caret > same ? caret + shift : caret, end > same ? end + shift : end);
        }
        version = data.version; lastSaved = data.body; baseInput.value = version;
        dropDraft();
      } else {
        version = data.mine_version; lastSaved = body; baseInput.value = version;
        writeDraft(); schedule(500);
      }
      status("Saved at " + timeNow() + " with a colleague's changes merged in (version " + data.version + ").", "is-saved");
    }

    function showConflict(data) {
      conflict = data;
      theirsEl.textContent = data.server_body;
      document.getElementById("conflict-message").textContent = data.message +
        " Their version is below; your text stays in the box above. Copy what you need into yours, then press “Save my merged notes”.";
      conflictBox.hidden = false;
      conflictBox.focus();
      status("Not saved yet: someone else saved first. Merge below.", "is-error");
    }
    function resolve(newText) {
      if (!conflict) { return; }
      if (typeof newText === "string") { textarea.value = newText; }
      version = conflict.server_version; lastSaved = conflict.server_body; baseInput.value = version;
      conflict = null;
      conflictBox.hidden = true;
      writeDraft();
      textarea.focus();
      save();
    }
    document.getElementById("conflict-save").addEventListener("click", function () { resolve(); });
    document.getElementById("conflict-append").addEventListener("click", function () {
      resolve(textarea.value.replace(/\s+$/, "") + "\n\n" + conflict.server_body);
    });
    document.getElementById("conflict-take").addEventListener("click", function () {
      resolve(conflict.server_body);
    });

    textarea.addEventListener("input", function () {
      writeDraft();
      if (!conflict) { status("Typing…"); }
      schedule();
    });
    form.addEventListener("submit", function (e) { e.preventDefault(); writeDraft(); save(); });
    window.addEventListener("online", function () { if (textarea.value !== lastSaved) { status("Back online — sending your notes…"); save(); } });
    window.addEventListener("offline", function () {
      if (textarea.value !== lastSaved) { status("Offline — your notes are kept in this browser and will be sent when the network is back.", "is-offline"); }
    });
    // Leaving the page: try once more; the draft stays in any case.
    window.addEventListener("pagehide", function () { if (textarea.value !== lastSaved) { writeDraft(); } });

    document.addEventListener("facilitator:insert-note", function (e) {
      var text = e.detail.text;
      var start = textarea.selectionStart, end = textarea.selectionEnd, value = textarea.value;
      if (document.activeElement !== textarea && start === 0 && end === 0) { start = end = value.length; }
      var before = value.slice(0, start), after = value.slice(end);
      var insert = (before && !/\n$/.test(before) ? "\n" : "") + text + "\n";
      textarea.value = before + insert + after;
      var caret = (before + insert).length;
      textarea.focus();
      textarea.setSelectionRange(caret, caret);
      writeDraft();
      status("Prompt added to the notes.");
      schedule();
    });

    // A draft from an earlier visit (offline, or closed before the save answered).
    var draft = readDraft();
    if (draft && typeof draft.body === "string" && draft.body !== textarea.value) {
      textarea.value = draft.body;
      if (typeof draft.base === "number") { version = draft.base; baseInput.value = version; }
      // Until the server confirms, what it has is unknown relative to the draft.
      if (draft.base !== config.version) { lastSaved = null; }
      status("Restored notes this browser kept from before (not yet saved). Sending them…", "is-offline");
      schedule(500);
    } else if (draft) {
      dropDraft();
    }
  });
})();
