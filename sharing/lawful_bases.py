"""The lawful bases offered when sharing, by the sharing agency's regime
(DOMAIN.md, "Sharing and audit"). Loaded as reference data by a migration:
the information governance leads own the wording, so later changes are new
migrations or admin edits, not code."""

LAWFUL_BASES = (
    (
        "dpa3-sch8-para4",
        "law_enforcement",
        "DPA 2018 Part 3, s35 with Schedule 8 para 4: safeguarding of children and individuals at risk",
    ),
    ("dpa3-sch8-para1", "law_enforcement", "DPA 2018 Part 3, s35 with Schedule 8 para 1: statutory purposes"),
    ("dpa3-sch8-para3", "law_enforcement", "DPA 2018 Part 3, s35 with Schedule 8 para 3: vital interests"),
    ("cda-s115-police", "law_enforcement", "Crime and Disorder Act 1998 s115: disclosure by the police"),
    (
        "gdpr-public-task-safeguarding",
        "uk_gdpr",
        "UK GDPR Art 6(1)(e) public task with Art 9(2)(g) and DPA 2018 Schedule 1 para 18: safeguarding of children",
    ),
    ("gdpr-vital-interests", "uk_gdpr", "UK GDPR Art 6(1)(d) and Art 9(2)(c): vital interests"),
    ("cda-s115-authority", "uk_gdpr", "Crime and Disorder Act 1998 s115: disclosure by a relevant authority"),
)


def load_lawful_bases(apps, schema_editor=None):
    LawfulBasis = apps.get_model("sharing", "LawfulBasis")
    for code, regime, title in LAWFUL_BASES:
        LawfulBasis.objects.update_or_create(code=code, defaults={"regime": regime, "title": title, "active": True})
