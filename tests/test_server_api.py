"""The HTTP API over real sockets: the report contract, every limit, bad input, concurrency."""

from __future__ import annotations

import json
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest

from detector.checks import Check, CheckResult
from detector.pipeline import Detector
from detector.server import ServerSettings, create_app

from .web_support import live_server, serve_subprocess

JSON = {"Content-Type": "application/json"}


@pytest.fixture(scope="module")
def client(live_server):
    with httpx.Client(base_url=live_server.url, timeout=120) as client:
        yield client


def assert_error(response: httpx.Response, status: int, code: str) -> dict:
    assert response.status_code == status, response.text
    assert response.headers["content-type"].startswith("application/json")
    error = response.json()["error"]
    assert error["status"] == status and error["code"] == code
    assert error["message"], "an error must say what went wrong"
    return error


def assert_offsets_exact(text: str, report: dict) -> None:
    for sentence in report["sentences"]:
        assert text[sentence["start"] : sentence["end"]] == sentence["text"]


# -- the service --------------------------------------------------------------------


def test_healthz_and_info_describe_the_loaded_model(client, fast_detector):
    health = client.get("/healthz")
    assert health.status_code == 200 and health.json()["status"] == "ok" and health.json()["profile"] == "fast"
    workers = health.json()["workers"]  # one process here; tests/test_server_workers.py runs several
    # One process: nothing to balance, connections stay open.
    assert client.post("/v1/check", json={"text": "The council met."}).headers.get("connection") != "close"
    assert workers["expected"] == 1 and workers["answering"] == 1 and workers["processes"][0]["this"]
    assert workers["processes"][0]["rss_mib"] > 0
    info = client.get("/v1/info").json()
    assert info["types"] == ["filler", "contradiction", "unsupported_figure", "against_source"]
    assert [c["name"] for c in info["checks"]] == [c.name for c in fast_detector.checks]
    for check in info["checks"]:
        assert check["codes"], f"{check['name']} lists no flag codes"
    assert info["limits"]["max_body_bytes"] == 2 * 1024 * 1024


def test_openapi_documents_the_endpoints_and_the_report(client):
    schema = client.get("/openapi.json").json()
    assert {"/v1/check", "/v1/check-batch", "/healthz"} <= set(schema["paths"])
    components = schema["components"]["schemas"]
    assert "Report" in components and "CheckRequest" in components

    def refs(node):
        if isinstance(node, dict):
            for key, value in node.items():
                if key == "$ref":
                    yield value
                else:
                    yield from refs(value)
        elif isinstance(node, list):
            for value in node:
                yield from refs(value)

    for ref in refs(schema):
        assert ref.startswith("#/components/schemas/") and ref.rsplit("/", 1)[1] in components, ref


def test_docs_page_serves_its_assets_locally(client):
    html = client.get("/docs").text
    assert "https://" not in html and "http://" not in html
    for asset in ("/static-offline-docs/swagger-ui-bundle.js", "/static-offline-docs/swagger-ui.css"):
        assert asset in html
        assert client.get(asset).status_code == 200


# -- /v1/check ------------------------------------------------------------------------


def test_check_returns_the_library_report(client, fast_detector, example_text, validate_report):
    response = client.post("/v1/check", json={"text": example_text, "format": "markdown", "source": "example.md"})
    assert response.status_code == 200, response.text
    report = response.json()
    validate_report(report)
    assert report == json.loads(fast_detector.check(example_text, format="markdown", source="example.md").to_json())
    assert_offsets_exact(example_text, report)
    assert any(s["flags"] for s in report["sentences"]), "the shared example has flagged sentences"


def test_min_score_ignore_and_checks_filter_the_report(client, example_text, validate_report):
    full = client.post("/v1/check", json={"text": example_text}).json()
    scores = sorted(f["score"] for s in full["sentences"] for f in s["flags"])
    assert scores
    # Scores in the JSON are rounded to 4 places: put the threshold between two of
    # them, so that rounding cannot move a flag across it.
    distinct = sorted(set(scores))
    threshold = (distinct[-2] + distinct[-1]) / 2 if len(distinct) > 1 else distinct[-1] - 0.00005
    high = client.post("/v1/check", json={"text": example_text, "min_score": threshold}).json()
    assert all(f["score"] >= threshold for s in high["sentences"] for f in s["flags"])
    assert sum(len(s["flags"]) for s in high["sentences"]) == sum(1 for v in scores if v >= threshold)
    codes = {f["code"] for s in full["sentences"] for f in s["flags"]}
    ignored = client.post("/v1/check", json={"text": example_text, "ignore": sorted(codes)}).json()
    assert not any(s["flags"] for s in ignored["sentences"])
    none = client.post("/v1/check", json={"text": example_text, "checks": []}).json()
    assert none["meta"]["checks"] == [] and not any(s["flags"] for s in none["sentences"])
    for payload in (high, ignored, none):
        validate_report(payload)


@pytest.mark.parametrize(
    ("text", "fmt", "expected"),
    [
        ("<h1>Budget</h1><p>The council met. It voted.</p>", "html", "html"),
        ("# Budget\n\nThe council met. It voted.\n", "markdown", "markdown"),
        ("The council met. It voted.", "plain", "plain"),
    ],
)
def test_each_format_keeps_offsets_exact(client, text, fmt, expected, validate_report):
    report = client.post("/v1/check", json={"text": text, "format": fmt}).json()
    validate_report(report)
    assert report["meta"]["format"] == expected
    assert report["sentences"]
    assert_offsets_exact(text, report)


def test_offsets_count_code_points_beyond_the_basic_plane(client):
    text = "\U0001F600 Emoji first. \U0001F4F0 The paper reported it. Then more."
    report = client.post("/v1/check", json={"text": text, "format": "plain"}).json()
    assert_offsets_exact(text, report)


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   \n\n\t ",
        "word " * 10_000,  # one 50,000-character sentence
        "<div><p><b>Soup <i>of</b> tags</p></span><table><tr><td>1e309</td></tr>" * 200,
        "Numbers like 1e309, -0, NaN and 10^400 percent.",
        "bad \ud800 surrogate. Still checked.",
        "\x01\x02 control characters \x7f in the text.",
    ],
    ids=["empty", "whitespace", "long-sentence", "markup-soup", "odd-numbers", "lone-surrogate", "controls"],
)
def test_hostile_text_gets_a_report_not_a_crash(client, text, validate_report):
    # ASCII-escaped JSON, as many clients send it; it can carry a lone surrogate.
    response = client.post("/v1/check", content=json.dumps({"text": text}).encode(), headers=JSON)
    assert response.status_code == 200, response.text
    report = response.json()
    validate_report(report)
    sent = text.replace("\ud800", "\ufffd")
    assert_offsets_exact(sent, report)


def test_concurrent_requests_share_the_model_safely(client, example_text):
    texts = [example_text, example_text.upper(), example_text[: len(example_text) // 2], "The council met. It voted."]
    expected = [client.post("/v1/check", json={"text": t}).json() for t in texts]
    with ThreadPoolExecutor(max_workers=8) as pool:
        answers = list(pool.map(lambda i: client.post("/v1/check", json={"text": texts[i % 4]}), range(24)))
    for i, response in enumerate(answers):
        assert response.status_code == 200
        assert response.json() == expected[i % 4]


# -- /v1/check-batch ------------------------------------------------------------------


def test_batch_keeps_order_ids_and_formats(client, example_text, validate_report):
    documents = [
        {"text": example_text, "id": "example", "format": "markdown"},
        {"text": "<p>The council met.</p><p>It voted.</p>", "id": "page", "format": "html"},
        {"text": "", "id": "empty"},
        {"text": "One plain sentence.", "id": "plain"},
    ]
    response = client.post("/v1/check-batch", json={"documents": documents, "format": "plain"})
    assert response.status_code == 200, response.text
    batch = response.json()
    assert batch["schema"] == "detector.batch/1" and batch["count"] == 4 and batch["errors"] == 0
    assert [r["source"] for r in batch["reports"]] == ["example", "page", "empty", "plain"]
    assert [r["meta"]["format"] for r in batch["reports"]] == ["markdown", "html", "plain", "plain"]
    for document, report in zip(documents, batch["reports"]):
        validate_report(report)
        assert_offsets_exact(document["text"], report)
    single = client.post("/v1/check", json={"text": example_text, "format": "markdown", "source": "example"}).json()
    assert batch["reports"][0] == single


class _FailsOnMarker(Check):
    """A check that breaks on one document, as a buggy check might; not registered."""

    name = "test_fails_on_marker"
    group = "filler"
    codes = {"filler.test_marker": "test only"}

    def run(self, analysis):
        if "EXPLODE" in analysis.document.text:
            raise RuntimeError("this document breaks the check")
        return CheckResult()


def test_one_failing_document_does_not_lose_the_others(fast_detector, validate_report):
    detector = Detector(fast_detector.encoder, [*fast_detector.checks, _FailsOnMarker()])
    with live_server(create_app(detector)) as server:
        documents = [{"text": "Fine. Also fine.", "id": "a"}, {"text": "This one will EXPLODE.", "id": "b"}, {"text": "Fine too.", "id": "c"}]
        response = httpx.post(f"{server.url}/v1/check-batch", json={"documents": documents}, timeout=60)
        assert response.status_code == 200, response.text
        batch = response.json()
        assert batch["errors"] == 1
        good_a, bad, good_c = batch["reports"]
        assert "EXPLODE" not in json.dumps(bad) and "breaks the check" in bad["error"]
        assert [good_a["source"], bad["source"], good_c["source"]] == ["a", "b", "c"]
        assert "error" not in good_a and "error" not in good_c and good_a["sentences"] and good_c["sentences"]
        for report in batch["reports"]:
            validate_report(report)


# -- limits and malformed requests: each answered with a JSON 4xx ----------------------


def test_body_over_the_limit_with_content_length(client):
    body = json.dumps({"text": "word " * 450_000}).encode()
    assert len(body) > 2 * 1024 * 1024
    error = assert_error(client.post("/v1/check", content=body, headers=JSON), 413, "body_too_large")
    assert "2,097,152" in error["message"]
    assert client.get("/healthz").status_code == 200


def test_body_over_the_limit_when_chunked(client):
    body = json.dumps({"text": "word " * 450_000}).encode()

    def chunks():
        for i in range(0, len(body), 65536):
            yield body[i : i + 65536]

    response = client.post("/v1/check", content=chunks(), headers=JSON)
    assert response.request.headers.get("transfer-encoding") == "chunked"
    assert_error(response, 413, "body_too_large")


def test_body_just_under_the_limit_is_checked(client):
    # One long run-on sentence: cheap to check, so the test measures the limit, not the checks.
    text = "word " * 415_000
    body = json.dumps({"text": text}).encode()
    assert 2_000_000 < len(body) < 2 * 1024 * 1024
    response = client.post("/v1/check", content=body, headers=JSON)
    assert response.status_code == 200
    assert response.json()["sentences"][0]["end"] == len(text.rstrip())


def test_too_many_documents_in_a_batch(client):
    documents = [{"text": f"Sentence {i}."} for i in range(65)]
    error = assert_error(client.post("/v1/check-batch", json={"documents": documents}), 422, "too_many_documents")
    assert "64" in error["message"]
    assert client.post("/v1/check-batch", json={"documents": documents[:64]}).status_code == 200


@pytest.mark.parametrize(
    "body",
    [b'{"text": "unfinished', b"{'text': 'single quotes'}", b'{"text": "a",}', b"not json at all"],
    ids=["unterminated", "single-quotes", "trailing-comma", "prose"],
)
def test_malformed_json(client, body):
    error = assert_error(client.post("/v1/check", content=body, headers=JSON), 400, "malformed_json")
    assert "JSON" in error["message"]


def test_body_that_is_not_utf8(client):
    assert_error(client.post("/v1/check", content=b'{"text": "caf\xe9"}', headers=JSON), 400, "malformed_json")


@pytest.mark.parametrize("content_type", ["text/plain", "application/x-www-form-urlencoded", None])
def test_body_that_is_not_declared_json(client, content_type):
    headers = {"Content-Type": content_type} if content_type else {}
    request = client.build_request("POST", "/v1/check", content=b'{"text": "a"}', headers=headers)
    assert request.headers.get("Content-Type") == content_type
    error = assert_error(client.send(request), 415, "unsupported_media_type")
    assert "application/json" in error["message"]


@pytest.mark.parametrize(
    ("payload", "location"),
    [
        ({"text": 5}, "text"),
        ({"text": None}, "text"),
        ({"text": ["a", "list"]}, "text"),
        ({}, "text"),
        ({"text": "a", "min_score": "0.5"}, "min_score"),
        ({"text": "a", "min_score": 1.5}, "min_score"),
        ({"text": "a", "min_score": -0.1}, "min_score"),
        ({"text": "a", "checks": "filler"}, "checks"),
        ({"text": "a", "checks": [1]}, "checks[0]"),
        ({"text": "a", "ignore": "filler"}, "ignore"),
        ({"text": "a", "format": "pdf"}, "format"),
        ({"text": "a", "source": 3}, "source"),
        ({"text": "a", "min_scor": 0.5}, "min_scor"),
    ],
)
def test_wrong_types_and_values_name_the_field(client, payload, location):
    error = assert_error(client.post("/v1/check", json=payload), 422, "invalid_request")
    assert location in [d["location"] for d in error["details"]], error
    assert error["message"].startswith(location)


def test_non_finite_numbers_are_refused(client):
    for literal in (b"NaN", b"Infinity", b"1e309"):
        body = b'{"text": "a", "min_score": ' + literal + b"}"
        assert_error(client.post("/v1/check", content=body, headers=JSON), 422, "invalid_request")


@pytest.mark.parametrize(
    ("payload", "location"),
    [
        ({"documents": "text"}, "documents"),
        ({"documents": [{"text": "a"}, {"txt": "b"}]}, "documents[1].text"),
        ({"documents": [{"text": "a", "format": "doc"}]}, "documents[0].format"),
        ({"documents": [{"text": "a", "id": 7}]}, "documents[0].id"),
        ({"text": "a"}, "documents"),
    ],
)
def test_malformed_batches_name_the_document(client, payload, location):
    error = assert_error(client.post("/v1/check-batch", json=payload), 422, "invalid_request")
    assert location in [d["location"] for d in error["details"]], error


@pytest.mark.parametrize("body", [b"[1, 2]", b'"text"', b"null", b"42"])
def test_body_that_is_not_an_object(client, body):
    error = assert_error(client.post("/v1/check", content=body, headers=JSON), 422, "invalid_request")
    assert "JSON object" in error["message"]


def test_empty_body(client):
    assert_error(client.post("/v1/check", content=b"", headers=JSON), 422, "invalid_request")


def test_unknown_check_lists_the_known_ones(client):
    error = assert_error(client.post("/v1/check", json={"text": "a", "checks": ["spelling"]}), 422, "unknown_check")
    assert "spelling" in error["message"] and "filler" in error["message"]
    assert_error(client.post("/v1/check-batch", json={"documents": [{"text": "a"}], "checks": ["nope"]}), 422, "unknown_check")


def test_wrong_method_and_path(client):
    assert_error(client.get("/v1/check"), 405, "method_not_allowed")
    assert_error(client.post("/v1/nothing", json={}), 404, "not_found")


# -- the command -------------------------------------------------------------------------


def test_serve_command_runs_with_configured_limits(validate_report):
    args = ("--profile", "fast", "--max-body-bytes", "4000", "--max-batch", "2", "--max-chars", "300", "--threads", "2")
    with serve_subprocess(*args) as url:
        with httpx.Client(base_url=url, timeout=60) as client:
            ok = client.post("/v1/check", json={"text": "The council met. It voted 7 to 2."})
            assert ok.status_code == 200
            validate_report(ok.json())
            assert client.get("/v1/info").json()["limits"] == {
                "max_body_bytes": 4000,
                "max_batch_documents": 2,
                "max_concurrent_checks": 2,
                "max_chars": 300,
            }
            error = assert_error(client.post("/v1/check", json={"text": "x" * 5000}), 413, "body_too_large")
            assert "4,000" in error["message"]
            assert_error(client.post("/v1/check-batch", json={"documents": [{"text": "a"}] * 3}), 422, "too_many_documents")
            error = assert_error(client.post("/v1/check", json={"text": "Long. " * 100}), 422, "unreadable_input")
            assert "300" in error["message"]
            batch = client.post("/v1/check-batch", json={"documents": [{"text": "Long. " * 100, "id": "long"}, {"text": "Short.", "id": "short"}]})
            assert batch.status_code == 200
            long_report, short_report = batch.json()["reports"]
            assert batch.json()["errors"] == 1 and "300" in long_report["error"]
            assert "error" not in short_report and short_report["sentences"][0]["text"] == "Short."


def test_settings_defaults_match_the_issue():
    settings = ServerSettings()
    assert settings.max_body_bytes == 2 * 1024 * 1024
    assert settings.max_batch_documents >= 16
