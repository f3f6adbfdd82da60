"""Issue 27: nginx closes an idle connection to an app host before the host does.

With nginx's default upstream keepalive_timeout (60 s) and gunicorn's keepalive of 5 s, a
request can be written into a connection the host has just closed; nginx never retries a
POST on another host, so the person meets nginx's bare 502 (one `make prove` run in fifteen
met 36 of them in its database-restart phase, when the hosts' connections sat idle).
"""
from __future__ import annotations

import re
import runpy

from reporting import ROOT


def _seconds(value: str) -> float:
    number, unit = re.fullmatch(r"(\d+)(ms|s|m)?", value).groups()  # type: ignore[union-attr]
    return int(number) * {"ms": 0.001, "s": 1, "m": 60, None: 1}[unit]


def test_nginx_drops_an_idle_upstream_connection_before_gunicorn_does():
    site = (ROOT / "deploy" / "nginx" / "reporting.conf").read_text(encoding="utf-8")
    upstream = re.search(r"upstream reporting_app \{(.*?)\}", site, re.S)
    assert upstream is not None
    found = re.search(r"^\s*keepalive_timeout\s+(\S+);", upstream.group(1), re.M)
    assert found is not None, "the upstream block sets no keepalive_timeout: nginx keeps idle connections 60 s"
    gunicorn = runpy.run_path(str(ROOT / "deploy" / "gunicorn.conf.py"))
    assert _seconds(found.group(1)) < gunicorn["keepalive"]
