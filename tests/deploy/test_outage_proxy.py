"""Issue 27, item 2: behind the shipped nginx site, the app's own outage pages reach the person.

nginx once counted an app's 503 against its host (``proxy_next_upstream http_503`` with
``max_fails=2``): during a database stop a few of them marked every host down, and from
then on a send got nginx's bare "502 Bad Gateway" instead of the check page with the
answers and "Try sending again". Here the database (a PostgreSQL cluster of the test's
own) is stopped under the real site file and two app hosts: every send shows the check
page with the answers, never a 502, and once it is back the same button sends the report.
"""
from __future__ import annotations

import os
import shutil
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
import requests

from reporting import create_app
from reporting.extensions import db
from tests.conftest import SECRET, base_config, migrate
from tests.deploy.conftest import require
from tests.deploy.stack import (
    RECEIPT, TEXT_ANSWER, AppHost, Cluster, Nginx, answer, app_environment, free_port, main_form,
    make_certificates, parse_forms, postgres_available, walk_to,
)

pytestmark = pytest.mark.deploy

CHECK_HEADING = "Check your answers before sending your report"


@dataclass
class OutageStack:
    cluster: Cluster
    nginx: Nginx
    hosts: list[AppHost]
    ca: Path


@pytest.fixture(scope="module")
def outage_stack(deploy_folder: Path) -> Iterator[OutageStack]:
    require(postgres_available(), "PostgreSQL's server (/usr/lib/postgresql/15/bin)")
    from reporting.keys import services as key_services

    # Its own folder: PostgreSQL runs as its own user, which must reach it (pytest's are private).
    folder = Path(tempfile.mkdtemp(prefix="outage-"))
    os.chmod(folder, 0o755)
    cluster = Cluster(folder / "pg")
    hosts: list[AppHost] = []
    nginx: Nginx | None = None
    try:
        cluster.init()
        app = create_app(base_config(folder, cluster.url))
        migrate(app)
        with app.app_context():
            key_services.init_keys()
            db.session.commit()
            db.engine.dispose()
        ca, cert, key = make_certificates(deploy_folder / "tls")
        env = app_environment(cluster.url, folder / "instance", SECRET, RATELIMIT_STORAGE_URI="memory://")
        hosts = [AppHost(free_port(), env, deploy_folder / f"outage-host{n}.log", workers=1) for n in (1, 2)]
        for host in hosts:
            host.launch()
        for host in hosts:
            host.wait()
        nginx = Nginx(deploy_folder / "outage-nginx", [h.port for h in hosts], cert, key).start()
        yield OutageStack(cluster, nginx, hosts, ca)
    finally:
        if nginx:
            nginx.stop()
        for host in hosts:
            host.stop()
        cluster.stop("immediate")
        shutil.rmtree(folder, ignore_errors=True)


def test_a_send_during_a_database_stop_shows_the_check_page_with_the_answers_never_a_502(outage_stack):
    session = requests.Session()
    session.trust_env = False
    session.verify = str(outage_stack.ca)
    base = outage_stack.nginx.base
    check = walk_to(session, base, "/report/check")
    assert TEXT_ANSWER in check.text
    form = main_form(parse_forms(check.text), check.url)
    assert form is not None
    press_send = answer(form, fill_text=False)  # the page's own fields: its token and sealed copy

    outage_stack.cluster.stop("fast")
    try:
        # A look at a question or two (reloaded), then send pressed again and again: more app
        # 503s than max_fails on each host, and none of them takes a host out.
        looks = [session.get(base + "/report/who", timeout=30) for _ in range(6)]
        sends = [session.post(base + "/report/check", data=press_send, timeout=30) for _ in range(6)]
    finally:
        outage_stack.cluster.start()
    for response in looks:
        assert response.status_code == 503, (response.status_code, response.text[:300])
        assert "Sorry, the service is unavailable" in response.text
    for response in sends:
        assert response.status_code == 503, (response.status_code, response.text[:300])
        assert CHECK_HEADING in response.text and TEXT_ANSWER in response.text
        assert "Try sending again" in response.text

    # The database is back: the same button sends the report, once, and shows its receipt.
    sent = session.post(base + "/report/check", data=press_send, timeout=30)
    assert sent.status_code == 200, sent.status_code
    assert RECEIPT.search(sent.text), sent.text[:500]
