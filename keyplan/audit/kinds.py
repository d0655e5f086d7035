"""The kinds of audit event, with the words the page and the command show for them.

A kind is stored as text, not as a database choice: a kind added later (single sign-on,
MFA, a sync job) needs no migration, and one this list does not know shows as it is.
"""

SIGNED_IN = "signin"
SIGNIN_FAILED = "signin.failed"
SIGNIN_CONFIRMED = "signin.confirmed"
SIGNED_OUT = "signout"
LOCKED_OUT = "lockout"
MFA_ENROLLED = "mfa.enrolled"
MFA_REMOVED = "mfa.removed"
MFA_RESET = "mfa.reset"
MFA_CODES = "mfa.codes"
MFA_FAILED = "mfa.failed"
SSO_CHANGED = "sso.changed"
TOKEN_CREATED = "token.created"
TOKEN_REVOKED = "token.revoked"
TOKEN_USED = "token.used"
EXPORT = "export"
IMPORT = "import"
SYNC_PULL = "sync.pull"
SYNC_PUSH = "sync.push"
SYNC_QUEUED = "sync.queued"
SYNC_RESOLVED = "sync.resolved"
REFUSED = "refused"
USER_CREATED = "user.created"
USER_CHANGED = "user.changed"
USER_DELETED = "user.deleted"
ROLE_CHANGED = "role.changed"
TEAM_CREATED = "team.created"
TEAM_CHANGED = "team.changed"
TEAM_DELETED = "team.deleted"
TEAM_MEMBERS = "team.members"
ACCOUNT_TEAM = "accountteam.changed"
ORGANISATION_CHANGED = "organisation.changed"
INTEGRATION_CHANGED = "integration.changed"

LABELS = {
    SIGNED_IN: "Signed in",
    SIGNIN_FAILED: "Sign-in failed",
    SIGNIN_CONFIRMED: "Sign-in confirmed",
    SIGNED_OUT: "Signed out",
    LOCKED_OUT: "Locked out",
    MFA_ENROLLED: "Two-step sign-in turned on",
    MFA_REMOVED: "Two-step sign-in turned off",
    MFA_RESET: "Two-step sign-in reset",
    MFA_CODES: "Recovery codes made",
    MFA_FAILED: "Two-step code refused",
    SSO_CHANGED: "Single sign-on changed",
    TOKEN_CREATED: "API token created",
    TOKEN_REVOKED: "API token revoked",
    TOKEN_USED: "API token used",
    EXPORT: "Plan exported",
    IMPORT: "Import",
    SYNC_PULL: "Salesforce pull",
    SYNC_PUSH: "Salesforce push",
    SYNC_QUEUED: "Salesforce sync queued",
    SYNC_RESOLVED: "Salesforce conflict resolved",
    REFUSED: "Refused",
    USER_CREATED: "User created",
    USER_CHANGED: "User changed",
    USER_DELETED: "User deleted",
    ROLE_CHANGED: "Role changed",
    TEAM_CREATED: "Team created",
    TEAM_CHANGED: "Team changed",
    TEAM_DELETED: "Team deleted",
    TEAM_MEMBERS: "Team members changed",
    ACCOUNT_TEAM: "Account team changed",
    ORGANISATION_CHANGED: "Organisation settings changed",
    INTEGRATION_CHANGED: "Integration changed",
}


def label(kind: str) -> str:
    return LABELS.get(kind, kind)
