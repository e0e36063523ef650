"""Takes the README's "Your week" screenshots from the demo: Needs attention and a digest.

Start the demo first (`make run`), then: `.venv/bin/python scripts/your_week_screenshots.py`
(or pass the server's URL). The pictures go to docs/screenshots/.
"""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tests.browser import browser_page, log_in  # noqa: E402

DOCS = Path(__file__).resolve().parent.parent / "docs" / "screenshots"


def main(base_url: str) -> None:
    with browser_page(width=1280, height=800) as page:
        log_in(page, base_url, "lena", "playbook-demo")
        page.goto(f"{base_url}/t/acme/")
        # caret="initial" keeps Playwright from writing style="" on inputs, which the CSP refuses.
        page.screenshot(path=str(DOCS / "needs-attention.png"), full_page=True, caret="initial")
    with browser_page(width=720, height=900) as page:
        log_in(page, base_url, "lena", "playbook-demo")
        page.goto(f"{base_url}/profile/digest/")
        page.screenshot(path=str(DOCS / "digest.png"), full_page=True, caret="initial")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "http://127.0.0.1:8000")
