"""Vocabularies shared by several modules (topics, languages, proficiency, weekdays)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Topic(models.TextChoices):
    """What a volunteer helps with / what a newcomer needs help with."""

    LANGUAGE_LEARNING = "language_learning", _("Language learning")
    SCHOOL_CHILDCARE = "school_childcare", _("School and Kita")
    HEALTH = "health", _("Health")
    HOUSING = "housing", _("Housing")
    WORK = "work", _("Work and training")
    AUTHORITIES = "authorities", _("Dealing with authorities")
    LEISURE = "leisure", _("Leisure and community")
    INTERPRETING = "interpreting", _("Interpreting")
    OTHER = "other", _("Other")


class LanguageLevel(models.TextChoices):
    """Self-assessed proficiency, in the words of the Common European Framework."""

    NATIVE = "native", _("Native language")
    FLUENT = "fluent", _("Fluent (C1–C2)")
    GOOD = "good", _("Good (B1–B2)")
    BASIC = "basic", _("Basic (A1–A2)")


class Language(models.TextChoices):
    """Languages volunteers and newcomers speak (ISO 639-1/-3 codes)."""

    GERMAN = "de", _("German")
    ENGLISH = "en", _("English")
    ARABIC = "ar", _("Arabic")
    UKRAINIAN = "uk", _("Ukrainian")
    RUSSIAN = "ru", _("Russian")
    TURKISH = "tr", _("Turkish")
    PERSIAN = "fa", _("Persian (Farsi)")
    DARI = "prs", _("Dari")
    PASHTO = "ps", _("Pashto")
    KURMANJI = "kmr", _("Kurdish (Kurmanji)")
    SORANI = "ckb", _("Kurdish (Sorani)")
    TIGRINYA = "ti", _("Tigrinya")
    SOMALI = "so", _("Somali")
    AMHARIC = "am", _("Amharic")
    FRENCH = "fr", _("French")
    SPANISH = "es", _("Spanish")
    ITALIAN = "it", _("Italian")
    POLISH = "pl", _("Polish")
    ROMANIAN = "ro", _("Romanian")
    BULGARIAN = "bg", _("Bulgarian")
    ALBANIAN = "sq", _("Albanian")
    SERBIAN = "sr", _("Serbian")
    CROATIAN = "hr", _("Croatian")
    BOSNIAN = "bs", _("Bosnian")
    GREEK = "el", _("Greek")
    VIETNAMESE = "vi", _("Vietnamese")
    CHINESE = "zh", _("Chinese")
    HINDI = "hi", _("Hindi")
    URDU = "ur", _("Urdu")
    TAMIL = "ta", _("Tamil")
    GEORGIAN = "ka", _("Georgian")
    ARMENIAN = "hy", _("Armenian")
    PORTUGUESE = "pt", _("Portuguese")
    SIGN_LANGUAGE = "gsg", _("German Sign Language")


class Weekday(models.IntegerChoices):
    MONDAY = 0, _("Monday")
    TUESDAY = 1, _("Tuesday")
    WEDNESDAY = 2, _("Wednesday")
    THURSDAY = 3, _("Thursday")
    FRIDAY = 4, _("Friday")
    SATURDAY = 5, _("Saturday")
    SUNDAY = 6, _("Sunday")


class DaySlot(models.IntegerChoices):
    MORNING = 0, _("Morning")
    AFTERNOON = 1, _("Afternoon")
    EVENING = 2, _("Evening")
