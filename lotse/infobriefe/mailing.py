"""The Infobrief as an e-mail: one `EmailMultiAlternatives` per recipient.

A mail has a plain-text part (the Markdown, links written out) and an HTML alternative in the
KERN look (inline styles, KERN colours, the system font stack; no remote images or fonts), a
web-version link into the public archive, and the recipient's own manage and unsubscribe links
(signed, `tokens.make_link_token`) in the footer and in the headers:

- `List-Unsubscribe: <https://…/infobriefe/unsubscribe/TOKEN/>` and
  `List-Unsubscribe-Post: List-Unsubscribe=One-Click` (RFC 8058 one-click unsubscribe);
- `List-Id` (RFC 2919), one list per Land;
- `Precedence: bulk`: RFC 3834 (section 2) names it, next to the List-* fields, as a sign for
  automatic responders (vacation notices) not to answer. `Auto-Submitted` is *not* set: RFC 3834
  reserves `auto-generated` for messages made by automatic processes, and an Infobrief is
  written by people;
- a deterministic `Message-ID: <infobrief-{infobrief}-{delivery}@{domain}>`, so that a mail
  sent again after a crashed worker carries the same id (see `services/dispatch.py`).

The sender name and the subject end up in headers: both are refused when they hold line breaks
or control characters (`ValueError`), and the From header is composed with
`email.headerregistry.Address`, which quotes any display name, so that a name can never add a
header or a second address.

Cost per message matters (a dispatch sends 100,000): `render_letter` renders a language version
once (Markdown, sanitising, templates) with placeholders for the links, and `personalise` only
signs the recipient's two tokens and fills them in. `build_message` does both for one mail (the
editors' test mail); the dispatch keeps one `Letter` per language for a whole run.

Python's `email` package needs 2–4 ms to serialise one such message (header objects, folding,
quoted-printable in pure Python), more than the SMTP exchange itself. So `render_letter` also
serialises the MIME message once — headers folded and encoded by `email.policy.SMTP`, both
parts quoted-printable, cut at the link placeholders — and `InfobriefMessage.message()` hands
the SMTP backend these bytes with the recipient's header lines and links filled in (links are
plain ASCII; they go between soft line breaks, so the decoded text is exactly the personalised
text). Anything off this path — another policy (the outbox and locmem backends), a changed
attribute, an address that needs encoding — falls back to Django's own serialisation, and the
tests compare both.
"""

from __future__ import annotations

import dataclasses
import datetime
import email
import email.message
import email.policy
import re
import secrets
from dataclasses import dataclass
from email.headerregistry import Address
from email.utils import format_datetime, parseaddr
from typing import Any
from urllib.parse import urlsplit

from django.conf import settings
from django.core.mail import EmailMultiAlternatives, make_msgid
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _

from lotse.core.validators import CONTROL_CHARACTERS

from .models import Infobrief, InfobriefVersion, Subscription
from .rendering import markdown_to_text, render_markdown
from .tokens import make_link_token

# KERN colours (kern.min.css, oklch converted to sRGB hex for mail programs).
TEXT_COLOUR = "#131525"  # neutral-950: layout text
MUTED_COLOUR = "#51577a"  # neutral-650: muted text
LINK_COLOUR = "#2044aa"  # darkblue-700: action
BRAND_COLOUR = "#2044aa"
SURFACE_COLOUR = "#f3f4f7"  # neutral-025: hued background
BORDER_COLOUR = "#dfe1ea"  # neutral-100
NOTE_BACKGROUND = "#e5ebf7"  # darkblue-050
# Fira Sans (KERN's font) if the reader has it installed, then the system fonts; nothing remote.
FONT_STACK = (
    "'Fira Sans', -apple-system, BlinkMacSystemFont, 'Segoe UI', Roboto, 'Noto Sans', "
    "'Helvetica Neue', Arial, sans-serif"
)


@dataclass(frozen=True)
class Letter:
    """One language version of an Infobrief, rendered for mail, with link placeholders."""

    infobrief_id: int
    text_language: str  # the language of the text that is sent
    reader_language: str  # the language of the footer and the note
    subject: str
    from_header: str
    envelope_sender: str  # the addr-spec of DEFAULT_FROM_EMAIL (SMTP MAIL FROM)
    list_id: str
    domain: str
    html: str
    text: str
    manage_placeholder: str
    unsubscribe_placeholder: str
    # The absolute URLs of the manage and unsubscribe pages, split around the token.
    manage_url: tuple[str, str]
    unsubscribe_url: tuple[str, str]
    # Used instead of the recipient's links when a mail has no subscription.
    request_link_url: str
    test: bool
    # The serialised message: static header lines, boundary and the two bodies cut at the
    # placeholders (None when the sender's address needs encoding: Django serialises then).
    mime: PreparedMime | None = None


def _single_line(value: str, what: str) -> str:
    """Refuse line breaks and control characters in what becomes a header."""
    if "\r" in value or "\n" in value or CONTROL_CHARACTERS.search(value):
        raise ValueError(f"The {what} must be one line without control characters.")
    return value.strip()


def sender_address() -> tuple[str, str]:
    """Return the addr-spec and its domain of DEFAULT_FROM_EMAIL."""
    address = parseaddr(settings.DEFAULT_FROM_EMAIL)[1]
    domain = address.rpartition("@")[2] or urlsplit(settings.SITE_URL).hostname or "localhost"
    return address, domain.lower()


def from_header(sender_name: str) -> str:
    """Return `"<sender_name>" <DEFAULT_FROM_EMAIL address>`, quoted so that it stays one
    mailbox whatever the name holds (ValueError for line breaks and control characters)."""
    name = _single_line(sender_name, "sender name")
    address, _domain = sender_address()
    username, _at, domain = address.rpartition("@")
    return str(Address(display_name=name, username=username, domain=domain))


def _is_bidi(language: str) -> bool:
    return language.split("-")[0] in settings.LANGUAGES_BIDI


def _absolute(path: str) -> str:
    return f"{settings.SITE_URL}{path}"


def _url_around_token(name: str) -> tuple[str, str]:
    """Return the absolute URL of `name` split around its token argument."""
    marker = "0token0"
    before, _marker, after = _absolute(reverse(name, args=[marker])).partition(marker)
    return before, after


def _styles(rtl: bool) -> dict[str, str]:
    start = "right" if rtl else "left"
    return {
        "p": "margin:0 0 16px 0;",
        "h2": f"margin:28px 0 8px 0;font-size:20px;line-height:1.3;color:{TEXT_COLOUR};",
        "h3": f"margin:24px 0 8px 0;font-size:18px;line-height:1.3;color:{TEXT_COLOUR};",
        "h4": f"margin:20px 0 8px 0;font-size:16px;line-height:1.3;color:{TEXT_COLOUR};",
        "a": f"color:{LINK_COLOUR};text-decoration:underline;",
        "ul": f"margin:0 0 16px 0;padding-{start}:24px;",
        "ol": f"margin:0 0 16px 0;padding-{start}:24px;",
        "li": "margin:0 0 6px 0;",
        "blockquote": (
            f"margin:0 0 16px 0;padding:8px 16px;border-{start}:4px solid {BRAND_COLOUR};"
            f"background-color:{SURFACE_COLOUR};"
        ),
        "pre": (
            f"margin:0 0 16px 0;padding:12px;background-color:{SURFACE_COLOUR};"
            "white-space:pre-wrap;font-family:monospace;font-size:14px;"
        ),
        "code": "font-family:monospace;font-size:14px;",
        "table": "border-collapse:collapse;margin:0 0 16px 0;",
        "th": f"border:1px solid {BORDER_COLOUR};padding:6px 8px;text-align:{start};",
        "td": f"border:1px solid {BORDER_COLOUR};padding:6px 8px;",
        "hr": f"border:0;border-top:1px solid {BORDER_COLOUR};margin:24px 0;",
    }


_TAG = re.compile(r"<(p|h2|h3|h4|a|ul|ol|li|blockquote|pre|code|table|th|td|hr)(?=[\s>/])")


def style_html(html: str, *, rtl: bool = False) -> str:
    """Give the tags of sanitised HTML the inline styles mail programs need.

    Safe on the output of `rendering.render_markdown` only: nh3 has escaped every `<` of the
    text, so each `<tag` left is a real tag, and no tag carries a style of its own.
    """
    styles = _styles(rtl)
    return _TAG.sub(lambda match: f'<{match.group(1)} style="{styles[match.group(1)]}"', html)


def fallback_note_text(reader_language: str) -> str:
    """The note for readers whose language has no version, in their language."""
    with translation.override(reader_language):
        return _(
            "This Infobrief is not available in your language yet. Here is the German version."
        )


def render_letter(
    *,
    infobrief: Infobrief,
    version: InfobriefVersion,
    reader_language: str | None = None,
    fallback_note: bool = False,
    test: bool = False,
) -> Letter:
    """Render one language version for mail, once, with placeholders for the recipient's links.

    Raises ValueError when the sender name or the subject would break a header.
    """
    text_language = version.language
    reader = reader_language or text_language
    from_value = from_header(infobrief.sender_name)
    subject = _single_line(version.subject, "subject")
    envelope_sender, domain = sender_address()
    manage_placeholder = f"manage{secrets.token_hex(8)}"
    unsubscribe_placeholder = f"unsubscribe{secrets.token_hex(8)}"
    text_rtl = _is_bidi(text_language)
    reader_rtl = _is_bidi(reader)
    with translation.override(reader):
        web_url = _absolute(reverse("infobriefe:archive_version", args=[infobrief.pk, reader]))
        context = {
            "subject": subject,
            "sender_name": infobrief.sender_name.strip(),
            "text_language": text_language,
            "text_dir": "rtl" if text_rtl else "ltr",
            "text_align": "right" if text_rtl else "left",
            "reader_language": reader,
            "reader_dir": "rtl" if reader_rtl else "ltr",
            "reader_align": "right" if reader_rtl else "left",
            "note": fallback_note_text(reader) if fallback_note else "",
            "test": test,
            "web_url": web_url,
            "manage_url": manage_placeholder,
            "unsubscribe_url": unsubscribe_placeholder,
            "site_url": settings.SITE_URL,
            "colours": {
                "text": TEXT_COLOUR,
                "muted": MUTED_COLOUR,
                "link": LINK_COLOUR,
                "brand": BRAND_COLOUR,
                "surface": SURFACE_COLOUR,
                "border": BORDER_COLOUR,
                "note": NOTE_BACKGROUND,
            },
            "font_stack": FONT_STACK,
        }
        subject_line = " ".join(
            render_to_string("infobriefe/email/infobrief_subject.txt", context).split()
        )
        html = render_to_string(
            "infobriefe/email/infobrief.html",
            {**context, "body_html": style_html(render_markdown(version.body), rtl=text_rtl)},
        )
        text = render_to_string(
            "infobriefe/email/infobrief.txt",
            {**context, "body_text": markdown_to_text(version.body).strip()},
        )
    letter = Letter(
        infobrief_id=infobrief.pk,
        text_language=text_language,
        reader_language=reader,
        subject=_single_line(subject_line, "subject"),
        from_header=from_value,
        envelope_sender=envelope_sender,
        list_id=f"<infobriefe-{_list_label(infobrief)}.{domain}>",
        domain=domain,
        html=html,
        text=text,
        manage_placeholder=manage_placeholder,
        unsubscribe_placeholder=unsubscribe_placeholder,
        manage_url=_url_around_token("infobriefe:manage"),
        unsubscribe_url=_url_around_token("infobriefe:unsubscribe"),
        request_link_url=_absolute(reverse("infobriefe:request_link")),
        test=test,
    )
    return dataclasses.replace(letter, mime=prepare_mime(letter))


def _list_label(infobrief: Infobrief) -> str:
    state = getattr(infobrief, "state", None)
    code = getattr(state, "code", "") or str(infobrief.state_id)
    return re.sub(r"[^a-z0-9-]", "", code.lower()) or "land"


def message_id(*, infobrief_id: int, delivery_id: int, domain: str) -> str:
    """The deterministic Message-ID of one delivery: a resend carries the same id."""
    return f"<infobrief-{infobrief_id}-{delivery_id}@{domain}>"


# -- the prepared MIME message ---------------------------------------------------------------

_SMTP_POLICY = email.policy.SMTP
_CRLF = b"\r\n"
_SOFT_BREAK = b"=\r\n"
# Encoded lines are at most 76 characters with the "=" of a soft break (RFC 2045).
_QP_WIDTH = 75
# Printable ASCII but "=", space and tab: written as they are in quoted-printable.
_QP_LITERAL = (frozenset(range(32, 127)) - {ord("=")}) | {9}
_QP_TOKENS = [chr(byte) if byte in _QP_LITERAL else f"={byte:02X}" for byte in range(256)]
# Addresses and URLs written into the prepared message without any encoding.
_PLAIN_ADDRESS = re.compile(r"[A-Za-z0-9.!#$%&'*+/?^_`{|}~-]+@[A-Za-z0-9.-]+")
_PLAIN_URL = re.compile(r"[!-<>-~]+")  # printable ASCII but "=" and space
_MAX_HEADER_LINE = 990


def quoted_printable(text: str) -> bytes:
    """Encode `text` (UTF-8) as quoted-printable with CRLF line ends.

    Every encoded line, the last one included, leaves room for a soft line break ("="), so
    that pieces encoded one by one can be joined with `=CRLF` between them and decode to the
    joined text. Trailing blanks of a line are encoded (=20), as RFC 2045 asks.
    """
    encoded: list[str] = []
    for line in text.replace("\r\n", "\n").split("\n"):
        data = line.encode("utf-8")
        tokens = [_QP_TOKENS[byte] for byte in data]
        if data and data[-1] in (9, 32):
            tokens[-1] = f"={data[-1]:02X}"
        current = ""
        for token in tokens:
            if len(current) + len(token) > _QP_WIDTH:
                encoded.append(current + "=")
                current = ""
            current += token
        encoded.append(current)
    return "\r\n".join(encoded).encode("ascii")


def _quoted_printable_url(url: str) -> bytes:
    if _PLAIN_URL.fullmatch(url):
        return _SOFT_BREAK.join(
            url[start : start + _QP_WIDTH].encode("ascii")
            for start in range(0, len(url), _QP_WIDTH)
        )
    return quoted_printable(url)


@dataclass(frozen=True)
class PreparedMime:
    """A letter's MIME message, serialised once, with gaps for the recipient's parts."""

    static_headers: bytes
    boundary: bytes
    # Encoded pieces of each body; a str is a gap ("manage" or "unsubscribe").
    text: tuple[bytes | str, ...]
    html: tuple[bytes | str, ...]


def _fold(name: str, value: str) -> bytes:
    return _SMTP_POLICY.header_factory(name, value).fold(policy=_SMTP_POLICY).encode("ascii")


def _pieces(letter: Letter, body: str) -> tuple[bytes | str, ...]:
    gaps = {letter.manage_placeholder: "manage", letter.unsubscribe_placeholder: "unsubscribe"}
    split = re.split(
        f"({re.escape(letter.manage_placeholder)}|{re.escape(letter.unsubscribe_placeholder)})",
        body,
    )
    return tuple(
        gaps[part] if index % 2 else quoted_printable(part) for index, part in enumerate(split)
    )


def prepare_mime(letter: Letter) -> PreparedMime | None:
    """Serialise the parts of `letter` that are the same for every recipient."""
    address = parseaddr(letter.from_header)[1]
    if not address.isascii():
        return None  # an internationalised sender address: Django encodes it per message
    boundary = f"==============={secrets.token_hex(12)}=="
    headers = [
        b"MIME-Version: 1.0\r\n",
        _fold("Content-Type", f'multipart/alternative; boundary="{boundary}"'),
        _fold("Subject", letter.subject),
        _fold("From", letter.from_header),
        _fold("List-Id", letter.list_id),
        b"Precedence: bulk\r\n",
        _fold("Content-Language", letter.text_language),
    ]
    return PreparedMime(
        static_headers=b"".join(headers),
        boundary=boundary.encode("ascii"),
        text=_pieces(letter, letter.text),
        html=_pieces(letter, letter.html),
    )


def _body(pieces: tuple[bytes | str, ...], links: dict[str, bytes]) -> bytes:
    parts: list[bytes] = []
    for piece in pieces:
        if isinstance(piece, str):
            parts.extend((_SOFT_BREAK, links[piece], _SOFT_BREAK))
        else:
            parts.append(piece)
    return b"".join(parts)


class SerialisedMessage:
    """What `InfobriefMessage.message()` returns on the fast path: the message's bytes.

    `as_bytes()` hands them out as they are; anything else parses them into a real
    `email.message.EmailMessage` first (tests, other backends).
    """

    def __init__(self, data: bytes, policy: email.policy.Policy) -> None:
        self._data = data
        self._policy = policy
        self._parsed: email.message.EmailMessage | None = None

    def as_bytes(self, unixfrom: bool = False, policy: Any = None) -> bytes:
        if not unixfrom and (policy is None or policy.linesep == "\r\n"):
            return self._data
        return self.parsed().as_bytes(unixfrom=unixfrom, policy=policy)

    def __bytes__(self) -> bytes:
        return self.as_bytes()

    def parsed(self) -> email.message.EmailMessage:
        if self._parsed is None:
            message = email.message_from_bytes(self._data, policy=self._policy)
            assert isinstance(message, email.message.EmailMessage)
            self._parsed = message
        return self._parsed

    def __getattr__(self, name: str) -> Any:
        if name.startswith("_"):  # not set yet (copy, pickle): no parsing for those
            raise AttributeError(name)
        return getattr(self.parsed(), name)

    def __getitem__(self, name: str) -> Any:
        return self.parsed()[name]

    def __contains__(self, name: str) -> bool:
        return name in self.parsed()

    def __str__(self) -> str:
        return str(self.parsed())


class InfobriefMessage(EmailMultiAlternatives):
    """An Infobrief mail; serialised from its letter's prepared bytes when it can be."""

    def __init__(
        self,
        *,
        letter: Letter,
        links: dict[str, str],
        subject: str,
        body: str,
        from_email: str,
        to: list[str],
        headers: dict[str, str],
    ) -> None:
        super().__init__(subject=subject, body=body, from_email=from_email, to=to, headers=headers)
        self.letter = letter
        self.links = links

    def _fast_path_applies(self, policy: Any) -> bool:
        letter = self.letter
        return (
            letter.mime is not None
            and policy.linesep == "\r\n"
            and not getattr(policy, "utf8", False)
            and self.subject == letter.subject
            and self.from_email == letter.from_header
            and len(self.to) == 1
            and not self.cc
            and not self.bcc
            and not self.reply_to
            and not self.attachments
            and len(self.alternatives) == 1
            and _PLAIN_ADDRESS.fullmatch(self.to[0]) is not None
            and _PLAIN_ADDRESS.fullmatch(letter.envelope_sender) is not None
            and all(_PLAIN_URL.fullmatch(link) for link in self.links.values())
            and len(self.extra_headers.get("List-Unsubscribe", "")) < _MAX_HEADER_LINE
            and str(self.extra_headers.get("Message-ID", "")).isascii()
            and "Message-ID" in self.extra_headers
        )

    def prepared_bytes(self) -> bytes | None:
        """The message as SMTP sends it (CRLF), from the prepared letter; None when it must
        go Django's way. The envelope is then `letter.envelope_sender` → `to[0]`, both plain
        ASCII addresses (checked here), so a sender may hand the bytes to the SMTP
        connection itself."""
        if not self._fast_path_applies(_SMTP_POLICY):
            return None
        return self.message(policy=_SMTP_POLICY).as_bytes()

    def message(self, *, policy: Any = email.policy.default) -> Any:
        if not self._fast_path_applies(policy):
            message = super().message(policy=policy)
            unsubscribe = self.extra_headers.get("List-Unsubscribe")
            if unsubscribe is not None and len(unsubscribe) < _MAX_HEADER_LINE:
                # Python folds a long URL into RFC 2047 encoded words, which no mail program
                # reads in this header; one long line (< 998) is what RFC 2369 expects.
                del message["List-Unsubscribe"]
                message["List-Unsubscribe"] = _UnfoldedHeader("List-Unsubscribe", unsubscribe)
            return message
        mime = self.letter.mime
        assert mime is not None
        links = {name: _quoted_printable_url(url) for name, url in self.links.items()}
        headers = self.extra_headers
        lines = [
            mime.static_headers,
            b"To: ",
            self.to[0].encode("ascii"),
            _CRLF,
            b"Date: ",
            format_datetime(datetime.datetime.now(datetime.UTC)).encode("ascii"),
            _CRLF,
            b"Message-ID: ",
            headers["Message-ID"].encode("ascii"),
            _CRLF,
        ]
        if "List-Unsubscribe" in headers:
            lines += [
                b"List-Unsubscribe: ",
                headers["List-Unsubscribe"].encode("ascii"),
                _CRLF,
                b"List-Unsubscribe-Post: List-Unsubscribe=One-Click\r\n",
            ]
        part_header = (
            b'Content-Type: text/%s; charset="utf-8"\r\n'
            b"Content-Transfer-Encoding: quoted-printable\r\n\r\n"
        )
        separator = b"--" + mime.boundary + _CRLF
        lines += [
            _CRLF,
            separator,
            part_header % b"plain",
            _body(mime.text, links),
            _CRLF,
            separator,
            part_header % b"html",
            _body(mime.html, links),
            _CRLF,
            b"--",
            mime.boundary,
            b"--\r\n",
        ]
        return SerialisedMessage(b"".join(lines), policy)


class _UnfoldedHeader(str):
    """A header value written on one line as it is (for ASCII values below 998 characters)."""

    def __new__(cls, name: str, value: str) -> _UnfoldedHeader:
        header = super().__new__(cls, value)
        header.name = name  # type: ignore[attr-defined]
        return header

    def fold(self, *, policy: Any) -> str:
        return f"{self.name}: {self}{policy.linesep}"  # type: ignore[attr-defined]


def personalise(
    letter: Letter,
    *,
    to: str,
    subscription: Subscription | None = None,
    delivery_id: int | None = None,
) -> InfobriefMessage:
    """Return the mail of `letter` for one recipient: their links, headers and Message-ID.

    Without a subscription (the editors' test mail) the footer says where the links go and
    the List-Unsubscribe headers are left out.
    """
    headers = {
        "List-Id": letter.list_id,
        "Precedence": "bulk",
        "Content-Language": letter.text_language,
    }
    if subscription is not None:
        links = {
            purpose: make_link_token(
                purpose=purpose,
                subscription_id=subscription.pk,
                key=subscription.key,
                infobrief_id=letter.infobrief_id,
            ).join(url)
            for purpose, url in (
                ("manage", letter.manage_url),
                ("unsubscribe", letter.unsubscribe_url),
            )
        }
        headers["List-Unsubscribe"] = f"<{links['unsubscribe']}>"
        headers["List-Unsubscribe-Post"] = "List-Unsubscribe=One-Click"
    else:
        links = {"manage": letter.request_link_url, "unsubscribe": letter.request_link_url}
    html = letter.html.replace(letter.manage_placeholder, links["manage"]).replace(
        letter.unsubscribe_placeholder, links["unsubscribe"]
    )
    text = letter.text.replace(letter.manage_placeholder, links["manage"]).replace(
        letter.unsubscribe_placeholder, links["unsubscribe"]
    )
    if delivery_id is not None and not letter.test:
        headers["Message-ID"] = message_id(
            infobrief_id=letter.infobrief_id, delivery_id=delivery_id, domain=letter.domain
        )
    else:
        headers["Message-ID"] = make_msgid(domain=letter.domain)
    message = InfobriefMessage(
        letter=letter,
        links=links,
        subject=letter.subject,
        body=text,
        from_email=letter.from_header,
        to=[to],
        headers=headers,
    )
    message.attach_alternative(html, "text/html")
    return message


def build_message(
    *,
    infobrief: Infobrief,
    version: InfobriefVersion,
    subscription: Subscription | None = None,
    to: str,
    fallback_note: bool = False,
    test: bool = False,
    delivery_id: int | None = None,
    letter: Letter | None = None,
) -> EmailMultiAlternatives:
    """Return the Infobrief `version` as a mail to `to`.

    `fallback_note`: the reader's language has no version; `version` is the German one and a
    short note in the reader's language (`subscription.language`) says so. `test`: the
    editors' test mail ("[Test]" before the subject, no delivery). `delivery_id` gives the
    deterministic Message-ID; `letter` (from `render_letter`) saves rendering the version again
    for every recipient. Raises ValueError when the sender name or subject would break a header.
    """
    if letter is None:
        reader = subscription.language if subscription is not None else None
        letter = render_letter(
            infobrief=infobrief,
            version=version,
            reader_language=reader if fallback_note else None,
            fallback_note=fallback_note,
            test=test,
        )
    return personalise(letter, to=to, subscription=subscription, delivery_id=delivery_id)
