"""What the audit trail hears without anyone calling it: sign-ins and lockouts
(Django's and django-axes' signals), single sign-on and two-step sign-in (the signals
of keyplan.security, which may not import this package), and every change to users,
roles, teams, account teams, the organisation's and single sign-on's settings and the
CRM connection (model signals, so the admin site, the pages, the services and the
commands are all covered).

Models above this package (accounts, exchange) are named through the app registry,
never imported. A change records its fields' old and new values, except secrets,
which are only said to have changed.
"""

from typing import Any

from axes.signals import user_locked_out
from django.apps import apps
from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.db import models
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_delete, pre_save

from keyplan.audit import kinds
from keyplan.audit.trail import FROM_REQUEST, acting, leaving, record
from keyplan.security import signals
from keyplan.security.mfa.signin import METHOD
from keyplan.security.sso import backends

# Fields whose values never go into the trail, only that they changed.
SECRETS = {"password", "client_secret", "private_key", "sealed_client_secret", "sealed_key"}
# Kept current by keyplan itself, not changes anyone made.
IGNORED = {"last_login", "version", "updated_at", "updated_by", "created_at", "date_joined",
           "last_pull_at", "api_used", "api_allowed"}  # fmt: skip
MEMBERSHIP = {"post_add": "added", "post_remove": "removed", "post_clear": "removed"}


def signed_in(sender, request, user, **kwargs: Any) -> None:
    details: dict[str, Any] = {}
    if getattr(user, "backend", None) == backends.PATH:
        # What the provider's sign-in did: "created", "linked" (by email) or "bound".
        details = {"via": "oidc", "outcome": getattr(request, backends.OUTCOME, "")}
    if getattr(request, METHOD, None):  # the second step's code: "app" or "recovery"
        details["mfa"] = getattr(request, METHOD)
    record(kinds.SIGNED_IN, actor=user, request=request, target=user, **details)


def signed_out(sender, request, user, **kwargs: Any) -> None:
    if user is not None:
        record(kinds.SIGNED_OUT, actor=user, request=request, target=user)


def signin_failed(
    sender, credentials: dict, request=None, second_step: bool = False, **kwargs: Any
) -> None:
    if "code_verifier" in credentials:
        return  # the single sign-on callback's: sso_refused says why, once
    name = str(credentials.get("username") or "")
    user = get_user_model().objects.filter(username=name).first() if name else None
    kind = kinds.MFA_FAILED if second_step else kinds.SIGNIN_FAILED  # a wrong code
    record(kind, actor=user, login=name, request=request)


def sso_refused(sender, request, user, reason: str, **kwargs: Any) -> None:
    # A sign-in again that failed names who was signed in; a first one, nobody.
    record(kinds.SIGNIN_FAILED, request=request, via="oidc", reason=reason)


def confirmed(sender, request, user, via: str, **kwargs: Any) -> None:
    record(kinds.SIGNIN_CONFIRMED, actor=user, request=request, target=user, via=via)


def mfa_enrolled(sender, user, **kwargs: Any) -> None:
    # At a required enrolment the user is not signed in yet: named, not from the request.
    record(kinds.MFA_ENROLLED, actor=user, target=user)


def mfa_codes(sender, user, **kwargs: Any) -> None:
    record(kinds.MFA_CODES, actor=user, target=user)


def mfa_removed(sender, user, by=None, **kwargs: Any) -> None:
    """Turned off by the user themselves, or reset by someone else (an administrator)."""
    who = by if by is not None else acting()
    kind = kinds.MFA_REMOVED if who is not None and who.pk == user.pk else kinds.MFA_RESET
    record(kind, actor=by if by is not None else FROM_REQUEST, target=user)


def unbound(sender, instance: models.Model, **kwargs: Any) -> None:
    """A single sign-on identity deleted (in the admin site, or with its user): its next
    sign-in is a first one again, which may create or link another user."""
    identity = {
        "issuer": getattr(instance, "issuer", ""),
        "subject": getattr(instance, "subject", ""),
    }
    record(kinds.SSO_CHANGED, target=instance, unbound=identity)


def locked_out(sender, request, username, ip_address, **kwargs: Any) -> None:
    user = get_user_model().objects.filter(username=username).first() if username else None
    record(kinds.LOCKED_OUT, actor=user, login=username or "", request=request)


def _fields(model: type[models.Model]) -> list[models.Field]:
    return [
        field
        for field in model._meta.concrete_fields
        if not field.primary_key and field.name not in IGNORED
    ]


def _value(field: models.Field, instance: models.Model) -> Any:
    value = field.value_from_object(instance)
    plain = (str, int, float, bool, dict, list, type(None))
    return value if isinstance(value, plain) else str(value)


def remember(sender, instance: models.Model, raw: bool = False, **kwargs: Any) -> None:
    """Before a change: the stored values, to say afterwards what changed. A save of
    only ignored fields (a sign-in's last_login) costs no query."""
    fields = kwargs.get("update_fields")
    instance._audit_raw = raw  # type: ignore[attr-defined]
    if raw or instance._state.adding or (fields is not None and set(fields) <= IGNORED):
        instance._audit_before = None  # type: ignore[attr-defined]
        return
    stored = sender._default_manager.filter(pk=instance.pk).first()
    instance._audit_before = stored  # type: ignore[attr-defined]


def _changes(before: models.Model, after: models.Model) -> dict[str, Any]:
    changes: dict[str, Any] = {}
    for field in _fields(type(after)):
        old, new = _value(field, before), _value(field, after)
        if old != new:
            changes[field.name] = "changed" if field.name in SECRETS else [old, new]
    return changes


def _saved(created_kind: str | None, changed_kind: str):
    def saved(sender, instance: models.Model, created: bool, raw: bool = False, **kwargs):
        if raw:
            return
        if created:
            if created_kind:
                fields = {
                    f.name: _value(f, instance) for f in _fields(sender) if f.name not in SECRETS
                }
                record(created_kind, target=instance, fields=fields)
            return
        before = getattr(instance, "_audit_before", None)
        changes = _changes(before, instance) if before is not None else {}
        if not changes:
            return
        # A user's role is what they may do: its own kind, to find it at a glance.
        if sender is get_user_model() and "role" in changes:
            record(kinds.ROLE_CHANGED, target=instance, role=changes.pop("role"))
        if changes:
            record(changed_kind, target=instance, changes=changes)

    return saved


def _deleted(kind: str):
    def deleted(sender, instance: models.Model, **kwargs: Any) -> None:
        record(kind, target=instance)
        if isinstance(instance, get_user_model()):
            leaving(instance.pk, False)

    return deleted


def team_members(sender, instance, action: str, pk_set, **kwargs: Any) -> None:
    said = MEMBERSHIP.get(action)
    # A team loaded as it was (a restore's loaddata) sets its members after a raw save.
    if said is None or getattr(instance, "_audit_raw", False):
        return
    if isinstance(instance, get_user_model()):  # changed from the user's side
        details: dict[str, Any] = {said: [instance.username]}
        teams = apps.get_model("team", "Team").objects.filter(pk__in=pk_set or ())
        for team in teams:
            record(kinds.TEAM_MEMBERS, target=team, **details)
        return
    users = get_user_model().objects.filter(pk__in=pk_set or ()).order_by("username")
    details = {said: list(users.values_list("username", flat=True))}
    record(kinds.TEAM_MEMBERS, target=instance, **details)


def connect() -> None:
    user_logged_in.connect(signed_in, dispatch_uid="audit-signed-in")
    user_logged_out.connect(signed_out, dispatch_uid="audit-signed-out")
    user_login_failed.connect(signin_failed, dispatch_uid="audit-signin-failed")
    user_locked_out.connect(locked_out, dispatch_uid="audit-locked-out")
    signals.sso_refused.connect(sso_refused, dispatch_uid="audit-sso-refused")
    signals.confirmed.connect(confirmed, dispatch_uid="audit-confirmed")
    signals.mfa_enrolled.connect(mfa_enrolled, dispatch_uid="audit-mfa-enrolled")
    signals.mfa_codes.connect(mfa_codes, dispatch_uid="audit-mfa-codes")
    signals.mfa_removed.connect(mfa_removed, dispatch_uid="audit-mfa-removed")
    watched = [
        ("team.User", kinds.USER_CREATED, kinds.USER_CHANGED, kinds.USER_DELETED),
        ("team.Team", kinds.TEAM_CREATED, kinds.TEAM_CHANGED, kinds.TEAM_DELETED),
        ("team.AccountMember", kinds.ACCOUNT_TEAM, kinds.ACCOUNT_TEAM, kinds.ACCOUNT_TEAM),
        # Created once with its defaults on first use: only changes are worth a line.
        ("team.Organisation", None, kinds.ORGANISATION_CHANGED, kinds.ORGANISATION_CHANGED),
        ("sso.SsoSettings", None, kinds.SSO_CHANGED, kinds.SSO_CHANGED),
        ("exchange.SalesforceConnection", None, kinds.INTEGRATION_CHANGED,
         kinds.INTEGRATION_CHANGED),
    ]  # fmt: skip
    for label, created, changed, deleted in watched:
        model = apps.get_model(label)
        uid = f"audit-{label}"
        pre_save.connect(remember, sender=model, dispatch_uid=uid)
        post_save.connect(_saved(created, changed), sender=model, weak=False, dispatch_uid=uid)
        post_delete.connect(_deleted(deleted), sender=model, weak=False, dispatch_uid=uid)
    pre_delete.connect(
        lambda sender, instance, **kwargs: leaving(instance.pk, True),
        sender=get_user_model(), weak=False, dispatch_uid="audit-user-leaving",
    )  # fmt: skip
    post_delete.connect(unbound, sender=apps.get_model("sso.SsoIdentity"), dispatch_uid="audit-sso")
    members = apps.get_model("team.Team").members.through
    m2m_changed.connect(team_members, sender=members, dispatch_uid="audit-team-members")
