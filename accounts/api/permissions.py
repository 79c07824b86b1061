"""Who may use the API's reviewer endpoints: the workflow's one gate."""
from __future__ import annotations

from django.utils.translation import gettext_lazy
from rest_framework.permissions import BasePermission

from accounts.workflow import NotAllowed, require_reviewer
from registry.authentication import has_second_factor


class IsReviewer(BasePermission):
    message = gettext_lazy("Only GCO reviewers can do this.")

    def has_permission(self, request, view) -> bool:
        # The workflow's one gate: a reviewer, with a login (token or session) that passed the second factor.
        try:
            require_reviewer(request.user, two_factor=has_second_factor(request))
        except NotAllowed as refusal:
            self.message = refusal.message
            return False
        return True
