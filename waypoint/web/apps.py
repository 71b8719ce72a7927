from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WebConfig(AppConfig):
    name = "waypoint.web"
    verbose_name = _("Staff site")
