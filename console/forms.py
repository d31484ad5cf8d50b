from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from console.models import Sharing


class SavedViewForm(forms.Form):
    name = forms.CharField(label=_("View name"), max_length=80)
    sharing = forms.ChoiceField(
        label=_("Sharing"),
        choices=Sharing.choices,
        initial=Sharing.PRIVATE,
        widget=forms.RadioSelect,
    )

    def __init__(self, *args: Any, with_sharing: bool = True, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["name"].widget.attrs.update({"autofocus": True, "autocomplete": "off"})
        if not with_sharing:
            del self.fields["sharing"]


class SharingForm(forms.Form):
    sharing = forms.ChoiceField(
        label=_("Who can see this view"), choices=Sharing.choices, widget=forms.RadioSelect
    )


class AlertSettingsForm(forms.Form):
    multiple_exports = forms.BooleanField(
        label=_("Multiple exports"),
        required=False,
        help_text=_("Notify me when a large number of exports is logged in one day."),
    )
    multiple_exports_threshold = forms.IntegerField(
        label=_("Exports per day"), min_value=1, max_value=100_000, initial=10
    )
    removed_admin_rights = forms.BooleanField(
        label=_("Removed admin rights"),
        required=False,
        help_text=_("Notify me at once when a user's admin rights are removed."),
    )
