"""The editors' page in a real headless Chromium against the real server on loopback."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from detector.checks import Check, CheckResult
from detector.pipeline import Detector
from detector.server import create_app

from .conftest import FIXTURES
from .web_support import chromium_context, live_server

PLANTED_FIXTURE = FIXTURES / "planted_contradiction.md"


def open_page(page, server):
    page.goto(f"{server.url}/")
    page.wait_for_function("document.getElementById('service').textContent.startsWith('Profile')")


def check_text(page, text, fmt="auto", *, shortcut=False):
    page.select_option("#format", fmt)
    page.fill("#input", text)
    if shortcut:
        page.focus("#input")
        page.keyboard.press("Control+Enter")
    else:
        page.click("#check")
    page.wait_for_selector("#review:not([hidden])")


def assert_only_local_requests(page, server):
    outside = [u for u in page.requests if not u.startswith(server.url) and not u.startswith(("data:", "blob:"))]
    assert not outside, f"the page reached outside the server: {outside}"


def flagged_sentences(report):
    return [s for s in report["sentences"] if s["flags"]]


def is_table_row(sentence):
    return sentence["kind"] in ("table_row", "heading") and bool(sentence.get("cells"))


def without_table_lines(text):
    """The text as the page shows it outside its tables (a Markdown table becomes a <table>)."""
    return "".join(line for line in text.splitlines(keepends=True) if not line.lstrip().startswith("|"))


ARTICLE_TEXT_OUTSIDE_TABLES = """el => {
    const copy = el.cloneNode(true);
    copy.querySelectorAll(".table-wrap").forEach((table) => table.remove());
    return copy.textContent;
}"""


def assert_sentence_shown(page, sentence):
    """A sentence is its own text in the article; a table row is a row of its cells."""
    node = page.locator(f'#article .s[data-index="{sentence["index"]}"]')
    if is_table_row(sentence):
        assert node.evaluate("el => el.tagName") == "TR"
        assert node.locator("td, th").all_text_contents() == sentence["cells"]
    else:
        assert node.text_content() == sentence["text"]
    return node


# -- the shared example ----------------------------------------------------------


def test_example_is_highlighted_with_reasons(browser_page, live_server, fast_detector, example_text):
    page = browser_page
    report = json.loads(fast_detector.check(example_text).to_json())
    flagged = flagged_sentences(report)
    assert flagged, "the shared example has flagged sentences"

    open_page(page, live_server)
    check_text(page, example_text, shortcut=True)

    # The article as written: outside its tables, the page's text is the input character
    # for character; every table row is a row of the table with the report's cells.
    assert page.eval_on_selector("#article", ARTICLE_TEXT_OUTSIDE_TABLES) == without_table_lines(example_text)
    assert page.locator("#article table").count() == sum(1 for line in example_text.splitlines() if line.startswith("|---"))
    for sentence in report["sentences"]:
        assert_sentence_shown(page, sentence)
    highlighted = page.locator("#article .s.flagged")
    assert highlighted.count() == len(flagged)
    assert [int(i) for i in page.eval_on_selector_all("#article .s.flagged", "els => els.map(e => e.dataset.index)")] == [
        s["index"] for s in flagged
    ]
    for sentence in flagged:
        span = assert_sentence_shown(page, sentence)
        for flag in sentence["flags"]:
            assert "has-" + flag["type"] in span.get_attribute("class").split()

    # Counts per type and the list in reading order.
    flags = [(s["index"], f) for s in flagged for f in s["flags"]]
    for flag_type in ("filler", "contradiction", "unsupported_figure"):
        expected = sum(1 for _, f in flags if f["type"] == flag_type)
        assert page.text_content(f"#count-{flag_type}") == str(expected)
    items = page.locator("#flag-list .flag-item")
    assert items.count() == len(flags)
    assert [int(i) for i in page.eval_on_selector_all("#flag-list .flag-item", "els => els.map(e => e.dataset.index)")] == [
        i for i, _ in flags
    ]

    # Clicking a sentence shows its reasons.
    first = flagged[0]
    page.click(f'#article .s[data-index="{first["index"]}"]')
    details = page.locator("#details")
    for flag in first["flags"]:
        assert flag["message"] in details.locator(".message").all_text_contents()
        assert flag["code"] in details.text_content()
    assert page.locator("#article .s.selected").get_attribute("data-index") == str(first["index"])
    assert not page.errors and not page.dialogs
    assert_only_local_requests(page, live_server)


def test_keyboard_reaches_flagged_sentences_and_reasons(browser_page, live_server, fast_detector, example_text):
    page = browser_page
    report = json.loads(fast_detector.check(example_text).to_json())
    flagged = flagged_sentences(report)
    open_page(page, live_server)
    check_text(page, example_text, shortcut=True)

    # The summary and the exports come first; the skip link leads past them to the article.
    page.focus("#tab-review")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.id") == "export-html"
    page.focus("#article")
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.dataset.index")
    assert focused == str(flagged[0]["index"]), "Tab from the article's start goes to the first flagged sentence"
    assert flagged[0]["flags"][0]["message"] in page.text_content("#details")
    if len(flagged) > 1:
        page.keyboard.press("Tab")
        assert page.evaluate("document.activeElement.dataset.index") == str(flagged[1]["index"])
        assert flagged[1]["flags"][0]["message"] in page.text_content("#details")

    # The list of flags is made of buttons: Enter on one moves to its sentence.
    page.focus("#flag-list .flag-item >> nth=0")
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.dataset.index") == str(flagged[0]["index"])

    # Back to the editor with the keyboard.
    page.focus("#tab-review")
    page.keyboard.press("ArrowLeft")
    assert page.is_visible("#input") and not page.is_visible("#article")


def test_type_toggles_and_threshold_filter_live(browser_page, live_server, fast_detector, example_text):
    page = browser_page
    report = json.loads(fast_detector.check(example_text).to_json())
    flags = [f for s in report["sentences"] for f in s["flags"]]
    types = sorted({f["type"] for f in flags})
    open_page(page, live_server)
    check_text(page, example_text)
    total = page.locator("#article .s.flagged").count()
    assert total > 0

    for flag_type in types:
        page.uncheck(f"#show-{flag_type}")
        assert page.locator(f"#article .s.flagged.has-{flag_type}").count() == 0
        assert page.locator(f"#flag-list .flag-item.t-{flag_type}").count() == 0
        page.check(f"#show-{flag_type}")
    assert page.locator("#article .s.flagged").count() == total

    # The slider by keyboard: End is 1.00, above every score here; Home brings them back.
    page.focus("#threshold")
    page.keyboard.press("End")
    assert page.text_content("#threshold-value") == "1.00"
    assert page.locator("#article .s.flagged").count() == sum(1 for s in report["sentences"] if any(f["score"] >= 1 for f in s["flags"]))
    assert "hidden by the filters" in page.text_content("#status")
    page.keyboard.press("Home")
    assert page.locator("#article .s.flagged").count() == total

    # A threshold between the scores keeps exactly the flags at or above it.
    lowest = min(f["score"] for f in flags)
    steps = int(lowest / 0.05) + 1  # the first slider step above the lowest score
    threshold = round(steps * 0.05, 2)
    for _ in range(steps):
        page.keyboard.press("ArrowRight")
    assert page.text_content("#threshold-value") == f"{threshold:.2f}"
    expected = sum(1 for f in flags if f["score"] >= threshold)
    assert page.locator("#flag-list .flag-item").count() == expected


def test_report_downloads_as_json(browser_page, live_server, example_text, validate_report, tmp_path):
    page = browser_page
    open_page(page, live_server)
    check_text(page, example_text)
    with page.expect_download() as download_info:
        page.click("#download")
    download = download_info.value
    assert download.suggested_filename.endswith(".report.json")
    target = tmp_path / "report.json"
    download.save_as(target)
    report = json.loads(target.read_text(encoding="utf-8"))
    validate_report(report)
    assert "".join(s["text"] for s in report["sentences"]) and len(report["sentences"]) == page.locator("#article .s").count()


def test_every_flag_type_and_any_code_render_from_an_injected_report(browser_page, live_server, fast_detector, validate_report):
    """Codes the page has never heard of, all three types, and a sentence with two types, via copyCheck.showReport."""
    text = "The mayor spoke. Crime fell 40 percent. Crime rose sharply. It is what it is, with 12 new officers."
    report = json.loads(fast_detector.check(text, format="plain").to_json())
    assert len(report["sentences"]) == 4

    def flag(flag_type, code, score, message, related=()):
        return {"type": flag_type, "code": code, "score": score, "message": message, "related": list(related), "evidence": {"figure": "40 percent"}}

    report["sentences"][0]["flags"] = [flag("filler", "filler.brand_new_code", 0.4, "A new filler code")]
    report["sentences"][1]["flags"] = [flag("unsupported_figure", "figure.no_source", 0.8, "40 percent: no source")]
    report["sentences"][2]["flags"] = [flag("contradiction", "contradiction.direction", 0.7, "Says crime rose", related=[1])]
    report["sentences"][3]["flags"] = [
        flag("filler", "filler.stock_phrase", 0.6, "Stock phrase"),
        flag("unsupported_figure", "figure.no_source", 0.3, "12 officers: no source"),
    ]
    validate_report(report)

    page = browser_page
    open_page(page, live_server)
    page.evaluate("([report, text]) => window.copyCheck.showReport(report, text)", [report, text])
    assert page.eval_on_selector("#article", "el => el.textContent") == text
    classes = page.eval_on_selector_all("#article .s", "els => els.map(e => e.className)")
    assert "t-filler" in classes[0] and "t-unsupported_figure" in classes[1] and "t-contradiction" in classes[2]
    assert "t-unsupported_figure" in classes[3] and "has-filler" in classes[3] and "has-unsupported_figure" in classes[3]
    assert page.get_attribute('#article .s[data-index="3"]', "data-icons") == "\u2248#"
    assert [page.text_content(f"#count-{t}") for t in ("filler", "contradiction", "unsupported_figure")] == ["2", "1", "2"]
    assert page.eval_on_selector_all("#flag-list .flag-item", "els => els.map(e => e.dataset.code)") == [
        "filler.brand_new_code", "figure.no_source", "contradiction.direction", "filler.stock_phrase", "figure.no_source"
    ]
    page.click('#article .s[data-index="3"]')
    assert page.locator("#details .flag-detail").count() == 2
    assert "40 percent" in page.text_content("#details .evidence")

    page.focus("#threshold")
    for _ in range(9):  # 0.45
        page.keyboard.press("ArrowRight")
    assert [page.text_content(f"#count-{t}") for t in ("filler", "contradiction", "unsupported_figure")] == ["1 of 2", "1", "1 of 2"]
    assert "t-filler" in page.get_attribute('#article .s[data-index="3"]', "class")  # only its filler flag is left
    page.uncheck("#show-filler")
    assert "flagged" not in page.get_attribute('#article .s[data-index="3"]', "class")
    assert page.text_content("#count-filler") == "0 of 2"


# -- injection ------------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["auto", "plain", "markdown", "html"])
def test_markup_is_shown_as_text_and_never_run(browser_page, live_server, fmt):
    page = browser_page
    attack = "<img src=x onerror=alert(1)>"
    open_page(page, live_server)
    check_text(page, attack, fmt)
    page.wait_for_timeout(300)  # time for an injected handler to fire, were there one
    assert page.dialogs == []
    assert page.locator("#article img, #article script, #details img").count() == 0
    assert attack in page.text_content("#article")
    assert_only_local_requests(page, live_server)


def test_html_article_reads_as_text_without_running_it(browser_page, live_server, fast_detector, example_text):
    page = browser_page
    paragraphs = [p for p in example_text.split("\n") if p.strip() and not p.startswith(("|", "-"))]
    html = (
        "<html><head><title>t</title><script>alert('head')</script></head><body>"
        + "".join(f"<p>{p} <img src=x onerror=alert(2)></p>" for p in paragraphs)
        + "<p onclick=alert(3)>Last &amp; final line.</p></body></html>"
    )
    report = json.loads(fast_detector.check(html, format="html").to_json())
    open_page(page, live_server)
    check_text(page, html, "html")
    page.wait_for_timeout(300)
    assert page.dialogs == []
    assert "reading" in page.get_attribute("#article", "class")
    text = page.text_content("#article")
    assert "<" not in text and "onerror" not in text and "Last & final line." in text
    assert page.locator("#article .s").count() == len(report["sentences"])
    assert page.locator("#article .s.flagged").count() == len(flagged_sentences(report))
    assert page.locator("#article img, #article script").count() == 0


def test_text_beyond_the_basic_plane_keeps_offsets(browser_page, live_server, example_text):
    page = browser_page
    text = "\U0001F4F0\U0001F600 Breaking \U0001F680.\n\n" + example_text
    open_page(page, live_server)
    check_text(page, text)
    assert "reading" not in page.get_attribute("#article", "class")
    assert page.eval_on_selector("#article", ARTICLE_TEXT_OUTSIDE_TABLES) == without_table_lines(text)
    assert page.locator("#article .s.flagged").count() > 0


# -- files ------------------------------------------------------------------------


def test_open_file_and_drop_file_are_checked(browser_page, live_server, example_text):
    page = browser_page
    open_page(page, live_server)
    page.set_input_files("#file", files=[{"name": "story.md", "mimeType": "text/markdown", "buffer": example_text.encode("utf-8")}])
    page.wait_for_selector("#review:not([hidden]) #article .s.flagged")
    assert page.input_value("#format") == "markdown"
    assert "story.md" in page.text_content("#doc-line")

    # A drop of a legacy-encoded file with a hostile name, the way a browser delivers it.
    page.click("#tab-edit")
    legacy = "Caf\u00e9 owners said the plan was \u201cfair\u201d. They voted for it.".encode("cp1252")
    page.evaluate(
        """([bytes, name]) => {
            const data = new DataTransfer();
            data.items.add(new File([new Uint8Array(bytes)], name, { type: "text/plain" }));
            document.dispatchEvent(new DragEvent("dragenter", { dataTransfer: data, bubbles: true }));
            document.dispatchEvent(new DragEvent("drop", { dataTransfer: data, bubbles: true, cancelable: true }));
        }""",
        [list(legacy), "<img src=x onerror=alert(1)>.txt"],
    )
    page.wait_for_function("document.getElementById('doc-line').textContent.includes('onerror')")
    assert "<img src=x onerror=alert(1)>.txt" in page.text_content("#doc-line")
    assert page.text_content("#article").startswith("Caf\u00e9 owners said the plan was \u201cfair\u201d.")
    assert page.input_value("#format") == "plain"
    assert page.dialogs == [] and page.is_hidden("#drop-overlay")


def test_empty_input_asks_for_text(browser_page, live_server):
    page = browser_page
    open_page(page, live_server)
    page.click("#check")
    assert "Paste or drop an article first" in page.text_content("#status")
    assert page.is_hidden("#review")


# -- contradictions: the partner sentence ------------------------------------------


PLANTED_ARTICLE = """# Council approves transit budget

The city council voted 7 to 2 on Tuesday to approve the new transit budget.
{middle}
The council rejected the transit budget on Tuesday, with no member voting in favour.
"""

MIDDLE = "\n\n".join(
    f"Paragraph {i} covers the bus routes, the ferry schedule and the spending review that residents asked about this spring."
    for i in range(1, 25)
)


class _PlantedContradiction(Check):
    """Test only, never registered: flags the planted pair as a real contradiction check would.

    Its message quotes the other sentence with markup in it, to show messages are text too.
    """

    name = "test_planted_contradiction"
    group = "contradiction"
    codes = {"contradiction.test_planted": "test only"}
    scores_document = True

    def run(self, analysis):
        sentences = analysis.sentences
        approve = next((s for s in sentences if "voted 7 to 2" in s.text), None)
        reject = next((s for s in sentences if "rejected" in s.text), None)
        if approve is None or reject is None:
            return CheckResult()
        # Both sides are flagged, each pointing at the other, as a pairwise check may do.
        message = f'Says the opposite of line 3: "{approve.clean}" <img src=x onerror=alert(1)>'
        later = self.flag(reject.index, "contradiction.test_planted", 0.91, message, related=[approve.index], claim="approved")
        earlier = self.flag(approve.index, "contradiction.test_planted", 0.91, f'Contradicted later: "{reject.clean}"', related=[reject.index])
        return CheckResult([earlier, later], score=0.91)


@pytest.fixture(scope="module")
def contradiction_server(fast_detector):
    # The stub stands in for the contradiction group, so the real check stays out of this page.
    others = [c for c in fast_detector.checks if c.group != "contradiction"]
    detector = Detector(fast_detector.encoder, [*others, _PlantedContradiction()])
    with live_server(create_app(detector)) as server:
        yield server


def assert_partner_highlighted(page, flagged_index, partner_index):
    page.click(f'#article .s[data-index="{flagged_index}"]')
    partner = page.locator(f'#article .s[data-index="{partner_index}"]')
    assert "partner" in partner.get_attribute("class")
    assert "partner-contradiction" in partner.get_attribute("class")
    in_view = page.evaluate(
        """(index) => {
            const box = document.querySelector(`#article .s[data-index="${index}"]`).getBoundingClientRect();
            const view = document.getElementById("article").getBoundingClientRect();
            return box.top >= view.top && box.bottom <= view.bottom;
        }""",
        partner_index,
    )
    assert in_view, "the page jumps to the contradicted sentence"


def test_contradiction_jumps_to_and_highlights_its_partner(browser_page, contradiction_server):
    page = browser_page
    article = PLANTED_ARTICLE.format(middle=MIDDLE)
    open_page(page, contradiction_server)
    check_text(page, article)

    assert page.locator("#article .s.flagged.t-contradiction").count() == 2
    flagged = page.locator("#article .s.flagged", has_text="rejected")
    flagged_index = int(flagged.get_attribute("data-index"))
    partner_index = int(page.locator("#article .s", has_text="voted 7 to 2").get_attribute("data-index"))
    assert page.text_content("#count-contradiction") == "2"
    # The partner is far above: scroll to the flagged sentence first, then select it.
    flagged.scroll_into_view_if_needed()
    assert_partner_highlighted(page, flagged_index, partner_index)

    details = page.locator("#details")
    assert "Contradicted by" in details.text_content()
    messages = details.locator(".flag-detail.t-contradiction .message").all_text_contents()
    assert len(messages) == 1 and messages[0].endswith("<img src=x onerror=alert(1)>")
    assert page.locator("#details img").count() == 0 and page.dialogs == []

    # The details' link goes to the other sentence, and stays there (no bounce back to this one).
    details.locator(".flag-detail.t-contradiction button.goto").click()
    assert page.evaluate("document.activeElement.dataset.index") == str(partner_index)
    assert page.locator("#article .s.selected").get_attribute("data-index") == str(partner_index)
    assert "partner" in page.locator(f'#article .s[data-index="{flagged_index}"]').get_attribute("class")
    assert page.evaluate(
        """(index) => {
            const box = document.querySelector(`#article .s[data-index="${index}"]`).getBoundingClientRect();
            const view = document.getElementById("article").getBoundingClientRect();
            return box.top >= view.top && box.bottom <= view.bottom;
        }""",
        partner_index,
    )

    # The summary says it in words, with the document score.
    verdict = page.text_content('#verdicts [data-type="contradiction"]')
    assert "1 pair of statements that contradict each other" in verdict and "0.91" in verdict


def test_planted_contradiction_fixture_with_the_real_check(browser_page, live_server, fast_detector):
    text = PLANTED_FIXTURE.read_text(encoding="utf-8")
    report = json.loads(fast_detector.check(text).to_json())
    pairs = [(s["index"], f["related"][0]) for s in report["sentences"] for f in s["flags"] if f["type"] == "contradiction" and f["related"]]
    assert pairs, "the planted contradiction is found"
    page = browser_page
    open_page(page, live_server)
    check_text(page, text)
    flagged_index, partner_index = pairs[0]
    page.locator(f'#article .s[data-index="{flagged_index}"]').scroll_into_view_if_needed()
    assert_partner_highlighted(page, flagged_index, partner_index)


# -- offline and on a laptop ---------------------------------------------------------


def test_page_and_api_docs_load_nothing_from_outside(browser_page, live_server):
    page = browser_page
    open_page(page, live_server)
    page.goto(f"{live_server.url}/docs")
    page.wait_for_selector(".swagger-ui .info .title", timeout=30_000)
    assert "news-copy detector" in page.text_content(".swagger-ui .info .title")
    page.wait_for_selector('.opblock [data-path="/v1/check-batch"]')
    # ReDoc is switched off: its bundle fetches a logo from its CDN.
    assert page.goto(f"{live_server.url}/redoc").status == 404
    assert_only_local_requests(page, live_server)
    static = Path(__file__).resolve().parents[1] / "detector" / "server" / "static"
    for asset in static.iterdir():
        content = asset.read_text(encoding="utf-8")
        assert "http://" not in content.replace("http://www.w3.org/2000/svg", "") and "https://" not in content, asset.name


def test_page_is_served_with_a_strict_content_security_policy(live_server):
    import httpx

    response = httpx.get(f"{live_server.url}/")
    policy = response.headers["content-security-policy"]
    assert "default-src 'self'" in policy and "script-src 'self'" in policy and "unsafe-inline" not in policy
    assert response.headers["x-content-type-options"] == "nosniff"


def test_page_works_under_its_own_policy(playwright_driver, live_server, example_text):
    """The other tests bypass the policy; here it is enforced, and nothing on the page trips it."""
    with chromium_context(playwright_driver, viewport={"width": 1366, "height": 768}) as context:
        page = context.new_page()
        problems = []
        page.on("console", lambda message: problems.append(message.text) if message.type in ("error", "warning") else None)
        page.on("pageerror", lambda error: problems.append(str(error)))
        page.goto(f"{live_server.url}/")
        page.wait_for_function("() => document.getElementById('service').textContent.startsWith('Profile')")
        page.fill("#input", example_text)
        page.click("#check")
        page.wait_for_selector("#article .s.flagged")
        page.click("#flag-list .flag-item >> nth=0")
        assert page.locator("#details .message").count() >= 1
        assert not problems, problems


def test_page_fits_a_laptop_screen(browser_page, live_server, example_text):
    page = browser_page
    open_page(page, live_server)
    check_text(page, example_text)
    assert page.viewport_size == {"width": 1366, "height": 768}
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    for selector in ("#article", "#type-toggles", "#flag-list", "#check"):
        box = page.locator(selector).bounding_box() if selector != "#check" else None
        if box is not None:
            assert box["x"] >= 0 and box["x"] + box["width"] <= 1366, selector
    article = page.locator("#review-scroll").bounding_box()
    assert article["width"] > 600 and article["height"] > 400
