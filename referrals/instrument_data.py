"""Version 1 of the risk instruments and the override rules, loaded by a data
migration. A later version is a new entry here and a new migration calling
load_instruments: existing versions are never changed, because assessments
made with them must still read the same.

The indicator wording is our summary of the public descriptions of SERAF
(Barnardo's Cymru) and the Kent & Medway CSE toolkit [verify with the
partnership's current editions]; the scoring follows DOMAIN.md."""

from dataclasses import dataclass


@dataclass(frozen=True)
class SectionData:
    code: str
    title: str
    points: tuple[int, int, int]  # (current, past 6-12 months, both)
    category: int | None
    indicators: tuple[tuple[str, str, str], ...]  # (code, family, text)


@dataclass(frozen=True)
class InstrumentData:
    code: str
    version: int
    name: str
    method: str
    description: str
    sections: tuple[SectionData, ...]
    bands: tuple[tuple[int, int | None, str, str], ...]  # (lowest, highest, label, risk level)


SERAF_V1 = InstrumentData(
    code="seraf",
    version=1,
    name="SERAF",
    method="score",
    description=(
        "Sexual Exploitation Risk Assessment Framework. Vulnerabilities score 1; moderate indicators 1 if "
        "current; significant indicators 5 if current, 1 if 6 to 12 months ago, 6 if both."
    ),
    sections=(
        SectionData(
            "vulnerabilities",
            "Vulnerabilities",
            (1, 1, 1),
            None,
            (
                ("family-breakdown", "family", "Family breakdown, domestic abuse or parental substance misuse"),
                ("looked-after", "accommodation", "Looked after, or history of unstable accommodation"),
                ("prior-abuse", "family", "History of physical, sexual or emotional abuse or neglect"),
                ("learning-disability", "emotional", "Learning disability or difficulty"),
                ("isolation", "emotional", "Low self-esteem, isolation from peers"),
                ("sexuality-identity", "emotional", "Unsupported questions of sexuality or gender identity"),
            ),
        ),
        SectionData(
            "moderate",
            "Moderate risk indicators",
            (1, 0, 1),
            None,
            (
                ("missing-short", "missing", "Missing from home or care for short periods"),
                ("school-absence", "school", "Absent from school or excluded"),
                ("substances", "substances", "Misusing drugs or alcohol"),
                ("unexplained-gifts", "gifts", "Unexplained gifts, money, clothes or mobile phones"),
                ("online-contacts", "online", "Contact with unknown adults online or secretive phone use"),
                ("distrust", "distrust", "Hostile to or distrustful of professionals"),
                ("self-harm", "emotional", "Self-harm or thoughts of suicide"),
            ),
        ),
        SectionData(
            "significant",
            "Significant risk indicators",
            (5, 1, 6),
            None,
            (
                ("missing-overnight", "missing", "Missing overnight or longer, or found in another area"),
                ("older-partner", "relationship", "Relationship with a significantly older person"),
                ("cars", "associations", "Picked up in cars by unknown adults or seen in cars with them"),
                ("sexual-health", "sexual_health", "Repeat sexual health concerns, pregnancy or termination"),
                ("associates", "associations", "Associating with others known to be sexually exploited"),
                ("disclosure", "disclosure", "Disclosure of sexual exploitation, then withdrawal"),
                ("injuries", "injuries", "Unexplained injuries"),
                ("sexual-images", "online", "Sexual images shared or requested"),
            ),
        ),
    ),
    bands=(
        (0, 5, "Not at risk", "low"),
        (6, 10, "Mild risk", "low"),
        (11, 15, "Moderate risk", "medium"),
        (16, None, "Significant risk", "high"),
    ),
)

KENT_TOOLKIT_V1 = InstrumentData(
    code="kent-medway-toolkit",
    version=1,
    name="Kent & Medway CSE toolkit",
    method="highest_category",
    description=(
        "Category judgement: category 1 (at risk), 2 (medium) or 3 (high), the highest category in which "
        "an indicator is present."
    ),
    sections=(
        SectionData(
            "category-1",
            "Category 1: at risk",
            (0, 0, 0),
            1,
            (
                ("school-absence", "school", "Periods of school absence or reduced timetable"),
                ("risky-online", "online", "Risky use of the internet or social media"),
                ("family-context", "family", "Family context of abuse, neglect or instability"),
                ("low-self-esteem", "emotional", "Low self-esteem or emotional difficulties"),
            ),
        ),
        SectionData(
            "category-2",
            "Category 2: medium risk",
            (0, 0, 0),
            2,
            (
                ("missing", "missing", "Going missing, returning late or unexplained absences"),
                ("gifts", "gifts", "Unexplained money, gifts, phones or new clothes"),
                ("substances", "substances", "Drug or alcohol use"),
                ("older-friends", "relationship", "Friendships with older people or a 'boyfriend'"),
                ("sexual-health", "sexual_health", "Sexual health concerns"),
            ),
        ),
        SectionData(
            "category-3",
            "Category 3: high risk",
            (0, 0, 0),
            3,
            (
                ("exchange-sex", "relationship", "Sex exchanged for goods, money, drugs or accommodation"),
                ("trafficked", "associations", "Moved between places, hotels or parties for abuse"),
                ("known-perpetrators", "associations", "Contact with known perpetrators"),
                ("disclosure", "disclosure", "Disclosure of sexual exploitation"),
                ("serious-injuries", "injuries", "Injuries or assault linked to exploitation"),
            ),
        ),
    ),
    bands=(
        (0, 0, "No indicators present", "low"),
        (1, 1, "Category 1: at risk", "low"),
        (2, 2, "Category 2: medium risk", "medium"),
        (3, None, "Category 3: high risk", "high"),
    ),
)

INSTRUMENTS = (SERAF_V1, KENT_TOOLKIT_V1)

# (code, description, under_age, minimum level)
OVERRIDE_RULES = (("under-13-never-low", "A child under 13 is never rated low", 13, "medium"),)


def load_instruments(apps, schema_editor=None, instruments=INSTRUMENTS, override_rules=OVERRIDE_RULES):
    """Create the given instrument versions and override rules if absent; never
    alters a version that exists."""
    Instrument = apps.get_model("referrals", "Instrument")
    Section = apps.get_model("referrals", "Section")
    Indicator = apps.get_model("referrals", "Indicator")
    Band = apps.get_model("referrals", "Band")
    OverrideRule = apps.get_model("referrals", "OverrideRule")
    for data in instruments:
        if Instrument.objects.filter(code=data.code, version=data.version).exists():
            continue
        instrument = Instrument.objects.create(
            code=data.code, version=data.version, name=data.name, method=data.method, description=data.description
        )
        for position, section_data in enumerate(data.sections, start=1):
            current, past, both = section_data.points
            section = Section.objects.create(
                instrument=instrument,
                code=section_data.code,
                title=section_data.title,
                position=position,
                points_current=current,
                points_past=past,
                points_both=both,
                category=section_data.category,
            )
            for number, (code, family, text) in enumerate(section_data.indicators, start=1):
                Indicator.objects.create(section=section, code=code, family=family, text=text, position=number)
        for lowest, highest, label, level in data.bands:
            Band.objects.create(instrument=instrument, lowest=lowest, highest=highest, label=label, risk_level=level)
    for code, description, under_age, minimum in override_rules:
        OverrideRule.objects.get_or_create(
            code=code, defaults={"description": description, "under_age": under_age, "minimum_level": minimum}
        )
