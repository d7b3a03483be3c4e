"""The busiest API lists cost a fixed number of queries, however many rows they return (no N+1)."""

import pytest

from gridgov.people.services import resident_create
from tests.conftest import fix_id


@pytest.mark.parametrize("url", ["/api/v1/residents/", "/api/v1/regions/", "/api/v1/org-units/",
                                 "/api/v1/buildings/", "/api/v1/organisations/"])
def test_list_query_count_does_not_grow_with_rows(world, api, django_assert_max_num_queries, url):
    client = api(world.admin)
    with django_assert_max_num_queries(8):
        client.get(url, {"page_size": 200})
    for k in range(20):
        resident_create(actor=None, grid=world.grid_a_west, name=f"居民{k}", id_number=fix_id(f"44010619900101{k:03d}"),
                        focus_groups=["disabled"])
    with django_assert_max_num_queries(8):
        r = client.get(url, {"page_size": 200})
    assert r.status_code == 200
