"""Locust user for benchmarks/load_test.py: POST one article to /v1/check, back to back.

Each simulated client sends its next request as soon as the last one is answered
(a closed loop), so N users means N requests in flight. An answer counts as an
error unless it is a 200 carrying a detector.report/1 for the whole article.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from locust import FastHttpUser, constant, task

ARTICLE = Path(os.environ.get("LOAD_ARTICLE", Path(__file__).resolve().parents[1] / "examples" / "myanmar-repatriation.md"))
TEXT = ARTICLE.read_text(encoding="utf-8")
BODY = json.dumps({"text": TEXT, "format": os.environ.get("LOAD_FORMAT", "auto")}).encode("utf-8")
HEADERS = {"Content-Type": "application/json"}
EXPECTED_SENTENCES = int(os.environ.get("LOAD_EXPECTED_SENTENCES", "0"))


class Editor(FastHttpUser):
    wait_time = constant(0)

    @task
    def check(self) -> None:
        with self.client.post("/v1/check", data=BODY, headers=HEADERS, catch_response=True, name="/v1/check") as response:
            if response.status_code != 200:
                response.failure(f"status {response.status_code}: {response.text[:200]}")
                return
            report = response.json()
            if report.get("schema") != "detector.report/1":
                response.failure("not a detector.report/1")
            elif EXPECTED_SENTENCES and len(report["sentences"]) != EXPECTED_SENTENCES:
                response.failure(f"{len(report['sentences'])} sentences, expected {EXPECTED_SENTENCES}")
