from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from accounts.http import UserRequest
from accounts.links import local_path
from administration.forms import EmailAuthenticationForm, PreferencesForm
from administration.services import user_preferences_update
from auditlog.http import request_context


class LoginView(auth_views.LoginView):
    template_name = "administration/login.html"
    authentication_form = EmailAuthenticationForm
    redirect_authenticated_user = True

    def get_redirect_url(self) -> str:
        """Only a path on this site: a `next` naming another site, or disguising one, is ignored."""
        name = self.redirect_field_name
        return local_path(self.request.POST.get(name, self.request.GET.get(name))) or ""


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
