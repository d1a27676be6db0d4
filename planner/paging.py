"""The page number a list view was asked for, bounded before it reaches a query.

Decisions: ``?page=99999999999999999999`` made the OFFSET overflow SQLite's 64-bit integer
(a 500). The number is bounded here to ``MAX_PAGE`` and the views send a page past the
last one to the last page (a redirect, so the address shows the page that is shown).
"""

from flask import request

MAX_PAGE = 1_000_000  # 50 million rows at 50 a page: more than any list holds


def requested_page(name: str = "page") -> int:
    """``request.args[name]`` as a page number between 1 and ``MAX_PAGE`` (1 when absent or
    not a number)."""
    page = request.args.get(name, 1, type=int) or 1
    return min(max(page, 1), MAX_PAGE)
