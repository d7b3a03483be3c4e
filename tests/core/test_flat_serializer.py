"""core.api.FlatSerializer: per-instance shallow copies of the declared fields must validate and render exactly as
DRF's deep copies do, leave the declared fields untouched, and refuse nested serializers."""

import threading

import pytest
from rest_framework import serializers

from gridgov.cases.api import ReportIn
from gridgov.core.api import FlatSerializer


class Deep(serializers.Serializer):
    """ReportIn's fields through DRF's own deep copy: the yardstick."""

    def get_fields(self):
        return serializers.Serializer.get_fields(self)


Deep._declared_fields = ReportIn._declared_fields  # type: ignore[attr-defined]

CASES = [
    {"description": "路灯不亮", "lon": 120.1, "lat": 30.2},
    {"description": "", "lon": True, "urgency": "soon", "channel": "fax"},
    {"description": "x" * 4001, "title": "t" * 101, "photos": ["not a file"], "is_public": "maybe"},
    {"reporter_phone": "1" * 21, "crs": None, "resolved_on_spot": "yes"},
    {},
]


@pytest.mark.parametrize("data", CASES)
def test_validates_as_drfs_deep_copy_does(data):
    flat, deep = ReportIn(data=data), Deep(data=data)
    assert flat.is_valid() == deep.is_valid()
    assert flat.errors == deep.errors
    assert dict(flat.validated_data if not flat.errors else {}) == dict(deep.validated_data if not deep.errors else {})


def test_each_instance_binds_its_own_copies_and_the_declared_fields_stay_unbound():
    a, b = ReportIn(data={}), ReportIn(data={})
    assert a.fields["description"] is not b.fields["description"]
    assert a.fields["description"].parent is a and b.fields["description"].parent is b
    declared = ReportIn._declared_fields["description"]  # type: ignore[attr-defined]
    assert declared.parent is None and declared.field_name is None and declared.source is None


def test_method_fields_render_through_their_own_instance():
    class Out(FlatSerializer):
        name = serializers.CharField()
        shout = serializers.SerializerMethodField()

        def get_shout(self, obj):
            return obj["name"] + self.context["mark"]

    rows = {}

    def render(i):
        rows[i] = Out({"name": f"第{i}件"}, context={"mark": "!" * (i % 3 + 1)}).data

    threads = [threading.Thread(target=render, args=(i,)) for i in range(20)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert rows == {i: {"name": f"第{i}件", "shout": f"第{i}件" + "!" * (i % 3 + 1)} for i in range(20)}


def test_nested_serializers_are_refused_when_declared():
    class Inner(serializers.Serializer):
        x = serializers.IntegerField()

    with pytest.raises(TypeError, match="plain fields only"):
        type("Nested", (FlatSerializer,), {"inner": Inner()})
    with pytest.raises(TypeError, match="plain fields only"):
        type("Listed", (FlatSerializer,), {"items": serializers.ListField(child=Inner())})
