"""Questions to the Lotsen, the knowledge base and Dialog digital in a real browser.

1. Ask your Lotse: a volunteer (München) asks a question (the "maybe these answers help" box
   fills by htmx while they type); the München coordinator (TOTP) takes it from the queue and
   answers; the volunteer is notified and reads the answer; the coordinator publishes it
   (anonymised) to the knowledge base; a visitor finds it with an inflected word, highlighted.
2. Dialog digital: a state editor (TOTP) announces a session; two volunteers submit questions;
   the editor approves them, starts the session and watches the live view update without a
   reload while the volunteers vote; marks a question answered, ends the session, writes up the
   answer and publishes the archive; a visitor reads and searches the archive.
3. The knowledge base, the ask form and a session page in Arabic, right to left.

axe-core runs on every page visited (`settle`/`visit`); CSP violations and JS errors fail.
Selectors are ids, names and URLs, not visible text (the translations change).
"""

import datetime
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from lotse.accounts.roles import Role
from lotse.accounts.tests.factories import RoleAssignmentFactory, UserFactory
from lotse.core.choices import Topic
from lotse.e2e.conftest import (
    PASSWORD,
    coordinator_with_totp,
    log_in,
    log_in_with_totp,
    settle,
    totp_device,
    visit,
)
from lotse.notifications.models import Notification
from lotse.questions.choices import (
    EntrySource,
    EntryStatus,
    QuestionStatus,
    SessionQuestionStatus,
    SessionStatus,
)
from lotse.questions.models import DialogSession, Entry, Question, SessionQuestion
from lotse.questions.services.knowledge import entry_create
from lotse.regions.models import District, State
from lotse.volunteers.tests.factories import VolunteerProfileFactory

pytestmark = pytest.mark.django_db(transaction=True)

WAIT = 10_000  # ms: the longest any step may take (the live view polls every 2 s)
DATETIME_LOCAL = "%Y-%m-%dT%H:%M"


def volunteer(email, **extra):
    """A registered volunteer (confirmed e-mail, profile in München)."""
    user = UserFactory(email=email, password=PASSWORD, **extra)
    VolunteerProfileFactory(user=user)
    return user


def submit(page, form="main form.lotse-form"):
    """Click the primary submit button of the page's main form."""
    page.locator(f"{form} button[type=submit]").first.click()


def post_and_return(page, form_selector, name):
    """Click the button of a form whose action redirects back to the same page; wait for the
    new page."""
    with page.expect_navigation():
        page.locator(f"{form_selector} button[type=submit]").first.click()
    settle(page, name)


def test_volunteer_asks_coordinator_answers_and_publishes_to_the_knowledge_base(
    live_server, new_page, settings
):
    settings.SITE_URL = live_server.url
    base = live_server.url
    munich = District.objects.get(ags="09162")
    _, device = coordinator_with_totp("lotsin@muenchen.example", munich)
    volunteer("lena.berg@example.org", first_name="Lena", last_name="Berg")
    # A published entry the "maybe these answers help" box can suggest.
    known = entry_create(
        actor=None,
        language="de",
        title="Wohnberechtigungsschein beantragen",
        question="Wie beantragt eine Familie einen Wohnberechtigungsschein?",
        answer="Den Wohnberechtigungsschein gibt es beim Amt für Wohnen und Migration.",
        topic=Topic.HOUSING,
        state=munich.state,
        district=munich,
        publish=True,
    )

    # 1. The volunteer opens the ask form; while they type, htmx suggests the known entry.
    asker = new_page()
    log_in(asker, base, "lena.berg@example.org", "ask-01-volunteer")
    asker.goto(base + "/questions/ask/")
    settle(asker, "ask-02-form")
    suggestion = f'#similar-entries a[href="/knowledge/{known.pk}/"]'
    with asker.expect_response(
        lambda response: (
            "/knowledge/similar/" in response.url
            and response.request.headers.get("hx-request") == "true"
        )
    ) as similar:
        asker.locator("#id_title").fill("Wohnberechtigungsschein für eine große Familie")
    assert similar.value.status == 200
    asker.locator(suggestion).wait_for(timeout=WAIT)
    assert asker.locator(f"{suggestion} mark").count() >= 1
    asker.locator("#id_text").fill(
        "Frau Yılmaz sucht mit ihren drei Kindern eine größere Wohnung in München. "
        "Welche Wohnung darf sie mit einem Wohnberechtigungsschein mieten?"
    )
    asker.locator("#id_topic").select_option(Topic.HOUSING)
    asker.locator("#id_context").fill("Sie wohnt seit 2023 in einer Gemeinschaftsunterkunft.")
    asker.wait_for_load_state("networkidle")
    settle(asker, "ask-03-form-filled")
    submit(asker)
    asker.wait_for_url(re.compile(r".*/questions/\d+/$"))
    settle(asker, "ask-04-sent")
    question = Question.objects.get(title="Wohnberechtigungsschein für eine große Familie")
    assert question.district == munich
    assert question.status == QuestionStatus.OPEN
    assert asker.url == f"{base}/questions/{question.pk}/"
    detail_url = asker.url

    # 2. The coordinator (TOTP) finds it in the queue, takes it and answers.
    coordinator = new_page()
    log_in_with_totp(coordinator, base, "lotsin@muenchen.example", device, "ask-05-coordinator")
    coordinator.goto(base + "/questions/queue/")
    settle(coordinator, "ask-06-queue")
    coordinator.locator(f'#question-results a[href="/questions/{question.pk}/"]').click()
    coordinator.wait_for_url(detail_url)
    settle(coordinator, "ask-07-question")
    post_and_return(
        coordinator, f'main form[action="/questions/{question.pk}/take/"]', "ask-08-taken"
    )
    assert coordinator.locator(f'main form[action="/questions/{question.pk}/release/"]').count()
    question.refresh_from_db()
    assert question.status == QuestionStatus.IN_PROGRESS
    coordinator.locator("#answer_text").fill(
        "Liebe Frau Berg, Familie Yılmaz bekommt den Wohnberechtigungsschein beim Amt für "
        "Wohnen und Migration. Mit fünf Personen passt eine Wohnung mit vier Zimmern."
    )
    with coordinator.expect_navigation():
        coordinator.locator('main button[name="kind"][value="answer"]').click()
    settle(coordinator, "ask-09-answered")
    question.refresh_from_db()
    assert question.status == QuestionStatus.ANSWERED
    publish_link = coordinator.locator(f'main a[href="/knowledge/from-question/{question.pk}/"]')
    assert publish_link.count() == 1

    # 3. The volunteer is notified and reads the answer.
    asker.goto(base + "/")
    assert asker.locator('header a[href="/notifications/"] .kern-badge').count() == 1
    asker.goto(base + "/notifications/")
    settle(asker, "ask-10-notifications")
    notification = Notification.objects.get(
        user__email="lena.berg@example.org", url__endswith=f"/questions/{question.pk}/"
    )
    asker.locator(
        f'main form[action="/notifications/{notification.pk}/open/"] button[type=submit]'
    ).click()
    asker.wait_for_url(detail_url)
    settle(asker, "ask-11-answer")
    assert "vier Zimmern" in asker.locator("main").inner_text()

    # 4. The coordinator publishes it to the knowledge base, without the names.
    publish_link.click()
    coordinator.wait_for_url(f"{base}/knowledge/from-question/{question.pk}/")
    settle(coordinator, "ask-12-from-question")
    assert "Yılmaz" in coordinator.locator("#id_question").input_value()
    coordinator.locator("#id_title").fill("Welche Wohnung passt zum Wohnberechtigungsschein?")
    coordinator.locator("#id_question").fill(
        "Eine Mutter sucht mit ihren drei Kindern eine größere Wohnung. Welche Wohnung darf "
        "sie mit einem Wohnberechtigungsschein mieten?"
    )
    coordinator.locator("#id_answer").fill(
        "Den Wohnberechtigungsschein gibt es beim Amt für Wohnen und Migration. Mit fünf "
        "Personen passt eine Wohnung mit vier Zimmern."
    )
    coordinator.locator('main button[name="action"][value="publish"]').click()
    coordinator.wait_for_url(re.compile(r".*/knowledge/\d+/$"))
    settle(coordinator, "ask-13-entry-published")
    entry = Entry.objects.get(source_question=question)
    assert entry.status == EntryStatus.PUBLISHED
    assert entry.source == EntrySource.QUESTION
    assert entry.district == munich
    assert coordinator.url == f"{base}/knowledge/{entry.pk}/"
    for text in (entry.title, entry.question, entry.answer):
        assert "Yılmaz" not in text and "Berg" not in text
    # The asker is told that an anonymised version helps others now.
    assert Notification.objects.filter(
        user__email="lena.berg@example.org", url__endswith=f"/knowledge/{entry.pk}/"
    ).exists()

    # 5. A visitor searches with an inflected word ("Wohnungen") and finds "Wohnung" marked.
    visitor = new_page()
    visit(visitor, base + "/knowledge/", "ask-14-knowledge-base")
    result_link = f'#knowledge-results a[href="/knowledge/{entry.pk}/"]'
    visitor.locator("#id_q").fill("Wohnungen")
    with visitor.expect_response(
        lambda response: (
            "/knowledge/?" in response.url and response.request.headers.get("hx-request") == "true"
        )
    ) as htmx:
        visitor.locator("#id_q").press("Enter")
    assert htmx.value.status == 200
    visitor.locator(result_link).wait_for(timeout=WAIT)
    visitor.wait_for_url(re.compile(r".*[?&]q=Wohnungen.*"))
    settle(visitor, "ask-15-search-results")
    card = visitor.locator("#knowledge-results li").filter(
        has=visitor.locator(f'a[href="/knowledge/{entry.pk}/"]')
    )
    marks = [text.lower() for text in card.locator("mark").all_inner_texts()]
    assert "wohnung" in marks
    assert "wohnungen" not in marks  # the entry says "Wohnung": the stem matched, not the text
    visitor.locator(result_link).click()
    visitor.wait_for_url(f"{base}/knowledge/{entry.pk}/")
    settle(visitor, "ask-16-entry")
    main = visitor.locator("main").inner_text()
    assert "vier Zimmern" in main
    assert "Yılmaz" not in visitor.content()


def test_dialog_digital_from_announcement_through_live_voting_to_the_archive(
    live_server, new_page, settings
):
    settings.SITE_URL = live_server.url
    base = live_server.url
    bavaria = State.objects.get(code="BY")
    editor_user = UserFactory(email="redaktion@bayern.example", password=PASSWORD)
    RoleAssignmentFactory(user=editor_user, role=Role.STATE_EDITOR, state=bavaria, district=None)
    device = totp_device(editor_user)
    volunteer("amal.haddad@example.org")
    volunteer("jonas.weber@example.org")
    starts = timezone.localtime(timezone.now() + datetime.timedelta(minutes=30))
    ends = starts + datetime.timedelta(hours=1)

    # 1. The state editor (TOTP) announces a session.
    editor = new_page()
    log_in_with_totp(editor, base, "redaktion@bayern.example", device, "dialog-01-editor")
    editor.goto(base + "/dialog/")
    settle(editor, "dialog-02-list")
    editor.locator('main a[href="/dialog/new/"]').click()
    editor.wait_for_url(base + "/dialog/new/")
    settle(editor, "dialog-03-announce-form")
    editor.locator("#id_title").fill("Wohnen und Ankommen in Bayern")
    editor.locator("#id_description").fill("Fragen an die Staatsministerin rund um das Wohnen.")
    editor.locator("#id_topic").select_option(Topic.HOUSING)
    editor.locator("#id_starts_at").fill(starts.strftime(DATETIME_LOCAL))
    editor.locator("#id_ends_at").fill(ends.strftime(DATETIME_LOCAL))
    editor.locator("#id_speaker").fill("Staatsministerin Dr. Beispiel")
    editor.locator("#id_video_url").fill("https://konferenz.example.org/dialog-wohnen")
    editor.locator('input[name="languages"][value="de"]').check()
    editor.locator('input[name="languages"][value="ar"]').check()
    submit(editor)
    editor.wait_for_url(re.compile(r".*/dialog/\d+/$"))
    settle(editor, "dialog-04-announced")
    session = DialogSession.objects.get(title="Wohnen und Ankommen in Bayern")
    assert session.state == bavaria
    assert session.status == SessionStatus.ANNOUNCED
    assert sorted(session.languages) == ["ar", "de"]
    session_url = f"{base}/dialog/{session.pk}/"
    assert editor.url == session_url

    # 2. Two volunteers, each in their own browser, submit a question (htmx form).
    def ask(page, email, text, name):
        log_in(page, base, email, name)
        page.goto(session_url)
        settle(page, f"{name}-session")
        page.locator("#id_text").fill(text)
        page.locator("#id_language").select_option("de")
        with page.expect_response(
            lambda response: response.url.endswith(f"/dialog/{session.pk}/ask/")
        ) as sent:
            submit(page, "#ask-form form")
        assert sent.value.status == 200
        page.locator("#ask-form .kern-alert--success").wait_for(timeout=WAIT)
        page.locator("#mine").wait_for(timeout=WAIT)
        settle(page, f"{name}-asked")

    voter_a = new_page()
    ask(
        voter_a,
        "amal.haddad@example.org",
        "Wie finden geflüchtete Familien schneller eine bezahlbare Wohnung?",
        "dialog-05-volunteer-a",
    )
    voter_b = new_page()
    ask(
        voter_b,
        "jonas.weber@example.org",
        "Gibt es Beratung für Ehrenamtliche zum Mietrecht?",
        "dialog-06-volunteer-b",
    )
    question_x = SessionQuestion.objects.get(session=session, text__startswith="Wie finden")
    question_y = SessionQuestion.objects.get(session=session, text__startswith="Gibt es")
    assert question_x.status == question_y.status == SessionQuestionStatus.PENDING

    # 3. The editor approves both on the moderation page and starts the session.
    editor.goto(f"{session_url}moderate/")
    settle(editor, "dialog-07-moderate")
    for number, question in enumerate((question_x, question_y), start=8):
        post_and_return(
            editor,
            f'main form[action="/dialog/{session.pk}/questions/{question.pk}/approve/"]',
            f"dialog-{number:02d}-approved",
        )
        question.refresh_from_db()
        assert question.status == SessionQuestionStatus.APPROVED
    editor.locator(f'main form[action="/dialog/{session.pk}/start/"] button[type=submit]').click()
    editor.wait_for_url(f"{session_url}live/")
    settle(editor, "dialog-10-live")
    session.refresh_from_db()
    assert session.status == SessionStatus.LIVE
    live_votes_x = editor.locator(f"#live-question-{question_x.pk} .lotse-muted")
    expect(live_votes_x).to_have_text(re.compile(r"^\s*0\D"))
    # A marker on the page: it must survive every update (no reload).
    editor.evaluate("window.lotseNoReload = true")

    # 4. Volunteer A votes for X (htmx); the editor's live view follows without a reload.
    voter_a.goto(session_url)
    settle(voter_a, "dialog-11-volunteer-a-live")
    voter_a.locator(f"#vote-{question_x.pk}").click()
    expect(voter_a.locator(f'#question-{question_x.pk} input[name="action"]')).to_have_value(
        "undo", timeout=WAIT
    )
    expect(voter_a.locator(f"#question-{question_x.pk} .lotse-muted")).to_have_text(
        re.compile(r"^\s*1\D")
    )
    settle(voter_a, "dialog-12-volunteer-a-voted")
    expect(live_votes_x).to_have_text(re.compile(r"^\s*1\D"), timeout=WAIT)
    assert editor.evaluate("window.lotseNoReload") is True
    settle(editor, "dialog-13-live-one-vote")

    # 5. Volunteer B votes too and sees two votes; so does the editor, still without a reload.
    voter_b.goto(session_url)
    settle(voter_b, "dialog-14-volunteer-b-live")
    expect(voter_b.locator(f"#question-{question_x.pk} .lotse-muted")).to_have_text(
        re.compile(r"^\s*1\D")
    )
    voter_b.locator(f"#vote-{question_x.pk}").click()
    expect(voter_b.locator(f"#question-{question_x.pk} .lotse-muted")).to_have_text(
        re.compile(r"^\s*2\D"), timeout=WAIT
    )
    settle(voter_b, "dialog-15-volunteer-b-voted")
    expect(live_votes_x).to_have_text(re.compile(r"^\s*2\D"), timeout=WAIT)
    assert editor.evaluate("window.lotseNoReload") is True
    question_x.refresh_from_db()
    assert question_x.vote_count == 2
    # X leads the open list now.
    expect(editor.locator("#live-board ol > li").first).to_have_id(f"live-question-{question_x.pk}")
    settle(editor, "dialog-16-live-two-votes")
    # The volunteers are done: their pages stop polling.
    voter_a.close()
    voter_b.close()

    # 6. The editor marks X answered in the live view (htmx) and ends the session.
    with editor.expect_response(lambda response: response.url.endswith("/answered/")) as marked:
        editor.locator(
            f'#live-question-{question_x.pk} form[action$="/answered/"] button[type=submit]'
        ).click()
    assert marked.value.status == 200
    expect(
        editor.locator(f'#live-question-{question_x.pk} input[name="action"][value="undo"]')
    ).to_have_count(1, timeout=WAIT)
    assert editor.evaluate("window.lotseNoReload") is True
    settle(editor, "dialog-17-live-answered")
    question_x.refresh_from_db()
    assert question_x.status == SessionQuestionStatus.ANSWERED
    editor.locator(f'main form[action="/dialog/{session.pk}/end/"] button[type=submit]').click()
    editor.wait_for_url(f"{session_url}write-up/")
    settle(editor, "dialog-18-write-up")
    session.refresh_from_db()
    assert session.status == SessionStatus.ENDED

    # 7. The write-up, then the archive.
    answer = (
        "Die Staatsregierung fördert neue Wohnungen für Familien. Die Lotsen vor Ort helfen "
        "bei der Suche und beim Antrag auf einen Wohnberechtigungsschein."
    )
    editor.locator("#id_summary").fill("Die Staatsministerin beantwortete Fragen zum Wohnen.")
    editor.locator(f"#id_answer_{question_x.pk}").fill(answer)
    post_and_return(editor, "main form.lotse-form", "dialog-19-write-up-saved")
    question_x.refresh_from_db()
    assert question_x.answer == answer
    editor.locator(
        f'main form[action="/dialog/{session.pk}/archive/publish/"] button[type=submit]'
    ).click()
    editor.wait_for_url(f"{session_url}archive/")
    settle(editor, "dialog-20-archive-published")
    session.refresh_from_db()
    assert session.status == SessionStatus.ARCHIVED
    entry = Entry.objects.get(source_session_question=question_x)
    assert entry.status == EntryStatus.PUBLISHED
    assert entry.session == session

    # 8. A visitor reads the archive and searches it ("Familie" finds "Familien").
    visitor = new_page()
    visit(visitor, f"{session_url}archive/", "dialog-21-archive")
    assert answer in visitor.locator(f"#answer-{question_x.pk}").inner_text()
    assert visitor.locator(f"#answer-{question_y.pk}").count() == 0  # not answered
    visitor.locator("#id_q").fill("Familie")
    with visitor.expect_response(
        lambda response: (
            f"/dialog/{session.pk}/archive/?" in response.url
            and response.request.headers.get("hx-request") == "true"
        )
    ) as htmx:
        visitor.locator("#id_q").press("Enter")
    assert htmx.value.status == 200
    hit = f'#archive-results a[href="/knowledge/{entry.pk}/"]'
    visitor.locator(hit).wait_for(timeout=WAIT)
    visitor.wait_for_url(re.compile(r".*[?&]q=Familie.*"))
    settle(visitor, "dialog-22-archive-search")
    marks = [text.lower() for text in visitor.locator("#archive-results mark").all_inner_texts()]
    assert "familien" in marks
    visitor.locator(hit).click()
    visitor.wait_for_url(f"{base}/knowledge/{entry.pk}/")
    settle(visitor, "dialog-23-archive-entry")
    assert answer in visitor.locator("main").inner_text()


def test_knowledge_base_ask_form_and_dialog_in_arabic_right_to_left(
    live_server, new_page, settings
):
    """The knowledge base (search, an entry), the ask form and a Dialog digital session in
    Arabic: `html[lang="ar"][dir="rtl"]` and axe clean on every page."""
    settings.SITE_URL = live_server.url
    base = live_server.url
    munich = District.objects.get(ags="09162")
    entry = entry_create(
        actor=None,
        language="ar",
        title="كيف أجد مكانا للسكن؟",
        question="أين أجد مساعدة في البحث عن السكن في ميونخ؟",
        answer="يساعدك مكتب السكن والهجرة في البحث عن السكن وفي طلب شهادة الأحقية.",
        topic=Topic.HOUSING,
        state=munich.state,
        district=munich,
        publish=True,
    )
    now = timezone.now()
    session = DialogSession.objects.create(
        state=munich.state,
        title="السكن والوصول في بافاريا",
        description="أسئلة إلى الوزيرة حول السكن.",
        topic=Topic.HOUSING,
        starts_at=now + datetime.timedelta(days=2),
        ends_at=now + datetime.timedelta(days=2, hours=1),
        speaker="Staatsministerin Dr. Beispiel",
        video_url="https://konferenz.example.org/dialog-ar",
        languages=["de", "ar"],
    )
    SessionQuestion.objects.create(
        session=session,
        text="هل توجد استشارة للمتطوعين حول قانون الإيجار؟",
        language="ar",
        status=SessionQuestionStatus.APPROVED,
        vote_count=0,
    )
    volunteer("sami@example.org", preferred_language="ar")
    reader = new_page(locale="ar")

    def in_arabic(name):
        assert reader.locator('html[lang="ar"][dir="rtl"]').count() == 1, name

    log_in(reader, base, "sami@example.org", "ar-01-volunteer")
    in_arabic("logged in")

    # The knowledge base: "سكن" finds the entry that says "السكن", marked.
    visit(reader, base + "/knowledge/", "ar-02-knowledge-base")
    in_arabic("knowledge base")
    reader.locator("#id_q").fill("سكن")
    with reader.expect_response(
        lambda response: (
            "/knowledge/?" in response.url and response.request.headers.get("hx-request") == "true"
        )
    ):
        reader.locator("#id_q").press("Enter")
    result_link = f'#knowledge-results a[href="/knowledge/{entry.pk}/"]'
    reader.locator(result_link).wait_for(timeout=WAIT)
    settle(reader, "ar-03-search-results")
    in_arabic("search results")
    card = reader.locator("#knowledge-results li").filter(
        has=reader.locator(f'a[href="/knowledge/{entry.pk}/"]')
    )
    assert "السكن" in card.locator("mark").all_inner_texts()
    reader.locator(result_link).click()
    reader.wait_for_url(f"{base}/knowledge/{entry.pk}/")
    settle(reader, "ar-04-entry")
    in_arabic("entry")
    assert "مكتب السكن والهجرة" in reader.locator("main").inner_text()

    # A Dialog digital session: the list, the session page with its question form.
    visit(reader, f"{base}/dialog/", "ar-05-dialog-list")
    in_arabic("dialog list")
    visit(reader, f"{base}/dialog/{session.pk}/", "ar-06-dialog-session")
    in_arabic("dialog session")
    assert reader.locator("#ask-form form").count() == 1
    assert reader.locator("#session-board ol > li").count() == 1

    # The ask form: the suggestions find the Arabic entry (last: the session page polls).
    visit(reader, base + "/questions/ask/", "ar-07-ask-form")
    in_arabic("ask form")
    reader.locator("#id_title").fill("أبحث عن السكن لعائلة كبيرة")
    reader.locator(f'#similar-entries a[href="/knowledge/{entry.pk}/"]').wait_for(timeout=WAIT)
    settle(reader, "ar-08-ask-form-suggestions")
    in_arabic("ask form with suggestions")
