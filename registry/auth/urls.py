"""Login pages, under /<lang>/auth/: log in and out, the one-time code, enrolment, backup codes, passwords."""
from __future__ import annotations

from django.contrib.auth import views as django_auth_views
from django.urls import path

from registry.auth import views as auth_views

urlpatterns = [
    path("login/", auth_views.LoginView.as_view(), name="login"),
    path("logout/", auth_views.logout_view, name="logout"),
    path("code/", auth_views.two_factor_verify, name="two_factor_verify"),
    path("code/setup/", auth_views.two_factor_setup, name="two_factor_setup"),
    path("code/backup/", auth_views.backup_codes, name="backup_codes"),
    path("enrol/<str:key>/", auth_views.two_factor_enrol, name="two_factor_enrol"),
    path("password/", auth_views.PasswordChangeView.as_view(), name="password_change"),
    path("password-reset/", auth_views.PasswordResetView.as_view(), name="password_reset"),
    path(
        "password-reset/sent/",
        django_auth_views.PasswordResetDoneView.as_view(template_name="registration/password_reset_done.html"),
        name="password_reset_done",
    ),
    path("reset/<uidb64>/<token>/", auth_views.PasswordResetConfirmView.as_view(), name="password_reset_confirm"),
    path(
        "reset/done/",
        django_auth_views.PasswordResetCompleteView.as_view(
            template_name="registration/password_reset_complete.html"
        ),
        name="password_reset_complete",
    ),
]
