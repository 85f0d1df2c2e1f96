"""Following a page's links as a crawler of the site's own pages."""

from __future__ import annotations

from collections.abc import Iterator
from urllib.parse import urldefrag, urljoin, urlsplit

from playwright.sync_api import Page

# Links a crawler must not follow: they end the session, leave the site, or download a file.
SKIP = ("logout", "/exit/", "export", "download", "end-sessions", "suspend", "/admin/")


def same_site_links(page: Page, origin: str, skip: tuple[str, ...] = SKIP) -> Iterator[str]:
    """The page's links to `origin` (host and port), without fragments, but for those to skip."""
    for href in page.eval_on_selector_all(
        "a[href]:not([download])", "links => links.map(a => a.getAttribute('href'))"
    ):
        link = urldefrag(urljoin(page.url, href)).url
        parts = urlsplit(link)
        if parts.netloc != origin or parts.scheme not in {"http", "https"}:
            continue
        if not any(word in link for word in skip):
            yield link
