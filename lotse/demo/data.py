"""Word lists for the demo data: names by origin, organisation names, skills, streets.

Written into the code on purpose: the demo must run from a bare installation (no Faker at
runtime) and be reproducible from a seed. Names are given in the Latin spelling a German
registration form would hold.
"""

from __future__ import annotations

from dataclasses import dataclass

from lotse.organisations.choices import OrganisationKind


@dataclass(frozen=True)
class Origin:
    """A group of people with a shared mother tongue, as far as the demo needs it."""

    key: str
    weight: float
    mother_tongues: tuple[str, ...]
    # Languages people of this origin often speak besides their mother tongue and German.
    second_languages: tuple[str, ...]
    # Interface languages of Lotse people of this origin might prefer.
    interface_languages: tuple[str, ...]
    female: tuple[str, ...]
    male: tuple[str, ...]
    last: tuple[str, ...]


# fmt: off
ORIGINS: tuple[Origin, ...] = (
    Origin(
        key="german",
        weight=54,
        mother_tongues=("de",),
        second_languages=("fr", "es", "it", "ru"),
        interface_languages=("de",),
        female=(
            "Anna", "Maria", "Katharina", "Sabine", "Claudia", "Monika", "Ursula", "Petra",
            "Andrea", "Julia", "Lena", "Sophie", "Laura", "Johanna", "Theresa", "Franziska",
            "Veronika", "Christine", "Birgit", "Elisabeth", "Hannah", "Lisa", "Miriam", "Barbara",
            "Renate", "Gabriele", "Stefanie", "Magdalena", "Carina", "Annika",
        ),
        male=(
            "Thomas", "Michael", "Andreas", "Stefan", "Markus", "Christian", "Wolfgang", "Josef",
            "Johannes", "Florian", "Maximilian", "Sebastian", "Tobias", "Lukas", "Georg",
            "Franz", "Peter", "Klaus", "Martin", "Matthias", "Alexander", "Benedikt", "Korbinian",
            "Simon", "Jonas", "Felix", "Bernhard", "Hubert", "Ludwig", "Paul",
        ),
        last=(
            "Müller", "Schmidt", "Huber", "Wagner", "Bauer", "Maier", "Fischer", "Weber",
            "Schneider", "Hofmann", "Mayer", "Meier", "Becker", "Schäfer", "Koch", "Richter",
            "Wolf", "Schuster", "Brunner", "Gruber", "Hartmann", "Lang", "Zimmermann", "Kraus",
            "Schmid", "Seidl", "Hofbauer", "Pichler", "Obermeier", "Lechner", "Steiner",
            "Wimmer", "Baumgartner", "Fuchs", "Winkler", "Haas", "Eder", "Kellner", "Reiter",
            "Hollweck", "Bachmaier", "Stadler", "Ziegler", "Vogel", "Sommer",
        ),
    ),
    Origin(
        key="turkish",
        weight=8,
        mother_tongues=("tr",),
        second_languages=("kmr",),
        interface_languages=("de", "de", "tr"),
        female=(
            "Ayşe", "Fatma", "Elif", "Zeynep", "Emine", "Hatice", "Merve", "Selin", "Derya",
            "Esra", "Gül", "Sevgi", "Büşra", "Melek", "Nesrin",
        ),
        male=(
            "Mehmet", "Mustafa", "Ahmet", "Ali", "Hüseyin", "Hasan", "Murat", "Emre", "Burak",
            "Cem", "Kemal", "Osman", "Serkan", "Yusuf", "Deniz",
        ),
        last=(
            "Yılmaz", "Kaya", "Demir", "Şahin", "Çelik", "Yıldız", "Yıldırım", "Öztürk", "Aydın",
            "Özdemir", "Arslan", "Doğan", "Kılıç", "Aslan", "Çetin", "Kara", "Koç", "Kurt",
            "Özkan", "Polat",
        ),
    ),
    Origin(
        key="ukrainian",
        weight=7,
        mother_tongues=("uk",),
        second_languages=("ru", "pl"),
        interface_languages=("uk", "uk", "de"),
        female=(
            "Olena", "Oksana", "Iryna", "Natalija", "Tetjana", "Switlana", "Julija", "Kateryna",
            "Anastasija", "Marija", "Olha", "Halyna", "Wiktorija", "Daryna", "Solomija",
        ),
        male=(
            "Oleksandr", "Andrij", "Serhij", "Dmytro", "Mykola", "Wolodymyr", "Jurij", "Iwan",
            "Bohdan", "Taras", "Maksym", "Wasyl", "Petro", "Ostap", "Roman",
        ),
        last=(
            "Kowalenko", "Bondarenko", "Tkatschenko", "Schewtschenko", "Kowaltschuk",
            "Melnyk", "Bojko", "Krawtschenko", "Oliinyk", "Lysenko", "Moroz", "Pawlenko",
            "Sawtschenko", "Rudenko", "Martschenko", "Petrenko", "Hrytsenko", "Kusmenko",
        ),
    ),
    Origin(
        key="russian",
        weight=5,
        mother_tongues=("ru",),
        second_languages=("uk",),
        interface_languages=("de", "ru"),
        female=(
            "Jelena", "Olga", "Tatjana", "Swetlana", "Irina", "Natalja", "Ljudmila", "Anna",
            "Ekaterina", "Walentina", "Galina", "Xenia",
        ),
        male=(
            "Sergej", "Alexej", "Dmitri", "Andrej", "Wladimir", "Viktor", "Juri", "Nikolai",
            "Pawel", "Igor", "Michail", "Waldemar",
        ),
        last=(
            "Iwanow", "Smirnow", "Kusnezow", "Popow", "Wassiljew", "Petrow", "Sokolow",
            "Fischer", "Becker", "Schmidt", "Wolkow", "Fedorow", "Morosow", "Lebedew", "Koslow",
        ),
    ),
    Origin(
        key="arabic",
        weight=7,
        mother_tongues=("ar",),
        second_languages=("fr", "en"),
        interface_languages=("ar", "ar", "de"),
        female=(
            "Fatima", "Amina", "Leila", "Rania", "Nour", "Hiba", "Yasmin", "Rasha", "Dima",
            "Lina", "Salma", "Aya", "Mariam", "Huda", "Rima",
        ),
        male=(
            "Mohammed", "Ahmad", "Omar", "Khaled", "Yousef", "Ibrahim", "Mahmoud", "Hussein",
            "Samer", "Tarek", "Bassam", "Rami", "Karim", "Hamza", "Walid",
        ),
        last=(
            "Al-Hassan", "Haddad", "Khalil", "Mansour", "Saleh", "Nasser", "Hamdan", "Darwish",
            "Al-Ahmad", "Aboud", "Haj Ali", "Masri", "Halabi", "Suleiman", "Kassem", "Othman",
            "Al-Khatib", "Youssef",
        ),
    ),
    Origin(
        key="polish",
        weight=4,
        mother_tongues=("pl",),
        second_languages=("ru",),
        interface_languages=("de",),
        female=(
            "Agnieszka", "Katarzyna", "Małgorzata", "Joanna", "Magdalena", "Anna", "Ewa",
            "Monika", "Dorota", "Justyna",
        ),
        male=(
            "Piotr", "Krzysztof", "Tomasz", "Paweł", "Marcin", "Michał", "Jakub", "Łukasz",
            "Grzegorz", "Wojciech",
        ),
        last=(
            "Nowak", "Kowalski", "Wiśniewski", "Wójcik", "Kamiński", "Lewandowski",
            "Zieliński", "Szymański", "Woźniak", "Dąbrowski", "Kozłowski", "Mazur",
        ),
    ),
    Origin(
        key="persian",
        weight=3,
        mother_tongues=("fa",),
        second_languages=("prs",),
        interface_languages=("fa", "de"),
        female=(
            "Maryam", "Zahra", "Shirin", "Parisa", "Neda", "Sara", "Mahsa", "Leyla", "Niloufar",
            "Azadeh",
        ),
        male=(
            "Reza", "Ali", "Mehdi", "Hossein", "Amir", "Dariush", "Babak", "Kaveh", "Arash",
            "Farhad",
        ),
        last=(
            "Hosseini", "Mohammadi", "Rahimi", "Karimi", "Ahmadi", "Rezaei", "Jafari",
            "Moradi", "Sadeghi", "Tehrani", "Kazemi", "Hashemi",
        ),
    ),
    Origin(
        key="afghan",
        weight=2.5,
        mother_tongues=("prs", "ps"),
        second_languages=("fa", "ur"),
        interface_languages=("fa", "de"),
        female=("Fereshta", "Mariam", "Nazanin", "Soraya", "Freshta", "Zarghona", "Malalai"),
        male=("Ahmad", "Mohammad", "Naweed", "Farid", "Jawid", "Rahim", "Shafiq", "Wahid"),
        last=(
            "Ahmadzai", "Popal", "Noori", "Sultani", "Rahimi", "Hakimi", "Amiri", "Stanikzai",
            "Safi", "Barakzai",
        ),
    ),
    Origin(
        key="kurdish",
        weight=2,
        mother_tongues=("kmr", "ckb"),
        second_languages=("tr", "ar", "fa"),
        interface_languages=("de", "tr", "ar"),
        female=("Rojda", "Berfin", "Zilan", "Dilan", "Rojin", "Nazdar", "Shilan", "Avin"),
        male=("Azad", "Baran", "Rojhat", "Serhat", "Dilşad", "Hawar", "Rêber", "Zana"),
        last=("Aydın", "Ahmed", "Hussein", "Bakir", "Barzani", "Kaya", "Mustafa", "Rashid"),
    ),
    Origin(
        key="romanian",
        weight=2,
        mother_tongues=("ro",),
        second_languages=("it", "fr"),
        interface_languages=("de", "en"),
        female=("Ioana", "Andreea", "Elena", "Mihaela", "Alexandra", "Cristina", "Ana"),
        male=("Andrei", "Alexandru", "Mihai", "Ionuț", "Florin", "Gheorghe", "Adrian"),
        last=("Popescu", "Ionescu", "Popa", "Dumitru", "Stan", "Stoica", "Gheorghe", "Munteanu"),
    ),
    Origin(
        key="balkan",
        weight=3,
        mother_tongues=("sr", "hr", "bs", "sq"),
        second_languages=("en", "it"),
        interface_languages=("de",),
        female=("Ivana", "Jelena", "Maja", "Ana", "Marija", "Amra", "Lejla", "Arta", "Drita"),
        male=("Marko", "Nikola", "Stefan", "Ivan", "Emir", "Adnan", "Arben", "Luka", "Dragan"),
        last=(
            "Jovanović", "Petrović", "Horvat", "Kovačević", "Hodžić", "Begić", "Krasniqi",
            "Gashi", "Babić", "Marić", "Nikolić",
        ),
    ),
    Origin(
        key="southern_european",
        weight=2.5,
        mother_tongues=("it", "el", "es", "pt"),
        second_languages=("en", "fr"),
        interface_languages=("de", "en"),
        female=("Giulia", "Francesca", "Eleni", "Sofia", "Carmen", "Lucía", "Ana", "Maria"),
        male=("Giuseppe", "Marco", "Georgios", "Dimitrios", "Javier", "Carlos", "João", "Luca"),
        last=(
            "Rossi", "Russo", "Ferrari", "Papadopoulos", "Georgiou", "García", "Fernández",
            "Silva", "Santos", "Esposito", "Nikolaidis",
        ),
    ),
    Origin(
        key="east_african",
        weight=1,
        mother_tongues=("ti", "so", "am"),
        second_languages=("ar", "en"),
        interface_languages=("de", "en"),
        female=("Selam", "Helen", "Saba", "Hiwet", "Fardowsa", "Hodan", "Meron"),
        male=("Yonas", "Dawit", "Tesfay", "Abdi", "Mohamed", "Berhane", "Samuel"),
        last=("Tesfaye", "Gebremedhin", "Haile", "Abdullahi", "Warsame", "Tekle", "Mebrahtu"),
    ),
    Origin(
        key="vietnamese",
        weight=0.8,
        mother_tongues=("vi",),
        second_languages=("en",),
        interface_languages=("de",),
        female=("Lan", "Hoa", "Mai", "Linh", "Thu", "Huong"),
        male=("Minh", "Duc", "Tuan", "Hung", "Long", "Quang"),
        last=("Nguyen", "Tran", "Le", "Pham", "Hoang", "Vu"),
    ),
    Origin(
        key="south_asian",
        weight=1.2,
        mother_tongues=("hi", "ur", "ta"),
        second_languages=("en",),
        interface_languages=("en", "de"),
        female=("Priya", "Ananya", "Aisha", "Sana", "Kavya", "Lakshmi"),
        male=("Rahul", "Arjun", "Imran", "Vikram", "Karthik", "Faisal"),
        last=("Sharma", "Patel", "Khan", "Iyer", "Reddy", "Qureshi", "Singh"),
    ),
    Origin(
        key="caucasian",
        weight=0.5,
        mother_tongues=("ka", "hy"),
        second_languages=("ru",),
        interface_languages=("ru", "de"),
        female=("Nino", "Tamar", "Anahit", "Lilit", "Mariam"),
        male=("Giorgi", "Levan", "Aram", "Davit", "Tigran"),
        last=("Beridze", "Kapanadze", "Gelashvili", "Hakobyan", "Grigoryan", "Sargsyan"),
    ),
)

# fmt: on

SKILLS: tuple[str, ...] = (
    "Hausaufgabenhilfe",
    "Begleitung zu Behörden",
    "Deutschunterricht für Anfänger",
    "Sprachcafé moderieren",
    "Führerschein Klasse B",
    "Eigenes Auto",
    "Bewerbungstraining",
    "Lebensläufe schreiben",
    "Wohnungssuche",
    "Formulare ausfüllen",
    "Kinderbetreuung",
    "Fahrradwerkstatt",
    "Kochen",
    "Nähen",
    "Gärtnern",
    "Fußballtraining",
    "Schwimmen",
    "Erste Hilfe",
    "Pflegeerfahrung",
    "Medizinische Fachbegriffe",
    "Buchhaltung",
    "Rechtliche Grundkenntnisse",
    "IT und Computer",
    "Smartphone-Hilfe",
    "Musik",
    "Malen und Basteln",
    "Stadtführungen",
    "Übersetzen von Dokumenten",
    "Dolmetschen bei Arztbesuchen",
    "Elternarbeit in der Kita",
    "Lernpatenschaft für Schulkinder",
    "Vereinsarbeit",
    "Öffentlichkeitsarbeit",
    "Fundraising",
    "Handwerk",
    "Umzugshilfe",
    "Möbel aufbauen",
    "Behördenbriefe erklären",
    "Mathematik-Nachhilfe",
    "Theater und Spiel",
)

# fmt: off
STREETS: tuple[str, ...] = (
    "Hauptstraße", "Bahnhofstraße", "Kirchplatz", "Marktplatz", "Schulstraße", "Lindenweg",
    "Gartenstraße", "Ringstraße", "Bergstraße", "Am Stadtpark", "Rathausplatz", "Mühlweg",
    "Ludwigstraße", "Maximilianstraße", "Karlstraße", "Friedenstraße", "Schillerstraße",
    "Goethestraße", "Dorfstraße", "Frauenstraße",
)

# Seats of the Landkreise (Kreisstädte), for the town of an organisation in a Landkreis.
DISTRICT_SEATS: dict[str, str] = {
    "09171": "Altötting", "09172": "Bad Reichenhall", "09173": "Bad Tölz", "09174": "Dachau",
    "09175": "Ebersberg", "09176": "Eichstätt", "09177": "Erding", "09178": "Freising",
    "09179": "Fürstenfeldbruck", "09180": "Garmisch-Partenkirchen",
    "09181": "Landsberg am Lech", "09182": "Miesbach", "09183": "Mühldorf a. Inn",
    "09184": "Unterhaching", "09185": "Neuburg a. d. Donau", "09186": "Pfaffenhofen a. d. Ilm",
    "09187": "Rosenheim", "09188": "Starnberg", "09189": "Traunstein", "09190": "Weilheim i. OB",
    "09271": "Deggendorf", "09272": "Freyung", "09273": "Kelheim", "09274": "Landshut",
    "09275": "Passau", "09276": "Regen", "09277": "Pfarrkirchen", "09278": "Straubing",
    "09279": "Dingolfing", "09371": "Amberg", "09372": "Cham", "09373": "Neumarkt i. d. OPf.",
    "09374": "Neustadt a. d. Waldnaab", "09375": "Regensburg", "09376": "Schwandorf",
    "09377": "Tirschenreuth", "09471": "Bamberg", "09472": "Bayreuth", "09473": "Coburg",
    "09474": "Forchheim", "09475": "Hof", "09476": "Kronach", "09477": "Kulmbach",
    "09478": "Lichtenfels", "09479": "Wunsiedel", "09571": "Ansbach", "09572": "Erlangen",
    "09573": "Zirndorf", "09574": "Lauf a. d. Pegnitz", "09575": "Neustadt a. d. Aisch",
    "09576": "Roth", "09577": "Weißenburg i. Bay.", "09671": "Aschaffenburg",
    "09672": "Bad Kissingen", "09673": "Bad Neustadt a. d. Saale", "09674": "Haßfurt",
    "09675": "Kitzingen", "09676": "Miltenberg", "09677": "Karlstadt", "09678": "Schweinfurt",
    "09679": "Würzburg", "09771": "Aichach", "09772": "Augsburg", "09773": "Dillingen a. d. Donau",
    "09774": "Günzburg", "09775": "Neu-Ulm", "09776": "Lindau (Bodensee)",
    "09777": "Marktoberdorf", "09778": "Mindelheim", "09779": "Donauwörth", "09780": "Sonthofen",
}

# fmt: on


@dataclass(frozen=True)
class OrganisationTemplate:
    """A name pattern for one kind of organisation, with its usual topics and languages.

    Placeholders: {town} (the city, or the seat of a Landkreis), {place} (the district's own
    name: "Erlangen", "Rottal-Inn"), {area} ("Stadt Erlangen" / "Landkreis Rottal-Inn"),
    {of_area} ("der Stadt Erlangen" / "des Landkreises Rottal-Inn").
    """

    kind: str
    pattern: str
    topics: tuple[str, ...]
    languages: tuple[str, ...] = ("de",)
    # Only for districts of this kind ("kreisfreie_stadt" or "landkreis"); "" for both.
    district_kind: str = ""


_ALL_HELP = ("language_learning", "authorities", "housing", "work", "health", "leisure")

# fmt: off
ORGANISATION_TEMPLATES: tuple[OrganisationTemplate, ...] = (
    # Migrant organisations
    OrganisationTemplate(
        OrganisationKind.MIGRANT_ORGANISATION, "Deutsch-Ukrainischer Verein {town} e.V.",
        ("interpreting", "authorities", "school_childcare", "leisure"), ("de", "uk", "ru"),
    ),
    OrganisationTemplate(
        OrganisationKind.MIGRANT_ORGANISATION, "Türkisch-Deutscher Kulturverein {town} e.V.",
        ("leisure", "school_childcare", "language_learning"), ("de", "tr"),
    ),
    OrganisationTemplate(
        OrganisationKind.MIGRANT_ORGANISATION, "Syrisch-Deutscher Kulturverein {town} e.V.",
        ("interpreting", "authorities", "work", "leisure"), ("de", "ar", "kmr"),
    ),
    OrganisationTemplate(
        OrganisationKind.MIGRANT_ORGANISATION, "Afghanischer Frauenverein {town} e.V.",
        ("health", "school_childcare", "language_learning"), ("de", "prs", "ps", "fa"),
    ),
    OrganisationTemplate(
        OrganisationKind.MIGRANT_ORGANISATION, "Deutsch-Russischer Kulturkreis {town} e.V.",
        ("leisure", "language_learning"), ("de", "ru"),
    ),
    OrganisationTemplate(
        OrganisationKind.MIGRANT_ORGANISATION, "Eritreische Gemeinschaft {town} e.V.",
        ("interpreting", "authorities", "housing"), ("de", "ti", "ar"),
    ),
    OrganisationTemplate(
        OrganisationKind.MIGRANT_ORGANISATION, "Kurdisches Kulturzentrum {town} e.V.",
        ("leisure", "interpreting"), ("de", "kmr", "ckb", "tr", "ar"),
    ),
    OrganisationTemplate(
        OrganisationKind.MIGRANT_ORGANISATION, "Polnische Katholische Mission {town}",
        ("leisure", "school_childcare"), ("de", "pl"),
    ),
    OrganisationTemplate(
        OrganisationKind.MIGRANT_ORGANISATION, "Afrikanisches Netzwerk {town} e.V.",
        ("work", "authorities", "leisure"), ("de", "fr", "en", "so", "am"),
    ),
    OrganisationTemplate(
        OrganisationKind.MIGRANT_ORGANISATION, "Deutsch-Arabischer Frauenverein {town} e.V.",
        ("health", "school_childcare", "language_learning"), ("de", "ar"),
    ),
    OrganisationTemplate(
        OrganisationKind.MIGRANT_ORGANISATION, "Vietnamesischer Kulturverein {town} e.V.",
        ("leisure", "school_childcare"), ("de", "vi"),
    ),
    OrganisationTemplate(
        OrganisationKind.MIGRANT_ORGANISATION, "Griechische Gemeinde {town} e.V.",
        ("leisure", "school_childcare"), ("de", "el"),
    ),
    # Volunteer agencies and KoBE
    OrganisationTemplate(
        OrganisationKind.VOLUNTEER_AGENCY, "Freiwilligenagentur {town}", _ALL_HELP,
        ("de", "en"),
    ),
    OrganisationTemplate(
        OrganisationKind.VOLUNTEER_AGENCY, "Freiwilligenzentrum {town} e.V.", _ALL_HELP,
        ("de", "en"),
    ),
    OrganisationTemplate(
        OrganisationKind.VOLUNTEER_AGENCY, "Ehrenamtsbörse {area}", ("leisure", "other"),
    ),
    OrganisationTemplate(
        OrganisationKind.KOBE, "Koordinierungszentrum Bürgerschaftliches Engagement {area}",
        ("leisure", "work", "other"),
    ),
    OrganisationTemplate(OrganisationKind.KOBE, "KoBE {area}", ("leisure", "other")),
    # Immigration offices
    OrganisationTemplate(
        OrganisationKind.IMMIGRATION_OFFICE, "Ausländerbehörde Landratsamt {place}",
        ("authorities",), ("de", "en"), district_kind="landkreis",
    ),
    OrganisationTemplate(
        OrganisationKind.IMMIGRATION_OFFICE, "Ausländerbehörde der Stadt {town}",
        ("authorities",), ("de", "en"), district_kind="kreisfreie_stadt",
    ),
    # Advisory councils
    OrganisationTemplate(
        OrganisationKind.ADVISORY_COUNCIL,
        "Beirat für Migration und Integration der Stadt {town}",
        ("authorities", "leisure", "other"), ("de", "en", "tr", "ar"),
        district_kind="kreisfreie_stadt",
    ),
    OrganisationTemplate(
        OrganisationKind.ADVISORY_COUNCIL, "Integrationsbeirat {of_area}",
        ("authorities", "other"), ("de", "en"),
    ),
    # Welfare associations
    OrganisationTemplate(
        OrganisationKind.WELFARE_ASSOCIATION, "Caritasverband {place} e.V.",
        ("health", "housing", "authorities", "school_childcare"), ("de", "en", "ar"),
    ),
    OrganisationTemplate(
        OrganisationKind.WELFARE_ASSOCIATION, "Diakonisches Werk {place} e.V.",
        ("housing", "work", "authorities"), ("de", "en", "uk"),
    ),
    OrganisationTemplate(
        OrganisationKind.WELFARE_ASSOCIATION, "AWO Kreisverband {place} e.V.",
        ("school_childcare", "work", "health"), ("de", "tr"),
    ),
    OrganisationTemplate(
        OrganisationKind.WELFARE_ASSOCIATION, "BRK Kreisverband {place}",
        ("health", "housing"), ("de", "en"),
    ),
    OrganisationTemplate(
        OrganisationKind.WELFARE_ASSOCIATION, "Malteser Hilfsdienst {town}",
        ("health", "leisure"), ("de",),
    ),
    # Municipalities
    OrganisationTemplate(
        OrganisationKind.MUNICIPALITY, "Integrationsbüro der Stadt {town}",
        ("authorities", "language_learning", "housing"), ("de", "en"),
        district_kind="kreisfreie_stadt",
    ),
    OrganisationTemplate(
        OrganisationKind.MUNICIPALITY, "Landratsamt {place} – Sachgebiet Integration",
        ("authorities", "housing"), ("de", "en"), district_kind="landkreis",
    ),
    # Job centres
    OrganisationTemplate(
        OrganisationKind.JOB_CENTRE, "Jobcenter {town}", ("work", "language_learning"),
        ("de", "en"), district_kind="kreisfreie_stadt",
    ),
    OrganisationTemplate(
        OrganisationKind.JOB_CENTRE, "Jobcenter {area}", ("work", "language_learning"),
        ("de", "en"), district_kind="landkreis",
    ),
    # Schools
    OrganisationTemplate(
        OrganisationKind.SCHOOL, "Volkshochschule {town}", ("language_learning", "work"),
        ("de", "en"),
    ),
    OrganisationTemplate(
        OrganisationKind.SCHOOL, "Staatliche Berufsschule {town}", ("work", "language_learning"),
    ),
    OrganisationTemplate(
        OrganisationKind.SCHOOL, "Grund- und Mittelschule {town}-Nord",
        ("school_childcare", "language_learning"),
    ),
    # Other
    OrganisationTemplate(
        OrganisationKind.OTHER, "Helferkreis Asyl {town}", _ALL_HELP, ("de", "en"),
    ),
    OrganisationTemplate(
        OrganisationKind.OTHER, "Mehrgenerationenhaus {town}", ("leisure", "school_childcare"),
    ),
    OrganisationTemplate(
        OrganisationKind.OTHER, "Bündnis für Vielfalt {area}", ("leisure", "other"),
    ),
)

# fmt: on

DESCRIPTIONS: dict[str, str] = {
    OrganisationKind.MIGRANT_ORGANISATION: (
        "Wir sind ein Verein von Zugewanderten und Einheimischen. Wir begleiten Neuzugewanderte "
        "im Alltag, übersetzen, organisieren Feste und Sprachtreffs."
    ),
    OrganisationKind.VOLUNTEER_AGENCY: (
        "Wir beraten Menschen, die sich engagieren wollen, und vermitteln sie an passende "
        "Einsatzstellen in der Integrationsarbeit."
    ),
    OrganisationKind.KOBE: (
        "Wir vernetzen Vereine, Initiativen und Verwaltung und stärken das bürgerschaftliche "
        "Engagement in der Region."
    ),
    OrganisationKind.IMMIGRATION_OFFICE: (
        "Wir sind auf dem Weg zur Willkommensbehörde: Termine online, Informationen in "
        "mehreren Sprachen, feste Ansprechpersonen."
    ),
    OrganisationKind.ADVISORY_COUNCIL: (
        "Der Beirat vertritt die Interessen der Menschen mit Migrationsgeschichte gegenüber "
        "Stadtrat und Verwaltung."
    ),
    OrganisationKind.WELFARE_ASSOCIATION: (
        "Migrationsberatung, Flüchtlings- und Integrationsberatung sowie Begleitung von "
        "Ehrenamtlichen."
    ),
    OrganisationKind.MUNICIPALITY: (
        "Die Kommune koordiniert Integrationskurse, Unterkünfte und das Ehrenamt vor Ort."
    ),
    OrganisationKind.JOB_CENTRE: (
        "Wir unterstützen bei Arbeitssuche, Anerkennung von Abschlüssen und berufsbezogenen "
        "Sprachkursen."
    ),
    OrganisationKind.SCHOOL: (
        "Wir bieten Sprach- und Integrationskurse sowie Übergangsklassen an und freuen uns "
        "über Lernpatinnen und Lernpaten."
    ),
    OrganisationKind.OTHER: (
        "Ein Zusammenschluss von Bürgerinnen und Bürgern, die Neuzugewanderte im Alltag "
        "unterstützen."
    ),
}
