"""The production-like run: compose puts Caddy in front of the site, runs the site as a role that owns
no table, and checks every service's health; the production settings refuse what would be unsafe and
pass Django's deployment checks; every requirement is pinned with its hashes."""
import json
import os
import re
import shlex
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
PRODUCTION_ENV = {
    "DJANGO_DEBUG": "0",
    "DJANGO_SECRET_KEY": "a-production-secret-that-is-long-and-random-enough-0123456789abcdef",
    "DJANGO_ALLOWED_HOSTS": "registry.example.gov.ae",
    "DATABASE_URL": "postgres://registry:secret@db.internal:5432/registry",
    "REDIS_URL": "redis://redis.internal:6379/0",
    "EMAIL_URL": "smtp+tls://registry:secret@smtp.example.gov.ae:587",
}
APP_SERVICES = ("web", "worker", "beat")
ONE_SHOT = ("migrate",)


def clean_environment() -> dict[str, str]:
    """This process's environment without anything the settings read that a test must set itself."""
    return {k: v for k, v in os.environ.items()
            if not k.startswith(("DJANGO_", "DATABASE_", "REDIS_", "EMAIL_", "TRUSTED_PROXY"))}


def manage(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env={**clean_environment(), **env}, capture_output=True,
        text=True, timeout=120,
    )


def settings_under(env: dict[str, str], *names: str) -> dict:
    """The named settings as a fresh process reads them from `env` (settings are read once, at import)."""
    script = (
        "import json, django; django.setup(); from django.conf import settings; "
        f"print(json.dumps({{name: getattr(settings, name, None) for name in {list(names)!r}}}))"
    )
    result = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, capture_output=True, text=True, timeout=120,
        env={**clean_environment(), "DJANGO_SETTINGS_MODULE": "registry.settings", **env},
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.splitlines()[-1])


@pytest.fixture(scope="module")
def compose() -> dict:
    return yaml.safe_load((ROOT / "docker-compose.yml").read_text())


@pytest.fixture(scope="module")
def services(compose) -> dict:
    return compose["services"]


# --- docker-compose.yml -----------------------------------------------------------------------------

def test_compose_names_its_services_and_checks_the_health_of_every_one_that_stays_up(services):
    assert set(services) == {"proxy", "postgres", "redis", "migrate", "web", "worker", "beat"}
    for name, service in services.items():
        if name in ONE_SHOT:
            continue
        assert service.get("healthcheck", {}).get("test"), f"{name} has no health check"


def test_migrate_runs_once_and_the_site_starts_only_after_it_succeeded(services):
    migrate = services["migrate"]
    assert migrate["restart"] == "no" and "healthcheck" not in migrate
    command = " ".join(migrate["command"])
    assert "manage.py migrate" in command and "manage.py grant_site_role registry_site" in command
    assert command.index("migrate --noinput") < command.index("grant_site_role")
    for name in APP_SERVICES:
        depends = services[name]["depends_on"]
        assert depends["migrate"]["condition"] == "service_completed_successfully"
        assert depends["postgres"]["condition"] == "service_healthy"
        assert depends["redis"]["condition"] == "service_healthy"


def test_compose_web_runs_gunicorn_and_every_app_service_runs_in_production_mode(services):
    assert "gunicorn" in " ".join(services["web"]["command"])
    for name in (*APP_SERVICES, *ONE_SHOT):
        env = services[name]["environment"]
        assert env["DJANGO_DEBUG"] == "0"
        assert {"DATABASE_URL", "REDIS_URL", "DJANGO_SECRET_KEY", "DJANGO_ALLOWED_HOSTS", "EMAIL_URL"} <= set(env)


def test_compose_worker_and_beat_run_celery(services):
    assert "worker" in services["worker"]["command"] and "beat" in services["beat"]["command"]


def test_only_the_proxy_is_published_and_web_is_only_exposed_to_it(services):
    published = {name for name, service in services.items() if service.get("ports")}
    assert published == {"proxy"}
    assert {port.split(":")[0] for port in services["proxy"]["ports"]} == {"80", "443"}
    assert [str(port) for port in services["web"]["expose"]] == ["8000"]
    assert services["proxy"]["depends_on"]["web"]["condition"] == "service_healthy"


def test_the_proxy_is_the_official_caddy_image_with_the_repositorys_caddyfile(services):
    proxy = services["proxy"]
    assert proxy["image"].split(":")[0] == "caddy"
    assert "./deploy/Caddyfile:/etc/caddy/Caddyfile:ro" in proxy["volumes"]
    assert any(volume.endswith(":/data") for volume in proxy["volumes"])  # its certificates survive a restart


def test_only_web_behind_the_proxy_trusts_one_proxy(services):
    trusted = {name: str(service.get("environment", {}).get("TRUSTED_PROXY_COUNT", "0"))
               for name, service in services.items()}
    assert trusted.pop("web") == "1"
    assert set(trusted.values()) == {"0"}


def test_the_site_connects_as_the_site_role_and_only_migrate_as_the_owner(services):
    owner = services["postgres"]["environment"]["POSTGRES_USER"]
    assert services["migrate"]["environment"]["DATABASE_URL"].startswith(f"postgres://{owner}:")
    for name in APP_SERVICES:
        assert services[name]["environment"]["DATABASE_URL"].startswith("postgres://registry_site:")
    assert "./deploy/postgres-init:/docker-entrypoint-initdb.d:ro" in services["postgres"]["volumes"]
    script = (ROOT / "deploy/postgres-init/10-site-role.sh")
    assert os.access(script, os.X_OK)  # executed by the image, not sourced into its entrypoint
    assert "CREATE ROLE registry_site LOGIN NOSUPERUSER" in script.read_text()


@pytest.mark.parametrize("variable", ["DJANGO_SECRET_KEY", "EMAIL_URL", "POSTGRES_SITE_PASSWORD", "POSTGRES_PASSWORD"])
def test_compose_has_no_default_for_a_secret_or_the_mail_server(variable):
    """`${X:?...}`: compose refuses to start without it, rather than print reset links or use a known password."""
    text = (ROOT / "docker-compose.yml").read_text()
    assert re.search(r"\$\{" + variable + r":\?", text)
    assert not re.search(r"\$\{" + variable + r":-", text)
    assert "consolemail" not in text


def test_the_caddyfile_proxies_to_web_and_writes_the_forwarding_headers_itself():
    caddyfile = (ROOT / "deploy/Caddyfile").read_text()
    code = "\n".join(line.split("#")[0] for line in caddyfile.splitlines())
    assert re.search(r"reverse_proxy\s+web:8000\s*\{", code)
    assert "header_up X-Forwarded-For {remote_host}" in code
    assert "header_up X-Forwarded-Proto {scheme}" in code
    assert "trusted_proxies" not in code  # nothing in front of Caddy is believed
    assert "2020" in code  # the health check compose asks


# --- The image and the requirements ---------------------------------------------------------------

def dockerfile_build_env() -> dict[str, str]:
    """The environment the Dockerfile gives its build-time manage.py steps."""
    dockerfile = (ROOT / "Dockerfile").read_text().replace("\\\n", " ")
    step = next(line for line in dockerfile.splitlines() if "collectstatic" in line)
    words = shlex.split(step.removeprefix("RUN "))
    return dict(word.split("=", 1) for word in words[:words.index("sh")])


def test_dockerfile_installs_the_hashed_requirements_and_collects_static_files():
    dockerfile = (ROOT / "Dockerfile").read_text()
    assert "pip install --require-hashes -r requirements.txt" in dockerfile
    assert "collectstatic" in dockerfile and "compilemessages" in dockerfile


def test_the_dockerfiles_build_steps_have_the_settings_production_requires():
    env = dockerfile_build_env()
    assert env["DJANGO_DEBUG"] == "0" and env["EMAIL_URL"].startswith("smtp")
    result = manage("check", env=env)
    assert result.returncode == 0, result.stderr


def test_make_installs_with_require_hashes():
    makefile = (ROOT / "Makefile").read_text()
    assert "pip install --quiet --require-hashes -r requirements-dev.txt" in makefile
    assert "--generate-hashes" in makefile  # `make lock` writes the hashes


def requirements(name: str) -> dict[str, list[str]]:
    """Each requirement of a lock file with the hashes pip will accept for it."""
    text = (ROOT / name).read_text().replace("\\\n", " ")
    found = {}
    for line in text.splitlines():
        line = line.split(" #")[0].strip()
        if not line or line.startswith("#"):
            continue
        requirement, *options = line.split()
        assert not requirement.startswith("-"), f"{name}: {line} (a lock includes nothing and names no index)"
        assert re.fullmatch(r"[A-Za-z0-9_.-]+==[A-Za-z0-9_.+!-]+", requirement), f"{name}: {requirement} is not pinned"
        hashes = [option for option in options if option.startswith("--hash=sha256:")]
        assert hashes and len(hashes) == len(options), f"{name}: {requirement} has no hash"
        found[requirement.split("==")[0].lower().replace("_", "-")] = hashes
    return found


@pytest.mark.parametrize("name", ["requirements.txt", "requirements-dev.txt"])
def test_every_requirement_is_pinned_with_its_hashes(name):
    assert len(requirements(name)) > 40


def test_the_dev_lock_is_complete_and_agrees_with_the_production_lock():
    production, dev = requirements("requirements.txt"), requirements("requirements-dev.txt")
    assert production.keys() <= dev.keys()
    assert {name: production[name] for name in production} == {name: dev[name] for name in production}
    assert {"django-csp", "django-permissions-policy", "pytest", "pgserver"} <= dev.keys()


# --- Production settings --------------------------------------------------------------------------

def test_production_settings_pass_the_deployment_checks():
    result = manage("check", "--deploy", "--fail-level", "WARNING", env=PRODUCTION_ENV)
    assert result.returncode == 0, result.stderr + result.stdout
    assert "no issues" in result.stdout


@pytest.mark.parametrize("missing", ["DJANGO_SECRET_KEY", "DATABASE_URL", "EMAIL_URL"])
def test_production_refuses_to_start_without_its_secrets_or_its_mail_server(missing):
    env = {k: v for k, v in PRODUCTION_ENV.items() if k != missing}
    result = manage("check", env=env)
    assert result.returncode != 0
    assert f"{missing} must be set" in result.stderr


@pytest.mark.parametrize("email_url", ["consolemail://", "dummymail://", "memorymail://", "filemail:///tmp/mail"])
def test_production_refuses_a_mail_backend_that_keeps_mail_on_the_machine(email_url):
    result = manage("check", env={**PRODUCTION_ENV, "EMAIL_URL": email_url})
    assert result.returncode != 0
    assert "EMAIL_URL must name a mail server" in result.stderr


def test_development_still_prints_mail_to_the_console():
    env = {k: v for k, v in PRODUCTION_ENV.items() if k not in ("DJANGO_DEBUG", "EMAIL_URL")}
    backend = settings_under(env, "EMAIL_BACKEND")["EMAIL_BACKEND"]
    assert backend == "django.core.mail.backends.console.EmailBackend"


def test_by_default_no_proxy_is_trusted_for_the_address_or_the_scheme():
    found = settings_under(PRODUCTION_ENV, "TRUSTED_PROXY_COUNT", "REST_FRAMEWORK", "SECURE_PROXY_SSL_HEADER")
    assert found["TRUSTED_PROXY_COUNT"] == 0 and found["REST_FRAMEWORK"]["NUM_PROXIES"] == 0
    assert found["SECURE_PROXY_SSL_HEADER"] is None  # X-Forwarded-Proto: https from anyone would pass


def test_behind_one_proxy_the_address_and_the_scheme_come_from_it():
    found = settings_under({**PRODUCTION_ENV, "TRUSTED_PROXY_COUNT": "1"}, "REST_FRAMEWORK", "SECURE_PROXY_SSL_HEADER")
    assert found["REST_FRAMEWORK"]["NUM_PROXIES"] == 1
    assert found["SECURE_PROXY_SSL_HEADER"] == ["HTTP_X_FORWARDED_PROTO", "https"]
