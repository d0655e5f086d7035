"""Who is calling: a personal API token (Bearer) or the browser's session.

A request that sends a token is judged by the token alone: a bad one is refused
(401) even when a session cookie is present too, so a script never runs as
whoever happens to be signed in. Session requests must carry the CSRF token on
writes, as the pages' own forms do.

An address that sends too many bad tokens (KEYPLAN_SIGNIN_ADDRESS_LIMIT within the
sign-in cool-off) is answered 429 with Retry-After until the window ends, whatever it
sends, so tokens cannot be guessed at speed.
"""

from django.conf import settings
from django.http import HttpRequest
from ninja.errors import AuthenticationError, HttpError
from ninja.security import APIKeyCookie, HttpBearer
from ninja.utils import check_csrf

from keyplan.api import tokens
from keyplan.api.problems import Problem
from keyplan.security.throttle import api_tokens


class TokenAuth(HttpBearer):
    def authenticate(self, request: HttpRequest, token: str):
        wait = api_tokens.wait(request)
        if wait:
            raise Problem(
                429,
                "Too many requests with a token that is not valid came from your address: "
                f"try again in {-(-wait // 60)} minutes.",
                headers={"Retry-After": str(wait)},
            )
        try:
            return tokens.authenticate(token)
        except tokens.TokenRefused as exc:
            api_tokens.failed(request)
            raise AuthenticationError(message=str(exc)) from exc

    def __call__(self, request: HttpRequest):
        header = request.headers.get(self.header, "")
        if header and not header.lower().startswith("bearer "):
            raise AuthenticationError(message="Send the token as 'Authorization: Bearer <token>'.")
        return super().__call__(request)


class SessionAuth(APIKeyCookie):
    """The signed-in browser session; CSRF-checked on unsafe methods."""

    param_name = settings.SESSION_COOKIE_NAME

    def _get_key(self, request: HttpRequest):
        return request.COOKIES.get(self.param_name)

    def authenticate(self, request: HttpRequest, key):
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated or "Authorization" in request.headers:
            return None
        if check_csrf(request) is not None:
            raise HttpError(403, "CSRF check failed: send the X-CSRFToken header on writes.")
        return user
