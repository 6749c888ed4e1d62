"""The page as an editor's working desk, in Debian's chromium against the real server on loopback:
nothing clipped on a laptop or a phone, decisions that survive a reload, the exports, print, accessibility."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from .web_support import chromium_context

LAPTOP = {"width": 1366, "height": 768}
PHONE = {"width": 420, "height": 860}

# True where an element is cut off by an ancestor that clips (overflow other than visible)
# or lies outside the window horizontally: what "clipped" means for a reader.
CLIPPED = """el => {
    const box = el.getBoundingClientRect();
    if (box.width === 0 || box.height === 0) return "has no size";
    if (box.left < -1 || box.right > window.innerWidth + 1) return "outside the window horizontally";
    for (let node = el.parentElement; node; node = node.parentElement) {
        const style = getComputedStyle(node);
        if (style.overflowX === "visible" && style.overflowY === "visible") continue;
        const clip = node.getBoundingClientRect();
        if (box.top < clip.top - 1 || box.bottom > clip.bottom + 1 || box.left < clip.left - 1 || box.right > clip.right + 1) {
            return `clipped by ${node.tagName.toLowerCase()}#${node.id}.${node.className}`;
        }
    }
    return null;
}"""


@pytest.fixture(scope="module")
def desk(playwright_driver):
    """A browser of its own, so that decisions stored here never reach the other page tests."""
    with chromium_context(playwright_driver, viewport=LAPTOP, bypass_csp=True) as context:
        yield context


@pytest.fixture
def page(desk):
    page = desk.new_page()
    page.requests, page.errors, page.dialogs = [], [], []
    page.on("request", lambda request: page.requests.append(request.url))
    page.on("pageerror", lambda error: page.errors.append(str(error)))
    page.on("console", lambda message: page.errors.append(message.text) if message.type == "error" else None)
    page.on("dialog", lambda dialog: (page.dialogs.append(dialog.message), dialog.dismiss()))
    yield page
    page.evaluate("localStorage.clear()")
    page.close()


@pytest.fixture(scope="module")
def example_report(fast_detector, example_text):
    return json.loads(fast_detector.check(example_text).to_json())


def open_page(page, server):
    page.goto(f"{server.url}/")
    page.wait_for_function("document.getElementById('service').textContent.startsWith('Profile')")


def check(page, text):
    page.fill("#input", text)
    page.click("#check")
    page.wait_for_selector("#review:not([hidden])")
    page.wait_for_selector("body[data-review-key]")


def show(page, report, text):
    page.evaluate("([report, text]) => window.copyCheck.showReport(report, text)", [report, text])
    page.wait_for_selector("body[data-review-key]")


def most_flagged(report):
    return max(report["sentences"], key=lambda s: len(s["flags"]))


def with_planted_contradiction(report):
    """The example's most-flagged sentence also contradicted by the first: three kinds of flag and a partner."""
    report = json.loads(json.dumps(report))
    target = most_flagged(report)
    target["flags"].append({
        "type": "contradiction", "code": "contradiction.numeric", "score": 0.88,
        "message": "Counts the suspects differently from line 1.", "related": [0], "evidence": {},
    })
    # A second planted flag keeps the sentence at four or more flags whatever the models flag there today.
    target["flags"].append({
        "type": "figure", "code": "figure.vague_source", "score": 0.81,
        "message": "The source of this figure is vague: \"officials\" are not named.", "related": [], "evidence": {},
    })
    return report, target["index"]


def assert_reachable(page, locator, container):
    """Scrolled into view inside its own box, the element is whole, on screen and on top."""
    locator.scroll_into_view_if_needed()
    problem = locator.evaluate(CLIPPED)
    assert problem is None, f"{locator.text_content()!r}: {problem}"
    box = locator.bounding_box()
    inside = page.locator(container).bounding_box()
    assert inside["y"] - 1 <= box["y"] and box["y"] + box["height"] <= inside["y"] + inside["height"] + 1
    assert box["y"] + box["height"] <= page.viewport_size["height"] + 1
    on_top = locator.evaluate(
        "el => { const b = el.getBoundingClientRect(); const hit = document.elementFromPoint(b.left + b.width / 2, b.top + b.height / 2);"
        " return hit === el || el.contains(hit); }"
    )
    assert on_top, f"{locator.text_content()!r} is covered"


# -- layout ------------------------------------------------------------------------


def test_every_flag_and_button_of_a_sentence_is_reachable_on_a_laptop(page, live_server, example_report, example_text):
    report, index = with_planted_contradiction(example_report)
    open_page(page, live_server)
    show(page, report, example_text)
    assert page.viewport_size == LAPTOP
    page.click(f'#article .s[data-index="{index}"]')
    assert page.is_hidden("#to-reasons"), "side by side, the reasons are already in view"
    sentence = report["sentences"][index]
    details = page.locator("#details .flag-detail")
    assert details.count() == len(sentence["flags"]) >= 4
    assert "Contradicted by" in page.text_content("#details")
    # The two boxes on the right are whole on screen; what does not fit scrolls inside them.
    for box in (".box-list", ".box-details", ".box-show"):
        assert page.locator(box).evaluate(CLIPPED) is None, box
    assert page.evaluate("document.documentElement.scrollHeight <= window.innerHeight + 1"), "the page itself does not scroll"
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    for button in page.locator("#details button").all():
        assert_reachable(page, button, "#details")
    assert_reachable(page, page.locator("#details .goto", has_text="Line 1:"), "#details")
    for note in page.locator("#details textarea").all():
        assert_reachable(page, note, "#details")
    items = page.locator("#flag-list .flag-item")
    assert items.count() == sum(len(s["flags"]) for s in report["sentences"])
    for i in (0, items.count() // 2, items.count() - 1):
        assert_reachable(page, items.nth(i), "#flag-list")
    # The contradiction's button goes to its partner, which is then in view in the article.
    page.locator("#details .goto", has_text="Line 1:").click()
    assert page.locator("#article .s.selected").get_attribute("data-index") == "0"
    assert page.locator('#article .s[data-index="0"]').evaluate(CLIPPED) is None
    assert not page.errors


def test_tables_are_tables_with_clickable_rows(page, live_server, example_report, example_text):
    open_page(page, live_server)
    check(page, example_text)
    rows = [s for s in example_report["sentences"] if s["kind"] == "table_row"]
    flagged_row = next(s for s in rows if s["flags"])
    row = page.locator(f'#article tr.s[data-index="{flagged_row["index"]}"]')
    assert row.locator("td").all_text_contents() == flagged_row["cells"]
    header = page.locator(f'#article tr.s[data-index="{flagged_row["index"]}"]').locator("xpath=ancestor::table//thead//th")
    assert header.all_text_contents() == flagged_row["header"]
    assert "flagged" in row.get_attribute("class")
    row.click()
    assert flagged_row["flags"][0]["message"] in page.text_content("#details")
    row.focus()
    page.keyboard.press("Enter")
    assert page.locator("#article .s.selected").get_attribute("data-index") == str(flagged_row["index"])


def test_html_tables_are_tables_too(page, live_server, fast_detector):
    html = (
        "<p>The ministry gave the figures on Monday.</p><table><thead><tr><th>Metric</th><th>Value</th></tr></thead>"
        "<tbody><tr><td>Suspects</td><td>1,523</td></tr>\n<tr><td>Regions</td><td>5</td></tr></tbody></table>"
        "<table><tr><td>Other</td><td>7</td></tr></table><p>After the tables.</p>"
    )
    report = json.loads(fast_detector.check(html, format="html").to_json())
    rows = [s for s in report["sentences"] if s["kind"] in ("table_row", "heading") and s.get("cells")]
    assert len(rows) == 4
    open_page(page, live_server)
    page.select_option("#format", "html")
    check(page, html)
    tables = page.locator("#article table")
    assert tables.count() == 2, "rows of one table stay together; the second table is its own"
    assert tables.nth(0).locator("thead th").all_text_contents() == ["Metric", "Value"]
    assert [r.locator("td").all_text_contents() for r in tables.nth(0).locator("tbody tr").all()] == [["Suspects", "1,523"], ["Regions", "5"]]
    assert "After the tables." in page.text_content("#article")


def test_page_reads_on_a_420_pixel_screen(playwright_driver, live_server, example_text):
    with chromium_context(playwright_driver, viewport=PHONE, bypass_csp=True) as context:
        page = context.new_page()
        open_page(page, live_server)
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"), "nothing wider than the phone"
        check(page, example_text)
        assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
        page.locator("#article .s.flagged").first.click()
        # The reasons are below the article in one column: a button leads there.
        assert page.is_visible("#to-reasons")
        page.click("#to-reasons")
        assert page.locator(".box-details").evaluate("el => el.getBoundingClientRect().top < window.innerHeight")
        assert page.evaluate("document.getElementById('details').contains(document.activeElement)")
        assert page.is_hidden("#to-reasons")
        for selector in ("#check", "#export-html", "#download", "#print", "#threshold", "#flag-list .flag-item >> nth=0", "#details .decide-accept"):
            element = page.locator(selector)
            if not element.is_visible():
                continue
            element.scroll_into_view_if_needed()
            assert element.evaluate(CLIPPED) is None, selector
        text_size = page.locator("#article").evaluate("el => parseFloat(getComputedStyle(el).fontSize)")
        assert text_size >= 14


# -- the summary -----------------------------------------------------------------------


def test_summary_says_each_family_in_words_and_explains_the_scores(page, live_server, example_report, example_text):
    open_page(page, live_server)
    check(page, example_text)
    scores = example_report["scores"]
    prose = [s for s in example_report["sentences"] if s["kind"] == "sentence"]
    filler_prose = sum(1 for s in prose if any(f["type"] == "filler" for f in s["flags"]))
    filler_all = sum(1 for s in example_report["sentences"] if any(f["type"] == "filler" for f in s["flags"]))
    no_source = sum(1 for s in example_report["sentences"] for f in s["flags"] if f["code"] == "figure.no_source")

    filler = page.text_content('#verdicts [data-type="filler"]')
    assert f"Reads as machine-written: {scores['filler']:.2f}" in filler
    assert f"{filler_all} of {len(example_report['sentences'])} sentences flagged" in filler
    assert f"{no_source} figures without a source" in page.text_content('#verdicts [data-type="unsupported_figure"]')
    assert "No statements that contradict each other" in page.text_content('#verdicts [data-type="contradiction"]')
    # The summary comes before the article, and the meaning of the scores is one click away.
    assert page.evaluate("document.getElementById('summary').compareDocumentPosition(document.getElementById('article')) & Node.DOCUMENT_POSITION_FOLLOWING")
    assert not page.is_visible("#legend-list")
    page.click("#legend summary")
    assert page.is_visible("#legend-list") and "machine-written or templated" in page.text_content("#legend-list")

    # This article is filler as a whole: said once, and the highlights show strength instead.
    assert scores["filler"] >= 0.9 and filler_prose / len(prose) >= 0.5
    assert page.is_visible("#whole-filler")
    assert f"{filler_prose} of its {len(prose)} prose sentences" in page.text_content("#whole-filler")
    assert "by-strength" in page.get_attribute("#article", "class")
    strengths = page.eval_on_selector_all("#article .s.flagged.t-filler", "els => els.map(e => e.style.getPropertyValue('--strength'))")
    assert len(set(strengths)) > 1, "stronger flags look stronger"
    colours = set(page.eval_on_selector_all("#article .s.flagged.t-filler", "els => els.map(e => getComputedStyle(e).backgroundColor)"))
    assert len(colours) > 1
    page.check("#paint-all")
    assert "by-strength" not in page.get_attribute("#article", "class")


def test_summary_of_a_clean_text_paints_nothing(page, live_server):
    open_page(page, live_server)
    check(page, "The council met on Tuesday. Its chair, Ana Ruiz, said the vote would come in May.")
    assert page.is_hidden("#whole-filler")
    assert "by-strength" not in page.get_attribute("#article", "class")
    assert "Every figure has a source" in page.text_content('#verdicts [data-type="unsupported_figure"]')


def test_an_unknown_type_and_code_get_a_neutral_style(page, live_server, fast_detector):
    text = "The mayor spoke. The budget passed."
    report = json.loads(fast_detector.check(text, format="plain").to_json())
    report["sentences"][1]["flags"] = [{"type": "integrity", "code": "integrity.copied_passage", "score": 0.7,
                                        "message": "Matches a wire story word for word.", "related": [], "evidence": {}}]
    open_page(page, live_server)
    show(page, report, text)
    span = page.locator('#article .s[data-index="1"]')
    assert "t-other" in span.get_attribute("class") and "has-integrity" in span.get_attribute("class")
    assert page.is_visible("#show-integrity") and page.text_content("#count-integrity") == "1"
    assert page.locator("#flag-list .flag-item.t-other").count() == 1
    assert "integrity.copied_passage" in page.text_content('#verdicts [data-type="integrity"]')
    page.uncheck("#show-integrity")
    assert "flagged" not in span.get_attribute("class")
    assert not page.errors


# -- decisions ---------------------------------------------------------------------------


def test_decisions_and_notes_survive_a_reload(page, live_server, example_report, example_text):
    sentence = most_flagged(example_report)
    first, second = sentence["flags"][0], sentence["flags"][1]
    open_page(page, live_server)
    check(page, example_text)
    page.click(f'#article .s[data-index="{sentence["index"]}"]')
    page.locator("#details .flag-detail").nth(0).locator(".decide-accept").click()
    page.locator("#details .flag-detail").nth(1).locator(".decide-dismiss").click()
    page.locator("#details .flag-detail").nth(0).locator("textarea").fill("Ask the writer: whose count? <img src=x onerror=alert(1)>")
    page.wait_for_timeout(400)  # the note is saved a moment after the last keystroke
    key = page.evaluate("document.body.dataset.reviewKey")
    assert key.startswith("sha256:") and len(key) == len("sha256:") + 64
    stored = json.loads(page.evaluate("(key) => localStorage.getItem('copycheck.review/1:' + key)", key))
    assert sorted(r.get("decision") for r in stored["flags"].values()) == ["accepted", "dismissed"]

    page.reload()
    open_page(page, live_server)
    check(page, example_text)
    # The dismissed flag is out of the list; the accepted one is marked, with its note.
    items = page.locator(f'#flag-list .flag-item[data-index="{sentence["index"]}"]')
    assert items.count() == len(sentence["flags"]) - 1
    accepted = page.locator(f'#flag-list .flag-item[data-index="{sentence["index"]}"][data-decision="accepted"]')
    assert accepted.count() == 1 and accepted.get_attribute("data-code") == first["code"]
    assert "Ask the writer" in accepted.text_content()
    assert "1 accepted, 1 dismissed" in page.text_content("#progress")
    page.click(f'#article .s[data-index="{sentence["index"]}"]')
    detail = page.locator("#details .flag-detail").nth(0)
    assert detail.locator(".decide-accept").get_attribute("aria-pressed") == "true"
    assert detail.locator("textarea").input_value().startswith("Ask the writer")
    assert page.locator("#details .flag-detail").nth(1).locator(".decide-dismiss").get_attribute("aria-pressed") == "true"
    page.check("#show-dismissed")
    assert page.locator(f'#flag-list .flag-item[data-index="{sentence["index"]}"][data-decision="dismissed"]').get_attribute("data-code") == second["code"]

    # Another text has decisions of its own (none).
    page.click("#tab-edit")
    check(page, example_text + "\nOne more line.")
    assert page.locator('#flag-list .flag-item[data-decision="accepted"]').count() == 0
    assert page.dialogs == [] and page.locator("#details img, #flag-list img").count() == 0


def fnv1a_64(data: bytes) -> str:
    value = 0xCBF29CE484222325
    for byte in data:
        value = ((value ^ byte) * 0x100000001B3) % 2**64
    return f"{value:016x}"


def test_without_subtlecrypto_the_key_is_the_documented_fnv_hash(desk, live_server, example_text):
    """Plain http on a LAN address has no crypto.subtle: the page falls back to FNV-1a 64 of the UTF-8 text."""
    page = desk.new_page()
    try:
        page.add_init_script("Object.defineProperty(window.crypto, 'subtle', { value: undefined })")
        open_page(page, live_server)
        text = example_text + "\nCaf\u00e9 \U0001F4F0"
        check(page, text)
        assert page.evaluate("document.body.dataset.reviewKey") == "fnv1a64:" + fnv1a_64(text.encode("utf-8"))
        page.locator("#article .s.flagged").first.click()
        page.locator("#details .decide-accept").first.click()
        page.reload()
        open_page(page, live_server)
        check(page, text)
        assert page.locator('#flag-list .flag-item[data-decision="accepted"]').count() == 1
    finally:
        page.evaluate("localStorage.clear()")
        page.close()


def test_dismissing_a_code_for_the_article_hides_all_its_flags(page, live_server, example_report, example_text):
    code = "filler.generic"
    total = sum(len(s["flags"]) for s in example_report["sentences"])
    of_code = sum(1 for s in example_report["sentences"] for f in s["flags"] if f["code"] == code)
    assert of_code > 1
    open_page(page, live_server)
    check(page, example_text)
    sentence = next(s for s in example_report["sentences"] if any(f["code"] == code for f in s["flags"]))
    page.click(f'#article .s[data-index="{sentence["index"]}"]')
    page.locator(f'#details .flag-detail[data-code="{code}"] .decide-code').first.click()
    assert page.locator("#flag-list .flag-item").count() == total - of_code
    assert page.locator(f'#flag-list .flag-item[data-code="{code}"]').count() == 0
    page.reload()
    open_page(page, live_server)
    check(page, example_text)
    assert page.locator(f'#flag-list .flag-item[data-code="{code}"]').count() == 0
    page.click(f'#article .s[data-index="{sentence["index"]}"]')
    page.locator(f'#details .flag-detail[data-code="{code}"] .decide-code').first.click()  # "Restore every ..."
    assert page.locator("#flag-list .flag-item").count() == total


# -- exports and print --------------------------------------------------------------------


def decide_some(page, sentence):
    page.click(f'#article .s[data-index="{sentence["index"]}"]')
    page.locator("#details .flag-detail").nth(0).locator(".decide-accept").click()
    page.locator("#details .flag-detail").nth(1).locator(".decide-dismiss").click()
    page.locator("#details .flag-detail").nth(0).locator("textarea").fill("Source it or cut it <script>alert(1)</script>")
    page.wait_for_timeout(400)


def test_annotated_html_export_is_self_contained_and_shows_flags_and_decisions(page, live_server, example_report, example_text, tmp_path):
    sentence = most_flagged(example_report)
    open_page(page, live_server)
    check(page, example_text)
    decide_some(page, sentence)
    with page.expect_download() as download_info:
        page.click("#export-html")
    download = download_info.value
    assert download.suggested_filename == "article.review.html"
    target = tmp_path / download.suggested_filename
    download.save_as(target)
    html = target.read_text(encoding="utf-8")
    assert "<script" not in html.lower().replace("&lt;script", ""), "no script, only the note's text"
    assert "http://" not in html and "https://" not in html and "<link" not in html and "src=" not in html

    viewer = page.context.new_page()
    requests = []
    viewer.on("request", lambda request: requests.append(request.url))
    viewer.goto(target.as_uri())
    assert all(url.startswith("file://") for url in requests), requests
    flagged = [s for s in example_report["sentences"] if s["flags"]]
    notes = viewer.locator(".notes > li")
    assert notes.count() == len(flagged)
    assert viewer.locator(".note-flag").count() == sum(len(s["flags"]) for s in flagged)
    assert viewer.locator("sup a").count() == len(flagged)
    position = flagged.index(sentence)
    note = notes.nth(position)
    assert note.locator(".note-flag").nth(0).locator(".note-decision").text_content() == "accepted"
    assert note.locator(".note-flag").nth(1).locator(".note-decision").text_content() == "dismissed"
    assert "Source it or cut it <script>alert(1)</script>" in note.text_content()
    for flag in sentence["flags"]:
        assert flag["message"] in note.text_content()
    assert viewer.locator("table").count() >= 1 and viewer.locator("script, img").count() == 0
    assert f"Reads as machine-written: {example_report['scores']['filler']:.2f}" in viewer.text_content(".verdicts")
    viewer.close()


def test_json_download_is_the_report_plus_the_decisions(page, live_server, example_report, example_text, validate_report, tmp_path):
    sentence = most_flagged(example_report)
    open_page(page, live_server)
    check(page, example_text)
    decide_some(page, sentence)
    with page.expect_download() as download_info:
        page.click("#download")
    target = tmp_path / "report.json"
    download_info.value.save_as(target)
    report = json.loads(target.read_text(encoding="utf-8"))
    validate_report(report)
    assert report["sentences"] == example_report["sentences"]
    decisions = report["review"]["decisions"]
    assert [(d["sentence"], d["code"], d["decision"]) for d in decisions] == [
        (sentence["index"], sentence["flags"][0]["code"], "accepted"),
        (sentence["index"], sentence["flags"][1]["code"], "dismissed"),
    ]
    assert decisions[0]["note"].startswith("Source it or cut it")


def test_print_shows_the_whole_article_with_its_flags_as_footnotes(page, live_server, example_report, example_text):
    open_page(page, live_server)
    check(page, example_text)
    decide_some(page, most_flagged(example_report))
    page.emulate_media(media="print")
    try:
        assert page.is_hidden(".panel") and page.is_hidden("#editor")
        sentences = page.locator("#article .s")
        assert sentences.count() == len(example_report["sentences"])
        clipped = page.eval_on_selector_all("#article .s", f"els => els.map((el) => [el.dataset.index, ({CLIPPED})(el)]).filter((x) => x[1])")
        assert clipped == [], clipped[:3]
        flagged = [s for s in example_report["sentences"] if s["flags"]]
        assert page.is_visible("#print-notes")
        assert page.locator("#notes > li").count() == len(flagged)
        markers = page.eval_on_selector_all("#article [data-note]", "els => els.map(e => getComputedStyle(e, '::after').content)")
        assert len(markers) == len(flagged)
        assert markers == [f'"[{n}]"' for n in range(1, len(flagged) + 1)]
        assert "accepted" in page.text_content("#notes") and "dismissed" in page.text_content("#notes")
        pdf = page.pdf(format="A4")
        assert pdf.startswith(b"%PDF") and len(pdf) > 10_000
    finally:
        page.emulate_media(media="screen")


# -- accessibility: axe-core, served from the axe-playwright-python package ---------------


def axe_source() -> str:
    package = pytest.importorskip("axe_playwright_python", reason="pip install axe-playwright-python (the dev extra)")
    return (Path(package.__file__).parent / "axe.min.js").read_text(encoding="utf-8")


def serious_violations(page) -> list[str]:
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.add_script_tag(content=axe_source())
    result = page.evaluate("async () => await axe.run(document, { resultTypes: ['violations'] })")
    return [
        f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes']][:3]}"
        for v in result["violations"]
        if v["impact"] in ("serious", "critical")
    ]


@pytest.mark.parametrize("viewport", [LAPTOP, PHONE], ids=["1366x768", "420px"])
def test_no_serious_accessibility_violations(playwright_driver, live_server, example_report, example_text, viewport):
    report, index = with_planted_contradiction(example_report)
    with chromium_context(playwright_driver, viewport=viewport, bypass_csp=True) as context:
        page = context.new_page()
        open_page(page, live_server)
        assert serious_violations(page) == [], "the editor"
        show(page, report, example_text)
        page.click(f'#article .s[data-index="{index}"]')
        page.locator("#details .flag-detail").nth(0).locator(".decide-accept").click()
        page.click("#legend summary")
        assert serious_violations(page) == [], "the review with a sentence selected"
