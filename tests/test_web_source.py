"""The page's Source box, in Debian's chromium against the real server on loopback."""

from __future__ import annotations

from .test_source import DISTORTED, SOURCE
from .test_web_page import assert_only_local_requests, open_page


def test_source_box_checks_the_copy_against_its_source(browser_page, live_server, fast_detector):
    expected = fast_detector.check(DISTORTED, source_text=SOURCE)
    source_flags = [f for f in expected.flags if f.type == "against_source"]
    assert source_flags

    page = browser_page
    open_page(page, live_server)
    page.click("#source-box summary")
    page.fill("#source-input", SOURCE)
    page.fill("#input", DISTORTED)
    page.click("#check")
    page.wait_for_selector("#review:not([hidden])")

    assert "checked against <source text>" in page.text_content("#doc-line")
    assert page.text_content("#count-against_source") == str(len(source_flags))
    assert "Distorts the source" in page.text_content('#verdicts [data-type="against_source"]')
    page.click('#article .s[data-index="0"]')
    details = page.locator("#details")
    assert "source.contradicted" in details.text_content()
    quoted = details.locator(".source-quote").first.text_content()
    assert quoted.startswith("The city council approved a budget of $4.2 million")

    # Without a source the page has no source type at all.
    page.click("#tab-edit")
    page.fill("#source-input", "")
    page.fill("#input", DISTORTED + " ")
    page.click("#check")
    page.wait_for_function("!document.getElementById('doc-line').textContent.includes('checked against')")
    assert page.locator("#show-against_source").count() == 0
    assert not page.errors and not page.dialogs
    assert_only_local_requests(page, live_server)
