"""Django's PostgreSQL backend, with one difference for the tables partitioned by month (core.partitions; a model
says so with `PARTITION_COLUMN`): their primary key is (id, month column), so PostgreSQL cannot tell that the other
columns follow from the id alone, and a GROUP BY must name every column selected rather than only the id (Django's
shortcut for ordinary tables; without this an annotated query over cases fails with "must appear in the GROUP BY
clause")."""

from django.db.backends.postgresql import base, features


class DatabaseFeatures(features.DatabaseFeatures):
    def allows_group_by_selected_pks_on_model(self, model) -> bool:
        return super().allows_group_by_selected_pks_on_model(model) and not getattr(model, "PARTITION_COLUMN", "")


class DatabaseWrapper(base.DatabaseWrapper):
    features_class = DatabaseFeatures
