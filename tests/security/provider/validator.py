"""The claims the test provider puts in its ID tokens and userinfo answers: every
seeded user's email and username, and whatever claims the test gave them
(email_verified, roles)."""

import json
import os

from oauth2_provider.oauth2_validators import OAuth2Validator

USERS = json.loads(os.environ["PROVIDER_USERS"])
CLAIMS = {user["username"]: user.get("claims", {}) for user in USERS}


class Validator(OAuth2Validator):
    oidc_claim_scope = None  # every claim, whatever the scopes asked

    def get_additional_claims(self, request):
        user = request.user
        return {
            "email": user.email,
            "preferred_username": user.username,
            **CLAIMS.get(user.username, {}),
        }
