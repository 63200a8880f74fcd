from django.urls import path

from bench import views
from chatsite.urls import urlpatterns as app_urlpatterns

urlpatterns = [path("bench/floor/", views.floor), *app_urlpatterns]
