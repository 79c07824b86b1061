"""The Official Accounts Registry site: settings, root urls, the Celery app and the User model."""
from .celery import app as celery_app

__all__ = ["celery_app"]
