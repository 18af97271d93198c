from django.apps import AppConfig


class LearningConfig(AppConfig):
    name = "learning"
    verbose_name = "培训与学时"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from learning import permissions, signals  # noqa: F401 (connects the receivers)
        from learning.audience import QuizAudiencePolicy
        from quizzes import audience

        permissions.register_policies()
        audience.register(QuizAudiencePolicy())
