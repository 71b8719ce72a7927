"""``/reference``: countries, vocabularies, ICCS codes and currencies, with their labels in the
six UN languages. Reference data is public to every API user; it holds no case data."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db.models import Count, QuerySet
from django.http import HttpRequest
from django.utils.translation import gettext as _
from ninja import Query, Router

from waypoint.api.errors import NotFound
from waypoint.api.schemas.common import PageQuery, Text, errors, links
from waypoint.api.schemas.reference import (
    CountryPage,
    CurrencyPage,
    IccsPage,
    TermPage,
    VocabularyPage,
)
from waypoint.reference.models import Country, Currency, IccsCode, Term, Translated

router = Router(tags=["reference"])
ANSWERS = errors(401, 422, 429)


def labels(row: Translated) -> dict[str, str]:
    """The row's label in every language of the site, English where no translation is given."""
    return {code: row.label(code) for code, _name in settings.LANGUAGES}


def page_of(rows: QuerySet[Any], page: PageQuery, item: Any) -> dict[str, Any]:
    return {
        "items": [item(row) for row in rows[page.offset : page.offset + page.limit]],
        "count": rows.count(),
    }


@router.get("/countries", response={200: CountryPage, **ANSWERS}, summary="Countries")
def list_countries(request: HttpRequest, page: Query[PageQuery]) -> dict[str, Any]:
    """ISO 3166-1 countries and areas with their UN M49 regions, by alpha-3 code."""

    def item(country: Country) -> dict[str, Any]:
        return {
            "code": country.alpha3,
            "alpha2": country.alpha2,
            "numeric": country.numeric,
            "labels": labels(country),
            "official_name": country.official_name,
            "m49": country.m49,
            "region": country.region_id,
            "subregion": country.subregion_id,
            "intermediate_region": country.intermediate_region_id,
            "deprecated": country.deprecated,
        }

    return page_of(Country.objects.order_by("alpha3"), page, item)


@router.get("/currencies", response={200: CurrencyPage, **ANSWERS}, summary="Currencies")
def list_currencies(request: HttpRequest, page: Query[PageQuery]) -> dict[str, Any]:
    """ISO 4217 currencies, for fees, fines and assets."""

    def item(currency: Currency) -> dict[str, Any]:
        return {
            "code": currency.code,
            "numeric": currency.numeric,
            "labels": labels(currency),
            "deprecated": currency.deprecated,
        }

    return page_of(Currency.objects.order_by("code"), page, item)


@router.get("/iccs", response={200: IccsPage, **ANSWERS}, summary="ICCS offence codes")
def list_iccs_codes(request: HttpRequest, page: Query[PageQuery]) -> dict[str, Any]:
    """The codes of the International Classification of Crime for Statistical Purposes (2015)
    in scope, with their parents."""

    def item(code: IccsCode) -> dict[str, Any]:
        return {
            "code": code.code,
            "level": code.level,
            "parent": code.parent_id,
            "labels": labels(code),
            "deprecated": code.deprecated,
        }

    return page_of(IccsCode.objects.order_by("code"), page, item)


@router.get(
    "/vocabularies",
    response={200: VocabularyPage, **ANSWERS},
    summary="Vocabularies",
    openapi_extra=links(
        200, ListTerms=("list_terms", "vocabulary", "$response.body#/items/0/code")
    ),
)
def list_vocabularies(request: HttpRequest, page: Query[PageQuery]) -> dict[str, Any]:
    """The controlled vocabularies of the data model, by name, with their number of terms."""
    rows = Term.objects.values("vocabulary").annotate(terms=Count("pk")).order_by("vocabulary")
    return page_of(rows, page, lambda row: {"code": row["vocabulary"], "terms": row["terms"]})


@router.get(
    "/vocabularies/{vocabulary}",
    response={200: TermPage, **errors(401, 404, 422, 429)},
    summary="Terms of a vocabulary",
)
def list_terms(request: HttpRequest, vocabulary: Text, page: Query[PageQuery]) -> dict[str, Any]:
    """The terms of one vocabulary in their order, deprecated ones included (and marked)."""
    terms = Term.objects.filter(vocabulary=vocabulary).order_by("position", "code")
    if not terms.exists():
        raise NotFound(_("There is no vocabulary of this name."))

    def item(term: Term) -> dict[str, Any]:
        return {
            "code": term.code,
            "labels": labels(term),
            "broader": term.parent_code or None,
            "description": term.description,
            "source": term.source,
            "deprecated": term.deprecated,
        }

    return {"vocabulary": vocabulary, **page_of(terms, page, item)}
