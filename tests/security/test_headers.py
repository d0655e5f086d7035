"""Response headers: the Content-Security-Policy (no inline scripts), the
Permissions-Policy, and caching: private and revalidated for pages and API reads
(still answering 304), never stored for downloads and secrets."""

import re
from pathlib import Path

from django.test import Client

from keyplan.api import tokens
from tests.api.conftest import ApiClient

KEYPLAN = Path(__file__).resolve().parents[2] / "keyplan"


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def directives(response) -> dict[str, list[str]]:
    policy = response["Content-Security-Policy"]
    return {
        name: values
        for name, *values in (part.split() for part in policy.split(";") if part.strip())
    }


def test_pages_forbid_inline_scripts_plugins_and_framing(owner, account):
    for path in ("/", f"/accounts/{account.pk}/", "/login/"):
        policy = directives(signed_in(owner).get(path))

        assert policy["script-src"][0] == "'self'", path
        assert "'unsafe-inline'" not in policy["script-src"], path
        assert "'unsafe-eval'" not in policy["script-src"], path
        assert policy["object-src"] == ["'none'"], path
        assert policy["frame-ancestors"] == ["'none'"], path
        assert policy["default-src"] == ["'self'"], path


def test_no_template_has_an_inline_script_or_event_handler():
    found = []
    for template in KEYPLAN.rglob("templates/**/*.html"):
        text = template.read_text()
        for tag in re.findall(r"<script\b[^>]*>", text):
            if "src=" not in tag and "nonce=" not in tag and "application/json" not in tag:
                found.append(f"{template.name}: {tag}")
        found += [f"{template.name}: {m}" for m in re.findall(r"\son[a-z]+=", text)]
    assert not found


def test_htmx_neither_injects_styles_nor_evaluates_code(owner):
    page = signed_in(owner).get("/").text

    assert '"includeIndicatorStyles": false' in page
    assert '"allowEval": false' in page


def test_every_answer_denies_powerful_browser_features(owner, account):
    for response in (signed_in(owner).get("/"), Client().get("/login/")):
        policy = response["Permissions-Policy"]
        for feature in ("camera", "microphone", "geolocation", "payment"):
            assert f"{feature}=()" in policy


def test_signed_in_pages_are_private_and_revalidated(owner, account):
    for path in ("/", f"/accounts/{account.pk}/", "/profile/"):
        assert signed_in(owner).get(path)["Cache-Control"] == "private, no-cache", path


def test_api_reads_are_private_and_still_answer_304(owner, account):
    _, secret = tokens.create(owner, name="script")
    api = ApiClient(secret)

    first = api.get(f"/accounts/{account.pk}")
    again = api.get(f"/accounts/{account.pk}", headers={"If-None-Match": first["ETag"]})
    listed = api.get("/accounts")
    listed_again = api.get("/accounts", headers={"If-None-Match": listed["ETag"]})

    assert first["Cache-Control"] == "private, no-cache"
    assert again.status_code == 304
    assert again["Cache-Control"] == "private, no-cache"
    assert again["ETag"] == first["ETag"]
    assert listed["Cache-Control"] == "private, no-cache"
    assert listed_again.status_code == 304


def test_a_changed_record_answers_in_full_again(owner, account):
    _, secret = tokens.create(owner, name="script")
    api = ApiClient(secret)
    first = api.get(f"/accounts/{account.pk}")

    api.patch(
        f"/accounts/{account.pk}", {"industry": "Robotics"}, headers={"If-Match": first["ETag"]}
    )
    again = api.get(f"/accounts/{account.pk}", headers={"If-None-Match": first["ETag"]})

    assert again.status_code == 200
    assert again.json()["industry"] == "Robotics"


def no_store(response) -> bool:
    return "no-store" in response["Cache-Control"] and not response.has_header("ETag")


def test_downloads_are_never_stored(owner, account):
    page = signed_in(owner)

    for suffix in ("xlsx", "md"):
        download = page.get(f"/accounts/{account.pk}/plan.{suffix}")
        assert download.status_code == 200, suffix
        assert no_store(download), suffix


def test_a_new_token_is_shown_on_a_page_never_stored(owner):
    page = signed_in(owner)

    created = page.post("/profile/", {"name": "BI export"})

    assert "kp_" in created.text
    assert no_store(created)
    assert not no_store(page.get("/profile/"))  # the plain profile is an ordinary page


def test_the_calendar_address_is_shown_on_a_page_never_stored(owner):
    page = signed_in(owner)

    shown = page.post("/my/calendar/", {"action": "create"}, follow=True)

    assert "/calendar/" in shown.text
    assert no_store(shown)
