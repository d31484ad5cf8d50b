from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import AuthenticationForm
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from accounts.http import UserRequest
from accounts.links import local_path
from administration.forms import EmailAuthenticationForm, PreferencesForm
from administration.security import two_factor_enabled
from administration.services import user_preferences_update
from administration.signin import sign_in_pending_start
from auditlog.http import request_context


class LoginView(auth_views.LoginView):
    template_name = "administration/login.html"
    authentication_form = EmailAuthenticationForm
    redirect_authenticated_user = True

    def get_redirect_url(self) -> str:
        """Only a path on this site: a `next` naming another site, or disguising one, is ignored."""
        name = self.redirect_field_name
        return local_path(self.request.POST.get(name, self.request.GET.get(name))) or ""

    def form_valid(self, form: AuthenticationForm) -> HttpResponse:
        """A person with two-factor authentication is not signed in yet: the code comes next,
        and only then is the sign-in recorded as succeeded."""
        user = form.get_user()
        if two_factor_enabled(user=user):
            sign_in_pending_start(
                self.request,
                user=user,
                # Set by `authenticate`; the code step signs in with the same backend.
                backend=user.backend,  # type: ignore[attr-defined]
                next_url=self.get_redirect_url(),
            )
            return redirect("login_two_factor")
        return super().form_valid(form)


@login_required
@require_http_methods(["GET", "POST"])
def preferences(request: UserRequest) -> HttpResponse:
    """The person's name, language and time zone."""
    user = request.user
    form = PreferencesForm(
        request.POST or None,
        initial={
            "full_name": user.full_name,
            "language": user.language,
            "time_zone": user.time_zone,
        },
    )
    if request.method == "POST" and form.is_valid():
        context = request_context(request)
        user_preferences_update(
            user=user,
            **form.cleaned_data,
            ip=context.ip,
            user_agent=context.user_agent,
            url=context.url,
        )
        if user.language:
            translation.activate(user.language)
        messages.success(request, _("Preferences saved."))
        return redirect("preferences")
    return render(
        request,
        "administration/preferences.html",
        {"form": form},
        status=400 if request.method == "POST" else 200,
    )
