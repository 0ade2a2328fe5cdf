"""The Infobriefe (issue 5) in a real browser, from the subscription to the unsubscribe link.

1. A visitor subscribes on the public form (Ukrainian, one district of Bavaria – the district
   list follows the chosen Land by htmx –, one topic, consent), sees the neutral "check your
   mail" page, opens the confirmation link from the mail and confirms with the button.
2. A state editor (TOTP) creates an Infobrief, writes the German text while the live preview
   renders the Markdown, writes the Ukrainian text, sees the other languages marked missing,
   sends a test mail to themselves and sends the Infobrief now. The dispatch runs step by step
   from the test (the task backend only records), and the editor's progress bar follows by
   htmx polling – "starting", one mail of three, 100 % – without a reload. Every subscriber
   gets their language (German, with a note, where there is no text in theirs); subscribers
   outside the audience get nothing.
3. A visitor finds it in the public archive by a word of its text and opens the Ukrainian web
   version; an Arabic reader (right to left) sees the subscribe form, the archive and the
   German text with the note that it is not available in Arabic.
4. The subscriber unsubscribes with the link of the received mail (page, button, done); the
   editor's figures count the unsubscribe.

axe-core runs on every page visited and after every htmx swap that changes the page
(`settle`/`visit`); CSP violations, JavaScript errors and server errors (5xx, also of a
background poll) fail. Selectors are ids, names, URLs and lang attributes, not visible text.
"""

import re

import pytest
from django.core import mail
from playwright.sync_api import expect

from lotse.accounts.roles import Role
from lotse.accounts.tests.factories import RoleAssignmentFactory, UserFactory
from lotse.core.choices import Topic
from lotse.e2e.conftest import PASSWORD, log_in_with_totp, settle, totp_device, visit
from lotse.infobriefe.choices import (
    DeliveryState,
    InfobriefStatus,
    SubscriptionStatus,
    topics_to_mask,
)
from lotse.infobriefe.mailing import fallback_note_text
from lotse.infobriefe.models import Delivery, Infobrief, Subscription
from lotse.infobriefe.services.dispatch import dispatch_prepare, dispatch_run
from lotse.infobriefe.tests.factories import SubscriptionFactory
from lotse.regions.models import District, State

pytestmark = pytest.mark.django_db(transaction=True)

WAIT = 10_000  # ms: the longest any step may take (the progress partial polls every 2 s)
SUBSCRIBER = "olena.kovalenko@example.org"
EDITOR = "redaktion@bayern.example"

GERMAN_SUBJECT = "Neue Beratungsstellen für Wohnungssuchende"
GERMAN_BODY = (
    "## Beratung vor Ort\n\n"
    "Ab Dezember beraten **zwölf neue Stellen** Familien bei der Wohnungssuche.\n\n"
    "- Sprechstunden im Rathaus\n"
    "- Hilfe beim Wohnberechtigungsschein\n\n"
    "Mehr dazu beim Sprachcafé Ihrer Lotsen.\n"
)
UKRAINIAN_SUBJECT = "Нові консультаційні пункти для тих, хто шукає житло"
UKRAINIAN_BODY = (
    "## Консультації на місці\n\n"
    "З грудня **дванадцять нових пунктів** допомагають сім'ям шукати житло.\n"
)


def in_language(page, language, direction="ltr"):
    """Assert the page speaks `language` (html lang and dir)."""
    expect(page.locator("html")).to_have_attribute("lang", language)
    expect(page.locator("html")).to_have_attribute("dir", direction)


def mails_to(address):
    return [message for message in mail.outbox if address in message.to]


def link_in(message, path):
    """The absolute link to `path…` in the plain-text part of a mail."""
    found = re.search(rf"https?://\S+{re.escape(path)}\S+", message.body)
    assert found, f"no link to {path} in {message.subject!r}"
    return found.group(0)


def test_subscribe_write_send_with_live_progress_archive_and_unsubscribe(
    live_server, new_page, settings
):
    settings.SITE_URL = live_server.url
    base = live_server.url
    bavaria = State.objects.get(code="BY")
    munich = District.objects.get(ags="09162")
    hamburg = District.objects.get(ags="02000")
    editor_user = UserFactory(email=EDITOR, password=PASSWORD)
    RoleAssignmentFactory(user=editor_user, role=Role.STATE_EDITOR, state=bavaria, district=None)
    device = totp_device(editor_user)
    # Confirmed subscribers: in the audience in German and in Arabic (no Arabic text: German
    # with a note); outside it another Land, and a topic the Infobrief is not about.
    german = SubscriptionFactory(email="hans.maier@example.org", language="de")
    arabic = SubscriptionFactory(email="sami.nasser@example.org", language="ar")
    SubscriptionFactory(email="berlin@example.org", state=State.objects.get(code="BE"))
    SubscriptionFactory(
        email="nur-arbeit@example.org", topics_mask=topics_to_mask([Topic.WORK.value])
    )

    # 1. A visitor finds the form through the archive (linked in the header) and subscribes.
    visitor = new_page()
    visit(visitor, base + "/infobriefe/", "ib-01-archive-empty")
    expect(visitor.locator('header a[href="/infobriefe/"]')).to_have_count(1)
    visitor.locator('main a[href="/infobriefe/subscribe/"]').first.click()
    visitor.wait_for_url(base + "/infobriefe/subscribe/")
    settle(visitor, "ib-02-subscribe-form")
    visitor.locator("#id_email").fill(SUBSCRIBER)
    visitor.locator("#id_language").select_option("uk")
    # Another Land: htmx replaces the district list; back to Bavaria.
    munich_box = visitor.locator(f'input[name="districts"][value="{munich.pk}"]')
    hamburg_box = visitor.locator(f'input[name="districts"][value="{hamburg.pk}"]')
    visitor.locator("#id_state").select_option("HH")
    expect(hamburg_box).to_have_count(1, timeout=WAIT)
    expect(munich_box).to_have_count(0)
    settle(visitor, "ib-03-subscribe-districts-hamburg")
    visitor.locator("#id_state").select_option("BY")
    expect(munich_box).to_have_count(1, timeout=WAIT)
    expect(hamburg_box).to_have_count(0)
    visitor.locator('input[name="area"][value="districts"]').check()
    visitor.locator(f'#area-districts details:has(input[value="{munich.pk}"]) > summary').click()
    munich_box.check()
    visitor.locator(f'input[name="topics"][value="{Topic.HOUSING.value}"]').check()
    visitor.locator("#id_consent").check()
    settle(visitor, "ib-04-subscribe-filled")
    visitor.locator("main form.lotse-form button[type=submit]").click()
    visitor.wait_for_url(base + "/infobriefe/subscribe/check-your-mail/")
    settle(visitor, "ib-05-check-your-mail")
    assert not Subscription.objects.filter(email=SUBSCRIBER).exists()  # not before confirming

    # The confirmation link of the mail: GET shows a button (in Ukrainian), POST subscribes.
    [confirmation] = mails_to(SUBSCRIBER)
    visitor.goto(link_in(confirmation, "/infobriefe/confirm/"))
    settle(visitor, "ib-06-confirm")
    in_language(visitor, "uk")
    visitor.locator("main form button[type=submit]").click()
    visitor.locator("main .kern-alert--success").wait_for(timeout=WAIT)
    settle(visitor, "ib-07-confirmed")
    subscription = Subscription.objects.get(email=SUBSCRIBER)
    assert subscription.status == SubscriptionStatus.ACTIVE
    assert subscription.language == "uk"
    assert subscription.whole_state is False
    assert list(subscription.districts.all()) == [munich]
    assert subscription.topics_mask == topics_to_mask([Topic.HOUSING.value])
    assert subscription.consents.count() == 1

    # 2. The state editor (TOTP) creates an Infobrief for Bavaria on housing.
    editor = new_page()
    log_in_with_totp(editor, base, EDITOR, device, "ib-08-editor")
    editor.locator('main a[href="/infobriefe/editor/"]').click()
    editor.wait_for_url(base + "/infobriefe/editor/")
    settle(editor, "ib-09-editor-list")
    editor.locator('main a[href="/infobriefe/editor/new/"]').click()
    editor.wait_for_url(base + "/infobriefe/editor/new/")
    settle(editor, "ib-10-editor-new")
    editor.locator("#id_sender_name").fill("Redaktion Integration Bayern")
    editor.locator('input[name="level"][value="state"]').check()
    editor.locator(f'input[name="topics"][value="{Topic.HOUSING.value}"]').check()
    editor.locator("main form.lotse-form button[type=submit]").click()
    editor.wait_for_url(re.compile(r".*/infobriefe/editor/\d+/text/de/$"))
    infobrief = Infobrief.objects.get(sender_name="Redaktion Integration Bayern")
    assert infobrief.state == bavaria and infobrief.team_district is None
    detail_url = f"{base}/infobriefe/editor/{infobrief.pk}/"
    settle(editor, "ib-11-german-form")

    # The German text; the live preview renders the Markdown while the editor types.
    preview = editor.locator("#infobrief-preview")
    editor.locator("#id_subject").fill(GERMAN_SUBJECT)
    editor.locator("#id_body").fill(GERMAN_BODY)
    expect(preview.locator('[lang="de"] h2')).to_have_text("Beratung vor Ort", timeout=WAIT)
    expect(preview.locator("strong")).to_have_text("zwölf neue Stellen")
    expect(preview.locator("li")).to_have_count(2)
    expect(preview).to_contain_text(GERMAN_SUBJECT)
    settle(editor, "ib-12-german-preview")
    editor.locator("main form.lotse-form button[type=submit]").click()
    editor.wait_for_url(detail_url)
    settle(editor, "ib-13-detail-german")

    def missing(language):
        return editor.locator(f'main tr:has(th[lang="{language}"]) .kern-badge--warning')

    assert missing("uk").count() == 1

    # The Ukrainian text, written right from the detail page.
    editor.locator(f'main a[href="/infobriefe/editor/{infobrief.pk}/text/uk/"]').click()
    editor.wait_for_url(f"{detail_url}text/uk/")
    settle(editor, "ib-14-ukrainian-form")
    editor.locator("#id_subject").fill(UKRAINIAN_SUBJECT)
    editor.locator("#id_body").fill(UKRAINIAN_BODY)
    expect(preview.locator('[lang="uk"] h2')).to_have_text("Консультації на місці", timeout=WAIT)
    expect(preview.locator("strong")).to_have_text("дванадцять нових пунктів")
    settle(editor, "ib-15-ukrainian-preview")
    editor.locator("main form.lotse-form button[type=submit]").click()
    editor.wait_for_url(detail_url)
    settle(editor, "ib-16-detail-two-languages")
    # German and Ukrainian are written; the other languages are marked missing.
    assert missing("de").count() == missing("uk").count() == 0
    for language in ("en", "ar", "fa", "tr", "ru"):
        assert missing(language).count() == 1, language
    assert sorted(infobrief.versions.values_list("language", flat=True)) == ["de", "uk"]

    # A test mail to the editor: one per written language, marked as a test.
    with editor.expect_navigation():
        editor.locator(f'main form[action$="/{infobrief.pk}/test/"] button[type=submit]').click()
    settle(editor, "ib-17-test-mail-sent")
    tests = mails_to(EDITOR)
    assert [message.extra_headers["Content-Language"] for message in tests] == ["de", "uk"]
    assert tests[0].subject.endswith(GERMAN_SUBJECT)
    assert tests[1].subject.endswith(UKRAINIAN_SUBJECT)
    assert all(message.subject != GERMAN_SUBJECT for message in tests)  # "[Test] …"
    assert not Delivery.objects.exists()

    # From here on the task backend only records: the dispatch runs step by step below.
    settings.TASKS = {
        "default": {
            "BACKEND": "django.tasks.backends.dummy.DummyBackend",
            "QUEUES": ["default", "mail", "infobriefe"],
        }
    }
    settings.LOTSE_INFOBRIEF_BATCH_SIZE = 1
    editor.locator(f'main form[action$="/{infobrief.pk}/send/"] button[type=submit]').click()
    editor.wait_for_url(f"{detail_url}send/")
    settle(editor, "ib-18-send-confirm")
    editor.locator('main button[name="confirm"][value="yes"]').click()
    editor.wait_for_url(detail_url)
    infobrief.refresh_from_db()
    assert infobrief.status == InfobriefStatus.SCHEDULED
    progress = editor.locator("#infobrief-progress")
    expect(progress).to_have_attribute("hx-get", f"/infobriefe/editor/{infobrief.pk}/progress/")
    bar = editor.locator("#infobrief-progress-bar")
    expect(bar).to_have_count(0)  # "the dispatch is starting"
    settle(editor, "ib-19-dispatch-starting")
    # A marker on the page: it must survive every update (no reload).
    editor.evaluate("window.lotseNoReload = true")

    def after_next_poll(step):
        """Run a dispatch step right after a poll of the progress partial has come back, so
        that it never runs while the live server answers one (SQLite shares its connection)."""
        with editor.expect_response(
            lambda response: response.url.endswith(f"/editor/{infobrief.pk}/progress/"),
            timeout=WAIT,
        ) as polled:
            pass
        assert polled.value.status == 200
        step()

    # The worker prepares the recipients (3 in the audience) and sends one batch of one mail.
    def prepare_and_send_one():
        dispatch_prepare(infobrief_id=infobrief.pk)
        dispatch_run(infobrief_id=infobrief.pk, budget_seconds=0)

    after_next_poll(prepare_and_send_one)
    expect(bar).to_have_attribute("max", "3", timeout=WAIT)
    expect(bar).to_have_attribute("value", "1")
    expect(progress).to_contain_text("33 %")
    settle(editor, "ib-20-progress-one")
    # The rest.
    after_next_poll(lambda: dispatch_run(infobrief_id=infobrief.pk))
    expect(bar).to_have_attribute("value", "3", timeout=WAIT)
    expect(progress).to_contain_text("100 %")
    expect(progress).not_to_have_attribute("hx-get", re.compile(".*"))  # polling stopped
    assert editor.evaluate("window.lotseNoReload") is True
    settle(editor, "ib-21-progress-100")
    infobrief.refresh_from_db()
    assert infobrief.status == InfobriefStatus.SENT
    states = list(Delivery.objects.filter(infobrief=infobrief).values_list("state", flat=True))
    assert states == [DeliveryState.SENT] * 3

    # Each subscriber got one mail in their language; nobody outside the audience got one.
    [to_ukrainian] = mails_to(SUBSCRIBER)[1:]  # after the confirmation mail
    assert to_ukrainian.subject == UKRAINIAN_SUBJECT
    assert to_ukrainian.extra_headers["Content-Language"] == "uk"
    assert "дванадцять нових пунктів" in to_ukrainian.body
    web_version = f"{base}/infobriefe/{infobrief.pk}/uk/"
    assert link_in(to_ukrainian, f"/infobriefe/{infobrief.pk}/") == web_version
    [to_german] = mails_to(german.email)
    assert to_german.subject == GERMAN_SUBJECT
    assert "zwölf neue Stellen" in to_german.body
    [to_arabic] = mails_to(arabic.email)
    assert to_arabic.subject == GERMAN_SUBJECT
    assert fallback_note_text("ar") in to_arabic.body
    assert not mails_to("berlin@example.org")
    assert not mails_to("nur-arbeit@example.org")

    # 3. The public archive lists it; its search finds a word of the text.
    reader = new_page()
    visit(reader, base + "/infobriefe/", "ib-22-archive")
    german_link = f'#archive-results h3 a[href="/infobriefe/{infobrief.pk}/de/"]'
    expect(reader.locator(german_link)).to_have_text(GERMAN_SUBJECT)
    reader.locator("#id_q").fill("Sprachcafé")
    with reader.expect_response(
        lambda response: (
            "/infobriefe/?" in response.url and response.request.headers.get("hx-request") == "true"
        )
    ) as searched:
        reader.locator("#id_q").press("Enter")
    assert searched.value.status == 200
    reader.wait_for_url(re.compile(r".*[?&]q=Sprachcaf.*"))
    expect(reader.locator(german_link)).to_have_count(1, timeout=WAIT)
    settle(reader, "ib-23-archive-search")
    # A word that is nowhere finds nothing.
    reader.locator("#id_q").fill("Fahrradwerkstatt")
    reader.locator("#id_q").press("Enter")
    expect(reader.locator(german_link)).to_have_count(0, timeout=WAIT)
    settle(reader, "ib-24-archive-search-nothing")
    reader.locator("#id_q").fill("Sprachcafé")
    reader.locator("#id_q").press("Enter")
    ukrainian_link = f'#archive-results a[href="/infobriefe/{infobrief.pk}/uk/"][hreflang="uk"]'
    reader.locator(ukrainian_link).click()
    reader.wait_for_url(web_version)  # the "web version" link of the Ukrainian mail
    settle(reader, "ib-25-web-version-ukrainian")
    expect(reader.locator('main h1[lang="uk"]')).to_have_text(UKRAINIAN_SUBJECT)
    expect(reader.locator('main [lang="uk"] strong')).to_have_text("дванадцять нових пунктів")
    assert reader.locator("main .kern-alert--info").count() == 0  # no "not available" note

    # An Arabic reader, right to left: the form, the archive, German with the note.
    arabic_reader = new_page(locale="ar")
    visit(arabic_reader, base + "/infobriefe/subscribe/", "ib-26-ar-subscribe-form")
    in_language(arabic_reader, "ar", "rtl")
    visit(arabic_reader, base + "/infobriefe/", "ib-27-ar-archive")
    in_language(arabic_reader, "ar", "rtl")
    # Listed in German (no Arabic text), linked to the Arabic web version.
    arabic_link = arabic_reader.locator(
        f'#archive-results h3 a[href="/infobriefe/{infobrief.pk}/ar/"]'
    )
    expect(arabic_link).to_have_attribute("lang", "de")
    arabic_link.click()
    arabic_reader.wait_for_url(f"{base}/infobriefe/{infobrief.pk}/ar/")
    settle(arabic_reader, "ib-28-ar-web-version-german")
    in_language(arabic_reader, "ar", "rtl")
    assert arabic_reader.locator("main .kern-alert--info").count() == 1  # the note
    expect(arabic_reader.locator('main h1[lang="de"][dir="ltr"]')).to_have_text(GERMAN_SUBJECT)

    # 4. The subscriber unsubscribes with the link of the received mail.
    unsubscribe_link = link_in(to_ukrainian, "/infobriefe/unsubscribe/")
    assert to_ukrainian.extra_headers["List-Unsubscribe"] == f"<{unsubscribe_link}>"
    visitor.goto(unsubscribe_link)
    settle(visitor, "ib-29-unsubscribe")
    in_language(visitor, "uk")
    assert visitor.locator("main .kern-alert--success").count() == 0
    with visitor.expect_navigation():
        visitor.locator("main form button[type=submit]").click()
    visitor.locator("main .kern-alert--success").wait_for(timeout=WAIT)
    settle(visitor, "ib-30-unsubscribed")
    assert visitor.locator("main form").count() == 0
    subscription.refresh_from_db()
    assert subscription.status == SubscriptionStatus.UNSUBSCRIBED
    infobrief.refresh_from_db()
    assert infobrief.unsubscribes == 1

    # The editor's figures count it.
    editor.reload()
    settle(editor, "ib-31-figures")
    figures = editor.locator("#infobrief-progress dl dd").all_inner_texts()
    assert [text.strip() for text in figures] == ["3", "3", "0", "0", "1"]
