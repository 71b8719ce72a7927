"""The statistics pages, under /statistics/."""

from django.urls import URLPattern, URLResolver, path, re_path

from waypoint.analytics import views

TABLE = r"^(?P<table_id>[a-z0-9_]+)/"

urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.statistics_index, name="statistics"),
    # The explorer before the tables, whose ids it cannot be.
    path("explorer/", views.statistics_explorer, name="statistics_explorer"),
    path(
        "explorer/incidents/",
        views.statistics_explorer_incidents,
        name="statistics_explorer_incidents",
    ),
    re_path(
        r"^explorer/table\.(?P<fmt>csv|xlsx)$",
        views.statistics_explorer_download,
        name="statistics_explorer_download",
    ),
    re_path(
        r"^explorer/chart\.(?P<fmt>svg|png)$",
        views.statistics_explorer_chart,
        name="statistics_explorer_chart",
    ),
    path("<slug:table_id>/", views.statistics_table, name="statistics_table"),
    re_path(
        TABLE + r"table\.(?P<fmt>csv|xlsx)$",
        views.statistics_table_download,
        name="statistics_download",
    ),
    re_path(
        TABLE + r"chart\.(?P<fmt>svg|png)$", views.statistics_table_chart, name="statistics_chart"
    ),
]
