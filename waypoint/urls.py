"""Staff site URLs and the REST API. The public intake site has its own URLconf."""

from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/v1/", include("waypoint.api.urls")),
    path("incidents/", include("waypoint.cases.urls")),
    path("imports/", include("waypoint.bulk.urls")),
    path("statistics/", include("waypoint.analytics.urls")),
    path("returns/", include("waypoint.returns.urls")),
    path("organisation/", include("waypoint.orgs.urls")),
    path("audit/", include("waypoint.audit.urls")),
    path("", include("waypoint.web.urls")),
]
