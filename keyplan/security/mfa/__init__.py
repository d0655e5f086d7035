"""Two-step sign-in (MFA) for password sign-ins: a code from an authenticator app
(TOTP) or a recovery code after the password, enrolment on the profile page, and the
organisation's rule on who must use it. Single sign-on users rely on their provider's.

Nobody is signed in (Django's login()) until the second step passes: between the two
steps the session holds only who is half-way and since when (`pending`), so no page
and no API call treats them as signed in."""
