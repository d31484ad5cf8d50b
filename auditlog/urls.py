from django.urls import path

from auditlog import views

app_name = "auditlog"

urlpatterns = [
    path("", views.event_list, name="events"),
    path("actors/", views.actor_options, name="actor_options"),
    path("events/<int:event_id>/", views.event_detail, name="event_detail"),
    path("views/", views.views_manage, name="views_manage"),
    path("views/new/", views.view_create, name="view_create"),
    path("views/<int:view_id>/save/", views.view_save, name="view_save"),
    path("views/<int:view_id>/rename/", views.view_rename, name="view_rename"),
    path("views/<int:view_id>/sharing/", views.view_share, name="view_share"),
    path("views/<int:view_id>/delete/", views.view_delete, name="view_delete"),
]
