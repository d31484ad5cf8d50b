from django.contrib import admin
from django.urls import path

from bench.views import OffsetEventList
from config.urls import urlpatterns as product_urlpatterns

urlpatterns = [
    path("admin/", admin.site.urls),
    path("bench/offset/a/<int:account_id>/", OffsetEventList.as_view(), name="bench_offset"),
    *product_urlpatterns,
]
