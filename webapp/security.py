"""Security headers on every answer.

The Content-Security-Policy allows scripts and styles from this site only, plus one inline
snippet by its hash: GOV.UK Frontend's one-line ``js-enabled`` script in its page template.
A hash instead of a per-request nonce keeps public pages identical for everyone, so they can
be cached. (The map's zoom buttons are the page's own, so svg-pan-zoom adds no ``<style>``.)
"""

from __future__ import annotations

import base64
import hashlib

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

#: The inline script of govuk_frontend_jinja's template.html (GOV.UK Frontend 6.3).
GOVUK_INLINE_SCRIPT = ("document.body.className += ' js-enabled' + ('noModule' in "
                       "HTMLScriptElement.prototype ? ' govuk-frontend-supported' : '');")


def csp_hash(text: str) -> str:
    """Return the CSP source expression allowing an inline script or style by its hash."""
    digest = base64.b64encode(hashlib.sha256(text.encode("utf-8")).digest()).decode("ascii")
    return f"'sha256-{digest}'"


CONTENT_SECURITY_POLICY = (
    "default-src 'self'; img-src 'self' data:; style-src 'self'; "
    f"script-src 'self' {csp_hash(GOVUK_INLINE_SCRIPT)}; object-src 'none'; base-uri 'none'; "
    "frame-ancestors 'none'; form-action 'self'")


def init_app(app: Flask) -> None:
    """Add security headers to every response; trust proxy headers only when configured.

    Behind a load balancer set ``PROXY_FIX_X_FOR`` to the number of proxies, so the sign-in
    rate limit counts each person's own address rather than the balancer's.
    """
    if app.config["PROXY_FIX_X_FOR"]:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=app.config["PROXY_FIX_X_FOR"],
                                x_proto=1, x_host=0)

    @app.after_request
    def headers(response):
        response.headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("X-Frame-Options", "DENY")
        response.headers.setdefault("Referrer-Policy", "strict-origin-when-cross-origin")
        response.headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
        if app.config["PATHWAYS_ENV"] == "production":
            response.headers.setdefault("Strict-Transport-Security",
                                        "max-age=31536000; includeSubDomains")
        return response
