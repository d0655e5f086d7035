"""python -m tests.security.provider.serve: the test OpenID Provider on a free port of
127.0.0.1. Prints one JSON line, {"issuer": ...}, once it answers; runs until ended."""

import json
import os


def main() -> None:
    from django.core.servers.basehttp import ThreadedWSGIServer, WSGIRequestHandler

    # The port first: the issuer, in the settings, names it.
    server = ThreadedWSGIServer(("127.0.0.1", 0), WSGIRequestHandler)
    issuer = f"http://127.0.0.1:{server.server_port}/o"
    os.environ["PROVIDER_ISSUER"] = issuer

    import django

    django.setup()
    from django.contrib.auth.models import User
    from django.core.management import call_command
    from django.core.wsgi import get_wsgi_application
    from oauth2_provider.models import Application

    call_command("migrate", verbosity=0)
    for seeded in json.loads(os.environ["PROVIDER_USERS"]):
        User.objects.create_user(seeded["username"], seeded["email"], seeded["password"])
    client = json.loads(os.environ["PROVIDER_CLIENT"])
    Application.objects.create(
        name="keyplan",
        client_id=client["id"],
        client_secret=client["secret"],
        client_type=Application.CLIENT_CONFIDENTIAL,
        authorization_grant_type=Application.GRANT_AUTHORIZATION_CODE,
        redirect_uris=client["redirect_uri"],
        algorithm=Application.RS256_ALGORITHM,
        skip_authorization=True,
    )
    server.set_app(get_wsgi_application())
    print(json.dumps({"issuer": issuer}), flush=True)
    server.serve_forever()


if __name__ == "__main__":
    main()
