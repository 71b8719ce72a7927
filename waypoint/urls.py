"""Staff site URLs. The public intake site has its own URLconf."""

from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("admin/", admin.site.urls),
    path("incidents/", include("waypoint.cases.urls")),
    path("audit/", include("waypoint.audit.urls")),
    path("", include("waypoint.web.urls")),
]
