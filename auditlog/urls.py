from django.urls import path

from auditlog import views

app_name = "auditlog"

urlpatterns = [
    path("", views.event_list, name="events"),
]
