"""manage.py add_staff EMAIL --role editor --entity SLUG | --role reviewer"""
import getpass
import os

from django.core.management.base import BaseCommand, CommandError
from django.utils import translation

from registry.errors import RegistryError
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

    def _prompt(self) -> str:
        if not os.isatty(0):
            raise CommandError("No password: give --password, set STAFF_PASSWORD, or run in a terminal.")
        first = getpass.getpass("Password: ")
        if first != getpass.getpass("Password (again): "):
            raise CommandError("The two passwords differ; nothing was changed.")
        return first
