// The editors' page: send the text to /v1/check, show the article with its flags.
//
// Everything that comes from the user or the report is put on the page as text
// (textContent, createTextNode, setAttribute), never parsed as HTML.
// The report's offsets count Unicode code points (Python); JavaScript strings
// count UTF-16 units, so offsets are converted before slicing the text.
"use strict";

(function () {
  // The three flag types are the report contract's; codes are whatever the report holds.
  const TYPES = [
    { id: "filler", label: "Filler", icon: "\u2248", help: "Boilerplate, repetition or template residue" },
    { id: "contradiction", label: "Contradiction", icon: "\u2260", help: "Says the opposite of another sentence" },
    { id: "unsupported_figure", label: "Unsupported figure", icon: "#", help: "A number nobody vouches for" },
  ];
  const TYPE_BY_ID = Object.fromEntries(TYPES.map((t) => [t.id, t]));
  // When a sentence carries flags of several types, its colour is the first of these.
  const TYPE_PRIORITY = ["contradiction", "unsupported_figure", "filler"];
  const FILE_FORMATS = { ".md": "markdown", ".markdown": "markdown", ".html": "html", ".htm": "html", ".txt": "plain", ".text": "plain" };
  const HTML_BLOCK_TAG = /<\/?(p|div|h[1-6]|li|ul|ol|table|thead|tbody|tr|td|th|br|hr|section|article|header|footer|aside|blockquote|pre|figure|figcaption|main|nav|dl|dt|dd)\b/i;

  const WIDE_LAYOUT = window.matchMedia("(min-width: 901px)");

  const $ = (id) => document.getElementById(id);
  const ui = {
    service: $("service"), tabEdit: $("tab-edit"), tabReview: $("tab-review"), editor: $("editor"), review: $("review"),
    input: $("input"), format: $("format"), file: $("file"), check: $("check"), docLine: $("doc-line"), article: $("article"),
    status: $("status"), toggles: $("type-toggles"), threshold: $("threshold"), thresholdValue: $("threshold-value"),
    download: $("download"), details: $("details"), flagList: $("flag-list"), scores: $("scores"), overlay: $("drop-overlay"),
  };

  const state = {
    info: null,            // GET /v1/info: loaded checks, their codes, limits
    text: "",              // the text exactly as sent; offsets point into it
    source: null,
    report: null,          // the last report, as the server sent it
    spans: [],             // sentence index -> its element in the article
    selected: null,        // selected sentence index
    shown: new Set(TYPES.map((t) => t.id)),
    minScore: 0,
    busy: false,
  };

  // -- small helpers ---------------------------------------------------------

  function el(tag, attrs, ...children) {
    const node = document.createElement(tag);
    for (const [key, value] of Object.entries(attrs || {})) {
      if (value === null || value === undefined || value === false) continue;
      if (key === "class") node.className = value;
      else if (key === "text") node.textContent = value;
      else node.setAttribute(key, value === true ? "" : String(value));
    }
    for (const child of children) {
      if (child === null || child === undefined) continue;
      node.append(child instanceof Node ? child : document.createTextNode(String(child)));
    }
    return node;
  }

  function setStatus(message, kind) {
    ui.status.textContent = message || "";
    ui.status.className = "status" + (kind ? " " + kind : "");
    ui.status.setAttribute("role", kind === "error" ? "alert" : "status");
  }

  function quote(text, limit) {
    const flat = text.replace(/\s+/g, " ").trim();
    return flat.length <= limit ? flat : flat.slice(0, limit - 1).trimEnd() + "\u2026";
  }

  function formatScore(score) {
    return typeof score === "number" ? score.toFixed(2) : "n/a";
  }

  // Code point offset -> UTF-16 index, for a text that may hold characters outside the BMP.
  function offsetMapper(text) {
    if (!/[\uD800-\uDFFF]/.test(text)) return (offset) => offset;
    const map = [];
    let unit = 0;
    for (const ch of text) {
      map.push(unit);
      unit += ch.length;
    }
    map.push(unit);
    return (offset) => map[Math.min(Math.max(offset, 0), map.length - 1)];
  }

  function visibleFlags(sentence) {
    return sentence.flags.filter((f) => state.shown.has(f.type) && f.score >= state.minScore - 1e-9);
  }

  function primaryType(flags) {
    return TYPE_PRIORITY.find((type) => flags.some((f) => f.type === type)) || flags[0].type;
  }

  function codeHelp(code) {
    for (const check of (state.info && state.info.checks) || []) {
      if (check.codes && check.codes[code]) return check.codes[code];
    }
    return null;
  }

  // -- tabs ------------------------------------------------------------------

  function showTab(name) {
    const review = name === "review";
    ui.editor.hidden = review;
    ui.review.hidden = !review;
    ui.tabEdit.setAttribute("aria-selected", String(!review));
    ui.tabReview.setAttribute("aria-selected", String(review));
    ui.tabEdit.tabIndex = review ? -1 : 0;
    ui.tabReview.tabIndex = review ? 0 : -1;
  }

  ui.tabEdit.addEventListener("click", () => { showTab("edit"); ui.input.focus(); });
  ui.tabReview.addEventListener("click", () => showTab("review"));
  for (const tab of [ui.tabEdit, ui.tabReview]) {
    tab.addEventListener("keydown", (event) => {
      if (event.key !== "ArrowLeft" && event.key !== "ArrowRight") return;
      const other = tab === ui.tabEdit ? ui.tabReview : ui.tabEdit;
      if (other.disabled) return;
      other.click();
      other.focus();
    });
  }

  // -- checking --------------------------------------------------------------

  async function runCheck() {
    if (state.busy) return;
    const text = ui.input.value;
    if (!text.trim()) {
      setStatus("Paste or drop an article first.", "error");
      ui.input.focus();
      return;
    }
    const body = JSON.stringify({ text: text, format: ui.format.value, source: state.source });
    const limit = state.info && state.info.limits && state.info.limits.max_body_bytes;
    if (limit && new Blob([body]).size > limit) {
      setStatus(`This text is too long for the server (over ${limit.toLocaleString()} bytes). Check it in parts.`, "error");
      return;
    }
    state.busy = true;
    ui.check.disabled = true;
    document.body.setAttribute("aria-busy", "true");
    setStatus("Checking\u2026");
    try {
      const response = await fetch("/v1/check", { method: "POST", headers: { "Content-Type": "application/json" }, body: body });
      let payload = null;
      try { payload = await response.json(); } catch (_) { payload = null; }
      if (!response.ok) {
        const message = payload && payload.error ? payload.error.message : `the server answered ${response.status}`;
        setStatus("Could not check: " + message, "error");
        return;
      }
      showReport(payload, text);
    } catch (error) {
      setStatus("Could not reach the server: " + error.message, "error");
    } finally {
      state.busy = false;
      ui.check.disabled = false;
      document.body.removeAttribute("aria-busy");
    }
  }

  ui.check.addEventListener("click", runCheck);
  document.addEventListener("keydown", (event) => {
    if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) {
      event.preventDefault();
      runCheck();
    }
  });
  ui.input.addEventListener("input", () => { state.source = null; });

  // -- files -----------------------------------------------------------------

  async function loadFile(file) {
    if (!file) return;
    const limit = (state.info && state.info.limits && state.info.limits.max_body_bytes) || Infinity;
    if (file.size > limit) {
      setStatus(`${file.name} is too large (${file.size.toLocaleString()} bytes; the limit is ${limit.toLocaleString()}).`, "error");
      return;
    }
    const bytes = new Uint8Array(await file.arrayBuffer());
    if (bytes.subarray(0, 65536).includes(0)) {
      setStatus(`${file.name} looks like binary data, not text.`, "error");
      return;
    }
    let text;
    try {
      text = new TextDecoder("utf-8", { fatal: true }).decode(bytes);
    } catch (_) {
      // Legacy news copy is overwhelmingly Windows-1252; the server's CLI makes the same guess.
      text = new TextDecoder("windows-1252").decode(bytes);
    }
    const dot = file.name.lastIndexOf(".");
    const suffix = dot >= 0 ? file.name.slice(dot).toLowerCase() : "";
    ui.format.value = FILE_FORMATS[suffix] || "auto";
    ui.input.value = text;
    state.source = file.name;
    showTab("edit");
    await runCheck();
  }

  ui.file.addEventListener("change", () => {
    const file = ui.file.files && ui.file.files[0];
    ui.file.value = "";
    loadFile(file);
  });

  let dragDepth = 0;
  const hasFiles = (event) => event.dataTransfer && Array.from(event.dataTransfer.types || []).includes("Files");
  document.addEventListener("dragenter", (event) => {
    if (!hasFiles(event)) return;
    event.preventDefault();
    dragDepth += 1;
    ui.overlay.hidden = false;
  });
  document.addEventListener("dragleave", () => {
    dragDepth = Math.max(0, dragDepth - 1);
    if (dragDepth === 0) ui.overlay.hidden = true;
  });
  document.addEventListener("dragover", (event) => {
    if (hasFiles(event)) event.preventDefault();
  });
  document.addEventListener("drop", (event) => {
    if (!hasFiles(event)) return;
    event.preventDefault();
    dragDepth = 0;
    ui.overlay.hidden = true;
    loadFile(event.dataTransfer.files[0]);
  });

  // -- the article -----------------------------------------------------------

  function showReport(report, text) {
    state.report = report;
    state.text = text;
    state.selected = null;
    renderArticle();
    ui.tabReview.disabled = false;
    showTab("review");
    ui.download.disabled = false;
    const meta = report.meta || {};
    const count = report.sentences.length;
    ui.docLine.textContent = [
      report.source || "Pasted text",
      `read as ${meta.format || "text"}`,
      `${count} sentence${count === 1 ? "" : "s"}`,
      meta.profile ? `profile ${meta.profile}` : null,
      ...(meta.notes || []),
    ].filter(Boolean).join(" \u00b7 ");
    renderScores();
    applyFilters();
    renderDetails();
    ui.article.scrollTop = 0;
  }

  function renderArticle() {
    const report = state.report;
    const article = ui.article;
    article.replaceChildren();
    state.spans = [];
    // HTML reads better without its markup; with no sentence found there is nothing
    // to read, so the source itself is shown, as text.
    const readingView = report.meta && report.meta.format === "html" && report.sentences.length > 0;
    const rendered = !readingView && renderAsWritten(report, state.text);
    if (!rendered) renderReadingView(report);
    article.classList.toggle("reading", !rendered);
  }

  // Plain text and Markdown: the input exactly as written, sentences wrapped in place.
  function renderAsWritten(report, text) {
    const toUnit = offsetMapper(text);
    const fragment = document.createDocumentFragment();
    const spans = [];
    let cursor = 0;
    for (const sentence of report.sentences) {
      const start = toUnit(sentence.start);
      const end = toUnit(sentence.end);
      if (start < cursor || end < start || text.slice(start, end) !== sentence.text) return false;
      if (start > cursor) fragment.append(document.createTextNode(text.slice(cursor, start)));
      const span = sentenceElement(sentence, "span");
      span.textContent = sentence.text;
      fragment.append(span);
      spans[sentence.index] = span;
      cursor = end;
    }
    if (cursor < text.length) fragment.append(document.createTextNode(text.slice(cursor)));
    ui.article.append(fragment);
    state.spans = spans;
    return true;
  }

  // HTML (or a text the offsets do not fit): each sentence's words without markup, in
  // blocks. The offsets still say where each sentence is in the input (line and column).
  function renderReadingView(report) {
    const text = state.text;
    const toUnit = offsetMapper(text);
    const fragment = document.createDocumentFragment();
    let block = null;
    let previousEnd = null;
    let previousKind = null;
    for (const sentence of report.sentences) {
      const gap = previousEnd === null ? "" : text.slice(toUnit(previousEnd), toUnit(sentence.start));
      const ownBlock = sentence.kind !== "sentence";
      if (block === null || ownBlock || previousKind !== "sentence" || HTML_BLOCK_TAG.test(gap) || /\n\s*\n/.test(gap)) {
        block = el("div", { class: "block kind-" + sentence.kind });
        fragment.append(block);
      } else {
        block.append(document.createTextNode(" "));
      }
      const span = sentenceElement(sentence, "span");
      span.textContent = readableText(sentence);
      block.append(span);
      state.spans[sentence.index] = span;
      previousEnd = sentence.end;
      previousKind = sentence.kind;
    }
    ui.article.append(fragment);
  }

  function readableText(sentence) {
    if (sentence.kind === "table_row" && Array.isArray(sentence.cells)) return sentence.cells.join("  \u2502  ");
    const withoutTags = sentence.text.replace(/<[^>]*>/g, " ");
    return decodeEntities(withoutTags).replace(/\s+/g, " ").trim();
  }

  const NAMED_ENTITIES = { amp: "&", lt: "<", gt: ">", quot: '"', apos: "'", nbsp: "\u00a0", mdash: "\u2014", ndash: "\u2013",
    hellip: "\u2026", lsquo: "\u2018", rsquo: "\u2019", ldquo: "\u201c", rdquo: "\u201d", copy: "\u00a9", euro: "\u20ac", pound: "\u00a3" };

  function decodeEntities(text) {
    return text.replace(/&(#x[0-9a-f]+|#[0-9]+|[a-z]+);/gi, (whole, name) => {
      if (name[0] === "#") {
        const code = name[1] === "x" || name[1] === "X" ? parseInt(name.slice(2), 16) : parseInt(name.slice(1), 10);
        return code > 0 && code <= 0x10ffff ? String.fromCodePoint(code) : whole;
      }
      return NAMED_ENTITIES[name.toLowerCase()] || whole;
    });
  }

  function sentenceElement(sentence, tag) {
    const span = el(tag, { class: "s", "data-index": sentence.index, tabindex: -1 });
    span.addEventListener("click", () => selectSentence(sentence.index, { jump: true }));
    span.addEventListener("focus", () => {
      if (state.selected !== sentence.index) selectSentence(sentence.index, { jump: true });
    });
    span.addEventListener("keydown", (event) => {
      if (event.key === "Enter" || event.key === " ") {
        event.preventDefault();
        selectSentence(sentence.index, { jump: true });
      }
    });
    return span;
  }

  // -- filters, counts and the list -------------------------------------------

  function renderToggles() {
    ui.toggles.replaceChildren();
    for (const type of TYPES) {
      const box = el("input", { type: "checkbox", id: "show-" + type.id, "data-type": type.id });
      box.checked = state.shown.has(type.id);
      box.addEventListener("change", () => {
        if (box.checked) state.shown.add(type.id); else state.shown.delete(type.id);
        applyFilters();
        renderDetails();
      });
      const label = el("label", { class: "toggle t-" + type.id, for: "show-" + type.id, title: type.help },
        box,
        el("span", { class: "icon", "aria-hidden": "true", text: type.icon }),
        el("span", { class: "toggle-label", text: type.label }),
        el("span", { class: "count", id: "count-" + type.id, "data-type": type.id, text: "0" }));
      ui.toggles.append(label);
    }
  }

  ui.threshold.addEventListener("input", () => {
    state.minScore = Number(ui.threshold.value);
    ui.thresholdValue.textContent = state.minScore.toFixed(2);
    applyFilters();
    renderDetails();
  });

  function applyFilters() {
    const report = state.report;
    if (!report) return;
    const totals = Object.fromEntries(TYPES.map((t) => [t.id, 0]));
    const shownCounts = Object.fromEntries(TYPES.map((t) => [t.id, 0]));
    const listed = [];
    for (const sentence of report.sentences) {
      for (const flag of sentence.flags) {
        totals[flag.type] = (totals[flag.type] || 0) + 1;
        if (flag.score >= state.minScore - 1e-9) shownCounts[flag.type] = (shownCounts[flag.type] || 0) + 1;
      }
      const span = state.spans[sentence.index];
      if (!span) continue;
      const flags = visibleFlags(sentence);
      for (const type of TYPES) span.classList.remove("t-" + type.id, "has-" + type.id);
      if (flags.length) {
        const types = TYPES.filter((t) => flags.some((f) => f.type === t.id));
        span.classList.add("flagged", "t-" + primaryType(flags));
        for (const type of types) span.classList.add("has-" + type.id);
        span.dataset.icons = types.map((t) => t.icon).join("");
        span.tabIndex = 0;
        span.setAttribute("role", "button");
        span.setAttribute("aria-label", `${types.map((t) => t.label).join(", ")} (line ${sentence.line}): ${quote(sentence.text, 200)}`);
        for (const flag of flags) listed.push({ sentence, flag });
      } else {
        span.classList.remove("flagged");
        delete span.dataset.icons;
        span.tabIndex = -1;
        span.removeAttribute("role");
        span.removeAttribute("aria-label");
      }
    }
    for (const type of TYPES) {
      const count = $("count-" + type.id);
      const total = totals[type.id] || 0;
      const visible = state.shown.has(type.id) ? shownCounts[type.id] || 0 : 0;
      count.textContent = visible === total ? String(total) : `${visible} of ${total}`;
    }
    renderList(listed);
    const total = Object.values(totals).reduce((a, b) => a + b, 0);
    const count = report.sentences.length;
    if (!total) setStatus(`No flags in ${count} sentence${count === 1 ? "" : "s"}.`, "ok");
    else if (!listed.length) setStatus(`All ${total} flag${total === 1 ? " is" : "s are"} hidden by the filters.`);
    else setStatus(`${listed.length} flag${listed.length === 1 ? "" : "s"} shown of ${total}, in ${count} sentences.`);
  }

  function renderList(listed) {
    ui.flagList.replaceChildren();
    if (!listed.length) {
      ui.flagList.append(el("li", { class: "empty", text: state.report ? "Nothing to show." : "Nothing checked yet." }));
      return;
    }
    for (const { sentence, flag } of listed) {
      const type = TYPE_BY_ID[flag.type] || { icon: "?", label: flag.type };
      const button = el("button", { type: "button", class: "flag-item t-" + flag.type, "data-index": sentence.index, "data-code": flag.code },
        el("span", { class: "icon", "aria-hidden": "true", text: type.icon }),
        el("span", { class: "flag-where", text: `Line ${sentence.line}` }),
        el("code", { class: "flag-code", text: flag.code }),
        el("span", { class: "flag-score", text: formatScore(flag.score) }),
        el("span", { class: "flag-message", text: flag.message }));
      button.addEventListener("click", () => {
        selectSentence(sentence.index, { jump: true, focus: true });
      });
      ui.flagList.append(el("li", { class: sentence.index === state.selected ? "current" : null }, button));
    }
  }

  function renderScores() {
    ui.scores.replaceChildren();
    const scores = (state.report && state.report.scores) || {};
    for (const type of TYPES) {
      const value = scores[type.id];
      ui.scores.append(el("div", { class: "score-item t-" + type.id, title: type.label },
        el("dt", null, el("span", { class: "icon", "aria-hidden": "true", text: type.icon }), el("span", { class: "sr-only", text: type.label })),
        el("dd", { text: typeof value === "number" ? `${Math.round(value * 100)}%` : "n/a" })));
    }
  }

  // -- selection and details --------------------------------------------------

  function selectSentence(index, options) {
    const opts = options || {};
    state.selected = index;
    for (const node of ui.article.querySelectorAll(".selected, .partner")) node.classList.remove("selected", "partner", "partner-contradiction");
    const span = state.spans[index];
    if (!span) return;
    span.classList.add("selected");
    const sentence = state.report.sentences[index];
    const flags = visibleFlags(sentence);
    let jumpTo = null;
    for (const flag of flags) {
      for (const other of flag.related || []) {
        const partner = state.spans[other];
        if (!partner || other === index) continue;
        partner.classList.add("partner");
        if (flag.type === "contradiction") {
          partner.classList.add("partner-contradiction");
          if (jumpTo === null) jumpTo = partner;
        }
      }
    }
    if (opts.focus) {
      span.focus({ preventScroll: true });
      span.scrollIntoView({ block: "center" });
    }
    if (opts.jump && jumpTo) {
      jumpTo.scrollIntoView({ block: "center" });
      jumpTo.classList.remove("flash");
      void jumpTo.offsetWidth; // restart the animation
      jumpTo.classList.add("flash");
    }
    for (const item of ui.flagList.querySelectorAll("li")) {
      const button = item.querySelector("button");
      item.classList.toggle("current", !!button && Number(button.dataset.index) === index);
    }
    renderDetails();
    // Side by side, the panel scrolls on its own: bring the reasons into view there.
    if (WIDE_LAYOUT.matches) ui.details.closest(".box").scrollIntoView({ block: "nearest" });
  }

  function goTo(index) {
    const span = state.spans[index];
    if (!span) return;
    // Selected before focusing, without a jump: going to the other sentence of a
    // contradiction must not bounce straight back to this one.
    selectSentence(index, { jump: false });
    span.scrollIntoView({ block: "center" });
    span.focus({ preventScroll: true });
  }

  function renderDetails() {
    const report = state.report;
    const box = ui.details;
    box.replaceChildren();
    if (!report || state.selected === null || !report.sentences[state.selected]) {
      box.append(el("p", { class: "hint", text: report ? "Click or tab to a highlighted sentence." : "Check an article, then click or tab to a highlighted sentence." }));
      return;
    }
    const sentence = report.sentences[state.selected];
    const flags = visibleFlags(sentence);
    box.append(el("p", { class: "where", text: `Line ${sentence.line}, column ${sentence.column} \u00b7 ${sentence.kind.replace("_", " ")}` }));
    // The reasons first: the sentence itself is already highlighted in the article.
    const quoteBlock = el("blockquote", { class: "quote", text: sentence.text });
    if (!flags.length) {
      const hidden = sentence.flags.length;
      box.append(el("p", { class: "hint", text: hidden ? `Its ${hidden} flag${hidden === 1 ? " is" : "s are"} hidden by the filters.` : "Nothing flagged in this sentence." }), quoteBlock);
      return;
    }
    for (const flag of flags) {
      const type = TYPE_BY_ID[flag.type] || { icon: "?", label: flag.type };
      const item = el("div", { class: "flag-detail t-" + flag.type },
        el("p", { class: "flag-head" },
          el("span", { class: "icon", "aria-hidden": "true", text: type.icon }),
          el("strong", { text: type.label }), " ",
          el("code", { text: flag.code }), " ",
          el("span", { class: "flag-score", text: "score " + formatScore(flag.score) })),
        el("p", { class: "message", text: flag.message }));
      const help = codeHelp(flag.code);
      if (help) item.append(el("p", { class: "code-help", text: help }));
      const related = (flag.related || []).filter((i) => report.sentences[i]);
      if (related.length) {
        const label = flag.type === "contradiction" ? "Contradicted by" : "Related";
        const list = el("ul", { class: "related" });
        for (const other of related) {
          const partner = report.sentences[other];
          const button = el("button", { type: "button", class: "goto", "data-index": other },
            `Line ${partner.line}: \u201c${quote(partner.text, 90)}\u201d`);
          button.addEventListener("click", () => goTo(other));
          list.append(el("li", null, button));
        }
        item.append(el("p", { class: "related-label", text: label }), list);
      }
      const evidence = Object.entries(flag.evidence || {});
      if (evidence.length) {
        const list = el("dl", { class: "evidence" });
        for (const [key, value] of evidence) {
          list.append(el("dt", { text: key }), el("dd", { text: typeof value === "string" ? value : JSON.stringify(value) }));
        }
        item.append(el("details", null, el("summary", { text: "Evidence" }), list));
      }
      box.append(item);
    }
    box.append(quoteBlock);
  }

  // -- download --------------------------------------------------------------

  ui.download.addEventListener("click", () => {
    if (!state.report) return;
    const blob = new Blob([JSON.stringify(state.report, null, 2) + "\n"], { type: "application/json" });
    const url = URL.createObjectURL(blob);
    const base = (state.report.source || "article").replace(/[^\w.-]+/g, "_").replace(/\.(md|markdown|html?|txt|text)$/i, "");
    const link = el("a", { href: url, download: base + ".report.json" });
    document.body.append(link);
    link.click();
    link.remove();
    setTimeout(() => URL.revokeObjectURL(url), 1000);
  });

  // -- start -----------------------------------------------------------------

  async function loadInfo() {
    try {
      const response = await fetch("/v1/info");
      if (!response.ok) throw new Error(`status ${response.status}`);
      state.info = await response.json();
      const checks = state.info.checks.map((c) => c.name).join(", ") || "none";
      ui.service.textContent = `Profile ${state.info.profile} \u00b7 checks: ${checks}`;
    } catch (error) {
      ui.service.textContent = "The server did not say which checks it runs.";
    }
  }

  renderToggles();
  renderList([]);
  renderScores();
  loadInfo();
  // Tests and scripts can show a report without the network: copyCheck.showReport(report, text).
  window.copyCheck = { showReport: showReport, selectSentence: selectSentence };
})();
