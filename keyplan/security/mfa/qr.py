"""The QR code an authenticator app scans, drawn on the server as inline SVG (no
script, no image request, and no third party ever sees the secret)."""

import segno
from django.utils.safestring import SafeString, mark_safe


def svg(text: str, title: str) -> SafeString:
    # segno escapes the title and writes only its own markup; a white quiet zone, for
    # scanners, on any page background.
    return mark_safe(segno.make(text, error="m").svg_inline(scale=5, light="#fff", title=title))
