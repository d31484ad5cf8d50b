from django.urls import path

from console import comment_views, verification_views, views

app_name = "console"

urlpatterns = [
    path("", views.event_list, name="events"),
    path("actors/", views.actor_options, name="actor_options"),
    path("events/<int:event_id>/", views.event_detail, name="event_detail"),
    path("events/<int:event_id>/comments/", comment_views.comments, name="comments"),
    path(
        "events/<int:event_id>/comments/<int:comment_id>/edit/",
        comment_views.comment_edit_view,
        name="comment_edit",
    ),
    path(
        "events/<int:event_id>/comments/<int:comment_id>/delete/",
        comment_views.comment_delete_view,
        name="comment_delete",
    ),
    path(
        "events/<int:event_id>/comments/<int:comment_id>/resolve/",
        comment_views.comment_resolve_view,
        name="comment_resolve",
    ),
    path("mentions/", comment_views.mention_options, name="mention_options"),
    path("verification/", verification_views.verification_status, name="verification"),
    path(
        "verification/start/",
        verification_views.verification_start_view,
        name="verification_start",
    ),
    path("views/", views.views_manage, name="views_manage"),
    path("views/new/", views.view_create, name="view_create"),
    path("views/<int:view_id>/save/", views.view_save, name="view_save"),
    path("views/<int:view_id>/rename/", views.view_rename, name="view_rename"),
    path("views/<int:view_id>/sharing/", views.view_share, name="view_share"),
    path("views/<int:view_id>/delete/", views.view_delete, name="view_delete"),
]
