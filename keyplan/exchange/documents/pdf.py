"""`keyplan export ACCOUNT --format pdf`: the plan on exactly one page, or all of it (--full).

WeasyPrint lays the HTML of `templates/exchange/pdf/` out into a PDF whose text is
real text (a PDF reader can search it, `pdftotext` reads it). It draws text with the
system's Pango, so it is imported only when a PDF is asked for: without Pango the rest
of keyplan works, and the PDF export says what to install.

Nothing is fetched while rendering: fonts come from the system (fontconfig), the
pictures are the plan page's own SVGs inlined as data: URLs, and the fetcher refuses
every URL except data: and keyplan's own static files.

The one page stays one page whatever the plan's size: each list shows its top rows and
says how many more there are, texts are shortened, and the pictures are scaled into
fixed boxes. Should a layout still spill over (very long words, a missing condensed
font), the page is laid out again with fewer rows and smaller pictures.
"""

import base64
import contextlib
import io
import logging
import mimetypes
import re
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from urllib.parse import unquote, urljoin

from django.conf import settings
from django.contrib.staticfiles import finders
from django.core.exceptions import SuspiciousFileOperation
from django.template.loader import render_to_string
from django.utils.safestring import SafeString, mark_safe

from keyplan.accounts.models import Account, Relationship
from keyplan.core import clock
from keyplan.exchange.documents import one_page, outline, sections
from keyplan.exchange.documents.headline import day

INSTALL = "apt-get install -y libpango-1.0-0 libpangoft2-1.0-0"
# The address the HTML's relative URLs resolve against. The .invalid top-level domain never
# resolves (RFC 2606); the fetcher maps its static path to files and refuses the rest.
BASE_URL = "https://keyplan.invalid/"
MARGIN_MM = 9
PX_MM = 25.4 / 96  # one CSS pixel in millimetres
logger = logging.getLogger(__name__)


class Unavailable(Exception):
    """WeasyPrint or the system libraries it needs are missing."""


@dataclass(frozen=True)
class Paper:
    key: str
    css: str  # the CSS page size
    width_mm: float
    height_mm: float

    @property
    def content_width(self) -> float:
        return self.width_mm - 2 * MARGIN_MM

    @property
    def content_height(self) -> float:
        return self.height_mm - 2 * MARGIN_MM


PAPERS = {
    "a4": Paper("a4", "A4", 210, 297),
    "letter": Paper("letter", "letter", 215.9, 279.4),
}


def paper(name: str | None = None) -> Paper:
    """The paper called `name`, else the KEYPLAN_PAPER setting (a4 or letter)."""
    key = (name or settings.KEYPLAN_PAPER or "a4").strip().lower()
    if key not in PAPERS:
        raise ValueError(f"Unknown paper size “{key}”: use {' or '.join(PAPERS)}.")
    return PAPERS[key]


@cache
def weasyprint():
    """The weasyprint module, or Unavailable saying what to install."""
    try:
        # WeasyPrint prints a banner of its own when Pango is missing: ours says more.
        with contextlib.redirect_stdout(io.StringIO()):
            import weasyprint
    except (ImportError, OSError) as exc:
        raise Unavailable(
            "The PDF export needs WeasyPrint and the Pango text libraries, which are not "
            f"installed here ({exc}). On Debian or Ubuntu: {INSTALL}"
        ) from exc
    return weasyprint


def available() -> bool:
    try:
        weasyprint()
    except Unavailable:
        return False
    return True


def static_file(url: str) -> Path | None:
    """The file of one of keyplan's static URLs (as resolved against BASE_URL), else None."""
    prefix = urljoin(BASE_URL, settings.STATIC_URL)
    if not url.startswith(prefix):
        return None
    relative = unquote(url[len(prefix) :].split("?")[0].split("#")[0])
    try:
        found = finders.find(relative)
    except SuspiciousFileOperation:
        return None
    return Path(found) if found else None


def fetcher():
    """A WeasyPrint URL fetcher for data: URLs and keyplan's static files, refusing the rest."""
    from weasyprint.urls import URLFetcher, URLFetcherResponse

    class OwnFilesOnly(URLFetcher):
        def fetch(self, url, headers=None):
            if url.startswith("data:"):
                return super().fetch(url, headers)
            path = static_file(url)
            if path is None:
                raise ValueError(f"a PDF only uses data: URLs and keyplan's own files, not {url}")
            kind = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
            return URLFetcherResponse(url, path.read_bytes(), {"Content-Type": kind})

    return OwnFilesOnly(allowed_protocols=("data", "https"), allow_redirects=False, timeout=1)


# Pictures
VIEWBOX = re.compile(r'viewBox="0 0 ([\d.]+) ([\d.]+)"')


@dataclass(frozen=True)
class Image:
    src: str  # a data: URL
    width_mm: float
    height_mm: float
    title: str
    box_mm: float  # the width of the box it was fitted into


def image(svg: str, width_mm: float, height_mm: float, title: str) -> Image:
    """The SVG as a data: URL, scaled to fit the box (never above its natural size)."""
    match = VIEWBOX.search(svg)
    width, height = (float(match[1]), float(match[2])) if match else (800.0, 600.0)
    scale = min(width_mm / width, height_mm / height, PX_MM)
    src = "data:image/svg+xml;base64," + base64.b64encode(svg.encode()).decode("ascii")
    return Image(src, round(width * scale, 2), round(height * scale, 2), title, width_mm)


# Rendering
def css_string(text: str) -> SafeString:
    """`text` as a CSS string literal: anything but letters, digits and spaces escaped."""
    return mark_safe(
        '"' + "".join(c if c.isalnum() or c == " " else f"\\{ord(c):x} " for c in text) + '"'
    )


def _context(loaded: sections.Loaded, size: Paper, footer: str) -> dict:
    account = loaded.doc["account"]
    left = f"{account['name']}: account plan, printed from keyplan on {day(clock.today())}"
    return {
        "account": account,
        "relationship": outline.label(Relationship, account["relationship"]),
        "industry": loaded.doc["profile"]["industry"],
        "sponsors": [
            f"{s['ours_name']} with {s['theirs'] or 'nobody yet'}"
            for s in loaded.doc["cadence"]["sponsors"]
        ],
        "numbers": loaded.numbers,
        "paper": size,
        "margin": MARGIN_MM,
        "title": f"{account['name']}: account plan",
        "footer_left": css_string(left),
        "footer_right": mark_safe(footer),  # a CSS content value
    }


def _laid_out(template: str, context: dict):
    """The HTML of `template` laid out into pages (a WeasyPrint document)."""
    html = render_to_string(template, context)
    return weasyprint().HTML(string=html, base_url=BASE_URL, url_fetcher=fetcher()).render()


def one_page_pdf(loaded: sections.Loaded, size: Paper) -> bytes:
    """The plan on one page, with the first budget that fits (see one_page.BUDGETS); should
    none fit, the first page of the smallest."""
    svgs = one_page.pictures(loaded)
    width, height = size.content_width, size.content_height * one_page.PICTURE_HEIGHT
    footer = css_string("One page: the top of each list. All of it: the full PDF.")
    for budget in one_page.BUDGETS:
        pictures = {
            "heat_map": image(
                svgs["heat_map"],
                width * one_page.HEAT_MAP_WIDTH,
                height * budget.pictures,
                "Relationship heat map",
            ),
            "whitespace": image(svgs["whitespace"], width, height * budget.pictures, "Whitespace"),
        }
        context = _context(loaded, size, footer) | one_page.lists(loaded, budget) | pictures
        document = _laid_out("exchange/pdf/one_page.html", context)
        if len(document.pages) == 1:
            return document.write_pdf()
    logger.warning(
        "The one-page plan of %s did not fit: cut to its first page.", loaded.doc["account"]["name"]
    )
    return document.copy(document.pages[:1]).write_pdf()


def full_pdf(loaded: sections.Loaded, size: Paper) -> bytes:
    """Every section of the plan, on as many pages as it takes."""
    parts = loaded.sections
    for section in parts:
        for block in section.blocks:
            if block.kind == "picture":
                width, height = size.content_width, size.content_height * 0.8
                block.image = image(block.svg, width, height, block.title)
    pages = f"{css_string('page ')} counter(page) {css_string(' of ')} counter(pages)"
    context = _context(loaded, size, pages) | {"sections": parts}
    return _laid_out("exchange/pdf/full.html", context).write_pdf()


def render(account: Account, *, full: bool = False, paper_name: str | None = None) -> bytes:
    """The PDF of `account`'s live plan. Raises Unavailable without WeasyPrint or Pango."""
    weasyprint()  # fail before reading the plan
    size = paper(paper_name)
    loaded = sections.load(account)
    return full_pdf(loaded, size) if full else one_page_pdf(loaded, size)
