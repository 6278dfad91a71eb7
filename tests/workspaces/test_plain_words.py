"""Every page a role's menu leads to, as that role, on a small demo city: it answers, in Chinese, with no code, key,
hash or English left on it (DESIGN: plain words on every page)."""

import datetime
import io
import re
from html.parser import HTMLParser

import pytest
from django.core.management import call_command
from django.test import Client

from accounts.models import User
from demo.history import seed_history
from demo.officers import assign_and_serve
from pipeline.nightly import start_run

AS_OF = datetime.date(2026, 11, 26)
ROLES = ("admin", "city", "leader", "officer", "xinhua", "ruzhou", "firm_hightech", "firm_sme", "firm_small")
# Pages outside the portal's own wording: Django's admin and the API's documentation.
NOT_CRAWLED = ("/admin/", "/api/", "/i18n/", "/accounts/logout/")
# Files, not pages.
DOWNLOADS = ("xlsx", "export", "/documents/", "/report/", "download", ".pdf")
# Pages opened from each menu page (beyond the menu's own), one of each kind.
FOLLOWED_PER_PAGE = 4
RAW = {
    "a code or field name": re.compile(r"\b[a-z][a-z0-9]*(?:_[a-z0-9]+)+\b"),
    "a tier code": re.compile(r"\bt[0-3]\b"),  # the tiers' names are "T1 微成长" …; a bare "t2" is the stored code
    "a hash": re.compile(r"\b[0-9a-f]{40,64}\b"),
    "empty-choice dashes": re.compile(r"-{5,}"),
    "an English word": re.compile(r"\b[A-Za-z]{3,}\b"),
}
# Latin words that belong in a Chinese page: formats, units, proper names and the demo's own data.
ALLOWED_WORDS = {"xlsx", "csv", "pdf", "PDF", "API", "IPC", "ECharts", "SME", "SMS", "Excel", "English"}


class VisibleText(HTMLParser):
    """The text a reader sees: text nodes outside script and style, and the placeholders and titles of inputs."""

    def __init__(self):
        super().__init__()
        self.parts, self._hidden = [], 0

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style"):
            self._hidden += 1
        for name, value in attrs:
            if name in ("placeholder", "title", "aria-label") and value:
                self.parts.append(value)

    def handle_endtag(self, tag):
        if tag in ("script", "style"):
            self._hidden -= 1

    def handle_data(self, data):
        if not self._hidden and data.strip():
            self.parts.append(data.strip())


class Links(HTMLParser):
    """The portal's own pages a part of the page (`within`: the header's menu, or the main content) links to."""

    def __init__(self, within: str):
        super().__init__()
        self.within, self.links, self._depth = within, [], 0

    def handle_starttag(self, tag, attrs):
        if tag == self.within:
            self._depth += 1
        href = dict(attrs).get("href")
        if self._depth and tag == "a" and href and href.startswith("/") and not href.startswith(NOT_CRAWLED):
            self.links += [] if any(download in href for download in DOWNLOADS) else [href]

    def handle_endtag(self, tag):
        if tag == self.within:
            self._depth -= 1


def _links(html: str, within: str) -> list[str]:
    parser = Links(within)
    parser.feed(html)
    return parser.links


def _kind(path: str) -> str:
    """A page's kind: its path with ids and credit codes taken out (one firm page stands for all)."""
    return re.sub(r"/[0-9A-Z]{18}/|/\d+/", "/#/", path.split("?")[0])


def _problems(path: str, html: str) -> list[str]:
    parser = VisibleText()
    parser.feed(html)
    found = []
    for text in parser.parts:
        for what, pattern in RAW.items():
            for match in pattern.findall(text):
                if what == "an English word" and match in ALLOWED_WORDS:
                    continue
                found.append(f"{path}: {what} “{match}” in “{text[:80]}”")
    return found


@pytest.fixture
def demo_city(db, django_capture_on_commit_callbacks):
    call_command("seed_demo", firms=400, seed=2026, as_of=AS_OF, stdout=io.StringIO())
    with django_capture_on_commit_callbacks(execute=True):
        start_run(on=AS_OF)
    assign_and_serve(as_of=AS_OF, seed=2026)
    seed_history(as_of=AS_OF, seed=2026)


def _crawl(username: str) -> tuple[int, list[str]]:
    """As `username`: the home, every page its menu links to, and from each of those the first pages of kinds not
    seen yet. Returns the pages visited and the problems found."""
    client = Client()
    client.force_login(User.objects.get(username=username))
    seen_kinds: set[str] = set()
    problems: list[str] = []

    def visit(path: str) -> str:
        seen_kinds.add(_kind(path))
        response = client.get(path, follow=True)
        if response.status_code != 200:
            problems.append(f"{username} {path}: answered {response.status_code}")
            return ""
        if not response.get("Content-Type", "").startswith("text/html"):
            return ""
        html = response.content.decode()
        problems.extend(f"{username} {problem}" for problem in _problems(path, html))
        return html

    menu = _links(visit("/"), "header")
    assert menu, f"{username} has no menu"
    for path in dict.fromkeys(menu):
        followed = [link for link in dict.fromkeys(_links(visit(path), "main")) if _kind(link) not in seen_kinds]
        for link in followed[:FOLLOWED_PER_PAGE]:
            if _kind(link) not in seen_kinds:
                visit(link)
    return len(seen_kinds), problems


def test_every_menu_page_of_every_role_speaks_plain_chinese(demo_city):
    visited, problems = 0, []
    for username in ROLES:
        pages, found = _crawl(username)
        visited += pages
        problems += found
    assert visited > 120
    # One line per problem and page kind, whichever roles met it.
    shown = sorted({re.sub(r"^\S+ (\S+)", lambda match: _kind(match.group(1)), problem) for problem in problems})
    assert problems == [], "\n".join(shown[:300])


def test_the_checks_see_codes_hashes_and_english():
    html = (
        "<p>规则 patent_warnings.term_ending_days</p><td>t2</td><code>{}</code><select><option>---------</option>"
        '</select><p>Submitted by</p><script>var tier = "t3";</script><input placeholder="Search">'
    ).format("a" * 64)
    found = " ".join(_problems("/x/", html))
    for expected in ("term_ending_days", "“t2”", "a hash", "dashes", "“Submitted”", "“Search”"):
        assert expected in found, expected
    assert "t3" not in found
