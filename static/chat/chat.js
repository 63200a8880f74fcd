// Progressive enhancement for the chat pages. Without this file every page still works: forms
// POST and redirect, and a pending reply appears when the page reloads itself. With it:
//  - forms marked data-enhance (and links marked data-enhance-link) load in the background and
//    the page the server renders in answer is swapped in (so the server stays the only place
//    that decides what a page shows);
//  - a send, edit or retry asks for an event stream: the server answers with the page, then the
//    new reply's events in the same response; if that response breaks off, the reply is read
//    from its stream. Any other pending reply streams from the server-sent-events endpoint and
//    reconnects after a network drop, resuming where it stopped;
//  - a streaming reply is shown as formatted markdown as it grows, rendered by markdown-it and
//    cleaned by DOMPurify with the server's own allow-list (#markdown-rules), and the page
//    follows it; Stop ends it;
//  - errors appear beside the composer and are announced; the draft is kept in sessionStorage
//    until it is sent, so neither a refusal nor a reload loses it;
//  - copy buttons on replies and code blocks, code highlighting (highlight.js, loaded only when
//    a page shows code), a composer that grows with its text, Enter to send (a new line on
//    touch screens), Escape to cancel an edit or a rename;
//  - when a chat ends, focus moves to the notice that says so.
(function () {
  "use strict";

  const streams = new Map(); // message id -> ReplyStream
  let adopting = null; // the reply whose events come in the response being read (see follow())
  let endedJustNow = false; // a reply ended the chat: focus the notice after the next swap
  const RECONNECT_DELAYS = [1000, 2000, 4000, 8000, 15000];
  const touch = window.matchMedia && window.matchMedia("(pointer: coarse)").matches;

  function readJSON(id) {
    const element = document.getElementById(id);
    try { return element ? JSON.parse(element.textContent) : null; } catch (error) { return null; }
  }

  function announce(text) {
    const region = document.getElementById("announcer");
    if (!region) return;
    region.textContent = "";
    // A fresh text node after a tick, so screen readers announce a repeat too.
    window.setTimeout(function () { region.textContent = text; }, 50);
  }

  // Scripts loaded on demand, once each: the markdown renderer and sanitiser when a reply
  // streams, the highlighter when a page shows code. A chat page without either loads neither.
  const loading = new Map();
  function loadScript(url) {
    if (!url) return Promise.reject(new Error("no script"));
    if (!loading.has(url)) {
      loading.set(url, new Promise(function (resolve, reject) {
        const script = document.createElement("script");
        script.src = url;
        script.onload = resolve;
        script.onerror = reject;
        document.head.appendChild(script);
      }));
    }
    return loading.get(url);
  }

  // Markdown while streaming: the server's renderer settings (CommonMark, raw HTML off, line
  // breaks kept, tables and strikethrough, no images) and its sanitiser allow-list.
  let markdown = null;
  function markdownReady() {
    if (markdown) return Promise.resolve(markdown);
    const assets = readJSON("chat-assets") || {};
    return Promise.all([loadScript(assets.markdown), loadScript(assets.purify)]).then(function () {
      const rules = readJSON("markdown-rules");
      if (!rules || !window.markdownit || !window.DOMPurify) throw new Error("markdown unavailable");
      const md = window.markdownit("commonmark", { html: false, breaks: true }).enable(["table", "strikethrough"]).disable("image");
      const purify = window.DOMPurify;
      const attributes = new Set();
      Object.values(rules.attributes).forEach(function (names) { names.forEach(function (name) { attributes.add(name); }); });
      const codeClass = new RegExp(rules.codeClass);
      const schemes = new RegExp("^(?:" + rules.schemes.join("|") + "):", "i");
      purify.addHook("uponSanitizeAttribute", function (node, data) {
        const tag = node.nodeName.toLowerCase();
        const allowed = rules.attributes[tag] || [];
        if (allowed.indexOf(data.attrName) < 0) data.keepAttr = false;
        else if (tag === "code" && data.attrName === "class" && !codeClass.test(data.attrValue)) data.keepAttr = false;
        else if (data.attrName === "href" && !schemes.test(data.attrValue)) data.keepAttr = false;
      });
      purify.addHook("afterSanitizeAttributes", function (node) {
        if (node.nodeName === "A" && node.hasAttribute("href")) node.setAttribute("rel", rules.linkRel);
      });
      const config = { ALLOWED_TAGS: rules.tags, ALLOWED_ATTR: Array.from(attributes), ALLOW_DATA_ATTR: false, ALLOW_ARIA_ATTR: false };
      markdown = function (text) { return purify.sanitize(md.render(text), config); };
      return markdown;
    });
  }

  // Where a reply's text can be cut so that what comes before it never renders differently: the
  // last blank line after `from` that is outside a fenced code block. Returns `from` if none.
  function stableEnd(text, from) {
    let fenced = false;
    let end = from;
    const lines = /^ {0,3}(```|~~~)|\n\n/gm;
    let match;
    while ((match = lines.exec(text)) !== null) {
      if (match[1]) fenced = !fenced;
      else if (!fenced && match.index + 2 > from) end = match.index + 2;
      if (match.index === lines.lastIndex) lines.lastIndex += 1;
    }
    return end;
  }

  // A streaming reply drawn as formatted markdown. Rendering the whole reply at every frame costs
  // more the longer it gets (about 100 ms a frame at 16,000 characters here), so finished blocks
  // are rendered once and kept; only the block being written is drawn again.
  class Drawing {
    constructor(target) {
      this.target = target;
      target.classList.add("formatted");
      target.innerHTML = '<div class="stream-stable"></div><div class="stream-tail"></div>';
      this.stable = target.firstChild;
      this.tail = target.lastChild;
      this.stableLength = 0;
    }

    draw(text) {
      if (text.length < this.stableLength) {
        // A `reset`: the text was withdrawn and starts again.
        this.stable.innerHTML = "";
        this.stableLength = 0;
      }
      const end = stableEnd(text, this.stableLength);
      if (end > this.stableLength) {
        this.stable.insertAdjacentHTML("beforeend", markdown(text.slice(this.stableLength, end)));
        this.stableLength = end;
      }
      this.tail.innerHTML = markdown(text.slice(this.stableLength));
    }
  }

  // The benchmark (bench/bench_page.py) measures the very drawing the page does.
  window.chatDrawing = function (target) { return markdownReady().then(function () { return new Drawing(target); }); };

  function nearBottom() {
    return window.innerHeight + window.scrollY >= document.documentElement.scrollHeight - 160;
  }

  // One reply's live stream. It survives page swaps: attach() moves it onto the new element.
  class ReplyStream {
    constructor(element, live = true) {
      this.url = element.dataset.streamUrl;
      this.text = "";
      this.finished = false;
      this.failures = 0;
      this.source = null;
      this.frame = 0;
      this.attach(element);
      markdownReady().then(() => this.render(), function () { /* plain text it is */ });
      if (live) this.open();
    }

    // One event of the reply, from its EventSource or from the response of the send.
    handle(name, data) {
      if (this.finished) return;
      if (name === "token") {
        this.text += JSON.parse(data).text;
        this.schedule();
      } else if (name === "reset") {
        this.text = "";
        this.schedule();
      } else if (name === "done") {
        this.finish();
        const done = JSON.parse(data);
        if (done.ended) {
          endedJustNow = true;
          announce("The assistant replied: " + this.text + " The conversation has ended.");
        } else if (done.status === "complete") {
          announce("The assistant replied: " + this.text);
        } else if (done.status === "stopped") {
          announce("Stopped. The reply so far is kept.");
        } else {
          announce("The reply failed. " + (done.error || "You can retry it."));
        }
        refresh();
      }
    }

    attach(element) {
      this.element = element;
      this.drawing = null;
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
          source.close();
          let code = "";
          try { code = JSON.parse(event.data).code; } catch (error) { /* not ours */ }
          if (code === "too_many_streams") {
            // A newer stream of this user took this one's place; reconnecting would only close
            // another. The reply is saved: say so and stop.
            this.status("This reply is no longer streaming here (too many open at once). Reload to see it.");
            return;
          }
          // The server's own error event: the live stream is unavailable. Start again shortly.
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

    // Tokens can come faster than the screen refreshes: formatted text is drawn at most once a
    // frame. Plain text (before the renderer has loaded) costs nothing to draw, so it goes at once.
    schedule() {
      if (!markdown) { this.render(); return; }
      if (this.frame) return;
      this.frame = window.requestAnimationFrame(() => { this.frame = 0; this.render(); });
    }

    render() {
      const target = this.element.querySelector(".stream-text");
      if (!target) return;
      const follow = nearBottom();
      if (markdown) {
        if (!this.drawing || this.drawing.target !== target) this.drawing = new Drawing(target);
        this.drawing.draw(this.text);
      } else {
        target.textContent = this.text;
      }
      this.element.classList.toggle("has-text", this.text.length > 0);
      // Keep the newest line in view above the composer, unless the reader scrolled up to read.
      if (follow && this.text) window.scrollTo(0, document.documentElement.scrollHeight);
    }

    finish() {
      this.finished = true;
      if (this.frame) window.cancelAnimationFrame(this.frame);
      this.frame = 0;
      this.render();
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

  // Copy buttons and code highlighting on the finished messages of the page.
  function enhanceMessages(root) {
    root.querySelectorAll("[data-copy][hidden]").forEach(function (button) {
      if (navigator.clipboard) button.hidden = false;
    });
    const blocks = root.querySelectorAll(".message-body:not(.streaming) pre");
    blocks.forEach(function (pre, index) {
      if (!navigator.clipboard || pre.querySelector(".copy-code")) return;
      const message = pre.closest("[data-message]");
      const number = message ? message.dataset.number : "";
      const button = document.createElement("button");
      button.type = "button";
      button.className = "button small copy-code";
      button.textContent = "Copy code";
      button.setAttribute("aria-label", "Copy code block " + (index + 1) + (number ? " of message " + number : ""));
      button.dataset.copyCode = "";
      pre.appendChild(button);
    });
    const code = root.querySelectorAll(".message-body:not(.streaming) pre code:not(.hljs)");
    const assets = readJSON("chat-assets") || {};
    if (code.length && assets.highlight) {
      loadScript(assets.highlight).then(function () {
        code.forEach(function (element) {
          if (!element.isConnected || element.classList.contains("hljs")) return;
          // Only the language the writer named: guessing is slow and often wrong for short snippets.
          const named = Array.from(element.classList).find(function (name) { return name.startsWith("language-"); });
          if (named && window.hljs.getLanguage(named.slice(9))) window.hljs.highlightElement(element);
        });
      }, function () { /* plain code it is */ });
    }
  }

  function copy(text, button) {
    navigator.clipboard.writeText(text).then(function () {
      const label = button.textContent;
      button.textContent = "Copied";
      announce("Copied to the clipboard.");
      window.setTimeout(function () { button.textContent = label; }, 2000);
    }, function () { showError("Could not copy: the browser did not allow it."); });
  }

  function scrollToEnd() {
    const anchor = location.hash && document.getElementById(location.hash.slice(1));
    if (anchor && anchor.id !== "composer") anchor.scrollIntoView({ block: "center" });
    else window.scrollTo(0, document.body.scrollHeight);
  }

  // Drafts: what is typed in a composer is kept per conversation ("new" on the new-chat page)
  // in sessionStorage, until the server has accepted it.
  function draftKey(form) { return form && form.dataset.draft ? "draft:" + form.dataset.draft : null; }

  function saveDraft(field) {
    const key = draftKey(field.form);
    if (!key) return;
    try {
      if (field.value) sessionStorage.setItem(key, field.value);
      else sessionStorage.removeItem(key);
    } catch (error) { /* storage full or off: the page still keeps the text while it is open */ }
  }

  function restoreDraft() {
    const field = document.querySelector("[data-composer] textarea");
    if (!field || field.value) return;
    try {
      const saved = sessionStorage.getItem(draftKey(field.form));
      if (saved) field.value = saved;
    } catch (error) { /* nothing saved */ }
  }

  function clearDraft(key) {
    try { if (key) sessionStorage.removeItem(key); } catch (error) { /* nothing to clear */ }
  }

  function grow(field) {
    // Every browser: as tall as the text, up to the limit the stylesheet sets (then it scrolls).
    field.style.height = "auto";
    field.style.height = field.scrollHeight + 2 + "px";
  }

  function afterRender(push) {
    restoreDraft();
    attachStreams(document);
    enhanceMessages(document);
    document.querySelectorAll("[data-composer] textarea").forEach(grow);
    const ended = document.getElementById("ended");
    const error = document.querySelector("#app .composer-error:not(:empty), #app .alert-error");
    const autofocus = document.querySelector("#app [autofocus]");
    if (endedJustNow && ended) {
      endedJustNow = false;
      ended.focus();
      announce(ended.querySelector("h2").textContent + ". " + (ended.querySelector("p") || {}).textContent);
      ended.scrollIntoView({ block: "nearest" });
      return true;
    }
    endedJustNow = false;
    if (error) announce(error.textContent.trim());
    if (autofocus) autofocus.focus();
    else if (push || document.activeElement === document.body) {
      const composer = document.querySelector("[data-composer] textarea");
      if (composer && push) composer.focus();
    }
    return false;
  }

  // Swap the server's answer into the page, keeping what the user was typing.
  function swap(html, url, push) {
    const doc = new DOMParser().parseFromString(html, "text/html");
    const incoming = doc.getElementById("app");
    if (!incoming) { location.assign(url); return; }
    const draft = document.querySelector("[data-composer] textarea");
    const hadFocus = draft && document.activeElement === draft;
    const draftText = draft ? draft.value : "";
    const draftForm = draft ? draft.form.dataset.draft : null;
    const picked = draft ? pickedOptions(draft.form) : [];
    document.getElementById("app").replaceWith(incoming);
    document.title = doc.title;
    if (push) { moves += 1; history.pushState(null, "", url); }
    drawn = address(location.href);
    const composer = document.querySelector("[data-composer] textarea");
    if (composer && !composer.value && draftText && !push && draftForm === composer.form.dataset.draft) composer.value = draftText;
    // A page drawn over the same composer (a slow "New chat", a finished reply) keeps the model
    // the user picked meanwhile: the server only knows the one it offered.
    if (composer && draftForm === composer.form.dataset.draft) keepPicked(composer.form, picked);
    const focused = afterRender(push);
    if (!focused && composer && hadFocus && !document.querySelector("#app [autofocus]")) composer.focus();
    if (!focused) scrollToEnd();
  }

  function pickedOptions(form) {
    return Array.from(form.querySelectorAll("select[name]"), function (select) { return [select.name, select.value]; });
  }

  function keepPicked(form, picked) {
    picked.forEach(function (pair) {
      const select = form.querySelector("select[name='" + pair[0] + "']");
      if (select && Array.from(select.options).some(function (option) { return option.value === pair[1]; })) select.value = pair[1];
    });
  }

  // A reload must not draw the page the user has left over the one they moved to, nor an older copy
  // of a page over a newer one: `moves` counts the pages pushed, `drawn` is the address on screen.
  function address(url) {
    const parsed = new URL(url, location.href);
    parsed.hash = "";
    return parsed.href;
  }
  let moves = 0;
  let drawn = address(location.href);
  // Where the user is, to compare with where they were when they sent something.
  function here() { return { moves: moves, address: address(location.href) }; }
  function movedSince(from) { return moves !== from.moves || address(location.href) !== from.address; }
  let refreshing = null;
  function refresh() {
    // Several replies can finish at once; one reload of the page is enough.
    if (refreshing) return refreshing;
    const url = location.href;
    const movesBefore = moves;
    let again = false;
    refreshing = fetch(url, { headers: { Accept: "text/html" }, credentials: "same-origin" })
      .then(function (response) {
        return response.text().then(function (html) {
          if (address(location.href) !== address(url)) { again = true; return; } // moved meanwhile
          if (moves !== movesBefore && drawn === address(url)) return; // a newer copy is on screen
          swap(html, response.url, false);
        });
      })
      .catch(function () { /* the next action or a reload shows the saved reply */ })
      .finally(function () { refreshing = null; if (again) refresh(); });
    return refreshing;
  }

  // Errors go beside the composer, where the user is looking, and are announced.
  function showError(text) {
    let slot = document.querySelector("#app .composer-error");
    if (!slot) {
      const main = document.getElementById("main");
      if (!main) return;
      slot = document.createElement("div");
      slot.className = "composer-error";
      slot.setAttribute("role", "alert");
      main.appendChild(slot);
    }
    slot.textContent = text;
    announce(text);
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
  // `from` is where the user was when they sent: if they have moved since (a "New chat" clicked
  // while the send was on its way), the reply goes on without them and they stay where they are.
  async function follow(response, sentDraft, from) {
    let stream = null;
    let failed = false;
    try {
      for await (const event of readEvents(response)) {
        if (event.name === "page") {
          const page = JSON.parse(event.data);
          clearDraft(sentDraft);
          if (movedSince(from)) {
            refresh(); // the sidebar lists the chat the message went to
            return;
          }
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
    const sentDraft = form.hasAttribute("data-composer") ? draftKey(form) : null;
    const from = here();
    if (streamed) {
      options.headers.Accept = "text/event-stream, text/html;q=0.9";
      // A reply is coming: have the renderer ready before its first token.
      markdownReady().catch(function () { /* plain text it is */ });
    }
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
        await follow(response, sentDraft, from);
        return;
      }
      const html = await response.text();
      if (response.ok) clearDraft(sentDraft);
      if (movedSince(from)) {
        // The user went elsewhere while this was on its way (a "New chat", Back): what they did
        // is saved, or refused with its page's draft kept, and they stay where they went.
        const redrawn = refresh(); // the sidebar shows the change
        if (!response.ok) {
          redrawn.then(function () {
            showError("What you sent from the page you left was not accepted. Go back to it to see why; what you typed there is kept.");
          });
        }
        return;
      }
      // A redirect (the normal answer to a POST) or a GET moves to a new address; an error
      // answer re-renders the page at the form's address, which must not enter the history.
      const url = new URL(response.url);
      url.hash = action.hash;
      swap(html, url.toString(), response.redirected || method === "GET");
      // The reply may have stopped before this page was drawn, so its stream never says so.
      if (form.hasAttribute("data-stop") && response.ok) announce("Stopped. The reply so far is kept.");
    } catch (error) {
      buttons.forEach(function (button) { button.disabled = false; });
      form.removeAttribute("aria-busy");
      showError("Could not reach the server. Check your connection and try again; your message is kept.");
    }
  }

  // Only the last link clicked is drawn: a slower answer to an earlier click must not land on top.
  let visiting = null;
  async function visit(link) {
    if (visiting) visiting.abort();
    const current = visiting = new AbortController();
    try {
      const response = await fetch(link.href, { headers: { Accept: "text/html" }, credentials: "same-origin", signal: current.signal });
      const html = await response.text();
      if (current !== visiting) return;
      swap(html, response.url + new URL(link.href).hash, true);
    } catch (error) {
      if (current === visiting && error.name !== "AbortError") location.assign(link.href);
    } finally {
      if (current === visiting) visiting = null;
    }
  }

  document.addEventListener("submit", function (event) {
    const form = event.target;
    if (!form.matches("form[data-enhance]") || !window.fetch) return;
    event.preventDefault();
    if (form.getAttribute("aria-busy") === "true") return;
    const menu = form.closest("details.menu");
    if (menu) menu.open = false;
    submit(form, event.submitter);
  });

  document.addEventListener("click", function (event) {
    const link = event.target.closest("a[data-enhance-link]");
    if (link && window.fetch && !event.ctrlKey && !event.metaKey && !event.shiftKey && event.button === 0) {
      event.preventDefault();
      visit(link);
      return;
    }
    const copyReply = event.target.closest("[data-copy]");
    if (copyReply) {
      const body = copyReply.closest("[data-message]").querySelector(".message-body");
      copy(body.innerText.trim(), copyReply);
      return;
    }
    const copyCode = event.target.closest("[data-copy-code]");
    if (copyCode) copy(copyCode.parentElement.querySelector("code").innerText, copyCode);
  });

  document.addEventListener("focusin", function (event) {
    // Someone about to write will soon read a reply: load the renderer while they type.
    if (event.target.matches("[data-composer] textarea")) markdownReady().catch(function () {});
  });

  document.addEventListener("input", function (event) {
    const field = event.target;
    if (!field.matches("[data-composer] textarea")) return;
    saveDraft(field);
    grow(field);
  });

  document.addEventListener("keydown", function (event) {
    const field = event.target;
    if (event.key === "Escape" && field.closest("[data-edit], [data-rename]")) {
      const cancel = field.form.querySelector("[data-cancel]");
      if (cancel) { event.preventDefault(); cancel.click(); }
      return;
    }
    if (event.key === "Escape" && field.closest("details.menu")) {
      const menu = field.closest("details.menu");
      menu.open = false;
      menu.querySelector("summary").focus();
      return;
    }
    // On a touch screen Enter starts a new line, as on a phone's keyboard; the button sends.
    if (event.key !== "Enter" || event.shiftKey || event.isComposing || touch) return;
    if (!field.matches("[data-composer] textarea")) return;
    event.preventDefault();
    const send = field.form.querySelector("button[type=submit]");
    if (send && send.disabled) {
      showError("The assistant is still replying. Wait for the reply to finish (or stop it), then send again.");
      return;
    }
    if (field.value.trim()) field.form.requestSubmit();
  });

  window.addEventListener("popstate", function () { refresh(); });

  document.addEventListener("DOMContentLoaded", function () {
    document.documentElement.classList.add("js");
    if (touch) document.documentElement.classList.add("touch");
    afterRender(false);
    if (document.querySelector(".transcript")) scrollToEnd();
  });
})();
