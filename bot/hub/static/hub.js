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
    list.scrollTop = list.scrollHeight;
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

  function smsCounter() {
    var box = document.getElementById("reply-text");
    var out = document.getElementById("reply-count");
    if (!box || !out || box.getAttribute("data-sms") !== "yes") { return; }
    var gsm = /^[@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !"#¤%&'()*+,\-./0-9:;<=>?¡A-ZÄÖÑÜ§¿a-zäöñüà^{}\\[~\]|€]*$/;
    function update() {
      var text = box.value;
      var single = gsm.test(text) ? 160 : 70;
      var multi = gsm.test(text) ? 153 : 67;
      var parts = text.length <= single ? (text.length ? 1 : 0) : Math.ceil(text.length / multi);
      out.textContent = text.length + " characters, about " + parts + " text segment" + (parts === 1 ? "" : "s") +
        ". Long replies are split into several texts; you will be asked to confirm.";
    }
    box.addEventListener("input", update);
    update();
  }

  document.addEventListener("DOMContentLoaded", function () {
    queuePage();
    conversationPage();
    smsCounter();
  });
}());
