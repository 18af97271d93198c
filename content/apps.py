from django.apps import AppConfig


class ContentConfig(AppConfig):
    name = "content"
    verbose_name = "内容"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from content.search import segment

        # Load jieba's dictionary once per process (before gunicorn forks with --preload),
        # never on a request.
        segment.warm_up()
