"""Takes the README's screenshots of the Content page and the audience panel from the demo.

Start the demo first (`make run`), then: `.venv/bin/python scripts/readme_screenshots.py`
(or pass the server's URL). The pictures go to docs/screenshots/.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.browser import browser_page, log_in  # noqa: E402

DOCS = Path(__file__).resolve().parent.parent / "docs" / "screenshots"
ACCOUNT = "acmecoffee"
MARGIN = 16


def main(base_url: str) -> None:
    with browser_page(width=1280, height=800) as page:
        log_in(page, base_url, "lena", "playbook-demo")
        page.goto(f"{base_url}/t/acme/a/{ACCOUNT}/videos/")
        # caret="initial" keeps Playwright from writing style="" on inputs, which the CSP refuses.
        page.screenshot(path=str(DOCS / "content-page.png"), caret="initial")
        page.goto(f"{base_url}/t/acme/a/{ACCOUNT}/")
        box = page.locator("#audience").bounding_box()
        # A margin around the panel, so its edges do not touch the picture's.
        clip = {
            "x": box["x"] - MARGIN,
            "y": box["y"] - MARGIN,
            "width": box["width"] + 2 * MARGIN,
            "height": box["height"] + 2 * MARGIN,
        }
        page.screenshot(
            path=str(DOCS / "audience-panel.png"), clip=clip, full_page=True, caret="initial"
        )


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "http://127.0.0.1:8000")
