from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "accounts"
    verbose_name = _("Channels")

    def ready(self):
        # Celery's autodiscovery imports the package `accounts.tasks` only, and its modules may not be
        # imported by it (the services enqueue some of them): every process registers them here.
        from accounts.tasks import alerts, radar, refresh, reminders, report, webhooks, workflow  # noqa: F401
