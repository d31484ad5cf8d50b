from __future__ import annotations

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from administration.forms import EmailAuthenticationForm, PreferencesForm
from administration.services import user_preferences_update


class LoginView(auth_views.LoginView):
    template_name = "administration/login.html"
    authentication_form = EmailAuthenticationForm
    redirect_authenticated_user = True


@login_required
@require_http_methods(["GET", "POST"])
def preferences(request: HttpRequest) -> HttpResponse:
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
        user_preferences_update(user=user, **form.cleaned_data)
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
