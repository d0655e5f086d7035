"""axe-core in Chromium on the pages a KAM and a leader use every week, at a desk and
on a phone: no serious or critical violation (contrast, names, nesting, landmarks)."""

import pytest

from tests.browser.accessibility import violations

PAGES = {
    "dashboard": ("leader", "/"),
    "plan": ("kam", "/accounts/{pk}/"),
    "review": ("leader", "/review/"),
    "my-week": ("kam", "/my/"),
    "accounts": ("kam", "/accounts/"),
    "crm-import": ("kam", "/accounts/import/"),
    "plan-import": ("kam", "/accounts/{pk}/import/"),
}


@pytest.mark.parametrize("width", [1440, 390])
def test_the_weekly_pages_have_no_serious_accessibility_violation(sign_in, novatech, width):
    found = {}
    pages = {}
    for name, (user, address) in PAGES.items():
        if user not in pages:
            pages[user] = sign_in(user)
            pages[user].set_viewport_size({"width": width, "height": 900})
        page = pages[user]
        answer = page.goto(page.base + address.format(pk=novatech.pk))
        assert answer.status == 200, name
        if problems := violations(page):
            found[name] = problems
    report = [f"{name}: {line}" for name, lines in found.items() for line in lines]
    assert not found, "\n".join(report)
