"""Background jobs (Celery), one module per domain. Tasks take ids, read fresh rows and call the
services and selectors; each is named explicitly, so moving it renames nothing in the beat schedule
or the queue. accounts/apps.py registers the modules in every process."""
