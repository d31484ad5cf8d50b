from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _


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
