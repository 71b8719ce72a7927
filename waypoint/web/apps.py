from django.apps import AppConfig
from django.contrib.admin import apps as admin_apps
from django.utils.translation import gettext_lazy as _


class WebConfig(AppConfig):
    name = "waypoint.web"
    verbose_name = _("Staff site")
    default = True


class PlatformAdminConfig(admin_apps.AdminConfig):
    """Django's admin, with the platform administrator's site (two-factor, superusers only)."""

    default = False
    default_site = "waypoint.web.admin_site.PlatformAdminSite"
