/* Living Well web chat: talks to Rasa's socket.io channel (bot/channels/webchat.py).
 *
 * - The conversation id (Rasa's sender id) is kept in localStorage and sent in
 *   `session_request`, so a reload or a reconnect carries on the same conversation.
 * - The history is fetched from the server (POST history), which reads the tracker store: the
 *   one record of the conversation, including Hub workers' replies sent while the page was shut.
 * - New messages are announced through a polite live region; redrawn history is not.
 * Plain ES2017, no build step, no framework.
 */
(function () {
  "use strict";

  var STORE_KEY = "lwfd.webchat.session";
  var REPLY_WAIT_MS = 20000;
  var WHO = { user: "You", bot: "Living Well assistant", note: "Living Well assistant" };

  var els = {
    log: document.getElementById("lw-log"),
    list: document.getElementById("lw-messages"),
    typing: document.getElementById("lw-typing"),
    announcer: document.getElementById("lw-announcer"),
    status: document.getElementById("lw-status"),
    form: document.getElementById("lw-form"),
    input: document.getElementById("lw-input"),
    forget: document.getElementById("lw-forget"),
    help: document.getElementById("lw-help"),
    helpSummary: document.getElementById("lw-help-summary"),
  };

  var state = {
    sessionId: readStore(),
    ready: false,          // session confirmed on the current connection
    loaded: false,         // history drawn
    onServer: 0,           // messages drawn that the server's history also holds
    lastKey: null,         // author of the last drawn message, to group labels
    lastFrom: null,
    held: false,           // a Hub worker has the chat: the assistant is quiet, so no "writing"
    choices: [],           // quick replies currently offered
    outbox: [],            // messages written while offline
    dropped: false,
    typingTimer: null,
  };

  function readStore() {
    try { return window.localStorage.getItem(STORE_KEY); } catch (e) { return null; }
  }
  function writeStore(value) {
    try {
      if (value) { window.localStorage.setItem(STORE_KEY, value); } else { window.localStorage.removeItem(STORE_KEY); }
    } catch (e) { /* private browsing: the chat still works, it just is not kept */ }
  }

  function whoLabel(msg) {
    if (msg.from === "hub") { return "Living Well Hub"; }
    if (msg.from === "worker") { return (msg.name ? msg.name + ", " : "") + "Hub worker"; }
    return WHO[msg.from] || WHO.bot;
  }

  function scrollToEnd() {
    els.log.scrollTop = els.log.scrollHeight;
    if (els.log.scrollHeight <= els.log.clientHeight) {
      var last = els.list.lastElementChild;
      if (last && last.scrollIntoView) { last.scrollIntoView({ block: "nearest" }); }
    }
  }

  /* Draw one message. `live` messages are announced to screen readers; history is not. */
  function addMessage(msg, live) {
    var key = msg.from + "|" + (msg.name || "");
    var li = document.createElement("li");
    li.className = "lw-msg lw-msg--" + msg.from;
    var who = document.createElement("p");
    who.className = "lw-msg__who" + (key === state.lastKey ? " nhsuk-u-visually-hidden" : "");
    who.textContent = whoLabel(msg) + (key === state.lastKey ? ":" : "");
    var text = document.createElement("p");
    text.className = "lw-msg__text";
    text.textContent = msg.text;
    li.appendChild(who);
    if (msg.offer_cards && msg.offer_cards.length) { li.appendChild(drawCards(msg.offer_cards)); }
    if (msg.text) { li.appendChild(text); }
    els.list.appendChild(li);
    state.lastKey = key;
    state.lastFrom = msg.from;
    if (msg.from === "hub") { state.held = msg.change === "joined"; }
    if (msg.quick_replies && msg.quick_replies.length) { showChoices(li, msg.quick_replies); }
    if (live && msg.from !== "user") { announce(whoLabel(msg) + ": " + cardsSpoken(msg.offer_cards) + msg.text); }
    scrollToEnd();
    // Offers: bring the cards into view, not only the choices under them.
    if (msg.offer_cards && msg.offer_cards.length) { els.log.scrollTop = Math.max(0, li.offsetTop - els.log.offsetTop); }
  }

  /* Offers as cards side by side (scrolling sideways), so three of them fit the chat box.
     Links: tel: to call, the web address, a map of the postcode. */
  var LINK_LABEL = { tel: "Call ", web: "Website", map: "Map" };
  function drawCards(cards) {
    var list = document.createElement("ol");
    list.className = "lw-cards";
    list.setAttribute("aria-label", "Places that might help");
    cards.forEach(function (card, i) {
      var item = document.createElement("li");
      item.className = "lw-card";
      var name = document.createElement("h3");
      name.className = "lw-card__name";
      name.textContent = (i + 1) + ". " + card.name;
      item.appendChild(name);
      [card.when, card.who, card.summary].forEach(function (words, k) {
        if (!words) { return; }
        var p = document.createElement("p");
        p.className = ["lw-card__when", "lw-card__who", "lw-card__summary"][k];
        p.textContent = words;
        item.appendChild(p);
      });
      var links = document.createElement("p");
      links.className = "lw-card__links";
      (card.links || []).forEach(function (link) {
        if (!/^(tel:|https?:)/.test(link.href)) { return; }
        var a = document.createElement("a");
        a.href = link.href;
        a.className = "lw-card__link lw-card__link--" + link.kind;
        a.textContent = link.kind === "tel" ? LINK_LABEL.tel + link.text : LINK_LABEL[link.kind] || link.text;
        if (link.kind !== "tel") { a.target = "_blank"; a.rel = "noopener noreferrer"; }
        links.appendChild(a);
      });
      item.appendChild(links);
      list.appendChild(item);
    });
    return list;
  }

  function cardsSpoken(cards) {
    if (!cards || !cards.length) { return ""; }
    return cards.map(function (c, i) { return (i + 1) + ". " + c.name + ". " + (c.who ? c.who + ". " : "") + (c.when || "") + " "; }).join("");
  }

  function announce(text) {
    var p = document.createElement("p");
    p.textContent = text;
    els.announcer.appendChild(p);
  }

  function clearChoices() {
    state.choices = [];
    Array.prototype.forEach.call(els.list.querySelectorAll(".lw-choices"), function (group) {
      group.parentNode.removeChild(group);
    });
  }

  function showChoices(li, replies) {
    clearChoices();
    state.choices = replies.slice();
    var group = document.createElement("div");
    group.className = "lw-choices";
    group.setAttribute("role", "group");
    group.setAttribute("aria-label", "Choose an answer, or type your own");
    replies.forEach(function (reply) {
      var button = document.createElement("button");
      button.type = "button";
      button.className = "nhsuk-button nhsuk-button--secondary nhsuk-button--small";
      button.textContent = reply.title;
      button.addEventListener("click", function () { send(reply.payload, reply.title); });
      group.appendChild(button);
    });
    li.appendChild(group);
  }

  function setStatus(text, offline) {
    els.status.textContent = text;
    els.status.classList.toggle("lw-status--offline", Boolean(offline));
  }

  function showTyping() {
    // While a Hub worker has the conversation the assistant stays quiet, so no "writing".
    if (state.held || state.lastFrom === "worker") { return; }
    els.typing.hidden = false;
    scrollToEnd();
    clearTimeout(state.typingTimer);
    state.typingTimer = setTimeout(function () {
      els.typing.hidden = true;
      setStatus("Still waiting for a reply. If you need to talk to someone now, open Get help now at the top.");
    }, REPLY_WAIT_MS);
  }

  function hideTyping() {
    clearTimeout(state.typingTimer);
    els.typing.hidden = true;
  }

  /* Send what the person typed or the button they pressed (typing a button's words counts). */
  function send(text, display) {
    var message = String(text || "").trim();
    if (!message) { return; }
    var shown = display || message;
    if (!display) {
      var typed = message.toLowerCase();
      var match = state.choices.filter(function (c) { return c.title.trim().toLowerCase() === typed; })[0];
      if (match) { message = match.payload; }
    }
    els.announcer.textContent = "";
    clearChoices();
    addMessage({ from: "user", text: shown }, true);
    var data = { message: message, session_id: null, metadata: {} };
    if (shown !== message) { data.metadata.lwfd_display = shown; }
    state.outbox.push(data);
    flush();
    els.input.value = "";
    els.input.focus();
    if (state.ready) { showTyping(); } else {
      setStatus("Not connected just now. Your message will be sent as soon as the connection is back.", true);
    }
  }

  function flush() {
    while (state.ready && state.outbox.length) {
      var data = state.outbox.shift();
      data.session_id = state.sessionId;
      socket.emit("user_uttered", data);
      state.onServer += 1;
    }
  }

  function fetchHistory() {
    return fetch("history", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ session_id: state.sessionId }),
      credentials: "same-origin",
      cache: "no-store",
    }).then(function (r) {
      if (!r.ok) { throw new Error("history " + r.status); }
      return r.json();
    }).then(function (body) { return body.messages || []; });
  }

  function drawHistory(messages) {
    messages.forEach(function (msg, i) {
      var last = i === messages.length - 1;
      addMessage({ from: msg.from, text: msg.text, name: msg.name, change: msg.change, offer_cards: msg.offer_cards,
                   quick_replies: last ? msg.quick_replies : null }, false);
    });
    state.onServer = messages.length;
    if (!messages.length) {
      addMessage({ from: "note", text: "Hello. I'm the Living Well assistant. Say hello below to start, " +
        "or tell me what's on your mind.", quick_replies: [{ title: "Hello", payload: "hi" }] }, false);
    }
  }

  /* After a dropped connection, draw anything that arrived meanwhile (say, a worker's reply). */
  function catchUp(messages) {
    var fresh = messages.slice(state.onServer);
    fresh.forEach(function (msg) { addMessage(msg, true); });
    state.onServer = Math.max(state.onServer, messages.length);
  }

  function onSessionConfirm(sessionId) {
    var same = sessionId === state.sessionId;
    state.sessionId = sessionId;
    writeStore(sessionId);
    var first = !state.loaded;
    var load = (first && same) || !first ? fetchHistory() : Promise.resolve([]);
    load.catch(function () {
      if (first && same) { setStatus("We couldn't show your earlier messages just now. You can carry on here."); }
      return null;
    }).then(function (messages) {
      if (first) {
        drawHistory(messages || []);
        state.loaded = true;
      } else if (messages) {
        catchUp(messages);
      }
      state.ready = true;
      flush();
      if (state.dropped) {
        state.dropped = false;
        setStatus("You're connected again.");
      } else if (els.status.classList.contains("lw-status--offline")) {
        setStatus("");
      }
    });
  }

  var socketPath = (document.querySelector('meta[name="lwfd-socketio-path"]') || {}).content || "/socket.io";
  var socket = window.io({ path: socketPath, reconnectionDelayMax: 10000 });

  socket.on("connect", function () {
    state.ready = false;
    socket.emit("session_request", { session_id: state.sessionId });
  });
  socket.on("session_confirm", onSessionConfirm);
  socket.on("bot_uttered", function (msg) {
    if (!msg || (typeof msg.text !== "string" && !msg.offer_cards)) { return; }
    hideTyping();
    if (/^Still waiting/.test(els.status.textContent)) { setStatus(""); }
    addMessage({
      from: msg.from === "worker" || msg.from === "hub" ? msg.from : "bot",
      name: msg.name, text: msg.text || "", quick_replies: msg.quick_replies, change: msg.change,
      offer_cards: msg.offer_cards,
    }, true);
    state.onServer += 1;
  });
  function offline() {
    state.ready = false;
    hideTyping();
    if (!state.dropped) {
      state.dropped = true;
      setStatus(state.loaded
        ? "The connection dropped. Trying again. Anything you write will be sent when it's back."
        : "Connecting. Anything you write will be sent as soon as we're connected.", true);
    }
  }
  socket.on("disconnect", offline);
  socket.on("connect_error", offline);

  els.form.addEventListener("submit", function (event) {
    event.preventDefault();
    send(els.input.value);
  });
  els.input.addEventListener("keydown", function (event) {
    if (event.key === "Enter" && !event.shiftKey && !event.isComposing) {
      event.preventDefault();
      send(els.input.value);
    }
  });
  els.help.addEventListener("keydown", function (event) {
    if (event.key === "Escape" && els.help.open) {
      els.help.open = false;
      els.helpSummary.focus();
    }
  });
  els.forget.addEventListener("click", function () {
    var ok = window.confirm("Clear this chat from this device? The Hub team still has what you've " +
      "told us, and you can start a new chat straight away.");
    if (!ok) { return; }
    writeStore(null);
    window.location.reload();
  });
})();
