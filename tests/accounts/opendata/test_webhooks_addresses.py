"""Where webhooks may go (accounts/opendata/webhooks_addresses.py): public https addresses only, checked
after DNS resolution, and the connection made to the very address checked. DNS is faked at the
module's `resolve` function; the receiver is a real server on 127.0.0.1."""
from __future__ import annotations

import pytest

from accounts.admin import WebhookSubscriberForm
from accounts.opendata import webhooks_addresses
from accounts.opendata.webhooks_addresses import UnsafeWebhookURL, check_url, post_pinned
from tests.accounts.opendata.receiver import Receiver, Reply

PUBLIC = "93.184.215.14"


@pytest.fixture
def dns(monkeypatch):
    """Names and the addresses they resolve to; `asked` counts the lookups."""
    table: dict[str, list[str]] = {"hooks.example.com": [PUBLIC]}
    asked: list[str] = []

    def resolve(host: str, port: int) -> list[str]:
        asked.append(host)
        if host not in table:
            raise UnsafeWebhookURL("not resolvable", field="url")
        return table[host]

    monkeypatch.setattr(webhooks_addresses, "resolve", resolve)
    resolve.table, resolve.asked = table, asked
    return resolve


@pytest.fixture(autouse=True)
def production_rules(settings):
    settings.WEBHOOK_ALLOW_HTTP = False
    settings.WEBHOOK_ALLOW_LOOPBACK = False


@pytest.mark.parametrize("url", [
    "https://10.0.0.1/hook",
    "https://10.255.1.2:8443/hook",
    "https://172.16.0.1/hook",
    "https://192.168.1.10/hook",
    "https://127.0.0.1/hook",
    "https://127.8.9.10/hook",
    "https://169.254.169.254/latest/meta-data/",  # the cloud metadata service
    "https://[::1]/hook",
    "https://[fc00::1]/hook",
    "https://[fd12:3456::1]/hook",
    "https://[fe80::1]/hook",
    "https://[::ffff:10.0.0.1]/hook",  # an IPv4 private address written as IPv6
    "https://[::ffff:127.0.0.1]/hook",
    "https://0.0.0.0/hook",
    "https://[::]/hook",
    "https://224.0.0.1/hook",
    "https://[ff02::1]/hook",
    "https://240.0.0.1/hook",
    "https://100.64.0.1/hook",  # carrier-grade NAT: not public
    "https://[2002:a00:1::1]/hook",  # 6to4 of 10.0.0.1
    "https://[2002:7f00:1::1]/hook",  # 6to4 of 127.0.0.1
    "https://[2001:0:4136:e378:8000:63bf:f5ff:fffe]/hook",  # Teredo whose client is 10.0.0.1
    "https://[fec0::1]/hook",  # site-local
])
def test_addresses_that_are_not_public_are_refused(url, dns):
    with pytest.raises(UnsafeWebhookURL) as refused:
        check_url(url)
    assert refused.value.code == "unsafe_webhook_url" and refused.value.field == "url"


@pytest.mark.parametrize("answers", [["10.1.2.3"], ["127.0.0.1"], ["169.254.169.254"], ["::1"], ["fc00::5"],
                                     [PUBLIC, "192.168.0.7"]])
def test_a_name_resolving_to_any_address_that_is_not_public_is_refused(dns, answers):
    dns.table["internal.example.com"] = answers
    with pytest.raises(UnsafeWebhookURL) as refused:
        check_url("https://internal.example.com/hook")
    assert "internal.example.com" in refused.value.message


@pytest.mark.parametrize("url", [
    "http://hooks.example.com/hook",  # plain http, in production
    "ftp://hooks.example.com/hook",
    "https://user:password@hooks.example.com/hook",
    "https:///hook",
    "not a url",
    "https://hooks.example.com:99999/hook",
    "https://unknown.example.com/hook",  # does not resolve
])
def test_other_unusable_urls_are_refused(url, dns):
    with pytest.raises(UnsafeWebhookURL):
        check_url(url)


def test_a_public_https_url_is_accepted_with_every_address_checked(dns):
    dns.table["hooks.example.com"] = [PUBLIC, "2606:2800:21f:cb07:6820:80da:af6b:8b2c"]
    target = check_url("https://Hooks.Example.com/hook?x=1")
    assert target.addresses == (PUBLIC, "2606:2800:21f:cb07:6820:80da:af6b:8b2c")
    assert target.pinned_url(PUBLIC) == f"https://{PUBLIC}:443/hook?x=1"
    assert target.host_header == "hooks.example.com"


def test_an_international_name_is_resolved_and_sent_as_dns_spells_it(dns):
    dns.table["xn--mgbh0fb.example"] = [PUBLIC]
    target = check_url("https://مثال.example/hook")
    assert dns.asked == ["xn--mgbh0fb.example"] and target.host_header == "xn--mgbh0fb.example"


def test_plain_http_only_where_the_setting_allows_it(dns, settings):
    settings.WEBHOOK_ALLOW_HTTP = True
    assert check_url("http://hooks.example.com:8080/hook").host_header == "hooks.example.com:8080"


def test_loopback_is_refused_by_default_even_with_a_receiver_listening(dns, settings):
    settings.WEBHOOK_ALLOW_HTTP = True
    with Receiver() as receiver:
        with pytest.raises(UnsafeWebhookURL):
            post_pinned(receiver.url(), body=b"{}", headers={})
    assert receiver.received == []


def test_the_connection_goes_to_the_address_checked_not_to_a_second_lookup(dns, settings):
    """A rebinding name answers a harmless address to the check and an internal one later: the request
    goes where the check looked, with the name in the Host header (the name itself resolves nowhere)."""
    settings.WEBHOOK_ALLOW_HTTP = True
    settings.WEBHOOK_ALLOW_LOOPBACK = True  # the receiver is on 127.0.0.1: this test only
    with Receiver() as receiver:
        dns.table["rebinding.test"] = ["127.0.0.1"]
        answer = post_pinned(f"http://rebinding.test:{receiver.port}/hook", body=b"{}", headers={})
    assert answer.status_code == 200
    assert dns.asked == ["rebinding.test"]  # one lookup: the connection did not resolve again
    assert receiver.received[0].headers["Host"] == f"rebinding.test:{receiver.port}"


def test_redirects_are_not_followed(settings):
    settings.WEBHOOK_ALLOW_HTTP = True
    settings.WEBHOOK_ALLOW_LOOPBACK = True
    with Receiver(Reply(302, headers={"Location": "http://169.254.169.254/latest/meta-data/"})) as receiver:
        answer = post_pinned(receiver.url(), body=b"{}", headers={})
    assert answer.status_code == 302 and len(receiver.received) == 1


def test_only_the_start_of_an_answer_is_read(settings):
    settings.WEBHOOK_ALLOW_HTTP = True
    settings.WEBHOOK_ALLOW_LOOPBACK = True
    with Receiver(Reply(200, body=b"x" * 1_000_000)) as receiver:
        answer = post_pinned(receiver.url(), body=b"{}", headers={})
    assert len(answer.start) == settings.WEBHOOK_MAX_RESPONSE_BYTES


@pytest.mark.django_db
def test_the_admin_form_checks_the_url_when_it_is_saved(dns):
    dns.table["internal.example.com"] = ["10.0.0.8"]
    refused = WebhookSubscriberForm(data={"name": "Newsroom", "url": "https://internal.example.com/hook",
                                          "secret": "s" * 40})
    assert not refused.is_valid() and "url" in refused.errors
    accepted = WebhookSubscriberForm(data={"name": "Newsroom", "url": "https://hooks.example.com/hook",
                                           "secret": "s" * 40, "kinds": ["compromised"]})
    assert accepted.is_valid(), accepted.errors
    subscriber = accepted.save()
    assert subscriber.kinds == ["compromised"]
