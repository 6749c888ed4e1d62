"""Saved news pages: flags on page clutter when the whole page is checked (html) and when only its article is (html-page).

    OMP_NUM_THREADS=1 .venv/bin/python benchmarks/saved_pages.py --profile fast --articles 10

Each of the page templates in tests/fixtures/pages (navigation, cookie banner, ads,
related links, comments, footer, written to look like real news sites) is filled
with each of the first --articles English human news articles of the shared test
splits (tests/page_support.py). A flag is "outside the body" when its sentence is
not inside one of the article's paragraphs (title and byline count as outside).
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--profile", default="fast")
    parser.add_argument("--articles", type=int, default=10)
    args = parser.parse_args()
    import torch

    from detector import Detector
    from tests.page_support import AUTHORS, TEMPLATES, build_page, human_news_articles, inside

    torch.set_num_threads(1)
    detector = Detector.load(profile=args.profile)
    articles = human_news_articles(REPO.parent / "shared" / "data", args.articles)
    totals = {"html": [0, 0, 0], "html-page": [0, 0, 0]}  # flags outside body, pages with >1 such flag, body paragraphs lost
    pages = 0
    for template in TEMPLATES:
        for i, (title, text) in enumerate(articles):
            page = build_page(template, title, AUTHORS[i % len(AUTHORS)], text)
            pages += 1
            for fmt in totals:
                report = detector.check(page.html, format=fmt, source=template.name)
                outside = sum(len(report.flags_for(s.index)) for s in report.sentences
                              if not inside(s.start, s.end, page.body_spans))
                lost = sum(1 for span in page.body_spans if not any(inside(s.start, s.end, [span]) for s in report.sentences))
                totals[fmt][0] += outside
                totals[fmt][1] += outside > 1
                totals[fmt][2] += lost
    print(f"{pages} pages ({len(TEMPLATES)} templates x {len(articles)} articles), profile {args.profile}")
    print("| read as | flags outside the article body | pages with more than one | body paragraphs not checked |")
    print("|---|---|---|---|")
    for fmt, (outside, over, lost) in totals.items():
        print(f"| {fmt} | {outside} | {over} | {lost} |")


if __name__ == "__main__":
    main()
