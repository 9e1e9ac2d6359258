"""gunicorn settings for `make run`: gevent workers, PORT from env.

Workshop event streams stay open for hours. With gthread workers each open stream holds one
of the worker's threads, so 16 streams stop the whole app; a gevent worker serves every
request, streams included, as a greenlet, so 200 open streams cost memory, not threads.
psycopg 3 notices gevent's monkey-patching and waits cooperatively (README, "Serving").
"""

import gc
import os

bind = f"{os.environ.get('HOST', '127.0.0.1')}:{os.environ.get('PORT', '5000')}"
worker_class = os.environ.get(
    "WEB_WORKER_CLASS", "serving.balanced_worker.BalancedGeventWorker"
)  # gevent, new connections spread evenly (serving/balanced_worker.py)
workers = int(os.environ.get("WEB_WORKERS", "2"))
threads = int(os.environ.get("WEB_THREADS", "8"))  # gthread only
worker_connections = int(os.environ.get("WEB_CONNECTIONS", "1000"))  # gevent only
timeout = 60
# The longest request line gunicorn takes (its default, 4094, answers longer ones with its own
# HTML 414): `GET /api/ideas?ids=` with the 500 ids a request may ask for, of 7 digits at a
# million pins, is about 4,030 bytes, and 8 digits would not fit.
limit_request_line = 8190
# Event streams never finish by themselves: on a restart, give requests in flight a few
# seconds, then close the streams (browsers reconnect with Last-Event-ID and miss nothing).
graceful_timeout = int(os.environ.get("WEB_GRACEFUL_TIMEOUT", "10"))
# One line per request on stdout. WEB_ACCESS_LOG="" turns it off where a proxy in front already
# logs requests: formatting the line took 9.6 % of a worker's CPU (py-spy, `GET /api/categories`
# at 16 clients), even written to /dev/null; off, 660 and 561 of those a second, on, 583 and 481
# (bench.http's `ceiling`, 8 s each, taking turns). That was gunicorn's own logger; this one
# writes the same line for about a third of its CPU (serving/access_log.py).
accesslog = os.environ.get("WEB_ACCESS_LOG", "-") or None
logger_class = "serving.access_log.LeanAccessLogger"
# gunicorn (25.1 and later) opens a control socket for `gunicornc` at one path per user,
# $HOME/.gunicorn/gunicorn.ctl: each server started took the path over from the one before,
# and a server that stopped deleted it whoever held it (gunicorn/ctl/server.py). `make run`
# beside the tests' servers, or two instances on two ports, are such servers. Off, unless
# WEB_CONTROL_SOCKET gives this server a path of its own.
control_socket = os.environ.get("WEB_CONTROL_SOCKET", "") or "gunicorn.ctl"
control_socket_disable = not os.environ.get("WEB_CONTROL_SOCKET")


def post_worker_init(worker: object) -> None:
    """Take what the app allocated at start-up out of the garbage collector's rounds.

    A full collection otherwise scans all of it again, and the worker answers nobody while it
    runs: 108-116 ms per full collection in each worker, against 12-40 ms frozen (bench.http's
    cold views for 12 s, timed by `gc.callbacks`: one run without, two with).
    """
    gc.collect()
    gc.freeze()


def child_exit(server: object, worker: object) -> None:
    """Free the exited worker's slot among the balanced workers' connection counts."""
    from serving.balanced_worker import release_slot

    release_slot(worker.pid)  # type: ignore[attr-defined]
