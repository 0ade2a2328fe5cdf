"""Texts of the demo Infobriefe (German first, some translated). Invented for the demo: the
programmes and dates are examples, not announcements."""

from __future__ import annotations

# (key, {language: (subject, Markdown body)})
LAND_OCTOBER = {
    "de": (
        "Infobrief 10/2026: Neues aus Asyl und Integration",
        """Liebe Ehrenamtliche,

vielen Dank für Ihr Engagement! In diesem Infobrief finden Sie die wichtigsten Neuigkeiten
aus dem Bereich Asyl und Integration.

## Multiplikatorenschulungen im Herbst

Die Schulungen für Migrantenorganisationen gehen weiter. Themen sind unter anderem
**Projektanträge**, **Vereinsrecht** und **Öffentlichkeitsarbeit**. Die Termine finden Sie
im Veranstaltungskalender.

## Dialog digital

Im nächsten *Dialog digital* beantwortet der Staatsminister Ihre Fragen zum Thema
„Wohnen und Ankommen“. Reichen Sie Ihre Fragen schon jetzt ein.

## Ihre Integrationslotsinnen und -lotsen

In jedem Landkreis und jeder kreisfreien Stadt stehen Ihnen hauptamtliche
Integrationslotsinnen und Integrationslotsen zur Seite. Stellen Sie Ihre Fragen direkt in
Lotse unter „Frage an meine Lotsin“.

Mit freundlichen Grüßen
Ihre Redaktion
""",
    ),
    "en": (
        "Infobrief 10/2026: News on asylum and integration",
        """Dear volunteers,

thank you for your commitment! This Infobrief brings you the most important news on asylum
and integration.

## Trainings for multipliers this autumn

The trainings for migrant organisations continue. Topics include **project applications**,
**association law** and **public relations**. You will find the dates in the event calendar.

## Dialog digital

In the next *Dialog digital* the Minister of State answers your questions on "Housing and
arriving". Submit your questions now.

## Your integration coordinators

Full-time integration coordinators support you in every district and city. Ask them directly
in Lotse under "Ask my coordinator".

Kind regards
Your editorial team
""",
    ),
    "uk": (
        "Інфолист 10/2026: Новини про притулок та інтеграцію",
        """Шановні волонтерки та волонтери,

дякуємо вам за вашу роботу! У цьому інфолисті — найважливіші новини про притулок та
інтеграцію.

## Навчання для мультиплікаторів восени

Навчання для організацій мігрантів тривають. Теми: **заявки на проєкти**, **право
об'єднань** та **зв'язки з громадськістю**. Дати ви знайдете в календарі заходів.

## Dialog digital

У наступному *Dialog digital* державний міністр відповідатиме на ваші запитання на тему
«Житло та прибуття». Надсилайте свої запитання вже зараз.

## Ваші координаторки та координатори інтеграції

У кожному районі та місті вас підтримують штатні координатори інтеграції. Ставте свої
запитання безпосередньо в Lotse.

З повагою
Ваша редакція
""",
    ),
}

LAND_NOVEMBER = {
    "de": (
        "Infobrief 11/2026: Förderung, Termine und Ihre Fragen",
        """Liebe Ehrenamtliche,

der Winter kommt – und mit ihm viele Fragen rund um **Wohnen**, **Arbeit** und
**Gesundheit**.

## Antworten aus dem Dialog digital

Die Antworten aus dem Dialog digital „Arbeit und Ausbildung“ sind jetzt im Archiv und in der
Wissensdatenbank zu finden.

## Förderaufruf

Der nächste Förderaufruf für Modellprojekte des bürgerschaftlichen Engagements ist
geöffnet. Anträge können Organisationen bis Ende Januar stellen.

| Was | Bis wann |
|---|---|
| Anträge Modellprojekte | 31. Januar |
| Anmeldung Multiplikatorenschulung | 15. Dezember |

Mit freundlichen Grüßen
Ihre Redaktion
""",
    ),
    "uk": (
        "Інфолист 11/2026: Фінансування, дати та ваші запитання",
        """Шановні волонтерки та волонтери,

наближається зима — а з нею багато запитань про **житло**, **роботу** та **здоров'я**.

## Відповіді з Dialog digital

Відповіді з Dialog digital «Робота та навчання» тепер доступні в архіві та в базі знань.

## Оголошення про фінансування

Відкрито наступний конкурс на фінансування модельних проєктів громадянської активності.
Організації можуть подавати заявки до кінця січня.

З повагою
Ваша редакція
""",
    ),
    "ar": (
        "النشرة الإعلامية 11/2026: التمويل والمواعيد وأسئلتكم",
        """أعزاءنا المتطوعات والمتطوعين،

الشتاء قادم — ومعه أسئلة كثيرة حول **السكن** و**العمل** و**الصحة**.

## إجابات من Dialog digital

إجابات Dialog digital حول «العمل والتدريب المهني» متوفرة الآن في الأرشيف وفي قاعدة المعرفة.

## دعوة للتمويل

الدعوة التالية لتمويل المشاريع النموذجية للعمل التطوعي مفتوحة حتى نهاية يناير.

مع أطيب التحيات
فريق التحرير
""",
    ),
}

MUNICH_TEAM = {
    "de": (
        "Neues von Ihren Integrationslotsinnen in München",
        """Liebe Ehrenamtliche in München,

unser **Netzwerktreffen** findet am ersten Dienstag im Monat im Stadtteilzentrum statt.
Bringen Sie gerne Ihre Fragen mit.

- Sprechstunde: dienstags 10–12 Uhr
- Neue Patenschaften: Wir suchen Patinnen und Paten mit Ukrainisch oder Arabisch.

Ihr Team der Integrationslotsinnen München
""",
    ),
}

LAND_DRAFT = {
    "de": (
        "Infobrief 12/2026: Rückblick und Ausblick",
        """Liebe Ehrenamtliche,

zum Jahresende danken wir Ihnen herzlich für Ihren Einsatz.

## Integrationspreis

Die Bewerbungsphase für den Integrationspreis beginnt im Frühjahr. Erzählen Sie uns von
Ihren Projekten!
""",
    ),
    "uk": (
        "Інфолист 12/2026: Підсумки та плани",
        """Шановні волонтерки та волонтери,

наприкінці року щиро дякуємо вам за вашу роботу.
""",
    ),
}
