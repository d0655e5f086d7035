"""The plan page's document downloads: the PDF (one page or full) and Markdown."""

from django.contrib.auth.decorators import login_required
from django.http import HttpResponse, HttpResponseBadRequest

from keyplan.exchange.documents import markdown, pdf
from keyplan.exchange.downloads import attachment, readable_account


@login_required
def download_pdf(request, pk: int):
    """The one-page PDF; `?full=1` every section; `?paper=letter` overrides KEYPLAN_PAPER."""
    account = readable_account(request, pk)
    full = request.GET.get("full") == "1"
    try:
        size = pdf.paper(request.GET.get("paper"))
        content = pdf.render(account, full=full, paper_name=size.key)
    except ValueError as exc:
        return HttpResponseBadRequest(str(exc), content_type="text/plain; charset=utf-8")
    except pdf.Unavailable as exc:
        return HttpResponse(str(exc), status=503, content_type="text/plain; charset=utf-8")
    return attachment(content, "application/pdf", account, "-full.pdf" if full else ".pdf")


@login_required
def download_md(request, pk: int):
    account = readable_account(request, pk)
    return attachment(markdown.render(account), "text/markdown; charset=utf-8", account, ".md")
