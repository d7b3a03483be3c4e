from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "gridgov.accounts"
    label = "accounts"
    verbose_name = "用户与权限"

    def ready(self):
        from gridgov.accounts import schema, signals  # noqa: F401 - registered by being imported
