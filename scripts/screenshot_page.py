"""Screenshot of the editors' page with the shared example checked: docs/screenshot.png.

    .venv/bin/python scripts/screenshot_page.py [--profile fast] [--out docs/screenshot.png]

Starts the real server on a free loopback port, drives Debian's chromium headless
(as the tests do), checks examples/myanmar-repatriation.md, selects the first flag,
and stops everything again.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from detector import Detector  # noqa: E402
from detector.server import create_app  # noqa: E402
from tests.web_support import chromium_context, live_server  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--profile", default="fast", choices=["fast", "accurate"])
    parser.add_argument("--out", default=str(REPO / "docs" / "screenshot.png"))
    parser.add_argument("--width", type=int, default=1366)
    parser.add_argument("--height", type=int, default=768)
    args = parser.parse_args()

    text = (REPO / "examples" / "myanmar-repatriation.md").read_text(encoding="utf-8")
    detector = Detector.load(profile=args.profile)
    with live_server(create_app(detector)) as server, chromium_context(viewport={"width": args.width, "height": args.height}) as browser:
        page = browser.new_page()
        page.goto(f"{server.url}/")
        page.wait_for_function("() => document.getElementById('service').textContent.startsWith('Profile')")
        page.fill("#input", text)
        page.click("#check")
        page.wait_for_selector("#article .s.flagged")
        page.click("#flag-list .flag-item >> nth=0")
        page.wait_for_timeout(1500)  # let the flash animation finish
        Path(args.out).parent.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=args.out)
    print(f"wrote {args.out}")


if __name__ == "__main__":
    main()
