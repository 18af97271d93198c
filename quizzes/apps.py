from django.apps import AppConfig


class QuizzesConfig(AppConfig):
    name = "quizzes"
    verbose_name = "题库与测试"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from quizzes import permissions, receivers, signals  # noqa: F401

        permissions.register_choosers()
