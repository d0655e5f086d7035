"""Sign-in and browser security: lockout after failed sign-ins, session limits, the
response headers (Content-Security-Policy, Permissions-Policy, caching) and the
client's address they all key on; single sign-on in sso/ (its own app). Sits just
above `team`: it knows users, no plans."""
