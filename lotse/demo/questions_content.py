"""Texts of the questions demo: knowledge-base entries, volunteers' questions with answers, and
two Dialog digital sessions. German first; a few entries carry translations.

The texts are general orientation written for the demo; they are not legal advice.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from lotse.core.choices import Topic


@dataclass(frozen=True)
class SessionText:
    title: str
    description: str
    topic: str
    speaker: str
    summary: str = ""
    # Archived session: (question, answer); upcoming: questions only.
    answered: tuple[tuple[str, str], ...] = ()
    approved: tuple[str, ...] = ()
    pending: tuple[str, ...] = field(default_factory=tuple)


# (topic, title, question, answer)
FAQ: tuple[tuple[str, str, str, str], ...] = (
    (
        Topic.HOUSING,
        "Wohnberechtigungsschein: Wer bekommt ihn und wo wird er beantragt?",
        "Eine Familie aus der Ukraine, die ich begleite, sucht eine Sozialwohnung. Man sagt ihr, "
        "sie brauche einen Wohnberechtigungsschein. Was ist das und wo beantragt sie ihn?",
        "Der Wohnberechtigungsschein (WBS) berechtigt zum Bezug einer geförderten Wohnung. "
        "Beantragt wird er beim Wohnungsamt der Stadt oder beim Landratsamt. Nötig sind ein "
        "Aufenthaltstitel, der für mindestens ein Jahr gilt, Einkommensnachweise aller "
        "Haushaltsmitglieder und ein Ausweisdokument.\n\nTipp: Der Schein gilt meist ein Jahr. "
        "Mit dem WBS kann sich die Familie auf Wohnungen der Wohnungsbaugesellschaften bewerben; "
        "viele führen Wartelisten, also früh anmelden.",
    ),
    (
        Topic.HOUSING,
        "Wohnungssuche: Welche Unterlagen brauchen Geflüchtete für eine Bewerbung?",
        "Wir bewerben uns mit einer geflüchteten Familie auf Wohnungen und bekommen nur "
        "Absagen. Welche Unterlagen erwarten Vermieterinnen und Vermieter?",
        "Üblich sind eine Mieterselbstauskunft, Kopien der Ausweise oder Aufenthaltstitel, "
        "Einkommensnachweise (auch Bescheide des Jobcenters) und eine Mietschuldenfreiheits"
        "bestätigung, falls es schon eine Wohnung gab. Bei Bürgergeld hilft eine "
        "Mietübernahmebescheinigung des Jobcenters: Sie zeigt, bis zu welcher Miete die Kosten "
        "übernommen werden.\n\nEine kurze, freundliche Vorstellung der Familie und eine "
        "erreichbare Kontaktperson erhöhen die Chancen spürbar.",
    ),
    (
        Topic.HOUSING,
        "Nebenkostenabrechnung prüfen: worauf achten?",
        "Die Familie, die ich begleite, soll 600 Euro Nebenkosten nachzahlen. Wie prüfen wir "
        "die Abrechnung?",
        "Prüfen Sie den Abrechnungszeitraum (höchstens zwölf Monate), die Frist (die Abrechnung "
        "muss innerhalb von zwölf Monaten nach Ende des Zeitraums kommen), den Verteilerschlüssel "
        "und ob nur umlagefähige Kosten enthalten sind. Belege dürfen beim Vermieter eingesehen "
        "werden.\n\nBezieht die Familie Bürgergeld, übernimmt das Jobcenter angemessene "
        "Nachzahlungen meist; die Abrechnung sofort dort einreichen.",
    ),
    (
        Topic.AUTHORITIES,
        "Brief vom Jobcenter nicht verstanden – was tun?",
        "Ein Geflüchteter hat einen Bescheid vom Jobcenter bekommen und versteht ihn nicht. Die "
        "Frist läuft. Wie gehen wir vor?",
        "Zuerst das Datum des Bescheids und die Rechtsbehelfsbelehrung suchen: Gegen Bescheide "
        "kann innerhalb eines Monats Widerspruch eingelegt werden. Der Inhalt lässt sich mit der "
        "Ansprechperson im Jobcenter klären; Geflüchtete haben ein Recht auf "
        "Sprachmittlung.\n\nIm Zweifel fristwahrend formlos Widerspruch einlegen und die "
        "Begründung nachreichen. Beratungsstellen der Wohlfahrtsverbände helfen kostenlos.",
    ),
    (
        Topic.AUTHORITIES,
        "Termin bei der Ausländerbehörde: Darf ich als Ehrenamtliche mitkommen?",
        "Kann ich eine Person, die ich begleite, zur Ausländerbehörde begleiten und für sie "
        "sprechen?",
        "Ja, Sie dürfen als Beistand mitkommen. Für Auskünfte ohne die Person selbst braucht es "
        "eine schriftliche Vollmacht. Nehmen Sie alle Schreiben der Behörde, den Pass und "
        "vorhandene Nachweise mit.\n\nRechtsberatung dürfen Ehrenamtliche nur unentgeltlich und "
        "unter Anleitung einer juristisch qualifizierten Person geben; bei Fragen zum "
        "Asylverfahren an eine Fachberatung verweisen.",
    ),
    (
        Topic.AUTHORITIES,
        "Fiktionsbescheinigung: Was bedeutet sie?",
        "Der Aufenthaltstitel eines Mannes ist abgelaufen, er hat aber rechtzeitig die "
        "Verlängerung beantragt. Die Behörde gab ihm eine Fiktionsbescheinigung. Darf er weiter "
        "arbeiten?",
        "Die Fiktionsbescheinigung bestätigt, dass der bisherige Aufenthaltstitel bis zur "
        "Entscheidung als fortbestehend gilt, wenn die Verlängerung rechtzeitig beantragt wurde. "
        "Die Erlaubnis zur Erwerbstätigkeit gilt dann weiter.\n\nArbeitgeber kennen das Papier "
        "oft nicht: Es hilft, die Bescheinigung zusammen mit dem alten Titel vorzulegen.",
    ),
    (
        Topic.LANGUAGE_LEARNING,
        "Integrationskurs: Wer darf teilnehmen und wer zahlt?",
        "Eine Frau aus Afghanistan möchte Deutsch lernen. Kann sie einen Integrationskurs "
        "besuchen und was kostet das?",
        "Den Zugang regelt das Bundesamt für Migration und Flüchtlinge (BAMF). Wer eine "
        "Aufenthaltserlaubnis hat, ist oft berechtigt oder verpflichtet; Asylsuchende mit guter "
        "Bleibeperspektive können zugelassen werden. Der Kurs kostet einen Eigenanteil pro "
        "Unterrichtsstunde; wer Bürgergeld bezieht, kann sich davon befreien lassen.\n\nDie "
        "Kursträger in der Nähe findet man über das Kursnet des BAMF; viele bieten Kurse mit "
        "Kinderbetreuung an.",
    ),
    (
        Topic.LANGUAGE_LEARNING,
        "Sprachcafé gründen: Was brauchen wir?",
        "Wir möchten in unserer Gemeinde ein Sprachcafé eröffnen. Worauf sollten wir achten?",
        "Ein fester Ort und eine feste Zeit sind wichtiger als viel Material. Bewährt haben sich "
        "kleine Tische mit je einer ehrenamtlichen Person, Themenkarten für den Einstieg und "
        "Getränke. Klären Sie die Haftpflicht über Ihre Organisation oder die Sammelversicherung "
        "des Landes für Ehrenamtliche.\n\nDer Integrationslotse Ihres Landkreises vermittelt "
        "Räume, Material und Fortbildungen.",
    ),
    (
        Topic.SCHOOL_CHILDCARE,
        "Kita-Platz: Wie meldet eine geflüchtete Familie ihr Kind an?",
        "Eine Familie sucht einen Kita-Platz für ihr dreijähriges Kind und versteht das "
        "Anmeldeportal nicht. Welche Wege gibt es?",
        "Ab dem ersten Geburtstag besteht ein Rechtsanspruch auf einen Betreuungsplatz. Viele "
        "Städte haben ein zentrales Anmeldeportal; sonst meldet man direkt bei den Kitas an. "
        "Wichtig: mehrere Kitas angeben und die Anmeldung schriftlich bestätigen lassen.\n\nDie "
        "Kosten können vom Jugendamt übernommen werden, wenn die Familie Leistungen bezieht. "
        "Findet sich kein Platz, kann der Anspruch beim Jugendamt geltend gemacht werden.",
    ),
    (
        Topic.SCHOOL_CHILDCARE,
        "Schulpflicht für geflüchtete Kinder: ab wann?",
        "Ab wann müssen geflüchtete Kinder in Bayern zur Schule gehen?",
        "In Bayern beginnt die Schulpflicht drei Monate nach dem Zuzug aus dem Ausland, "
        "unabhängig vom Aufenthaltsstatus. Die Anmeldung erfolgt bei der zuständigen "
        "Sprengelschule bzw. beim Schulamt. Für Kinder ohne Deutschkenntnisse gibt es "
        "Deutschklassen und Sprachförderung.",
    ),
    (
        Topic.HEALTH,
        "Krankenversicherung: Welche Karte bekommen Asylsuchende?",
        "Ein Asylbewerber braucht einen Arzttermin. Hat er eine Krankenversicherungskarte?",
        "In den ersten Monaten erhalten Asylsuchende Leistungen nach dem "
        "Asylbewerberleistungsgesetz; dann stellt das Sozialamt einen Behandlungsschein aus, in "
        "manchen Ländern eine elektronische Gesundheitskarte. Nach 36 Monaten oder mit "
        "Anerkennung sind sie regulär versichert.\n\nVor dem Arztbesuch beim Sozialamt nach dem "
        "Behandlungsschein fragen; bei akuten Schmerzen und Notfällen wird immer behandelt.",
    ),
    (
        Topic.HEALTH,
        "Dolmetschen beim Arzt: Wer bezahlt?",
        "Eine Frau braucht beim Frauenarzt eine Dolmetscherin. Wer trägt die Kosten?",
        "Die gesetzlichen Krankenkassen zahlen Dolmetschkosten in der Regel nicht. Bei Leistungen "
        "nach dem Asylbewerberleistungsgesetz kann das Sozialamt die Kosten übernehmen, wenn sie "
        "vorher beantragt werden. Viele Städte haben Sprach- und Kulturmittler-Pools, die "
        "kostenlos oder günstig vermitteln.\n\nEhrenamtliche Sprachmittlung ist eine Hilfe, "
        "ersetzt bei Diagnosen und Aufklärung aber keine qualifizierte Verdolmetschung.",
    ),
    (
        Topic.HEALTH,
        "Psychische Belastung: Wo finden Geflüchtete Hilfe?",
        "Ein junger Mann, den ich begleite, schläft kaum und wirkt sehr belastet. Wohin kann "
        "ich ihn vermitteln?",
        "Erste Anlaufstellen sind die Psychosozialen Zentren für Flüchtlinge und Folteropfer, "
        "die Hausarztpraxis und Beratungsstellen der Wohlfahrtsverbände. In akuten Krisen hilft "
        "der Krisendienst (in Bayern rund um die Uhr erreichbar).\n\nAchten Sie auch auf sich "
        "selbst: Die Integrationslotsen bieten Austauschtreffen und Supervision für "
        "Ehrenamtliche an.",
    ),
    (
        Topic.WORK,
        "Anerkennung ausländischer Abschlüsse: Wo fängt man an?",
        "Eine Krankenpflegerin aus Syrien möchte in ihrem Beruf arbeiten. Wie wird ihr "
        "Abschluss anerkannt?",
        "Das Portal „Anerkennung in Deutschland“ nennt für jeden Beruf die zuständige Stelle. "
        "Für Pflegeberufe ist in Bayern das Landesamt für Pflege zuständig. Nötig sind Zeugnisse, "
        "Fächer- und Stundennachweise in beglaubigter Übersetzung.\n\nDie IQ-Beratungsstellen "
        "beraten kostenlos; die Kosten des Verfahrens können über das Jobcenter oder den "
        "Anerkennungszuschuss gefördert werden.",
    ),
    (
        Topic.WORK,
        "Beschäftigungsduldung und Arbeitserlaubnis: Darf eine geduldete Person arbeiten?",
        "Ein Mann mit Duldung hat ein Jobangebot. Darf er die Stelle annehmen?",
        "Mit einer Duldung ist Arbeit meist nur mit Erlaubnis der Ausländerbehörde möglich; "
        "die Behörde beteiligt oft die Bundesagentur für Arbeit. Das Jobangebot mit "
        "Stellenbeschreibung mitbringen.\n\nWer lange geduldet ist und arbeitet, kann unter "
        "Umständen eine Beschäftigungsduldung oder eine Aufenthaltserlaubnis erhalten; eine "
        "Fachberatung prüft den Einzelfall.",
    ),
    (
        Topic.WORK,
        "Bewerbung schreiben: Wie unterstütze ich richtig?",
        "Ich helfe einer Frau bei Bewerbungen. Wie viel darf ich formulieren?",
        "Unterstützen Sie beim Aufbau und bei der Sprache, aber die Inhalte sollen ihre eigenen "
        "bleiben: Arbeitgeber merken im Gespräch, wenn das Anschreiben nicht zur Person passt. "
        "Ein tabellarischer Lebenslauf mit Foto ist in Deutschland noch üblich, aber nicht "
        "Pflicht.\n\nDie Jobcenter und Bildungsträger bieten Bewerbungstrainings an, oft mit "
        "Kinderbetreuung.",
    ),
    (
        Topic.LEISURE,
        "Sportverein für Kinder: Wer zahlt den Beitrag?",
        "Die Kinder einer Familie möchten Fußball spielen. Die Familie kann den Beitrag nicht "
        "zahlen. Gibt es Unterstützung?",
        "Über das Bildungs- und Teilhabepaket werden bis zu 15 Euro im Monat für Vereine, "
        "Musikschule oder Freizeiten übernommen. Der Antrag läuft über das Jobcenter oder das "
        "Sozialamt, je nach Leistung der Familie.\n\nViele Vereine verzichten für die ersten "
        "Monate auf den Beitrag; fragen lohnt sich.",
    ),
    (
        Topic.LEISURE,
        "Führerschein umschreiben: Gilt der ausländische Führerschein?",
        "Ein Mann aus der Türkei hat seit Jahren einen Führerschein. Darf er in Deutschland "
        "fahren?",
        "Ein ausländischer Führerschein gilt ab dem Wohnsitz in Deutschland sechs Monate. Danach "
        "muss er umgeschrieben werden; je nach Ausstellungsland mit theoretischer und "
        "praktischer Prüfung. Den Antrag stellt man bei der Führerscheinstelle.\n\nEin "
        "Führerschein aus der Ukraine gilt nach einer Sonderregel länger; die "
        "Führerscheinstelle nennt die aktuelle Frist.",
    ),
    (
        Topic.INTERPRETING,
        "Ehrenamtlich dolmetschen: Was muss ich beachten?",
        "Ich spreche Arabisch und werde oft gebeten zu übersetzen. Was darf ich und was nicht?",
        "Übersetzen Sie vollständig und neutral, ohne eigene Ratschläge einzubauen, und "
        "sprechen Sie in der Ich-Form der Person. Was Sie hören, bleibt vertraulich. Bei "
        "Diagnosen, Gerichtsverfahren oder Anhörungen im Asylverfahren braucht es qualifizierte "
        "Dolmetscher.\n\nDie Integrationslotsen vermitteln Schulungen für ehrenamtliche "
        "Sprachmittlerinnen und Sprachmittler.",
    ),
    (
        Topic.OTHER,
        "Versicherung im Ehrenamt: Bin ich unfall- und haftpflichtversichert?",
        "Bin ich versichert, wenn ich bei einer Begleitung einen Unfall habe oder etwas "
        "beschädige?",
        "Engagieren Sie sich über eine Organisation, greift meist deren Versicherung. Für "
        "Ehrenamtliche ohne Organisation haben die Länder Sammelverträge zur Haftpflicht- und "
        "Unfallversicherung abgeschlossen; in Bayern gilt das für bürgerschaftliches "
        "Engagement automatisch, ohne Anmeldung.",
    ),
    (
        Topic.OTHER,
        "Ehrenamtspauschale: Darf ich Aufwandsentschädigung annehmen?",
        "Mein Verein will mir eine kleine Aufwandsentschädigung zahlen. Muss ich das versteuern?",
        "Die Ehrenamtspauschale ist bis 840 Euro im Jahr steuer- und sozialversicherungsfrei, "
        "wenn Sie für einen gemeinnützigen Verein oder eine öffentliche Stelle tätig sind. "
        "Fahrtkosten können zusätzlich erstattet werden.",
    ),
    (
        Topic.OTHER,
        "Engagementnachweis: Wie bekomme ich eine Bescheinigung?",
        "Ich brauche für eine Bewerbung einen Nachweis über mein Ehrenamt. Wie komme ich daran?",
        "In Lotse erstellen Sie unter „Meine Stunden“ aus bestätigten Stunden einen "
        "Engagementnachweis als PDF mit Prüfcode. Die Stunden bestätigt Ihre Integrationslotsin "
        "oder die Organisation.",
    ),
)

# Translations of some FAQ entries: index into FAQ → {language: (title, question, answer)}.
FAQ_TRANSLATIONS: dict[int, dict[str, tuple[str, str, str]]] = {
    0: {
        "en": (
            "Housing entitlement certificate (WBS): who gets it and where to apply?",
            "A family from Ukraine I support is looking for social housing. They were told they "
            "need a Wohnberechtigungsschein. What is it and where do they apply?",
            "The Wohnberechtigungsschein (WBS) entitles a household to rent subsidised housing. "
            "Apply at the city's housing office or the district office with a residence permit "
            "valid for at least a year, proof of the income of everyone in the household and an "
            "identity document.\n\nTip: the certificate is usually valid for one year; register "
            "early with the housing companies, many keep waiting lists.",
        ),
        "uk": (
            "Довідка на соціальне житло (WBS): хто її отримує і де подати заяву?",
            "Родина з України, яку я супроводжую, шукає соціальне житло. Їм сказали, що "
            "потрібна довідка Wohnberechtigungsschein. Що це і де її отримати?",
            "Довідка Wohnberechtigungsschein (WBS) дає право орендувати пільгове житло. Заяву "
            "подають до житлового відділу міста або районного управління. Потрібні дозвіл на "
            "проживання, дійсний щонайменше рік, підтвердження доходів усіх членів родини та "
            "документ, що посвідчує особу.\n\nПорада: довідка зазвичай дійсна один рік; "
            "реєструйтеся в житлових компаніях якомога раніше — у багатьох є черги.",
        ),
        "ar": (
            "شهادة استحقاق السكن (WBS): من يحصل عليها وأين يُقدَّم الطلب؟",
            "عائلة من أوكرانيا أرافقها تبحث عن سكن اجتماعي. قيل لهم إنهم يحتاجون إلى شهادة "
            "استحقاق السكن. ما هي وأين يقدمون الطلب؟",
            "تمنح شهادة استحقاق السكن (WBS) الحق في استئجار سكن مدعوم. يُقدَّم الطلب لدى مكتب "
            "الإسكان في المدينة أو لدى إدارة المقاطعة، مع إقامة سارية لمدة سنة على الأقل وإثبات "
            "دخل جميع أفراد الأسرة ووثيقة هوية.\n\nنصيحة: الشهادة صالحة عادةً لمدة سنة؛ سجّلوا "
            "مبكرًا لدى شركات الإسكان، فلدى كثير منها قوائم انتظار.",
        ),
    },
    3: {
        "en": (
            "A letter from the Jobcenter nobody understands – what now?",
            "A refugee received a decision from the Jobcenter and does not understand it. The "
            "deadline is running. What do we do?",
            "Look for the date of the decision and the instructions on legal remedies: an "
            "objection (Widerspruch) can be lodged within one month. The content can be "
            "clarified with the contact person at the Jobcenter; refugees have a right to "
            "language mediation.\n\nIf in doubt, lodge an informal objection to keep the "
            "deadline and send the reasons later. Counselling services of the welfare "
            "associations help free of charge.",
        ),
    },
}

# Questions volunteers ask, per topic: (title, text). Answers per topic below.
QUESTIONS: dict[str, tuple[tuple[str, str], ...]] = {
    Topic.HOUSING: (
        (
            "Mietkaution für eine Familie",
            "Die Familie hat eine Wohnung gefunden, aber keine Kaution. Übernimmt das "
            "Jobcenter die Mietkaution?",
        ),
        (
            "Schimmel in der Wohnung",
            "In der Wohnung einer Familie ist Schimmel im Kinderzimmer. Der Vermieter reagiert "
            "nicht. Was können wir tun?",
        ),
        (
            "Umzug aus der Gemeinschaftsunterkunft",
            "Ein Mann darf aus der Unterkunft ausziehen. Wer muss dem Umzug zustimmen?",
        ),
    ),
    Topic.AUTHORITIES: (
        (
            "Termin bei der Ausländerbehörde",
            "Wie bekommen wir schneller einen Termin bei der Ausländerbehörde? Online ist alles "
            "ausgebucht.",
        ),
        (
            "Passbeschaffung",
            "Die Behörde verlangt einen Pass, aber die Botschaft stellt keinen aus. Was nun?",
        ),
        (
            "Wohnsitzauflage",
            "Eine Frau möchte zu ihrer Schwester in eine andere Stadt ziehen. Gilt für sie eine "
            "Wohnsitzauflage?",
        ),
    ),
    Topic.LANGUAGE_LEARNING: (
        (
            "Sprachkurs mit Kinderbetreuung",
            "Gibt es im Landkreis Integrationskurse mit Kinderbetreuung? Eine Mutter von drei "
            "Kindern möchte Deutsch lernen.",
        ),
        (
            "Material für das Sprachcafé",
            "Wo bekommen wir kostenloses Material für unser Sprachcafé?",
        ),
    ),
    Topic.SCHOOL_CHILDCARE: (
        (
            "Schulanmeldung nach dem Zuzug",
            "Eine Familie ist neu zugezogen. Wo melden wir die Kinder für die Schule an?",
        ),
        (
            "Nachhilfe bezahlen",
            "Ein Kind braucht Nachhilfe in Mathe. Kann die Familie Lernförderung beantragen?",
        ),
    ),
    Topic.HEALTH: (
        (
            "Behandlungsschein beim Zahnarzt",
            "Ein Asylbewerber hat Zahnschmerzen. Braucht er einen Behandlungsschein vom Sozialamt?",
        ),
        (
            "Kinderärztin finden",
            "Wir finden keine Kinderarztpraxis, die neue Patienten aufnimmt. Gibt es eine "
            "Vermittlung?",
        ),
    ),
    Topic.WORK: (
        (
            "Minijob neben dem Integrationskurs",
            "Darf ein Mann neben dem Integrationskurs einen Minijob annehmen?",
        ),
        (
            "Praktikum im Handwerk",
            "Ein junger Mann möchte ein Praktikum in einer Schreinerei machen. Braucht er dafür "
            "eine Erlaubnis?",
        ),
    ),
    Topic.LEISURE: (
        (
            "Schwimmkurs für Frauen",
            "Gibt es Schwimmkurse nur für Frauen? Mehrere Frauen aus unserem Sprachcafé möchten "
            "schwimmen lernen.",
        ),
    ),
    Topic.INTERPRETING: (
        (
            "Dolmetschen beim Elterngespräch",
            "Die Schule fragt, ob ich beim Elterngespräch auf Farsi dolmetschen kann. Bin ich "
            "dabei versichert?",
        ),
    ),
    Topic.OTHER: (
        (
            "Fahrtkosten erstattet?",
            "Ich fahre oft mit einer Familie zu Terminen. Bekomme ich die Fahrtkosten erstattet?",
        ),
    ),
}

ANSWERS: dict[str, tuple[str, ...]] = {
    Topic.HOUSING: (
        "Das Jobcenter kann die Kaution als Darlehen übernehmen, wenn die Wohnung angemessen ist "
        "und der Umzug vorher genehmigt wurde. Bitte den Antrag vor der Unterschrift unter den "
        "Mietvertrag stellen. Ich schicke Ihnen gern die Liste der Unterlagen.",
        "Bitte den Mangel schriftlich mit Fotos und Frist melden. Reagiert der Vermieter nicht, "
        "hilft der Mieterverein; das Wohnungsamt kann bei Gesundheitsgefahr prüfen.",
    ),
    Topic.AUTHORITIES: (
        "Bei Fristen oder drohendem Arbeitsplatzverlust nimmt die Ausländerbehörde Notfälle per "
        "E-Mail an. Schreiben Sie kurz, worum es geht, und legen Sie das Jobangebot bei. Ich "
        "kenne die Sachbearbeitung und frage gern nach.",
        "Dann sollte die Person nachweisen, was sie unternommen hat (Schreiben an die Botschaft, "
        "Termine). Die Ausländerbehörde kann dann einen Ausweisersatz ausstellen.",
    ),
    Topic.LANGUAGE_LEARNING: (
        "Ja, zwei Träger im Landkreis bieten Kurse mit Kinderbetreuung an, einer vormittags. Ich "
        "schicke Ihnen die Kontakte; die Anmeldung geht direkt beim Träger.",
        "Das BAMF und die Volkshochschulen stellen kostenloses Material bereit; wir haben "
        "außerdem eine Kiste mit Spielen und Bildkarten zum Ausleihen.",
    ),
    Topic.SCHOOL_CHILDCARE: (
        "Die Anmeldung läuft über die Sprengelschule am Wohnort; das Schulamt hilft bei der "
        "Zuordnung zu einer Deutschklasse. Nehmen Sie die Meldebescheinigung mit.",
        "Ja, über das Bildungs- und Teilhabepaket kann Lernförderung übernommen werden, wenn die "
        "Schule den Bedarf bestätigt.",
    ),
    Topic.HEALTH: (
        "Ja, vor dem Termin beim Sozialamt den Behandlungsschein holen. Bei akuten Schmerzen "
        "behandelt die Praxis aber auch ohne Schein.",
        "Die Terminservicestelle der Kassenärztlichen Vereinigung (116117) vermittelt Termine, "
        "auch bei Kinderärzten.",
    ),
    Topic.WORK: (
        "Das hängt vom Aufenthaltsstatus ab. Mit Aufenthaltserlaubnis ist ein Minijob meist "
        "erlaubt; bei Gestattung oder Duldung braucht er die Erlaubnis der Ausländerbehörde.",
        "Ein Pflichtpraktikum oder eine kurze Orientierung ist oft ohne Zustimmung möglich; "
        "sprechen Sie mit der Ausländerbehörde, bevor es losgeht.",
    ),
    Topic.LEISURE: (
        "Das Hallenbad bietet donnerstags Frauenschwimmen mit Trainerin an; ich frage nach "
        "freien Plätzen im Kurs.",
    ),
    Topic.INTERPRETING: (
        "Ja, bei ehrenamtlicher Tätigkeit für die Schule greift die Sammelversicherung des "
        "Landes. Übersetzen Sie vollständig und neutral.",
    ),
    Topic.OTHER: (
        "Engagieren Sie sich über einen Verein, erstattet dieser oft Fahrtkosten. Sprechen Sie "
        "mich an, wir haben ein kleines Budget für Auslagen von Ehrenamtlichen.",
    ),
}
ASK_BACK = (
    "Danke für Ihre Frage. Welchen Aufenthaltstitel hat die Person? Dann kann ich genauer "
    "antworten.",
    "Können Sie mir sagen, in welcher Gemeinde die Familie wohnt? Die Zuständigkeit ist "
    "unterschiedlich.",
)
REPLIES = (
    "Vielen Dank, das hilft uns sehr!",
    "Danke, wir versuchen es so.",
    "Sie hat eine Aufenthaltserlaubnis nach § 24.",
)

# Dialog digital: (title, description, topic, speaker, questions with answers (past) or not).
PAST_SESSION = SessionText(
    title="Arbeit und Ausbildung: Wege in den Beruf",
    description="Staatsminister und Fachabteilung beantworten Ihre Fragen zum Arbeitsmarkt"
    "zugang von Geflüchteten, zur Anerkennung von Abschlüssen und zur Ausbildung.",
    topic=Topic.WORK,
    speaker="Staatsminister Dr. Markus Beispiel",
    summary="Rund 140 Ehrenamtliche haben teilgenommen und 38 Fragen eingereicht. Die "
    "meistunterstützten Fragen wurden im Dialog beantwortet; hier die Antworten zum Nachlesen.",
    answered=(
        (
            "Warum dauert die Anerkennung von Pflegeabschlüssen so lange, obwohl Pflegekräfte "
            "gesucht werden?",
            "Das Landesamt für Pflege hat sein Personal aufgestockt; Anträge mit vollständigen "
            "Unterlagen werden heute im Schnitt in drei Monaten entschieden. Wir fördern "
            "Anpassungslehrgänge, damit Pflegekräfte schon während des Verfahrens arbeiten "
            "können.",
        ),
        (
            "Können Geflüchtete mit Duldung eine Ausbildung beginnen?",
            "Ja. Mit der Ausbildungsduldung ist eine qualifizierte Ausbildung möglich; sie gibt "
            "für die Dauer der Ausbildung Sicherheit. Wichtig ist, den Ausbildungsvertrag früh "
            "bei der Ausländerbehörde vorzulegen.",
        ),
        (
            "Gibt es Sprachkurse, die neben der Arbeit stattfinden, zum Beispiel abends?",
            "Berufsbezogene Deutschkurse gibt es in vielen Städten auch abends und online. Die "
            "Jobcenter und Arbeitsagenturen vermitteln sie; wir setzen uns beim Bund für mehr "
            "Plätze ein.",
        ),
        (
            "Wie können Ehrenamtliche Betriebe finden, die Geflüchtete einstellen?",
            "Die Kammern und die Bundesagentur für Arbeit haben Willkommenslotsen für Betriebe. "
            "Die Integrationslotsen vernetzen Ehrenamtliche mit ihnen; fragen Sie in Ihrem "
            "Landkreis nach.",
        ),
        (
            "Wer übernimmt die Kosten für beglaubigte Übersetzungen von Zeugnissen?",
            "Das Jobcenter oder die Arbeitsagentur übernehmen sie, wenn die Anerkennung für die "
            "Arbeitsaufnahme nötig ist. Ergänzend gibt es den Anerkennungszuschuss des Bundes.",
        ),
        (
            "Dürfen Asylbewerber in den ersten Monaten arbeiten?",
            "In den ersten drei Monaten nicht, danach mit Erlaubnis der Ausländerbehörde, "
            "solange sie nicht mehr in einer Erstaufnahmeeinrichtung wohnen müssen.",
        ),
    ),
)
UPCOMING_SESSION = SessionText(
    title="Wohnen und Ankommen in Bayern",
    description="Wohnungssuche, Auszug aus Gemeinschaftsunterkünften und Nachbarschaft: "
    "Stellen Sie Ihre Fragen an den Staatssekretär, schon jetzt vorab und live in der Sitzung.",
    topic=Topic.HOUSING,
    speaker="Staatssekretärin Dr. Anna Muster",
    approved=(
        "Wie kann der Freistaat mehr bezahlbaren Wohnraum für anerkannte Geflüchtete schaffen?",
        "Warum müssen anerkannte Geflüchtete oft noch Monate in der Unterkunft bleiben?",
        "Gibt es Unterstützung für Vermieter, die an Geflüchtete vermieten?",
        "Wer hilft bei Konflikten mit Nachbarn in neuen Wohnungen?",
        "Werden Mietkautionen künftig schneller vom Jobcenter übernommen?",
        "Wie sollen Ehrenamtliche mit der Wohnsitzauflage umgehen, wenn es vor Ort keine "
        "Wohnung gibt?",
        "Gibt es Wohnprojekte, in denen Einheimische und Geflüchtete zusammen wohnen?",
        "Können Integrationslotsen bei der Wohnungssuche direkt mit Wohnungsbaugesellschaften "
        "sprechen?",
    ),
    pending=(
        "Was passiert mit Familien, deren Mietvertrag nach einem Jahr ausläuft?",
        "Wie erreiche ich das Wohnungsamt, wenn niemand ans Telefon geht?",
    ),
)
