from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReferenceConfig(AppConfig):
    name = "waypoint.reference"
    verbose_name = _("Reference data")

    def ready(self) -> None:
        from waypoint.reference import signals  # noqa: F401  (registers cache invalidation)
