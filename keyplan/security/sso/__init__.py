"""Single sign-on with OpenID Connect (mozilla-django-oidc underneath): the provider's
discovery document, the authorization code flow with PKCE, keyplan's own ID-token
check, users bound to the provider's `iss` and `sub`, linking by a verified email when
an administrator allows it, roles from a claim, and which users may still sign in with
a password (KEYPLAN_PASSWORD_LOGIN). Its own app (label `sso`) inside `security`."""
