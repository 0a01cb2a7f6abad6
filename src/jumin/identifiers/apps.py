from django.apps import AppConfig


class IdentifiersConfig(AppConfig):
    name = "jumin.identifiers"
    label = "identifiers"
    verbose_name = "番号"
