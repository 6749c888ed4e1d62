"""Saved web pages: only the article is checked, offsets still point into the page as given."""

from __future__ import annotations

import json

import httpx
import pytest

from detector.extract import looks_like_page

from .conftest import SHARED_DATA, needs_shared_data, run_cli
from .page_support import AUTHORS, TEMPLATES, build_page, human_news_articles, inside

ARTICLES_PER_TEMPLATE = 3


@pytest.fixture(scope="module")
def pages():
    articles = human_news_articles(SHARED_DATA, ARTICLES_PER_TEMPLATE)
    return [
        (template.name, build_page(template, title, AUTHORS[i % len(AUTHORS)], text))
        for template in TEMPLATES
        for i, (title, text) in enumerate(articles)
    ]


def test_there_are_three_page_templates_with_clutter():
    assert len(TEMPLATES) == 3
    for template in TEMPLATES:
        source = template.read_text(encoding="utf-8").lower()
        assert "cookie" in source and "comment" in source.replace("conversation", "comment").replace("have your say", "comment")
        assert looks_like_page(source)


@needs_shared_data
def test_a_saved_page_is_detected_and_only_its_article_is_checked(fast_detector, pages, validate_report):
    for name, page in pages:
        payload = fast_detector.check(page.html, source=name).to_dict()
        validate_report(payload)
        assert payload["meta"]["extracted_from"] == "html-page" and payload["meta"]["format"] == "html"
        assert any(note.startswith("html-page: checked the article") for note in payload["meta"]["notes"])
        sentences = payload["sentences"]
        assert [s["index"] for s in sentences] == list(range(len(sentences)))
        for sentence in sentences:
            assert page.html[sentence["start"] : sentence["end"]] == sentence["text"]
        flags_outside_body = [
            (s["text"], f["code"]) for s in sentences for f in s["flags"] if not inside(s["start"], s["end"], page.body_spans)
        ]
        assert len(flags_outside_body) <= 1, (name, flags_outside_body)
        for span in page.body_spans:
            assert any(inside(s["start"], s["end"], [span]) for s in sentences), f"{name}: a body paragraph was not checked"
        clutter = [s["text"] for s in sentences if not inside(s["start"], s["end"], page.article_spans)]
        # Only the byline line around the author's name may lie outside the spans we filled in.
        assert all(any(author in text for author in AUTHORS) for text in clutter), (name, clutter)


@needs_shared_data
def test_the_same_page_read_as_html_checks_the_clutter_too(fast_detector, pages):
    name, page = pages[0]
    as_fragment = fast_detector.check(page.html, format="html", source=name)
    assert any("cookies" in s.text for s in as_fragment.sentences)
    as_page = fast_detector.check(page.html, format="html-page", source=name)
    assert not any("cookies" in s.text for s in as_page.sentences)


def test_a_fragment_of_copy_in_html_is_not_treated_as_a_page(fast_detector):
    fragment = "<h1>Budget</h1><p>The council met on Tuesday. It approved the budget.</p>"
    assert not looks_like_page(fragment)
    payload = fast_detector.check(fragment).to_dict()
    assert payload["meta"]["format"] == "html" and "extracted_from" not in payload["meta"]
    assert len(payload["sentences"]) == 3


def test_a_page_without_an_article_is_checked_whole_with_a_note(fast_detector):
    page = "<html><head><title>Loading</title></head><body><div id='app'></div><script>render()</script></body></html>"
    payload = fast_detector.check(page, format="html-page").to_dict()
    assert payload["meta"]["extracted_from"] == "html-page"
    assert any("no article found" in note for note in payload["meta"]["notes"])


@needs_shared_data
def test_cli_reads_a_saved_html_file_as_a_page(tmp_path, pages):
    name, page = pages[-1]
    path = tmp_path / name
    path.write_text(page.html, encoding="utf-8")
    result = run_cli("check", "--profile", "fast", "--format", "json", str(path))
    assert result.returncode in (0, 1), result.stderr.decode()
    (payload,) = json.loads(result.stdout)
    assert payload["meta"]["extracted_from"] == "html-page"
    assert all(page.html[s["start"] : s["end"]] == s["text"] for s in payload["sentences"])


@needs_shared_data
def test_api_passes_the_html_page_format_through(live_server, pages):
    name, page = pages[1]
    with httpx.Client(base_url=live_server.url, timeout=120) as client:
        response = client.post("/v1/check", json={"text": page.html, "format": "html-page", "source": name})
    assert response.status_code == 200, response.text
    payload = response.json()
    assert payload["meta"]["extracted_from"] == "html-page"
    assert not any("cookies" in s["text"] for s in payload["sentences"])
