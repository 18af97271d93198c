from django.apps import AppConfig


class LearningConfig(AppConfig):
    name = "learning"
    verbose_name = "培训与学时"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from learning import people  # noqa: F401  (clears must_change_password on a new password)
