"""gunicorn settings for every app host: `gunicorn -c deploy/gunicorn.conf.py --bind 127.0.0.1:8000 wsgi:app`.

Threaded workers (gthread): a client that declares a body and never sends it holds one
thread, not a whole worker, so a handful of slow clients cannot stall the service
(measured in tests/deploy/test_slow_clients.py). nginx in front buffers bodies and
times out slow clients as well; the app warns at start when no proxy is configured.
"""
import os

worker_class = "gthread"
workers = int(os.environ.get("WEB_CONCURRENCY", "2"))
# A client that declares a body and never sends it holds a thread for as long as it likes
# (gunicorn has no body timeout; nginx in front has one). 32 threads a worker: even if 16 such
# clients all land on one worker, it still answers everyone else (tests/deploy/test_slow_clients.py).
# The database pool (5 + 10 overflow a process) is not raised with it: a thread waiting on a slow
# body holds no connection, and requests beyond the pool wait their turn.
threads = int(os.environ.get("REPORTING_GUNICORN_THREADS", "32"))
# A worker whose main loop is stuck this long is restarted (threads waiting on slow bodies are not).
timeout = 30
graceful_timeout = 20
keepalive = 5
# Memory stays bounded over weeks: workers are replaced now and then, at different times.
max_requests = 2000
max_requests_jitter = 200
# No access log: gunicorn's default format starts with the client address, which must
# never be logged for public pages (README and docs/design.md, promise 2). Errors go to stderr.
accesslog = None
errorlog = "-"
loglevel = "info"
# Only the proxy on this host may say a request came over HTTPS.
forwarded_allow_ips = "127.0.0.1"
limit_request_line = 8190
limit_request_fields = 100
