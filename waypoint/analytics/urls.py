"""The statistics pages, under /statistics/."""

from django.urls import URLPattern, URLResolver, path, re_path

from waypoint.analytics import views

TABLE = r"^(?P<table_id>[a-z0-9_]+)/"

urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.statistics_index, name="statistics"),
    # The explorer (any breakdown, charts and maps, drill-down) goes here, before the tables'
    # addresses, named "statistics_explorer": the index links to it as soon as it resolves.
    path("<slug:table_id>/", views.statistics_table, name="statistics_table"),
    re_path(
        TABLE + r"table\.(?P<fmt>csv|xlsx)$", views.statistics_download, name="statistics_download"
    ),
    re_path(TABLE + r"chart\.(?P<fmt>svg|png)$", views.statistics_chart, name="statistics_chart"),
]
