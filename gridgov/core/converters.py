"""URL converters. `<id:pk>`: a database id of at most 18 digits, so that a longer number is a 404 like any unknown
id instead of an overflow in the database driver."""

from django.urls.converters import IntConverter


class IdConverter(IntConverter):
    regex = "[1-9][0-9]{0,17}"
