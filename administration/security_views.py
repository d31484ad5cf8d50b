"""Security pages: the sign-in's code step, the person's two-factor authentication, password
resets by email, and the account's Settings → Security (super admins)."""

from __future__ import annotations

from typing import Any

import segno
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.shortcuts import redirect, render, resolve_url
from django.template.response import TemplateResponse
from django.urls import reverse, reverse_lazy
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_http_methods, require_POST

from accounts.errors import DomainError
from accounts.http import AccountRequest, UserRequest
from accounts.permissions import super_admin_required
from administration.security import (
    backup_codes_left,
    code_refusal_message,
    members_without_two_factor,
    session_timeout_update,
    sign_in_finish,
    totp_config_url,
    totp_key_new,
    totp_key_valid,
    totp_secret_text,
    two_factor_disable,
    two_factor_enable,
    two_factor_enabled,
    two_factor_requirement_update,
    two_factor_requiring_accounts,
)
from administration.security_forms import (
    LoginSettingsForm,
    NewPasswordForm,
    PasswordResetRequestForm,
    SignInCodeForm,
    TwoFactorDisableForm,
    TwoFactorEnrolForm,
    TwoFactorRequirementForm,
)
from administration.signin import sign_in_pending, sign_in_pending_clear
from auditlog.http import request_context

# The secret of an enrolment in progress: in the session until a code confirms it.
ENROL_KEY = "two_factor_enrol_key"
TEMPLATES = "administration/security/"


@require_http_methods(["GET", "POST"])
def sign_in_code(request: HttpRequest) -> HttpResponse:
    """The second step of signing in: the code of the person whose password was right."""
    if request.user.is_authenticated:
        return redirect(settings.LOGIN_REDIRECT_URL)
    pending = sign_in_pending(request)
    if pending is None:
        messages.info(request, _("Sign in again to continue."))
        return redirect(settings.LOGIN_URL)
    form = SignInCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        check = sign_in_finish(
            request=request,
            user=pending.user,
            backend=pending.backend,
            code=form.cleaned_data["code"],
        )
        if check.accepted:
            sign_in_pending_clear(request)
            return HttpResponseRedirect(
                pending.next_url or resolve_url(settings.LOGIN_REDIRECT_URL)
            )
        if getattr(request, "axes_locked_out", False):
            # django-axes' middleware answers with the lockout page; the password comes first
            # again after the wait.
            sign_in_pending_clear(request)
        else:
            form.add_error("code", code_refusal_message(check))
    return render(
        request,
        TEMPLATES + "sign_in_code.html",
        {"form": form, "email": pending.user.email},
        status=400 if request.method == "POST" else 200,
    )


@login_required
@require_http_methods(["GET"])
def two_factor(request: UserRequest) -> HttpResponse:
    """The person's two-factor authentication: on (with backup codes left, and how to turn it
    off) or off (with how to set it up)."""
    user = request.user
    enabled = two_factor_enabled(user=user)
    return render(
        request,
        TEMPLATES + "two_factor.html",
        {
            "enabled": enabled,
            "codes_left": backup_codes_left(user=user) if enabled else 0,
            "required_by": two_factor_requiring_accounts(user=user),
            "disable_form": TwoFactorDisableForm(),
        },
    )


def _qr_svg(url: str) -> str:
    # Drawn here as inline SVG: no script, no image service sees the secret.
    return mark_safe(segno.make(url, error="m").svg_inline(scale=4, border=2, dark="#111827"))


@login_required
@require_http_methods(["GET", "POST"])
def two_factor_enrol(request: UserRequest) -> HttpResponse:
    """Set up an authenticator app: scan the QR code (or type the secret), enter its code, keep
    the backup codes shown once."""
    user = request.user
    if two_factor_enabled(user=user):
        messages.info(request, _("Two-factor authentication is already on."))
        return redirect("two_factor")
    key = request.session.get(ENROL_KEY)
    if request.method == "POST" and not totp_key_valid(key):
        messages.error(request, _("The set-up expired. Scan the new QR code and enter its code."))
        return redirect("two_factor_enrol")
    if not totp_key_valid(key):
        key = totp_key_new()
        request.session[ENROL_KEY] = key
    assert isinstance(key, str)
    form = TwoFactorEnrolForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        context = request_context(request)
        try:
            codes = two_factor_enable(
                user=user,
                key=key,
                code=form.cleaned_data["code"],
                ip=context.ip,
                user_agent=context.user_agent,
                url=context.url,
            )
        except DomainError as refusal:
            form.add_error("code", str(refusal))
        else:
            request.session.pop(ENROL_KEY, None)
            # Shown once, in this answer only: they are stored hashed.
            return render(request, TEMPLATES + "backup_codes.html", {"codes": codes})
    return render(
        request,
        TEMPLATES + "two_factor_enrol.html",
        {
            "form": form,
            "qr_svg": _qr_svg(totp_config_url(user=user, key=key)),
            "secret": totp_secret_text(key),
            "required_by": two_factor_requiring_accounts(user=user),
        },
        status=400 if request.method == "POST" else 200,
    )


@login_required
@require_POST
def two_factor_disable_view(request: UserRequest) -> HttpResponse:
    """Turn two-factor authentication off with a fresh code."""
    form = TwoFactorDisableForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Enter a code from your app, or a backup code."))
        return redirect("two_factor")
    context = request_context(request)
    try:
        two_factor_disable(
            user=request.user,
            code=form.cleaned_data["code"],
            ip=context.ip,
            user_agent=context.user_agent,
            url=context.url,
        )
    except DomainError as refusal:
        messages.error(request, str(refusal))
    else:
        messages.success(request, _("Two-factor authentication is off."))
    return redirect("two_factor")


# Password resets: Django's views, with the product's pages and emails ---------------------------


class PasswordResetView(auth_views.PasswordResetView):
    template_name = TEMPLATES + "password_reset_form.html"
    email_template_name = TEMPLATES + "password_reset_email.txt"
    subject_template_name = TEMPLATES + "password_reset_subject.txt"
    form_class = PasswordResetRequestForm
    success_url = reverse_lazy("password_reset_done")

    def form_valid(self, form: PasswordResetRequestForm) -> HttpResponse:
        form.origin = request_context(self.request)
        # Links in emails name the configured site, never the Host header of the request.
        self.extra_email_context = {"site_url": settings.SITE_URL}
        return super().form_valid(form)


class PasswordResetDoneView(auth_views.PasswordResetDoneView):
    template_name = TEMPLATES + "password_reset_done.html"


class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    template_name = TEMPLATES + "password_reset_confirm.html"
    form_class = NewPasswordForm
    success_url = reverse_lazy("password_reset_complete")

    def form_valid(self, form: NewPasswordForm) -> HttpResponse:
        form.origin = request_context(self.request)
        return super().form_valid(form)


class PasswordResetCompleteView(auth_views.PasswordResetCompleteView):
    template_name = TEMPLATES + "password_reset_complete.html"


# Settings → Security of an account ------------------------------------------------------------

SECTIONS = ("two_factor", "login")


@login_required
@super_admin_required(reason=gettext_lazy("Only super admins can change security settings."))
@require_http_methods(["GET", "POST"])
def security(request: AccountRequest, account_id: int) -> HttpResponse:
    """Settings → Security: require two-factor authentication, and the session timeout."""
    account = request.account
    section = request.POST.get("section") if request.method == "POST" else None
    data: dict[str, Any] | None = request.POST if section in SECTIONS else None
    two_factor_form = TwoFactorRequirementForm(
        data if section == "two_factor" else None,
        initial={"required": account.two_factor_required},
    )
    login_form = LoginSettingsForm(
        data if section == "login" else None,
        initial={"session_timeout": account.session_timeout or ""},
    )
    if section == "two_factor" and two_factor_form.is_valid():
        context = request_context(request)
        changed = two_factor_requirement_update(
            account=account,
            membership=request.membership,
            required=two_factor_form.cleaned_data["required"],
            ip=context.ip,
            user_agent=context.user_agent,
            url=context.url,
        )
        if changed and account.two_factor_required:
            messages.success(request, _("Two-factor authentication is now required."))
        elif changed:
            messages.success(request, _("Two-factor authentication is no longer required."))
        return HttpResponseRedirect(reverse("administration:security", args=[account_id]))
    if section == "login" and login_form.is_valid():
        context = request_context(request)
        changed = session_timeout_update(
            account=account,
            membership=request.membership,
            minutes=login_form.cleaned_data["session_timeout"],
            ip=context.ip,
            user_agent=context.user_agent,
            url=context.url,
        )
        if changed:
            messages.success(request, _("Login settings saved."))
        return HttpResponseRedirect(reverse("administration:security", args=[account_id]))
    return TemplateResponse(
        request,
        TEMPLATES + "settings.html",
        {
            "two_factor_form": two_factor_form,
            "login_form": login_form,
            "without_two_factor": members_without_two_factor(account=account),
            "nav": "security",
        },
        status=400 if request.method == "POST" else 200,
    )
