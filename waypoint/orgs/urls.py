"""Organisation administration, under /organisation/."""

from django.urls import URLPattern, URLResolver, path

from waypoint.orgs import views

urlpatterns: list[URLPattern | URLResolver] = [
    path("", views.org_admin, name="org_admin"),
    path("<str:code>/", views.org_members, name="org_members"),
    path("<str:code>/add-member/", views.org_member_add, name="org_member_add"),
    path("<str:code>/new-member/", views.org_member_create, name="org_member_create"),
    path("<str:code>/members/<str:username>/", views.org_member, name="org_member"),
    path(
        "<str:code>/members/<str:username>/remove/",
        views.org_member_remove,
        name="org_member_remove",
    ),
    path("<str:code>/partners/", views.org_partners, name="org_partners"),
    path(
        "<str:code>/partners/<str:partner>/revoke/",
        views.org_partner_revoke,
        name="org_partner_revoke",
    ),
    path("<str:code>/approvals/", views.org_approvals, name="org_approvals"),
    path(
        "<str:code>/approvals/<uuid:record_id>/",
        views.org_approval_decide,
        name="org_approval_decide",
    ),
]
