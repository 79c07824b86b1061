"""Public pages of the register (the public site grows in the "public side" issue)."""
from django.shortcuts import render
from django.views.decorators.http import require_safe

from accounts.platforms import Platform
from accounts.selectors import register_totals


@require_safe
def home(request):
    return render(request, "accounts/home.html", {"totals": register_totals(), "platforms": Platform.choices})
