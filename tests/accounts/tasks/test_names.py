"""Every job has an explicit, stable name: the beat schedule and messages already queued name
tasks by it, so moving a task's module must not rename it."""
from __future__ import annotations

import ast
from pathlib import Path

from django.conf import settings

from accounts.tasks import refresh, report, workflow
from registry.celery import app

TASKS = Path(__file__).resolve().parents[3] / "accounts" / "tasks"


def test_every_scheduled_task_name_resolves_to_a_registered_task():
    scheduled = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert scheduled == {
        "accounts.tasks.refresh_followers", "accounts.tasks.send_alert_digest",
        "accounts.report_tasks.send_monthly_report", "accounts.tasks.send_annual_review_reminders",
        "accounts.tasks.flush_radar_counts", "accounts.tasks.record_summary_edition",
        "accounts.tasks.open_dormant_alerts", "accounts.tasks.resend_stalled_webhooks",
    }
    assert scheduled <= set(app.tasks)


def test_every_task_is_named_in_its_decorator():
    unnamed = []
    for path in sorted(TASKS.glob("*.py")):
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.FunctionDef):
                for decorator in node.decorator_list:
                    if isinstance(decorator, ast.Call) and getattr(decorator.func, "id", "") == "shared_task":
                        if not any(keyword.arg == "name" for keyword in decorator.keywords):
                            unnamed.append(f"{path.name}:{node.name}")
    assert unnamed == []


def test_the_names_are_the_ones_queued_before_the_move():
    assert workflow.notify_event.name == "accounts.tasks.notify_event"
    assert refresh.refresh_followers_batch.name == "accounts.tasks.refresh_followers_batch"
    assert report.record_presence_scores.name == "accounts.tasks.record_presence_scores"
    assert {
        "accounts.tasks.notify_event", "accounts.tasks.refresh_followers", "accounts.tasks.refresh_followers_batch",
        "accounts.tasks.send_alert_digest", "accounts.tasks.send_annual_review_reminders",
        "accounts.tasks.record_presence_scores", "accounts.report_tasks.send_monthly_report",
    } <= set(app.tasks)
