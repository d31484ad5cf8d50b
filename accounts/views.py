from __future__ import annotations

from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render

from accounts.forms import EmailAuthenticationForm
from accounts.selectors import memberships_of


class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    authentication_form = EmailAuthenticationForm
    redirect_authenticated_user = True


@login_required
def home(request: HttpRequest) -> HttpResponse:
    """The signed-in landing: the person's accounts; one account goes straight to its log."""
    memberships = memberships_of(user=request.user)
    if len(memberships) == 1 and request.GET.get("choose") is None:
        return redirect("auditlog:events", account_id=memberships[0].account_id)
    return render(request, "accounts/home.html", {"memberships": memberships})
