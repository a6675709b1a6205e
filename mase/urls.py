from django.urls import path

app_name = "mase"
urlpatterns = []
