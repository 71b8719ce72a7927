"""Forms of the organisation administration pages."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth import get_user_model
from django.contrib.auth.validators import UnicodeUsernameValidator
from django.utils.translation import gettext_lazy as _

from waypoint.orgs.models import Organisation, Role

ROLE_HELP = {
    Role.REPORTER: _("records incidents, imports files, decides label changes"),
    Role.ANALYST: _("reads what the organisation may see, statistics"),
    Role.INTAKE_OFFICER: _("triages reports from the public"),
    Role.ORG_ADMIN: _("manages members, partners and approvals"),
    Role.AUDITOR: _("reads the organisation's audit log"),
}


def role_choices() -> list[tuple[str, str]]:
    return [(role.value, f"{role.label} — {ROLE_HELP[role]}") for role in Role]


class Form(forms.Form):
    """A form whose labels end without a colon."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)


class RolesField(forms.MultipleChoiceField):
    widget = forms.CheckboxSelectMultiple

    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("label", _("Roles"))
        kwargs.setdefault("choices", role_choices)
        kwargs.setdefault("error_messages", {"required": _("Choose at least one role.")})
        super().__init__(**kwargs)


class AddMemberForm(Form):
    """Give roles to a user who has an account already."""

    username = forms.CharField(label=_("User name"), max_length=150)
    roles = RolesField()

    def clean_username(self) -> Any:
        username = self.cleaned_data["username"].strip()
        user = get_user_model()._default_manager.filter(username=username).first()
        if user is None:
            raise forms.ValidationError(
                _("No user has this name. Create an account for them below.")
            )
        if user.is_superuser:
            raise forms.ValidationError(
                _("A platform administrator holds no role in an organisation.")
            )
        return user


class NewMemberForm(Form):
    """Create an account with roles; its one-time password is shown once."""

    username = forms.CharField(
        label=_("User name"),
        max_length=150,
        validators=[UnicodeUsernameValidator()],
        help_text=_("Letters, digits and @ . + - _ only."),
    )
    email = forms.EmailField(label=_("E-mail address (optional)"), required=False)
    roles = RolesField()

    def clean_username(self) -> str:
        username = str(self.cleaned_data["username"]).strip()
        if get_user_model()._default_manager.filter(username__iexact=username).exists():
            raise forms.ValidationError(
                _("This user name is taken. To give roles to that user, add them above.")
            )
        return username


class MemberRolesForm(Form):
    roles = RolesField()


class PartnerForm(Form):
    """Start a standing sharing agreement with a partner organisation."""

    partner = forms.ModelChoiceField(
        label=_("Partner organisation"),
        queryset=Organisation.objects.none(),
        to_field_name="code",
        empty_label=_("Choose an organisation"),
    )
    note = forms.CharField(
        label=_("Terms and purpose (optional)"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("For example the agreement's reference. Do not write personal data here."),
    )

    def __init__(self, *args: Any, owner: Organisation, exclude: list[int], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        partner: Any = self.fields["partner"]
        partner.queryset = (
            Organisation.objects.active().exclude(pk=owner.pk).exclude(pk__in=exclude)
        )


class DecisionForm(Form):
    decision = forms.ChoiceField(
        label=_("Decision"), choices=[("approve", _("Approve")), ("reject", _("Reject"))]
    )
    note = forms.CharField(
        label=_("Note (optional)"), required=False, max_length=2000, widget=forms.TextInput()
    )

    @property
    def approve(self) -> bool:
        return self.cleaned_data["decision"] == "approve"
