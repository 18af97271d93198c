from django.apps import AppConfig


class ContentConfig(AppConfig):
    name = "content"
    verbose_name = "内容"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from content import navigation  # noqa: F401  (forgets the cached menu on page changes)
