from unittest import mock

import pytest
from django.db import connection
from django.db.utils import OperationalError

import gridgov


@pytest.mark.django_db
def test_healthz_ok(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": connection.vendor, "version": gridgov.__version__}


@pytest.mark.django_db
def test_healthz_503_when_database_unreachable(client):
    with mock.patch.object(connection, "cursor", side_effect=OperationalError("connection refused")):
        response = client.get("/healthz")
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "error" and "connection refused" in body["reason"]
