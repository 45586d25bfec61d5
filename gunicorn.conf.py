"""Gunicorn settings for production: ``gunicorn 'webapp:create_app()'`` reads this file.

Environment: PORT (default 8000), WEB_CONCURRENCY (workers, default 2), plus the app's
own settings (DATABASE_URL, SECRET_KEY, REDIS_URL, PATHWAYS_ENV; see the README).
"""

import os

wsgi_app = "webapp:create_app()"
bind = f"{os.environ.get('HOST', '0.0.0.0')}:{os.environ.get('PORT', '8000')}"
workers = int(os.environ.get("WEB_CONCURRENCY", "2"))
threads = int(os.environ.get("GUNICORN_THREADS", "1"))
timeout = 30
graceful_timeout = 20
keepalive = 5
accesslog = "-"
errorlog = "-"
# Trust X-Forwarded-* only from the load balancer in front (set FORWARDED_ALLOW_IPS).
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
