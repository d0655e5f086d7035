"""The Integrations page (/settings/integrations/): the Salesforce connection, which
an administrator sets and tests here. Everybody else gets "not found", as for any
page they may not use."""

from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import render
from django.views.decorators.http import require_http_methods

from keyplan.core import access
from keyplan.core.ids import parse_id
from keyplan.exchange.crm.salesforce.live import config as live_config
from keyplan.exchange.crm.salesforce.live.check import check_connection
from keyplan.exchange.crm.salesforce.live.forms import ConnectionForm
from keyplan.exchange.crm.salesforce.live.pull import linked_accounts
from keyplan.exchange.crm.salesforce.live.services import (
    Stale,
    save_connection,
    save_contacts_switch,
    save_stage_map,
)
from keyplan.growth.models import Stage


def _initial(connection) -> dict:
    initial = {name: getattr(connection, name) for name in ("login_url", "client_id", "username")}
    initial |= {"api_version": connection.api_version, "play_id_field": connection.play_id_field}
    return initial | {"version": connection.version}


@login_required
@require_http_methods(["GET", "POST"])
def integrations(request):
    if not access.is_administrator(request.user):
        raise Http404
    connection = live_config.stored()
    config = live_config.current(connection)
    report, saved, status = None, False, 200
    stage_saved, stage_error = False, ""
    contacts_saved, contacts_error = False, ""
    if request.method == "POST" and "contacts_switch" in request.POST:
        try:
            connection = save_contacts_switch(
                request.POST.get("create_contacts") == "on",
                by=request.user,
                version=parse_id(request.POST.get("version")) or 0,
            )
        except Stale as error:
            contacts_error, status = str(error), 409
        else:
            contacts_saved = True
        form = ConnectionForm(initial=_initial(connection), config=config)
    elif request.method == "POST" and "stage_map" in request.POST:
        try:
            connection = save_stage_map(
                {str(stage): request.POST.get(f"stage_{stage}", "")[:255] for stage in Stage},
                by=request.user,
                version=parse_id(request.POST.get("version")) or 0,
            )
        except Stale as error:
            stage_error, status = str(error), 409
        else:
            stage_saved = True
        form = ConnectionForm(initial=_initial(connection), config=config)
    elif request.method == "POST" and "test" in request.POST:
        report = check_connection(config)
        form = ConnectionForm(initial=_initial(connection), config=config)
    elif request.method == "POST":
        form = ConnectionForm(request.POST, initial=_initial(connection), config=config)
        if form.is_valid():
            try:
                connection = save_connection(
                    form.values(),
                    by=request.user,
                    version=form.cleaned_data["version"],
                    secrets=form.secrets(),
                    clear=form.cleared(),
                )
            except Stale as error:
                form.add_error(None, str(error))
                status = 409
            else:
                config = live_config.current(connection)
                form = ConnectionForm(initial=_initial(connection), config=config)
                saved = True
        else:
            status = 422
    else:
        form = ConnectionForm(initial=_initial(connection), config=config)
    secrets = {
        name: {
            "set": bool(config[name]),
            "source": config.settings[name].source,
            "saved": bool(getattr(connection, name)),
        }
        for name in live_config.SECRETS
    }
    context = {
        "form": form,
        "config": config,
        "secrets": secrets,
        "report": report,
        "saved": saved,
        "connection": connection,
        "linked": linked_accounts().count(),
        "stage_map": [
            (value, label, connection.stage_map.get(value, "")) for value, label in Stage.choices
        ],
        "stage_saved": stage_saved,
        "stage_error": stage_error,
        "contacts_saved": contacts_saved,
        "contacts_error": contacts_error,
        "environment": live_config.ENVIRONMENT,
        "nav": "integrations",
    }
    return render(request, "exchange/integrations.html", context, status=status)
