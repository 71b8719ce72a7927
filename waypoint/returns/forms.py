"""Forms of the returns pages: a new return, the decision on a submission, a revision's reason
and the choice of returns to download. The figures of a draft have a form of their own
(``returns.entry``)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django import forms
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy

from waypoint.orgs.models import Organisation
from waypoint.returns import validation
from waypoint.returns.exports import ReturnFilters
from waypoint.returns.models import Questionnaire, Status
from waypoint.returns.periods import Period, PeriodError, PeriodKind

MAX_REASON = 2000


class Form(forms.Form):
    """A form whose labels end without a colon."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)


# Starting a return, deciding on one, revising one ------------------------------------------------


class NewReturnForm(Form):
    organisation = forms.ChoiceField(label=gettext_lazy("Organisation"))
    questionnaire = forms.ChoiceField(label=gettext_lazy("Questionnaire"))
    period = forms.CharField(
        label=gettext_lazy("Period"),
        max_length=20,
        help_text=gettext_lazy(
            "A year (2024), a quarter (2024-Q2) or a month (2024-03), as the questionnaire asks."
        ),
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false", "size": 10}),
    )

    def __init__(
        self,
        data: Any = None,
        *,
        organisations: Sequence[Organisation],
        questionnaires: Sequence[Questionnaire],
    ) -> None:
        super().__init__(data, prefix="new")
        self.organisations = {org.code: org for org in organisations}
        self.questionnaires = {q.code: q for q in questionnaires}
        organisation: Any = self.fields["organisation"]
        organisation.choices = [(org.code, f"{org.name} ({org.code})") for org in organisations]
        if len(organisations) == 1:
            # Nothing to choose: the field is left out of the page.
            organisation.required = False
            organisation.initial = organisations[0].code
        questionnaire: Any = self.fields["questionnaire"]
        questionnaire.choices = [
            (q.code, _("%(name)s — one per %(kind)s") % {"name": q, "kind": kind_label(q)})
            for q in questionnaires
        ]

    @property
    def several(self) -> bool:
        return len(self.organisations) > 1

    def clean_organisation(self) -> str:
        code = str(self.cleaned_data.get("organisation") or "")
        if not code and len(self.organisations) == 1:
            return next(iter(self.organisations))
        return code

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        questionnaire = self.questionnaires.get(cleaned.get("questionnaire") or "")
        period = cleaned.get("period")
        if questionnaire is None or not period:
            return cleaned
        found = validation.check(questionnaire, period, [])
        for finding in found:
            self.add_error("period", finding.message)
        if not found:
            cleaned["period"] = str(Period.parse(period))
        return cleaned

    @property
    def chosen_organisation(self) -> Organisation:
        return self.organisations[self.cleaned_data["organisation"]]

    @property
    def chosen_questionnaire(self) -> Questionnaire:
        return self.questionnaires[self.cleaned_data["questionnaire"]]


def kind_label(questionnaire: Questionnaire) -> str:
    return PeriodKind(questionnaire.period_kind).label


class DecisionForm(Form):
    decision = forms.ChoiceField(
        label=gettext_lazy("Decision"),
        choices=[("approve", gettext_lazy("Approve")), ("send_back", gettext_lazy("Send back"))],
    )

    @property
    def approve(self) -> bool:
        return self.cleaned_data["decision"] == "approve"


class RevisionForm(Form):
    reason = forms.CharField(
        label=gettext_lazy("Why is the return revised?"),
        max_length=MAX_REASON,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=gettext_lazy(
            "Kept with the new version and shown to everyone who may read the return."
        ),
        error_messages={"required": gettext_lazy("Say why the return is revised.")},
    )


# Downloading returns -----------------------------------------------------------------------------


#: The choice that does not narrow the download.
ANY = pgettext_lazy("a choice that does not filter", "any")


class ExportForm(Form):
    """Which of the returns the user may read to download; nothing chosen means all of them."""

    questionnaire = forms.ChoiceField(label=gettext_lazy("Questionnaire"), required=False)
    period = forms.CharField(
        label=gettext_lazy("Period"),
        required=False,
        max_length=20,
        help_text=gettext_lazy("A year (2024), a quarter (2024-Q2) or a month (2024-03)."),
        widget=forms.TextInput(attrs={"autocomplete": "off", "spellcheck": "false", "size": 10}),
    )
    organisation = forms.ChoiceField(label=gettext_lazy("Organisation"), required=False)
    status = forms.ChoiceField(
        label=gettext_lazy("Status"),
        required=False,
        choices=[("", ANY), *Status.choices],
        help_text=gettext_lazy(
            "Drafts and returns awaiting approval are your own organisation's only."
        ),
    )

    def __init__(
        self,
        data: Any = None,
        *,
        questionnaires: Sequence[Questionnaire],
        organisations: Sequence[Organisation],
    ) -> None:
        super().__init__(data, auto_id="id_export_%s")
        questionnaire: Any = self.fields["questionnaire"]
        questionnaire.choices = [("", ANY)] + [(q.code, str(q)) for q in questionnaires]
        organisation: Any = self.fields["organisation"]
        organisation.choices = [("", ANY)] + [
            (org.code, f"{org.name} ({org.code})") for org in organisations
        ]

    def clean_period(self) -> str:
        text = str(self.cleaned_data.get("period") or "").strip()
        if not text:
            return ""
        try:
            return str(Period.parse(text))
        except PeriodError as error:
            raise forms.ValidationError(str(error)) from error

    @property
    def filters(self) -> ReturnFilters:
        data = self.cleaned_data
        return ReturnFilters(
            questionnaire=data.get("questionnaire") or "",
            period=data.get("period") or "",
            organisation=data.get("organisation") or "",
            status=data.get("status") or "",
        )
