from __future__ import annotations

import json
from typing import Any

from flask.testing import FlaskClient

from tests.stats.conftest import RANGE


def tables(client: FlaskClient, **args: str) -> dict[str, dict[str, list[Any]]]:
    """Every table of the page, as the JSON export gives it: table id -> row code -> values."""
    response = client.get("/stats/export.json", query_string=RANGE | args)
    assert response.status_code == 200, response.status_code
    document = json.loads(response.data)
    assert document["schema"] == "hcr-stats/1"
    return {t["id"]: {r["code"]: r["values"] for r in t["rows"]} for t in document["tables"]}


def column(table: dict[str, list[Any]], index: int = 0) -> dict[str, Any]:
    return {code: values[index] for code, values in table.items()}
