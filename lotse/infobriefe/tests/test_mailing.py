"""The Infobrief as an e-mail: parts, headers, links, sanitising, header injection, RTL, the
note for a missing language, and the prepared serialisation against Django's own — sent to a
real SMTP server (`smtp_sink`) and read back from what arrived."""

from __future__ import annotations

import email
import email.message
import email.policy
import quopri
import random
import re
from urllib.parse import urlsplit

import pytest
from django.conf import settings
from django.core.mail import EmailMultiAlternatives, mailers
from django.test import Client
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext

from lotse.infobriefe.choices import SubscriptionStatus
from lotse.infobriefe.mailing import (
    InfobriefMessage,
    build_message,
    fallback_note_text,
    from_header,
    quoted_printable,
    render_letter,
)
from lotse.infobriefe.tests.conftest import prefix_of_test_mail
from lotse.infobriefe.tests.factories import (
    InfobriefFactory,
    InfobriefVersionFactory,
    SubscriptionFactory,
)
from lotse.infobriefe.tokens import key_matches, read_link_token

pytestmark = pytest.mark.django_db

SCRIPT_BODY = (
    "## Neuigkeiten\n\nText <script>alert('x')</script> und "
    "[harmlos](javascript:alert(1)) und [echt](https://www.example.org/a?b=c).\n\n"
    '<img src="https://tracker.example/pixel.gif" onerror="alert(2)">\n'
)


def send(message: EmailMultiAlternatives) -> None:
    assert mailers["default"].send_messages([message]) == 1


def received(sink, address: str) -> email.message.EmailMessage:
    (mail,) = sink.to(address)
    return mail.message


def parts(message: email.message.EmailMessage) -> tuple[str, str]:
    text = message.get_body(preferencelist=("plain",))
    html = message.get_body(preferencelist=("html",))
    assert text is not None and html is not None
    return text.get_content(), html.get_content()  # type: ignore[attr-defined]


@pytest.fixture
def infobrief():
    return InfobriefFactory(sender_name="Redaktion Integration")


@pytest.fixture
def german(infobrief):
    return InfobriefVersionFactory(
        infobrief=infobrief,
        language="de",
        subject="Infobrief 11/2026: Neues – für Ehrenamtliche",
        body="## Schulungen\n\nDie **Beratung** ist jetzt online: [Termine](https://www.example.org/t)\n",
    )


def test_a_mail_has_a_text_and_an_html_part_with_the_recipients_links(smtp_sink, infobrief, german):
    subscription = SubscriptionFactory(language="de")
    send(
        build_message(
            infobrief=infobrief,
            version=german,
            subscription=subscription,
            to=subscription.email,
            delivery_id=41,
        )
    )
    message = received(smtp_sink, subscription.email)
    text, html = parts(message)
    assert message["Subject"] == "Infobrief 11/2026: Neues – für Ehrenamtliche"
    assert message["To"] == subscription.email
    assert message.get_content_type() == "multipart/alternative"
    assert "Die **Beratung** ist jetzt online: Termine (https://www.example.org/t)" in text
    assert "<strong" in html and "Beratung</strong>" in html
    assert re.search(r'<html lang="de"\s+dir="ltr"', html)
    web_version = settings.SITE_URL + reverse(
        "infobriefe:archive_version", args=[infobrief.pk, "de"]
    )
    assert web_version in text and f'href="{web_version}"' in html
    # The manage and unsubscribe links carry this subscription and this Infobrief.
    for purpose in ("manage", "unsubscribe"):
        prefix = (
            settings.SITE_URL + reverse(f"infobriefe:{purpose}", args=["TOKEN"]).split("TOKEN")[0]
        )
        tokens = set(re.findall(re.escape(prefix) + r"([^/\s\"]+)/", text + html))
        assert len(tokens) == 1
        link = read_link_token(tokens.pop(), purpose=purpose)
        assert link is not None
        assert link.subscription_id == subscription.pk
        assert link.infobrief_id == infobrief.pk
        assert key_matches(link, subscription.key)


def test_the_headers_of_a_mail(smtp_sink, infobrief, german):
    subscription = SubscriptionFactory(language="de")
    send(
        build_message(
            infobrief=infobrief,
            version=german,
            subscription=subscription,
            to=subscription.email,
            delivery_id=41,
        )
    )
    message = received(smtp_sink, subscription.email)
    assert message["Message-ID"] == f"<infobrief-{infobrief.pk}-41@lotse.example>"
    assert message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert message["List-Id"] == "<infobriefe-by.lotse.example>"
    assert message["Precedence"] == "bulk"
    assert message["Content-Language"] == "de"
    assert "Auto-Submitted" not in message
    assert message["From"].addresses[0].display_name == "Redaktion Integration"
    assert message["From"].addresses[0].addr_spec == "noreply@lotse.example"
    # One https (here: the test site's) URL in angle brackets, on one line, not encoded.
    raw_header = re.search(rb"^List-Unsubscribe: (.*)$", smtp_sink.received[0].data, re.M)
    assert raw_header is not None
    unsubscribe = raw_header.group(1).decode().strip()
    assert re.fullmatch(r"<http[^<>\s]+/unsubscribe/[^<>\s/]+/>", unsubscribe)
    token = unsubscribe.rstrip("/>").rsplit("/", 1)[1]
    link = read_link_token(token, purpose="unsubscribe")
    assert link is not None and link.subscription_id == subscription.pk
    assert smtp_sink.received[0].sender == "noreply@lotse.example"


def test_the_one_click_unsubscribe_of_the_header_works(smtp_sink, infobrief, german):
    subscription = SubscriptionFactory(language="de")
    send(
        build_message(
            infobrief=infobrief, version=german, subscription=subscription, to=subscription.email
        )
    )
    header = received(smtp_sink, subscription.email)["List-Unsubscribe"]
    path = urlsplit(header.strip("<>")).path
    response = Client(enforce_csrf_checks=True).post(path, {"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200
    subscription.refresh_from_db()
    infobrief.refresh_from_db()
    assert subscription.status == SubscriptionStatus.UNSUBSCRIBED
    assert infobrief.unsubscribes == 1


def test_markdown_never_becomes_a_script_or_a_remote_image(smtp_sink, infobrief):
    version = InfobriefVersionFactory(infobrief=infobrief, language="de", body=SCRIPT_BODY)
    subscription = SubscriptionFactory()
    send(
        build_message(
            infobrief=infobrief, version=version, subscription=subscription, to=subscription.email
        )
    )
    text, html = parts(received(smtp_sink, subscription.email))
    assert "<script" not in html.lower()
    assert "&lt;script&gt;" in html
    assert not re.search(r"href=[\"']?javascript:", html, re.IGNORECASE)
    assert "<img" not in html.lower()
    assert not re.search(r"<[^>]*\bon[a-z]+=", html)  # no event handler inside any tag
    assert 'href="https://www.example.org/a?b=c"' in html
    # No remote images or fonts in the template either.
    assert not re.search(r"<(img|link)\b", html)
    assert "@font-face" not in html and "url(" not in html
    # The text part is the Markdown itself: what was typed, nothing executes in plain text.
    assert "<script>alert('x')</script>" in text


@pytest.mark.parametrize(
    "sender_name",
    [
        "Redaktion\r\nBcc: victim@example.org",
        "Redaktion\nX-Evil: 1",
        "Redaktion\x00",
    ],
)
def test_a_sender_name_with_a_line_break_is_refused(infobrief, german, sender_name):
    infobrief.sender_name = sender_name
    with pytest.raises(ValueError):
        build_message(infobrief=infobrief, version=german, to="leser@example.org")


@pytest.mark.parametrize("subject", ["Neu\r\nBcc: victim@example.org", "Neu\nX-Evil: 1"])
def test_a_subject_with_a_line_break_is_refused(infobrief, subject):
    version = InfobriefVersionFactory(infobrief=infobrief, subject=subject)
    with pytest.raises(ValueError):
        build_message(infobrief=infobrief, version=version, to="leser@example.org")


def test_a_sender_name_cannot_add_an_address_or_a_header(smtp_sink, infobrief, german):
    infobrief.sender_name = 'Amt, "Chef" <boss@evil.example>; Bcc: victim@example.org'
    subscription = SubscriptionFactory()
    send(
        build_message(
            infobrief=infobrief, version=german, subscription=subscription, to=subscription.email
        )
    )
    (mail,) = smtp_sink.received
    assert mail.recipients == [subscription.email]
    assert "Bcc" not in mail.message
    (sender,) = mail.message["From"].addresses
    assert sender.addr_spec == "noreply@lotse.example"
    assert sender.display_name == 'Amt, "Chef" <boss@evil.example>; Bcc: victim@example.org'
    assert from_header("Redaktion") == "Redaktion <noreply@lotse.example>"


def test_a_right_to_left_version_is_marked_as_such(smtp_sink, infobrief):
    version = InfobriefVersionFactory(
        infobrief=infobrief, language="ar", subject="النشرة الإخبارية", body="مرحبا **بكم**\n"
    )
    subscription = SubscriptionFactory(language="ar")
    send(
        build_message(
            infobrief=infobrief, version=version, subscription=subscription, to=subscription.email
        )
    )
    message = received(smtp_sink, subscription.email)
    _text, html = parts(message)
    assert re.search(r'<html lang="ar"\s+dir="rtl"', html)
    assert re.search(r"text-align:\s*right", html)
    assert message["Subject"] == "النشرة الإخبارية"
    assert message["Content-Language"] == "ar"


def test_a_reader_without_their_language_gets_german_with_a_note(smtp_sink, infobrief, german):
    subscription = SubscriptionFactory(language="uk")
    send(
        build_message(
            infobrief=infobrief,
            version=german,
            subscription=subscription,
            to=subscription.email,
            fallback_note=True,
        )
    )
    message = received(smtp_sink, subscription.email)
    text, html = parts(message)
    note = fallback_note_text("uk")
    assert note in text
    assert re.search(r'<p lang="uk"\s+dir="ltr"', html) and note in html
    assert message["Subject"] == german.subject
    assert "Die **Beratung**" in text
    # The web-version link opens the archive in the reader's language (German with a note).
    assert reverse("infobriefe:archive_version", args=[infobrief.pk, "uk"]) in text


def test_a_note_for_a_right_to_left_reader_is_right_to_left(infobrief, german):
    subscription = SubscriptionFactory(language="fa")
    message = build_message(
        infobrief=infobrief,
        version=german,
        subscription=subscription,
        to=subscription.email,
        fallback_note=True,
    )
    html = message.alternatives[0].content
    assert re.search(r'<html lang="de"\s+dir="ltr"', html)
    assert re.search(r'<p lang="fa"\s+dir="rtl"', html)


def test_a_test_mail_is_marked_and_has_no_personal_links(smtp_sink, infobrief, german):
    send(build_message(infobrief=infobrief, version=german, to="editor@example.org", test=True))
    message = received(smtp_sink, "editor@example.org")
    text, html = parts(message)
    assert message["Subject"] == f"{prefix_of_test_mail('de')} {german.subject}"
    assert "List-Unsubscribe" not in message
    assert not message["Message-ID"].startswith("<infobrief-")
    assert "/unsubscribe/" not in text + html and "/manage/" not in text + html
    with translation.override("de"):
        note = gettext(
            "This is a test mail. In the real mail, each recipient finds their own links to "
            "change their preferences and to unsubscribe here."
        )
    assert note in text


def test_the_message_id_is_the_same_when_a_delivery_is_sent_again(infobrief, german):
    subscription = SubscriptionFactory()
    letter = render_letter(infobrief=infobrief, version=german)
    first, second = (
        build_message(
            infobrief=infobrief,
            version=german,
            subscription=subscription,
            to=subscription.email,
            delivery_id=7,
            letter=letter,
        )
        for _ in range(2)
    )
    assert first.extra_headers["Message-ID"] == second.extra_headers["Message-ID"]
    assert first.extra_headers["Message-ID"] == f"<infobrief-{infobrief.pk}-7@lotse.example>"


# -- the prepared serialisation --------------------------------------------------------------


def normalised(text: str) -> str:
    return text.replace("\r\n", "\n")


@pytest.mark.parametrize("language", ["de", "ar", "uk"])
def test_the_prepared_bytes_say_what_django_would_serialise(infobrief, language):
    infobrief.sender_name = "Redaktion für Integration, Bayern"
    version = InfobriefVersionFactory(
        infobrief=infobrief,
        language=language,
        subject=(
            "Ein sehr langer Betreff mit Umlauten – Übersicht über alle Schulungstermine "
            "im Herbst 2026"
        ),
        body=SCRIPT_BODY
        + "\n"
        + ("Ein langer Absatz ohne Umbruch mit ä, ö, ü und ß. " * 40)
        + "\n\n  \n",
    )
    subscription = SubscriptionFactory(language=language)
    message = build_message(
        infobrief=infobrief,
        version=version,
        subscription=subscription,
        to=subscription.email,
        delivery_id=3,
    )
    assert isinstance(message, InfobriefMessage)
    prepared = message.message(policy=email.policy.SMTP).as_bytes()
    django_bytes = EmailMultiAlternatives.message(message, policy=email.policy.SMTP).as_bytes()
    assert prepared != django_bytes  # the fast path was taken
    ours = email.message_from_bytes(prepared, policy=email.policy.default)
    theirs = email.message_from_bytes(django_bytes, policy=email.policy.default)
    for header in (
        "Subject",
        "From",
        "To",
        "Message-ID",
        "List-Unsubscribe",
        "List-Unsubscribe-Post",
        "List-Id",
        "Precedence",
        "Content-Language",
        "MIME-Version",
    ):
        assert ours[header] == theirs[header], header
    ours_text, ours_html = parts(ours)  # type: ignore[arg-type]
    theirs_text, theirs_html = parts(theirs)  # type: ignore[arg-type]
    assert normalised(ours_text) == normalised(theirs_text) == normalised(message.body)
    assert (
        normalised(ours_html)
        == normalised(theirs_html)
        == normalised(message.alternatives[0].content)
    )
    assert all(len(line) <= 998 for line in prepared.split(b"\r\n"))
    assert b"\n" not in prepared.replace(b"\r\n", b"")


def test_an_address_that_needs_encoding_takes_djangos_way(smtp_sink, infobrief, german):
    subscription = SubscriptionFactory(email="leserin@bücher.example")
    message = build_message(
        infobrief=infobrief, version=german, subscription=subscription, to=subscription.email
    )
    send(message)
    (mail,) = smtp_sink.received
    assert mail.recipients == ["leserin@xn--bcher-kva.example"]
    assert mail.message["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert "/unsubscribe/" in mail.message["List-Unsubscribe"]


def test_the_development_outbox_gets_a_readable_mail(settings, tmp_path, infobrief, german):
    settings.MAILERS = {"default": {"BACKEND": "lotse.core.mail.OutboxBackend"}}
    settings.EMAIL_OUTBOX_DIR = tmp_path
    subscription = SubscriptionFactory()
    send(
        build_message(
            infobrief=infobrief, version=german, subscription=subscription, to=subscription.email
        )
    )
    (path,) = tmp_path.glob("*.eml")
    message = email.message_from_bytes(path.read_bytes(), policy=email.policy.default)
    assert re.fullmatch(r"<http[^<>\s]+/unsubscribe/[^<>\s/]+/>", message["List-Unsubscribe"])
    assert message["Subject"] == german.subject
    text, _html = parts(message)  # type: ignore[arg-type]
    assert "Die **Beratung**" in text


def test_quoted_printable_pieces_join_with_soft_breaks():
    generator = random.Random(5)
    alphabet = "abc xyzÄöü=.\t-–€😀<>\n"
    for _ in range(200):
        pieces = [
            "".join(generator.choice(alphabet) for _ in range(generator.randint(0, 200)))
            for _ in range(generator.randint(1, 4))
        ]
        encoded = b"=\r\n".join(quoted_printable(piece) for piece in pieces)
        assert all(len(line) <= 76 for line in encoded.split(b"\r\n"))
        decoded = quopri.decodestring(encoded.replace(b"\r\n", b"\n")).decode("utf-8")
        assert decoded == "".join(pieces)
