"""Reading PDFs the way a person checks them, with poppler's pdftotext and pdfinfo, and a
plan at the largest size the field describes (40 stakeholders, many actions and risks)."""

import os
import re
import shutil
import subprocess
from datetime import timedelta
from decimal import Decimal

import pytest

from keyplan.accounts.models import Account
from keyplan.core import clock, services
from keyplan.demo import novatech
from keyplan.demo.builder import PlanBuilder
from keyplan.exchange.documents import pdf
from keyplan.growth.models import Product

REQUIRED = os.environ.get("KEYPLAN_REQUIRE_PDF") == "1"


def need_pdf_tools() -> None:
    """Skip (fail under KEYPLAN_REQUIRE_PDF=1) without WeasyPrint's Pango or poppler."""
    missing = []
    if not pdf.available():
        missing.append(f"WeasyPrint cannot load Pango ({pdf.INSTALL})")
    if not (shutil.which("pdftotext") and shutil.which("pdfinfo")):
        missing.append("poppler's pdftotext and pdfinfo (apt-get install -y poppler-utils)")
    if missing:
        message = "The PDF tests need " + " and ".join(missing)
        if REQUIRED:
            pytest.fail(message + "; KEYPLAN_REQUIRE_PDF=1 requires them.")
        pytest.skip(message)


def text_of(path) -> str:
    """The PDF's text on one line, as pdftotext reads it (words joined by single spaces)."""
    out = subprocess.run(["pdftotext", str(path), "-"], check=True, capture_output=True)
    return " ".join(out.stdout.decode().split())


def info(path) -> dict[str, str]:
    out = subprocess.run(["pdfinfo", str(path)], check=True, capture_output=True, text=True)
    return {
        key.strip(): value.strip()
        for key, value in (line.split(":", 1) for line in out.stdout.splitlines() if ":" in line)
    }


def pages(path) -> int:
    return int(info(path)["Pages"])


def more(text: str) -> list[int]:
    """Every "and K more" of the page, in reading order."""
    return [int(k) for k in re.findall(r"and (\d+) more", text)]


LONG = (
    "with a deliberately long description that goes on about budgets, procurement, "
    "security reviews and the next steering committee"
)


def grow_to_the_largest_plan(users: dict) -> Account:
    """NovaTech grown to the largest plan: 40 active stakeholders (28 more, all high power
    and cold, so one heat-map cell holds 29 of them), 14 business units, 14 products,
    30 open actions, 15 open risks, 8 objectives and a thesis of 2,000 characters."""
    kam, admin = users["kam"], users["admin"]
    account = Account.objects.get(name=novatech.NAME)
    plan = PlanBuilder(account, kam)
    today = clock.today()
    plan.update_account(growth_thesis=("Grow every business unit " + LONG + ". ") * 12)
    for n in range(1, 29):
        plan.stakeholder(
            f"Extra Stakeholder {n:02d} Montgomery-Fitzgerald",
            f"Senior Vice President of Global Strategic Operations {n}",
            role="influencer",
            power=3,
            interest=2,
            strength=1,
            priority=3,
        )
    products = [
        services.create(Product, by=admin, name=f"Add-on module {n}", list_price=Decimal(10000 + n))
        for n in range(1, 7)
    ]
    for n in range(1, 9):
        plan.unit(f"Regional business unit {n}")
        for product in products:
            plan.cell(
                f"Regional business unit {n}",
                product,
                "open",
                estimated_value=Decimal(1000 * n + 7),
            )
    for n in range(1, 31):
        plan.action(
            f"Follow-up action {n:02d} {LONG}",
            today + timedelta(days=n),
        )
    for n in range(1, 16):
        plan.risk(
            f"Extra risk {n:02d} {LONG}"[:200],
            "other",
            probability=1,
            arr_at_risk=Decimal(1000 * n),
            next_action=f"Extra risk step {n:02d} {LONG}",
            next_action_date=today + timedelta(days=n),
        )
    for n in range(1, 6):
        plan.objective(
            f"Extra objective {n} {LONG}",
            metric="New ARR",
            target=Decimal(1000 * n),
            due_date=today + timedelta(days=100 + n),
        )
    return Account.objects.get(pk=account.pk)
