from django.urls import path

from crm import views

app_name = "crm"

urlpatterns = [
    path("records/", views.record_list, name="records"),
    path("records/<int:record_id>/", views.record_detail, name="record"),
    path("records/<int:record_id>/delete/", views.record_delete_view, name="record_delete"),
    path("restore/<int:event_id>/", views.restore, name="restore"),
    path("restore/<int:event_id>/panel/", views.restore_panel, name="restore_panel"),
]
