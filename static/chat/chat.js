// Progressive enhancement for the chat pages. Without this file every page still works: forms
// POST and redirect, and a pending reply appears on reload. With it:
//  - forms marked data-enhance are submitted in the background and the page the server renders
//    in answer is swapped in (so the server stays the only place that decides what a page shows);
//  - a send, edit or retry asks for an event stream: the server answers with the page, then the
//    new reply's events in the same response (one request, where a redirect, the page and the
//    stream would be three); if that response breaks off, the reply is read from its stream;
//  - any other pending reply streams in from the server-sent-events endpoint, with a typing
//    indicator, and reconnects after a network drop, resuming where it stopped;
//  - Enter sends, Shift+Enter starts a new line.
(function () {
  "use strict";

  const streams = new Map(); // message id -> ReplyStream
  let adopting = null; // the reply whose events come in the response being read (see follow())
  const RECONNECT_DELAYS = [1000, 2000, 4000, 8000, 15000];

  function announce(text) {
    const region = document.getElementById("announcer");
    if (!region) return;
    region.textContent = "";
    // A fresh text node after a tick, so screen readers announce a repeat too.
    window.setTimeout(function () { region.textContent = text; }, 50);
  }

  // One reply's live stream. It survives page swaps: attach() moves it onto the new element.
  class ReplyStream {
    constructor(element, live = true) {
      this.url = element.dataset.streamUrl;
      this.text = "";
      this.finished = false;
      this.failures = 0;
      this.source = null;
      this.attach(element);
      if (live) this.open();
    }

    // One event of the reply, from its EventSource or from the response of the send.
    handle(name, data) {
      if (this.finished) return;
      if (name === "token") {
        this.text += JSON.parse(data).text;
        this.render();
      } else if (name === "reset") {
        this.text = "";
        this.render();
      } else if (name === "done") {
        this.finish();
        const done = JSON.parse(data);
        if (done.status === "complete") {
          announce("The assistant replied: " + this.text);
        } else {
          announce("The reply failed. " + (done.error || "You can retry it."));
        }
        refresh();
      }
    }

    attach(element) {
      this.element = element;
      this.render();
    }

    open() {
      // The browser reconnects an EventSource by itself after a dropped connection and sends
      // Last-Event-ID, so the server resumes after the last token we got. open() is only called
      // again when the browser gave up; then the stream is read from its start and the text so
      // far is discarded, so nothing is shown twice.
      this.text = "";
      this.render();
      const source = new EventSource(this.url);
      this.source = source;
      source.addEventListener("open", () => { this.failures = 0; this.status(""); });
      ["token", "reset", "done"].forEach((name) => {
        source.addEventListener(name, (event) => this.handle(name, event.data));
      });
      source.addEventListener("error", (event) => {
        if (this.finished) return;
        if (event.data) {
          // The server's own error event: the live stream is unavailable. Start again shortly.
          source.close();
          this.reconnectLater();
        } else if (source.readyState === EventSource.CLOSED) {
          this.reconnectLater();
        } else {
          this.status("Connection lost. Reconnecting…");
        }
      });
    }

    reconnectLater() {
      const delay = RECONNECT_DELAYS[Math.min(this.failures, RECONNECT_DELAYS.length - 1)];
      this.failures += 1;
      this.status("Connection lost. Reconnecting…");
      window.setTimeout(() => { if (!this.finished) this.open(); }, delay);
    }

    status(text) {
      const line = this.element.querySelector(".stream-status");
      if (!line) return;
      line.textContent = text;
      line.hidden = !text;
    }

    render() {
      const target = this.element.querySelector(".stream-text");
      if (target) target.textContent = this.text;
      this.element.classList.toggle("has-text", this.text.length > 0);
    }

    finish() {
      this.finished = true;
      if (this.source) this.source.close();
      this.element.setAttribute("aria-busy", "false");
    }
  }

  function attachStreams(root) {
    const seen = new Set();
    root.querySelectorAll("[data-stream-url]").forEach(function (element) {
      const id = element.closest("[data-message]").dataset.message;
      seen.add(id);
      const existing = streams.get(id);
      if (existing && !existing.finished) existing.attach(element);
      else streams.set(id, new ReplyStream(element, id !== adopting));
    });
    streams.forEach(function (stream, id) {
      if (!seen.has(id)) { stream.finish(); streams.delete(id); }
    });
  }

  function scrollToEnd() {
    const anchor = location.hash && document.getElementById(location.hash.slice(1));
    if (anchor && anchor.id !== "composer") anchor.scrollIntoView({ block: "center" });
    else window.scrollTo(0, document.body.scrollHeight);
  }

  // Swap the server's answer into the page, keeping what the user was typing.
  function swap(html, url, push) {
    const doc = new DOMParser().parseFromString(html, "text/html");
    const incoming = doc.getElementById("app");
    if (!incoming) { location.assign(url); return; }
    const draft = document.querySelector("[data-composer] textarea");
    const hadFocus = draft && document.activeElement === draft;
    const draftText = draft ? draft.value : "";
    document.getElementById("app").replaceWith(incoming);
    document.title = doc.title;
    if (push) history.pushState(null, "", url);
    const composer = document.querySelector("[data-composer] textarea");
    if (composer && !composer.value && draftText && !push) composer.value = draftText;
    attachStreams(document);
    const autofocus = document.querySelector("#app [autofocus]");
    if (autofocus) autofocus.focus();
    else if (composer && (hadFocus || push)) composer.focus();
    scrollToEnd();
  }

  let refreshing = null;
  function refresh() {
    // Several replies can finish at once; one reload of the page is enough.
    if (refreshing) return refreshing;
    refreshing = fetch(location.href, { headers: { Accept: "text/html" }, credentials: "same-origin" })
      .then(function (response) { return response.text().then(function (html) { swap(html, response.url, false); }); })
      .catch(function () { /* the next action or a reload shows the saved reply */ })
      .finally(function () { refreshing = null; });
    return refreshing;
  }

  function showNetworkError() {
    const main = document.getElementById("main");
    if (!main) return;
    let alert = main.querySelector(".alert-network");
    if (!alert) {
      alert = document.createElement("div");
      alert.className = "alert alert-error alert-network";
      alert.setAttribute("role", "alert");
      main.insertBefore(alert, main.querySelector(".transcript") || main.firstChild);
    }
    alert.textContent = "Could not reach the server. Check your connection and try again.";
  }

  // The server-sent events of a fetch() response, as {name, data}. Comment lines (keep-alives)
  // and ids are skipped: a reply read this way that breaks off is read again from its start.
  async function* readEvents(response) {
    const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
    let buffer = "";
    try {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) return;
        buffer += value;
        let end;
        while ((end = buffer.indexOf("\n\n")) >= 0) {
          const block = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          let name = "message";
          const data = [];
          block.split("\n").forEach(function (line) {
            if (line.startsWith("event:")) name = line.slice(6).trim();
            else if (line.startsWith("data:")) data.push(line.slice(5).replace(/^ /, ""));
          });
          if (data.length) yield { name: name, data: data.join("\n") };
        }
      }
    } finally {
      reader.cancel().catch(function () {});
    }
  }

  // The answer to a streamed send: the page to show, then the new reply's events. The reply is
  // adopted from the page without an EventSource of its own; if the response ends before `done`
  // (a dropped connection, or the server's own `error` event), the reply is read from its stream.
  async function follow(response) {
    let stream = null;
    let failed = false;
    try {
      for await (const event of readEvents(response)) {
        if (event.name === "page") {
          const page = JSON.parse(event.data);
          adopting = page.reply;
          try { swap(page.html, page.url, true); } finally { adopting = null; }
          stream = streams.get(page.reply);
          if (!stream || stream.finished) return;
        } else if (stream) {
          if (stream.finished) return; // the user moved on to another page
          if (event.name === "error") { failed = true; break; }
          stream.handle(event.name, event.data);
          if (stream.finished) return;
        }
      }
    } catch (error) {
      // The connection dropped; what was saved is read again below.
    }
    if (!stream) refresh();
    else if (failed) stream.reconnectLater();
    else if (!stream.finished) stream.open();
  }

  async function submit(form, submitter) {
    const method = (form.getAttribute("method") || "get").toUpperCase();
    const action = new URL(form.getAttribute("action") || location.href, location.href);
    const data = new FormData(form, submitter);
    const options = { method: method, credentials: "same-origin", headers: { Accept: "text/html" } };
    const streamed = form.hasAttribute("data-stream") && window.TextDecoderStream;
    if (streamed) options.headers.Accept = "text/event-stream, text/html;q=0.9";
    if (method === "GET") {
      action.search = new URLSearchParams(data).toString();
    } else {
      options.body = data;
    }
    const buttons = form.querySelectorAll("button");
    buttons.forEach(function (button) { button.disabled = true; });
    form.setAttribute("aria-busy", "true");
    try {
      const response = await fetch(action, options);
      if (streamed && (response.headers.get("Content-Type") || "").startsWith("text/event-stream")) {
        await follow(response);
        return;
      }
      const html = await response.text();
      // A redirect (the normal answer to a POST) or a GET moves to a new address; an error
      // answer re-renders the page at the form's address, which must not enter the history.
      const url = new URL(response.url);
      url.hash = action.hash;
      swap(html, url.toString(), response.redirected || method === "GET");
    } catch (error) {
      buttons.forEach(function (button) { button.disabled = false; });
      form.removeAttribute("aria-busy");
      showNetworkError();
    }
  }

  document.addEventListener("submit", function (event) {
    const form = event.target;
    if (!form.matches("form[data-enhance]") || !window.fetch) return;
    if (form.getAttribute("aria-busy") === "true") { event.preventDefault(); return; }
    event.preventDefault();
    submit(form, event.submitter);
  });

  document.addEventListener("keydown", function (event) {
    const field = event.target;
    if (event.key !== "Enter" || event.shiftKey || event.isComposing) return;
    if (!field.matches("[data-composer] textarea")) return;
    event.preventDefault();
    if (field.value.trim()) field.form.requestSubmit();
  });

  window.addEventListener("popstate", function () { refresh(); });

  document.addEventListener("DOMContentLoaded", function () {
    attachStreams(document);
    if (document.querySelector(".transcript")) scrollToEnd();
  });
})();
