"""Security headers on every answer, with a per-request nonce for the one inline script."""

from __future__ import annotations

import secrets

from flask import Flask, g

#: The one inline <style> svg-pan-zoom 3.6.2 adds for its zoom controls, allowed by its hash.
PAN_ZOOM_STYLE = "'sha256-NZLQvdTTZtrktFDkzPeufcUBlW9EwQVrDp/YV7nMphM='"


def init_app(app: Flask) -> None:
    """Add a CSP nonce to templates and security headers to responses."""

    @app.before_request
    def make_nonce():
        g.csp_nonce = secrets.token_urlsafe(16)

    @app.context_processor
    def nonce():
        return {"cspNonce": g.get("csp_nonce", "")}

    @app.after_request
    def headers(response):
        nonce = g.get("csp_nonce", "")
        response.headers.setdefault("Content-Security-Policy", (
            f"default-src 'self'; img-src 'self' data:; style-src 'self' {PAN_ZOOM_STYLE}; "
            f"script-src 'self' 'nonce-{nonce}'; object-src 'none'; base-uri 'none'; "
            "frame-ancestors 'none'; form-action 'self'"))
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("X-Frame-Options", "DENY")
        response.headers.setdefault("Referrer-Policy", "strict-origin-when-cross-origin")
        response.headers.setdefault("Cross-Origin-Opener-Policy", "same-origin")
        if app.config["PATHWAYS_ENV"] == "production":
            response.headers.setdefault("Strict-Transport-Security",
                                        "max-age=31536000; includeSubDomains")
        return response
