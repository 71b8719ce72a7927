from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class VaultConfig(AppConfig):
    name = "waypoint.vault"
    verbose_name = _("Encryption keys")

    def ready(self) -> None:
        from waypoint.vault import checks  # noqa: F401  (registers the system checks)
