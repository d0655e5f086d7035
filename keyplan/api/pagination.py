"""Page-number pagination for every list: `?page=` and `?page_size=` (at most 200)."""

from django.db.models import QuerySet
from django.http import HttpRequest
from ninja import Schema
from pydantic import Field

MAX_PAGE_SIZE = 200


class PageQuery(Schema):
    page: int = Field(1, ge=1, le=1_000_000, description="The page, from 1.")
    page_size: int = Field(50, ge=1, le=MAX_PAGE_SIZE, description="Records per page.")


def _url(request: HttpRequest, page: int) -> str:
    query = request.GET.copy()
    query["page"] = str(page)
    return request.build_absolute_uri(f"{request.path}?{query.urlencode()}")


def page_of(request: HttpRequest, queryset: QuerySet | list, query: PageQuery, serialize) -> dict:
    count = queryset.count() if isinstance(queryset, QuerySet) else len(queryset)
    start = (query.page - 1) * query.page_size
    records = queryset[start : start + query.page_size]
    return {
        "count": count,
        "page": query.page,
        "page_size": query.page_size,
        "next": _url(request, query.page + 1) if start + query.page_size < count else None,
        "previous": _url(request, query.page - 1) if query.page > 1 and count else None,
        "results": [serialize(record) for record in records],
    }
