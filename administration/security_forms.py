"""Forms of two-factor authentication, password resets and the account's security settings."""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib.auth.forms import PasswordResetForm, SetPasswordForm
from django.core.mail import EmailMultiAlternatives
from django.template import loader
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from accounts.models import SessionTimeout, User
from administration.security import password_reset_finish, password_reset_send
from auditlog.http import RequestContext


def _code_field(label: str | Any) -> forms.CharField:
    return forms.CharField(
        label=label,
        max_length=32,
        widget=forms.TextInput(
            attrs={
                "autocomplete": "one-time-code",
                "autofocus": True,
                "spellcheck": "false",
                "autocapitalize": "off",
            }
        ),
    )


class SignInCodeForm(forms.Form):
    code = _code_field(_("Code"))


class TwoFactorEnrolForm(forms.Form):
    code = _code_field(_("Code from your app"))


class TwoFactorDisableForm(forms.Form):
    code = _code_field(_("Code from your app, or a backup code"))


class TwoFactorRequirementForm(forms.Form):
    required = forms.BooleanField(
        label=_("Require two-factor authentication"),
        required=False,
        help_text=_(
            "Everyone in this account signs in with an authenticator app. Members who have not "
            "set one up are led to do so after they sign in, and can open nothing else until "
            "it is done."
        ),
    )


class LoginSettingsForm(forms.Form):
    session_timeout = forms.TypedChoiceField(
        label=_("Session timeout"),
        choices=[("", _("No timeout")), *SessionTimeout.choices],
        coerce=int,
        empty_value=None,
        required=False,
        help_text=_("Sign people out of this account's pages after this long without activity."),
    )


class PasswordResetRequestForm(PasswordResetForm):
    """Django's reset form; each email is sent after commit and recorded (`origin` is set by the
    view before `save`)."""

    origin = RequestContext()

    def send_mail(
        self,
        subject_template_name: str,
        email_template_name: str,
        context: dict[str, Any],
        from_email: str | None,
        to_email: str,
        html_email_template_name: str | None = None,
    ) -> None:
        user: User = context["user"]
        # The person is not signed in: their own language if they chose one, else this page's.
        with translation.override(user.language or translation.get_language()):
            subject = "".join(loader.render_to_string(subject_template_name, context).splitlines())
            body = loader.render_to_string(email_template_name, context)
        message = EmailMultiAlternatives(subject, body, from_email, [to_email])
        password_reset_send(
            user=user,
            message=message,
            ip=self.origin.ip,
            user_agent=self.origin.user_agent,
            url=self.origin.url,
        )


class NewPasswordForm(SetPasswordForm):
    """Django's set-password form of the reset link; the change is recorded (see `origin`)."""

    origin = RequestContext()

    def save(self, commit: bool = True) -> Any:
        return password_reset_finish(
            user=self.user,
            password=self.cleaned_data["new_password1"],
            ip=self.origin.ip,
            user_agent=self.origin.user_agent,
            url=self.origin.url,
        )
