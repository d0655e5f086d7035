"""`keyplan plan show ACCOUNT`: the plan as plain text writes its values as the pages do."""

from io import StringIO

from django.core.management import call_command

from keyplan.core import services
from keyplan.team.models import Organisation


def plan_text(name: str) -> str:
    out = StringIO()
    call_command("plan", "show", name, stdout=out)
    return out.getvalue()


def test_the_text_plan_writes_dates_amounts_and_hours_as_the_pages_do(sample, novatech_users):
    text = plan_text("NovaTech")
    assert "Contract Platform Agreement: $162,000 ARR, 1 Feb 2025 to 31 Jan 2027" in text
    assert (
        "Analytics pilot for Engineering (se_hours, 2026 Q4): requested 40 h, committed 24 h"
        in text
    )

    organisation = Organisation.current()
    services.update(
        organisation, by=novatech_users["admin"], version=organisation.version, locale="de-DE"
    )
    text = plan_text("NovaTech").replace("\xa0", " ")
    assert "Contract Platform Agreement: 162.000 $ ARR, 1. Feb. 2025 to 31. Jan. 2027" in text
