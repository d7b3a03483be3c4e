from django.apps import AppConfig


class IntegrationsConfig(AppConfig):
    name = "gridgov.integrations"
    label = "integrations"
    verbose_name = "对外接口"

    def ready(self):
        from django.db.models.signals import post_delete, post_save

        from gridgov.integrations.devices import forget_vendors
        from gridgov.integrations.models import DeviceVendor

        post_save.connect(forget_vendors, sender=DeviceVendor, dispatch_uid="integrations.forget_vendors")
        post_delete.connect(forget_vendors, sender=DeviceVendor, dispatch_uid="integrations.forget_vendors.del")
