/* Live updates for the Hub console. Everything inserted as HTML was rendered and escaped by the
   server; anything else is set with textContent. Without JavaScript the pages still work. */
(function () {
  "use strict";

  function listen(url, handlers) {
    var source = new EventSource(url);
    Object.keys(handlers).forEach(function (name) {
      source.addEventListener(name, function (event) { handlers[name](JSON.parse(event.data)); });
    });
    return source;
  }

  /* The risk-detection banner (queue and conversation pages): shown while detection is not
     fully on, hidden again when it recovers. */
  function showSafety(data) {
    var safetyBox = document.getElementById("safety-alert");
    if (!safetyBox) { return; }
    safetyBox.textContent = "";
    if (data.ok) {
      safetyBox.hidden = true;
      safetyBox.removeAttribute("data-safety");
      return;
    }
    var label = document.createElement("strong");
    label.textContent = "Risk detection:";
    safetyBox.appendChild(label);
    safetyBox.appendChild(document.createTextNode(" " + data.message));
    safetyBox.setAttribute("data-safety", data.state);
    safetyBox.hidden = false;
  }

  function queuePage() {
    var box = document.getElementById("queue");
    if (!box) { return; }
    listen(box.getAttribute("data-stream"), {
      queue: function (data) { box.innerHTML = data.html; },
      safety: showSafety
    });
  }

  function conversationPage() {
    var list = document.getElementById("transcript");
    if (!list) { return; }
    var alertBox = document.getElementById("alert");
    var alertText = document.getElementById("alert-text");
    var statusNotice = document.getElementById("status-notice");
    var title = document.title;
    list.scrollTop = list.scrollHeight;  /* the newest message in view */
    if (!list.getAttribute("data-stream")) { return; }
    listen(list.getAttribute("data-stream"), {
      line: function (data) {
        list.insertAdjacentHTML("beforeend", data.html);
        list.scrollTop = list.scrollHeight;
      },
      alert: function (data) {
        alertText.textContent = data.text + " The person was given crisis contacts automatically.";
        alertBox.hidden = false;
        document.title = "HIGH RISK – " + title;
        alertBox.scrollIntoView();
      },
      status: function (data) {
        var words = {
          claimed: (data.claimed_by || "A worker") + " has claimed this conversation.",
          waiting: "This conversation is waiting again.",
          closed: "This conversation was closed.",
          handed_back: "This conversation was handed back to the assistant."
        };
        statusNotice.textContent = (words[data.status] || "This conversation changed.") + " Reload the page to see what you can do now.";
        statusNotice.hidden = false;
      },
      safety: showSafety
    });
  }

  /* As the worker types an SMS reply: how many texts it will be, counted as the server and the
     SMS channel count them (signed "Name (Hub worker): ", curly quotes made plain, GSM-7 or
     UCS-2 segments; bot/channels/sms_text.py). More than one text needs a confirmation. */
  function smsCounter() {
    var box = document.getElementById("reply-text");
    var out = document.getElementById("reply-count");
    if (!box || !out || box.getAttribute("data-sms") !== "yes") { return; }
    var basic = "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà";
    var extension = "^{}\\[~]|€\f";
    var smart = { "\u2018": "'", "\u2019": "'", "\u201a": "'", "\u201b": "'", "\u2032": "'",
      "\u201c": "\"", "\u201d": "\"", "\u201e": "\"", "\u2033": "\"", "\u2013": "-", "\u2014": "-",
      "\u2212": "-", "\u2010": "-", "\u2011": "-", "\u2026": "...", "\u00a0": " ", "\u2009": " ",
      "\u202f": " ", "\u200b": "", "\u2022": "-", "\u00b7": "-" };
    var name = box.getAttribute("data-signature") || "";
    var signature = name ? name + " (Hub worker): " : "Hub worker: ";
    function segments(text) {
      var chars = Array.from(text);
      var gsm = chars.every(function (ch) { return basic.indexOf(ch) >= 0 || extension.indexOf(ch) >= 0; });
      var units = chars.map(function (ch) {
        if (gsm) { return extension.indexOf(ch) >= 0 ? 2 : 1; }
        return ch.codePointAt(0) > 0xFFFF ? 2 : 1;
      });
      var total = units.reduce(function (a, b) { return a + b; }, 0);
      if (total <= (gsm ? 160 : 70)) { return 1; }
      var multi = gsm ? 153 : 67, count = 1, used = 0;
      units.forEach(function (cost) {
        if (used + cost > multi) { count += 1; used = 0; }
        used += cost;
      });
      return count;
    }
    function update() {
      var typed = box.value.trim();
      if (!typed) { out.textContent = "With your name added, a reply of up to about 140 characters is one text."; return; }
      var text = Array.from(signature + typed).map(function (ch) { return smart[ch] !== undefined ? smart[ch] : ch; }).join("");
      var texts = segments(text);
      out.textContent = texts === 1
        ? "1 text (" + typed.length + " characters)."
        : texts + " texts (" + typed.length + " characters). More than one text: you will be asked to confirm before it is sent.";
      out.setAttribute("data-texts", String(texts));
    }
    box.addEventListener("input", update);
    update();
  }

  /* Status messages and errors appear beside the reply box: bring them into view. */
  function showStatusNearReply() {
    var status = document.getElementById("reply-status");
    if (status && status.children.length && status.scrollIntoView) {
      status.scrollIntoView({ block: "center" });
      var error = document.getElementById("error");
      if (error) { error.focus(); }
    }
  }

  document.addEventListener("DOMContentLoaded", function () {
    queuePage();
    conversationPage();
    smsCounter();
    showStatusNearReply();
  });
}());
