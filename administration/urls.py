from django.contrib.auth import views as auth_views
from django.urls import path

from administration import people_views, security_views, views

urlpatterns = [
    path("login/", views.LoginView.as_view(), name="login"),
    path("login/two-factor/", security_views.sign_in_code, name="login_two_factor"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("preferences/", views.preferences, name="preferences"),
    # The person's own two-factor authentication (theirs in every account, like their password).
    path("security/two-factor/", security_views.two_factor, name="two_factor"),
    path("security/two-factor/enrol/", security_views.two_factor_enrol, name="two_factor_enrol"),
    path(
        "security/two-factor/disable/",
        security_views.two_factor_disable_view,
        name="two_factor_disable",
    ),
    path("password-reset/", security_views.PasswordResetView.as_view(), name="password_reset"),
    path(
        "password-reset/done/",
        security_views.PasswordResetDoneView.as_view(),
        name="password_reset_done",
    ),
    path(
        "password-reset/complete/",
        security_views.PasswordResetCompleteView.as_view(),
        name="password_reset_complete",
    ),
    path(
        "password-reset/<uidb64>/<token>/",
        security_views.PasswordResetConfirmView.as_view(),
        name="password_reset_confirm",
    ),
    # An invitation's link: not account-scoped, the person may have no sign-in yet.
    path(
        "invitations/<str:token>/",
        people_views.invitation_accept_view,
        name="invitation_accept",
    ),
]

# Settings pages of an account, under /a/<account_id>/settings/ (namespace "administration").
account_urlpatterns = [
    path("security/", security_views.security, name="security"),
    # Users & teams.
    path("users/", people_views.member_list, name="members"),
    path("users/invite/", people_views.member_invite_view, name="member_invite"),
    path(
        "users/invitations/<int:invitation_id>/resend/",
        people_views.invitation_resend_view,
        name="invitation_resend",
    ),
    path(
        "users/invitations/<int:invitation_id>/revoke/",
        people_views.invitation_revoke_view,
        name="invitation_revoke",
    ),
    path("users/<int:user_id>/", people_views.member_detail, name="member"),
    path("users/<int:user_id>/role/", people_views.member_role_view, name="member_role"),
    path("users/<int:user_id>/access/", people_views.member_access_view, name="member_access"),
    path(
        "users/<int:user_id>/deactivate/",
        people_views.member_deactivate_view,
        name="member_deactivate",
    ),
    path(
        "users/<int:user_id>/reactivate/",
        people_views.member_reactivate_view,
        name="member_reactivate",
    ),
    path("users/<int:user_id>/remove/", people_views.member_remove_view, name="member_remove"),
    path(
        "users/<int:user_id>/password-reset/",
        people_views.member_password_reset_view,
        name="member_password_reset",
    ),
    path("teams/", people_views.team_list, name="teams"),
    path("teams/<int:team_id>/", people_views.team_detail, name="team"),
    path("teams/<int:team_id>/rename/", people_views.team_rename_view, name="team_rename"),
    path("teams/<int:team_id>/delete/", people_views.team_delete_view, name="team_delete"),
    path(
        "teams/<int:team_id>/members/",
        people_views.team_member_add_view,
        name="team_member_add",
    ),
    path(
        "teams/<int:team_id>/members/<int:user_id>/remove/",
        people_views.team_member_remove_view,
        name="team_member_remove",
    ),
]
