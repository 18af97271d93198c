from django.apps import AppConfig


class LearningConfig(AppConfig):
    name = "learning"
    verbose_name = "培训与学时"
    default_auto_field = "django.db.models.BigAutoField"
