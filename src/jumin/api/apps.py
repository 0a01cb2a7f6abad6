from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "jumin.api"
    label = "api"
