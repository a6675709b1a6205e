"""Risk assessment instruments as versioned reference data: the Kent & Medway
CSE toolkit (category judgement), SERAF (scored, with bands) and whatever the
partnership adopts next. Scoring, bands and override rules are rows, not code:
a new version of an instrument is a new set of rows, and assessments keep the
version they were made with. Loaded by data migrations (see instrument_data.py)."""

from django.db import models


class RiskLevel(models.TextChoices):
    """The common scale every instrument's result maps to."""

    LOW = "low", "Low"
    MEDIUM = "medium", "Medium"
    HIGH = "high", "High"


RISK_RANK = {RiskLevel.LOW: 1, RiskLevel.MEDIUM: 2, RiskLevel.HIGH: 3}


class Instrument(models.Model):
    """One version of a risk assessment tool."""

    class Method(models.TextChoices):
        SCORE = "score", "Points summed, then banded"
        HIGHEST_CATEGORY = "highest_category", "Highest category with an indicator present"

    code = models.SlugField(max_length=40)
    version = models.PositiveSmallIntegerField()
    name = models.CharField(max_length=200)
    method = models.CharField(max_length=20, choices=Method.choices)
    description = models.TextField(blank=True)
    suspected_counts = models.BooleanField(
        default=True, help_text="A suspected indicator counts as present (the precautionary reading)"
    )
    active = models.BooleanField(default=True, help_text="Offered for new assessments")
    review_months = models.PositiveSmallIntegerField(default=3, help_text="Review at least this often")

    class Meta:
        ordering = ["name", "-version"]
        constraints = [models.UniqueConstraint(fields=["code", "version"], name="instrument_code_version_unique")]

    def __str__(self):
        return f"{self.name} (version {self.version})"


class Section(models.Model):
    """A group of indicators scored alike: SERAF's vulnerabilities, moderate and
    significant indicators; the toolkit's categories 1 to 3."""

    instrument = models.ForeignKey(Instrument, on_delete=models.CASCADE, related_name="sections")
    code = models.SlugField(max_length=40)
    title = models.CharField(max_length=200)
    position = models.PositiveSmallIntegerField()
    points_current = models.PositiveSmallIntegerField(default=0, help_text="Points when present now")
    points_past = models.PositiveSmallIntegerField(default=0, help_text="Points when present 6 to 12 months ago")
    points_both = models.PositiveSmallIntegerField(default=0, help_text="Points when present now and in the past")
    category = models.PositiveSmallIntegerField(null=True, blank=True, help_text="For category instruments")

    class Meta:
        ordering = ["instrument", "position"]
        constraints = [models.UniqueConstraint(fields=["instrument", "code"], name="section_code_unique")]

    def __str__(self):
        return self.title


class Indicator(models.Model):
    class Family(models.TextChoices):
        MISSING = "missing", "Missing episodes"
        RELATIONSHIP = "relationship", "Older boyfriend or inappropriate relationship"
        GIFTS = "gifts", "Unexplained gifts, money or phones"
        SUBSTANCES = "substances", "Substance misuse"
        SCHOOL = "school", "School absence or exclusion"
        SEXUAL_HEALTH = "sexual_health", "Sexual health"
        ASSOCIATIONS = "associations", "Risky associations or cars"
        ONLINE = "online", "Technology and online grooming"
        EMOTIONAL = "emotional", "Emotional health or self-harm"
        FAMILY = "family", "Family context"
        ACCOMMODATION = "accommodation", "Accommodation"
        DISTRUST = "distrust", "Distrust of authority"
        DISCLOSURE = "disclosure", "Disclosure then withdrawal"
        INJURIES = "injuries", "Injuries"

    section = models.ForeignKey(Section, on_delete=models.CASCADE, related_name="indicators")
    code = models.SlugField(max_length=60)
    text = models.CharField(max_length=300)
    family = models.CharField(max_length=20, choices=Family.choices)
    position = models.PositiveSmallIntegerField()

    class Meta:
        ordering = ["section", "position"]
        constraints = [models.UniqueConstraint(fields=["section", "code"], name="indicator_code_unique")]

    def __str__(self):
        return self.text


class Band(models.Model):
    """A range of an instrument's result (score or category) and its level."""

    instrument = models.ForeignKey(Instrument, on_delete=models.CASCADE, related_name="bands")
    lowest = models.PositiveSmallIntegerField()
    highest = models.PositiveSmallIntegerField(null=True, blank=True, help_text="Empty: no upper limit")
    label = models.CharField(max_length=100)
    risk_level = models.CharField(max_length=10, choices=RiskLevel.choices)

    class Meta:
        ordering = ["instrument", "lowest"]

    def __str__(self):
        upper = f"-{self.highest}" if self.highest is not None else "+"
        return f"{self.lowest}{upper}: {self.label}"

    def covers(self, value: int) -> bool:
        return value >= self.lowest and (self.highest is None or value <= self.highest)


class OverrideRule(models.Model):
    """A floor on the computed level, applied before professional judgement:
    "a child under 13 is never rated low". Applies to every instrument unless
    one is named."""

    code = models.SlugField(max_length=60, unique=True)
    description = models.CharField(max_length=300)
    instrument = models.ForeignKey(Instrument, on_delete=models.CASCADE, null=True, blank=True, related_name="+")
    under_age = models.PositiveSmallIntegerField(help_text="Applies to a child younger than this at assessment")
    minimum_level = models.CharField(max_length=10, choices=RiskLevel.choices)
    active = models.BooleanField(default=True)

    def __str__(self):
        return self.description
