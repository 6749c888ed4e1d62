"""Screenshots of the editors' page with the shared example checked: docs/screenshot*.png.

    .venv/bin/python scripts/screenshot_page.py [--profile fast] [--out docs/screenshot.png]

Starts the real server on a free loopback port, drives Debian's chromium headless
(as the tests do), checks examples/myanmar-repatriation.md, selects its first
sentence with two flags or more and accepts its first flag, and writes three pictures: the laptop view
(--out), the same at 420 px wide (-narrow) and the top of the print view (-print).
Then stops everything again.
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
    out = Path(args.out)
    out.parent.mkdir(parents=True, exist_ok=True)
    with live_server(create_app(detector)) as server:
        for width, height, suffix in ((args.width, args.height, ""), (420, 900, "-narrow")):
            with chromium_context(viewport={"width": width, "height": height}) as browser:
                page = browser.new_page()
                page.goto(f"{server.url}/")
                page.wait_for_function("() => document.getElementById('service').textContent.startsWith('Profile')")
                page.fill("#input", text)
                page.click("#check")
                page.wait_for_selector("body[data-review-key]")
                # The first sentence with two flags or more, so that the summary stays in view above it.
                index = page.evaluate(
                    "() => { const counts = {}; for (const b of document.querySelectorAll('#flag-list .flag-item'))"
                    " counts[b.dataset.index] = (counts[b.dataset.index] || 0) + 1;"
                    " return Number(Object.keys(counts).map(Number).sort((a, b) => a - b).find(i => counts[i] > 1)); }"
                )
                page.click(f'#article .s[data-index="{index}"]')
                page.locator("#details .flag-detail").first.locator(".decide-accept").click()
                page.evaluate("() => { for (const id of ['review-scroll', 'details']) document.getElementById(id).scrollTop = 0; window.scrollTo(0, 0); }")
                page.wait_for_timeout(1500)  # let the flash animation finish
                target = out.with_name(out.stem + suffix + out.suffix)
                page.screenshot(path=str(target))
                print(f"wrote {target}")
                if not suffix:
                    page.emulate_media(media="print")
                    target = out.with_name(out.stem + "-print" + out.suffix)
                    page.screenshot(path=str(target), clip={"x": 0, "y": 0, "width": width, "height": 1100}, full_page=True)
                    print(f"wrote {target}")


if __name__ == "__main__":
    main()
