"""The API at /api/v1/: its routers, authentication, errors and schema."""

from ninja import NinjaAPI
from ninja.openapi.docs import Swagger

from keyplan.api import accounts, conflicts, insights, problems, records, snoozes
from keyplan.api.auth import SessionAuth, TokenAuth


class KeyplanAPI(NinjaAPI):
    def get_openapi_schema(self, *args, **kwargs):
        """Error responses are problem documents: say so in the schema."""
        schema = super().get_openapi_schema(*args, **kwargs)
        for operations in schema.get("paths", {}).values():
            for operation in operations.values():
                for status, answer in operation.get("responses", {}).items():
                    content = answer.get("content", {})
                    if str(status).startswith(("4", "5")) and "application/json" in content:
                        answer["content"] = {problems.MEDIA_TYPE: content["application/json"]}
        return schema


api = KeyplanAPI(
    title="keyplan API",
    version="1",
    description=(
        "The account plans of keyplan. Authenticate with a personal API token "
        "(`Authorization: Bearer <token>`, from `keyplan token create`) or, in the "
        "browser, with your session. Every record read carries an ETag; a change must "
        "send it as If-Match or the record's `version` in the body. Errors are RFC 9457 "
        "problem documents."
    ),
    urls_namespace="api-v1",
    auth=[TokenAuth(), SessionAuth()],
    docs=Swagger(settings={"validatorUrl": None}),  # no call to an outside validator
    docs_url="/docs",
    openapi_url="/openapi.json",
)
problems.install(api)
api.add_router("/accounts", accounts.router)
api.add_router("/accounts", records.router)
api.add_router("/accounts", snoozes.router)
api.add_router("/accounts", conflicts.router)
api.add_router("", insights.router)
