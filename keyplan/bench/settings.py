"""Settings of the server `keyplan bench` starts for itself: the application's, with
the bench's URLs (the bare view beside the application's own)."""

from keyplan.settings import *  # noqa: F403

ROOT_URLCONF = "keyplan.bench.urls"
