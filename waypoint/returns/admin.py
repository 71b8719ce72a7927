"""Platform administration of the returns' reference data: indicators, questionnaires and
reporting communities. Returns themselves are organisations' data and are not shown here."""

from django.contrib import admin

from waypoint.returns.models import Indicator, Questionnaire, QuestionnaireItem, ReportingCommunity


@admin.register(Indicator)
class IndicatorAdmin(admin.ModelAdmin):
    list_display = ["code", "unit", "period_kind", "source", "deprecated"]
    list_filter = ["unit", "period_kind", "deprecated"]
    search_fields = ["code", "source"]


class ItemInline(admin.TabularInline):
    model = QuestionnaireItem
    extra = 1
    ordering = ["position"]


@admin.register(Questionnaire)
class QuestionnaireAdmin(admin.ModelAdmin):
    list_display = ["code", "period_kind"]
    inlines = [ItemInline]


@admin.register(ReportingCommunity)
class ReportingCommunityAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "window"]
    filter_horizontal = ["members"]
