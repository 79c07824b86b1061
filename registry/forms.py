"""Forms of the login pages: email and password, the one-time code, the password reset."""
from __future__ import annotations

from axes.handlers.proxy import AxesProxyHandler
from django import forms
from django.contrib.auth import user_login_failed
from django.contrib.auth.forms import AuthenticationForm, PasswordResetForm
from django.utils.translation import gettext_lazy as _

from registry.numerals import DIGITS


class LoginForm(AuthenticationForm):
    """Email and password. The field is called `username` (django-axes and Django expect it)."""

    error_messages = {
        **AuthenticationForm.error_messages,
        "invalid_login": _("That email address and password do not match an account. Check both and try again."),
    }

    def __init__(self, request=None, *args, **kwargs):
        super().__init__(request, *args, **kwargs)
        self.fields["username"].label = _("Email address")
        self.fields["username"].widget.input_type = "email"
        self.fields["username"].widget.attrs.update({"autocomplete": "username", "dir": "ltr"})
        self.fields["password"].label = _("Password")

    def clean(self):
        raw = self.data.get("username")
        if self.request is not None and self.has_error("username") and isinstance(raw, str) and raw.strip():
            # A malformed username (a NUL byte...) never reaches authenticate(), yet it is a failed login
            # all the same: counted by the lockout, as the API's token endpoint counts it.
            credentials = {"username": raw}
            if AxesProxyHandler.is_allowed(self.request, credentials):
                user_login_failed.send(sender=__name__, credentials=credentials, request=self.request)
            else:
                self.request.axes_locked_out = True  # AxesMiddleware answers with the lockout page
        return super().clean()


# Backup codes are django-otp's static tokens: 8 characters of lower-case base32.
BACKUP_CODE_LENGTH = 8
_BACKUP_ALPHABET = frozenset("abcdefghijklmnopqrstuvwxyz234567")


class OneTimeCodeInput(forms.TextInput):
    """A code is never typed back into the page: after a refusal the field is empty for the next one
    (a wrong or refused code is of no use, and a backup code is a secret)."""

    def format_value(self, value):
        return None


class OneTimeCodeForm(forms.Form):
    """The six-digit code an authenticator app shows, or one of the user's backup codes."""

    code = forms.CharField(
        label=_("Code from your authenticator app, or a backup code"),
        max_length=16,
        widget=OneTimeCodeInput(attrs={
            # No numeric keypad: backup codes have letters.
            "autocomplete": "one-time-code", "dir": "ltr", "autocapitalize": "off", "spellcheck": "false",
            "autofocus": True,
        }),
    )

    def clean_code(self) -> str:
        # Apps show "123 456"; backup codes are shown as "abcd-efgh".
        code = "".join(self.cleaned_data["code"].split()).replace("-", "").translate(DIGITS)
        if code.isascii() and code.isdigit() and len(code) in (6, 8):
            return code
        if len(code) == BACKUP_CODE_LENGTH and all(c in _BACKUP_ALPHABET for c in code.lower()):
            return code.lower()
        raise forms.ValidationError(_(
            "Enter the 6 digits your authenticator app shows, for example 123456, or one of your backup codes, "
            "for example abcd-ef23."
        ))


class ResetRequestForm(PasswordResetForm):
    email = forms.EmailField(
        label=_("Email address"), max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email", "dir": "ltr"}),
    )
