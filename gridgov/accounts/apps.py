from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "gridgov.accounts"
    label = "accounts"
    verbose_name = "用户与权限"

    def ready(self):
        from django.db.models.signals import post_delete, post_save

        from gridgov.accounts import schema, signals  # noqa: F401 - registered by being imported
        from gridgov.accounts.authentication import forget_tokens
        from gridgov.accounts.models import ApiToken, User

        for model in (ApiToken, User):
            for signal in (post_save, post_delete):
                signal.connect(forget_tokens, sender=model, dispatch_uid=f"forget-tokens-{model.__name__}-{id(signal)}")
