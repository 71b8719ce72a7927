"""Platform administration of organisations and memberships (no case content here)."""

from django.contrib import admin

from waypoint.orgs.models import Membership, Organisation


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["user"]


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "type", "country", "is_active"]
    list_filter = ["type", "is_active"]
    search_fields = ["code", "name"]
    readonly_fields = ["public_id", "created_at"]
    inlines = [MembershipInline]


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "organisation", "role", "created_at"]
    list_filter = ["role", "organisation"]
    search_fields = ["user__username", "organisation__code"]
    autocomplete_fields = ["user", "organisation"]
