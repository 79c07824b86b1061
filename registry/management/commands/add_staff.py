"""manage.py add_staff EMAIL --role editor --entity SLUG | --role reviewer"""
import getpass
import os

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import translation

from registry.authentication import confirmed_totp_device, needs_second_factor
from registry.errors import RegistryError
from registry.second_factor import enrolment_link_issue, enrolment_url
from registry.services import ROLES, staff_add


class Command(BaseCommand):
    help = (
        "Create a staff account: an editor of an entity, or a GCO reviewer. The password comes from "
        "--password, else the STAFF_PASSWORD environment variable, else a prompt."
    )

    def add_arguments(self, parser):
        parser.add_argument("email")
        parser.add_argument("--role", required=True, choices=ROLES)
        parser.add_argument("--entity", metavar="SLUG", help="the entity an editor acts for")
        parser.add_argument("--password", help="prefer STAFF_PASSWORD or the prompt: arguments show in `ps`")

    def handle(self, *args, email, role, entity, password, **options):
        password = password or os.environ.get("STAFF_PASSWORD") or self._prompt()
        # Operators read the terminal in English; the site's default language is Arabic.
        with translation.override("en"):
            try:
                user, created = staff_add(email=email, role=role, password=password, entity_slug=entity)
            except RegistryError as exc:
                raise CommandError(exc.message) from exc
        what = f"{role} of {entity}" if role == "editor" else role
        verb = "Created" if created else "Updated"
        self.stdout.write(self.style.SUCCESS(f"{verb} {user.email} as {what}."))
        if needs_second_factor(user) and confirmed_totp_device(user) is None:
            # Reviewers act only after setting up an authenticator app, through this link alone.
            url = enrolment_url(enrolment_link_issue(user=user), language="en")
            self.stdout.write(
                f"Enrolment link (single use, valid {settings.ENROLMENT_LINK_HOURS} hours; give it to "
                f"{user.email} only):\n  {url}"
            )

    def _prompt(self) -> str:
        if not os.isatty(0):
            raise CommandError("No password: give --password, set STAFF_PASSWORD, or run in a terminal.")
        first = getpass.getpass("Password: ")
        if first != getpass.getpass("Password (again): "):
            raise CommandError("The two passwords differ; nothing was changed.")
        return first
