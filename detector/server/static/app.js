// The editors' page: send the text to /v1/check, show the article with its flags,
// let the editor accept or dismiss each flag, and export the result.
//
// Everything that comes from the user or the report is put on the page as text
// (textContent, createTextNode, setAttribute), never parsed as HTML; the export is
// serialised from those same nodes, so it is escaped by the browser's serialiser.
// The report's offsets count Unicode code points (Python); JavaScript strings
// count UTF-16 units, so offsets are converted before slicing the text.
"use strict";

(function () {
  // The report contract's flag types. A type or code the page has never heard of
  // (a newer server) is shown all the same, in a neutral style.
  const TYPES = [
    { id: "filler", label: "Filler", icon: "\u2248", help: "Boilerplate, repetition or template residue",
      score: "The probability that the whole article is machine-written or templated (a calibrated document model over the sentence scores)." },
    { id: "contradiction", label: "Contradiction", icon: "\u2260", help: "Says the opposite of another sentence",
      score: "The probability that the article holds two statements that cannot both be true." },
    { id: "unsupported_figure", label: "Unsupported figure", icon: "#", help: "A number nobody vouches for",
      score: "The probability that the article has a statistic that nobody is said to vouch for." },
  ];
  // Shown only for a report checked against a source text (meta.against).
  const SOURCE_TYPE = { id: "against_source", label: "Against the source", icon: "\u21c4",
    help: "Not in the source, or the source says otherwise",
    score: "The probability that the copy distorts the source it was checked against (a calibrated model over how much of the copy the source supports, and where it says otherwise)." };
  const KNOWN_TYPE = Object.fromEntries(TYPES.concat([SOURCE_TYPE]).map((t) => [t.id, t]));
  // When a sentence carries flags of several types, its colour is the first of these.
  const TYPE_PRIORITY = ["against_source", "contradiction", "unsupported_figure", "filler"];
  // Words for the summary; a code not listed is counted under its own name.
  const CODE_PHRASES = {
    "figure.no_source": ["figure without a source", "figures without a source"],
    "figure.vague_source": ["figure with only a vague source", "figures with only a vague source"],
    "figure.inconsistent": ["figure that does not fit the others", "figures that do not fit the others"],
    "source.contradicted": ["sentence the source contradicts", "sentences the source contradicts"],
    "source.unsupported": ["thing the source does not say", "things the source does not say"],
  };
  // Most sentences flagged and a document score this high: the article as a whole is
  // filler, and painting every sentence would say nothing. Highlights then show strength.
  const WHOLE_FILLER_SCORE = 0.9;
  const WHOLE_FILLER_SHARE = 0.5;
  const STORE_PREFIX = "copycheck.review/1:";
  const FILE_FORMATS = { ".md": "markdown", ".markdown": "markdown", ".html": "html", ".htm": "html", ".txt": "plain", ".text": "plain" };
  const HTML_BLOCK_TAG = /<\/?(p|div|h[1-6]|li|ul|ol|table|thead|tbody|tr|td|th|br|hr|section|article|header|footer|aside|blockquote|pre|figure|figcaption|main|nav|dl|dt|dd)\b/i;
  const TABLE_SEPARATOR = /^\s*\|?\s*:?-+:?\s*(\|\s*:?-+:?\s*)*\|?\s*$/;

  const WIDE_LAYOUT = window.matchMedia("(min-width: 901px)");

  const $ = (id) => document.getElementById(id);
  const ui = {
    service: $("service"), tabEdit: $("tab-edit"), tabReview: $("tab-review"), editor: $("editor"), review: $("review"),
    input: $("input"), sourceInput: $("source-input"), format: $("format"), file: $("file"), check: $("check"), docLine: $("doc-line"), article: $("article"),
    status: $("status"), toggles: $("type-toggles"), threshold: $("threshold"), thresholdValue: $("threshold-value"),
    download: $("download"), exportHtml: $("export-html"), print: $("print"), details: $("details"), flagList: $("flag-list"),
    overlay: $("drop-overlay"), verdicts: $("verdicts"), wholeFiller: $("whole-filler"), wholeFillerText: $("whole-filler-text"),
    paintAll: $("paint-all"), legendList: $("legend-list"), notes: $("notes"), reviewScroll: $("review-scroll"),
    showDismissed: $("show-dismissed"), dismissedCount: $("dismissed-count"), progress: $("progress"), toReasons: $("to-reasons"),
  };

  const state = {
    info: null,            // GET /v1/info: loaded checks, their codes, limits
    text: "",              // the text exactly as sent; offsets point into it
    source: null,
    report: null,          // the last report, as the server sent it
    spans: [],             // sentence index -> its element in the article
    selected: null,        // selected sentence index
    types: TYPES.slice(),  // the known types and any other type the report holds
    shown: new Set(TYPES.map((t) => t.id)),
    minScore: 0,
    showDismissed: false,
    wholeFiller: false,
    review: emptyReview(), // the editor's decisions for this article (localStorage)
    reviewKey: null,
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

  function plural(count, one, many) {
    return `${count} ${count === 1 ? one : many}`;
  }

  // A type's label, icon and class; a type the page does not know gets a neutral look.
  function typeInfo(id) {
    if (KNOWN_TYPE[id]) return KNOWN_TYPE[id];
    const label = String(id).replace(/[_.]+/g, " ").replace(/^./, (c) => c.toUpperCase());
    return { id: id, label: label, icon: "\u2022", help: "Flags of type " + id, score: null, unknown: true };
  }

  function typeClass(id) {
    return KNOWN_TYPE[id] ? "t-" + id : "t-other";
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

  function codeHelp(code) {
    for (const check of (state.info && state.info.checks) || []) {
      if (check.codes && check.codes[code]) return check.codes[code];
    }
    return null;
  }

  // -- the editor's decisions ---------------------------------------------------
  //
  // Kept in localStorage under "copycheck.review/1:<hash of the text>", so the same
  // article checked again (after a reload, or tomorrow) comes back with its decisions.
  // The hash is SHA-256 (SubtleCrypto) where the browser offers it, which it does on
  // https and on localhost; elsewhere (plain http on a LAN address) FNV-1a 64 over the
  // UTF-8 bytes. The algorithm's name is part of the key, so the two never collide.

  function emptyReview() {
    return { flags: {}, dismissedCodes: [] };
  }

  async function textKey(text) {
    const bytes = new TextEncoder().encode(text);
    if (window.crypto && window.crypto.subtle) {
      const digest = new Uint8Array(await window.crypto.subtle.digest("SHA-256", bytes));
      return "sha256:" + Array.from(digest, (b) => b.toString(16).padStart(2, "0")).join("");
    }
    let hash = 0xcbf29ce484222325n;
    for (const byte of bytes) {
      hash ^= BigInt(byte);
      hash = (hash * 0x100000001b3n) & 0xffffffffffffffffn;
    }
    return "fnv1a64:" + hash.toString(16).padStart(16, "0");
  }

  function loadStoredReview(key) {
    try {
      const stored = JSON.parse(window.localStorage.getItem(STORE_PREFIX + key) || "null");
      if (stored && typeof stored.flags === "object" && Array.isArray(stored.dismissedCodes)) return stored;
    } catch (_) { /* unreadable or unavailable storage: start afresh */ }
    return emptyReview();
  }

  function saveReview() {
    if (!state.reviewKey) return;
    const review = state.review;
    const empty = !Object.keys(review.flags).length && !review.dismissedCodes.length;
    try {
      if (empty) window.localStorage.removeItem(STORE_PREFIX + state.reviewKey);
      else window.localStorage.setItem(STORE_PREFIX + state.reviewKey, JSON.stringify({ ...review, saved: new Date().toISOString() }));
    } catch (error) {
      setStatus("Decisions could not be saved in this browser: " + error.message, "error");
    }
  }

  // A flag's identity that survives a re-check of the same text: where its sentence
  // is, its code, and which of that sentence's flags with that code it is.
  function flagKey(sentence, flag) {
    let nth = 0;
    for (const other of sentence.flags) {
      if (other === flag) break;
      if (other.code === flag.code) nth += 1;
    }
    return `${sentence.start}-${sentence.end}:${flag.code}:${nth}`;
  }

  function flagRecord(sentence, flag) {
    return state.review.flags[flagKey(sentence, flag)] || {};
  }

  // "accepted", "dismissed" or "open"; a flag's own decision wins over its code's.
  function decisionOf(sentence, flag) {
    const own = flagRecord(sentence, flag).decision;
    if (own) return own;
    return state.review.dismissedCodes.includes(flag.code) ? "dismissed" : "open";
  }

  function updateRecord(sentence, flag, change) {
    const key = flagKey(sentence, flag);
    const record = { ...(state.review.flags[key] || {}), ...change };
    if (!record.decision) delete record.decision;
    if (!record.note) delete record.note;
    if (Object.keys(record).length) state.review.flags[key] = record;
    else delete state.review.flags[key];
    saveReview();
  }

  function setDecision(sentence, flag, decision) {
    const current = flagRecord(sentence, flag).decision;
    updateRecord(sentence, flag, { decision: current === decision ? null : decision });
    refreshAfterDecision();
  }

  function setCodeDismissed(code, dismissed) {
    const codes = new Set(state.review.dismissedCodes);
    if (dismissed) codes.add(code); else codes.delete(code);
    state.review.dismissedCodes = Array.from(codes).sort();
    saveReview();
    refreshAfterDecision();
  }

  function refreshAfterDecision() {
    const focusedKey = document.activeElement && document.activeElement.dataset ? document.activeElement.dataset.action : null;
    applyFilters();
    renderDetails();
    renderNotes();
    if (focusedKey) {
      const again = ui.details.querySelector(`[data-action="${CSS.escape(focusedKey)}"]`);
      if (again) again.focus({ preventScroll: true });
    }
  }

  async function loadReview(text) {
    const key = await textKey(text);
    if (state.text !== text) return; // another article was checked meanwhile
    state.reviewKey = key;
    state.review = loadStoredReview(key);
    refreshAfterDecision();
    document.body.dataset.reviewKey = key;
  }

  // -- filters ---------------------------------------------------------------

  function passesFilters(sentence, flag) {
    if (!state.shown.has(flag.type) || flag.score < state.minScore - 1e-9) return false;
    return state.showDismissed || decisionOf(sentence, flag) !== "dismissed";
  }

  function visibleFlags(sentence) {
    return sentence.flags.filter((f) => passesFilters(sentence, f));
  }

  function primaryType(flags) {
    return TYPE_PRIORITY.find((type) => flags.some((f) => f.type === type)) || flags[0].type;
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
    const sourceText = ui.sourceInput.value;
    // "source" names the copy; a source text to check it against goes as {text}, the name then as "id".
    const body = JSON.stringify(sourceText.trim()
      ? { text: text, format: ui.format.value, id: state.source, source: { text: sourceText } }
      : { text: text, format: ui.format.value, source: state.source });
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
    state.reviewKey = null;
    state.review = emptyReview();
    delete document.body.dataset.reviewKey;
    const extra = [];
    for (const sentence of report.sentences) {
      for (const flag of sentence.flags) {
        if ((!KNOWN_TYPE[flag.type] || flag.type === SOURCE_TYPE.id) && !extra.includes(flag.type)) extra.push(flag.type);
      }
    }
    const against = (report.meta || {}).against ? [SOURCE_TYPE] : [];
    state.types = TYPES.concat(against, extra.filter((id) => id !== SOURCE_TYPE.id).map(typeInfo));
    for (const id of extra) state.shown.add(id);
    renderToggles();
    renderArticle();
    ui.tabReview.disabled = false;
    showTab("review");
    for (const button of [ui.download, ui.exportHtml, ui.print]) button.disabled = false;
    const meta = report.meta || {};
    const count = report.sentences.length;
    ui.docLine.textContent = [
      report.source || "Pasted text",
      meta.against ? `checked against ${meta.against}` : null,
      `read as ${meta.format || "text"}`,
      plural(count, "sentence", "sentences"),
      meta.profile ? `profile ${meta.profile}` : null,
      ...(meta.notes || []),
    ].filter(Boolean).join(" \u00b7 ");
    renderSummary();
    applyFilters();
    renderDetails();
    renderNotes();
    ui.reviewScroll.scrollTop = 0;
    loadReview(text);
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
    if (!rendered) {
      article.replaceChildren();
      state.spans = [];
      renderReadingView(report);
    }
    article.classList.toggle("reading", !rendered);
  }

  function isTableRow(sentence) {
    return Array.isArray(sentence.cells) && (sentence.kind === "table_row" || sentence.kind === "heading");
  }

  // A table's rows: consecutive rows with nothing between them but blank or |---| lines
  // (Markdown) or nothing but tags (HTML: </td></tr><tr><td>).
  function tableRun(sentences, first, text, toUnit) {
    let last = first;
    while (last + 1 < sentences.length && isTableRow(sentences[last + 1])) {
      const between = text.slice(toUnit(sentences[last].end), toUnit(sentences[last + 1].start));
      const markdownGap = between.split("\n").every((line) => !line.trim() || TABLE_SEPARATOR.test(line) || /^\s*\|\s*$/.test(line));
      const htmlGap = between.includes("<") && /^(\s|<[^>]*>)*$/.test(between) && !/<\/table\b/i.test(between);
      if (!markdownGap && !htmlGap) break;
      last += 1;
    }
    return last;
  }

  // One sentence per row, its cells as cells; the row is the clickable unit.
  function tableElement(rows) {
    const table = el("table", { class: "md-table" });
    const head = el("thead");
    const body = el("tbody");
    const first = rows[0];
    if (first.kind !== "heading" && Array.isArray(first.header) && first.header.length) {
      head.append(el("tr", null, ...first.header.map((cell) => el("th", { scope: "col", text: cell }))));
    }
    for (const sentence of rows) {
      const header = sentence.kind === "heading";
      const row = sentenceElement(sentence, "tr");
      for (const cell of sentence.cells) row.append(el(header ? "th" : "td", { scope: header ? "col" : null, text: cell }));
      (header ? head : body).append(row);
      state.spans[sentence.index] = row;
    }
    if (head.childElementCount) table.append(head);
    table.append(body);
    return el("div", { class: "table-wrap" }, table);
  }

  // Plain text and Markdown: the input exactly as written, sentences wrapped in place;
  // a Markdown table becomes a table whose rows are the sentences.
  function renderAsWritten(report, text) {
    const toUnit = offsetMapper(text);
    const fragment = document.createDocumentFragment();
    const sentences = report.sentences;
    let cursor = 0;
    for (let i = 0; i < sentences.length; i += 1) {
      const sentence = sentences[i];
      const start = toUnit(sentence.start);
      const end = toUnit(sentence.end);
      if (start < cursor || end < start || text.slice(start, end) !== sentence.text) return false;
      if (isTableRow(sentence)) {
        const last = tableRun(sentences, i, text, toUnit);
        const lineStart = text.lastIndexOf("\n", start - 1) + 1;
        const lastEnd = toUnit(sentences[last].end);
        const lineEnd = text.indexOf("\n", lastEnd);
        if (lineStart >= cursor) {
          if (lineStart > cursor) fragment.append(document.createTextNode(text.slice(cursor, lineStart)));
          fragment.append(tableElement(sentences.slice(i, last + 1)));
          cursor = lineEnd === -1 ? text.length : lineEnd + 1;
          i = last;
          continue;
        }
      }
      if (start > cursor) fragment.append(document.createTextNode(text.slice(cursor, start)));
      const span = sentenceElement(sentence, "span");
      span.textContent = sentence.text;
      fragment.append(span);
      state.spans[sentence.index] = span;
      cursor = end;
    }
    if (cursor < text.length) fragment.append(document.createTextNode(text.slice(cursor)));
    ui.article.append(fragment);
    return true;
  }

  // HTML (or a text the offsets do not fit): each sentence's words without markup, in
  // blocks. The offsets still say where each sentence is in the input (line and column).
  function renderReadingView(report) {
    const text = state.text;
    const toUnit = offsetMapper(text);
    const fragment = document.createDocumentFragment();
    const sentences = report.sentences;
    let block = null;
    let previousEnd = null;
    let previousKind = null;
    for (let i = 0; i < sentences.length; i += 1) {
      const sentence = sentences[i];
      if (isTableRow(sentence)) {
        const last = tableRun(sentences, i, text, toUnit);
        fragment.append(tableElement(sentences.slice(i, last + 1)));
        block = null;
        previousEnd = sentences[last].end;
        previousKind = "table_row";
        i = last;
        continue;
      }
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
      if (event.target !== span) return;
      if (event.key === "Enter" || event.key === " ") {
        event.preventDefault();
        selectSentence(sentence.index, { jump: true });
      }
    });
    return span;
  }

  // -- the summary -------------------------------------------------------------

  function countFlags(type) {
    let flags = 0;
    let sentences = 0;
    const codes = {};
    for (const sentence of state.report.sentences) {
      const own = sentence.flags.filter((f) => f.type === type);
      if (own.length) sentences += 1;
      flags += own.length;
      for (const flag of own) codes[flag.code] = (codes[flag.code] || 0) + 1;
    }
    return { flags, sentences, codes };
  }

  function contradictionPairs() {
    const pairs = new Set();
    let unpaired = 0;
    for (const sentence of state.report.sentences) {
      for (const flag of sentence.flags) {
        if (flag.type !== "contradiction") continue;
        const related = (flag.related || []).filter((i) => i !== sentence.index);
        if (!related.length) unpaired += 1;
        for (const other of related) pairs.add([sentence.index, other].sort((a, b) => a - b).join("-"));
      }
    }
    return pairs.size + unpaired;
  }

  function verdictText(type) {
    const scores = state.report.scores || {};
    const score = scores[type.id];
    const total = state.report.sentences.length;
    const counted = countFlags(type.id);
    if (type.id === "filler") {
      const lead = typeof score !== "number" ? "Filler (no document score)"
        : score >= 0.5 ? `Reads as machine-written: ${formatScore(score)}` : `Reads as written by a person: machine-written ${formatScore(score)}`;
      return `${lead}. ${counted.sentences} of ${total} sentences flagged as filler.`;
    }
    if (type.id === "contradiction") {
      const pairs = contradictionPairs();
      const found = pairs ? `${plural(pairs, "pair of statements that contradict", "pairs of statements that contradict")} each other`
        : "No statements that contradict each other";
      return `${found}${typeof score === "number" ? ` (document score ${formatScore(score)})` : ""}.`;
    }
    const parts = Object.entries(counted.codes).map(([code, n]) => {
      const phrase = CODE_PHRASES[code];
      return phrase ? `${n} ${n === 1 ? phrase[0] : phrase[1]}` : `${n} \u00d7 ${code}`;
    });
    const scoreText = typeof score === "number" ? ` (document score ${formatScore(score)})` : "";
    if (type.id === "unsupported_figure") {
      return `${parts.length ? parts.join("; ") : "Every figure has a source"}${scoreText}.`;
    }
    if (type.id === SOURCE_TYPE.id) {
      const lead = typeof score === "number" ? `Distorts the source: ${formatScore(score)}` : "Checked against the source";
      return `${lead}. ${parts.length ? parts.join("; ") : "Everything checked is in the source"}.`;
    }
    return `${type.label}: ${counted.flags ? parts.join("; ") : "nothing flagged"}${scoreText}.`;
  }

  function renderSummary() {
    ui.verdicts.replaceChildren();
    for (const type of state.types) {
      if (type.unknown && !countFlags(type.id).flags) continue;
      ui.verdicts.append(el("li", { class: "verdict " + typeClass(type.id), "data-type": type.id },
        el("span", { class: "icon", "aria-hidden": "true", text: type.icon }),
        el("span", { class: "verdict-text", text: verdictText(type) })));
    }
    const report = state.report;
    const fillerScore = (report.scores || {}).filler;
    // Headings, list items and table rows are not prose a model can judge as padding
    // the same way: the share is over the article's sentences proper.
    const prose = report.sentences.filter((s) => s.kind === "sentence");
    const fillerSentences = prose.filter((s) => s.flags.some((f) => f.type === "filler")).length;
    const total = prose.length;
    state.wholeFiller = typeof fillerScore === "number" && fillerScore >= WHOLE_FILLER_SCORE && total > 0
      && fillerSentences / total >= WHOLE_FILLER_SHARE;
    ui.wholeFiller.hidden = !state.wholeFiller;
    ui.wholeFillerText.textContent = state.wholeFiller
      ? `The article as a whole reads as filler (document score ${formatScore(fillerScore)}; ${fillerSentences} of its ${total} prose sentences flagged). `
        + "Rather than paint every sentence, the filler highlight's depth follows each sentence's score: the deeper the colour, the stronger the flag."
      : "";
    renderLegend();
  }

  function renderLegend() {
    ui.legendList.replaceChildren();
    for (const type of state.types) {
      if (!type.score) continue;
      ui.legendList.append(el("dt", null, el("span", { class: "icon " + typeClass(type.id), "aria-hidden": "true", text: type.icon }), type.label + " score"),
        el("dd", { text: type.score }));
    }
    ui.legendList.append(
      el("dt", { text: "n/a" }), el("dd", { text: "No trained model stands behind this score for this article, so none is given." }),
      el("dt", { text: "A flag's score" }),
      el("dd", { text: "How sure the check that raised it is, from 0 to 1. The slider under Show hides the flags below a score." }),
      el("dt", { text: "Accept, dismiss" }),
      el("dd", { text: "Your decisions and notes stay in this browser for this exact text, and go into the exports." }));
  }

  // -- filters, counts and the list -------------------------------------------

  function renderToggles() {
    ui.toggles.replaceChildren();
    for (const type of state.types) {
      const box = el("input", { type: "checkbox", id: "show-" + type.id, "data-type": type.id });
      box.checked = state.shown.has(type.id);
      box.addEventListener("change", () => {
        if (box.checked) state.shown.add(type.id); else state.shown.delete(type.id);
        applyFilters();
        renderDetails();
      });
      const label = el("label", { class: "toggle " + typeClass(type.id), for: "show-" + type.id, title: type.help },
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

  ui.showDismissed.addEventListener("change", () => {
    state.showDismissed = ui.showDismissed.checked;
    applyFilters();
    renderDetails();
  });

  ui.paintAll.addEventListener("change", () => applyFilters());

  function strengthOf(score) {
    // Scores of a whole-filler article sit between 0.75 and 1; spread that range.
    return Math.min(1, Math.max(0.12, (score - 0.75) / 0.25));
  }

  function applyFilters() {
    const report = state.report;
    if (!report) return;
    const totals = {};
    const shownCounts = {};
    const decided = { accepted: 0, dismissed: 0, open: 0 };
    const listed = [];
    const byStrength = state.wholeFiller && !ui.paintAll.checked;
    ui.article.classList.toggle("by-strength", byStrength);
    for (const sentence of report.sentences) {
      for (const flag of sentence.flags) {
        totals[flag.type] = (totals[flag.type] || 0) + 1;
        decided[decisionOf(sentence, flag)] += 1;
        if (passesFilters(sentence, flag)) shownCounts[flag.type] = (shownCounts[flag.type] || 0) + 1;
      }
      const span = state.spans[sentence.index];
      if (!span) continue;
      const flags = visibleFlags(sentence);
      const iconHolder = span.tagName === "TR" ? span.firstElementChild : span;
      span.className = "s" + (span.classList.contains("selected") ? " selected" : "") + (span.classList.contains("partner") ? " partner" : "")
        + (span.classList.contains("partner-contradiction") ? " partner-contradiction" : "");
      if (flags.length) {
        const types = state.types.filter((t) => flags.some((f) => f.type === t.id));
        span.classList.add("flagged", typeClass(primaryType(flags)));
        for (const type of types) span.classList.add("has-" + type.id);
        if (flags.every((f) => decisionOf(sentence, f) === "dismissed")) span.classList.add("all-dismissed");
        else if (flags.every((f) => decisionOf(sentence, f) === "accepted")) span.classList.add("all-accepted");
        iconHolder.dataset.icons = types.map((t) => t.icon).join("");
        span.style.setProperty("--strength", strengthOf(Math.max(...flags.filter((f) => f.type === "filler").map((f) => f.score), 0)).toFixed(2));
        span.tabIndex = 0;
        if (span.tagName !== "TR") span.setAttribute("role", "button");
        span.setAttribute("aria-label", `${types.map((t) => t.label).join(", ")} (line ${sentence.line}): ${quote(readableText(sentence), 200)}`);
        for (const flag of flags) listed.push({ sentence, flag });
      } else {
        delete iconHolder.dataset.icons;
        span.style.removeProperty("--strength");
        span.tabIndex = -1;
        span.removeAttribute("role");
        span.removeAttribute("aria-label");
      }
    }
    for (const type of state.types) {
      const count = $("count-" + type.id);
      if (!count) continue;
      const total = totals[type.id] || 0;
      const visible = state.shown.has(type.id) ? shownCounts[type.id] || 0 : 0;
      count.textContent = visible === total ? String(total) : `${visible} of ${total}`;
    }
    ui.dismissedCount.textContent = decided.dismissed ? `(${decided.dismissed})` : "";
    ui.progress.textContent = decided.accepted + decided.dismissed
      ? `${decided.accepted} accepted, ${decided.dismissed} dismissed, ${decided.open} open` : "";
    renderList(listed);
    const total = Object.values(totals).reduce((a, b) => a + b, 0);
    const count = report.sentences.length;
    if (!total) setStatus(`No flags in ${plural(count, "sentence", "sentences")}.`, "ok");
    else if (!listed.length) setStatus(`All ${total} flag${total === 1 ? " is" : "s are"} hidden by the filters or dismissed.`);
    else setStatus(`${listed.length} flag${listed.length === 1 ? "" : "s"} shown of ${total}, in ${count} sentences.`);
  }

  const DECISION_MARK = { accepted: "\u2713 accepted", dismissed: "\u2715 dismissed" };

  function renderList(listed) {
    ui.flagList.replaceChildren();
    if (!listed.length) {
      ui.flagList.append(el("li", { class: "empty", text: state.report ? "Nothing to show." : "Nothing checked yet." }));
      return;
    }
    for (const { sentence, flag } of listed) {
      const type = typeInfo(flag.type);
      const decision = decisionOf(sentence, flag);
      const note = flagRecord(sentence, flag).note;
      const button = el("button", { type: "button", class: `flag-item ${typeClass(flag.type)} decision-${decision}`, "data-index": sentence.index,
        "data-code": flag.code, "data-decision": decision },
        el("span", { class: "icon", "aria-hidden": "true", text: type.icon }),
        el("span", { class: "flag-where", text: `Line ${sentence.line}` }),
        el("code", { class: "flag-code", text: flag.code }),
        el("span", { class: "flag-score", text: formatScore(flag.score) }),
        el("span", { class: "flag-message", text: flag.message }),
        decision !== "open" || note
          ? el("span", { class: "flag-state", text: [DECISION_MARK[decision], note ? "note: " + quote(note, 60) : null].filter(Boolean).join(" \u00b7 ") })
          : null);
      button.addEventListener("click", () => {
        selectSentence(sentence.index, { jump: true, focus: true });
      });
      ui.flagList.append(el("li", { class: sentence.index === state.selected ? "current" : null }, button));
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
    ui.details.scrollTop = 0;
    const current = ui.flagList.querySelector("li.current");
    if (current && WIDE_LAYOUT.matches) current.scrollIntoView({ block: "nearest" });
    // One column: the reasons are below the article, out of sight; a button leads there.
    ui.toReasons.hidden = WIDE_LAYOUT.matches || reasonsInView;
  }

  let reasonsInView = false;
  new IntersectionObserver((entries) => {
    reasonsInView = entries.some((entry) => entry.isIntersecting);
    if (reasonsInView) ui.toReasons.hidden = true;
  }).observe(document.querySelector(".box-details"));

  ui.toReasons.addEventListener("click", () => {
    const box = document.querySelector(".box-details");
    box.scrollIntoView({ block: "start" });
    const first = ui.details.querySelector("button, textarea") || box;
    first.focus({ preventScroll: true });
    ui.toReasons.hidden = true;
  });

  function goTo(index) {
    const span = state.spans[index];
    if (!span) return;
    // Selected before focusing, without a jump: going to the other sentence of a
    // contradiction must not bounce straight back to this one.
    selectSentence(index, { jump: false });
    span.scrollIntoView({ block: "center" });
    span.focus({ preventScroll: true });
  }

  let noteTimer = null;

  function decisionControls(sentence, flag, id) {
    const decision = decisionOf(sentence, flag);
    const own = flagRecord(sentence, flag);
    const codeDismissed = state.review.dismissedCodes.includes(flag.code);
    const accept = el("button", { type: "button", class: "decide-accept", "aria-pressed": String(decision === "accepted"), "data-action": id + ":accept" },
      "\u2713 Accept");
    const dismiss = el("button", { type: "button", class: "decide-dismiss", "aria-pressed": String(decision === "dismissed"), "data-action": id + ":dismiss" },
      "\u2715 Dismiss");
    const dismissCode = el("button", { type: "button", class: "decide-code", "data-action": id + ":code" },
      codeDismissed ? "Restore every " : "Dismiss every ", el("code", { text: flag.code }), " here");
    accept.addEventListener("click", () => setDecision(sentence, flag, "accepted"));
    dismiss.addEventListener("click", () => setDecision(sentence, flag, "dismissed"));
    dismissCode.addEventListener("click", () => setCodeDismissed(flag.code, !codeDismissed));
    const noteId = "note-" + id;
    const note = el("textarea", { id: noteId, class: "note", rows: 2, "data-action": id + ":note", placeholder: "For the writer or the desk" });
    note.value = own.note || "";
    note.addEventListener("input", () => {
      clearTimeout(noteTimer);
      const value = note.value;
      noteTimer = setTimeout(() => {
        updateRecord(sentence, flag, { note: value.trim() ? value : null });
        applyFilters();
        renderNotes();
      }, 250);
    });
    const stateText = decision === "open" ? "Open" : decision === "accepted" ? "Accepted" : own.decision ? "Dismissed" : `Dismissed (every ${flag.code})`;
    return el("div", { class: "decide" },
      el("p", { class: "decision-state", text: stateText }),
      el("div", { class: "decide-buttons", role: "group", "aria-label": "Decision on this flag" }, accept, dismiss, dismissCode),
      el("label", { class: "note-label", for: noteId, text: "Note" }),
      note);
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
    // Dismissed flags stay here, dimmed, so that a decision can be undone.
    const flags = sentence.flags.filter((f) => state.shown.has(f.type) && f.score >= state.minScore - 1e-9);
    box.append(el("p", { class: "where", text: `Line ${sentence.line}, column ${sentence.column} \u00b7 ${sentence.kind.replace("_", " ")}` }));
    // The reasons first: the sentence itself is already highlighted in the article.
    const quoteBlock = el("blockquote", { class: "quote", text: sentence.text });
    if (!flags.length) {
      const hidden = sentence.flags.length;
      box.append(el("p", { class: "hint", text: hidden ? `Its ${hidden} flag${hidden === 1 ? " is" : "s are"} hidden by the filters.` : "Nothing flagged in this sentence." }), quoteBlock);
      return;
    }
    flags.forEach((flag, n) => {
      const type = typeInfo(flag.type);
      const decision = decisionOf(sentence, flag);
      const item = el("div", { class: `flag-detail ${typeClass(flag.type)} decision-${decision}`, "data-code": flag.code },
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
            `Line ${partner.line}: \u201c${quote(readableText(partner), 90)}\u201d`);
          button.addEventListener("click", () => goTo(other));
          list.append(el("li", null, button));
        }
        item.append(el("p", { class: "related-label", text: label }), list);
      }
      const quoted = flag.evidence && flag.evidence.source;
      if (quoted && typeof quoted.text === "string") {
        item.append(el("p", { class: "related-label", text: `The source says (characters ${quoted.start}\u2013${quoted.end})` }),
          el("blockquote", { class: "quote source-quote", text: quoted.text }));
      }
      item.append(decisionControls(sentence, flag, `${sentence.index}-${n}`));
      const evidence = Object.entries(flag.evidence || {});
      if (evidence.length) {
        const list = el("dl", { class: "evidence" });
        for (const [key, value] of evidence) {
          list.append(el("dt", { text: key }), el("dd", { text: typeof value === "string" ? value : JSON.stringify(value) }));
        }
        item.append(el("details", null, el("summary", { text: "Evidence" }), list));
      }
      box.append(item);
    });
    box.append(quoteBlock);
  }

  // -- notes: the flags as footnotes, for print and the export ----------------------

  function notedSentences() {
    return state.report ? state.report.sentences.filter((s) => s.flags.length) : [];
  }

  function renderNotes() {
    ui.notes.replaceChildren();
    for (const node of ui.article.querySelectorAll("[data-note]")) delete node.dataset.note;
    notedSentences().forEach((sentence, n) => {
      const number = n + 1;
      const span = state.spans[sentence.index];
      if (span) (span.tagName === "TR" ? span.lastElementChild : span).dataset.note = String(number);
      const flags = el("ul", { class: "note-flags" });
      for (const flag of sentence.flags) {
        const decision = decisionOf(sentence, flag);
        const record = flagRecord(sentence, flag);
        flags.append(el("li", { class: `note-flag ${typeClass(flag.type)} decision-${decision}`, "data-code": flag.code },
          el("span", { class: "note-type", text: typeInfo(flag.type).label }), " ",
          el("code", { text: flag.code }), ` ${formatScore(flag.score)} \u00b7 `,
          decision === "open" ? el("span", { class: "note-decision", text: "open" }) : el("strong", { class: "note-decision", text: decision }), " \u2014 ",
          el("span", { class: "note-message", text: flag.message }),
          record.note ? el("span", { class: "note-text" }, el("em", { text: "Note: " }), record.note) : null));
      }
      ui.notes.append(el("li", { id: "note-" + number, value: number },
        el("span", { class: "note-where", text: `Line ${sentence.line}: \u201c${quote(readableText(sentence), 120)}\u201d` }), flags));
    });
  }

  // -- exports -----------------------------------------------------------------

  function exportBaseName() {
    return (state.report.source || "article").replace(/[^\w.-]+/g, "_").replace(/\.(md|markdown|html?|txt|text)$/i, "");
  }

  function offerDownload(content, type, name) {
    const url = URL.createObjectURL(new Blob([content], { type: type }));
    const link = el("a", { href: url, download: name });
    document.body.append(link);
    link.click();
    link.remove();
    setTimeout(() => URL.revokeObjectURL(url), 1000);
  }

  function reviewForExport() {
    const decisions = [];
    for (const sentence of state.report.sentences) {
      for (const flag of sentence.flags) {
        const record = flagRecord(sentence, flag);
        const decision = decisionOf(sentence, flag);
        if (decision === "open" && !record.note) continue;
        decisions.push({ sentence: sentence.index, code: flag.code, decision: decision, note: record.note || null });
      }
    }
    return { key: state.reviewKey, dismissed_codes: state.review.dismissedCodes.slice(), decisions: decisions };
  }

  ui.download.addEventListener("click", () => {
    if (!state.report) return;
    // The report as the server sent it, plus the editor's decisions under "review".
    const payload = { ...state.report, review: reviewForExport() };
    offerDownload(JSON.stringify(payload, null, 2) + "\n", "application/json", exportBaseName() + ".report.json");
  });

  // Inline styles only: the file is sent on and opened anywhere, with no server behind it.
  const EXPORT_CSS = `
body { font: 16px/1.6 Georgia, "DejaVu Serif", serif; color: #1d1d1f; max-width: 46rem; margin: 2rem auto; padding: 0 1rem; }
h1 { font: 700 1.4rem "DejaVu Sans", system-ui, sans-serif; } h2 { font: 700 1.1rem "DejaVu Sans", system-ui, sans-serif; margin-top: 2rem; }
.meta, .verdicts { font: 14px/1.5 "DejaVu Sans", system-ui, sans-serif; color: #444; }
.article { white-space: pre-wrap; overflow-wrap: anywhere; }
.article.reading { white-space: normal; } .article .block { margin: 0 0 .9em; }
.s.flagged { text-decoration-line: underline; text-decoration-thickness: 2px; text-underline-offset: 4px; }
.t-filler { background: #ffe6b0; text-decoration-style: dotted; text-decoration-color: #8a5300; }
.t-contradiction { background: #f6d3e6; text-decoration-style: wavy; text-decoration-color: #9c2f6e; }
.t-unsupported_figure { background: #cde5f6; text-decoration-style: double; text-decoration-color: #005a8e; }
.t-other { background: #e4e4ea; text-decoration-style: solid; text-decoration-color: #5b5b63; }
.by-strength .s.flagged.t-filler { background: rgba(255, 200, 87, var(--strength, 1)); }
.all-dismissed { background: none; text-decoration-color: #999; }
sup a { font: 11px "DejaVu Sans", sans-serif; color: #0b5cad; }
.table-wrap { white-space: normal; overflow-x: auto; } table { border-collapse: collapse; font: 14px "DejaVu Sans", sans-serif; margin: .5em 0; }
th, td { border: 1px solid #bbb; padding: 3px 8px; text-align: left; vertical-align: top; }
.notes { font: 14px/1.5 "DejaVu Sans", system-ui, sans-serif; padding-left: 2rem; } .notes > li { margin-bottom: .8em; }
.note-flags { list-style: none; padding: 0; margin: .2em 0 0; } .note-where { color: #444; }
.decision-dismissed { color: #777; } .decision-dismissed .note-message { text-decoration: line-through; }
.decision-accepted .note-decision { color: #1d6b3c; } .note-text { display: block; margin-left: 1rem; }
code { font: 12.5px "DejaVu Sans Mono", monospace; background: #f0f0f3; padding: 0 3px; }
`;

  function buildExportHtml() {
    const report = state.report;
    const article = ui.article.cloneNode(true);
    article.removeAttribute("id");
    article.removeAttribute("tabindex");
    for (const node of article.querySelectorAll("[tabindex], [role], [aria-label]")) {
      node.removeAttribute("tabindex");
      node.removeAttribute("role");
      node.removeAttribute("aria-label");
    }
    for (const node of article.querySelectorAll(".selected, .partner, .flash")) node.classList.remove("selected", "partner", "partner-contradiction", "flash");
    // Every flag is in the export, whatever the page's filters show: mark each noted sentence.
    const noted = notedSentences();
    noted.forEach((sentence, n) => {
      const node = article.querySelector(`[data-index="${sentence.index}"]`);
      if (!node) return;
      if (!node.classList.contains("flagged")) node.classList.add("flagged", typeClass(primaryType(sentence.flags)));
      const marker = el("sup", null, el("a", { href: `#note-${n + 1}`, text: `[${n + 1}]` }));
      if (node.tagName === "TR") node.lastElementChild.append(marker); else node.after(marker);
    });
    for (const node of article.querySelectorAll("[data-note], [data-icons]")) {
      delete node.dataset.note;
      delete node.dataset.icons;
    }
    const doc = document.implementation.createHTMLDocument("");
    const title = `Copy check: ${report.source || "pasted text"}`;
    doc.title = title;
    const charset = doc.createElement("meta");
    charset.setAttribute("charset", "utf-8");
    doc.head.prepend(charset);
    doc.head.append(el("style", { text: EXPORT_CSS }));
    const verdicts = el("ul", { class: "verdicts" }, ...Array.from(ui.verdicts.children, (li) => el("li", { text: li.textContent })));
    const counts = reviewForExport();
    doc.body.append(
      el("h1", { text: title }),
      el("p", { class: "meta", text: `${ui.docLine.textContent} \u00b7 exported ${new Date().toISOString().slice(0, 16).replace("T", " ")} UTC`
        + (counts.dismissed_codes.length ? ` \u00b7 dismissed throughout: ${counts.dismissed_codes.join(", ")}` : "") }),
      verdicts,
      el("h2", { text: "The article" }),
      article,
      el("h2", { text: `Flags (${noted.length} sentences)` }),
      ui.notes.cloneNode(true));
    doc.body.lastElementChild.removeAttribute("id");
    return "<!doctype html>\n" + doc.documentElement.outerHTML + "\n";
  }

  ui.exportHtml.addEventListener("click", () => {
    if (!state.report) return;
    offerDownload(buildExportHtml(), "text/html", exportBaseName() + ".review.html");
  });

  ui.print.addEventListener("click", () => window.print());

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
  renderLegend();
  loadInfo();
  // Tests and scripts can show a report without the network: copyCheck.showReport(report, text).
  window.copyCheck = { showReport: showReport, selectSentence: selectSentence, exportHtml: () => buildExportHtml() };
})();
