"""Fixtures for the operating rhythm: a plan with a QBR coming, an open play and risk,
a live contract renewing soon, a real SMTP server to receive digests, and plans
created in the past (with clock.travel), so that "never reviewed" counts from a known day."""

import email
import socket
from datetime import date, datetime, timedelta
from decimal import Decimal
from email import policy

import pytest
from aiosmtpd.controller import Controller
from django.utils import timezone

from keyplan.accounts import services as account_services
from keyplan.accounts.models import Account
from keyplan.cadence import services as cadence_services
from keyplan.core import clock, services
from keyplan.growth.models import Objective, Play
from keyplan.relationships import services as relationship_services
from keyplan.risks.models import Risk


@pytest.fixture
def today():
    return clock.today()


@pytest.fixture
def contract(account, owner, today):
    return account_services.add_contract(
        account,
        by=owner,
        name="Acme platform 2026",
        arr=Decimal(120000),
        start_date=today - timedelta(days=300),
        end_date=today + timedelta(days=60),
        notice_days=30,
    )


@pytest.fixture
def play(account, owner, today):
    return services.create(
        Play,
        by=owner,
        account=account,
        name="Analytics for Engineering",
        stage="opportunity",
        target_arr=Decimal(80000),
        owner=owner,
        target_close_date=today + timedelta(days=45),
        blocker="Security review pending",
    )


@pytest.fixture
def objective(account, owner, today):
    return services.create(
        Objective,
        by=owner,
        account=account,
        title="Double active seats",
        metric="active seats",
        due_date=today + timedelta(days=180),
        owner=owner,
    )


@pytest.fixture
def risk(account, owner):
    return services.create(
        Risk,
        by=owner,
        account=account,
        title="Budget freeze in Q1",
        category="budget_freeze",
        probability=2,
        impact=2,
        arr_at_risk=Decimal(40000),
        mitigation="Tie the renewal to the cost-saving case",
        owner=owner,
    )


@pytest.fixture
def qbr(account, owner, champion, today):
    relationship_services.log_interaction(
        account,
        by=owner,
        date=today - timedelta(days=12),
        subject="Roadmap call",
        stakeholders=[champion],
    )
    return cadence_services.plan_touchpoint(
        account,
        by=owner,
        hosts=[owner],
        attendees=[champion],
        kind="qbr",
        date=today + timedelta(days=10),
        title="Q4 business review",
        agenda="Adoption, roadmap, renewal",
        proof_points="- Cut reporting time by 40%\n- 600 active seats",
        asks="- Introduction to the CFO\n- Reference call",
        commitments="Send the ROI study\nBook the security review",
    )


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class Inbox:
    """An aiosmtpd handler that keeps what arrives and refuses the addresses in `refuse`."""

    def __init__(self):
        self.messages: list[email.message.EmailMessage] = []
        self.envelopes: list[tuple[str, list[str]]] = []
        self.refuse: set[str] = set()

    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        if address in self.refuse:
            return "550 5.1.1 No such mailbox here"
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server, session, envelope):
        self.envelopes.append((envelope.mail_from, list(envelope.rcpt_tos)))
        self.messages.append(email.message_from_bytes(envelope.content, policy=policy.default))
        return "250 Message accepted for delivery"

    def to(self, address: str) -> list[email.message.EmailMessage]:
        return [m for m in self.messages if address in m["To"]]


@pytest.fixture
def smtp_server(settings):
    """A real SMTP server on 127.0.0.1 that the email settings point at."""
    inbox = Inbox()
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port())
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST, settings.EMAIL_PORT = "127.0.0.1", controller.port
    settings.EMAIL_USE_TLS = settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = settings.EMAIL_HOST_PASSWORD = ""
    settings.EMAIL_TIMEOUT = 10
    settings.DEFAULT_FROM_EMAIL = "keyplan <keyplan@example.com>"
    settings.KEYPLAN_BASE_URL = "https://keyplan.example.com"
    yield inbox
    controller.stop()


def moment(days_ago: int) -> datetime:
    return timezone.now() - timedelta(days=days_ago)


def ago(days: int) -> date:
    return timezone.localdate() - timedelta(days=days)


@pytest.fixture
def old_plan(owner, private_plans):
    """old_plan(name, tier, days) -> an account of `owner` created `days` ago."""

    def create(name: str, tier: int, days: int) -> Account:
        with clock.travel(moment(days)):
            return account_services.create_account(by=owner, name=name, tier=tier)

    return create
