"""What single sign-on and two-step sign-in tell whoever listens (the audit trail, in a
layer above this package, which must not be imported from here). Each is sent with
the user concerned (`user`) and, when there is one, the request being answered.

- sso_refused: a single sign-on that did not sign anyone in, and why (`reason`).
- confirmed: a signed-in user proved who they are again before a sensitive step
  (making an API token), at the provider (`via` "oidc") or with their password.
- mfa_enrolled: two-step sign-in turned on (a code from the app accepted).
- mfa_removed: two-step sign-in turned off, by the user or by an administrator.
- mfa_codes: new recovery codes made, replacing the old ones.
"""

from django.dispatch import Signal

sso_refused = Signal()
confirmed = Signal()
mfa_enrolled = Signal()
mfa_removed = Signal()
mfa_codes = Signal()
